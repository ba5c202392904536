//! The integrated chronology: every agency's sent chronology merged in date order, with the
//! reviewer's key practice episodes, filtered by agency and period; and the reading of one row
//! of the upload template (CSV or XLSX) into an entry, with the reason when it cannot be read.

use std::collections::BTreeSet;

use time::{Date, Month};

use crate::case::Case;
use crate::case::model::{
    ChronologyEntry, ContributionKind, ContributionStatus, DatePrecision, EntryDetail, TimeOfDay,
};
use crate::ids::AgencyId;
use crate::vocab::NonEmptyText;

/// One entry of the integrated chronology.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merged<'a> {
    /// The agency that sent it.
    pub agency: AgencyId,
    /// The entry.
    pub entry: &'a ChronologyEntry,
    /// Whether the reviewer marked it as a key practice episode.
    pub key: bool,
}

/// Which entries to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only these agencies (all when empty).
    pub agencies: BTreeSet<AgencyId>,
    /// From this day (inclusive).
    pub from: Option<Date>,
    /// To this day (inclusive).
    pub to: Option<Date>,
    /// Only key practice episodes.
    pub key_only: bool,
}

impl Filter {
    /// Whether an entry passes. An approximate date passes when its month or year overlaps the
    /// period.
    #[must_use]
    pub fn admits(&self, m: &Merged<'_>) -> bool {
        let (start, end) = span(m.entry);
        (self.agencies.is_empty() || self.agencies.contains(&m.agency))
            && self.from.is_none_or(|f| end >= f)
            && self.to.is_none_or(|t| start <= t)
            && (!self.key_only || m.key)
    }
}

/// The first and last day an entry's date may be.
fn span(e: &ChronologyEntry) -> (Date, Date) {
    let d = e.date;
    match e.detail.precision {
        DatePrecision::Day => (d, d),
        DatePrecision::Month => {
            let last = Date::from_calendar_date(d.year(), d.month(), d.month().length(d.year()))
                .unwrap_or(d);
            (d, last)
        }
        DatePrecision::Year => (
            d,
            Date::from_calendar_date(d.year(), Month::December, 31).unwrap_or(d),
        ),
    }
}

/// Every agency's sent chronology entries in date order: by day, then entries with a time by
/// time before those without, then approximate dates after exact ones of the same first day,
/// then by agency and by the agency's own order. Stable for equal entries.
#[must_use]
pub fn merge(case: &Case) -> Vec<Merged<'_>> {
    let mut out: Vec<(usize, Merged<'_>)> = Vec::new();
    for r in case.contributions.values() {
        if r.kind != ContributionKind::Chronology {
            continue;
        }
        let ContributionStatus::Received { contribution, .. } = &r.status else {
            continue;
        };
        out.extend(
            contribution
                .chronology
                .iter()
                .enumerate()
                .map(|(i, entry)| {
                    (
                        i,
                        Merged {
                            agency: r.agency,
                            entry,
                            key: entry
                                .detail
                                .id
                                .is_some_and(|id| case.key_episodes.contains(&id)),
                        },
                    )
                }),
        );
    }
    out.sort_by(|(ia, a), (ib, b)| {
        let ka = (
            a.entry.date,
            a.entry.detail.precision,
            a.entry.detail.time.is_none(),
            a.entry.detail.time,
        );
        let kb = (
            b.entry.date,
            b.entry.detail.precision,
            b.entry.detail.time.is_none(),
            b.entry.detail.time,
        );
        ka.cmp(&kb)
            .then_with(|| a.agency.cmp(&b.agency))
            .then_with(|| ia.cmp(ib))
    });
    out.into_iter().map(|(_, m)| m).collect()
}

/// The date of an entry as people write it: "5 March 2024", "March 2024", "2024".
#[must_use]
pub fn date_words(e: &ChronologyEntry) -> String {
    match e.detail.precision {
        DatePrecision::Day => crate::words::long_date(e.date),
        DatePrecision::Month => format!("{} {}", month_name(e.date.month()), e.date.year()),
        DatePrecision::Year => e.date.year().to_string(),
    }
}

const MONTHS: [Month; 12] = [
    Month::January,
    Month::February,
    Month::March,
    Month::April,
    Month::May,
    Month::June,
    Month::July,
    Month::August,
    Month::September,
    Month::October,
    Month::November,
    Month::December,
];

fn month_name(m: Month) -> String {
    m.to_string()
}

