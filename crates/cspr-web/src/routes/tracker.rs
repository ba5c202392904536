//! The action tracker: every action of every case the person may see (scoped in the query,
//! `cspr_app::policy::listing_scope`), with its derived status and the reason for it, filters by agency,
//! theme, status and due period, what each agency owes, and the filtered list as CSV.
//!
//! A row's status comes from the read model's three facts (due date, latest progress,
//! completion and impact) through [`cspr_domain::actions::status_on_record`], the derivation the case
//! pages and the yearly figures use.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use askama::Template;
use axum::extract::Query;
use axum::response::{Html, IntoResponse, Response};
use cspr_domain::actions::{ActionRules, ActionStatus, status_on_record};
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

use crate::access::Principal;
use crate::extract::{ReadModels, Signed};
use crate::layout::Chrome;
use crate::{AppState, WebError};
use cspr_store::CaseScope;

/// The tracker's filters, from the query string (the CSV takes the same).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct Filters {
    #[serde(default)]
    agency: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    status: String,
    /// "", "overdue" or "next-30-days".
    #[serde(default)]
    due: String,
    #[serde(default, rename = "from-day")]
    from_day: String,
    #[serde(default, rename = "from-month")]
    from_month: String,
    #[serde(default, rename = "from-year")]
    from_year: String,
    #[serde(default, rename = "to-day")]
    to_day: String,
    #[serde(default, rename = "to-month")]
    to_month: String,
    #[serde(default, rename = "to-year")]
    to_year: String,
    /// The page of actions.
    #[serde(default)]
    page: Option<usize>,
}

/// Actions on one page of the tracker (issue 20).
pub const PAGE_SIZE: usize = 50;

/// The due periods offered: (value, words).
const PERIODS: [(&str, &str); 2] = [
    ("overdue", "Overdue"),
    ("next-30-days", "Due in the next 30 days"),
];

/// One action as the tracker shows it.
#[derive(Clone)]
pub struct Row {
    case_id: Uuid,
    action_id: Uuid,
    reference: String,
    agency_id: String,
    agency: String,
    description: String,
    owner: String,
    due: Option<Date>,
    due_text: String,
    status: ActionStatus,
    reason: String,
    themes: Vec<String>,
    last_progress: Option<Date>,
    completed_on: Option<Date>,
    can_upload: bool,
}

impl Row {
    fn tag_class(&self) -> &'static str {
        tag_class(self.status)
    }

    fn status_label(&self) -> &'static str {
        self.status.label()
    }
}

/// The colour of a status tag (the words carry the meaning; the colour only helps).
const fn tag_class(status: ActionStatus) -> &'static str {
    match status {
        ActionStatus::NotStarted => "govuk-tag--grey",
        ActionStatus::OnTrack => "govuk-tag--blue",
        ActionStatus::AtRisk => "govuk-tag--yellow",
        ActionStatus::Overdue => "govuk-tag--red",
        ActionStatus::Completed => "govuk-tag--light-blue",
        ActionStatus::ImpactEvidenced => "govuk-tag--green",
    }
}

/// What one agency owes: (agency, open, overdue, at risk).
pub struct Owed {
    agency: String,
    open: usize,
    overdue: usize,
    at_risk: usize,
}

