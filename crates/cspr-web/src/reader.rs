//! The only way to read a case's personal data: with a [`CaseAccess`] capability, after
//! writing the read to the hash-chained access log. If the log write fails, the read fails
//! (ASVS 16.5.3).

use cspr_domain::case::{Case, Event};
use cspr_store::NewAccessEntry;

use crate::access::CaseAccess;
use crate::{AppState, WebError};

/// Where the request came from, for the access log.
#[derive(Debug, Clone)]
pub struct Source(pub String);

/// Writes an access-log entry for a look at the case.
///
/// # Errors
/// The write failed: the caller must not show the data.
pub async fn audit(
    state: &AppState,
    access: &CaseAccess,
    action: &str,
    source: &Source,
) -> Result<(), WebError> {
    state
        .store()
        .log_access(NewAccessEntry {
            actor: access.principal().user_id.to_string(),
            action: action.to_owned(),
            case_id: Some(access.case_id().as_uuid()),
            detail: match access.agency() {
                Some(agency) => format!("{:?} agency {agency}", access.need()),
                None => format!("{:?}", access.need()),
            },
            source_ip: source.0.clone(),
            at: state.now(),
        })
        .await
        .map_err(|e| WebError::Internal(format!("access log write failed, read refused: {e}")))
}

/// Loads a case for a page: audit first, then read.
///
/// # Errors
/// The audit write failed, or the case could not be read.
pub async fn load_case(
    state: &AppState,
    access: &CaseAccess,
    action: &str,
    source: &Source,
) -> Result<(Case, Vec<Event>), WebError> {
    audit(state, access, action, source).await?;
    Ok(state.app().load(access.case_id()).await?)
}

/// Reads a listed case for a page that goes through many (figures, agendas, themes): `None`
/// when the person may not read it (a listing can hold cases of the partnership they are not a
/// member of), the case otherwise, its read written to the access log first.
///
/// # Errors
/// The audit write failed, or the case could not be read.
pub async fn load_if_readable(
    state: &AppState,
    principal: &crate::access::Principal,
    case_id: uuid::Uuid,
    action: &str,
    source: &Source,
) -> Result<Option<Case>, WebError> {
    let Ok(access) = crate::access::authorize_case(
        state.store(),
        principal,
        cspr_domain::ids::CaseId::from_uuid(case_id),
        crate::access::CaseNeed::Read,
        None,
    )
    .await
    else {
        return Ok(None);
    };
    let (case, _) = load_case(state, &access, action, source).await?;
    Ok(Some(case))
}

/// Writes an entry that concerns no one case (sign-in, administration, exports of lists) to
/// the access log.
///
/// # Errors
/// The write failed: the caller must not go on.
pub async fn log_event(
    state: &AppState,
    actor: String,
    action: &str,
    detail: String,
    source: &Source,
) -> Result<(), WebError> {
    state
        .store()
        .log_access(NewAccessEntry {
            actor,
            action: action.to_owned(),
            case_id: None,
            detail,
            source_ip: source.0.clone(),
            at: state.now(),
        })
        .await
        .map_err(WebError::from)
}
