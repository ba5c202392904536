//! The documents of a case: the rapid review report, the terms of reference and the overview
//! report. A document page shows each section as it stands, with guidance, its version and its
//! open comments; a section page edits it (every save is a version) and holds its threads of
//! factual-accuracy comments; a history page compares any two versions word by word; the
//! overview report has structured recommendations, the completeness check that gates sign-off
//! and the family's comments; exports are made in the background and downloaded from the
//! document page, each download written to the access log.
//!
//! Who may do what (docs/SECURITY.md, "Documents"): everyone who can read the case reads its
//! documents and comments on them (an agency representative for their own agency). Editing:
//! the rapid review report by the partnership team, the chair and the review subgroup; the
//! terms of reference by the team, the chair and the independent reviewer; the overview report
//! and its recommendations by the independent reviewer and the team. The reviewer and the team
//! resolve comments and record the family's comments. Exports: everyone who can read the case
//! but agency representatives and panel members (who see the pages, not the files).

use crate::access::refuse;
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_domain::case::{Case, Command};
use cspr_domain::documents::{
    self, Change, DocumentKind, ExportFormat, FamilyComment, Origin, SectionComment,
};
use cspr_domain::ids::{AgencyId, RecommendationId, UserId};
use cspr_domain::report::Recommendation;
use cspr_domain::vocab::NonEmptyText;
use cspr_domain::words::long_date;
use cspr_export::richtext;
use serde::Deserialize;
use uuid::Uuid;

use crate::access::{CaseAccess, Principal, Role};
use crate::layout::Chrome;
use crate::reader::{self, Source};
use crate::{AppState, ValidForm, WebError};

/// Who edits which document.
fn may_edit(p: &Principal, kind: DocumentKind) -> bool {
    match kind {
        DocumentKind::RapidReview => matches!(
            p.role,
            Role::PartnershipTeam | Role::Chair | Role::SubgroupMember
        ),
        DocumentKind::TermsOfReference => matches!(
            p.role,
            Role::PartnershipTeam | Role::Chair | Role::IndependentReviewer
        ),
        DocumentKind::OverviewReport => {
            matches!(p.role, Role::PartnershipTeam | Role::IndependentReviewer)
        }
    }
}

/// Who resolves comments and records the family's comments.
fn may_resolve(p: &Principal) -> bool {
    matches!(p.role, Role::PartnershipTeam | Role::IndependentReviewer)
}

/// Who may export and download.
fn may_export(p: &Principal) -> bool {
    !matches!(p.role, Role::AgencyRepresentative | Role::PanelMember)
}

fn kind_of(slug: &str) -> Result<DocumentKind, WebError> {
    DocumentKind::from_slug(slug).ok_or(WebError::NotFound)
}

/// Names of the partnership's agencies and people.
struct Names {
    agencies: HashMap<AgencyId, String>,
    users: HashMap<UserId, String>,
}

impl Names {
    async fn load(state: &AppState, p: &Principal) -> Result<Self, WebError> {
        let partnership = p.partnership_id.as_uuid();
        let agencies = state
            .store()
            .agencies(partnership)
            .await?
            .into_iter()
            .map(|a| (AgencyId::from_uuid(a.id), a.name))
            .collect();
        let users = state
            .store()
            .users(partnership)
            .await?
            .into_iter()
            .map(|u| (UserId::from_uuid(u.id), u.display_name))
            .collect();
        Ok(Self { agencies, users })
    }

    fn agency(&self, a: AgencyId) -> String {
        self.agencies
            .get(&a)
            .cloned()
            .unwrap_or_else(|| "An agency".to_owned())
    }

    fn user(&self, u: Option<UserId>) -> String {
        u.and_then(|u| self.users.get(&u).cloned())
            .unwrap_or_else(|| "Submitted as a whole draft".to_owned())
    }
}

/// "1.2 MB", "340 KB".
fn size_words(size: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if size >= MB {
        let tenths = (size * 10 + MB / 2) / MB;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} KB", size.div_ceil(KB))
    }
}

/// "3 July 2025 at 14:05".
fn when(at: time::OffsetDateTime) -> String {
    crate::exports::made_words(at)
}

/// A section's text as safe HTML for the page, its sub-headings under the page's `h2`.
fn shown(text: &str) -> String {
    richtext::to_html(&richtext::blocks(text), 3)
}

fn actor(state: &AppState, p: &Principal) -> cspr_app::Actor {
    cspr_app::Actor {
        user_id: p.user_id,
        now: state.now(),
        today: state.today(),
    }
}

