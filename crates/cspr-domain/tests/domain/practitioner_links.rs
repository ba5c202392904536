//! Issue 16, finding 4: practitioners' links once saved into the agency's one draft (wiping
//! the representative's answers) and sent it as the agency's response. Now each link has a
//! draft of its own, a link's send is a submission waiting for the agency, and only the
//! agency's representative or the partnership team makes it the agency's draft; every event of
//! a link names the link.

use crate::common::*;
use cspr_domain::case::model::{
    Answer, ContributionDraft, ContributionKind, ContributionStatus, FormResponse, Responder,
    SubmissionOutcome,
};
use cspr_domain::case::{Case, Command, DomainError, Event, apply};
use cspr_domain::examples::{HEALTH, POLICE, text};
use cspr_domain::ids::LinkId;
use time::Date;

const KIND: ContributionKind = ContributionKind::AgencySummary;
const LINK_A: LinkId = LinkId(Uuid::from_u128(0x11A));
const LINK_B: LinkId = LinkId(Uuid::from_u128(0x11B));

fn draft(answer: &str, by: Responder) -> ContributionDraft {
    ContributionDraft {
        form: FormResponse {
            answers: vec![Answer {
                question: "involvement".to_owned(),
                asked: "What was your involvement?".to_owned(),
                answer: answer.to_owned(),
            }],
            attachments: Vec::new(),
            by,
        },
        chronology: Vec::new(),
    }
}

fn save(link: Option<LinkId>, answer: &str) -> Command {
    let by = if link.is_some() {
        Responder::Practitioner
    } else {
        Responder::Agency
    };
    Command::SaveContributionDraft {
        kind: KIND,
        agency: HEALTH,
        draft: draft(answer, by),
        link,
    }
}

fn submit(link: LinkId, answer: &str) -> Command {
    Command::SubmitPractitionerAnswers {
        kind: KIND,
        agency: HEALTH,
        link,
        draft: draft(answer, Responder::Practitioner),
    }
}

/// Given the worked example with agency summaries asked of health and the police and not yet
/// sent.
fn given() -> (World, Case, Date) {
    let world = World::default();
    let (case, today, _) = lr_before(
        &world,
        step!(ReceiveContribution {
            kind: ContributionKind::AgencySummary,
            ..
        }),
    );
    (world, case, today)
}

fn then(world: &World, case: Case, today: Date, cmd: Command) -> (Case, Vec<Event>) {
    let events = world
        .decide(&case, today, cmd.clone())
        .unwrap_or_else(|e| panic!("{cmd:?} refused: {e}"));
    (events.iter().fold(case, apply), events)
}

fn request(case: &Case) -> &cspr_domain::case::model::ContributionRequest {
    &case.contributions[&(KIND, HEALTH)]
}

/// Given the representative's draft, when two practitioners save through their links, then
/// each link has its own draft, the representative's is untouched, and the events name the
/// links.
#[test]
fn each_link_saves_a_draft_of_its_own() {
    let (world, case, today) = given();
    let (case, _) = then(&world, case, today, save(None, "The agency's own words."));
    let (case, events) = then(&world, case, today, save(Some(LINK_A), "Nurse A."));
    assert!(
        matches!(&events[..], [Event::ContributionDraftSaved { link: Some(l), .. }] if *l == LINK_A),
        "{events:?}"
    );
    let (case, _) = then(&world, case, today, save(Some(LINK_B), "Nurse B."));
    let r = request(&case);
    assert_eq!(
        r.draft.as_ref().expect("agency draft").form.answers[0].answer,
        "The agency's own words."
    );
    assert_eq!(r.link_drafts[&LINK_A].form.answers[0].answer, "Nurse A.");
    assert_eq!(r.link_drafts[&LINK_B].form.answers[0].answer, "Nurse B.");
    // The agency saving again leaves the links' drafts alone.
    let (case, _) = then(&world, case, today, save(None, "Changed."));
    assert_eq!(
        request(&case).link_drafts[&LINK_A].form.answers[0].answer,
        "Nurse A."
    );
}

/// When a practitioner sends, then their answers are a pending submission of their link, the
/// request is still open, the agency's draft untouched; the link cannot send or save again.
#[test]
fn a_links_send_is_a_submission_not_the_agencys_response() {
    let (world, case, today) = given();
    let (case, _) = then(&world, case, today, save(None, "The agency's own words."));
    let (case, _) = then(&world, case, today, save(Some(LINK_A), "Nurse A draft."));
    let (case, events) = then(&world, case, today, submit(LINK_A, "Nurse A."));
    assert!(
        matches!(&events[..], [Event::PractitionerAnswersSubmitted { link, .. }] if *link == LINK_A),
        "{events:?}"
    );
    let r = request(&case);
    assert!(matches!(r.status, ContributionStatus::Requested));
    assert_eq!(
        r.draft.as_ref().expect("agency draft").form.answers[0].answer,
        "The agency's own words."
    );
    assert!(!r.link_drafts.contains_key(&LINK_A));
    let s = &r.submissions[&LINK_A];
    assert_eq!(s.outcome, SubmissionOutcome::Pending);
    assert_eq!(s.draft.form.answers[0].answer, "Nurse A.");

    for again in [submit(LINK_A, "Again."), save(Some(LINK_A), "Again.")] {
        let refused = world.decide(&case, today, again).expect_err("refused");
        assert!(matches!(refused, DomainError::Rule(_)), "{refused:?}");
    }
    // An empty send is refused.
    let empty = Command::SubmitPractitionerAnswers {
        kind: KIND,
        agency: HEALTH,
        link: LINK_B,
        draft: ContributionDraft::default(),
    };
    assert!(world.decide(&case, today, empty).is_err());
}

