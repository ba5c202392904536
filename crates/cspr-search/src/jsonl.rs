//! The JSON Lines import format: one [`ReviewRecord`] per line, all or nothing.

use std::collections::HashMap;
use std::io::BufRead;

use serde::Deserialize;

use crate::record::{AgeGroup, ReviewRecord, ReviewType, truncate_for_message};

/// Longest accepted line, in bytes: the full text cap plus room for the other fields.
pub const MAX_LINE: usize = crate::record::MAX_TEXT + 256 * 1024;

/// A line of an import that was refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// The line number, counting from 1.
    pub line: usize,
    /// What is wrong with it, naming the field where there is one.
    pub reason: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// A line as written, before its dates and names are checked, so that each mistake gets its
/// own message rather than serde's generic one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecord {
    id: String,
    title: String,
    partnership: String,
    published_on: String,
    review_type: String,
    #[serde(default)]
    themes: Vec<String>,
    age_group: String,
    #[serde(default)]
    agencies: Vec<String>,
    summary: String,
    url: String,
    #[serde(default)]
    text: Option<String>,
}

const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'_>] =
    time::macros::format_description!("[year]-[month]-[day]");

fn convert(raw: RawRecord) -> Result<ReviewRecord, String> {
    let published_on = time::Date::parse(raw.published_on.trim(), DATE_FORMAT).map_err(|_| {
        format!(
            "published_on: {:?} is not a valid YYYY-MM-DD date",
            truncate_for_message(&raw.published_on)
        )
    })?;
    let review_type: ReviewType = raw.review_type.parse().map_err(|e| format!("{e}"))?;
    let age_group: AgeGroup = raw.age_group.parse().map_err(|e| format!("{e}"))?;
    ReviewRecord {
        id: raw.id,
        title: raw.title,
        partnership: raw.partnership,
        published_on,
        review_type,
        themes: raw.themes,
        age_group,
        agencies: raw.agencies,
        summary: raw.summary,
        url: raw.url,
        text: raw.text,
    }
    .validated()
}

/// Reads one line into `buf` (without its line ending), reading at most `MAX_LINE` bytes into
/// memory; returns `None` at the end, `Some(false)` for an over-long line (whose rest is skipped).
fn read_line(input: &mut impl BufRead, buf: &mut Vec<u8>) -> std::io::Result<Option<bool>> {
    buf.clear();
    let mut too_long = false;
    let mut any = false;
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            break;
        }
        any = true;
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(at) => (&available[..at], at + 1),
            None => (available, available.len()),
        };
        if !too_long {
            if buf.len() + chunk.len() > MAX_LINE {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        let newline = done > chunk.len();
        input.consume(done);
        if newline {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(!too_long))
}

/// Parses and validates a JSON Lines import: every line a record, blank lines skipped.
///
/// Each record must have a non-empty `id` (without white space), `title` and `summary`, a
/// valid `published_on` date (`YYYY-MM-DD`), a known `review_type` and `age_group`, a `url`
/// that is `http(s)://` or a path starting with a single `/`, fields within the size caps of
/// [`crate::record`], no unknown fields, and an `id` not used on an earlier line.
///
/// # Errors
/// If any line is bad, every bad line with its 1-based number and reason, and no records:
/// an import is all or nothing. A read error of the input is reported against the line it
/// happened on, and reading stops there.
pub fn parse_jsonl(mut input: impl BufRead) -> Result<Vec<ReviewRecord>, Vec<LineError>> {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    let mut buf = Vec::new();
    let mut line = 0usize;
    loop {
        line += 1;
        let fits = match read_line(&mut input, &mut buf) {
            Ok(None) => break,
            Ok(Some(fits)) => fits,
            Err(e) => {
                errors.push(LineError {
                    line,
                    reason: format!("could not read the input: {e}"),
                });
                break;
            }
        };
        if !fits {
            errors.push(LineError {
                line,
                reason: format!("line longer than {MAX_LINE} bytes"),
            });
            continue;
        }
        let Ok(mut text) = std::str::from_utf8(&buf) else {
            errors.push(LineError {
                line,
                reason: "not valid UTF-8".to_owned(),
            });
            continue;
        };
        if line == 1 {
            text = text.strip_prefix('\u{feff}').unwrap_or(text);
        }
        if text.trim().is_empty() {
            continue;
        }
        let parsed = serde_json::from_str::<RawRecord>(text)
            .map_err(|e| format!("not a valid record: {e}"))
            .and_then(convert);
        match parsed {
            Ok(record) => {
                if let Some(first) = first_seen.get(&record.id) {
                    errors.push(LineError {
                        line,
                        reason: format!(
                            "id: {:?} is already used on line {first}",
                            truncate_for_message(&record.id)
                        ),
                    });
                } else {
                    first_seen.insert(record.id.clone(), line);
                    records.push(record);
                }
            }
            Err(reason) => errors.push(LineError { line, reason }),
        }
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(errors)
    }
}
