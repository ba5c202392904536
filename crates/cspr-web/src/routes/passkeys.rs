//! Passkeys on the pages (issue 16): the account's passkeys (`/account/passkeys`: register
//! several, each named, and remove them), signing in with one (`/sign-in/passkey`), and
//! confirming who you are with one before a sensitive change (`/confirm-identity/passkey`).
//! The ceremonies are `auth::passkey`'s; the browser's half is web/js/passkey.js, which posts
//! JSON and gets JSON back (`{"message"}` with a 4xx status when refused).
//!
//! Adding and removing a passkey are sensitive changes: they need a recent proof of who you
//! are (`stepup::STEP_UP`), like a role change. With the partnership's "passkeys only" setting,
//! the team, chairs and administrators sign in with a passkey only; one who has none yet is
//! sent here to add one before anything else (`guard`).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;
use webauthn_rs::prelude::{PublicKeyCredential, RegisterPublicKeyCredential};

use crate::access::Principal;
use crate::auth::passkey::{PasskeyError, RelyingParty, read_record};
use crate::extract::{Session, Visit};
use crate::layout::Chrome;
use crate::routes::signin::{address_key, admit, landing, log, log_anonymous, wait_words};
use crate::routes::stepup::{Next, fresh, safe_next};
use crate::session::{self, Live};
use crate::{AppState, WebError};

/// Longest name of a passkey.
const NAME_MAX: usize = 60;

/// One passkey as listed.
struct KeyView {
    id: Uuid,
    name: String,
    added: String,
    last_used: String,
}

#[derive(Template)]
#[template(path = "pages/passkeys.html")]
struct PasskeysPage {
    chrome: Chrome,
    keys: Vec<KeyView>,
    available: bool,
    fresh: bool,
    required: bool,
    success: Option<&'static str>,
    script: &'static str,
}

#[derive(Template)]
#[template(path = "pages/passkey_confirm.html")]
struct ConfirmPage {
    chrome: Chrome,
    next: String,
    script: &'static str,
    /// Whether the password and code may give the proof instead.
    other_ways: bool,
}

/// Where passkey.js is served.
pub(crate) fn script() -> &'static str {
    crate::assets::script_src("passkey.js")
}

fn when(at: OffsetDateTime) -> String {
    cspr_domain::words::long_date(cspr_app::date_in_england(at))
}

/// A JSON answer.
fn answer(status: StatusCode, body: &serde_json::Value) -> Response {
    (status, axum::Json(body.clone())).into_response()
}

/// A refusal the page shows as it is.
fn refusal(status: StatusCode, message: &str) -> Response {
    answer(status, &json!({ "message": message }))
}

/// 409, not 404: the service's error page replaces every 404's body, and the page's script
/// shows this message.
fn not_offered() -> Response {
    refusal(
        StatusCode::CONFLICT,
        "Passkeys are not available on this service.",
    )
}

fn bad_request() -> Response {
    refusal(
        StatusCode::BAD_REQUEST,
        "Something went wrong. Reload the page and try again.",
    )
}

/// What the page posts to finish a ceremony.
#[derive(Deserialize)]
struct Finish<T> {
    ceremony: String,
    credential: T,
}

/// Query of the account's passkeys page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Shown {
    added: Option<String>,
    removed: Option<String>,
    required: Option<String>,
}

/// Whether the partnership's "passkeys only" setting binds this person (never where passkeys
/// cannot be offered: nobody is then locked out).
pub(crate) fn bound(state: &AppState, role: crate::access::Role) -> bool {
    state.app().settings().require_passkeys
        && role.signs_in_with_passkey_when_required()
        && state.passkeys().is_some()
}

/// The account's passkeys.
pub async fn page(
    Session(state, live, _): Session,
    Extension(p): Extension<Principal>,
    Query(q): Query<Shown>,
) -> Result<Response, WebError> {
    let keys = state
        .store()
        .passkeys(live.user.id)
        .await?
        .into_iter()
        .map(|k| KeyView {
            id: k.id,
            name: k.name,
            added: when(k.created_at),
            last_used: k.last_used_at.map_or_else(|| "Not yet".to_owned(), when),
        })
        .collect::<Vec<_>>();
    let success = if q.added.is_some() {
        Some("Passkey added")
    } else if q.removed.is_some() {
        Some("Passkey removed")
    } else {
        None
    };
    let page = PasskeysPage {
        chrome: Chrome::signed_in(&state, &p, "/account"),
        required: q.required.is_some() || (bound(&state, p.role) && keys.is_empty()),
        keys,
        available: state.passkeys().is_some(),
        fresh: fresh(live.session.reauth_at, state.now()),
        success,
        script: script(),
    };
    Ok(axum::response::Html(page.render()?).into_response())
}

