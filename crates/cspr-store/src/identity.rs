//! Identity: partnerships with their agencies and settings, staff accounts with their password
//! hash, TOTP secret (sealed at rest) and recovery codes, server-side sessions and login
//! throttling counters. Rules (password strength, code checks, delays) live in the web layer;
//! the store keeps the rows and makes the single-use steps atomic.

use std::fmt;

use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::codec::{canonical_json, normalise_time};
use crate::db::{Arg, Cx, Row, read_row, select, sql};
use crate::{Store, StoreError};

const DUPLICATE_EMAIL: &str = "A user with this email address already exists";
const DUPLICATE_OIDC: &str = "This sign-in account is already linked to another user";

/// Domain separation for the id the TOTP data key is wrapped under (see [`totp_key_id`]).
const TOTP_KEY_CONTEXT: &str = "cspr-store 2025-06 totp data key id v1";

macro_rules! user_cols {
    () => {
        "id, partnership_id, email, display_name, role, agency_id, password_hash, totp_enabled, \
         last_totp_step, disabled, created_at, oidc_issuer, oidc_subject"
    };
}
/// The account's columns under the alias `u`, for statements that join an account to what
/// signs in as it (sessions, API tokens).
pub(crate) const USER_COLS_U: &str = "u.id, u.partnership_id, u.email, u.display_name, u.role, \
    u.agency_id, u.password_hash, u.totp_enabled, u.last_totp_step, u.disabled, u.created_at, \
    u.oidc_issuer, u.oidc_subject";
macro_rules! session_cols {
    () => {
        "token_hash, user_id, created_at, last_seen_at, mfa_done, reauth_at"
    };
}

/// A staff account to create.
#[derive(Clone, PartialEq, Eq)]
pub struct NewUser {
    /// The account's id.
    pub id: Uuid,
    /// The partnership the account belongs to.
    pub partnership_id: Uuid,
    /// Sign-in email address; stored lower-case and unique across the store.
    pub email: String,
    /// The name shown to other users.
    pub display_name: String,
    /// The role's machine name.
    pub role: String,
    /// The agency an agency representative speaks for.
    pub agency_id: Option<Uuid>,
    /// The argon2id PHC string, or `None` for accounts that sign in only through OpenID Connect.
    pub password_hash: Option<String>,
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("id", &self.id)
            .field("partnership_id", &self.partnership_id)
            .field("role", &self.role)
            .field("agency_id", &self.agency_id)
            .field("has_password", &self.password_hash.is_some())
            .finish_non_exhaustive()
    }
}

/// A staff account as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRow {
    /// The account's id.
    pub id: Uuid,
    /// The partnership the account belongs to.
    pub partnership_id: Uuid,
    /// Sign-in email address, lower-case.
    pub email: String,
    /// The name shown to other users.
    pub display_name: String,
    /// The role's machine name.
    pub role: String,
    /// The agency an agency representative speaks for.
    pub agency_id: Option<Uuid>,
    /// The argon2id PHC string, if the account has a password.
    pub password_hash: Option<String>,
    /// Whether a confirmed TOTP second factor is in use.
    pub totp_enabled: bool,
    /// The last TOTP time step accepted for this account, if any; a code for this step or an
    /// earlier one is a replay.
    pub last_totp_step: Option<u64>,
    /// Whether the account is disabled (no sign-in, no sessions).
    pub disabled: bool,
    /// When the account was created.
    pub created_at: OffsetDateTime,
    /// The OpenID Connect issuer the account is linked to.
    pub oidc_issuer: Option<String>,
    /// The subject at that issuer.
    pub oidc_subject: Option<String>,
}

impl fmt::Debug for UserRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("partnership_id", &self.partnership_id)
            .field("role", &self.role)
            .field("agency_id", &self.agency_id)
            .field("has_password", &self.password_hash.is_some())
            .field("totp_enabled", &self.totp_enabled)
            .field("disabled", &self.disabled)
            .field("created_at", &self.created_at)
            .field("oidc_linked", &self.oidc_subject.is_some())
            .finish_non_exhaustive()
    }
}

/// A session to create. The cookie holds a random token; the store keeps only its hash.
#[derive(Clone, PartialEq, Eq)]
pub struct NewSession {
    /// blake3 of the session token, in hex.
    pub token_hash: String,
    /// Whose session it is.
    pub user_id: Uuid,
    /// When it began (for the absolute timeout).
    pub created_at: OffsetDateTime,
    /// When it was last used (for the idle timeout).
    pub last_seen_at: OffsetDateTime,
    /// Whether the second factor has been passed in this session.
    pub mfa_done: bool,
    /// When the user last re-entered their credentials (step-up), if they have.
    pub reauth_at: Option<OffsetDateTime>,
}

