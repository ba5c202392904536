//! What a handler is handed after the route's guard has passed: [`OnCase`] on a case's routes
//! (the state, the capability to the case, where the request came from) and [`Signed`] on the
//! other signed-in routes (the state, the person, where the request came from). The guard puts
//! them into the request (routes/guard.rs); a route without its guard gets an internal error,
//! never a page without its check.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::access::{CaseAccess, Principal};
use crate::reader::Source;
use crate::session::Live;
use crate::{AppState, WebError};

/// A request on one case, its access checked: the application, the capability the guard gave
/// for the case, and where the request came from (for the access log). Handlers take it as
/// `OnCase(state, access, source): OnCase`.
#[derive(Debug, Clone)]
pub struct OnCase(pub AppState, pub CaseAccess, pub Source);

/// A request from a signed-in person, outside any one case: the application, who is signed in,
/// and where the request came from. Handlers take it as `Signed(state, p, source): Signed`.
#[derive(Debug, Clone)]
pub struct Signed(pub AppState, pub Principal, pub Source);

fn from_guard<T: Clone + Send + Sync + 'static>(parts: &Parts) -> Result<T, WebError> {
    parts.extensions.get::<T>().cloned().ok_or_else(|| {
        WebError::Internal(format!(
            "{} missing: the route has no guard",
            std::any::type_name::<T>()
        ))
    })
}

/// A request from someone part-way through signing in (a first factor given), with where it
/// came from: handlers take it as `Session(state, live, source): Session`.
#[derive(Debug, Clone)]
pub struct Session(pub AppState, pub Live, pub Source);

/// A request on a public route (no one signed in, or not yet), with where it came from:
/// handlers take it as `Visit(state, source): Visit`.
#[derive(Debug, Clone)]
pub struct Visit(pub AppState, pub Source);

/// Makes a handler's tuple from the state and what the guard put into the request.
macro_rules! from_guard {
    ($($name:ident($($part:ty),+);)+) => {$(
        impl FromRequestParts<AppState> for $name {
            type Rejection = WebError;

            async fn from_request_parts(
                parts: &mut Parts,
                state: &AppState,
            ) -> Result<Self, WebError> {
                Ok(Self(state.clone(), $(from_guard::<$part>(parts)?),+))
            }
        }
    )+};
}

from_guard! {
    OnCase(CaseAccess, Source);
    Signed(Principal, Source);
    Session(Live, Source);
    Visit(Source);
}

/// The read models' version the request's session was read with (issue 20): a page that shows
/// listings (the dashboard, the case list, the tracker, a case's agencies) shows those kept at
/// it, with no read of its own. Handlers take it as `ReadModels(version): ReadModels`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadModels(pub i64);

impl FromRequestParts<AppState> for ReadModels {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, WebError> {
        parts
            .extensions
            .get::<Live>()
            .map(|live| ReadModels(live.read_models))
            .ok_or_else(|| WebError::Internal("Live missing: the route has no guard".into()))
    }
}
