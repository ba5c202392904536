//! The requests of a case: asking chosen agencies, moving a due date with a reason, and
//! reopening a sent response.

use super::Kind;
use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cspr_domain::case::Command;
use cspr_domain::case::model::{ContributionKind, ContributionStatus};
use cspr_domain::chronology;
use cspr_domain::ids::AgencyId;
use cspr_domain::vocab::NonEmptyText;
use cspr_domain::words::long_date;
use uuid::Uuid;

use super::{Pairs, RequestForm, agency_name, capitalised, execute, get, status_words};
use crate::access::{CaseAccess, Role};
use crate::extract::OnCase;
use crate::layout::Chrome;
use crate::reader::{self, Source};
use crate::{AppState, ValidForm, WebError};

/// One request to one agency, as listed.
struct RequestRow {
    agency: String,
    agency_id: Uuid,
    status: String,
    tag: &'static str,
    /// The answer page, for those who may open the agency's draft.
    respond: Option<String>,
    received: bool,
}

/// The requests of one kind.
struct Group {
    slug: &'static str,
    label: String,
    rows: Vec<RequestRow>,
    /// Agencies whose request is still open: (id, name).
    open: Vec<(String, String)>,
    chronology: bool,
}

#[derive(Template)]
#[template(path = "pages/requests.html")]
struct RequestsPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    manage: bool,
    groups: Vec<Group>,
    errors: Vec<(String, String)>,
    success: String,
    /// (value, label, hint, checked)
    kinds: Vec<(String, String, String, bool)>,
    /// (value, label, hint, checked)
    agencies: Vec<(String, String, String, bool)>,
    /// What the new-request form came back with (empty when it was not sent).
    input: RequestInput,
}

/// What the new-request form came back with.
#[derive(Default)]
struct RequestInput {
    kind: String,
    agencies: Vec<String>,
    due: String,
    reason: String,
    kind_error: String,
    agencies_error: String,
    due_error: String,
    reason_error: String,
    /// Errors of the other forms on the page: (anchor, message).
    other: Vec<(String, String)>,
}

async fn requests_page(
    state: &AppState,
    access: &CaseAccess,
    source: &Source,
    input: RequestInput,
    success: &str,
) -> Result<Response, WebError> {
    let (case, _) = reader::load_case(state, access, "view-requests", source).await?;
    let p = access.principal();
    let agencies = state.store().agencies(p.partnership_id.as_uuid()).await?;
    let case_id = access.case_id().as_uuid();
    let groups = ContributionKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let rows: Vec<RequestRow> = case
                .requests(kind)
                .map(|r| {
                    let (status, tag) = status_words(r);
                    RequestRow {
                        agency: agency_name(&agencies, r.agency),
                        agency_id: r.agency.as_uuid(),
                        status,
                        tag,
                        respond: cspr_app::policy::may_open_agency_draft(p, r.agency).then(|| {
                            format!(
                                "/cases/{case_id}/agencies/{}/requests/{}",
                                r.agency,
                                kind.slug()
                            )
                        }),
                        received: matches!(r.status, ContributionStatus::Received { .. }),
                    }
                })
                .collect();
            (!rows.is_empty()).then(|| Group {
                slug: kind.slug(),
                label: capitalised(kind.label()),
                open: case
                    .requests(kind)
                    .filter(|r| !r.is_settled())
                    .map(|r| (r.agency.to_string(), agency_name(&agencies, r.agency)))
                    .collect(),
                rows,
                chronology: kind == ContributionKind::Chronology,
            })
        })
        .collect();
    let app = state.app();
    let kinds = ContributionKind::ALL
        .into_iter()
        .map(|k| {
            let due = cspr_domain::case::decide::default_contribution_due(
                &case,
                k,
                state.today(),
                app.calendar(),
                app.settings(),
            );
            (
                k.slug().to_owned(),
                capitalised(k.label()),
                format!("Due {} by the case's deadlines", long_date(due)),
                input.kind == k.slug(),
            )
        })
        .collect();
    let agency_boxes = agencies
        .iter()
        .filter(|a| a.active)
        .map(|a| {
            (
                a.id.to_string(),
                a.name.clone(),
                String::new(),
                input.agencies.contains(&a.id.to_string()),
            )
        })
        .collect();
    let mut errors = Vec::new();
    for (anchor, message) in [
        ("#kind", &input.kind_error),
        ("#agencies", &input.agencies_error),
        ("#due", &input.due_error),
        ("#reason", &input.reason_error),
    ] {
        if !message.is_empty() {
            errors.push((anchor.to_owned(), message.clone()));
        }
    }
    errors.extend(input.other.iter().cloned());
    let page = RequestsPage {
        chrome: Chrome::signed_in(state, p, "/cases"),
        case_id,
        reference: access.summary().reference.clone(),
        manage: p.role == Role::PartnershipTeam,
        groups,
        success: success.to_owned(),
        kinds,
        agencies: agency_boxes,
        input,
        errors,
    };
    crate::layout::render_form(&page, page.errors.is_empty(), StatusCode::BAD_REQUEST)
}

