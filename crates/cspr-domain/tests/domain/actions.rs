//! Action status derivation: a table of cases worked out by hand against the England and Wales
//! calendar of 2025, and properties over random actions.

use cspr_domain::actions::{ActionAssessment, ActionRules, ActionStatus, status};
use cspr_domain::calendar::Calendar;
use cspr_domain::case::model::{ActionProgress, ActionState};
use cspr_domain::examples::{ACTION1, action, text};
use proptest::prelude::*;
use time::macros::date;
use time::{Date, Duration};

const DUE: Date = date!(2025 - 09 - 30); // a Tuesday

fn state(due: Date, progress: &[Date], completed: Option<Date>) -> ActionState {
    ActionState {
        action: action(ACTION1, None, due),
        progress: progress
            .iter()
            .map(|on| ActionProgress {
                on: *on,
                note: text("Guidance drafted."),
                evidence: None,
            })
            .collect(),
        completed: completed.map(|on| (on, Some(text("Audit shows the change in practice.")))),
        attachments: Vec::new(),
        impact_evidenced: None,
    }
}

fn assess(due: Date, progress: &[Date], completed: Option<Date>, today: Date) -> ActionAssessment {
    status(
        &state(due, progress, completed),
        today,
        &Calendar::england_and_wales(),
        &ActionRules::default(),
    )
}

/// Due, progress dates, completion date, today, expected status and reason.
type Row = (
    Date,
    Vec<Date>,
    Option<Date>,
    Date,
    ActionStatus,
    &'static str,
);

