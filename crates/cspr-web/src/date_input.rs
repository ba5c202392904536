//! The GOV.UK date input: a day typed in three boxes, read the one way every form reads it.
//! Empty boxes are no date; a year is four figures from 1900 to 2200; anything else names the
//! boxes at fault so the page can mark them.

use time::{Date, Month};

/// The years a typed date may fall in.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// What is wrong with a typed date, and in which boxes (day, month, year).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    /// Some boxes are empty (`true` for each empty one).
    Missing([bool; 3]),
    /// Not a number, or not a day of the calendar (`true` for each box at fault).
    NotReal([bool; 3]),
    /// The year is not four figures in [`YEARS`].
    Year,
}

impl DateProblem {
    /// The boxes to mark: day, month, year.
    #[must_use]
    pub const fn boxes(self) -> [bool; 3] {
        match self {
            Self::Missing(b) | Self::NotReal(b) => b,
            Self::Year => [false, false, true],
        }
    }

    /// The GOV.UK message for a date called `label` ("Date of the meeting").
    #[must_use]
    pub fn message(self, label: &str) -> String {
        match self {
            Self::Missing(empty) => {
                let parts: Vec<&str> = ["day", "month", "year"]
                    .into_iter()
                    .zip(empty)
                    .filter_map(|(p, e)| e.then_some(p))
                    .collect();
                format!("{label} must include a {}", parts.join(" and "))
            }
            Self::NotReal(_) => format!("{label} must be a real date"),
            Self::Year => format!(
                "Enter the {} with a year of 4 numbers, like 2025",
                lower_first(label)
            ),
        }
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_lowercase().chain(chars).collect::<String>()
    })
}

/// Reads a date from its three boxes: `Ok(None)` when all three are empty.
///
/// # Errors
/// What is wrong, and where.
pub fn parse(day: &str, month: &str, year: &str) -> Result<Option<Date>, DateProblem> {
    let (d, m, y) = (day.trim(), month.trim(), year.trim());
    let empty = [d.is_empty(), m.is_empty(), y.is_empty()];
    if empty == [true; 3] {
        return Ok(None);
    }
    if empty.contains(&true) {
        return Err(DateProblem::Missing(empty));
    }
    let (day, month, year) = (d.parse::<u8>(), m.parse::<u8>(), y.parse::<i32>());
    let bad = [day.is_err(), month.is_err(), year.is_err()];
    let (Ok(day), Ok(month), Ok(year)) = (day, month, year) else {
        return Err(DateProblem::NotReal(bad));
    };
    if y.len() != 4 || !YEARS.contains(&year) {
        return Err(DateProblem::Year);
    }
    let month = Month::try_from(month).map_err(|_| DateProblem::NotReal([false, true, false]))?;
    Date::from_calendar_date(year, month, day)
        .map(Some)
        .map_err(|_| DateProblem::NotReal([true, false, false]))
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn dates_are_read_one_way() {
        assert_eq!(parse("", " ", ""), Ok(None));
        assert_eq!(parse("1", "4", "2025"), Ok(Some(date!(2025 - 04 - 01))));
        assert_eq!(parse(" 29", "2 ", "2024"), Ok(Some(date!(2024 - 02 - 29))));
        assert_eq!(
            parse("29", "2", "2025"),
            Err(DateProblem::NotReal([true, false, false]))
        );
        assert_eq!(
            parse("1", "13", "2025"),
            Err(DateProblem::NotReal([false, true, false]))
        );
        assert_eq!(
            parse("x", "4", "y"),
            Err(DateProblem::NotReal([true, false, true]))
        );
        assert_eq!(parse("1", "4", "25"), Err(DateProblem::Year));
        assert_eq!(parse("1", "4", "1899"), Err(DateProblem::Year));
        assert_eq!(
            parse("", "4", ""),
            Err(DateProblem::Missing([true, false, true]))
        );
    }

    #[test]
    fn messages_follow_the_design_system() {
        assert_eq!(
            DateProblem::Missing([true, false, true]).message("Date of the meeting"),
            "Date of the meeting must include a day and year"
        );
        assert_eq!(
            DateProblem::NotReal([true, false, false]).message("Date of the meeting"),
            "Date of the meeting must be a real date"
        );
        assert_eq!(
            DateProblem::Year.message("Date of the meeting"),
            "Enter the date of the meeting with a year of 4 numbers, like 2025"
        );
    }
}