/// What a signed-in request reads first ([`Store::session_with_user`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRead {
    /// The session.
    pub session: SessionRow,
    /// Its account; `None` when the account is gone.
    pub user: Option<UserRow>,
    /// The read models' version when the session was read.
    pub read_models: i64,
    /// The version of the account's partnership's saved settings (0: none saved;
    /// [`Store::partnership_settings_versioned`]).
    pub settings: i64,
}

/// A session as stored; the same fields as [`NewSession`].
#[derive(Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// blake3 of the session token, in hex.
    pub token_hash: String,
    /// Whose session it is.
    pub user_id: Uuid,
    /// When it began.
    pub created_at: OffsetDateTime,
    /// When it was last used.
    pub last_seen_at: OffsetDateTime,
    /// Whether the second factor has been passed in this session.
    pub mfa_done: bool,
    /// When the user last re-entered their credentials, if they have.
    pub reauth_at: Option<OffsetDateTime>,
}

// The token hash is the key a stolen database dump would need to match cookies: keep it out
// of logs all the same.
macro_rules! session_debug {
    ($ty:ident) => {
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty))
                    .field("token_hash", &"[redacted]")
                    .field("user_id", &self.user_id)
                    .field("created_at", &self.created_at)
                    .field("last_seen_at", &self.last_seen_at)
                    .field("mfa_done", &self.mfa_done)
                    .field("reauth_at", &self.reauth_at)
                    .finish()
            }
        }
    };
}
session_debug!(NewSession);
session_debug!(SessionRow);

/// Failed sign-in attempts counted against one throttling key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFailures {
    /// How many failures since the counter was last cleared.
    pub count: u32,
    /// When the latest failure happened.
    pub last_at: OffsetDateTime,
}

/// An agency of a partnership (police, health, children's social care, education ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyRow {
    /// The agency's id.
    pub id: Uuid,
    /// Its partnership.
    pub partnership_id: Uuid,
    /// What kind of agency it is (machine name).
    pub kind: String,
    /// Its name as people say it.
    pub name: String,
    /// Whether it can still be chosen for new work.
    pub active: bool,
}

/// A safeguarding partnership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnershipRow {
    /// The partnership's id.
    pub id: Uuid,
    /// Its name, shown in every page's header.
    pub name: String,
}

/// Lower-cases and trims an email address; refuses an empty one.
fn normalise_email(email: &str) -> Result<String, StoreError> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Err(StoreError::Invalid("An email address is needed".into()));
    }
    Ok(email)
}

fn i64_of(n: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|_| StoreError::Invalid(format!("the {what} is out of range")))
}

/// The id the user's TOTP data key is wrapped under: derived from the user id with its own
/// context, so a wrapped TOTP key can never stand in for a case key (or the reverse).
pub(crate) fn totp_key_id(user_id: Uuid) -> Uuid {
    let derived = blake3::derive_key(TOTP_KEY_CONTEXT, user_id.as_bytes());
    let mut id = [0u8; 16];
    id.copy_from_slice(&derived[..16]);
    Uuid::from_bytes(id)
}

/// Associated data of a sealed TOTP secret: the account it belongs to.
fn totp_aad(user_id: Uuid) -> Vec<u8> {
    let mut aad = b"cspr-totp-secret\0".to_vec();
    aad.extend_from_slice(user_id.as_bytes());
    aad
}

pub(crate) fn user_from_row(r: &Row) -> Result<UserRow, StoreError> {
    Ok(read_row!(r => UserRow {
        id: uuid, partnership_id: uuid, email: text, display_name: text, role: text,
        agency_id: opt_uuid, password_hash: opt_text, totp_enabled: bool,
        // Stored as 0 when no step has been used: time step 0 (1970) is never a valid code.
        last_totp_step: { Some(r.u64("last_totp_step")?).filter(|&s| s > 0) },
        disabled: bool, created_at: time, oidc_issuer: opt_text, oidc_subject: opt_text,
    }))
}

fn session_from_row(r: &Row) -> Result<SessionRow, StoreError> {
    session_from_columns(r, "")
}

/// A session from a row whose session columns carry `prefix` before their names (a join with
/// `users`, which has columns of the same names).
fn session_from_columns(r: &Row, prefix: &str) -> Result<SessionRow, StoreError> {
    let col = |name: &str| format!("{prefix}{name}");
    Ok(SessionRow {
        token_hash: r.text(&col("token_hash"))?,
        user_id: r.uuid(&col("user_id"))?,
        created_at: r.time(&col("created_at"))?,
        last_seen_at: r.time(&col("last_seen_at"))?,
        mfa_done: r.bool(&col("mfa_done"))?,
        reauth_at: r.opt_time(&col("reauth_at"))?,
    })
}

