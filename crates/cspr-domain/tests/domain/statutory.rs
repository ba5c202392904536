//! Issue 15: the statutory rules the National Panel would hold a partnership to. Each test names
//! its rule and where the rule comes from (`/work/shared/domain/PROCESS.md`, the Children Act
//! 2004, SI 2018/789, Working Together 2023 ch.5 and the Panel's practice guidance).

use crate::common::*;
use cspr_domain::actions::ActionRules;
use cspr_domain::calendar::Calendar;
use cspr_domain::case::{Case, Command, Event, Stage};
use cspr_domain::deadlines::{Counting, Deadline, deadlines};
use cspr_domain::examples::referral_steps;
use cspr_domain::figures::{Period, YearlyFigures};
use time::Date;
use time::macros::date;

/// The deadline with `key`; panics listing them all when there is none.
fn find<'a>(ds: &'a [Deadline], key: &str) -> &'a Deadline {
    ds.iter()
        .find(|d| d.key == key)
        .unwrap_or_else(|| panic!("no deadline {key}: {ds:?}"))
}

/// The case's deadline with `key` as the world counts it on `today`.
fn deadline(world: &World, case: &Case, today: Date, key: &str) -> Deadline {
    let ds = deadlines(case, &world.calendar, &world.settings, today);
    find(&ds, key).clone()
}

/// A world whose partnership closes between Christmas and New Year 2024 (Friday 27, Monday
/// 30 and Tuesday 31 December) and on Friday 18 July 2025.
fn world_with_closures() -> World {
    World {
        calendar: Calendar::england_and_wales().with_closure_days([
            date!(2024 - 12 - 27),
            date!(2024 - 12 - 30),
            date!(2024 - 12 - 31),
            date!(2025 - 07 - 18),
        ]),
        ..World::default()
    }
}

/// A death with abuse suspected, the local authority aware on `aware`, notified on `notified`.
fn notified_over_christmas(world: &World, aware: Date, notified: Date) -> Case {
    let script = vec![
        (
            notified,
            Command::RecordSeriousIncident {
                partnership_id: PARTNERSHIP,
                reference: "CSPR-2024-015".into(),
                incident: Incident {
                    occurred_on: aware,
                    ..incident(Harm::Death, AbuseOrNeglect::Suspected)
                },
                children: vec![child(false, false, AgeOrDateOfBirth::ApproximateAge(1))],
                became_aware_on: aware,
            },
        ),
        (
            notified,
            Command::NotifyNationalPanel {
                notified_on: notified,
                panel_reference: None,
            },
        ),
    ];
    run(world, &script).0
}

// ---------------------------------------------------------------------------------------------
// 1. Closure days never stretch statutory deadlines.
// ---------------------------------------------------------------------------------------------

/// Rule: statutory periods (5 working days to notify, 15 to the rapid review) count Monday to
/// Friday, skipping England and Wales bank holidays only; a partnership's closure days lengthen
/// local timescales, never statutory ones (PROCESS.md, "Counting and dates"; Children Act 2004
/// s16C; WT2023 ch.5; Panel guidance 2025).
///
/// Given a partnership closed on 27, 30 and 31 December 2024, and a notification on Monday 16
/// December 2024; when the deadlines are derived; then the rapid review is due on Thursday 9
/// January 2025 (as the Panel counts), not 14 January, and says it used the statutory calendar.
#[test]
fn closure_days_do_not_stretch_the_rapid_review_deadline() {
    let world = world_with_closures();
    let case = notified_over_christmas(&world, date!(2024 - 12 - 13), date!(2024 - 12 - 16));
    let rr = deadline(&world, &case, date!(2024 - 12 - 16), "rapid-review");
    assert_eq!(rr.due, date!(2025 - 01 - 09));
    assert_eq!(rr.counting, Counting::Statutory);
    assert!(
        !rr.explanation.contains("closure days skipped") && rr.explanation.contains("statutory"),
        "{}",
        rr.explanation
    );
}

/// Rule: the local authority notifies the Panel within 5 working days of becoming aware,
/// counted without closure days (PROCESS.md, "Counting and dates" and stage 1; Children Act 2004
/// s16C).
///
/// Given a partnership closed on 27, 30 and 31 December 2024 and a local authority aware on
/// Friday 20 December 2024; when the deadlines are derived; then notification is due on
/// Tuesday 31 December 2024 (23, 24, 27, 30, 31), a closure day, not Friday 3 January 2025.
#[test]
fn closure_days_do_not_stretch_the_notification_deadline() {
    let world = world_with_closures();
    let case = notified_over_christmas(&world, date!(2024 - 12 - 20), date!(2025 - 01 - 03));
    let n = deadline(&world, &case, date!(2025 - 01 - 03), "notification");
    assert_eq!(n.due, date!(2024 - 12 - 31));
    assert_eq!(n.counting, Counting::Statutory);
    // Sent on 3 January it was late by two statutory working days (2 and 3 January).
    assert_eq!(
        n.state_line(date!(2025 - 01 - 06), &world.calendar),
        "Met on 3 January 2025, 2 working days late"
    );
}

/// Rule: the final report goes to the Panel and the Secretary of State at least 7 working days
/// before publication, counted without closure days (PROCESS.md, "Counting and dates" and stage
/// 11; WT2023 ch.5).
///
/// Given the local review script with the partnership closed on Friday 18 July 2025, the report
/// sent on Wednesday 16 July; when the deadlines are derived; then the earliest publication is
/// Friday 25 July 2025 (17, 18, 21-25), and the local-review aim (local) says it is local.
#[test]
fn closure_days_do_not_stretch_the_publication_notice() {
    let world = world_with_closures();
    let (case, _) = lr_until(&world, step!(Publish { .. }));
    let on = date!(2025 - 07 - 28);
    let earliest = deadline(&world, &case, on, "earliest-publication");
    assert_eq!(earliest.due, date!(2025 - 07 - 25));
    assert_eq!(earliest.counting, Counting::Statutory);
    let local = deadline(&world, &case, on, "local-review");
    assert_eq!(local.counting, Counting::Local);
    let summary = deadline(&world, &case, on, &format!("agency-summary:{POLICE}"));
    assert_eq!(summary.counting, Counting::Local);
}

