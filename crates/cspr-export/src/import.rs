//! Reading uploaded chronologies: CSV or XLSX in the template's columns, every row checked.

use cspr_domain::case::model::ChronologyEntry;
use cspr_domain::chronology::{self, TEMPLATE_COLUMNS};
use std::io::Cursor;
use uuid::Uuid;

/// Most rows one file may hold.
pub const MAX_ROWS: usize = 10_000;
/// Most columns read from a sheet: the template has 7; a cell further right is refused.
pub const MAX_COLUMNS: u32 = 64;
/// Most an XLSX package may unpack to, all its parts together (10,000 rows of chronology are a
/// few MiB). Past it the file is refused before calamine reads it: a small zip can unpack to
/// gigabytes.
pub const MAX_XLSX_UNPACKED: u64 = 64 * 1024 * 1024;
/// Most parts an XLSX package may have.
pub const MAX_XLSX_PARTS: usize = 1_000;

/// Why a file was not imported.
#[derive(Debug, PartialEq, Eq)]
pub enum ImportError {
    /// The file as a whole: its type, size or form.
    File(String),
    /// Bad rows: (line number in the file, reasons).
    Rows(Vec<(usize, Vec<String>)>),
}

/// The entries of a CSV or XLSX file in the template's columns (a first row of headings is
/// skipped), or every reason it cannot be imported.
///
/// # Errors
/// [`ImportError`].
pub fn read_chronology(
    name: &str,
    bytes: &[u8],
    too_large: bool,
) -> Result<Vec<ChronologyEntry>, ImportError> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if too_large {
        return Err(ImportError::File(
            "The selected file must be smaller than 10 MB".to_owned(),
        ));
    }
    if bytes.is_empty() {
        return Err(ImportError::File("The selected file is empty".to_owned()));
    }
    let rows = match ext.as_str() {
        "csv" => csv_rows(bytes)?,
        "xlsx" => xlsx_rows_caught(bytes)?,
        _ => {
            return Err(ImportError::File(
                "The selected file must be a CSV or an Excel workbook (.xlsx)".to_owned(),
            ));
        }
    };
    let mut entries = Vec::new();
    let mut bad = Vec::new();
    let mut data_rows = 0;
    for (line, cells) in rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if line == 1
            && cells
                .first()
                .is_some_and(|c| c.trim().eq_ignore_ascii_case(TEMPLATE_COLUMNS[0]))
        {
            continue;
        }
        data_rows += 1;
        if data_rows > MAX_ROWS {
            return Err(ImportError::File(format!(
                "A file can have at most {MAX_ROWS} entries: split it in two"
            )));
        }
        match chronology::parse_row(&cells, Uuid::new_v4()) {
            Ok(e) => entries.push(e),
            Err(reasons) => bad.push((line, reasons)),
        }
    }
    if !bad.is_empty() {
        return Err(ImportError::Rows(bad));
    }
    if entries.is_empty() {
        return Err(ImportError::File(
            "The file has no entries under the template's headings".to_owned(),
        ));
    }
    Ok(entries)
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).map_err(
        |_| {
            ImportError::File(
                "The CSV file must be saved as UTF-8 text (in Excel: CSV UTF-8)".to_owned(),
            )
        },
    )?;
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => {
                let line = r.position().map_or(0, |p| line_at(text, p.byte()));
                out.push((line, r.iter().map(str::to_owned).collect()));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(text, p.byte()));
                return Err(ImportError::Rows(vec![(
                    line,
                    vec!["The line cannot be read as CSV (check its quotes)".to_owned()],
                )]));
            }
        }
    }
    Ok(out)
}

/// The line (from 1) where a record that the reader places at `byte` starts: the reader
/// puts a record where the previous one ended, before its line ending (and any blank lines).
fn line_at(text: &str, byte: u64) -> usize {
    let bytes = text.as_bytes();
    let mut start = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
    while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
        start += 1;
    }
    bytes[..start].iter().filter(|b| **b == b'\n').count() + 1
}

/// The text of an XLSX file that is not a workbook.
fn not_a_workbook() -> ImportError {
    ImportError::File(
        "The file is not an Excel workbook: its contents do not match its name ending .xlsx"
            .to_owned(),
    )
}

