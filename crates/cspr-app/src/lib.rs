//! The application layer: the one way a user action reaches a case. Load the stream, replay
//! it, decide each command of the action against the case as the ones before left it, and
//! append all the events with the case's read models, follow-up jobs and anything else the
//! action writes in one transaction ([`App::transact`]). Every workflow lives here (one module
//! each), with the access policy ([`policy`]), settings, jobs, email and exports; the web
//! pages, the API and the CLI are adapters over it.

pub mod accounts;
pub mod answers;
pub mod briefings;
pub mod cases;
mod dates;
pub mod demo;
pub mod demo_accounts;
pub mod demo_content;
pub mod documents;
pub mod exports;
pub mod files;
pub mod jobs;
pub mod learning;
pub mod library;
pub mod mail;
pub mod meetings;
pub mod policy;
mod projection;
pub mod publication;
pub mod reader;
pub mod requests;
pub mod retention;
mod services;
pub mod settings;
pub mod subject_access;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cspr_domain::calendar::Calendar;
use cspr_domain::case::{Case, Command, Ctx, DomainError, Event, decide};
use cspr_domain::ids::{CaseId, PartnershipId, UserId};
use cspr_domain::settings::Settings;
use cspr_store::{AppendExtras, NewEvent, NewPublishedReport, Store, StoreError};
use time::{Date, OffsetDateTime};

pub use dates::{date_in_england, in_england};
pub use projection::projection;
pub use services::{Clock, Services, SystemClock};

/// Why a command did not go through.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The process refused it (a message for the user).
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The case changed since the user loaded it.
    #[error("This case changed while you were editing it. Check the latest version and try again.")]
    Conflict {
        /// The version the user saw.
        expected: u64,
        /// The version it has now.
        actual: u64,
    },
    /// No such case.
    #[error("There is no such case.")]
    NotFound,
    /// A stored event or record could not be read back.
    #[error("A stored event of this case could not be read: {0}")]
    Corrupt(String),
    /// Something other than the case and the store failed (a rendering, a capability misused,
    /// a failure injected by a test): a fault of the service, not of the data.
    #[error("The service could not complete this: {0}")]
    Internal(String),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { expected, actual } => Self::Conflict { expected, actual },
            StoreError::NotFound => Self::NotFound,
            other => Self::Store(other),
        }
    }
}

/// Who is acting and when.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    /// The user.
    pub user_id: UserId,
    /// The moment of the request.
    pub now: OffsetDateTime,
    /// Today in England.
    pub today: Date,
    /// The one agency the person acts for (an agency representative), or `None` when they act
    /// for the partnership. Commands that act for another agency are refused
    /// ([`cspr_domain::case::within_agency`]).
    pub acting_for: Option<cspr_domain::ids::AgencyId>,
}

/// A partnership's services over one store.
#[derive(Debug, Clone)]
pub struct App {
    store: Store,
    // Shared, so a copy of the application (one per request, `Services::app`) costs two
    // reference counts, not a copy of the settings' lists.
    calendar: Arc<Calendar>,
    settings: Arc<Settings>,
    cache: Arc<Mutex<LoadCache>>,
    fault: Option<Fault>,
}

/// A failure to inject into every user action, for tests that show an action is written whole
/// or not at all. Never set in service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The action fails when it comes to its n-th command (1 for the first), after deciding
    /// the ones before it.
    OnCommand(usize),
}

/// Cases recently loaded, decoded: a page of a case with a long history is read from here when
/// the stream has not moved on since and its key still stands (checked with one indexed query
/// on every load, or with the access check), so a case shredded by another process is never
/// served from memory (issue 18). Entries live at most [`CACHE_TTL`] besides.
#[derive(Debug, Default)]
struct LoadCache {
    entries: HashMap<CaseId, Cached>,
}

#[derive(Debug)]
struct Cached {
    version: u64,
    at: Instant,
    case: Arc<Case>,
    events: Arc<Vec<Event>>,
}

