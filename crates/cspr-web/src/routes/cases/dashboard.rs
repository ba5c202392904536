//! The dashboard and the case list, scoped in the query to what the person may see: the
//! person's tasks, and open cases with their next deadlines, overdue first.

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use cspr_store::CaseSummary;
use serde::Deserialize;
use uuid::Uuid;

use crate::access::{Principal, Role};
use crate::extract::{ReadModels, Signed};
use crate::layout::Chrome;
use crate::routes::requests;
use crate::{AppState, WebError};
use cspr_app::policy::listing_scope as scope;

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
    case_id: Uuid,
    href: String,
    what: String,
    reference: String,
    /// When it is due, in words: drawn only for the tasks of the page shown.
    when: String,
    overdue: bool,
}

/// What a task is about, borrowed from the listings it was found in.
enum TaskOf<'a> {
    /// Moving a case on to its next deadline.
    Case(&'a CaseSummary),
    /// An agency's open action, on the case listed.
    Action(&'a cspr_store::ActionRow, &'a CaseSummary),
    /// A request to the agency, on the case listed.
    Request(
        Uuid,
        cspr_domain::case::model::ContributionKind,
        &'a CaseSummary,
    ),
}

/// A task as it is ordered: when it is due, and what it is about.
struct TaskKey<'a> {
    due: Option<time::Date>,
    overdue: bool,
    of: TaskOf<'a>,
}

impl TaskKey<'_> {
    /// The task as its row shows it.
    fn task(&self, due: &Due, agency: Option<cspr_domain::ids::AgencyId>) -> Task {
        let (case_id, href, what, summary) = match self.of {
            TaskOf::Case(s) => (
                s.case_id,
                format!("/cases/{}", s.case_id),
                s.next_deadline_label
                    .clone()
                    .unwrap_or_else(|| format!("Move on from {}", s.stage_label.to_lowercase())),
                s,
            ),
            TaskOf::Action(a, s) => (
                a.case_id,
                format!("/cases/{}/actions/record-action-progress", a.case_id),
                format!("Action: {}", a.description),
                s,
            ),
            TaskOf::Request(case_id, kind, s) => (
                case_id,
                format!(
                    "/cases/{case_id}/agencies/{}/requests/{}",
                    agency.map(|a| a.to_string()).unwrap_or_default(),
                    kind.slug()
                ),
                format!("Request: {}", kind.label()),
                s,
            ),
        };
        Task {
            case_id,
            href,
            what,
            reference: summary.reference.clone(),
            when: self.due.map(|d| due.words(d).0).unwrap_or_default(),
            overdue: self.overdue,
        }
    }
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
    /// How many cases match, and which of them this page shows ("1 to 25").
    total: usize,
    shown: String,
    pages: crate::paging::Pages,
    /// How many tasks there are, which this page shows, and their pages.
    task_total: usize,
    task_shown: String,
    task_pages: crate::paging::Pages,
}

/// "Due in 3 working days (Fri 14 Mar)", "Due today", "Overdue by 2 working days".
/// The "due in / overdue" wording of one page, counted on the partnership's calendar from
/// today (read once for the page, not once a row).
struct Due {
    app: cspr_app::App,
    today: time::Date,
    /// The last working day on or before today: a date is overdue when it falls before it
    /// (there is a working day after it, up to today), so ordering thousands of cases is one
    /// comparison each.
    last_working_day: time::Date,
}

impl Due {
    fn of(state: &AppState) -> Due {
        let app = state.app();
        let today = state.today();
        let last_working_day = app.calendar().last_working_day_on_or_before(today);
        Due {
            app,
            today,
            last_working_day,
        }
    }

    /// Whether `due` has passed: a working day has come and gone since it (as the words count).
    fn overdue(&self, due: time::Date) -> bool {
        due < self.last_working_day
    }

