//! Step-up re-authentication (ASVS 7.5.3; issue 16): publishing, withdrawing a report,
//! exporting a document, making or changing an account, deciding a role request and changing
//! a case's members need the person to have proved who they are within the last
//! [`STEP_UP_MINUTES`] minutes. Signing in counts; otherwise the guard sends them to
//! `/confirm-identity`, which asks again for their password and authenticator code, then back
//! to the page they were on (what they had typed is not kept: they send it again). An account
//! linked to the organisation's sign-in may instead sign in there afresh
//! (`/confirm-identity/organisation`, finished by `routes/oidc.rs`).

use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use secrecy::SecretString;
use serde::Deserialize;

use crate::auth::oidc::Purpose;
use crate::auth::password;
use crate::extract::Session;
use crate::layout::Chrome;
use crate::routes::form::{Field, FieldKind, FormPage};
use crate::routes::signin::{admit, check_code, log, wait_words};
use crate::{AppState, ValidForm, WebError};

/// How recent the proof must be.
pub const STEP_UP_MINUTES: i64 = 5;

/// The changes that need a recent proof: (method, route template).
const STEP_UP: &[(&str, &str)] = &[
    ("POST", "/cases/{case_id}/publication/publish"),
    ("POST", "/cases/{case_id}/publication/withdraw"),
    ("POST", "/cases/{case_id}/documents/{document}/exports"),
    ("POST", "/cases/{case_id}/members"),
    ("POST", "/cases/{case_id}/members/{user_id}/remove"),
    ("POST", "/admin/users/new"),
    ("POST", "/admin/users/{user_id}"),
    ("POST", "/admin/approvals/{grant_id}"),
    // A passkey is a way to sign in: adding or removing one is a change to the account's
    // factors (issue 16).
    ("POST", "/account/passkeys/options"),
    ("POST", "/account/passkeys"),
    ("POST", "/account/passkeys/{passkey_id}/remove"),
    ("POST", "/admin/users/{user_id}/passkeys/remove"),
];

/// Whether a request to this route needs a recent proof.
#[must_use]
pub fn needed(method: &str, template: &str) -> bool {
    STEP_UP.iter().any(|(m, t)| *m == method && *t == template)
}

/// Whether the session's last proof is recent enough at `now`.
#[must_use]
pub fn fresh(reauth_at: Option<time::OffsetDateTime>, now: time::OffsetDateTime) -> bool {
    reauth_at.is_some_and(|at| now - at <= time::Duration::minutes(STEP_UP_MINUTES))
}

/// The page to come back to after the proof: the form's own page when the route has one, else
/// the nearest page above it (`/cases/{id}/publication` for a withdrawal, `/account/passkeys`
/// for removing one of them).
#[must_use]
pub fn back_to(path: &str, template: &str) -> String {
    let (mut path, mut template) = (path, template);
    loop {
        let has_page = crate::routes::ROUTES
            .iter()
            .any(|r| r.method == "GET" && r.path == template);
        if has_page {
            return path.to_owned();
        }
        match (path.rsplit_once('/'), template.rsplit_once('/')) {
            (Some((up, _)), Some((up_template, _))) if !up.is_empty() => {
                (path, template) = (up, up_template);
            }
            _ => return "/".to_owned(),
        }
    }
}

/// Only a path of this site made of ids and words (`/cases/<id>/publication`): never
/// `//host`, a scheme, a query or anything to escape.
pub fn safe_next(next: &str) -> &str {
    let plain = next
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_'));
    if plain && next.starts_with('/') && !next.starts_with("//") {
        next
    } else {
        "/dashboard"
    }
}

/// Where to go afterwards.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Next {
    pub(crate) next: String,
}

/// The proof as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Proof {
    password: String,
    code: String,
}

