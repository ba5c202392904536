//! Integrity checks: walks both hash chains row by row from the genesis hash and reports the
//! first row that was changed, deleted or inserted behind the store's back, then runs the
//! database's own checks (SQLite `integrity_check`) and cross-table consistency checks.

use crate::access::access_cols;
use crate::chain::{
    Boundary, ChainAnchor, check_anchor, current_anchor, read_boundary, read_pruned,
};
use crate::codec::{
    AccessRowRef, EventRowRef, GENESIS_HASH, LinkMac, access_hash, event_hash, same_tag,
};
use crate::db::{Cx, Row, read_row, select, sql, sql2};
use crate::events::{Chain, event_cols, read_head};
use crate::keys::ChainKeys;
use crate::{BreakReason, ChainBreak, Store, StoreError, VerifyReport};

/// Rows read per query while walking a chain.
const PAGE: i64 = 1_000;

/// Walks one chain; returns the rows checked and the first break. Rows up to the chain's
/// recorded unkeyed boundary are checked with the old blake3, every later row with the HMAC.
pub(crate) async fn walk_chain(
    cx: &mut Cx<'_>,
    chain: Chain,
    keys: &ChainKeys,
) -> Result<(u64, Option<ChainBreak>), StoreError> {
    let head = read_head(cx, chain, false).await?;
    let page_sql = match chain {
        Chain::Events => select!(
            event_cols!(),
            " FROM events WHERE seq > $1 ORDER BY seq LIMIT $2"
        ),
        Chain::AccessLog => select!(
            access_cols!(),
            " FROM access_log WHERE seq > $1 ORDER BY seq LIMIT $2"
        ),
    };
    let broken = |seq: i64, reason: BreakReason| ChainBreak {
        table: chain.name().to_owned(),
        seq,
        reason,
    };
    // Rows at or below zero were never written by the store.
    let stray = cx
        .fetch_one(
            &match chain {
                Chain::Events => {
                    sql("SELECT MIN(seq) AS s, COUNT(*) AS n FROM events WHERE seq <= 0")
                }
                Chain::AccessLog => {
                    sql("SELECT MIN(seq) AS s, COUNT(*) AS n FROM access_log WHERE seq <= 0")
                }
            },
            &[],
        )
        .await?;
    if stray.i64("n")? > 0 {
        return Ok((0, Some(broken(stray.i64("s")?, BreakReason::BeyondHead))));
    }
    let (unkeyed_until, boundary_hash) = match read_boundary(cx, keys, chain).await? {
        Boundary::None => (0, None),
        Boundary::At { seq, hash } => (seq, Some(hash)),
        Boundary::Forged { seq } => {
            return Ok((0, Some(broken(seq, BreakReason::ForgedBoundary))));
        }
    };

    // Rows the retention run erased: the walk starts after them, from the hash its keyed record
    // holds; a row left at or below that record was put back behind the store's back.
    let (mut expected, mut prev) = match read_pruned(cx, keys, chain).await? {
        Boundary::None => (1i64, GENESIS_HASH.to_owned()),
        Boundary::At { seq, hash } => (seq + 1, hash),
        Boundary::Forged { seq } => {
            return Ok((0, Some(broken(seq, BreakReason::ForgedBoundary))));
        }
    };
    if expected > 1 {
        let q = match chain {
            Chain::Events => {
                sql("SELECT COALESCE(MIN(seq), 0) AS s, COUNT(*) AS n FROM events WHERE seq < $1")
            }
            Chain::AccessLog => sql(
                "SELECT COALESCE(MIN(seq), 0) AS s, COUNT(*) AS n FROM access_log WHERE seq < $1",
            ),
        };
        let row = cx.fetch_one(&q, &[crate::db::Arg::I64(expected)]).await?;
        if row.i64("n")? > 0 {
            return Ok((0, Some(broken(row.i64("s")?, BreakReason::BeyondHead))));
        }
    }
    let mut checked = 0u64;
    loop {
        let rows = cx
            .fetch_all(
                &page_sql,
                &[crate::db::Arg::I64(expected - 1), crate::db::Arg::I64(PAGE)],
            )
            .await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let seq = row.i64("seq")?;
            if seq > head.seq {
                return Ok((checked, Some(broken(seq, BreakReason::BeyondHead))));
            }
            if seq != expected {
                return Ok((checked, Some(broken(expected, BreakReason::Missing))));
            }
            if row.text("prev_hash")? != prev {
                return Ok((checked, Some(broken(seq, BreakReason::WrongPreviousHash))));
            }
            let mac = if seq <= unkeyed_until {
                LinkMac::Plain
            } else {
                LinkMac::Keyed(keys.link())
            };
            let computed = match chain {
                Chain::Events => recompute_event(row, mac, &prev)?,
                Chain::AccessLog => recompute_access(row, mac, &prev)?,
            };
            let stored = row.text("hash")?;
            if !same_tag(&computed, &stored) {
                return Ok((checked, Some(broken(seq, BreakReason::HashMismatch))));
            }
            // The last unkeyed row must be the one the keyed boundary record names.
            if seq == unkeyed_until && boundary_hash.as_deref() != Some(stored.as_str()) {
                // (When the retention run erased that row, its own keyed record vouches instead.)
                return Ok((checked, Some(broken(seq, BreakReason::HashMismatch))));
            }
            prev = stored;
            expected += 1;
            checked += 1;
        }
    }
    if expected - 1 < head.seq.max(unkeyed_until) {
        return Ok((checked, Some(broken(expected, BreakReason::Missing))));
    }
    if prev != head.hash {
        // The last row was replaced wholesale, hash and all.
        return Ok((checked, Some(broken(head.seq, BreakReason::HashMismatch))));
    }
    Ok((checked, None))
}

