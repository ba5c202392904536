//! The whole transition table: every command in every stage. A command outside its stages is
//! refused with `WrongStage`; inside them it is never refused for the stage. The table below is
//! the process as PROCESS.md describes it, written independently of `permitted_stages`.

use std::collections::BTreeMap;

use crate::common::*;
use cspr_domain::case::{Command, DomainError, Stage};

/// Every stage key in the order a case moves through them.
const STAGE_ORDER: [&str; 13] = [
    "new",
    "incident",
    "referral",
    "triage",
    "rapid-review",
    "scoping",
    "decided",
    "commissioning",
    "evidence",
    "drafting",
    "publication",
    "action-plan",
    "closed",
];

/// The stages from `first` to `last`, both included, in process order.
fn stages(first: &str, last: &str) -> Vec<&'static str> {
    let at = |key: &str| {
        STAGE_ORDER
            .iter()
            .position(|k| *k == key)
            .unwrap_or_else(|| panic!("no stage {key}"))
    };
    STAGE_ORDER[at(first)..=at(last)].to_vec()
}

/// Command (and contribution kind) -> the stages in which it may be given.
fn expected_table() -> BTreeMap<&'static str, Vec<&'static str>> {
    let open_stages = stages("incident", "action-plan");
    let membership = stages("incident", "closed");
    let review = stages("commissioning", "drafting");
    let family = [
        vec!["rapid-review", "scoping"],
        stages("commissioning", "publication"),
    ]
    .concat();
    let after_submission = stages("decided", "action-plan");
    // The Panel's reply may also come after closure, and a disagreement reopens the case
    // (PROCESS.md stages 4 and 6; issue 15).
    let panel_reply = stages("decided", "closed");
    BTreeMap::from([
        ("record-serious-incident", vec!["new"]),
        // Every open stage, not only before triage: a care leaver's death triaged before it was
        // notified must still be notified (PROCESS.md stage 1; WT2023 ch.5; issue 15).
        ("notify-national-panel", open_stages.clone()),
        ("find-referral-notifiable", vec!["referral", "triage"]),
        ("receive-referral", vec!["new", "incident"]),
        ("approve-referral", vec!["referral"]),
        ("triage-referral", vec!["triage"]),
        ("request-contributions/agency-summary", vec!["rapid-review"]),
        ("receive-contribution/agency-summary", vec!["rapid-review"]),
        ("request-contributions/scoping-form", vec!["scoping"]),
        ("receive-contribution/scoping-form", vec!["scoping"]),
        ("request-contributions/agency-report", review.clone()),
        ("receive-contribution/agency-report", review.clone()),
        ("request-contributions/chronology", review.clone()),
        ("receive-contribution/chronology", review.clone()),
        ("request-contributions/factual-accuracy", vec!["drafting"]),
        ("receive-contribution/factual-accuracy", vec!["drafting"]),
        ("waive-contribution/factual-accuracy", vec!["drafting"]),
        ("change-contribution-due/chronology", review.clone()),
        ("save-contribution-draft/chronology", review.clone()),
        // A practitioner's link answers a request of its kind (issue 16, finding 4).
        ("submit-practitioner-answers", vec!["rapid-review"]),
        ("accept-practitioner-answers", vec!["rapid-review"]),
        ("decline-practitioner-answers", vec!["rapid-review"]),
        ("reopen-contribution/chronology", review.clone()),
        ("mark-key-practice-episode", review.clone()),
        ("hold-rapid-review-meeting", vec!["rapid-review"]),
        ("record-safety-action", vec!["rapid-review"]),
        ("record-rapid-review-learning", vec!["rapid-review"]),
        ("record-inequalities-consideration", vec!["rapid-review"]),
        ("sign-off-rapid-review", vec!["rapid-review"]),
        // And again when the Panel asks for more information (issue 15).
        (
            "submit-rapid-review",
            [vec!["rapid-review"], after_submission.clone()].concat(),
        ),
        ("hold-scoping-meeting", vec!["scoping"]),
        (
            "decide-on-local-review",
            [stages("rapid-review", "commissioning"), vec!["action-plan"]].concat(),
        ),
        ("record-panel-response", panel_reply),
        ("appoint-panel-member", vec!["commissioning", "evidence"]),
        (
            "agree-terms-of-reference",
            vec!["commissioning", "evidence"],
        ),
        (
            "appoint-independent-reviewer",
            vec!["commissioning", "evidence"],
        ),
        // A running local review is extended with a reason (issue 15).
        ("extend-local-review", review.clone()),
        ("record-practitioner", review.clone()),
        ("schedule-learning-event", review.clone()),
        ("send-advance-information", review.clone()),
        ("record-learning-event-notes", review),
        ("record-family-contact", family.clone()),
        ("record-contact-constraint", family),
        ("start-parallel-process", open_stages.clone()),
        ("end-parallel-process", open_stages.clone()),
        ("submit-report-draft", vec!["evidence", "drafting"]),
        ("sign-off-report", vec!["drafting"]),
        ("send-report", vec!["drafting"]),
        ("decide-publication", vec!["drafting", "publication"]),
        ("scan-report", vec!["drafting", "publication"]),
        ("choose-pseudonym", vec!["drafting", "publication"]),
        ("review-finding", vec!["drafting", "publication"]),
        ("decide-jigsaw-risk", vec!["drafting", "publication"]),
        ("check-anonymisation", vec!["drafting", "publication"]),
        ("publish", vec!["publication"]),
        ("unpublish", vec!["action-plan", "closed"]),
        ("agree-action", vec!["publication", "action-plan"]),
        ("record-action-progress", vec!["publication", "action-plan"]),
        ("attach-action-evidence", vec!["publication", "action-plan"]),
        // Which partnership leads, or harm outside England (issue 15).
        ("record-cross-border", open_stages.clone()),
        ("tag-themes", open_stages),
        ("record-dissemination", after_submission.clone()),
        ("complete-action", vec!["publication", "action-plan"]),
        // Impact is evidenced while actions are monitored (PROCESS.md stage 13; issue 15).
        ("evidence-impact", vec!["publication", "action-plan"]),
        ("close-case", vec!["decided", "action-plan"]),
        // A closed case reopens with a reason (issue 15).
        ("reopen-case", vec!["closed"]),
        (
            "complete-safety-action",
            [vec!["rapid-review"], after_submission].concat(),
        ),
        ("save-document-section", membership.clone()),
        ("comment-on-section", membership.clone()),
        ("resolve-section-comment", membership.clone()),
        ("record-document-export", membership.clone()),
        ("save-recommendation", vec!["evidence", "drafting"]),
        ("withdraw-recommendation", vec!["evidence", "drafting"]),
        ("record-family-comment", vec!["drafting", "publication"]),
        // The reason for a missed deadline, also after closure, for the yearly report (issue 15).
        ("explain-lateness", membership.clone()),
        // A legal hold, on a case that exists, open or closed (retention and erasure).
        ("place-legal-hold", membership.clone()),
        ("lift-legal-hold", membership.clone()),
        ("grant-membership", membership.clone()),
        ("revoke-membership", membership),
    ])
}

