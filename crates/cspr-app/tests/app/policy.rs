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

/// Issue 16, finding 1: an agency representative acts for their own agency only. Given the
/// worked example after its first action is agreed (ACTION1, Northshire Community Health),
/// Health's representative may record Health's progress and contribution; the police's
/// representative may do neither for Health; the partnership team acts for any agency.
#[tokio::test]
async fn a_representative_may_give_commands_for_their_own_agency_only() {
    use cspr_app::policy::{Principal, acting_for, may_give};
    use cspr_domain::case::Command;
    use cspr_domain::case::model::{Contribution, ContributionKind};
    use cspr_domain::examples::{ACTION1, HEALTH, PARTNERSHIP, POLICE, local_review_script, text};
    use cspr_domain::ids::UserId;

    let (_db, app) = super::workflows::app(cspr_store::Backend::Sqlite).await;
    let script = local_review_script();
    let agreed = script
        .iter()
        .position(|(_, c)| matches!(c, Command::AgreeAction { .. }))
        .expect("the script agrees an action");
    let case_id = super::workflows::case_after(&app, &script, agreed + 1).await;
    let (case, _) = app.load(case_id).await.expect("load");
    let today = script[agreed].0;

    let person = |role: Role, agency| Principal {
        user_id: UserId::random(),
        partnership_id: PARTNERSHIP,
        role,
        agency_id: agency,
        display_name: String::new(),
        session: String::new(),
    };
    let health = person(Role::AgencyRepresentative, Some(HEALTH));
    let police = person(Role::AgencyRepresentative, Some(POLICE));
    let no_agency = person(Role::AgencyRepresentative, None);
    let team = person(Role::PartnershipTeam, None);
    assert_eq!(acting_for(&health), Some(HEALTH));
    assert_eq!(acting_for(&team), None);

    let progress = Command::RecordActionProgress {
        action_id: ACTION1,
        on: today,
        note: text("Guidance drafted."),
        evidence: None,
    };
    let contribution = |agency| Command::ReceiveContribution {
        kind: ContributionKind::FactualAccuracy,
        agency,
        received_on: today,
        contribution: Contribution {
            text: text("No factual errors."),
            chronology: Vec::new(),
            form: Default::default(),
        },
    };
    assert!(may_give(&health, &case, &progress));
    assert!(!may_give(&police, &case, &progress));
    assert!(!may_give(&no_agency, &case, &progress));
    assert!(may_give(&team, &case, &progress));
    assert!(may_give(&health, &case, &contribution(HEALTH)));
    assert!(!may_give(&health, &case, &contribution(POLICE)));
    assert!(may_give(&team, &case, &contribution(POLICE)));
    // Commands that name no agency are not the policy's concern here.
    let themes = Command::TagThemes { themes: Vec::new() };
    assert!(may_give(&police, &case, &themes));
}
