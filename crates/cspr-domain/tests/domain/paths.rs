//! Issue 15, the missing paths: an action completed before its impact is evidenced, a closed
//! case reopened with a reason, reasons for missed statutory deadlines, extensions of a local
//! review, the National Panel's other answers, harm per child and cross-border cases. Each
//! test names the rule's source (PROCESS.md stage, Working Together 2023 (WT2023) ch.5, or the
//! Child Safeguarding Practice Review and Relevant Agency (England) Regulations 2018).

use crate::common::*;
use cspr_domain::actions::{ActionRules, ActionStatus, status};
use cspr_domain::case::{Case, Command, Event, Stage, apply};
use cspr_domain::deadlines::{Deadline, deadlines, missed_without_reason};
use cspr_domain::figures::{LateReason, Period, YearlyFigures};
use cspr_domain::ids::PersonId;
use time::Date;
use time::macros::date;

/// One command of each kind this issue adds, for the transition table (`case_table.rs`).
pub fn samples() -> Vec<Command> {
    vec![
        Command::EvidenceImpact {
            action_id: ACTION1,
            on: date!(2025 - 09 - 15),
            evidence: text("Audit shows the change."),
        },
        reopen(date!(2025 - 10 - 01)),
        explain(LateDeadline::Notification, "The duty manager was away."),
        extend(date!(2025 - 12 - 15), date!(2025 - 10 - 01)),
        cross_border(CrossBorder::HarmedOutsideEngland {
            country: text("Wales"),
        }),
    ]
}

/// Applies events to a case.
fn with(case: Case, events: &[Event]) -> Case {
    events.iter().fold(case, apply)
}

// ---- Item 7: an action completed, distinct from its impact evidenced ----

/// The scoping script's case with its one action agreed (due 30 June 2025), at the action plan.
fn action_agreed(world: &World) -> (Case, Date) {
    sc_until(world, step!(AgreeAction { .. }))
}

/// PROCESS.md stage 13: agencies agree actions and the partnership monitors them *until impact
/// is evidenced*: the work being done and its impact being shown are two steps. Given an agreed
/// action, when it is completed without evidence of impact, then it stands as completed (not
/// impact evidenced), the case cannot close, and once its impact is evidenced it can.
#[test]
fn an_action_completes_before_its_impact_is_evidenced() {
    let world = World::default();
    let (case, _) = action_agreed(&world);
    let rules = ActionRules::default();
    let case = world.step(
        case,
        date!(2025 - 06 - 20),
        &Command::CompleteAction {
            action_id: ACTION1,
            completed_on: date!(2025 - 06 - 20),
            evidence_of_impact: None,
        },
    );
    let a = &case.actions[&ACTION1];
    assert_eq!(
        status(a, date!(2025 - 06 - 20), &world.calendar, &rules).status,
        ActionStatus::Completed
    );
    let close = Command::CloseCase {
        closed_on: date!(2025 - 06 - 30),
        reason: text("Learning shared."),
        without_panel_response: None,
    };
    rule(
        world.decide(&case, date!(2025 - 06 - 30), close.clone()),
        "impact",
    );
    // Completing twice is refused; evidencing impact before the completion date is refused.
    rule(
        world.decide(
            &case,
            date!(2025 - 06 - 21),
            Command::CompleteAction {
                action_id: ACTION1,
                completed_on: date!(2025 - 06 - 21),
                evidence_of_impact: None,
            },
        ),
        "already complete",
    );
    invalid(
        world.decide(
            &case,
            date!(2025 - 06 - 21),
            Command::EvidenceImpact {
                action_id: ACTION1,
                on: date!(2025 - 06 - 19),
                evidence: text("Audit."),
            },
        ),
        "on",
        "completed",
    );
    let case = world.step(
        case,
        date!(2025 - 06 - 25),
        &Command::EvidenceImpact {
            action_id: ACTION1,
            on: date!(2025 - 06 - 25),
            evidence: text("Practitioners report using the neglect toolkit."),
        },
    );
    let a = &case.actions[&ACTION1];
    assert_eq!(
        status(a, date!(2025 - 06 - 25), &world.calendar, &rules).status,
        ActionStatus::ImpactEvidenced
    );
    // Before the day impact was evidenced, it stood as completed.
    assert_eq!(
        status(a, date!(2025 - 06 - 24), &world.calendar, &rules).status,
        ActionStatus::Completed
    );
    rule(
        world.decide(
            &case,
            date!(2025 - 06 - 26),
            Command::EvidenceImpact {
                action_id: ACTION1,
                on: date!(2025 - 06 - 26),
                evidence: text("Again."),
            },
        ),
        "already evidenced",
    );
    let case = world.step(case, date!(2025 - 06 - 30), &close);
    assert_eq!(case.stage, Stage::Closed);
}

