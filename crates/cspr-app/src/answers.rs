//! Answering a request: an agency's draft (answers, files, chronology entries typed or read from
//! an uploaded CSV or XLSX) and sending it as the agency's response. The representative answers
//! through an [`Answerer`] the access policy made; a practitioner through the link the team
//! sent them, into their link's own draft, and their send is a submission the agency accepts
//! (as its draft) or declines ([`decide_submission`]; issue 16, finding 4). Each step is decided
//! against the case as it stands when it is written, so a save never builds on a draft someone
//! else has changed since.

use std::collections::BTreeSet;

use cspr_domain::case::model::{
    Answer, ChronologyEntry, Contribution, ContributionDraft, ContributionKind,
    ContributionRequest, ContributionStatus, FormResponse, LinkSubmission, Responder, ResponseFile,
};
use cspr_domain::case::{Case, Command};
use cspr_domain::forms::{self, MAX_ANSWER_CHARS};
use cspr_domain::ids::{AgencyId, CaseId, LinkId};
use cspr_domain::vocab::NonEmptyText;
use cspr_export::import::{self, ImportError};
use uuid::Uuid;

use crate::files::NewFile;
use crate::policy::Answerer;
use crate::{Actor, App, AppError};

/// What the answering person asked for.
#[derive(Debug, Clone)]
pub enum Step {
    /// Keep the answers as the draft.
    Save,
    /// Add a chronology entry typed in the template's columns (with the answers).
    AddEntry(Vec<String>),
    /// Take a chronology entry out of the draft (with the answers).
    RemoveEntry(Uuid),
    /// Send the response to the partnership team.
    Send,
}

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    /// The draft is saved.
    Saved,
    /// The entry is added to the draft.
    EntryAdded,
    /// The response is sent.
    Sent,
    /// A practitioner's answers are submitted, for the agency to accept or decline.
    Submitted,
}

/// What a response still lacks before it can be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lack {
    /// A required question (its id and words) has no answer.
    Question {
        /// The question's id.
        id: String,
        /// Its words.
        text: String,
    },
    /// A chronology with no entries.
    Entries,
    /// Nothing answered at all.
    Anything,
}

/// Why an answer was not taken. Nothing is written.
#[derive(Debug)]
pub enum AnswerError {
    /// An answer longer than a form allows: the question's id.
    TooLong(String),
    /// A typed chronology entry that cannot be read, with why.
    Entry(Vec<String>),
    /// The response cannot be sent yet: each thing it lacks, and the unanswered questions' ids.
    Incomplete {
        /// What it lacks, in the form's order.
        lacks: Vec<Lack>,
        /// The ids of the unanswered questions.
        missing: BTreeSet<String>,
    },
    /// The response has been sent (or is no longer needed): the draft is closed.
    Settled,
    /// An uploaded chronology that cannot be read.
    Import(ImportError),
    /// No such request on the case.
    NoRequest,
    /// Someone else saved the answers after the form was drawn: nothing was saved, so their
    /// answers are not overwritten unseen.
    Changed,
    /// Declining a practitioner's answers needs a reason.
    NoReason,
    /// The case refused, or the store failed.
    App(AppError),
}

impl From<AppError> for AnswerError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

/// The draft a request shows: the saved draft, else the sent response (to read again when the
/// team reopens it), else nothing yet.
#[must_use]
pub fn draft_of(r: &ContributionRequest) -> ContributionDraft {
    match (&r.draft, &r.status) {
        (Some(d), _) => d.clone(),
        (None, ContributionStatus::Received { contribution, .. }) => ContributionDraft {
            form: contribution.form.clone(),
            chronology: contribution.chronology.clone(),
        },
        _ => ContributionDraft::default(),
    }
}

/// The draft a practitioner's link shows and builds on: that link's own, never the
/// representative's nor another link's.
#[must_use]
pub fn practitioners_draft(r: &ContributionRequest, link: LinkId) -> ContributionDraft {
    r.link_drafts.get(&link).cloned().unwrap_or_default()
}

/// The practitioners' submissions on a request still waiting for the agency, oldest first.
#[must_use]
pub fn pending_submissions(r: &ContributionRequest) -> Vec<(LinkId, &LinkSubmission)> {
    let mut out: Vec<_> = r
        .submissions
        .iter()
        .filter(|(_, s)| s.is_pending())
        .map(|(l, s)| (*l, s))
        .collect();
    out.sort_by_key(|(l, s)| (s.submitted_on, *l));
    out
}

