//! Thematic briefings and agencies' self-assessment (PROCESS.md, "learning"): the partnership
//! team writes a briefing on a theme, links the published reviews it draws on, and sets
//! self-assessment questions; chosen agencies answer each question by a due date (how far the
//! practice the briefing asks for is in place, with evidence); the answers roll up into a
//! summary per question, and the team can agree actions with an agency from an answer.
//!
//! A briefing is its own stream of events, like a case: [`decide`] checks a command against
//! the briefing as its events left it and gives new events; [`apply`] folds them. A briefing
//! holds no personal data: it is written for every practitioner to read.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::Date;

use crate::calendar::Calendar;
use crate::ids::{AgencyId, UserId};
use crate::vocab::NonEmptyText;

/// Most questions one briefing sets.
pub const MAX_QUESTIONS: usize = 20;

/// Most reviews one briefing links.
pub const MAX_REVIEWS: usize = 50;

/// Most characters of a title.
pub const MAX_TITLE_CHARS: usize = 200;

/// How far the practice a question asks about is in place in an agency, in its own view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rating {
    /// In place, with evidence.
    InPlace,
    /// In place in part.
    PartlyInPlace,
    /// Not in place.
    NotInPlace,
}

impl Rating {
    /// Every rating, from best to worst.
    pub const ALL: [Self; 3] = [Self::InPlace, Self::PartlyInPlace, Self::NotInPlace];

    /// Plain words, as a page shows them.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::InPlace => "In place",
            Self::PartlyInPlace => "Partly in place",
            Self::NotInPlace => "Not in place",
        }
    }

    /// A stable machine name, as in forms.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Self::InPlace => "in-place",
            Self::PartlyInPlace => "partly-in-place",
            Self::NotInPlace => "not-in-place",
        }
    }

    /// The rating a form's value names.
    #[must_use]
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// One agency's answer to one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// How far the practice is in place.
    pub rating: Rating,
    /// What shows it, or what is missing.
    pub evidence: NonEmptyText,
}

/// A self-assessment question, numbered from 1 in the order set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Its number.
    pub number: u32,
    /// What it asks.
    pub text: NonEmptyText,
}

/// What the team writes: the title, the briefing itself (sanitised rich text) and the ids of
/// the library's reviews it draws on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    /// The title.
    pub title: NonEmptyText,
    /// The briefing (rich text as the section editor keeps it, sanitised at the edge).
    pub body: NonEmptyText,
    /// The library's ids of the reviews it draws on.
    pub reviews: Vec<String>,
}

/// One agency's return.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyReturn {
    /// Its answers so far, by question number.
    pub answers: BTreeMap<u32, Answer>,
    /// When it was submitted; answers are final from then.
    pub submitted_on: Option<Date>,
}

/// An action agreed with an agency from its answer to a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefingAction {
    /// Its number, from 1.
    pub number: u32,
    /// The question it answers.
    pub question: u32,
    /// The agency that will do it.
    pub agency: AgencyId,
    /// What it will do.
    pub description: NonEmptyText,
    /// By when.
    pub due: Date,
    /// When it was completed.
    pub completed_on: Option<Date>,
}

/// Where a briefing stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Being written.
    Draft,
    /// Sent to agencies, answers coming in.
    Sent,
    /// Closed: no more answers.
    Closed,
}

impl Stage {
    /// Plain words, as a page shows them.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Sent => "Sent to agencies",
            Self::Closed => "Closed",
        }
    }
}

/// A briefing as its events left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Briefing {
    /// How many events it has.
    pub version: u64,
    /// What the team wrote.
    pub content: Content,
    /// The questions, in order.
    pub questions: Vec<Question>,
    /// The agencies it was sent to.
    pub agencies: BTreeSet<AgencyId>,
    /// When it was sent.
    pub sent_on: Option<Date>,
    /// When the answers are due.
    pub due_on: Option<Date>,
    /// Each agency's return.
    pub returns: BTreeMap<AgencyId, AgencyReturn>,
    /// Actions agreed from answers.
    pub actions: Vec<BriefingAction>,
    /// When it was closed.
    pub closed_on: Option<Date>,
    /// Who drafted it.
    pub drafted_by: UserId,
    /// When.
    pub drafted_on: Date,
}

impl Briefing {
    /// Where it stands.
    #[must_use]
    pub fn stage(&self) -> Stage {
        if self.closed_on.is_some() {
            Stage::Closed
        } else if self.sent_on.is_some() {
            Stage::Sent
        } else {
            Stage::Draft
        }
    }

    /// The agencies that have not submitted their return.
    #[must_use]
    pub fn outstanding(&self) -> Vec<AgencyId> {
        self.agencies
            .iter()
            .filter(|a| self.returns.get(a).is_none_or(|r| r.submitted_on.is_none()))
            .copied()
            .collect()
    }

