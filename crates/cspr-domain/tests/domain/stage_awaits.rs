//! What each stage waits on (`Stage::awaits`): the next steps of the process, from which the
//! access policy derives who moves a case on.

use cspr_domain::case::{CommandKind, Stage};

/// Every awaited command may be given in the stage that waits on it: a next step the case
/// would refuse is no next step.
#[test]
fn every_awaited_command_is_permitted_in_its_stage() {
    for stage in Stage::ALL {
        for kind in stage.awaits() {
            assert!(
                kind.permitted_stages().contains(&stage),
                "{} awaits {kind:?}, which it does not permit",
                stage.key()
            );
        }
    }
}

/// A case that exists and is open always waits on something; a new or closed one on nothing.
#[test]
fn open_stages_wait_on_a_next_step() {
    for stage in Stage::ALL {
        let open = !matches!(stage, Stage::New | Stage::Closed);
        assert_eq!(!stage.awaits().is_empty(), open, "{}", stage.key());
    }
}

/// Evidence gathering waits on the agencies' contributions as well as on the reviewer's draft
/// (PROCESS.md: agencies answer the requests before the overview report is drafted).
#[test]
fn evidence_waits_on_contributions_and_the_draft() {
    let awaits = Stage::Evidence.awaits();
    assert!(awaits.contains(&CommandKind::ReceiveContribution));
    assert!(awaits.contains(&CommandKind::SubmitReportDraft));
}

/// A stage's machine name reads back as the stage.
#[test]
fn stage_keys_round_trip() {
    for stage in Stage::ALL {
        assert_eq!(Stage::from_key(stage.key()), Some(stage));
    }
    assert_eq!(Stage::from_key("nope"), None);
}
