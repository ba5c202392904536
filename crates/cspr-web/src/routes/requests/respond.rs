//! The agency's answer to a request: the form, its draft and sending it.

use crate::access::refuse;
use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_domain::case::Command;
use cspr_domain::case::model::{
    Answer, ContributionDraft, ContributionKind, ContributionRequest, ContributionStatus,
};
use cspr_domain::chronology;
use cspr_domain::forms::{self, MAX_ANSWER_CHARS};
use cspr_domain::ids::AgencyId;
use cspr_domain::words::long_date;
use uuid::Uuid;

use super::create::DoneQuery;
use super::questions::{
    ENTRY_FIELDS, RespondPage, contribution_of, entry_view, posted_answers, sections,
};
use super::{Pairs, agency_name, capitalised, execute, get};
use crate::access::CaseAccess;
use crate::layout::Chrome;
use crate::reader::{self, Source};
use crate::routes::evidence;
use crate::{AppState, ValidForm, WebError};

pub(super) struct RespondInput {
    pub(super) answers: Option<Vec<Answer>>,
    pub(super) missing: BTreeSet<String>,
    pub(super) errors: Vec<(String, String)>,
    pub(super) new_entry: Pairs,
    pub(super) entry_error: String,
    pub(super) file_error: String,
    pub(super) import_error: String,
    pub(super) import_errors: Vec<String>,
    pub(super) success: String,
    pub(super) status: StatusCode,
}

impl Default for RespondInput {
    fn default() -> Self {
        Self {
            answers: None,
            missing: BTreeSet::new(),
            errors: Vec::new(),
            new_entry: Vec::new(),
            entry_error: String::new(),
            file_error: String::new(),
            import_error: String::new(),
            import_errors: Vec::new(),
            success: String::new(),
            status: StatusCode::OK,
        }
    }
}

pub(super) struct Target {
    pub(super) kind: ContributionKind,
    pub(super) agency: AgencyId,
}

pub(super) fn target(access: &CaseAccess, slug: &str) -> Result<Target, WebError> {
    Ok(Target {
        kind: ContributionKind::from_slug(slug).ok_or(WebError::NotFound)?,
        agency: access.agency().ok_or(WebError::NotFound)?,
    })
}

