//! Activation links (issue 16, finding 2): an administrator makes an account without choosing
//! its password; the person receives a single-use link by email, valid for
//! [`ACTIVATION_HOURS`], and chooses their own password before setting up their second
//! factor. The web makes the token (as it makes session tokens) and passes its hash here; the
//! email carries the token itself, and nothing else about the account.

use time::Duration;
use uuid::Uuid;

use crate::Services;
use crate::mail::{MailError, send_plain};

/// How long an activation link works.
pub const ACTIVATION_HOURS: i64 = 72;

/// Why an activation link could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    /// Email or the service's public address is not set up: no link can reach the person.
    #[error("email or the public address of the service is not set up")]
    NotConfigured,
    /// The email could not be sent (the link stored is then never seen, and a new one replaces
    /// it on the next try).
    #[error(transparent)]
    Mail(#[from] MailError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] cspr_store::StoreError),
}

/// The subject and text of an activation email: plain words, the link, nothing about cases.
#[must_use]
pub fn activation_email(link: &str, partnership_name: &str) -> (String, String) {
    let subject = format!("Activate your {partnership_name} account");
    let body = format!(
        "An administrator of {partnership_name} made an account for you in its case review \
         system.\n\
         \n\
         Open this link to choose your password and set up your authenticator app:\n\
         {link}\n\
         \n\
         The link works once, for {ACTIVATION_HOURS} hours. If it has expired, ask the \
         administrator for a new one.\n\
         \n\
         If you did not expect this email, you do not need to do anything.\n"
    );
    (subject, body)
}

/// Stores a new activation link for the account (replacing any unused one) and emails it to
/// `to`.
///
/// # Errors
/// [`InviteError`]; nothing is sent when email is not set up.
pub async fn invite(
    services: &Services,
    user_id: Uuid,
    to: &str,
    token: &str,
    token_hash: &str,
) -> Result<(), InviteError> {
    let (Some(mail), Some(base)) = (services.mail(), services.public_url()) else {
        return Err(InviteError::NotConfigured);
    };
    let now = services.now();
    services
        .store()
        .create_activation(
            user_id,
            token_hash,
            now,
            now.saturating_add(Duration::hours(ACTIVATION_HOURS)),
        )
        .await?;
    let link = format!("{}/activate/{token}", base.trim_end_matches('/'));
    let (subject, body) = activation_email(&link, services.partnership_name());
    send_plain(mail, to, subject, body).await?;
    Ok(())
}

/// A new activation token and the hash stored in its place (the same form as a session
/// token: 32 random bytes in hex, stored as their blake3 hash).
#[must_use]
pub fn new_token() -> (String, String) {
    let token = crate::accounts::tokens::new_token();
    let hash = crate::accounts::tokens::token_hash(&token);
    (token, hash)
}

/// Why `cspr admin` could not make or renew an administrator's account.
#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    /// The partnership already has an administrator who can sign in or be activated: further
    /// accounts are made on the administration pages, where the two-person rule applies.
    #[error(
        "the partnership already has an administrator ({0}); make further accounts on Administration > Users"
    )]
    AdministratorExists(String),
    /// The address or name is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// No account has this address.
    #[error("no account has the address {0}")]
    NoSuchAccount(String),
    /// The account is not one `cspr admin link` may renew.
    #[error("{0}")]
    NotRenewable(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] cspr_store::StoreError),
}

/// What `cspr admin create` or `cspr admin link` made: the account and its one-time token.
#[derive(Debug)]
pub struct OperatorLink {
    /// The account.
    pub user_id: Uuid,
    /// The activation token, shown once.
    pub token: String,
    /// When the link stops working.
    pub expires_at: time::OffsetDateTime,
}

/// The access-log actor of the command line's account commands.
pub const OPERATOR: &str = "cspr-admin";

