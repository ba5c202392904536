//! Retention and erasure ("Running cspr for years", item 2): a legal hold on a case, placed and
//! lifted with a reason, and the retention periods a partnership sets for each kind of record.
//! UK GDPR Art 5(1)(e): personal data kept no longer than necessary; a hold keeps a case that
//! litigation, an inquest or a later review still needs.

use crate::common::*;
use cspr_domain::case::{Case, Command, DomainError, Event, Stage};
use cspr_domain::retention::{CaseRetention, Retention, after_years, case_retention};
use cspr_domain::settings::Settings;
use cspr_domain::timeline::describe;
use time::macros::date;

/// One command of each kind legal holds add, for the transition table (`case_table.rs`).
pub fn samples() -> Vec<Command> {
    vec![
        place("An inquest is open."),
        lift("The inquest has concluded."),
    ]
}

fn place(reason: &str) -> Command {
    Command::PlaceLegalHold {
        reason: text(reason),
    }
}

fn lift(reason: &str) -> Command {
    Command::LiftLegalHold {
        reason: text(reason),
    }
}

fn closed_case(world: &World) -> (Case, time::Date) {
    case_at(world, Stage::Closed)
}

/// Given a closed case, when the team places a hold with a reason, then the event records the
/// reason and the day, and the case is held.
#[test]
fn a_hold_is_placed_with_its_reason_and_day() {
    let world = World::default();
    let (case, today) = closed_case(&world);
    let events = world
        .decide(&case, today, place("Civil claim by the family."))
        .expect("a hold on a closed case is allowed");
    assert_eq!(
        events,
        vec![Event::LegalHoldPlaced {
            reason: text("Civil claim by the family."),
            placed_on: today,
        }]
    );
    let case = world.step(case, today, &place("Civil claim by the family."));
    let hold = case.legal_hold.as_ref().expect("held");
    assert_eq!(hold.reason.as_str(), "Civil claim by the family.");
    assert_eq!(hold.placed_on, today);
}

#[test]
fn a_case_cannot_be_held_twice() {
    let world = World::default();
    let (case, today) = closed_case(&world);
    let case = world.step(case, today, &place("Inquest."));
    let refused = world.decide(&case, today, place("Another reason."));
    assert!(
        matches!(&refused, Err(DomainError::Rule(m)) if m.contains("already")),
        "{refused:?}"
    );
}

#[test]
fn a_hold_cannot_be_lifted_where_there_is_none() {
    let world = World::default();
    let (case, today) = closed_case(&world);
    let refused = world.decide(&case, today, lift("No longer needed."));
    assert!(
        matches!(&refused, Err(DomainError::Rule(m)) if m.contains("no legal hold")),
        "{refused:?}"
    );
}

#[test]
fn lifting_a_hold_records_why_and_releases_the_case() {
    let world = World::default();
    let (case, today) = closed_case(&world);
    let case = world.step(case, today, &place("Inquest."));
    let events = world
        .decide(&case, today, lift("The inquest has concluded."))
        .expect("lifted");
    assert_eq!(
        events,
        vec![Event::LegalHoldLifted {
            reason: text("The inquest has concluded."),
            lifted_on: today,
        }]
    );
    let case = world.step(case, today, &lift("The inquest has concluded."));
    assert!(case.legal_hold.is_none());
    // And it may be held again later.
    world
        .decide(&case, today, place("A new claim."))
        .expect("held again");
}

/// A reason is required: the command cannot even be read without one.
#[test]
fn a_hold_needs_a_reason() {
    let blank = serde_json::json!({"command": "place-legal-hold", "reason": "   "});
    assert!(serde_json::from_value::<Command>(blank).is_err());
    let missing = serde_json::json!({"command": "lift-legal-hold"});
    assert!(serde_json::from_value::<Command>(missing).is_err());
}

