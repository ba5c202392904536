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
    vec![Command::EvidenceImpact {
        action_id: ACTION1,
        on: date!(2025 - 09 - 15),
        evidence: text("Audit shows the change."),
    }]
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
