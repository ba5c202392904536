//! The case pages of the foundation: the dashboard and case list (scoped in the query to what
//! the person may see), the case page (audited), its access history (partnership team), one
//! agency's contributions (that agency and the team), and case membership.

use crate::ValidForm;
use askama::Template;
use axum::extract::{Extension, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_domain::case::Command;
use cspr_domain::case::model::{CaseRole, ContributionStatus};
use cspr_domain::ids::UserId;
use cspr_store::{CaseScope, CaseSummary};
use serde::Deserialize;
use uuid::Uuid;

use crate::access::{CaseAccess, Principal, Role};
use crate::layout::Chrome;
use crate::reader::{self, Source};
use crate::{AppState, WebError};

/// One row of a case table.
pub struct CaseRow {
    case_id: Uuid,
    reference: String,
    stage: String,
    /// (label, state line, overdue)
    deadline: Option<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "pages/dashboard.html")]
struct CasesPage {
    chrome: Chrome,
    heading: &'static str,
    caption: &'static str,
    cases: Vec<CaseRow>,
}

#[derive(Template)]
#[template(path = "pages/case.html")]
struct CasePage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    stage: &'static str,
    deadlines: Vec<(String, String, String)>,
    children: Vec<String>,
    team: bool,
}

#[derive(Template)]
#[template(path = "pages/access_history.html")]
struct AccessHistoryPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    rows: Vec<(String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "pages/contributions.html")]
struct ContributionsPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    agency: String,
    items: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "pages/members.html")]
