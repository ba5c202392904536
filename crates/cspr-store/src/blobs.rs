//! Files attached to a case, sealed with the case key (content and file name; names can be
//! personal) and kept in the database so that one backup captures them consistently with the
//! events. Crypto-shredding a case makes its blobs unreadable along with its events.

use uuid::Uuid;

use crate::db::{Arg, sql};
use crate::events::case_key_for_write;
use crate::keys::blob_aad;
use crate::{Blob, Store, StoreError};

impl Store {
    /// Seals and stores a file for a case; returns its server-generated id.
    pub async fn put_blob(
        &self,
        case_id: Uuid,
        content_type: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<Uuid, StoreError> {
        self.put_expiring_blob(case_id, content_type, file_name, bytes, None)
            .await
    }

    /// [`Store::put_blob`] for a file kept until `expires_at` only (an export), after which
    /// [`Store::purge_expired_blobs`] deletes it.
    pub async fn put_expiring_blob(
        &self,
        case_id: Uuid,
        content_type: &str,
        file_name: &str,
        bytes: &[u8],
        expires_at: Option<time::OffsetDateTime>,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::new_v4();
        let size = i64::try_from(bytes.len())
            .map_err(|_| StoreError::Invalid("the file is too large".into()))?;
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        let key = case_key_for_write(&mut cx, self.keys(), case_id).await?;
        let sealed_name = key.seal(&blob_aad(id, case_id, "name"), file_name.as_bytes())?;
        let sealed = key.seal(&blob_aad(id, case_id, "content"), bytes)?;
        cx.execute(
            &sql("INSERT INTO blobs (id, case_id, content_type, sealed_name, size, sealed, created_at, \
                  expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"),
            &[
                Arg::Uuid(id),
                Arg::Uuid(case_id),
                Arg::from(content_type),
                Arg::Bytes(sealed_name),
                Arg::I64(size),
                Arg::Bytes(sealed),
                Arg::Time(crate::codec::now()),
                Arg::OptTime(
                    expires_at
                        .map(crate::codec::normalise_time)
                        .transpose()?,
                ),
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Deletes every file whose time ran out by `now` (exports); returns how many.
    pub async fn purge_expired_blobs(&self, now: time::OffsetDateTime) -> Result<u64, StoreError> {
        let mut tx = self.pool().write().await?;
        let n = tx
            .cx()
            .execute(
                &sql("DELETE FROM blobs WHERE expires_at IS NOT NULL AND expires_at <= $1"),
                &[Arg::Time(crate::codec::normalise_time(now)?)],
            )
            .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Reads and decrypts a file; `Shredded` once its case's key is destroyed.
    pub async fn get_blob(&self, id: Uuid) -> Result<Blob, StoreError> {
        let mut tx = self.pool().read().await?;
        let mut cx = tx.cx();
        let row = cx
            .fetch_optional(
                &sql("SELECT b.id, b.case_id, b.content_type, b.sealed_name, b.sealed, b.created_at, \
                      k.wrapped_key FROM blobs b JOIN case_keys k ON k.case_id = b.case_id \
                      WHERE b.id = $1"),
                &[Arg::Uuid(id)],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let case_id = row.uuid("case_id")?;
        let wrapped = row.opt_bytes("wrapped_key")?.ok_or(StoreError::Shredded)?;
        let key = self.keys().unwrap_case_key(case_id, &wrapped)?;
        let name = key.open(&blob_aad(id, case_id, "name"), &row.bytes("sealed_name")?)?;
        let bytes = key.open(&blob_aad(id, case_id, "content"), &row.bytes("sealed")?)?;
        Ok(Blob {
            id,
            case_id,
            content_type: row.text("content_type")?,
            file_name: String::from_utf8(name)
                .map_err(|_| StoreError::Corrupt("a file name is not UTF-8".into()))?,
            bytes,
            created_at: row.time("created_at")?,
        })
    }

    /// Destroys a case's data key: its sealed event parts and blobs become unreadable for good,
    /// while plain event data, projections and both hash chains stay intact.
    pub async fn shred_case(&self, case_id: Uuid) -> Result<(), StoreError> {
        let q = sql(
            "UPDATE case_keys SET wrapped_key = NULL, shredded_at = COALESCE(shredded_at, $2) \
             WHERE case_id = $1",
        );
        self.pool()
            .write_found(&q, &[Arg::Uuid(case_id), Arg::Time(crate::codec::now())])
            .await?;
        tracing::info!(case = %case_id, "case key destroyed (crypto-shredded)");
        self.flush_shredded_keys().await;
        Ok(())
    }
}
