//! The API's errors: RFC 9457 problem details (`application/problem+json`), each with a stable
//! `code` from one table ([`CODES`], served at `/api/v1/problems`). `type` names the code's
//! entry in that table. Detail is what the caller can act on; what went wrong inside goes to
//! the log, never personal data, and never to the caller.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// Every code the API answers with, its status and what it means.
pub const CODES: &[(&str, u16, &str)] = &[
    (
        "bad-request",
        400,
        "The request could not be read: a query, header or body that is not what the operation takes.",
    ),
    (
        "unauthenticated",
        401,
        "No access token, or one that is unknown, expired or revoked.",
    ),
    (
        "forbidden",
        403,
        "The token's person may not do this (their role, or the agency the command names).",
    ),
    (
        "not-found",
        404,
        "No such resource, or one the token's person may not know of.",
    ),
    (
        "method-not-allowed",
        405,
        "The resource does not take this method.",
    ),
    ("not-acceptable", 406, "The operation answers only in JSON."),
    (
        "precondition-failed",
        412,
        "The case changed since the version given in If-Match: read it again and retry.",
    ),
    (
        "payload-too-large",
        413,
        "The body is larger than the service accepts.",
    ),
    (
        "unsupported-media-type",
        415,
        "The body must be JSON (application/json), or a form for the token endpoint.",
    ),
    (
        "invalid-command",
        422,
        "The body is JSON but not a command cspr knows, or one missing a field.",
    ),
    (
        "refused",
        422,
        "The case refused the command: the process does not allow it now (the detail says why).",
    ),
    (
        "own-workflow",
        422,
        "The command is given through a workflow of its own (publishing), not on its own.",
    ),
    (
        "not-opening",
        422,
        "Only a serious incident or a referral with the case's details opens a case.",
    ),
    (
        "precondition-required",
        428,
        "A command must carry If-Match with the case's version (or * for whatever is current).",
    ),
    (
        "too-many-requests",
        429,
        "Too many requests from this address this minute.",
    ),
    (
        "erased",
        410,
        "The case's personal data was erased at the end of its retention period.",
    ),
    (
        "invalid-client",
        401,
        "The client credentials are unknown or revoked (the token endpoint).",
    ),
    (
        "unsupported-grant-type",
        400,
        "The token endpoint takes only grant_type=client_credentials.",
    ),
    (
        "internal",
        500,
        "The service failed; nothing was changed unless the answer said so.",
    ),
    (
        "unavailable",
        503,
        "The service cannot save anything now (a full disk) or is busy; try again later.",
    ),
];

/// The `type` of a problem: its code's entry in the table.
#[derive(Debug, Clone, Copy)]
pub struct TypeUri(&'static str);

impl Serialize for TypeUri {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{TABLE}#{}", self.0))
    }
}

/// A problem (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// The code's entry in the table (`/api/v1/problems#<code>`).
    #[serde(rename = "type")]
    #[schema(value_type = String)]
    pub type_uri: TypeUri,
    /// The code's meaning, in words.
    pub title: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// What happened this time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The stable code.
    pub code: &'static str,
    /// The OAuth 2 error code (RFC 6749, section 5.2), on the token endpoint's problems only,
    /// for clients that read that.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'static str>,
}

/// Where the code table is served.
pub const TABLE: &str = "/api/v1/problems";

impl Problem {
    /// The problem of `code` (one of [`CODES`]).
    #[must_use]
    pub fn new(code: &'static str) -> Self {
        let (status, title) = CODES
            .iter()
            .find(|(c, _, _)| *c == code)
            .map_or((500, "The service failed."), |(_, s, t)| (*s, *t));
        Self {
            type_uri: TypeUri(code),
            title,
            status,
            detail: None,
            code,
            error: None,
        }
    }

    /// With the OAuth 2 error code the token endpoint also gives.
    #[must_use]
    pub fn oauth(mut self, error: &'static str) -> Self {
        self.error = Some(error);
        self
    }

    /// With the words of this time.
    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(&self)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"cspr\""),
            );
        }
        response
    }
}

/// A store error as a problem (detail to the log).
impl From<cspr_store::StoreError> for Problem {
    fn from(e: cspr_store::StoreError) -> Self {
        match e {
            cspr_store::StoreError::NotFound => Self::new("not-found"),
            cspr_store::StoreError::Shredded => Self::new("erased"),
            cspr_store::StoreError::DiskFull => {
                tracing::error!("disk full: API request refused, nothing written");
                Self::new("unavailable")
            }
            other => internal(&other.to_string()),
        }
    }
}

/// An application error as a problem: the process's refusal is the caller's to read, a change
/// meanwhile is a failed precondition, the rest goes to the log.
impl From<cspr_app::AppError> for Problem {
    fn from(e: cspr_app::AppError) -> Self {
        match e {
            cspr_app::AppError::Domain(d) => Self::new("refused").detail(d.to_string()),
            cspr_app::AppError::Conflict { expected, actual } => Self::new("precondition-failed")
                .detail(format!(
                    "You gave version {expected}; the case is at version {actual}."
                )),
            cspr_app::AppError::NotFound => Self::new("not-found"),
            cspr_app::AppError::Store(s) => Self::from(s),
            other => internal(&other.to_string()),
        }
    }
}

impl From<cspr_app::cases::GiveError> for Problem {
    fn from(e: cspr_app::cases::GiveError) -> Self {
        use cspr_app::cases::GiveError;
        match e {
            GiveError::NotAllowed | GiveError::OtherPartnership => {
                Self::new("forbidden").detail(e.to_string())
            }
            GiveError::OwnWorkflow => Self::new("own-workflow"),
            GiveError::NotOpening => Self::new("not-opening"),
            GiveError::App(app) => Self::from(app),
        }
    }
}

impl From<crate::WebError> for Problem {
    fn from(e: crate::WebError) -> Self {
        match e {
            crate::WebError::SignedOut => Self::new("unauthenticated"),
            crate::WebError::Forbidden => Self::new("forbidden"),
            crate::WebError::NotFound => Self::new("not-found"),
            crate::WebError::BadRequest => Self::new("bad-request"),
            crate::WebError::DiskFull => Self::new("unavailable"),
            crate::WebError::Erased => Self::new("erased"),
            crate::WebError::Internal(detail) => internal(&detail),
        }
    }
}

fn internal(detail: &str) -> Problem {
    tracing::error!(error = %detail, "API request failed");
    Problem::new("internal")
}

#[cfg(test)]
mod tests {
    use super::CODES;

    #[test]
    fn every_code_is_listed_once_with_a_status_of_an_error() {
        let mut codes: Vec<&str> = CODES.iter().map(|(c, _, _)| *c).collect();
        codes.sort_unstable();
        let before = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), before, "a code is listed twice");
        assert!(CODES.iter().all(|(_, s, _)| (400..600).contains(s)));
    }
}