/// PROCESS.md stage 13: impact is evidenced for work done. Given an agreed action not yet
/// completed, when its impact is evidenced, then it is refused: complete it first.
#[test]
fn impact_is_evidenced_for_a_completed_action_only() {
    let world = World::default();
    let (case, _) = action_agreed(&world);
    rule(
        world.decide(
            &case,
            date!(2025 - 06 - 25),
            Command::EvidenceImpact {
                action_id: ACTION1,
                on: date!(2025 - 06 - 25),
                evidence: text("Audit."),
            },
        ),
        "complete",
    );
}

/// Stored events: an `action-completed` written before completion and impact were two steps
/// always carries its evidence of impact, and still reads as a completion with impact evidenced.
#[test]
fn an_old_action_completed_event_still_reads_as_impact_evidenced() {
    let old = serde_json::json!({
        "event": "action-completed",
        "action_id": ACTION1,
        "completed_on": "2025-06-20",
        "evidence_of_impact": "Practitioners use the toolkit."
    });
    let event: Event = serde_json::from_value(old).expect("old JSON reads");
    assert_eq!(
        event,
        Event::ActionCompleted {
            action_id: ACTION1,
            completed_on: date!(2025 - 06 - 20),
            evidence_of_impact: Some(text("Practitioners use the toolkit.")),
        }
    );
    let world = World::default();
    let (case, _) = action_agreed(&world);
    let case = with(case, &[event]);
    let a = &case.actions[&ACTION1];
    assert_eq!(
        status(
            a,
            date!(2025 - 06 - 20),
            &world.calendar,
            &ActionRules::default()
        )
        .status,
        ActionStatus::ImpactEvidenced
    );
}

// ---- Item 4: reopening a closed case, with a reason ----

/// The command that reopens a closed case on `on`.
fn reopen(on: Date) -> Command {
    Command::ReopenCase {
        reopened_on: on,
        reason: text("The criminal trial brought new information about the family."),
    }
}

/// PROCESS.md stage 13 and WT2023 ch.5 (new information, a trial's outcome, can bring fresh
/// learning after a case closed). Given a closed case whose action plan was agreed, when it is
/// reopened with a reason, then it is open again at the action plan (as a reopening after the
/// Panel's disagreement does), with the reason recorded.
#[test]
fn a_closed_case_reopens_with_a_reason_at_the_action_plan() {
    let world = World::default();
    let (case, _) = run(&world, &scoping_script());
    assert_eq!(case.stage, Stage::Closed);
    let events = world
        .decide(&case, date!(2025 - 08 - 01), reopen(date!(2025 - 08 - 01)))
        .expect("reopens");
    assert_eq!(
        events,
        vec![Event::CaseReopened {
            reopened_on: date!(2025 - 08 - 01),
            reason: Some(text(
                "The criminal trial brought new information about the family."
            )),
        }]
    );
    let case = with(case, &events);
    assert_eq!(case.stage, Stage::ActionPlan);
    assert_eq!(case.closed, None);
    assert_eq!(case.reopenings.len(), 1);
}

