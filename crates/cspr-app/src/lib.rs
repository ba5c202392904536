//! Application services: the one way a command reaches a case. Load the stream, replay it,
//! decide, and append the events with the case's read models and follow-up jobs in one
//! transaction. The web pages, the API and the CLI all call this.

pub mod demo;
mod projection;

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
}

impl App {
    /// Services over `store` with a partnership's calendar and settings.
    #[must_use]
    pub const fn new(store: Store, calendar: Calendar, settings: Settings) -> Self {
        Self {
            store,
            calendar,
            settings,
        }
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
        let stored = self.store.load_stream(case_id.as_uuid()).await?;
        if stored.is_empty() {
            return Err(AppError::NotFound);
        }
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
        Ok((Case::replay(&events), events))
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
