//! Issue 16, finding 1: an agency representative acts for their own agency only, and the case
//! itself refuses a command that acts for another agency (the actor's agency is part of what it
//! decides with, `Ctx::acting_for`), whatever path the command came by.

use crate::common::*;
use cspr_domain::case::model::{Contribution, ContributionKind};
use cspr_domain::case::{Command, DomainError, decide};
use cspr_domain::examples::{ACTION1, HEALTH, POLICE, text};

/// Given the worked example with agency summaries asked of the police and health, when health's
/// representative records the police's summary, then the case refuses it; health's own, and
/// anyone's acting for the partnership, it accepts.
#[test]
fn a_contribution_is_recorded_only_for_the_agency_acted_for() {
    let world = World::default();
    let (case, today, _) = lr_before(
        &world,
        step!(ReceiveContribution {
            kind: ContributionKind::AgencySummary,
            ..
        }),
    );
    let summary = |agency| Command::ReceiveContribution {
        kind: ContributionKind::AgencySummary,
        agency,
        received_on: today,
        contribution: Contribution {
            text: text("Seen twice at home."),
            chronology: Vec::new(),
            form: Default::default(),
        },
    };
    let for_health = cspr_domain::case::Ctx {
        acting_for: Some(HEALTH),
        ..world.ctx(today)
    };
    let refused = decide(&case, summary(POLICE), &for_health).expect_err("refused");
    assert!(
        matches!(&refused, DomainError::Rule(m) if m.contains("your own agency")),
        "{refused:?}"
    );
    assert!(decide(&case, summary(HEALTH), &for_health).is_ok());
    assert!(decide(&case, summary(POLICE), &world.ctx(today)).is_ok());
}

/// An action's progress is recorded by someone acting for the action's own agency (ACTION1 is
/// Northshire Community Health's).
#[test]
fn progress_is_recorded_only_for_the_actions_own_agency() {
    let world = World::default();
    let (case, today) = lr_until(&world, step!(AgreeAction { .. }));
    let progress = Command::RecordActionProgress {
        action_id: ACTION1,
        on: today,
        note: text("Guidance drafted."),
        evidence: None,
    };
    let acting = |agency| cspr_domain::case::Ctx {
        acting_for: Some(agency),
        ..world.ctx(today)
    };
    assert!(decide(&case, progress.clone(), &acting(POLICE)).is_err());
    assert!(decide(&case, progress, &acting(HEALTH)).is_ok());
}
