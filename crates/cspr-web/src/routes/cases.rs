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

/// One task: (href, what, case reference, when, overdue).
pub struct Task {
    href: String,
    what: String,
    reference: String,
    when: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "pages/dashboard.html")]
struct CasesPage {
    chrome: Chrome,
    heading: &'static str,
    caption: &'static str,
    action: &'static str,
    tasks: Option<Vec<Task>>,
    cases: Vec<CaseRow>,
    stages: Vec<(String, String, bool)>,
    agencies: Vec<(String, String, bool)>,
    years: Vec<(String, String, bool)>,
    filtered: bool,
    can_open: bool,
}
/// One stage in the case's progress: (name, status words, tag colour class).
pub struct StageRow {
    name: &'static str,
    status: &'static str,
    tag: &'static str,
}

#[derive(Template)]
#[template(path = "pages/case.html")]
struct CasePage {
    chrome: Chrome,
    /// The case's documents: (href, title) (routes/documents/).
    documents: Vec<(String, &'static str)>,
    case_id: Uuid,
    reference: String,
    stage: &'static str,
    banner: Option<&'static str>,
    actions: Vec<(String, &'static str)>,
    progress: Vec<StageRow>,
    deadlines: Vec<(String, String, String)>,
    /// (date, text), newest first.
    timeline: Vec<(String, String)>,
    children: Vec<(String, String)>,
    agencies: Vec<String>,
    /// (what, since, until or "Continuing", pauses the review)
    processes: Vec<(String, String, String, bool)>,
    /// (name, part)
    people: Vec<(String, String)>,
    team: bool,
    plan: Vec<ActionView>,
    themes: Vec<String>,
    /// (date, how, what, reach)
    shared: Vec<(String, String, String, String)>,
    earlier: Vec<super::themes::Earlier>,
}

/// One action of the plan as the case page shows it.
pub struct ActionView {
    description: String,
    agency: String,
    owner: String,
    measure: String,
    due: String,
    status: &'static str,
    tag: &'static str,
    reason: String,
    /// (date, note)
    progress: Vec<(String, String)>,
    /// (href, file name, date)
    files: Vec<(String, String, String)>,
    completed: Option<(String, String)>,
    evidence_href: String,
}

/// The GOV.UK tag colour of an action status (the words carry the meaning).
#[must_use]
pub const fn status_tag(status: cspr_domain::actions::ActionStatus) -> &'static str {
    use cspr_domain::actions::ActionStatus as S;
    match status {
        S::NotStarted => "govuk-tag--grey",
        S::OnTrack => "govuk-tag--blue",
        S::AtRisk => "govuk-tag--yellow",
        S::Overdue => "govuk-tag--red",
        S::Completed => "govuk-tag--turquoise",
        S::ImpactEvidenced => "govuk-tag--green",
    }
}

#[derive(Template)]
#[template(path = "pages/case_print.html")]
struct CasePrint {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    stage: &'static str,
    decisions_only: bool,
    summary: Vec<(String, String)>,
    deadlines: Vec<(String, String, String)>,
    timeline: Vec<(String, String)>,
}

/// The progress of a case through the stages, as the task list shows it.
#[must_use]
pub fn progress(case: &cspr_domain::case::Case) -> Vec<StageRow> {
    use cspr_domain::case::Stage;
    use cspr_domain::case::model::ReviewOutcome;
    let at = Stage::ALL
        .iter()
        .position(|s| *s == case.stage)
        .unwrap_or(0);
    let local_review = matches!(case.outcome(), Some(ReviewOutcome::LocalReview));
    let decided_other = case.outcome().is_some() && !local_review;
    Stage::ALL
        .iter()
        .enumerate()
        .filter(|(_, s)| **s != Stage::New)
        .map(|(i, s)| {
            let skipped = match s {
                Stage::Incident => case.incident.is_none() || case.opened_by_referral,
                Stage::RapidReview => i < at && case.rapid_review_meeting.is_none(),
                Stage::Scoping => i < at && case.scoping_meeting.is_none(),
                Stage::Commissioning | Stage::Evidence | Stage::Drafting | Stage::Publication => {
                    decided_other
                }
                _ => false,
            };
            let (status, tag) = if case.stage == Stage::Closed && *s == Stage::Closed {
                ("Completed", "")
            } else if skipped && i != at {
                ("Not needed", "govuk-tag--grey")
            } else if i < at {
                ("Completed", "")
            } else if i == at {
                ("In progress", "govuk-tag--light-blue")
            } else {
                ("Not started", "govuk-tag--grey")
            };
            StageRow {
                name: s.label(),
                status,
                tag,
            }
        })
        .collect()
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
pub(crate) fn scope(p: &Principal) -> CaseScope {
    if p.role.sees_partnership_cases() {
        CaseScope::Partnership(p.partnership_id.as_uuid())
    } else {
        CaseScope::Member {
            partnership_id: p.partnership_id.as_uuid(),
            user_id: p.user_id.as_uuid(),
        }
    }
}

/// "Due in 3 working days (Fri 14 Mar)", "Due today", "Overdue by 2 working days".
fn due_words(state: &AppState, due: time::Date) -> (String, bool) {
    let n = state
        .app()
        .calendar()
        .working_days_between(state.today(), due);
    let words = cspr_domain::words::working_days(n.abs());
    let line = if n < 0 {
        format!("Overdue by {words}")
    } else if n == 0 {
        "Due today".to_owned()
    } else {
        format!("Due in {words} ({})", cspr_domain::words::short_day(due))
    };
    (line, n < 0)
}

fn rows(state: &AppState, summaries: &[CaseSummary]) -> Vec<CaseRow> {
    let mut rows: Vec<(bool, Option<time::Date>, CaseRow)> = summaries
        .iter()
        .filter(|s| !s.closed)
        .map(|s| {
            let deadline = s.next_deadline.map(|due| {
                let (line, overdue) = due_words(state, due);
                (
                    s.next_deadline_label.clone().unwrap_or_default(),
                    line,
                    overdue,
                )
            });
            let overdue = deadline.as_ref().is_some_and(|d| d.2);
            (
                overdue,
                s.next_deadline,
                CaseRow {
                    case_id: s.case_id,
                    reference: s.reference.clone(),
                    stage: s.stage_label.clone(),
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

/// Who moves a case on at each stage.
fn responsible(stage: &str) -> &'static [Role] {
    use Role::{
        AgencyRepresentative as A, Chair as C, IndependentReviewer as R, PartnershipTeam as T,
        SafeguardingPartner as P, SubgroupMember as S,
    };
    match stage {
        "incident" | "decided" => &[T],
        "referral" => &[T, S],
        "triage" => &[T, C],
        "rapid-review" => &[T, C, P],
        "scoping" => &[T, C, S],
        "commissioning" => &[T, C],
        "evidence" => &[T, R, A],
        "drafting" => &[T, R, P],
        "publication" => &[T, P],
        "action-plan" => &[T, S, A],
        _ => &[],
    }
}

/// The dashboard's and the case list's filters.
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    year: String,
}

async fn cases_page(
    state: &AppState,
    p: &Principal,
    filters: &Filters,
    dashboard: bool,
) -> Result<Response, WebError> {
    use cspr_domain::case::Stage;
    let all = state.store().case_summaries(scope(p)).await?;
    let agencies = state.store().agencies(p.partnership_id.as_uuid()).await?;
    let agency = Uuid::parse_str(&filters.agency).ok();
    let year: Option<i32> = filters.year.parse().ok();
    let summaries: Vec<CaseSummary> = all
        .iter()
        .filter(|s| filters.stage.is_empty() || s.stage == filters.stage)
        .filter(|s| agency.is_none_or(|a| s.agencies.contains(&a)))
        .filter(|s| year.is_none_or(|y| s.opened_on.year() == y))
        .cloned()
        .collect();
    let mut years: Vec<i32> = all.iter().map(|s| s.opened_on.year()).collect();
    years.sort_unstable();
    years.dedup();
    years.reverse();
    let tasks = if dashboard {
        let mut tasks: Vec<(Option<time::Date>, Task)> = summaries
            .iter()
            .filter(|s| !s.closed && responsible(&s.stage).contains(&p.role))
            .map(|s| {
                let (when, overdue) = s
                    .next_deadline
                    .map_or_else(|| (String::new(), false), |d| due_words(state, d));
                (
                    s.next_deadline,
                    Task {
                        href: format!("/cases/{}", s.case_id),
                        what: s.next_deadline_label.clone().unwrap_or_else(|| {
                            format!("Move on from {}", s.stage_label.to_lowercase())
                        }),
                        reference: s.reference.clone(),
                        when,
                        overdue,
                    },
                )
            })
            .collect();
        // An agency's open actions are its representative's tasks.
        if p.role == Role::AgencyRepresentative
            && let Some(own) = p.agency_id
        {
            {
                let own = own.to_string();
                for a in state.store().actions(scope(p)).await? {
                    if a.agency != own || a.status == "complete" {
                        continue;
                    }
                    let reference = summaries
                        .iter()
                        .find(|s| s.case_id == a.case_id)
                        .map(|s| s.reference.clone());
                    let Some(reference) = reference else { continue };
                    let (when, overdue) = a
                        .due
                        .map_or_else(|| (String::new(), false), |d| due_words(state, d));
                    tasks.push((
                        a.due,
                        Task {
                            href: format!("/cases/{}/actions/record-action-progress", a.case_id),
                            what: format!("Action: {}", a.description),
                            reference,
                            when,
                            overdue,
                        },
                    ));
                }
            }
        }
        // Requests to the agency are its representatives' tasks (routes/requests.rs).
        if p.role == Role::AgencyRepresentative
            && let Some(own) = p.agency_id
        {
            for d in state.store().all_deadlines(scope(p)).await? {
                let Some(kind) = super::requests::open_request_of(&d, own) else {
                    continue;
                };
                let Some(s) = summaries
                    .iter()
                    .find(|s| s.case_id == d.case_id && !s.closed)
                else {
                    continue;
                };
                let (when, overdue) = due_words(state, d.due);
                tasks.push((
                    Some(d.due),
                    Task {
                        href: format!(
                            "/cases/{}/agencies/{own}/requests/{}",
                            d.case_id,
                            super::requests::kind_slug(kind)
                        ),
                        what: format!("Request: {}", kind.label()),
                        reference: s.reference.clone(),
                        when,
                        overdue,
                    },
                ));
            }
        }
        tasks.sort_by(|a, b| {
            b.1.overdue
                .cmp(&a.1.overdue)
                .then_with(|| a.0.is_none().cmp(&b.0.is_none()))
                .then_with(|| a.0.cmp(&b.0))
        });
        Some(tasks.into_iter().map(|t| t.1).collect())
    } else {
        None
    };
    let page = CasesPage {
        chrome: Chrome::signed_in(state, p, if dashboard { "/dashboard" } else { "/cases" }),
        heading: if dashboard { "Dashboard" } else { "Cases" },
        caption: if dashboard {
            "The partnership's open cases, overdue first"
        } else {
            "Open cases you can see"
        },
        action: if dashboard { "/dashboard" } else { "/cases" },
        tasks,
        cases: rows(state, &summaries),
        stages: Stage::ALL
            .iter()
            .filter(|s| !matches!(s, Stage::New | Stage::Closed))
            .map(|s| {
                (
                    s.key().to_owned(),
                    s.label().to_owned(),
                    filters.stage == s.key(),
                )
            })
            .collect(),
        agencies: agencies
            .iter()
            .map(|a| (a.id.to_string(), a.name.clone(), agency == Some(a.id)))
            .collect(),
        years: years
            .iter()
            .map(|y| (y.to_string(), y.to_string(), year == Some(*y)))
            .collect(),
        filtered: !filters.stage.is_empty() || agency.is_some() || year.is_some(),
        can_open: p.role == Role::PartnershipTeam,
    };
    Ok(Html(page.render()?).into_response())
}

/// The dashboard: the person's tasks, and open cases with their next deadlines, overdue first.
pub async fn dashboard(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    axum::extract::Query(filters): axum::extract::Query<Filters>,
) -> Result<Response, WebError> {
    cases_page(&state, &p, &filters, true).await
}

/// The case list.
pub async fn list(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    axum::extract::Query(filters): axum::extract::Query<Filters>,
) -> Result<Response, WebError> {
    cases_page(&state, &p, &filters, false).await
}

/// What the case page and its print views need, read once.
struct CaseView {
    case: cspr_domain::case::Case,
    events: Vec<cspr_domain::case::Event>,
    agencies: Vec<cspr_store::AgencyRow>,
    deadlines: Vec<(String, String, String)>,
}

async fn case_view(
    state: &AppState,
    access: &CaseAccess,
    source: &Source,
    action: &str,
) -> Result<CaseView, WebError> {
    let (case, events) = reader::load_case(state, access, action, source).await?;
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
    Ok(CaseView {
        case,
        events,
        agencies,
        deadlines,
    })
}

impl CaseView {
    fn agency_name(&self, id: cspr_domain::ids::AgencyId) -> String {
        self.agencies
            .iter()
            .find(|a| a.id == id.as_uuid())
            .map_or_else(|| "An agency".to_owned(), |a| a.name.clone())
    }

    /// (date, sentence) in event order.
    fn timeline(&self, decisions_only: bool) -> Vec<(String, String)> {
        use cspr_domain::case::Event;
        let name = |a| self.agency_name(a);
        self.events
            .iter()
            .filter(|e| {
                !decisions_only
                    || matches!(
                        e,
                        Event::ReferralApproved { .. }
                            | Event::ReferralTriaged { .. }
                            | Event::LocalReviewDecided { .. }
                            | Event::RapidReviewSignedOff { .. }
                            | Event::PanelResponded { .. }
                            | Event::TermsOfReferenceAgreed { .. }
                            | Event::ReportSignedOff { .. }
                            | Event::PublicationDecided { .. }
                            | Event::ActionAgreed { .. }
                            | Event::ActionCompleted { .. }
                            | Event::CaseClosed { .. }
                    )
            })
            .map(|e| {
                let entry = cspr_domain::timeline::describe(e, &name);
                (
                    entry
                        .date
                        .map_or_else(String::new, cspr_domain::words::long_date),
                    entry.text,
                )
            })
            .collect()
    }
}

/// The query of the case page: the action just finished, for its banner.
#[derive(Debug, Deserialize)]
pub struct CaseQuery {
    #[serde(default)]
    done: Option<String>,
}

/// The case page.
pub async fn show(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    axum::extract::Query(query): axum::extract::Query<CaseQuery>,
) -> Result<Response, WebError> {
    let view = case_view(&state, &access, &source, "view-case").await?;
    let p = access.principal();
    let case = &view.case;
    let mut timeline = view.timeline(false);
    timeline.reverse();
    let children = case
        .children
        .iter()
        .map(|c| (c.name.as_str().to_owned(), c.sex.label().to_owned()))
        .collect();
    let agencies = case
        .involved_agencies()
        .into_iter()
        .map(|a| view.agency_name(a))
        .collect();
    let processes = case
        .parallel_processes
        .values()
        .map(|pp| {
            let kind = pp.kind.label();
            (
                format!("{}{}", kind[..1].to_uppercase(), &kind[1..]),
                cspr_domain::words::long_date(pp.started_on),
                pp.ended_on.map_or_else(
                    || "Continuing".to_owned(),
                    |d| format!("Ended {}", cspr_domain::words::long_date(d)),
                ),
                pp.stops_clock,
            )
        })
        .collect();
    let mut people: Vec<(String, String)> = Vec::new();
    if let Some(r) = &case.reviewer {
        people.push((
            r.name.as_str().to_owned(),
            "Independent reviewer".to_owned(),
        ));
    }
    for m in &case.panel {
        people.push((
            m.name.as_str().to_owned(),
            format!("Panel member, {}", view.agency_name(m.agency)),
        ));
    }
    for pr in &case.practitioners {
        people.push((
            pr.name.as_str().to_owned(),
            format!("{}, {}", pr.role_title, view.agency_name(pr.agency)),
        ));
    }
    let mut actions = super::actions::offered(&state, p, case, access.case_id()).await?;
    // The anonymisation review can start once there is a report (routes/publication.rs).
    let publication = format!("/cases/{}/publication", access.case_id());
    if p.role == crate::access::Role::PartnershipTeam
        && case.stage == cspr_domain::case::Stage::Drafting
        && !actions.iter().any(|a| a.0 == publication)
    {
        actions.push((publication, "Anonymisation review and publication"));
    }
    let today = state.today();
    let app = state.app();
    let case_id = access.case_id();
    let plan =
        case.actions
            .values()
            .map(|a| {
                let assessed = cspr_domain::actions::status(
                    a,
                    today,
                    app.calendar(),
                    &cspr_domain::actions::ActionRules::default(),
                );
                ActionView {
                    description: a.action.description.as_str().to_owned(),
                    agency: view.agency_name(a.action.agency),
                    owner: a.action.owner.clone().unwrap_or_default(),
                    measure: a.action.measure_of_success.clone().unwrap_or_default(),
                    due: cspr_domain::words::long_date(a.action.due_on),
                    status: assessed.status.label(),
                    tag: status_tag(assessed.status),
                    reason: assessed.reason,
                    progress: a
                        .progress
                        .iter()
                        .map(|pr| {
                            (
                                cspr_domain::words::long_date(pr.on),
                                pr.note.as_str().to_owned(),
                            )
                        })
                        .collect(),
                    files: a
                        .attachments
                        .iter()
                        .map(|(on, f)| {
                            (
                                format!(
                                    "/cases/{case_id}/evidence/{}/{}",
                                    a.action.action_id, f.blob_id
                                ),
                                f.file_name.clone(),
                                cspr_domain::words::long_date(*on),
                            )
                        })
                        .collect(),
                    completed: a.completed.as_ref().map(|(on, ev)| {
                        (cspr_domain::words::long_date(*on), ev.as_str().to_owned())
                    }),
                    evidence_href: format!("/cases/{case_id}/evidence/{}", a.action.action_id),
                }
            })
            .collect();
    let mut themes: Vec<String> = case.themes.iter().cloned().collect();
    if let Some((_, learning_themes)) = &case.rapid_review_learning {
        themes.extend(learning_themes.iter().cloned());
    }
    themes.sort();
    themes.dedup();
    let shared = case
        .disseminations
        .iter()
        .map(|d| {
            let kind = d.kind.label();
            (
                cspr_domain::words::long_date(d.on),
                format!("{}{}", kind[..1].to_uppercase(), &kind[1..]),
                d.description.as_str().to_owned(),
                d.reach.map_or_else(String::new, |n| {
                    cspr_domain::words::plural(i64::from(n), "person", "people")
                }),
            )
        })
        .collect();
    // While the learning is being weighed, show where the same themes arose before.
    let earlier = if matches!(
        case.stage,
        cspr_domain::case::Stage::Triage
            | cspr_domain::case::Stage::RapidReview
            | cspr_domain::case::Stage::Scoping
            | cspr_domain::case::Stage::Decided
    ) && !themes.is_empty()
    {
        super::themes::earlier(&state, p, &source, &themes, case_id).await?
    } else {
        Vec::new()
    };
    let page = CasePage {
        documents: super::documents::links(case, access.case_id().as_uuid()),
        chrome: Chrome::signed_in(&state, p, "/cases"),
        case_id: access.case_id().as_uuid(),
        reference: access.summary().reference.clone(),
        stage: case.stage.label(),
        banner: query.done.as_deref().and_then(super::actions::done_text),
        actions,
        progress: progress(case),
        deadlines: view.deadlines.clone(),
        timeline,
        children,
        agencies,
        processes,
        people,
        team: p.role == Role::PartnershipTeam,
        plan,
        themes,
        shared,
        earlier,
    };
    Ok(Html(page.render()?).into_response())
}

/// Which print view.
#[derive(Debug, Deserialize)]
pub struct PrintQuery {
    #[serde(default)]
    view: Option<String>,
}

/// A print view: the case summary, or the chronology of decisions.
pub async fn print(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    axum::extract::Query(query): axum::extract::Query<PrintQuery>,
) -> Result<Response, WebError> {
    let decisions_only = query.view.as_deref() == Some("decisions");
    let view = case_view(&state, &access, &source, "print-case").await?;
    let case = &view.case;
    let mut summary = vec![("Stage".to_owned(), case.stage.label().to_owned())];
    if let Some(i) = &case.incident {
        summary.push((
            "Incident".to_owned(),
            format!(
                "{}, {}",
                cspr_domain::words::long_date(i.occurred_on),
                i.place
            ),
        ));
    }
    for c in &case.children {
        summary.push(("Child".to_owned(), c.name.as_str().to_owned()));
    }
    if let Some(d) = case.notified_on {
        summary.push((
            "National Panel notified".to_owned(),
            cspr_domain::words::long_date(d),
        ));
    }
    if let Some((_, outcome, reasons, on)) = &case.decision {
        use cspr_domain::case::model::ReviewOutcome;
        let what = match outcome {
            ReviewOutcome::LocalReview => "Hold a local review".to_owned(),
            ReviewOutcome::OtherLearning { form } => format!("Learn in another way: {form}"),
            ReviewOutcome::NoFurtherAction => "No further action".to_owned(),
        };
        summary.push((
            "Decision".to_owned(),
            format!(
                "{what} ({}). {}",
                cspr_domain::words::long_date(*on),
                reasons.as_str()
            ),
        ));
    }
    if let Some(r) = &case.reviewer {
        summary.push((
            "Independent reviewer".to_owned(),
            r.name.as_str().to_owned(),
        ));
    }
    let agencies: Vec<String> = case
        .involved_agencies()
        .into_iter()
        .map(|a| view.agency_name(a))
        .collect();
    if !agencies.is_empty() {
        summary.push(("Agencies involved".to_owned(), agencies.join(", ")));
    }
    let page = CasePrint {
        chrome: Chrome::signed_in(&state, access.principal(), "/cases"),
        case_id: access.case_id().as_uuid(),
        reference: access.summary().reference.clone(),
        stage: case.stage.label(),
        decisions_only,
        summary,
        deadlines: view.deadlines.clone(),
        timeline: view.timeline(decisions_only),
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