fn agency_from_row(r: &Row) -> Result<AgencyRow, StoreError> {
    Ok(read_row!(r => AgencyRow {
        id: uuid, partnership_id: uuid, kind: text, name: text, active: bool,
    }))
}

fn partnership_from_row(r: &Row) -> Result<PartnershipRow, StoreError> {
    Ok(PartnershipRow {
        id: r.uuid("id")?,
        name: r.text("name")?,
    })
}

fn failures_from_row(r: &Row) -> Result<LoginFailures, StoreError> {
    Ok(LoginFailures {
        count: u32::try_from(r.i64("failures")?).unwrap_or(u32::MAX),
        last_at: r.time("last_at")?,
    })
}

async fn user_exists(cx: &mut Cx<'_>, id: Uuid) -> Result<bool, StoreError> {
    Ok(cx
        .fetch_optional(&sql("SELECT id FROM users WHERE id = $1"), &[Arg::Uuid(id)])
        .await?
        .is_some())
}

/// Sorts case-insensitively by name, then by id, so both backends list in the same order
/// whatever their collation.
fn sort_by_name<T>(items: &mut [T], name: impl Fn(&T) -> &str, id: impl Fn(&T) -> Uuid) {
    items.sort_by_cached_key(|item| (name(item).to_lowercase(), id(item)));
}

impl Store {
    /// Creates a staff account; a taken email address (in any letter case) is `Duplicate`.
    pub async fn create_user(&self, u: NewUser, at: OffsetDateTime) -> Result<(), StoreError> {
        self.create_user_as(u, at, false).await
    }

    /// [`Store::create_user`], shut from the start when `disabled` (an account waiting for a
    /// second person's approval): never open for a moment.
    pub async fn create_user_as(
        &self,
        u: NewUser,
        at: OffsetDateTime,
        disabled: bool,
    ) -> Result<(), StoreError> {
        let email = normalise_email(&u.email)?;
        let at = normalise_time(at)?;
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        let taken = cx
            .fetch_optional(
                &sql("SELECT id FROM users WHERE email = $1"),
                &[Arg::Text(email.clone())],
            )
            .await?;
        if taken.is_some() {
            return Err(StoreError::Duplicate(DUPLICATE_EMAIL.into()));
        }
        if user_exists(&mut cx, u.id).await? {
            return Err(StoreError::Invalid(
                "A user with this id already exists".into(),
            ));
        }
        let inserted = cx
            .execute(
                &sql(
                    "INSERT INTO users (id, partnership_id, email, display_name, role, agency_id, \
                     password_hash, totp_wrapped_key, totp_secret, totp_enabled, last_totp_step, \
                     disabled, created_at, oidc_issuer, oidc_subject) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, FALSE, 0, $9, $8, NULL, NULL)",
                ),
                &[
                    Arg::Uuid(u.id),
                    Arg::Uuid(u.partnership_id),
                    Arg::Text(email),
                    Arg::Text(u.display_name),
                    Arg::Text(u.role),
                    Arg::OptUuid(u.agency_id),
                    Arg::OptText(u.password_hash),
                    Arg::Time(at),
                    Arg::Bool(disabled),
                ],
            )
            .await;
        match inserted {
            // Another writer took the address between the check and the insert (PostgreSQL).
            Err(e) if e.is_unique_violation() => Err(StoreError::Duplicate(DUPLICATE_EMAIL.into())),
            Err(e) => Err(e),
            Ok(_) => tx.commit().await,
        }
    }

    /// One account by id.
    pub async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRow>, StoreError> {
        let q = select!(user_cols!(), " FROM users WHERE id = $1");
        self.pool()
            .fetch_optional(&q, &[Arg::Uuid(id)], user_from_row)
            .await
    }

