//! Dates at the command line: strictly YYYY-MM-DD in, ISO and long English out.

use time::{Date, format_description::BorrowedFormatItem, macros::format_description};

const ISO: &[BorrowedFormatItem<'_>] = format_description!("[year]-[month]-[day]");
const LONG: &[BorrowedFormatItem<'_>] =
    format_description!("[weekday] [day padding:none] [month repr:long] [year]");

/// Parses `YYYY-MM-DD`; the error says what was wrong in one line.
pub fn parse(text: &str) -> Result<Date, String> {
    let trimmed = text.trim();
    let well_formed = trimmed.len() == 10
        && trimmed.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !well_formed {
        return Err(format!(
            "'{}' is not a date: expected YYYY-MM-DD, for example 2025-01-09",
            text.escape_debug()
        ));
    }
    Date::parse(trimmed, ISO).map_err(|_| {
        format!("'{trimmed}' is not a real date: check the month and the day of the month")
    })
}

/// `2025-01-09`.
pub fn iso(date: Date) -> String {
    date.format(ISO).unwrap_or_else(|_| date.to_string())
}

/// `Thursday 9 January 2025`.
pub fn long(date: Date) -> String {
    date.format(LONG).unwrap_or_else(|_| date.to_string())
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn round_trips() {
        let d = parse("2025-01-09").unwrap();
        assert_eq!(d, date!(2025 - 01 - 09));
        assert_eq!(iso(d), "2025-01-09");
        assert_eq!(long(d), "Thursday 9 January 2025");
    }

    #[test]
    fn refuses_bad_input() {
        for bad in [
            "2025-1-9",
            "09/01/2025",
            "2025-13-01",
            "2025-02-30",
            "",
            "2025-01-09x",
        ] {
            let error = parse(bad).unwrap_err();
            assert!(!error.contains('\n'), "{error}");
        }
    }
}
