//! The integrated chronology as a Word document: a heading, a line saying what it holds, and
//! one table of every entry in date order (key practice episodes in bold).

use std::io::Cursor;

use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow};

use crate::ExportError;

/// One entry, as the chronology page shows it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Entry<'a> {
    /// The day (`2024-03-05`), or the month or year when only that is known.
    pub date: &'a str,
    /// The time, when known (`14:30`).
    pub time: &'a str,
    /// The agency that recorded it.
    pub agency: &'a str,
    /// What happened.
    pub what: &'a str,
    /// Who was involved.
    pub who: &'a str,
    /// Where the agency found it.
    pub source: &'a str,
    /// Why it matters.
    pub significance: &'a str,
    /// The agency's analysis.
    pub analysis: &'a str,
    /// A key practice episode.
    pub key: bool,
}

const HEADINGS: [&str; 6] = [
    "Date",
    "Agency",
    "What happened",
    "Who was involved",
    "Source",
    "Significance and analysis",
];

fn cell(text: &str, bold: bool) -> TableCell {
    let mut run = Run::new().add_text(text);
    if bold {
        run = run.bold();
    }
    TableCell::new().add_paragraph(Paragraph::new().add_run(run))
}

/// The chronology of the case `reference` as a `.docx`.
///
/// # Errors
/// [`ExportError`] when the document cannot be written.
pub fn to_docx(reference: &str, entries: &[Entry<'_>]) -> Result<Vec<u8>, ExportError> {
    let mut rows = vec![TableRow::new(
        HEADINGS.iter().map(|h| cell(h, true)).collect(),
    )];
    for e in entries {
        let when = if e.time.is_empty() {
            e.date.to_owned()
        } else {
            format!("{} {}", e.date, e.time)
        };
        let what = if e.key {
            format!("Key practice episode. {}", e.what)
        } else {
            e.what.to_owned()
        };
        let analysis = [e.significance, e.analysis]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        rows.push(TableRow::new(vec![
            cell(&when, false),
            cell(e.agency, false),
            cell(&what, e.key),
            cell(e.who, false),
            cell(e.source, false),
            cell(&analysis, false),
        ]));
    }
    let count = cspr_domain::words::plural(
        i64::try_from(entries.len()).unwrap_or(i64::MAX),
        "entry",
        "entries",
    );
    let doc = Docx::new()
        .add_paragraph(
            Paragraph::new().add_run(
                Run::new()
                    .add_text(format!("Integrated chronology: case {reference}"))
                    .bold()
                    .size(32),
            ),
        )
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(format!(
            "{count} in date order, from every agency's sent chronology."
        ))))
        .add_table(Table::new(rows));
    let mut out = Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| ExportError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
