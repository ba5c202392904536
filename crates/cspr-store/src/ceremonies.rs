//! Sign-in ceremonies in progress (issue 18): what an OpenID Connect sign-in or a passkey
//! ceremony needs to finish, kept between its start and the browser's return. In the database,
//! so the return may reach another server than the start. Each is kept under the blake3 hash
//! of a random id, sealed under the store's key and bound to its kind and id, taken at most
//! once (a `DELETE .. RETURNING`: two servers cannot both take it), and gone when it expires.
//! How many one client address may hold, and how many of a kind are kept in all, is bounded:
//! past either bound the oldest goes, so a flood of starts pushes out its own, not everyone's.

use time::OffsetDateTime;

use crate::codec::normalise_time;
use crate::db::{Arg, sql, sql2};
use crate::{Store, StoreError};

/// A ceremony to keep ([`Store::keep_ceremony`]).
#[derive(Debug, Clone, Copy)]
pub struct NewCeremony<'a> {
    /// What kind it is ("oidc", "passkey"): a value kept under one kind is never taken as
    /// another.
    pub kind: &'a str,
    /// The random id the browser holds (only its hash is stored).
    pub id: &'a str,
    /// Whose share it counts against: the client's address or network.
    pub source: &'a str,
    /// What finishing needs, as bytes (sealed before it is stored).
    pub value: &'a [u8],
    /// When it started.
    pub now: OffsetDateTime,
    /// How long it may take.
    pub ttl: time::Duration,
    /// Most kept at once for one source.
    pub per_source: usize,
    /// Most kept at once of this kind.
    pub max: usize,
}

fn id_hash(id: &str) -> String {
    blake3::hash(id.as_bytes()).to_hex().to_string()
}

fn aad(kind: &str, id_hash: &str) -> Vec<u8> {
    format!("cspr-ceremony\0{kind}\0{id_hash}").into_bytes()
}

fn limit(n: usize) -> i64 {
    i64::try_from(n.max(1)).unwrap_or(i64::MAX)
}

impl Store {
    /// Keeps a ceremony until it is taken or expires. What has expired goes first; then, if
    /// its source or its kind is at its bound, the oldest of that source or kind.
    pub async fn keep_ceremony(&self, c: NewCeremony<'_>) -> Result<(), StoreError> {
        let now = normalise_time(c.now)?;
        let hash = id_hash(c.id);
        let sealed = self.keys().seal_transient(&aad(c.kind, &hash), c.value)?;
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        cx.execute(
            &sql("DELETE FROM ceremonies WHERE expires_at <= $1"),
            &[Arg::Time(now)],
        )
        .await?;
        // Oldest first past the bound: keep the newest (bound - 1), making room for this one.
        cx.execute(
            &sql2(
                "DELETE FROM ceremonies WHERE id_hash IN (SELECT id_hash FROM ceremonies \
                 WHERE kind = $1 AND source = $2 ORDER BY created_at DESC, id_hash \
                 LIMIT -1 OFFSET $3)",
                "DELETE FROM ceremonies WHERE id_hash IN (SELECT id_hash FROM ceremonies \
                 WHERE kind = $1 AND source = $2 ORDER BY created_at DESC, id_hash OFFSET $3)",
            ),
            &[
                Arg::from(c.kind),
                Arg::from(c.source),
                Arg::I64(limit(c.per_source) - 1),
            ],
        )
        .await?;
        cx.execute(
            &sql2(
                "DELETE FROM ceremonies WHERE id_hash IN (SELECT id_hash FROM ceremonies \
                 WHERE kind = $1 ORDER BY created_at DESC, id_hash LIMIT -1 OFFSET $2)",
                "DELETE FROM ceremonies WHERE id_hash IN (SELECT id_hash FROM ceremonies \
                 WHERE kind = $1 ORDER BY created_at DESC, id_hash OFFSET $2)",
            ),
            &[Arg::from(c.kind), Arg::I64(limit(c.max) - 1)],
        )
        .await?;
        cx.execute(
            &sql(
                "INSERT INTO ceremonies (id_hash, kind, source, sealed, created_at, expires_at) \
                  VALUES ($1, $2, $3, $4, $5, $6)",
            ),
            &[
                Arg::Text(hash),
                Arg::from(c.kind),
                Arg::from(c.source),
                Arg::Bytes(sealed),
                Arg::Time(now),
                Arg::Time(normalise_time(c.now + c.ttl)?),
            ],
        )
        .await?;
        tx.commit().await
    }

    /// Takes the ceremony of `kind` under `id`, once: `None` if there is none (never kept,
    /// taken already, of another kind) or it has expired by `now`.
    pub async fn take_ceremony(
        &self,
        kind: &str,
        id: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let hash = id_hash(id);
        let mut conn = self.pool().write_conn().await?;
        let row = conn
            .cx()
            .fetch_optional(
                &sql("DELETE FROM ceremonies WHERE id_hash = $1 AND kind = $2 \
                      RETURNING sealed, expires_at"),
                &[Arg::from(hash.as_str()), Arg::from(kind)],
            )
            .await?;
        drop(conn);
        let Some(row) = row else {
            return Ok(None);
        };
        if row.time("expires_at")? <= now {
            return Ok(None);
        }
        // Sealed under an earlier master key (rotated meanwhile): as good as gone.
        Ok(self
            .keys()
            .open_transient(&aad(kind, &hash), &row.bytes("sealed")?)
            .ok())
    }

    /// Deletes the ceremonies expired by `now`; returns how many.
    pub async fn purge_expired_ceremonies(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        self.pool()
            .write_one(
                &sql("DELETE FROM ceremonies WHERE expires_at <= $1"),
                &[Arg::Time(normalise_time(now)?)],
            )
            .await
    }
}
