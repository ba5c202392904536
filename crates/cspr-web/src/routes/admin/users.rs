//! Accounts and roles (system administrators): the list, a new account, and changing one.

use crate::ValidForm;
use crate::extract::Signed;
use askama::Template;
use axum::extract::Path;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_store::NewUser;
use serde::Deserialize;
use uuid::Uuid;

use super::audit;
use crate::access::{Principal, Role};
use crate::layout::Chrome;
use crate::routes::form::{Field, FieldKind, FormPage};
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "pages/users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<(Uuid, String, String, &'static str, bool)>,
}

/// Every account of the partnership.
pub async fn users(Signed(state, p, _): Signed) -> Result<Response, WebError> {
    let users = state
        .store()
        .users(p.partnership_id.as_uuid())
        .await?
        .into_iter()
        .map(|u| {
            (
                u.id,
                u.display_name,
                u.email,
                Role::parse(&u.role).map_or("Unknown", Role::label),
                u.disabled,
            )
        })
        .collect();
    let page = UsersPage {
        chrome: Chrome::signed_in(&state, &p, "/admin"),
        users,
    };
    Ok(Html(page.render()?).into_response())
}

fn role_options() -> Vec<(String, String)> {
    let mut options = vec![(String::new(), "Choose a role".to_owned())];
    options.extend(
        Role::ALL
            .iter()
            .map(|r| (r.key().to_owned(), r.label().to_owned())),
    );
    options
}

async fn agency_options(
    state: &AppState,
    p: &Principal,
) -> Result<Vec<(String, String)>, WebError> {
    let mut options = vec![(String::new(), "None".to_owned())];
    options.extend(
        state
            .store()
            .agencies(p.partnership_id.as_uuid())
            .await?
            .into_iter()
            .filter(|a| a.active)
            .map(|a| (a.id.to_string(), a.name)),
    );
    Ok(options)
}

/// The agency chosen, if it is one of this partnership's agencies.
async fn known_agency(
    state: &AppState,
    p: &Principal,
    chosen: &str,
) -> Result<Option<Uuid>, WebError> {
    let Ok(id) = Uuid::parse_str(chosen) else {
        return Ok(None);
    };
    let agencies = state.store().agencies(p.partnership_id.as_uuid()).await?;
    Ok(agencies
        .iter()
        .any(|a| a.id == id && a.active)
        .then_some(id))
}

/// The new-account form as posted.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewUserForm {
    name: String,
    email: String,
    role: String,
    agency: String,
}

