//! The England and Wales working-day calendar: weekends, bank holidays and closure days.
//! Counting convention: the day of the event is day 0, so "15 working days from X" is the 15th
//! working day after X, whatever kind of day X itself was.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ops::Bound;

use time::{Date, Duration, Month, Weekday};

mod bank_holidays;

// Names as GOV.UK titles them (with a plain apostrophe); substitute days carry GOV.UK's note.
const NEW_YEARS_DAY: &str = "New Year's Day";
const NEW_YEARS_DAY_SUBSTITUTE: &str = "New Year's Day (substitute day)";
const GOOD_FRIDAY: &str = "Good Friday";
const EASTER_MONDAY: &str = "Easter Monday";
const EARLY_MAY: &str = "Early May bank holiday";
const SPRING: &str = "Spring bank holiday";
const SUMMER: &str = "Summer bank holiday";
const CHRISTMAS_DAY: &str = "Christmas Day";
const CHRISTMAS_DAY_SUBSTITUTE: &str = "Christmas Day (substitute day)";
const BOXING_DAY: &str = "Boxing Day";
const BOXING_DAY_SUBSTITUTE: &str = "Boxing Day (substitute day)";
const EARLY_MAY_VE_DAY_2020: &str = "Early May bank holiday (VE day)";
const PLATINUM_JUBILEE_2022: &str = "Platinum Jubilee bank holiday";
const STATE_FUNERAL_2022: &str = "Bank Holiday for the State Funeral of Queen Elizabeth II";
const CORONATION_2023: &str = "Bank holiday for the coronation of King Charles III";

/// The years whose bank holidays are shipped as data; other years are computed by rule.
pub const SHIPPED_YEARS: std::ops::RangeInclusive<i32> =
    bank_holidays::FIRST_YEAR..=bank_holidays::LAST_YEAR;

/// One bank holiday in England and Wales.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BankHoliday {
    pub date: Date,
    /// The name as GOV.UK gives it, e.g. "Easter Monday" or "Boxing Day (substitute day)".
    pub name: &'static str,
}

/// The bank holidays of England and Wales in `year`, in date order: the shipped, published list
/// for [`SHIPPED_YEARS`], and [`bank_holidays_by_rule`] for any other year.
#[must_use]
pub fn bank_holidays(year: i32) -> Vec<BankHoliday> {
    holidays_of_year(year).into_owned()
}

/// The bank holidays that the standing pattern gives for `year`, in date order, ignoring one-off
/// proclamations (such as the 2022 Platinum Jubilee). Empty for years `time` cannot represent.
// Banking and Financial Dealings Act 1971, Sch 1: Easter Monday, last Mon of May and Aug, 26-27 Dec
// New Year's Day, early May and other substitute days: royal proclamation, yearly since the 1970s
// Good Friday and Christmas Day: common-law holidays
#[must_use]
pub fn bank_holidays_by_rule(year: i32) -> Vec<BankHoliday> {
    let mut out = Vec::with_capacity(8);
    let at = |month: Month, day: u8| Date::from_calendar_date(year, month, day).ok();

    if let Some(new_year) = at(Month::January, 1) {
        // A New Year's Day at the weekend moves to the following Monday.
        let (date, name) = match new_year.weekday() {
            Weekday::Saturday => (
                new_year.checked_add(Duration::days(2)),
                NEW_YEARS_DAY_SUBSTITUTE,
            ),
            Weekday::Sunday => (
                new_year.checked_add(Duration::days(1)),
                NEW_YEARS_DAY_SUBSTITUTE,
            ),
            _ => (Some(new_year), NEW_YEARS_DAY),
        };
        out.extend(date.map(|date| BankHoliday { date, name }));
    }
    if let Some(easter) = easter_sunday(year) {
        let good_friday = easter.checked_sub(Duration::days(2));
        let easter_monday = easter.checked_add(Duration::days(1));
        out.extend(good_friday.map(|date| BankHoliday {
            date,
            name: GOOD_FRIDAY,
        }));
        out.extend(easter_monday.map(|date| BankHoliday {
            date,
            name: EASTER_MONDAY,
        }));
    }
    let mondays = [
        (at(Month::May, 1).map(first_monday_from), EARLY_MAY),
        (at(Month::May, 31).map(last_monday_until), SPRING),
        (at(Month::August, 31).map(last_monday_until), SUMMER),
    ];
    for (date, name) in mondays {
        out.extend(date.map(|date| BankHoliday { date, name }));
    }
    if let (Some(christmas), Some(boxing)) = (at(Month::December, 25), at(Month::December, 26)) {
        // A Christmas or Boxing Day at the weekend gives a substitute day on the next free weekday.
        let days_after = |d: Date, n: i64| d.checked_add(Duration::days(n));
        let pair = match christmas.weekday() {
            Weekday::Friday => [
                (Some(christmas), CHRISTMAS_DAY),
                (days_after(christmas, 3), BOXING_DAY_SUBSTITUTE),
            ],
            Weekday::Saturday => [
                (days_after(christmas, 2), CHRISTMAS_DAY_SUBSTITUTE),
                (days_after(christmas, 3), BOXING_DAY_SUBSTITUTE),
            ],
            Weekday::Sunday => [
                (Some(boxing), BOXING_DAY),
                (days_after(christmas, 2), CHRISTMAS_DAY_SUBSTITUTE),
            ],
            _ => [(Some(christmas), CHRISTMAS_DAY), (Some(boxing), BOXING_DAY)],
        };
        for (date, name) in pair {
            out.extend(date.map(|date| BankHoliday { date, name }));
        }
    }
    out.sort_by_key(|h| h.date);
    out
}

