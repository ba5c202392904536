//! Subject access requests (UK GDPR article 15): the partnership team searches every case of
//! the partnership for a named person and exports what is held about them as one PDF with its
//! list of sources. Every case searched is read through the access log (`subject-access-search`);
//! an export reads only the cases the team chose from the search's list, each logged as
//! `subject-access-export`; and one entry records the request's reference and counts. The log holds the team's reference for the request, never
//! the name searched for. The matching rules are the domain's
//! ([`cspr_domain::subject_access`]).

use cspr_domain::ids::CaseId;
use cspr_domain::subject_access::{QueryError, SubjectAccessReport, SubjectQuery, findings};
use cspr_store::{CaseScope, StoreError};
use time::Date;
use uuid::Uuid;

use crate::policy::{Principal, pages};
use crate::reader::{Source, log_event};
use crate::{AppError, Services};

/// The longest request reference.
pub const MAX_REFERENCE: usize = 40;

/// A request as the team typed it.
#[derive(Debug, Clone, Default)]
pub struct RequestInput {
    /// The partnership's reference for the request ("SAR-2026-014").
    pub reference: String,
    /// The person's name.
    pub name: String,
    /// Aliases, one a line.
    pub aliases: String,
    /// The date of birth, when given.
    pub date_of_birth: Option<Date>,
}

/// A request checked: ready to search.
#[derive(Debug, Clone)]
pub struct SubjectAccessRequest {
    reference: String,
    names: Vec<String>,
    query: SubjectQuery,
}

