//! The chains' key and what hangs on it: the HMAC key every link is computed with, the record
//! of where an older database's unkeyed links end, and the signed anchors an operator keeps
//! outside the database to catch a rollback or a rewrite of the whole store.
//!
//! Format (issue 16, finding 8). `meta.chain_key` holds a random chain secret wrapped by the
//! key-encryption key; HKDF derives the link key and the anchor key from it. A database whose
//! chains were written before they were keyed keeps its old rows as they are: `migrate` records,
//! for each chain that has rows, `meta."chain_unkeyed_until:<chain>"` = `<seq> <hash> <tag>`,
//! the last unkeyed row, its hash and an HMAC over both. Rows up to that one are checked with the
//! old blake3, rows after it with the HMAC, and the tag pins the boundary so nobody without the
//! key can move it or rewrite the rows below it.

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::codec::{Fields, GENESIS_HASH, canonical_json, fmt_time, parse_time, same_tag};
use crate::db::{Arg, Cx, sql, sql2};
use crate::events::{Chain, Head, missing_head, read_head};
use crate::keys::{ChainKeys, Keys};
use crate::{Store, StoreError};

const CHAIN_KEY: &str = "chain_key";
const ANCHOR_FORMAT: &str = "cspr-chain-anchor";
const ANCHOR_VERSION: i64 = 1;

/// The two keyed records a chain may have in `meta`: where its unkeyed rows end, and where the
/// retention run erased it up to (the rows up to that one are gone; the next row links to the
/// hash recorded there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    Unkeyed,
    Pruned,
}

impl Mark {
    fn key(self, chain: Chain) -> String {
        match self {
            Mark::Unkeyed => format!("chain_unkeyed_until:{}", chain.name()),
            Mark::Pruned => format!("chain_pruned_until:{}", chain.name()),
        }
    }

    const fn domain(self) -> &'static str {
        match self {
            Mark::Unkeyed => "cspr-chain-unkeyed-until-v1",
            Mark::Pruned => "cspr-chain-pruned-until-v1",
        }
    }
}

/// Fails with `WrongMasterKey` when the database's key check is no longer this process's key
/// (a rotation committed since it started). On PostgreSQL it takes a share lock on the row, so
/// a rotation waits for this transaction, or this transaction sees the rotation.
pub(crate) async fn check_key_unchanged(cx: &mut Cx<'_>, keys: &Keys) -> Result<(), StoreError> {
    let row = cx
        .fetch_optional(
            &sql2(
                "SELECT value FROM meta WHERE key = 'key_check'",
                "SELECT value FROM meta WHERE key = 'key_check' FOR SHARE",
            ),
            &[],
        )
        .await?;
    match row {
        Some(r) if r.text("value")? != keys.check_value() => Err(StoreError::WrongMasterKey),
        _ => Ok(()),
    }
}

/// The chains' keys, unwrapped from `meta`. A process whose master key was rotated away gets
/// `WrongMasterKey`, so it writes nothing more under the old key.
pub(crate) async fn chain_keys(cx: &mut Cx<'_>, keys: &Keys) -> Result<ChainKeys, StoreError> {
    let wrapped = cx
        .fetch_optional(
            &sql("SELECT value FROM meta WHERE key = $1"),
            &[Arg::from(CHAIN_KEY)],
        )
        .await?
        .map(|row| row.text("value"))
        .transpose()?;
    unwrap_chain_keys(cx, keys, wrapped).await
}

/// A chain's head, locked for writing as [`read_head`] locks it, and the chains' keys as
/// [`chain_keys`] gives them, in one statement: the access log reads both for every batch it
/// writes (issue 20).
pub(crate) async fn head_and_keys(
    cx: &mut Cx<'_>,
    keys: &Keys,
    chain: Chain,
) -> Result<(Head, ChainKeys), StoreError> {
    let row = cx
        .fetch_optional(
            &sql2(
                "SELECT seq, hash, (SELECT value FROM meta WHERE key = $2) AS chain_key \
                 FROM chain_heads WHERE chain = $1",
                "SELECT seq, hash, (SELECT value FROM meta WHERE key = $2) AS chain_key \
                 FROM chain_heads WHERE chain = $1 FOR UPDATE",
            ),
            &[Arg::from(chain.name()), Arg::from(CHAIN_KEY)],
        )
        .await?
        .ok_or_else(|| missing_head(chain))?;
    let head = Head {
        seq: row.i64("seq")?,
        hash: row.text("hash")?,
    };
    let wrapped = row.opt_text("chain_key")?;
    Ok((head, unwrap_chain_keys(cx, keys, wrapped).await?))
}

