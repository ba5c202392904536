//! The England and Wales working-day calendar: shipped bank holidays against the rule, the
//! counting convention, closure days, explanations, and properties over many dates.

use std::collections::BTreeMap;

use cspr_domain::calendar::{
    BankHoliday, Calendar, NonWorkingReason, SHIPPED_YEARS, Skipped, bank_holidays,
    bank_holidays_by_rule,
};
use proptest::prelude::*;
use time::macros::date;
use time::{Date, Duration, Weekday};

fn dates(holidays: &[BankHoliday]) -> Vec<Date> {
    holidays.iter().map(|h| h.date).collect()
}

fn named(holidays: &[BankHoliday]) -> Vec<(Date, &'static str)> {
    holidays.iter().map(|h| (h.date, h.name)).collect()
}

// The worked example of WT2023 ch.5 deadlines: the event day is day 0.
#[test]
fn fifteen_working_days_from_monday_16_december_2024_is_thursday_9_january_2025() {
    let cal = Calendar::england_and_wales();
    let due = cal.add_working_days(date!(2024 - 12 - 16), 15);
    assert_eq!(due, date!(2025 - 01 - 09));
    assert_eq!(due.weekday(), Weekday::Thursday);
    assert_eq!(
        cal.working_days_between(date!(2024 - 12 - 16), date!(2025 - 01 - 09)),
        15
    );
}

#[test]
fn zero_working_days_is_the_start_even_when_it_is_not_a_working_day() {
    let cal = Calendar::england_and_wales();
    assert_eq!(
        cal.add_working_days(date!(2024 - 12 - 25), 0),
        date!(2024 - 12 - 25)
    );
    // Saturday 21 December 2024: day 1 is Monday 23 December.
    assert_eq!(
        cal.add_working_days(date!(2024 - 12 - 21), 1),
        date!(2024 - 12 - 23)
    );
    // A Friday: day 1 is the Monday.
    assert_eq!(
        cal.add_working_days(date!(2025 - 01 - 10), 1),
        date!(2025 - 01 - 13)
    );
}

#[test]
fn easter_2025_and_2026() {
    let y2025 = named(&bank_holidays(2025));
    assert!(y2025.contains(&(date!(2025 - 04 - 18), "Good Friday")));
    assert!(y2025.contains(&(date!(2025 - 04 - 21), "Easter Monday")));
    let y2026 = named(&bank_holidays(2026));
    assert!(y2026.contains(&(date!(2026 - 04 - 03), "Good Friday")));
    assert!(y2026.contains(&(date!(2026 - 04 - 06), "Easter Monday")));
}

#[test]
fn years_beyond_the_shipped_data_follow_the_rule() {
    assert!(!SHIPPED_YEARS.contains(&2031));
    assert_eq!(
        named(&bank_holidays(2031)),
        vec![
            (date!(2031 - 01 - 01), "New Year's Day"),
            (date!(2031 - 04 - 11), "Good Friday"),
            (date!(2031 - 04 - 14), "Easter Monday"),
            (date!(2031 - 05 - 05), "Early May bank holiday"),
            (date!(2031 - 05 - 26), "Spring bank holiday"),
            (date!(2031 - 08 - 25), "Summer bank holiday"),
            (date!(2031 - 12 - 25), "Christmas Day"),
            (date!(2031 - 12 - 26), "Boxing Day"),
        ]
    );
    // Easter Sunday 28 March 2032; Christmas on a Saturday.
    assert_eq!(
        named(&bank_holidays(2032)),
        vec![
            (date!(2032 - 01 - 01), "New Year's Day"),
            (date!(2032 - 03 - 26), "Good Friday"),
            (date!(2032 - 03 - 29), "Easter Monday"),
            (date!(2032 - 05 - 03), "Early May bank holiday"),
            (date!(2032 - 05 - 31), "Spring bank holiday"),
            (date!(2032 - 08 - 30), "Summer bank holiday"),
            (date!(2032 - 12 - 27), "Christmas Day (substitute day)"),
            (date!(2032 - 12 - 28), "Boxing Day (substitute day)"),
        ]
    );
    // Easter Sunday 25 March 2035.
    let y2035 = named(&bank_holidays(2035));
    assert!(y2035.contains(&(date!(2035 - 03 - 23), "Good Friday")));
    assert!(y2035.contains(&(date!(2035 - 03 - 26), "Easter Monday")));
    assert_eq!(bank_holidays(2035), bank_holidays_by_rule(2035));
    // New Year's Day 2033 is a Saturday.
    assert_eq!(
        bank_holidays(2033).first().map(|h| (h.date, h.name)),
        Some((date!(2033 - 01 - 03), "New Year's Day (substitute day)"))
    );
    // And before the shipped data.
    let y2014 = named(&bank_holidays(2014));
    assert!(y2014.contains(&(date!(2014 - 04 - 18), "Good Friday")));
    assert!(y2014.contains(&(date!(2014 - 04 - 21), "Easter Monday")));
}

