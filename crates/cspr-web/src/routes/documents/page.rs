//! The document page: each section as it stands, with guidance, its version and its open
//! comments; for the overview report its recommendations, the completeness check that gates
//! sign-off and the family's comments; the exports made of it.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use cspr_domain::case::Case;
use cspr_domain::documents::{DocumentKind, Origin};
use cspr_domain::ids::AgencyId;
use cspr_domain::words::long_date;
use serde::Deserialize;
use uuid::Uuid;

use super::{
    FamilyForm, Names, document_of, error_of, may_edit, may_export, may_resolve, shown, size_words,
    when,
};
use crate::access::CaseAccess;
use crate::extract::OnCase;
use crate::layout::Chrome;

use crate::{AppState, WebError};

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

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    done: String,
}

pub(super) async fn document_page(
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
    let sections = cspr_export::documents::content(case, kind, &agency)
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
            .filter(|e| e.document == kind && e.available(state.now()))
            .rev()
            .map(|e| ExportView {
                href: format!(
                    "/cases/{case_id}/documents/{}/exports/{}",
                    kind.slug(),
                    e.export_id
                ),
                what: format!("{} ({})", e.format.label(), size_words(e.size)),
                made: format!(
                    "Made on {} for {}; available until {}",
                    when(e.made_at),
                    names.user(Some(e.requested_by)),
                    when(e.expires_at())
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
    crate::layout::render_checked(&view, &view.errors)
}

/// `GET /cases/{case_id}/documents/{document}`.
pub async fn show(
    OnCase(state, access, source): OnCase,
    Path((_, slug)): Path<(Uuid, String)>,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let (kind, case) = document_of((&state, &access, &source), &slug, "view-document").await?;
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
