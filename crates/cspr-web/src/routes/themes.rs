//! Recurrent learning themes (to be written).

use axum::response::{Html, IntoResponse, Response};

use crate::WebError;

/// The themes view.
pub async fn index() -> Result<Response, WebError> {
    Ok(Html("").into_response())
}
