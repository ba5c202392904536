//! Thematic briefings and self-assessment (issue 17, item 6): the list, writing a briefing,
//! its page (sending it to agencies, the answers per question, actions agreed, closing), an
//! agency's answers, and the PDF and DOCX. Parse, call `cspr_app::briefings`, render.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use askama::Template;
use axum::extract::Path;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_app::briefings::{self, BriefingError};
use cspr_domain::briefing::{Answer, Briefing, Command, Content, Rating, Stage};
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

/// Errors as (field anchor, message).
type Errors = Vec<(String, String)>;

/// The message of the error about `field`, or nothing.
fn error_of(errors: &Errors, field: &str) -> String {
    errors
        .iter()
        .find(|e| e.0.trim_start_matches('#') == field)
        .map_or_else(String::new, |e| e.1.clone())
}

fn status(errors: &Errors) -> axum::http::StatusCode {
    if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// A failure of the application as the page shows it: the briefing's refusal or a conflict as
/// a message for the form, anything else as an error page.
fn refused(e: BriefingError) -> Result<String, WebError> {
    match e {
        BriefingError::Refused(r) => Ok(r.to_string()),
        e @ BriefingError::Conflict => Ok(e.to_string()),
        BriefingError::Forbidden => Err(WebError::Forbidden),
        BriefingError::NotFound => Err(WebError::NotFound),
        BriefingError::Corrupt => Err(WebError::Internal(
            "a briefing event is unreadable".to_owned(),
        )),
        BriefingError::Store(e) => Err(e.into()),
    }
}

impl From<BriefingError> for WebError {
    fn from(e: BriefingError) -> Self {
        match refused(e) {
            Ok(_) => WebError::BadRequest,
            Err(w) => w,
        }
    }
}

async fn agency_names(state: &AppState, p: &Principal) -> Result<HashMap<Uuid, String>, WebError> {
    Ok(state
        .store()
        .agencies(p.partnership_id.as_uuid())
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect())
}

fn name_of(names: &HashMap<Uuid, String>, a: AgencyId) -> String {
    names
        .get(&a.as_uuid())
        .cloned()
        .unwrap_or_else(|| "An agency no longer listed".to_owned())
}

fn stage_tag(stage: Stage) -> &'static str {
    match stage {
        Stage::Draft => "govuk-tag--grey",
        Stage::Sent => "govuk-tag--light-blue",
        Stage::Closed => "govuk-tag--green",
    }
}

/// One row of the list.
struct Row {
    id: Uuid,
    title: String,
    stage: &'static str,
    tag: &'static str,
    due: String,
    answered: String,
}

#[derive(Template)]
#[template(path = "pages/briefings.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    can_write: bool,
}

/// The briefings the person may read.
pub async fn index(Signed(state, p, _): Signed) -> Result<Response, WebError> {
    let list = briefings::list(&state, &p).await?;
    let rows = list
        .into_iter()
        .map(|(id, b)| Row {
            id,
            title: b.content.title.as_str().to_owned(),
            stage: b.stage().label(),
            tag: stage_tag(b.stage()),
            due: b.due_on.map(long_date).unwrap_or_default(),
            answered: if b.sent_on.is_some() {
                format!(
                    "{} of {}",
                    b.agencies.len() - b.outstanding().len(),
                    b.agencies.len()
                )
            } else {
                String::new()
            },
        })
        .collect();
    let page = ListPage {
        chrome: Chrome::signed_in(&state, &p, "/briefings"),
        rows,
        can_write: briefings::may_write(&p),
    };
    Ok(Html(page.render()?).into_response())
}

/// The briefing form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BriefingForm {
    title: String,
    body: String,
    reviews: String,
    questions: String,
    version: Option<u64>,
}

#[derive(Template)]
#[template(path = "pages/briefing_edit.html")]
struct EditPage {
    chrome: Chrome,
    action: String,
    heading: &'static str,
    form: BriefingForm,
    /// The questions can still change (not sent).
    questions_open: bool,
    errors: Errors,
    /// The rich-text editor's script (the document pages' own).
    editor_src: &'static str,
}

impl EditPage {
    fn error(&self, field: &str) -> String {
        error_of(&self.errors, field)
    }
}

