//! Signing in and out: password, then the authenticator code (set up at first sign-in, with
//! recovery codes), a new session token at each step, escalating delays after failures per
//! account and per address, the same answer whether or not an account exists, and every
//! attempt in the access log.

use crate::ValidForm;
use crate::extract::{Session, Visit};
use askama::Template;
use axum::extract::{Extension, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_store::UserRow;
use secrecy::SecretString;
use serde::Deserialize;

use crate::access::Role;
use crate::auth::{password, recovery, throttle, totp};
use crate::layout::Chrome;
use crate::reader::Source;
use crate::session::{self, Live};
use crate::{AppState, WebError};

const ISSUER: &str = "cspr";

/// How long failed attempts count against an account or address.
const FORGET_AFTER: time::Duration = time::Duration::hours(1);

#[derive(Template)]
#[template(path = "pages/sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    errors: Vec<(&'static str, String)>,
    email: String,
    notice: Option<&'static str>,
    oidc: bool,
    /// Whether passkeys are offered (the site has a domain name).
    passkeys: bool,
    /// Where passkey.js is served.
    script: &'static str,
}

#[derive(Template)]
#[template(path = "pages/two_factor.html")]
struct TwoFactorPage {
    chrome: Chrome,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/enrol.html")]
struct EnrolPage {
    chrome: Chrome,
    secret: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/recovery_codes.html")]
struct RecoveryCodesPage {
    chrome: Chrome,
    codes: Vec<String>,
    next: &'static str,
}

#[derive(Template)]
#[template(path = "pages/text.html")]
struct SignedOutPage {
    chrome: Chrome,
    heading: &'static str,
    paragraphs: &'static [&'static str],
}

/// Query of the sign-in page.
#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    ended: Option<String>,
}

/// The sign-in form as posted.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    email: String,
    password: String,
}

/// The code form as posted.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

pub(super) fn landing(role: &str) -> &'static str {
    if Role::parse(role) == Some(Role::SystemAdministrator) {
        "/admin"
    } else {
        "/dashboard"
    }
}

/// Writes a sign-in event (no case) to the access log.
pub(crate) async fn log(
    state: &AppState,
    actor: String,
    action: &str,
    detail: &str,
    source: &Source,
) -> Result<(), WebError> {
    Ok(crate::reader::log_event(state, actor, action, detail.to_owned(), source).await?)
}

/// The account key for throttling and the access log: the store's keyed pseudonym of the
/// address typed, so failures are counted for addresses that have no account too (no
/// enumeration), no address is stored, and someone holding the database without the master key
/// file cannot recognise a known address by hashing it.
async fn account_key(state: &AppState, email: &str) -> Result<String, WebError> {
    let pseudonym = state
        .store()
        .pseudonym(&email.trim().to_lowercase())
        .await?;
    Ok(format!("acct:{pseudonym}"))
}

/// [`log`] for a refusal of someone not yet known: within the address's budget per minute, so a
/// flood of wrong guesses cannot fill the single access-log chain (issue 16, finding 7).
pub(crate) async fn log_anonymous(
    state: &AppState,
    actor: String,
    action: &str,
    detail: &str,
    source: &Source,
) -> Result<(), WebError> {
    state.metrics().sign_in_failed();
    Ok(state
        .log_refusal(
            source,
            cspr_store::NewAccessEntry {
                actor,
                action: action.to_owned(),
                case_id: None,
                detail: detail.to_owned(),
                source_ip: source.0.clone(),
                at: state.now(),
            },
        )
        .await?)
}

pub(crate) fn address_key(source: &Source) -> String {
    format!("ip:{}", source.0)
}

/// Counts an attempt against each key and says how long to wait if it may not go ahead. The
/// count is taken first, in one statement, so attempts sent in parallel each get their own
/// place and cannot all slip in before the delay (ASVS 6.3.1). A correct attempt takes its
/// count back afterwards.
pub(crate) async fn admit(
    state: &AppState,
    keys: &[&str],
) -> Result<Option<time::Duration>, WebError> {
    let now = state.now();
    let mut wait: Option<time::Duration> = None;
    for key in keys {
        let mut before = state.store().login_failures(key).await?;
        // Failures an hour old are forgotten, so a shared address is not held back for ever.
        if before
            .as_ref()
            .is_some_and(|f| now - f.last_at > FORGET_AFTER)
        {
            state.store().clear_login_failures(key).await?;
            before = None;
        }
        let counted = state.store().record_login_failure(key, now).await?;
        let delay = throttle::delay_for(counted.count.saturating_sub(1));
        if !delay.is_zero() {
            // Measured from the attempt before this one; if that one is not seen yet (it is
            // racing this one), from now.
            let until = before.map_or(now, |f| f.last_at) + delay;
            if until > now {
                let w = until - now;
                wait = Some(wait.map_or(w, |x| x.max(w)));
            }
        }
    }
    Ok(wait)
}

