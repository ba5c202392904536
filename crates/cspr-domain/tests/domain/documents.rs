//! Documents: the rapid review report and the terms of reference assembled from the case,
//! section versions with author and time, comparison, threaded factual-accuracy comments, and
//! the completeness check that gates the overview report's sign-off.

use crate::common::*;
use cspr_domain::case::{Case, Command, DomainError, Stage};
use cspr_domain::documents::{
    self, Body, Change, DocumentKind, Origin, Part, SectionComment, SectionSource, sources,
};
use cspr_domain::ids::{AgencyId, RecommendationId, UserId};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

fn names(a: AgencyId) -> String {
    match a {
        POLICE => "Police".into(),
        HEALTH => "Health".into(),
        CSC => "Children's social care".into(),
        EDUCATION => "Education".into(),
        _ => "Another agency".into(),
    }
}

fn refused(world: &World, case: &Case, today: Date, cmd: Command) -> String {
    match world.decide(case, today, cmd) {
        Err(e) => e.to_string(),
        Ok(ev) => panic!("accepted: {ev:?}"),
    }
}

/// Saves a section of the overview report.
fn save(section: &str, text: &str, at: OffsetDateTime) -> Command {
    save_in(DocumentKind::OverviewReport, section, text, at)
}

/// Saves a section of any document.
fn save_in(document: DocumentKind, section: &str, text: &str, at: OffsetDateTime) -> Command {
    Command::SaveDocumentSection {
        document,
        section: section.into(),
        text: text.into(),
        saved_at: at,
    }
}

/// The case after `section` of `document` is saved with `text` at the start of `today`.
fn saved_at_start_of(
    world: &World,
    case: Case,
    today: Date,
    document: DocumentKind,
    section: &str,
    text: &str,
) -> Case {
    let at = today.midnight().assume_utc();
    world.step(case, today, &save_in(document, section, text, at))
}

/// The local-review case when its evidence is being gathered (no report yet).
fn evidence_case(world: &World) -> (Case, Date) {
    let (case, today) = case_at(world, Stage::Evidence);
    assert!(case.current_report().is_none());
    (case, today)
}

#[test]
fn every_save_is_a_version_with_author_and_time_and_versions_compare() {
    let world = World::default();
    let (case, today) = evidence_case(&world);
    let t1 = today.midnight().assume_utc() + time::Duration::hours(9);
    let t2 = t1 + time::Duration::hours(2);
    let case = world.step(
        case,
        today,
        &save("overview", "<p>The visit was late.</p>", t1),
    );
    assert_eq!(
        case.stage,
        Stage::Drafting,
        "the first save starts the draft"
    );
    let case = world.step(
        case,
        today,
        &save("overview", "<p>The home visit was not late.</p>", t2),
    );
    let history: Vec<_> = case
        .documents
        .history(DocumentKind::OverviewReport, "overview")
        .collect();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].number, 1);
    assert_eq!(history[1].number, 2);
    assert_eq!(history[1].saved_by, Some(UserId(id(0x99))));
    assert_eq!(history[1].saved_at, t2);
    assert_eq!(
        case.current_report().map(|r| r.section(Section::Overview)),
        Some("<p>The home visit was not late.</p>")
    );
    // Each save is a version of the whole report too, so the current report is the latest.
    assert_eq!(case.drafts.len(), 2);
    let diff = documents::compare(&history[0].text, &history[1].text);
    let added: Vec<&str> = diff
        .iter()
        .filter(|(k, _)| *k == Change::Added)
        .map(|(_, t)| t.trim())
        .collect();
    assert_eq!(added, ["home", "not"]);
    // Saving the same text again is not a new version.
    let err = refused(
        &world,
        &case,
        today,
        save("overview", "<p>The home visit was not late.</p>", t2),
    );
    assert!(err.contains("Nothing has changed"), "{err}");
    // An unknown section is refused.
    let err = refused(&world, &case, today, save("epilogue", "x", t2));
    assert!(err.contains("no such section"), "{err}");
}

