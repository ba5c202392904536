//! OpenID Connect sign-in for organisations that have their own identity provider: the
//! authorization code flow with PKCE (S256), `state` and `nonce`, through the `openidconnect`
//! crate over reqwest with rustls. Plain `http` is accepted only for a loopback issuer (tests,
//! a provider on the same machine).
//!
//! The provider's metadata and keys are discovered on first use and kept for an hour (found
//! again at once if a token's signature does not verify, in case the provider rotated its keys).
//! What a sign-in in progress needs to finish (state, nonce, PKCE verifier) is kept here, in
//! memory, for ten minutes under a random id that the browser holds in a cookie: nothing of it
//! goes to the browser. The ID token's signature, issuer, audience, nonce and expiry are checked
//! by the crate; this module adds the access-token hash, the RFC 9207 `iss` check and reads the
//! claims cspr needs. It knows nothing of accounts, sessions or pages (routes/oidc.rs does).
//!
//! This module holds the settings, the errors and the discovery of the provider (kept an hour);
//! [`flow`] the sign-in itself: starting it, keeping what it needs, and finishing it.

mod flow;

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Instant;

use openidconnect::core::{CoreClient, CoreProviderMetadata};
use openidconnect::url::{Host, Url};
use openidconnect::{
    ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl,
    Nonce, PkceCodeVerifier, RedirectUrl, reqwest,
};
use secrecy::{ExposeSecret, SecretString};
use time::{Duration, OffsetDateTime};

/// How long a sign-in may take at the provider.
pub const PENDING_TTL: Duration = Duration::minutes(10);
/// Most sign-ins in progress kept at once (the oldest goes first).
const PENDING_MAX: usize = 10_000;
/// Most sign-ins in progress kept for one address (its oldest goes first).
const PENDING_PER_SOURCE: usize = 20;
/// How long discovered metadata and keys are used before they are fetched again.
const METADATA_TTL: std::time::Duration = std::time::Duration::from_secs(60 * 60);
/// Metadata younger than this is not fetched again after a signature failure.
const METADATA_MIN_AGE: std::time::Duration = std::time::Duration::from_secs(60);
/// Longest wait for the provider.
const HTTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Authentication methods (RFC 8176) that mean the organisation did multi-factor sign-in. Only
/// `mfa`: `otp` (a one-time code) and `hwk` (a hardware key) are each one factor on their own.
const MFA_METHODS: [&str; 1] = ["mfa"];

/// The client built from the provider's metadata: authorization and token endpoints known.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Why an OpenID Connect sign-in did not work. The text is for the service log (with the
/// provider's words, on one line); people see only a general page, and the access log only
/// [`OidcError::reason`].
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The settings are unusable.
    #[error("OpenID Connect settings: {0}")]
    Config(String),
    /// The provider could not be discovered.
    #[error("OpenID Connect discovery failed: {0}")]
    Discovery(String),
    /// No sign-in in progress for this browser (no cookie, expired, or already used).
    #[error("no OpenID Connect sign-in in progress")]
    NoPending,
    /// The provider sent the person back with an error.
    #[error("the provider refused: {0}")]
    Refused(String),
    /// `state` missing or not the one sent.
    #[error("state did not match")]
    StateMismatch,
    /// The `iss` of the response is not the configured issuer (RFC 9207).
    #[error("issuer of the response did not match")]
    IssuerMismatch,
    /// No authorization code came back.
    #[error("no authorization code")]
    NoCode,
    /// The code could not be exchanged for tokens.
    #[error("token exchange failed: {0}")]
    Exchange(String),
    /// The ID token is missing or did not verify.
    #[error("ID token refused: {0}")]
    IdToken(String),
    /// The sign-in in progress could not be kept or read (the database failed).
    #[error("the sign-in in progress could not be kept or read: {0}")]
    Store(String),
}

impl OidcError {
    /// A fixed phrase for the access log.
    #[must_use]
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Config(_) => "settings",
            Self::Discovery(_) => "provider unavailable",
            Self::NoPending => "no sign-in in progress",
            Self::Refused(_) => "refused by the provider",
            Self::StateMismatch => "state did not match",
            Self::IssuerMismatch => "issuer did not match",
            Self::NoCode => "no code",
            Self::Exchange(_) => "token exchange failed",
            Self::IdToken(_) => "ID token refused",
            Self::Store(_) => "database unavailable",
        }
    }
}

