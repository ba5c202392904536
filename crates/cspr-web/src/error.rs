//! Errors of the web layer and the generic pages they become: detail goes to the log (never
//! personal data), the page says only what a user can act on.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// What went wrong while handling a request.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Not signed in.
    #[error("not signed in")]
    SignedOut,
    /// Signed in but not allowed.
    #[error("forbidden")]
    Forbidden,
    /// No such page or record.
    #[error("not found")]
    NotFound,
    /// A form or query that could not be read at all (not a validation error: those re-render
    /// the form).
    #[error("bad request")]
    BadRequest,
    /// The disk is full: nothing was written.
    #[error("disk full")]
    DiskFull,
    /// The case's personal data was erased at the end of its retention period (its key is
    /// destroyed): a page says so instead of failing.
    #[error("erased")]
    Erased,
    /// Anything else (detail for the log only).
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<cspr_store::StoreError> for WebError {
    fn from(e: cspr_store::StoreError) -> Self {
        match e {
            cspr_store::StoreError::DiskFull => Self::DiskFull,
            cspr_store::StoreError::NotFound => Self::NotFound,
            cspr_store::StoreError::Shredded => Self::Erased,
            other => Self::Internal(other.to_string()),
        }
    }
}

/// An application error that a page did not turn into a message of its own: a case that is
/// not there is "not found", a full disk says so, anything else is logged as internal. (The
/// process's refusals and concurrent changes are shown on the form by the page itself, through
/// [`refused`].)
impl From<cspr_app::AppError> for WebError {
    fn from(e: cspr_app::AppError) -> Self {
        match e {
            cspr_app::AppError::NotFound => Self::NotFound,
            cspr_app::AppError::Store(store) => Self::from(store),
            other => Self::Internal(other.to_string()),
        }
    }
}

/// Sorts an application error for a page: the process's refusal or a concurrent change is a
/// message to show on the form (`Ok`); anything else is the page's error (`Err`).
///
/// # Errors
/// Every error that is not a message for the user.
pub fn refused(e: cspr_app::AppError) -> Result<String, WebError> {
    match e {
        cspr_app::AppError::Domain(d) => Ok(d.to_string()),
        e @ cspr_app::AppError::Conflict { .. } => Ok(e.to_string()),
        other => Err(WebError::from(other)),
    }
}

/// [`refused`], with the page's own words for a concurrent change.
///
/// # Errors
/// Every error that is not a message for the user.
pub fn refused_or(e: cspr_app::AppError, on_conflict: &str) -> Result<String, WebError> {
    match e {
        cspr_app::AppError::Conflict { .. } => Ok(on_conflict.to_owned()),
        other => refused(other),
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(format!("template: {e}"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: crate::layout::Chrome,
    status: u16,
    title: &'static str,
    message: &'static str,
}

/// The words of an error page, carried on the response until [`render`] draws the page.
#[derive(Debug, Clone, Copy)]
struct ErrorWords {
    title: &'static str,
    message: &'static str,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            Self::SignedOut => (
                StatusCode::UNAUTHORIZED,
                "You need to sign in",
                "Sign in to see this page.",
            ),
            Self::Forbidden => (
                StatusCode::FORBIDDEN,
                "You do not have access to this page",
                "If you think you should have access, contact your partnership team.",
            ),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "If you typed the web address, check it is correct.",
            ),
            Self::BadRequest => (
                StatusCode::BAD_REQUEST,
                "Sorry, that could not be read",
                "Go back to the form and try again. Nothing was saved.",
            ),
            Self::Erased => (
                StatusCode::GONE,
                "This case's personal data has been erased",
                "The case passed the end of its retention period and its records were erased under the partnership's retention schedule. Only its reference and stage are kept.",
            ),
            Self::DiskFull => {
                tracing::error!("disk full: request refused, nothing written");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Sorry, the service cannot save anything at the moment",
                    "Nothing you sent was saved. Try again later; the team running the service has been told.",
                )
            }
            Self::Internal(detail) => {
                tracing::error!(error = %detail, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, there is a problem with the service",
                    "Try again later. Nothing you sent was saved unless a page told you it was.",
                )
            }
        };
        let mut response = (status, title).into_response();
        response
            .extensions_mut()
            .insert(ErrorWords { title, message });
        response
    }
}

/// Draws the generic error page for a response that carries error words (and for bare 404s
/// and 405s from the router).
pub async fn render(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    response: Response,
) -> Response {
    let status = response.status();
    // The API's problems (`api::problem`) are answers of their own, in JSON.
    if response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"))
    {
        return response;
    }
    let words = response
        .extensions()
        .get::<ErrorWords>()
        .copied()
        .or(match status {
            StatusCode::NOT_FOUND => Some(ErrorWords {
                title: "Page not found",
                message: "If you typed the web address, check it is correct.",
            }),
            StatusCode::METHOD_NOT_ALLOWED => Some(ErrorWords {
                title: "Page not found",
                message: "If you followed a link, go back and try again.",
            }),
            _ => None,
        });
    let Some(words) = words else { return response };
    let page = ErrorPage {
        chrome: crate::layout::Chrome::signed_out(&state),
        status: status.as_u16(),
        title: words.title,
        message: words.message,
    };
    match page.render() {
        Ok(html) => {
            let (mut parts, _) = response.into_parts();
            parts.headers.remove(axum::http::header::CONTENT_LENGTH);
            parts.headers.insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("text/html; charset=utf-8"),
            );
            Response::from_parts(parts, axum::body::Body::from(html))
        }
        Err(_) => (status, Html(words.title)).into_response(),
    }
}

/// A form that, when it cannot be read at all, gives the service's error page rather than
/// axum's plain-text rejection. Read by axum-extra's `Form`, so a repeated key (checkboxes)
/// fills a `Vec` field. Validation of what was typed stays with each page.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValidForm<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for ValidForm<T>
where
    axum_extra::extract::Form<T>: axum::extract::FromRequest<S>,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum_extra::extract::Form::<T>::from_request(req, state).await {
            Ok(axum_extra::extract::Form(value)) => Ok(Self(value)),
            Err(_) => Err(WebError::BadRequest),
        }
    }
}