    /// One account by email address, in any letter case.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRow>, StoreError> {
        let Ok(email) = normalise_email(email) else {
            return Ok(None);
        };
        let q = select!(user_cols!(), " FROM users WHERE email = $1");
        self.pool()
            .fetch_optional(&q, &[Arg::Text(email)], user_from_row)
            .await
    }

    /// The account linked to an OpenID Connect identity.
    pub async fn user_by_oidc(
        &self,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<UserRow>, StoreError> {
        let q = select!(
            user_cols!(),
            " FROM users WHERE oidc_issuer = $1 AND oidc_subject = $2"
        );
        self.pool()
            .fetch_optional(&q, &[Arg::from(issuer), Arg::from(subject)], user_from_row)
            .await
    }

    /// A partnership's accounts, by display name (case-insensitive), then id.
    pub async fn users(&self, partnership_id: Uuid) -> Result<Vec<UserRow>, StoreError> {
        let q = select!(user_cols!(), " FROM users WHERE partnership_id = $1");
        let mut out = self
            .pool()
            .fetch_all(&q, &[Arg::Uuid(partnership_id)], user_from_row)
            .await?;
        sort_by_name(&mut out, |u| &u.display_name, |u| u.id);
        Ok(out)
    }

    /// Changes an account's role and agency; takes effect on its next request.
    pub async fn set_user_role(
        &self,
        id: Uuid,
        role: &str,
        agency_id: Option<Uuid>,
    ) -> Result<(), StoreError> {
        let q = sql("UPDATE users SET role = $2, agency_id = $3 WHERE id = $1");
        self.pool()
            .write_found(
                &q,
                &[Arg::Uuid(id), Arg::from(role), Arg::OptUuid(agency_id)],
            )
            .await
    }

    /// Disables or re-enables an account. Disabling ends all its sessions in the same
    /// transaction (ASVS 7.4.2).
    pub async fn set_user_disabled(&self, id: Uuid, disabled: bool) -> Result<(), StoreError> {
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        let changed = cx
            .execute(
                &sql("UPDATE users SET disabled = $2 WHERE id = $1"),
                &[Arg::Uuid(id), Arg::Bool(disabled)],
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        if disabled {
            cx.execute(
                &sql("DELETE FROM sessions WHERE user_id = $1"),
                &[Arg::Uuid(id)],
            )
            .await?;
        }
        tx.commit().await
    }

    /// Replaces an account's password hash (an argon2id PHC string).
    pub async fn set_password_hash(&self, id: Uuid, hash: &str) -> Result<(), StoreError> {
        let q = sql("UPDATE users SET password_hash = $2 WHERE id = $1");
        self.pool()
            .write_found(&q, &[Arg::Uuid(id), Arg::from(hash)])
            .await
    }

    /// Links an account to an OpenID Connect identity; `Duplicate` when that identity is
    /// already linked to another account.
    pub async fn link_oidc(&self, id: Uuid, issuer: &str, subject: &str) -> Result<(), StoreError> {
        if issuer.is_empty() || subject.is_empty() {
            return Err(StoreError::Invalid(
                "an OpenID Connect identity needs an issuer and a subject".into(),
            ));
        }
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        let holder = cx
            .fetch_optional(
                &sql("SELECT id FROM users WHERE oidc_issuer = $1 AND oidc_subject = $2"),
                &[Arg::from(issuer), Arg::from(subject)],
            )
            .await?;
        match holder {
            Some(row) if row.uuid("id")? == id => return Ok(()),
            Some(_) => return Err(StoreError::Duplicate(DUPLICATE_OIDC.into())),
            None => {}
        }
        let changed = cx
            .execute(
                &sql("UPDATE users SET oidc_issuer = $2, oidc_subject = $3 WHERE id = $1"),
                &[Arg::Uuid(id), Arg::from(issuer), Arg::from(subject)],
            )
            .await;
        match changed {
            Err(e) if e.is_unique_violation() => Err(StoreError::Duplicate(DUPLICATE_OIDC.into())),
            Err(e) => Err(e),
            Ok(0) => Err(StoreError::NotFound),
            Ok(_) => tx.commit().await,
        }
    }

    /// Stores (sealed) or clears an account's TOTP secret and whether it is in use. The secret
    /// is encrypted with XChaCha20-Poly1305 under a per-account data key wrapped by the master
    /// key, bound to the account's id. A new secret starts a new sequence of time steps.
    pub async fn set_totp_secret(
        &self,
        id: Uuid,
        secret: Option<&[u8]>,
        enabled: bool,
    ) -> Result<(), StoreError> {
        let (wrapped, sealed) = match secret {
            Some(secret) => {
                if secret.is_empty() {
                    return Err(StoreError::Invalid("a TOTP secret cannot be empty".into()));
                }
                let (key, wrapped) = self.keys().new_case_key(totp_key_id(id))?;
                (Some(wrapped), Some(key.seal(&totp_aad(id), secret)?))
            }
            None if enabled => {
                return Err(StoreError::Invalid(
                    "TOTP cannot be switched on without a secret".into(),
                ));
            }
            None => (None, None),
        };
        let q = sql(
            "UPDATE users SET totp_wrapped_key = $2, totp_secret = $3, totp_enabled = $4, \
             last_totp_step = 0, totp_pending_session = NULL WHERE id = $1",
        );
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        // A key wrapped under a master key rotated away since this process started would be lost.
        crate::chain::check_key_unchanged(&mut cx, self.keys()).await?;
        let changed = cx
            .execute(
                &q,
                &[
                    Arg::Uuid(id),
                    Arg::OptBytes(wrapped),
                    Arg::OptBytes(sealed),
                    Arg::Bool(enabled),
                ],
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await
    }

    /// An account's TOTP secret, decrypted into a buffer wiped on drop; `None` when it has none.
    pub async fn totp_secret(&self, id: Uuid) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
        let (wrapped, sealed) = self
            .pool()
            .fetch_optional(
                &sql("SELECT totp_wrapped_key, totp_secret FROM users WHERE id = $1"),
                &[Arg::Uuid(id)],
                |row| {
                    Ok((
                        row.opt_bytes("totp_wrapped_key")?,
                        row.opt_bytes("totp_secret")?,
                    ))
                },
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let (Some(wrapped), Some(sealed)) = (wrapped, sealed) else {
            return Ok(None);
        };
        let key = self.keys().unwrap_case_key(totp_key_id(id), &wrapped)?;
        let secret = key.open(&totp_aad(id), &sealed)?;
        Ok(Some(Zeroizing::new(secret)))
    }

    /// Records the TOTP time step just accepted for an account, atomically: `false` when that
    /// step (or a later one) was already used, which makes the code a replay (RFC 6238 5.2).
    /// Callers must treat `false` as a failed code: it is what closes the race between two
    /// requests carrying the same code.
    pub async fn set_last_totp_step(&self, id: Uuid, step: u64) -> Result<bool, StoreError> {
        let step = i64_of(step, "time step")?;
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        let changed = cx
            .execute(
                &sql("UPDATE users SET last_totp_step = $2 WHERE id = $1 AND last_totp_step < $2"),
                &[Arg::Uuid(id), Arg::I64(step)],
            )
            .await?;
        if changed == 0 {
            return if user_exists(&mut cx, id).await? {
                Ok(false)
            } else {
                Err(StoreError::NotFound)
            };
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Replaces all of an account's recovery codes with these hashes.
    pub async fn replace_recovery_codes(
        &self,
        id: Uuid,
        code_hashes: &[String],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        if !user_exists(&mut cx, id).await? {
            return Err(StoreError::NotFound);
        }
        cx.execute(
            &sql("DELETE FROM recovery_codes WHERE user_id = $1"),
            &[Arg::Uuid(id)],
        )
        .await?;
        let unique: std::collections::BTreeSet<&String> = code_hashes.iter().collect();
        for hash in unique {
            cx.execute(
                &sql("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)"),
                &[Arg::Uuid(id), Arg::Text(hash.clone())],
            )
            .await?;
        }
        tx.commit().await
    }

    /// Uses up one recovery code: `true` exactly once per code, even under concurrent use.
    pub async fn use_recovery_code(&self, id: Uuid, code_hash: &str) -> Result<bool, StoreError> {
        let q = sql("DELETE FROM recovery_codes WHERE user_id = $1 AND code_hash = $2");
        let used = self
            .pool()
            .write_one(&q, &[Arg::Uuid(id), Arg::from(code_hash)])
            .await?;
        Ok(used == 1)
    }

    /// How many unused recovery codes an account has left.
    pub async fn recovery_codes_left(&self, id: Uuid) -> Result<u64, StoreError> {
        let q = sql("SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1");
        self.pool().fetch_one(&q, &[Arg::Uuid(id)]).await?.u64("n")
    }

    /// Starts a session. `NotFound` when the account does not exist or is disabled, checked in
    /// the same statement so a session cannot outlive a concurrent disabling.
    pub async fn create_session(&self, s: NewSession) -> Result<(), StoreError> {
        let q = sql(concat!(
            "INSERT INTO sessions (",
            session_cols!(),
            ") SELECT $1, id, $3, $4, $5, $6 FROM users WHERE id = $2 AND NOT disabled"
        ));
        self.pool()
            .write_found(
                &q,
                &[
                    Arg::Text(s.token_hash),
                    Arg::Uuid(s.user_id),
                    Arg::Time(normalise_time(s.created_at)?),
                    Arg::Time(normalise_time(s.last_seen_at)?),
                    Arg::Bool(s.mfa_done),
                    Arg::OptTime(s.reauth_at.map(normalise_time).transpose()?),
                ],
            )
            .await
    }

    /// A session by the hash of its token.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
        let q = select!(session_cols!(), " FROM sessions WHERE token_hash = $1");
        self.pool()
            .fetch_optional(&q, &[Arg::from(token_hash)], session_from_row)
            .await
    }

    /// A session by the hash of its token, with its account (`None` when the account is gone)
    /// and the read models' version: what every signed-in request reads first, in one
    /// statement (issue 20). The request's listings are then those kept at that version
    /// ([`Store::case_summaries_kept_at`]), with no read of their own.
    pub async fn session_with_user(
        &self,
        token_hash: &str,
    ) -> Result<Option<SessionRead>, StoreError> {
        // The account's columns as `user_cols!` names them; the session's under `s_` names
        // where the two tables share one. `user_from_row` reads them by name, so a column
        // missing here fails every sign-in test rather than passing unseen.
        let q = sql(concat!(
            "SELECT s.token_hash AS s_token_hash, s.user_id AS s_user_id, ",
            "s.created_at AS s_created_at, s.last_seen_at AS s_last_seen_at, ",
            "s.mfa_done AS s_mfa_done, s.reauth_at AS s_reauth_at, ",
            "u.id, u.partnership_id, u.email, u.display_name, u.role, u.agency_id, ",
            "u.password_hash, u.totp_enabled, u.last_totp_step, u.disabled, u.created_at, ",
            "u.oidc_issuer, u.oidc_subject, ",
            "(SELECT version FROM projection_version WHERE id = 1) AS read_models, ",
            "COALESCE((SELECT ps.version FROM partnership_settings ps ",
            "WHERE ps.partnership_id = u.partnership_id), 0) AS settings ",
            "FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1"
        ));
        self.pool()
            .fetch_optional(&q, &[Arg::from(token_hash)], |r| {
                Ok(SessionRead {
                    session: session_from_columns(r, "s_")?,
                    user: match r.opt_uuid("id")? {
                        Some(_) => Some(user_from_row(r)?),
                        None => None,
                    },
                    read_models: r.i64("read_models")?,
                    settings: r.i64("settings")?,
                })
            })
            .await
    }

    /// Marks a session as used now (idle timeout); `NotFound` once it has ended.
    pub async fn touch_session(
        &self,
        token_hash: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let q = sql("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1");
        self.pool()
            .write_found(&q, &[Arg::from(token_hash), Arg::Time(normalise_time(at)?)])
            .await
    }

    /// Records that the user re-entered their credentials in this session (step-up).
    pub async fn set_session_reauth(
        &self,
        token_hash: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let q = sql("UPDATE sessions SET reauth_at = $2 WHERE token_hash = $1");
        self.pool()
            .write_found(&q, &[Arg::from(token_hash), Arg::Time(normalise_time(at)?)])
            .await
    }

    /// Ends one session (sign-out); ending one that is already gone is not an error.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let q = sql("DELETE FROM sessions WHERE token_hash = $1");
        self.pool().write_one(&q, &[Arg::from(token_hash)]).await?;
        Ok(())
    }

    /// Ends every session of an account; returns how many there were.
    pub async fn delete_user_sessions(&self, user_id: Uuid) -> Result<u64, StoreError> {
        let q = sql("DELETE FROM sessions WHERE user_id = $1");
        self.pool().write_one(&q, &[Arg::Uuid(user_id)]).await
    }

    /// Ends every session of an account but one (by its token's hash): after a change to how
    /// the account signs in, only the browser that made it stays signed in; returns how many
    /// ended.
    pub async fn delete_other_sessions(
        &self,
        user_id: Uuid,
        keep_token_hash: &str,
    ) -> Result<u64, StoreError> {
        let q = sql("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2");
        self.pool()
            .write_one(&q, &[Arg::Uuid(user_id), Arg::from(keep_token_hash)])
            .await
    }

    /// Ends sessions idle since before `idle_before` or begun before `created_before`
    /// (ASVS 7.3.1, 7.3.2); returns how many.
    pub async fn delete_expired_sessions(
        &self,
        idle_before: OffsetDateTime,
        created_before: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let q = sql("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2");
        self.pool()
            .write_one(
                &q,
                &[
                    Arg::Time(normalise_time(idle_before)?),
                    Arg::Time(normalise_time(created_before)?),
                ],
            )
            .await
    }

    /// Counts one failed sign-in against a throttling key (built by the caller, holding no
    /// personal data, e.g. `acct:<blake3 of email>` or `ip:<address>`); returns the new count.
    pub async fn record_login_failure(
        &self,
        key: &str,
        at: OffsetDateTime,
    ) -> Result<LoginFailures, StoreError> {
        let mut tx = self.pool().write().await?;
        let row = tx
            .cx()
            .fetch_one(
                &sql(
                    "INSERT INTO login_failures (key, failures, last_at) VALUES ($1, 1, $2) \
                      ON CONFLICT (key) DO UPDATE SET failures = login_failures.failures + 1, \
                      last_at = excluded.last_at RETURNING failures, last_at",
                ),
                &[Arg::from(key), Arg::Time(normalise_time(at)?)],
            )
            .await?;
        let out = failures_from_row(&row)?;
        tx.commit().await?;
        Ok(out)
    }

    /// The failures counted against a key, if any.
    pub async fn login_failures(&self, key: &str) -> Result<Option<LoginFailures>, StoreError> {
        let q = sql("SELECT failures, last_at FROM login_failures WHERE key = $1");
        self.pool()
            .fetch_optional(&q, &[Arg::from(key)], failures_from_row)
            .await
    }

    /// Forgets the failures counted against a key (after a successful sign-in).
    pub async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        let q = sql("DELETE FROM login_failures WHERE key = $1");
        self.pool().write_one(&q, &[Arg::from(key)]).await?;
        Ok(())
    }

    /// Takes back one counted attempt (an attempt is counted before it is checked, so parallel
    /// guesses cannot slip past the delay; a correct one is then forgiven).
    pub async fn forgive_login_failure(&self, key: &str) -> Result<(), StoreError> {
        // A counter never holds zero (the table says failures > 0): the last one is deleted.
        let mut tx = self.pool().write().await?;
        tx.cx()
            .execute(
                &sql("DELETE FROM login_failures WHERE key = $1 AND failures <= 1"),
                &[Arg::from(key)],
            )
            .await?;
        tx.cx()
            .execute(
                &sql("UPDATE login_failures SET failures = failures - 1 WHERE key = $1"),
                &[Arg::from(key)],
            )
            .await?;
        tx.commit().await
    }

    /// Forgets counters whose latest failure is older than `before`; returns how many.
    pub async fn delete_stale_login_failures(
        &self,
        before: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let q = sql("DELETE FROM login_failures WHERE last_at < $1");
        self.pool()
            .write_one(&q, &[Arg::Time(normalise_time(before)?)])
            .await
    }

    /// Creates or updates an agency.
    pub async fn upsert_agency(&self, a: AgencyRow) -> Result<(), StoreError> {
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        let owner = cx
            .fetch_optional(
                &sql("SELECT partnership_id FROM agencies WHERE id = $1"),
                &[Arg::Uuid(a.id)],
            )
            .await?;
        if let Some(owner) = owner
            && owner.uuid("partnership_id")? != a.partnership_id
        {
            return Err(StoreError::Invalid(
                "the agency belongs to another partnership".into(),
            ));
        }
        cx.execute(
            &sql(
                "INSERT INTO agencies (id, partnership_id, kind, name, active) \
                  VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET \
                  kind = excluded.kind, name = excluded.name, active = excluded.active",
            ),
            &[
                Arg::Uuid(a.id),
                Arg::Uuid(a.partnership_id),
                Arg::Text(a.kind),
                Arg::Text(a.name),
                Arg::Bool(a.active),
            ],
        )
        .await?;
        // Agencies are kept in memory with the listings (`Store::agencies_kept_at`).
        crate::projections::bump_projection_version(&mut cx).await?;
        tx.commit().await
    }

    /// A partnership's agencies, by name (case-insensitive), then id.
    pub async fn agencies(&self, partnership_id: Uuid) -> Result<Vec<AgencyRow>, StoreError> {
        let q = sql(
            "SELECT id, partnership_id, kind, name, active FROM agencies \
             WHERE partnership_id = $1",
        );
        let mut out = self
            .pool()
            .fetch_all(&q, &[Arg::Uuid(partnership_id)], agency_from_row)
            .await?;
        sort_by_name(&mut out, |a| &a.name, |a| a.id);
        Ok(out)
    }

    /// A partnership's settings document, if it has been saved.
    pub async fn partnership_settings(
        &self,
        partnership_id: Uuid,
    ) -> Result<Option<Value>, StoreError> {
        let q = sql("SELECT settings FROM partnership_settings WHERE partnership_id = $1");
        self.pool()
            .fetch_optional(&q, &[Arg::Uuid(partnership_id)], |row| {
                serde_json::from_str(&row.text("settings")?).map_err(|_| {
                    StoreError::Corrupt("a partnership's settings are not JSON".into())
                })
            })
            .await
    }

    /// A partnership's settings document with its version, which every save moves on.
    pub async fn partnership_settings_versioned(
        &self,
        partnership_id: Uuid,
    ) -> Result<Option<(Value, i64)>, StoreError> {
        let q = sql("SELECT settings, version FROM partnership_settings WHERE partnership_id = $1");
        self.pool()
            .fetch_optional(&q, &[Arg::Uuid(partnership_id)], |row| {
                let value = serde_json::from_str(&row.text("settings")?).map_err(|_| {
                    StoreError::Corrupt("a partnership's settings are not JSON".into())
                })?;
                Ok((value, row.i64("version")?))
            })
            .await
    }

    /// The version of a partnership's saved settings; 0 when it has saved none.
    pub async fn partnership_settings_version(
        &self,
        partnership_id: Uuid,
    ) -> Result<i64, StoreError> {
        let q = sql("SELECT COALESCE((SELECT version FROM partnership_settings \
             WHERE partnership_id = $1), 0) AS version");
        self.pool()
            .fetch_one(&q, &[Arg::Uuid(partnership_id)])
            .await?
            .i64("version")
    }

    /// Saves a partnership's settings document (replacing the last one); returns its new
    /// version.
    pub async fn save_partnership_settings(
        &self,
        partnership_id: Uuid,
        settings: &Value,
        at: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        if !settings.is_object() {
            return Err(StoreError::Invalid(
                "a partnership's settings must be a JSON object".into(),
            ));
        }
        let q = sql(
            "INSERT INTO partnership_settings (partnership_id, settings, updated_at, version) \
             VALUES ($1, $2, $3, 1) ON CONFLICT (partnership_id) DO UPDATE SET \
             settings = excluded.settings, updated_at = excluded.updated_at, \
             version = partnership_settings.version + 1 RETURNING version",
        );
        let mut conn = self.pool().write_conn().await?;
        conn.cx()
            .fetch_one(
                &q,
                &[
                    Arg::Uuid(partnership_id),
                    Arg::Text(canonical_json(settings)),
                    Arg::Time(normalise_time(at)?),
                ],
            )
            .await?
            .i64("version")
    }

    /// One partnership.
    pub async fn partnership(&self, id: Uuid) -> Result<Option<PartnershipRow>, StoreError> {
        let q = sql("SELECT id, name FROM partnerships WHERE id = $1");
        self.pool()
            .fetch_optional(&q, &[Arg::Uuid(id)], partnership_from_row)
            .await
    }

    /// Every partnership, by name (case-insensitive), then id.
    pub async fn partnerships(&self) -> Result<Vec<PartnershipRow>, StoreError> {
        let q = sql("SELECT id, name FROM partnerships");
        let mut out = self.pool().fetch_all(&q, &[], partnership_from_row).await?;
        sort_by_name(&mut out, |p| &p.name, |p| p.id);
        Ok(out)
    }

    /// Creates or renames a partnership.
    pub async fn upsert_partnership(&self, p: PartnershipRow) -> Result<(), StoreError> {
        let q = sql("INSERT INTO partnerships (id, name) VALUES ($1, $2) \
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name");
        self.pool()
            .write_one(&q, &[Arg::Uuid(p.id), Arg::Text(p.name)])
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totp_key_ids_are_stable_and_separate_from_the_user_id() {
        let user = Uuid::new_v4();
        assert_eq!(totp_key_id(user), totp_key_id(user));
        assert_ne!(totp_key_id(user), user);
        assert_ne!(totp_key_id(user), totp_key_id(Uuid::new_v4()));
    }

    #[test]
    fn debug_output_hides_personal_data() {
        let row = UserRow {
            id: Uuid::nil(),
            partnership_id: Uuid::nil(),
            email: "jo.bloggs@example.org".into(),
            display_name: "Jo Bloggs".into(),
            role: "reviewer".into(),
            agency_id: None,
            password_hash: Some("$argon2id$v=19$secret-hash".into()),
            totp_enabled: true,
            last_totp_step: None,
            disabled: false,
            created_at: OffsetDateTime::UNIX_EPOCH,
            oidc_issuer: None,
            oidc_subject: Some("subject-123".into()),
        };
        let shown = format!("{row:?}");
        for hidden in ["jo.bloggs", "Jo Bloggs", "argon2id", "subject-123"] {
            assert!(!shown.contains(hidden), "{shown}");
        }
        let session = SessionRow {
            token_hash: "abcdef0123".into(),
            user_id: Uuid::nil(),
            created_at: OffsetDateTime::UNIX_EPOCH,
            last_seen_at: OffsetDateTime::UNIX_EPOCH,
            mfa_done: false,
            reauth_at: None,
        };
        assert!(!format!("{session:?}").contains("abcdef0123"));
    }

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            normalise_email("  Jo.Bloggs@Example.ORG ").ok().as_deref(),
            Some("jo.bloggs@example.org")
        );
        assert!(normalise_email("   ").is_err());
    }
}
