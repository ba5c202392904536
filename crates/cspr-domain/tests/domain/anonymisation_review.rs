//! Given / when / then tests of the anonymisation review before publication: the scan's
//! findings come in a command, each is accepted, rejected or widened, the redacted text is
//! checked again for known names, and publication waits for all of it; then "online until"
//! and the reasons for the decision and for a withdrawal.

use crate::common::*;
use cspr_domain::anonymisation::{FindingDecision, RemainingName, ReportPart, ScanFinding};
use cspr_domain::case::{Case, Command, DomainError, Event, apply};
use cspr_domain::examples::anonymisation_finding;
use cspr_domain::ids::PersonId;
use time::Date;
use time::macros::date;

fn text(s: &str) -> NonEmptyText {
    NonEmptyText::parse(s).expect("text")
}

/// The local review just before its anonymisation scan (report sent, decision to publish).
fn before_scan(w: &World) -> (Case, Date) {
    let (case, day, _) = lr_before(w, step!(ScanReport { .. }));
    (case, day)
}

/// Applies commands that must be accepted.
#[track_caller]
fn given(w: &World, case: &Case, steps: &[(Date, Command)]) -> Case {
    steps
        .iter()
        .fold(case.clone(), |case, (day, cmd)| w.step(case, *day, cmd))
}

/// Decides a step (a day and a command) on the case as it stands.
fn when(w: &World, case: &Case, (day, cmd): (Date, Command)) -> Result<Vec<Event>, DomainError> {
    w.decide(case, day, cmd)
}

fn finding(part: ReportPart, start: u32, end: u32, known: bool) -> ScanFinding {
    ScanFinding {
        part,
        start,
        end,
        label: "PERSON".into(),
        reason: if known { "case_knowledge" } else { "title" }.into(),
        confidence: 90,
        known_person: known,
        replacement: if known { "Mother" } else { "a neighbour" }.into(),
    }
}

const DAY: Date = date!(2025 - 07 - 17);
const PUBLISH_DAY: Date = date!(2025 - 07 - 28);

/// Two findings: "Text" and "What" in "Text of What happened".
fn two_findings() -> Vec<ScanFinding> {
    vec![
        finding(ReportPart::Section(Section::Overview), 0, 4, true),
        finding(ReportPart::Section(Section::Overview), 8, 12, false),
    ]
}

/// The version of the report the case holds now.
fn version(case: &Case) -> u32 {
    case.latest_draft().expect("a draft").version
}

fn scan(case: &Case, findings: Vec<ScanFinding>) -> (Date, Command) {
    (
        DAY,
        Command::ScanReport {
            version: version(case),
            findings,
        },
    )
}

fn review(finding: u32, decision: FindingDecision) -> (Date, Command) {
    (DAY, Command::ReviewFinding { finding, decision })
}

fn check(remaining: Vec<RemainingName>) -> (Date, Command) {
    (DAY, Command::CheckAnonymisation { remaining })
}

/// The case just before its scan, scanned with [`two_findings`], then these decisions
/// recorded in order from finding 0.
fn two_findings_reviewed(w: &World, decisions: &[FindingDecision]) -> Case {
    let (case, _) = before_scan(w);
    let case = given(w, &case, &[scan(&case, two_findings())]);
    let reviews: Vec<_> = (0..).zip(decisions).map(|(i, d)| review(i, *d)).collect();
    given(w, &case, &reviews)
}

/// The case scanned again for the example finding, the finding accepted and the redacted text
/// checked clear.
fn cleared(w: &World, case: &Case) -> Case {
    given(
        w,
        case,
        &[
            scan(case, vec![anonymisation_finding()]),
            review(0, FindingDecision::Accept),
            check(vec![]),
        ],
    )
}

/// Taking the report down on `on`, with the reason given.
fn unpublish(on: Date, reason: Option<&str>) -> (Date, Command) {
    (
        on,
        Command::Unpublish {
            removed_on: on,
            reason: reason.map(text),
        },
    )
}

fn publish(online_until: Option<Date>) -> Command {
    Command::Publish {
        published_on: PUBLISH_DAY,
        anonymisation_reviewed: true,
        online_until,
        despite_parallel_process: None,
    }
}