/// Given a case closed with no further action (no actions), when it is reopened, then it
/// returns to "decision made", as after the Panel's disagreement. A reopening cannot be dated
/// before the closure nor in the future.
#[test]
fn a_case_closed_without_actions_reopens_at_the_decision() {
    let world = World::default();
    let (case, _) = run(&world, &no_further_action_script());
    invalid(
        world.decide(&case, date!(2025 - 08 - 01), reopen(date!(2025 - 03 - 05))),
        "reopened_on",
        "closed",
    );
    invalid(
        world.decide(&case, date!(2025 - 08 - 01), reopen(date!(2025 - 08 - 02))),
        "reopened_on",
        "today or in the past",
    );
    let case = world.step(case, date!(2025 - 08 - 01), &reopen(date!(2025 - 08 - 01)));
    assert_eq!(case.stage, Stage::Decided);
}

/// Only a closed case reopens: given an open case, when it is reopened, then it is refused at
/// its stage.
#[test]
fn an_open_case_does_not_reopen() {
    let world = World::default();
    let (case, today) = case_at(&world, Stage::ActionPlan);
    let err = world
        .decide(&case, today, reopen(today))
        .expect_err("open case");
    assert!(
        matches!(err, cspr_domain::case::DomainError::WrongStage { .. }),
        "{err:?}"
    );
}

/// Stored events: a `case-reopened` written before reopening had a reason (the Panel's
/// disagreement) still reads, with no reason.
#[test]
fn an_old_case_reopened_event_still_reads() {
    let old = serde_json::json!({ "event": "case-reopened", "reopened_on": "2025-04-10" });
    let event: Event = serde_json::from_value(old).expect("old JSON reads");
    assert_eq!(
        event,
        Event::CaseReopened {
            reopened_on: date!(2025 - 04 - 10),
            reason: None,
        }
    );
}

// ---- Item 1: a reason whenever a statutory deadline is missed ----

/// A serious incident the local authority became aware of on Friday 28 February 2025 (the
/// local review script's), notified to the National Panel on `notified`, as that day's case.
fn notified_on(world: &World, notified: Date) -> Case {
    let (case, _) = run(world, &local_review_script()[..1]);
    world.step(
        case,
        notified,
        &Command::NotifyNationalPanel {
            notified_on: notified,
            panel_reference: None,
        },
    )
}

fn explain(deadline: LateDeadline, why: &str) -> Command {
    Command::ExplainLateness {
        deadline,
        reason: text(why),
    }
}

/// Children Act 2004 s16C and WT2023 ch.5: the local authority notifies the National Panel
/// within 5 working days of becoming aware; when it does not, the reason is recorded
/// (PROCESS.md, "Where people lose time today": deadlines missed are explained, not hidden).
/// Given an incident known on Fri 28 Feb (due Fri 7 Mar) notified on Wed 12 Mar, when the
/// lateness is explained, then the reason is kept, a later one replaces it, and the case no
/// longer lists the notification among its unexplained missed deadlines.
#[test]
fn a_late_notification_is_explained() {
    let world = World::default();
    let today = date!(2025 - 03 - 12);
    let case = notified_on(&world, today);
    let missed = missed_without_reason(&case, &world.calendar, &world.settings, today);
    assert_eq!(
        missed.iter().map(|m| m.0).collect::<Vec<_>>(),
        vec![LateDeadline::Notification]
    );
    assert_eq!(missed[0].1.due, date!(2025 - 03 - 07));
    let case = world.step(
        case,
        today,
        &explain(LateDeadline::Notification, "The duty manager was away."),
    );
    let case = world.step(
        case,
        today,
        &explain(
            LateDeadline::Notification,
            "The referral reached the local authority late.",
        ),
    );
    assert_eq!(
        case.lateness_reasons.get(&LateDeadline::Notification),
        Some(&text("The referral reached the local authority late."))
    );
    assert!(missed_without_reason(&case, &world.calendar, &world.settings, today).is_empty());
}

/// Given a notification not yet sent when its 5 working days have passed, when the lateness is
/// explained, then it is accepted: an overdue deadline is missed already.
#[test]
fn an_overdue_notification_can_be_explained_before_it_is_sent() {
    let world = World::default();
    let (case, _) = run(&world, &local_review_script()[..1]);
    let today = date!(2025 - 03 - 10);
    assert_eq!(
        missed_without_reason(&case, &world.calendar, &world.settings, today)
            .iter()
            .map(|m| m.0)
            .collect::<Vec<_>>(),
        vec![LateDeadline::Notification]
    );
    world.step(
        case,
        today,
        &explain(LateDeadline::Notification, "Awaiting police information."),
    );
}