fn complete(world: &World, mut case: Case, today: Date) -> Case {
    let at = today.midnight().assume_utc();
    for spec in DocumentKind::OverviewReport.sections().iter().take(5) {
        case = world.step(
            case,
            today,
            &save(spec.key, &format!("<p>Text of {}</p>", spec.heading), at),
        );
    }
    case
}

fn rec_at(id_n: u128, agencies: Vec<AgencyId>, due: Option<Date>, at: OffsetDateTime) -> Command {
    Command::SaveRecommendation {
        recommendation: Recommendation {
            id: RecommendationId(Uuid::from_u128(id_n)),
            text: "Share information about new adults in the household.".into(),
            agencies,
            due_on: due,
            themes: Vec::new(),
        },
        saved_at: at,
    }
}

fn sign_off(today: Date) -> Command {
    Command::SignOffReport {
        partner: SafeguardingPartner::Police,
        signed_on: today,
    }
}

#[test]
fn sign_off_is_refused_while_a_section_is_empty_or_a_recommendation_is_incomplete() {
    let world = World::default();
    let (case, today) = evidence_case(&world);
    let at = today.midnight().assume_utc();
    let case = world.step(case, today, &save("overview", "<p>What happened.</p>", at));
    let err = refused(&world, &case, today, sign_off(today));
    assert!(
        err.contains("the section \u{201c}Why things happened as they did\u{201d} is empty"),
        "{err}"
    );
    assert!(err.contains("the report has no recommendations"), "{err}");
    let case = complete(&world, case, today);
    // A recommendation without agencies or a date keeps the report from sign-off.
    let case = world.step(case, today, &rec_at(0xA1, Vec::new(), None, at));
    let err = refused(&world, &case, today, sign_off(today));
    assert!(
        err.contains("recommendation 1 does not say which agencies must act"),
        "{err}"
    );
    assert!(
        err.contains("recommendation 1 does not say by when"),
        "{err}"
    );
    assert!(!err.contains("is empty"), "{err}");
    let case = world.step(
        case,
        today,
        &rec_at(0xA1, vec![POLICE], Some(date!(2026 - 03 - 31)), at),
    );
    assert!(case.current_report().is_some_and(|r| r.is_complete()));
    // Complete: what stops sign-off now is the factual-accuracy round, not the report.
    let err = refused(&world, &case, today, sign_off(today));
    assert!(err.contains("factual-accuracy"), "{err}");
    assert!(!err.contains("cannot be signed off yet"), "{err}");
    // A withdrawn recommendation leaves the report without any.
    let case = world.step(
        case,
        today,
        &Command::WithdrawRecommendation {
            id: RecommendationId(Uuid::from_u128(0xA1)),
            saved_at: at,
        },
    );
    let err = refused(&world, &case, today, sign_off(today));
    assert!(err.contains("the report has no recommendations"), "{err}");
    let history: Vec<_> = case
        .documents
        .history(DocumentKind::OverviewReport, "recommendations")
        .collect();
    assert_eq!(history.len(), 3);
    assert_eq!(history[1].recommendations.as_ref().map(Vec::len), Some(1));
    assert_eq!(history[2].recommendations.as_ref().map(Vec::len), Some(0));
}

fn comment(n: u128, reply_to: Option<u128>, at: OffsetDateTime) -> Command {
    Command::CommentOnSection {
        comment: SectionComment {
            id: Uuid::from_u128(n),
            document: DocumentKind::OverviewReport,
            section: "overview".into(),
            agency: Some(POLICE),
            reply_to: reply_to.map(Uuid::from_u128),
            // Whatever the form says, the author is the actor.
            author: UserId(id(0x12345)),
            at,
            text: text("The arrest was on the 4th."),
            resolved: None,
        },
    }
}