struct MembersPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    version: u64,
    members: Vec<(Uuid, String, &'static str)>,
    candidates: Vec<(Uuid, String, &'static str)>,
    roles: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

/// The scope of what a person may list: in the query, never filtered after.
fn scope(p: &Principal) -> CaseScope {
    if p.role.sees_partnership_cases() {
        CaseScope::Partnership(p.partnership_id.as_uuid())
    } else {
        CaseScope::Member {
            partnership_id: p.partnership_id.as_uuid(),
            user_id: p.user_id.as_uuid(),
        }
    }
}

fn rows(state: &AppState, summaries: Vec<CaseSummary>) -> Vec<CaseRow> {
    let app = state.app();
    let today = state.today();
    let mut rows: Vec<(bool, Option<time::Date>, CaseRow)> = summaries
        .into_iter()
        .filter(|s| !s.closed)
        .map(|s| {
            let deadline = s.next_deadline.map(|due| {
                let n = app.calendar().working_days_between(today, due);
                let words = cspr_domain::words::working_days(n.abs());
                let line = if n < 0 {
                    format!("Overdue by {words}")
                } else if n == 0 {
                    "Due today".to_owned()
                } else {
                    format!("Due in {words} ({})", cspr_domain::words::short_day(due))
                };
                (
                    s.next_deadline_label.clone().unwrap_or_default(),
                    line,
                    n < 0,
                )
            });
            let overdue = deadline.as_ref().is_some_and(|d| d.2);
            (
                overdue,
                s.next_deadline,
                CaseRow {
                    case_id: s.case_id,
                    reference: s.reference,
                    stage: s.stage_label,
                    deadline,
                },
            )
        })
        .collect();
    // Overdue first, then by the next deadline, cases without one last.
    rows.sort_by(|a, b| {
        b.0.cmp(&a.0).then_with(|| match (a.1, b.1) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        })
    });
    rows.into_iter().map(|r| r.2).collect()
}

/// The dashboard: open cases with their next deadlines, overdue first.
pub async fn dashboard(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
) -> Result<Response, WebError> {
    let summaries = state.store().case_summaries(scope(&p)).await?;
    let page = CasesPage {
        chrome: Chrome::signed_in(&state, &p, "/dashboard"),
        heading: "Dashboard",
        caption: "Open cases and their next deadlines",
        cases: rows(&state, summaries),
    };
    Ok(Html(page.render()?).into_response())
}

/// The case list.
pub async fn list(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
) -> Result<Response, WebError> {
    let summaries = state.store().case_summaries(scope(&p)).await?;
    let page = CasesPage {
        chrome: Chrome::signed_in(&state, &p, "/cases"),
        heading: "Cases",
        caption: "Open cases you can see",
        cases: rows(&state, summaries),
    };
    Ok(Html(page.render()?).into_response())
}

/// The case page.
pub async fn show(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
) -> Result<Response, WebError> {
    let (case, _) = reader::load_case(&state, &access, "view-case", &source).await?;
    let app = state.app();
    let today = state.today();
    let agencies = state
        .store()
        .agencies(access.principal().partnership_id.as_uuid())
        .await?;
    let deadlines = cspr_domain::deadlines::deadlines(&case, app.calendar(), app.settings(), today)
        .into_iter()
        .map(|d| {
            // "agency-summary:<agency id>": name the agency the domain knows only by id.
            let label = d
                .key
                .split_once(':')
                .and_then(|(_, id)| Uuid::parse_str(id).ok())
                .and_then(|id| agencies.iter().find(|a| a.id == id))
                .map_or_else(
                    || d.label.clone(),
                    |a| d.label.replace("an agency", &a.name),
                );
            (label, d.state_line(today, app.calendar()), d.explanation)
        })
        .collect();
    let p = access.principal();
    let page = CasePage {
        chrome: Chrome::signed_in(&state, p, "/cases"),
        case_id: access.case_id().as_uuid(),
        reference: access.summary().reference.clone(),
        stage: case.stage.label(),
        deadlines,
        children: case
            .children
            .iter()
            .map(|c| c.name.as_str().to_owned())
            .collect(),
        team: p.role == Role::PartnershipTeam,
    };
    Ok(Html(page.render()?).into_response())
}

/// Who looked at the case.
pub async fn access_history(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
) -> Result<Response, WebError> {
    reader::audit(&state, &access, "view-access-history", &source).await?;
    let mut entries = state
        .store()
        .access_log_for_case(access.case_id().as_uuid())
        .await?;
    entries.reverse();
    let users = state
        .store()
        .users(access.principal().partnership_id.as_uuid())
        .await?;
    let name = |actor: &str| {
        users
            .iter()
            .find(|u| u.id.to_string() == actor)
            .map_or_else(|| "Unknown".to_owned(), |u| u.display_name.clone())
    };
    let rows = entries
        .into_iter()
        .map(|e| {
            let when =
                e.at.format(time::macros::format_description!(
                    "[day] [month repr:long] [year], [hour]:[minute]"
                ))
                .unwrap_or_default();
            (when, name(&e.actor), e.action, e.source_ip)
        })
        .collect();
    let page = AccessHistoryPage {
        chrome: Chrome::signed_in(&state, access.principal(), "/cases"),
        case_id: access.case_id().as_uuid(),
        reference: access.summary().reference.clone(),
        rows,
    };
    Ok(Html(page.render()?).into_response())
}

/// One agency's contributions to the case (its drafts are its own).
pub async fn agency_contributions(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
) -> Result<Response, WebError> {
    let (case, _) =
        reader::load_case(&state, &access, "view-agency-contributions", &source).await?;
    let Some(agency) = access.agency() else {
        return Err(WebError::NotFound);
    };
    let agencies = state
        .store()
        .agencies(access.principal().partnership_id.as_uuid())
        .await?;
    let agency_name = agencies
        .iter()
        .find(|a| a.id == agency.as_uuid())
        .map_or_else(|| "this agency".to_owned(), |a| a.name.clone());
    let items = case
        .contributions
        .values()
        .filter(|r| r.agency == agency)
        .map(|r| {
            let status = match &r.status {
                ContributionStatus::Requested => {
                    format!("Requested, due {}", cspr_domain::words::long_date(r.due_on))
                }
                ContributionStatus::Received { on, contribution } => format!(
                    "Received {}: {}",
                    cspr_domain::words::long_date(*on),
                    contribution.text.as_str()
                ),
                ContributionStatus::Waived { reason } => format!("Not needed: {}", reason.as_str()),
            };
            let kind = r.kind.label();
            (
                format!("{}{}", kind[..1].to_uppercase(), &kind[1..]),
                status,
            )
        })
        .collect();
    let page = ContributionsPage {
        chrome: Chrome::signed_in(&state, access.principal(), "/cases"),
        case_id: access.case_id().as_uuid(),
        reference: access.summary().reference.clone(),
        agency: agency_name,
        items,
    };
    Ok(Html(page.render()?).into_response())
}

async fn members_page(
    state: &AppState,
    access: &CaseAccess,
    source: &Source,
    error: Option<String>,
) -> Result<Response, WebError> {
    let (case, _) = reader::load_case(state, access, "view-case-members", source).await?;
    let users = state
        .store()
        .users(access.principal().partnership_id.as_uuid())
        .await?;
    let members = case
        .members
        .iter()
        .map(|(id, m)| {
            let name = users
                .iter()
                .find(|u| u.id == id.as_uuid())
                .map_or_else(|| "Unknown".to_owned(), |u| u.display_name.clone());
            (id.as_uuid(), name, m.role.label())
        })
        .collect();
    let candidates = users
        .iter()
        .filter(|u| !u.disabled && !case.members.contains_key(&UserId::from_uuid(u.id)))
        .filter_map(|u| {
            let role = Role::parse(&u.role)?;
            (!role.sees_partnership_cases() && role != Role::SystemAdministrator)
                .then(|| (u.id, u.display_name.clone(), role.label()))
        })
        .collect();
    let page = MembersPage {
        chrome: Chrome::signed_in(state, access.principal(), "/cases"),
        case_id: access.case_id().as_uuid(),
        reference: access.summary().reference.clone(),
        version: case.version,
        members,
        candidates,
        roles: CaseRole::ALL.iter().map(|r| (r.key(), r.label())).collect(),
        error,
    };
    Ok(Html(page.render()?).into_response())
}

/// Who can see the case.
pub async fn members(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
) -> Result<Response, WebError> {
    members_page(&state, &access, &source, None).await
}

/// The add-member form.
#[derive(Debug, Deserialize)]
pub struct AddMember {
    #[serde(default)]
    user: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    version: Option<u64>,
}

/// The remove-member form.
#[derive(Debug, Deserialize)]
pub struct RemoveMember {
    #[serde(default)]
    version: Option<u64>,
}

async fn run(
    state: &AppState,
    access: &CaseAccess,
    version: Option<u64>,
    command: Command,
) -> Result<Result<(), String>, WebError> {
    let actor = cspr_app::Actor {
        user_id: access.principal().user_id,
        now: state.now(),
        today: state.today(),
    };
    match state
        .app()
        .execute(access.case_id(), version, command, actor)
        .await
    {
        Ok(_) => Ok(Ok(())),
        Err(cspr_app::AppError::Domain(e)) => Ok(Err(e.to_string())),
        Err(e @ cspr_app::AppError::Conflict { .. }) => Ok(Err(e.to_string())),
        Err(cspr_app::AppError::Store(cspr_store::StoreError::DiskFull)) => Err(WebError::DiskFull),
        Err(e) => Err(WebError::Internal(e.to_string())),
    }
}

/// Gives someone access to the case.
pub async fn add_member(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    ValidForm(form): ValidForm<AddMember>,
) -> Result<Response, WebError> {
    let users = state
        .store()
        .users(access.principal().partnership_id.as_uuid())
        .await?;
    let user = Uuid::parse_str(&form.user)
        .ok()
        .and_then(|id| users.into_iter().find(|u| u.id == id));
    let role = CaseRole::ALL.into_iter().find(|r| r.key() == form.role);
    // Only people who need membership can be given it: not administrators (who see no case)
    // and not the team or the chair (who see every case already).
    let user = user.filter(|u| {
        !u.disabled
            && Role::parse(&u.role)
                .is_some_and(|r| !r.sees_partnership_cases() && r != Role::SystemAdministrator)
    });
    let (Some(user), Some(role)) = (user, role) else {
        return members_page(
            &state,
            &access,
            &source,
            Some("Choose a person and their part in the case".to_owned()),
        )
        .await;
    };
    let command = Command::GrantMembership {
        user: UserId::from_uuid(user.id),
        role,
        agency: user.agency_id.map(cspr_domain::ids::AgencyId::from_uuid),
    };
    match run(&state, &access, form.version, command).await? {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{}/members", access.case_id())).into_response()),
        Err(message) => members_page(&state, &access, &source, Some(message)).await,
    }
}

/// Takes someone's access to the case away.
pub async fn remove_member(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, user_id)): Path<(Uuid, Uuid)>,
    ValidForm(form): ValidForm<RemoveMember>,
) -> Result<Response, WebError> {
    match run(
        &state,
        &access,
        form.version,
        Command::RevokeMembership {
            user: UserId::from_uuid(user_id),
        },
    )
    .await?
    {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{}/members", access.case_id())).into_response()),
        Err(message) => members_page(&state, &access, &source, Some(message)).await,
    }
}