pub(crate) fn wait_words(wait: time::Duration) -> String {
    let seconds = wait.whole_seconds().max(1);
    if seconds < 90 {
        format!(
            "Too many attempts. Wait {} and try again.",
            cspr_domain::words::plural(seconds, "second", "seconds")
        )
    } else {
        format!(
            "Too many attempts. Wait {} minutes and try again.",
            (seconds + 59) / 60
        )
    }
}

/// The sign-in page.
pub async fn form(
    State(state): State<AppState>,
    Query(q): Query<SignInQuery>,
) -> Result<Response, WebError> {
    let notice = (q.ended.as_deref() == Some("timeout"))
        .then_some("You were signed out because you had not done anything for a while. Sign in again to carry on.");
    let page = SignInPage {
        chrome: Chrome::signed_out(&state),
        errors: Vec::new(),
        email: String::new(),
        notice,
        oidc: state.config().oidc.is_some(),
        passkeys: state.passkeys().is_some(),
        script: crate::routes::passkeys::script(),
    };
    Ok(Html(page.render()?).into_response())
}

pub(crate) fn sign_in_error(
    state: &AppState,
    email: String,
    message: String,
) -> Result<Response, WebError> {
    let page = SignInPage {
        chrome: Chrome::signed_out(state),
        errors: vec![("#email", message)],
        email,
        notice: None,
        oidc: state.config().oidc.is_some(),
        passkeys: state.passkeys().is_some(),
        script: crate::routes::passkeys::script(),
    };
    Ok((axum::http::StatusCode::OK, Html(page.render()?)).into_response())
}

/// Checks the password; on success starts a first-factor session and sends the person on to
/// their code (or to set up their app).
pub async fn submit(
    Visit(state, source): Visit,
    ValidForm(form): ValidForm<SignInForm>,
) -> Result<Response, WebError> {
    let email = form.email.trim().to_owned();
    if email.is_empty() || form.password.is_empty() {
        return sign_in_error(
            &state,
            email,
            "Enter your email address and password".to_owned(),
        );
    }
    let acct = account_key(&state, &email).await?;
    let addr = address_key(&source);
    if let Some(wait) = admit(&state, &[&acct, &addr]).await? {
        log_anonymous(
            &state,
            acct.clone(),
            "sign-in-held-back",
            "throttled",
            &source,
        )
        .await?;
        return sign_in_error(&state, email, wait_words(wait));
    }
    let pw = SecretString::from(form.password);
    let user = state.store().user_by_email(&email).await?;
    let ok = match user.as_ref().filter(|u| !u.disabled) {
        Some(cspr_store::UserRow {
            password_hash: Some(hash),
            ..
        }) => password::verify_password_off_thread(pw, hash.clone()).await,
        // Same work whether or not the account exists (ASVS 6.3.8).
        _ => password::dummy_verify_off_thread(pw).await,
    };
    let Some(user) = user.filter(|_| ok) else {
        log_anonymous(&state, acct, "sign-in-failed", "password", &source).await?;
        return sign_in_error(
            &state,
            email,
            "Enter a correct email address and password".to_owned(),
        );
    };
    state.store().clear_login_failures(&acct).await?;
    state.store().forgive_login_failure(&addr).await?;
    if passkey_only(&state, &user).await? {
        log(
            &state,
            user.id.to_string(),
            "sign-in-refused",
            "passkey required",
            &source,
        )
        .await?;
        return sign_in_error(&state, email, PASSKEY_ONLY.to_owned());
    }
    log(
        &state,
        user.id.to_string(),
        "sign-in-password-ok",
        "password",
        &source,
    )
    .await?;
    let token = session::start(&state, &user, false, None).await?;
    let next = if user.totp_enabled {
        "/sign-in/two-factor"
    } else {
        "/sign-in/set-up-two-factor"
    };
    Ok(session::redirect_with_session(next, &token))
}

