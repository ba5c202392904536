//! One-time activation links and the session a pending authenticator secret belongs to (issue
//! 16, finding 2). An administrator makes an account without a password; the person receives an
//! expiring, single-use link and chooses their own password. Only a token's hash is stored. The
//! first authenticator secret is made for, shown in and confirmed by one session only.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::codec::normalise_time;
use crate::db::{Arg, sql};
use crate::{Store, StoreError};

impl Store {
    /// Stores a new activation link for an account, replacing any unused one (only the newest
    /// link works).
    pub async fn create_activation(
        &self,
        user_id: Uuid,
        token_hash: &str,
        at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        cx.execute(
            &sql("DELETE FROM activations WHERE user_id = $1 AND used_at IS NULL"),
            &[Arg::Uuid(user_id)],
        )
        .await?;
        cx.execute(
            &sql(
                "INSERT INTO activations (token_hash, user_id, created_at, expires_at) \
                  VALUES ($1, $2, $3, $4)",
            ),
            &[
                Arg::from(token_hash),
                Arg::Uuid(user_id),
                Arg::Time(normalise_time(at)?),
                Arg::Time(normalise_time(expires_at)?),
            ],
        )
        .await?;
        tx.commit().await
    }

    /// The account an activation link opens at `now`: `None` when there is no such link, or it
    /// was used or has expired.
    pub async fn activation_user(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Uuid>, StoreError> {
        self.pool()
            .fetch_optional(
                &sql("SELECT user_id FROM activations \
                      WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2"),
                &[Arg::from(token_hash), Arg::Time(normalise_time(now)?)],
                |r| r.uuid("user_id"),
            )
            .await
    }

    /// Uses an activation link to set the account's first password, in one transaction: the
    /// link is spent and the password set together, or neither. `None` when the link was used,
    /// expired or never existed (a second tab, a replay), and nothing changes.
    pub async fn activate(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
        password_hash: &str,
    ) -> Result<Option<Uuid>, StoreError> {
        let now = normalise_time(now)?;
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        let Some(row) = cx
            .fetch_optional(
                &sql("SELECT user_id FROM activations \
                      WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2"),
                &[Arg::from(token_hash), Arg::Time(now)],
            )
            .await?
        else {
            return Ok(None);
        };
        let user_id = row.uuid("user_id")?;
        let spent = cx
            .execute(
                &sql("UPDATE activations SET used_at = $2 \
                      WHERE token_hash = $1 AND used_at IS NULL"),
                &[Arg::from(token_hash), Arg::Time(now)],
            )
            .await?;
        if spent != 1 {
            return Ok(None);
        }
        cx.execute(
            &sql("UPDATE users SET password_hash = $2 WHERE id = $1 AND NOT disabled"),
            &[Arg::Uuid(user_id), Arg::from(password_hash)],
        )
        .await?;
        tx.commit().await?;
        Ok(Some(user_id))
    }

    /// Stores a fresh, not yet active authenticator secret for the account, bound to the
    /// session (by its token's hash) that made it; any earlier pending secret is replaced.
    pub async fn set_pending_totp_secret(
        &self,
        id: Uuid,
        secret: &[u8],
        session_hash: &str,
    ) -> Result<(), StoreError> {
        self.set_totp_secret(id, Some(secret), false).await?;
        self.pool()
            .write_found(
                &sql("UPDATE users SET totp_pending_session = $2 \
                      WHERE id = $1 AND NOT totp_enabled"),
                &[Arg::Uuid(id), Arg::from(session_hash)],
            )
            .await
    }

    /// The account's pending authenticator secret, only for the session it was made for.
    pub async fn pending_totp_secret(
        &self,
        id: Uuid,
        session_hash: &str,
    ) -> Result<Option<zeroize::Zeroizing<Vec<u8>>>, StoreError> {
        let bound = self
            .pool()
            .fetch_optional(
                &sql("SELECT totp_pending_session FROM users WHERE id = $1 AND NOT totp_enabled"),
                &[Arg::Uuid(id)],
                |r| r.opt_text("totp_pending_session"),
            )
            .await?
            .flatten();
        if bound.as_deref() != Some(session_hash) {
            return Ok(None);
        }
        self.totp_secret(id).await
    }
}