#[test]
fn a_scan_records_its_findings_for_the_latest_version() {
    let w = World::default();
    let (case, _) = before_scan(&w);
    let events = when(&w, &case, scan(&case, two_findings())).expect("scan accepted");
    assert_eq!(
        events,
        vec![Event::ReportScanned {
            version: version(&case),
            scanned_on: DAY,
            findings: two_findings(),
        }]
    );
    let case = apply(case, &events[0]);
    let review = case.anonymisation.as_ref().expect("review");
    assert_eq!(review.unreviewed(), 2);
    assert!(review.blocker(review.version).is_some_and(|b| {
        b.contains("2 findings of the anonymisation review are not reviewed yet")
    }));
}

#[test]
fn a_scan_of_an_old_version_or_outside_the_text_is_refused() {
    let w = World::default();
    let (case, _) = before_scan(&w);
    invalid(
        w.decide(
            &case,
            DAY,
            Command::ScanReport {
                version: version(&case) + 1,
                findings: vec![],
            },
        ),
        "version",
        &format!(
            "Scan the latest version of the report (version {}).",
            version(&case)
        ),
    );
    invalid(
        when(
            &w,
            &case,
            scan(
                &case,
                vec![finding(
                    ReportPart::Section(Section::Overview),
                    3,
                    999,
                    true,
                )],
            ),
        ),
        "findings",
        "Finding 1 is outside the text of What happened.",
    );
    invalid(
        when(
            &w,
            &case,
            scan(
                &case,
                vec![finding(ReportPart::Recommendation(7), 0, 2, true)],
            ),
        ),
        "findings",
        "in a part the report does not have",
    );
}

#[test]
fn findings_are_accepted_rejected_or_widened() {
    let w = World::default();
    let case = two_findings_reviewed(&w, &[]);
    for decision in [
        FindingDecision::Accept,
        FindingDecision::Reject,
        FindingDecision::Widen { start: 0, end: 7 },
    ] {
        assert_eq!(
            when(&w, &case, review(0, decision)).expect("decision"),
            vec![Event::FindingReviewed {
                version: version(&case),
                finding: 0,
                decision,
                reviewed_on: DAY,
            }]
        );
    }
    let case = given(
        &w,
        &case,
        &[
            review(0, FindingDecision::Widen { start: 0, end: 7 }),
            review(1, FindingDecision::Reject),
        ],
    );
    let review = case.anonymisation.as_ref().expect("review");
    assert_eq!(review.unreviewed(), 0);
    let spans: Vec<(u32, u32)> = review.replaced_spans().iter().map(|s| (s.1, s.2)).collect();
    assert_eq!(
        spans,
        vec![(0, 7)],
        "the rejected finding stays, the widened one grows"
    );
}

#[test]
fn a_wider_span_must_contain_the_finding_and_stay_in_its_part() {
    let w = World::default();
    let case = two_findings_reviewed(&w, &[]);
    for (start, end) in [(1, 7), (0, 4), (0, 3)] {
        invalid(
            when(&w, &case, review(0, FindingDecision::Widen { start, end })),
            "span",
            "contains the whole finding and is longer",
        );
    }
    invalid(
        when(
            &w,
            &case,
            review(0, FindingDecision::Widen { start: 0, end: 500 }),
        ),
        "span",
        "runs past the end of What happened",
    );
    invalid(
        when(&w, &case, review(5, FindingDecision::Accept)),
        "finding",
        "There is no such finding",
    );
}

#[test]
fn nothing_is_reviewed_or_checked_before_a_scan() {
    let w = World::default();
    let (case, _) = before_scan(&w);
    rule(
        when(&w, &case, review(0, FindingDecision::Accept)),
        "Scan the report for personal data first.",
    );
    rule(
        when(&w, &case, check(vec![])),
        "Scan the report for personal data first.",
    );
}

#[test]
fn the_check_waits_for_every_finding() {
    let w = World::default();
    let case = two_findings_reviewed(&w, &[FindingDecision::Accept]);
    rule(
        when(&w, &case, check(vec![])),
        "Review every finding before checking the redacted text: 1 finding is still to review.",
    );
}

#[test]
fn unreviewed_findings_block_publication() {
    let w = World::default();
    let case = two_findings_reviewed(&w, &[FindingDecision::Accept]);
    rule(
        w.decide(&case, PUBLISH_DAY, publish(None)),
        "1 finding of the anonymisation review is not reviewed yet",
    );
}

