//! Practitioners' submitted answers to a request, on the agency's answer page: the agency's
//! representative or the partnership team accepts one (it becomes the agency's draft, to check
//! and send) or declines it with a reason. Nothing a practitioner writes counts as the agency's
//! response until it is accepted and sent (issue 16, finding 4).

use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use cspr_app::answers::{self, AnswerError, Decision};
use cspr_app::policy::answerer;
use cspr_domain::ids::LinkId;
use uuid::Uuid;

use super::respond::{RespondInput, answer_error, respond_page, target};
use super::{Kind, Pairs, get};
use crate::access::refuse;
use crate::extract::OnCase;
use crate::{ValidForm, WebError};

/// The link whose submission a path names (`{link_id}`). Handlers take it as
/// `Submission(link): Submission`.
#[derive(Debug, Clone, Copy)]
pub struct Submission(pub LinkId);

impl<S: Send + Sync> FromRequestParts<S> for Submission {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, WebError> {
        #[derive(serde::Deserialize)]
        struct Named {
            link_id: Uuid,
        }
        let Path(Named { link_id }) = Path::<Named>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound)?;
        Ok(Self(LinkId::from_uuid(link_id)))
    }
}

/// The name (and id) of the reason field of one submission's decline form.
#[must_use]
pub fn reason_field(link: LinkId) -> String {
    format!("reason-{link}")
}

/// Accepts a practitioner's answers as the agency's draft.
pub async fn accept(
    on: OnCase,
    kind: Kind,
    link: Submission,
    ValidForm(pairs): ValidForm<Pairs>,
) -> Result<Response, WebError> {
    let seen = Some(get(&pairs, "seen").to_owned()).filter(|s| !s.is_empty());
    settle(on, kind, link, Decision::Accept { seen }).await
}

/// Declines a practitioner's answers, with the reason given.
pub async fn decline(
    on: OnCase,
    kind: Kind,
    Submission(link): Submission,
    ValidForm(pairs): ValidForm<Pairs>,
) -> Result<Response, WebError> {
    let reason = get(&pairs, &reason_field(link)).to_owned();
    settle(on, kind, Submission(link), Decision::Decline(reason)).await
}

async fn settle(
    OnCase(state, access, source): OnCase,
    Kind(kind): Kind,
    Submission(link): Submission,
    decision: Decision,
) -> Result<Response, WebError> {
    let t = target(&access, kind)?;
    let Some(who) = answerer(&access, t.kind) else {
        return Err(refuse(
            &state,
            &access,
            &source,
            "decide on a practitioner's answers for another agency",
        )
        .await);
    };
    let accepting = matches!(decision, Decision::Accept { .. });
    let actor = state.actor_for(access.principal());
    let errors = match answers::decide_submission(&state.app(), &who, link, decision, actor).await
    {
        Ok(()) => {
            let done = if accepting { "accepted" } else { "declined" };
            return Ok(super::upload::done(&access, &t, done));
        }
        Err(AnswerError::NoReason) => vec![(
            format!("#{}", reason_field(link)),
            "Enter why you are declining these answers".to_owned(),
        )],
        Err(AnswerError::Changed) => vec![(
            String::new(),
            "Your agency's draft changed after you opened this page, so the answers were not accepted. Check the draft below, then accept again".to_owned(),
        )],
        Err(e) => vec![answer_error(e)?],
    };
    let input = RespondInput {
        decline_error: (!accepting).then(|| (link, errors[0].1.clone())),
        errors,
        status: StatusCode::BAD_REQUEST,
        ..RespondInput::default()
    };
    respond_page(&state, &access, &source, &t, input).await
}
