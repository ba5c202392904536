//! cspr-store: the event store of cspr with its projections, access log, job outbox, encrypted
//! blobs, integrity checks and backups, on SQLite (embedded default) or PostgreSQL with one
//! behaviour. It knows nothing of the domain: callers map their events and read models to its rows.

#![warn(missing_docs)]

mod access;
mod activations;
mod api_tokens;
mod backup;
mod blobs;
mod ceremonies;
mod chain;
mod codec;
mod db;
mod error;
mod events;
mod export;
mod grants;
mod identity;
mod jobs;
mod keys;
mod learning;
mod links;
mod passkeys;
mod projections;
mod published;
mod retention;
mod rotate;
mod store;
mod types;
mod verify;

#[cfg(feature = "testing")]
pub mod testing;

pub use api_tokens::{ApiClientRow, ApiTokenKind, ApiTokenRead, ApiTokenRow};
pub use backup::BackupSecret;
pub use ceremonies::NewCeremony;
pub use chain::{AnchoredHead, ChainAnchor};
pub use db::{DbCounts, db_counts};
pub use error::StoreError;
pub use events::AppendExtras;
pub use grants::RoleGrant;
pub use identity::{
    AgencyRow, LoginFailures, NewSession, NewUser, PartnershipRow, SessionRead, SessionRow, UserRow,
};
pub use jobs::{JOB_MAX_ATTEMPTS, JobOutcome, job_backoff};
pub use keys::MasterKey;
pub use learning::{BriefingEventRow, LibraryRecordRow, NewBriefingEvent};
pub use links::{NewPractitionerLink, PractitionerLink};
pub use passkeys::PasskeyRow;
pub use projections::CaseRead;
pub use published::{
    Improvement, ImprovementAction, Improvements, NewPublishedReport, PublishedReport,
};
pub use retention::{OldAccessEntries, RetainedRecord, RetentionCase};
pub use rotate::RotationStats;
pub use store::{StartupLock, Store};
pub use types::{
    AccessLogRow, ActionRow, Backend, Blob, BreakReason, CaseMember, CaseScope, CaseSummary,
    ChainBreak, DeadlineRow, ExportStats, Job, JobCounts, NewAccessEntry, NewEvent, NewJob,
    ProjectionUpdate, StoredEvent, VerifyReport,
};
pub use verify::AnchoredVerify;