/// Refuses a package with too many parts or that unpacks to more than
/// [`MAX_XLSX_UNPACKED`]. Each part is unpacked (to nowhere) up to what is left of the limit,
/// so a size the zip directory understates cannot slip through.
fn xlsx_within_limits(bytes: &[u8]) -> Result<(), ImportError> {
    let too_big = || {
        ImportError::File(format!(
            "The workbook is too big when unpacked (over {} MB): save the chronology's sheet on its own and try again",
            MAX_XLSX_UNPACKED / 1024 / 1024
        ))
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_a_workbook())?;
    if zip.len() > MAX_XLSX_PARTS {
        return Err(too_big());
    }
    let mut left = MAX_XLSX_UNPACKED;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|_| not_a_workbook())?;
        if part.size() > left {
            return Err(too_big());
        }
        let unpacked = std::io::copy(
            &mut std::io::Read::take(part, left + 1),
            &mut std::io::sink(),
        )
        .map_err(|_| not_a_workbook())?;
        left = left.checked_sub(unpacked).ok_or_else(too_big)?;
    }
    Ok(())
}

/// [`xlsx_rows`], with a panic inside calamine taken as a file that is not a workbook. calamine
/// trusts some of a workbook's indexes: a shared-string cell naming a string the workbook does
/// not have made it index past its table and panic (found by the fuzz target
/// `chronology_xlsx`, issue 16, finding 5). An upload must get an answer the person can act on,
/// never a failed request, whatever else a crafted file may reach in it.
fn xlsx_rows_caught(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
    shared_strings_resolve(bytes)?;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| xlsx_rows(bytes)))
        .unwrap_or_else(|_| Err(not_a_workbook()))
}

/// Refuses a workbook with a shared-string cell naming a string its table does not hold, before
/// calamine sees it (calamine reads an unreadable index as 0, so a workbook without strings and
/// such a cell is refused too). Conservative: an index written with character references is
/// refused, and one with spaces is read both trimmed and not.
fn shared_strings_resolve(bytes: &[u8]) -> Result<(), ImportError> {
    use quick_xml::events::Event;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_a_workbook())?;
    let mut buf = Vec::new();
    let mut strings = 0usize;
    if let Ok(part) = zip.by_name("xl/sharedStrings.xml") {
        let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
        loop {
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e)) if e.local_name().into_inner() == "si" => strings += 1,
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(_) => return Err(not_a_workbook()),
            }
            buf.clear();
        }
    }
    let sheets: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with("xl/worksheets/") && n.ends_with(".xml"))
        .map(|n| n.into_owned())
        .collect();
    let dangling = || {
        ImportError::File(
        "The workbook refers to text it does not hold: open it in your spreadsheet program, save it again and try again".to_owned(),
    )
    };
    for name in sheets {
        let part = zip.by_name(&name).map_err(|_| not_a_workbook())?;
        let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
        // In a shared-string cell; in its value, with the value's bytes so far.
        let (mut in_cell, mut value) = (false, None::<String>);
        loop {
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e)) if e.local_name().into_inner() == "c" => {
                    in_cell = e
                        .try_get_attribute("t")
                        .ok()
                        .flatten()
                        .is_some_and(|t| t.value.as_ref() == "s");
                }
                Ok(Event::Start(e)) if in_cell && e.local_name().into_inner() == "v" => {
                    value = Some(String::new());
                }
                Ok(Event::Text(t)) => {
                    if let Some(v) = value.as_mut() {
                        v.push_str(t.as_ref());
                    }
                }
                Ok(Event::GeneralRef(_)) if value.is_some() => return Err(dangling()),
                Ok(Event::End(e)) if value.is_some() && e.local_name().into_inner() == "v" => {
                    let raw = value.take().unwrap_or_default();
                    let index = raw
                        .trim()
                        .parse::<usize>()
                        .or_else(|_| raw.parse::<usize>())
                        .unwrap_or(0);
                    if index >= strings {
                        return Err(dangling());
                    }
                }
                Ok(Event::End(e)) if e.local_name().into_inner() == "c" => in_cell = false,
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(_) => return Err(not_a_workbook()),
            }
            buf.clear();
        }
    }
    Ok(())
}