/// Unwraps the chains' keys from `meta`'s value (`None`: the row is missing).
async fn unwrap_chain_keys(
    cx: &mut Cx<'_>,
    keys: &Keys,
    wrapped: Option<String>,
) -> Result<ChainKeys, StoreError> {
    let wrapped = wrapped.ok_or_else(|| {
        StoreError::Corrupt(
            "the hash chains have no key: if no version that keys them has opened this \
             database yet, run `cspr migrate`; if one has, the key was removed behind the \
             store's back, so restore a backup instead"
                .into(),
        )
    })?;
    let wrapped = hex::decode(wrapped)
        .map_err(|_| StoreError::Corrupt("the hash chains' key is not readable".into()))?;
    match keys.unwrap_chain_secret(&wrapped) {
        Ok(k) => Ok(k),
        Err(e) => {
            check_key_unchanged(cx, keys).await?;
            Err(e)
        }
    }
}

/// Creates the chain key once, recording where an older database's unkeyed rows end; called by
/// `migrate`, in one transaction holding both chain heads. Does nothing when the chains are
/// keyed already.
pub(crate) async fn key_chains(store: &Store) -> Result<(), StoreError> {
    let mut tx = store.pool().write().await?;
    let mut cx = tx.cx();
    let events = read_head(&mut cx, Chain::Events, true).await?;
    let access = read_head(&mut cx, Chain::AccessLog, true).await?;
    let exists = cx
        .fetch_optional(
            &sql("SELECT 1 AS one FROM meta WHERE key = $1"),
            &[Arg::from(CHAIN_KEY)],
        )
        .await?
        .is_some();
    if exists {
        return Ok(());
    }
    check_key_unchanged(&mut cx, store.keys()).await?;
    let (chain_keys, wrapped) = store.keys().new_chain_secret()?;
    cx.execute(
        &sql("INSERT INTO meta (key, value) VALUES ($1, $2)"),
        &[Arg::from(CHAIN_KEY), Arg::Text(hex::encode(wrapped))],
    )
    .await?;
    for (chain, head) in [(Chain::Events, &events), (Chain::AccessLog, &access)] {
        write_boundary(&mut cx, &chain_keys, chain, head).await?;
    }
    tx.commit().await?;
    if events.seq > 0 || access.seq > 0 {
        // Positions only: enough for an operator to match this against an anchor or a backup.
        tracing::warn!(
            events_unkeyed_until = events.seq,
            access_log_unkeyed_until = access.seq,
            "hash chains keyed; the rows written before keep their unkeyed hashes, pinned by a keyed record"
        );
    } else {
        tracing::info!("hash chains keyed");
    }
    Ok(())
}

/// Records `head` as the last unkeyed row of `chain` (nothing when the chain is empty).
pub(crate) async fn write_boundary(
    cx: &mut Cx<'_>,
    keys: &ChainKeys,
    chain: Chain,
    head: &Head,
) -> Result<(), StoreError> {
    write_mark(cx, keys, chain, Mark::Unkeyed, head).await
}

/// Records `row` as the last row of `chain` the retention run erased (nothing for row 0).
pub(crate) async fn write_pruned(
    cx: &mut Cx<'_>,
    keys: &ChainKeys,
    chain: Chain,
    row: &Head,
) -> Result<(), StoreError> {
    write_mark(cx, keys, chain, Mark::Pruned, row).await
}

