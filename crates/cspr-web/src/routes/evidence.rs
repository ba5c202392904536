//! Files of evidence for an action (to be written).

use crate::WebError;

/// The upload form.
pub async fn form() -> Result<(), WebError> {
    Err(WebError::NotFound)
}

/// The upload.
pub async fn upload() -> Result<(), WebError> {
    Err(WebError::NotFound)
}

/// A download.
pub async fn download() -> Result<(), WebError> {
    Err(WebError::NotFound)
}