/// A reason is for a deadline missed: given a notification sent on time, a rapid review not yet
/// due, and a case with no local review, when lateness is explained, then each is refused.
#[test]
fn lateness_is_explained_only_for_a_missed_deadline() {
    let world = World::default();
    let (case, today) = lr_until(&world, step!(NotifyNationalPanel { .. }));
    rule(
        world.decide(&case, today, explain(LateDeadline::Notification, "x")),
        "on time",
    );
    rule(
        world.decide(&case, today, explain(LateDeadline::RapidReview, "x")),
        "not due yet",
    );
    rule(
        world.decide(&case, today, explain(LateDeadline::LocalReview, "x")),
        "no local review",
    );
}

/// WT2023 ch.5: the rapid review within 15 working days of the notification. Given the worked
/// example notified on Tue 4 Mar (due Tue 25 Mar) and the rapid review still unsent on Wed 26
/// Mar, the rapid review is missed without a reason; a reason clears the warning.
#[test]
fn a_late_rapid_review_is_explained() {
    let world = World::default();
    let (case, _, _) = lr_before(&world, step!(SubmitRapidReview { .. }));
    let today = date!(2025 - 03 - 26);
    let missed = missed_without_reason(&case, &world.calendar, &world.settings, today);
    assert_eq!(
        missed.iter().map(|m| m.0).collect::<Vec<_>>(),
        vec![LateDeadline::RapidReview]
    );
    let case = world.step(
        case,
        today,
        &explain(LateDeadline::RapidReview, "The police summary came late."),
    );
    assert!(missed_without_reason(&case, &world.calendar, &world.settings, today).is_empty());
}

/// Stored state: a case replayed from events written before reasons existed has none (the
/// field is `#[serde(default)]`), and a `lateness-explained` event reads back.
#[test]
fn lateness_explained_reads_back() {
    let e = Event::LatenessExplained {
        deadline: LateDeadline::LocalReview,
        reason: text("The inquest."),
        explained_on: date!(2025 - 11 - 01),
    };
    assert_eq!(reads_back(&e)["deadline"], "local-review");
}

/// The yearly figures show, per deadline, how many were late and how many have a reason, with
/// the reasons (PROCESS.md stage 14: the delay and its reason are recorded, not hidden). Given
/// two late notifications due in March 2025, one explained, when the figures for 2024-25 are
/// computed, then 2 late notifications, 1 with a reason, and that reason with its case.
#[test]
fn yearly_figures_count_late_deadlines_and_their_reasons() {
    let world = World::default();
    let today = date!(2025 - 03 - 12);
    let explained = world.step(
        notified_on(&world, today),
        today,
        &explain(LateDeadline::Notification, "The referral reached us late."),
    );
    let unexplained = notified_on(&world, today);
    let f = YearlyFigures::compute(
        &[explained, unexplained],
        Period::new(date!(2024 - 04 - 01), date!(2025 - 03 - 31)).expect("period"),
        &world.calendar,
        &world.settings,
        &ActionRules::default(),
    );
    let n = f
        .lateness
        .iter()
        .find(|l| l.deadline == LateDeadline::Notification)
        .expect("notification figure");
    assert_eq!((n.late, n.explained), (2, 1));
    assert_eq!(
        n.reasons,
        vec![LateReason {
            case: "CSPR-2025-001".into(),
            reason: "The referral reached us late.".into(),
        }]
    );
    let rows = f.to_csv_rows();
    assert!(rows.contains(&(
        "Late notifications to the National Panel".into(),
        "2".into()
    )));
    assert!(rows.contains(&(
        "Late notifications to the National Panel with a reason".into(),
        "1".into()
    )));
    assert!(rows.contains(&(
        "Reason for a late notification to the National Panel (CSPR-2025-001)".into(),
        "The referral reached us late.".into()
    )));
}

