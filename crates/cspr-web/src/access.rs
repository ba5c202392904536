//! Need-to-know access control for the web: every route has a rule in the route table
//! (`routes::ROUTES`); the policy itself (roles, needs, the case capability) is the
//! application layer's ([`cspr_app::policy`]).

pub use cspr_app::policy::{CaseAccess, CaseNeed, Denied, Principal, Role, allows, authorize_case};

/// The rule a route enforces before its handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Someone who has given a correct password but not yet the second factor.
    FirstFactor,
    /// Anyone signed in with both factors.
    SignedIn,
    /// Signed in with one of these roles.
    Roles(&'static [Role]),
    /// Signed in, with this need of the case in the path (`{case_id}`; `{agency_id}` for drafts).
    Case(CaseNeed),
}

/// A redirect to `rest` under the case's address (`/cases/{case_id}/{rest}`), after a change.
pub(crate) fn to_case(access: &CaseAccess, rest: &str) -> axum::response::Response {
    axum::response::IntoResponse::into_response(axum::response::Redirect::to(&format!(
        "/cases/{}/{rest}",
        access.case_id()
    )))
}

/// Writes a refusal of `what` to a person (about a case, when there is one) to the access log
/// and answers 403 (or the store's error when the refusal could not be written).
pub(crate) async fn refuse_person(
    state: &crate::AppState,
    principal: &Principal,
    case_id: Option<uuid::Uuid>,
    what: &str,
    source: &crate::reader::Source,
) -> crate::WebError {
    let entry = cspr_store::NewAccessEntry {
        actor: principal.user_id.to_string(),
        action: "authorisation-refused".to_owned(),
        case_id,
        detail: what.to_owned(),
        source_ip: source.0.clone(),
        at: state.now(),
    };
    match state.store().log_access(entry).await {
        Ok(()) => crate::WebError::Forbidden,
        Err(e) => crate::WebError::from(e),
    }
}

/// Writes a refusal to the case and answers 403 (or the store's error, when
/// the refusal could not be written: nothing is refused silently).
pub(crate) async fn refuse(
    state: &crate::AppState,
    access: &CaseAccess,
    source: &crate::reader::Source,
    what: &str,
) -> crate::WebError {
    let case_id = Some(access.case_id().as_uuid());
    refuse_person(state, access.principal(), case_id, what, source).await
}
