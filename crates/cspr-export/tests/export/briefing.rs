//! A thematic briefing as PDF and DOCX: the briefing, the reviews it draws on, the questions,
//! what agencies said per question and the actions agreed, in order, read back from the files.

use std::collections::{BTreeMap, BTreeSet};

use super::files::{artefacts, assert_in_order, flat, paragraphs, poppler, unzip};
use cspr_domain::briefing::{Answer, Briefing, Command, Content, Ctx, Rating, decide, replay};
use cspr_domain::examples::{self, HEALTH, POLICE};
use cspr_domain::ids::{AgencyId, UserId};
use cspr_domain::vocab::NonEmptyText;
use cspr_export::briefing::{LinkedReview, document};
use time::macros::date;

fn t(s: &str) -> NonEmptyText {
    NonEmptyText::parse(s).expect("text")
}

pub(super) fn briefing() -> Briefing {
    let calendar = examples::calendar();
    let mut events = Vec::new();
    let mut run = |today, cmd| {
        let ctx = Ctx {
            actor: UserId(examples::id(0x99)),
            today,
            calendar: &calendar,
        };
        let b = replay(&events);
        events.extend(decide(b.as_ref(), cmd, &ctx).expect("step"));
    };
    run(
        date!(2026 - 01 - 05),
        Command::Draft {
            content: Content {
                title: t("Bruising in babies who are not yet mobile"),
                body: t(
                    "<p>Bruising in a baby who cannot move is rarely accidental.</p><ul><li>See the protocol</li></ul>",
                ),
                reviews: vec!["ncrr-1".to_owned()],
            },
        },
    );
    run(
        date!(2026 - 01 - 05),
        Command::SetQuestions {
            questions: vec![
                t("Do staff know the bruising protocol?"),
                t("Is it audited?"),
            ],
        },
    );
    run(
        date!(2026 - 01 - 06),
        Command::Send {
            agencies: BTreeSet::from([POLICE, HEALTH]),
            due_on: date!(2026 - 02 - 02),
        },
    );
    let answers = |a: Rating, b: Rating| -> BTreeMap<u32, Answer> {
        BTreeMap::from([
            (
                1,
                Answer {
                    rating: a,
                    evidence: t("Training records checked"),
                },
            ),
            (
                2,
                Answer {
                    rating: b,
                    evidence: t("No audit this year"),
                },
            ),
        ])
    };
    run(
        date!(2026 - 01 - 10),
        Command::SaveAnswers {
            agency: POLICE,
            answers: answers(Rating::InPlace, Rating::NotInPlace),
        },
    );
    run(date!(2026 - 01 - 10), Command::Submit { agency: POLICE });
    run(
        date!(2026 - 01 - 12),
        Command::AgreeAction {
            question: 2,
            agency: POLICE,
            description: t("Audit the protocol every quarter"),
            due: date!(2026 - 06 - 30),
        },
    );
    replay(&events).expect("briefing")
}

pub(super) fn name(a: AgencyId) -> String {
    if a == POLICE {
        "Northshire Police"
    } else {
        "Northshire Health"
    }
    .to_owned()
}

#[test]
fn a_briefing_exports_with_its_answers_and_actions() {
    let b = briefing();
    let reviews = [LinkedReview {
        title: "Child L: a local review".to_owned(),
        source: "Westshire, 2024".to_owned(),
        url: "https://example.org/child-l".to_owned(),
    }];
    let doc = document(
        &b,
        &reviews,
        &name,
        "Northshire Safeguarding Children Partnership",
    );
    let dir = artefacts();
    let pdf = cspr_export::to_pdf(&doc).expect("pdf");
    let path = dir.join("briefing.pdf");
    std::fs::write(&path, &pdf).expect("write");
    let p = path.to_str().expect("utf-8");
    let info = poppler("pdfinfo", &[p]);
    assert!(info.contains("Bruising in babies"), "{info}");
    let text = flat(&poppler("pdftotext", &[p, "-"]));
    assert_in_order(
        &text,
        &[
            "The briefing",
            "rarely accidental",
            "Reviews it draws on",
            "Child L: a local review",
            "Self-assessment questions",
            "Northshire Health, Northshire Police",
            "Do staff know the bruising protocol?",
            "What agencies said",
            "In place: 1; Partly in place: 0; Not in place: 0",
            "Training records checked",
            "Not in place: 1",
            "Not yet answered: Northshire Health",
            "Actions agreed",
            "Audit the protocol every quarter",
        ],
    );
    let docx = cspr_export::to_docx(&doc).expect("docx");
    std::fs::write(dir.join("briefing.docx"), &docx).expect("write");
    let xml = unzip(&docx, "word/document.xml");
    let h1: Vec<String> = paragraphs(&xml)
        .into_iter()
        .filter(|(s, _)| s == "Heading1")
        .map(|(_, t)| t)
        .collect();
    assert_eq!(
        h1,
        [
            "The briefing",
            "Reviews it draws on",
            "Self-assessment questions",
            "What agencies said",
            "Actions agreed"
        ]
    );
}
