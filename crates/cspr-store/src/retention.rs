//! Erasure at the end of a retention period. Each erasure is one transaction that also appends
//! its audit record to the access log, so a record is erased with its audit or not at all. The
//! rules (which periods, which records are due) are the caller's; the store re-checks, inside the
//! transaction, that what it was asked to erase is still due, so a legal hold placed or a case
//! reopened meanwhile wins.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::access::append_entries;
use crate::chain::write_pruned;
use crate::db::{Arg, Cx, sql, sql2};
use crate::events::{Chain, Head, read_head};
use crate::{NewAccessEntry, Store, StoreError};

/// A closed case as the retention run sees it: read models only, nothing decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionCase {
    /// The case.
    pub case_id: Uuid,
    /// Its reference.
    pub reference: String,
    /// The day it closed, when the read model knows it (rows older than retention do not).
    pub closed_on: Option<Date>,
    /// Whether a legal hold keeps it.
    pub legal_hold: bool,
    /// Whether its key is already destroyed.
    pub shredded: bool,
}

/// A record that may be past its period: its id and case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetainedRecord {
    /// The record (a practitioner link, a published report).
    pub id: Uuid,
    /// Its case.
    pub case_id: Uuid,
}

/// The access-log entries written before a day: how many, and the last one's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OldAccessEntries {
    /// How many.
    pub count: u64,
    /// The position of the last of them (0 when none).
    pub up_to: i64,
}

impl Store {
    /// The partnership's closed cases, for the retention run.
    pub async fn retention_cases(
        &self,
        partnership_id: Uuid,
    ) -> Result<Vec<RetentionCase>, StoreError> {
        let q = sql("SELECT s.case_id, s.reference, s.closed_on, s.legal_hold, \
             (k.shredded_at IS NOT NULL) AS shredded FROM case_summaries s \
             LEFT JOIN case_keys k ON k.case_id = s.case_id \
             WHERE s.partnership_id = $1 AND s.closed = $2 ORDER BY s.reference");
        self.pool()
            .fetch_all(&q, &[Arg::Uuid(partnership_id), Arg::Bool(true)], |r| {
                Ok(RetentionCase {
                    case_id: r.uuid("case_id")?,
                    reference: r.text("reference")?,
                    closed_on: r.opt_date("closed_on")?,
                    legal_hold: r.bool("legal_hold")?,
                    shredded: r.bool("shredded")?,
                })
            })
            .await
    }

    /// Erases a closed case at the end of its period: its key is destroyed (the sealed events,
    /// files and practitioners' addresses become unreadable for good), its deadlines and
    /// actions (clear text) are deleted and its summary keeps only the reference, stage and
    /// days; `audit` goes to the access log in the same transaction. Returns `false`, changing
    /// nothing, when the case is no longer due as the caller saw it: reopened, held, or closed
    /// on another day.
    pub async fn erase_case(
        &self,
        case_id: Uuid,
        closed_on: Date,
        audit: NewAccessEntry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        // Appends to any case hold the events chain's head: holding it, no hold or reopening
        // can commit between the check below and the erasure.
        read_head(&mut cx, Chain::Events, true).await?;
        let due = cx
            .fetch_optional(
                &sql("SELECT closed_on, legal_hold, closed FROM case_summaries WHERE case_id = $1"),
                &[Arg::Uuid(case_id)],
            )
            .await?;
        let still_due = match due {
            Some(r) => {
                r.bool("closed")?
                    && !r.bool("legal_hold")?
                    && r.opt_date("closed_on")? == Some(closed_on)
            }
            None => false,
        };
        if !still_due {
            return Ok(false);
        }
        let case = [Arg::Uuid(case_id)];
        cx.execute(
            &sql(
                "UPDATE case_keys SET wrapped_key = NULL, shredded_at = COALESCE(shredded_at, $2) \
                  WHERE case_id = $1",
            ),
            &[Arg::Uuid(case_id), Arg::Time(crate::codec::now())],
        )
        .await?;
        for q in [
            "DELETE FROM case_deadlines WHERE case_id = $1",
            "DELETE FROM case_actions WHERE case_id = $1",
            "UPDATE case_summaries SET next_deadline = NULL, next_deadline_label = NULL, \
             themes = '' WHERE case_id = $1",
        ] {
            cx.execute(&sql(q), &case).await?;
        }
        crate::projections::bump_projection_version(&mut cx).await?;
        append_entries(&mut cx, self.keys(), vec![audit]).await?;
        tx.commit().await?;
        tracing::info!(case = %case_id, "case erased at the end of its retention period");
        self.flush_shredded_keys().await;
        Ok(true)
    }

    /// Practitioner links of the partnership that closed (used, or expired) before `before`.
    pub async fn links_closed_before(
        &self,
        partnership_id: Uuid,
        before: OffsetDateTime,
    ) -> Result<Vec<RetainedRecord>, StoreError> {
        let q = sql(
            "SELECT id, case_id FROM practitioner_links WHERE partnership_id = $1 \
                     AND COALESCE(used_at, expires_at) < $2 ORDER BY id",
        );
        self.pool()
            .fetch_all(
                &q,
                &[
                    Arg::Uuid(partnership_id),
                    Arg::Time(crate::codec::normalise_time(before)?),
                ],
                record,
            )
            .await
    }

    /// Deletes a practitioner link's record (and the practitioner's sealed address with it) if
    /// it still closed before `before`, with its audit record; whether it did.
    pub async fn erase_link(
        &self,
        id: Uuid,
        before: OffsetDateTime,
        audit: NewAccessEntry,
    ) -> Result<bool, StoreError> {
        self.erase_one(
            &sql("DELETE FROM practitioner_links WHERE id = $1 \
                  AND COALESCE(used_at, expires_at) < $2"),
            &[
                Arg::Uuid(id),
                Arg::Time(crate::codec::normalise_time(before)?),
            ],
            audit,
        )
        .await
    }

