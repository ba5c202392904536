//! Passkeys (WebAuthn, issue 16): the credentials a person has registered, each under a name of
//! their choosing. The store keeps the relying party's record of each credential as JSON text
//! (public key, signature counter, flags) and knows nothing of its inside: `cspr-web` reads and
//! writes it with the WebAuthn library. An authenticator's credential id belongs to one account
//! only.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::codec::normalise_time;
use crate::db::{Arg, Row, sql};
use crate::{Store, StoreError};

/// Why a second registration of one credential is refused.
const DUPLICATE_CREDENTIAL: &str = "this passkey is already registered";

/// One registered passkey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyRow {
    /// cspr's id for it (in the page's remove button).
    pub id: Uuid,
    /// Its account.
    pub user_id: Uuid,
    /// The authenticator's credential id, base64url.
    pub credential_id: String,
    /// The name its owner gave it ("Work laptop").
    pub name: String,
    /// The relying party's record of it, as JSON.
    pub credential: String,
    /// When it was registered.
    pub created_at: OffsetDateTime,
    /// When it last signed someone in or confirmed who they are.
    pub last_used_at: Option<OffsetDateTime>,
}

fn passkey_from_row(r: &Row) -> Result<PasskeyRow, StoreError> {
    Ok(PasskeyRow {
        id: r.uuid("id")?,
        user_id: r.uuid("user_id")?,
        credential_id: r.text("credential_id")?,
        name: r.text("name")?,
        credential: r.text("credential")?,
        created_at: r.time("created_at")?,
        last_used_at: r.opt_time("last_used_at")?,
    })
}

const COLUMNS: &str = "id, user_id, credential_id, name, credential, created_at, last_used_at";

impl Store {
    /// Registers a passkey. A credential id already registered (to this account or another) is
    /// refused with [`StoreError::Duplicate`] and nothing changes.
    pub async fn add_passkey(&self, p: &PasskeyRow) -> Result<(), StoreError> {
        let result = self
            .pool()
            .write_one(
                &sql("INSERT INTO passkeys \
                      (id, user_id, credential_id, name, credential, created_at) \
                      VALUES ($1, $2, $3, $4, $5, $6)"),
                &[
                    Arg::Uuid(p.id),
                    Arg::Uuid(p.user_id),
                    Arg::from(p.credential_id.as_str()),
                    Arg::from(p.name.as_str()),
                    Arg::from(p.credential.as_str()),
                    Arg::Time(normalise_time(p.created_at)?),
                ],
            )
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if e.is_unique_violation() => {
                Err(StoreError::Duplicate(DUPLICATE_CREDENTIAL.into()))
            }
            Err(e) => Err(e),
        }
    }

    /// An account's passkeys, oldest first.
    pub async fn passkeys(&self, user_id: Uuid) -> Result<Vec<PasskeyRow>, StoreError> {
        self.pool()
            .fetch_all(
                &crate::db::sql_owned(format!(
                    "SELECT {COLUMNS} FROM passkeys WHERE user_id = $1 ORDER BY created_at, id"
                )),
                &[Arg::Uuid(user_id)],
                passkey_from_row,
            )
            .await
    }

    /// Whether an account has any passkey.
    pub async fn has_passkey(&self, user_id: Uuid) -> Result<bool, StoreError> {
        Ok(self
            .pool()
            .fetch_optional(
                &sql("SELECT id FROM passkeys WHERE user_id = $1 LIMIT 1"),
                &[Arg::Uuid(user_id)],
                |r| r.uuid("id"),
            )
            .await?
            .is_some())
    }

    /// The passkey with this credential id, whoever's it is.
    pub async fn passkey_by_credential(
        &self,
        credential_id: &str,
    ) -> Result<Option<PasskeyRow>, StoreError> {
        self.pool()
            .fetch_optional(
                &crate::db::sql_owned(format!(
                    "SELECT {COLUMNS} FROM passkeys WHERE credential_id = $1"
                )),
                &[Arg::from(credential_id)],
                passkey_from_row,
            )
            .await
    }

    /// Records a use of a passkey: its record moved on (the signature counter) and when, only
    /// if the record is still the one the use was checked against. False when it has been
    /// removed or another use moved it on meanwhile (two answers at once cannot both count,
    /// nor move the counter back).
    pub async fn passkey_used(
        &self,
        id: Uuid,
        checked_against: &str,
        credential: &str,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let changed = self
            .pool()
            .write_one(
                &sql("UPDATE passkeys SET credential = $3, last_used_at = $4 \
                      WHERE id = $1 AND credential = $2"),
                &[
                    Arg::Uuid(id),
                    Arg::from(checked_against),
                    Arg::from(credential),
                    Arg::Time(normalise_time(at)?),
                ],
            )
            .await?;
        Ok(changed == 1)
    }

    /// Removes one of an account's passkeys; false when the account has no passkey of that id
    /// (someone else's is never touched).
    pub async fn remove_passkey(&self, user_id: Uuid, id: Uuid) -> Result<bool, StoreError> {
        let removed = self
            .pool()
            .write_one(
                &sql("DELETE FROM passkeys WHERE id = $1 AND user_id = $2"),
                &[Arg::Uuid(id), Arg::Uuid(user_id)],
            )
            .await?;
        Ok(removed == 1)
    }

    /// Removes every passkey of an account (an administrator's answer to a lost device);
    /// returns how many went.
    pub async fn remove_passkeys(&self, user_id: Uuid) -> Result<u64, StoreError> {
        self.pool()
            .write_one(
                &sql("DELETE FROM passkeys WHERE user_id = $1"),
                &[Arg::Uuid(user_id)],
            )
            .await
    }
}