/// The first sheet's rows: (line number, cells), read cell by cell so that a sheet naming a
/// far cell (XFD1048576) is refused rather than laid out in memory.
fn xlsx_rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
    use calamine::{Data, Reader, Xlsx};
    xlsx_within_limits(bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| not_a_workbook())?;
    let first = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or_else(|| ImportError::File("The workbook has no sheet".to_owned()))?;
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|_| not_a_workbook())?;
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = std::collections::BTreeMap::new();
    while let Some(cell) = cells.next_cell().map_err(|_| not_a_workbook())? {
        let (row, col) = cell.get_position();
        if usize::try_from(row).map_or(true, |r| r > MAX_ROWS) || col >= MAX_COLUMNS {
            return Err(ImportError::File(format!(
                "The sheet has cells outside the chronology: keep to the template's columns and at most {MAX_ROWS} rows below the headings"
            )));
        }
        let text = match Data::from(cell.get_value().clone()) {
            Data::Empty => String::new(),
            Data::String(s) => s,
            Data::Float(f) if col == 0 && f.fract() == 0.0 && (1900.0..2200.0).contains(&f) => {
                format!("{f:.0}")
            }
            Data::DateTime(d) => excel_serial(d.as_f64(), col == 1),
            other => other.to_string(),
        };
        let line = rows.entry(row).or_default();
        let col = col as usize;
        if line.len() <= col {
            line.resize(col + 1, String::new());
        }
        line[col] = text;
    }
    Ok(rows
        .into_iter()
        .map(|(row, cells)| (row as usize + 1, cells))
        .collect())
}

/// An Excel serial date (days since 30 December 1899, the fraction the time of day) as the
/// template writes it: a date, or a time for the time column.
fn excel_serial(serial: f64, time_column: bool) -> String {
    let epoch = time::macros::date!(1899 - 12 - 30);
    if time_column {
        let minutes = ((serial.fract() * 1440.0).round() as i64).rem_euclid(1440);
        return format!("{:02}:{:02}", minutes / 60, minutes % 60);
    }
    let days = serial.floor() as i64;
    epoch
        .checked_add(time::Duration::days(days))
        .map_or_else(|| serial.to_string(), |d| d.to_string())
}

/// Workbooks made for tests (feature `testing`): one sheet, saved as a spreadsheet program
/// would.
#[cfg(any(test, feature = "testing"))]
pub mod testing {
    use std::io::Write as _;

    /// A one-sheet workbook with these rows of text cells.
    #[must_use]
    pub fn workbook_of(rows: &[&[&str]]) -> Vec<u8> {
        let mut data = String::new();
        for (r, row) in rows.iter().enumerate() {
            data.push_str(&format!("<row r=\"{}\">", r + 1));
            for (c, cell) in row.iter().enumerate() {
                let col = char::from(b'A' + u8::try_from(c).expect("column"));
                let text = cell
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;");
                data.push_str(&format!(
                    "<c r=\"{col}{}\" t=\"inlineStr\"><is><t>{text}</t></is></c>",
                    r + 1
                ));
            }
            data.push_str("</row>");
        }
        workbook(&data, &[])
    }