fn edit_page(
    state: &AppState,
    p: &Principal,
    id: Option<Uuid>,
    form: BriefingForm,
    questions_open: bool,
    errors: Errors,
) -> Result<Response, WebError> {
    let page = EditPage {
        chrome: Chrome::signed_in(state, p, "/briefings"),
        action: id.map_or_else(
            || "/briefings/new".to_owned(),
            |id| format!("/briefings/{id}/edit"),
        ),
        heading: if id.is_some() {
            "Change the briefing"
        } else {
            "Start a briefing"
        },
        form,
        questions_open,
        errors,
        editor_src: crate::assets::all()
            .iter()
            .find(|a| a.name == "report-editor.js")
            .map_or("", |a| a.path),
    };
    Ok((status(&page.errors), Html(page.render()?)).into_response())
}

/// The form for a new briefing.
pub async fn new_form(Signed(state, p, _): Signed) -> Result<Response, WebError> {
    edit_page(&state, &p, None, BriefingForm::default(), true, Vec::new())
}

/// The form to change a briefing.
pub async fn edit_form(
    Signed(state, p, _): Signed,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let b = briefings::get(&state, &p, id).await?;
    if b.stage() == Stage::Closed {
        return Err(WebError::NotFound);
    }
    let form = BriefingForm {
        title: b.content.title.as_str().to_owned(),
        body: b.content.body.as_str().to_owned(),
        reviews: b.content.reviews.join("\n"),
        questions: b
            .questions
            .iter()
            .map(|q| q.text.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        version: Some(b.version),
    };
    edit_page(&state, &p, Some(id), form, b.sent_on.is_none(), Vec::new())
}

/// Reads the typed briefing: its content and questions, or the errors.
fn parse_briefing(
    form: &BriefingForm,
    questions_open: bool,
) -> Result<(Content, Vec<NonEmptyText>), Errors> {
    let mut errors = Vec::new();
    let title = NonEmptyText::parse(&form.title);
    if title.is_err() {
        errors.push(("#title".to_owned(), "Enter a title".to_owned()));
    }
    let cleaned = richtext::sanitise(&form.body);
    let body = NonEmptyText::parse(&cleaned);
    if body.is_err() || richtext::plain_text(&cleaned).trim().is_empty() {
        errors.push(("#body".to_owned(), "Enter the briefing".to_owned()));
    }
    let mut reviews = Vec::new();
    for line in form
        .reviews
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        if line.chars().count() > 200 || line.chars().any(char::is_control) {
            errors.push((
                "#reviews".to_owned(),
                "Each review is named by its library id, one a line".to_owned(),
            ));
            break;
        }
        if !reviews.iter().any(|r| r == line) {
            reviews.push(line.to_owned());
        }
    }
    let mut questions = Vec::new();
    if questions_open {
        for line in form
            .questions
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            match NonEmptyText::parse(line) {
                Ok(q) => questions.push(q),
                Err(e) => {
                    errors.push(("#questions".to_owned(), e.to_string()));
                    break;
                }
            }
        }
        if questions.is_empty() {
            errors.push((
                "#questions".to_owned(),
                "Enter at least one self-assessment question".to_owned(),
            ));
        }
    }
    match (title, body) {
        (Ok(title), Ok(body)) if errors.is_empty() => Ok((
            Content {
                title,
                body,
                reviews,
            },
            questions,
        )),
        _ => Err(errors),
    }
}

/// Starts a briefing: its content, then its questions, as one user action each.
pub async fn create(
    Signed(state, p, _): Signed,
    ValidForm(form): ValidForm<BriefingForm>,
) -> Result<Response, WebError> {
    let (content, questions) = match parse_briefing(&form, true) {
        Ok(parsed) => parsed,
        Err(errors) => return edit_page(&state, &p, None, form, true, errors),
    };
    let id = match briefings::run(&state, &p, None, None, Command::Draft { content }).await {
        Ok(id) => id,
        Err(e) => {
            let message = refused(e)?;
            return edit_page(
                &state,
                &p,
                None,
                form,
                true,
                vec![("#title".to_owned(), message)],
            );
        }
    };
    if let Err(e) = briefings::run(
        &state,
        &p,
        Some(id),
        None,
        Command::SetQuestions { questions },
    )
    .await
    {
        let message = refused(e)?;
        return edit_page(
            &state,
            &p,
            Some(id),
            form,
            true,
            vec![("#questions".to_owned(), message)],
        );
    }
    Ok(Redirect::to(&format!("/briefings/{id}")).into_response())
}