/// Reads a date as written in the template: `2024-03-05` or `05/03/2024` (a day),
/// `2024-03`, `03/2024` or `March 2024` (a month), `2024` (a year).
///
/// # Errors
/// The reason in words.
pub fn parse_date(text: &str) -> Result<(Date, DatePrecision), String> {
    let t = text.trim();
    let bad = || {
        format!("\"{t}\" is not a date: write it like 2024-03-05, 05/03/2024, March 2024 or 2024")
    };
    if t.is_empty() {
        return Err("Enter the date it happened (an approximate month or year will do)".to_owned());
    }
    let num = |s: &str| s.trim().parse::<i32>().map_err(|_| bad());
    let day = |y: i32, m: i32, d: i32| {
        let month = u8::try_from(m)
            .ok()
            .and_then(|m| Month::try_from(m).ok())
            .ok_or_else(bad)?;
        let d = u8::try_from(d).map_err(|_| bad())?;
        Date::from_calendar_date(y, month, d).map_err(|_| bad())
    };
    // A date from its year, month and day as written, checked in that order.
    let ymd = |y: &str, m: &str, d: &str| day(num(y)?, num(m)?, num(d)?);
    let parts_dash: Vec<&str> = t.split('-').collect();
    let parts_slash: Vec<&str> = t.split('/').collect();
    let words: Vec<&str> = t.split_whitespace().collect();
    let (date, precision) = if parts_dash.len() == 3 && parts_dash[0].len() == 4 {
        let [y, m, d] = [parts_dash[0], parts_dash[1], parts_dash[2]];
        (ymd(y, m, d)?, DatePrecision::Day)
    } else if parts_slash.len() == 3 {
        let [d, m, y] = [parts_slash[0], parts_slash[1], parts_slash[2]];
        (ymd(y, m, d)?, DatePrecision::Day)
    } else if parts_dash.len() == 2 && parts_dash[0].len() == 4 {
        (
            ymd(parts_dash[0], parts_dash[1], "1")?,
            DatePrecision::Month,
        )
    } else if parts_slash.len() == 2 {
        (
            ymd(parts_slash[1], parts_slash[0], "1")?,
            DatePrecision::Month,
        )
    } else if words.len() == 2 {
        let w = words[0].to_ascii_lowercase();
        let m = MONTHS
            .iter()
            .position(|m| {
                let name = m.to_string().to_ascii_lowercase();
                name == w || (w.len() == 3 && name.starts_with(&w))
            })
            .ok_or_else(bad)?;
        (
            day(num(words[1])?, i32::try_from(m + 1).map_err(|_| bad())?, 1)?,
            DatePrecision::Month,
        )
    } else if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        (day(num(t)?, 1, 1)?, DatePrecision::Year)
    } else {
        return Err(bad());
    };
    if !(1900..=2200).contains(&date.year()) {
        return Err(bad());
    }
    Ok((date, precision))
}

/// The columns of the template, in order.
pub const TEMPLATE_COLUMNS: [&str; 7] = [
    "Date",
    "Time",
    "Source",
    "What happened",
    "Who was involved (by role)",
    "Significance",
    "Analysis",
];

/// Longest text accepted in one cell, in characters.
pub const MAX_CELL_CHARS: usize = 5_000;