// ---- Item 2: extensions of a local review for reasons other than parallel processes ----

fn extend(new_due_on: Date, decided_on: Date) -> Command {
    Command::ExtendLocalReview {
        new_due_on,
        reason: ExtensionReason::ChangeOfReviewer,
        explanation: text("The reviewer fell ill; a new reviewer started in October."),
        decided_on,
    }
}

/// The worked example's local review before its report is sent: decided on 19 Mar 2025, due
/// 19 Sep + 32 days of inquest = Tue 21 Oct 2025.
fn review_running(world: &World) -> (Case, Date) {
    let (case, today, _) = lr_before(world, step!(SendReport { .. }));
    (case, today)
}

/// PROCESS.md stage 14 and WT2023 ch.5: a local review aims to finish within six months;
/// parallel processes may extend it, and so may other reasons (a change of reviewer), with
/// the extension and its reason recorded. Given a running local review due Tue 21 Oct 2025,
/// when it is extended to Mon 15 Dec for a change of reviewer and the report is sent on Mon 3
/// Nov, then the `local-review` deadline is 15 Dec and met, and the yearly figure "within the
/// extended timescale" counts it, while "within six months" does not.
#[test]
fn a_local_review_extended_for_a_change_of_reviewer() {
    let world = World::default();
    let (case, _) = review_running(&world);
    let before = find_deadline(&world, &case, date!(2025 - 10 - 01), "local-review");
    assert_eq!(before.due, date!(2025 - 10 - 21));
    let case = world.step(
        case,
        date!(2025 - 10 - 01),
        &extend(date!(2025 - 12 - 15), date!(2025 - 10 - 01)),
    );
    let after = find_deadline(&world, &case, date!(2025 - 10 - 01), "local-review");
    assert_eq!(after.due, date!(2025 - 12 - 15));
    assert!(
        after.explanation.contains("change of reviewer"),
        "{}",
        after.explanation
    );
    let case = world.step(
        case,
        date!(2025 - 11 - 03),
        &Command::SendReport {
            sent_on: date!(2025 - 11 - 03),
        },
    );
    let f = YearlyFigures::compute(
        &[case],
        Period::new(date!(2025 - 01 - 01), date!(2025 - 12 - 31)).expect("period"),
        &world.calendar,
        &world.settings,
        &ActionRules::default(),
    );
    assert_eq!(f.completed_within_extended_timescale.count, 1);
    assert_eq!(f.completed_within_months.count, 0);
}

/// An extension moves the date later, while the review runs: given a running review due 21
/// Oct, an extension to 20 Oct is refused; given a sent report, an extension is refused at its
/// stage; the decision date cannot be in the future.
#[test]
fn an_extension_is_later_and_while_the_review_runs() {
    let world = World::default();
    let (case, _) = review_running(&world);
    invalid(
        world.decide(
            &case,
            date!(2025 - 10 - 01),
            extend(date!(2025 - 10 - 20), date!(2025 - 10 - 01)),
        ),
        "new_due_on",
        "later than",
    );
    invalid(
        world.decide(
            &case,
            date!(2025 - 10 - 01),
            extend(date!(2025 - 12 - 15), date!(2025 - 10 - 02)),
        ),
        "decided_on",
        "today or in the past",
    );
    let (sent, today) = lr_until(&world, step!(SendReport { .. }));
    assert!(matches!(
        world.decide(&sent, today, extend(date!(2025 - 12 - 15), today)),
        Err(cspr_domain::case::DomainError::WrongStage { .. })
    ));
}

/// Even an extended date can be missed, and then a reason is still needed (issue 15). Given a
/// review extended to Mon 3 Nov and the report sent on Mon 10 Nov, the local review is missed
/// without a reason.
#[test]
fn a_missed_extended_date_still_needs_a_reason() {
    let world = World::default();
    let (case, _) = review_running(&world);
    let case = world.step(
        case,
        date!(2025 - 10 - 01),
        &extend(date!(2025 - 11 - 03), date!(2025 - 10 - 01)),
    );
    let case = world.step(
        case,
        date!(2025 - 11 - 10),
        &Command::SendReport {
            sent_on: date!(2025 - 11 - 10),
        },
    );
    let today = date!(2025 - 11 - 10);
    assert_eq!(
        missed_without_reason(&case, &world.calendar, &world.settings, today)
            .iter()
            .map(|m| m.0)
            .collect::<Vec<_>>(),
        vec![LateDeadline::LocalReview]
    );
}