    /// Whether `agency` has submitted its return.
    #[must_use]
    pub fn submitted(&self, agency: AgencyId) -> bool {
        self.returns
            .get(&agency)
            .is_some_and(|r| r.submitted_on.is_some())
    }

    /// The submitted answers rolled up per question: how many agencies gave each rating, and
    /// each agency's answer. Answers saved but not submitted are not counted.
    #[must_use]
    pub fn summary(&self) -> Vec<QuestionSummary> {
        self.questions
            .iter()
            .map(|q| {
                let mut counts = BTreeMap::new();
                let mut answers = Vec::new();
                for (agency, r) in &self.returns {
                    if r.submitted_on.is_none() {
                        continue;
                    }
                    if let Some(a) = r.answers.get(&q.number) {
                        *counts.entry(a.rating).or_insert(0) += 1;
                        answers.push((*agency, a.clone()));
                    }
                }
                QuestionSummary {
                    question: q.clone(),
                    counts: Rating::ALL
                        .into_iter()
                        .map(|r| (r, counts.get(&r).copied().unwrap_or(0)))
                        .collect(),
                    answers,
                }
            })
            .collect()
    }
}

/// The submitted answers to one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionSummary {
    /// The question.
    pub question: Question,
    /// How many agencies gave each rating, every rating listed (zero included).
    pub counts: Vec<(Rating, usize)>,
    /// Each agency's answer.
    pub answers: Vec<(AgencyId, Answer)>,
}

/// What may be asked of a briefing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// Start a briefing.
    Draft {
        /// What it says.
        content: Content,
    },
    /// Change what it says (until it is closed).
    Edit {
        /// What it says now.
        content: Content,
    },
    /// Set the self-assessment questions (until it is sent).
    SetQuestions {
        /// The questions, in order.
        questions: Vec<NonEmptyText>,
    },
    /// Send it to agencies for their self-assessment.
    Send {
        /// The agencies asked.
        agencies: BTreeSet<AgencyId>,
        /// When the answers are due.
        due_on: Date,
    },
    /// Save an agency's answers so far (replacing those it gives again).
    SaveAnswers {
        /// The agency answering.
        agency: AgencyId,
        /// Answers by question number.
        answers: BTreeMap<u32, Answer>,
    },
    /// Submit an agency's return: every question answered.
    Submit {
        /// The agency.
        agency: AgencyId,
    },
    /// Agree an action with an agency from its answer to a question.
    AgreeAction {
        /// The question.
        question: u32,
        /// The agency.
        agency: AgencyId,
        /// What it will do.
        description: NonEmptyText,
        /// By when.
        due: Date,
    },
    /// Record an action as done.
    CompleteAction {
        /// Its number.
        number: u32,
    },
    /// Close it: no more answers.
    Close,
}

/// What happened to a briefing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Event {
    /// Started.
    Drafted {
        /// What it says.
        content: Content,
        /// By whom.
        by: UserId,
        /// When.
        on: Date,
    },
    /// What it says changed.
    Edited {
        /// What it says now.
        content: Content,
    },
    /// The questions were set.
    QuestionsSet {
        /// The questions.
        questions: Vec<Question>,
    },
    /// Sent to agencies.
    Sent {
        /// The agencies asked.
        agencies: BTreeSet<AgencyId>,
        /// When the answers are due.
        due_on: Date,
        /// When it was sent.
        on: Date,
    },
    /// An agency's answers were saved.
    AnswersSaved {
        /// The agency.
        agency: AgencyId,
        /// The answers given this time, by question number (a list of pairs: JSON objects
        /// with number keys do not read back inside a tagged event).
        answers: Vec<(u32, Answer)>,
    },
    /// An agency submitted its return.
    Submitted {
        /// The agency.
        agency: AgencyId,
        /// When.
        on: Date,
    },
    /// An action was agreed.
    ActionAgreed {
        /// The action.
        action: BriefingAction,
    },
    /// An action was completed.
    ActionCompleted {
        /// Its number.
        number: u32,
        /// When.
        on: Date,
    },
    /// Closed.
    Closed {
        /// When.
        on: Date,
    },
}

impl Event {
    /// A stable name for the store's event type column.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Drafted { .. } => "briefing-drafted",
            Self::Edited { .. } => "briefing-edited",
            Self::QuestionsSet { .. } => "briefing-questions-set",
            Self::Sent { .. } => "briefing-sent",
            Self::AnswersSaved { .. } => "briefing-answers-saved",
            Self::Submitted { .. } => "briefing-submitted",
            Self::ActionAgreed { .. } => "briefing-action-agreed",
            Self::ActionCompleted { .. } => "briefing-action-completed",
            Self::Closed { .. } => "briefing-closed",
        }
    }
}

