//! Application services: the one way a command reaches a case. Load the stream, replay it,
//! decide, and append the events with the case's read models and follow-up jobs in one
//! transaction. The web pages, the API and the CLI all call this.

pub mod demo;
mod projection;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cspr_domain::calendar::Calendar;
use cspr_domain::case::{Case, Command, Ctx, DomainError, Event, decide};
use cspr_domain::ids::{CaseId, PartnershipId, UserId};
use cspr_domain::settings::Settings;
use cspr_store::{NewEvent, Store, StoreError};
use time::{Date, OffsetDateTime};

pub use projection::projection;

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
    /// A stored event could not be read back as a domain event.
    #[error("A stored event of this case could not be read: {0}")]
    Corrupt(String),
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
    /// Today in the partnership's time zone.
    pub today: Date,
}

/// A partnership's services over one store.
#[derive(Debug, Clone)]
pub struct App {
    store: Store,
    calendar: Calendar,
    settings: Settings,
    cache: Arc<Mutex<LoadCache>>,
}

/// Cases recently loaded, decoded: a page of a case with a long history is read from here when
/// the stream has not moved on since (checked with one indexed query on every load). Entries
/// live at most [`CACHE_TTL`], so a case shredded by another process stops being served from
/// memory within that time; [`App::shred_case`] evicts at once.
#[derive(Debug, Default)]
struct LoadCache {
    entries: HashMap<CaseId, Cached>,
}

#[derive(Debug)]
struct Cached {
    version: u64,
    at: Instant,
    case: Case,
    events: Arc<Vec<Event>>,
}

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
            calendar,
            settings,
            cache: Arc::default(),
        }
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

    fn forget(&self, case_id: CaseId) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.entries.remove(&case_id);
        }
    }

    fn cached(&self, case_id: CaseId, version: u64) -> Option<(Case, Vec<Event>)> {
        let cache = self.cache.lock().ok()?;
        let hit = cache.entries.get(&case_id)?;
        (hit.version == version && hit.at.elapsed() < CACHE_TTL)
            .then(|| (hit.case.clone(), hit.events.as_ref().clone()))
    }

    fn remember(&self, case_id: CaseId, version: u64, case: &Case, events: &[Event]) {
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
                case: case.clone(),
                events: Arc::new(events.to_vec()),
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
    pub const fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// The settings.
    #[must_use]
    pub const fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Loads a case: its state and its events, oldest first.
    ///
    /// # Errors
    /// [`AppError::NotFound`] for a case with no events; store and decoding errors.
    pub async fn load(&self, case_id: CaseId) -> Result<(Case, Vec<Event>), AppError> {
        let version = self.store.stream_version(case_id.as_uuid()).await?;
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
        let events = stored
            .into_iter()
            .map(|s| {
                let sealed = s.sealed.ok_or(AppError::Store(StoreError::Shredded))?;
                // serde's message can quote the (decrypted, personal) value: keep only where.
                serde_json::from_value::<Event>(sealed).map_err(|e| {
                    AppError::Corrupt(format!(
                        "event {} of its stream does not match the event format ({:?} at line {}, column {})",
                        s.version,
                        e.classify(),
                        e.line(),
                        e.column()
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let case = Case::replay(&events);
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
        let ctx = Ctx {
            today: actor.today,
            calendar: &self.calendar,
            settings: &self.settings,
            actor: actor.user_id,
        };
        let events = decide(&case, command, &ctx)?;
        let mut next = case.clone();
        let mut new_events = Vec::with_capacity(events.len());
        for e in &events {
            next = cspr_domain::case::apply(next, e);
            new_events.push(to_new_event(e, &next, actor)?);
        }
        let partnership = next
            .partnership_id
            .unwrap_or(PartnershipId::from_uuid(uuid::Uuid::nil()));
        let update = projection(case_id, &next, &self.calendar, &self.settings, actor);
        let version = self
            .store
            .append(
                case_id.as_uuid(),
                partnership.as_uuid(),
                case.version,
                new_events,
                Some(update),
                Vec::new(),
            )
            .await?;
        tracing::debug!(case = %case_id, version, events = events.len(), "command applied");
        Ok(version)
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

/// The stored form of a domain event: its name and the new stage in the clear, the event itself
/// (which may hold personal data) sealed under the case key.
fn to_new_event(event: &Event, after: &Case, actor: Actor) -> Result<NewEvent, AppError> {
    let sealed = serde_json::to_value(event).map_err(|e| AppError::Corrupt(e.to_string()))?;
    let event_type = sealed
        .get("event")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("unknown")
        .to_owned();
    Ok(NewEvent {
        event_type,
        actor: actor.user_id.to_string(),
        occurred_at: actor.now,
        plain: serde_json::json!({ "stage": after.stage.key() }),
        sealed,
    })
}