/// Rule: as above, the 15 working days to the rapid review ignore closure days, so the yearly
/// figures (overdue at the end of a period) follow the statutory count (PROCESS.md, "Counting
/// and dates"; WT2023 ch.5).
///
/// Given a notification on 16 December 2024 with the partnership closed on 27, 30 and 31
/// December and no rapid review sent; when the figures are computed for a period ending Friday
/// 10 January 2025; then the rapid review counts as overdue (due 9 January).
#[test]
fn yearly_figures_count_statutory_deadlines_without_closure_days() {
    let world = world_with_closures();
    let case = notified_over_christmas(&world, date!(2024 - 12 - 13), date!(2024 - 12 - 16));
    let period = Period::new(date!(2024 - 04 - 01), date!(2025 - 01 - 10)).expect("a period");
    let f = YearlyFigures::compute(
        &[case],
        period,
        &world.calendar,
        &world.settings,
        &ActionRules::default(),
    );
    assert_eq!(f.rapid_reviews_overdue_at_end, 1);
}

// ---------------------------------------------------------------------------------------------
// 2. A clock stop ends, at the latest, when the final report is sent.
// ---------------------------------------------------------------------------------------------

/// The local review script with the inquest never recorded as ended (so the partners publish
/// giving their reason).
fn inquest_never_ended() -> Vec<(Date, Command)> {
    local_review_script()
        .into_iter()
        .filter(|(_, c)| !matches!(c, Command::EndParallelProcess { .. }))
        .map(|(day, c)| match c {
            Command::Publish {
                published_on,
                anonymisation_reviewed,
                online_until,
                ..
            } => (
                day,
                Command::Publish {
                    published_on,
                    anonymisation_reviewed,
                    online_until,
                    despite_parallel_process: Some(text(
                        "The coroner agreed the report does not prejudice the inquest.",
                    )),
                },
            ),
            other => (day, other),
        })
        .collect()
}

/// Rule: parallel processes may extend the local aim of six months from the decision; the
/// extension and its reason are recorded (PROCESS.md stages 9 and 14; WT2023 ch.5). A finished
/// review (final report sent to the Panel and the Secretary of State, stage 11) has nothing left
/// to extend, so a stop ends at the latest on the day the report is sent.
///
/// Given the local review script (decided 19 March 2025, report sent 16 July 2025) whose
/// clock-stopping inquest (from 1 May) is never recorded as ended; when the deadlines are
/// derived in October 2025 and in 2027; then the local review deadline is the same both times:
/// 19 September 2025 + 76 days (1 May to 16 July) = Thursday 4 December 2025, and it was met.
#[test]
fn an_open_clock_stop_ends_when_the_report_is_sent() {
    let world = World::default();
    let (case, _) = run(&world, &inquest_never_ended());
    let due_on = |today: Date| {
        let ds = deadlines(&case, &world.calendar, &world.settings, today);
        find(&ds, "local-review").clone()
    };
    let soon = due_on(date!(2025 - 10 - 01));
    let later = due_on(date!(2027 - 01 - 04));
    assert_eq!(soon.due, date!(2025 - 12 - 04));
    assert_eq!(later, soon);
    assert!(
        soon.explanation
            .contains("76 days for the coroner's inquest, until the report was sent"),
        "{}",
        soon.explanation
    );
}

