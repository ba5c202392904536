//! Pages anyone can read: the start page, the accessibility statement, the privacy notice, and
//! the health check.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};

use crate::layout::Chrome;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "pages/start.html")]
struct Start {
    chrome: Chrome,
}

#[derive(Template)]
#[template(path = "pages/text.html")]
struct Text {
    chrome: Chrome,
    heading: &'static str,
    paragraphs: &'static [&'static str],
}

/// The start page.
pub async fn start(State(state): State<AppState>) -> Result<Response, WebError> {
    Ok(Html(
        Start {
            chrome: Chrome::signed_out(&state),
        }
        .render()?,
    )
    .into_response())
}

/// A page of plain paragraphs under a heading, for anyone.
fn text_page(
    state: &AppState,
    heading: &'static str,
    paragraphs: &'static [&'static str],
) -> Result<Response, WebError> {
    let page = Text {
        chrome: Chrome::signed_out(state),
        heading,
        paragraphs,
    };
    Ok(Html(page.render()?).into_response())
}

/// The accessibility statement.
pub async fn accessibility(State(state): State<AppState>) -> Result<Response, WebError> {
    text_page(
        &state,
        "Accessibility statement",
        &[
            "This service is built to the GOV.UK Design System and aims to meet the Web Content Accessibility Guidelines version 2.2 at level AA.",
            "Every page works without JavaScript, can be used with a keyboard alone, and is tested with an automated accessibility checker in a real browser.",
            "If you find a part of the service hard to use, tell the partnership team: they will answer within 5 working days.",
        ],
    )
}

/// The privacy notice.
pub async fn privacy(State(state): State<AppState>) -> Result<Response, WebError> {
    text_page(
        &state,
        "Privacy notice",
        &[
            "The safeguarding partnership holds information about children, their families and the practitioners who worked with them so that it can carry out reviews under the Children Act 2004.",
            "Only people who need to see a case can see it, and every look at a case is recorded. Personal data is encrypted when stored.",
            "Records are kept for the partnership's retention period and then erased. You can ask for a copy of the information held about you: the partnership will reply within one calendar month.",
        ],
    )
}

/// Health check: the database answers.
/// Liveness: the process is up and answering; nothing else is asked (a load balancer restarts
/// a server that fails this, and takes one that fails `/health` out of rotation).
pub async fn live() -> Response {
    Json(serde_json::json!({ "status": "live" })).into_response()
}

pub async fn health(State(state): State<AppState>) -> Response {
    // One indexed look-up: cheap enough to call every few seconds.
    match state.store().stream_version(uuid::Uuid::nil()).await {
        Ok(_) => Json(serde_json::json!({ "status": "ok" })).into_response(),
        Err(_) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "unavailable" })),
        )
            .into_response(),
    }
}
