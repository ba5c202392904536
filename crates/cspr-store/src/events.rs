//! Case event streams: appending under optimistic concurrency in one transaction with the
//! projection and the outbox, hash-chaining every row in global order, and reading streams back
//! with their personal part decrypted (or `None` once the case has been shredded).

use std::collections::HashMap;

use uuid::Uuid;

use crate::codec::{EventRowRef, LinkMac, canonical_json, event_hash, normalise_time};
use crate::db::{Arg, Cx, Row, Sql, read_row, select, sql, sql2};
use crate::keys::{CaseKey, Keys, event_aad};
use crate::projections::{check_projection, write_projection};
use crate::{
    NewEvent, NewJob, NewPublishedReport, ProjectionUpdate, Store, StoreError, StoredEvent,
};

/// What one append writes beside the events, in the same transaction.
#[derive(Debug, Default)]
pub struct AppendExtras {
    /// The case's read models after the events.
    pub projection: Option<ProjectionUpdate>,
    /// Follow-up jobs (the outbox).
    pub jobs: Vec<NewJob>,
    /// The public copy of a report published by these events.
    pub publish: Option<NewPublishedReport>,
    /// The case's public report taken down on this day by these events.
    pub withdraw_published_on: Option<time::Date>,
}

macro_rules! event_cols {
    () => {
        "seq, stream_id, version, partnership_id, event_type, actor, occurred_at, recorded_at, \
         plain, sealed, prev_hash, hash"
    };
}
pub(crate) use event_cols;

/// The two hash chains; each has a row in `chain_heads`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Chain {
    Events,
    AccessLog,
}

impl Chain {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Chain::Events => "events",
            Chain::AccessLog => "access_log",
        }
    }
}

/// The last row of a chain.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    pub seq: i64,
    pub hash: String,
}

/// Reads a chain head; with `lock`, PostgreSQL locks the row until the transaction ends so
/// writers serialise on the chain (SQLite writers already hold the database's write lock).
pub(crate) async fn read_head(
    cx: &mut Cx<'_>,
    chain: Chain,
    lock: bool,
) -> Result<Head, StoreError> {
    let q = if lock {
        sql2(
            "SELECT seq, hash FROM chain_heads WHERE chain = $1",
            "SELECT seq, hash FROM chain_heads WHERE chain = $1 FOR UPDATE",
        )
    } else {
        sql("SELECT seq, hash FROM chain_heads WHERE chain = $1")
    };
    let row = cx
        .fetch_optional(&q, &[Arg::from(chain.name())])
        .await?
        .ok_or_else(|| missing_head(chain))?;
    Ok(Head {
        seq: row.i64("seq")?,
        hash: row.text("hash")?,
    })
}

/// The error for a chain whose head row is gone.
pub(crate) fn missing_head(chain: Chain) -> StoreError {
    StoreError::Corrupt(format!("the {} chain head is missing", chain.name()))
}

/// Moves a chain head to its new last row.
pub(crate) async fn write_head(
    cx: &mut Cx<'_>,
    chain: Chain,
    head: &Head,
) -> Result<(), StoreError> {
    cx.execute(
        &sql("UPDATE chain_heads SET seq = $2, hash = $3 WHERE chain = $1"),
        &[
            Arg::from(chain.name()),
            Arg::I64(head.seq),
            Arg::Text(head.hash.clone()),
        ],
    )
    .await?;
    Ok(())
}

/// The case's key for writing, created on first use; `Shredded` once destroyed.
pub(crate) async fn case_key_for_write(
    cx: &mut Cx<'_>,
    keys: &Keys,
    case_id: Uuid,
) -> Result<CaseKey, StoreError> {
    let select = sql("SELECT wrapped_key FROM case_keys WHERE case_id = $1");
    if let Some(row) = cx.fetch_optional(&select, &[Arg::Uuid(case_id)]).await? {
        return match row.opt_bytes("wrapped_key")? {
            Some(wrapped) => keys.unwrap_case_key(case_id, &wrapped),
            None => Err(StoreError::Shredded),
        };
    }
    // A key wrapped under a master key rotated away since this process started would be lost.
    crate::chain::check_key_unchanged(cx, keys).await?;
    let (key, wrapped) = keys.new_case_key(case_id)?;
    let inserted = cx
        .execute(
            &sql(
                "INSERT INTO case_keys (case_id, wrapped_key, created_at) VALUES ($1, $2, $3) \
                  ON CONFLICT (case_id) DO NOTHING",
            ),
            &[
                Arg::Uuid(case_id),
                Arg::Bytes(wrapped),
                Arg::Time(crate::codec::now()),
            ],
        )
        .await?;
    if inserted == 1 {
        return Ok(key);
    }
    // A concurrent transaction created it first: use that one.
    let row = cx.fetch_one(&select, &[Arg::Uuid(case_id)]).await?;
    match row.opt_bytes("wrapped_key")? {
        Some(wrapped) => keys.unwrap_case_key(case_id, &wrapped),
        None => Err(StoreError::Shredded),
    }
}