/// Runs a command; `Err(message)` for a refusal to show on the form.
async fn execute(
    state: &AppState,
    access: &CaseAccess,
    expected: Option<u64>,
    command: Command,
) -> Result<Result<(), String>, WebError> {
    match state
        .app()
        .execute(
            access.case_id(),
            expected,
            command,
            actor(state, access.principal()),
        )
        .await
    {
        Ok(_) => Ok(Ok(())),
        Err(cspr_app::AppError::Domain(d)) => Ok(Err(d.to_string())),
        Err(cspr_app::AppError::Conflict { .. }) => Ok(Err(
            "Someone else changed this case while you were working: your text is below. Check the latest version, then save again."
                .to_owned(),
        )),
        Err(cspr_app::AppError::Store(cspr_store::StoreError::DiskFull)) => Err(WebError::DiskFull),
        Err(e) => Err(WebError::Internal(e.to_string())),
    }
}

// ---------------------------------------------------------------------------------------
// The document page

/// One section on the document page.
struct SectionView {
    number: usize,
    key: &'static str,
    heading: &'static str,
    guidance: &'static str,
    html: String,
    /// "Assembled from the case's records", "Version 3, saved by ...", "Not written yet".
    status: String,
    versions: usize,
    open_comments: usize,
}

/// One recommendation row.
struct RecommendationView {
    number: usize,
    id: String,
    text: String,
    agencies: String,
    due: String,
}

/// One export row.
struct ExportView {
    href: String,
    what: String,
    made: String,
}

#[derive(Template)]
#[template(path = "pages/document.html")]
struct DocumentPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    slug: &'static str,
    title: &'static str,
    sections: Vec<SectionView>,
    may_edit: bool,
    may_export: bool,
    may_resolve: bool,
    /// Overview report only.
    overview: bool,
    gaps: Vec<String>,
    recommendations: Vec<RecommendationView>,
    family: Vec<(String, String, String, String)>,
    exports: Vec<ExportView>,
    notice: String,
    errors: Vec<(String, String)>,
    family_form: FamilyForm,
    section_options: Vec<(String, String)>,
    /// Who signed the document off, and when (rapid review and overview reports).
    sign_offs: Vec<String>,
    /// When it was sent to the National Panel, if it was.
    sent: String,
}

impl DocumentPage {
    /// The error of one field ("" when none).
    fn err(&self, field: &str) -> String {
        error_of(&self.errors, field)
    }
}

impl SectionPage {
    /// The error of one field ("" when none).
    fn err(&self, field: &str) -> String {
        error_of(&self.errors, field)
    }
}

fn error_of(errors: &[(String, String)], field: &str) -> String {
    let field = field.trim_start_matches('#');
    errors
        .iter()
        .find(|e| e.0.trim_start_matches('#') == field)
        .map_or_else(String::new, |e| e.1.clone())
}

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    done: String,
}

