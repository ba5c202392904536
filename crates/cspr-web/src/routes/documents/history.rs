//! The history of a section: its versions, and any two of them compared word by word.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use cspr_domain::documents::{self, Change};
use cspr_domain::words::long_date;
use cspr_export::richtext;
use serde::Deserialize;
use uuid::Uuid;

use super::sections::Section;
use super::{Names, when};
use crate::WebError;
use crate::extract::OnCase;
use crate::layout::Chrome;

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
#[serde(default)]
pub struct CompareQuery {
    from: Option<String>,
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
    OnCase(state, access, source): OnCase,
    Path((_, slug, key)): Path<(Uuid, String, String)>,
    Query(q): Query<CompareQuery>,
) -> Result<Response, WebError> {
    let at = Section::open(
        (&state, &access, &source),
        (&slug, &key),
        "view-document-history",
    )
    .await?;
    let (kind, spec, case) = (at.kind, at.spec, &at.case);
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
    crate::layout::render_checked(&view, &view.errors)
}