#[derive(Template)]
#[template(path = "pages/tracker.html")]
struct TrackerPage {
    chrome: Chrome,
    rows: Vec<Row>,
    owed: Vec<Owed>,
    total: usize,
    /// ": 1 to 50 shown" when the actions take more than a page.
    shown: String,
    pages: crate::paging::Pages,
    /// (value, words, selected)
    agencies: Vec<(String, String, bool)>,
    themes: Vec<(String, String, bool)>,
    statuses: Vec<(String, String, bool)>,
    periods: Vec<(String, String, bool)>,
    filters: Filters,
    /// (href, message) for the error summary.
    errors: Vec<(String, String)>,
    from_error: String,
    to_error: String,
    filtered: bool,
    csv_href: String,
    /// Actions agreed from thematic briefings: (briefing id, briefing, agency, action, due,
    /// status, tag class).
    briefing_actions: Vec<(Uuid, String, String, String, String, String, &'static str)>,
}

/// A day typed in three boxes: `Ok(None)` when all are empty.
fn typed_date(day: &str, month: &str, year: &str, what: &str) -> Result<Option<Date>, String> {
    crate::date_input::parse(day, month, year)
        .map_err(|_| format!("{what} must be a real date, for example 31 3 2026"))
}

/// Everything the page and the CSV need, filtered.
struct Listing {
    /// Every action of the scope, assessed (kept while nothing it rests on moves).
    all: Arc<Assessed>,
    /// Those the filters keep, by index into `all.rows`.
    shown: Vec<usize>,
    agencies: std::sync::Arc<Vec<cspr_store::AgencyRow>>,
    errors: Vec<(String, String)>,
    from_error: String,
    to_error: String,
}

impl Listing {
    /// The rows the filters keep.
    fn rows(&self) -> impl Iterator<Item = &Row> {
        self.shown.iter().map(|&i| &self.all.rows[i])
    }
}

/// Every action of one listing scope with its status worked out, and the themes among them.
pub struct Assessed {
    rows: Vec<Row>,
    all_themes: Vec<String>,
}

/// What an assessment rests on: the read models' version (actions, cases, agencies), the day,
/// and the application's generation (its calendar: `Services::app_generation`).
type Stamp = (i64, Date, u64);

/// The assessed rows of each scope, kept at their stamp (issue 20: the tracker worked out every
/// action's status on each view). Listing scopes are the partnership's and each member's, so
/// their number is bounded by the people; past [`KEPT_SCOPES`] the map starts again.
#[derive(Default)]
pub struct KeptRows(Mutex<HashMap<CaseScope, (Stamp, Arc<Assessed>)>>);

const KEPT_SCOPES: usize = 256;

impl KeptRows {
    fn get(&self, scope: CaseScope, stamp: Stamp) -> Option<Arc<Assessed>> {
        let kept = self.0.lock().ok()?;
        kept.get(&scope)
            .filter(|(at, _)| *at == stamp)
            .map(|(_, rows)| Arc::clone(rows))
    }

    fn keep(&self, scope: CaseScope, stamp: Stamp, rows: &Arc<Assessed>) {
        if let Ok(mut kept) = self.0.lock() {
            if kept.len() >= KEPT_SCOPES && !kept.contains_key(&scope) {
                kept.clear();
            }
            kept.insert(scope, (stamp, Arc::clone(rows)));
        }
    }
}

impl std::fmt::Debug for KeptRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeptRows").finish_non_exhaustive()
    }
}

fn may_upload(p: &Principal, agency: &str) -> bool {
    uuid::Uuid::parse_str(agency).is_ok_and(|a| {
        cspr_app::policy::may_add_evidence(p, cspr_domain::ids::AgencyId::from_uuid(a))
    })
}