async fn page(
    state: &AppState,
    live: &crate::session::Live,
    next: &str,
    errors: Vec<(&'static str, String)>,
) -> Result<FormPage, WebError> {
    let mut links = organisation_link(state, live, next);
    if state.passkeys().is_some() && state.store().has_passkey(live.user.id).await? {
        links.insert(
            0,
            (
                format!("/confirm-identity/passkey?next={}", safe_next(next)),
                "Confirm it is you with a passkey instead".to_owned(),
            ),
        );
    }
    let mut fields = Vec::new();
    if live.user.password_hash.is_some() {
        fields.push(Field::new(
            "password",
            "Password",
            FieldKind::CurrentPassword,
            "",
        ));
    }
    fields.push(
        Field::new(
            "code",
            "Code from your authenticator app",
            FieldKind::Text,
            "",
        )
        .hint("The 6-digit code, or one of your recovery codes"),
    );
    Ok(FormPage {
        chrome: Chrome::signed_out(state),
        heading: "Confirm it is you",
        intro: vec![format!(
            "This change needs you to have signed in within the last {STEP_UP_MINUTES} minutes. Enter your details again, then make the change again."
        )],
        action: format!("/confirm-identity?next={}", safe_next(next)),
        fields,
        errors,
        submit: "Continue",
        success: None,
        back: None,
        links,
        buttons: Vec::new(),
    })
}

/// For an account linked to the organisation's sign-in, the other way to give the proof: a
/// fresh sign-in there (the only way for someone without a password or an authenticator).
fn organisation_link(
    state: &AppState,
    live: &crate::session::Live,
    next: &str,
) -> Vec<(String, String)> {
    if state.config().oidc.is_some() && live.user.oidc_subject.is_some() {
        vec![(
            format!("/confirm-identity/organisation?next={}", safe_next(next)),
            "Confirm it is you with your organisation's account instead".to_owned(),
        )]
    } else {
        Vec::new()
    }
}

/// Sends the person to their organisation's provider for a fresh sign-in; the callback
/// (`routes/oidc.rs`) records the proof on this session when it is theirs, multi-factor and
/// fresh. Only for an account linked to the organisation's sign-in.
pub async fn with_organisation(
    Session(state, live, source): Session,
    Query(q): Query<Next>,
) -> Result<Response, WebError> {
    if let Some(to_passkey) = passkey_only(&state, &live, &q.next).await? {
        return Ok(to_passkey);
    }
    let oidc = state.config().oidc.clone();
    let Some(oidc) = oidc.filter(|_| live.user.oidc_subject.is_some()) else {
        return Ok(
            Redirect::to(&format!("/confirm-identity?next={}", safe_next(&q.next))).into_response(),
        );
    };
    let purpose = Purpose::StepUp {
        user_id: live.user.id,
        session: live.session.token_hash.clone(),
        next: safe_next(&q.next).to_owned(),
    };
    match oidc
        .start(state.store(), state.now(), &source.0, purpose)
        .await
    {
        Ok(started) => Ok(crate::routes::oidc::to_provider(&started)),
        Err(e) => {
            tracing::warn!(error = %e, "OpenID Connect step-up could not start");
            page(
                &state,
                &live,
                &q.next,
                vec![(
                    "code",
                    "Your organisation's sign-in is not available now: enter your password and code"
                        .to_owned(),
                )],
            )
            .await?
            .render_page()
        }
    }
}

/// Someone who must sign in with their passkey gives the proof with it too, never with the
/// password, a code or the organisation's sign-in (which a phishing site could collect): they
/// are sent to `/confirm-identity/passkey`.
async fn passkey_only(
    state: &AppState,
    live: &crate::session::Live,
    next: &str,
) -> Result<Option<Response>, WebError> {
    Ok(crate::routes::signin::passkey_only(state, &live.user)
        .await?
        .then(|| {
            Redirect::to(&format!(
                "/confirm-identity/passkey?next={}",
                safe_next(next)
            ))
            .into_response()
        }))
}

/// The form.
pub async fn form(
    Session(state, live, _): Session,
    Query(q): Query<Next>,
) -> Result<Response, WebError> {
    if let Some(to_passkey) = passkey_only(&state, &live, &q.next).await? {
        return Ok(to_passkey);
    }
    page(&state, &live, &q.next, Vec::new())
        .await?
        .render_page()
}

/// Checks the password and the code (throttled and logged like signing in), records the proof
/// on the session, and goes back.
pub async fn submit(
    Session(state, live, source): Session,
    Query(q): Query<Next>,
    ValidForm(form): ValidForm<Proof>,
) -> Result<Response, WebError> {
    if let Some(to_passkey) = passkey_only(&state, &live, &q.next).await? {
        return Ok(to_passkey);
    }
    let user = &live.user;
    let key = format!("reauth:{}", user.id);
    if let Some(wait) = admit(&state, &[&key]).await? {
        return page(&state, &live, &q.next, vec![("code", wait_words(wait))])
            .await?
            .render_page();
    }
    let password_ok = match user.password_hash.clone() {
        Some(hash) => {
            password::verify_password_off_thread(SecretString::from(form.password), hash).await
        }
        None => true,
    };
    // The code is checked (and its time step spent) only after a right password.
    let ok = password_ok && user.totp_enabled && check_code(&state, user, &form.code).await?;
    if !ok {
        log(
            &state,
            user.id.to_string(),
            "step-up-failed",
            "password or code",
            &source,
        )
        .await?;
        return page(
            &state,
            &live,
            &q.next,
            vec![(
                if password_ok { "code" } else { "password" },
                "Enter your password and the code shown in your authenticator app".to_owned(),
            )],
        )
        .await?
        .render_page();
    }
    state.store().clear_login_failures(&key).await?;
    state
        .store()
        .set_session_reauth(&live.session.token_hash, state.now())
        .await?;
    log(
        &state,
        user.id.to_string(),
        "step-up",
        "password and code",
        &source,
    )
    .await?;
    Ok(Redirect::to(safe_next(&q.next)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_sites_paths_are_followed_back() {
        assert_eq!(safe_next("/cases/1/publication"), "/cases/1/publication");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "\\\\evil",
            "",
            "/\\evil",
        ] {
            assert_eq!(safe_next(bad), "/dashboard", "{bad}");
        }
    }

    #[test]
    fn a_withdrawal_comes_back_to_the_publication_page() {
        assert_eq!(
            back_to(
                "/cases/abc/publication/withdraw",
                "/cases/{case_id}/publication/withdraw"
            ),
            "/cases/abc/publication"
        );
        assert_eq!(
            back_to(
                "/cases/abc/publication/publish",
                "/cases/{case_id}/publication/publish"
            ),
            "/cases/abc/publication/publish"
        );
        assert_eq!(
            back_to(
                "/account/passkeys/abc/remove",
                "/account/passkeys/{passkey_id}/remove"
            ),
            "/account/passkeys"
        );
        assert_eq!(
            back_to(
                "/admin/users/abc/passkeys/remove",
                "/admin/users/{user_id}/passkeys/remove"
            ),
            "/admin/users/abc"
        );
        assert!(
            STEP_UP.iter().all(|(m, t)| crate::routes::ROUTES
                .iter()
                .any(|r| r.method == *m && r.path == *t)),
            "every step-up route exists"
        );
    }
}