#[test]
fn easter_by_rule_for_known_years() {
    // Known Easter Sundays, including the earliest (22 March) and latest (25 April) possible.
    let known = [
        (1961, date!(1961 - 04 - 02)),
        (2000, date!(2000 - 04 - 23)),
        (2008, date!(2008 - 03 - 23)),
        (2011, date!(2011 - 04 - 24)),
        (2038, date!(2038 - 04 - 25)),
        (2049, date!(2049 - 04 - 18)),
        (2285, date!(2285 - 03 - 22)),
    ];
    for (year, easter) in known {
        let good_friday = bank_holidays_by_rule(year)
            .into_iter()
            .find(|h| h.name == "Good Friday")
            .map(|h| h.date + Duration::days(2));
        assert_eq!(good_friday, Some(easter), "Easter {year}");
    }
}

#[test]
fn substitute_days_when_christmas_boxing_day_or_new_year_fall_at_a_weekend() {
    let y2021 = named(&bank_holidays(2021));
    assert!(y2021.contains(&(date!(2021 - 12 - 27), "Christmas Day (substitute day)")));
    assert!(y2021.contains(&(date!(2021 - 12 - 28), "Boxing Day (substitute day)")));
    let y2022 = named(&bank_holidays(2022));
    assert!(y2022.contains(&(date!(2022 - 01 - 03), "New Year's Day (substitute day)")));
    assert!(y2022.contains(&(date!(2022 - 12 - 26), "Boxing Day")));
    assert!(y2022.contains(&(date!(2022 - 12 - 27), "Christmas Day (substitute day)")));
    let y2023 = named(&bank_holidays(2023));
    assert!(y2023.contains(&(date!(2023 - 01 - 02), "New Year's Day (substitute day)")));
    let y2026 = named(&bank_holidays(2026));
    assert!(y2026.contains(&(date!(2026 - 12 - 28), "Boxing Day (substitute day)")));

    let cal = Calendar::england_and_wales();
    for d in [date!(2021 - 12 - 25), date!(2021 - 12 - 26)] {
        assert_eq!(cal.non_working_reason(d), Some(NonWorkingReason::Weekend));
    }
    assert_eq!(
        cal.non_working_reason(date!(2021 - 12 - 27)),
        Some(NonWorkingReason::BankHoliday(
            "Christmas Day (substitute day)"
        ))
    );
    assert!(cal.is_working_day(date!(2021 - 12 - 29)));
}

#[test]
fn the_one_off_days_are_in_the_shipped_data() {
    let y2020 = named(&bank_holidays(2020));
    assert!(y2020.contains(&(date!(2020 - 05 - 08), "Early May bank holiday (VE day)")));
    assert!(!dates(&bank_holidays(2020)).contains(&date!(2020 - 05 - 04)));
    let y2022 = named(&bank_holidays(2022));
    assert!(y2022.contains(&(date!(2022 - 06 - 02), "Spring bank holiday")));
    assert!(y2022.contains(&(date!(2022 - 06 - 03), "Platinum Jubilee bank holiday")));
    assert!(y2022.contains(&(
        date!(2022 - 09 - 19),
        "Bank Holiday for the State Funeral of Queen Elizabeth II"
    )));
    assert!(!dates(&bank_holidays(2022)).contains(&date!(2022 - 05 - 30)));
    let y2023 = named(&bank_holidays(2023));
    assert!(y2023.contains(&(
        date!(2023 - 05 - 08),
        "Bank holiday for the coronation of King Charles III"
    )));
    assert_eq!(bank_holidays(2022).len(), 10);
    assert_eq!(bank_holidays(2023).len(), 9);
}

