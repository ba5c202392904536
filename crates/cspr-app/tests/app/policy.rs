//! The access policy's derived answers: who moves a case on at each stage comes from what the
//! stage waits on (the domain) and who may give each command (the policy's one table).

use cspr_app::policy::{Role, may_run, responsible_for_stage};
use cspr_domain::case::Stage;

/// Every role the dashboard names for a stage may give a command the stage waits on, and
/// every role that may give one is named: no table of its own to drift.
#[test]
fn who_moves_a_case_on_follows_the_commands_each_role_may_give() {
    for stage in Stage::ALL {
        let named = responsible_for_stage(stage.key());
        for role in Role::ALL {
            let runs_a_next_step = stage.awaits().iter().any(|k| may_run(role, *k));
            assert_eq!(
                named.contains(&role),
                runs_a_next_step,
                "{} at {}",
                role.key(),
                stage.key()
            );
        }
    }
}

/// The figures a partnership sees on its dashboard (PROCESS.md, roles): agencies are waited on
/// while evidence is gathered, the independent reviewer while drafting, the safeguarding
/// partners at sign-off and publication; the Panel's members and the public never.
#[test]
fn the_roles_each_stage_waits_on() {
    let at = |stage: Stage| responsible_for_stage(stage.key());
    assert!(at(Stage::Evidence).contains(&Role::AgencyRepresentative));
    assert!(at(Stage::Evidence).contains(&Role::IndependentReviewer));
    assert!(at(Stage::Drafting).contains(&Role::IndependentReviewer));
    assert!(at(Stage::Drafting).contains(&Role::SafeguardingPartner));
    assert!(at(Stage::Publication).contains(&Role::SafeguardingPartner));
    assert!(at(Stage::Scoping).contains(&Role::SubgroupMember));
    assert!(!at(Stage::Publication).contains(&Role::AgencyRepresentative));
    for stage in Stage::ALL {
        assert!(!at(stage).contains(&Role::PanelMember), "{}", stage.key());
        let open = !matches!(stage, Stage::New | Stage::Closed);
        assert_eq!(
            at(stage).contains(&Role::PartnershipTeam),
            open,
            "{}",
            stage.key()
        );
    }
    assert!(responsible_for_stage("nope").is_empty());
}

/// Opening a case is for whoever may give a case's first command (a serious incident or a
/// referral): the page's role list and the command table agree.
#[test]
fn who_opens_a_case_is_who_gives_its_first_command() {
    use cspr_app::policy::pages::OPEN_CASES;
    use cspr_domain::case::CommandKind;
    for role in Role::ALL {
        let first = [
            CommandKind::RecordSeriousIncident,
            CommandKind::ReceiveReferral,
        ]
        .iter()
        .any(|k| may_run(role, *k));
        assert_eq!(OPEN_CASES.contains(&role), first, "{}", role.key());
    }
    assert!(!cspr_app::policy::pages::CASEWORK.contains(&Role::SystemAdministrator));
}