async fn new_user_page(
    state: &AppState,
    p: &Principal,
    form: &NewUserForm,
    errors: Vec<(&'static str, String)>,
) -> Result<Response, WebError> {
    FormPage {
        chrome: Chrome::signed_in(state, p, "/admin"),
        heading: "Add a user",
        intro: vec!["The person gets an email with a link to choose their own password and set up an authenticator app. The link works once, for 72 hours.".to_owned()],
        action: "/admin/users/new".to_owned(),
        fields: vec![
            Field::new("name", "Full name", FieldKind::Text, form.name.clone()),
            Field::new("email", "Email address", FieldKind::Email, form.email.clone()),
            Field::new("role", "Role", FieldKind::Select(role_options()), form.role.clone()),
            Field::new("agency", "Agency", FieldKind::Select(agency_options(state, p).await?), form.agency.clone())
                .hint("Needed for an agency representative"),
        ],
        errors,
        submit: "Add user",
        success: None,
        back: Some("/admin/users"),
        links: Vec::new(),
        buttons: Vec::new(),
    }
    .render_page()
}

/// The new-account form.
pub async fn new_user_form(Signed(state, p, _): Signed) -> Result<Response, WebError> {
    new_user_page(&state, &p, &NewUserForm::default(), Vec::new()).await
}

/// Creates an account.
pub async fn new_user_submit(
    Signed(state, p, source): Signed,
    ValidForm(form): ValidForm<NewUserForm>,
) -> Result<Response, WebError> {
    let mut errors = Vec::new();
    let name = form.name.trim();
    if name.is_empty() {
        errors.push(("name", "Enter the person's full name".to_owned()));
    }
    let email = cspr_domain::vocab::EmailAddress::parse(&form.email);
    if let Err(e) = &email {
        errors.push(("email", e.to_string()));
    }
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.push(("role", "Choose a role".to_owned()));
    }
    let agency = known_agency(&state, &p, &form.agency).await?;
    if role == Some(Role::AgencyRepresentative) && agency.is_none() {
        errors.push((
            "agency",
            "Choose the agency this representative acts for".to_owned(),
        ));
    }
    let (Ok(email), Some(role), true) = (email, role, errors.is_empty()) else {
        return new_user_page(&state, &p, &form, errors).await;
    };
    let id = Uuid::new_v4();
    // A role that sees every case waits for a second person: the account is made shut.
    let second_person = cspr_app::accounts::grants::needs_second_person(role);
    let created = state
        .store()
        .create_user_as(
            NewUser {
                id,
                partnership_id: p.partnership_id.as_uuid(),
                email: email.as_str().to_owned(),
                display_name: name.to_owned(),
                role: role.key().to_owned(),
                agency_id: agency,
                // The person chooses it through the activation link (issue 16, finding 2).
                password_hash: None,
            },
            state.now(),
            second_person,
        )
        .await;
    match created {
        Ok(()) => {}
        Err(cspr_store::StoreError::Duplicate(message)) => {
            return new_user_page(&state, &p, &form, vec![("email", message)]).await;
        }
        Err(e) => return Err(e.into()),
    }
    audit(
        &state,
        &p,
        "user-created",
        format!("user {id} as {}", role.key()),
        &source,
    )
    .await?;
    if second_person {
        let user = account_of(&state, &p, id).await?;
        ask_second_person(&state, &p, &source, &user, role, agency, true).await?;
        return Ok(Redirect::to(&format!("/admin/users/{id}?approval=requested")).into_response());
    }
    let sent = send_activation(&state, &p, &source, id, email.as_str()).await?;
    Ok(Redirect::to(&format!("/admin/users/{id}?activation={sent}")).into_response())
}

/// Records a request for a role that sees every case, for a second person to decide (issue
/// 16, finding 3), with its line in the access log.
async fn ask_second_person(
    state: &AppState,
    p: &Principal,
    source: &crate::reader::Source,
    user: &cspr_store::UserRow,
    role: Role,
    agency: Option<Uuid>,
    opens_account: bool,
) -> Result<(), WebError> {
    let grant = cspr_app::accounts::grants::request(
        state.services(),
        p,
        user,
        role,
        agency.map(cspr_domain::ids::AgencyId::from_uuid),
        opens_account,
    )
    .await?;
    audit(
        state,
        p,
        "role-grant-requested",
        format!("request {grant}: user {} as {}", user.id, role.key()),
        source,
    )
    .await
}

/// Makes a new activation link for the account and emails it; "sent", or "not-sent" when
/// email is not set up or failed (the account stays without a password until a link arrives).
pub(super) async fn send_activation(
    state: &AppState,
    p: &Principal,
    source: &crate::reader::Source,
    id: Uuid,
    to: &str,
) -> Result<&'static str, WebError> {
    let (token, hash) = cspr_app::accounts::activation::new_token();
    let sent = match cspr_app::accounts::activation::invite(state.services(), id, to, &token, &hash)
        .await
    {
        Ok(()) => true,
        Err(cspr_app::accounts::activation::InviteError::Store(e)) => return Err(e.into()),
        Err(e) => {
            tracing::warn!(error = %e, "activation link not sent");
            false
        }
    };
    audit(
        state,
        p,
        if sent {
            "activation-sent"
        } else {
            "activation-not-sent"
        },
        format!("user {id}"),
        source,
    )
    .await?;
    Ok(if sent { "sent" } else { "not-sent" })
}

