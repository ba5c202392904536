//! The learning library's own records (issue 17): thematic briefings as append-only event
//! streams of plain JSON (they hold no personal data), and the review records imported into the
//! library, from which the search index is rebuilt.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::codec::{canonical_json, now};
use crate::db::{Arg, Row, read_row, sql};
use crate::events::insert_jobs;
use crate::{NewJob, Store, StoreError};

/// One stored event of a briefing.
#[derive(Debug, Clone, PartialEq)]
pub struct BriefingEventRow {
    /// The briefing.
    pub briefing_id: Uuid,
    /// Its place in the briefing's stream, from 1.
    pub version: u64,
    /// The partnership.
    pub partnership_id: Uuid,
    /// The event's kind.
    pub event_type: String,
    /// Who caused it.
    pub actor: String,
    /// When it was written.
    pub recorded_at: OffsetDateTime,
    /// The event.
    pub body: serde_json::Value,
}

/// An event to append to a briefing.
#[derive(Debug, Clone)]
pub struct NewBriefingEvent {
    /// The event's kind.
    pub event_type: String,
    /// Who caused it.
    pub actor: String,
    /// The event.
    pub body: serde_json::Value,
}

/// One imported review record of the library.
#[derive(Debug, Clone, PartialEq)]
pub struct LibraryRecordRow {
    /// The record's id, as imported.
    pub id: String,
    /// The record (JSON).
    pub record: String,
    /// When it was last imported.
    pub imported_at: OffsetDateTime,
}

const COLS: &str = "briefing_id, version, partnership_id, event_type, actor, recorded_at, body";

fn event_from_row(r: &Row) -> Result<BriefingEventRow, StoreError> {
    let body_text = r.text("body")?;
    let body = serde_json::from_str(&body_text)
        .map_err(|_| StoreError::Corrupt("a briefing event holds unreadable JSON".into()))?;
    Ok(read_row!(r => BriefingEventRow {
        briefing_id: uuid, version: u64, partnership_id: uuid, event_type: text, actor: text,
        recorded_at: time, body,
    }))
}