async fn document_page(
    state: &AppState,
    access: &CaseAccess,
    case: &Case,
    kind: DocumentKind,
    notice: &str,
    errors: Vec<(String, String)>,
    family_form: FamilyForm,
) -> Result<Response, WebError> {
    let p = access.principal();
    let names = Names::load(state, p).await?;
    let agency = |a: AgencyId| names.agency(a);
    let sections = documents::content(case, kind, &agency)
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let versions = case.documents.history(kind, s.spec.key).count();
            let status = match s.origin {
                Origin::Assembled => "Assembled from the case\u{2019}s records".to_owned(),
                Origin::Empty => "Not written yet".to_owned(),
                Origin::Saved(0) => "From a submitted draft".to_owned(),
                Origin::Saved(n) => {
                    let v = case.documents.version(kind, s.spec.key, n);
                    format!(
                        "Version {n}, saved by {} on {}",
                        names.user(v.and_then(|v| v.saved_by)),
                        v.map_or_else(String::new, |v| when(v.saved_at))
                    )
                }
            };
            let open_comments = case
                .documents
                .threads(kind, s.spec.key)
                .iter()
                .filter(|(c, _)| c.resolved.is_none())
                .count();
            SectionView {
                number: i + 1,
                key: s.spec.key,
                heading: s.spec.heading,
                guidance: s.spec.guidance,
                html: shown(&s.text),
                status,
                versions,
                open_comments,
            }
        })
        .collect();
    let overview = kind == DocumentKind::OverviewReport;
    let report = case.current_report().cloned().unwrap_or_default();
    let mut gaps: Vec<String> = if overview {
        report.gaps().iter().map(ToString::to_string).collect()
    } else {
        Vec::new()
    };
    if overview {
        let open = case.documents.open_comments(kind);
        if open > 0 {
            gaps.push(format!(
                "{} not resolved yet",
                cspr_domain::words::plural(
                    i64::try_from(open).unwrap_or(i64::MAX),
                    "factual-accuracy comment is",
                    "factual-accuracy comments are"
                )
            ));
        }
    }
    let recommendations = report
        .recommendations
        .iter()
        .enumerate()
        .map(|(i, r)| RecommendationView {
            number: i + 1,
            id: r.id.to_string(),
            text: r.text.clone(),
            agencies: if r.agencies.is_empty() {
                "Not yet assigned".to_owned()
            } else {
                r.agencies
                    .iter()
                    .map(|a| names.agency(*a))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            due: r.due_on.map_or_else(|| "Not yet set".to_owned(), long_date),
        })
        .collect();
    let family = case
        .documents
        .family_comments
        .iter()
        .map(|f| {
            (
                f.from.as_str().to_owned(),
                long_date(f.received_on),
                f.section
                    .as_deref()
                    .and_then(|s| DocumentKind::OverviewReport.section(s))
                    .map_or_else(|| "The whole report".to_owned(), |s| s.heading.to_owned()),
                f.text.as_str().to_owned(),
            )
        })
        .collect();
    let case_id = access.case_id().as_uuid();
    let exports = if may_export(p) {
        case.documents
            .exports
            .iter()
            .filter(|e| e.document == kind)
            .rev()
            .map(|e| ExportView {
                href: format!(
                    "/cases/{case_id}/documents/{}/exports/{}",
                    kind.slug(),
                    e.export_id
                ),
                what: format!("{} ({})", e.format.label(), size_words(e.size)),
                made: format!(
                    "Made on {} for {}",
                    when(e.made_at),
                    names.user(Some(e.requested_by))
                ),
            })
            .collect()
    } else {
        Vec::new()
    };
    let section_options = std::iter::once((String::new(), "The whole report".to_owned()))
        .chain(
            DocumentKind::OverviewReport
                .sections()
                .iter()
                .map(|s| (s.key.to_owned(), s.heading.to_owned())),
        )
        .collect();
    let (signed, sent) = match kind {
        DocumentKind::RapidReview => (
            Some(&case.rapid_review_sign_offs),
            case.rapid_review_submitted_on,
        ),
        DocumentKind::OverviewReport => (Some(&case.report_sign_offs), case.report_sent_on),
        DocumentKind::TermsOfReference => (None, None),
    };
    let sign_offs = signed.map_or_else(Vec::new, |s| {
        cspr_domain::agency::SafeguardingPartner::ALL
            .iter()
            .map(|p| {
                let mut who = p.label().trim_start_matches("the ").to_owned();
                if let Some(first) = who.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                match s.get(p) {
                    Some(on) => format!("{who}: signed off on {}", long_date(*on)),
                    None => format!("{who}: not signed off yet"),
                }
            })
            .collect()
    });
    let sent = sent.map_or_else(String::new, |d| {
        format!("Sent to the National Panel on {}.", long_date(d))
    });
    let view = DocumentPage {
        sign_offs,
        sent,
        chrome: Chrome::signed_in(state, p, "/cases"),
        case_id,
        reference: access.summary().reference.clone(),
        slug: kind.slug(),
        title: kind.title(),
        sections,
        may_edit: may_edit(p, kind),
        may_export: may_export(p),
        may_resolve: may_resolve(p),
        overview,
        gaps,
        recommendations,
        family,
        exports,
        notice: notice.to_owned(),
        errors,
        family_form,
        section_options,
    };
    let status = if view.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(view.render()?)).into_response())
}

/// `GET /cases/{case_id}/documents/{document}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, slug)): Path<(Uuid, String)>,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let kind = kind_of(&slug)?;
    let (case, _) = reader::load_case(&state, &access, "view-document", &source).await?;
    if !kind.exists_for(&case) {
        return Err(WebError::NotFound);
    }
    let notice = match q.done.as_str() {
        "saved" => "The section was saved as a new version.",
        "export" => {
            "The export is being made. It appears under \u{201c}Exports\u{201d} in a moment: refresh the page to see it."
        }
        "recommendation" => "The recommendation was saved.",
        "withdrawn" => "The recommendation was withdrawn.",
        "family" => "The family\u{2019}s comments were recorded.",
        _ => "",
    };
    document_page(
        &state,
        &access,
        &case,
        kind,
        notice,
        Vec::new(),
        FamilyForm::default(),
    )
    .await
}