/// When the agency accepts a submission, then its answers become the agency's draft (to check
/// and send), marked as a practitioner's; nothing is sent. A declined one keeps its reason and
/// changes no draft. Neither can be decided twice.
#[test]
fn the_agency_accepts_or_declines_a_submission() {
    let (world, case, today) = given();
    let (case, _) = then(&world, case, today, save(None, "The agency's own words."));
    let (case, _) = then(&world, case, today, submit(LINK_A, "Nurse A."));
    let (case, _) = then(&world, case, today, submit(LINK_B, "Nurse B."));

    let decline = Command::DeclinePractitionerAnswers {
        kind: KIND,
        agency: HEALTH,
        link: LINK_B,
        reason: text("Another practitioner answered for the team."),
    };
    let (case, events) = then(&world, case, today, decline.clone());
    assert!(
        matches!(&events[..], [Event::PractitionerAnswersDeclined { link, .. }] if *link == LINK_B)
    );
    let r = request(&case);
    assert!(matches!(
        &r.submissions[&LINK_B].outcome,
        SubmissionOutcome::Declined { reason, .. } if reason.as_str().starts_with("Another")
    ));
    assert_eq!(
        r.draft.as_ref().expect("draft").form.answers[0].answer,
        "The agency's own words."
    );

    let accept = |link| Command::AcceptPractitionerAnswers {
        kind: KIND,
        agency: HEALTH,
        link,
    };
    let (case, events) = then(&world, case, today, accept(LINK_A));
    assert!(
        matches!(&events[..], [Event::PractitionerAnswersAccepted { link, .. }] if *link == LINK_A)
    );
    let r = request(&case);
    assert!(
        matches!(r.status, ContributionStatus::Requested),
        "not sent"
    );
    let d = r.draft.as_ref().expect("draft");
    assert_eq!(d.form.answers[0].answer, "Nurse A.");
    assert_eq!(d.form.by, Responder::Practitioner);
    assert!(matches!(
        r.submissions[&LINK_A].outcome,
        SubmissionOutcome::Accepted { .. }
    ));

    for twice in [accept(LINK_A), accept(LINK_B), decline] {
        assert!(world.decide(&case, today, twice).is_err());
    }
    let unknown = LinkId(Uuid::from_u128(0x11C));
    assert!(world.decide(&case, today, accept(unknown)).is_err());
}

/// A representative of another agency cannot accept or decline health's submissions.
#[test]
fn only_the_agency_acted_for_decides_on_its_submissions() {
    let (world, case, today) = given();
    let (case, _) = then(&world, case, today, submit(LINK_A, "Nurse A."));
    let accept = Command::AcceptPractitionerAnswers {
        kind: KIND,
        agency: HEALTH,
        link: LINK_A,
    };
    let police = cspr_domain::case::Ctx {
        acting_for: Some(POLICE),
        ..world.ctx(today)
    };
    assert!(cspr_domain::case::decide(&case, accept.clone(), &police).is_err());
    let health = cspr_domain::case::Ctx {
        acting_for: Some(HEALTH),
        ..world.ctx(today)
    };
    assert!(cspr_domain::case::decide(&case, accept, &health).is_ok());
}

/// Stored events: a `contribution-draft-saved` written before links had drafts of their own
/// reads as the agency's draft; one of a link round-trips with its link.
#[test]
fn an_old_draft_saved_event_still_reads_as_the_agencys() {
    let old = serde_json::json!({
        "event": "contribution-draft-saved",
        "kind": "agency-summary",
        "agency": HEALTH,
        "draft": { "form": { "answers": [], "attachments": [], "by": "practitioner" }, "chronology": [] },
        "saved_on": "2025-03-03"
    });
    let event: Event = serde_json::from_value(old).expect("old JSON reads");
    assert!(
        matches!(
            &event,
            Event::ContributionDraftSaved {
                link: None,
                kind: ContributionKind::AgencySummary,
                ..
            }
        ),
        "{event:?}"
    );
    let (_, case, _) = given();
    let case = apply(case, &event);
    assert!(request(&case).draft.is_some());
    assert!(request(&case).link_drafts.is_empty());

    let new = Event::ContributionDraftSaved {
        kind: KIND,
        agency: HEALTH,
        draft: draft("x", Responder::Practitioner),
        saved_on: time::macros::date!(2025 - 03 - 03),
        link: Some(LINK_A),
    };
    let json = serde_json::to_value(&new).expect("json");
    assert_eq!(json["link"], serde_json::json!(LINK_A));
    assert_eq!(serde_json::from_value::<Event>(json).expect("reads"), new);
    // A command written before the link field reads too.
    let cmd: Command = serde_json::from_value(serde_json::json!({
        "command": "save-contribution-draft",
        "kind": "agency-summary",
        "agency": HEALTH,
        "draft": {}
    }))
    .expect("old command reads");
    assert!(matches!(
        cmd,
        Command::SaveContributionDraft { link: None, .. }
    ));
}