/// The query of the requests page: what was just done, for its banner.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DoneQuery {
    pub(super) done: String,
}

/// The requests of a case, and (for the partnership team) the form to make one.
pub async fn index(
    OnCase(state, access, source): OnCase,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let success = match q.done.as_str() {
        "requested" => {
            "The agencies have been asked. Their representatives can answer from their dashboard."
        }
        "due" => "The due date has been changed.",
        "reopened" => "The response has been reopened. The agency can change it and send it again.",
        _ => "",
    };
    requests_page(&state, &access, &source, RequestInput::default(), success).await
}

fn parse_due(text: &str) -> Result<Option<time::Date>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match chronology::parse_date(t) {
        Ok((d, cspr_domain::case::model::DatePrecision::Day)) => Ok(Some(d)),
        _ => Err("Enter the due date like 2025-10-27".to_owned()),
    }
}

fn check_due(state: &AppState, d: time::Date) -> Result<(), String> {
    cspr_app::requests::check_due(&state.app(), state.today(), d)
}

/// Asks agencies for a contribution; a due date other than the case's needs a reason. The
/// agencies' representatives are given access to the case so they can answer.
pub async fn create(
    OnCase(state, access, source): OnCase,
    ValidForm(form): ValidForm<RequestForm>,
) -> Result<Response, WebError> {
    let p = access.principal().clone();
    let all_agencies = state.store().agencies(p.partnership_id.as_uuid()).await?;
    let mut input = RequestInput {
        kind: form.kind,
        agencies: form.agencies,
        due: form.due.trim().to_owned(),
        reason: form.reason.trim().to_owned(),
        ..RequestInput::default()
    };
    let kind = ContributionKind::from_slug(&input.kind);
    if kind.is_none() {
        input.kind_error = "Choose what to ask for".to_owned();
    }
    let chosen: Vec<AgencyId> = input
        .agencies
        .iter()
        .filter_map(|a| Uuid::parse_str(a).ok())
        .filter(|id| all_agencies.iter().any(|a| a.id == *id && a.active))
        .map(AgencyId::from_uuid)
        .collect();
    if chosen.is_empty() || chosen.len() != input.agencies.len() {
        input.agencies_error = "Choose the agencies to ask".to_owned();
    }
    let due = match parse_due(&input.due) {
        Ok(Some(d)) => match check_due(&state, d) {
            Ok(()) => Some(d),
            Err(m) => {
                input.due_error = m;
                None
            }
        },
        Ok(None) => None,
        Err(m) => {
            input.due_error = m;
            None
        }
    };
    let reason = if input.due.is_empty() {
        None
    } else {
        match NonEmptyText::parse(&input.reason) {
            Ok(r) => Some(r),
            Err(_) => {
                input.reason_error =
                    "Enter why the due date differs from the case's deadlines".to_owned();
                None
            }
        }
    };
    let Some(kind) = kind else {
        return requests_page(&state, &access, &source, input, "").await;
    };
    if !input.agencies_error.is_empty()
        || !input.due_error.is_empty()
        || !input.reason_error.is_empty()
    {
        return requests_page(&state, &access, &source, input, "").await;
    }
    let request = cspr_app::requests::NewRequest {
        kind,
        agencies: chosen,
        due: due.zip(reason),
    };
    if let Err(e) = cspr_app::requests::request_contributions(
        &state.app(),
        access.case_id(),
        &request,
        state.actor_for(&p),
    )
    .await
    {
        input.kind_error = crate::refused(e)?;
        return requests_page(&state, &access, &source, input, "").await;
    }
    Ok(crate::access::to_case(&access, "requests?done=requested"))
}

