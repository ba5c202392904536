//! The integrated chronology as a Word document: a title, a line saying what it holds, and
//! one table of every entry in date order (key practice episodes in bold), on A4 landscape in
//! the reports' styles so the six columns have room.

use std::io::Cursor;

use docx_rs::{
    Docx, PageMargin, PageOrientationType, Paragraph, Run, Shading, Table, TableCell, TableRow,
    WidthType,
};

use crate::ExportError;

/// A4 landscape in twentieths of a point, with 20 mm margins.
const PAGE_W: u32 = 16_838;
const PAGE_H: u32 = 11_906;
const MARGIN: i32 = 1_134;
const TEXT_WIDTH: usize = 14_570;
/// Each column's share of the width: what happened and its significance get the most.
const WEIGHTS: [usize; 6] = [2, 3, 6, 3, 2, 6];

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

fn widths() -> Vec<usize> {
    let total: usize = WEIGHTS.iter().sum();
    WEIGHTS.iter().map(|w| w * TEXT_WIDTH / total).collect()
}

fn cell(text: &str, bold: bool, width: usize) -> TableCell {
    let mut run = Run::new().add_text(text).size(20);
    if bold {
        run = run.bold();
    }
    TableCell::new()
        .width(width, WidthType::Dxa)
        .add_paragraph(Paragraph::new().style("TableText").add_run(run))
}

/// The chronology of the case `reference` as a `.docx`.
///
/// # Errors
/// [`ExportError`] when the document cannot be written.
pub fn to_docx(reference: &str, entries: &[Entry<'_>]) -> Result<Vec<u8>, ExportError> {
    let widths = widths();
    let mut rows = vec![
        TableRow::new(
            HEADINGS
                .iter()
                .zip(&widths)
                .map(|(h, w)| cell(h, true, *w).shading(Shading::new().fill("F3F2F1")))
                .collect(),
        )
        .cant_split(),
    ];
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
        let texts = [&when, e.agency, &what, e.who, e.source, &analysis];
        rows.push(
            TableRow::new(
                texts
                    .iter()
                    .zip(&widths)
                    .enumerate()
                    .map(|(i, (t, w))| cell(t, e.key && i == 2, *w))
                    .collect(),
            )
            .cant_split(),
        );
    }
    let count = cspr_domain::words::plural(
        i64::try_from(entries.len()).unwrap_or(i64::MAX),
        "entry",
        "entries",
    );
    let title = format!("Integrated chronology: case {reference}");
    let doc = crate::docx::styles(Docx::new())
        .page_size(PAGE_W, PAGE_H)
        .page_orient(PageOrientationType::Landscape)
        .page_margin(
            PageMargin::new()
                .top(MARGIN)
                .left(MARGIN)
                .right(MARGIN)
                .bottom(MARGIN)
                .header(567)
                .footer(567),
        )
        .footer(crate::docx::footer(&crate::model::clean(&title)))
        .add_paragraph(
            Paragraph::new()
                .style("Title")
                .add_run(Run::new().add_text(&title)),
        )
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(format!(
            "{count} in date order, from every agency's sent chronology."
        ))))
        .add_table(
            Table::new(rows)
                .set_grid(widths)
                .width(TEXT_WIDTH, WidthType::Dxa),
        );
    let mut out = Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| ExportError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
