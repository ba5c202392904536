//! A section of a document: its editor (every save is a version) and its threads of
//! factual-accuracy comments.

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use cspr_domain::case::Case;
use cspr_domain::documents::{self, DocumentKind, Origin, SectionComment};
use cspr_domain::ids::AgencyId;
use cspr_export::richtext;
use serde::Deserialize;
use uuid::Uuid;

use super::{Names, error_of, kind_of, may_edit, may_resolve, shown, when};
use crate::access::{CaseAccess, refuse};
use crate::extract::OnCase;
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

/// The document and section an address names.
pub(super) fn find_section(
    slug: &str,
    key: &str,
) -> Result<(DocumentKind, &'static documents::SectionSpec), WebError> {
    let kind = kind_of(slug)?;
    Ok((kind, kind.section(key).ok_or(WebError::NotFound)?))
}

/// One section of one document of a case, as a handler works on it: its page, and the way back
/// to it after a change.
pub(super) struct Section<'a> {
    pub(super) state: &'a AppState,
    pub(super) access: &'a CaseAccess,
    pub(super) case: Case,
    pub(super) kind: DocumentKind,
    pub(super) spec: &'static documents::SectionSpec,
}

impl<'a> Section<'a> {
    /// The section an address names, with the case read (audited as `action`).
    pub(super) async fn open(
        (state, access, source): (&'a AppState, &'a CaseAccess, &Source),
        (slug, key): (&str, &str),
        action: &str,
    ) -> Result<Self, WebError> {
        let (kind, spec) = find_section(slug, key)?;
        let (case, _) = reader::load_case(state, access, action, source).await?;
        Ok(Self {
            state,
            access,
            case,
            kind,
            spec,
        })
    }

    /// The section's page, with the text and comment typed (when a form goes back) and errors.
    pub(super) async fn page(
        &self,
        text: Option<String>,
        comment_text: String,
        errors: Vec<(String, String)>,
    ) -> Result<Response, WebError> {
        section_page(self, text, comment_text, errors).await
    }

    /// Back to the document after a change: `path` after the document's address (its
    /// section's, or the document's with a banner) .
    pub(super) fn back(&self, path: &str) -> Response {
        Redirect::to(&format!(
            "/cases/{}/documents/{}{path}",
            self.access.case_id(),
            self.kind.slug(),
        ))
        .into_response()
    }

    /// The address of the section's comments.
    pub(super) fn comments(&self) -> String {
        format!("/sections/{}#comments", self.spec.key)
    }
}

async fn section_page(
    at: &Section<'_>,
    text: Option<String>,
    comment_text: String,
    errors: Vec<(String, String)>,
) -> Result<Response, WebError> {
    let (state, access, case, kind, spec) = (at.state, at.access, &at.case, at.kind, at.spec);
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
        editor_src: crate::assets::script_src("report-editor.js"),
    };
    crate::layout::render_checked(&view, &view.errors)
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
    OnCase(state, access, source): OnCase,
    Path((_, slug, key)): Path<(Uuid, String, String)>,
) -> Result<Response, WebError> {
    let at = Section::open(
        (&state, &access, &source),
        (&slug, &key),
        "view-document-section",
    )
    .await?;
    if !at.kind.exists_for(&at.case) {
        return Err(WebError::NotFound);
    }
    at.page(None, String::new(), Vec::new()).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SaveForm {
    text: String,
    version: Option<u64>,
}

/// `POST /cases/{case_id}/documents/{document}/sections/{section}`: saves a new version.
pub async fn save(
    OnCase(state, access, source): OnCase,
    Path((_, slug, key)): Path<(Uuid, String, String)>,
    ValidForm(form): ValidForm<SaveForm>,
) -> Result<Response, WebError> {
    let at = Section::open(
        (&state, &access, &source),
        (&slug, &key),
        "save-document-section",
    )
    .await?;
    let Some(editor) = cspr_app::policy::document_editor(&access, at.kind) else {
        return Err(refuse(&state, &access, &source, "edit a document").await);
    };
    let text = richtext::sanitise(&form.text);
    if text.trim().is_empty() {
        let error = (
            "#text".to_owned(),
            "Enter the text of the section".to_owned(),
        );
        return at
            .page(Some(String::new()), String::new(), vec![error])
            .await;
    }
    let saved = cspr_app::documents::save_section(
        &state.app(),
        &editor,
        form.version,
        at.spec.key,
        text.clone(),
        state.now(),
        state.actor_for(access.principal()),
    )
    .await;
    let refused = match saved {
        Ok(_) => None,
        Err(e) => Some(crate::refused_or(e, super::CONFLICT)?),
    };
    match refused {
        None => Ok(at.back(&format!("?done=saved#{}", at.spec.key))),
        Some(message) => {
            let error = ("#text".to_owned(), message);
            at.page(Some(text), String::new(), vec![error]).await
        }
    }
}
