//! `GET` and `POST /activate/{token}`: the person an administrator made an account for opens
//! the emailed link and chooses their own password (issue 16, finding 2); the link then works
//! no more, and they go on to set up their authenticator app in the session that starts here.
//! An unknown, used or expired link is "not found", and its token never reaches the log.

use axum::extract::Path;
use axum::response::Response;
use secrecy::SecretString;
use serde::Deserialize;

use crate::auth::password;
use crate::extract::Visit;
use crate::layout::Chrome;
use crate::routes::form::{Field, FieldKind, FormPage};
use crate::routes::signin::log;
use crate::session;
use crate::{AppState, ValidForm, WebError};

/// The password form as posted.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ActivateForm {
    new: String,
    confirm: String,
}

fn page(state: &AppState, token: &str, errors: Vec<(&'static str, String)>) -> FormPage {
    FormPage {
        chrome: Chrome::signed_out(state),
        heading: "Choose your password",
        intro: vec![
            "Choose the password you will sign in with. Next you set up an authenticator app on your phone for the second step of signing in.".to_owned(),
        ],
        action: format!("/activate/{token}"),
        fields: vec![
            Field::new("new", "Password", FieldKind::Password, "").hint(
                "At least 15 characters. A few unrelated words together make a good password.",
            ),
            Field::new("confirm", "Confirm your password", FieldKind::Password, ""),
        ],
        errors,
        submit: "Save and continue",
        success: None,
        back: None,
        links: Vec::new(),
        buttons: Vec::new(),
    }
}

/// The account a live link opens; "not found" (and a line in the access log) otherwise.
async fn account(
    state: &AppState,
    source: &crate::reader::Source,
    token: &str,
) -> Result<cspr_store::UserRow, WebError> {
    let user = match state
        .store()
        .activation_user(&session::token_hash(token), state.now())
        .await?
    {
        Some(id) => state.store().user_by_id(id).await?,
        None => None,
    };
    match user {
        Some(u) if !u.disabled && u.password_hash.is_none() => Ok(u),
        _ => {
            log(
                state,
                "unknown".to_owned(),
                "activation-refused",
                "unknown, used or expired link",
                source,
            )
            .await?;
            Err(WebError::NotFound)
        }
    }
}

/// The form.
pub async fn form(
    Visit(state, source): Visit,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    account(&state, &source, &token).await?;
    page(&state, &token, Vec::new()).render_page()
}

/// Sets the first password, spends the link, and starts a first-factor session that goes on
/// to the authenticator set-up.
pub async fn submit(
    Visit(state, source): Visit,
    Path(token): Path<String>,
    ValidForm(form): ValidForm<ActivateForm>,
) -> Result<Response, WebError> {
    let user = account(&state, &source, &token).await?;
    if form.new != form.confirm {
        return page(
            &state,
            &token,
            vec![("confirm", "The passwords do not match".to_owned())],
        )
        .render_page();
    }
    let new = SecretString::from(form.new);
    if let Err(problem) =
        password::check_new_password(&new, &[user.email.as_str(), user.display_name.as_str()])
    {
        return page(&state, &token, vec![("new", problem.to_string())]).render_page();
    }
    let hash = password::hash_password_off_thread(new)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    // The link is spent and the password set in one transaction: a second tab finds it gone.
    let Some(_) = state
        .store()
        .activate(&session::token_hash(&token), state.now(), &hash)
        .await?
    else {
        return Err(WebError::NotFound);
    };
    log(
        &state,
        user.id.to_string(),
        "account-activated",
        "password chosen",
        &source,
    )
    .await?;
    let session = session::start(&state, &user, false, None).await?;
    Ok(session::redirect_with_session(
        "/sign-in/set-up-two-factor",
        &session,
    ))
}