/// Rule: as above; a stop started after the report was sent stops nothing, so the "within the
/// extended timescale" figure does not depend on the reporting period chosen (PROCESS.md stage
/// 14; WT2023 ch.5).
///
/// Given a local aim of 2 months (decided 19 March 2025, so due 19 May + 32 days of inquest =
/// 20 June 2025), the report sent late on 16 July 2025, and a clock-stopping criminal trial
/// started on 21 July 2025 and still running; when the figures are computed for July 2025 and
/// for the financial year 2025-26; then the review is late (0 of 1) in both.
#[test]
fn a_clock_stop_after_the_report_was_sent_does_not_change_the_figures() {
    let world = World {
        settings: cspr_domain::settings::Settings {
            local_review_months: 2,
            ..settings()
        },
        ..World::default()
    };
    let mut script: Vec<_> = local_review_script()
        .into_iter()
        .take_while(|(_, c)| !matches!(c, Command::Publish { .. }))
        .collect();
    script.push((
        date!(2025 - 07 - 21),
        Command::StartParallelProcess {
            id: cspr_domain::ids::ProcessId(id(0xF3)),
            kind: ParallelProcessKind::CriminalTrial,
            started_on: date!(2025 - 07 - 21),
            stops_clock: true,
            reason: text("The trial of the father begins."),
        },
    ));
    let (case, _) = run(&world, &script);
    for (from, to) in [
        (date!(2025 - 07 - 01), date!(2025 - 07 - 31)),
        (date!(2025 - 04 - 01), date!(2026 - 03 - 31)),
    ] {
        let f = YearlyFigures::compute(
            std::slice::from_ref(&case),
            Period::new(from, to).expect("a period"),
            &world.calendar,
            &world.settings,
            &ActionRules::default(),
        );
        assert_eq!(f.local_reviews_completed, 1, "to {to}");
        assert_eq!(
            (
                f.completed_within_extended_timescale.count,
                f.completed_within_extended_timescale.of
            ),
            (0, 1),
            "to {to}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Dates respect the case's own order of events.
// ---------------------------------------------------------------------------------------------

/// Rule: the rapid review is completed, signed off by the partners and then sent to the Panel
/// within 15 working days (PROCESS.md stage 4: the meeting, then sign-off, then the report goes
/// to the National Panel; WT2023 ch.5). Timeliness is measured from recorded dates, so the
/// order must hold: meeting <= sign-off <= submission.
///
/// Given the local review script with the rapid review meeting held on 19 March 2025; when a
/// partner's sign-off is dated 18 March; then it is refused, so no submission can be dated
/// before the meeting.
#[test]
fn a_rapid_review_cannot_be_signed_off_before_its_meeting() {
    let world = World::default();
    let (case, today, _) = lr_before(&world, step!(SignOffRapidReview { .. }));
    invalid(
        world.decide(
            &case,
            today,
            Command::SignOffRapidReview {
                partner: SafeguardingPartner::LocalAuthority,
                signed_on: date!(2025 - 03 - 18),
            },
        ),
        "signed_on",
        "the rapid review meeting (19 March 2025)",
    );
}

/// Rule: the partners sign off the final report and then send it to the Panel and the Secretary
/// of State (PROCESS.md stages 10-12; WT2023 ch.5): draft <= sign-off <= sent <= published.
///
/// Given the local review script whose only draft was submitted on 1 July 2025; when a
/// partner's sign-off is dated 30 June 2025; then it is refused, so the report cannot be
/// recorded as sent before its draft existed.
#[test]
fn a_report_cannot_be_signed_off_before_its_draft_existed() {
    let world = World::default();
    let (case, today, _) = lr_before(&world, step!(SignOffReport { .. }));
    invalid(
        world.decide(
            &case,
            today,
            Command::SignOffReport {
                partner: SafeguardingPartner::LocalAuthority,
                signed_on: date!(2025 - 06 - 30),
            },
        ),
        "signed_on",
        "the latest draft of the report (1 July 2025)",
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Statutory minimums are floors: settings may lengthen them, never shorten them.
// ---------------------------------------------------------------------------------------------

/// Rule: statutory minimums (7 working days' notice before publication, a year online) are
/// floors; a partnership may lengthen them, never shorten them (PROCESS.md, "Counting and
/// dates"; WT2023 ch.5). The statutory limits (5 working days to notify, Children Act 2004 s16C;
/// 15 to the rapid review, WT2023 ch.5) cannot be made later than the statute, nor zero.
///
/// Given settings asking for 0 years online, 0 or 6 working days' notice, 6 working days to
/// notify or 16 to the rapid review; when they are checked; then each is refused on its field
/// with the statutory figure in words; and longer minimums (2 years, 10 days) are accepted.
#[test]
fn settings_below_a_statutory_floor_are_refused() {
    use cspr_domain::settings::Settings;
    let refused = [
        (
            Settings {
                online_years: 0,
                ..settings()
            },
            "online_years",
            "at least 1 year",
        ),
        (
            Settings {
                publication_notice_working_days: 0,
                ..settings()
            },
            "publication_notice_working_days",
            "at least 7 working days",
        ),
        (
            Settings {
                publication_notice_working_days: 6,
                ..settings()
            },
            "publication_notice_working_days",
            "at least 7 working days",
        ),
        (
            Settings {
                notification_working_days: 6,
                ..settings()
            },
            "notification_working_days",
            "within 5 working days",
        ),
        (
            Settings {
                rapid_review_working_days: 16,
                ..settings()
            },
            "rapid_review_working_days",
            "within 15 working days",
        ),
        (
            Settings {
                rapid_review_working_days: 0,
                ..settings()
            },
            "rapid_review_working_days",
            "within 15 working days",
        ),
    ];
    for (s, field, words) in refused {
        match s.check() {
            Err(cspr_domain::case::DomainError::Invalid { field: f, message }) => {
                assert_eq!(f, field, "{message}");
                assert!(message.contains(words), "{message}");
            }
            other => panic!("{field}: expected a refusal, got {other:?}"),
        }
    }
    let longer = Settings {
        online_years: 2,
        publication_notice_working_days: 10,
        ..settings()
    };
    assert_eq!(longer.check(), Ok(()));
    assert_eq!(settings().check(), Ok(()));
}

/// Rule: as above. Stored settings are read back through serde, so a stored "online for 0
/// years" cannot come back as valid settings.
///
/// Given the default settings as JSON with `online_years` set to 0; when they are read; then
/// reading fails, saying the report stays online for at least 1 year.
#[test]
fn stored_settings_below_a_statutory_floor_cannot_be_read() {
    let mut json = serde_json::to_value(settings()).expect("settings serialise");
    json["online_years"] = serde_json::json!(0);
    let err = serde_json::from_value::<cspr_domain::settings::Settings>(json)
        .expect_err("0 years online is refused");
    assert!(err.to_string().contains("at least 1 year"), "{err}");
}

/// Rule: as above; the floor lives in the domain, so settings built in code that skip the
/// check still cannot shorten the notice (PROCESS.md, "Counting and dates"; WT2023 ch.5).
///
/// Given settings with 0 working days' notice and the report sent on Wednesday 16 July 2025;
/// when the deadlines are derived; then the earliest publication is still Friday 25 July 2025.
#[test]
fn the_publication_notice_never_falls_below_seven_working_days() {
    let world = World {
        settings: cspr_domain::settings::Settings {
            publication_notice_working_days: 0,
            ..settings()
        },
        ..World::default()
    };
    let (case, _) = lr_until(&world, step!(SendReport { .. }));
    let ds = deadlines(
        &case,
        &world.calendar,
        &world.settings,
        date!(2025 - 07 - 17),
    );
    assert_eq!(find(&ds, "earliest-publication").due, date!(2025 - 07 - 25));
}

// ---------------------------------------------------------------------------------------------
// 5. A care leaver's death can be notified after triage.
// ---------------------------------------------------------------------------------------------

/// A care leaver of 22 died (abuse not suspected), the local authority aware on Friday 28
/// February 2025; the referral is received, approved and triaged with `outcome` before any
/// notification.
fn care_leaver_triaged(outcome: TriageOutcome) -> Vec<(Date, Command)> {
    let mut steps = vec![(
        date!(2025 - 03 - 03),
        Command::RecordSeriousIncident {
            partnership_id: PARTNERSHIP,
            reference: "CSPR-2025-020".into(),
            incident: incident(Harm::Death, AbuseOrNeglect::NotSuspected),
            children: vec![child(false, true, AgeOrDateOfBirth::ApproximateAge(22))],
            became_aware_on: date!(2025 - 02 - 28),
        },
    )];
    steps.extend(referral_steps(
        date!(2025 - 03 - 03),
        None,
        date!(2025 - 03 - 03),
    ));
    steps.push((
        date!(2025 - 03 - 04),
        Command::TriageReferral {
            outcome,
            reasons: text("A care leaver's death: learning to be considered."),
        },
    ));
    steps
}

/// Rule: deaths of care leavers up to and including age 24 are notified to the National Panel
/// (within 5 working days of the local authority becoming aware), though they need no rapid
/// review (PROCESS.md stage 1; WT2023 ch.5). Triage does not remove the duty to notify.
///
/// Given a care leaver's death triaged to no further action (and another to scoping) before
/// the notification was recorded; when the notification is recorded on 5 March 2025; then it
/// is accepted and the notification deadline is met.
#[test]
fn a_care_leavers_death_triaged_before_notification_can_still_be_notified() {
    let world = World::default();
    for outcome in [TriageOutcome::NoFurtherAction, TriageOutcome::Scoping] {
        let (case, _) = run(&world, &care_leaver_triaged(outcome.clone()));
        let events = world
            .decide(
                &case,
                date!(2025 - 03 - 05),
                Command::NotifyNationalPanel {
                    notified_on: date!(2025 - 03 - 05),
                    panel_reference: None,
                },
            )
            .unwrap_or_else(|e| panic!("{outcome:?}: notification refused: {e}"));
        let case = events.iter().fold(case, cspr_domain::case::apply);
        let ds = deadlines(
            &case,
            &world.calendar,
            &world.settings,
            date!(2025 - 03 - 05),
        );
        assert_eq!(
            find(&ds, "notification").met_on,
            Some(date!(2025 - 03 - 05))
        );
        assert!(!ds.iter().any(|d| d.key == "rapid-review"));
    }
}

// ---------------------------------------------------------------------------------------------
// 6. A looked-after child's death: notified always, a rapid review unless the criteria are not
//    met (with reasons recorded).
// ---------------------------------------------------------------------------------------------

/// A looked-after child of 15 died with `abuse`; notified, referred, approved, ready to triage.
fn looked_after_death_before_triage(world: &World, abuse: AbuseOrNeglect) -> Case {
    let mut script = vec![
        (
            date!(2025 - 03 - 03),
            Command::RecordSeriousIncident {
                partnership_id: PARTNERSHIP,
                reference: "CSPR-2025-030".into(),
                incident: incident(Harm::Death, abuse),
                children: vec![child(true, false, AgeOrDateOfBirth::ApproximateAge(15))],
                became_aware_on: date!(2025 - 02 - 28),
            },
        ),
        (
            date!(2025 - 03 - 04),
            Command::NotifyNationalPanel {
                notified_on: date!(2025 - 03 - 04),
                panel_reference: None,
            },
        ),
    ];
    script.extend(referral_steps(
        date!(2025 - 03 - 04),
        None,
        date!(2025 - 03 - 04),
    ));
    run(world, &script).0
}

fn criteria_not_met() -> Command {
    Command::TriageReferral {
        outcome: TriageOutcome::RapidReviewCriteriaNotMet,
        reasons: text("An expected death from a life-limiting illness; no concerns about care."),
    }
}

/// Rule: a looked-after child's death is notified even where abuse or neglect is not
/// suspected; a rapid review follows unless it is determined, with reasons recorded, that the
/// case does not meet the criteria (an expected death from illness, say) (PROCESS.md,
/// "Counting and dates"; WT2023 ch.5).
///
/// Given a looked-after child's death, abuse not suspected, notified on 4 March 2025; when the
/// chair triages it as not meeting the criteria for a rapid review, with reasons; then the case
/// is decided with that outcome and its reasons, the notification deadline stays (met), and
/// there is no rapid review deadline.
#[test]
fn a_looked_after_childs_expected_death_can_be_found_not_to_meet_the_rapid_review_criteria() {
    let world = World::default();
    let case = looked_after_death_before_triage(&world, AbuseOrNeglect::NotSuspected);
    let case = world.step(case, date!(2025 - 03 - 05), &criteria_not_met());
    assert_eq!(case.stage, cspr_domain::case::Stage::Decided);
    let (outcome, reasons, _) = case.triage.clone().expect("triaged");
    assert_eq!(outcome, TriageOutcome::RapidReviewCriteriaNotMet);
    assert!(reasons.as_str().contains("expected death"));
    let ds = deadlines(
        &case,
        &world.calendar,
        &world.settings,
        date!(2025 - 03 - 05),
    );
    assert_eq!(
        find(&ds, "notification").met_on,
        Some(date!(2025 - 03 - 04))
    );
    assert!(!ds.iter().any(|d| d.key == "rapid-review"), "{ds:?}");
}

/// Rule: as above; the exception is for deaths where abuse or neglect is not known or
/// suspected. Where it is, the case meets the criteria of Children Act 2004 s16C(1) and a
/// rapid review follows (PROCESS.md stages 1 and 3).
///
/// Given a looked-after child's death with abuse suspected, notified; when the chair triages it
/// as not meeting the criteria; then it is refused with the reason.
#[test]
fn a_looked_after_childs_death_with_abuse_suspected_still_goes_to_rapid_review() {
    let world = World::default();
    let case = looked_after_death_before_triage(&world, AbuseOrNeglect::Suspected);
    rule(
        world.decide(&case, date!(2025 - 03 - 05), criteria_not_met()),
        "abuse or neglect",
    );
}

// ---------------------------------------------------------------------------------------------
// 7. A referral that proves notifiable becomes a notification.
// ---------------------------------------------------------------------------------------------

/// Rule: the local authority notifies the National Panel of a serious incident (abuse or
/// neglect known or suspected, and a child died or was seriously harmed) within 5 working days
/// of becoming aware of it, whatever route it first reached the partnership by; every notified
/// incident goes to a rapid review (PROCESS.md stages 1-3; Children Act 2004 s16C(1); WT2023
/// ch.5).
///
/// Given a case opened by referral (serious harm, abuse suspected, a child of 7), approved and
/// waiting for triage; when the team records that it proves notifiable, the local authority
/// having become aware on Tuesday 11 March 2025; then the notification deadline runs from that
/// day (due Tuesday 18 March 2025), the National Panel can be notified, and the case then goes
/// to a rapid review.
#[test]
fn a_referral_that_proves_notifiable_becomes_a_notification() {
    let world = World::default();
    let (case, _, _) = sc_before(&world, step!(TriageReferral { .. }));
    let case = world.step(
        case,
        date!(2025 - 03 - 12),
        &Command::FindReferralNotifiable {
            became_aware_on: date!(2025 - 03 - 11),
        },
    );
    assert!(case.is_notified_route());
    let n = deadline(&world, &case, date!(2025 - 03 - 12), "notification");
    assert_eq!(n.due, date!(2025 - 03 - 18));
    assert!(n.explanation.contains("11 March 2025"), "{}", n.explanation);
    let case = world.step(
        case,
        date!(2025 - 03 - 13),
        &Command::NotifyNationalPanel {
            notified_on: date!(2025 - 03 - 13),
            panel_reference: None,
        },
    );
    let case = world.step(
        case,
        date!(2025 - 03 - 13),
        &Command::TriageReferral {
            outcome: TriageOutcome::RapidReview,
            reasons: text("Notifiable: abuse suspected and serious harm."),
        },
    );
    assert_eq!(case.stage, cspr_domain::case::Stage::RapidReview);
}

/// Rule: as above; only an incident that meets the criteria is notified, and the date of
/// awareness is a date that has happened, not before the incident (PROCESS.md stage 1).
///
/// Given a referral whose incident is a serious harm with abuse not suspected; when the team
/// records that it proves notifiable; then it is refused. And given a notifiable referral, an
/// awareness date before the incident is refused.
#[test]
fn only_a_notifiable_referral_becomes_a_notification() {
    let world = World::default();
    let not_suspected = vec![(
        date!(2025 - 03 - 03),
        Command::ReceiveReferral {
            referral: referral(date!(2025 - 03 - 03)),
            opening: Some(CaseOpening {
                incident: incident(Harm::SeriousHarm, AbuseOrNeglect::NotSuspected),
                ..opening()
            }),
        },
    )];
    let (case, _) = run(&world, &not_suspected);
    let refused = world.decide(
        &case,
        date!(2025 - 03 - 04),
        Command::FindReferralNotifiable {
            became_aware_on: date!(2025 - 03 - 03),
        },
    );
    assert!(
        matches!(&refused, Err(cspr_domain::case::DomainError::Rule(m)) if m.contains("not notifiable")),
        "{refused:?}"
    );
    let (case, _, _) = sc_before(&world, step!(TriageReferral { .. }));
    invalid(
        world.decide(
            &case,
            date!(2025 - 03 - 12),
            Command::FindReferralNotifiable {
                became_aware_on: date!(2025 - 02 - 26),
            },
        ),
        "became_aware_on",
        "the incident",
    );
}

/// Rule: as above. A referral that opens a case with a notifiable incident (here serious harm
/// with abuse suspected) should be notified, so the pages warn when it is opened.
///
/// Given the example opening (serious harm, abuse suspected, a child of 7); when the pages ask
/// for a warning; then they get one saying the National Panel must be notified within 5 working
/// days; and none for abuse not suspected.
#[test]
fn opening_a_case_by_referral_with_a_notifiable_incident_warns() {
    let warning = cspr_domain::case::referral_opening_warning(&opening()).expect("a warning");
    assert!(warning.contains("notif"), "{warning}");
    assert!(warning.contains("5 working days"), "{warning}");
    let quiet = CaseOpening {
        incident: incident(Harm::SeriousHarm, AbuseOrNeglect::NotSuspected),
        ..opening()
    };
    assert_eq!(cspr_domain::case::referral_opening_warning(&quiet), None);
}

// ---------------------------------------------------------------------------------------------
// 8. Closing waits for the Panel's response and for the immediate safety actions.
// ---------------------------------------------------------------------------------------------

/// The local review script's rapid review, decided as no further action and sent to the Panel
/// on 24 March 2025 (the case is then at Decided), with no Panel response yet. `carried_out`
/// says whether the immediate safety action was recorded as carried out.
fn rapid_review_sent_no_further_action(carried_out: bool) -> Vec<(Date, Command)> {
    local_review_script()
        .into_iter()
        .take_while(|(_, c)| !matches!(c, Command::RecordPanelResponse { .. }))
        .filter(|(_, c)| carried_out || !matches!(c, Command::CompleteSafetyAction { .. }))
        .map(|(d, c)| match c {
            Command::DecideOnLocalReview {
                criteria,
                reasons,
                decided_on,
                ..
            } => (
                d,
                Command::DecideOnLocalReview {
                    criteria,
                    outcome: ReviewOutcome::NoFurtherAction,
                    reasons,
                    decided_on,
                },
            ),
            other => (d, other),
        })
        .collect()
}

fn close(without_panel_response: Option<&str>) -> Command {
    Command::CloseCase {
        closed_on: date!(2025 - 04 - 01),
        reason: text("No further action decided at the rapid review."),
        without_panel_response: without_panel_response.map(text),
    }
}

fn panel_response(agrees: bool) -> Command {
    Command::RecordPanelResponse {
        answer: if agrees {
            PanelAnswer::Agrees
        } else {
            PanelAnswer::Disagrees
        },
        comments: Some(text("The Panel's view of the decision.")),
        received_on: date!(2025 - 04 - 10),
    }
}

/// Rule: the rapid review goes to the National Panel, which replies whether it agrees with the
/// decision on a local review; the Panel may conclude that a local review is more appropriate
/// (PROCESS.md stages 4 and 6, regulation 11(d) of SI 2018/789). A case is not finished until
/// that reply is in, unless the partnership records why it closes without it.
///
/// Given a rapid review decided as no further action and sent on 24 March 2025, with no reply
/// from the Panel; when the case is closed on 1 April; then it is refused; and closing with a
/// recorded reason to close without the reply is accepted and keeps that reason.
#[test]
fn a_case_cannot_close_before_the_panel_replies_without_a_reason() {
    let world = World::default();
    let (case, _) = run(&world, &rapid_review_sent_no_further_action(true));
    assert_eq!(case.stage, cspr_domain::case::Stage::Decided);
    rule(
        world.decide(&case, date!(2025 - 04 - 01), close(None)),
        "National Panel",
    );
    let events = world
        .decide(
            &case,
            date!(2025 - 04 - 01),
            close(Some(
                "The Panel said it would not reply to no-further-action decisions.",
            )),
        )
        .expect("closing with a reason");
    assert!(
        matches!(&events[..], [cspr_domain::case::Event::CaseClosed { without_panel_response: Some(r), .. }] if r.as_str().contains("would not reply")),
        "{events:?}"
    );
}

/// Rule: the rapid review decides any immediate action needed to keep children safe (PROCESS.md
/// stage 4; WT2023 ch.5). A case cannot close while such an action was never carried out.
///
/// Given a rapid review sent and answered by the Panel, whose immediate safety action (due 1
/// April 2025) was never recorded as carried out; when the case is closed; then it is refused,
/// naming the safety action.
#[test]
fn a_case_cannot_close_while_an_immediate_safety_action_is_not_carried_out() {
    let world = World::default();
    let mut script = rapid_review_sent_no_further_action(false);
    script.push((date!(2025 - 04 - 10), panel_response(true)));
    let (case, _) = run(&world, &script);
    rule(
        world.decide(&case, date!(2025 - 04 - 10), close(None)),
        "immediate safety action",
    );
}

/// Rule: the Panel replies whether it agrees with the decision, and where it concludes that a
/// local review may be more appropriate the partners decide again (PROCESS.md stages 4 and 6;
/// SI 2018/789 reg 11(d)). A reply that arrives after closure is recorded, and a disagreement
/// reopens the case so the decision can be revised.
///
/// Given a case closed on 1 April 2025 without the Panel's reply (with the reason recorded);
/// when the Panel's reply arrives on 10 April: agreeing, then it is recorded and the case stays
/// closed; disagreeing, then the case reopens at Decided and a revised decision for a local
/// review moves it to commissioning.
#[test]
fn the_panels_reply_after_closure_is_recorded_and_a_disagreement_reopens_the_case() {
    let world = World::default();
    let mut script = rapid_review_sent_no_further_action(true);
    script.push((
        date!(2025 - 04 - 01),
        close(Some(
            "The reply is late; the partners will reopen if the Panel disagrees.",
        )),
    ));
    let (closed, _) = run(&world, &script);
    assert_eq!(closed.stage, cspr_domain::case::Stage::Closed);

    let agreed = world.step(closed.clone(), date!(2025 - 04 - 10), &panel_response(true));
    assert_eq!(agreed.stage, cspr_domain::case::Stage::Closed);
    assert!(matches!(agreed.panel_response, Some((true, _, _))));

    let reopened = world.step(closed, date!(2025 - 04 - 10), &panel_response(false));
    assert_eq!(reopened.stage, cspr_domain::case::Stage::Decided);
    assert_eq!(reopened.closed, None);
    let revised = world.step(
        reopened,
        date!(2025 - 04 - 11),
        &Command::DecideOnLocalReview {
            criteria: LocalReviewCriteria {
                panel_suggested_local_review: true,
                ..Default::default()
            },
            outcome: ReviewOutcome::LocalReview,
            reasons: text("The Panel concluded a local review is more appropriate."),
            decided_on: date!(2025 - 04 - 11),
        },
    );
    assert_eq!(revised.stage, cspr_domain::case::Stage::Commissioning);
}

// ---------------------------------------------------------------------------------------------
// 12. Smaller rules.
// ---------------------------------------------------------------------------------------------

/// Rule: advance information prepares practitioners for a learning event, so it is sent before
/// the event, not after it (PROCESS.md stage 10, "learning events").
///
/// Given the worked example with its workshop on 20 May 2025 and no notes yet; when the advance
/// information is recorded as sent on 21 May (recorded on 22 May); then it is refused; sent on
/// the day of the event, it is accepted.
#[test]
fn advance_information_cannot_be_dated_after_its_learning_event() {
    let world = World::default();
    let (case, _, _) = lr_before(&world, step!(SendAdvanceInformation { .. }));
    let sent = |sent_on| Command::SendAdvanceInformation {
        id: cspr_domain::examples::EVENT1,
        sent_on,
    };
    invalid(
        world.decide(&case, date!(2025 - 05 - 22), sent(date!(2025 - 05 - 21))),
        "sent_on",
        "before the learning event",
    );
    assert!(
        world
            .decide(&case, date!(2025 - 05 - 22), sent(date!(2025 - 05 - 20)))
            .is_ok()
    );
}

/// Rule: a referral names the adults caring for the child with their addresses (PROCESS.md
/// stage 2, the referral form). An address with no lines and no postcode is no address.
///
/// Given a referral whose carer's only address is blank; when it is received; then it is
/// refused, naming the carer.
#[test]
fn an_empty_address_does_not_pass_the_referral_check() {
    let world = World::default();
    let mut referral = cspr_domain::examples::referral(date!(2025 - 03 - 03));
    referral.carers[0].addresses = vec![cspr_domain::case::model::Address {
        lines: vec!["  ".to_owned(), String::new()],
        postcode: None,
    }];
    let command = Command::ReceiveReferral {
        referral,
        opening: Some(cspr_domain::examples::opening()),
    };
    invalid(
        world.decide(&Case::default(), date!(2025 - 03 - 03), command),
        "referral.carers",
        "Add the address of carer 1",
    );
}

// ---------------------------------------------------------------------------------------------
// 11. Factual accuracy from every agency involved.
// ---------------------------------------------------------------------------------------------

/// Rule: every agency involved sees the draft overview report for factual accuracy before the
/// safeguarding partners sign it off (PROCESS.md stage 11; WT2023 ch.5).
///
/// Given the worked example in which only the police were asked for a factual-accuracy response
/// (and sent it), though health and children's social care are involved; when a partner signs
/// the report off; then it is refused, saying two more agencies must be asked.
#[test]
fn sign_off_needs_factual_accuracy_from_every_agency_involved() {
    use cspr_domain::case::model::ContributionKind as K;
    use cspr_domain::examples::{POLICE, local_review_script};
    let world = World::default();
    let script: Vec<(Date, Command)> = local_review_script()
        .into_iter()
        .filter_map(|(day, command)| match command {
            Command::RequestContributions {
                kind: K::FactualAccuracy,
                due_on,
                ..
            } => Some((
                day,
                Command::RequestContributions {
                    kind: K::FactualAccuracy,
                    agencies: vec![POLICE],
                    due_on,
                },
            )),
            Command::ReceiveContribution {
                kind: K::FactualAccuracy,
                agency,
                ..
            }
            | Command::WaiveContribution {
                kind: K::FactualAccuracy,
                agency,
                ..
            } if agency != POLICE => None,
            other => Some((day, other)),
        })
        .collect();
    let (case, today, sign_off) = case_before(&world, &script, step!(SignOffReport { .. }));
    rule(
        world.decide(&case, today, sign_off),
        "ask the other 2 agencies",
    );
}

// ---------------------------------------------------------------------------------------------
// 10. Publication rules.
// ---------------------------------------------------------------------------------------------

/// Rule: a published report stays available for at least a year (WT2023 ch.5), but that is a
/// minimum to plan for, not a lock: a report found to identify someone is withdrawn at once,
/// with the reason recorded (PROCESS.md stage 12; UK GDPR art. 5(1)(f)).
///
/// Given the worked example published on 28 July 2025; when it is taken down the next day
/// because it identifies a sibling; then the withdrawal is recorded with its reason; and a
/// withdrawal without a reason, or dated before publication, is still refused.
#[test]
fn a_published_report_can_be_withdrawn_at_once_with_a_reason() {
    let world = World::default();
    let (case, _) = lr_until(&world, step!(Publish { .. }));
    let withdraw = |removed_on, reason: Option<&str>| Command::Unpublish {
        removed_on,
        reason: reason.map(text),
    };
    let events = world
        .decide(
            &case,
            date!(2025 - 07 - 29),
            withdraw(
                date!(2025 - 07 - 29),
                Some("A reader recognised the child's sibling."),
            ),
        )
        .expect("withdrawn at once");
    assert!(matches!(
        events.as_slice(),
        [Event::Unpublished { removed_on, reason: Some(_) }] if *removed_on == date!(2025 - 07 - 29)
    ));
    invalid(
        world.decide(
            &case,
            date!(2025 - 07 - 29),
            withdraw(date!(2025 - 07 - 29), None),
        ),
        "reason",
        "Say why",
    );
    invalid(
        world.decide(
            &case,
            date!(2025 - 07 - 29),
            withdraw(date!(2025 - 07 - 27), Some("Identifies a sibling.")),
        ),
        "removed_on",
        "published on 28 July 2025",
    );
}

/// The worked example with the partners deciding not to publish the report.
fn not_publishing(with_actions: bool) -> Vec<(Date, Command)> {
    cspr_domain::examples::local_review_script()
        .into_iter()
        .filter_map(|(day, command)| match command {
            Command::DecidePublication { .. } => Some((
                day,
                Command::DecidePublication {
                    decision: PublicationDecision::DoNotPublish {
                        reason: text("Publishing would harm the child's siblings."),
                    },
                    reasons: None,
                },
            )),
            Command::AgreeAction { .. } if !with_actions => None,
            other => Some((day, other)),
        })
        .collect()
}

/// Rule: where publishing the report would harm other children or it cannot be anonymised, the
/// partners publish information about the improvements instead (PROCESS.md stage 12; WT2023
/// ch.5).
///
/// Given the worked example in which the partners decided not to publish the report; when the
/// report is sent; then the case waits for publication (of the improvements) rather than
/// skipping it, so it cannot close first; and publication goes through once an action is
/// agreed; without any action agreed it is refused, as the page is made from the actions.
#[test]
fn deciding_not_to_publish_leads_to_publishing_the_improvements() {
    let world = World::default();
    let (sent, today) = case_until(&world, &not_publishing(true), step!(SendReport { .. }));
    assert_eq!(sent.stage, Stage::Publication);
    assert!(!sent.publishes_full_report());
    let close = Command::CloseCase {
        closed_on: today,
        reason: text("Done."),
        without_panel_response: None,
    };
    assert!(world.decide(&sent, today, close).is_err());
    let (case, today) = case_until(&world, &not_publishing(true), step!(Publish { .. }));
    assert!(case.published_on.is_some(), "{today}");
    assert_eq!(case.stage, Stage::ActionPlan);

    let (case, today, publish) = case_before(&world, &not_publishing(false), step!(Publish { .. }));
    rule(
        world.decide(&case, today, publish),
        "agree at least one action",
    );
}

/// Rule: a parallel process delays publication, and the delay and its reason are recorded, not
/// hidden (PROCESS.md stage 9); publishing while one runs is a decision the partners record
/// with their reason (Panel practice guidance 2025, publication).
///
/// Given the worked example in which the inquest never ended; when the report is published
/// without a reason; then it is refused, naming the inquest; with a reason it is published and
/// the reason is kept on the case.
#[test]
fn publishing_while_a_parallel_process_runs_needs_a_recorded_reason() {
    let world = World::default();
    let script = inquest_never_ended();
    let (case, today, publish) = case_before(&world, &script, step!(Publish { .. }));
    let Command::Publish {
        published_on,
        anonymisation_reviewed,
        online_until,
        ..
    } = publish.clone()
    else {
        unreachable!()
    };
    invalid(
        world.decide(
            &case,
            today,
            Command::Publish {
                published_on,
                anonymisation_reviewed,
                online_until,
                despite_parallel_process: None,
            },
        ),
        "despite_parallel_process",
        "coroner's inquest",
    );
    let case = world.step(case, today, &publish);
    assert!(case.published_despite.is_some());
}

// ---------------------------------------------------------------------------------------------
// 12. Terms of reference and the reviewer's independence.
// ---------------------------------------------------------------------------------------------

/// Rule: the terms of reference set the review's timescale (PROCESS.md stage 7; WT2023 ch.5).
///
/// Given the worked example at its terms of reference; when they are agreed without a date to
/// report by, or with one inside the period under review; then they are refused.
#[test]
fn terms_of_reference_need_a_timescale() {
    let world = World::default();
    let (case, today, _) = lr_before(&world, step!(AgreeTermsOfReference { .. }));
    let agree = |report_due_on| Command::AgreeTermsOfReference {
        terms: cspr_domain::case::model::TermsOfReference {
            report_due_on,
            ..cspr_domain::examples::terms()
        },
    };
    invalid(
        world.decide(&case, today, agree(None)),
        "report_due_on",
        "Enter the timescale",
    );
    invalid(
        world.decide(&case, today, agree(Some(date!(2025 - 01 - 31)))),
        "report_due_on",
        "after the period under review",
    );
    assert!(
        world
            .decide(&case, today, agree(Some(date!(2025 - 10 - 31))))
            .is_ok()
    );
}

fn reviewer(employer: Option<Employer>) -> Command {
    Command::AppointIndependentReviewer {
        reviewer: cspr_domain::case::model::IndependentReviewer {
            name: name("Indy Reviewer"),
            user: None,
            email: None,
            employer,
        },
    }
}

/// Rule: the reviewer is independent of the case: not employed by any agency involved
/// (PROCESS.md stage 7; WT2023 ch.5), and this holds for agencies that become involved later.
///
/// Given the worked example at the reviewer's appointment (health is involved, probation is
/// not); when a reviewer is appointed with no organisation, or from health; then it is refused;
/// from probation it is accepted, and a probation practitioner recorded later is then refused.
#[test]
fn the_reviewer_is_independent_of_every_agency_involved_including_later_ones() {
    use cspr_domain::examples::{HEALTH, PROBATION};
    let world = World::default();
    let (case, today, _) = lr_before(&world, step!(AppointIndependentReviewer { .. }));
    invalid(
        world.decide(&case, today, reviewer(None)),
        "employer",
        "which organisation",
    );
    invalid(
        world.decide(
            &case,
            today,
            reviewer(Some(Employer::Agency { agency: HEALTH })),
        ),
        "employer",
        "not independent",
    );
    let case = world.step(
        case,
        today,
        &reviewer(Some(Employer::Agency { agency: PROBATION })),
    );
    let practitioner = |agency, full_name: &str| Command::RecordPractitioner {
        practitioner: cspr_domain::case::model::Practitioner {
            person_id: cspr_domain::ids::PersonId(uuid::Uuid::from_u128(0xC9)),
            name: name(full_name),
            agency,
            role_title: "Probation officer".into(),
            email: None,
        },
    };
    rule(
        world.decide(&case, today, practitioner(PROBATION, "Pat Officer")),
        "no longer independent",
    );
    rule(
        world.decide(&case, today, practitioner(HEALTH, "Indy Reviewer")),
        "independent reviewer",
    );
    assert!(
        world
            .decide(&case, today, practitioner(HEALTH, "Pat Officer"))
            .is_ok()
    );
}

/// Events stored before items 10 and 12 still read: no timescale, no employer, no reason for
/// publishing during a parallel process.
#[test]
fn events_stored_before_the_publication_and_independence_rules_still_read() {
    let published: Event = serde_json::from_str(
        r#"{"event":"published","published_on":"2025-07-28","online_until":"2026-07-28"}"#,
    )
    .expect("old publication");
    assert!(matches!(
        published,
        Event::Published {
            despite_parallel_process: None,
            ..
        }
    ));
    let reviewer: cspr_domain::case::model::IndependentReviewer =
        serde_json::from_str(r#"{"name":"Indy Reviewer","user":null,"email":null}"#)
            .expect("old reviewer");
    assert_eq!(reviewer.employer, None);
    let mut terms = serde_json::to_value(cspr_domain::examples::terms()).expect("terms");
    terms
        .as_object_mut()
        .expect("object")
        .remove("report_due_on");
    let terms: cspr_domain::case::model::TermsOfReference =
        serde_json::from_value(terms).expect("old terms");
    assert_eq!(terms.report_due_on, None);
}