/// Each row: due, progress dates, completion date, today, expected status and reason. The
/// working-day counts are worked out by hand in the comments.
#[test]
fn status_table() {
    use ActionStatus::*;
    #[rustfmt::skip]
    let rows: Vec<Row> = vec![
        // (Fri 1 Aug, Tue 30 Sep]: August 4-8, 11-15, 18-22 = 15, 26-29 = 4 (Mon 25 Aug is the
        // summer bank holiday); September 1-26 = 20, 29-30 = 2: 41 working days, not due soon.
        (DUE, vec![], None, date!(2025 - 08 - 01), NotStarted,
         "No progress recorded yet; due in 41 working days (Tue 30 September)"),
        // (Mon 15 Sep, Tue 30 Sep]: 16-19 = 4, 22-26 = 5, 29-30 = 2: 11 > 10, not due soon.
        (DUE, vec![], None, date!(2025 - 09 - 15), NotStarted,
         "No progress recorded yet; due in 11 working days (Tue 30 September)"),
        // (Tue 16 Sep, Tue 30 Sep]: 10 working days: due soon, no progress.
        (DUE, vec![], None, date!(2025 - 09 - 16), AtRisk,
         "Due in 10 working days (Tue 30 September) with no progress recorded"),
        // (Thu 25 Sep, Tue 30 Sep]: 26, 29, 30.
        (DUE, vec![], None, date!(2025 - 09 - 25), AtRisk,
         "Due in 3 working days (Tue 30 September) with no progress recorded"),
        (DUE, vec![], None, DUE, AtRisk, "Due today with no progress recorded"),
        // Wed 1 Oct is one working day after the due date.
        (DUE, vec![], None, date!(2025 - 10 - 01), Overdue,
         "Overdue by 1 working day (was due Tue 30 September); no progress recorded"),
        // (30 Sep, Tue 7 Oct]: 1, 2, 3, 6, 7 October = 5 working days; 15 Aug to 7 Oct is
        // 16 + 30 + 7 = 53 days.
        (DUE, vec![date!(2025 - 08 - 15)], None, date!(2025 - 10 - 07), Overdue,
         "Overdue by 5 working days (was due Tue 30 September); last progress 53 days ago (15 August 2025)"),
        // Due in 10 working days; 15 Aug to 16 Sep is 16 + 16 = 32 days > 30: not recent.
        (DUE, vec![date!(2025 - 08 - 15)], None, date!(2025 - 09 - 16), AtRisk,
         "Due in 10 working days (Tue 30 September); last progress 32 days ago (15 August 2025)"),
        // 16 Aug to 16 Sep is 31 days: still not recent.
        (DUE, vec![date!(2025 - 08 - 16)], None, date!(2025 - 09 - 16), AtRisk,
         "Due in 10 working days (Tue 30 September); last progress 31 days ago (16 August 2025)"),
        // 17 Aug to 16 Sep is exactly 30 days: recent, so on track.
        (DUE, vec![date!(2025 - 08 - 17)], None, date!(2025 - 09 - 16), OnTrack,
         "Last progress 30 days ago (17 August 2025); due in 10 working days (Tue 30 September)"),
        // The latest of several progress records counts, whatever their order.
        (DUE, vec![date!(2025 - 08 - 20), date!(2025 - 07 - 01)], None, date!(2025 - 09 - 16), OnTrack,
         "Last progress 27 days ago (20 August 2025); due in 10 working days (Tue 30 September)"),
        (DUE, vec![date!(2025 - 09 - 16)], None, date!(2025 - 09 - 16), OnTrack,
         "Last progress today (16 September 2025); due in 10 working days (Tue 30 September)"),
        // Progress dated after today is not yet known: as if there were none.
        (DUE, vec![date!(2025 - 09 - 20)], None, date!(2025 - 09 - 16), AtRisk,
         "Due in 10 working days (Tue 30 September) with no progress recorded"),
        // Stalled: 1 May to 1 Aug is 30 + 30 + 31 + 1 = 92 days > 90, though the due date is
        // 41 working days off.
        (DUE, vec![date!(2025 - 05 - 01)], None, date!(2025 - 08 - 01), AtRisk,
         "No progress for 92 days (last on 1 May 2025); due in 41 working days (Tue 30 September)"),
        // 3 May to 1 Aug is exactly 90 days: not stalled yet.
        (DUE, vec![date!(2025 - 05 - 03)], None, date!(2025 - 08 - 01), OnTrack,
         "Last progress 90 days ago (3 May 2025); due in 41 working days (Tue 30 September)"),
        (DUE, vec![date!(2025 - 08 - 15)], Some(date!(2025 - 09 - 15)), date!(2025 - 10 - 01), ImpactEvidenced,
         "Completed on 15 September 2025 with evidence of impact"),
        // Completed late: still impact evidenced, never overdue once complete.
        (DUE, vec![], Some(date!(2025 - 10 - 03)), date!(2025 - 10 - 07), ImpactEvidenced,
         "Completed on 3 October 2025 with evidence of impact"),
        // Completion dated after today is ignored. (Wed 10 Sep, Tue 30 Sep]: 11-12 = 2,
        // 15-19 = 5, 22-26 = 5, 29-30 = 2: 14 working days.
        (DUE, vec![], Some(date!(2025 - 09 - 15)), date!(2025 - 09 - 10), NotStarted,
         "No progress recorded yet; due in 14 working days (Tue 30 September)"),
        // A due date on a Saturday (the model can hold one): no working day in (Fri 3 Oct, Sat 4 Oct].
        (date!(2025 - 10 - 04), vec![], None, date!(2025 - 10 - 03), AtRisk,
         "Due Sat 4 October with no progress recorded"),
        // The next day, Sunday, is after the due date but no working day has passed.
        (date!(2025 - 10 - 04), vec![], None, date!(2025 - 10 - 05), Overdue,
         "Overdue: was due Sat 4 October; no progress recorded"),
        // Over Christmas: (Mon 22 Dec, Fri 2 Jan]: 23, 24, 29, 30, 31 Dec and 2 Jan = 6
        // (25, 26 Dec and 1 Jan are bank holidays).
        (date!(2026 - 01 - 02), vec![], None, date!(2025 - 12 - 22), AtRisk,
         "Due in 6 working days (Fri 2 January) with no progress recorded"),
        // (Fri 2 Jan, Mon 5 Jan]: the weekend does not count, so 1 working day late.
        (date!(2026 - 01 - 02), vec![date!(2025 - 12 - 22)], None, date!(2026 - 01 - 05), Overdue,
         "Overdue by 1 working day (was due Fri 2 January); last progress 14 days ago (22 December 2025)"),
    ];
    for (i, (due, progress, completed, today, want, reason)) in rows.into_iter().enumerate() {
        let got = assess(due, &progress, completed, today);
        assert_eq!(
            (got.status, got.reason.as_str()),
            (want, reason),
            "row {i}: due {due}, progress {progress:?}, completed {completed:?}, today {today}"
        );
    }
}

