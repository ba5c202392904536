//! Information pages anyone can read without signing in (to be written).

use axum::extract::State;
use axum::response::Response;

use crate::{AppState, WebError};

/// The index of information pages.
pub async fn index(State(state): State<AppState>) -> Result<Response, WebError> {
    super::public::accessibility(State(state)).await
}
/// What a review is and is not.
pub async fn what_a_review_is(State(state): State<AppState>) -> Result<Response, WebError> {
    super::public::accessibility(State(state)).await
}
/// What a practitioner can expect.
pub async fn practitioners(State(state): State<AppState>) -> Result<Response, WebError> {
    super::public::accessibility(State(state)).await
}
/// What a family member can expect.
pub async fn families(State(state): State<AppState>) -> Result<Response, WebError> {
    super::public::accessibility(State(state)).await
}
/// How referrals work.
pub async fn referrals(State(state): State<AppState>) -> Result<Response, WebError> {
    super::public::accessibility(State(state)).await
}