// ---------------------------------------------------------------------------------------
// Exports

#[derive(Debug, Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    format: String,
}

/// `POST /cases/{case_id}/documents/{document}/exports`: asks for an export.
pub async fn export(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, slug)): Path<(Uuid, String)>,
    ValidForm(form): ValidForm<ExportForm>,
) -> Result<Response, WebError> {
    let kind = kind_of(&slug)?;
    let (case, _) = reader::load_case(&state, &access, "request-document-export", &source).await?;
    if !kind.exists_for(&case) {
        return Err(WebError::NotFound);
    }
    if !may_export(access.principal()) {
        return Err(refuse(&state, &access, &source, "export a document").await);
    }
    let Some(format) = ExportFormat::parse(&form.format) else {
        return document_page(
            &state,
            &access,
            &case,
            kind,
            "",
            vec![(
                "#format".to_owned(),
                "Select the format of the export".to_owned(),
            )],
            FamilyForm::default(),
        )
        .await;
    };
    let request = crate::exports::ExportRequest {
        case_id: access.case_id().as_uuid(),
        export_id: Uuid::new_v4(),
        document: kind,
        format,
        requested_by: access.principal().user_id.as_uuid(),
    };
    crate::exports::request(&state, request).await?;
    Ok(Redirect::to(&format!(
        "/cases/{}/documents/{}?done=export#exports",
        request.case_id,
        kind.slug()
    ))
    .into_response())
}