/// Case keys for reading, looked up once per case; `None` marks a shredded case.
pub(crate) struct KeyRing<'k> {
    keys: &'k Keys,
    cache: HashMap<Uuid, Option<CaseKey>>,
}

impl<'k> KeyRing<'k> {
    pub(crate) fn new(keys: &'k Keys) -> Self {
        KeyRing {
            keys,
            cache: HashMap::new(),
        }
    }

    pub(crate) async fn get(
        &mut self,
        cx: &mut Cx<'_>,
        case_id: Uuid,
    ) -> Result<Option<&CaseKey>, StoreError> {
        if !self.cache.contains_key(&case_id) {
            let row = cx
                .fetch_optional(
                    &sql("SELECT wrapped_key FROM case_keys WHERE case_id = $1"),
                    &[Arg::Uuid(case_id)],
                )
                .await?
                .ok_or_else(|| StoreError::Corrupt("a case has no key row".into()))?;
            let key = match row.opt_bytes("wrapped_key")? {
                Some(wrapped) => Some(self.keys.unwrap_case_key(case_id, &wrapped)?),
                None => None,
            };
            self.cache.insert(case_id, key);
        }
        Ok(self.cache.get(&case_id).and_then(Option::as_ref))
    }
}

/// Turns an `events` row into a [`StoredEvent`], decrypting with `key` when there is one.
pub(crate) fn event_from_row(row: &Row, key: Option<&CaseKey>) -> Result<StoredEvent, StoreError> {
    let seq = row.i64("seq")?;
    let stream_id = row.uuid("stream_id")?;
    let version = row.u64("version")?;
    let plain_text = row.text("plain")?;
    let plain = serde_json::from_str(&plain_text)
        .map_err(|_| StoreError::Corrupt(format!("event {seq} holds unreadable JSON")))?;
    let sealed =
        match key {
            Some(key) => {
                let bytes = key
                    .open(&event_aad(stream_id, version), &row.bytes("sealed")?)
                    .map_err(|_| StoreError::Corrupt(format!("event {seq} cannot be decrypted")))?;
                Some(serde_json::from_slice(&bytes).map_err(|_| {
                    StoreError::Corrupt(format!("event {seq} holds unreadable JSON"))
                })?)
            }
            None => None,
        };
    Ok(read_row!(row => StoredEvent {
        seq, stream_id, version, partnership_id: uuid, event_type: text, actor: text,
        occurred_at: time, recorded_at: time, plain, sealed, hash: text,
    }))
}

/// An event checked and serialised before the transaction starts.
struct Prepared {
    event_type: String,
    actor: String,
    occurred_at: time::OffsetDateTime,
    plain: String,
    sealed: String,
}

/// A job checked and serialised before the transaction starts.
pub(crate) struct PreparedJob {
    kind: String,
    payload: String,
    run_at: time::OffsetDateTime,
}

pub(crate) fn prepare_jobs(jobs: Vec<NewJob>) -> Result<Vec<PreparedJob>, StoreError> {
    jobs.into_iter()
        .map(|j| {
            if j.kind.trim().is_empty() {
                return Err(StoreError::Invalid("a job needs a kind".into()));
            }
            Ok(PreparedJob {
                payload: canonical_json(&j.payload),
                run_at: normalise_time(j.run_at)?,
                kind: j.kind,
            })
        })
        .collect()
}

pub(crate) async fn insert_jobs(cx: &mut Cx<'_>, jobs: &[PreparedJob]) -> Result<(), StoreError> {
    let now = crate::codec::now();
    for job in jobs {
        cx.execute(
            &sql(
                "INSERT INTO jobs (kind, payload, state, attempts, run_at, created_at) \
                  VALUES ($1, $2, 'pending', 0, $3, $4)",
            ),
            &[
                Arg::Text(job.kind.clone()),
                Arg::Text(job.payload.clone()),
                Arg::Time(job.run_at),
                Arg::Time(now),
            ],
        )
        .await?;
    }
    Ok(())
}

