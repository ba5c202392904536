//! A briefing's page: what it says, the agencies asked, the answers per question, sending it, agreeing and completing actions, closing it.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::Path;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_app::briefings::{self};
use cspr_domain::briefing::{Briefing, Command, Stage};
use cspr_domain::ids::AgencyId;
use cspr_domain::vocab::NonEmptyText;
use cspr_domain::words::long_date;
use cspr_export::richtext;
use serde::Deserialize;
use uuid::Uuid;

use crate::access::Principal;
use crate::extract::Signed;
use crate::layout::Chrome;
use crate::{AppState, ValidForm, WebError};

use super::*;

/// A review the briefing draws on, as the page shows it.
struct Linked {
    id: String,
    title: String,
    url: String,
}

/// One question's summary.
struct QuestionView {
    number: u32,
    text: String,
    counts: Vec<(&'static str, usize)>,
    /// (agency, rating, evidence)
    answers: Vec<(String, &'static str, String)>,
    /// Agencies whose submitted answer can lead to an action: (id, name).
    agencies: Vec<(String, String)>,
}

/// An agency's place in the briefing.
struct AgencyView {
    id: Uuid,
    name: String,
    submitted: String,
    can_answer: bool,
}

/// An action agreed, as listed.
struct ActionView {
    number: u32,
    description: String,
    agency: String,
    question: u32,
    due: String,
    done: String,
}

/// What the send and action forms held when they come back with errors.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SendForm {
    #[serde(default)]
    agencies: Vec<String>,
    #[serde(rename = "due-day")]
    day: String,
    #[serde(rename = "due-month")]
    month: String,
    #[serde(rename = "due-year")]
    year: String,
    version: Option<u64>,
}

#[derive(Template)]
#[template(path = "pages/briefing.html")]
struct BriefingPage {
    chrome: Chrome,
    id: Uuid,
    version: u64,
    title: String,
    stage: &'static str,
    tag: &'static str,
    facts: Vec<(&'static str, String)>,
    body_html: String,
    reviews: Vec<Linked>,
    questions: Vec<QuestionView>,
    agencies: Vec<AgencyView>,
    actions: Vec<ActionView>,
    can_write: bool,
    is_draft: bool,
    is_open: bool,
    /// Every agency of the partnership, for sending: (id, name, hint, checked).
    all_agencies: Vec<(String, String, &'static str, bool)>,
    send: SendForm,
    /// The action form as typed, when it came back with errors.
    action: Option<ActionForm>,
    errors: Errors,
    banner: Option<&'static str>,
}

impl BriefingPage {
    fn error(&self, field: &str) -> String {
        error_of(&self.errors, field)
    }

    /// The action form of question `number` as typed, when it came back with errors.
    fn typed_action(&self, number: &u32) -> Option<&ActionForm> {
        self.action.as_ref().filter(|a| a.question == *number)
    }

    /// One field of that form as typed, or nothing.
    fn typed(&self, number: &u32, field: &str) -> String {
        self.typed_action(number)
            .map(|a| match field {
                "agency" => a.agency.clone(),
                "description" => a.description.clone(),
                "day" => a.day.clone(),
                "month" => a.month.clone(),
                _ => a.year.clone(),
            })
            .unwrap_or_default()
    }
}

/// The reviews a briefing draws on, with their titles from the library where it has them.
async fn linked(state: &AppState, b: &Briefing) -> Result<Vec<Linked>, WebError> {
    let mut out = Vec::new();
    for id in &b.content.reviews {
        let found = cspr_app::library::record(state, id).await?;
        out.push(Linked {
            id: id.clone(),
            title: found
                .as_ref()
                .map_or_else(|| id.clone(), |r| r.title.clone()),
            url: found.map(|r| r.url).unwrap_or_default(),
        });
    }
    Ok(out)
}

async fn page(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    send: SendForm,
    errors: Errors,
    banner: Option<&'static str>,
) -> Result<Response, WebError> {
    page_with(state, p, id, send, None, errors, banner).await
}

/// [`page`] with the action form as typed.
async fn page_with(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    send: SendForm,
    action: Option<ActionForm>,
    errors: Errors,
    banner: Option<&'static str>,
) -> Result<Response, WebError> {
    let b = briefings::get(state, p, id).await?;
    let names = agency_names(state, p).await?;
    let mut facts = vec![("Started", long_date(b.drafted_on))];
    if let Some(on) = b.sent_on {
        facts.push(("Sent", long_date(on)));
    }
    if let Some(on) = b.due_on {
        facts.push(("Answers due", long_date(on)));
    }
    if let Some(on) = b.closed_on {
        facts.push(("Closed", long_date(on)));
    }
    let can_write = briefings::may_write(p);
    let questions = b
        .summary()
        .into_iter()
        .map(|s| QuestionView {
            number: s.question.number,
            text: s.question.text.as_str().to_owned(),
            counts: s.counts.iter().map(|(r, n)| (r.label(), *n)).collect(),
            agencies: s
                .answers
                .iter()
                .map(|(a, _)| (a.to_string(), name_of(&names, *a)))
                .collect(),
            answers: s
                .answers
                .into_iter()
                .map(|(a, ans)| {
                    (
                        name_of(&names, a),
                        ans.rating.label(),
                        ans.evidence.as_str().to_owned(),
                    )
                })
                .collect(),
        })
        .collect();
    let mut agencies: Vec<AgencyView> = b
        .agencies
        .iter()
        .map(|a| AgencyView {
            id: a.as_uuid(),
            name: name_of(&names, *a),
            submitted: b
                .returns
                .get(a)
                .and_then(|r| r.submitted_on)
                .map(long_date)
                .unwrap_or_default(),
            can_answer: b.closed_on.is_none() && briefings::may_answer_for(p, *a),
        })
        .collect();
    agencies.sort_by(|x, y| x.name.cmp(&y.name));
    let actions = b
        .actions
        .iter()
        .map(|a| ActionView {
            number: a.number,
            description: a.description.as_str().to_owned(),
            agency: name_of(&names, a.agency),
            question: a.question,
            due: long_date(a.due),
            done: a.completed_on.map(long_date).unwrap_or_default(),
        })
        .collect();
    let mut all_agencies: Vec<(String, String, &'static str, bool)> = state
        .store()
        .agencies(p.partnership_id.as_uuid())
        .await?
        .into_iter()
        .filter(|a| a.active)
        .map(|a| {
            let id = a.id.to_string();
            let checked = send.agencies.contains(&id);
            (id, a.name, "", checked)
        })
        .collect();
    all_agencies.sort_by(|x, y| x.1.cmp(&y.1));
    let page = BriefingPage {
        chrome: Chrome::signed_in(state, p, "/briefings"),
        id,
        version: b.version,
        title: b.content.title.as_str().to_owned(),
        stage: b.stage().label(),
        tag: stage_tag(b.stage()),
        facts,
        body_html: richtext::to_html(&richtext::blocks(b.content.body.as_str()), 2),
        reviews: linked(state, &b).await?,
        questions,
        agencies,
        actions,
        can_write,
        is_draft: b.stage() == Stage::Draft,
        is_open: b.stage() != Stage::Closed,
        all_agencies,
        send,
        action,
        errors,
        banner,
    };
    Ok((status(&page.errors), Html(page.render()?)).into_response())
}

/// A briefing's page.
pub async fn show(
    Signed(state, p, _): Signed,
    Path(id): Path<Uuid>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Result<Response, WebError> {
    let banner = match done.done.as_str() {
        "sent" => Some("The briefing has been sent to the agencies"),
        "action" => Some("The action has been agreed"),
        "completed" => Some("The action has been recorded as completed"),
        "closed" => Some("The briefing has been closed"),
        "submitted" => Some("The answers have been submitted"),
        _ => None,
    };
    page(&state, &p, id, SendForm::default(), Vec::new(), banner).await
}

/// Sends the briefing to the chosen agencies with a due date.
pub async fn send(
    Signed(state, p, _): Signed,
    Path(id): Path<Uuid>,
    ValidForm(form): ValidForm<SendForm>,
) -> Result<Response, WebError> {
    let mut errors = Vec::new();
    let agencies: BTreeSet<AgencyId> = form
        .agencies
        .iter()
        .filter_map(|a| Uuid::parse_str(a).ok())
        .map(AgencyId::from_uuid)
        .collect();
    let active: std::collections::HashSet<Uuid> = state
        .store()
        .agencies(p.partnership_id.as_uuid())
        .await?
        .into_iter()
        .filter(|a| a.active)
        .map(|a| a.id)
        .collect();
    if agencies.is_empty() || agencies.iter().any(|a| !active.contains(&a.as_uuid())) {
        errors.push((
            "#agencies".to_owned(),
            "Select the agencies to ask".to_owned(),
        ));
    }
    let due = match crate::date_input::parse(&form.day, &form.month, &form.year) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push((
                "#due".to_owned(),
                "Enter the date the answers are due".to_owned(),
            ));
            None
        }
        Err(problem) => {
            errors.push(("#due".to_owned(), problem.message("The due date")));
            None
        }
    };
    let (Some(due_on), true) = (due, errors.is_empty()) else {
        return page(&state, &p, id, form, errors, None).await;
    };
    match briefings::run(
        &state,
        &p,
        Some(id),
        form.version,
        Command::Send { agencies, due_on },
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/briefings/{id}?done=sent")).into_response()),
        Err(e) => {
            let message = refused(e)?;
            let anchor = if message.contains("due date") {
                "#due"
            } else {
                "#agencies"
            };
            page(
                &state,
                &p,
                id,
                form,
                vec![(anchor.to_owned(), message)],
                None,
            )
            .await
        }
    }
}

/// An action agreed from an answer.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    version: Option<u64>,
    question: u32,
    agency: String,
    description: String,
    #[serde(rename = "due-day")]
    day: String,
    #[serde(rename = "due-month")]
    month: String,
    #[serde(rename = "due-year")]
    year: String,
}

/// Agrees an action with an agency from its answer to a question.
pub async fn agree_action(
    Signed(state, p, _): Signed,
    Path(id): Path<Uuid>,
    ValidForm(form): ValidForm<ActionForm>,
) -> Result<Response, WebError> {
    let q = form.question;
    let anchor = |f: &str| format!("#q{q}-{f}");
    let mut errors = Vec::new();
    let agency = Uuid::parse_str(&form.agency).ok().map(AgencyId::from_uuid);
    if agency.is_none() {
        errors.push((anchor("agency"), "Select the agency".to_owned()));
    }
    let description = NonEmptyText::parse(&form.description);
    if description.is_err() {
        errors.push((anchor("description"), "Enter the action".to_owned()));
    }
    let due = match crate::date_input::parse(&form.day, &form.month, &form.year) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push((anchor("due"), "Enter the date the action is due".to_owned()));
            None
        }
        Err(problem) => {
            errors.push((anchor("due"), problem.message("The due date")));
            None
        }
    };
    let (Some(agency), Ok(description), Some(due), true) =
        (agency, description, due, errors.is_empty())
    else {
        return page_with(
            &state,
            &p,
            id,
            SendForm::default(),
            Some(form),
            errors,
            None,
        )
        .await;
    };
    let command = Command::AgreeAction {
        question: q,
        agency,
        description,
        due,
    };
    match briefings::run(&state, &p, Some(id), form.version, command).await {
        Ok(_) => Ok(Redirect::to(&format!("/briefings/{id}?done=action")).into_response()),
        Err(e) => {
            let message = refused(e)?;
            let errors = vec![(anchor("description"), message)];
            page_with(
                &state,
                &p,
                id,
                SendForm::default(),
                Some(form),
                errors,
                None,
            )
            .await
        }
    }
}

/// Records an action as completed.
pub async fn complete_action(
    Signed(state, p, _): Signed,
    Path((id, number)): Path<(Uuid, u32)>,
) -> Result<Response, WebError> {
    match briefings::run(
        &state,
        &p,
        Some(id),
        None,
        Command::CompleteAction { number },
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/briefings/{id}?done=completed")).into_response()),
        Err(e) => {
            let message = refused(e)?;
            page(
                &state,
                &p,
                id,
                SendForm::default(),
                vec![(String::new(), message)],
                None,
            )
            .await
        }
    }
}

/// The version a form was based on.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Versioned {
    version: Option<u64>,
}

/// Closes the briefing.
pub async fn close(
    Signed(state, p, _): Signed,
    Path(id): Path<Uuid>,
    ValidForm(form): ValidForm<Versioned>,
) -> Result<Response, WebError> {
    match briefings::run(&state, &p, Some(id), form.version, Command::Close).await {
        Ok(_) => Ok(Redirect::to(&format!("/briefings/{id}?done=closed")).into_response()),
        Err(e) => {
            let message = refused(e)?;
            page(
                &state,
                &p,
                id,
                SendForm::default(),
                vec![(String::new(), message)],
                None,
            )
            .await
        }
    }
}