/// Why a command was refused; each message is for the person who gave it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("This briefing has already been started")]
    AlreadyDrafted,
    #[error("There is no such briefing")]
    NotDrafted,
    #[error("The title must be {MAX_TITLE_CHARS} characters or fewer")]
    TitleTooLong,
    #[error("The title must be one line")]
    TitleNotOneLine,
    #[error("A briefing can link at most {MAX_REVIEWS} reviews")]
    TooManyReviews,
    #[error("A review is linked twice")]
    ReviewTwice,
    #[error("This briefing is closed")]
    Closed,
    #[error("The questions cannot change once the briefing has been sent")]
    AlreadySent,
    #[error("Set at least one question")]
    NoQuestions,
    #[error("A briefing can set at most {MAX_QUESTIONS} questions")]
    TooManyQuestions,
    #[error("Set the self-assessment questions before sending the briefing")]
    QuestionsMissing,
    #[error("Choose at least one agency")]
    NoAgencies,
    #[error("The due date must be after today")]
    DueNotFuture,
    #[error("The due date must be a working day")]
    DueNotWorkingDay,
    #[error("The briefing has not been sent yet")]
    NotSent,
    #[error("This agency was not asked to answer this briefing")]
    AgencyNotAsked,
    #[error("This agency has already submitted its answers")]
    AlreadySubmitted,
    #[error("There is no question {0}")]
    NoSuchQuestion(u32),
    #[error("Answer every question before submitting: question {0} has no answer")]
    Unanswered(u32),
    #[error("Give at least one answer")]
    NoAnswers,
    #[error("This agency has not submitted an answer to question {0}")]
    NoAnswerToActOn(u32),
    #[error("There is no action {0}")]
    NoSuchAction(u32),
    #[error("This action is already completed")]
    ActionAlreadyCompleted,
}

/// What a command is checked against besides the briefing: who, when, and the calendar.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// Who acts.
    pub actor: UserId,
    /// Today, in England.
    pub today: Date,
    /// The working-day calendar.
    pub calendar: &'a Calendar,
}

fn check_content(c: &Content) -> Result<(), Error> {
    if c.title.as_str().chars().count() > MAX_TITLE_CHARS {
        return Err(Error::TitleTooLong);
    }
    // The title goes into email subjects.
    if c.title.as_str().chars().any(char::is_control) {
        return Err(Error::TitleNotOneLine);
    }
    if c.reviews.len() > MAX_REVIEWS {
        return Err(Error::TooManyReviews);
    }
    let distinct: BTreeSet<&String> = c.reviews.iter().collect();
    if distinct.len() != c.reviews.len() {
        return Err(Error::ReviewTwice);
    }
    Ok(())
}

fn open(b: Option<&Briefing>) -> Result<&Briefing, Error> {
    let b = b.ok_or(Error::NotDrafted)?;
    if b.closed_on.is_some() {
        return Err(Error::Closed);
    }
    Ok(b)
}

fn answering(b: &Briefing, agency: AgencyId) -> Result<(), Error> {
    if b.sent_on.is_none() {
        return Err(Error::NotSent);
    }
    if !b.agencies.contains(&agency) {
        return Err(Error::AgencyNotAsked);
    }
    if b.submitted(agency) {
        return Err(Error::AlreadySubmitted);
    }
    Ok(())
}