/// Changes a briefing (and its questions, until it is sent).
pub async fn update(
    Signed(state, p, _): Signed,
    Path(id): Path<Uuid>,
    ValidForm(form): ValidForm<BriefingForm>,
) -> Result<Response, WebError> {
    let b = briefings::get(&state, &p, id).await?;
    let open = b.sent_on.is_none();
    let (content, questions) = match parse_briefing(&form, open) {
        Ok(parsed) => parsed,
        Err(errors) => return edit_page(&state, &p, Some(id), form, open, errors),
    };
    let mut version = form.version;
    if let Err(e) = briefings::run(&state, &p, Some(id), version, Command::Edit { content }).await {
        let message = refused(e)?;
        return edit_page(
            &state,
            &p,
            Some(id),
            form,
            open,
            vec![("#title".to_owned(), message)],
        );
    }
    version = version.map(|v| v + 1);
    let asked: Vec<&str> = b.questions.iter().map(|q| q.text.as_str()).collect();
    let typed: Vec<&str> = questions.iter().map(NonEmptyText::as_str).collect();
    if open
        && asked != typed
        && let Err(e) = briefings::run(
            &state,
            &p,
            Some(id),
            version,
            Command::SetQuestions { questions },
        )
        .await
    {
        let message = refused(e)?;
        return edit_page(
            &state,
            &p,
            Some(id),
            form,
            open,
            vec![("#questions".to_owned(), message)],
        );
    }
    Ok(Redirect::to(&format!("/briefings/{id}")).into_response())
}

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

/// Which banner to show after a change.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Done {
    done: String,
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

