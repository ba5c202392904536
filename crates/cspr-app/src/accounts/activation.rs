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