/// Moves the due date of open requests of one kind, with the reason.
pub async fn change_due(
    OnCase(state, access, source): OnCase,
    Kind(kind): Kind,
    ValidForm(form): ValidForm<RequestForm>,
) -> Result<Response, WebError> {
    let anchor = format!("#due-{}", kind.slug());
    let mut problems = Vec::new();
    let agencies: Vec<AgencyId> = form
        .agencies
        .iter()
        .filter_map(|a| Uuid::parse_str(a).ok())
        .map(AgencyId::from_uuid)
        .collect();
    if agencies.is_empty() {
        problems.push("Choose the agencies whose due date changes".to_owned());
    }
    let due = match parse_due(&form.due) {
        Ok(Some(d)) => check_due(&state, d)
            .map(|()| d)
            .map_err(|m| problems.push(m))
            .ok(),
        Ok(None) => {
            problems.push("Enter the new due date like 2025-10-27".to_owned());
            None
        }
        Err(m) => {
            problems.push(m);
            None
        }
    };
    let reason = NonEmptyText::parse(&form.reason)
        .map_err(|_| problems.push("Enter why the due date changes".to_owned()))
        .ok();
    let (Some(due), Some(reason), true) = (due, reason, problems.is_empty()) else {
        let input = RequestInput {
            other: problems.into_iter().map(|m| (anchor.clone(), m)).collect(),
            ..RequestInput::default()
        };
        return requests_page(&state, &access, &source, input, "").await;
    };
    let command = Command::ChangeContributionDue {
        kind,
        agencies,
        due_on: due,
        reason,
    };
    match execute(&state, &access, command).await? {
        Ok(()) => Ok(
            Redirect::to(&format!("/cases/{}/requests?done=due", access.case_id())).into_response(),
        ),
        Err(message) => {
            let input = RequestInput {
                other: vec![(anchor, message)],
                ..RequestInput::default()
            };
            requests_page(&state, &access, &source, input, "").await
        }
    }
}

/// Reopens a sent response, with the reason (the partnership team only).
pub async fn reopen(
    OnCase(state, access, source): OnCase,
    Kind(kind): Kind,
    ValidForm(form): ValidForm<Pairs>,
) -> Result<Response, WebError> {
    let agency = Uuid::parse_str(get(&form, "agency"))
        .map(AgencyId::from_uuid)
        .map_err(|_| WebError::BadRequest)?;
    let anchor = format!("#reopen-{}-{agency}", kind.slug());
    let Ok(reason) = NonEmptyText::parse(get(&form, "reason")) else {
        let input = RequestInput {
            other: vec![(anchor, "Enter why the response is reopened".to_owned())],
            ..RequestInput::default()
        };
        return requests_page(&state, &access, &source, input, "").await;
    };
    let command = Command::ReopenContribution {
        kind,
        agency,
        reason,
    };
    match execute(&state, &access, command).await? {
        Ok(()) => Ok(crate::access::to_case(&access, "requests?done=reopened")),
        Err(message) => {
            let input = RequestInput {
                other: vec![(anchor, message)],
                ..RequestInput::default()
            };
            requests_page(&state, &access, &source, input, "").await
        }
    }
}