    /// A one-sheet workbook whose sheet holds `sheet_data` (the rows inside `<sheetData>`),
    /// with `extra` parts (name, bytes) beside the workbook's own.
    #[must_use]
    pub fn workbook(sheet_data: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
        let sheet = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData></worksheet>"#
        );
        let parts = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_owned(),
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned(),
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Chronology" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_owned(),
            ),
            ("xl/worksheets/sheet1.xml", sheet),
        ];
        let mut out = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut out);
            let parts = parts
                .iter()
                .map(|(name, text)| (*name, text.as_bytes()))
                .chain(extra.iter().copied());
            for (name, bytes) in parts {
                zip.start_file(name, zip::write::SimpleFileOptions::default())
                    .expect("zip entry");
                zip.write_all(bytes).expect("zip write");
            }
            zip.finish().expect("zip");
        }
        out.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 16, finding 5: a sheet naming cells A1 and XFD1048576 made calamine lay out the
    /// whole range (17 billion cells) and the allocation aborted the server. It is refused,
    /// at once, with words the person can act on.
    #[test]
    fn a_sheet_naming_a_far_cell_is_refused_not_laid_out() {
        let sheet = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Date</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#;
        let err =
            read_chronology("c.xlsx", &testing::workbook(sheet, &[]), false).expect_err("refused");
        let ImportError::File(message) = err else {
            panic!("a file error expected: {err:?}");
        };
        assert!(message.contains("outside the chronology"), "{message}");
    }

    /// A cell far to the right, within the rows, is refused the same way.
    #[test]
    fn a_sheet_wider_than_the_template_allows_is_refused() {
        let sheet = r#"<row r="2"><c r="A2" t="inlineStr"><is><t>2024-03-05</t></is></c><c r="ZZ2" t="inlineStr"><is><t>x</t></is></c></row>"#;
        let err =
            read_chronology("c.xlsx", &testing::workbook(sheet, &[]), false).expect_err("refused");
        assert!(
            matches!(&err, ImportError::File(m) if m.contains("outside the chronology")),
            "{err:?}"
        );
    }

    /// A small upload that unpacks past the limit (here 65 MiB of zeros beside the sheet) is
    /// refused before calamine reads any of it.
    #[test]
    fn a_package_that_unpacks_too_far_is_refused() {
        let zeros = vec![0u8; 65 * 1024 * 1024];
        let sheet = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>2024-03-05</t></is></c></row>"#;
        let bytes = testing::workbook(sheet, &[("xl/media/padding.bin", &zeros)]);
        assert!(bytes.len() < 1024 * 1024, "the upload itself is small");
        let err = read_chronology("c.xlsx", &bytes, false).expect_err("refused");
        assert!(
            matches!(&err, ImportError::File(m) if m.contains("too big when unpacked")),
            "{err:?}"
        );
    }

    /// Found by the fuzz target `chronology_xlsx` (issue 16, finding 5): a cell of shared-string
    /// type whose index names no shared string (here the workbook has none) made calamine
    /// index past its table and panic. It is refused before calamine reads it, with words the
    /// person can act on.
    #[test]
    fn a_shared_string_the_workbook_lacks_is_refused_not_a_panic() {
        for index in ["0", "7", "99999999999999999999"] {
            let sheet = format!(r#"<row r="1"><c r="A1" t="s"><v>{index}</v></c></row>"#);
            let err = read_chronology("c.xlsx", &testing::workbook(&sheet, &[]), false)
                .expect_err("refused");
            assert!(
                matches!(&err, ImportError::File(m) if m.contains("refers to text it does not hold")),
                "{err:?}"
            );
        }
        // With a table of two strings, indexes 0 and 1 read as their text; 2 is refused.
        let strings: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>2024-03-05</t></si><si><t>Home visit.</t></si></sst>"#;
        let cells = |last: &str| {
            format!(
                r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>Notes</t></is></c><c r="D1" t="s"><v>{last}</v></c></row>"#
            )
        };
        let good = testing::workbook(&cells("1"), &[("xl/sharedStrings.xml", strings)]);
        let entries = read_chronology("c.xlsx", &good, false).expect("reads");
        assert_eq!(entries[0].what.as_str(), "Home visit.");
        let bad = testing::workbook(&cells("2"), &[("xl/sharedStrings.xml", strings)]);
        assert!(matches!(
            read_chronology("c.xlsx", &bad, false),
            Err(ImportError::File(m)) if m.contains("refers to text")
        ));
    }

    /// Cells are read where they stand: a chronology that starts in column B keeps its columns.
    #[test]
    fn a_workbook_of_the_template_reads_row_by_row() {
        let bytes = testing::workbook_of(&[
            &["Date", "Time", "Source", "What happened"],
            &["2024-03-05", "09:00", "Notes", "Visit."],
            &[],
            &["2024-03-07", "", "Notes", "Call."],
        ]);
        let entries = read_chronology("c.xlsx", &bytes, false).expect("reads");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].what.as_str(), "Call.");
    }

    #[test]
    fn a_csv_with_a_bad_row_imports_nothing_and_names_the_line() {
        let csv = "Date,Time,Source,What happened,Who,Significance,Analysis\r\n\
                   2024-03-05,09:00,Notes,Visit.,Health visitor,,\r\n\
                   someday,,Notes,Visit.,,,\r\n\
                   2024-03-07,,Notes,,,,\r\n";
        let err = read_chronology("c.csv", csv.as_bytes(), false).expect_err("an error");
        let ImportError::Rows(rows) = err else {
            panic!("rows expected");
        };
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 3);
        assert!(rows[0].1[0].contains("\"someday\" is not a date"));
        assert_eq!(rows[1], (4, vec!["Enter what happened".to_owned()]));
        let ok = read_chronology(
            "c.CSV",
            b"2024-03-05,,Notes,Visit.\n2024,,,Moved house.\n",
            false,
        )
        .expect("reads");
        assert_eq!(ok.len(), 2);
        assert!(matches!(
            read_chronology("c.txt", b"x", false),
            Err(ImportError::File(_))
        ));
        assert!(matches!(
            read_chronology("c.xlsx", b"PK not a workbook", false),
            Err(ImportError::File(_))
        ));
    }
}
