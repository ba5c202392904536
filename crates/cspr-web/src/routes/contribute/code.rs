//! The practitioner opening a link: the start page, asking for a code and giving it.

use crate::ValidForm;
use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use time::Duration;

use super::{
    FORM_MINUTES, MAX_CODE_ATTEMPTS, MAX_CODES_PER_LINK, OnLink, code_hash, form_open, html, log,
    message, new_code, not_valid, same_hash, set_cookie,
};
use crate::layout::Chrome;
use crate::mail::{self, CODE_MINUTES};
use crate::session::{self, new_token, token_hash};
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "pages/contribute_start.html")]
struct StartPage {
    chrome: Chrome,
    token: String,
    notice: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "pages/contribute_code.html")]
struct CodePage {
    chrome: Chrome,
    token: String,
    error: String,
}

/// The code form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

pub(super) fn start_page(
    state: &AppState,
    token: &str,
    status: StatusCode,
    notice: Option<&'static str>,
) -> Result<Response, WebError> {
    html(
        status,
        &StartPage {
            chrome: Chrome::signed_out(state),
            token: token.to_owned(),
            notice,
        },
    )
}

fn code_page(
    state: &AppState,
    token: &str,
    status: StatusCode,
    error: &str,
) -> Result<Response, WebError> {
    html(
        status,
        &CodePage {
            chrome: Chrome::signed_out(state),
            token: token.to_owned(),
            error: error.to_owned(),
        },
    )
}

/// The link's first page: what happens next, and the button that emails a code.
pub async fn start(
    OnLink(state, _, token, link): OnLink,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if form_open(&link, &headers, state.now()) {
        return Ok(Redirect::to(&format!("/contribute/{token}/form")).into_response());
    }
    start_page(&state, &token, StatusCode::OK, None)
}

/// Emails a new code to the link's address and asks for it.
pub async fn send_code(OnLink(state, source, token, link): OnLink) -> Result<Response, WebError> {
    let Some(config) = state.config().mail.clone() else {
        tracing::error!("a practitioner asked for a code but email is not set up");
        return message(
            &state,
            StatusCode::SERVICE_UNAVAILABLE,
            "Sorry, email is not set up for this service",
            vec![
                "We cannot send you a code at the moment, so the form cannot be opened.",
                "Contact the partnership team who sent you the link: they can tell you another way to share what you know.",
            ],
        );
    };
    let Some(to) = link.email.clone() else {
        return not_valid(&state);
    };
    let code = new_code();
    let expires_at = state.now() + Duration::minutes(CODE_MINUTES);
    if !state
        .store()
        .set_link_code(
            &link.token_hash,
            &code_hash(&token, &code),
            expires_at,
            MAX_CODES_PER_LINK,
        )
        .await?
    {
        log(
            &state,
            Some(&link),
            "practitioner-code-refused",
            "too many codes asked for".to_owned(),
            &source,
        )
        .await?;
        return message(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            "You have asked for too many codes",
            vec![
                "For security, a link can send only a few codes.",
                "Ask the partnership team who sent you the link for a new one.",
            ],
        );
    }
    log(
        &state,
        Some(&link),
        "practitioner-code-sent",
        format!("code {} of {MAX_CODES_PER_LINK}", link.codes_sent + 1),
        &source,
    )
    .await?;
    if let Err(e) = mail::send_code(&config, &to, &code, &state.config().partnership_name).await {
        tracing::error!(link = %link.id, error = %e, "a practitioner's code could not be emailed");
        return message(
            &state,
            StatusCode::SERVICE_UNAVAILABLE,
            "Sorry, we could not send the email",
            vec![
                "Try again in a few minutes by going back to the link in your email.",
                "If it still does not work, contact the partnership team who sent you the link.",
            ],
        );
    }
    code_page(&state, &token, StatusCode::OK, "")
}

/// Checks a code: 5 tries per code; a right one opens the form for 60 minutes.
pub async fn check_code(
    OnLink(state, source, token, link): OnLink,
    ValidForm(form): ValidForm<CodeForm>,
) -> Result<Response, WebError> {
    let now = state.now();
    let expired = "Your code has expired. Send a new code and enter it within 10 minutes";
    if link.code_hash.is_none() || link.code_expires_at.is_none_or(|until| now >= until) {
        return code_page(&state, &token, StatusCode::BAD_REQUEST, expired);
    }
    let code: String = form.code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return code_page(
            &state,
            &token,
            StatusCode::BAD_REQUEST,
            "Enter the 6-digit code from the email",
        );
    }
    let Some(attempts) = state.store().record_code_attempt(&link.token_hash).await? else {
        return code_page(&state, &token, StatusCode::BAD_REQUEST, expired);
    };
    let hash = code_hash(&token, &code);
    let right = attempts <= MAX_CODE_ATTEMPTS && same_hash(&hash, link.code_hash.as_deref());
    if !right {
        log(
            &state,
            Some(&link),
            "practitioner-code-refused",
            format!("try {attempts} of {MAX_CODE_ATTEMPTS}"),
            &source,
        )
        .await?;
        let left = MAX_CODE_ATTEMPTS.saturating_sub(attempts);
        let error = match left {
            0 => "The code has been entered wrongly too many times. Send a new code".to_owned(),
            1 => "The code is not right. You can try once more".to_owned(),
            n => format!("The code is not right. You can try {n} more times"),
        };
        return code_page(&state, &token, StatusCode::BAD_REQUEST, &error);
    }
    let form_token = new_token();
    if !state
        .store()
        .start_link_session(
            &link.token_hash,
            &hash,
            &token_hash(&form_token),
            now + Duration::minutes(FORM_MINUTES),
        )
        .await?
    {
        return code_page(&state, &token, StatusCode::BAD_REQUEST, expired);
    }
    log(
        &state,
        Some(&link),
        "practitioner-code-accepted",
        String::new(),
        &source,
    )
    .await?;
    Ok(session::with_cookie(
        Redirect::to(&format!("/contribute/{token}/form")).into_response(),
        &set_cookie(&form_token),
    ))
}
