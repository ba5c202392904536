//! The review subgroup's meetings: the calendar from the partnership's settings, and each
//! meeting's agenda built from the cases waiting for it (scoping, or a decision on a local
//! review). Outcomes recorded at the meeting are the cases' own commands, dated the meeting day.

use askama::Template;
use axum::extract::Path;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_domain::case::model::{ContributionStatus, ReviewOutcome};
use cspr_domain::case::{Case, Stage};
use cspr_domain::ids::CaseId;
use cspr_domain::vocab::NonEmptyText;
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

use crate::access::{CaseNeed, Principal, Role, authorize_case};
use crate::extract::Signed;
use crate::layout::Chrome;
use crate::reader::{self, Source};
use crate::{AppState, ValidForm, WebError};

/// Who may record outcomes at a meeting.
const RECORDERS: [Role; 2] = [Role::PartnershipTeam, Role::Chair];

#[derive(Template)]
#[template(path = "pages/meetings.html")]
struct MeetingsPage {
    chrome: Chrome,
    /// (iso date, long date, weekday words)
    upcoming: Vec<(String, String)>,
    past: Vec<(String, String)>,
}

/// One case on an agenda.
struct Item {
    case_id: Uuid,
    reference: String,
    /// "Scoping" or "Decision on a local review".
    business: &'static str,
    /// Facts for the discussion.
    facts: Vec<String>,
    scoping: bool,
    error: Option<String>,
    notes: String,
    outcome: String,
    form: String,
    reasons: String,
}

#[derive(Template)]
#[template(path = "pages/meeting.html")]
struct MeetingPage {
    chrome: Chrome,
    day: String,
    long_day: String,
    items: Vec<Item>,
    can_record: bool,
    banner: Option<String>,
    errors: Vec<(String, String)>,
}

fn parse_day(s: &str) -> Result<Date, WebError> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| WebError::NotFound)
}

/// The meeting calendar.
pub async fn index(Signed(state, p, _): Signed) -> Result<Response, WebError> {
    let today = state.today();
    let app = state.app();
    let meetings = &app.settings().subgroup_meetings;
    let words = |d: &Date| (d.to_string(), cspr_domain::words::full_date(*d));
    let upcoming = meetings
        .iter()
        .filter(|d| **d >= today)
        .take(6)
        .map(words)
        .collect();
    let mut past: Vec<(String, String)> =
        meetings.iter().filter(|d| **d < today).map(words).collect();
    past.reverse();
    past.truncate(6);
    let page = MeetingsPage {
        chrome: Chrome::signed_in(&state, &p, "/meetings"),
        upcoming,
        past,
    };
    Ok(Html(page.render()?).into_response())
}

/// Whether a case waits for the subgroup, and for what.
fn business(case: &Case) -> Option<(&'static str, bool)> {
    match case.stage {
        Stage::Scoping => Some(("Scoping and a decision on a local review", true)),
        Stage::RapidReview if case.decision.is_none() && case.rapid_review_meeting.is_some() => {
            Some(("Decision on a local review", false))
        }
        _ => None,
    }
}

fn facts(case: &Case) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(i) = &case.incident {
        out.push(format!(
            "Incident on {}: {}",
            cspr_domain::words::long_date(i.occurred_on),
            cspr_domain::timeline::excerpt(i.description.as_str())
        ));
    }
    if let Some((_, reasons, _)) = &case.triage {
        out.push(format!(
            "Triage: {}",
            cspr_domain::timeline::excerpt(reasons.as_str())
        ));
    }
    if let Some((_, notes)) = &case.rapid_review_meeting {
        out.push(format!(
            "Rapid review: {}",
            cspr_domain::timeline::excerpt(notes.as_str())
        ));
    }
    let received = case
        .contributions
        .values()
        .filter(|r| !matches!(r.status, ContributionStatus::Requested))
        .count();
    if !case.contributions.is_empty() {
        out.push(format!(
            "Agency contributions: {received} of {} in",
            case.contributions.len()
        ));
    }
    out
}

async fn agenda(
    state: &AppState,
    p: &Principal,
    source: &Source,
    day: Date,
) -> Result<Vec<Item>, WebError> {
    let summaries = state
        .store()
        .case_summaries(cspr_app::policy::listing_scope(p))
        .await?;
    let mut items = Vec::new();
    for s in summaries
        .iter()
        .filter(|s| s.stage == "scoping" || s.stage == "rapid-review")
    {
        let Some(case) =
            reader::load_if_readable(state, p, s.case_id, "view-meeting-agenda", source).await?
        else {
            continue;
        };
        // A scoping case belongs to the meeting it was triaged to (or any later one).
        if case.scoping_meeting_on.is_some_and(|on| on > day) {
            continue;
        }
        if let Some((business, scoping)) = business(&case) {
            items.push(Item {
                case_id: s.case_id,
                reference: s.reference.clone(),
                business,
                facts: facts(&case),
                scoping,
                error: None,
                notes: String::new(),
                outcome: String::new(),
                form: String::new(),
                reasons: String::new(),
            });
        }
    }
    items.sort_by(|a, b| a.reference.cmp(&b.reference));
    Ok(items)
}