/// A decoded case and its events, shared with the process's cache of decoded cases.
pub type SharedCase = (Arc<Case>, Arc<Vec<Event>>);

/// How long a decoded case may be served from memory.
pub const CACHE_TTL: Duration = Duration::from_secs(60);
/// How many decoded cases are kept.
const CACHE_CASES: usize = 64;

impl App {
    /// Services over `store` with a partnership's calendar and settings.
    #[must_use]
    pub fn new(store: Store, calendar: Calendar, settings: Settings) -> Self {
        Self {
            store,
            calendar: Arc::new(calendar),
            settings: Arc::new(settings),
            cache: Arc::default(),
            fault: None,
        }
    }

    /// The same services with a failure injected into every user action (tests only).
    #[doc(hidden)]
    #[must_use]
    pub fn with_fault(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        self
    }

    /// Crypto-shreds a case (its key destroyed) and forgets any decoded copy in memory.
    ///
    /// # Errors
    /// Store failures.
    pub async fn shred_case(&self, case_id: CaseId) -> Result<(), AppError> {
        self.forget(case_id);
        self.store.shred_case(case_id.as_uuid()).await?;
        self.forget(case_id);
        Ok(())
    }

    /// Erases a closed case at the end of its retention period if it is still due
    /// ([`Store::erase_case`]), and forgets any decoded copy in memory; whether it was erased.
    ///
    /// # Errors
    /// Store failures.
    pub async fn erase_case(
        &self,
        case_id: uuid::Uuid,
        closed_on: Date,
        audit: cspr_store::NewAccessEntry,
    ) -> Result<bool, AppError> {
        let case_id_typed = CaseId::from_uuid(case_id);
        self.forget(case_id_typed);
        let erased = self.store.erase_case(case_id, closed_on, audit).await?;
        self.forget(case_id_typed);
        Ok(erased)
    }

