//! The case timeline: every event of the example scripts reads as one plain sentence, the
//! sentences are the ones a case page should show, and free text is cut short safely.

use crate::common::*;
use cspr_domain::case::{Case, Event, apply};
use cspr_domain::ids::{AgencyId, PersonId, UserId};
use cspr_domain::timeline::{EXCERPT_CHARS, Entry, describe, excerpt, timeline};
use time::macros::date;

fn agency_name(id: AgencyId) -> String {
    match id {
        POLICE => "Northshire Police".into(),
        HEALTH => "Northshire Health".into(),
        CSC => "Northshire Children's Social Care".into(),
        EDUCATION => "Northshire Education".into(),
        PROBATION => "Northshire Probation".into(),
        _ => "Another agency".into(),
    }
}

fn events_of(script: &[(time::Date, cspr_domain::case::Command)]) -> Vec<Event> {
    run(&World::default(), script).1
}

fn scripts() -> [(&'static str, Vec<Event>); 3] {
    [
        ("local review", events_of(&local_review_script())),
        ("scoping", events_of(&scoping_script())),
        ("no further action", events_of(&no_further_action_script())),
    ]
}

/// One line an entry: "date | text", with "-" when the event records no day.
fn render(entries: &[Entry]) -> String {
    entries
        .iter()
        .map(|e| {
            let day = e
                .date
                .map_or_else(|| "-".to_owned(), cspr_domain::words::long_date);
            format!("{day} | {}\n", e.text)
        })
        .collect()
}

fn one(event: &Event) -> String {
    describe(event, &agency_name).text
}

const LOCAL_REVIEW: &str = r#"
28 February 2025 | The local authority became aware of a serious incident (CSPR-2025-001): a child was seriously harmed and abuse or neglect was suspected.
4 March 2025 | The National Panel was notified (reference NP-123).
5 March 2025 | A referral was received from Ray Referrer (Northshire Police).
5 March 2025 | Sam Subgroup (Northshire Police) approved the referral.
6 March 2025 | The chair sent the referral to a rapid review: Notified incident.
6 March 2025 | Northshire Police, Northshire Health and Northshire Children's Social Care were asked for an agency summary, due 18 March 2025.
12 March 2025 | Northshire Police sent an agency summary.
13 March 2025 | Northshire Health sent an agency summary.
14 March 2025 | Northshire Children's Social Care sent an agency summary.
19 March 2025 | The rapid review meeting was held: Facts gathered; key practice episodes analysed.
- | An immediate safety action was agreed for Northshire Children's Social Care, due 1 April 2025: Check the sibling's safety plan.
19 March 2025 | An immediate safety action was carried out.
- | The rapid review's learning was recorded (themes: information sharing): Information about new adults was not shared.
- | The case was tagged with the themes information sharing, voice of the child.
- | The consideration of racism, other inequalities and disability was recorded.
19 March 2025 | The local review decision: hold a local review.
21 March 2025 | The local authority signed off the rapid review.
21 March 2025 | The police signed off the rapid review.
21 March 2025 | The integrated care board signed off the rapid review.
24 March 2025 | The rapid review was sent to the National Panel.
10 April 2025 | The National Panel agreed with the decision.
- | Pat Panel (Head of inclusion, Northshire Education) was appointed to the review panel.
- | The terms of reference were agreed, covering 1 January 2024 to 27 February 2025, the review to report by 30 September 2025.
- | A user was given access to the case as an independent reviewer.
- | A user was given access to the case as an agency representative for Northshire Health.
- | Indy Reviewer was appointed as the independent reviewer.
15 April 2025 | Commissioning was completed and the review began.
16 April 2025 | Northshire Police and Northshire Health were asked for an agency report, due 19 May 2025.
16 April 2025 | Northshire Police were asked for a chronology, due 19 May 2025.
- | A chronology from Northshire Police is now due 30 May 2025: Records are archived off site.
22 April 2025 | Northshire Police saved a draft of a chronology.
30 April 2025 | Northshire Police sent an agency report.
30 April 2025 | Northshire Health sent an agency report.
30 April 2025 | Northshire Police sent a chronology (1 entry).
30 April 2025 | The partnership team reopened a chronology from Northshire Police: One visit is missing.
30 April 2025 | Northshire Police sent a chronology (1 entry).
- | An entry of the integrated chronology was marked as a key practice episode.
1 May 2025 | A coroner's inquest began, stopping the review clock: Witnesses cannot be seen until the inquest hears their evidence.
- | Harper Visitor (Health visitor, Northshire Health) was recorded as a practitioner.
- | A practitioner workshop was scheduled for 20 May 2025, with 1 practitioner invited.
6 May 2025 | Advance information for a learning event was sent.
- | A learning event was held: Practitioners described the pressure of caseloads.
- | Uncle Example is not to be contacted for now: A witness at the inquest.
22 May 2025 | Beth Example (mother) was contacted through Health visitor, and gave their views, including on publication.
2 June 2025 | A parallel process ended.
1 July 2025 | Draft 1 of the overview report was submitted.
1 July 2025 | A new version of “What happened” in the overview report was saved.
1 July 2025 | A recommendation of the overview report was saved.
1 July 2025 | A recommendation was taken out of the overview report.
2 July 2025 | Northshire Police, Northshire Health and Northshire Children's Social Care were asked for a factual-accuracy response, due 30 July 2025.
3 July 2025 | A factual-accuracy comment on “What happened” of the overview report was made for Northshire Police.
4 July 2025 | A factual-accuracy comment was resolved.
4 July 2025 | The family's comments on the overview report were recorded.
4 July 2025 | The overview report was exported as a PDF.
9 July 2025 | Northshire Police sent a factual-accuracy response.
9 July 2025 | Northshire Health sent a factual-accuracy response.
- | A factual-accuracy response from Northshire Children's Social Care is no longer needed: Agency confirmed by phone it has no comments.
15 July 2025 | The local authority signed off the overview report.
15 July 2025 | The police signed off the overview report.
15 July 2025 | The integrated care board signed off the overview report.
15 July 2025 | The partners decided to publish the report.
16 July 2025 | The overview report was sent to the National Panel, the Secretary of State and Ofsted.
- | An action was agreed for Northshire Health, due 30 September 2025: Update the safe sleep guidance and train staff.
- | A pseudonym was chosen for the published report.
17 July 2025 | Version 4 of the report was scanned for personal data: 1 finding to review.
17 July 2025 | Finding 1 of the anonymisation scan was accepted.
17 July 2025 | The redacted report was checked again and names no one the case records.
28 July 2025 | Published on the public page.
- | An action was agreed for Northshire Health, due 30 September 2025: Update the safe sleep guidance and train staff.
15 August 2025 | Progress on an action was recorded: Guidance drafted.
15 August 2025 | Evidence was attached to an action: guidance-draft.pdf.
15 September 2025 | An action was completed, with evidence of impact: Audit shows new adults recorded in 95% of cases.
16 September 2025 | An action was completed, with evidence of impact: Safe sleep audit improved.
20 September 2025 | The learning was shared through a briefing reaching 120 people: Seven-minute briefing for health visitors and social workers.
- | A user's access to the case was taken away.
30 September 2025 | The case was closed: All actions complete with evidence of impact.
28 July 2026 | The published report was taken down: A year online; the learning is in the yearly report.
"#;

const SCOPING: &str = r#"
3 March 2025 | A referral was received from Ray Referrer (Northshire Police), opening case CSPR-2025-002.
4 March 2025 | Sam Subgroup (Northshire Police) approved the referral.
14 March 2025 | The chair sent the referral to scoping at the subgroup meeting of 10 April 2025: Possible learning about neglect.
14 March 2025 | Northshire Health and Northshire Children's Social Care were asked for a scoping form, due 8 April 2025.
28 March 2025 | Northshire Health sent a scoping form.
28 March 2025 | Northshire Children's Social Care sent a scoping form.
10 April 2025 | The scoping meeting was held: Learning to be shared through a practitioner event.
10 April 2025 | The local review decision: another form of learning (Learning event on neglect).
- | An action was agreed for Northshire Health, due 30 June 2025: Update the safe sleep guidance and train staff.
20 June 2025 | An action was completed, with evidence of impact: Practitioners report using the neglect toolkit.
30 June 2025 | The case was closed: Learning shared and embedded.
"#;

const NO_FURTHER_ACTION: &str = r#"
3 March 2025 | A referral was received from Ray Referrer (Northshire Police), opening case CSPR-2025-002.
4 March 2025 | Sam Subgroup (Northshire Police) approved the referral.
5 March 2025 | The chair decided on no further action for the referral: Single-agency matter, already reviewed.
6 March 2025 | The case was closed: No further action.
"#;

/// The whole timeline of each example case, as the case page shows it.
#[test]
fn the_example_cases_read_as_expected() {
    let [(_, local), (_, scoping), (_, nfa)] = scripts();
    assert_eq!(render(&timeline(&local, &agency_name)), &LOCAL_REVIEW[1..]);
    assert_eq!(render(&timeline(&scoping, &agency_name)), &SCOPING[1..]);
    assert_eq!(
        render(&timeline(&nfa, &agency_name)),
        &NO_FURTHER_ACTION[1..]
    );
}

#[test]
fn every_entry_is_one_plain_sentence() {
    let ids: Vec<String> = [POLICE, HEALTH, CSC, EDUCATION, PROBATION]
        .iter()
        .map(ToString::to_string)
        .chain([REVIEWER_USER.to_string(), AGENCY_USER.to_string()])
        .collect();
    for (name, events) in scripts() {
        let entries = timeline(&events, &agency_name);
        assert_eq!(entries.len(), events.len(), "{name}: one entry an event");
        for (entry, event) in entries.iter().zip(&events) {
            let t = &entry.text;
            assert_eq!(
                entry,
                &describe(event, &agency_name),
                "{name}: in event order"
            );
            assert!(!t.trim().is_empty(), "{name}: empty entry for {event:?}");
            assert!(t.ends_with('.'), "{name}: no full stop: {t}");
            assert!(
                t.chars().next().is_some_and(char::is_uppercase),
                "{name}: starts in lower case: {t}"
            );
            assert!(!t.contains('\n'), "{name}: more than one line: {t}");
            for debris in ["{", "}", "Some(", "None", "Uuid", "::", "[", "\"", ".."] {
                assert!(!t.contains(debris), "{name}: {debris:?} in {t}");
            }
            for id in &ids {
                assert!(!t.contains(id.as_str()), "{name}: an id in {t}");
            }
            assert!(t.chars().count() < 300, "{name}: too long: {t}");
        }
    }
}

#[test]
fn a_stage_hint_is_the_stage_the_event_moved_the_case_into() {
    let mut hinted = 0;
    for (name, events) in scripts() {
        let mut case = Case::default();
        for event in &events {
            case = apply(case, event);
            if let Some(stage) = describe(event, &agency_name).stage_hint {
                assert_eq!(case.stage, stage, "{name}: {event:?}");
                hinted += 1;
            }
        }
    }
    assert!(hinted >= 15, "only {hinted} hints");
}

#[test]
fn the_dates_are_the_days_things_happened() {
    let [(_, local), _, _] = scripts();
    let entries = timeline(&local, &agency_name);
    assert_eq!(entries[0].date, Some(date!(2025 - 02 - 28)), "became aware");
    assert_eq!(entries[1].date, Some(date!(2025 - 03 - 04)), "notified");
    // A request is dated the day it was made; the due day is in the words.
    assert_eq!(entries[5].date, Some(date!(2025 - 03 - 06)));
    assert!(entries[5].text.ends_with("due 18 March 2025."));
    // A scheduled learning event records no day of its own.
    let scheduled = entries
        .iter()
        .find(|e| e.text.starts_with("A practitioner workshop"))
        .expect("the workshop");
    assert_eq!(scheduled.date, None);
}

#[test]
fn the_routes_the_scripts_do_not_take() {
    let mut child2 = child(true, false, AgeOrDateOfBirth::ApproximateAge(3));
    child2.person_id = PersonId(id(0xC9));
    let mut died = incident(Harm::Death, AbuseOrNeglect::Known);
    assert_eq!(
        one(&Event::SeriousIncidentRecorded {
            partnership_id: PARTNERSHIP,
            reference: "CSPR-2025-009".into(),
            incident: died.clone(),
            children: vec![
                child(false, false, AgeOrDateOfBirth::ApproximateAge(1)),
                child2
            ],
            became_aware_on: date!(2025 - 03 - 03),
            notifiable_because: NotifiableBecause::AbuseOrNeglect,
        }),
        "The local authority became aware of a serious incident (CSPR-2025-009): \
         2 children died and abuse or neglect was known."
    );
    died.abuse_or_neglect = AbuseOrNeglect::NotSuspected;
    assert_eq!(
        one(&Event::SeriousIncidentRecorded {
            partnership_id: PARTNERSHIP,
            reference: "CSPR-2025-010".into(),
            incident: died,
            children: vec![child(true, false, AgeOrDateOfBirth::ApproximateAge(15))],
            became_aware_on: date!(2025 - 03 - 03),
            notifiable_because: NotifiableBecause::LookedAfterChildDeath,
        }),
        "The local authority became aware of a serious incident (CSPR-2025-010): \
         the death of a looked-after child."
    );
    let cases = [
        (
            Event::NationalPanelNotified {
                notified_on: date!(2025 - 03 - 04),
                panel_reference: None,
            },
            "The National Panel was notified.",
        ),
        (
            Event::ReferralTriaged {
                outcome: TriageOutcome::Scoping,
                reasons: text("Possible learning."),
                triaged_on: date!(2025 - 03 - 04),
                scoping_meeting_on: None,
            },
            "The chair sent the referral to scoping: Possible learning.",
        ),
        (
            Event::ContributionReceived {
                kind: ContributionKind::Chronology,
                agency: HEALTH,
                received_on: date!(2025 - 04 - 30),
                contribution: Contribution {
                    text: text("Chronology."),
                    chronology: vec![
                        ChronologyEntry {
                            date: date!(2024 - 05 - 01),
                            what: text("Home visit."),
                            detail: Default::default(),
                        },
                        ChronologyEntry {
                            date: date!(2024 - 06 - 01),
                            what: text("Clinic."),
                            detail: Default::default(),
                        },
                    ],
                    form: Default::default(),
                },
            },
            "Northshire Health sent a chronology (2 entries).",
        ),
        (
            Event::LocalReviewDecided {
                criteria: LocalReviewCriteria::default(),
                outcome: ReviewOutcome::NoFurtherAction,
                reasons: text("Learning already known."),
                decided_on: date!(2025 - 04 - 10),
            },
            "The local review decision: no further action.",
        ),
        (
            Event::PanelResponded {
                agrees: false,
                answer: None,
                comments: Some(text("A local review may be more appropriate")),
                received_on: date!(2025 - 04 - 10),
            },
            "The National Panel did not agree with the decision: \
             A local review may be more appropriate.",
        ),
        (
            Event::PanelMemberAppointed {
                member: PanelMember {
                    name: name("Pat Panel"),
                    agency: POLICE,
                    role_title: "Detective superintendent".into(),
                    user: None,
                },
                conflict_accepted_because: Some(text("A different command; never met the family.")),
            },
            "Pat Panel (Detective superintendent, Northshire Police) was appointed to the review \
             panel, their agency's involvement accepted: A different command; never met the family.",
        ),
        (
            Event::ParallelProcessStarted {
                id: INQUEST,
                kind: ParallelProcessKind::FamilyProceedings,
                started_on: date!(2025 - 05 - 01),
                stops_clock: false,
                reason: text("The court may call the reviewer."),
            },
            "Family proceedings began alongside the review: The court may call the reviewer.",
        ),
        (
            Event::PublicationDecided {
                decision: PublicationDecision::DoNotPublish {
                    reason: text("It would identify a sibling."),
                },
                decided_on: date!(2025 - 07 - 15),
                reasons: None,
            },
            "The partners decided not to publish the report, and to publish information about the improvements instead: It would identify a sibling.",
        ),
        (
            Event::PublicationDecided {
                decision: PublicationDecision::PublishImprovementsOnly {
                    reason: text("The family cannot be anonymised"),
                },
                decided_on: date!(2025 - 07 - 15),
                reasons: None,
            },
            "The partners decided to publish the improvements instead of the report: \
             The family cannot be anonymised.",
        ),
        (
            Event::FamilyContactRecorded {
                contact: FamilyContact {
                    relative: name("Cleo Example"),
                    relationship: Relationship::OtherRelative("aunt".into()),
                    on: date!(2025 - 05 - 22),
                    through: None,
                    what_they_said: None,
                    views_on_publication: None,
                },
            },
            "Cleo Example (aunt) was contacted.",
        ),
        (
            Event::MembershipGranted {
                user: UserId(id(0x5E3)),
                role: CaseRole::PanelMember,
                agency: None,
            },
            "A user was given access to the case as a review panel member.",
        ),
        (
            Event::RapidReviewLearningRecorded {
                learning: text("Why was the new partner not checked?"),
                themes: vec![],
            },
            "The rapid review's learning was recorded: Why was the new partner not checked?",
        ),
    ];
    for (event, expected) in cases {
        assert_eq!(one(&event), expected);
    }
}

#[test]
fn long_free_text_is_cut_on_a_character_boundary() {
    // Two-byte characters with no spaces: cut after 119 characters, then the ellipsis.
    let long = "é".repeat(300);
    let cut = excerpt(&long);
    assert_eq!(cut.chars().count(), EXCERPT_CHARS);
    assert_eq!(cut, format!("{}…", "é".repeat(EXCERPT_CHARS - 1)));
    let entry = describe(
        &Event::CaseClosed {
            closed_on: date!(2025 - 09 - 30),
            reason: text(&long),
            without_panel_response: None,
        },
        &agency_name,
    );
    assert_eq!(entry.text, format!("The case was closed: {cut}"));
    assert_eq!(entry.date, Some(date!(2025 - 09 - 30)));

    // Three-byte characters with spaces: cut at the last word break.
    let words = "子どもの声を聞く ".repeat(40);
    let cut = excerpt(&words);
    assert!(cut.chars().count() <= EXCERPT_CHARS, "{cut}");
    assert!(cut.ends_with("…"), "{cut}");
    assert!(!cut.ends_with(" …"), "{cut}");
    assert!(words.starts_with(cut.trim_end_matches('…')), "{cut}");
    let last_word = cut
        .trim_end_matches('…')
        .rsplit(' ')
        .next()
        .unwrap_or_default();
    assert_eq!(last_word, "子どもの声を聞く", "cut inside a word: {cut}");
    let emoji = excerpt(&"🧸".repeat(200));
    assert_eq!(emoji, format!("{}…", "🧸".repeat(EXCERPT_CHARS - 1)));

    // Text that fits is kept whole, on one line.
    let fits = "ü".repeat(EXCERPT_CHARS);
    assert_eq!(excerpt(&fits), fits);
    assert_eq!(excerpt("Line one.\n\n\tLine two."), "Line one. Line two.");
}