fn find_deadline(world: &World, case: &Case, today: Date, key: &str) -> Deadline {
    deadlines(case, &world.calendar, &world.settings, today)
        .into_iter()
        .find(|d| d.key == key)
        .unwrap_or_else(|| panic!("no {key}"))
}

// ---- Item 3: the National Panel's other answers ----

fn panel(answer: PanelAnswer, comments: Option<&str>, on: Date) -> Command {
    Command::RecordPanelResponse {
        answer,
        comments: comments.map(text),
        received_on: on,
    }
}

/// PROCESS.md stage 4 and WT2023 ch.5: the rapid review goes to the National Panel, which
/// replies; it may ask for more information. Given the worked example's rapid review sent on
/// Mon 24 Mar (on time, due 25 Mar), when the Panel asks for more information on 10 Apr and
/// the review is sent again on 17 Apr, then the resubmission is recorded with its date, the
/// Panel's new answer can be recorded, and timeliness still counts the first submission.
#[test]
fn the_panel_asks_for_more_information_and_the_rapid_review_is_sent_again() {
    let world = World::default();
    let (case, _, _) = lr_before(&world, step!(RecordPanelResponse { .. }));
    let on = date!(2025 - 04 - 10);
    invalid(
        world.decide(&case, on, panel(PanelAnswer::MoreInformation, None, on)),
        "comments",
        "information",
    );
    let case = world.step(
        case,
        on,
        &panel(
            PanelAnswer::MoreInformation,
            Some("Please send the health visitor's chronology."),
            on,
        ),
    );
    assert!(case.awaits_panel());
    rule(
        world.decide(
            &case,
            date!(2025 - 04 - 16),
            panel(PanelAnswer::Agrees, None, date!(2025 - 04 - 16)),
        ),
        "send the rapid review again",
    );
    let resend = Command::SubmitRapidReview {
        submitted_on: date!(2025 - 04 - 17),
    };
    let events = world
        .decide(&case, date!(2025 - 04 - 17), resend.clone())
        .expect("sent again");
    assert_eq!(
        events,
        vec![Event::RapidReviewSubmitted {
            submitted_on: date!(2025 - 04 - 17),
            resubmission: true,
        }]
    );
    let case = with(case, &events);
    assert_eq!(case.rapid_review_submitted_on, Some(date!(2025 - 03 - 24)));
    assert_eq!(case.rapid_review_resubmitted, vec![date!(2025 - 04 - 17)]);
    rule(
        world.decide(&case, date!(2025 - 04 - 18), resend),
        "already sent again",
    );
    let case = world.step(
        case,
        date!(2025 - 04 - 24),
        &panel(PanelAnswer::Agrees, None, date!(2025 - 04 - 24)),
    );
    assert_eq!(case.panel_answer(), Some(PanelAnswer::Agrees));
    assert!(!case.awaits_panel());
    let f = YearlyFigures::compute(
        &[case],
        Period::new(date!(2025 - 01 - 01), date!(2025 - 12 - 31)).expect("period"),
        &world.calendar,
        &world.settings,
        &ActionRules::default(),
    );
    assert_eq!(
        (f.rapid_reviews_submitted, f.rapid_reviews_on_time.count),
        (1, 1)
    );
}

