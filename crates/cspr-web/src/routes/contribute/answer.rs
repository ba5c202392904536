//! The practitioner's form, for a free text or a request's questions, and sending it.

use crate::ValidForm;
use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use cspr_app::answers::{self, AnswerError, Answered};
use cspr_domain::case::model::{ContributionDraft, ContributionKind};
use cspr_domain::ids::{AgencyId, CaseId, LinkId, UserId};
use cspr_store::PractitionerLink;
use uuid::Uuid;

use super::code::start_page;
use super::{
    FORM_KINDS, MAX_CONTRIBUTION_CHARS, OnLink, clear_cookie, form_name, form_open, html, log,
    not_valid,
};
use crate::layout::Chrome;
use crate::reader::Source;
use crate::routes::requests::{answer_error, lack_error};
use crate::session;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "pages/contribute_form.html")]
struct FormPage {
    chrome: Chrome,
    token: String,
    form_name: String,
    text: String,
    error: String,
    /// The request's questions, when the link answers a request (else one free text).
    sections: Vec<crate::routes::requests::SectionView>,
    intro: String,
    errors: Vec<(String, String)>,
    saved: bool,
}

#[derive(Template)]
#[template(path = "pages/contribute_done.html")]
struct DonePage {
    chrome: Chrome,
    /// Answers to a request, waiting for the agency to accept them (not a free text).
    submitted: bool,
}

impl FormPage {
    /// The link's form with nothing entered yet: one free text unless the caller adds a
    /// request's questions.
    fn of(state: &AppState, token: &str, link: &PractitionerLink) -> Self {
        Self {
            chrome: Chrome::signed_out(state),
            token: token.to_owned(),
            form_name: form_name(&link.form).unwrap_or_else(|| "Form".to_owned()),
            text: String::new(),
            error: String::new(),
            sections: Vec::new(),
            intro: String::new(),
            errors: Vec::new(),
            saved: false,
        }
    }
}

fn contribution_page(
    state: &AppState,
    token: &str,
    link: &PractitionerLink,
    status: StatusCode,
    text: String,
    error: &str,
) -> Result<Response, WebError> {
    let page = FormPage {
        text,
        error: error.to_owned(),
        ..FormPage::of(state, token, link)
    };
    html(status, &page)
}

/// The request a link answers: its kind and agency, when the case has it open. The read of
/// the case is written to the access log first, under the link.
async fn open_request(
    state: &AppState,
    link: &PractitionerLink,
    source: &Source,
) -> Result<Option<(ContributionKind, AgencyId, ContributionDraft)>, WebError> {
    let Some((prefix, agency)) = link.form.split_once(':') else {
        return Ok(None);
    };
    let (Some((_, kind)), Ok(agency)) = (
        FORM_KINDS.iter().find(|(p, _)| *p == prefix),
        Uuid::parse_str(agency),
    ) else {
        return Ok(None);
    };
    let agency = AgencyId::from_uuid(agency);
    log(
        state,
        Some(link),
        "practitioner-read-request",
        format!("link {} for {}", link.id, link.form),
        source,
    )
    .await?;
    let case = match state.app().load(CaseId::from_uuid(link.case_id)).await {
        Ok((case, _)) => case,
        Err(cspr_app::AppError::NotFound) => return Ok(None),
        Err(e) => return Err(WebError::from(e)),
    };
    Ok(case
        .contributions
        .get(&(*kind, agency))
        .filter(|r| !r.is_settled())
        .map(|r| {
            (
                *kind,
                agency,
                answers::practitioners_draft(r, LinkId::from_uuid(link.id)),
            )
        }))
}

#[allow(clippy::too_many_arguments)]
fn request_page(
    state: &AppState,
    token: &str,
    link: &PractitionerLink,
    kind: ContributionKind,
    answers: &[cspr_domain::case::model::Answer],
    missing: &std::collections::BTreeSet<String>,
    errors: Vec<(String, String)>,
    saved: bool,
) -> Result<Response, WebError> {
    let form = cspr_domain::forms::form_for(&state.app().settings().forms, kind);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = FormPage {
        sections: crate::routes::requests::sections(&form, answers, missing),
        intro: form.intro.clone(),
        errors,
        saved,
        ..FormPage::of(state, token, link)
    };
    html(status, &page)
}

/// The one form of the link, for the holder of its cookie; without it, back to the start.
pub async fn form(
    OnLink(state, source, token, link): OnLink,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if !form_open(&link, &headers, state.now()) {
        return Ok(Redirect::to(&format!("/contribute/{token}")).into_response());
    }
    log(
        &state,
        Some(&link),
        "practitioner-form-opened",
        String::new(),
        &source,
    )
    .await?;
    if let Some((kind, _, draft)) = open_request(&state, &link, &source).await? {
        return request_page(
            &state,
            &token,
            &link,
            kind,
            &draft.form.answers,
            &std::collections::BTreeSet::new(),
            Vec::new(),
            false,
        );
    }
    contribution_page(&state, &token, &link, StatusCode::OK, String::new(), "")
}

