//! A case's documents as exportable documents: the rapid review report and the terms of
//! reference from their sections as they stand (saved versions, or what the case's records
//! say), the overview report from the current report. The web's export job and `cspr export`
//! both come through here, so they produce the same files.

use std::collections::HashMap;

use cspr_domain::case::Case;
use cspr_domain::documents::{
    Body, DocumentKind, ExportFormat, Origin, Part, SectionSpec, sources,
};
use cspr_domain::ids::AgencyId;

use crate::model::{Block, Document, Inline};
use crate::report::{TitlePage, overview_report};
use crate::richtext;

/// A section as the document shows it now: its rich text (what was saved, or the case's
/// records drawn as markup here, every text escaped), and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionContent {
    /// The section.
    pub spec: &'static SectionSpec,
    /// The text (rich text HTML, or plain text from older drafts).
    pub text: String,
    /// Where it came from.
    pub origin: Origin,
}

/// The sections of a case's document as they stand, drawn as rich text.
#[must_use]
pub fn content(
    case: &Case,
    kind: DocumentKind,
    agency_name: &dyn Fn(AgencyId) -> String,
) -> Vec<SectionContent> {
    sources(case, kind, agency_name)
        .into_iter()
        .map(|s| SectionContent {
            spec: s.spec,
            text: match s.body {
                Body::Saved(text) => text,
                Body::Assembled(parts) => parts_html(&parts),
            },
            origin: s.origin,
        })
        .collect()
}

/// Parts assembled from a case's records as the rich text the section editor keeps.
#[must_use]
pub fn parts_html(parts: &[Part]) -> String {
    use crate::html::escape;
    let items = |tag: &str, items: &[String]| {
        let li: String = items
            .iter()
            .map(|i| format!("<li>{}</li>", escape(i)))
            .collect();
        format!("<{tag}>{li}</{tag}>")
    };
    parts
        .iter()
        .map(|part| match part {
            Part::Paragraph(text) => format!("<p>{}</p>", escape(text)),
            Part::Heading(text) => format!("<h2>{}</h2>", escape(text)),
            Part::Bullets(list) => items("ul", list),
            Part::Numbered(list) => items("ol", list),
            Part::Table { header, rows } => {
                let th: String = header
                    .iter()
                    .map(|h| format!("<th>{}</th>", escape(h)))
                    .collect();
                let body: String = rows
                    .iter()
                    .map(|r| {
                        let td: String = r
                            .iter()
                            .map(|c| format!("<td>{}</td>", escape(c)))
                            .collect();
                        format!("<tr>{td}</tr>")
                    })
                    .collect();
                format!("<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>")
            }
        })
        .collect()
}

/// The title page of a case's document.
#[must_use]
pub fn title_page(
    case: &Case,
    kind: DocumentKind,
    partnership: &str,
    date: time::Date,
) -> TitlePage {
    let title = match kind {
        DocumentKind::RapidReview => "Rapid review: report to the National Panel",
        DocumentKind::TermsOfReference => {
            "Local child safeguarding practice review: terms of reference"
        }
        DocumentKind::OverviewReport => "Local child safeguarding practice review",
    };
    let reference = case.reference.clone().unwrap_or_default();
    let subtitle = match kind {
        DocumentKind::OverviewReport => format!("Overview report \u{2013} case {reference}"),
        _ => format!("Case {reference}"),
    };
    TitlePage {
        title: title.to_owned(),
        subtitle: Some(subtitle),
        author: partnership.to_owned(),
        date: Some(date),
    }
}

/// One of a case's documents, ready to export.
#[must_use]
pub fn case_document(
    case: &Case,
    kind: DocumentKind,
    title: &TitlePage,
    agency_names: &HashMap<AgencyId, String>,
) -> Document {
    if kind == DocumentKind::OverviewReport {
        let report = case.current_report().cloned().unwrap_or_default();
        return overview_report(&report, title, agency_names);
    }
    let name = |a: AgencyId| {
        agency_names
            .get(&a)
            .cloned()
            .unwrap_or_else(|| "Unknown agency".to_owned())
    };
    let mut doc = Document::new(title.title.clone(), title.author.clone());
    doc.subtitle.clone_from(&title.subtitle);
    doc.date = title.date;
    for section in content(case, kind, &name) {
        doc.blocks.push(Block::Heading {
            level: 1,
            text: section.spec.heading.to_owned(),
        });
        let body = richtext::blocks(&section.text);
        if body.is_empty() {
            doc.blocks.push(Block::Paragraph(vec![Inline::Emphasis(
                "This section has not been written yet.".to_owned(),
            )]));
        } else {
            doc.blocks.extend(body);
        }
    }
    doc
}

/// The document in a format's bytes.
///
/// # Errors
/// [`ExportError`](crate::ExportError) when typesetting or packaging fails.
#[cfg(feature = "typeset")]
pub fn render(doc: &Document, format: ExportFormat) -> Result<Vec<u8>, crate::ExportError> {
    match format {
        ExportFormat::Pdf => crate::to_pdf(doc),
        ExportFormat::Docx => crate::to_docx(doc),
        ExportFormat::Html => Ok(crate::to_html(doc).into_bytes()),
    }
}

/// The file name of an export: "rapid-review-CSPR-2025-001.pdf", with anything but letters,
/// digits and hyphens in the reference replaced.
#[must_use]
pub fn file_name(case: &Case, kind: DocumentKind, format: ExportFormat) -> String {
    let reference: String = case
        .reference
        .clone()
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{}-{reference}.{}", kind.slug(), format.extension())
}