pub(crate) fn recompute_event(
    row: &Row,
    mac: LinkMac<'_>,
    prev: &str,
) -> Result<String, StoreError> {
    let [event_type, actor, plain] = row.texts(["event_type", "actor", "plain"])?;
    let sealed = row.bytes("sealed")?;
    let event = read_row!(row => EventRowRef {
        seq: i64, stream_id: uuid, version: i64, partnership_id: uuid,
        event_type: { &event_type }, actor: { &actor }, occurred_at: time, recorded_at: time,
        plain: { &plain }, sealed: { &sealed },
    });
    Ok(event_hash(mac, prev, &event))
}

pub(crate) fn recompute_access(
    row: &Row,
    mac: LinkMac<'_>,
    prev: &str,
) -> Result<String, StoreError> {
    let [actor, action, detail, source_ip] =
        row.texts(["actor", "action", "detail", "source_ip"])?;
    let entry = read_row!(row => AccessRowRef {
        seq: i64, at: time, actor: { &actor }, action: { &action }, case_id: opt_uuid,
        detail: { &detail }, source_ip: { &source_ip },
    });
    Ok(access_hash(mac, prev, &entry))
}

/// Walks both chains into a report.
pub(crate) async fn walk_chains(
    cx: &mut Cx<'_>,
    keys: &ChainKeys,
    report: &mut VerifyReport,
) -> Result<(), StoreError> {
    let (events, events_break) = walk_chain(cx, Chain::Events, keys).await?;
    let (access, access_break) = walk_chain(cx, Chain::AccessLog, keys).await?;
    report.events_checked = events;
    report.access_entries_checked = access;
    report.breaks.extend(events_break);
    report.breaks.extend(access_break);
    Ok(())
}

/// Checks that hold across tables on both backends.
async fn consistency_checks(cx: &mut Cx<'_>, problems: &mut Vec<String>) -> Result<(), StoreError> {
    let key_check = cx
        .fetch_optional(&sql("SELECT value FROM meta WHERE key = 'key_check'"), &[])
        .await?;
    if key_check.is_none() {
        problems.push("the master key check value is missing from meta".into());
    }
    let gaps = cx
        .fetch_all(
            &sql(
                "SELECT stream_id FROM events GROUP BY stream_id HAVING COUNT(*) <> MAX(version) \
                  OR MIN(version) <> 1 ORDER BY stream_id",
            ),
            &[],
        )
        .await?;
    for row in gaps {
        problems.push(format!(
            "the stream of case {} has missing versions",
            row.uuid("stream_id")?
        ));
    }
    // Rows whose case has no key row: they could never be read or shredded.
    for (q, what) in [
        (
            sql("SELECT COUNT(*) AS n FROM events e WHERE NOT EXISTS \
                  (SELECT 1 FROM case_keys k WHERE k.case_id = e.stream_id)"),
            "events belong to cases without a key row",
        ),
        (
            sql("SELECT COUNT(*) AS n FROM blobs b WHERE NOT EXISTS \
                  (SELECT 1 FROM case_keys k WHERE k.case_id = b.case_id)"),
            "files belong to cases without a key row",
        ),
    ] {
        let n = cx.fetch_one(&q, &[]).await?.i64("n")?;
        if n > 0 {
            problems.push(format!("{n} {what}"));
        }
    }
    Ok(())
}

/// The database engine's own checks.
async fn engine_checks(cx: &mut Cx<'_>, problems: &mut Vec<String>) -> Result<(), StoreError> {
    if cx.is_postgres() {
        let invalid = cx
            .fetch_all(
                &sql2(
                    "SELECT 1",
                    "SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
                     JOIN pg_namespace n ON n.oid = c.relnamespace \
                     WHERE n.nspname = current_schema() AND NOT i.indisvalid ORDER BY c.relname",
                ),
                &[],
            )
            .await?;
        for row in invalid {
            problems.push(format!("the index {} is invalid", row.text("name")?));
        }
        return Ok(());
    }
    let rows = cx
        .fetch_all(&sql2("PRAGMA integrity_check", "SELECT 'ok'"), &[])
        .await?;
    for row in rows {
        let line = match &row {
            Row::Sqlite(r) => sqlx::Row::try_get::<String, _>(r, 0usize)
                .map_err(|e| StoreError::Corrupt(format!("integrity_check: {e}")))?,
            Row::Pg(_) => "ok".to_owned(),
        };
        if line != "ok" {
            problems.push(format!("SQLite integrity check: {line}"));
        }
    }
    let fk = cx
        .fetch_all(
            &sql2("PRAGMA foreign_key_check", "SELECT 1 WHERE false"),
            &[],
        )
        .await?;
    if !fk.is_empty() {
        problems.push(format!("{} rows break a foreign key", fk.len()));
    }
    Ok(())
}

