//! A subject access request's answer as a document: the request, the list of sources (each
//! case and what it holds), then each case's people records and the passages that name the
//! person, each with the event it comes from. The team reads it, removes what concerns other
//! people, and releases it; the PDF download of the subject access page comes through here.

use cspr_domain::subject_access::{DateOfBirth, SubjectAccessReport};
use cspr_domain::words::long_date;

use crate::model::{Block, Document, Inline};

fn heading(level: u8, text: impl Into<String>) -> Block {
    Block::Heading {
        level,
        text: text.into(),
    }
}

fn paragraph(text: impl Into<String>) -> Block {
    Block::Paragraph(vec![Inline::Text(text.into())])
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The report as a document issued by `partnership`.
#[must_use]
pub fn document(report: &SubjectAccessReport, partnership: &str) -> Document {
    let mut doc = Document::new("Subject access request", partnership);
    doc.subtitle = Some(format!("Request {}", report.request_reference));
    doc.date = Some(report.searched_on);
    let blocks = &mut doc.blocks;
    blocks.push(heading(1, "The request"));
    let (name, aliases) = report
        .names
        .split_first()
        .map_or(("", &[][..]), |(n, a)| (n, a));
    let mut rows = vec![vec!["Name".to_owned(), name.to_owned()]];
    if !aliases.is_empty() {
        rows.push(vec!["Also known as".to_owned(), aliases.join("; ")]);
    }
    rows.push(vec![
        "Date of birth".to_owned(),
        report
            .date_of_birth
            .map_or_else(|| "Not given".to_owned(), long_date),
    ]);
    rows.push(vec![
        "Searched on".to_owned(),
        long_date(report.searched_on),
    ]);
    rows.push(vec![
        "Cases searched".to_owned(),
        report.cases_searched.to_string(),
    ]);
    rows.push(vec![
        "Cases holding information".to_owned(),
        report.cases.len().to_string(),
    ]);
    blocks.push(Block::Table {
        header: vec!["Detail".to_owned(), "Value".to_owned()],
        rows,
    });
    blocks.push(paragraph(
        "A case holds information about the person where one of its people records carries \
         their name or an alias (a record with a different date of birth is someone else), and \
         wherever its text names them, including earlier versions of its documents. Files \
         uploaded to a case are not searched: open them from the case. Before release, remove \
         what is about other people.",
    ));

    blocks.push(heading(1, "Sources"));
    if report.cases.is_empty() {
        blocks.push(paragraph("No case holds information about this person."));
    } else {
        blocks.push(Block::Table {
            header: vec![
                "Case".to_owned(),
                "People records".to_owned(),
                "Passages".to_owned(),
            ],
            rows: report
                .cases
                .iter()
                .map(|c| {
                    vec![
                        c.reference.clone(),
                        c.records.len().to_string(),
                        c.passages.len().to_string(),
                    ]
                })
                .collect(),
        });
    }

    for case in &report.cases {
        blocks.push(heading(1, format!("Case {}", case.reference)));
        if !case.records.is_empty() {
            blocks.push(heading(2, "People records"));
            for r in &case.records {
                blocks.push(heading(3, format!("{}: {}", r.kind, r.name)));
                if r.date_of_birth == DateOfBirth::NotRecorded {
                    blocks.push(Block::Paragraph(vec![Inline::Strong(
                        "This record has no date of birth: check it is the person before release."
                            .to_owned(),
                    )]));
                }
                if !r.details.is_empty() {
                    blocks.push(Block::Table {
                        header: vec!["Recorded".to_owned(), "Value".to_owned()],
                        rows: r
                            .details
                            .iter()
                            .map(|(l, v)| vec![l.clone(), v.clone()])
                            .collect(),
                    });
                }
            }
        }
        if !case.passages.is_empty() {
            blocks.push(heading(
                2,
                format!(
                    "Passages that name them ({})",
                    plural(case.passages.len(), "passage", "passages")
                ),
            ));
            blocks.push(Block::Table {
                header: vec!["Where".to_owned(), "Passage".to_owned()],
                rows: case
                    .passages
                    .iter()
                    .map(|h| {
                        vec![
                            format!(
                                "Event {}, {}, {} ({})",
                                h.event,
                                h.what,
                                long_date(h.on),
                                h.passage.field
                            ),
                            h.passage.excerpt.clone(),
                        ]
                    })
                    .collect(),
            });
        }
    }
    doc
}
