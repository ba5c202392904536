//! Rotating the master key (issue 16, finding 12): every key wrapped by the key-encryption key
//! (each case's data key, each account's TOTP key, the chains' secret) is unwrapped with the old
//! key and wrapped with the new one, and the key check is replaced last, all in one transaction:
//! a failure anywhere leaves the old key the only one that opens the database. The wrapped keys
//! themselves do not change, so no sealed value is re-encrypted, and the chains' links and
//! anchors, which hang on the chain secret, stay valid.

use crate::db::{Arg, sql, sql2};
use crate::events::{Chain, read_head};
use crate::identity::totp_key_id;
use crate::keys::{Keys, MasterKey, WrapBinding};
use crate::{Store, StoreError};

/// What a rotation re-wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RotationStats {
    /// Case data keys (shredded cases have none).
    pub case_keys: u64,
    /// Accounts' TOTP keys.
    pub account_keys: u64,
}

impl Store {
    /// Re-wraps every wrapped key under `new_key` and records its key check, in one
    /// transaction. Afterwards only `new_key` opens the database: this handle and every other
    /// process still holding the old key can no longer write (they get `WrongMasterKey`), so
    /// close them and open the store with the new key.
    pub async fn rotate_master_key(&self, new_key: MasterKey) -> Result<RotationStats, StoreError> {
        let old = self.keys();
        let new = Keys::derive(&new_key);
        if new.check_value() == old.check_value() {
            return Err(StoreError::Invalid(
                "The new master key is the key in use: give a newly generated key.".into(),
            ));
        }
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        // Writers of chained rows queue on the heads, and writers of new wrapped keys on the key
        // check (see `chain::check_key_unchanged`): hold all three until the commit.
        read_head(&mut cx, Chain::Events, true).await?;
        read_head(&mut cx, Chain::AccessLog, true).await?;
        let check = cx
            .fetch_optional(
                &sql2(
                    "SELECT value FROM meta WHERE key = 'key_check'",
                    "SELECT value FROM meta WHERE key = 'key_check' FOR UPDATE",
                ),
                &[],
            )
            .await?
            .ok_or_else(|| StoreError::Corrupt("the master key check value is missing".into()))?;
        if check.text("value")? != old.check_value() {
            return Err(StoreError::WrongMasterKey);
        }

        let mut stats = RotationStats::default();
        let cases = cx
            .fetch_all(
                &sql("SELECT case_id, wrapped_key FROM case_keys WHERE wrapped_key IS NOT NULL"),
                &[],
            )
            .await?;
        for row in &cases {
            let case_id = row.uuid("case_id")?;
            let wrapped =
                old.rewrap(&new, WrapBinding::Case(case_id), &row.bytes("wrapped_key")?)?;
            cx.execute(
                &sql("UPDATE case_keys SET wrapped_key = $2 WHERE case_id = $1"),
                &[Arg::Uuid(case_id), Arg::Bytes(wrapped)],
            )
            .await?;
            stats.case_keys += 1;
        }
        let accounts = cx
            .fetch_all(
                &sql("SELECT id, totp_wrapped_key FROM users WHERE totp_wrapped_key IS NOT NULL"),
                &[],
            )
            .await?;
        for row in &accounts {
            let id = row.uuid("id")?;
            let wrapped = old.rewrap(
                &new,
                WrapBinding::Case(totp_key_id(id)),
                &row.bytes("totp_wrapped_key")?,
            )?;
            cx.execute(
                &sql("UPDATE users SET totp_wrapped_key = $2 WHERE id = $1"),
                &[Arg::Uuid(id), Arg::Bytes(wrapped)],
            )
            .await?;
            stats.account_keys += 1;
        }
        let chain = cx
            .fetch_optional(&sql("SELECT value FROM meta WHERE key = 'chain_key'"), &[])
            .await?
            .ok_or_else(|| {
                StoreError::Corrupt(
                    "the hash chains have no key: run `cspr migrate` before rotating".into(),
                )
            })?;
        let wrapped = hex::decode(chain.text("value")?)
            .map_err(|_| StoreError::Corrupt("the hash chains' key is not readable".into()))?;
        let wrapped = old.rewrap(&new, WrapBinding::ChainSecret, &wrapped)?;
        cx.execute(
            &sql("UPDATE meta SET value = $1 WHERE key = 'chain_key'"),
            &[Arg::Text(hex::encode(wrapped))],
        )
        .await?;
        // Last: until this commits, the old key's check is the one the database holds.
        cx.execute(
            &sql("UPDATE meta SET value = $1 WHERE key = 'key_check'"),
            &[Arg::from(new.check_value())],
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            case_keys = stats.case_keys,
            account_keys = stats.account_keys,
            "master key rotated"
        );
        Ok(stats)
    }
}