/// Makes the first administrator of a partnership at the command line: an account without a
/// password, and an activation link the operator hands to the person. Refused when the
/// partnership already has an administrator who is not disabled (others are made on the
/// administration pages). Written to the access log.
///
/// # Errors
/// [`OperatorError`]; nothing is changed on any of them.
pub async fn create_administrator(
    store: &cspr_store::Store,
    partnership_id: Uuid,
    email: &str,
    name: &str,
    now: time::OffsetDateTime,
) -> Result<OperatorLink, OperatorError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(OperatorError::Invalid(
            "give the person's full name (1 to 200 characters) with --name".into(),
        ));
    }
    let email = cspr_domain::vocab::EmailAddress::parse(email)
        .map_err(|e| OperatorError::Invalid(e.to_string()))?;
    let admin = crate::policy::Role::SystemAdministrator;
    if let Some(existing) = store
        .users(partnership_id)
        .await?
        .into_iter()
        .find(|u| u.role == admin.key() && !u.disabled)
    {
        return Err(OperatorError::AdministratorExists(existing.email));
    }
    let id = Uuid::new_v4();
    store
        .create_user_as(
            cspr_store::NewUser {
                id,
                partnership_id,
                email: email.as_str().to_owned(),
                display_name: name.to_owned(),
                role: admin.key().to_owned(),
                agency_id: None,
                password_hash: None,
            },
            now,
            false,
        )
        .await
        .map_err(|e| match e {
            cspr_store::StoreError::Duplicate(m) => OperatorError::Invalid(m),
            other => OperatorError::Store(other),
        })?;
    operator_audit(
        store,
        "user-created",
        format!("user {id} as {}", admin.key()),
        now,
    )
    .await?;
    issue(store, id, now).await
}

/// A new activation link for an administrator's account that has never been activated (its
/// first link expired or was lost). Accounts with a password are refused: a person who forgot
/// theirs asks another administrator.
///
/// # Errors
/// [`OperatorError`].
pub async fn renew_administrator_link(
    store: &cspr_store::Store,
    partnership_id: Uuid,
    email: &str,
    now: time::OffsetDateTime,
) -> Result<OperatorLink, OperatorError> {
    let user = store
        .user_by_email(email)
        .await?
        .filter(|u| u.partnership_id == partnership_id)
        .ok_or_else(|| OperatorError::NoSuchAccount(email.trim().to_owned()))?;
    if user.role != crate::policy::Role::SystemAdministrator.key() {
        return Err(OperatorError::NotRenewable(format!(
            "{} is not an administrator's account; its links are sent from Administration > Users",
            user.email
        )));
    }
    if user.password_hash.is_some() || user.disabled {
        return Err(OperatorError::NotRenewable(format!(
            "{} has already been activated or is disabled; another administrator can help",
            user.email
        )));
    }
    issue(store, user.id, now).await
}

/// `cspr admin remove-passkeys`: the operator's answer when someone cannot use their passkey
/// and no administrator can sign in to remove it (every administrator's device lost, or the
/// service moved to another domain with "A passkey only" on). Removes every passkey of the
/// account and ends its sessions; it signs in with its password and code again. Returns how
/// many passkeys went. Written to the access log as `cspr-admin`.
///
/// # Errors
/// [`OperatorError::NoSuchAccount`] (also for another partnership's account); store failures.
pub async fn remove_passkeys(
    store: &cspr_store::Store,
    partnership_id: Uuid,
    email: &str,
    now: time::OffsetDateTime,
) -> Result<u64, OperatorError> {
    let user = store
        .user_by_email(email)
        .await?
        .filter(|u| u.partnership_id == partnership_id)
        .ok_or_else(|| OperatorError::NoSuchAccount(email.trim().to_owned()))?;
    let removed = store.remove_passkeys(user.id).await?;
    let ended = store.delete_user_sessions(user.id).await?;
    operator_audit(
        store,
        "passkeys-removed",
        format!(
            "{removed} passkeys of user {}; {ended} sessions ended",
            user.id
        ),
        now,
    )
    .await?;
    Ok(removed)
}

async fn issue(
    store: &cspr_store::Store,
    user_id: Uuid,
    now: time::OffsetDateTime,
) -> Result<OperatorLink, OperatorError> {
    let (token, hash) = new_token();
    let expires_at = now.saturating_add(Duration::hours(ACTIVATION_HOURS));
    store
        .create_activation(user_id, &hash, now, expires_at)
        .await?;
    operator_audit(store, "activation-issued", format!("user {user_id}"), now).await?;
    Ok(OperatorLink {
        user_id,
        token,
        expires_at,
    })
}

async fn operator_audit(
    store: &cspr_store::Store,
    action: &str,
    detail: String,
    now: time::OffsetDateTime,
) -> Result<(), cspr_store::StoreError> {
    store
        .log_access(cspr_store::NewAccessEntry {
            actor: OPERATOR.to_owned(),
            action: action.to_owned(),
            case_id: None,
            detail,
            source_ip: "cspr admin".to_owned(),
            at: now,
        })
        .await
}