/// WT2023 ch.5: the National Panel may take a case as a national review. Given the worked
/// example decided as a local review (due 19 Sep), when the Panel takes it as a national
/// review, then the six-month local review deadline no longer applies, a local review is not
/// commissioned alongside, the partnership keeps gathering evidence (agency reports), and the
/// partners may revise their decision.
#[test]
fn the_panel_takes_the_case_as_a_national_review() {
    let world = World::default();
    let (case, _, _) = lr_before(&world, step!(RecordPanelResponse { .. }));
    let on = date!(2025 - 04 - 10);
    let case = world.step(
        case,
        on,
        &panel(
            PanelAnswer::NationalReview,
            Some("A national review of infant deaths."),
            on,
        ),
    );
    assert_eq!(case.national_review_on(), Some(on));
    assert!(
        deadlines(&case, &world.calendar, &world.settings, on)
            .iter()
            .all(|d| d.key != "local-review")
    );
    rule(
        world.decide(
            &case,
            on,
            Command::AppointIndependentReviewer {
                reviewer: independent_reviewer(),
            },
        ),
        "national review",
    );
    let case = world.step(
        case,
        on,
        &Command::RequestContributions {
            kind: ContributionKind::AgencyReport,
            agencies: vec![POLICE],
            due_on: None,
        },
    );
    let case = world.step(
        case,
        on,
        &Command::DecideOnLocalReview {
            criteria: LocalReviewCriteria::default(),
            outcome: ReviewOutcome::NoFurtherAction,
            reasons: text("The Panel's national review takes the learning forward."),
            decided_on: on,
        },
    );
    assert_eq!(case.stage, Stage::Decided);
}

/// The independent reviewer of the worked example's script.
fn independent_reviewer() -> IndependentReviewer {
    local_review_script()
        .into_iter()
        .find_map(|(_, c)| match c {
            Command::AppointIndependentReviewer { reviewer } => Some(reviewer),
            _ => None,
        })
        .expect("the script appoints a reviewer")
}

/// Stored events: a `panel-responded` written before the Panel's other answers reads
/// `agrees: true` as agreement and `agrees: false` as disagreement; a new one reads back.
#[test]
fn an_old_panel_response_still_reads() {
    for (agrees, answer) in [(true, PanelAnswer::Agrees), (false, PanelAnswer::Disagrees)] {
        let old = serde_json::json!({
            "event": "panel-responded",
            "agrees": agrees,
            "comments": null,
            "received_on": "2025-04-10"
        });
        let event: Event = serde_json::from_value(old).expect("old JSON reads");
        let case = with(Case::default(), &[event]);
        assert_eq!(case.panel_answer(), Some(answer));
    }
    let new = Event::PanelResponded {
        agrees: false,
        answer: Some(PanelAnswer::NationalReview),
        comments: None,
        received_on: date!(2025 - 04 - 10),
    };
    assert_eq!(reads_back(&new)["answer"], "national-review");
}

/// An event's JSON, after checking it reads back as the same event.
#[track_caller]
fn reads_back(e: &Event) -> serde_json::Value {
    let json = serde_json::to_value(e).expect("json");
    assert_eq!(
        &serde_json::from_value::<Event>(json.clone()).expect("reads"),
        e
    );
    json
}

// ---- Item 6: harm recorded per child ----

/// PROCESS.md stage 1 (one notification per incident can name several children) and WT2023
/// ch.5 (a looked-after child's death is notified whether or not abuse is suspected). Given an
/// incident of serious harm to two children in which the looked-after one died, with abuse not
/// suspected, when it is recorded, then it is notifiable because a looked-after child died, and
/// each child shows its own harm (the other child the incident's).
#[test]
fn each_child_has_its_own_harm() {
    let world = World::default();
    let sibling = ChildDetails {
        person_id: PersonId(id(0xC7)),
        looked_after: false,
        harm: None,
        ..child(false, false, AgeOrDateOfBirth::ApproximateAge(4))
    };
    let died = ChildDetails {
        harm: Some(Harm::Death),
        ..child(true, false, AgeOrDateOfBirth::ApproximateAge(2))
    };
    let case = world.step(
        Case::default(),
        date!(2025 - 03 - 03),
        &Command::RecordSeriousIncident {
            partnership_id: PARTNERSHIP,
            reference: "CSPR-2025-009".into(),
            incident: incident(Harm::SeriousHarm, AbuseOrNeglect::NotSuspected),
            children: vec![died, sibling],
            became_aware_on: date!(2025 - 02 - 28),
        },
    );
    assert_eq!(
        case.notifiable_because,
        Some(NotifiableBecause::LookedAfterChildDeath)
    );
    assert_eq!(case.harm_of(CHILD), Some(Harm::Death));
    assert_eq!(case.harm_of(PersonId(id(0xC7))), Some(Harm::SeriousHarm));
    assert_eq!(case.harm_of(PersonId(id(0xC8))), None);
}

