//! Issue 15, the missing paths: an action completed before its impact is evidenced, a closed
//! case reopened with a reason, reasons for missed statutory deadlines, extensions of a local
//! review, the National Panel's other answers, harm per child and cross-border cases. Each
//! test names the rule's source (PROCESS.md stage, Working Together 2023 (WT2023) ch.5, or the
//! Child Safeguarding Practice Review and Relevant Agency (England) Regulations 2018).

use crate::common::*;
use cspr_domain::actions::{ActionRules, ActionStatus, status};
use cspr_domain::case::{Case, Command, Event, Stage, apply};
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