#[test]
fn thresholds_are_parameters() {
    use ActionStatus::*;
    /// The default rules with one threshold changed.
    fn with(change: impl FnOnce(&mut ActionRules)) -> ActionRules {
        let mut rules = ActionRules::default();
        change(&mut rules);
        rules
    }
    // Each row: the rules, progress dates, today, the expected status and why.
    #[rustfmt::skip]
    let rows: Vec<(ActionRules, Vec<Date>, Date, ActionStatus, &str)> = vec![
        (with(|r| r.due_soon_working_days = 5), vec![], date!(2025 - 09 - 16), NotStarted,
         "10 working days left: at risk by default, not started when \"due soon\" means 5"),
        (with(|r| r.recent_progress_days = 40), vec![date!(2025 - 08 - 15)], date!(2025 - 09 - 16), OnTrack,
         "32 days since progress with 10 working days left: on track when progress stays recent for 40 days"),
        (with(|r| r.stale_progress_days = 100), vec![date!(2025 - 05 - 01)], date!(2025 - 08 - 01), OnTrack,
         "progress 92 days old is not stalled when stalling takes 100 days"),
    ];
    let calendar = Calendar::england_and_wales();
    for (rules, progress, today, want, why) in rows {
        let got = status(&state(DUE, &progress, None), today, &calendar, &rules);
        assert_eq!(got.status, want, "{why}");
    }
    assert_eq!(
        ActionRules::default(),
        ActionRules {
            due_soon_working_days: 10,
            recent_progress_days: 30,
            stale_progress_days: 90,
        }
    );
}

#[test]
fn a_closure_day_counts_as_non_working() {
    // With the partnership closed on Mon 29 Sep, (Tue 16 Sep, Tue 30 Sep] holds 9 working days.
    let calendar = Calendar::england_and_wales().with_closure_days([date!(2025 - 09 - 29)]);
    let got = status(
        &state(DUE, &[], None),
        date!(2025 - 09 - 16),
        &calendar,
        &ActionRules::default(),
    );
    assert_eq!(
        got.reason,
        "Due in 9 working days (Tue 30 September) with no progress recorded"
    );
}

#[test]
fn labels_keys_and_serialised_names() {
    let want = [
        ("Not started", "not-started", true),
        ("On track", "on-track", true),
        ("At risk", "at-risk", true),
        ("Overdue", "overdue", true),
        ("Completed", "completed", false),
        ("Impact evidenced", "impact-evidenced", false),
    ];
    for (s, (label, key, open)) in ActionStatus::ALL.into_iter().zip(want) {
        assert_eq!(s.label(), label);
        assert_eq!(s.key(), key);
        assert_eq!(s.is_open(), open, "{s:?}");
        assert_eq!(
            serde_json::to_string(&s).expect("serialises"),
            format!("\"{key}\"")
        );
    }
}

fn day(offset: i64) -> Date {
    date!(2025 - 01 - 01) + Duration::days(offset)
}

proptest! {
    #[test]
    fn derivation_is_total_and_consistent(
        due in 0..730i64,
        today in 0..730i64,
        progress in prop::collection::vec(0..730i64, 0..5),
        completed in prop::option::of(0..730i64),
        closed in prop::collection::vec(0..730i64, 0..8),
        soon in 0..30u32,
        recent in 0..120u32,
        stale in 0..200u32,
    ) {
        let calendar = Calendar::england_and_wales().with_closure_days(closed.into_iter().map(day));
        let rules = ActionRules {
            due_soon_working_days: soon,
            recent_progress_days: recent,
            stale_progress_days: stale,
        };
        let (due, today) = (day(due), day(today));
        let progress: Vec<Date> = progress.into_iter().map(day).collect();
        let completed = completed.map(day);
        let got = status(&state(due, &progress, completed), today, &calendar, &rules);
        let done = completed.is_some_and(|c| c <= today);
        let any_progress = progress.iter().any(|p| *p <= today);

        prop_assert!(!got.reason.is_empty());
        prop_assert!(got.reason.chars().next().is_some_and(char::is_uppercase), "{}", got.reason);
        // Overdue exactly when today is past the due date and the action is not complete.
        prop_assert_eq!(got.status == ActionStatus::Overdue, today > due && !done);
        prop_assert_eq!(got.status == ActionStatus::ImpactEvidenced, done);
        prop_assert_ne!(got.status, ActionStatus::Completed);
        if got.status == ActionStatus::NotStarted {
            prop_assert!(!any_progress);
        }
        if got.status == ActionStatus::OnTrack {
            prop_assert!(any_progress);
        }
        prop_assert_eq!(got.status.is_open(), !done);
    }
}
