//! Passkeys (WebAuthn; issue 16): cspr as the relying party, through `webauthn-rs`. Three
//! ceremonies, each started and finished by the server with the browser's
//! `navigator.credentials` in between (web/js/passkey.js):
//!
//! - **registering** a passkey on the account page, for the account and session that asked;
//! - **signing in** with one without typing an address (a discoverable credential names its
//!   account);
//! - **confirming who you are** before a sensitive change (step-up, ASVS 7.5.3), with one of
//!   the account's own passkeys.
//!
//! User verification (the device's PIN or biometric) is required every time, so a passkey is
//! two factors in one and is bound to this site's domain: a look-alike site cannot use it.
//! What a ceremony needs to finish is kept on the server, in the store (sealed, so any server
//! may finish it; issue 18), for [`PENDING_TTL`], under a random id the page sends back; it is
//! used once.

use std::sync::Arc;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::auth::pending::Ceremonies;
use webauthn_rs::prelude::{
    AuthenticationResult, CreationChallengeResponse, DiscoverableAuthentication, Passkey,
    PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse, Url, Webauthn, WebauthnBuilder,
};
use webauthn_rs_proto::ResidentKeyRequirement;

/// How long a ceremony may take, from the options to the answer.
pub const PENDING_TTL: time::Duration = time::Duration::minutes(5);
/// Most ceremonies kept at once, and per client address: a flood of starts pushes out its own
/// oldest, not everyone's.
const PENDING_MAX: usize = 10_000;
const PENDING_PER_SOURCE: usize = 20;

/// Why a ceremony failed. Carries nothing the browser sent, so it can be logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasskeyError {
    /// No ceremony under that id (never started, used already, or too old), or one of another
    /// kind, account or session.
    #[error("no passkey ceremony in progress")]
    NoCeremony,
    /// The authenticator's answer did not verify (signature, challenge, origin, user
    /// verification, counter).
    #[error("the passkey's answer did not verify")]
    Refused,
    /// The options could not be made.
    #[error("the passkey options could not be made")]
    Options,
    /// The ceremony could not be kept or read (the database failed).
    #[error("the passkey ceremony could not be kept or read")]
    Unavailable,
}

/// What one ceremony needs to finish.
#[derive(serde::Serialize, serde::Deserialize)]
enum Ceremony {
    Register {
        user_id: Uuid,
        session: String,
        name: String,
        state: PasskeyRegistration,
    },
    SignIn {
        state: DiscoverableAuthentication,
    },
    Confirm {
        user_id: Uuid,
        session: String,
        state: PasskeyAuthentication,
    },
}

/// The relying party: this site's domain and origin, and the ceremonies in progress. Clones
/// share them.
#[derive(Clone)]
pub struct RelyingParty {
    webauthn: Arc<Webauthn>,
    pending: Arc<Ceremonies<Ceremony>>,
    store: cspr_store::Store,
}

impl std::fmt::Debug for RelyingParty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelyingParty").finish_non_exhaustive()
    }
}

/// A ceremony started: its id, to send back, and the options for the browser.
#[derive(Debug)]
pub struct Started<T> {
    /// The ceremony's id.
    pub id: String,
    /// What `navigator.credentials` is given.
    pub options: T,
}

/// A passkey registered: the name its owner gave it and the record to keep.
#[derive(Debug)]
pub struct Registered {
    /// The name.
    pub name: String,
    /// The authenticator's credential id, base64url.
    pub credential_id: String,
    /// The record, as JSON.
    pub record: String,
}

