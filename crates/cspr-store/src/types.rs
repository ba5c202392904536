//! The rows the store takes and returns. They are storage shapes, not domain types: the
//! application layer maps its domain events and read models onto them.

use std::fmt;

use serde_json::Value;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// Embedded SQLite file (the default for one partnership on one machine).
    Sqlite,
    /// PostgreSQL server (production, many instances).
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        })
    }
}

/// An event to append to a case's stream.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// The event's name, in the past tense (`NotificationRecorded`).
    pub event_type: String,
    /// Who caused it (a user id or a system name); not personal data about a subject.
    pub actor: String,
    /// When it happened in the world.
    pub occurred_at: OffsetDateTime,
    /// The non-personal part, stored readable.
    pub plain: Value,
    /// The personal part, encrypted at rest with the case key.
    pub sealed: Value,
}

/// An event read back from the store.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Position in the global order of all events (1, 2, ...).
    pub seq: i64,
    /// The case this event belongs to.
    pub stream_id: Uuid,
    /// Position in its stream (1, 2, ...).
    pub version: u64,
    /// The case's partnership.
    pub partnership_id: Uuid,
    /// The event's name.
    pub event_type: String,
    /// Who caused it.
    pub actor: String,
    /// When it happened in the world (UTC, microseconds).
    pub occurred_at: OffsetDateTime,
    /// When the store wrote it (UTC, microseconds).
    pub recorded_at: OffsetDateTime,
    /// The non-personal part.
    pub plain: Value,
    /// The personal part, or `None` once the case has been crypto-shredded.
    pub sealed: Option<Value>,
    /// The row's link in the event hash chain (hex blake3).
    pub hash: String,
}

/// Everything the read models hold for one case, replaced as a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionUpdate {
    /// The case list row.
    pub summary: CaseSummary,
    /// The case's deadlines.
    pub deadlines: Vec<DeadlineRow>,
    /// The case's action-plan actions.
    pub actions: Vec<ActionRow>,
    /// Who is a member of the case, and as what.
    pub members: Vec<CaseMember>,
}

/// One row of the case list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSummary {
    /// The case (= its stream id).
    pub case_id: Uuid,
    /// The partnership that owns it.
    pub partnership_id: Uuid,
    /// The partnership's reference for the case.
    pub reference: String,
    /// The stage's machine name.
    pub stage: String,
    /// The stage as people read it.
    pub stage_label: String,
    /// The soonest open deadline.
    pub next_deadline: Option<Date>,
    /// What that deadline is for.
    pub next_deadline_label: Option<String>,
    /// The day the case was opened.
    pub opened_on: Date,
    /// When the projection last changed.
    pub updated_at: OffsetDateTime,
    /// Whether the case is closed.
    pub closed: bool,
    /// The day it closed (`None` while open, or for a row written before retention knew it).
    pub closed_on: Option<Date>,
    /// Whether a legal hold keeps it from erasure.
    pub legal_hold: bool,
    /// The agencies involved in the case.
    pub agencies: Vec<Uuid>,
    /// The case's learning themes.
    pub themes: Vec<String>,
}

/// One derived deadline of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineRow {
    /// The case.
    pub case_id: Uuid,
    /// A stable key within the case (`rapid-review`).
    pub key: String,
    /// What the deadline is for.
    pub label: String,
    /// The due date.
    pub due: Date,
    /// `due`, `met`, `overdue` or `stopped`.
    pub state: String,
    /// When it was met.
    pub met_on: Option<Date>,
    /// How the date was worked out, in words.
    pub explanation: String,
}

/// One action of a case's action plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRow {
    /// The case.
    pub case_id: Uuid,
    /// The action.
    pub action_id: Uuid,
    /// The recommendation it answers.
    pub recommendation: String,
    /// The agency that owns it.
    pub agency: String,
    /// What is to be done.
    pub description: String,
    /// When it is due.
    pub due: Option<Date>,
    /// Its progress.
    pub status: String,
    /// Who in the agency owns it.
    pub owner: String,
    /// Its learning themes.
    pub themes: Vec<String>,
    /// The day of its latest progress.
    pub last_progress: Option<Date>,
    /// The day it was completed.
    pub completed_on: Option<Date>,
    /// The day its impact was evidenced.
    pub impact_evidenced_on: Option<Date>,
}

/// A user's membership of a case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CaseMember {
    /// The user.
    pub user_id: Uuid,
    /// Their role on the case.
    pub role: String,
}

/// Which cases a listing may show; applied inside the SQL query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseScope {
    /// Every case of the partnership (partnership team, chair).
    Partnership(Uuid),
    /// Only the partnership's cases the user is a member of.
    Member {
        /// The partnership.
        partnership_id: Uuid,
        /// The user.
        user_id: Uuid,
    },
}