async fn listing(
    state: &AppState,
    (p, ReadModels(version)): (&Principal, ReadModels),
    f: &Filters,
) -> Result<Listing, WebError> {
    let scope = cspr_app::policy::listing_scope(p);
    let agencies = state
        .store()
        .agencies_kept_at(p.partnership_id.as_uuid(), version)
        .await?;
    let today = state.today();
    let stamp = (version, today, state.services().app_generation());
    let all = match state.tracker_rows().get(scope, stamp) {
        Some(all) => all,
        None => {
            let all = Arc::new(assess(state, scope, version, &agencies, today).await?);
            state.tracker_rows().keep(scope, stamp, &all);
            all
        }
    };

    let mut errors = Vec::new();
    let from =
        typed_date(&f.from_day, &f.from_month, &f.from_year, "Due from").unwrap_or_else(|m| {
            errors.push(("#from-day".to_owned(), m));
            None
        });
    let to = typed_date(&f.to_day, &f.to_month, &f.to_year, "Due to").unwrap_or_else(|m| {
        errors.push(("#to-day".to_owned(), m));
        None
    });
    if let (Some(a), Some(b)) = (from, to)
        && b < a
    {
        errors.push((
            "#to-day".to_owned(),
            "Due to must be the same as or after due from".to_owned(),
        ));
    }
    let error_for = |id: &str| {
        errors
            .iter()
            .find(|e| e.0 == id)
            .map(|e| e.1.clone())
            .unwrap_or_default()
    };
    let (from_error, to_error) = (error_for("#from-day"), error_for("#to-day"));
    let in_30_days = today.saturating_add(time::Duration::days(30));
    let shown = all
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| f.agency.is_empty() || r.agency_id == f.agency)
        .filter(|(_, r)| f.theme.is_empty() || r.themes.contains(&f.theme))
        .filter(|(_, r)| f.status.is_empty() || r.status.key() == f.status)
        .filter(|(_, r)| match f.due.as_str() {
            "overdue" => r.status == ActionStatus::Overdue,
            "next-30-days" => {
                r.status.is_open() && r.due.is_some_and(|d| d >= today && d <= in_30_days)
            }
            _ => true,
        })
        .filter(|(_, r)| from.is_none_or(|a| r.due.is_some_and(|d| d >= a)))
        .filter(|(_, r)| to.is_none_or(|b| r.due.is_some_and(|d| d <= b)))
        .map(|(i, _)| i)
        .collect();
    Ok(Listing {
        all,
        shown,
        agencies,
        errors,
        from_error,
        to_error,
    })
}

/// Every action of `scope` with its status and the reason for it on `today`, as the read
/// models stand at `version`; whether the person may upload evidence is left for the page.
async fn assess(
    state: &AppState,
    scope: CaseScope,
    version: i64,
    agencies: &[cspr_store::AgencyRow],
    today: Date,
) -> Result<Assessed, WebError> {
    let actions = state.store().actions_kept_at(scope, version).await?;
    let summaries = state.store().case_summaries_kept_at(scope, version).await?;
    let references: BTreeMap<Uuid, &str> = summaries
        .iter()
        .map(|s| (s.case_id, s.reference.as_str()))
        .collect();
    let app = state.app();
    let rules = ActionRules::default();
    let mut all_themes: Vec<String> = actions.iter().flat_map(|a| a.themes.clone()).collect();
    all_themes.sort();
    all_themes.dedup();
    // An action names its agency by id: each agency's id as text, once.
    let agency_names: BTreeMap<String, &str> = agencies
        .iter()
        .map(|g| (g.id.to_string(), g.name.as_str()))
        .collect();
    let rows = actions
        .iter()
        .filter_map(|a| {
            // A case outside the person's scope never shows, whatever the read model holds.
            let reference = (*references.get(&a.case_id)?).to_owned();
            let assessment = a.due.map(|due| {
                status_on_record(
                    due,
                    a.last_progress,
                    cspr_domain::actions::Completion {
                        completed_on: a.completed_on,
                        impact_evidenced_on: a.impact_evidenced_on,
                    },
                    today,
                    app.calendar(),
                    &rules,
                )
            });
            let (status, reason) = match assessment {
                Some(x) => (x.status, x.reason),
                None if a.impact_evidenced_on.is_some() => (
                    ActionStatus::ImpactEvidenced,
                    "Completed with evidence of impact".to_owned(),
                ),
                None if a.completed_on.is_some() => (
                    ActionStatus::Completed,
                    "Completed; impact not evidenced yet".to_owned(),
                ),
                None => (ActionStatus::NotStarted, "No due date recorded".to_owned()),
            };
            let agency = agency_names
                .get(&a.agency)
                .map_or_else(|| "An agency".to_owned(), |name| (*name).to_owned());
            Some(Row {
                case_id: a.case_id,
                action_id: a.action_id,
                reference,
                can_upload: false,
                agency_id: a.agency.clone(),
                agency,
                description: a.description.clone(),
                owner: if a.owner.trim().is_empty() {
                    "Not recorded".to_owned()
                } else {
                    a.owner.clone()
                },
                due: a.due,
                due_text: a
                    .due
                    .map_or_else(|| "Not set".to_owned(), cspr_domain::words::long_date),
                status,
                reason,
                themes: a.themes.clone(),
                last_progress: a.last_progress,
                completed_on: a.completed_on,
            })
        })
        .collect();
    Ok(Assessed { rows, all_themes })
}

