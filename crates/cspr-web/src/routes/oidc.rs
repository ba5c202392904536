//! Signing in with the organisation's account (OpenID Connect, see auth/oidc/).
//!
//! `GET /sign-in/oidc` keeps the state, nonce and PKCE verifier on the server under a random
//! id in the `__Host-cspr-oidc` cookie (SameSite=Lax: the provider sends the browser back from
//! another site) and sends the browser to the provider. `GET /sign-in/oidc/callback` finishes:
//! the account is the one linked to the provider's (issuer, subject), or else the one whose
//! address the provider verified, which is then linked. No account is ever made here. The new
//! session has passed the second factor only if the organisation says it did multi-factor
//! sign-in (`amr`); otherwise the person goes on to their authenticator code as after a password.
//!
//! The session cookie is SameSite=Strict, and browsers do not send such cookies on a redirect
//! chain that another site started: so the callback answers with a short page that moves on by
//! itself (a `Refresh` header, and a Continue button), a navigation from cspr's own page.

use askama::Template;
use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::http::header::REFRESH;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_store::{StoreError, UserRow};

use crate::auth::oidc::{CallbackParams, Identity, OidcError, Purpose};
use crate::extract::Visit;
use crate::layout::Chrome;
use crate::session;
use crate::{AppState, WebError};

/// The cookie holding the id of a sign-in in progress.
pub const PENDING_COOKIE: &str = "__Host-cspr-oidc";

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"{% extends "layout.html" %}
{% block title %}{{ title }}{% endblock %}
{% block content %}
<div class="govuk-grid-row">
  <div class="govuk-grid-column-two-thirds">
    <h1 class="govuk-heading-l">{{ title }}</h1>
    {%- for p in paragraphs %}
    <p class="govuk-body">{{ p }}</p>
    {%- endfor %}
    {%- if let Some(href) = next %}
    <a href="{{ href }}" role="button" draggable="false" class="govuk-button" data-module="govuk-button">Continue</a>
    {%- endif %}
    {%- for (href, text) in links %}
    <p class="govuk-body"><a href="{{ href }}" class="govuk-link">{{ text }}</a></p>
    {%- endfor %}
  </div>
</div>
{% endblock %}"#
)]
struct OidcPage {
    chrome: Chrome,
    title: &'static str,
    paragraphs: &'static [&'static str],
    next: Option<String>,
    links: &'static [(&'static str, &'static str)],
}

const PASSWORD_LINK: (&str, &str) = ("/sign-in", "Sign in with your email address and password");

fn page(status: StatusCode, p: OidcPage) -> Result<Response, WebError> {
    Ok((status, Html(p.render()?)).into_response())
}

/// The page for every failure: nothing of what went wrong (the provider's words go to the
/// service log only).
fn problem(state: &AppState, status: StatusCode) -> Result<Response, WebError> {
    page(
        status,
        OidcPage {
            chrome: Chrome::signed_out(state),
            title: "Sorry, there is a problem signing you in",
            paragraphs: &[
                "Signing in with your organisation's account did not work. Try again, or sign in with your email address and password.",
            ],
            next: None,
            links: &[("/sign-in/oidc", "Try again"), PASSWORD_LINK],
        },
    )
}

/// No account for this person, or a disabled one: the same words.
fn not_linked(state: &AppState) -> Result<Response, WebError> {
    page(
        StatusCode::FORBIDDEN,
        OidcPage {
            chrome: Chrome::signed_out(state),
            title: "Your organisation's account is not linked to cspr",
            paragraphs: &["Ask your partnership team for access."],
            next: None,
            links: &[PASSWORD_LINK],
        },
    )
}

fn not_offered(state: &AppState) -> Result<Response, WebError> {
    page(
        StatusCode::OK,
        OidcPage {
            chrome: Chrome::signed_out(state),
            title: "Signing in with your organisation's account is not available",
            paragraphs: &["This service has not been set up for it."],
            next: None,
            links: &[PASSWORD_LINK],
        },
    )
}

/// Sends the browser to the provider with the cookie holding the flow's id (a sign-in, or a
/// step-up started by `routes/stepup.rs`).
pub(crate) fn to_provider(started: &crate::auth::oidc::Started) -> Response {
    session::with_cookie(
        Redirect::to(started.authorize_url.as_str()).into_response(),
        &pending_cookie(&started.id),
    )
}

fn pending_cookie(id: &str) -> String {
    format!(
        "{PENDING_COOKIE}={id}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={}",
        crate::auth::oidc::PENDING_TTL.whole_seconds()
    )
}

fn clear_pending_cookie() -> String {
    format!("{PENDING_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0")
}

