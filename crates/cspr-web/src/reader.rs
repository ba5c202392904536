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
