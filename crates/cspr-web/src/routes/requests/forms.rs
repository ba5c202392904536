//! The partnership's forms: the questions each kind of request asks.

use super::Kind;
use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_domain::case::model::ContributionKind;
use cspr_domain::forms;

use super::create::DoneQuery;
use super::{Pairs, capitalised, get};
use crate::access::Principal;
use crate::extract::Signed;
use crate::layout::Chrome;
use crate::{AppState, ValidForm, WebError};

#[derive(Template)]
#[template(path = "pages/forms_admin.html")]
struct FormsPage {
    chrome: Chrome,
    forms: Vec<(String, String, usize)>,
    success: String,
}

/// The forms agencies fill in.
pub async fn forms_index(
    Signed(state, p, _): Signed,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let app = state.app();
    let page = FormsPage {
        chrome: Chrome::signed_in(&state, &p, "/admin"),
        forms: ContributionKind::ALL
            .into_iter()
            .map(|k| {
                let f = forms::form_for(&app.settings().forms, k);
                (
                    k.slug().to_owned(),
                    capitalised(k.label()),
                    f.questions().count(),
                )
            })
            .collect(),
        success: if q.done == "saved" {
            "The form is saved. New answers use it; responses already sent keep their questions."
                .to_owned()
        } else {
            String::new()
        },
    };
    Ok(Html(page.render()?).into_response())
}

fn form_edit_page(
    state: &AppState,
    p: &Principal,
    kind: ContributionKind,
    text: String,
    error: Option<String>,
) -> Result<Response, WebError> {
    use crate::routes::form::{Field, FieldKind, FormPage};
    FormPage {
        chrome: Chrome::signed_in(state, p, "/admin"),
        heading: "Edit a form",
        intro: vec![
            format!("The {} form, as text.", kind.label()),
            "Start each line with ! for the introduction, # for a section heading, > for guidance on the section, - for a question that must be answered or ~ for one that may be left blank. After a question, | starts its hint. Keep the [id] of a question when you change its words.".to_owned(),
        ],
        action: format!("/admin/forms/{}", kind.slug()),
        fields: vec![
            Field::new("form", "The form", FieldKind::Textarea, text)
                .hint("Questions are in our own words: describe people by their role, not by name."),
        ],
        errors: error.map(|e| vec![("form", e)]).unwrap_or_default(),
        submit: "Save the form",
        success: None,
        back: Some("/admin/forms"),
        links: Vec::new(),
        buttons: Vec::new(),
    }
    .render_page()
}

/// One form as editable text.
pub async fn form_edit(
    Signed(state, p, _): Signed,
    Kind(kind): Kind,
) -> Result<Response, WebError> {
    let text = forms::form_for(&state.app().settings().forms, kind).to_text();
    form_edit_page(&state, &p, kind, text, None)
}

/// Saves a form: kept with the partnership's stored settings.
pub async fn form_save(
    Signed(state, p, source): Signed,
    Kind(kind): Kind,
    ValidForm(pairs): ValidForm<Pairs>,
) -> Result<Response, WebError> {
    let text = get(&pairs, "form").replace("\r\n", "\n");
    let form = match forms::parse_form(kind, &text) {
        Ok(f) => f,
        Err((line, why)) => {
            let mut page =
                form_edit_page(&state, &p, kind, text, Some(format!("Line {line}: {why}")))?;
            *page.status_mut() = StatusCode::BAD_REQUEST;
            return Ok(page);
        }
    };
    let app = state.app();
    let mut settings = app.settings().clone();
    settings.forms.retain(|f| f.kind != kind);
    settings.forms.push(form);
    settings.forms.sort_by_key(|f| f.kind);
    let stored = state
        .store()
        .partnership_settings(p.partnership_id.as_uuid())
        .await?;
    let mut value = stored.unwrap_or_else(|| {
        serde_json::json!({
            "settings": serde_json::Value::Null,
            "closure_days": app.calendar().closure_days().collect::<Vec<_>>(),
        })
    });
    value["settings"] =
        serde_json::to_value(&settings).map_err(|e| WebError::Internal(e.to_string()))?;
    state
        .store()
        .save_partnership_settings(p.partnership_id.as_uuid(), &value, state.now())
        .await?;
    state.replace_app(cspr_app::App::new(
        state.store().clone(),
        app.calendar().clone(),
        settings,
    ));
    state
        .store()
        .log_access(cspr_store::NewAccessEntry {
            actor: p.user_id.to_string(),
            action: "form-changed".to_owned(),
            case_id: None,
            detail: format!("form {}", kind.slug()),
            source_ip: source.0.clone(),
            at: state.now(),
        })
        .await?;
    Ok(Redirect::to("/admin/forms?done=saved").into_response())
}
