//! The partnership's yearly figures (to be written).

use axum::response::{Html, IntoResponse, Response};

use crate::WebError;

/// The figures page.
pub async fn index() -> Result<Response, WebError> {
    Ok(Html("").into_response())
}

/// The figures as CSV.
pub async fn csv() -> Result<Response, WebError> {
    Ok(Html("").into_response())
}