pub(super) fn draft_of(r: &ContributionRequest) -> ContributionDraft {
    match (&r.draft, &r.status) {
        (Some(d), _) => d.clone(),
        (None, ContributionStatus::Received { contribution, .. }) => ContributionDraft {
            form: contribution.form.clone(),
            chronology: contribution.chronology.clone(),
        },
        _ => ContributionDraft::default(),
    }
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
    let editable = !request.is_settled() && cspr_app::policy::may_answer_for_agency(p, t.agency);
    let files = draft
        .form
        .attachments
        .iter()
        .map(|f| {
            (
                format!("/cases/{case_id}/requests/{slug}/files/{}", f.blob),
                f.name.clone(),
                evidence::size_words(f.size),
            )
        })
        .collect();
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
        intro: form.intro.clone(),
        sections: sections(&form, &answers, &input.missing),
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
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, _, slug)): Path<(Uuid, Uuid, String)>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let t = target(&access, &slug)?;
    let success = match q.done.as_str() {
        "saved" => "Your draft is saved. It has not been sent yet.",
        "sent" => "Your response has been sent to the partnership team. Thank you.",
        "file" => "The file is added to your draft.",
        "imported" => "The entries in the file are added to your draft.",
        "entry" => "The entry is added to your draft.",
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
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, _, slug)): Path<(Uuid, Uuid, String)>,
    ValidForm(pairs): ValidForm<Pairs>,
) -> Result<Response, WebError> {
    let t = target(&access, &slug)?;
    let p = access.principal().clone();
    if !cspr_app::policy::may_answer_for_agency(&p, t.agency) {
        return Err(refuse(
            &state,
            &access,
            &source,
            "answer a request for another agency",
        )
        .await);
    }
    let (case, _) = reader::load_case(&state, &access, "answer-request", &source).await?;
    let request = case
        .contributions
        .get(&(t.kind, t.agency))
        .ok_or(WebError::NotFound)?;
    let form = forms::form_for(&state.app().settings().forms, t.kind);
    let answers = posted_answers(&form, &pairs);
    let mut draft = draft_of(request);
    draft.form.answers.clone_from(&answers);
    let intent = get(&pairs, "intent");
    let back = |done: &str| {
        Redirect::to(&format!(
            "/cases/{}/agencies/{}/requests/{slug}?done={done}",
            access.case_id(),
            t.agency
        ))
        .into_response()
    };
    if let Some(long) = answers
        .iter()
        .find(|a| a.answer.chars().count() > MAX_ANSWER_CHARS)
    {
        let input = RespondInput {
            errors: vec![(
                format!("#q-{}", long.question),
                format!("Each answer must be {MAX_ANSWER_CHARS} characters or fewer"),
            )],
            answers: Some(answers.clone()),
            status: StatusCode::BAD_REQUEST,
            ..RespondInput::default()
        };
        return respond_page(&state, &access, &source, &t, input).await;
    }
    let failed = |message: String, answers: Vec<Answer>, new_entry: Pairs| RespondInput {
        errors: vec![(String::new(), message)],
        answers: Some(answers),
        new_entry,
        status: StatusCode::BAD_REQUEST,
        ..RespondInput::default()
    };
    match intent {
        "add-entry" => {
            let cells: Vec<String> = ENTRY_FIELDS
                .iter()
                .map(|(name, _, _)| get(&pairs, name).to_owned())
                .collect();
            match chronology::parse_row(&cells, Uuid::new_v4()) {
                Ok(entry) => draft.chronology.push(entry),
                Err(reasons) => {
                    let input = RespondInput {
                        entry_error: reasons.join(". "),
                        answers: Some(answers),
                        new_entry: pairs.clone(),
                        status: StatusCode::BAD_REQUEST,
                        ..RespondInput::default()
                    };
                    return respond_page(&state, &access, &source, &t, input).await;
                }
            }
            let command = Command::SaveContributionDraft {
                kind: t.kind,
                agency: t.agency,
                draft,
            };
            match execute(&state, &p, access.case_id(), command).await? {
                Ok(()) => Ok(back("entry")),
                Err(m) => {
                    respond_page(&state, &access, &source, &t, failed(m, answers, pairs)).await
                }
            }
        }
        remove if remove.starts_with("remove:") => {
            let id =
                Uuid::parse_str(&remove["remove:".len()..]).map_err(|_| WebError::BadRequest)?;
            draft.chronology.retain(|e| e.detail.id != Some(id));
            let command = Command::SaveContributionDraft {
                kind: t.kind,
                agency: t.agency,
                draft,
            };
            match execute(&state, &p, access.case_id(), command).await? {
                Ok(()) => Ok(back("saved")),
                Err(m) => {
                    respond_page(&state, &access, &source, &t, failed(m, answers, Vec::new())).await
                }
            }
        }
        "send" => {
            let missing: BTreeSet<String> = form
                .unanswered(&answers)
                .iter()
                .map(|q| q.id.clone())
                .collect();
            let mut errors: Vec<(String, String)> = form
                .questions()
                .filter(|q| missing.contains(&q.id))
                .map(|q| (format!("#q-{}", q.id), format!("Answer \"{}\"", q.text)))
                .collect();
            if t.kind == ContributionKind::Chronology && draft.chronology.is_empty() {
                errors.push((
                    "#entry-date".to_owned(),
                    "Add at least one chronology entry before sending".to_owned(),
                ));
            }
            let contribution =
                contribution_of(t.kind, draft.form.clone(), draft.chronology.clone());
            if contribution.is_none() && errors.is_empty() {
                errors.push((String::new(), "Answer at least one question".to_owned()));
            }
            let (Some(contribution), true) = (contribution, errors.is_empty()) else {
                let input = RespondInput {
                    errors,
                    missing,
                    answers: Some(answers),
                    status: StatusCode::BAD_REQUEST,
                    ..RespondInput::default()
                };
                return respond_page(&state, &access, &source, &t, input).await;
            };
            let command = Command::ReceiveContribution {
                kind: t.kind,
                agency: t.agency,
                received_on: state.today(),
                contribution,
            };
            match execute(&state, &p, access.case_id(), command).await? {
                Ok(()) => Ok(back("sent")),
                Err(m) => {
                    respond_page(&state, &access, &source, &t, failed(m, answers, Vec::new())).await
                }
            }
        }
        _ => {
            let command = Command::SaveContributionDraft {
                kind: t.kind,
                agency: t.agency,
                draft,
            };
            match execute(&state, &p, access.case_id(), command).await? {
                Ok(()) => Ok(back("saved")),
                Err(m) => {
                    respond_page(&state, &access, &source, &t, failed(m, answers, Vec::new())).await
                }
            }
        }
    }
}