/// `GET /cases/{case_id}/documents/{document}/exports/{export_id}`: the file, as an
/// attachment; the download is written to the access log first.
pub async fn download(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, slug, export_id)): Path<(Uuid, String, String)>,
) -> Result<Response, WebError> {
    let kind = kind_of(&slug)?;
    let export_id = Uuid::parse_str(&export_id).map_err(|_| WebError::NotFound)?;
    if !may_export(access.principal()) {
        return Err(refuse(&state, &access, &source, "download a document export").await);
    }
    let (case, _) = reader::load_case(&state, &access, "download-document-export", &source).await?;
    let Some(export) = case
        .documents
        .export(export_id)
        .filter(|e| e.document == kind)
    else {
        return Err(WebError::NotFound);
    };
    let blob = state
        .store()
        .get_blob(export.blob_id)
        .await
        .map_err(|e| match e {
            cspr_store::StoreError::Shredded => WebError::NotFound,
            other => WebError::from(other),
        })?;
    if blob.case_id != access.case_id().as_uuid() {
        return Err(WebError::NotFound);
    }
    let name = cspr_export::documents::file_name(&case, kind, export.format);
    Ok((
        [
            (header::CONTENT_TYPE, export.format.media_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        blob.bytes,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------
// A section: edit and comments

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

fn find_section(
    kind: DocumentKind,
    key: &str,
) -> Result<&'static documents::SectionSpec, WebError> {
    kind.section(key).ok_or(WebError::NotFound)
}

#[expect(clippy::too_many_arguments, reason = "the page's parts")]
async fn section_page(
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
    let current = documents::content(case, kind, &agency)
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
    if !may_edit(access.principal(), kind) {
        return Err(refuse(&state, &access, &source, "edit a document").await);
    }
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
    let command = Command::SaveDocumentSection {
        document: kind,
        section: spec.key.to_owned(),
        text: text.clone(),
        saved_at: state.now(),
    };
    match execute(&state, &access, form.version, command).await? {
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

#[derive(Debug, Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    comment: String,
    #[serde(default)]
    reply_to: String,
}

/// `POST /cases/{case_id}/documents/{document}/sections/{section}/comments`: a comment, or a
/// reply in a thread.
pub async fn comment(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, slug, key)): Path<(Uuid, String, String)>,
    ValidForm(form): ValidForm<CommentForm>,
) -> Result<Response, WebError> {
    let kind = kind_of(&slug)?;
    let spec = find_section(kind, &key)?;
    let (case, _) = reader::load_case(&state, &access, "comment-on-document", &source).await?;
    if !kind.exists_for(&case) {
        return Err(WebError::NotFound);
    }
    let p = access.principal();
    let reply_to = if form.reply_to.trim().is_empty() {
        None
    } else {
        Some(Uuid::parse_str(form.reply_to.trim()).map_err(|_| WebError::BadRequest)?)
    };
    let field = reply_to.map_or_else(|| "#comment".to_owned(), |r| format!("#reply-{r}"));
    let Ok(text) = NonEmptyText::parse(form.comment.trim()) else {
        return section_page(
            &state,
            &access,
            &case,
            kind,
            spec,
            None,
            String::new(),
            vec![(field, "Enter your comment".to_owned())],
        )
        .await;
    };
    let command = Command::CommentOnSection {
        comment: SectionComment {
            id: Uuid::new_v4(),
            document: kind,
            section: spec.key.to_owned(),
            agency: if p.role == Role::AgencyRepresentative {
                p.agency_id
            } else {
                None
            },
            reply_to,
            author: p.user_id,
            at: state.now(),
            text,
            resolved: None,
        },
    };
    match execute(&state, &access, None, command).await? {
        Ok(()) => Ok(Redirect::to(&format!(
            "/cases/{}/documents/{}/sections/{}#comments",
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
                None,
                form.comment,
                vec![(field, message)],
            )
            .await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    note: String,
}

/// `POST /cases/{case_id}/documents/{document}/sections/{section}/comments/{comment_id}/resolve`.
pub async fn resolve(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, slug, key, comment_id)): Path<(Uuid, String, String, String)>,
    ValidForm(form): ValidForm<ResolveForm>,
) -> Result<Response, WebError> {
    let kind = kind_of(&slug)?;
    let spec = find_section(kind, &key)?;
    let comment_id = Uuid::parse_str(&comment_id).map_err(|_| WebError::NotFound)?;
    let (case, _) = reader::load_case(&state, &access, "resolve-document-comment", &source).await?;
    if !may_resolve(access.principal()) {
        return Err(refuse(&state, &access, &source, "resolve a comment").await);
    }
    if case
        .documents
        .comment(comment_id)
        .is_none_or(|c| c.document != kind || c.section != spec.key)
    {
        return Err(WebError::NotFound);
    }
    let note = NonEmptyText::parse(form.note.trim()).ok();
    let command = Command::ResolveSectionComment {
        comment_id,
        note,
        at: state.now(),
    };
    match execute(&state, &access, None, command).await? {
        Ok(()) => Ok(Redirect::to(&format!(
            "/cases/{}/documents/{}/sections/{}#comments",
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
                None,
                String::new(),
                vec![(format!("#resolve-{comment_id}"), message)],
            )
            .await
        }
    }
}

// ---------------------------------------------------------------------------------------
// History and comparison

struct VersionView {
    number: u32,
    who: String,
    when: String,
}

#[derive(Template)]
#[template(path = "pages/document_history.html")]
struct HistoryPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    slug: &'static str,
    title: &'static str,
    key: &'static str,
    heading: &'static str,
    versions: Vec<VersionView>,
    from: u32,
    to: u32,
    /// (kind: "same" | "added" | "removed", text) pieces, one list per paragraph.
    diff: Vec<Vec<(&'static str, String)>>,
    added: usize,
    removed: usize,
    errors: Vec<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct CompareQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

/// A version's text to compare: the section's plain text, and for the recommendations the
/// list as it stood with the agencies' names.
fn comparable(v: &documents::SectionVersion, names: &Names) -> String {
    let mut out = richtext::plain_text(&v.text);
    if let Some(recs) = &v.recommendations {
        for (i, r) in recs.iter().enumerate() {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            let agencies: Vec<String> = r.agencies.iter().map(|a| names.agency(*a)).collect();
            out.push_str(&format!(
                "Recommendation {}: {} To: {}. By: {}.",
                i + 1,
                r.text.trim(),
                if agencies.is_empty() {
                    "not yet assigned".to_owned()
                } else {
                    agencies.join(", ")
                },
                r.due_on.map_or_else(|| "not yet set".to_owned(), long_date)
            ));
        }
    }
    out
}

/// `GET /cases/{case_id}/documents/{document}/sections/{section}/history?from=&to=`.
pub async fn history(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, slug, key)): Path<(Uuid, String, String)>,
    Query(q): Query<CompareQuery>,
) -> Result<Response, WebError> {
    let kind = kind_of(&slug)?;
    let spec = find_section(kind, &key)?;
    let (case, _) = reader::load_case(&state, &access, "view-document-history", &source).await?;
    let p = access.principal();
    let names = Names::load(&state, p).await?;
    let history: Vec<&documents::SectionVersion> = case.documents.history(kind, spec.key).collect();
    let latest = history.last().map_or(0, |v| v.number);
    let parse = |s: &Option<String>, default: u32| -> Result<u32, ()> {
        match s.as_deref().map(str::trim) {
            None | Some("") => Ok(default),
            Some(t) => t.parse::<u32>().map_err(|_| ()),
        }
    };
    let mut errors = Vec::new();
    let from = parse(&q.from, latest.saturating_sub(1).max(1)).unwrap_or_else(|()| {
        errors.push((
            "#from".to_owned(),
            "Choose a version to compare from".to_owned(),
        ));
        0
    });
    let to = parse(&q.to, latest).unwrap_or_else(|()| {
        errors.push((
            "#to".to_owned(),
            "Choose a version to compare with".to_owned(),
        ));
        0
    });
    let mut diff = Vec::new();
    let (mut added, mut removed) = (0, 0);
    if errors.is_empty() && latest > 0 {
        let a = case.documents.version(kind, spec.key, from);
        let b = case.documents.version(kind, spec.key, to);
        match (a, b) {
            (Some(a), Some(b)) => {
                let old = comparable(a, &names);
                let new = comparable(b, &names);
                let mut para: Vec<(&'static str, String)> = Vec::new();
                for (change, text) in documents::compare(&old, &new) {
                    let kind = match change {
                        Change::Same => "same",
                        Change::Added => {
                            added += 1;
                            "added"
                        }
                        Change::Removed => {
                            removed += 1;
                            "removed"
                        }
                    };
                    // Paragraph breaks split the comparison into paragraphs.
                    let mut parts = text.split("\n\n").peekable();
                    while let Some(part) = parts.next() {
                        if !part.is_empty() {
                            para.push((kind, part.to_owned()));
                        }
                        if parts.peek().is_some() {
                            diff.push(std::mem::take(&mut para));
                        }
                    }
                }
                diff.push(para);
                diff.retain(|p: &Vec<(&str, String)>| !p.is_empty());
            }
            _ => errors.push((
                "#from".to_owned(),
                "Choose two versions of this section".to_owned(),
            )),
        }
    }
    let versions = history
        .iter()
        .rev()
        .map(|v| VersionView {
            number: v.number,
            who: names.user(v.saved_by),
            when: when(v.saved_at),
        })
        .collect();
    let view = HistoryPage {
        chrome: Chrome::signed_in(&state, p, "/cases"),
        case_id: access.case_id().as_uuid(),
        reference: access.summary().reference.clone(),
        slug: kind.slug(),
        title: kind.title(),
        key: spec.key,
        heading: spec.heading,
        versions,
        from,
        to,
        diff,
        added,
        removed,
        errors,
    };
    let status = if view.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(view.render()?)).into_response())
}

// ---------------------------------------------------------------------------------------
// Recommendations

#[derive(Template)]
#[template(path = "pages/document_recommendation.html")]
struct RecommendationPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    form: RecommendationForm,
    is_new: bool,
    agencies: Vec<(String, String, String, bool)>,
    errors: Vec<(String, String)>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct RecommendationForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    agencies: Vec<String>,
    #[serde(default, rename = "due-day")]
    due_day: String,
    #[serde(default, rename = "due-month")]
    due_month: String,
    #[serde(default, rename = "due-year")]
    due_year: String,
    #[serde(default)]
    themes: String,
    #[serde(default)]
    withdraw: String,
}

impl RecommendationForm {
    fn error_for(&self, errors: &[(String, String)], field: &str) -> String {
        errors
            .iter()
            .find(|e| e.0 == format!("#{field}"))
            .map_or_else(String::new, |e| e.1.clone())
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RecommendationQuery {
    #[serde(default)]
    id: String,
}

async fn recommendation_page(
    state: &AppState,
    access: &CaseAccess,
    form: RecommendationForm,
    is_new: bool,
    errors: Vec<(String, String)>,
) -> Result<Response, WebError> {
    let p = access.principal();
    let agencies = state
        .store()
        .agencies(p.partnership_id.as_uuid())
        .await?
        .into_iter()
        .filter(|a| a.active || form.agencies.contains(&a.id.to_string()))
        .map(|a| {
            let id = a.id.to_string();
            let checked = form.agencies.contains(&id);
            (id, a.name, String::new(), checked)
        })
        .collect();
    let view = RecommendationPage {
        chrome: Chrome::signed_in(state, p, "/cases"),
        case_id: access.case_id().as_uuid(),
        reference: access.summary().reference.clone(),
        form,
        is_new,
        agencies,
        errors,
    };
    let status = if view.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(view.render()?)).into_response())
}

fn find_recommendation(case: &Case, id: &str) -> Option<Recommendation> {
    let id = Uuid::parse_str(id.trim()).ok()?;
    case.current_report()?
        .recommendations
        .iter()
        .find(|r| r.id.as_uuid() == id)
        .cloned()
}

/// `GET /cases/{case_id}/documents/overview-report/recommendations?id=`: a new one, or one
/// to change.
pub async fn recommendation(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Query(q): Query<RecommendationQuery>,
) -> Result<Response, WebError> {
    let (case, _) = reader::load_case(&state, &access, "view-recommendation", &source).await?;
    if !may_edit(access.principal(), DocumentKind::OverviewReport) {
        return Err(refuse(&state, &access, &source, "edit a recommendation").await);
    }
    let (form, is_new) = if q.id.is_empty() {
        (RecommendationForm::default(), true)
    } else {
        let r = find_recommendation(&case, &q.id).ok_or(WebError::NotFound)?;
        (
            RecommendationForm {
                id: r.id.to_string(),
                text: r.text.clone(),
                agencies: r.agencies.iter().map(ToString::to_string).collect(),
                due_day: r.due_on.map_or_else(String::new, |d| d.day().to_string()),
                due_month: r
                    .due_on
                    .map_or_else(String::new, |d| u8::from(d.month()).to_string()),
                due_year: r.due_on.map_or_else(String::new, |d| d.year().to_string()),
                themes: r.themes.join(", "),
                withdraw: String::new(),
            },
            false,
        )
    };
    recommendation_page(&state, &access, form, is_new, Vec::new()).await
}

/// `POST /cases/{case_id}/documents/overview-report/recommendations`: saves or withdraws one.
pub async fn recommendation_save(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    ValidForm(pairs): ValidForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = parse_recommendation_form(pairs)?;
    let (case, _) = reader::load_case(&state, &access, "save-recommendation", &source).await?;
    if !may_edit(access.principal(), DocumentKind::OverviewReport) {
        return Err(refuse(&state, &access, &source, "edit a recommendation").await);
    }
    let existing = if form.id.is_empty() {
        None
    } else {
        Some(find_recommendation(&case, &form.id).ok_or(WebError::NotFound)?)
    };
    let is_new = existing.is_none();
    let case_id = access.case_id();
    if !form.withdraw.is_empty() {
        let Some(r) = existing else {
            return Err(WebError::NotFound);
        };
        let command = Command::WithdrawRecommendation {
            id: r.id,
            saved_at: state.now(),
        };
        return match execute(&state, &access, None, command).await? {
            Ok(()) => Ok(Redirect::to(&format!(
                "/cases/{case_id}/documents/overview-report?done=withdrawn#recommendations-list"
            ))
            .into_response()),
            Err(m) => {
                recommendation_page(&state, &access, form, false, vec![("#text".into(), m)]).await
            }
        };
    }
    let mut errors = Vec::new();
    if form.text.trim().is_empty() {
        errors.push(("#text".to_owned(), "Enter what must be done".to_owned()));
    }
    let agencies: Vec<AgencyId> = form
        .agencies
        .iter()
        .filter_map(|a| Uuid::parse_str(a).ok().map(AgencyId::from_uuid))
        .collect();
    let due = if form.due_day.trim().is_empty()
        && form.due_month.trim().is_empty()
        && form.due_year.trim().is_empty()
    {
        None
    } else {
        match date_of(&form.due_day, &form.due_month, &form.due_year) {
            Some(d) => Some(d),
            None => {
                errors.push((
                    "#due-day".to_owned(),
                    "The date must be a real date, like 31 3 2026".to_owned(),
                ));
                None
            }
        }
    };
    if !errors.is_empty() {
        return recommendation_page(&state, &access, form, is_new, errors).await;
    }
    let recommendation = Recommendation {
        id: existing.map_or_else(RecommendationId::random, |r| r.id),
        text: form.text.trim().to_owned(),
        agencies,
        due_on: due,
        themes: form
            .themes
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    let command = Command::SaveRecommendation {
        recommendation,
        saved_at: state.now(),
    };
    match execute(&state, &access, None, command).await? {
        Ok(()) => Ok(Redirect::to(&format!(
            "/cases/{case_id}/documents/overview-report?done=recommendation#recommendations-list"
        ))
        .into_response()),
        Err(m) => {
            let field = if m.contains("date") {
                "#due-day"
            } else {
                "#text"
            };
            recommendation_page(&state, &access, form, is_new, vec![(field.into(), m)]).await
        }
    }
}

/// Reads the recommendation form (checkboxes repeat their name, which serde's urlencoded
/// reader cannot gather into a list).
fn parse_recommendation_form(pairs: Vec<(String, String)>) -> Result<RecommendationForm, WebError> {
    let mut form = RecommendationForm::default();
    for (k, v) in pairs {
        match k.as_str() {
            "id" => form.id = v,
            "text" => form.text = v,
            "agencies" => form.agencies.push(v),
            "due-day" => form.due_day = v,
            "due-month" => form.due_month = v,
            "due-year" => form.due_year = v,
            "themes" => form.themes = v,
            "withdraw" => form.withdraw = v,
            _ => {}
        }
    }
    if form.text.len() > 20_000 || form.agencies.len() > 100 {
        return Err(WebError::BadRequest);
    }
    Ok(form)
}

fn date_of(day: &str, month: &str, year: &str) -> Option<time::Date> {
    let d: u8 = day.trim().parse().ok()?;
    let m: u8 = month.trim().parse().ok()?;
    let y: i32 = year.trim().parse().ok()?;
    if !(1900..=2200).contains(&y) {
        return None;
    }
    time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

// ---------------------------------------------------------------------------------------
// The family's comments

#[derive(Debug, Default, Clone, Deserialize)]
pub struct FamilyForm {
    #[serde(default)]
    from: String,
    #[serde(default, rename = "received-day")]
    received_day: String,
    #[serde(default, rename = "received-month")]
    received_month: String,
    #[serde(default, rename = "received-year")]
    received_year: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    text: String,
}

/// `POST /cases/{case_id}/documents/overview-report/family-comments`.
pub async fn family(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    ValidForm(form): ValidForm<FamilyForm>,
) -> Result<Response, WebError> {
    let kind = DocumentKind::OverviewReport;
    let (case, _) = reader::load_case(&state, &access, "record-family-comment", &source).await?;
    if !may_resolve(access.principal()) {
        return Err(refuse(&state, &access, &source, "record the family's comments").await);
    }
    let mut errors = Vec::new();
    let from = NonEmptyText::parse(form.from.trim());
    if from.is_err() {
        errors.push((
            "#from".to_owned(),
            "Enter who in the family made the comments".to_owned(),
        ));
    }
    let received = date_of(
        &form.received_day,
        &form.received_month,
        &form.received_year,
    );
    if received.is_none() {
        errors.push((
            "#received-day".to_owned(),
            "Enter the date the comments were received, like 4 7 2025".to_owned(),
        ));
    }
    let text = NonEmptyText::parse(form.text.trim());
    if text.is_err() {
        errors.push((
            "#family-text".to_owned(),
            "Enter the family\u{2019}s comments".to_owned(),
        ));
    }
    let section = Some(form.section.trim().to_owned()).filter(|s| !s.is_empty());
    if section
        .as_deref()
        .is_some_and(|s| kind.section(s).is_none())
    {
        return Err(WebError::BadRequest);
    }
    let (Ok(from), Some(received_on), Ok(text)) = (from, received, text) else {
        return document_page(&state, &access, &case, kind, "", errors, form).await;
    };
    let command = Command::RecordFamilyComment {
        comment: FamilyComment {
            from,
            received_on,
            section,
            text,
            response: None,
        },
    };
    match execute(&state, &access, None, command).await? {
        Ok(()) => Ok(Redirect::to(&format!(
            "/cases/{}/documents/overview-report?done=family#family",
            access.case_id()
        ))
        .into_response()),
        Err(m) => {
            let field = if m.contains("date") {
                "#received-day"
            } else {
                "#family-text"
            };
            document_page(
                &state,
                &access,
                &case,
                kind,
                "",
                vec![(field.into(), m)],
                form,
            )
            .await
        }
    }
}

/// The documents a case has now, for the case page: (href, title).
#[must_use]
pub fn links(case: &Case, case_id: Uuid) -> Vec<(String, &'static str)> {
    DocumentKind::ALL
        .into_iter()
        .filter(|k| k.exists_for(case))
        .map(|k| {
            (
                format!("/cases/{case_id}/documents/{}", k.slug()),
                k.title(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_real() {
        assert!(date_of("31", "2", "2026").is_none());
        assert_eq!(
            date_of("31", "3", "2026"),
            time::Date::from_calendar_date(2026, time::Month::March, 31).ok()
        );
        assert!(date_of("", "3", "2026").is_none());
    }

    #[test]
    fn repeated_checkboxes_are_gathered() {
        let pairs = [
            ("text", "Do it"),
            ("agencies", "a"),
            ("agencies", "b"),
            ("due-day", "1"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let f = parse_recommendation_form(pairs).expect("form");
        assert_eq!(f.agencies, ["a", "b"]);
        assert_eq!(f.text, "Do it");
    }
}