/// A follow-up job to run after a change commits (outbox).
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// What to run (`send-chaser`).
    pub kind: String,
    /// The job's input; ids, not personal data.
    pub payload: Value,
    /// Not before this time.
    pub run_at: OffsetDateTime,
}

/// A job claimed by a worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// The job's id.
    pub id: i64,
    /// What to run.
    pub kind: String,
    /// The job's input.
    pub payload: Value,
    /// How many times it has been claimed, this claim included.
    pub attempts: u32,
    /// When it became due.
    pub run_at: OffsetDateTime,
}

/// How many jobs are in each state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JobCounts {
    /// Waiting to run (including waiting for a retry).
    pub pending: u64,
    /// Claimed by a worker whose lease has not run out.
    pub running: u64,
    /// Finished.
    pub done: u64,
    /// Failed too often; needs a person.
    pub dead: u64,
}

/// An access-log entry to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccessEntry {
    /// Who (user id, or the name tried at a failed sign-in).
    pub actor: String,
    /// What (`view-case`, `download`, `sign-in-failed`, ...).
    pub action: String,
    /// Which case, if any.
    pub case_id: Option<Uuid>,
    /// Non-personal detail (a document id, a route).
    pub detail: String,
    /// The client's address.
    pub source_ip: String,
    /// When.
    pub at: OffsetDateTime,
}

/// An access-log entry read back; text fields carry control characters escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLogRow {
    /// Position in the access-log chain.
    pub seq: i64,
    /// When.
    pub at: OffsetDateTime,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// Which case, if any.
    pub case_id: Option<Uuid>,
    /// Non-personal detail.
    pub detail: String,
    /// The client's address.
    pub source_ip: String,
    /// The row's link in the access-log hash chain.
    pub hash: String,
}

/// A stored file, decrypted.
#[derive(Clone, PartialEq, Eq)]
pub struct Blob {
    /// The blob's id (server-generated storage name).
    pub id: Uuid,
    /// The case it belongs to.
    pub case_id: Uuid,
    /// Its media type.
    pub content_type: String,
    /// The name it was uploaded with (encrypted at rest: names can be personal).
    pub file_name: String,
    /// Its content.
    pub bytes: Vec<u8>,
    /// When it was stored.
    pub created_at: OffsetDateTime,
}

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names and contents stay out of logs.
        f.debug_struct("Blob")
            .field("id", &self.id)
            .field("case_id", &self.case_id)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

/// Why a hash chain is broken at a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BreakReason {
    /// The row's content no longer matches its hash: it was edited.
    HashMismatch,
    /// The row does not link to the hash of the row before it.
    WrongPreviousHash,
    /// The row is missing: deleted, or the chain head points past the last row.
    Missing,
    /// The row lies beyond the recorded chain head: inserted behind the store's back.
    BeyondHead,
    /// The keyed record of where an older database's unkeyed rows end was changed, by someone
    /// without the key (it would have moved which rows anyone can recompute).
    ForgedBoundary,
}

impl fmt::Display for BreakReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BreakReason::HashMismatch => {
                "its content does not match its hash (the row was changed)"
            }
            BreakReason::WrongPreviousHash => {
                "it does not link to the row before it (a row before it was changed or replaced)"
            }
            BreakReason::Missing => "the row is missing (it was deleted)",
            BreakReason::BeyondHead => "the row lies beyond the end of the chain (it was inserted)",
            BreakReason::ForgedBoundary => {
                "the record of where the unkeyed rows end fails its keyed check (it was changed)"
            }
        })
    }
}

/// The first broken row found in one chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// `events` or `access_log`.
    pub table: String,
    /// The sequence number of the broken row.
    pub seq: i64,
    /// What is wrong with it.
    pub reason: BreakReason,
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} row {}: {}", self.table, self.seq, self.reason)
    }
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerifyReport {
    /// Event rows walked.
    pub events_checked: u64,
    /// Access-log rows walked.
    pub access_entries_checked: u64,
    /// The first break of each chain, if any.
    pub breaks: Vec<ChainBreak>,
    /// Problems found by the database's own checks and the cross-table consistency checks.
    pub problems: Vec<String>,
}

impl VerifyReport {
    /// True when both chains are whole and no problem was found.
    pub fn is_ok(&self) -> bool {
        self.breaks.is_empty() && self.problems.is_empty()
    }
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "checked {} events and {} access-log entries",
            self.events_checked, self.access_entries_checked
        )?;
        for b in &self.breaks {
            writeln!(f, "BROKEN: {b}")?;
        }
        for p in &self.problems {
            writeln!(f, "PROBLEM: {p}")?;
        }
        if self.is_ok() {
            writeln!(f, "OK")?;
        }
        Ok(())
    }
}

/// What a canonical export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExportStats {
    /// Rows written per table, in export order.
    pub tables: Vec<(String, u64)>,
    /// Rows written in all.
    pub total_rows: u64,
}