/// Easter Sunday in the Gregorian calendar (the anonymous Gregorian computus, after Meeus).
fn easter_sunday(year: i32) -> Option<Date> {
    let golden = year.rem_euclid(19);
    let century = year.div_euclid(100);
    let year_in_century = year.rem_euclid(100);
    let leap_skips = century.div_euclid(4);
    let century_rem = century.rem_euclid(4);
    let lunar_fix = (century + 8).div_euclid(25);
    let moon_fix = (century - lunar_fix + 1).div_euclid(3);
    let epact = (19 * golden + century - leap_skips - moon_fix + 15).rem_euclid(30);
    let quarter = year_in_century.div_euclid(4);
    let quarter_rem = year_in_century.rem_euclid(4);
    let to_sunday = (32 + 2 * century_rem + 2 * quarter - epact - quarter_rem).rem_euclid(7);
    let late = (golden + 11 * epact + 22 * to_sunday).div_euclid(451);
    let n = epact + to_sunday - 7 * late + 114;
    let month = u8::try_from(n.div_euclid(31)).ok()?;
    let day = u8::try_from(n.rem_euclid(31) + 1).ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// The first Monday on or after `d`.
fn first_monday_from(d: Date) -> Date {
    let ahead = (7 - i64::from(d.weekday().number_days_from_monday())) % 7;
    d.checked_add(Duration::days(ahead)).unwrap_or(d)
}

/// The last Monday on or before `d`.
fn last_monday_until(d: Date) -> Date {
    let back = i64::from(d.weekday().number_days_from_monday());
    d.checked_sub(Duration::days(back)).unwrap_or(d)
}

/// The year's bank holidays, borrowed from the shipped data where there is some.
fn holidays_of_year(year: i32) -> Cow<'static, [BankHoliday]> {
    if SHIPPED_YEARS.contains(&year) {
        let all = bank_holidays::SHIPPED;
        let start = all.partition_point(|h| h.date.year() < year);
        let end = all.partition_point(|h| h.date.year() <= year);
        Cow::Borrowed(&all[start..end])
    } else {
        Cow::Owned(bank_holidays_by_rule(year))
    }
}

/// The bank holidays of one year at a time, kept while a walk through the calendar stays in it,
/// so that no year's list is built more than once per call.
#[derive(Debug, Default)]
struct YearCache {
    year: Option<i32>,
    holidays: Cow<'static, [BankHoliday]>,
}

impl YearCache {
    fn year(&mut self, year: i32) -> &[BankHoliday] {
        if self.year != Some(year) {
            self.holidays = holidays_of_year(year);
            self.year = Some(year);
        }
        &self.holidays
    }

    fn on(&mut self, d: Date) -> Option<&'static str> {
        self.year(d.year())
            .iter()
            .find(|h| h.date == d)
            .map(|h| h.name)
    }
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Weekdays from a fixed Monday up to and including `d`, less a constant: only differences count.
fn weekdays_through(d: Date) -> i64 {
    let from_monday = i64::from(d.weekday().number_days_from_monday());
    let monday = i64::from(d.to_julian_day()) - from_monday;
    5 * monday.div_euclid(7) + (from_monday + 1).min(5)
}

/// The exclusive-inclusive range (from, to] for `BTreeSet` look-ups.
fn after_until(from: Date, to: Date) -> (Bound<Date>, Bound<Date>) {
    (Bound::Excluded(from), Bound::Included(to))
}

/// A working-day calendar: England and Wales bank holidays and weekends, plus the partnership's
/// own closure days (for example the days between Christmas and New Year).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Calendar {
    closure_days: BTreeSet<Date>,
}