/// What each agency owes among the rows, by agency name.
fn owed<'a>(rows: impl Iterator<Item = &'a Row>) -> Vec<Owed> {
    let mut by: BTreeMap<&str, Owed> = BTreeMap::new();
    for r in rows {
        let o = by.entry(r.agency.as_str()).or_insert_with(|| Owed {
            agency: r.agency.clone(),
            open: 0,
            overdue: 0,
            at_risk: 0,
        });
        if r.status.is_open() {
            o.open += 1;
        }
        if r.status == ActionStatus::Overdue {
            o.overdue += 1;
        }
        if r.status == ActionStatus::AtRisk {
            o.at_risk += 1;
        }
    }
    by.into_values().collect()
}

/// The query string of the filters, for the CSV link.
fn query(f: &Filters) -> String {
    let pairs = [
        ("agency", &f.agency),
        ("theme", &f.theme),
        ("status", &f.status),
        ("due", &f.due),
        ("from-day", &f.from_day),
        ("from-month", &f.from_month),
        ("from-year", &f.from_year),
        ("to-day", &f.to_day),
        ("to-month", &f.to_month),
        ("to-year", &f.to_year),
    ];
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::download::encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The tracker.
pub async fn index(
    Signed(state, p, source): Signed,
    read_models: ReadModels,
    Query(f): Query<Filters>,
) -> Result<Response, WebError> {
    let l = listing(&state, (&p, read_models), &f).await?;
    // 50 actions a page (issue 20); the totals above the table count them all.
    let total = l.shown.len();
    let page_no = crate::paging::current(f.page, total, PAGE_SIZE);
    let owed_all = owed(l.rows());
    let rows: Vec<Row> = l
        .rows()
        .skip((page_no - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|r| Row {
            can_upload: may_upload(&p, &r.agency_id) && r.status.is_open(),
            ..r.clone()
        })
        .collect();
    // The rows show case details: the look is written to the access log first (issue 16,
    // finding 10), for the rows on the page.
    let ids: Vec<Uuid> = rows.iter().map(|r| r.case_id).collect();
    cspr_app::reader::audit_listing(state.services(), &p, "view-action-tracker", &ids, &source)
        .await?;
    let chosen = |v: &str, picked: &str| v == picked;
    let q = query(&f);
    let briefing_actions = match cspr_app::briefings::tracked_actions(&state, &p).await {
        Ok(actions) => actions
            .into_iter()
            .map(|a| {
                let agency = l
                    .agencies
                    .iter()
                    .find(|x| x.id == a.action.agency.as_uuid())
                    .map_or_else(|| "An agency".to_owned(), |x| x.name.clone());
                let (status, tag) = match (a.action.completed_on, a.overdue) {
                    (Some(on), _) => (
                        format!("Completed {}", cspr_domain::words::long_date(on)),
                        "govuk-tag--green",
                    ),
                    (None, true) => ("Overdue".to_owned(), "govuk-tag--red"),
                    (None, false) => ("Open".to_owned(), "govuk-tag--light-blue"),
                };
                (
                    a.briefing_id,
                    a.briefing,
                    agency,
                    a.action.description.as_str().to_owned(),
                    cspr_domain::words::long_date(a.action.due),
                    status,
                    tag,
                )
            })
            .collect(),
        Err(cspr_app::briefings::BriefingError::Store(e)) => return Err(e.into()),
        Err(other) => return Err(WebError::Internal(other.to_string())),
    };
    let page = TrackerPage {
        briefing_actions,
        chrome: Chrome::signed_in(&state, &p, "/actions"),
        owed: owed_all,
        total,
        shown: if total > PAGE_SIZE {
            let first = (page_no - 1) * PAGE_SIZE + 1;
            format!(": {first} to {} shown", (page_no * PAGE_SIZE).min(total))
        } else {
            String::new()
        },
        pages: crate::paging::pages(total, PAGE_SIZE, page_no, |n| {
            let q = query(&f);
            match (q.is_empty(), n) {
                (true, 1) => "/actions".to_owned(),
                (true, n) => format!("/actions?page={n}"),
                (false, 1) => format!("/actions?{q}"),
                (false, n) => format!("/actions?{q}&page={n}"),
            }
        }),
        agencies: l
            .agencies
            .iter()
            .map(|a| {
                let id = a.id.to_string();
                let on = chosen(&id, &f.agency);
                (id, a.name.clone(), on)
            })
            .collect(),
        themes: l
            .all
            .all_themes
            .iter()
            .map(|t| (t.clone(), t.clone(), chosen(t, &f.theme)))
            .collect(),
        statuses: ActionStatus::ALL
            .iter()
            .map(|s| {
                (
                    s.key().to_owned(),
                    s.label().to_owned(),
                    chosen(s.key(), &f.status),
                )
            })
            .collect(),
        periods: PERIODS
            .iter()
            .map(|(v, w)| ((*v).to_owned(), (*w).to_owned(), chosen(v, &f.due)))
            .collect(),
        filtered: !q.is_empty(),
        csv_href: if q.is_empty() {
            "/actions.csv".to_owned()
        } else {
            format!("/actions.csv?{q}")
        },
        rows,
        errors: l.errors,
        from_error: l.from_error,
        to_error: l.to_error,
        filters: f,
    };
    Ok(Html(page.render()?).into_response())
}

fn iso(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The filtered tracker as CSV. The export is written to the access log.
pub async fn csv(
    Signed(state, p, source): Signed,
    read_models: ReadModels,
    Query(f): Query<Filters>,
) -> Result<Response, WebError> {
    let l = listing(&state, (&p, read_models), &f).await?;
    let ids: Vec<Uuid> = l.rows().map(|r| r.case_id).collect();
    cspr_app::reader::audit_listing(state.services(), &p, "export-action-tracker", &ids, &source)
        .await?;
    let mut out = cspr_export::csv::Csv::new().record(&[
        "Case",
        "Agency",
        "Action",
        "Owner",
        "Due",
        "Status",
        "Reason",
        "Themes",
        "Last progress",
        "Completed",
    ]);
    for r in l.rows() {
        let cells = [
            r.reference.clone(),
            r.agency.clone(),
            r.description.clone(),
            r.owner.clone(),
            iso(r.due),
            r.status.label().to_owned(),
            r.reason.clone(),
            r.themes.join("; "),
            iso(r.last_progress),
            iso(r.completed_on),
        ];
        out.push(&cells);
    }
    Ok(crate::download::file(
        out.finish(),
        "text/csv; charset=utf-8",
        &format!("actions-{}.csv", state.today()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_dates_are_checked() {
        assert_eq!(typed_date("", "", "", "Due from"), Ok(None));
        assert_eq!(
            typed_date("31", "3", "2026", "Due from"),
            Ok(Some(time::macros::date!(2026 - 03 - 31)))
        );
        assert!(typed_date("31", "2", "2026", "Due from").is_err());
        assert!(typed_date("1", "", "2026", "Due from").is_err());
    }
}