#[test]
fn comments_are_threaded_per_section_and_resolved_and_open_ones_block_sign_off() {
    let world = World::default();
    let (case, today) = lr_until(
        &world,
        step!(WaiveContribution {
            kind: ContributionKind::FactualAccuracy,
            ..
        }),
    );
    let at = today.midnight().assume_utc();
    // The script's own comment was resolved; sign-off goes ahead with none open.
    assert_eq!(
        case.documents.open_comments(DocumentKind::OverviewReport),
        0
    );
    let case = world.step(case, today, &comment(0x71, None, at));
    let case = world.step(case, today, &comment(0x72, Some(0x71), at));
    let threads = case
        .documents
        .threads(DocumentKind::OverviewReport, "overview");
    let thread = threads
        .iter()
        .find(|(c, _)| c.id == Uuid::from_u128(0x71))
        .expect("thread");
    assert_eq!(thread.1.len(), 1, "the reply sits in its thread");
    assert_eq!(thread.0.author, UserId(id(0x99)));
    assert!(
        case.documents
            .threads(DocumentKind::OverviewReport, "systemic-analysis")
            .is_empty()
    );
    let err = refused(&world, &case, today, sign_off(today));
    assert!(err.contains("1 comment is open"), "{err}");
    // A reply to a reply, or to no comment, is refused.
    let err = refused(&world, &case, today, comment(0x73, Some(0x72), at));
    assert!(err.contains("no such comment"), "{err}");
    let case = world.step(
        case,
        today,
        &Command::ResolveSectionComment {
            comment_id: Uuid::from_u128(0x71),
            note: Some(text("Corrected.")),
            at,
        },
    );
    assert_eq!(
        case.documents.open_comments(DocumentKind::OverviewReport),
        0
    );
    let err = refused(&world, &case, today, comment(0x74, Some(0x71), at));
    assert!(err.contains("resolved"), "{err}");
    let case = world.step(case, today, &sign_off(today));
    assert!(
        case.report_sign_offs
            .contains_key(&SafeguardingPartner::Police)
    );
    // Changing a section afterwards asks for sign-off afresh.
    let case = world.step(case, today, &save("overview", "<p>Changed.</p>", at));
    assert!(case.report_sign_offs.is_empty());
}

