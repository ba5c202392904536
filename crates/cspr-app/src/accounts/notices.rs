//! Telling a person by email when the ways they sign in change (ASVS 6.3.7): a passkey added
//! to their account or removed from it, an access token
//! of the API made for it. Best effort, after the change is written: without email
//! set up, or when the mail server fails, the change stands and the failure is logged (with no
//! address). The email names no passkey and links only to the account page.

use crate::Services;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A passkey was added, by the person.
    PasskeyAdded,
    /// A passkey was removed, by the person.
    PasskeyRemoved,
    /// Every passkey was removed, by an administrator or the operator.
    PasskeysRemoved,
    /// A personal access token of the JSON API was made for the account.
    ApiTokenCreated,
    /// A client of the JSON API was made that acts as the account.
    ApiClientCreated,
}

impl Change {
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Self::PasskeyAdded => (
                "A passkey was added to your account",
                "A passkey was added to your account, and can now sign you in.",
            ),
            Self::PasskeyRemoved => (
                "A passkey was removed from your account",
                "A passkey was removed from your account, and your other sessions were ended.",
            ),
            Self::PasskeysRemoved => (
                "Your passkeys were removed",
                "Every passkey of your account was removed, and you were signed out everywhere. \
                 You sign in with your password and code again.",
            ),
            Self::ApiTokenCreated => (
                "An access token was made for your account",
                "A personal access token was made for your account: a system holding it can \
                 use cspr's API as you. You can revoke it on your account page.",
            ),
            Self::ApiClientCreated => (
                "A system was allowed to act as your account",
                "A client of cspr's API was made that acts as your account: the system holding \
                 its secret can use cspr as you.",
            ),
        }
    }

    /// Where the person sees what changed: the words of the link and the path.
    fn page(self) -> (&'static str, &'static str) {
        match self {
            Self::PasskeyAdded | Self::PasskeyRemoved | Self::PasskeysRemoved => {
                ("See your passkeys", "/account/passkeys")
            }
            Self::ApiTokenCreated | Self::ApiClientCreated => {
                ("See your access tokens", "/account/api-tokens")
            }
        }
    }
}

/// Emails `to` that `change` happened to their account of the partnership's cspr.
pub async fn tell(services: &Services, to: &str, change: Change) {
    let Some(mail) = services.mail() else {
        return;
    };
    let (subject, what) = change.words();
    let see = services.public_url().map_or_else(String::new, |base| {
        let (words, path) = change.page();
        format!("\n{words}: {}{path}\n", base.trim_end_matches('/'))
    });
    let body = format!(
        "{what}\n{see}\nIf this was not you, tell the partnership's business manager or system \
         administrator at once.\n\n{}\n",
        services.partnership_name()
    );
    if let Err(e) = crate::mail::send_plain(mail, to, subject.to_owned(), body).await {
        tracing::warn!(error = %e, "a person was not told of a change to how they sign in");
    }
}