/// What someone bound by the "passkeys only" setting is told when they try another way.
pub(crate) const PASSKEY_ONLY: &str =
    "Your partnership asks you to sign in with your passkey: use Sign in with a passkey";

/// Whether this account must sign in with its passkey: the partnership's setting binds its
/// role and it has one (with none yet, it signs in as before and is then asked to add one).
pub(crate) async fn passkey_only(state: &AppState, user: &UserRow) -> Result<bool, WebError> {
    match Role::parse(&user.role) {
        Some(role) if crate::routes::passkeys::bound(state, role) => {
            Ok(state.store().has_passkey(user.id).await?)
        }
        _ => Ok(false),
    }
}

/// The code page.
pub async fn two_factor_form(
    State(state): State<AppState>,
    Extension(live): Extension<Live>,
) -> Result<Response, WebError> {
    if live.session.mfa_done {
        return Ok(Redirect::to(landing(&live.user.role)).into_response());
    }
    if !live.user.totp_enabled {
        return Ok(Redirect::to("/sign-in/set-up-two-factor").into_response());
    }
    Ok(Html(
        TwoFactorPage {
            chrome: Chrome::signed_out(&state),
            error: None,
        }
        .render()?,
    )
    .into_response())
}

pub(crate) async fn check_code(
    state: &AppState,
    user: &UserRow,
    code: &str,
) -> Result<bool, WebError> {
    let code = code.trim();
    if code.len() > 6 || code.contains('-') {
        let used = state
            .store()
            .use_recovery_code(user.id, &recovery::hash_code(code))
            .await?;
        return Ok(used);
    }
    let Some(secret) = state.store().totp_secret(user.id).await? else {
        return Ok(false);
    };
    let now = u64::try_from(state.now().unix_timestamp()).unwrap_or(0);
    match totp::verify(secret.as_slice(), code, now) {
        // The store takes the step only if it is later than the last one used, in one
        // statement: the same code cannot get two requests in.
        Some(step) => Ok(state.store().set_last_totp_step(user.id, step).await?),
        _ => Ok(false),
    }
}

/// Checks the code; on success replaces the session with a fully signed-in one.
pub async fn two_factor_submit(
    Session(state, live, source): Session,
    ValidForm(form): ValidForm<CodeForm>,
) -> Result<Response, WebError> {
    let user = &live.user;
    let acct = format!("mfa:{}", user.id);
    if let Some(wait) = admit(&state, &[&acct]).await? {
        let page = TwoFactorPage {
            chrome: Chrome::signed_out(&state),
            error: Some(wait_words(wait)),
        };
        return Ok(Html(page.render()?).into_response());
    }
    if !check_code(&state, user, &form.code).await? {
        state.metrics().sign_in_failed();
        log(
            &state,
            user.id.to_string(),
            "sign-in-failed",
            "second factor",
            &source,
        )
        .await?;
        let page = TwoFactorPage {
            chrome: Chrome::signed_out(&state),
            error: Some("Enter the code shown in your authenticator app".to_owned()),
        };
        return Ok(Html(page.render()?).into_response());
    }
    state.store().clear_login_failures(&acct).await?;
    log(
        &state,
        user.id.to_string(),
        "signed-in",
        "second factor",
        &source,
    )
    .await?;
    let token = session::start(&state, user, true, Some(&live.session.token_hash)).await?;
    Ok(session::redirect_with_session(landing(&user.role), &token))
}

/// The set-up page: makes a fresh secret (not yet active) for this session and shows it. A
/// secret made before, in this session or another, is never shown again (issue 16, finding
/// 2): whoever holds a password-only session cannot read a secret someone else is setting up.
pub async fn enrol_form(
    State(state): State<AppState>,
    Extension(live): Extension<Live>,
) -> Result<Response, WebError> {
    if live.user.totp_enabled {
        return Ok(Redirect::to("/sign-in/two-factor").into_response());
    }
    let secret = totp::new_secret();
    state
        .store()
        .set_pending_totp_secret(live.user.id, &secret, &live.session.token_hash)
        .await?;
    let page = EnrolPage {
        chrome: Chrome::signed_out(&state),
        secret: totp::secret_base32(&secret),
        error: None,
    };
    Ok(Html(page.render()?).into_response())
}