/// Stored events: children recorded before harm per child read with none of their own, and
/// show the incident's harm.
#[test]
fn an_old_child_without_harm_shows_the_incidents_harm() {
    let mut json = serde_json::to_value(child(false, false, AgeOrDateOfBirth::ApproximateAge(0)))
        .expect("json");
    json.as_object_mut().expect("object").remove("harm");
    let old: ChildDetails = serde_json::from_value(json).expect("old JSON reads");
    assert_eq!(old.harm, None);
    let (case, _) = run(&World::default(), &local_review_script()[..1]);
    assert_eq!(case.harm_of(CHILD), Some(Harm::SeriousHarm));
}

// ---- Item 5: cross-border cases ----

fn cross_border(arrangement: CrossBorder) -> Command {
    Command::RecordCrossBorder { arrangement }
}

/// WT2023 ch.5: where a child from another area is harmed, the partnerships agree which leads;
/// the statutory steps (notification, rapid review) are the lead's. Given a serious incident
/// known on 28 Feb and not notified by 12 Mar, when it is recorded that the other partnership
/// leads, then this partnership only collaborates: no notification or rapid review deadline of
/// its own is reported, overdue or missed. Recording that we lead brings them back.
#[test]
fn another_partnership_leads_a_child_from_its_area() {
    let world = World::default();
    let (case, _) = run(&world, &local_review_script()[..1]);
    let today = date!(2025 - 03 - 12);
    let case = world.step(
        case,
        today,
        &cross_border(CrossBorder::ChildFromAnotherArea {
            other_partnership: text("Southshire Safeguarding Children Partnership"),
            lead: Lead::Them,
        }),
    );
    assert_eq!(
        case.collaborates_with(),
        Some(&text("Southshire Safeguarding Children Partnership"))
    );
    let ds = deadlines(&case, &world.calendar, &world.settings, today);
    assert!(
        ds.iter()
            .all(|d| d.key != "notification" && d.key != "rapid-review")
    );
    assert!(missed_without_reason(&case, &world.calendar, &world.settings, today).is_empty());
    rule(
        world.decide(&case, today, explain(LateDeadline::Notification, "x")),
        "no such statutory deadline",
    );
    let case = world.step(
        case,
        today,
        &cross_border(CrossBorder::ChildFromAnotherArea {
            other_partnership: text("Southshire Safeguarding Children Partnership"),
            lead: Lead::Us,
        }),
    );
    assert_eq!(case.collaborates_with(), None);
    assert_eq!(
        missed_without_reason(&case, &world.calendar, &world.settings, today)
            .iter()
            .map(|m| m.0)
            .collect::<Vec<_>>(),
        vec![LateDeadline::Notification]
    );
}

/// Children Act 2004 s16C(1)(b) and WT2023 ch.5: a child normally resident in England who dies
/// or is seriously harmed outside England is notifiable. Given the worked example's incident,
/// when it is recorded as harm outside England, then the case stays on the notified route with
/// its notification deadline, and the country is kept.
#[test]
fn a_child_harmed_outside_england_is_still_notifiable() {
    let world = World::default();
    let (case, _) = run(&world, &local_review_script()[..1]);
    let today = date!(2025 - 03 - 03);
    let case = world.step(
        case,
        today,
        &cross_border(CrossBorder::HarmedOutsideEngland {
            country: text("Spain"),
        }),
    );
    assert!(case.is_notified_route());
    assert!(matches!(
        case.cross_border,
        Some(CrossBorder::HarmedOutsideEngland { .. })
    ));
    let ds = deadlines(&case, &world.calendar, &world.settings, today);
    assert!(ds.iter().any(|d| d.key == "notification"));
}
