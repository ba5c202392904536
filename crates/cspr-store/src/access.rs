//! The access log: who read or exported what, when and from where. Append-only and hash-chained
//! on its own chain; control characters in its fields are escaped so no entry can forge another
//! (ASVS 16.4.1). A failed write is an error for the caller, so the read it records fails too.

use uuid::Uuid;

use crate::codec::{AccessRowRef, LinkMac, access_hash, escape_log_field, normalise_time};
use crate::db::{Arg, Row, read_row, select, sql};
use crate::events::{Chain, Head, read_head, write_head};
use crate::{AccessLogRow, NewAccessEntry, Store, StoreError};

macro_rules! access_cols {
    () => {
        "seq, at, actor, action, case_id, detail, source_ip, prev_hash, hash"
    };
}
pub(crate) use access_cols;

/// The longest text kept per field; longer values are cut (they are not meant to carry content).
const MAX_FIELD_CHARS: usize = 1_000;

fn clean(field: &str) -> String {
    let escaped = escape_log_field(field);
    if escaped.chars().count() > MAX_FIELD_CHARS {
        let mut cut: String = escaped.chars().take(MAX_FIELD_CHARS).collect();
        cut.push_str("...");
        cut
    } else {
        escaped
    }
}

fn access_from_row(r: &Row) -> Result<AccessLogRow, StoreError> {
    Ok(read_row!(r => AccessLogRow {
        seq: i64, at: time, actor: text, action: text, case_id: opt_uuid, detail: text,
        source_ip: text, hash: text,
    }))
}

impl Store {
    /// Appends an entry to the access log (control characters in its text are escaped).
    pub async fn log_access(&self, entry: NewAccessEntry) -> Result<(), StoreError> {
        let at = normalise_time(entry.at)?;
        let actor = clean(&entry.actor);
        let action = clean(&entry.action);
        let detail = clean(&entry.detail);
        let source_ip = clean(&entry.source_ip);
        if action.is_empty() {
            return Err(StoreError::Invalid(
                "an access-log entry needs an action".into(),
            ));
        }

        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        let head = read_head(&mut cx, Chain::AccessLog, true).await?;
        let chain_keys = crate::chain::chain_keys(&mut cx, self.keys()).await?;
        let seq = head.seq + 1;
        let hash = access_hash(
            LinkMac::Keyed(chain_keys.link()),
            &head.hash,
            &AccessRowRef {
                seq,
                at,
                actor: &actor,
                action: &action,
                case_id: entry.case_id,
                detail: &detail,
                source_ip: &source_ip,
            },
        );
        cx.execute(
            &sql(concat!(
                "INSERT INTO access_log (",
                access_cols!(),
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            )),
            &[
                Arg::I64(seq),
                Arg::Time(at),
                Arg::Text(actor),
                Arg::Text(action),
                Arg::OptUuid(entry.case_id),
                Arg::Text(detail),
                Arg::Text(source_ip),
                Arg::Text(head.hash),
                Arg::Text(hash.clone()),
            ],
        )
        .await?;
        write_head(&mut cx, Chain::AccessLog, &Head { seq, hash }).await?;
        tx.commit().await
    }

    /// Every access-log entry about one case, oldest first.
    pub async fn access_log_for_case(
        &self,
        case_id: Uuid,
    ) -> Result<Vec<AccessLogRow>, StoreError> {
        let q = select!(
            access_cols!(),
            " FROM access_log WHERE case_id = $1 ORDER BY seq"
        );
        self.pool()
            .fetch_all(&q, &[Arg::Uuid(case_id)], access_from_row)
            .await
    }

    /// Up to `limit` access-log entries after position `after_seq`, oldest first (audit review).
    pub async fn read_access_log(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AccessLogRow>, StoreError> {
        let q = select!(
            access_cols!(),
            " FROM access_log WHERE seq > $1 ORDER BY seq LIMIT $2"
        );
        self.pool()
            .fetch_all(
                &q,
                &[Arg::I64(after_seq), Arg::I64(limit.max(0))],
                access_from_row,
            )
            .await
    }
}