/// The QR code of the pending secret.
pub async fn enrol_qr(
    State(state): State<AppState>,
    Extension(live): Extension<Live>,
) -> Result<Response, WebError> {
    if live.user.totp_enabled {
        return Ok(Redirect::to("/sign-in/two-factor").into_response());
    }
    let Some(secret) = state
        .store()
        .pending_totp_secret(live.user.id, &live.session.token_hash)
        .await?
    else {
        return Ok(Redirect::to("/sign-in/set-up-two-factor").into_response());
    };
    let label = format!("{} ({})", state.config().partnership_name, live.user.email);
    let png = totp::qr_png(secret.as_slice(), &label, ISSUER)
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(([(axum::http::header::CONTENT_TYPE, "image/png")], png).into_response())
}

/// Confirms the app works, turns the second factor on, and shows the recovery codes once.
pub async fn enrol_submit(
    Session(state, live, source): Session,
    ValidForm(form): ValidForm<CodeForm>,
) -> Result<Response, WebError> {
    let user = &live.user;
    if user.totp_enabled {
        return Ok(Redirect::to("/sign-in/two-factor").into_response());
    }
    let Some(secret) = state
        .store()
        .pending_totp_secret(user.id, &live.session.token_hash)
        .await?
    else {
        return Ok(Redirect::to("/sign-in/set-up-two-factor").into_response());
    };
    let now = u64::try_from(state.now().unix_timestamp()).unwrap_or(0);
    let Some(step) = totp::verify(secret.as_slice(), form.code.trim(), now) else {
        log(
            &state,
            user.id.to_string(),
            "two-factor-setup-failed",
            "code",
            &source,
        )
        .await?;
        let page = EnrolPage {
            chrome: Chrome::signed_out(&state),
            secret: totp::secret_base32(secret.as_slice()),
            error: Some("Enter the 6-digit code shown in your authenticator app".to_owned()),
        };
        return Ok(Html(page.render()?).into_response());
    };
    // Recovery codes first: the second factor is never switched on without them.
    let codes = recovery::generate();
    let hashes: Vec<String> = codes.iter().map(|c| recovery::hash_code(c)).collect();
    state
        .store()
        .replace_recovery_codes(user.id, &hashes)
        .await?;
    state
        .store()
        .set_totp_secret(user.id, Some(secret.as_slice()), true)
        .await?;
    if !state.store().set_last_totp_step(user.id, step).await? {
        return Ok(Redirect::to("/sign-in/set-up-two-factor").into_response());
    }
    log(
        &state,
        user.id.to_string(),
        "two-factor-set-up",
        "authenticator app",
        &source,
    )
    .await?;
    let token = session::start(&state, user, true, Some(&live.session.token_hash)).await?;
    let page = RecoveryCodesPage {
        chrome: Chrome::signed_out(&state),
        codes,
        next: landing(&user.role),
    };
    let response = Html(page.render()?).into_response();
    Ok(session::with_cookie(response, &session::set_cookie(&token)))
}

/// Signs out of this browser.
pub async fn sign_out(Session(state, live, source): Session) -> Result<Response, WebError> {
    state
        .store()
        .delete_session(&live.session.token_hash)
        .await?;
    signed_out_of(&state, &live, "this browser", &source).await
}

/// Signs out of every browser.
pub async fn sign_out_everywhere(
    Session(state, live, source): Session,
) -> Result<Response, WebError> {
    state.store().delete_user_sessions(live.user.id).await?;
    signed_out_of(&state, &live, "everywhere", &source).await
}

/// Logs the signing out (of `which` sessions) and clears this browser's cookie.
async fn signed_out_of(
    state: &AppState,
    live: &Live,
    which: &str,
    source: &Source,
) -> Result<Response, WebError> {
    log(state, live.user.id.to_string(), "signed-out", which, source).await?;
    Ok(session::with_cookie(
        Redirect::to("/signed-out").into_response(),
        &session::clear_cookie(),
    ))
}

/// After signing out.
pub async fn signed_out(State(state): State<AppState>) -> Result<Response, WebError> {
    let page = SignedOutPage {
        chrome: Chrome::signed_out(&state),
        heading: "You have signed out",
        paragraphs: &["You can close this window, or sign in again."],
    };
    Ok(Html(page.render()?).into_response())
}