// The shipped data and the rule check each other: they differ exactly on the one-off days.
#[test]
fn the_rule_reproduces_the_shipped_data_except_the_one_off_days() {
    let mut only_shipped: Vec<Date> = Vec::new();
    let mut only_rule: Vec<Date> = Vec::new();
    for year in SHIPPED_YEARS {
        let shipped: BTreeMap<Date, &str> = named(&bank_holidays(year)).into_iter().collect();
        let rule: BTreeMap<Date, &str> = named(&bank_holidays_by_rule(year)).into_iter().collect();
        for (date, name) in &shipped {
            match rule.get(date) {
                Some(rule_name) => assert_eq!(rule_name, name, "name on {date}"),
                None => only_shipped.push(*date),
            }
        }
        only_rule.extend(rule.keys().filter(|d| !shipped.contains_key(*d)));
    }
    assert_eq!(
        only_shipped,
        vec![
            date!(2020 - 05 - 08),
            date!(2022 - 06 - 02),
            date!(2022 - 06 - 03),
            date!(2022 - 09 - 19),
            date!(2023 - 05 - 08),
        ]
    );
    assert_eq!(
        only_rule,
        vec![date!(2020 - 05 - 04), date!(2022 - 05 - 30)]
    );
}

#[test]
fn every_year_is_sorted_within_the_year_and_on_weekdays() {
    for year in 1990..=2100 {
        let list = bank_holidays(year);
        assert!(list.len() >= 8, "{year}");
        assert!(list.windows(2).all(|w| w[0].date < w[1].date), "{year}");
        for h in &list {
            assert_eq!(h.date.year(), year, "{h:?}");
            assert!(
                !matches!(h.date.weekday(), Weekday::Saturday | Weekday::Sunday),
                "{h:?}"
            );
        }
        let rule = bank_holidays_by_rule(year);
        let good_friday = rule.iter().find(|h| h.name == "Good Friday");
        let easter_monday = rule.iter().find(|h| h.name == "Easter Monday");
        assert_eq!(good_friday.map(|h| h.date.weekday()), Some(Weekday::Friday));
        assert_eq!(
            easter_monday.map(|h| h.date.weekday()),
            Some(Weekday::Monday)
        );
    }
}

#[test]
fn bank_holidays_at_the_ends_of_the_date_range_do_not_panic() {
    assert!(bank_holidays(i32::MAX).is_empty());
    assert!(bank_holidays(i32::MIN).is_empty());
    assert!(!bank_holidays(9999).is_empty());
    let cal = Calendar::england_and_wales();
    assert_eq!(cal.add_working_days(Date::MAX, 1), Date::MAX);
}

#[test]
fn closure_days_are_skipped() {
    let closures = [
        date!(2024 - 12 - 27),
        date!(2024 - 12 - 30),
        date!(2024 - 12 - 31),
    ];
    let cal = Calendar::england_and_wales().with_closure_days(closures);
    assert_eq!(cal.closure_days().collect::<Vec<_>>(), closures.to_vec());
    assert_eq!(
        cal.add_working_days(date!(2024 - 12 - 16), 15),
        date!(2025 - 01 - 14)
    );
    assert_eq!(
        cal.non_working_reason(date!(2024 - 12 - 27)),
        Some(NonWorkingReason::ClosureDay)
    );
    assert!(!cal.is_working_day(date!(2024 - 12 - 30)));
    assert!(Calendar::england_and_wales().is_working_day(date!(2024 - 12 - 30)));
}

#[test]
fn a_closure_day_on_a_weekend_or_bank_holiday_keeps_the_stronger_reason() {
    let cal = Calendar::england_and_wales()
        .with_closure_days([date!(2024 - 12 - 28), date!(2024 - 12 - 25)]);
    assert_eq!(
        cal.non_working_reason(date!(2024 - 12 - 28)),
        Some(NonWorkingReason::Weekend)
    );
    assert_eq!(
        cal.non_working_reason(date!(2024 - 12 - 25)),
        Some(NonWorkingReason::BankHoliday("Christmas Day"))
    );
    // Neither changes any count.
    let plain = Calendar::england_and_wales();
    let from = date!(2024 - 12 - 16);
    assert_eq!(
        cal.add_working_days(from, 15),
        plain.add_working_days(from, 15)
    );
    assert!(
        cal.skipped_between(from, date!(2025 - 01 - 09))
            .closure_days
            .is_empty()
    );
}