fn pending_id(headers: &HeaderMap) -> Option<String> {
    crate::session::cookie(headers, PENDING_COOKIE).filter(|v| crate::session::is_token(v))
}

use super::signin::{landing, log};

/// The access log's detail for a sign-in event through OpenID Connect.
fn via_oidc(detail: &str) -> String {
    format!("openid connect: {detail}")
}

/// Sends the browser to the organisation's provider.
pub async fn start(Visit(state, source): Visit) -> Result<Response, WebError> {
    let Some(oidc) = state.config().oidc.clone() else {
        return not_offered(&state);
    };
    match oidc
        .start(state.store(), state.now(), &source.0, Purpose::SignIn)
        .await
    {
        Ok(started) => Ok(to_provider(&started)),
        Err(e) => {
            tracing::warn!(error = %e, "OpenID Connect sign-in could not start");
            problem(&state, StatusCode::BAD_GATEWAY)
        }
    }
}

/// Why an identity has no account to sign in to: a phrase for the access log, and the
/// account's id when there is one.
type NoAccount = (&'static str, Option<String>);

/// The account an identity signs in to, and whether it was linked just now (by the address the
/// provider verified).
async fn account_for(
    state: &AppState,
    who: &Identity,
) -> Result<Result<(UserRow, bool), NoAccount>, WebError> {
    let store = state.store();
    let partnership = state.config().partnership_id.as_uuid();
    let refused = |user: &UserRow| user.disabled || user.partnership_id != partnership;
    if let Some(user) = store.user_by_oidc(&who.issuer, &who.subject).await? {
        if refused(&user) {
            return Ok(Err((
                "account disabled or elsewhere",
                Some(user.id.to_string()),
            )));
        }
        return Ok(Ok((user, false)));
    }
    let Some(email) = who.verified_email.as_deref() else {
        return Ok(Err(("not linked, no verified address", None)));
    };
    let Some(user) = store.user_by_email(email).await? else {
        return Ok(Err(("not linked, no account", None)));
    };
    let id = Some(user.id.to_string());
    if user.oidc_subject.is_some() {
        // Linked to another identity already: an address is not enough to move it.
        return Ok(Err(("not linked, account linked to another identity", id)));
    }
    if refused(&user) {
        return Ok(Err(("account disabled or elsewhere", id)));
    }
    if !crate::access::Role::parse(&user.role).is_some_and(crate::access::Role::links_by_address) {
        return Ok(Err(("not linked, the role is not linked by address", id)));
    }
    match store.link_oidc(user.id, &who.issuer, &who.subject).await {
        Ok(()) => Ok(Ok((user, true))),
        Err(StoreError::Duplicate(_)) => Ok(Err(("identity linked meanwhile", id))),
        Err(e) => Err(e.into()),
    }
}

/// The provider sends the browser back here.
pub async fn callback(
    Visit(state, source): Visit,
    headers: HeaderMap,
    query: Result<Query<CallbackParams>, QueryRejection>,
) -> Result<Response, WebError> {
    let Some(oidc) = state.config().oidc.clone() else {
        return not_offered(&state);
    };
    let clear = clear_pending_cookie();
    let params = query.map(|Query(q)| q).unwrap_or_default();
    let who = match oidc
        .finish(
            state.store(),
            pending_id(&headers).as_deref(),
            params,
            state.now(),
        )
        .await
    {
        Ok((who, Purpose::SignIn)) => who,
        Ok((
            who,
            Purpose::StepUp {
                user_id,
                session,
                next,
            },
        )) => {
            let response = step_up(&state, &source, &who, user_id, &session, &next).await?;
            return Ok(session::with_cookie(response, &clear));
        }
        Err(e) => {
            tracing::warn!(error = %e, "OpenID Connect sign-in failed");
            log(
                &state,
                "oidc:unknown".to_owned(),
                "sign-in-failed",
                &via_oidc(e.reason()),
                &source,
            )
            .await?;
            let status = match e {
                OidcError::Discovery(_) | OidcError::Exchange(_) | OidcError::Config(_) => {
                    StatusCode::BAD_GATEWAY
                }
                _ => StatusCode::BAD_REQUEST,
            };
            return Ok(session::with_cookie(problem(&state, status)?, &clear));
        }
    };
    let user = match account_for(&state, &who).await? {
        Ok((user, linked_now)) => {
            if linked_now {
                log(
                    &state,
                    user.id.to_string(),
                    "oidc-linked",
                    &via_oidc("by the address the provider verified"),
                    &source,
                )
                .await?;
            }
            user
        }
        Err((why, account)) => {
            // No account: the identity under the store's keyed pseudonym, which someone holding
            // the database without the master key cannot recompute from an issuer and subject.
            let actor = match account {
                Some(account) => account,
                None => format!(
                    "oidc:{}",
                    state
                        .store()
                        .pseudonym(&format!("oidc\0{}\0{}", who.issuer, who.subject))
                        .await?
                ),
            };
            log(&state, actor, "sign-in-failed", &via_oidc(why), &source).await?;
            return Ok(session::with_cookie(not_linked(&state)?, &clear));
        }
    };
    if crate::routes::signin::passkey_only(&state, &user).await? {
        log(
            &state,
            user.id.to_string(),
            "sign-in-refused",
            &via_oidc("passkey required"),
            &source,
        )
        .await?;
        let page = crate::routes::signin::sign_in_error(
            &state,
            String::new(),
            crate::routes::signin::PASSKEY_ONLY.to_owned(),
        )?;
        return Ok(session::with_cookie(page, &clear));
    }
    log(
        &state,
        user.id.to_string(),
        "sign-in-oidc",
        &via_oidc(if who.multi_factor {
            "organisation's multi-factor"
        } else {
            "first factor only"
        }),
        &source,
    )
    .await?;
    let replaces = session::token_from(&headers).map(|t| session::token_hash(&t));
    let token = session::start(&state, &user, who.multi_factor, replaces.as_deref()).await?;
    let next = if who.multi_factor {
        landing(&user.role)
    } else if user.totp_enabled {
        "/sign-in/two-factor"
    } else {
        "/sign-in/set-up-two-factor"
    };
    let mut response = page(
        StatusCode::OK,
        OidcPage {
            chrome: Chrome::signed_out(&state),
            title: "Your organisation has confirmed who you are",
            paragraphs: if who.multi_factor {
                &["You are signed in."]
            } else {
                &["Next, enter the code from your authenticator app."]
            },
            next: Some(next.to_owned()),
            links: &[],
        },
    )?;
    moves_on(&mut response, next)?;
    let response = session::with_cookie(response, &clear);
    Ok(session::with_cookie(response, &session::set_cookie(&token)))
}

/// The page moves on to `next` by itself (see the module's notes on SameSite=Strict).
fn moves_on(response: &mut Response, next: &str) -> Result<(), WebError> {
    response.headers_mut().insert(
        REFRESH,
        HeaderValue::from_str(&format!("0; url={next}"))
            .map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(())
}

/// Finishes a proof of identity through the organisation (step-up, `routes/stepup.rs`): it
/// counts only if the provider's identity is the one linked to the account that asked, the
/// organisation says it did multi-factor sign-in, and that sign-in happened within the step-up
/// window (`auth_time`). Then the session that asked (found by its token's hash: the session
/// cookie does not come back from another site) holds the proof, and the person goes back.
async fn step_up(
    state: &AppState,
    source: &crate::reader::Source,
    who: &Identity,
    user_id: uuid::Uuid,
    session_hash: &str,
    next: &str,
) -> Result<Response, WebError> {
    let now = state.now();
    let linked = state
        .store()
        .user_by_oidc(&who.issuer, &who.subject)
        .await?;
    let refusal = if !linked.is_some_and(|u| u.id == user_id && !u.disabled) {
        Some("another identity")
    } else if !who.multi_factor {
        Some("first factor only")
    } else if !who.auth_time.is_some_and(|at| {
        at <= now + time::Duration::minutes(1) && super::stepup::fresh(Some(at), now)
    }) {
        Some("not a fresh sign-in")
    } else {
        None
    };
    let next = super::stepup::safe_next(next).to_owned();
    if let Some(why) = refusal {
        log(
            state,
            user_id.to_string(),
            "step-up-failed",
            &via_oidc(why),
            source,
        )
        .await?;
        return page(
            StatusCode::FORBIDDEN,
            OidcPage {
                chrome: Chrome::signed_out(state),
                title: "Sorry, we could not confirm it is you",
                paragraphs: &[
                    "Your organisation's sign-in was not a fresh one with its multi-factor check, or it was for someone else. Try again, signing in as yourself.",
                ],
                next: None,
                links: &[("/dashboard", "Go back to your dashboard")],
            },
        );
    }
    state.store().set_session_reauth(session_hash, now).await?;
    log(
        state,
        user_id.to_string(),
        "step-up",
        &via_oidc("organisation's multi-factor"),
        source,
    )
    .await?;
    let mut response = page(
        StatusCode::OK,
        OidcPage {
            chrome: Chrome::signed_out(state),
            title: "Your organisation has confirmed who you are",
            paragraphs: &["Make the change again."],
            next: Some(next.clone()),
            links: &[],
        },
    )?;
    moves_on(&mut response, &next)?;
    Ok(response)
}
