//! The only way to read a case's personal data: with a [`CaseAccess`] capability, after
//! writing the read to the hash-chained access log. If the log write fails, the read fails
//! (ASVS 16.5.3). The web, the API and the services that go through many cases (figures,
//! themes) all read here.

use cspr_domain::case::{Case, Event};
use cspr_domain::ids::CaseId;
use cspr_store::NewAccessEntry;

use crate::policy::{CaseAccess, CaseNeed, Principal, authorize_case};
use crate::{AppError, Services};

/// Where the request came from, for the access log.
#[derive(Debug, Clone)]
pub struct Source(pub String);

/// Writes an access-log entry for a look at the case.
///
/// # Errors
/// The write failed: the caller must not show the data.
pub async fn audit(
    services: &Services,
    access: &CaseAccess,
    action: &str,
    source: &Source,
) -> Result<(), AppError> {
    services
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
            at: services.now(),
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "access log write failed, read refused");
            AppError::Store(e)
        })
}

/// Loads a case: audit first, then read.
///
/// # Errors
/// The audit write failed, or the case could not be read.
pub async fn load_case(
    services: &Services,
    access: &CaseAccess,
    action: &str,
    source: &Source,
) -> Result<(Case, Vec<Event>), AppError> {
    audit(services, access, action, source).await?;
    services.app().load(access.case_id()).await
}

/// [`load_case`] without a copy of the case (pages that only show it).
///
/// # Errors
/// As [`load_case`].
pub async fn load_case_shared(
    services: &Services,
    access: &CaseAccess,
    action: &str,
    source: &Source,
) -> Result<crate::SharedCase, AppError> {
    audit(services, access, action, source).await?;
    let app = services.app();
    if access.shredded() {
        // Shredded, perhaps by another server: its kept copy goes too.
        app.forget(access.case_id());
        return Err(AppError::Store(cspr_store::StoreError::Shredded));
    }
    app.load_shared_at(access.case_id(), access.stream_version())
        .await
}

/// Reads a listed case for work that goes through many (figures, agendas, themes): `None`
/// when the person may not read it (a listing can hold cases of the partnership they are not a
/// member of), the case otherwise, its read written to the access log first.
///
/// # Errors
/// The audit write failed, or the case could not be read.
pub async fn load_if_readable(
    services: &Services,
    principal: &Principal,
    case_id: uuid::Uuid,
    action: &str,
    source: &Source,
) -> Result<Option<Case>, AppError> {
    let Ok(access) = authorize_case(
        services.store(),
        principal,
        CaseId::from_uuid(case_id),
        CaseNeed::Read,
        None,
    )
    .await
    else {
        return Ok(None);
    };
    let (case, _) = load_case(services, &access, action, source).await?;
    Ok(Some(case))
}

/// Writes the look at a list of cases (the dashboard, the case list, the action tracker) to
/// the access log before the list is shown: one entry naming every case listed by id (ids
/// only, never a detail of the case), so a case's readers include those who saw it in a list.
///
/// # Errors
/// The write failed: the caller must not show the list.
pub async fn audit_listing(
    services: &Services,
    principal: &Principal,
    action: &str,
    case_ids: &[uuid::Uuid],
    source: &Source,
) -> Result<(), AppError> {
    let mut ids: Vec<String> = case_ids.iter().map(ToString::to_string).collect();
    ids.sort();
    ids.dedup();
    let detail = if ids.is_empty() {
        "no cases listed".to_owned()
    } else {
        format!("{} cases listed: {}", ids.len(), ids.join(" "))
    };
    log_event(
        services,
        principal.user_id.to_string(),
        action,
        detail,
        source,
    )
    .await
    .inspect_err(|e| tracing::error!(error = %e, "access log write failed, listing refused"))
}

/// Writes an entry that concerns no one case (sign-in, administration, exports of lists) to
/// the access log.
///
/// # Errors
/// The write failed: the caller must not go on.
pub async fn log_event(
    services: &Services,
    actor: String,
    action: &str,
    detail: String,
    source: &Source,
) -> Result<(), AppError> {
    services
        .store()
        .log_access(NewAccessEntry {
            actor,
            action: action.to_owned(),
            case_id: None,
            detail,
            source_ip: source.0.clone(),
            at: services.now(),
        })
        .await
        .map_err(AppError::Store)
}
