//! Deadlines derived from events: dates, states and explanations.

use crate::common::*;
use cspr_domain::case::Case;
use cspr_domain::case::Command;
use cspr_domain::case::model::{AbuseOrNeglect, ChildDetails, Harm, Incident};
use cspr_domain::deadlines::{Deadline, DeadlineKind, DeadlineState, deadlines, next_deadline};
use cspr_domain::settings::Settings;
use time::Date;
use time::macros::date;

/// The deadlines of `case` in `world` as they stand on `today`.
fn deadlines_on(world: &World, case: &Case, today: Date) -> Vec<Deadline> {
    deadlines(case, &world.calendar, &world.settings, today)
}

/// The next deadline of `case` in `world` as it stands on `today`.
fn next_deadline_on(world: &World, case: &Case, today: Date) -> Option<Deadline> {
    next_deadline(case, &world.calendar, &world.settings, today)
}

/// The deadlines at the end of the whole local-review route, as they stand on `today`.
fn local_review_deadlines_on(world: &World, today: Date) -> Vec<Deadline> {
    let (case, _) = run(world, &local_review_script());
    deadlines_on(world, &case, today)
}

/// Asserts when a deadline falls due and that its explanation holds `words`.
fn assert_due(deadline: &Deadline, due: Date, words: &str) {
    assert_eq!(deadline.due, due, "{}", deadline.key);
    assert_explains(deadline, words);
}

/// Asserts that a deadline's explanation holds `words`, showing the explanation when not.
fn assert_explains(deadline: &Deadline, words: &str) {
    assert!(
        deadline.explanation.contains(words),
        "{}",
        deadline.explanation
    );
}

/// The first two steps of a case: the serious incident recorded on `recorded_on` for one
/// child, and the National Panel notified on `notified_on`.
fn incident_then_notification(
    recorded_on: Date,
    reference: &str,
    incident: Incident,
    child: ChildDetails,
    became_aware_on: Date,
    notified_on: Date,
) -> Vec<(Date, Command)> {
    vec![
        (
            recorded_on,
            Command::RecordSeriousIncident {
                partnership_id: PARTNERSHIP,
                reference: reference.into(),
                incident,
                children: vec![child],
                became_aware_on,
            },
        ),
        (
            notified_on,
            Command::NotifyNationalPanel {
                notified_on,
                panel_reference: None,
            },
        ),
    ]
}

/// The deadline with `key`; panics listing them all when there is none.
fn find<'a>(ds: &'a [Deadline], key: &str) -> &'a Deadline {
    ds.iter()
        .find(|d| d.key == key)
        .unwrap_or_else(|| panic!("no deadline {key}: {ds:?}"))
}

#[test]
fn rapid_review_is_due_15_working_days_from_notification_over_christmas() {
    let world = World::default();
    let script = incident_then_notification(
        date!(2024 - 12 - 16),
        "CSPR-2024-009",
        Incident {
            occurred_on: date!(2024 - 12 - 12),
            ..incident(Harm::Death, AbuseOrNeglect::Suspected)
        },
        child(false, false, AgeOrDateOfBirth::ApproximateAge(1)),
        date!(2024 - 12 - 13),
        date!(2024 - 12 - 16),
    );
    let (case, _) = run(&world, &script);
    let ds = deadlines_on(&world, &case, date!(2024 - 12 - 16));
    let notification = find(&ds, "notification");
    assert_eq!(notification.due, date!(2024 - 12 - 20));
    assert_eq!(
        notification.state(date!(2025 - 01 - 06), &world.calendar),
        DeadlineState::Met {
            on: date!(2024 - 12 - 16),
            late_by: 0
        }
    );
    let rr = find(&ds, "rapid-review");
    assert_eq!(rr.due, date!(2025 - 01 - 09));
    assert_eq!(rr.kind, DeadlineKind::DueBy);
    assert!(rr.explanation.starts_with("9 January 2025: 15 working days from the notification to the National Panel on 16 December 2024; 3 bank holidays skipped (Christmas Day, Boxing Day, New Year"), "{}", rr.explanation);
    for (on, line) in [
        (
            date!(2025 - 01 - 06),
            "Due in 3 working days (Thu 9 January)",
        ),
        (date!(2025 - 01 - 09), "Due today (Thu 9 January)"),
        (
            date!(2025 - 01 - 13),
            "Overdue by 2 working days (was due Thu 9 January)",
        ),
    ] {
        assert_eq!(rr.state_line(on, &world.calendar), line, "on {on}");
    }
    assert_eq!(
        next_deadline_on(&world, &case, date!(2024 - 12 - 16)).map(|d| d.key),
        Some("rapid-review".to_owned())
    );
}