#[test]
fn closure_days_round_trip_through_serde() {
    let cal = Calendar::england_and_wales()
        .with_closure_days([date!(2024 - 12 - 27), date!(2025 - 12 - 29)]);
    let json = serde_json::to_string(&cal).unwrap();
    let back: Calendar = serde_json::from_str(&json).unwrap();
    assert_eq!(back, cal);
}

#[test]
fn negative_ranges_count_backwards() {
    let cal = Calendar::england_and_wales();
    assert_eq!(
        cal.working_days_between(date!(2025 - 01 - 09), date!(2024 - 12 - 16)),
        -15
    );
    assert_eq!(
        cal.working_days_between(date!(2024 - 12 - 16), date!(2024 - 12 - 16)),
        0
    );
    // (Sat 21 Dec, Mon 23 Dec] holds one working day, so backwards it is -1.
    assert_eq!(
        cal.working_days_between(date!(2024 - 12 - 23), date!(2024 - 12 - 21)),
        -1
    );
    assert_eq!(
        cal.working_days_between(date!(2024 - 12 - 21), date!(2024 - 12 - 23)),
        1
    );
    assert_eq!(
        cal.skipped_between(date!(2025 - 01 - 09), date!(2024 - 12 - 16)),
        Skipped::default()
    );
}

#[test]
fn a_year_of_working_days() {
    let cal = Calendar::england_and_wales();
    // 2024 had 262 weekdays and 8 bank holidays on weekdays.
    assert_eq!(
        cal.working_days_between(date!(2023 - 12 - 31), date!(2024 - 12 - 31)),
        254
    );
    // 2022 had 260 weekdays and 10 bank holidays.
    assert_eq!(
        cal.working_days_between(date!(2021 - 12 - 31), date!(2022 - 12 - 31)),
        250
    );
}

#[test]
fn skipped_between_explains_a_deadline() {
    let cal = Calendar::england_and_wales();
    let skipped = cal.skipped_between(date!(2024 - 12 - 20), date!(2024 - 12 - 31));
    assert_eq!(skipped.weekend_days, 4);
    assert_eq!(
        named(&skipped.bank_holidays),
        vec![
            (date!(2024 - 12 - 25), "Christmas Day"),
            (date!(2024 - 12 - 26), "Boxing Day"),
        ]
    );
    assert!(skipped.closure_days.is_empty());
    assert_eq!(
        skipped.describe(),
        "2 bank holidays skipped (Christmas Day, Boxing Day), 4 weekend days"
    );

    let whole = cal.skipped_between(date!(2024 - 12 - 16), date!(2025 - 01 - 09));
    assert_eq!(
        whole.describe(),
        "3 bank holidays skipped (Christmas Day, Boxing Day, New Year's Day), 6 weekend days"
    );
}

#[test]
fn describe_wording() {
    assert_eq!(
        Skipped::default().describe(),
        "no bank holidays or closure days skipped"
    );
    let cal = Calendar::england_and_wales();
    // Wednesday 8 to Monday 13 January 2025.
    assert_eq!(
        cal.skipped_between(date!(2025 - 01 - 08), date!(2025 - 01 - 13))
            .describe(),
        "no bank holidays or closure days skipped, 2 weekend days"
    );
    // Thursday 17 to Saturday 19 April 2025.
    assert_eq!(
        cal.skipped_between(date!(2025 - 04 - 17), date!(2025 - 04 - 19))
            .describe(),
        "1 bank holiday skipped (Good Friday), 1 weekend day"
    );
    let with_closures = Calendar::england_and_wales()
        .with_closure_days([date!(2024 - 12 - 27), date!(2024 - 12 - 30)]);
    assert_eq!(
        with_closures
            .skipped_between(date!(2024 - 12 - 24), date!(2024 - 12 - 27))
            .describe(),
        "2 bank holidays skipped (Christmas Day, Boxing Day), \
         1 closure day skipped (Friday 27 December 2024)"
    );
    assert_eq!(
        with_closures
            .skipped_between(date!(2024 - 12 - 26), date!(2024 - 12 - 31))
            .describe(),
        "2 closure days skipped (Friday 27 December 2024, Monday 30 December 2024), \
         2 weekend days"
    );
}

// Properties over 1990–2060, so that both shipped and computed years are covered.
fn a_date() -> impl Strategy<Value = Date> {
    (0i64..(71 * 365)).prop_map(|k| date!(1990 - 01 - 01) + Duration::days(k))
}

