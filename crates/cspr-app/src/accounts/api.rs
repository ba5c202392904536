//! The JSON API's credentials (issue 18). A personal access token acts as one person, in their
//! partnership and role, until it expires or is revoked: `cspr api-token create` prints it once
//! and the store keeps only its hash; the person sees and revokes theirs on the account page.
//! An OAuth 2 client (a system integration) acts as the account it was made for: the client
//! credentials grant trades its id and secret for an access token that lasts an hour. Either
//! kind of token is judged here on every request ([`authenticate`]), and the same access
//! policy as the pages' applies to what it asks.

use cspr_domain::ids::{AgencyId, PartnershipId, UserId};
use cspr_store::{ApiClientRow, ApiTokenKind, ApiTokenRow, StoreError};
use secrecy::{ExposeSecret, SecretString};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::accounts::tokens::{new_token, token_hash};
use crate::policy::{Principal, Role};
use crate::{AppError, Services};

/// What every personal access token starts with (so a leaked one is recognised by scanners).
pub const PERSONAL_PREFIX: &str = "cspr_pat_";
/// What every client's access token starts with.
pub const CLIENT_PREFIX: &str = "cspr_cat_";
/// What every client secret starts with.
pub const SECRET_PREFIX: &str = "cspr_cs_";
/// How long a personal access token lasts unless told otherwise.
pub const DEFAULT_DAYS: i64 = 90;
/// The longest a personal access token may last.
pub const MAX_DAYS: i64 = 366;
/// How long a client's access token lasts.
pub const CLIENT_TOKEN_LIFETIME: Duration = Duration::hours(1);
/// The longest label.
pub const MAX_LABEL_CHARS: usize = 100;
/// A token's use is recorded at most this often.
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// A token just made: its secret, shown once.
#[derive(Debug)]
pub struct Issued {
    /// Its id.
    pub id: Uuid,
    /// The secret to send as `Authorization: Bearer`.
    pub secret: SecretString,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
}

/// A client just made: its id and secret, shown once.
#[derive(Debug)]
pub struct NewClient {
    /// The client id.
    pub id: Uuid,
    /// The client secret.
    pub secret: SecretString,
}

/// Why a token or client was not made.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// No account has that email address.
    #[error("There is no account with that email address.")]
    NoSuchAccount,
    /// The account is disabled.
    #[error("That account is disabled.")]
    Disabled,
    /// The label is empty, too long or holds control characters.
    #[error("Enter a label of 1 to {MAX_LABEL_CHARS} characters, without line breaks.")]
    Label,
    /// The lifetime is out of range.
    #[error("A token lasts from 1 to {MAX_DAYS} days.")]
    Days,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A request's caller, as its token says.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who, with their role and partnership.
    pub principal: Principal,
    /// The read models' version, read with the token.
    pub read_models: i64,
    /// The token's id.
    pub token_id: Uuid,
}

/// Why a token was refused. The API answers every one the same way (401), so a guesser learns
/// nothing; the reason is for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such token (or not one of ours at all).
    Unknown,
    /// Past its expiry.
    Expired,
    /// Revoked, or its client revoked.
    Revoked,
    /// Its account is gone, disabled or of another partnership.
    Account,
}

impl Refusal {
    /// For the log.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::Account => "account",
        }
    }
}

fn check_label(label: &str) -> Result<String, IssueError> {
    let label = label.trim();
    if label.is_empty()
        || label.chars().count() > MAX_LABEL_CHARS
        || label.chars().any(char::is_control)
    {
        return Err(IssueError::Label);
    }
    Ok(label.to_owned())
}

async fn active_account(
    services: &Services,
    email: &str,
) -> Result<cspr_store::UserRow, IssueError> {
    let user = services
        .store()
        .user_by_email(email.trim())
        .await?
        .ok_or(IssueError::NoSuchAccount)?;
    if user.partnership_id != services.partnership_id().as_uuid() {
        return Err(IssueError::NoSuchAccount);
    }
    if user.disabled {
        return Err(IssueError::Disabled);
    }
    Ok(user)
}

/// Makes a personal access token for the account with `email`, lasting `days`.
///
/// # Errors
/// [`IssueError`]: no such account, a disabled one, a bad label or lifetime, the store.
pub async fn issue(
    services: &Services,
    email: &str,
    label: &str,
    days: i64,
) -> Result<Issued, IssueError> {
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(IssueError::Days);
    }
    let label = check_label(label)?;
    let user = active_account(services, email).await?;
    let now = services.now();
    let issued = keep(
        services,
        &user,
        ApiTokenKind::Personal,
        None,
        label,
        now,
        Duration::days(days),
    )
    .await?;
    crate::accounts::notices::tell(
        services,
        &user.email,
        crate::accounts::notices::Change::ApiTokenCreated,
    )
    .await;
    Ok(issued)
}

async fn keep(
    services: &Services,
    user: &cspr_store::UserRow,
    kind: ApiTokenKind,
    client_id: Option<Uuid>,
    label: String,
    now: OffsetDateTime,
    lifetime: Duration,
) -> Result<Issued, StoreError> {
    let prefix = match kind {
        ApiTokenKind::Personal => PERSONAL_PREFIX,
        ApiTokenKind::Client => CLIENT_PREFIX,
    };
    let secret = format!("{prefix}{}", new_token());
    let row = ApiTokenRow {
        id: Uuid::now_v7(),
        user_id: user.id,
        partnership_id: user.partnership_id,
        kind,
        client_id,
        label,
        token_hash: token_hash(&secret),
        created_at: now,
        expires_at: now + lifetime,
        revoked_at: None,
        last_used_at: None,
    };
    services.store().add_api_token(&row).await?;
    Ok(Issued {
        id: row.id,
        secret: SecretString::from(secret),
        expires_at: row.expires_at,
    })
}

