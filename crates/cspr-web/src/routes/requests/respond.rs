//! The agency's answer to a request: the form, its draft and sending it.

use super::Kind;
use crate::access::refuse;
use crate::extract::OnCase;
use std::collections::BTreeSet;

use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use cspr_app::answers::{self, AnswerError, Answered, Lack, Step, draft_of};
use cspr_app::policy::answerer;
use cspr_domain::case::model::{Answer, ContributionKind, ContributionStatus};
use cspr_domain::forms::{self, MAX_ANSWER_CHARS};
use cspr_domain::ids::AgencyId;
use cspr_domain::words::long_date;
use uuid::Uuid;

use super::create::DoneQuery;
use super::questions::{ENTRY_FIELDS, RespondPage, entry_view, posted_answers, sections};
use super::{Pairs, agency_name, capitalised, get};
use crate::access::CaseAccess;
use crate::layout::Chrome;
use crate::reader::{self, Source};
use crate::{AppState, ValidForm, WebError};

pub(super) struct RespondInput {
    pub(super) answers: Option<Vec<Answer>>,
    /// The mark of the answers the form was drawn from, to carry again (`None`: the draft's
    /// as it is now).
    pub(super) seen: Option<String>,
    pub(super) missing: BTreeSet<String>,
    pub(super) errors: Vec<(String, String)>,
    pub(super) new_entry: Pairs,
    pub(super) entry_error: String,
    pub(super) file_error: String,
    pub(super) import_error: String,
    pub(super) import_errors: Vec<String>,
    pub(super) success: String,
    /// The decline form of a practitioner's submission that was refused, and why.
    pub(super) decline_error: Option<(cspr_domain::ids::LinkId, String)>,
    pub(super) status: StatusCode,
}

impl Default for RespondInput {
    fn default() -> Self {
        Self {
            answers: None,
            seen: None,
            missing: BTreeSet::new(),
            errors: Vec::new(),
            new_entry: Vec::new(),
            entry_error: String::new(),
            file_error: String::new(),
            import_error: String::new(),
            import_errors: Vec::new(),
            success: String::new(),
            decline_error: None,
            status: StatusCode::OK,
        }
    }
}

pub(super) struct Target {
    pub(super) kind: ContributionKind,
    pub(super) agency: AgencyId,
}

pub(super) fn target(access: &CaseAccess, kind: ContributionKind) -> Result<Target, WebError> {
    Ok(Target {
        kind,
        agency: access.agency().ok_or(WebError::NotFound)?,
    })
}

