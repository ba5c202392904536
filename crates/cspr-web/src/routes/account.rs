//! Your account: who you are, changing your password (you re-enter the current one first,
//! ASVS 7.5.1), and signing out everywhere.

use crate::ValidForm;
use axum::extract::{Extension, State};
use axum::response::Response;
use cspr_store::NewAccessEntry;
use secrecy::SecretString;
use serde::Deserialize;

use super::form::{Field, FieldKind, FormPage};
use crate::access::Principal;
use crate::auth::password;
use crate::layout::Chrome;
use crate::reader::Source;
use crate::session::Live;
use crate::{AppState, WebError};

fn page(
    state: &AppState,
    p: &Principal,
    live: &Live,
    errors: Vec<(&'static str, String)>,
    success: Option<String>,
) -> FormPage {
    FormPage {
        chrome: Chrome::signed_in(state, p, "/account"),
        heading: "Your account",
        intro: vec![
            format!(
                "You are signed in as {} ({}).",
                live.user.display_name, live.user.email
            ),
            format!("Your role: {}.", p.role.label()),
            "To change your password, enter your current password and then the new one.".to_owned(),
        ],
        action: "/account/password".to_owned(),
        fields: vec![
            Field::new(
                "current",
                "Current password",
                FieldKind::CurrentPassword,
                "",
            ),
            Field::new("new", "New password", FieldKind::Password, "").hint(
                "At least 15 characters. A few unrelated words together make a good password.",
            ),
            Field::new("confirm", "Confirm new password", FieldKind::Password, ""),
        ],
        errors,
        submit: "Change password",
        success,
        back: None,
        links: vec![
            (
                "/account/passkeys".to_owned(),
                "Passkeys: sign in with your device's screen lock or a security key".to_owned(),
            ),
            (
                "/account/api-tokens".to_owned(),
                "Access tokens: systems that use the API as you".to_owned(),
            ),
        ],
        buttons: vec![(
            "/sign-out-everywhere".to_owned(),
            "Sign out on every device".to_owned(),
        )],
    }
}

/// The account page.
pub async fn page_handler(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(live): Extension<Live>,
) -> Result<Response, WebError> {
    page(&state, &p, &live, Vec::new(), None).render_page()
}

/// The password form.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

/// Changes the password after checking the current one; other sessions end.
pub async fn change_password(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(live): Extension<Live>,
    Extension(source): Extension<Source>,
    ValidForm(form): ValidForm<PasswordForm>,
) -> Result<Response, WebError> {
    // Re-entering the current password is throttled and logged like signing in.
    // The form again with one field's error.
    let refused = |field: &'static str, message: String| {
        page(&state, &p, &live, vec![(field, message)], None).render_page()
    };
    let key = format!("reauth:{}", live.user.id);
    if let Some(wait) = super::signin::admit(&state, &[&key]).await? {
        return refused("current", super::signin::wait_words(wait));
    }
    let current = SecretString::from(form.current);
    let ok = match live.user.password_hash.clone() {
        Some(hash) => password::verify_password_off_thread(current, hash).await,
        None => false,
    };
    if !ok {
        state
            .store()
            .log_access(NewAccessEntry {
                actor: live.user.id.to_string(),
                action: "password-change-failed".to_owned(),
                case_id: None,
                detail: "wrong current password".to_owned(),
                source_ip: source.0.clone(),
                at: state.now(),
            })
            .await?;
        return refused("current", "Your current password is not correct".to_owned());
    }
    state.store().clear_login_failures(&key).await?;
    if form.new != form.confirm {
        return refused("confirm", "The new passwords do not match".to_owned());
    }
    let new = SecretString::from(form.new);
    if let Err(problem) = password::check_new_password(
        &new,
        &[live.user.email.as_str(), live.user.display_name.as_str()],
    ) {
        return refused("new", problem.to_string());
    }
    let hash = password::hash_password_off_thread(new)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    // Every session of this account ends first (a half-done change then signs people out, it
    // never leaves an old session alive with a new password); this browser gets a new one.
    state.store().delete_user_sessions(live.user.id).await?;
    state.store().set_password_hash(live.user.id, &hash).await?;
    let token = crate::session::start(&state, &live.user, true, None).await?;
    state
        .store()
        .log_access(NewAccessEntry {
            actor: live.user.id.to_string(),
            action: "password-changed".to_owned(),
            case_id: None,
            detail: "own account".to_owned(),
            source_ip: source.0,
            at: state.now(),
        })
        .await?;
    let response = page(
        &state,
        &p,
        &live,
        Vec::new(),
        Some("Your password has been changed".to_owned()),
    )
    .render_page()?;
    Ok(crate::session::with_cookie(
        response,
        &crate::session::set_cookie(&token),
    ))
}