    pub(crate) fn forget(&self, case_id: CaseId) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.entries.remove(&case_id);
        }
    }

    fn cached(&self, case_id: CaseId, version: u64) -> Option<SharedCase> {
        let cache = self.cache.lock().ok()?;
        let hit = cache.entries.get(&case_id)?;
        (hit.version == version && hit.at.elapsed() < CACHE_TTL)
            .then(|| (Arc::clone(&hit.case), Arc::clone(&hit.events)))
    }

    fn remember(&self, case_id: CaseId, version: u64, case: &Arc<Case>, events: &Arc<Vec<Event>>) {
        let Ok(mut cache) = self.cache.lock() else {
            return;
        };
        if cache.entries.len() >= CACHE_CASES && !cache.entries.contains_key(&case_id) {
            let oldest = cache
                .entries
                .iter()
                .min_by_key(|(_, c)| c.at)
                .map(|(id, _)| *id);
            if let Some(id) = oldest {
                cache.entries.remove(&id);
            }
        }
        cache.entries.insert(
            case_id,
            Cached {
                version,
                at: Instant::now(),
                case: Arc::clone(case),
                events: Arc::clone(events),
            },
        );
    }

    /// The store underneath.
    #[must_use]
    pub const fn store(&self) -> &Store {
        &self.store
    }

    /// The working-day calendar.
    #[must_use]
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// The settings.
    #[must_use]
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Loads a case: its state and its events, oldest first.
    ///
    /// # Errors
    /// [`AppError::NotFound`] for a case with no events; store and decoding errors.
    pub async fn load(&self, case_id: CaseId) -> Result<(Case, Vec<Event>), AppError> {
        let (case, events) = self.load_shared(case_id).await?;
        Ok((Arc::unwrap_or_clone(case), Arc::unwrap_or_clone(events)))
    }

    /// [`App::load`] without a copy: the decoded case as this process keeps it, shared (a page
    /// that only reads the case need not copy a thousand events; issue 20).
    ///
    /// # Errors
    /// As [`App::load`].
    pub async fn load_shared(&self, case_id: CaseId) -> Result<SharedCase, AppError> {
        let (version, shredded) = self.store.stream_state(case_id.as_uuid()).await?;
        if shredded {
            // Shredded, perhaps by another process: its kept copy goes too (issue 18).
            self.forget(case_id);
            return Err(AppError::Store(StoreError::Shredded));
        }
        self.load_shared_at(case_id, version).await
    }

    /// [`App::load_shared`] given the stream's version, read by the caller already (the access
    /// check reads it with the case's summary): the copy kept at that version, or the stream
    /// read now.
    ///
    /// # Errors
    /// As [`App::load`].
    pub async fn load_shared_at(
        &self,
        case_id: CaseId,
        version: u64,
    ) -> Result<SharedCase, AppError> {
        if version > 0
            && let Some(hit) = self.cached(case_id, version)
        {
            return Ok(hit);
        }
        let stored = self.store.load_stream(case_id.as_uuid()).await?;
        if stored.is_empty() {
            return Err(AppError::NotFound);
        }
        let stored_version = stored.last().map_or(0, |s| s.version);
        let events = Arc::new(decode_events(&stored)?);
        let case = Arc::new(Case::replay(events.iter()));
        self.remember(case_id, stored_version, &case, &events);
        Ok((case, events))
    }

    /// Runs a command against a case. `expected_version` is the version the user saw (`None`
    /// to run against whatever is current, for jobs and scripts). Returns the new version.
    ///
    /// # Errors
    /// [`AppError::Domain`] when the process refuses, [`AppError::Conflict`] when the case
    /// moved on, store errors otherwise. Nothing is written on any error.
    pub async fn execute(
        &self,
        case_id: CaseId,
        expected_version: Option<u64>,
        command: Command,
        actor: Actor,
    ) -> Result<u64, AppError> {
        self.execute_all(case_id, expected_version, vec![command], actor)
            .await
    }

    /// Runs several commands against a case as one user action: each is decided against the
    /// case as the ones before it left it, and their events are appended in one transaction,
    /// or none are.
    ///
    /// # Errors
    /// As [`App::execute`]; the first refusal stops the rest and nothing is written.
    pub async fn execute_all(
        &self,
        case_id: CaseId,
        expected_version: Option<u64>,
        commands: Vec<Command>,
        actor: Actor,
    ) -> Result<u64, AppError> {
        self.transact(case_id, expected_version, actor, |unit| {
            for command in commands.iter().cloned() {
                unit.run(command)?;
            }
            Ok(())
        })
        .await
        .map(|((), version)| version)
    }

    /// Asks the case whether it would accept a command now, without writing anything: the
    /// events it would record, or its refusal (for a page that must know before it does
    /// something costly, such as rendering the public copy of a report).
    ///
    /// # Errors
    /// [`AppError::Domain`] with the refusal; store errors while loading.
    pub async fn check(
        &self,
        case_id: CaseId,
        command: Command,
        actor: Actor,
    ) -> Result<Vec<Event>, AppError> {
        let (case, _) = self.load(case_id).await?;
        self.check_case(&case, command, actor)
    }

    /// [`App::check`] on a case already loaded.
    ///
    /// # Errors
    /// [`AppError::Domain`] with the refusal.
    pub fn check_case(
        &self,
        case: &Case,
        command: Command,
        actor: Actor,
    ) -> Result<Vec<Event>, AppError> {
        Ok(decide(case, command, &self.ctx(actor))?)
    }

    fn ctx(&self, actor: Actor) -> Ctx<'_> {
        Ctx {
            today: actor.today,
            calendar: &self.calendar,
            settings: &self.settings,
            actor: actor.user_id,
            acting_for: actor.acting_for,
        }
    }

    /// One user action on one case: `work` runs commands on a [`Unit`] (each decided against
    /// the case as the ones before left it) and may add what else the action writes (the
    /// public copy of a report); then everything is appended in one transaction. With no
    /// `expected_version` a concurrent change is retried (the work runs again on the new
    /// state, up to three times); with one, it is a [`AppError::Conflict`].
    ///
    /// # Errors
    /// What `work` returns (nothing is written), [`AppError::Conflict`], store errors.
    pub async fn transact<T>(
        &self,
        case_id: CaseId,
        expected_version: Option<u64>,
        actor: Actor,
        work: impl FnMut(&mut Unit<'_>) -> Result<T, AppError>,
    ) -> Result<(T, u64), AppError> {
        let by = actor.user_id.to_string();
        self.transact_as(case_id, expected_version, actor, by, work)
            .await
    }

    /// [`App::transact`] for a practitioner's link: its events are written as the link's
    /// (`practitioner-link:<id>`, as in the access log), never as the team member who made it
    /// (issue 16, finding 4). The actor's user is nobody, and it acts for `agency` alone.
    ///
    /// # Errors
    /// As [`App::transact`].
    pub async fn transact_by_link<T>(
        &self,
        case_id: CaseId,
        link: cspr_domain::ids::LinkId,
        agency: cspr_domain::ids::AgencyId,
        actor: Actor,
        work: impl FnMut(&mut Unit<'_>) -> Result<T, AppError>,
    ) -> Result<(T, u64), AppError> {
        let actor = Actor {
            user_id: cspr_domain::ids::UserId::from_uuid(uuid::Uuid::nil()),
            acting_for: Some(agency),
            ..actor
        };
        self.transact_as(case_id, None, actor, link_actor(link), work)
            .await
    }

    async fn transact_as<T>(
        &self,
        case_id: CaseId,
        expected_version: Option<u64>,
        actor: Actor,
        by: String,
        mut work: impl FnMut(&mut Unit<'_>) -> Result<T, AppError>,
    ) -> Result<(T, u64), AppError> {
        let mut tries = 0;
        loop {
            tries += 1;
            let (case, _) = match self.load(case_id).await {
                Ok(x) => x,
                Err(AppError::NotFound) => (Case::default(), Vec::new()),
                Err(e) => return Err(e),
            };
            if let Some(expected) = expected_version
                && expected != case.version
            {
                return Err(AppError::Conflict {
                    expected,
                    actual: case.version,
                });
            }
            let start = case.version;
            let mut unit = Unit {
                case,
                fault: self.fault,
                decided: 0,
                events: Vec::new(),
                extras: AppendExtras::default(),
                ctx: self.ctx(actor),
                actor,
                by: by.clone(),
            };
            let value = work(&mut unit)?;
            let Unit {
                case: next,
                decided,
                events,
                mut extras,
                ..
            } = unit;
            if events.is_empty()
                && extras.publish.is_none()
                && extras.withdraw_published_on.is_none()
            {
                return Ok((value, start));
            }
            let partnership = next
                .partnership_id
                .unwrap_or(PartnershipId::from_uuid(uuid::Uuid::nil()));
            extras.projection = Some(projection(
                case_id,
                &next,
                &self.calendar,
                &self.settings,
                actor,
            ));
            match self
                .store
                .append_with(
                    case_id.as_uuid(),
                    partnership.as_uuid(),
                    start,
                    events,
                    extras,
                )
                .await
            {
                Ok(version) => {
                    tracing::debug!(case = %case_id, version, commands = decided, "user action applied");
                    return Ok((value, version));
                }
                Err(StoreError::Conflict { .. }) if expected_version.is_none() && tries < 3 => {}
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Rebuilds every case's read models from its events (after a settings change, or to
    /// repair). Returns how many cases were rebuilt.
    ///
    /// # Errors
    /// Store and decoding errors.
    pub async fn rebuild_projections(&self, actor: Actor) -> Result<usize, AppError> {
        let ids = self.store.stream_ids().await?;
        let mut n = 0;
        for id in ids {
            let case_id = CaseId::from_uuid(id);
            // A command may land on the case while it is being rebuilt: the projection is
            // written only if the stream is still at the version it was computed from (the
            // command wrote a newer one itself); otherwise it is computed again.
            for _ in 0..3 {
                match self.load(case_id).await {
                    Ok((case, _)) => {
                        let update =
                            projection(case_id, &case, &self.calendar, &self.settings, actor);
                        if self
                            .store
                            .replace_projection_at(update, case.version)
                            .await?
                        {
                            n += 1;
                            break;
                        }
                    }
                    Err(AppError::Store(StoreError::Shredded)) => break,
                    Err(AppError::Corrupt(why)) => {
                        // One unreadable case must not stop the others being rebuilt.
                        tracing::error!(case = %case_id, %why, "case skipped in rebuild");
                        break;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(n)
    }
}

/// The work of one user action on one case, before it is written: the case as the commands
/// so far left it, their events, and what else the action writes in the same transaction.
#[derive(Debug)]
pub struct Unit<'a> {
    case: Case,
    fault: Option<Fault>,
    decided: usize,
    events: Vec<NewEvent>,
    extras: AppendExtras,
    ctx: Ctx<'a>,
    actor: Actor,
    /// Who the stored events name: a user's id, or a practitioner's link.
    by: String,
}

impl Unit<'_> {
    /// The case as the commands run so far leave it.
    #[must_use]
    pub const fn case(&self) -> &Case {
        &self.case
    }

    /// Decides a command against the case as it now stands and keeps its events.
    ///
    /// # Errors
    /// [`AppError::Domain`] when the case refuses it (the action then writes nothing).
    pub fn run(&mut self, command: Command) -> Result<Vec<Event>, AppError> {
        if self.fault == Some(Fault::OnCommand(self.decided + 1)) {
            return Err(AppError::Internal(format!(
                "a failure injected on command {} of the action",
                self.decided + 1
            )));
        }
        let events = decide(&self.case, command, &self.ctx)?;
        for e in &events {
            self.case = cspr_domain::case::apply(std::mem::take(&mut self.case), e);
            self.events
                .push(to_new_event(e, &self.case, self.actor, &self.by)?);
        }
        self.decided += 1;
        Ok(events)
    }

    /// Writes the public copy of a report with the events.
    pub fn publish(&mut self, report: NewPublishedReport) {
        self.extras.publish = Some(report);
    }

    /// Takes the case's public report down with the events.
    pub fn withdraw_public_copy(&mut self, on: Date) {
        self.extras.withdraw_published_on = Some(on);
    }

    /// Enqueues a follow-up job with the events.
    pub fn enqueue(&mut self, job: cspr_store::NewJob) {
        self.extras.jobs.push(job);
    }
}

/// The stored form of a domain event: its name and the new stage in the clear, the event itself
/// (which may hold personal data) sealed under the case key.
/// How the stored events and the access log name a practitioner's link.
#[must_use]
pub fn link_actor(link: cspr_domain::ids::LinkId) -> String {
    format!("practitioner-link:{link}")
}

fn to_new_event(event: &Event, after: &Case, actor: Actor, by: &str) -> Result<NewEvent, AppError> {
    let sealed = serde_json::to_value(event).map_err(|e| AppError::Internal(e.to_string()))?;
    let event_type = sealed
        .get("event")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("unknown")
        .to_owned();
    Ok(NewEvent {
        event_type,
        actor: by.to_owned(),
        occurred_at: actor.now,
        plain: serde_json::json!({ "stage": after.stage.key() }),
        sealed,
    })
}

/// A stream's events decoded from their stored (decrypted) form, oldest first.
///
/// # Errors
/// [`StoreError::Shredded`] for an erased case; [`AppError::Corrupt`] for an event that does
/// not match the event format (saying where, never quoting the personal value serde would).
pub(crate) fn decode_events(stored: &[cspr_store::StoredEvent]) -> Result<Vec<Event>, AppError> {
    use serde::Deserialize as _;
    stored
        .iter()
        .map(|s| {
            let sealed = s
                .sealed
                .as_ref()
                .ok_or(AppError::Store(StoreError::Shredded))?;
            Event::deserialize(sealed).map_err(|e| {
                AppError::Corrupt(format!(
                    "event {} of its stream does not match the event format ({:?} at line {}, column {})",
                    s.version,
                    e.classify(),
                    e.line(),
                    e.column()
                ))
            })
        })
        .collect()
}