pub(super) async fn respond_page(
    state: &AppState,
    access: &CaseAccess,
    source: &Source,
    t: &Target,
    input: RespondInput,
) -> Result<Response, WebError> {
    let (case, _) = reader::load_case(state, access, "view-request-response", source).await?;
    let request = case
        .contributions
        .get(&(t.kind, t.agency))
        .ok_or(WebError::NotFound)?;
    let p = access.principal();
    let agencies = state.store().agencies(p.partnership_id.as_uuid()).await?;
    let form = forms::form_for(&state.app().settings().forms, t.kind);
    let draft = draft_of(request);
    let answers = input.answers.unwrap_or_else(|| draft.form.answers.clone());
    let case_id = access.case_id().as_uuid();
    let slug = t.kind.slug();
    let sent = match &request.status {
        ContributionStatus::Received { on, .. } => format!("Sent on {}", long_date(*on)),
        ContributionStatus::Waived { reason } => {
            format!("No longer needed: {}", reason.as_str())
        }
        ContributionStatus::Requested => String::new(),
    };
    let may_answer = cspr_app::policy::may_answer_for_agency(p, t.agency);
    let editable = !request.is_settled() && may_answer;
    let submissions = answers::pending_submissions(request)
        .into_iter()
        .map(|(link, s)| {
            let base = format!(
                "/cases/{case_id}/agencies/{}/requests/{slug}/submissions/{link}",
                t.agency
            );
            super::questions::SubmissionView {
                submitted: long_date(s.submitted_on),
                link: link.to_string(),
                answers: s
                    .draft
                    .form
                    .answers
                    .iter()
                    .filter(|a| !a.answer.trim().is_empty())
                    .map(|a| (a.asked.clone(), a.answer.clone()))
                    .collect(),
                accept: format!("{base}/accept"),
                decline: format!("{base}/decline"),
                reason_field: super::submissions::reason_field(link),
                reason_error: input
                    .decline_error
                    .as_ref()
                    .filter(|(l, _)| *l == link)
                    .map(|(_, e)| e.clone())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let files = super::attachments(case_id, t.kind, &draft.form);
    let mut errors = input.errors;
    if !input.entry_error.is_empty() {
        errors.push(("#entry-what".to_owned(), input.entry_error.clone()));
    }
    if !input.file_error.is_empty() {
        errors.push(("#file".to_owned(), input.file_error.clone()));
    }
    if !input.import_error.is_empty() {
        errors.push(("#import".to_owned(), input.import_error.clone()));
    }
    let page = RespondPage {
        chrome: Chrome::signed_in(state, p, "/dashboard"),
        reference: access.summary().reference.clone(),
        action: format!("/cases/{case_id}/agencies/{}/requests/{slug}", t.agency),
        heading: capitalised(t.kind.label()),
        agency: agency_name(&agencies, t.agency),
        due: long_date(request.due_on),
        sent,
        reopened: request.reopened > 0 && !request.is_settled(),
        editable,
        may_decide: may_answer,
        may_accept: editable,
        submissions,
        draft_mark: cspr_app::answers::answers_mark(&draft),
        intro: form.intro.clone(),
        sections: sections(&form, &answers, &input.missing),
        seen: input
            .seen
            .unwrap_or_else(|| cspr_app::answers::answers_mark(&draft)),
        chronology: t.kind == ContributionKind::Chronology,
        entries: draft.chronology.iter().map(entry_view).collect(),
        new_entry: ENTRY_FIELDS
            .iter()
            .map(|(name, label, hint)| {
                (
                    (*name).to_owned(),
                    (*label).to_owned(),
                    (*hint).to_owned(),
                    get(&input.new_entry, name).to_owned(),
                )
            })
            .collect(),
        entry_error: input.entry_error,
        files,
        errors,
        file_error: input.file_error,
        import_error: input.import_error,
        import_errors: input.import_errors,
        success: input.success,
    };
    Ok((input.status, Html(page.render()?)).into_response())
}

/// The form of a request to one agency: its draft, or the sent response to read.
pub async fn respond(
    OnCase(state, access, source): OnCase,
    Kind(kind): Kind,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let t = target(&access, kind)?;
    let success = match q.done.as_str() {
        "saved" => "Your draft is saved. It has not been sent yet.",
        "sent" => "Your response has been sent to the partnership team. Thank you.",
        "file" => "The file is added to your draft.",
        "imported" => "The entries in the file are added to your draft.",
        "entry" => "The entry is added to your draft.",
        "accepted" => {
            "The practitioner's answers are now your draft. Check them, then send the response."
        }
        "declined" => {
            "The practitioner's answers are declined. They are not part of your response."
        }
        _ => "",
    };
    let input = RespondInput {
        success: success.to_owned(),
        ..RespondInput::default()
    };
    respond_page(&state, &access, &source, &t, input).await
}

/// Saves the draft, adds or removes a chronology entry, or sends the response (`intent`).
pub async fn respond_submit(
    OnCase(state, access, source): OnCase,
    Kind(kind): Kind,
    ValidForm(pairs): ValidForm<Pairs>,
) -> Result<Response, WebError> {
    let t = target(&access, kind)?;
    let Some(who) = answerer(&access, t.kind) else {
        return Err(refuse(
            &state,
            &access,
            &source,
            "answer a request for another agency",
        )
        .await);
    };
    let form = forms::form_for(&state.app().settings().forms, t.kind);
    let answers = posted_answers(&form, &pairs);
    let intent = get(&pairs, "intent");
    let step = match intent {
        "add-entry" => Step::AddEntry(
            ENTRY_FIELDS
                .iter()
                .map(|(name, _, _)| get(&pairs, name).to_owned())
                .collect(),
        ),
        remove if remove.starts_with("remove:") => Step::RemoveEntry(
            Uuid::parse_str(&remove["remove:".len()..]).map_err(|_| WebError::BadRequest)?,
        ),
        "send" => Step::Send,
        _ => Step::Save,
    };
    let actor = state.actor_for(access.principal());
    // The mark of the answers the form was drawn from; a post without one (not from the
    // form) is not checked.
    let seen = get(&pairs, "seen").to_owned();
    let posted = (
        answers.clone(),
        Some(seen.as_str()).filter(|s| !s.is_empty()),
    );
    let input = match answers::answer(&state.app(), &who, posted, step, actor).await {
        Ok(done) => {
            let done = match done {
                Answered::Saved => "saved",
                Answered::EntryAdded => "entry",
                Answered::Sent | Answered::Submitted => "sent",
            };
            return Ok(super::upload::done(&access, &t, done));
        }
        Err(AnswerError::Entry(reasons)) => RespondInput {
            entry_error: reasons.join(". "),
            new_entry: pairs,
            ..RespondInput::default()
        },
        Err(AnswerError::Incomplete { lacks, missing }) => RespondInput {
            errors: lacks.iter().map(lack_error).collect(),
            missing,
            seen: Some(seen),
            ..RespondInput::default()
        },
        // Drawn again from the draft as it is now: saving once more replaces it knowingly.
        Err(AnswerError::Changed) => RespondInput {
            errors: vec![answer_error(AnswerError::Changed)?],
            ..RespondInput::default()
        },
        Err(e) => RespondInput {
            errors: vec![answer_error(e)?],
            seen: Some(seen),
            new_entry: if intent == "add-entry" {
                pairs
            } else {
                Vec::new()
            },
            ..RespondInput::default()
        },
    };
    let input = RespondInput {
        answers: Some(answers),
        status: StatusCode::BAD_REQUEST,
        ..input
    };
    respond_page(&state, &access, &source, &t, input).await
}

/// The error summary's line for what a response lacks before it is sent.
pub(crate) fn lack_error(lack: &Lack) -> (String, String) {
    match lack {
        Lack::Question { id, text } => (format!("#q-{id}"), format!("Answer \"{text}\"")),
        Lack::Entries => (
            "#entry-date".to_owned(),
            "Add at least one chronology entry before sending".to_owned(),
        ),
        Lack::Anything => (String::new(), "Answer at least one question".to_owned()),
    }
}

/// The error summary's line for an answer not taken (other than an entry or a lack).
pub(crate) fn answer_error(e: AnswerError) -> Result<(String, String), WebError> {
    Ok(match e {
        AnswerError::TooLong(question) => (
            format!("#q-{question}"),
            format!("Each answer must be {MAX_ANSWER_CHARS} characters or fewer"),
        ),
        AnswerError::Entry(reasons) => ("#entry-what".to_owned(), reasons.join(". ")),
        AnswerError::Incomplete { lacks, .. } => lacks
            .first()
            .map_or_else(|| lack_error(&Lack::Anything), lack_error),
        AnswerError::Settled => (
            String::new(),
            "The response has been sent: it can be changed while it is a draft".to_owned(),
        ),
        AnswerError::NoRequest => return Err(WebError::NotFound),
        AnswerError::Changed => (
            String::new(),
            "Someone else saved this response after you opened it, so your answers were not saved. Their answers are not shown here: your own are below. Check them against the saved response, then save again to replace it".to_owned(),
        ),
        AnswerError::Import(_) => (String::new(), "The file cannot be read".to_owned()),
        AnswerError::NoReason => (
            "#reason".to_owned(),
            "Enter why you are declining these answers".to_owned(),
        ),
        AnswerError::App(e) => (String::new(), crate::refused(e)?),
    })
}