/// `POST /admin/users/{user_id}/activation`: a new activation link for an account that has
/// not chosen its password yet (the old link stops working).
pub async fn activation_submit(
    Signed(state, p, source): Signed,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let user = account_of(&state, &p, id).await?;
    if user.disabled {
        return user_error(
            &state,
            &p,
            id,
            "status",
            "This account is shut: open it (or wait for its approval) before sending a link",
        )
        .await;
    }
    if user.password_hash.is_some() || user.oidc_subject.is_some() {
        return user_error(
            &state,
            &p,
            id,
            "role",
            "This person has activated their account already",
        )
        .await;
    }
    let sent = send_activation(&state, &p, &source, id, &user.email).await?;
    Ok(Redirect::to(&format!("/admin/users/{id}?activation={sent}")).into_response())
}

/// The account form as posted.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UserForm {
    role: String,
    agency: String,
    status: String,
}

/// The account page with one field's error.
async fn user_error(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    field: &'static str,
    message: &str,
) -> Result<Response, WebError> {
    user_page(state, p, id, vec![(field, message.to_owned())], None).await
}

async fn user_page(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    errors: Vec<(&'static str, String)>,
    success: Option<String>,
) -> Result<Response, WebError> {
    let user = account_of(state, p, id).await?;
    FormPage {
        chrome: Chrome::signed_in(state, p, "/admin"),
        heading: "Change a user",
        intro: vec![format!("{} ({})", user.display_name, user.email)],
        action: format!("/admin/users/{id}"),
        fields: vec![
            Field::new(
                "role",
                "Role",
                FieldKind::Select(role_options()),
                user.role.clone(),
            ),
            Field::new(
                "agency",
                "Agency",
                FieldKind::Select(agency_options(state, p).await?),
                user.agency_id.map(|a| a.to_string()).unwrap_or_default(),
            ),
            Field::new(
                "status",
                "Account",
                FieldKind::Select(vec![
                    ("active".to_owned(), "Active".to_owned()),
                    ("disabled".to_owned(), "Disabled: cannot sign in".to_owned()),
                ]),
                if user.disabled { "disabled" } else { "active" },
            )
            .hint("Disabling an account signs the person out everywhere at once."),
        ],
        errors,
        submit: "Save changes",
        success,
        back: Some("/admin/users"),
        links: Vec::new(),
        buttons: account_buttons(state, &user).await?,
    }
    .render_page()
}

/// Until the person has chosen a password, a new link can be sent; while they have passkeys,
/// these can be removed (a lost or stolen device).
async fn account_buttons(
    state: &AppState,
    user: &cspr_store::UserRow,
) -> Result<Vec<(String, String)>, WebError> {
    let id = user.id;
    let mut buttons = Vec::new();
    if user.password_hash.is_none() && user.oidc_subject.is_none() {
        buttons.push((
            format!("/admin/users/{id}/activation"),
            "Send a new activation link".to_owned(),
        ));
    }
    if state.store().has_passkey(id).await? {
        buttons.push((
            format!("/admin/users/{id}/passkeys/remove"),
            "Remove their passkeys (a lost or stolen device)".to_owned(),
        ));
    }
    Ok(buttons)
}

/// Removes every passkey of an account (step-up first): the person signs in with their
/// password and code again, and can add a passkey.
pub async fn passkeys_remove_submit(
    Signed(state, p, source): Signed,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let user = account_of(&state, &p, id).await?;
    let removed = state.store().remove_passkeys(user.id).await?;
    // Whoever holds the lost device may be signed in with it: the person's sessions end.
    let ended = state.store().delete_user_sessions(user.id).await?;
    audit(
        &state,
        &p,
        "passkeys-removed",
        format!("{removed} passkeys of account {id}; {ended} sessions ended"),
        &source,
    )
    .await?;
    if removed > 0 {
        cspr_app::accounts::notices::tell(
            state.services(),
            &user.email,
            cspr_app::accounts::notices::Change::PasskeysRemoved,
        )
        .await;
    }
    Ok(Redirect::to(&format!("/admin/users/{id}?passkeys=removed")).into_response())
}

/// What the account page says after an activation link was asked for.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UserQuery {
    activation: String,
    approval: String,
    passkeys: String,
}