/// What the page posts to start registering.
#[derive(Default, Deserialize)]
#[serde(default)]
struct NewKey {
    name: String,
}

/// Starts registering a passkey under the name typed (step-up first: `stepup::STEP_UP`).
pub async fn register_options(
    Session(state, live, source): Session,
    body: Bytes,
) -> Result<Response, WebError> {
    let Some(rp) = state.passkeys() else {
        return Ok(not_offered());
    };
    let Ok(form) = serde_json::from_slice::<NewKey>(&body) else {
        return Ok(bad_request());
    };
    let name = form.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Ok(refusal(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter a name for this passkey",
        ));
    }
    if name.chars().count() > NAME_MAX {
        return Ok(refusal(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("The name must be {NAME_MAX} characters or fewer"),
        ));
    }
    let existing = records(&state, live.user.id).await?;
    if existing.iter().any(|(_, n)| n.eq_ignore_ascii_case(&name)) {
        return Ok(refusal(
            StatusCode::UNPROCESSABLE_ENTITY,
            "You already have a passkey with that name: choose another",
        ));
    }
    let passkeys: Vec<_> = existing.into_iter().map(|(k, _)| k).collect();
    match rp
        .start_registration(
            live.user.id,
            &live.user.email,
            &live.user.display_name,
            &passkeys,
            &live.session.token_hash,
            name,
            &source.0,
            state.now(),
        )
        .await
    {
        Ok(started) => Ok(answer(
            StatusCode::OK,
            &json!({ "ceremony": started.id, "options": started.options }),
        )),
        Err(e) => Err(WebError::Internal(e.to_string())),
    }
}

/// The account's passkeys, read back, with their names.
async fn records(
    state: &AppState,
    user_id: Uuid,
) -> Result<Vec<(webauthn_rs::prelude::Passkey, String)>, WebError> {
    Ok(state
        .store()
        .passkeys(user_id)
        .await?
        .into_iter()
        .filter_map(|k| read_record(&k.credential).map(|p| (p, k.name)))
        .collect())
}