    /// (the words, whether it is overdue).
    fn words(&self, due: time::Date) -> (String, bool) {
        let n = self.app.calendar().working_days_between(self.today, due);
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
}

/// The open cases of page `page` in the order the list shows them: overdue first, then by
/// the next deadline, cases without one last. Only the cases of the page shown are then drawn
/// ([`row`]).
fn ordered_page<'s>(due: &Due, open: Vec<&'s CaseSummary>, page: usize) -> Vec<&'s CaseSummary> {
    let keyed: Vec<(bool, Option<time::Date>, &CaseSummary)> = open
        .into_iter()
        .map(|s| {
            (
                s.next_deadline.is_some_and(|d| due.overdue(d)),
                s.next_deadline,
                s,
            )
        })
        .collect();
    crate::paging::page_sorted_by(keyed, page, PAGE_SIZE, |a, b| {
        b.0.cmp(&a.0).then_with(|| match (a.1, b.1) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        })
    })
    .into_iter()
    .map(|k| k.2)
    .collect()
}

/// One case's row of the list.
fn row(due: &Due, s: &CaseSummary) -> CaseRow {
    CaseRow {
        case_id: s.case_id,
        reference: s.reference.clone(),
        stage: s.stage_label.clone(),
        deadline: s.next_deadline.map(|d| {
            let (line, overdue) = due.words(d);
            (
                s.next_deadline_label.clone().unwrap_or_default(),
                line,
                overdue,
            )
        }),
    }
}

/// The dashboard's and the case list's filters.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Filters {
    stage: String,
    agency: String,
    year: String,
    /// The page of cases.
    page: Option<usize>,
    /// The page of tasks.
    tasks: Option<usize>,
}

/// Cases or tasks on one page of the dashboard (issue 20: the page stays small whatever the
/// number of cases).
pub const PAGE_SIZE: usize = 25;

/// The address of the list with these filters, at these pages.
fn list_href(action: &str, f: &Filters, page: usize, tasks: usize) -> String {
    let mut pairs: Vec<String> = Vec::new();
    for (k, v) in [
        ("stage", &f.stage),
        ("agency", &f.agency),
        ("year", &f.year),
    ] {
        if !v.is_empty() {
            pairs.push(format!(
                "{k}={}",
                v.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "")
            ));
        }
    }
    if page > 1 {
        pairs.push(format!("page={page}"));
    }
    if tasks > 1 {
        pairs.push(format!("tasks={tasks}"));
    }
    if pairs.is_empty() {
        action.to_owned()
    } else {
        format!("{action}?{}", pairs.join("&"))
    }
}

/// "1 to 25" of a page.
fn shown_words(total: usize, page: usize) -> String {
    if total == 0 {
        return String::new();
    }
    let first = (page - 1) * PAGE_SIZE + 1;
    let last = (page * PAGE_SIZE).min(total);
    format!("{first} to {last}")
}