/// Text from outside on one line, short: safe for the service log (ASVS 16.4.1).
fn one_line(text: &str) -> String {
    text.chars()
        .take(300)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Whether a URL may be used: `https`, or `http` to a loopback address.
fn allowed_url(url: &Url) -> bool {
    url.scheme() == "https" || (url.scheme() == "http" && is_loopback(url))
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// What finishing a sign-in needs, kept on the server (in the store, sealed).
#[derive(serde::Serialize, serde::Deserialize)]
struct Pending {
    state: CsrfToken,
    nonce: Nonce,
    verifier: PkceCodeVerifier,
    purpose: Purpose,
}

/// What a flow at the provider is for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Purpose {
    /// Signing in.
    SignIn,
    /// Proving again who is signed in before a sensitive change (step-up, ASVS 7.5.3): the
    /// account, its session (the hash of the session's token, never the token) and the page to
    /// go back to. The provider is asked to sign the person in afresh (`prompt=login`,
    /// `max_age=0`).
    StepUp {
        /// The account signed in.
        user_id: uuid::Uuid,
        /// The hash of the session's token.
        session: String,
        /// A plain path of this site.
        next: String,
    },
}

struct Discovered {
    client: Arc<Client>,
    at: Instant,
}

struct Shared {
    http: reqwest::Client,
    discovered: RwLock<Option<Discovered>>,
    pending: crate::auth::pending::Ceremonies<Pending>,
}

/// An organisation's OpenID Provider and cspr's registration with it. Clones share the
/// discovered metadata and the sign-ins in progress.
#[derive(Clone)]
pub struct OidcConfig {
    issuer_url: IssuerUrl,
    client_id: ClientId,
    client_secret: SecretString,
    redirect_url: RedirectUrl,
    /// An authentication context class (`acr`) the organisation gives only to a multi-factor
    /// sign-in, for providers that say so in `acr` rather than `amr`.
    mfa_acr: Option<String>,
    shared: Arc<Shared>,
}

impl fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer_url", &self.issuer_url.as_str())
            .field("client_id", &self.client_id.as_str())
            .field("client_secret", &"[redacted]")
            .field("redirect_url", &self.redirect_url.as_str())
            .field("mfa_acr", &self.mfa_acr)
            .finish_non_exhaustive()
    }
}

/// Where to send the browser, and the id of the sign-in for its cookie.
#[derive(Debug)]
pub struct Started {
    /// The random id of the sign-in in progress (for the cookie).
    pub id: String,
    /// The provider's authorization URL with this sign-in's parameters.
    pub authorize_url: Url,
}

/// The query of the redirect back from the provider.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct CallbackParams {
    /// The authorization code.
    pub code: Option<String>,
    /// The state sent.
    pub state: Option<String>,
    /// An error code instead of a code.
    pub error: Option<String>,
    /// The issuer of the response (RFC 9207), when the provider sends it.
    pub iss: Option<String>,
}

/// Who the provider says signed in, from a verified ID token.
#[derive(Clone, PartialEq, Eq)]
pub struct Identity {
    /// The issuer (the configured one).
    pub issuer: String,
    /// The subject at that issuer.
    pub subject: String,
    /// The email address, only when the provider says it verified it.
    pub verified_email: Option<String>,
    /// Whether the organisation did multi-factor sign-in (`amr` has `mfa`, or `acr` is the
    /// configured multi-factor class).
    pub multi_factor: bool,
    /// When the person last signed in at the provider (`auth_time`), if it says.
    pub auth_time: Option<OffsetDateTime>,
}

impl Identity {}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("who", &"[identity]")
            .field("has_verified_email", &self.verified_email.is_some())
            .field("multi_factor", &self.multi_factor)
            .field("auth_time", &self.auth_time)
            .finish()
    }
}