async fn write_mark(
    cx: &mut Cx<'_>,
    keys: &ChainKeys,
    chain: Chain,
    mark: Mark,
    head: &Head,
) -> Result<(), StoreError> {
    if head.seq == 0 {
        return Ok(());
    }
    let tag = mark_tag(keys, chain, mark, head.seq, &head.hash);
    cx.execute(
        &sql("INSERT INTO meta (key, value) VALUES ($1, $2) \
              ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
        &[
            Arg::Text(mark.key(chain)),
            Arg::Text(format!("{} {} {tag}", head.seq, head.hash)),
        ],
    )
    .await?;
    Ok(())
}

fn mark_tag(keys: &ChainKeys, chain: Chain, mark: Mark, seq: i64, hash: &str) -> String {
    Fields::keyed(keys.link(), mark.domain())
        .text(chain.name())
        .int(seq)
        .text(hash)
        .finish()
}

/// Where a chain's unkeyed rows end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Boundary {
    /// Every row is keyed.
    None,
    /// Rows up to `seq` are unkeyed, and row `seq` has this hash.
    At { seq: i64, hash: String },
    /// The record was changed by someone without the key (it names this row, or 0).
    Forged { seq: i64 },
}

/// Reads and authenticates a chain's boundary record.
pub(crate) async fn read_boundary(
    cx: &mut Cx<'_>,
    keys: &ChainKeys,
    chain: Chain,
) -> Result<Boundary, StoreError> {
    read_mark(cx, keys, chain, Mark::Unkeyed).await
}

/// Reads and authenticates where the retention run erased a chain up to.
pub(crate) async fn read_pruned(
    cx: &mut Cx<'_>,
    keys: &ChainKeys,
    chain: Chain,
) -> Result<Boundary, StoreError> {
    read_mark(cx, keys, chain, Mark::Pruned).await
}

async fn read_mark(
    cx: &mut Cx<'_>,
    keys: &ChainKeys,
    chain: Chain,
    mark: Mark,
) -> Result<Boundary, StoreError> {
    let Some(row) = cx
        .fetch_optional(
            &sql("SELECT value FROM meta WHERE key = $1"),
            &[Arg::Text(mark.key(chain))],
        )
        .await?
    else {
        return Ok(Boundary::None);
    };
    let value = row.text("value")?;
    let parts: Vec<&str> = value.split(' ').collect();
    let seq = parts.first().and_then(|s| s.parse::<i64>().ok());
    Ok(match (seq, parts.as_slice()) {
        (Some(seq), [_, hash, tag])
            if seq > 0 && same_tag(tag, &mark_tag(keys, chain, mark, seq, hash)) =>
        {
            Boundary::At {
                seq,
                hash: (*hash).to_owned(),
            }
        }
        _ => Boundary::Forged {
            seq: seq.unwrap_or(0),
        },
    })
}

/// One chain's head as an anchor records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchoredHead {
    /// The sequence number of the chain's last row (0 for an empty chain).
    pub seq: i64,
    /// That row's hash.
    pub hash: String,
}

/// Both chains' heads at one moment, signed with a key derived from the chain key (HMAC-SHA256):
/// kept by the operator outside the database, it proves later that the chains still hold these
/// rows, so a database rolled back or rewritten before the anchor is caught.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainAnchor {
    /// When the anchor was taken.
    pub at: OffsetDateTime,
    /// The event chain's head.
    pub events: AnchoredHead,
    /// The access-log chain's head.
    pub access_log: AnchoredHead,
}

impl ChainAnchor {
    fn tag(&self, keys: &ChainKeys) -> String {
        Fields::keyed(keys.anchor(), "cspr-chain-anchor-v1")
            .text(&fmt_time(self.at))
            .int(self.events.seq)
            .text(&self.events.hash)
            .int(self.access_log.seq)
            .text(&self.access_log.hash)
            .finish()
    }

    /// The anchor file's text: one line of canonical JSON with its tag.
    pub(crate) fn to_text(&self, keys: &ChainKeys) -> String {
        let head = |h: &AnchoredHead| json!({"seq": h.seq, "hash": h.hash});
        let mut text = canonical_json(&json!({
            "format": ANCHOR_FORMAT,
            "version": ANCHOR_VERSION,
            "at": fmt_time(self.at),
            "events": head(&self.events),
            "access_log": head(&self.access_log),
            "mac": self.tag(keys),
        }));
        text.push('\n');
        text
    }