fn key(cmd: &Command) -> String {
    let v = serde_json::to_value(cmd).expect("command serialises");
    let name = v["command"].as_str().expect("tagged").to_owned();
    match v.get("kind").and_then(|k| k.as_str()) {
        Some(kind) if name.contains("contribution") => format!("{name}/{kind}"),
        _ => name,
    }
}

/// One sample of every command key, taken from the scripts, and of the commands no script
/// gives (a referral that proves notifiable, issue 15).
fn samples() -> BTreeMap<String, Command> {
    let mut out = BTreeMap::new();
    let found_notifiable = Command::FindReferralNotifiable {
        became_aware_on: time::macros::date!(2025 - 03 - 03),
    };
    out.insert(key(&found_notifiable), found_notifiable);
    // The jigsaw check's decision (issue 19), which no script needs.
    let jigsaw = Command::DecideJigsawRisk {
        key: "jr-sample".to_owned(),
        decision: cspr_domain::anonymisation::JigsawDecision::AcceptRisk,
    };
    out.insert(key(&jigsaw), jigsaw);
    // A practitioner's link's commands (issue 16, finding 4), on an agency summary.
    let link = cspr_domain::ids::LinkId(Uuid::from_u128(0x11A));
    let (kind, agency) = (ContributionKind::AgencySummary, HEALTH);
    for cmd in [
        Command::SubmitPractitionerAnswers {
            kind,
            agency,
            link,
            draft: ContributionDraft::default(),
        },
        Command::AcceptPractitionerAnswers { kind, agency, link },
        Command::DeclinePractitionerAnswers {
            kind,
            agency,
            link,
            reason: text("Answered by another."),
        },
    ] {
        out.insert(key(&cmd), cmd);
    }
    for cmd in crate::paths::samples()
        .into_iter()
        .chain(crate::legal_holds::samples())
    {
        out.insert(key(&cmd), cmd);
    }
    for script in [
        local_review_script(),
        scoping_script(),
        no_further_action_script(),
    ] {
        for (_, cmd) in script {
            out.entry(key(&cmd)).or_insert(cmd);
        }
    }
    out
}

