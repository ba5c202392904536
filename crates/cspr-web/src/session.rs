//! Server-side sessions. The browser holds a random 256-bit token in a `__Host-` cookie
//! (Secure, HttpOnly, SameSite=Strict); the database holds only the token's blake3 hash. A
//! session ends after 30 minutes idle or 12 hours in all (configurable), at sign-out, at
//! "sign out everywhere", and when the account is disabled. Signing in and passing the second
//! factor each issue a new token (ASVS 7.2.4).

use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use cspr_store::{NewSession, SessionRow, UserRow};
use time::OffsetDateTime;

use crate::AppState;

/// The session cookie's name: the `__Host-` prefix pins it to this host, path / and Secure.
pub const COOKIE_NAME: &str = "__Host-cspr-session";

pub use cspr_app::accounts::tokens::{new_token, token_hash};

/// The token the request carries, if any.
#[must_use]
pub fn token_from(headers: &HeaderMap) -> Option<String> {
    cookie(headers, COOKIE_NAME).filter(|v| is_token(v))
}

/// A cookie's value, read with axum-extra's parser.
#[must_use]
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    axum_extra::extract::CookieJar::from_headers(headers)
        .get(name)
        .map(|c| c.value().to_owned())
}

/// Whether a value has the shape of the tokens cspr makes (64 hexadecimal characters).
#[must_use]
pub fn is_token(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The `Set-Cookie` value that stores a token.
#[must_use]
pub fn set_cookie(token: &str) -> String {
    format!("{COOKIE_NAME}={token}; Path=/; Secure; HttpOnly; SameSite=Strict")
}

/// The `Set-Cookie` value that removes the cookie.
#[must_use]
pub fn clear_cookie() -> String {
    format!("{COOKIE_NAME}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// Adds a `Set-Cookie` header to a response.
pub fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(v) = cookie.parse() {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}

/// A live session and its user.
#[derive(Debug, Clone)]
pub struct Live {
    /// The stored session.
    pub session: SessionRow,
    /// Its user.
    pub user: UserRow,
    /// The read models' version, read with the session: the listings this request shows are
    /// those kept at it (`Store::case_summaries_kept_at`).
    pub read_models: i64,
}

/// Why there is no live session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// No cookie, or an unknown token.
    None,
    /// Idle too long.
    Idle,
    /// Older than the absolute limit.
    Absolute,
    /// The account is disabled.
    Disabled,
}

/// How often a session's last use is written down: the idle limit counts from the last write.
pub const TOUCH_EVERY: time::Duration = time::Duration::minutes(1);

/// Loads the request's session, ending it when it has expired or its user is disabled, and
/// marks it as used now (at most once every [`TOUCH_EVERY`]).
///
/// # Errors
/// Store failures.
pub async fn load(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Result<Live, Ended>, cspr_store::StoreError> {
    let Some(token) = token_from(headers) else {
        return Ok(Err(Ended::None));
    };
    let hash = token_hash(&token);
    let store = state.store();
    let Some(cspr_store::SessionRead {
        session,
        user,
        read_models,
        settings,
    }) = store.session_with_user(&hash).await?
    else {
        return Ok(Err(Ended::None));
    };
    let now = state.now();
    let config = state.config();
    let ended = if now - session.last_seen_at > config.session_idle {
        Some(Ended::Idle)
    } else if now - session.created_at > config.session_absolute {
        Some(Ended::Absolute)
    } else {
        None
    };
    if let Some(why) = ended {
        store.delete_session(&hash).await?;
        return Ok(Err(why));
    }
    let Some(user) = user else {
        store.delete_session(&hash).await?;
        return Ok(Err(Ended::None));
    };
    if user.disabled {
        store.delete_user_sessions(user.id).await?;
        return Ok(Err(Ended::Disabled));
    }
    // Settings saved on another server are taken up before this request acts (issue 18).
    state
        .services()
        .settings_at(settings)
        .await
        .map_err(|e| match e {
            cspr_app::AppError::Store(e) => e,
            other => cspr_store::StoreError::Corrupt(other.to_string()),
        })?;
    // At most once a minute (issue 20): a page read is not a database write each time. The
    // idle limit is then kept to within a minute.
    if now - session.last_seen_at >= TOUCH_EVERY {
        store.touch_session(&hash, now).await?;
    }
    Ok(Ok(Live {
        session,
        user,
        read_models,
    }))
}

/// Starts a session for a user (after the first factor, or again after the second): a new
/// token every time. Returns the token for the cookie.
///
/// # Errors
/// Store failures.
pub async fn start(
    state: &AppState,
    user: &UserRow,
    mfa_done: bool,
    replaces: Option<&str>,
) -> Result<String, cspr_store::StoreError> {
    let store = state.store();
    if let Some(old) = replaces {
        store.delete_session(old).await?;
    }
    open(store, user.id, state.now(), mfa_done).await
}

/// Opens a new session for `user_id` at `now` (re-authenticated then), with or without the
/// second factor done; returns its token. [`start`] is the sign-in's way in; tests and
/// benchmarks use this to be signed in without the forms.
///
/// # Errors
/// Store failures.
pub async fn open(
    store: &cspr_store::Store,
    user_id: uuid::Uuid,
    now: OffsetDateTime,
    mfa_done: bool,
) -> Result<String, cspr_store::StoreError> {
    let token = new_token();
    store
        .create_session(NewSession {
            token_hash: token_hash(&token),
            user_id,
            created_at: now,
            last_seen_at: now,
            mfa_done,
            reauth_at: Some(now),
        })
        .await?;
    Ok(token)
}

/// A redirect that also sets the session cookie.
pub fn redirect_with_session(to: &str, token: &str) -> Response {
    with_cookie(
        axum::response::Redirect::to(to).into_response(),
        &set_cookie(token),
    )
}