    /// Reads an anchor file's text and checks its tag; a malformed, altered or foreign anchor
    /// is refused as bad input.
    pub(crate) fn parse(text: &str, keys: &ChainKeys) -> Result<ChainAnchor, StoreError> {
        let not_anchor =
            || StoreError::Invalid("The anchor file is not a cspr chain anchor.".into());
        let v: Value = serde_json::from_str(text.trim()).map_err(|_| not_anchor())?;
        if v.get("format").and_then(Value::as_str) != Some(ANCHOR_FORMAT) {
            return Err(not_anchor());
        }
        if v.get("version").and_then(Value::as_i64) != Some(ANCHOR_VERSION) {
            return Err(StoreError::Invalid(
                "The anchor file was written by an incompatible version of cspr.".into(),
            ));
        }
        let head = |name: &str| -> Option<AnchoredHead> {
            let h = v.get(name)?;
            let hash = h.get("hash")?.as_str()?;
            let seq = h.get("seq")?.as_i64()?;
            (seq >= 0 && hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then(
                || AnchoredHead {
                    seq,
                    hash: hash.to_owned(),
                },
            )
        };
        let anchor = ChainAnchor {
            at: v
                .get("at")
                .and_then(Value::as_str)
                .and_then(|s| parse_time(s).ok())
                .ok_or_else(not_anchor)?,
            events: head("events").ok_or_else(not_anchor)?,
            access_log: head("access_log").ok_or_else(not_anchor)?,
        };
        let mac = v
            .get("mac")
            .and_then(Value::as_str)
            .ok_or_else(not_anchor)?;
        if !same_tag(mac, &anchor.tag(keys)) {
            return Err(StoreError::Invalid(
                "The anchor file's signature does not match: it was altered, or it was written \
                 for another database."
                    .into(),
            ));
        }
        Ok(anchor)
    }
}

/// The heads of both chains now, as an anchor (not yet signed: see [`ChainAnchor::to_text`]).
pub(crate) async fn current_anchor(cx: &mut Cx<'_>) -> Result<ChainAnchor, StoreError> {
    let events = read_head(cx, Chain::Events, false).await?;
    let access = read_head(cx, Chain::AccessLog, false).await?;
    Ok(ChainAnchor {
        at: crate::codec::now(),
        events: AnchoredHead {
            seq: events.seq,
            hash: events.hash,
        },
        access_log: AnchoredHead {
            seq: access.seq,
            hash: access.hash,
        },
    })
}

/// Checks that both chains still hold the anchored rows with the anchored hashes; each way they
/// do not becomes a problem of the report. The chains themselves are walked separately, so a
/// matching row proves the whole chain up to it is the one anchored.
pub(crate) async fn check_anchor(
    cx: &mut Cx<'_>,
    keys: &ChainKeys,
    anchor: &ChainAnchor,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    let at = fmt_time(anchor.at);
    for (chain, head) in [
        (Chain::Events, &anchor.events),
        (Chain::AccessLog, &anchor.access_log),
    ] {
        let name = chain.name();
        // Rows the retention run erased are vouched for by its keyed record: an anchored row
        // below it is gone by design; the record's own row keeps its hash there.
        let pruned = match read_pruned(cx, keys, chain).await? {
            Boundary::At { seq, hash } => Some((seq, hash)),
            Boundary::None | Boundary::Forged { .. } => None,
        };
        let stored = if head.seq == 0 {
            Some(GENESIS_HASH.to_owned())
        } else if let Some((seq, hash)) = pruned.filter(|(seq, _)| head.seq <= *seq) {
            Some(if head.seq == seq {
                hash
            } else {
                head.hash.clone()
            })
        } else {
            let q = match chain {
                Chain::Events => sql("SELECT hash FROM events WHERE seq = $1"),
                Chain::AccessLog => sql("SELECT hash FROM access_log WHERE seq = $1"),
            };
            cx.fetch_optional(&q, &[Arg::I64(head.seq)])
                .await?
                .map(|r| r.text("hash"))
                .transpose()?
        };
        match stored {
            None => problems.push(format!(
                "the {name} chain no longer reaches row {}, which the anchor taken at {at} \
                 records: the database was rolled back or rewritten",
                head.seq
            )),
            Some(hash) if !same_tag(&hash, &head.hash) => problems.push(format!(
                "{name} row {} is not the row the anchor taken at {at} records: the chain was \
                 rewritten",
                head.seq
            )),
            Some(_) => {}
        }
    }
    Ok(())
}