/// Finishes registering: stores the passkey under its name.
pub async fn register(
    Session(state, live, source): Session,
    body: Bytes,
) -> Result<Response, WebError> {
    let Some(rp) = state.passkeys() else {
        return Ok(not_offered());
    };
    let Ok(finish) = serde_json::from_slice::<Finish<RegisterPublicKeyCredential>>(&body) else {
        return Ok(bad_request());
    };
    let registered = match rp
        .finish_registration(
            &finish.ceremony,
            live.user.id,
            &live.session.token_hash,
            &finish.credential,
            state.now(),
        )
        .await
    {
        Ok(r) => r,
        Err(e) => {
            log(
                &state,
                live.user.id.to_string(),
                "passkey-not-added",
                &e.to_string(),
                &source,
            )
            .await?;
            return Ok(refusal(
                StatusCode::UNPROCESSABLE_ENTITY,
                "The passkey could not be added. Try again.",
            ));
        }
    };
    let row = cspr_store::PasskeyRow {
        id: Uuid::new_v4(),
        user_id: live.user.id,
        credential_id: registered.credential_id,
        name: registered.name,
        credential: registered.record,
        created_at: state.now(),
        last_used_at: None,
    };
    match state.store().add_passkey(&row).await {
        Ok(()) => {}
        Err(cspr_store::StoreError::Duplicate(_)) => {
            return Ok(refusal(
                StatusCode::CONFLICT,
                "That passkey is already registered.",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    log(
        &state,
        live.user.id.to_string(),
        "passkey-added",
        &format!("passkey {}", row.id),
        &source,
    )
    .await?;
    cspr_app::accounts::notices::tell(
        state.services(),
        &live.user.email,
        cspr_app::accounts::notices::Change::PasskeyAdded,
    )
    .await;
    Ok(answer(
        StatusCode::OK,
        &json!({ "redirect": "/account/passkeys?added=1" }),
    ))
}

/// Removes one of the account's passkeys (step-up first).
pub async fn remove(
    Session(state, live, source): Session,
    Path(passkey_id): Path<Uuid>,
) -> Result<Response, WebError> {
    if !state
        .store()
        .remove_passkey(live.user.id, passkey_id)
        .await?
    {
        return Err(WebError::NotFound);
    }
    // A passkey that went with a lost device may have signed someone in elsewhere: every
    // other session of the account ends; this browser stays signed in.
    let ended = state
        .store()
        .delete_other_sessions(live.user.id, &live.session.token_hash)
        .await?;
    log(
        &state,
        live.user.id.to_string(),
        "passkey-removed",
        &format!("passkey {passkey_id}; {ended} other sessions ended"),
        &source,
    )
    .await?;
    cspr_app::accounts::notices::tell(
        state.services(),
        &live.user.email,
        cspr_app::accounts::notices::Change::PasskeyRemoved,
    )
    .await;
    Ok(Redirect::to("/account/passkeys?removed=1").into_response())
}

/// Starts a sign-in with a passkey.
pub async fn sign_in_options(Visit(state, source): Visit) -> Result<Response, WebError> {
    let Some(rp) = state.passkeys() else {
        return Ok(not_offered());
    };
    match rp.start_sign_in(&source.0, state.now()).await {
        Ok(started) => Ok(answer(
            StatusCode::OK,
            &json!({ "ceremony": started.id, "options": started.options }),
        )),
        Err(e) => Err(WebError::Internal(e.to_string())),
    }
}

/// The one answer to a sign-in that did not work, whatever the reason (no such passkey, a
/// removed one, a disabled account, a bad signature): nothing is told about accounts.
const NOT_SIGNED_IN: &str =
    "That passkey did not sign you in. Try again, or sign in with your email address and password.";

/// Finishes a sign-in with a passkey: a full session (the passkey is both factors).
pub async fn sign_in(
    Visit(state, source): Visit,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let Some(rp) = state.passkeys() else {
        return Ok(not_offered());
    };
    let Ok(finish) = serde_json::from_slice::<Finish<PublicKeyCredential>>(&body) else {
        return Ok(bad_request());
    };
    let address = address_key(&source);
    if let Some(wait) = admit(&state, &[&address]).await? {
        return Ok(refusal(StatusCode::TOO_MANY_REQUESTS, &wait_words(wait)));
    }
    let Some((user, key)) = verified_sign_in(&state, rp, &finish).await? else {
        log_anonymous(&state, address, "sign-in-failed", "passkey", &source).await?;
        return Ok(refusal(StatusCode::UNAUTHORIZED, NOT_SIGNED_IN));
    };
    state.store().forgive_login_failure(&address).await?;
    log(
        &state,
        user.id.to_string(),
        "signed-in",
        &format!("passkey {key}"),
        &source,
    )
    .await?;
    // A session this browser had (part-way through signing in, say) is replaced.
    let replaces = session::token_from(&headers).map(|t| session::token_hash(&t));
    let token = session::start(&state, &user, true, replaces.as_deref()).await?;
    let response = answer(StatusCode::OK, &json!({ "redirect": landing(&user.role) }));
    Ok(session::with_cookie(response, &session::set_cookie(&token)))
}

/// The account an answer signs in, when every check passes; the passkey's record is moved on.
async fn verified_sign_in(
    state: &AppState,
    rp: &RelyingParty,
    finish: &Finish<PublicKeyCredential>,
) -> Result<Option<(cspr_store::UserRow, Uuid)>, WebError> {
    let Ok((user_id, credential_id)) = rp.identify(&finish.credential) else {
        return Ok(None);
    };
    let Some(row) = state
        .store()
        .passkey_by_credential(&credential_id)
        .await?
        .filter(|k| k.user_id == user_id)
    else {
        return Ok(None);
    };
    let Some(user) = state
        .store()
        .user_by_id(user_id)
        .await?
        .filter(|u| !u.disabled)
    else {
        return Ok(None);
    };
    let now = state.now();
    let Ok(record) = rp
        .finish_sign_in(&finish.ceremony, &finish.credential, &row.credential, now)
        .await
    else {
        return Ok(None);
    };
    if !state
        .store()
        .passkey_used(row.id, &row.credential, &record, now)
        .await?
    {
        return Ok(None);
    }
    Ok(Some((user, row.id)))
}

/// The page that confirms who you are with a passkey.
pub async fn confirm_page(
    Session(state, live, _): Session,
    Query(q): Query<Next>,
) -> Result<Response, WebError> {
    let page = ConfirmPage {
        chrome: Chrome::signed_out(&state),
        next: safe_next(&q.next).to_owned(),
        script: script(),
        other_ways: !crate::routes::signin::passkey_only(&state, &live.user).await?,
    };
    Ok(axum::response::Html(page.render()?).into_response())
}

/// Starts a confirmation with one of the account's passkeys.
pub async fn confirm_options(Session(state, live, source): Session) -> Result<Response, WebError> {
    let Some(rp) = state.passkeys() else {
        return Ok(not_offered());
    };
    let passkeys: Vec<_> = records(&state, live.user.id)
        .await?
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    if passkeys.is_empty() {
        return Ok(refusal(
            StatusCode::UNPROCESSABLE_ENTITY,
            "You have no passkey. Confirm it is you with your password and code.",
        ));
    }
    match rp
        .start_confirm(
            live.user.id,
            &live.session.token_hash,
            &passkeys,
            &source.0,
            state.now(),
        )
        .await
    {
        Ok(started) => Ok(answer(
            StatusCode::OK,
            &json!({ "ceremony": started.id, "options": started.options }),
        )),
        Err(PasskeyError::Options) => Ok(bad_request()),
        Err(e) => Err(WebError::Internal(e.to_string())),
    }
}

/// Finishes a confirmation: records the proof on this session, and goes back.
pub async fn confirm(
    Session(state, live, source): Session,
    Query(q): Query<Next>,
    body: Bytes,
) -> Result<Response, WebError> {
    let Some(rp) = state.passkeys() else {
        return Ok(not_offered());
    };
    let Ok(finish) = serde_json::from_slice::<Finish<PublicKeyCredential>>(&body) else {
        return Ok(bad_request());
    };
    let key = format!("reauth:{}", live.user.id);
    if let Some(wait) = admit(&state, &[&key]).await? {
        return Ok(refusal(StatusCode::TOO_MANY_REQUESTS, &wait_words(wait)));
    }
    let raw = crate::auth::passkey::credential_id_text(finish.credential.get_credential_id());
    let row = state
        .store()
        .passkey_by_credential(&raw)
        .await?
        .filter(|k| k.user_id == live.user.id);
    let now = state.now();
    let record = match row.as_ref() {
        Some(row) => rp
            .finish_confirm(
                &finish.ceremony,
                live.user.id,
                &live.session.token_hash,
                &finish.credential,
                &row.credential,
                now,
            )
            .await
            .ok(),
        None => None,
    };
    let counted = match (&row, &record) {
        (Some(row), Some(record)) => {
            state
                .store()
                .passkey_used(row.id, &row.credential, record, now)
                .await?
        }
        _ => false,
    };
    let (Some(row), Some(_), true) = (row, record, counted) else {
        log(
            &state,
            live.user.id.to_string(),
            "step-up-failed",
            "passkey",
            &source,
        )
        .await?;
        return Ok(refusal(
            StatusCode::UNAUTHORIZED,
            "That passkey did not confirm it is you. Try again, or use your password and code.",
        ));
    };
    state.store().clear_login_failures(&key).await?;
    state
        .store()
        .set_session_reauth(&live.session.token_hash, now)
        .await?;
    log(
        &state,
        live.user.id.to_string(),
        "step-up",
        &format!("passkey {}", row.id),
        &source,
    )
    .await?;
    Ok(answer(
        StatusCode::OK,
        &json!({ "redirect": safe_next(&q.next) }),
    ))
}

/// Whether a signed-in person must add a passkey before anything else: the setting binds
/// them and they have none. The guard sends them to [`page`].
///
/// # Errors
/// Store failures.
pub(crate) async fn must_add_one(
    state: &AppState,
    live: &Live,
    role: crate::access::Role,
) -> Result<bool, cspr_store::StoreError> {
    Ok(bound(state, role) && !state.store().has_passkey(live.user.id).await?)
}