/// A person's personal access tokens, newest first (without their secrets).
///
/// # Errors
/// Store failures.
pub async fn tokens(services: &Services, user_id: UserId) -> Result<Vec<ApiTokenRow>, AppError> {
    Ok(services
        .store()
        .api_tokens(user_id.as_uuid(), ApiTokenKind::Personal)
        .await?)
}

/// Revokes one of a person's own tokens; false when they have no such token standing.
///
/// # Errors
/// Store failures.
pub async fn revoke(services: &Services, user_id: UserId, id: Uuid) -> Result<bool, AppError> {
    Ok(services
        .store()
        .revoke_api_token(user_id.as_uuid(), id, services.now())
        .await?)
}

/// Judges a bearer token: the caller it acts as, or why it is refused.
///
/// # Errors
/// Store failures, or saved settings that cannot be read.
pub async fn authenticate(
    services: &Services,
    bearer: &str,
) -> Result<Result<Caller, Refusal>, AppError> {
    if !(bearer.starts_with(PERSONAL_PREFIX) || bearer.starts_with(CLIENT_PREFIX))
        || bearer.len() > 200
    {
        return Ok(Err(Refusal::Unknown));
    }
    let store = services.store();
    let Some(read) = store.api_token_with_user(&token_hash(bearer)).await? else {
        return Ok(Err(Refusal::Unknown));
    };
    let now = services.now();
    let token = &read.token;
    if token.revoked_at.is_some() || read.client_revoked {
        return Ok(Err(Refusal::Revoked));
    }
    if token.expires_at <= now {
        return Ok(Err(Refusal::Expired));
    }
    let Some(user) = read.user else {
        return Ok(Err(Refusal::Account));
    };
    let Some(role) = Role::parse(&user.role) else {
        return Ok(Err(Refusal::Account));
    };
    if user.disabled
        || user.partnership_id != token.partnership_id
        || token.partnership_id != services.partnership_id().as_uuid()
    {
        return Ok(Err(Refusal::Account));
    }
    // Settings saved on another server are taken up before the request acts, as for a page.
    services.settings_at(read.settings).await?;
    if token.last_used_at.is_none_or(|at| now - at >= TOUCH_EVERY) {
        store.touch_api_token(token.id, now).await?;
    }
    Ok(Ok(Caller {
        principal: Principal {
            user_id: UserId::from_uuid(user.id),
            partnership_id: PartnershipId::from_uuid(user.partnership_id),
            role,
            agency_id: user.agency_id.map(AgencyId::from_uuid),
            display_name: user.display_name,
            session: format!("api-token:{}", token.id),
        },
        read_models: read.read_models,
        token_id: token.id,
    }))
}

/// Makes an OAuth 2 client that acts as the account with `email`.
///
/// # Errors
/// As [`issue`].
pub async fn create_client(
    services: &Services,
    email: &str,
    label: &str,
) -> Result<NewClient, IssueError> {
    let label = check_label(label)?;
    let user = active_account(services, email).await?;
    let secret = format!("{SECRET_PREFIX}{}", new_token());
    let row = ApiClientRow {
        id: Uuid::now_v7(),
        user_id: user.id,
        label,
        secret_hash: token_hash(&secret),
        created_at: services.now(),
        revoked_at: None,
    };
    services.store().add_api_client(&row).await?;
    crate::accounts::notices::tell(
        services,
        &user.email,
        crate::accounts::notices::Change::ApiClientCreated,
    )
    .await;
    Ok(NewClient {
        id: row.id,
        secret: SecretString::from(secret),
    })
}

/// Revokes a client: the tokens it was given stop working at once.
///
/// # Errors
/// Store failures.
pub async fn revoke_client(services: &Services, id: Uuid) -> Result<bool, AppError> {
    Ok(services
        .store()
        .revoke_api_client(id, services.now())
        .await?)
}

/// The client credentials grant (RFC 6749, section 4.4): an access token for the client whose
/// id and secret these are, or `None` when they are not a standing client's (one answer for
/// every reason, so a guesser learns nothing).
///
/// # Errors
/// Store failures.
pub async fn client_credentials(
    services: &Services,
    client_id: &str,
    secret: &SecretString,
) -> Result<Option<Issued>, AppError> {
    let Ok(id) = Uuid::parse_str(client_id) else {
        return Ok(None);
    };
    let store = services.store();
    let Some(client) = store.api_client(id).await? else {
        return Ok(None);
    };
    // Hashes are compared, never the secret: how long the comparison takes tells nothing of it.
    if token_hash(secret.expose_secret()) != client.secret_hash || client.revoked_at.is_some() {
        return Ok(None);
    }
    let Some(user) = store.user_by_id(client.user_id).await? else {
        return Ok(None);
    };
    if user.disabled || user.partnership_id != services.partnership_id().as_uuid() {
        return Ok(None);
    }
    let issued = keep(
        services,
        &user,
        ApiTokenKind::Client,
        Some(client.id),
        client.label.clone(),
        services.now(),
        CLIENT_TOKEN_LIFETIME,
    )
    .await?;
    Ok(Some(issued))
}