/// The banner after an outcome is recorded.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MeetingQuery {
    recorded: Option<String>,
}

/// One meeting's agenda.
pub async fn show(
    Signed(state, p, source): Signed,
    Path(day): Path<String>,
    axum::extract::Query(query): axum::extract::Query<MeetingQuery>,
) -> Result<Response, WebError> {
    let day = parse_day(&day)?;
    let items = agenda(&state, &p, &source, day).await?;
    render(
        &state,
        &p,
        day,
        items,
        query
            .recorded
            .map(|r| format!("Outcome recorded for case {r}")),
        Vec::new(),
    )
}

fn render(
    state: &AppState,
    p: &Principal,
    day: Date,
    items: Vec<Item>,
    banner: Option<String>,
    errors: Vec<(String, String)>,
) -> Result<Response, WebError> {
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = MeetingPage {
        chrome: Chrome::signed_in(state, p, "/meetings"),
        day: day.to_string(),
        long_day: cspr_domain::words::full_date(day),
        items,
        can_record: RECORDERS.contains(&p.role),
        banner,
        errors,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// What the subgroup decided about one case.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Outcome {
    notes: String,
    outcome: String,
    form: String,
    reasons: String,
}

/// Records the subgroup's outcome for one case on the agenda: the scoping meeting (for a
/// scoping case) and the decision, both dated the meeting day.
pub async fn record(
    Signed(state, p, source): Signed,
    Path((day, case_id)): Path<(String, Uuid)>,
    ValidForm(form): ValidForm<Outcome>,
) -> Result<Response, WebError> {
    let day = parse_day(&day)?;
    let what = "record a meeting outcome";
    if !RECORDERS.contains(&p.role) {
        return Err(crate::access::refuse_person(&state, &p, Some(case_id), what, &source).await);
    }
    let Ok(access) = authorize_case(
        state.store(),
        &p,
        CaseId::from_uuid(case_id),
        CaseNeed::Read,
        None,
    )
    .await
    else {
        // Logged like any refusal; answered as not found, so no case is confirmed to exist.
        return Err(
            match crate::access::refuse_person(&state, &p, Some(case_id), what, &source).await {
                WebError::Forbidden => WebError::NotFound,
                failed => failed,
            },
        );
    };
    let (case, _) = reader::load_case(&state, &access, "record-meeting-outcome", &source).await?;
    let Some((_, scoping)) = business(&case) else {
        return Err(WebError::NotFound);
    };
    let mut errors = Vec::new();
    let anchor = |f: &str| format!("#{case_id}-{f}");
    let notes = NonEmptyText::parse(form.notes.trim());
    if scoping && notes.is_err() {
        errors.push((
            anchor("notes"),
            "Enter how learning will be identified and shared".to_owned(),
        ));
    }
    let outcome = match form.outcome.as_str() {
        "local-review" => Some(ReviewOutcome::LocalReview),
        "no-further-action" => Some(ReviewOutcome::NoFurtherAction),
        "other-learning" => match NonEmptyText::parse(form.form.trim()) {
            Ok(how) => Some(ReviewOutcome::OtherLearning { form: how }),
            Err(_) => {
                errors.push((
                    anchor("form"),
                    "Enter how the learning will be taken forward".to_owned(),
                ));
                None
            }
        },
        _ => {
            errors.push((anchor("outcome"), "Select the decision".to_owned()));
            None
        }
    };
    let reasons = NonEmptyText::parse(form.reasons.trim());
    if reasons.is_err() {
        errors.push((anchor("reasons"), "Enter the reasons".to_owned()));
    }
    let back = |errors: Vec<(String, String)>, message: Option<String>| async {
        let mut items = agenda(&state, &p, &source, day).await?;
        for i in &mut items {
            if i.case_id == case_id {
                i.error = message
                    .clone()
                    .or_else(|| errors.first().map(|e| e.1.clone()));
                i.notes.clone_from(&form.notes);
                i.outcome.clone_from(&form.outcome);
                i.form.clone_from(&form.form);
                i.reasons.clone_from(&form.reasons);
            }
        }
        let mut listed = errors;
        if let Some(m) = message {
            listed.push((format!("#{case_id}-outcome"), m));
        }
        render(&state, &p, day, items, None, listed)
    };
    let (Some(outcome), Ok(reasons)) = (outcome, reasons) else {
        return back(errors, None).await;
    };
    if !errors.is_empty() {
        return back(errors, None).await;
    }
    let outcome = cspr_app::meetings::MeetingOutcome {
        held_on: day,
        scoping_notes: notes.ok().filter(|_| scoping),
        outcome,
        reasons,
    };
    if let Err(e) = cspr_app::meetings::record_outcome(
        &state.app(),
        access.case_id(),
        case.version,
        &outcome,
        state.actor_for(&p),
    )
    .await
    {
        let message = crate::refused(e)?;
        return back(Vec::new(), Some(message)).await;
    }
    Ok(Redirect::to(&format!(
        "/meetings/{day}?recorded={}",
        access.summary().reference
    ))
    .into_response())
}