/// Why a subject access search or export did not run.
#[derive(Debug, thiserror::Error)]
pub enum SubjectAccessError {
    /// The request is not complete; each problem with its form field.
    #[error("the request is not complete")]
    Invalid(Vec<(&'static str, String)>),
    /// The person may not search every case for a name.
    #[error("only the partnership team answers subject access requests")]
    Forbidden,
    /// The service failed (the access log, the store, the PDF).
    #[error(transparent)]
    App(#[from] AppError),
}

impl SubjectAccessRequest {
    /// Checks what was typed.
    ///
    /// # Errors
    /// [`SubjectAccessError::Invalid`] with every problem.
    pub fn parse(input: &RequestInput) -> Result<Self, SubjectAccessError> {
        let mut errors = Vec::new();
        let reference = input.reference.trim();
        if reference.is_empty() {
            errors.push((
                "reference",
                "Enter the partnership's reference for this request".to_owned(),
            ));
        } else if reference.chars().count() > MAX_REFERENCE
            || !reference
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-/_.".contains(c))
        {
            errors.push((
                "reference",
                format!(
                    "The reference can have letters, numbers, hyphens, slashes, full stops and \
                     underscores, at most {MAX_REFERENCE} (never the person's name)"
                ),
            ));
        }
        let aliases: Vec<&str> = input.aliases.lines().collect();
        let query = SubjectQuery::new(&input.name, &aliases, input.date_of_birth);
        match &query {
            Err(e @ QueryError::NoName) => errors.push(("name", e.to_string())),
            Err(e) => errors.push(("aliases", e.to_string())),
            Ok(_) => {}
        }
        match query {
            Ok(query) if errors.is_empty() => {
                let mut names = vec![input.name.trim().to_owned()];
                names.extend(
                    aliases
                        .iter()
                        .map(|a| a.trim())
                        .filter(|a| !a.is_empty())
                        .map(str::to_owned),
                );
                Ok(Self {
                    reference: reference.to_owned(),
                    names,
                    query,
                })
            }
            _ => Err(SubjectAccessError::Invalid(errors)),
        }
    }

    /// The partnership's reference for the request.
    #[must_use]
    pub fn reference(&self) -> &str {
        &self.reference
    }
}

/// Whether the person may answer subject access requests.
#[must_use]
pub fn may_search(p: &Principal) -> bool {
    pages::SUBJECT_ACCESS.contains(&p.role)
}

/// Searches every case of the partnership (erased cases hold nothing and are passed over),
/// each read written to the access log first.
///
/// # Errors
/// [`SubjectAccessError::Forbidden`]; a failed read or audit write.
pub async fn search(
    services: &Services,
    p: &Principal,
    request: &SubjectAccessRequest,
    source: &Source,
) -> Result<SubjectAccessReport, SubjectAccessError> {
    let report = search_as(services, p, request, source, "subject-access-search", None).await?;
    log_event(
        services,
        p.user_id.to_string(),
        "subject-access-search",
        format!(
            "request {}: {} cases searched, {} hold information",
            request.reference,
            report.cases_searched,
            report.cases.len()
        ),
        source,
    )
    .await?;
    Ok(report)
}

async fn search_as(
    services: &Services,
    p: &Principal,
    request: &SubjectAccessRequest,
    source: &Source,
    action: &str,
    chosen: Option<&[Uuid]>,
) -> Result<SubjectAccessReport, SubjectAccessError> {
    if !may_search(p) {
        return Err(SubjectAccessError::Forbidden);
    }
    let store = services.store();
    let mut summaries = store
        .case_summaries(CaseScope::Partnership(p.partnership_id.as_uuid()))
        .await
        .map_err(AppError::Store)?;
    summaries.sort_by(|a, b| a.reference.cmp(&b.reference));
    let mut report = SubjectAccessReport {
        request_reference: request.reference.clone(),
        names: request.names.clone(),
        date_of_birth: request.query.date_of_birth,
        searched_on: services.today(),
        cases_searched: 0,
        cases: Vec::new(),
    };
    // Erased cases hold nothing: they are neither read nor counted.
    let erased: std::collections::BTreeSet<Uuid> = store
        .retention_cases(p.partnership_id.as_uuid())
        .await
        .map_err(AppError::Store)?
        .into_iter()
        .filter(|c| c.shredded)
        .map(|c| c.case_id)
        .collect();
    for s in summaries.iter().filter(|s| !erased.contains(&s.case_id)) {
        let Ok(access) = crate::policy::authorize_case(
            store,
            p,
            CaseId::from_uuid(s.case_id),
            crate::policy::CaseNeed::Read,
            None,
        )
        .await
        else {
            continue;
        };
        // An export reads only the cases chosen from the search's list (the others count as
        // searched, as they were).
        if chosen.is_some_and(|c| !c.contains(&s.case_id)) {
            report.cases_searched += 1;
            continue;
        }
        crate::reader::audit(services, &access, action, source).await?;
        // Read once: the events' stored form gives the passages with their dates, and decoded,
        // the case's records.
        let stored = store
            .load_stream(s.case_id)
            .await
            .map_err(AppError::Store)?;
        let events = match crate::decode_events(&stored) {
            Ok(events) if !events.is_empty() => events,
            Ok(_) | Err(AppError::Store(StoreError::Shredded)) => continue,
            Err(e) => return Err(e.into()),
        };
        report.cases_searched += 1;
        let case = cspr_domain::case::Case::replay(&events);
        let passages = stored.iter().filter_map(|e| {
            let value = e.sealed.as_ref()?;
            let on = crate::date_in_england(e.occurred_at);
            Some((e.version, e.event_type.as_str(), on, value))
        });
        let found = findings(s.case_id, &case, passages, &request.query);
        if !found.is_empty() {
            report.cases.push(found);
        }
    }
    Ok(report)
}

/// The PDF of what the chosen cases hold about the person: only those are read, each logged
/// (`subject-access-export`), then the request's reference with the counts. The PDF counts
/// every case searched, as the search did.
///
/// # Errors
/// [`SubjectAccessError::Forbidden`]; [`SubjectAccessError::Invalid`] when no case is chosen;
/// a failed read, audit write or layout.
pub async fn export(
    services: &Services,
    p: &Principal,
    request: &SubjectAccessRequest,
    chosen: &[Uuid],
    source: &Source,
) -> Result<Vec<u8>, SubjectAccessError> {
    if chosen.is_empty() && may_search(p) {
        return Err(SubjectAccessError::Invalid(vec![(
            "cases",
            "Choose at least one case to export".to_owned(),
        )]));
    }
    let report = search_as(
        services,
        p,
        request,
        source,
        "subject-access-export",
        Some(chosen),
    )
    .await?;
    log_event(
        services,
        p.user_id.to_string(),
        "subject-access-export",
        format!(
            "request {}: {} cases exported",
            request.reference,
            report.cases.len()
        ),
        source,
    )
    .await?;
    let doc = cspr_export::subject_access::document(&report, services.partnership_name());
    let bytes = tokio::task::spawn_blocking(move || cspr_export::to_pdf(&doc))
        .await
        .map_err(|e| AppError::Internal(format!("the export task stopped: {e}")))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(bytes)
}