    /// Published reports of the partnership withdrawn before `before`.
    pub async fn reports_withdrawn_before(
        &self,
        partnership_id: Uuid,
        before: Date,
    ) -> Result<Vec<RetainedRecord>, StoreError> {
        let q = sql(
            "SELECT id, case_id FROM published_reports WHERE partnership_id = $1 \
                     AND withdrawn_on IS NOT NULL AND withdrawn_on < $2 ORDER BY id",
        );
        self.pool()
            .fetch_all(&q, &[Arg::Uuid(partnership_id), Arg::Date(before)], record)
            .await
    }

    /// Deletes what is left of a withdrawn report (its title and days) if it was still
    /// withdrawn before `before`, with its audit record; whether it did.
    pub async fn erase_withdrawn_report(
        &self,
        id: Uuid,
        before: Date,
        audit: NewAccessEntry,
    ) -> Result<bool, StoreError> {
        self.erase_one(
            &sql("DELETE FROM published_reports WHERE id = $1 \
                  AND withdrawn_on IS NOT NULL AND withdrawn_on < $2"),
            &[Arg::Uuid(id), Arg::Date(before)],
            audit,
        )
        .await
    }

    async fn erase_one(
        &self,
        q: &crate::db::Sql,
        args: &[Arg],
        audit: NewAccessEntry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        if cx.execute(q, args).await? != 1 {
            return Ok(false);
        }
        append_entries(&mut cx, self.keys(), vec![audit]).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The access-log entries at the start of the log written before `before`: the run erases
    /// only an unbroken stretch from the start, never an entry written after one it keeps.
    pub async fn access_log_before(
        &self,
        before: OffsetDateTime,
    ) -> Result<OldAccessEntries, StoreError> {
        let mut tx = self.pool().read().await?;
        let old = old_access_entries(&mut tx.cx(), before).await?;
        tx.commit().await?;
        Ok(old)
    }

    /// Erases the access-log entries written before `before` from the start of the log. The
    /// chain still verifies: a keyed record (`chain_pruned_until:access_log`, HMAC under the
    /// chains' link key) names the last erased row and its hash, written before the rows go
    /// (the database refuses the deletion otherwise); `cspr verify` starts from it. The audit
    /// record `audit(count, up_to)` is appended in the same transaction. Returns how many
    /// entries went.
    pub async fn erase_access_log_before(
        &self,
        before: OffsetDateTime,
        audit: impl FnOnce(OldAccessEntries) -> NewAccessEntry + Send,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        read_head(&mut cx, Chain::AccessLog, true).await?;
        let old = old_access_entries(&mut cx, before).await?;
        if old.count == 0 {
            return Ok(0);
        }
        let keys = crate::chain::chain_keys(&mut cx, self.keys()).await?;
        let hash = cx
            .fetch_one(
                &sql("SELECT hash FROM access_log WHERE seq = $1"),
                &[Arg::I64(old.up_to)],
            )
            .await?
            .text("hash")?;
        write_pruned(
            &mut cx,
            &keys,
            Chain::AccessLog,
            &Head {
                seq: old.up_to,
                hash,
            },
        )
        .await?;
        cx.execute(
            &sql("DELETE FROM access_log WHERE seq <= $1"),
            &[Arg::I64(old.up_to)],
        )
        .await?;
        append_entries(&mut cx, self.keys(), vec![audit(old)]).await?;
        tx.commit().await?;
        Ok(old.count)
    }

    /// Best effort: pushes destroyed key bytes out of the WAL (SQLite) or dead tuples
    /// (PostgreSQL).
    pub(crate) async fn flush_shredded_keys(&self) {
        let flushed = match self.pool().write_conn().await {
            Ok(mut conn) => {
                conn.cx()
                    .execute_script(&sql2(
                        "PRAGMA wal_checkpoint(TRUNCATE)",
                        "VACUUM FULL case_keys",
                    ))
                    .await
            }
            Err(e) => Err(e),
        };
        if let Err(e) = flushed {
            tracing::warn!(error = %e, "could not compact after shredding; old key bytes may linger until the next checkpoint or vacuum");
        }
    }
}

fn record(r: &crate::db::Row) -> Result<RetainedRecord, StoreError> {
    Ok(RetainedRecord {
        id: r.uuid("id")?,
        case_id: r.uuid("case_id")?,
    })
}

/// The unbroken stretch of entries from the start of the log (after any earlier erasure)
/// written before `before`.
async fn old_access_entries(
    cx: &mut Cx<'_>,
    before: OffsetDateTime,
) -> Result<OldAccessEntries, StoreError> {
    let first_kept = cx
        .fetch_one(
            &sql("SELECT COUNT(*) AS n, COALESCE(MIN(seq), 0) AS s FROM access_log WHERE at >= $1"),
            &[Arg::Time(crate::codec::normalise_time(before)?)],
        )
        .await?;
    let up_to = if first_kept.i64("n")? > 0 {
        first_kept.i64("s")? - 1
    } else {
        read_head(cx, Chain::AccessLog, false).await?.seq
    };
    let count = cx
        .fetch_one(
            &sql("SELECT COUNT(*) AS n FROM access_log WHERE seq <= $1"),
            &[Arg::I64(up_to)],
        )
        .await?
        .u64("n")?;
    Ok(OldAccessEntries { count, up_to })
}