/// The base64url form of a credential id, as the store keeps it.
#[must_use]
pub fn credential_id_text(raw: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

/// A stored record read back; `None` when it is not one (never written by this module).
#[must_use]
pub fn read_record(record: &str) -> Option<Passkey> {
    serde_json::from_str(record).ok()
}

/// A record as stored.
fn write_record(passkey: &Passkey) -> Result<String, PasskeyError> {
    serde_json::to_string(passkey).map_err(|_| PasskeyError::Options)
}

impl RelyingParty {
    /// The relying party for the site at `public_url`. `None` when the address has no domain
    /// name (an IP address: WebAuthn binds credentials to a domain, so passkeys are not
    /// offered), or is not https (http only on `localhost`, a secure context to browsers).
    #[must_use]
    pub fn for_site(public_url: &str, name: &str, store: cspr_store::Store) -> Option<Self> {
        let origin = Url::parse(public_url).ok()?;
        let domain = origin.domain()?.to_owned();
        if origin.scheme() != "https" && domain != "localhost" {
            return None;
        }
        let webauthn = WebauthnBuilder::new(&domain, &origin)
            .ok()?
            .rp_name(name)
            .build()
            .ok()?;
        Some(Self {
            webauthn: Arc::new(webauthn),
            pending: Arc::new(Ceremonies::new(
                "passkey",
                PENDING_TTL,
                PENDING_PER_SOURCE,
                PENDING_MAX,
            )),
            store,
        })
    }

    async fn keep(
        &self,
        ceremony: Ceremony,
        source: &str,
        now: OffsetDateTime,
    ) -> Result<String, PasskeyError> {
        let id = crate::session::new_token();
        self.pending
            .keep(&self.store, &id, &ceremony, source, now)
            .await
            .map_err(unavailable)?;
        Ok(id)
    }

    async fn take(&self, id: &str, now: OffsetDateTime) -> Result<Ceremony, PasskeyError> {
        self.pending
            .take(&self.store, id, now)
            .await
            .map_err(unavailable)?
            .ok_or(PasskeyError::NoCeremony)
    }

    /// The ceremony under `id`, if it is one started by this account in this session.
    async fn take_own(
        &self,
        id: &str,
        user_id: Uuid,
        session: &str,
        now: OffsetDateTime,
    ) -> Result<Ceremony, PasskeyError> {
        let ceremony = self.take(id, now).await?;
        let (owner, started_in) = match &ceremony {
            Ceremony::Register {
                user_id, session, ..
            }
            | Ceremony::Confirm {
                user_id, session, ..
            } => (*user_id, session.as_str()),
            Ceremony::SignIn { .. } => return Err(PasskeyError::NoCeremony),
        };
        if owner == user_id && started_in == session {
            Ok(ceremony)
        } else {
            Err(PasskeyError::NoCeremony)
        }
    }

    /// Starts registering a passkey for an account, in one session, under `name`. The
    /// account's passkeys are excluded (the browser says so rather than registering one
    /// twice); the authenticator is asked to keep the credential (a discoverable one, for
    /// signing in without an address).
    ///
    /// # Errors
    /// [`PasskeyError::Options`].
    #[expect(clippy::too_many_arguments, reason = "one ceremony's inputs")]
    pub async fn start_registration(
        &self,
        user_id: Uuid,
        email: &str,
        display_name: &str,
        existing: &[Passkey],
        session: &str,
        name: String,
        source: &str,
        now: OffsetDateTime,
    ) -> Result<Started<CreationChallengeResponse>, PasskeyError> {
        let exclude = existing.iter().map(|p| p.cred_id().clone()).collect();
        let (mut options, state) = self
            .webauthn
            .start_passkey_registration(user_id, email, display_name, Some(exclude))
            .map_err(|_| PasskeyError::Options)?;
        if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
            selection.resident_key = Some(ResidentKeyRequirement::Required);
            selection.require_resident_key = true;
        }
        let ceremony = Ceremony::Register {
            user_id,
            session: session.to_owned(),
            name,
            state,
        };
        Ok(Started {
            id: self.keep(ceremony, source, now).await?,
            options,
        })
    }

    /// Finishes a registration: the same account and session that started it.
    ///
    /// # Errors
    /// [`PasskeyError::NoCeremony`], [`PasskeyError::Refused`].
    pub async fn finish_registration(
        &self,
        id: &str,
        user_id: Uuid,
        session: &str,
        answer: &RegisterPublicKeyCredential,
        now: OffsetDateTime,
    ) -> Result<Registered, PasskeyError> {
        let Ceremony::Register { name, state, .. } =
            self.take_own(id, user_id, session, now).await?
        else {
            return Err(PasskeyError::NoCeremony);
        };
        let passkey = self
            .webauthn
            .finish_passkey_registration(answer, &state)
            .map_err(|_| PasskeyError::Refused)?;
        Ok(Registered {
            name,
            credential_id: credential_id_text(passkey.cred_id().as_ref()),
            record: write_record(&passkey)?,
        })
    }

    /// Starts a sign-in with a passkey: no account is named; the person's device offers the
    /// passkeys it holds for this site.
    ///
    /// # Errors
    /// [`PasskeyError::Options`].
    pub async fn start_sign_in(
        &self,
        source: &str,
        now: OffsetDateTime,
    ) -> Result<Started<RequestChallengeResponse>, PasskeyError> {
        let (mut options, state) = self
            .webauthn
            .start_discoverable_authentication()
            .map_err(|_| PasskeyError::Options)?;
        // The library asks for the address field's autofill ("conditional" mediation); cspr
        // starts from a button instead, so the browser shows its own dialog.
        options.mediation = None;
        let ceremony = Ceremony::SignIn { state };
        Ok(Started {
            id: self.keep(ceremony, source, now).await?,
            options,
        })
    }

    /// The account and credential id an answer to a sign-in names (not yet verified).
    ///
    /// # Errors
    /// [`PasskeyError::Refused`] when it names none.
    pub fn identify(&self, answer: &PublicKeyCredential) -> Result<(Uuid, String), PasskeyError> {
        self.webauthn
            .identify_discoverable_authentication(answer)
            .map(|(user, raw)| (user, credential_id_text(raw)))
            .map_err(|_| PasskeyError::Refused)
    }

    /// Finishes a sign-in with the stored record of the passkey the answer named; returns the
    /// record to store back (its counter moved on).
    ///
    /// # Errors
    /// [`PasskeyError::NoCeremony`], [`PasskeyError::Refused`] (a record that does not read
    /// counts as a refusal).
    pub async fn finish_sign_in(
        &self,
        id: &str,
        answer: &PublicKeyCredential,
        record: &str,
        now: OffsetDateTime,
    ) -> Result<String, PasskeyError> {
        let Ceremony::SignIn { state } = self.take(id, now).await? else {
            return Err(PasskeyError::NoCeremony);
        };
        let mut passkey = read_record(record).ok_or(PasskeyError::Refused)?;
        let result = self
            .webauthn
            .finish_discoverable_authentication_v2(answer, state, &passkey)
            .map_err(|_| PasskeyError::Refused)?;
        moved_on(&mut passkey, &result)?;
        write_record(&passkey)
    }

    /// Starts a confirmation with one of the account's own passkeys, for one session.
    ///
    /// # Errors
    /// [`PasskeyError::Options`] (also when the account has none).
    pub async fn start_confirm(
        &self,
        user_id: Uuid,
        session: &str,
        passkeys: &[Passkey],
        source: &str,
        now: OffsetDateTime,
    ) -> Result<Started<RequestChallengeResponse>, PasskeyError> {
        let (options, state) = self
            .webauthn
            .start_passkey_authentication(passkeys)
            .map_err(|_| PasskeyError::Options)?;
        let ceremony = Ceremony::Confirm {
            user_id,
            session: session.to_owned(),
            state,
        };
        Ok(Started {
            id: self.keep(ceremony, source, now).await?,
            options,
        })
    }

    /// Finishes a confirmation: the same account and session, one of the account's passkeys
    /// (`record`, found by the answer's credential id). Returns the record to store back.
    ///
    /// # Errors
    /// [`PasskeyError::NoCeremony`], [`PasskeyError::Refused`].
    pub async fn finish_confirm(
        &self,
        id: &str,
        user_id: Uuid,
        session: &str,
        answer: &PublicKeyCredential,
        record: &str,
        now: OffsetDateTime,
    ) -> Result<String, PasskeyError> {
        let Ceremony::Confirm { state, .. } = self.take_own(id, user_id, session, now).await?
        else {
            return Err(PasskeyError::NoCeremony);
        };
        let mut passkey = read_record(record).ok_or(PasskeyError::Refused)?;
        let result = self
            .webauthn
            .finish_passkey_authentication(answer, &state)
            .map_err(|_| PasskeyError::Refused)?;
        if result.cred_id() != passkey.cred_id() {
            return Err(PasskeyError::Refused);
        }
        moved_on(&mut passkey, &result)?;
        write_record(&passkey)
    }
}

/// A store failure while keeping or reading a ceremony: logged (the store's error names no
/// person), answered as unavailable.
fn unavailable(e: cspr_store::StoreError) -> PasskeyError {
    tracing::warn!(error = %e, "a passkey ceremony could not be kept or read");
    PasskeyError::Unavailable
}

/// Moves the record on (its signature counter and backup flags). `webauthn-rs` has already
/// refused an answer without user verification, or whose counter went backwards (a copied
/// authenticator, WebAuthn §7.2 step 22); this refuses an answer of another credential.
fn moved_on(passkey: &mut Passkey, result: &AuthenticationResult) -> Result<(), PasskeyError> {
    if !result.user_verified() {
        return Err(PasskeyError::Refused);
    }
    passkey
        .update_credential(result)
        .map(|_| ())
        .ok_or(PasskeyError::Refused)
}
