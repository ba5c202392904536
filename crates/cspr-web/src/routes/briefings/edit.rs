//! Writing a briefing: its title, rich text, linked reviews and questions.

use askama::Template;
use axum::extract::Path;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_app::briefings::{self};
use cspr_domain::briefing::{Command, Content, Stage};
use cspr_domain::vocab::NonEmptyText;
use cspr_export::richtext;
use serde::Deserialize;
use uuid::Uuid;

use crate::access::Principal;
use crate::extract::Signed;
use crate::layout::Chrome;
use crate::{AppState, ValidForm, WebError};

use super::*;

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
        editor_src: crate::assets::script_src("report-editor.js"),
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
