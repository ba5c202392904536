//! Reading uploaded chronologies: CSV or XLSX in the template's columns, every row checked.

use cspr_domain::case::model::ChronologyEntry;
use cspr_domain::chronology::{self, TEMPLATE_COLUMNS};
use std::io::Cursor;
use uuid::Uuid;

/// Most rows one file may hold.
pub const MAX_ROWS: usize = 10_000;

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
        "xlsx" => xlsx_rows(bytes)?,
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

fn xlsx_rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
    use calamine::{Data, Reader, Xlsx};
    let unreadable = || {
        ImportError::File(
            "The file is not an Excel workbook: its contents do not match its name ending .xlsx"
                .to_owned(),
        )
    };
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| ImportError::File("The workbook has no sheet".to_owned()))?
        .map_err(|_| unreadable())?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut out = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let cells = row
            .iter()
            .enumerate()
            .map(|(col, cell)| match cell {
                Data::Empty => String::new(),
                Data::String(s) => s.clone(),
                Data::Float(f) if col == 0 && f.fract() == 0.0 && (1900.0..2200.0).contains(f) => {
                    format!("{f:.0}")
                }
                Data::DateTime(d) => excel_serial(d.as_f64(), col == 1),
                other => other.to_string(),
            })
            .collect();
        out.push((first_row + i + 1, cells));
    }
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;

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
