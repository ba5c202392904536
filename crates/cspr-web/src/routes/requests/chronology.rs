//! The integrated chronology: all agencies' entries in date order, filtered, key episodes
//! marked, exported to CSV and DOCX.

use crate::access::refuse;
use crate::extract::OnCase;
use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Query, RawQuery};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use cspr_domain::case::model::ContributionKind;
use cspr_domain::case::{Case, Command};
use cspr_domain::chronology::{self, Filter, Merged};
use cspr_domain::ids::AgencyId;
use cspr_store::AgencyRow;
use uuid::Uuid;

use super::questions::entry_view;
use super::{Pairs, agency_name, all, execute, get};
use crate::access::CaseAccess;
use crate::layout::Chrome;
use crate::reader::{self, Source};
use crate::{AppState, ValidForm, WebError};

/// One row of the integrated chronology.
#[derive(Debug)]
pub struct ChronologyRow {
    id: String,
    date: String,
    time: String,
    agency: String,
    source: String,
    what: String,
    who: String,
    significance: String,
    analysis: String,
    key: bool,
}

#[derive(Template)]
#[template(path = "pages/chronology.html")]
struct ChronologyPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    rows: Vec<ChronologyRow>,
    total: usize,
    agencies: Vec<(String, String, String, bool)>,
    from: String,
    to: String,
    key_only: bool,
    filtered: bool,
    query: String,
    offers: Offers,
    errors: Vec<(String, String)>,
}

/// What the chronology page offers the person beyond reading it.
#[derive(Debug, Clone, Copy)]
pub struct Offers {
    /// Marking key practice episodes.
    pub mark: bool,
    /// Downloading what is shown (CSV, Word).
    pub export: bool,
}

/// The chronology's filter as asked, with any errors.
fn read_filter(pairs: &Pairs) -> (Filter, Vec<(String, String)>) {
    let mut errors = Vec::new();
    let agencies = all(pairs, "agency")
        .into_iter()
        .filter_map(|a| Uuid::parse_str(a).ok())
        .map(AgencyId::from_uuid)
        .collect();
    let mut day = |name: &str, label: &str| {
        let t = get(pairs, name).trim();
        if t.is_empty() {
            return None;
        }
        match chronology::parse_date(t) {
            Ok((d, _)) => Some(d),
            Err(_) => {
                errors.push((
                    format!("#{name}"),
                    format!("Enter the {label} date like 2024-03-05"),
                ));
                None
            }
        }
    };
    let from = day("from", "from");
    let to = day("to", "to");
    (
        Filter {
            agencies,
            from,
            to,
            key_only: get(pairs, "key") == "yes",
        },
        errors,
    )
}

/// The merged, filtered rows (the benchmark and the exports use this too).
#[must_use]
pub fn chronology_rows(
    case: &Case,
    agencies: &[AgencyRow],
    filter: &Filter,
) -> (Vec<ChronologyRow>, usize) {
    let merged = chronology::merge(case);
    let total = merged.len();
    let rows = merged
        .iter()
        .filter(|m| filter.admits(m))
        .map(|m: &Merged<'_>| {
            let v = entry_view(m.entry);
            ChronologyRow {
                id: v.id,
                date: v.date,
                time: v.time,
                agency: agency_name(agencies, m.agency),
                source: v.source,
                what: v.what,
                who: v.who,
                significance: v.significance,
                analysis: v.analysis,
                key: m.key,
            }
        })
        .collect();
    (rows, total)
}

/// Renders the integrated chronology page (public for the benchmark).
#[expect(
    clippy::too_many_arguments,
    reason = "the page's parts, passed apart so the benchmark renders without a request"
)]
///
/// # Errors
/// A template failure.
pub fn render_chronology(
    chrome: Chrome,
    case_id: Uuid,
    reference: &str,
    case: &Case,
    agencies: &[AgencyRow],
    pairs: &Pairs,
    query: &str,
    offers: Offers,
) -> Result<(bool, String), askama::Error> {
    let (filter, errors) = read_filter(pairs);
    let (rows, total) = chronology_rows(case, agencies, &filter);
    let in_case: BTreeSet<AgencyId> = case
        .requests(ContributionKind::Chronology)
        .map(|r| r.agency)
        .collect();
    let page = ChronologyPage {
        chrome,
        case_id,
        reference: reference.to_owned(),
        rows,
        total,
        agencies: in_case
            .iter()
            .map(|a| {
                (
                    a.to_string(),
                    agency_name(agencies, *a),
                    String::new(),
                    filter.agencies.contains(a),
                )
            })
            .collect(),
        from: get(pairs, "from").trim().to_owned(),
        to: get(pairs, "to").trim().to_owned(),
        key_only: filter.key_only,
        filtered: filter != Filter::default(),
        query: query.to_owned(),
        offers,
        errors,
    };
    Ok((page.errors.is_empty(), page.render()?))
}