/// The words of assembled parts, one part a line.
fn words_of(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Part::Paragraph(t) | Part::Heading(t) => t.clone(),
            Part::Bullets(items) | Part::Numbered(items) => items.join("\n"),
            Part::Table { header, rows } => {
                let mut all = header.clone();
                all.extend(rows.iter().flatten().cloned());
                all.join("\n")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The words of a section: saved text as it is, assembled parts as their words.
fn words(s: &SectionSource) -> String {
    match &s.body {
        Body::Saved(text) => text.clone(),
        Body::Assembled(parts) => words_of(parts),
    }
}

/// Whether an assembled section has a part like this.
fn has(s: &SectionSource, like: impl Fn(&Part) -> bool) -> bool {
    matches!(&s.body, Body::Assembled(parts) if parts.iter().any(like))
}

#[test]
fn the_rapid_review_report_is_assembled_from_the_case_and_edited_section_by_section() {
    let world = World::default();
    let (case, today) = lr_until(&world, step!(SignOffRapidReview { .. }));
    let sections = sources(&case, DocumentKind::RapidReview, &names);
    let keys: Vec<&str> = sections.iter().map(|s| s.spec.key).collect();
    assert_eq!(
        keys,
        [
            "facts",
            "episodes",
            "safety",
            "learning",
            "inequalities",
            "decision"
        ]
    );
    let by = |k: &str| sections.iter().find(|s| s.spec.key == k).expect(k);
    assert_eq!(by("facts").origin, Origin::Assembled);
    assert!(
        has(by("facts"), |p| matches!(
            p,
            Part::Bullets(items) if items.iter().any(|i| i == "Police")
        )),
        "{:?}",
        by("facts").body
    );
    assert!(words(by("decision")).contains("local child safeguarding practice review"));
    assert!(
        has(by("decision"), |p| matches!(p, Part::Bullets(_))),
        "the criteria met are listed"
    );
    assert!(has(by("inequalities"), |p| *p
        == Part::Heading("Disability".into())));
    assert!(!case.rapid_review_sign_offs.is_empty());
    let case = saved_at_start_of(
        &world,
        case,
        today,
        DocumentKind::RapidReview,
        "learning",
        "<p>Edited learning.</p>",
    );
    let sections = sources(&case, DocumentKind::RapidReview, &names);
    let learning = sections
        .iter()
        .find(|s| s.spec.key == "learning")
        .expect("learning");
    assert_eq!(learning.origin, Origin::Saved(1));
    assert_eq!(learning.body, Body::Saved("<p>Edited learning.</p>".into()));
    assert!(
        case.rapid_review_sign_offs.is_empty(),
        "a change is signed off afresh"
    );
    // Free text from the records stays plain text in the parts: markup is made (and escaped)
    // only when the export crate draws them.
    assert!(
        sources(&case, DocumentKind::RapidReview, &names)
            .iter()
            .all(|s| !matches!(&s.body, Body::Assembled(parts) if words_of(parts).contains("<p>")))
    );
}

#[test]
fn the_terms_of_reference_come_from_the_commissioning_records() {
    let world = World::default();
    let (case, today) = lr_until(&world, step!(AgreeTermsOfReference { .. }));
    let sections = sources(&case, DocumentKind::TermsOfReference, &names);
    assert_eq!(sections.len(), 9);
    let by = |k: &str| sections.iter().find(|s| s.spec.key == k).expect(k);
    let terms = terms();
    assert!(words(by("period")).contains(&cspr_domain::words::long_date(terms.period_from)));
    assert!(matches!(
        &by("lines-of-enquiry").body,
        Body::Assembled(parts) if matches!(parts.first(), Some(Part::Numbered(_)))
    ));
    assert!(words(by("panel")).contains("Pat Panel"));
    assert!(words(by("panel")).contains("Education"));
    assert!(words(by("timescale")).contains("six months"));
    assert_eq!(by("lines-of-enquiry").origin, Origin::Assembled);
    let case = saved_at_start_of(
        &world,
        case,
        today,
        DocumentKind::TermsOfReference,
        "publication",
        "<p>Published on the partnership's website.</p>",
    );
    let history: Vec<_> = case
        .documents
        .history(DocumentKind::TermsOfReference, "publication")
        .collect();
    assert_eq!(history.len(), 1);
    // The rapid review report can no longer change once sent.
    let err = refused(
        &world,
        &case,
        today,
        save_in(
            DocumentKind::RapidReview,
            "learning",
            "<p>Late edit.</p>",
            today.midnight().assume_utc(),
        ),
    );
    assert!(err.contains("sent to the National Panel"), "{err}");
}

#[test]
fn family_comments_and_exports_are_recorded_and_old_cases_still_load() {
    let world = World::default();
    let (case, _) = run(&world, &local_review_script());
    assert_eq!(case.documents.family_comments.len(), 1);
    assert_eq!(case.documents.exports.len(), 1);
    // A case state saved before documents existed reads with none.
    let old: documents::Documents = serde_json::from_str("{}").expect("empty reads");
    assert!(old.versions.is_empty());
    // Document events survive their JSON form (the store keeps them for ever).
    let (_, events) = run(&world, &local_review_script());
    for e in events.iter().filter(|e| {
        let v = serde_json::to_value(e).expect("json");
        let name = v["event"].as_str().unwrap_or_default().to_owned();
        ["document-", "section-", "recommendation-", "family-comment"]
            .iter()
            .any(|p| name.starts_with(p))
    }) {
        let back: cspr_domain::case::Event =
            serde_json::from_value(serde_json::to_value(e).expect("json")).expect("back");
        assert_eq!(&back, e);
    }
    let _ = datetime!(2025-01-01 0:00 UTC);
    let _ = DomainError::rule("x");
}
