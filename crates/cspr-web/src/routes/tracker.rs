//! The action tracker across all cases (to be written).

use axum::response::{Html, IntoResponse, Response};

use crate::WebError;

/// The tracker.
pub async fn index() -> Result<Response, WebError> {
    Ok(Html("").into_response())
}

/// The tracker as CSV.
pub async fn csv() -> Result<Response, WebError> {
    Ok(Html("").into_response())
}
