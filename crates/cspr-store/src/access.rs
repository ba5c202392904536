//! The access log: who read or exported what, when and from where. Append-only and hash-chained
//! on its own chain; control characters in its fields are escaped so no entry can forge another
//! (ASVS 16.4.1). A failed write is an error for the caller, so the read it records fails too.

use std::sync::Arc;

use tokio::sync::oneshot;
use uuid::Uuid;

use crate::codec::{AccessRowRef, LinkMac, access_hash, escape_log_field, normalise_time};
use crate::db::{Arg, Row, read_row, select};
use crate::events::{Chain, Head, write_head};
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

/// The most entries one commit writes; more wait for the next.
const MAX_BATCH: usize = 512;

/// The most entries one `INSERT` carries (nine parameters each, well within either backend's
/// limit on a statement's parameters).
const ROWS_PER_INSERT: usize = 64;

/// Group commit of the access log. Every read is written to the log before it is shown, and
/// each write is a transaction that extends the chain; one per request would make concurrent
/// readers queue on the database's write lock. Instead an entry joins a queue, and whoever holds
/// the committer's lock writes everything queued in one transaction, then answers each waiting
/// request with that transaction's result: a read is shown only after its own batch committed,
/// and a batch that fails fails every read in it.
pub(crate) struct AccessBatcher {
    queue: std::sync::Mutex<Vec<Waiting>>,
    committer: Arc<tokio::sync::Mutex<()>>,
}

struct Waiting {
    row: CleanEntry,
    answer: oneshot::Sender<Result<(), StoreError>>,
}

/// An entry with its fields escaped and cut, ready to be chained.
struct CleanEntry {
    at: time::OffsetDateTime,
    actor: String,
    action: String,
    case_id: Option<Uuid>,
    detail: String,
    source_ip: String,
}

impl CleanEntry {
    fn new(entry: NewAccessEntry) -> Result<CleanEntry, StoreError> {
        let row = CleanEntry {
            at: normalise_time(entry.at)?,
            actor: clean(&entry.actor),
            action: clean(&entry.action),
            case_id: entry.case_id,
            detail: clean(&entry.detail),
            source_ip: clean(&entry.source_ip),
        };
        if row.action.is_empty() {
            return Err(StoreError::Invalid(
                "an access-log entry needs an action".into(),
            ));
        }
        Ok(row)
    }
}

