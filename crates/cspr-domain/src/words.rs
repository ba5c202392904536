//! Dates and counts in the words pages use: "9 January 2025", "Thu 9 January",
//! "1 working day", "3 working days".

use time::{Date, Month, Weekday};

/// "9 January 2025".
#[must_use]
pub fn long_date(d: Date) -> String {
    format!("{} {} {}", d.day(), month_name(d.month()), d.year())
}

/// "Thu 9 January".
#[must_use]
pub fn short_day(d: Date) -> String {
    format!(
        "{} {} {}",
        weekday_abbr(d.weekday()),
        d.day(),
        month_name(d.month())
    )
}

/// "Thursday 9 January 2025".
#[must_use]
pub fn full_date(d: Date) -> String {
    format!("{} {}", weekday_name(d.weekday()), long_date(d))
}

/// "1 working day", "3 working days".
#[must_use]
pub fn working_days(n: i64) -> String {
    plural(n, "working day", "working days")
}

/// "1 {one}", "n {many}".
#[must_use]
pub fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

const fn month_name(m: Month) -> &'static str {
    match m {
        Month::January => "January",
        Month::February => "February",
        Month::March => "March",
        Month::April => "April",
        Month::May => "May",
        Month::June => "June",
        Month::July => "July",
        Month::August => "August",
        Month::September => "September",
        Month::October => "October",
        Month::November => "November",
        Month::December => "December",
    }
}

const fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

const fn weekday_abbr(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Mon",
        Weekday::Tuesday => "Tue",
        Weekday::Wednesday => "Wed",
        Weekday::Thursday => "Thu",
        Weekday::Friday => "Fri",
        Weekday::Saturday => "Sat",
        Weekday::Sunday => "Sun",
    }
}

/// The same day `months` calendar months later, or the month's last day when it has no such
/// day (31 August + 6 months = 28 or 29 February).
#[must_use]
pub fn add_months(d: Date, months: u32) -> Date {
    let total = i64::from(d.year()) * 12 + i64::from(u8::from(d.month())) - 1 + i64::from(months);
    let year = i32::try_from(total.div_euclid(12)).unwrap_or(i32::MAX);
    let month = Month::try_from(u8::try_from(total.rem_euclid(12) + 1).unwrap_or(1))
        .unwrap_or(Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, d.day().min(last)).unwrap_or(d)
}

/// The distinct entries of a list someone typed (learning themes), blanks left out, in
/// alphabetical order; the caller trims or folds case first.
pub(crate) fn distinct_sorted(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = items.into_iter().filter(|t| !t.is_empty()).collect();
    out.sort();
    out.dedup();
    out
}