fn a_calendar() -> impl Strategy<Value = Calendar> {
    prop::collection::vec((0i64..(71 * 365), 0i64..15), 0..6).prop_map(|runs| {
        // Closure days come in runs, as around Christmas.
        Calendar::england_and_wales().with_closure_days(runs.into_iter().flat_map(|(k, len)| {
            (0..len).map(move |i| date!(1990 - 01 - 01) + Duration::days(k + i))
        }))
    })
}

/// A walk over every day, to check the quicker counting against.
fn walked_between(cal: &Calendar, from: Date, to: Date) -> i64 {
    let (lo, hi, sign) = if to >= from {
        (from, to, 1)
    } else {
        (to, from, -1)
    };
    let mut n = 0;
    let mut d = lo;
    while d < hi {
        d += Duration::days(1);
        if cal.is_working_day(d) {
            n += 1;
        }
    }
    sign * n
}

proptest! {
    #[test]
    fn add_working_days_lands_on_a_working_day(
        cal in a_calendar(),
        d in a_date(),
        n in 1u32..400,
    ) {
        let due = cal.add_working_days(d, n);
        prop_assert!(due > d);
        prop_assert!(cal.is_working_day(due));
        prop_assert_eq!(cal.non_working_reason(due), None);
        prop_assert!(!matches!(due.weekday(), Weekday::Saturday | Weekday::Sunday));
        prop_assert!(!dates(&bank_holidays(due.year())).contains(&due));
        prop_assert!(!cal.closure_days().any(|c| c == due));
        // And it is the first such day: the day before holds one fewer.
        let day_before = due - Duration::days(1);
        prop_assert_eq!(cal.working_days_between(d, day_before), i64::from(n) - 1);
    }

    #[test]
    fn counting_undoes_adding(cal in a_calendar(), d in a_date(), n in 0u32..1500) {
        prop_assert_eq!(cal.working_days_between(d, cal.add_working_days(d, n)), i64::from(n));
    }

    // The dashboard's ordering (issue 20): past due, in working days, is one comparison.
    #[test]
    fn past_due_is_before_the_last_working_day(cal in a_calendar(), today in a_date(), due in a_date()) {
        let last = cal.last_working_day_on_or_before(today);
        prop_assert!(last <= today);
        prop_assert_eq!(cal.working_days_between(today, due) < 0, due < last, "today {} due {} last {}", today, due, last);
    }

    #[test]
    fn working_days_between_is_antisymmetric(cal in a_calendar(), a in a_date(), b in a_date()) {
        prop_assert_eq!(cal.working_days_between(a, b), -cal.working_days_between(b, a));
    }

    #[test]
    fn working_days_between_is_monotonic(
        cal in a_calendar(),
        a in a_date(),
        b in a_date(),
        c in a_date(),
    ) {
        let (lo, hi) = if b <= c { (b, c) } else { (c, b) };
        prop_assert!(cal.working_days_between(a, lo) <= cal.working_days_between(a, hi));
        prop_assert!(cal.working_days_between(lo, a) >= cal.working_days_between(hi, a));
    }

    #[test]
    fn working_days_between_matches_a_walk(
        cal in a_calendar(),
        a in a_date(),
        span in -800i64..800,
    ) {
        let b = a + Duration::days(span);
        prop_assert_eq!(cal.working_days_between(a, b), walked_between(&cal, a, b));
    }

    #[test]
    fn skipped_days_and_working_days_fill_the_span(
        cal in a_calendar(),
        a in a_date(),
        span in 0i64..800,
    ) {
        let b = a + Duration::days(span);
        let s = cal.skipped_between(a, b);
        let holidays = i64::try_from(s.bank_holidays.len()).unwrap();
        let closures = i64::try_from(s.closure_days.len()).unwrap();
        let skipped = i64::from(s.weekend_days) + holidays + closures;
        prop_assert_eq!(skipped + cal.working_days_between(a, b), span);
        for h in &s.bank_holidays {
            let reason = Some(NonWorkingReason::BankHoliday(h.name));
            prop_assert_eq!(cal.non_working_reason(h.date), reason);
        }
        for c in &s.closure_days {
            prop_assert_eq!(cal.non_working_reason(*c), Some(NonWorkingReason::ClosureDay));
        }
    }
}