/// Which working days a period is counted in. Statutory periods (5 working days to notify the
/// National Panel, 15 to the rapid review, 7 before publication, a year online) count Monday to
/// Friday less England and Wales bank holidays only; a partnership's closure days lengthen local
/// timescales alone (PROCESS.md, "Counting and dates").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Counting {
    /// Weekends and bank holidays skipped, closure days counted as working days.
    Statutory,
    /// Weekends, bank holidays and the partnership's closure days skipped.
    Local,
}

impl Counting {
    /// "statutory" or "local".
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Statutory => "statutory",
            Self::Local => "local",
        }
    }
}

/// Why a day is not a working day. A weekend takes precedence over a bank holiday, and a bank
/// holiday over a closure day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonWorkingReason {
    Weekend,
    /// The bank holiday's name.
    BankHoliday(&'static str),
    ClosureDay,
}

/// What a span of the calendar skipped, for explaining a deadline. Each non-working day is
/// counted once, under its [`NonWorkingReason`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skipped {
    pub weekend_days: u32,
    pub bank_holidays: Vec<BankHoliday>,
    pub closure_days: Vec<Date>,
}

impl Calendar {
    /// Weekends and England and Wales bank holidays, with no closure days.
    #[must_use]
    pub fn england_and_wales() -> Self {
        Self::default()
    }

    /// This calendar with `days` added as partnership closure days.
    #[must_use]
    pub fn with_closure_days(mut self, days: impl IntoIterator<Item = Date>) -> Self {
        self.closure_days.extend(days);
        self
    }

    /// The calendar to count with: this one for local timescales, and for statutory periods
    /// the same calendar without its closure days.
    #[must_use]
    pub fn counting(&self, counting: Counting) -> Cow<'_, Self> {
        match counting {
            Counting::Local => Cow::Borrowed(self),
            Counting::Statutory if self.closure_days.is_empty() => Cow::Borrowed(self),
            Counting::Statutory => Cow::Owned(Self::england_and_wales()),
        }
    }

    /// The closure days, in date order.
    pub fn closure_days(&self) -> impl Iterator<Item = Date> + '_ {
        self.closure_days.iter().copied()
    }

    /// Why `d` is not a working day, or `None` if it is one.
    #[must_use]
    pub fn non_working_reason(&self, d: Date) -> Option<NonWorkingReason> {
        self.reason_with(d, &mut YearCache::default())
    }

    fn reason_with(&self, d: Date, cache: &mut YearCache) -> Option<NonWorkingReason> {
        if is_weekend(d) {
            Some(NonWorkingReason::Weekend)
        } else if let Some(name) = cache.on(d) {
            Some(NonWorkingReason::BankHoliday(name))
        } else if self.closure_days.contains(&d) {
            Some(NonWorkingReason::ClosureDay)
        } else {
            None
        }
    }

    #[must_use]
    pub fn is_working_day(&self, d: Date) -> bool {
        self.non_working_reason(d).is_none()
    }

    /// The date n working days after `start`. `start` is day 0 and need not be a working day.
    ///
    /// For `n >= 1` the result is always a working day. A result past the end of the `time`
    /// crate's range saturates at [`Date::MAX`].
    #[must_use]
    pub fn add_working_days(&self, start: Date, n: u32) -> Date {
        if n == 0 {
            return start;
        }
        // Jump by spans that cannot hold more working days than are still wanted, so a long
        // count costs a handful of range counts rather than a walk over every day.
        let mut at = start;
        let mut wanted = i64::from(n);
        while wanted > 0 {
            let span = if wanted < 5 { wanted } else { wanted / 5 * 7 };
            let Some(next) = at.checked_add(Duration::days(span)) else {
                return Date::MAX;
            };
            wanted -= self.count_after_until(at, next);
            at = next;
        }
        // The count is now exactly n, but the last jump may have gone past the nth working day
        // onto days that are not working days: step back to it.
        let mut cache = YearCache::default();
        while self.reason_with(at, &mut cache).is_some() {
            match at.previous_day() {
                Some(day) => at = day,
                None => break,
            }
        }
        at
    }

    /// The last working day on or before `day` (`day` itself when it is one). A date is past
    /// due on `day`, with a working day gone since it, exactly when it falls before this one:
    /// lists of many deadlines order them with one comparison each.
    #[must_use]
    pub fn last_working_day_on_or_before(&self, day: Date) -> Date {
        let mut at = day;
        // Non-working days come in short runs; the bound keeps a calendar of nothing but
        // closure days from looping.
        for _ in 0..3660 {
            if self.is_working_day(at) {
                return at;
            }
            match at.previous_day() {
                Some(before) => at = before,
                None => return at,
            }
        }
        at
    }

    /// Working days in (from, to] when to >= from; minus the count in (to, from] otherwise.
    #[must_use]
    pub fn working_days_between(&self, from: Date, to: Date) -> i64 {
        if to >= from {
            self.count_after_until(from, to)
        } else {
            -self.count_after_until(to, from)
        }
    }

    /// Working days in (from, to], for from <= to: weekdays less the bank holidays and closure
    /// days that fall on them, without visiting each day.
    fn count_after_until(&self, from: Date, to: Date) -> i64 {
        if to <= from {
            return 0;
        }
        // As `skipped_between` counts them, without gathering them: a list of every case
        // counts this for each row.
        let not_weekend = weekdays_through(to) - weekdays_through(from);
        let mut cache = YearCache::default();
        let mut other = 0usize;
        for year in from.year()..=to.year() {
            other += cache
                .year(year)
                .iter()
                .filter(|h| h.date > from && h.date <= to && !is_weekend(h.date))
                .count();
        }
        other += self
            .closure_days
            .range(after_until(from, to))
            .filter(|&&d| !is_weekend(d) && cache.on(d).is_none())
            .count();
        not_weekend - i64::try_from(other).unwrap_or(i64::MAX)
    }

    /// What was skipped in (from, to]: for deadline explanations. Empty when `to <= from`.
    #[must_use]
    pub fn skipped_between(&self, from: Date, to: Date) -> Skipped {
        if to <= from {
            return Skipped::default();
        }
        let all_days = i64::from(to.to_julian_day()) - i64::from(from.to_julian_day());
        let not_weekend = weekdays_through(to) - weekdays_through(from);
        let weekend_days = u32::try_from(all_days - not_weekend).unwrap_or(u32::MAX);

        let mut cache = YearCache::default();
        let mut bank_holidays = Vec::new();
        for year in from.year()..=to.year() {
            bank_holidays.extend(
                cache
                    .year(year)
                    .iter()
                    .filter(|h| h.date > from && h.date <= to && !is_weekend(h.date)),
            );
        }
        let closure_days = self
            .closure_days
            .range(after_until(from, to))
            .copied()
            .filter(|&d| !is_weekend(d) && cache.on(d).is_none())
            .collect();
        Skipped {
            weekend_days,
            bank_holidays,
            closure_days,
        }
    }
}