/// One row of the template as text cells (missing trailing cells count as empty).
///
/// # Errors
/// Every reason the row cannot be read, in words.
pub fn parse_row(cells: &[String], id: uuid::Uuid) -> Result<ChronologyEntry, Vec<String>> {
    let cell = |i: usize| cells.get(i).map_or("", |s| s.trim());
    let mut errors = Vec::new();
    if cells.len() > TEMPLATE_COLUMNS.len()
        && cells[TEMPLATE_COLUMNS.len()..]
            .iter()
            .any(|c| !c.trim().is_empty())
    {
        errors.push(format!(
            "The row has more than the template's {} columns",
            TEMPLATE_COLUMNS.len()
        ));
    }
    let date = parse_date(cell(0)).map_err(|e| errors.push(e)).ok();
    let time = if cell(1).is_empty() {
        None
    } else {
        TimeOfDay::parse(cell(1)).map_err(|e| errors.push(e)).ok()
    };
    if time.is_some() && date.is_some_and(|(_, p)| p != DatePrecision::Day) {
        errors.push("A time can only go with an exact date".to_owned());
    }
    let what = match NonEmptyText::parse(cell(3)) {
        Ok(w) => Some(w),
        Err(_) if cell(3).is_empty() => {
            errors.push("Enter what happened".to_owned());
            None
        }
        Err(e) => {
            errors.push(format!("What happened: {e}"));
            None
        }
    };
    for (i, name) in TEMPLATE_COLUMNS.iter().enumerate() {
        if cell(i).chars().count() > MAX_CELL_CHARS {
            errors.push(format!(
                "{name} must be {MAX_CELL_CHARS} characters or fewer"
            ));
        }
        if cell(i).contains('\0') {
            errors.push(format!("{name} holds a character that is not text"));
        }
    }
    match (date, what, errors.is_empty()) {
        (Some((date, precision)), Some(what), true) => Ok(ChronologyEntry {
            date,
            what,
            detail: EntryDetail {
                id: Some(id),
                precision,
                time,
                source: cell(2).to_owned(),
                who: cell(4).to_owned(),
                significance: cell(5).to_owned(),
                analysis: cell(6).to_owned(),
            },
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn dates_exact_and_approximate() {
        for (input, first_day, precision) in [
            ("2024-03-05", date!(2024 - 03 - 05), DatePrecision::Day),
            ("05/03/2024", date!(2024 - 03 - 05), DatePrecision::Day),
            ("March 2024", date!(2024 - 03 - 01), DatePrecision::Month),
            ("mar 2024", date!(2024 - 03 - 01), DatePrecision::Month),
            ("2024-03", date!(2024 - 03 - 01), DatePrecision::Month),
            ("2023", date!(2023 - 01 - 01), DatePrecision::Year),
        ] {
            assert_eq!(parse_date(input), Ok((first_day, precision)), "{input}");
        }
        for bad in [
            "31/02/2024",
            "yesterday",
            "2024-13-01",
            "Smarch 2024",
            "12345",
            "",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_row_reads_or_says_every_reason() {
        let id = uuid::Uuid::from_u128(7);
        let e = parse_row(
            &cells(&[
                "05/03/2024",
                "14:30",
                "Case notes",
                "Home visit.",
                "Health visitor",
                "High",
                "Missed",
            ]),
            id,
        )
        .expect("reads");
        assert_eq!(
            e.detail.time.map(|t| t.to_string()).as_deref(),
            Some("14:30")
        );
        assert_eq!(e.detail.who, "Health visitor");
        assert_eq!(e.detail.id, Some(id));
        let errs = parse_row(&cells(&["soon", "25:00", "", ""]), id).expect_err("an error");
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert!(errs[0].contains("\"soon\" is not a date"));
        assert!(errs[1].contains("not a time"));
        assert_eq!(errs[2], "Enter what happened");
        let approx = parse_row(&cells(&["2024", "09:00", "", "x"]), id).expect_err("an error");
        assert_eq!(
            approx,
            vec!["A time can only go with an exact date".to_owned()]
        );
    }

    #[test]
    fn filters_by_agency_period_and_key() {
        let a = AgencyId::from_uuid(uuid::Uuid::from_u128(1));
        let b = AgencyId::from_uuid(uuid::Uuid::from_u128(2));
        let mk = |d: Date, p: DatePrecision| ChronologyEntry {
            date: d,
            what: NonEmptyText::parse("x").expect("text"),
            detail: EntryDetail {
                precision: p,
                ..EntryDetail::default()
            },
        };
        let year = mk(date!(2024 - 01 - 01), DatePrecision::Year);
        let day = mk(date!(2024 - 06 - 10), DatePrecision::Day);
        let m = |agency, entry| Merged {
            agency,
            entry,
            key: false,
        };
        let f = Filter {
            from: Some(date!(2024 - 06 - 01)),
            to: Some(date!(2024 - 06 - 30)),
            ..Filter::default()
        };
        assert!(f.admits(&m(a, &year)), "a year overlaps June");
        assert!(f.admits(&m(b, &day)));
        let only_a = Filter {
            agencies: [a].into(),
            ..f.clone()
        };
        assert!(!only_a.admits(&m(b, &day)));
        let key = Filter {
            key_only: true,
            ..Filter::default()
        };
        assert!(!key.admits(&m(a, &day)));
        let late = Filter {
            from: Some(date!(2025 - 01 - 01)),
            ..Filter::default()
        };
        assert!(!late.admits(&m(a, &year)));
    }
}
