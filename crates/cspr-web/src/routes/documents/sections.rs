//! A section of a document: its editor (every save is a version) and its threads of
//! factual-accuracy comments.

use askama::Template;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_domain::case::Case;
use cspr_domain::documents::{self, DocumentKind, Origin, SectionComment};
use cspr_domain::ids::AgencyId;
use cspr_export::richtext;
use serde::Deserialize;
use uuid::Uuid;

use super::{Names, error_of, kind_of, may_edit, may_resolve, shown, when};
use crate::access::{CaseAccess, refuse};
use crate::layout::Chrome;
use crate::reader::{self, Source};
use crate::{AppState, ValidForm, WebError};

struct CommentView {
    id: String,
    who: String,
    when: String,
    text: String,
    replies: Vec<(String, String, String)>,
    resolved: String,
}

#[derive(Template)]
#[template(path = "pages/document_section.html")]
struct SectionPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    slug: &'static str,
    title: &'static str,
    key: &'static str,
    heading: &'static str,
    guidance: &'static str,
    text: String,
    preview: String,
    status: String,
    version: u64,
    may_edit: bool,
    may_resolve: bool,
    threads: Vec<CommentView>,
    errors: Vec<(String, String)>,
    comment_text: String,
    editor_src: &'static str,
}

impl SectionPage {
    /// The error of one field ("" when none).
    fn err(&self, field: &str) -> String {
        error_of(&self.errors, field)
    }
}

pub(super) fn find_section(
    kind: DocumentKind,
    key: &str,
) -> Result<&'static documents::SectionSpec, WebError> {
    kind.section(key).ok_or(WebError::NotFound)
}

#[expect(clippy::too_many_arguments, reason = "the page's parts")]
pub(super) async fn section_page(
    state: &AppState,
    access: &CaseAccess,
    case: &Case,
    kind: DocumentKind,
    spec: &'static documents::SectionSpec,
    text: Option<String>,
    comment_text: String,
    errors: Vec<(String, String)>,
) -> Result<Response, WebError> {
    let p = access.principal();
    let names = Names::load(state, p).await?;
    let agency = |a: AgencyId| names.agency(a);
    let current = cspr_export::documents::content(case, kind, &agency)
        .into_iter()
        .find(|s| s.spec.key == spec.key)
        .ok_or(WebError::NotFound)?;
    let status = match current.origin {
        Origin::Assembled => {
            "Assembled from the case\u{2019}s records: saving it makes it version 1.".to_owned()
        }
        Origin::Empty => "Not written yet.".to_owned(),
        Origin::Saved(0) => "From a submitted draft.".to_owned(),
        Origin::Saved(n) => format!("Version {n}."),
    };
    let threads = case
        .documents
        .threads(kind, spec.key)
        .into_iter()
        .map(|(c, replies)| comment_view(c, &replies, &names))
        .collect();
    let text = text.unwrap_or_else(|| {
        if current.text.trim().is_empty() {
            String::new()
        } else {
            richtext::to_html(&richtext::blocks(&current.text), 2)
        }
    });
    let view = SectionPage {
        chrome: Chrome::signed_in(state, p, "/cases"),
        case_id: access.case_id().as_uuid(),
        reference: access.summary().reference.clone(),
        slug: kind.slug(),
        title: kind.title(),
        key: spec.key,
        heading: spec.heading,
        guidance: spec.guidance,
        preview: shown(&current.text),
        text,
        status,
        version: case.version,
        may_edit: may_edit(p, kind),
        may_resolve: may_resolve(p),
        threads,
        errors,
        comment_text,
        editor_src: crate::assets::all()
            .iter()
            .find(|a| a.name == "report-editor.js")
            .map_or("", |a| a.path),
    };
    let status = if view.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(view.render()?)).into_response())
}

fn comment_view(c: &SectionComment, replies: &[&SectionComment], names: &Names) -> CommentView {
    let who = |c: &SectionComment| match c.agency {
        Some(a) => format!("{} ({})", names.user(Some(c.author)), names.agency(a)),
        None => names.user(Some(c.author)),
    };
    CommentView {
        id: c.id.to_string(),
        who: who(c),
        when: when(c.at),
        text: c.text.as_str().to_owned(),
        replies: replies
            .iter()
            .map(|r| (who(r), when(r.at), r.text.as_str().to_owned()))
            .collect(),
        resolved: c.resolved.as_ref().map_or_else(String::new, |r| {
            format!(
                "Resolved by {} on {}{}",
                names.user(Some(r.by)),
                when(r.at),
                r.note
                    .as_ref()
                    .map_or_else(String::new, |n| format!(": {}", n.as_str()))
            )
        }),
    }
}

/// `GET /cases/{case_id}/documents/{document}/sections/{section}`.
pub async fn section(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, slug, key)): Path<(Uuid, String, String)>,
) -> Result<Response, WebError> {
    let kind = kind_of(&slug)?;
    let spec = find_section(kind, &key)?;
    let (case, _) = reader::load_case(&state, &access, "view-document-section", &source).await?;
    if !kind.exists_for(&case) {
        return Err(WebError::NotFound);
    }
    section_page(
        &state,
        &access,
        &case,
        kind,
        spec,
        None,
        String::new(),
        Vec::new(),
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct SaveForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    version: Option<u64>,
}

/// `POST /cases/{case_id}/documents/{document}/sections/{section}`: saves a new version.
pub async fn save(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, slug, key)): Path<(Uuid, String, String)>,
    ValidForm(form): ValidForm<SaveForm>,
) -> Result<Response, WebError> {
    let kind = kind_of(&slug)?;
    let spec = find_section(kind, &key)?;
    let (case, _) = reader::load_case(&state, &access, "save-document-section", &source).await?;
    let Some(editor) = cspr_app::policy::document_editor(&access, kind) else {
        return Err(refuse(&state, &access, &source, "edit a document").await);
    };
    let text = richtext::sanitise(&form.text);
    if text.trim().is_empty() {
        return section_page(
            &state,
            &access,
            &case,
            kind,
            spec,
            Some(String::new()),
            String::new(),
            vec![(
                "#text".to_owned(),
                "Enter the text of the section".to_owned(),
            )],
        )
        .await;
    }
    let saved = cspr_app::documents::save_section(
        &state.app(),
        &editor,
        form.version,
        spec.key,
        text.clone(),
        state.now(),
        state.actor(access.principal().user_id),
    )
    .await;
    let refused = match saved {
        Ok(_) => None,
        Err(e) => Some(crate::refused_or(e, super::CONFLICT)?),
    };
    match refused.map_or(Ok(()), Err) {
        Ok(()) => Ok(Redirect::to(&format!(
            "/cases/{}/documents/{}?done=saved#{}",
            access.case_id(),
            kind.slug(),
            spec.key
        ))
        .into_response()),
        Err(message) => {
            section_page(
                &state,
                &access,
                &case,
                kind,
                spec,
                Some(text),
                String::new(),
                vec![("#text".to_owned(), message)],
            )
            .await
        }
    }
}
