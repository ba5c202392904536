//! Thematic briefings: given events, when a command, then events or the refusal.

use std::collections::{BTreeMap, BTreeSet};

use cspr_domain::briefing::{
    Answer, Briefing, Command, Content, Ctx, Error, Event, Rating, Stage, decide, replay,
};
use cspr_domain::examples::calendar;
use cspr_domain::ids::{AgencyId, UserId};
use cspr_domain::vocab::NonEmptyText;
use time::Date;
use time::macros::date;
use uuid::Uuid;

fn text(s: &str) -> NonEmptyText {
    NonEmptyText::parse(s).expect("text")
}

fn content() -> Content {
    Content {
        title: text("Bruising in non-mobile babies"),
        body: text("<p>Bruising in a baby who cannot move is rarely accidental.</p>"),
        reviews: vec!["ncrr-0001".to_owned(), "local-42".to_owned()],
    }
}

const POLICE: AgencyId = AgencyId(Uuid::from_u128(1));
const HEALTH: AgencyId = AgencyId(Uuid::from_u128(2));
const SCHOOL: AgencyId = AgencyId(Uuid::from_u128(3));
const TEAM: UserId = UserId(Uuid::from_u128(9));

struct Run {
    calendar: cspr_domain::calendar::Calendar,
    events: Vec<Event>,
}

impl Run {
    fn new() -> Self {
        Run {
            calendar: calendar(),
            events: Vec::new(),
        }
    }
    fn briefing(&self) -> Option<Briefing> {
        replay(&self.events)
    }
    fn try_on(&mut self, today: Date, cmd: Command) -> Result<Vec<Event>, Error> {
        let ctx = Ctx {
            actor: TEAM,
            today,
            calendar: &self.calendar,
        };
        let b = self.briefing();
        let events = decide(b.as_ref(), cmd, &ctx)?;
        self.events.extend(events.clone());
        Ok(events)
    }
    fn on(&mut self, today: Date, cmd: Command) -> Vec<Event> {
        self.try_on(today, cmd).expect("accepted")
    }
}

fn answers(pairs: &[(u32, Rating, &str)]) -> BTreeMap<u32, Answer> {
    pairs
        .iter()
        .map(|(n, rating, evidence)| {
            (
                *n,
                Answer {
                    rating: *rating,
                    evidence: text(evidence),
                },
            )
        })
        .collect()
}

/// A briefing drafted with two questions and sent to police and health, due 2 February 2026.
fn sent() -> Run {
    let mut r = Run::new();
    r.on(date!(2026 - 01 - 05), Command::Draft { content: content() });
    r.on(
        date!(2026 - 01 - 05),
        Command::SetQuestions {
            questions: vec![
                text("Do staff know the bruising protocol?"),
                text("Is the protocol audited?"),
            ],
        },
    );
    r.on(
        date!(2026 - 01 - 06),
        Command::Send {
            agencies: BTreeSet::from([POLICE, HEALTH]),
            due_on: date!(2026 - 02 - 02),
        },
    );
    r
}

#[test]
fn a_briefing_is_drafted_questioned_sent_answered_summarised_and_closed() {
    let mut r = sent();
    let b = r.briefing().expect("briefing");
    assert_eq!(b.stage(), Stage::Sent);
    assert_eq!(b.outstanding(), vec![POLICE, HEALTH]);
    assert_eq!(b.questions[1].number, 2);

    r.on(
        date!(2026 - 01 - 10),
        Command::SaveAnswers {
            agency: POLICE,
            answers: answers(&[(1, Rating::InPlace, "Training records for 2025")]),
        },
    );
    // Saved but not submitted: not counted.
    assert!(r.briefing().unwrap().summary()[0].answers.is_empty());
    r.on(
        date!(2026 - 01 - 11),
        Command::SaveAnswers {
            agency: POLICE,
            answers: answers(&[(2, Rating::NotInPlace, "No audit yet")]),
        },
    );
    r.on(date!(2026 - 01 - 12), Command::Submit { agency: POLICE });
    r.on(
        date!(2026 - 01 - 12),
        Command::SaveAnswers {
            agency: HEALTH,
            answers: answers(&[
                (1, Rating::PartlyInPlace, "Health visitors yes, GPs not yet"),
                (2, Rating::NotInPlace, "Planned for spring"),
            ]),
        },
    );
    r.on(date!(2026 - 01 - 13), Command::Submit { agency: HEALTH });

    let b = r.briefing().unwrap();
    assert!(b.outstanding().is_empty());
    let summary = b.summary();
    assert_eq!(
        summary[0].counts,
        vec![
            (Rating::InPlace, 1),
            (Rating::PartlyInPlace, 1),
            (Rating::NotInPlace, 0)
        ]
    );
    assert_eq!(
        summary[1].counts,
        vec![
            (Rating::InPlace, 0),
            (Rating::PartlyInPlace, 0),
            (Rating::NotInPlace, 2)
        ]
    );
    assert_eq!(summary[1].answers.len(), 2);

    let agreed = r.on(
        date!(2026 - 01 - 14),
        Command::AgreeAction {
            question: 2,
            agency: POLICE,
            description: text("Audit the bruising protocol quarterly"),
            due: date!(2026 - 06 - 30),
        },
    );
    assert!(matches!(&agreed[0], Event::ActionAgreed { action } if action.number == 1));
    r.on(date!(2026 - 03 - 01), Command::CompleteAction { number: 1 });
    assert_eq!(
        r.briefing().unwrap().actions[0].completed_on,
        Some(date!(2026 - 03 - 01))
    );
    r.on(date!(2026 - 03 - 02), Command::Close);
    assert_eq!(r.briefing().unwrap().stage(), Stage::Closed);
    assert_eq!(
        r.try_on(date!(2026 - 03 - 03), Command::Submit { agency: POLICE }),
        Err(Error::Closed)
    );
}