/// One question on the answer form.
struct AnswerItem {
    number: u32,
    text: String,
    /// (value, label, hint, checked)
    ratings: Vec<(&'static str, &'static str, &'static str, bool)>,
    evidence: String,
}

#[derive(Template)]
#[template(path = "pages/briefing_answer.html")]
struct AnswerPage {
    chrome: Chrome,
    id: Uuid,
    agency_id: Uuid,
    agency: String,
    title: String,
    due: String,
    items: Vec<AnswerItem>,
    submitted: String,
    errors: Errors,
    banner: Option<&'static str>,
}

impl AnswerPage {
    fn error(&self, field: &str) -> String {
        error_of(&self.errors, field)
    }
}

async fn answer_page(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    agency: AgencyId,
    typed: Option<&BTreeMap<String, String>>,
    errors: Errors,
    banner: Option<&'static str>,
) -> Result<Response, WebError> {
    let b = briefings::get(state, p, id).await?;
    if !b.agencies.contains(&agency) || !briefings::may_answer_for(p, agency) {
        return Err(WebError::NotFound);
    }
    let names = agency_names(state, p).await?;
    let saved = b.returns.get(&agency);
    let items = b
        .questions
        .iter()
        .map(|q| {
            let stored = saved.and_then(|r| r.answers.get(&q.number));
            let rating = typed
                .map(|t| {
                    t.get(&format!("rating-{}", q.number))
                        .cloned()
                        .unwrap_or_default()
                })
                .or_else(|| stored.map(|a| a.rating.key().to_owned()))
                .unwrap_or_default();
            let evidence = typed
                .map(|t| {
                    t.get(&format!("evidence-{}", q.number))
                        .cloned()
                        .unwrap_or_default()
                })
                .or_else(|| stored.map(|a| a.evidence.as_str().to_owned()))
                .unwrap_or_default();
            AnswerItem {
                number: q.number,
                text: q.text.as_str().to_owned(),
                ratings: Rating::ALL
                    .iter()
                    .map(|r| (r.key(), r.label(), "", r.key() == rating))
                    .collect(),
                evidence,
            }
        })
        .collect();
    let page = AnswerPage {
        chrome: Chrome::signed_in(state, p, "/briefings"),
        id,
        agency_id: agency.as_uuid(),
        agency: name_of(&names, agency),
        title: b.content.title.as_str().to_owned(),
        due: b.due_on.map(long_date).unwrap_or_default(),
        items,
        submitted: saved
            .and_then(|r| r.submitted_on)
            .map(long_date)
            .unwrap_or_default(),
        errors,
        banner,
    };
    Ok((status(&page.errors), Html(page.render()?)).into_response())
}

/// An agency's answers form.
pub async fn answer_form(
    Signed(state, p, _): Signed,
    Path((id, agency)): Path<(Uuid, Uuid)>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Result<Response, WebError> {
    let banner = (done.done == "saved").then_some("Your answers have been saved");
    answer_page(
        &state,
        &p,
        id,
        AgencyId::from_uuid(agency),
        None,
        Vec::new(),
        banner,
    )
    .await
}

/// Saves an agency's answers, and submits them when asked.
pub async fn answer(
    Signed(state, p, _): Signed,
    Path((id, agency)): Path<(Uuid, Uuid)>,
    ValidForm(form): ValidForm<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let agency = AgencyId::from_uuid(agency);
    let b = briefings::get(&state, &p, id).await?;
    // As the form: another agency's answers are not there for this person.
    if !b.agencies.contains(&agency) || !briefings::may_answer_for(&p, agency) {
        return Err(WebError::NotFound);
    }
    let submit = form.get("submit").is_some_and(|v| v == "yes");
    // No version: each agency's answers are its own and merge, so another agency saving at the
    // same time is no conflict.
    let version = None;
    let mut errors = Vec::new();
    let mut answers = BTreeMap::new();
    for q in &b.questions {
        let n = q.number;
        let rating = form
            .get(&format!("rating-{n}"))
            .and_then(|r| Rating::from_key(r));
        let evidence = form
            .get(&format!("evidence-{n}"))
            .map_or("", String::as_str);
        match (rating, NonEmptyText::parse(evidence)) {
            (Some(rating), Ok(evidence)) => {
                answers.insert(n, Answer { rating, evidence });
            }
            (None, Err(_)) if !submit => {}
            (None, _) => errors.push((
                format!("#rating-{n}"),
                format!("Select how far the practice of question {n} is in place"),
            )),
            (Some(_), Err(_)) => errors.push((
                format!("#evidence-{n}"),
                format!("Enter the evidence for question {n}"),
            )),
        }
    }
    if answers.is_empty() && errors.is_empty() {
        errors.push((
            "#rating-1".to_owned(),
            "Answer at least one question".to_owned(),
        ));
    }
    if !errors.is_empty() {
        return answer_page(&state, &p, id, agency, Some(&form), errors, None).await;
    }
    if let Err(e) = briefings::run(
        &state,
        &p,
        Some(id),
        version,
        Command::SaveAnswers { agency, answers },
    )
    .await
    {
        let message = refused(e)?;
        return answer_page(
            &state,
            &p,
            id,
            agency,
            Some(&form),
            vec![(String::new(), message)],
            None,
        )
        .await;
    }
    if submit {
        if let Err(e) = briefings::run(&state, &p, Some(id), None, Command::Submit { agency }).await
        {
            let message = refused(e)?;
            return answer_page(
                &state,
                &p,
                id,
                agency,
                None,
                vec![(String::new(), message)],
                None,
            )
            .await;
        }
        return Ok(Redirect::to(&format!("/briefings/{id}?done=submitted")).into_response());
    }
    Ok(Redirect::to(&format!(
        "/briefings/{id}/agencies/{}?done=saved",
        agency.as_uuid()
    ))
    .into_response())
}

async fn document(
    state: &AppState,
    p: &Principal,
    id: Uuid,
) -> Result<cspr_export::Document, WebError> {
    let b = briefings::get(state, p, id).await?;
    let names = agency_names(state, p).await?;
    let mut reviews = Vec::new();
    for rid in &b.content.reviews {
        reviews.push(match cspr_app::library::record(state, rid).await? {
            Some(r) => cspr_export::briefing::LinkedReview {
                title: r.title,
                source: format!("{}, {}", r.partnership, r.published_on.year()),
                url: r.url,
            },
            None => cspr_export::briefing::LinkedReview {
                title: rid.clone(),
                source: "not in the library".to_owned(),
                url: String::new(),
            },
        });
    }
    Ok(cspr_export::briefing::document(
        &b,
        &reviews,
        &|a| name_of(&names, a),
        state.partnership_name(),
    ))
}

fn file(bytes: Vec<u8>, media_type: &'static str, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, media_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The briefing as a PDF.
pub async fn pdf(Signed(state, p, _): Signed, Path(id): Path<Uuid>) -> Result<Response, WebError> {
    let doc = document(&state, &p, id).await?;
    let bytes = tokio::task::spawn_blocking(move || cspr_export::to_pdf(&doc))
        .await
        .map_err(|e| WebError::Internal(format!("the briefing's PDF task failed: {e}")))?
        .map_err(|e| WebError::Internal(format!("the briefing's PDF failed: {e}")))?;
    Ok(file(bytes, "application/pdf", "briefing.pdf"))
}

/// The briefing as a Word document.
pub async fn docx(Signed(state, p, _): Signed, Path(id): Path<Uuid>) -> Result<Response, WebError> {
    let doc = document(&state, &p, id).await?;
    let bytes = cspr_export::to_docx(&doc)
        .map_err(|e| WebError::Internal(format!("the briefing's DOCX failed: {e}")))?;
    Ok(file(
        bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "briefing.docx",
    ))
}