impl OidcConfig {
    /// Settings for a provider. The issuer and the redirect URL must be `https`, or `http` to a
    /// loopback address.
    ///
    /// # Errors
    /// An unusable URL, or an HTTP client that cannot be built.
    pub fn new(
        issuer_url: &str,
        client_id: &str,
        client_secret: SecretString,
        redirect_url: &str,
    ) -> Result<Self, OidcError> {
        let issuer = IssuerUrl::new(issuer_url.to_owned())
            .map_err(|e| OidcError::Config(format!("issuer URL: {e}")))?;
        let redirect = RedirectUrl::new(redirect_url.to_owned())
            .map_err(|e| OidcError::Config(format!("redirect URL: {e}")))?;
        if !allowed_url(issuer.url()) {
            return Err(OidcError::Config(
                "the issuer URL must use https (http only for a loopback address)".into(),
            ));
        }
        if !allowed_url(redirect.url()) {
            return Err(OidcError::Config(
                "the redirect URL must use https (http only for a loopback address)".into(),
            ));
        }
        if client_id.trim().is_empty() || client_secret.expose_secret().is_empty() {
            return Err(OidcError::Config(
                "a client id and a client secret are needed".into(),
            ));
        }
        let http = reqwest::Client::builder()
            // Following redirects would open the client to SSRF (openidconnect's advice).
            .redirect(reqwest::redirect::Policy::none())
            .https_only(!is_loopback(issuer.url()))
            .timeout(HTTP_TIMEOUT)
            .build()
            .map_err(|e| OidcError::Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            issuer_url: issuer,
            client_id: ClientId::new(client_id.trim().to_owned()),
            client_secret,
            redirect_url: redirect,
            mfa_acr: None,
            shared: Arc::new(Shared {
                http,
                discovered: RwLock::new(None),
                pending: crate::auth::pending::Ceremonies::new(
                    "oidc",
                    PENDING_TTL,
                    PENDING_PER_SOURCE,
                    PENDING_MAX,
                ),
            }),
        })
    }

    /// Counts a sign-in whose ID token has this `acr` as the organisation's multi-factor, as
    /// well as one whose `amr` says `mfa` (setting `oidc_mfa_acr`; issue 16, finding 11). The
    /// provider is asked for it (`acr_values`); a token with another class, or none, is one
    /// factor. An empty value is none.
    #[must_use]
    pub fn with_mfa_acr(mut self, acr: Option<&str>) -> Self {
        self.mfa_acr = acr
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned);
        self
    }

    /// The issuer URL.
    #[must_use]
    pub fn issuer_url(&self) -> &str {
        self.issuer_url.as_str()
    }

    /// The client id at the provider.
    #[must_use]
    pub fn client_id(&self) -> &str {
        self.client_id.as_str()
    }

    /// The redirect URL registered at the provider.
    #[must_use]
    pub fn redirect_url(&self) -> &str {
        self.redirect_url.as_str()
    }

    /// The client from the provider's metadata: the kept one unless it is old (or `refresh`
    /// and it is more than a minute old).
    async fn client(&self, refresh: bool) -> Result<Arc<Client>, OidcError> {
        {
            let kept = self
                .shared
                .discovered
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(d) = kept.as_ref() {
                let age = d.at.elapsed();
                let fresh_enough = if refresh {
                    age < METADATA_MIN_AGE
                } else {
                    age < METADATA_TTL
                };
                if fresh_enough {
                    return Ok(d.client.clone());
                }
            }
        }
        let metadata =
            CoreProviderMetadata::discover_async(self.issuer_url.clone(), &self.shared.http)
                .await
                .map_err(|e| OidcError::Discovery(one_line(&e.to_string())))?;
        if let Some(token) = metadata.token_endpoint()
            && !allowed_url(token.url())
        {
            return Err(OidcError::Discovery(
                "the token endpoint does not use https".into(),
            ));
        }
        let client = Arc::new(
            CoreClient::from_provider_metadata(
                metadata,
                self.client_id.clone(),
                Some(ClientSecret::new(
                    self.client_secret.expose_secret().to_owned(),
                )),
            )
            .set_redirect_uri(self.redirect_url.clone()),
        );
        *self
            .shared
            .discovered
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(Discovered {
            client: client.clone(),
            at: Instant::now(),
        });
        Ok(client)
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn secret() -> SecretString {
        SecretString::from("s3cret".to_owned())
    }

    /// A configuration for an example provider, with the secret `s3cret`.
    pub(super) fn example_config() -> OidcConfig {
        OidcConfig::new(
            "https://login.example.org",
            "client",
            secret(),
            "https://cspr.example.org/sign-in/oidc/callback",
        )
        .expect("config")
    }

    #[test]
    fn plain_http_only_for_loopback() {
        let cb = "https://cspr.example.org/sign-in/oidc/callback";
        assert!(OidcConfig::new("https://login.example.org", "c", secret(), cb).is_ok());
        assert!(OidcConfig::new("http://127.0.0.1:9000", "c", secret(), cb).is_ok());
        assert!(OidcConfig::new("http://[::1]:9000", "c", secret(), cb).is_ok());
        assert!(OidcConfig::new("http://localhost:9000", "c", secret(), cb).is_ok());
        assert!(OidcConfig::new("http://login.example.org", "c", secret(), cb).is_err());
        assert!(
            OidcConfig::new(
                "https://login.example.org",
                "c",
                secret(),
                "http://cspr.example.org/cb"
            )
            .is_err()
        );
        assert!(OidcConfig::new("https://login.example.org", "", secret(), cb).is_err());
    }

    #[test]
    fn debug_hides_the_secret() {
        let c = example_config();
        assert!(!format!("{c:?}").contains("s3cret"));
    }
}