/// The contribution a sent response records: its answers as text (for a chronology with no
/// answers, a line that counts the entries), cut to what a text may hold. `None` when nothing
/// was answered.
#[must_use]
pub fn contribution_of(
    kind: ContributionKind,
    form: FormResponse,
    chronology: Vec<ChronologyEntry>,
) -> Option<Contribution> {
    let mut text = forms::answers_text(&form.answers);
    if text.is_empty() {
        text = match kind {
            ContributionKind::Chronology => format!(
                "A chronology of {}.",
                cspr_domain::words::plural(
                    i64::try_from(chronology.len()).unwrap_or(i64::MAX),
                    "entry",
                    "entries"
                )
            ),
            _ => return None,
        };
    }
    if text.chars().count() > NonEmptyText::MAX_CHARS {
        text = text.chars().take(NonEmptyText::MAX_CHARS - 1).collect();
        text.push('…');
    }
    Some(Contribution {
        text: NonEmptyText::parse(&text).ok()?,
        chronology,
        form,
    })
}

/// The first answer longer than a form allows, if any.
///
/// # Errors
/// [`AnswerError::TooLong`] naming its question.
fn check_lengths(answers: &[Answer]) -> Result<(), AnswerError> {
    match answers
        .iter()
        .find(|a| a.answer.chars().count() > MAX_ANSWER_CHARS)
    {
        Some(long) => Err(AnswerError::TooLong(long.question.clone())),
        None => Ok(()),
    }
}

/// The response `draft` would send, or what it lacks.
///
/// # Errors
/// [`AnswerError::Incomplete`].
fn ready_to_send(
    app: &App,
    kind: ContributionKind,
    draft: &ContributionDraft,
) -> Result<Contribution, AnswerError> {
    let form = forms::form_for(&app.settings().forms, kind);
    let missing: BTreeSet<String> = form
        .unanswered(&draft.form.answers)
        .iter()
        .map(|q| q.id.clone())
        .collect();
    let mut lacks: Vec<Lack> = form
        .questions()
        .filter(|q| missing.contains(&q.id))
        .map(|q| Lack::Question {
            id: q.id.clone(),
            text: q.text.clone(),
        })
        .collect();
    if kind == ContributionKind::Chronology && draft.chronology.is_empty() {
        lacks.push(Lack::Entries);
    }
    let contribution = contribution_of(kind, draft.form.clone(), draft.chronology.clone());
    if contribution.is_none() && lacks.is_empty() {
        lacks.push(Lack::Anything);
    }
    match contribution {
        Some(c) if lacks.is_empty() => Ok(c),
        _ => Err(AnswerError::Incomplete { lacks, missing }),
    }
}

/// Takes the answers with one step: saved as the draft, with an entry added or taken out, or
/// sent. Nothing is written when the answers or the entry cannot be taken.
///
/// # Errors
/// [`AnswerError`].
pub async fn answer(
    app: &App,
    who: &Answerer,
    (answers, seen): (Vec<Answer>, Option<&str>),
    step: Step,
    actor: Actor,
) -> Result<Answered, AnswerError> {
    let request = (who.case_id(), who.kind(), who.agency());
    take(app, request, (answers, seen), step, By::Agency, actor).await
}

/// A mark of the answers of a draft, for the form to carry: a save that brings back another
/// mark than the draft's now was drawn before someone else saved ([`AnswerError::Changed`]).
#[must_use]
pub fn answers_mark(draft: &ContributionDraft) -> String {
    let mut hasher = blake3::Hasher::new();
    for a in &draft.form.answers {
        for part in [a.question.as_str(), a.asked.as_str(), a.answer.as_str()] {
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
    }
    hasher.finalize().to_hex()[..32].to_owned()
}

/// A practitioner's answers through the link the team sent them: kept as their link's own
/// draft, or submitted for the agency to accept or decline. The events name the link, not
/// whoever made it; the actor's user is not used.
///
/// # Errors
/// [`AnswerError`].
#[expect(
    clippy::too_many_arguments,
    reason = "the request, the link and the answers"
)]
pub async fn answer_by_link(
    app: &App,
    link: LinkId,
    case_id: CaseId,
    kind: ContributionKind,
    agency: AgencyId,
    answers: Vec<Answer>,
    send: bool,
    actor: Actor,
) -> Result<Answered, AnswerError> {
    let step = if send { Step::Send } else { Step::Save };
    let request = (case_id, kind, agency);
    take(app, request, (answers, None), step, By::Link(link), actor).await
}