#[test]
fn publication_is_refused_without_a_scan() {
    let w = World::default();
    let (case, _) = before_scan(&w);
    rule(
        w.decide(&case, PUBLISH_DAY, publish(None)),
        "Scan the report for personal data and review what the scan finds before publication.",
    );
}

#[test]
fn a_known_name_left_after_the_review_blocks_publication() {
    let w = World::default();
    let case = two_findings_reviewed(&w, &[FindingDecision::Reject, FindingDecision::Accept]);
    let case = given(
        &w,
        &case,
        &[check(vec![RemainingName {
            part: ReportPart::Section(Section::Overview),
            start: 0,
            end: 4,
            who: "Mother".into(),
        }])],
    );
    rule(
        w.decide(&case, PUBLISH_DAY, publish(None)),
        "The redacted text still names Mother",
    );
    // Accepting the finding makes the check stale: check again first.
    let case = given(&w, &case, &[review(0, FindingDecision::Accept)]);
    rule(
        w.decide(&case, PUBLISH_DAY, publish(None)),
        "A decision changed after the redacted text was checked",
    );
    let case = given(&w, &case, &[check(vec![])]);
    let events = w
        .decide(&case, PUBLISH_DAY, publish(None))
        .expect("published once clear");
    assert_eq!(
        events,
        vec![Event::Published {
            published_on: PUBLISH_DAY,
            online_until: Some(date!(2026 - 07 - 28)),
            despite_parallel_process: None,
        }]
    );
}

#[test]
fn a_new_version_of_the_report_needs_a_new_scan() {
    let w = World::default();
    let (case, _) = before_scan(&w);
    let mut case = cleared(&w, &case);
    // Defensive: a draft submitted at the publication stage is not a command of that stage.
    let mut next = case.drafts.last().expect("draft").clone();
    next.version += 1;
    case.drafts.push(next);
    rule(
        w.decide(&case, PUBLISH_DAY, publish(None)),
        "The report changed after its anonymisation scan",
    );
    rule(
        when(&w, &case, review(0, FindingDecision::Accept)),
        "The report changed after its anonymisation scan: scan it again.",
    );
}

#[test]
fn online_until_is_at_least_a_year() {
    let w = World::default();
    let (case, _, _) = lr_before(&w, step!(Publish { .. }));
    invalid(
        w.decide(&case, PUBLISH_DAY, publish(Some(date!(2026 - 07 - 27)))),
        "online_until",
        "A published report stays online for at least one year: choose 28 July 2026 or later.",
    );
    let events = w
        .decide(&case, PUBLISH_DAY, publish(Some(date!(2027 - 12 - 31))))
        .expect("longer is fine");
    assert_eq!(
        events,
        vec![Event::Published {
            published_on: PUBLISH_DAY,
            online_until: Some(date!(2027 - 12 - 31)),
            despite_parallel_process: None,
        }]
    );
    // The date chosen is kept as the plan; it is no lock: a report can still come down at once.
    let case = apply(case, &events[0]);
    assert_eq!(case.online_until, Some(date!(2027 - 12 - 31)));
    assert!(
        when(
            &w,
            &case,
            unpublish(date!(2026 - 08 - 03), Some("It identifies a sibling.")),
        )
        .is_ok()
    );
}

#[test]
fn a_decision_to_publish_says_why() {
    let w = World::default();
    let (case, day, _) = lr_before(&w, step!(DecidePublication { .. }));
    invalid(
        w.decide(
            &case,
            day,
            Command::DecidePublication {
                decision: cspr_domain::case::model::PublicationDecision::Publish,
                reasons: None,
            },
        ),
        "reasons",
        "Say why the partners decided to publish the report.",
    );
}

#[test]
fn a_withdrawal_says_why() {
    let w = World::default();
    let (case, day, _) = lr_before(&w, step!(Unpublish { .. }));
    invalid(
        when(&w, &case, unpublish(day, None)),
        "reason",
        "Say why the report is taken down.",
    );
    let events = when(
        &w,
        &case,
        unpublish(day, Some("Learning now in the yearly report.")),
    )
    .expect("withdrawn");
    let case = apply(case, &events[0]);
    assert_eq!(case.unpublished_on, Some(day));
    assert_eq!(
        case.unpublished_because.as_ref().map(NonEmptyText::as_str),
        Some("Learning now in the yearly report.")
    );
}