pub(crate) async fn version_of(cx: &mut Cx<'_>, stream_id: Uuid) -> Result<u64, StoreError> {
    cx.fetch_one(
        &sql("SELECT COALESCE(MAX(version), 0) AS v FROM events WHERE stream_id = $1"),
        &[Arg::Uuid(stream_id)],
    )
    .await?
    .u64("v")
}

fn to_i64(n: u64) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|_| StoreError::Invalid("a version number is out of range".into()))
}

impl Store {
    /// Appends events to a case's stream if it is still at `expected_version`, replacing the
    /// case's projection and enqueueing jobs in the same transaction; returns the new version.
    pub async fn append(
        &self,
        stream_id: Uuid,
        partnership_id: Uuid,
        expected_version: u64,
        events: Vec<NewEvent>,
        projection: Option<ProjectionUpdate>,
        jobs: Vec<NewJob>,
    ) -> Result<u64, StoreError> {
        self.append_with(
            stream_id,
            partnership_id,
            expected_version,
            events,
            AppendExtras {
                projection,
                jobs,
                ..AppendExtras::default()
            },
        )
        .await
    }

    /// [`Store::append`] with everything else one user action writes beside its events (the
    /// public copy of a published report, or its withdrawal), all in the one transaction: a
    /// refusal or a failure anywhere leaves none of it written.
    pub async fn append_with(
        &self,
        stream_id: Uuid,
        partnership_id: Uuid,
        expected_version: u64,
        events: Vec<NewEvent>,
        extras: AppendExtras,
    ) -> Result<u64, StoreError> {
        let AppendExtras {
            projection,
            jobs,
            publish,
            withdraw_published_on,
        } = extras;
        if let Some(report) = &publish {
            crate::published::check_report(report)?;
            if report.case_id != stream_id || report.partnership_id != partnership_id {
                return Err(StoreError::Invalid(
                    "the published report belongs to another case or partnership".into(),
                ));
            }
        }
        let prepared = events
            .into_iter()
            .map(|e| {
                Ok(Prepared {
                    occurred_at: normalise_time(e.occurred_at)?,
                    plain: canonical_json(&e.plain),
                    sealed: canonical_json(&e.sealed),
                    event_type: e.event_type,
                    actor: e.actor,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        if let Some(p) = &projection {
            if p.summary.case_id != stream_id || p.summary.partnership_id != partnership_id {
                return Err(StoreError::Invalid(
                    "the projection belongs to another case or partnership".into(),
                ));
            }
            check_projection(p)?;
        }
        let jobs = prepare_jobs(jobs)?;
        let new_version = expected_version
            .checked_add(prepared.len() as u64)
            .ok_or_else(|| StoreError::Invalid("a version number is out of range".into()))?;
        to_i64(new_version)?;

        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        let mut head = read_head(&mut cx, Chain::Events, true).await?;
        let chain_keys = crate::chain::chain_keys(&mut cx, self.keys()).await?;
        let actual = version_of(&mut cx, stream_id).await?;
        if actual != expected_version {
            return Err(StoreError::Conflict {
                expected: expected_version,
                actual,
            });
        }
        if actual > 0 {
            let owner = cx
                .fetch_one(
                    &sql("SELECT partnership_id FROM events WHERE stream_id = $1 AND version = 1"),
                    &[Arg::Uuid(stream_id)],
                )
                .await?
                .uuid("partnership_id")?;
            if owner != partnership_id {
                return Err(StoreError::Invalid(
                    "the case belongs to another partnership".into(),
                ));
            }
        }
        if !prepared.is_empty() {
            let key = case_key_for_write(&mut cx, self.keys(), stream_id).await?;
            let recorded_at = crate::codec::now();
            for (i, e) in prepared.iter().enumerate() {
                let version = expected_version + 1 + i as u64;
                let seq = head.seq + 1;
                let sealed = key.seal(&event_aad(stream_id, version), e.sealed.as_bytes())?;
                let hash = event_hash(
                    LinkMac::Keyed(chain_keys.link()),
                    &head.hash,
                    &EventRowRef {
                        seq,
                        stream_id,
                        version: to_i64(version)?,
                        partnership_id,
                        event_type: &e.event_type,
                        actor: &e.actor,
                        occurred_at: e.occurred_at,
                        recorded_at,
                        plain: &e.plain,
                        sealed: &sealed,
                    },
                );
                let inserted = cx
                    .execute(
                        &sql(concat!(
                            "INSERT INTO events (",
                            event_cols!(),
                            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                        )),
                        &[
                            Arg::I64(seq),
                            Arg::Uuid(stream_id),
                            Arg::I64(to_i64(version)?),
                            Arg::Uuid(partnership_id),
                            Arg::Text(e.event_type.clone()),
                            Arg::Text(e.actor.clone()),
                            Arg::Time(e.occurred_at),
                            Arg::Time(recorded_at),
                            Arg::Text(e.plain.clone()),
                            Arg::Bytes(sealed),
                            Arg::Text(head.hash.clone()),
                            Arg::Text(hash.clone()),
                        ],
                    )
                    .await;
                match inserted {
                    Ok(_) => {}
                    Err(err) if err.is_unique_violation() => {
                        // The (stream, version) constraint caught a writer that bypassed the lock.
                        drop(tx);
                        let actual = self.stream_version(stream_id).await?;
                        return Err(StoreError::Conflict {
                            expected: expected_version,
                            actual,
                        });
                    }
                    Err(err) => return Err(err),
                }
                head = Head { seq, hash };
            }
            write_head(&mut cx, Chain::Events, &head).await?;
        }
        if let Some(p) = &projection {
            write_projection(&mut cx, p).await?;
        }
        insert_jobs(&mut cx, &jobs).await?;
        if let Some(report) = publish {
            crate::published::insert_report(&mut cx, report).await?;
        }
        if let Some(on) = withdraw_published_on {
            crate::published::withdraw_report(&mut cx, stream_id, on).await?;
        }
        match tx.commit().await {
            Ok(()) => Ok(new_version),
            Err(err) if err.is_unique_violation() => Err(StoreError::Conflict {
                expected: expected_version,
                actual: self.stream_version(stream_id).await?,
            }),
            Err(err) => Err(err),
        }
    }

    /// Every event of a case's stream in version order, personal parts decrypted.
    pub async fn load_stream(&self, stream_id: Uuid) -> Result<Vec<StoredEvent>, StoreError> {
        let q = select!(
            event_cols!(),
            " FROM events WHERE stream_id = $1 ORDER BY version"
        );
        self.read_events(&q, &[Arg::Uuid(stream_id)]).await
    }

    /// The stream's current version (0 when it has no events).
    pub async fn stream_version(&self, stream_id: Uuid) -> Result<u64, StoreError> {
        let mut conn = self.pool().conn().await?;
        version_of(&mut conn.cx(), stream_id).await
    }

    /// A stream's version, and whether its case's key has been destroyed (by this process or
    /// another), in one statement: what a decoded copy kept in memory is checked against.
    pub async fn stream_state(&self, stream_id: Uuid) -> Result<(u64, bool), StoreError> {
        let row = self
            .pool()
            .fetch_one(
                &sql(
                    "SELECT COALESCE((SELECT MAX(version) FROM events WHERE stream_id = $1), 0) \
                      AS v, EXISTS (SELECT 1 FROM case_keys WHERE case_id = $1 \
                      AND wrapped_key IS NULL) AS shredded",
                ),
                &[Arg::Uuid(stream_id)],
            )
            .await?;
        Ok((row.u64("v")?, row.bool("shredded")?))
    }

    /// Up to `limit` events after global position `after_seq`, in global order (for rebuilds).
    pub async fn read_all(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let q = select!(
            event_cols!(),
            " FROM events WHERE seq > $1 ORDER BY seq LIMIT $2"
        );
        self.read_events(&q, &[Arg::I64(after_seq), Arg::I64(limit.max(0))])
            .await
    }

    /// The events a query of `event_cols!()` finds, in its order, each decrypted with its
    /// case's key (looked up once per case); rows and keys come from one read snapshot.
    async fn read_events(&self, q: &Sql, args: &[Arg]) -> Result<Vec<StoredEvent>, StoreError> {
        let mut tx = self.pool().read().await?;
        let mut cx = tx.cx();
        let rows = cx.fetch_all(q, args).await?;
        let mut ring = KeyRing::new(self.keys());
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let key = ring.get(&mut cx, row.uuid("stream_id")?).await?;
            out.push(event_from_row(row, key)?);
        }
        Ok(out)
    }

    /// Every stream (case) that has events, in the order the cases were opened.
    pub async fn stream_ids(&self) -> Result<Vec<Uuid>, StoreError> {
        let q = sql("SELECT stream_id FROM events WHERE version = 1 ORDER BY seq");
        self.pool()
            .fetch_all(&q, &[], |r| r.uuid("stream_id"))
            .await
    }
}