/// The integrated chronology, filtered by agency and period.
pub async fn chronology_page(
    OnCase(state, access, source): OnCase,
    RawQuery(raw): RawQuery,
    Query(pairs): Query<Pairs>,
) -> Result<Response, WebError> {
    let (case, _) =
        reader::load_case(&state, &access, "view-integrated-chronology", &source).await?;
    let p = access.principal();
    let agencies = state.store().agencies(p.partnership_id.as_uuid()).await?;
    let (ok, html) = render_chronology(
        Chrome::signed_in(&state, p, "/cases"),
        access.case_id().as_uuid(),
        &access.summary().reference,
        &case,
        &agencies,
        &pairs,
        raw.as_deref().unwrap_or_default(),
        Offers {
            mark: cspr_app::policy::may_mark_key_episodes(p),
            export: cspr_app::policy::may_export_documents(p),
        },
    )?;
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((status, Html(html)).into_response())
}

/// Marks or unmarks a key practice episode (the team, the chair and the independent reviewer).
pub async fn mark(
    OnCase(state, access, source): OnCase,
    ValidForm(pairs): ValidForm<Pairs>,
) -> Result<Response, WebError> {
    let p = access.principal().clone();
    if !cspr_app::policy::may_mark_key_episodes(&p) {
        return Err(refuse(&state, &access, &source, "mark key practice episodes").await);
    }
    let entry = Uuid::parse_str(get(&pairs, "entry")).map_err(|_| WebError::BadRequest)?;
    let key = get(&pairs, "key") == "yes";
    let command = Command::MarkKeyPracticeEpisode { entry, key };
    let back = get(&pairs, "back");
    // Only a query string of the chronology page itself is taken back.
    let back = if back
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"=&-_%.+".contains(&b))
    {
        back
    } else {
        ""
    };
    match execute(&state, &access, command).await? {
        Ok(()) => Ok(crate::access::to_case(
            &access,
            &format!("chronology?{back}#entry-{entry}"),
        )),
        Err(m) => {
            tracing::info!(case = %access.case_id(), reason = %m, "a key practice episode mark was refused");
            Err(WebError::BadRequest)
        }
    }
}

/// The rows of the filtered chronology for an export in `format`, the case's read audited as
/// that export.
async fn exported_rows(
    state: &AppState,
    access: &CaseAccess,
    source: &Source,
    pairs: &Pairs,
    format: &str,
) -> Result<Vec<ChronologyRow>, WebError> {
    // One export rule for everything that leaves the service as a file of the case.
    if !cspr_app::policy::may_export_documents(access.principal()) {
        return Err(refuse(state, access, source, "export the integrated chronology").await);
    }
    let action = format!("export-integrated-chronology-{format}");
    let (case, _) = reader::load_case(state, access, &action, source).await?;
    let agencies = state
        .store()
        .agencies(access.principal().partnership_id.as_uuid())
        .await?;
    let (filter, _) = read_filter(pairs);
    Ok(chronology_rows(&case, &agencies, &filter).0)
}

/// The filtered chronology as CSV (cells that would read as formulas are defused).
pub async fn chronology_csv(
    OnCase(state, access, source): OnCase,
    Query(pairs): Query<Pairs>,
) -> Result<Response, WebError> {
    let rows = exported_rows(&state, &access, &source, &pairs, "csv").await?;
    let mut out = cspr_export::csv::Csv::new().record(&[
        "Date",
        "Time",
        "Agency",
        "Source",
        "What happened",
        "Who was involved (by role)",
        "Significance",
        "Analysis",
        "Key practice episode",
    ]);
    for r in rows {
        out.push(&[
            r.date.as_str(),
            &r.time,
            &r.agency,
            &r.source,
            &r.what,
            &r.who,
            &r.significance,
            &r.analysis,
            if r.key { "Yes" } else { "" },
        ]);
    }
    let out = out.finish();
    Ok(download(&access, out, "text/csv; charset=utf-8", "csv"))
}

/// The chronology as a file to download, named after the case's reference.
fn download(access: &CaseAccess, bytes: Vec<u8>, media_type: &str, extension: &str) -> Response {
    crate::download::file(
        bytes,
        media_type,
        &format!(
            "integrated-chronology-{}.{extension}",
            safe_reference(&access.summary().reference)
        ),
    )
}

fn safe_reference(reference: &str) -> String {
    reference
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The filtered chronology as a Word document: a heading and one table.
pub async fn chronology_docx(
    OnCase(state, access, source): OnCase,
    Query(pairs): Query<Pairs>,
) -> Result<Response, WebError> {
    let rows = exported_rows(&state, &access, &source, &pairs, "docx").await?;
    let bytes = docx(&access.summary().reference, &rows)
        .map_err(|e| WebError::Internal(format!("the chronology's DOCX failed: {e}")))?;
    Ok(download(
        &access,
        bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ))
}

fn docx(reference: &str, rows: &[ChronologyRow]) -> Result<Vec<u8>, cspr_export::ExportError> {
    let entries: Vec<cspr_export::chronology::Entry<'_>> = rows
        .iter()
        .map(|r| cspr_export::chronology::Entry {
            date: &r.date,
            time: &r.time,
            agency: &r.agency,
            what: &r.what,
            who: &r.who,
            source: &r.source,
            significance: &r.significance,
            analysis: &r.analysis,
            key: r.key,
        })
        .collect();
    cspr_export::chronology::to_docx(reference, &entries)
}