#[test]
fn the_table_names_every_command_the_scripts_use_and_no_other() {
    let table = expected_table();
    let samples = samples();
    let in_table: Vec<&str> = table.keys().copied().collect();
    let in_samples: Vec<&str> = samples.keys().map(String::as_str).collect();
    assert_eq!(in_table, in_samples);
    let mut commands: Vec<&str> = in_table
        .iter()
        .map(|k| k.split('/').next().unwrap_or(k))
        .collect();
    commands.dedup();
    // Every variant of `Command` (44): a new command must join a script (or the samples) and
    // this table. 44, then 7 (anonymisation review), 4 (requests to agencies), 4 (documents,
    // pseudonyms), 1 (a referral that proves notifiable), the missing paths of issue 15
    // (`crate::paths::samples`), 3 for practitioners' links (issue 16, finding 4) and 1 for the
    // jigsaw check (issue 19), and legal holds (`crate::legal_holds::samples`).
    assert_eq!(
        commands.len(),
        44 + 7
            + 4
            + 4
            + 1
            + crate::paths::samples().len()
            + 3
            + 1
            + crate::legal_holds::samples().len()
    );
    assert_eq!(
        commands.len(),
        cspr_domain::case::CommandKind::all().count()
    );
}

#[test]
fn every_command_in_every_stage_follows_the_table() {
    let world = World::default();
    let table = expected_table();
    let mut checked = 0;
    for stage in Stage::ALL {
        let (case, today) = case_at(&world, stage);
        for (key, cmd) in samples() {
            let allowed = table[key.as_str()].contains(&stage.key());
            let result = world.decide(&case, today, cmd.clone());
            let wrong_stage = matches!(result, Err(DomainError::WrongStage { .. }));
            assert_eq!(
                !wrong_stage,
                allowed,
                "{key} at stage {}: got {result:?}",
                stage.key()
            );
            if let Err(e @ DomainError::WrongStage { .. }) = &result {
                assert!(e.to_string().starts_with("You cannot "), "{e}");
                assert!(e.to_string().contains(stage.label()), "{e}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, Stage::ALL.len() * table.len());
}

#[test]
fn wrong_stage_message_reads_as_a_sentence() {
    let world = World::default();
    let (case, today) = case_at(&world, Stage::Triage);
    let err = world
        .decide(
            &case,
            today,
            Command::HoldRapidReviewMeeting {
                held_on: today,
                notes: text("x"),
            },
        )
        .expect_err("not at triage");
    assert_eq!(
        err.to_string(),
        "You cannot record the rapid review meeting while the case is at the \u{201c}Triage\u{201d} stage."
    );
}