/// Stores what the practitioner wrote (sealed with the case key), uses the link up and thanks
/// them.
pub async fn submit(
    OnLink(state, source, token, link): OnLink,
    headers: HeaderMap,
    ValidForm(pairs): ValidForm<crate::routes::requests::Pairs>,
) -> Result<Response, WebError> {
    let now = state.now();
    if !form_open(&link, &headers, now) {
        log(
            &state,
            Some(&link),
            "practitioner-link-refused",
            "form sent without its code".to_owned(),
            &source,
        )
        .await?;
        return start_page(
            &state,
            &token,
            StatusCode::FORBIDDEN,
            Some(
                "For your security, the form closes 60 minutes after you enter your code. What you wrote has not been sent. Get a new code to open the form again.",
            ),
        );
    }
    if let Some((kind, agency, _)) = open_request(&state, &link, &source).await? {
        return answer_request(&state, &source, &token, &link, kind, agency, &pairs).await;
    }
    let contribution = pairs
        .iter()
        .find(|(k, _)| k == "contribution")
        .map_or("", |(_, v)| v.as_str());
    let text = contribution.replace("\r\n", "\n");
    let error = if text.trim().is_empty() {
        "Enter what you would like the review to know"
    } else if text.chars().count() > MAX_CONTRIBUTION_CHARS {
        "What you would like the review to know must be 50,000 characters or fewer"
    } else {
        ""
    };
    if !error.is_empty() {
        return contribution_page(&state, &token, &link, StatusCode::BAD_REQUEST, text, error);
    }
    let blob = state
        .store()
        .put_blob(
            link.case_id,
            "text/plain",
            "practitioner-contribution.txt",
            text.as_bytes(),
        )
        .await?;
    if !state
        .store()
        .mark_link_used(&link.token_hash, now, Some(blob))
        .await?
    {
        // Used or withdrawn meanwhile (a second tab): this copy is kept but the link is spent.
        return not_valid(&state);
    }
    log(
        &state,
        Some(&link),
        "practitioner-contribution-sent",
        format!("link {} for {}, file {blob}", link.id, link.form),
        &source,
    )
    .await?;
    let page = DonePage {
        chrome: Chrome::signed_out(&state),
        submitted: false,
    };
    Ok(session::with_cookie(
        html(StatusCode::OK, &page)?,
        &clear_cookie(),
    ))
}

/// Saves the practitioner's answers as their link's own draft, or submits them for the agency
/// to accept or decline (which uses the link up). The events name the link (issue 16,
/// finding 4), never the team member who made it.
#[allow(clippy::too_many_arguments)]
async fn answer_request(
    state: &AppState,
    source: &Source,
    token: &str,
    link: &PractitionerLink,
    kind: ContributionKind,
    agency: AgencyId,
    pairs: &crate::routes::requests::Pairs,
) -> Result<Response, WebError> {
    let form = cspr_domain::forms::form_for(&state.app().settings().forms, kind);
    let answers = crate::routes::requests::posted_answers(&form, pairs);
    let none = std::collections::BTreeSet::new();
    // The time of the request; no user acts (`answer_by_link` writes as the link).
    let actor = state.actor(UserId::from_uuid(Uuid::nil()));
    let case_id = CaseId::from_uuid(link.case_id);
    let sending = pairs.iter().any(|(k, v)| k == "intent" && v == "send");
    let outcome = answers::answer_by_link(
        &state.app(),
        LinkId::from_uuid(link.id),
        case_id,
        kind,
        agency,
        answers.clone(),
        sending,
        actor,
    )
    .await;
    match outcome {
        Ok(Answered::Submitted | Answered::Sent) => {}
        Ok(_) => {
            log(
                state,
                Some(link),
                "practitioner-draft-saved",
                String::new(),
                source,
            )
            .await?;
            return request_page(state, token, link, kind, &answers, &none, Vec::new(), true);
        }
        Err(AnswerError::Incomplete { lacks, missing }) => {
            let errors = lacks.iter().map(lack_error).collect();
            return request_page(state, token, link, kind, &answers, &missing, errors, false);
        }
        Err(e) => {
            let errors = vec![answer_error(e)?];
            return request_page(state, token, link, kind, &answers, &none, errors, false);
        }
    }
    if !state
        .store()
        .mark_link_used(&link.token_hash, state.now(), None)
        .await?
    {
        return not_valid(state);
    }
    log(
        state,
        Some(link),
        "practitioner-answers-submitted",
        format!(
            "link {} for {}, waiting for the agency to accept or decline",
            link.id, link.form
        ),
        source,
    )
    .await?;
    let page = DonePage {
        chrome: Chrome::signed_out(state),
        submitted: true,
    };
    Ok(session::with_cookie(
        html(StatusCode::OK, &page)?,
        &clear_cookie(),
    ))
}