#[test]
fn the_family_chooses_a_pseudonym_that_is_none_of_their_names() {
    let w = World::default();
    let (case, _) = before_scan(&w);
    let choose = |person, pseudonym: &str| Command::ChoosePseudonym {
        person,
        pseudonym: pseudonym.into(),
    };
    assert_eq!(
        w.decide(&case, DAY, choose(CHILD, "  Poppy  "))
            .expect("chosen"),
        vec![Event::PseudonymChosen {
            person: CHILD,
            pseudonym: "Poppy".into(),
        }]
    );
    invalid(
        w.decide(&case, DAY, choose(CHILD, "Little Addie")),
        "pseudonym",
        "must not use any part of the person's own name",
    );
    invalid(
        w.decide(&case, DAY, choose(MOTHER, "Mum Example")),
        "pseudonym",
        "must not use any part of the person's own name",
    );
    invalid(
        w.decide(&case, DAY, choose(PersonId(Uuid::from_u128(0xDEAD)), "Sam")),
        "person",
        "Choose a child or an adult the case records.",
    );
    invalid(
        w.decide(&case, DAY, choose(CHILD, " ")),
        "pseudonym",
        "Enter a pseudonym of 60 characters or fewer.",
    );
    let case = given(&w, &case, &[(DAY, choose(CHILD, "Poppy"))]);
    assert_eq!(
        case.pseudonyms.get(&CHILD).map(String::as_str),
        Some("Poppy")
    );
    invalid(
        w.decide(&case, DAY, choose(MOTHER, "poppy")),
        "pseudonym",
        "Another person already has this pseudonym.",
    );
}

#[test]
fn a_pseudonym_chosen_after_the_scan_needs_a_new_scan() {
    let w = World::default();
    let (case, _) = before_scan(&w);
    let case = cleared(&w, &case);
    let case = given(
        &w,
        &case,
        &[(
            DAY,
            Command::ChoosePseudonym {
                person: CHILD,
                pseudonym: "Poppy".into(),
            },
        )],
    );
    rule(
        w.decide(&case, PUBLISH_DAY, publish(None)),
        "A pseudonym changed after the anonymisation scan",
    );
    rule(
        when(&w, &case, review(0, FindingDecision::Reject)),
        "A pseudonym changed after the anonymisation scan: scan the report again.",
    );
    let case = cleared(&w, &case);
    assert!(w.decide(&case, PUBLISH_DAY, publish(None)).is_ok());
}

/// Issue 19: a combination of details is kept by its key, a detail generalised with its words;
/// both are recorded on the review, and bad keys or words are refused.
#[test]
fn jigsaw_decisions_keep_a_combination_or_generalise_a_detail() {
    use cspr_domain::anonymisation::JigsawDecision;
    let w = World::default();
    let (case, _) = before_scan(&w);
    let case = given(&w, &case, &[scan(&case, two_findings())]);
    let decide = |key: &str, decision: JigsawDecision| {
        (
            DAY,
            Command::DecideJigsawRisk {
                key: key.to_owned(),
                decision,
            },
        )
    };
    rule(
        when(&w, &case, decide(" ", JigsawDecision::AcceptRisk)),
        "Choose a detail",
    );
    rule(
        when(
            &w,
            &case,
            decide("qi-1", JigsawDecision::Generalise { to: "  ".into() }),
        ),
        "Enter the words that replace the detail",
    );
    rule(
        when(
            &w,
            &case,
            decide("qi-1", JigsawDecision::Generalise { to: "a\nb".into() }),
        ),
        "one short line",
    );
    let case = given(
        &w,
        &case,
        &[
            decide("jr-1", JigsawDecision::AcceptRisk),
            decide(
                "qi-1",
                JigsawDecision::Generalise {
                    to: " a toddler ".into(),
                },
            ),
        ],
    );
    let review = case.anonymisation.as_ref().expect("review");
    assert!(review.accepted_risks.contains("jr-1"));
    assert_eq!(
        review.generalised.get("qi-1").map(String::as_str),
        Some("a toddler")
    );
}