/// What `verify` with an anchor found.
#[derive(Debug, Clone)]
pub struct AnchoredVerify {
    /// The checks of [`Store::verify`], with any way the chains no longer hold the previous
    /// anchor's rows among its problems.
    pub report: VerifyReport,
    /// The previous anchor, read and authenticated.
    pub previous: Option<ChainAnchor>,
    /// Both chains' heads in the snapshot that was checked.
    pub anchor: ChainAnchor,
    /// The new anchor's file contents (signed); to be written only when the report is clean.
    pub anchor_text: String,
}

/// Every check of `verify` in one snapshot; the chains' keys when they could be read.
async fn check_all(
    cx: &mut Cx<'_>,
    store: &Store,
    report: &mut VerifyReport,
) -> Result<Option<ChainKeys>, StoreError> {
    let keys = match crate::chain::chain_keys(cx, store.keys()).await {
        Ok(keys) => {
            walk_chains(cx, &keys, report).await?;
            Some(keys)
        }
        // A missing or damaged chain key is a finding, not a reason to stop checking.
        Err(StoreError::Corrupt(problem)) => {
            report.problems.push(problem);
            None
        }
        Err(e) => return Err(e),
    };
    consistency_checks(cx, &mut report.problems).await?;
    engine_checks(cx, &mut report.problems).await?;
    Ok(keys)
}

fn log_outcome(report: &VerifyReport) {
    if report.is_ok() {
        tracing::info!(
            events = report.events_checked,
            access = report.access_entries_checked,
            "store verified"
        );
    } else {
        tracing::error!(
            breaks = report.breaks.len(),
            problems = report.problems.len(),
            "store verification failed"
        );
    }
}

impl Store {
    /// Walks both hash chains and runs the engine's and the cross-table checks in one
    /// consistent snapshot; the report names the first broken row of each chain.
    pub async fn verify(&self) -> Result<VerifyReport, StoreError> {
        let mut tx = self.pool().read().await?;
        let mut cx = tx.cx();
        let mut report = VerifyReport::default();
        check_all(&mut cx, self, &mut report).await?;
        tx.commit().await?;
        log_outcome(&report);
        Ok(report)
    }

    /// A keyed pseudonym of an identifier someone typed (the address of a sign-in, for its
    /// throttling counter and the access log): blake3 keyed with a key derived from the chains'
    /// secret, so someone holding the database but not the master key file cannot test a known
    /// address against it, and the same address gives the same pseudonym in this database
    /// (issue 16; docs/SECURITY.md, section 5).
    ///
    /// # Errors
    /// A database failure, or `WrongMasterKey` after a rotation elsewhere.
    pub async fn pseudonym(&self, value: &str) -> Result<String, StoreError> {
        let mut tx = self.pool().read().await?;
        let mut cx = tx.cx();
        let keys = crate::chain::chain_keys(&mut cx, self.keys()).await?;
        Ok(blake3::keyed_hash(keys.pseudonym(), value.as_bytes())
            .to_hex()
            .to_string())
    }

    /// [`Store::verify`], and in the same snapshot: checks that the chains still hold the rows
    /// recorded by `previous` (the text of an earlier anchor file), and signs a new anchor of
    /// the current heads. An anchor that is not one, was altered or belongs to another database
    /// is refused as `Invalid` before anything is checked.
    pub async fn verify_anchored(
        &self,
        previous: Option<&str>,
    ) -> Result<AnchoredVerify, StoreError> {
        let mut tx = self.pool().read().await?;
        let mut cx = tx.cx();
        let keys = crate::chain::chain_keys(&mut cx, self.keys()).await?;
        let previous = previous
            .map(|text| ChainAnchor::parse(text, &keys))
            .transpose()?;
        let mut report = VerifyReport::default();
        check_all(&mut cx, self, &mut report).await?;
        if let Some(anchor) = &previous {
            check_anchor(&mut cx, &keys, anchor, &mut report.problems).await?;
        }
        let anchor = current_anchor(&mut cx).await?;
        tx.commit().await?;
        log_outcome(&report);
        Ok(AnchoredVerify {
            anchor_text: anchor.to_text(&keys),
            report,
            previous,
            anchor,
        })
    }
}