#[test]
fn only_the_agencies_asked_answer_and_only_once() {
    let mut r = sent();
    let day = date!(2026 - 01 - 10);
    assert_eq!(
        r.try_on(
            day,
            Command::SaveAnswers {
                agency: SCHOOL,
                answers: answers(&[(1, Rating::InPlace, "Yes")]),
            }
        ),
        Err(Error::AgencyNotAsked)
    );
    assert_eq!(
        r.try_on(
            day,
            Command::SaveAnswers {
                agency: POLICE,
                answers: answers(&[(3, Rating::InPlace, "Yes")]),
            }
        ),
        Err(Error::NoSuchQuestion(3))
    );
    r.on(
        day,
        Command::SaveAnswers {
            agency: POLICE,
            answers: answers(&[(1, Rating::InPlace, "Yes")]),
        },
    );
    assert_eq!(
        r.try_on(day, Command::Submit { agency: POLICE }),
        Err(Error::Unanswered(2))
    );
    r.on(
        day,
        Command::SaveAnswers {
            agency: POLICE,
            answers: answers(&[(2, Rating::InPlace, "Yes")]),
        },
    );
    r.on(day, Command::Submit { agency: POLICE });
    assert_eq!(
        r.try_on(
            day,
            Command::SaveAnswers {
                agency: POLICE,
                answers: answers(&[(2, Rating::NotInPlace, "Changed my mind")]),
            }
        ),
        Err(Error::AlreadySubmitted)
    );
    assert_eq!(
        r.try_on(
            day,
            Command::AgreeAction {
                question: 1,
                agency: HEALTH,
                description: text("Train GPs"),
                due: date!(2026 - 05 - 01),
            }
        ),
        Err(Error::NoAnswerToActOn(1))
    );
}

#[test]
fn sending_needs_questions_agencies_and_a_future_working_day() {
    let mut r = Run::new();
    let today = date!(2026 - 01 - 05);
    r.on(today, Command::Draft { content: content() });
    let send = |agencies: &[AgencyId], due_on| Command::Send {
        agencies: agencies.iter().copied().collect(),
        due_on,
    };
    assert_eq!(
        r.try_on(today, send(&[POLICE], date!(2026 - 02 - 02))),
        Err(Error::QuestionsMissing)
    );
    r.on(
        today,
        Command::SetQuestions {
            questions: vec![text("Q")],
        },
    );
    assert_eq!(
        r.try_on(today, send(&[], date!(2026 - 02 - 02))),
        Err(Error::NoAgencies)
    );
    assert_eq!(
        r.try_on(today, send(&[POLICE], today)),
        Err(Error::DueNotFuture)
    );
    // 31 January 2026 is a Saturday.
    assert_eq!(
        r.try_on(today, send(&[POLICE], date!(2026 - 01 - 31))),
        Err(Error::DueNotWorkingDay)
    );
    r.on(today, send(&[POLICE], date!(2026 - 02 - 02)));
    assert_eq!(
        r.try_on(
            today,
            Command::SetQuestions {
                questions: vec![text("Another")],
            }
        ),
        Err(Error::AlreadySent)
    );
    assert_eq!(
        r.try_on(today, Command::Draft { content: content() }),
        Err(Error::AlreadyDrafted)
    );
}

#[test]
fn content_limits_are_checked() {
    let mut r = Run::new();
    let today = date!(2026 - 01 - 05);
    let mut twice = content();
    twice.reviews = vec!["a".into(), "a".into()];
    assert_eq!(
        r.try_on(today, Command::Draft { content: twice }),
        Err(Error::ReviewTwice)
    );
    let mut long = content();
    long.title = text(&"t".repeat(201));
    assert_eq!(
        r.try_on(today, Command::Draft { content: long }),
        Err(Error::TitleTooLong)
    );
    assert_eq!(r.try_on(today, Command::Close), Err(Error::NotDrafted));
    assert!(r.events.is_empty());
}

#[test]
fn every_event_of_a_briefing_reads_back_from_its_json() {
    let mut r = sent();
    r.on(
        date!(2026 - 01 - 10),
        Command::SaveAnswers {
            agency: POLICE,
            answers: answers(&[(1, Rating::InPlace, "Yes"), (2, Rating::NotInPlace, "No")]),
        },
    );
    r.on(date!(2026 - 01 - 10), Command::Submit { agency: POLICE });
    for event in &r.events {
        let json = serde_json::to_string(event).expect("json");
        let back: Event = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
        assert_eq!(&back, event);
    }
}

#[test]
fn briefing_events_keep_their_stored_shape() {
    let event = Event::Submitted {
        agency: POLICE,
        on: date!(2026 - 01 - 12),
    };
    let json = serde_json::to_value(&event).expect("json");
    assert_eq!(json["type"], "submitted");
    let back: Event = serde_json::from_value(json).expect("back");
    assert_eq!(back, event);
    assert_eq!(event.kind(), "briefing-submitted");
}