impl Skipped {
    /// Plain English, e.g. "2 bank holidays skipped (Christmas Day, Boxing Day), 4 weekend days".
    #[must_use]
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.bank_holidays.is_empty() {
            let names: Vec<&str> = self.bank_holidays.iter().map(|h| h.name).collect();
            parts.push(format!(
                "{} skipped ({})",
                counted(self.bank_holidays.len(), "bank holiday", "bank holidays"),
                names.join(", ")
            ));
        }
        if !self.closure_days.is_empty() {
            let dates: Vec<String> = self.closure_days.iter().map(|&d| long_date(d)).collect();
            parts.push(format!(
                "{} skipped ({})",
                counted(self.closure_days.len(), "closure day", "closure days"),
                dates.join(", ")
            ));
        }
        if parts.is_empty() {
            parts.push("no bank holidays or closure days skipped".to_owned());
        }
        if self.weekend_days > 0 {
            parts.push(counted(
                usize::try_from(self.weekend_days).unwrap_or(usize::MAX),
                "weekend day",
                "weekend days",
            ));
        }
        parts.join(", ")
    }
}

fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "Tuesday 24 December 2024".
fn long_date(d: Date) -> String {
    let format =
        time::macros::format_description!("[weekday] [day padding:none] [month repr:long] [year]");
    d.format(&format).unwrap_or_else(|_| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_data_is_in_date_order_and_within_the_shipped_years() {
        let all = bank_holidays::SHIPPED;
        assert!(all.windows(2).all(|w| w[0].date < w[1].date));
        assert!(all.iter().all(|h| SHIPPED_YEARS.contains(&h.date.year())));
        let first = all.first().map(|h| h.date.year());
        let last = all.last().map(|h| h.date.year());
        assert_eq!((first, last), (Some(2015), Some(2030)));
    }

    #[test]
    fn weekday_counting_matches_a_walk() {
        let start = time::macros::date!(2023 - 12 - 20);
        let mut walked = 0;
        let mut d = start;
        for _ in 0..60 {
            d = d.next_day().unwrap_or(d);
            if !is_weekend(d) {
                walked += 1;
            }
            assert_eq!(weekdays_through(d) - weekdays_through(start), walked);
        }
    }
}