impl AccessBatcher {
    pub(crate) fn new() -> AccessBatcher {
        AccessBatcher {
            queue: std::sync::Mutex::new(Vec::new()),
            committer: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, Vec<Waiting>> {
        // A panic while the queue was held cannot leave it half-changed (push and drain only).
        self.queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What each request of a failed batch is told: the committer's error where it can be shared,
/// otherwise that the log is unavailable (the read is refused either way).
fn shared_error(error: &StoreError) -> StoreError {
    match error {
        StoreError::DiskFull => StoreError::DiskFull,
        StoreError::WrongMasterKey => StoreError::WrongMasterKey,
        StoreError::Corrupt(m) => StoreError::Corrupt(m.clone()),
        StoreError::Invalid(m) => StoreError::Invalid(m.clone()),
        StoreError::Crypto(m) => StoreError::Crypto(m.clone()),
        other => StoreError::Unavailable(format!("the access log could not be written: {other}")),
    }
}

fn abandoned() -> StoreError {
    StoreError::Unavailable("the access-log write was abandoned before it committed".into())
}

impl Store {
    /// Appends an entry to the access log (control characters in its text are escaped), and
    /// returns once the batch holding it has committed: with the batch's error if it failed.
    pub async fn log_access(&self, entry: NewAccessEntry) -> Result<(), StoreError> {
        let row = CleanEntry::new(entry)?;
        let (answer, mut answered) = oneshot::channel();
        self.access_batcher().queue().push(Waiting { row, answer });
        loop {
            let turn = Arc::clone(&self.access_batcher().committer)
                .lock_owned()
                .await;
            // A committer answers its whole batch before it lets the lock go, so holding the
            // lock, this entry is either answered or still queued.
            match answered.try_recv() {
                Ok(result) => return result,
                Err(oneshot::error::TryRecvError::Closed) => return Err(abandoned()),
                Err(oneshot::error::TryRecvError::Empty) => {}
            }
            let batch: Vec<Waiting> = {
                let mut queue = self.access_batcher().queue();
                let n = queue.len().min(MAX_BATCH);
                queue.drain(..n).collect()
            };
            // The batch is written by a task of its own, holding the lock, so a request that
            // goes away mid-commit (its client hung up) does not abandon the others' entries.
            let store = self.clone();
            let commit = tokio::spawn(async move {
                let (rows, answers): (Vec<CleanEntry>, Vec<_>) =
                    batch.into_iter().map(|w| (w.row, w.answer)).unzip();
                let result = store.write_access_batch(&rows).await;
                if let Err(e) = &result {
                    tracing::error!(error = %e, entries = rows.len(), "access-log batch failed");
                }
                for answer in answers {
                    let _ = answer.send(result.as_ref().map(|_| ()).map_err(shared_error));
                }
                drop(turn);
            });
            if commit.await.is_err() {
                return Err(abandoned());
            }
        }
    }

    /// Holds the access log's committer, so entries queue until the guard is dropped (tests
    /// use it to build a batch of a known size).
    #[cfg(feature = "testing")]
    pub async fn hold_access_log(&self) -> tokio::sync::OwnedMutexGuard<()> {
        Arc::clone(&self.access_batcher().committer)
            .lock_owned()
            .await
    }

    /// How many entries wait for the next access-log commit (tests).
    #[cfg(feature = "testing")]
    pub fn queued_access_entries(&self) -> usize {
        self.access_batcher().queue().len()
    }

    /// Writes `rows` to the chain in one transaction.
    async fn write_access_batch(&self, rows: &[CleanEntry]) -> Result<(), StoreError> {
        let mut tx = self.pool().write().await?;
        chain_entries(&mut tx.cx(), self.keys(), rows).await?;
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

/// Appends entries to the access-log chain inside the caller's transaction (the retention run
/// writes its audit record in the transaction of the erasure it records).
pub(crate) async fn append_entries(
    cx: &mut crate::db::Cx<'_>,
    keys: &crate::keys::Keys,
    entries: Vec<NewAccessEntry>,
) -> Result<(), StoreError> {
    let rows = entries
        .into_iter()
        .map(CleanEntry::new)
        .collect::<Result<Vec<_>, _>>()?;
    chain_entries(cx, keys, &rows).await
}

async fn chain_entries(
    cx: &mut crate::db::Cx<'_>,
    keys: &crate::keys::Keys,
    rows: &[CleanEntry],
) -> Result<(), StoreError> {
    let (mut head, chain_keys) = crate::chain::head_and_keys(cx, keys, Chain::AccessLog).await?;
    // A batch goes in as a few multi-row statements, not one statement an entry: each
    // statement is a round trip to the database (issue 20).
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut args = Vec::with_capacity(chunk.len() * 9);
        let mut values = Vec::with_capacity(chunk.len());
        for row in chunk {
            let seq = head.seq + 1;
            let hash = access_hash(
                LinkMac::Keyed(chain_keys.link()),
                &head.hash,
                &AccessRowRef {
                    seq,
                    at: row.at,
                    actor: &row.actor,
                    action: &row.action,
                    case_id: row.case_id,
                    detail: &row.detail,
                    source_ip: &row.source_ip,
                },
            );
            let first = args.len() + 1;
            values.push(format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                first,
                first + 1,
                first + 2,
                first + 3,
                first + 4,
                first + 5,
                first + 6,
                first + 7,
                first + 8
            ));
            args.extend([
                Arg::I64(seq),
                Arg::Time(row.at),
                Arg::Text(row.actor.clone()),
                Arg::Text(row.action.clone()),
                Arg::OptUuid(row.case_id),
                Arg::Text(row.detail.clone()),
                Arg::Text(row.source_ip.clone()),
                Arg::Text(std::mem::take(&mut head.hash)),
                Arg::Text(hash.clone()),
            ]);
            head = Head { seq, hash };
        }
        let insert = crate::db::sql_owned(format!(
            "INSERT INTO access_log ({}) VALUES {}",
            access_cols!(),
            values.join(", ")
        ));
        cx.execute(&insert, &args).await?;
    }
    write_head(cx, Chain::AccessLog, &head).await
}
