//! The case page (audited): where the case stands, what can be done next, its deadlines,
//! timeline, people, action plan, themes and documents.

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::case_view;
use crate::WebError;
use crate::access::Role;
use crate::extract::{OnCase, ReadModels};
use crate::layout::Chrome;
use crate::routes::{actions, documents};

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
    /// What the team must not miss (a referral that looks notifiable), if anything.
    /// Things someone must act on.
    warnings: Vec<String>,
    /// Facts that change how the case runs: (what, the fact).
    notes: Vec<(String, String)>,
    actions: Vec<(String, &'static str)>,
    progress: Vec<StageRow>,
    deadlines: Vec<(String, String, String)>,
    /// (date, text), newest first: one page of the timeline.
    timeline: Vec<(String, String)>,
    /// How many timeline entries there are in all.
    timeline_total: usize,
    /// The first entry shown, counted from the newest (1 on the first page).
    timeline_from: usize,
    /// The timeline's pages ("earlier events").
    timeline_pages: crate::paging::Pages,
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
    earlier: Vec<cspr_app::learning::Earlier>,
    library: Option<LibraryView>,
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
    /// The day the work was done.
    completed: Option<String>,
    /// (the day, the evidence of impact).
    impact: Option<(String, String)>,
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

/// The query of the case page: the action just finished, for its banner.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CaseQuery {
    done: Option<String>,
    /// The page of the timeline (1, the newest entries, when absent).
    events: Option<usize>,
}

/// Timeline entries a page: the latest show first, earlier ones on further pages.
pub const TIMELINE_PAGE: usize = 25;

/// The case page.
pub async fn show(
    OnCase(state, access, source): OnCase,
    read_models: ReadModels,
    axum::extract::Query(query): axum::extract::Query<CaseQuery>,
) -> Result<Response, WebError> {
    let view = case_view(&state, (&access, read_models), &source, "view-case").await?;
    let p = access.principal();
    let case = &view.case;
    let timeline_total = view.events.len();
    let timeline_page = crate::paging::current(query.events, timeline_total, TIMELINE_PAGE);
    let timeline = view.latest(timeline_page, TIMELINE_PAGE);
    let case_href = format!("/cases/{}", access.case_id().as_uuid());
    let timeline_pages = crate::paging::pages(timeline_total, TIMELINE_PAGE, timeline_page, |n| {
        format!("{case_href}?events={n}#timeline")
    });
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
        use cspr_domain::case::model::Employer;
        let works_for = match &r.employer {
            Some(Employer::Outside { name }) => format!(", {}", name.as_str()),
            Some(Employer::Agency { agency }) => format!(", {}", view.agency_name(*agency)),
            None => String::new(),
        };
        people.push((
            r.name.as_str().to_owned(),
            format!("Independent reviewer{works_for}"),
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
    let mut actions = actions::offered(&state, p, case, access.case_id(), &view.agencies).await?;
    // The anonymisation review can start once there is a report (routes/publication/).
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
    let plan = case
        .actions
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
                completed: a
                    .completed
                    .as_ref()
                    .map(|(on, _)| cspr_domain::words::long_date(*on)),
                impact: a
                    .impact()
                    .map(|(on, ev)| (cspr_domain::words::long_date(on), ev.as_str().to_owned())),
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
        cspr_app::learning::earlier(&state, p, &source, &themes, case_id).await?
    } else {
        Vec::new()
    };
    // At triage, the rapid review and scoping: the library's most similar reviews and where
    // the case's themes recurred (criterion (b), recurrent themes).
    let library = if cspr_app::library::weighs_learning(case.stage) {
        Some(LibraryView::of(
            cspr_app::library::for_case(&state, case).await?,
        ))
    } else {
        None
    };
    let page = CasePage {
        library,
        documents: documents::links(case, access.case_id().as_uuid()),
        chrome: Chrome::signed_in(&state, p, "/cases"),
        case_id: access.case_id().as_uuid(),
        reference: access.summary().reference.clone(),
        stage: case.stage.label(),
        banner: query.done.as_deref().and_then(actions::done_text),
        warnings: super::facts::warnings(case, app.calendar(), app.settings(), today),
        notes: super::facts::notes(case),
        actions,
        progress: progress(case),
        deadlines: view.deadlines.clone(),
        timeline,
        timeline_total,
        timeline_from: (timeline_page - 1) * TIMELINE_PAGE + 1,
        timeline_pages,
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

/// What the library says about a case being weighed, as the case page shows it.
struct LibraryView {
    /// (title, href, source line, themes)
    similar: Vec<(String, String, String, String)>,
    /// (theme, reviews, by year in words)
    recurrences: Vec<(String, u64, String)>,
}

impl LibraryView {
    fn of(learning: cspr_app::library::CaseLearning) -> Self {
        Self {
            similar: learning
                .similar
                .into_iter()
                .map(|h| {
                    (
                        h.title,
                        format!("/library/{}", h.id),
                        format!(
                            "{}, {} ({})",
                            h.partnership,
                            h.published_on.year(),
                            h.review_type.label()
                        ),
                        h.themes.join(", "),
                    )
                })
                .collect(),
            recurrences: learning
                .recurrences
                .into_iter()
                .map(|r| {
                    let years = r
                        .by_year
                        .iter()
                        .rev()
                        .take(5)
                        .map(|(y, n)| format!("{y}: {n}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    (r.theme, r.reviews, years)
                })
                .collect(),
        }
    }
}
