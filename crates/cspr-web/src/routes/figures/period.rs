//! The period of the figures: the reporting year today falls in unless another is asked for,
//! read from links (`from`/`to`) or from the two GOV.UK date inputs, with the errors in the
//! pattern's words.

use cspr_domain::figures::Period;
use cspr_domain::words::long_date;
use serde::Deserialize;
use time::Date;

/// The period asked for: `from`/`to` as YYYY-MM-DD (links, the CSV), or the boxes of the two
/// GOV.UK date inputs (the form). The boxes win when any of them is there.
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default, rename = "from-day")]
    from_day: Option<String>,
    #[serde(default, rename = "from-month")]
    from_month: Option<String>,
    #[serde(default, rename = "from-year")]
    from_year: Option<String>,
    #[serde(default, rename = "to-day")]
    to_day: Option<String>,
    #[serde(default, rename = "to-month")]
    to_month: Option<String>,
    #[serde(default, rename = "to-year")]
    to_year: Option<String>,
}

impl PeriodQuery {
    fn is_empty(&self) -> bool {
        [
            &self.from,
            &self.to,
            &self.from_day,
            &self.from_month,
            &self.from_year,
            &self.to_day,
            &self.to_month,
            &self.to_year,
        ]
        .iter()
        .all(|v| v.as_deref().is_none_or(|s| s.trim().is_empty()))
    }
}

/// One date input as typed, with its error.
#[derive(Debug, Default, Clone)]
pub(super) struct DateBoxes {
    pub(super) day: String,
    pub(super) month: String,
    pub(super) year: String,
    pub(super) error: String,
    pub(super) day_error: bool,
    pub(super) month_error: bool,
    pub(super) year_error: bool,
}

impl DateBoxes {
    fn of(date: Date) -> Self {
        Self {
            day: date.day().to_string(),
            month: u8::from(date.month()).to_string(),
            year: date.year().to_string(),
            ..Self::default()
        }
    }

    fn fail(&mut self, message: String, parts: [bool; 3]) {
        self.error = message;
        [self.day_error, self.month_error, self.year_error] = parts;
    }
}

/// Reads one end of the period; `label` is its words in an error.
fn read_date(
    label: &str,
    iso: Option<&str>,
    boxes: [Option<&str>; 3],
) -> (DateBoxes, Option<Date>) {
    let trimmed = |s: Option<&str>| s.unwrap_or_default().trim().to_owned();
    let [d, m, y] = boxes.map(trimmed);
    let mut typed = DateBoxes {
        day: d.clone(),
        month: m.clone(),
        year: y.clone(),
        ..DateBoxes::default()
    };
    if d.is_empty() && m.is_empty() && y.is_empty() {
        let iso = trimmed(iso);
        if iso.is_empty() {
            typed.fail(format!("Enter the {}", label.to_lowercase()), [false; 3]);
            return (typed, None);
        }
        return match Date::parse(
            &iso,
            time::macros::format_description!("[year]-[month]-[day]"),
        ) {
            Ok(date) => (DateBoxes::of(date), Some(date)),
            Err(_) => {
                // Give back what was typed, split where the form would have split it.
                let mut parts = iso.splitn(3, '-');
                typed.year = parts.next().unwrap_or_default().to_owned();
                typed.month = parts.next().unwrap_or_default().to_owned();
                typed.day = parts.next().unwrap_or_default().to_owned();
                typed.fail(format!("{label} must be a real date"), [false; 3]);
                (typed, None)
            }
        };
    }
    match crate::date_input::parse(&d, &m, &y) {
        Ok(date) => (typed, date),
        Err(problem) => {
            typed.fail(problem.message(label), problem.boxes());
            (typed, None)
        }
    }
}

/// The period asked for, or the form as typed with its errors.
pub(super) struct Asked {
    pub(super) from: DateBoxes,
    pub(super) to: DateBoxes,
    pub(super) period: Option<Period>,
    pub(super) errors: Vec<(String, String)>,
}

pub(super) fn asked(query: &PeriodQuery, today: Date) -> Asked {
    if query.is_empty() {
        let period = Period::reporting_year(today);
        return Asked {
            from: DateBoxes::of(period.from),
            to: DateBoxes::of(period.to),
            period: Some(period),
            errors: Vec::new(),
        };
    }
    let (from, start) = read_date(
        "Start date",
        query.from.as_deref(),
        [
            query.from_day.as_deref(),
            query.from_month.as_deref(),
            query.from_year.as_deref(),
        ],
    );
    let (mut to, end) = read_date(
        "End date",
        query.to.as_deref(),
        [
            query.to_day.as_deref(),
            query.to_month.as_deref(),
            query.to_year.as_deref(),
        ],
    );
    let period = match (start, end) {
        (Some(s), Some(e)) => match Period::new(s, e) {
            Ok(p) => Some(p),
            Err(_) => {
                to.fail(
                    format!(
                        "End date must be the same as or after the start date ({})",
                        long_date(s)
                    ),
                    [false; 3],
                );
                None
            }
        },
        _ => None,
    };
    let mut errors = Vec::new();
    for (id, boxes) in [("from", &from), ("to", &to)] {
        if !boxes.error.is_empty() {
            // The summary links to the first box at fault (all of them: the day).
            let part = if boxes.month_error && !boxes.day_error {
                "month"
            } else if boxes.year_error && !boxes.day_error && !boxes.month_error {
                "year"
            } else {
                "day"
            };
            errors.push((format!("#{id}-{part}"), boxes.error.clone()));
        }
    }
    Asked {
        from,
        to,
        period,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn dates_are_read_in_the_govuk_words() {
        let read = |d: &str, m: &str, y: &str| {
            let (boxes, date) = read_date("Start date", None, [Some(d), Some(m), Some(y)]);
            (boxes.error, date)
        };
        assert_eq!(
            read("1", "4", "2025"),
            (String::new(), Some(date!(2025 - 04 - 01)))
        );
        assert_eq!(read("31", "2", "2025").0, "Start date must be a real date");
        assert_eq!(read("", "2", "2025").0, "Start date must include a day");
        assert_eq!(
            read("1", "", "").0,
            "Start date must include a month and year"
        );
        assert_eq!(
            read("1", "2", "25").0,
            "Enter the start date with a year of 4 numbers, like 2025"
        );
        assert_eq!(read("x", "2", "2025").0, "Start date must be a real date");
        let (boxes, date) = read_date("Start date", Some("2025-02-30"), [None; 3]);
        assert_eq!(date, None);
        assert_eq!(
            (
                boxes.year.as_str(),
                boxes.month.as_str(),
                boxes.day.as_str()
            ),
            ("2025", "02", "30")
        );
    }
}
