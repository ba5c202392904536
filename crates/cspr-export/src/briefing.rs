//! A thematic briefing as a document: what the team wrote, the reviews it draws on, the
//! self-assessment questions and, once agencies have answered, the summary per question and
//! the actions agreed. The briefing page's PDF and DOCX downloads come through here.

use cspr_domain::briefing::Briefing;
use cspr_domain::ids::AgencyId;
use cspr_domain::words::long_date;

use crate::model::{Block, Document, Inline};
use crate::richtext;

/// A review the briefing draws on, as the library describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedReview {
    /// Its title.
    pub title: String,
    /// Who published it, and when.
    pub source: String,
    /// Where to read it.
    pub url: String,
}

fn text(t: impl Into<String>) -> Vec<Inline> {
    vec![Inline::Text(t.into())]
}

/// The briefing as a document issued by `partnership`.
#[must_use]
pub fn document(
    b: &Briefing,
    reviews: &[LinkedReview],
    agency_name: &dyn Fn(AgencyId) -> String,
    partnership: &str,
) -> Document {
    let mut doc = Document::new(b.content.title.as_str(), partnership);
    doc.subtitle = Some("Thematic briefing and self-assessment".to_owned());
    doc.date = Some(b.sent_on.unwrap_or(b.drafted_on));
    let blocks = &mut doc.blocks;
    blocks.push(Block::Heading {
        level: 1,
        text: "The briefing".to_owned(),
    });
    blocks.extend(richtext::blocks(b.content.body.as_str()));
    if !reviews.is_empty() {
        blocks.push(Block::Heading {
            level: 1,
            text: "Reviews it draws on".to_owned(),
        });
        blocks.push(Block::BulletList(
            reviews
                .iter()
                .map(|r| text(format!("{} ({}): {}", r.title, r.source, r.url)))
                .collect(),
        ));
    }
    blocks.push(Block::Heading {
        level: 1,
        text: "Self-assessment questions".to_owned(),
    });
    if let (Some(due), false) = (b.due_on, b.agencies.is_empty()) {
        let mut names: Vec<String> = b.agencies.iter().map(|a| agency_name(*a)).collect();
        names.sort();
        blocks.push(Block::Paragraph(text(format!(
            "Asked of {}; answers due by {}.",
            names.join(", "),
            long_date(due)
        ))));
    }
    blocks.push(Block::NumberedList(
        b.questions.iter().map(|q| text(q.text.as_str())).collect(),
    ));
    let summary = b.summary();
    if summary.iter().any(|s| !s.answers.is_empty()) {
        blocks.push(Block::Heading {
            level: 1,
            text: "What agencies said".to_owned(),
        });
        for s in &summary {
            blocks.push(Block::Heading {
                level: 2,
                text: format!(
                    "Question {}: {}",
                    s.question.number,
                    s.question.text.as_str()
                ),
            });
            blocks.push(Block::Paragraph(text(
                s.counts
                    .iter()
                    .map(|(r, n)| format!("{}: {n}", r.label()))
                    .collect::<Vec<_>>()
                    .join("; "),
            )));
            blocks.push(Block::Table {
                header: vec![
                    "Agency".to_owned(),
                    "Self-assessment".to_owned(),
                    "Evidence".to_owned(),
                ],
                rows: s
                    .answers
                    .iter()
                    .map(|(agency, a)| {
                        vec![
                            agency_name(*agency),
                            a.rating.label().to_owned(),
                            a.evidence.as_str().to_owned(),
                        ]
                    })
                    .collect(),
            });
        }
        let waiting = b.outstanding();
        if !waiting.is_empty() {
            let mut names: Vec<String> = waiting.iter().map(|a| agency_name(*a)).collect();
            names.sort();
            blocks.push(Block::Paragraph(text(format!(
                "Not yet answered: {}.",
                names.join(", ")
            ))));
        }
    }
    if !b.actions.is_empty() {
        blocks.push(Block::Heading {
            level: 1,
            text: "Actions agreed".to_owned(),
        });
        blocks.push(Block::Table {
            header: vec![
                "Action".to_owned(),
                "Agency".to_owned(),
                "Question".to_owned(),
                "Due".to_owned(),
                "Status".to_owned(),
            ],
            rows: b
                .actions
                .iter()
                .map(|a| {
                    vec![
                        a.description.as_str().to_owned(),
                        agency_name(a.agency),
                        a.question.to_string(),
                        long_date(a.due),
                        a.completed_on.map_or_else(
                            || "Open".to_owned(),
                            |d| format!("Completed {}", long_date(d)),
                        ),
                    ]
                })
                .collect(),
        });
    }
    doc
}