/// The events a command gives on the briefing as it stands (`None`: not started yet).
///
/// # Errors
/// [`Error`] when the command does not fit the briefing.
pub fn decide(b: Option<&Briefing>, command: Command, ctx: &Ctx<'_>) -> Result<Vec<Event>, Error> {
    let event = match command {
        Command::Draft { content } => {
            if b.is_some() {
                return Err(Error::AlreadyDrafted);
            }
            check_content(&content)?;
            Event::Drafted {
                content,
                by: ctx.actor,
                on: ctx.today,
            }
        }
        Command::Edit { content } => {
            open(b)?;
            check_content(&content)?;
            Event::Edited { content }
        }
        Command::SetQuestions { questions } => {
            let b = open(b)?;
            if b.sent_on.is_some() {
                return Err(Error::AlreadySent);
            }
            if questions.is_empty() {
                return Err(Error::NoQuestions);
            }
            if questions.len() > MAX_QUESTIONS {
                return Err(Error::TooManyQuestions);
            }
            Event::QuestionsSet {
                questions: (1u32..)
                    .zip(questions)
                    .map(|(number, text)| Question { number, text })
                    .collect(),
            }
        }
        Command::Send { agencies, due_on } => {
            let b = open(b)?;
            if b.sent_on.is_some() {
                return Err(Error::AlreadySent);
            }
            if b.questions.is_empty() {
                return Err(Error::QuestionsMissing);
            }
            if agencies.is_empty() {
                return Err(Error::NoAgencies);
            }
            if due_on <= ctx.today {
                return Err(Error::DueNotFuture);
            }
            if !ctx.calendar.is_working_day(due_on) {
                return Err(Error::DueNotWorkingDay);
            }
            Event::Sent {
                agencies,
                due_on,
                on: ctx.today,
            }
        }
        Command::SaveAnswers { agency, answers } => {
            let b = open(b)?;
            answering(b, agency)?;
            if answers.is_empty() {
                return Err(Error::NoAnswers);
            }
            if let Some(n) = answers
                .keys()
                .find(|n| !b.questions.iter().any(|q| q.number == **n))
            {
                return Err(Error::NoSuchQuestion(*n));
            }
            Event::AnswersSaved {
                agency,
                answers: answers.into_iter().collect(),
            }
        }
        Command::Submit { agency } => {
            let b = open(b)?;
            answering(b, agency)?;
            let saved = b.returns.get(&agency);
            if let Some(q) = b
                .questions
                .iter()
                .find(|q| saved.is_none_or(|r| !r.answers.contains_key(&q.number)))
            {
                return Err(Error::Unanswered(q.number));
            }
            Event::Submitted {
                agency,
                on: ctx.today,
            }
        }
        Command::AgreeAction {
            question,
            agency,
            description,
            due,
        } => {
            let b = b.ok_or(Error::NotDrafted)?;
            if !b.questions.iter().any(|q| q.number == question) {
                return Err(Error::NoSuchQuestion(question));
            }
            let answered = b
                .returns
                .get(&agency)
                .is_some_and(|r| r.submitted_on.is_some() && r.answers.contains_key(&question));
            if !answered {
                return Err(Error::NoAnswerToActOn(question));
            }
            if due <= ctx.today {
                return Err(Error::DueNotFuture);
            }
            let number = u32::try_from(b.actions.len()).unwrap_or(u32::MAX - 1) + 1;
            Event::ActionAgreed {
                action: BriefingAction {
                    number,
                    question,
                    agency,
                    description,
                    due,
                    completed_on: None,
                },
            }
        }
        Command::CompleteAction { number } => {
            let b = b.ok_or(Error::NotDrafted)?;
            let action = b
                .actions
                .iter()
                .find(|a| a.number == number)
                .ok_or(Error::NoSuchAction(number))?;
            if action.completed_on.is_some() {
                return Err(Error::ActionAlreadyCompleted);
            }
            Event::ActionCompleted {
                number,
                on: ctx.today,
            }
        }
        Command::Close => {
            open(b)?;
            Event::Closed { on: ctx.today }
        }
    };
    Ok(vec![event])
}

/// The briefing after one more event (`None` before the first).
///
/// # Panics
/// Never for events [`decide`] gave; a first event other than `Drafted` is ignored.
#[must_use]
pub fn apply(b: Option<Briefing>, event: &Event) -> Option<Briefing> {
    let mut b = match (b, event) {
        (None, Event::Drafted { content, by, on }) => {
            return Some(Briefing {
                version: 1,
                content: content.clone(),
                questions: Vec::new(),
                agencies: BTreeSet::new(),
                sent_on: None,
                due_on: None,
                returns: BTreeMap::new(),
                actions: Vec::new(),
                closed_on: None,
                drafted_by: *by,
                drafted_on: *on,
            });
        }
        (None, _) => return None,
        (Some(b), _) => b,
    };
    b.version += 1;
    match event {
        Event::Drafted { .. } => {}
        Event::Edited { content } => b.content = content.clone(),
        Event::QuestionsSet { questions } => b.questions = questions.clone(),
        Event::Sent {
            agencies,
            due_on,
            on,
        } => {
            b.agencies = agencies.clone();
            b.due_on = Some(*due_on);
            b.sent_on = Some(*on);
        }
        Event::AnswersSaved { agency, answers } => {
            let r = b.returns.entry(*agency).or_default();
            r.answers
                .extend(answers.iter().map(|(n, a)| (*n, a.clone())));
        }
        Event::Submitted { agency, on } => {
            b.returns.entry(*agency).or_default().submitted_on = Some(*on);
        }
        Event::ActionAgreed { action } => b.actions.push(action.clone()),
        Event::ActionCompleted { number, on } => {
            if let Some(a) = b.actions.iter_mut().find(|a| a.number == *number) {
                a.completed_on = Some(*on);
            }
        }
        Event::Closed { on } => b.closed_on = Some(*on),
    }
    Some(b)
}

/// A briefing from its events in order.
#[must_use]
pub fn replay<'e>(events: impl IntoIterator<Item = &'e Event>) -> Option<Briefing> {
    events.into_iter().fold(None, apply)
}