async fn cases_page(
    state: &AppState,
    (p, ReadModels(version)): (&Principal, ReadModels),
    source: &cspr_app::reader::Source,
    filters: &Filters,
    dashboard: bool,
) -> Result<Response, WebError> {
    use cspr_domain::case::Stage;
    let all = state
        .store()
        .case_summaries_kept_at(scope(p), version)
        .await?;
    let agencies = state
        .store()
        .agencies_kept_at(p.partnership_id.as_uuid(), version)
        .await?;
    let agency = Uuid::parse_str(&filters.agency).ok();
    let year: Option<i32> = filters.year.parse().ok();
    let due = Due::of(state);
    let summaries: Vec<&CaseSummary> = all
        .iter()
        .filter(|s| filters.stage.is_empty() || s.stage == filters.stage)
        .filter(|s| agency.is_none_or(|a| s.agencies.contains(&a)))
        .filter(|s| year.is_none_or(|y| s.opened_on.year() == y))
        .collect();
    let mut years: Vec<i32> = all.iter().map(|s| s.opened_on.year()).collect();
    years.sort_unstable();
    years.dedup();
    years.reverse();
    // The person's tasks, as keys to order them by; only the page shown is drawn (issue 20:
    // the dashboard orders hundreds of tasks and shows 25).
    let mut own_actions = Vec::new();
    let mut own_requests = Vec::new();
    let tasks = if dashboard {
        let mut tasks: Vec<TaskKey<'_>> = summaries
            .iter()
            .filter(|s| !s.closed && cspr_app::policy::moves_case_on(p.role, &s.stage))
            .map(|s| TaskKey {
                due: s.next_deadline,
                overdue: s.next_deadline.is_some_and(|d| due.overdue(d)),
                of: TaskOf::Case(s),
            })
            .collect();
        // An agency's open actions, and the requests to it, are its representatives' tasks
        // (routes/requests/).
        if p.role == Role::AgencyRepresentative
            && let Some(own) = p.agency_id
        {
            let own_text = own.to_string();
            own_actions = state.store().actions(scope(p)).await?;
            own_actions.retain(|a| a.agency == own_text && a.status != "complete");
            own_requests = state
                .store()
                .all_deadlines(scope(p))
                .await?
                .into_iter()
                .filter_map(|d| requests::open_request_of(&d, own).map(|kind| (d, kind)))
                .collect();
        }
        for a in &own_actions {
            let Some(s) = summaries.iter().find(|s| s.case_id == a.case_id) else {
                continue;
            };
            tasks.push(TaskKey {
                due: a.due,
                overdue: a.due.is_some_and(|d| due.overdue(d)),
                of: TaskOf::Action(a, s),
            });
        }
        for (d, kind) in &own_requests {
            let Some(s) = summaries
                .iter()
                .find(|s| s.case_id == d.case_id && !s.closed)
            else {
                continue;
            };
            tasks.push(TaskKey {
                due: Some(d.due),
                overdue: due.overdue(d.due),
                of: TaskOf::Request(d.case_id, *kind, s),
            });
        }
        Some(tasks)
    } else {
        None
    };
    let action = if dashboard { "/dashboard" } else { "/cases" };
    let open_cases: Vec<&CaseSummary> = summaries.iter().copied().filter(|s| !s.closed).collect();
    let total = open_cases.len();
    let page_no = crate::paging::current(filters.page, total, PAGE_SIZE);
    let task_total = tasks.as_ref().map_or(0, Vec::len);
    let task_no = crate::paging::current(filters.tasks, task_total, PAGE_SIZE);
    let cases: Vec<CaseRow> = ordered_page(&due, open_cases, page_no)
        .into_iter()
        .map(|s| row(&due, s))
        .collect();
    let tasks: Option<Vec<Task>> = tasks.map(|t| {
        // Overdue first, then by when they are due, those without a date last.
        crate::paging::page_sorted_by(t, task_no, PAGE_SIZE, |a, b| {
            b.overdue
                .cmp(&a.overdue)
                .then_with(|| a.due.is_none().cmp(&b.due.is_none()))
                .then_with(|| a.due.cmp(&b.due))
        })
        .iter()
        .map(|key| key.task(&due, p.agency_id))
        .collect()
    });
    // The page shows details of the cases on it (their rows, and the tasks on them): the look
    // is written to the access log first (issue 16, finding 10), those cases only.
    let ids: Vec<Uuid> = cases
        .iter()
        .map(|c| c.case_id)
        .chain(tasks.iter().flatten().map(|t| t.case_id))
        .collect();
    cspr_app::reader::audit_listing(
        state.services(),
        p,
        if dashboard {
            "view-dashboard"
        } else {
            "list-cases"
        },
        &ids,
        source,
    )
    .await?;
    let pages = crate::paging::pages(total, PAGE_SIZE, page_no, |n| {
        list_href(action, filters, n, task_no)
    });
    let task_pages = crate::paging::pages(task_total, PAGE_SIZE, task_no, |n| {
        list_href(action, filters, page_no, n)
    });
    let page = CasesPage {
        total,
        shown: shown_words(total, page_no),
        pages,
        task_total,
        task_shown: shown_words(task_total, task_no),
        task_pages,
        chrome: Chrome::signed_in(state, p, if dashboard { "/dashboard" } else { "/cases" }),
        heading: if dashboard { "Dashboard" } else { "Cases" },
        caption: if dashboard {
            "The partnership's open cases, overdue first"
        } else {
            "Open cases you can see"
        },
        action,
        tasks,
        cases,
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
    Signed(state, p, source): Signed,
    read_models: ReadModels,
    axum::extract::Query(filters): axum::extract::Query<Filters>,
) -> Result<Response, WebError> {
    cases_page(&state, (&p, read_models), &source, &filters, true).await
}

/// The case list.
pub async fn list(
    Signed(state, p, source): Signed,
    read_models: ReadModels,
    axum::extract::Query(filters): axum::extract::Query<Filters>,
) -> Result<Response, WebError> {
    cases_page(&state, (&p, read_models), &source, &filters, false).await
}