/// Who takes a step on a request's answers.
#[derive(Debug, Clone, Copy)]
enum By {
    /// The agency: its representative or the partnership team.
    Agency,
    /// A practitioner, through their link.
    Link(LinkId),
}

/// One step on the draft of the request (case, kind, agency), answered by `by`: a practitioner
/// builds on their own link's draft only, never the representative's nor another link's.
async fn take(
    app: &App,
    (case_id, kind, agency): (CaseId, ContributionKind, AgencyId),
    (answers, seen): (Vec<Answer>, Option<&str>),
    step: Step,
    by: By,
    actor: Actor,
) -> Result<Answered, AnswerError> {
    check_lengths(&answers)?;
    let entry = match &step {
        Step::AddEntry(cells) => Some(
            cspr_domain::chronology::parse_row(cells, Uuid::new_v4())
                .map_err(AnswerError::Entry)?,
        ),
        _ => None,
    };
    let link = match by {
        By::Agency => None,
        By::Link(link) => Some(link),
    };
    let work = |unit: &mut crate::Unit<'_>| {
        let Some(request) = unit.case().contributions.get(&(kind, agency)) else {
            return Ok(Err(AnswerError::NoRequest));
        };
        let mut draft = match link {
            None => draft_of(request),
            Some(link) => practitioners_draft(request, link),
        };
        if seen.is_some_and(|seen| seen != answers_mark(&draft)) {
            return Ok(Err(AnswerError::Changed));
        }
        // A practitioner's accepted answers sent unchanged stay theirs (the consolidated page
        // says so); once the agency changes them, they are the agency's.
        let unchanged = draft.form.answers == answers;
        draft.form.answers.clone_from(&answers);
        draft.form.by = match link {
            Some(_) => Responder::Practitioner,
            None if unchanged && draft.form.by == Responder::Practitioner => {
                Responder::Practitioner
            }
            None => Responder::Agency,
        };
        let (command, done) = match &step {
            Step::Save => (save(kind, agency, draft, link), Answered::Saved),
            Step::AddEntry(_) => {
                draft.chronology.extend(entry.clone());
                (save(kind, agency, draft, link), Answered::EntryAdded)
            }
            Step::RemoveEntry(id) => {
                draft.chronology.retain(|e| e.detail.id != Some(*id));
                (save(kind, agency, draft, link), Answered::Saved)
            }
            Step::Send => match (ready_to_send(app, kind, &draft), link) {
                (Ok(contribution), None) => (
                    Command::ReceiveContribution {
                        kind,
                        agency,
                        received_on: actor.today,
                        contribution,
                    },
                    Answered::Sent,
                ),
                // Issue 16, finding 4: a practitioner's send is theirs until the agency
                // accepts it.
                (Ok(_), Some(link)) => (
                    Command::SubmitPractitionerAnswers {
                        kind,
                        agency,
                        link,
                        draft,
                    },
                    Answered::Submitted,
                ),
                (Err(e), _) => return Ok(Err(e)),
            },
        };
        unit.run(command)?;
        Ok(Ok(done))
    };
    let (outcome, _) = match by {
        By::Agency => app.transact(case_id, None, actor, work).await?,
        By::Link(link) => {
            app.transact_by_link(case_id, link, agency, actor, work)
                .await?
        }
    };
    outcome
}

/// What the agency decides on a practitioner's submitted answers.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Take them as the agency's draft (replacing its answers; its files and entries stay),
    /// drawn when the agency's draft had this mark ([`answers_mark`]; `None`: not checked).
    Accept {
        /// The mark of the agency's draft the page showed.
        seen: Option<String>,
    },
    /// Decline them, with why.
    Decline(String),
}