#[test]
fn the_timeline_says_what_happened_and_why() {
    let agency = |_| String::new();
    let placed = describe(
        &Event::LegalHoldPlaced {
            reason: text("Inquest."),
            placed_on: date!(2027 - 01 - 04),
        },
        &agency,
    );
    assert_eq!(placed.date, Some(date!(2027 - 01 - 04)));
    assert_eq!(
        placed.text,
        "A legal hold was placed on the case, so it is not erased: Inquest."
    );
    let lifted = describe(
        &Event::LegalHoldLifted {
            reason: text("The inquest has concluded"),
            lifted_on: date!(2027 - 02 - 01),
        },
        &agency,
    );
    assert_eq!(
        lifted.text,
        "The legal hold was lifted: The inquest has concluded."
    );
}

// ---- Retention periods ----

#[test]
fn the_defaults_are_the_documented_schedule() {
    let r = Retention::default();
    assert_eq!(r.case_years_after_closure, 7);
    assert_eq!(r.access_log_years, 7);
    assert_eq!(r.withdrawn_report_years, 1);
    assert_eq!(r.practitioner_link_days, 90);
    assert_eq!(Settings::default().retention, r);
}

#[test]
fn periods_out_of_range_are_refused_with_the_field_named() {
    for (bad, field) in [
        (
            Retention {
                case_years_after_closure: 0,
                ..Retention::default()
            },
            "retention.case_years_after_closure",
        ),
        (
            Retention {
                access_log_years: 0,
                ..Retention::default()
            },
            "retention.access_log_years",
        ),
        (
            Retention {
                withdrawn_report_years: 100,
                ..Retention::default()
            },
            "retention.withdrawn_report_years",
        ),
        (
            Retention {
                practitioner_link_days: 0,
                ..Retention::default()
            },
            "retention.practitioner_link_days",
        ),
    ] {
        let settings = Settings {
            retention: bad,
            ..Settings::default()
        };
        match settings.check() {
            Err(DomainError::Invalid { field: f, message }) => {
                assert_eq!(f, field);
                assert!(message.starts_with("Enter"), "{message}");
            }
            other => panic!("{field}: {other:?}"),
        }
    }
}

/// Settings saved before retention existed read with the default schedule; a stored schedule
/// outside the ranges is refused when read.
#[test]
fn stored_settings_without_a_schedule_get_the_defaults() {
    let mut stored = serde_json::to_value(Settings::default()).expect("serialises");
    stored.as_object_mut().expect("object").remove("retention");
    let read: Settings = serde_json::from_value(stored.clone()).expect("reads");
    assert_eq!(read.retention, Retention::default());
    stored["retention"] = serde_json::json!({"case_years_after_closure": 0});
    assert!(serde_json::from_value::<Settings>(stored).is_err());
}

#[test]
fn a_year_on_from_29_february_is_28_february() {
    assert_eq!(after_years(date!(2028 - 02 - 29), 1), date!(2029 - 02 - 28));
    assert_eq!(after_years(date!(2027 - 03 - 31), 7), date!(2034 - 03 - 31));
}

/// A closed case is kept until the anniversary of its closure N years on, and may be erased
/// from the day after; an open or held case is never due.
#[test]
fn a_case_is_due_the_day_after_its_period_ends() {
    let r = Retention::default();
    let closed = date!(2027 - 03 - 31);
    let last_day = date!(2034 - 03 - 31);
    assert_eq!(
        case_retention(Some(closed), false, last_day, &r),
        CaseRetention::Kept { until: last_day }
    );
    assert_eq!(
        case_retention(Some(closed), false, date!(2034 - 04 - 01), &r),
        CaseRetention::Due {
            kept_until: last_day
        }
    );
    assert_eq!(
        case_retention(Some(closed), true, date!(2040 - 01 - 01), &r),
        CaseRetention::Held
    );
    assert_eq!(
        case_retention(None, false, date!(2040 - 01 - 01), &r),
        CaseRetention::Open
    );
}