#[test]
fn agency_summaries_are_due_on_the_local_working_day_of_the_rapid_review() {
    let world = World {
        settings: Settings {
            agency_summary_due_working_day: 8,
            ..settings()
        },
        ..World::default()
    };
    let (case, _) = lr_until(&world, step!(RequestContributions { .. }));
    let ds = deadlines_on(&world, &case, date!(2025 - 03 - 06));
    // Notified Tuesday 4 March 2025; working day 8 is Friday 14 March.
    let police = find(&ds, &format!("agency-summary:{POLICE}"));
    assert_due(police, date!(2025 - 03 - 14), "requested on 6 March 2025");
}

#[test]
fn a_late_rapid_review_shows_how_late_it_was() {
    let world = World::default();
    let ds = local_review_deadlines_on(&world, date!(2025 - 10 - 01));
    let rr = find(&ds, "rapid-review");
    // Notified 4 March 2025: due 25 March; submitted 24 March.
    assert_eq!(rr.due, date!(2025 - 03 - 25));
    assert_eq!(
        rr.state_line(date!(2025 - 10 - 01), &world.calendar),
        "Met on 24 March 2025"
    );
}

#[test]
fn local_review_target_is_six_months_from_the_decision_extended_by_clock_stops() {
    let world = World::default();
    let ds = local_review_deadlines_on(&world, date!(2025 - 10 - 01));
    let lr = find(&ds, "local-review");
    // Decided 19 March 2025 + 6 months = 19 September; the inquest stopped the clock for
    // 32 days (1 May to 2 June): 21 October 2025.
    assert_due(
        lr,
        date!(2025 - 10 - 21),
        "6 months from the decision on 19 March 2025; clock stopped 32 days for the coroner's inquest",
    );
    assert_eq!(lr.met_on, Some(date!(2025 - 07 - 16)));
}

#[test]
fn publication_dates_follow_sending_and_publication() {
    let world = World::default();
    let ds = local_review_deadlines_on(&world, date!(2025 - 07 - 17));
    let earliest = find(&ds, "earliest-publication");
    assert_eq!(earliest.kind, DeadlineKind::NotBefore);
    assert_eq!(earliest.due, date!(2025 - 07 - 25));
    for (on, state) in [
        (date!(2025 - 07 - 17), DeadlineState::NotYet(6)),
        (date!(2025 - 07 - 25), DeadlineState::Reached),
    ] {
        assert_eq!(earliest.state(on, &world.calendar), state, "on {on}");
    }
    let online = find(&ds, "online-until");
    assert_due(
        online,
        date!(2026 - 07 - 28),
        "1 year after publication on 28 July 2025",
    );
}

#[test]
fn calendar_month_deadlines_move_off_non_working_days() {
    let world = World::default();
    let mut script = local_review_script();
    // Publish on Friday 29 August 2025 instead: one year later is Saturday 29 August 2026,
    // so the report stays online until Tuesday 1 September 2026 (31 August is a bank holiday).
    for (day, cmd) in &mut script {
        if let Command::Publish { published_on, .. } = cmd {
            *day = date!(2025 - 08 - 29);
            *published_on = date!(2025 - 08 - 29);
        }
    }
    let script: Vec<_> = script
        .into_iter()
        .filter(|(d, _)| *d <= date!(2025 - 08 - 29))
        .filter(
            |(_, c)| !matches!(c, Command::AgreeAction { action } if action.action_id == ACTION2),
        )
        .collect();
    let (case, _) = run(&world, &script);
    let ds = deadlines_on(&world, &case, date!(2025 - 09 - 01));
    let online = find(&ds, "online-until");
    assert_due(
        online,
        date!(2026 - 09 - 01),
        "29 August 2026 is not a working day",
    );
}

#[test]
fn care_leaver_notification_has_no_rapid_review_deadline() {
    let world = World::default();
    let script = incident_then_notification(
        date!(2025 - 03 - 03),
        "CSPR-2025-010",
        incident(Harm::Death, AbuseOrNeglect::NotSuspected),
        child(false, true, AgeOrDateOfBirth::ApproximateAge(22)),
        date!(2025 - 02 - 28),
        date!(2025 - 03 - 04),
    );
    let (case, _) = run(&world, &script);
    let ds = deadlines_on(&world, &case, date!(2025 - 03 - 04));
    assert!(ds.iter().any(|d| d.key == "notification"));
    assert!(!ds.iter().any(|d| d.key == "rapid-review"));
}

#[test]
fn a_closed_case_has_no_next_deadline() {
    let world = World::default();
    let (case, _) = run(&world, &no_further_action_script());
    assert!(next_deadline_on(&world, &case, date!(2025 - 04 - 01)).is_none());
}

#[test]
fn a_carried_out_safety_action_meets_its_deadline() {
    let world = World::default();
    let (case, _) = lr_until(&world, step!(CompleteSafetyAction { .. }));
    let ds = deadlines_on(&world, &case, date!(2025 - 06 - 01));
    let safety = find(&ds, &format!("safety-action:{SAFETY1}"));
    assert_eq!(safety.met_on, Some(date!(2025 - 03 - 19)));
    assert_eq!(
        safety.state_line(date!(2025 - 06 - 01), &world.calendar),
        "Met on 19 March 2025"
    );
}