/// The agency's representative or the partnership team accepts or declines a practitioner's
/// submitted answers, in one transaction. Accepting makes them the agency's draft, not its
/// response: the agency checks and sends it as its own.
///
/// # Errors
/// [`AnswerError::NoRequest`], [`AnswerError::Changed`] when the agency's draft changed since
/// the page was drawn, [`AnswerError::NoReason`], the case's refusal, store failures.
pub async fn decide_submission(
    app: &App,
    who: &Answerer,
    link: LinkId,
    decision: Decision,
    actor: Actor,
) -> Result<(), AnswerError> {
    let (kind, agency) = (who.kind(), who.agency());
    let command = match &decision {
        Decision::Accept { .. } => Command::AcceptPractitionerAnswers { kind, agency, link },
        Decision::Decline(reason) => Command::DeclinePractitionerAnswers {
            kind,
            agency,
            link,
            reason: NonEmptyText::parse(reason.trim()).map_err(|_| AnswerError::NoReason)?,
        },
    };
    let (outcome, _) = app
        .transact(who.case_id(), None, actor, |unit| {
            let Some(request) = unit.case().contributions.get(&(kind, agency)) else {
                return Ok(Err(AnswerError::NoRequest));
            };
            if let Decision::Accept { seen: Some(seen) } = &decision
                && *seen != answers_mark(&draft_of(request))
            {
                return Ok(Err(AnswerError::Changed));
            }
            unit.run(command.clone())?;
            Ok(Ok(()))
        })
        .await?;
    outcome
}

/// Adds a checked file (see the evidence checks) to the draft. The file is stored only when
/// the case accepts the draft with it.
///
/// # Errors
/// [`AnswerError::Settled`] once the response is sent; the case's refusal; store failures.
pub async fn attach_file(
    app: &App,
    who: &Answerer,
    file: NewFile<'_>,
    actor: Actor,
) -> Result<Uuid, AnswerError> {
    let (kind, agency) = (who.kind(), who.agency());
    let (case, _) = app.load(who.case_id()).await?;
    let request = case
        .contributions
        .get(&(kind, agency))
        .ok_or(AnswerError::NoRequest)?;
    if request.is_settled() {
        return Err(AnswerError::Settled);
    }
    let (name, media_type, size) = (file.name, file.media_type, file.bytes.len() as u64);
    // The draft as the case holds it when the file is attached, not as it was read above.
    let attach = |case: &Case, blob| {
        let mut draft = case
            .contributions
            .get(&(kind, agency))
            .map(draft_of)
            .unwrap_or_default();
        draft.form.attachments.push(ResponseFile {
            blob,
            name: name.to_owned(),
            media_type: media_type.to_owned(),
            size,
        });
        save(kind, agency, draft, None)
    };
    Ok(crate::files::attach(app, who.case_id(), file, attach, actor).await?)
}

/// Reads an uploaded chronology (CSV or XLSX in the template's columns) and adds its entries to
/// the draft. A file with any bad row adds nothing. Returns how many entries were added.
///
/// # Errors
/// [`AnswerError::NoRequest`] for a request that is not for a chronology, [`AnswerError::Settled`] once the chronology is sent, [`AnswerError::Import`] with every bad
/// row, the case's refusal, store failures.
pub async fn import_chronology(
    app: &App,
    who: &Answerer,
    name: &str,
    bytes: &[u8],
    too_large: bool,
    actor: Actor,
) -> Result<usize, AnswerError> {
    let (kind, agency) = (who.kind(), who.agency());
    if kind != ContributionKind::Chronology {
        return Err(AnswerError::NoRequest);
    }
    let (outcome, _) = app
        .transact(who.case_id(), None, actor, |unit| {
            let Some(request) = unit.case().contributions.get(&(kind, agency)) else {
                return Ok(Err(AnswerError::NoRequest));
            };
            if request.is_settled() {
                return Ok(Err(AnswerError::Settled));
            }
            let entries = match import::read_chronology(name, bytes, too_large) {
                Ok(entries) => entries,
                Err(e) => return Ok(Err(AnswerError::Import(e))),
            };
            let added = entries.len();
            let mut draft = draft_of(request);
            draft.chronology.extend(entries);
            unit.run(save(kind, agency, draft, None))?;
            Ok(Ok(added))
        })
        .await?;
    outcome
}

fn save(
    kind: ContributionKind,
    agency: AgencyId,
    draft: ContributionDraft,
    link: Option<LinkId>,
) -> Command {
    Command::SaveContributionDraft {
        kind,
        agency,
        draft,
        link,
    }
}