impl Store {
    /// Appends events to a briefing if it is still at `expected_version` (0: a new briefing),
    /// with follow-up jobs, in one transaction; returns the new version.
    pub async fn append_briefing(
        &self,
        briefing_id: Uuid,
        partnership_id: Uuid,
        expected_version: u64,
        events: Vec<NewBriefingEvent>,
        jobs: Vec<NewJob>,
    ) -> Result<u64, StoreError> {
        if events.is_empty() {
            return Err(StoreError::Invalid("nothing to append".into()));
        }
        let jobs = crate::events::prepare_jobs(jobs)?;
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        let row = cx
            .fetch_one(
                &sql(
                    "SELECT COALESCE(MAX(version), 0) AS v FROM briefing_events \
                     WHERE briefing_id = $1",
                ),
                &[Arg::Uuid(briefing_id)],
            )
            .await?;
        let actual = row.u64("v")?;
        if actual != expected_version {
            return Err(StoreError::Conflict {
                expected: expected_version,
                actual,
            });
        }
        if actual > 0 {
            let first = cx
                .fetch_one(
                    &sql("SELECT partnership_id FROM briefing_events \
                         WHERE briefing_id = $1 AND version = 1"),
                    &[Arg::Uuid(briefing_id)],
                )
                .await?;
            if first.uuid("partnership_id")? != partnership_id {
                return Err(StoreError::NotFound);
            }
        }
        let at = now();
        let mut version = actual;
        for e in events {
            version += 1;
            let inserted = cx
                .execute(
                    &crate::db::sql_owned(format!(
                        "INSERT INTO briefing_events ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                    )),
                    &[
                        Arg::Uuid(briefing_id),
                        Arg::I64(i64::try_from(version).map_err(|_| {
                            StoreError::Invalid("a version number is out of range".into())
                        })?),
                        Arg::Uuid(partnership_id),
                        Arg::Text(e.event_type),
                        Arg::Text(e.actor),
                        Arg::Time(at),
                        Arg::Text(canonical_json(&e.body)),
                    ],
                )
                .await;
            match inserted {
                // Another writer took this version between the read and the insert (PostgreSQL
                // does not queue writers as SQLite does): the same answer as a stale version.
                Err(e) if e.is_unique_violation() => {
                    return Err(StoreError::Conflict {
                        expected: expected_version,
                        actual: expected_version + 1,
                    });
                }
                Err(e) => return Err(e),
                Ok(_) => {}
            }
        }
        insert_jobs(&mut cx, &jobs).await?;
        tx.commit().await?;
        Ok(version)
    }

    /// One briefing's events in order; empty when the partnership has no such briefing.
    pub async fn briefing_events(
        &self,
        partnership_id: Uuid,
        briefing_id: Uuid,
    ) -> Result<Vec<BriefingEventRow>, StoreError> {
        let q = crate::db::sql_owned(format!(
            "SELECT {COLS} FROM briefing_events WHERE partnership_id = $1 AND briefing_id = $2 \
             ORDER BY version"
        ));
        self.pool()
            .fetch_all(
                &q,
                &[Arg::Uuid(partnership_id), Arg::Uuid(briefing_id)],
                event_from_row,
            )
            .await
    }

    /// Every briefing event of a partnership, by briefing then version.
    pub async fn all_briefing_events(
        &self,
        partnership_id: Uuid,
    ) -> Result<Vec<BriefingEventRow>, StoreError> {
        let q = crate::db::sql_owned(format!(
            "SELECT {COLS} FROM briefing_events WHERE partnership_id = $1 \
             ORDER BY briefing_id, version"
        ));
        self.pool()
            .fetch_all(&q, &[Arg::Uuid(partnership_id)], event_from_row)
            .await
    }

    /// Stores imported library records, replacing those with the same id, all in one
    /// transaction; returns how many were new.
    pub async fn import_library_records(
        &self,
        records: &[(String, String)],
    ) -> Result<usize, StoreError> {
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        let at = now();
        let mut new = 0;
        for (id, record) in records {
            if id.trim().is_empty() {
                return Err(StoreError::Invalid("a library record needs an id".into()));
            }
            let existed = cx
                .fetch_optional(
                    &sql("SELECT id FROM library_records WHERE id = $1"),
                    &[Arg::Text(id.clone())],
                )
                .await?
                .is_some();
            cx.execute(
                &sql(
                    "INSERT INTO library_records (id, record, imported_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (id) DO UPDATE SET record = excluded.record, \
                     imported_at = excluded.imported_at",
                ),
                &[
                    Arg::Text(id.clone()),
                    Arg::Text(record.clone()),
                    Arg::Time(at),
                ],
            )
            .await?;
            if !existed {
                new += 1;
            }
        }
        tx.commit().await?;
        Ok(new)
    }

    /// How many records are imported and when the latest import was: it changes with every
    /// import, so an index can tell it is behind.
    pub async fn library_fingerprint(&self) -> Result<(u64, Option<OffsetDateTime>), StoreError> {
        let row = self
            .pool()
            .fetch_one(
                &sql("SELECT COUNT(*) AS n, MAX(imported_at) AS latest FROM library_records"),
                &[],
            )
            .await?;
        Ok((row.u64("n")?, row.opt_time("latest")?))
    }

    /// What the library's indexes are built from, read in one statement: the imported
    /// records' count and latest import, and the ids of the partnership's reports online, in
    /// id order. Any import, publication or withdrawal changes it (issue 18: a server compares
    /// it before each search, so one server's change is searched on every server at once).
    pub async fn library_source(
        &self,
        partnership_id: Uuid,
    ) -> Result<(u64, Option<OffsetDateTime>, Vec<Uuid>), StoreError> {
        let rows = self
            .pool()
            .fetch_all(
                &sql("SELECT (SELECT COUNT(*) FROM library_records) AS n, \
                      (SELECT MAX(imported_at) FROM library_records) AS latest, r.id \
                      FROM (SELECT 1 AS one) o LEFT JOIN published_reports r \
                      ON r.partnership_id = $1 AND r.withdrawn_on IS NULL ORDER BY r.id"),
                &[Arg::Uuid(partnership_id)],
                |r| Ok((r.u64("n")?, r.opt_time("latest")?, r.opt_uuid("id")?)),
            )
            .await?;
        let (n, latest) = rows.first().map_or((0, None), |(n, l, _)| (*n, *l));
        Ok((
            n,
            latest,
            rows.into_iter().filter_map(|(_, _, id)| id).collect(),
        ))
    }

    /// How many rows each hash chain holds: (events, access log).
    pub async fn chain_lengths(&self) -> Result<(u64, u64), StoreError> {
        let rows = self
            .pool()
            .fetch_all(&sql("SELECT chain, seq FROM chain_heads"), &[], |r| {
                Ok((r.text("chain")?, r.u64("seq")?))
            })
            .await?;
        let of = |name: &str| rows.iter().find(|(c, _)| c == name).map_or(0, |(_, n)| *n);
        Ok((of("events"), of("access_log")))
    }

    /// Every imported library record, by id.
    pub async fn library_records(&self) -> Result<Vec<LibraryRecordRow>, StoreError> {
        self.pool()
            .fetch_all(
                &sql("SELECT id, record, imported_at FROM library_records ORDER BY id"),
                &[],
                |r| {
                    Ok(read_row!(r => LibraryRecordRow {
                        id: text, record: text, imported_at: time,
                    }))
                },
            )
            .await
    }
}