/// The account form.
pub async fn user_form(
    Signed(state, p, _): Signed,
    Path(id): Path<Uuid>,
    axum::extract::Query(q): axum::extract::Query<UserQuery>,
) -> Result<Response, WebError> {
    if q.approval == "requested" {
        return user_page(
            &state,
            &p,
            id,
            Vec::new(),
            Some("This role sees every case, so a second person must approve it: the request is on the approvals page, and the partnership team has been told. Until then nothing changes.".to_owned()),
        )
        .await;
    }
    if q.passkeys == "removed" {
        let words = "Their passkeys are removed and they are signed out everywhere: they sign in with their password and code, and can add a passkey again.";
        return user_page(&state, &p, id, Vec::new(), Some(words.to_owned())).await;
    }
    match q.activation.as_str() {
        "sent" => {
            let user = account_of(&state, &p, id).await?;
            let words = format!(
                "An activation link was sent to {}. It works once, for 72 hours.",
                user.email
            );
            user_page(&state, &p, id, Vec::new(), Some(words)).await
        }
        "not-sent" => {
            user_error(&state, &p, id, "role", "The activation link could not be sent: email is not set up or failed. Send a new link when email works.",).await
        }
        _ => user_page(&state, &p, id, Vec::new(), None).await,
    }
}

/// Changes an account's role, agency or status; takes effect on the person's next request.
pub async fn user_submit(
    Signed(state, p, source): Signed,
    Path(id): Path<Uuid>,
    ValidForm(form): ValidForm<UserForm>,
) -> Result<Response, WebError> {
    let user = account_of(&state, &p, id).await?;
    let Some(role) = Role::parse(&form.role) else {
        return user_error(&state, &p, id, "role", "Choose a role").await;
    };
    let agency = known_agency(&state, &p, &form.agency).await?;
    if role == Role::AgencyRepresentative && agency.is_none() {
        return user_error(
            &state,
            &p,
            id,
            "agency",
            "Choose the agency this representative acts for",
        )
        .await;
    }
    let disable = match form.status.as_str() {
        "active" => false,
        "disabled" => true,
        _ => {
            return user_error(
                &state,
                &p,
                id,
                "status",
                "Choose whether the account is active",
            )
            .await;
        }
    };
    if id == p.user_id.as_uuid() && (disable || role != p.role) {
        return user_error(
            &state,
            &p,
            id,
            "status",
            "You cannot disable your own account or change your own role",
        )
        .await;
    }
    // A role that sees every case, newly given or re-opened, waits for a second person.
    let old_role = Role::parse(&user.role);
    if cspr_app::accounts::grants::needs_second_person(role)
        && !disable
        && (old_role != Some(role) || user.disabled)
    {
        ask_second_person(&state, &p, &source, &user, role, agency, user.disabled).await?;
        return Ok(Redirect::to(&format!("/admin/users/{id}?approval=requested")).into_response());
    }
    let change = cspr_app::accounts::change::AccountChange {
        role,
        agency: agency.map(cspr_domain::ids::AgencyId::from_uuid),
        disabled: disable,
    };
    let ended =
        cspr_app::accounts::change::change_account(state.services(), &p, &user, change).await?;
    audit(
        &state,
        &p,
        "user-changed",
        format!(
            "user {id}: role {}, disabled {disable}, {ended} case memberships ended",
            role.key()
        ),
        &source,
    )
    .await?;
    user_page(
        &state,
        &p,
        id,
        Vec::new(),
        Some("The changes are saved".to_owned()),
    )
    .await
}

/// An account of the administrator's own partnership (another partnership's answers 404).
async fn account_of(
    state: &AppState,
    p: &Principal,
    id: Uuid,
) -> Result<cspr_store::UserRow, WebError> {
    state
        .store()
        .user_by_id(id)
        .await?
        .filter(|u| u.partnership_id == p.partnership_id.as_uuid())
        .ok_or(WebError::NotFound)
}
