//! The partnership's stored settings: timescales and the meeting calendar (the domain's
//! [`Settings`]), closure days, and when reminders and chasers go. Read when a server or a
//! command starts, saved from the settings page; saving rebuilds every case's read models so
//! each deadline follows the new settings.

use cspr_domain::calendar::Calendar;
use cspr_domain::settings::Settings;
use cspr_store::Store;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::{Actor, App, AppError, Services};

/// What the partnership's settings record holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredSettings {
    /// Timescales and meetings.
    pub settings: Settings,
    /// Closure days.
    pub closure_days: Vec<Date>,
    /// When action reminders and chasers go (read by [`ReminderRules::from_settings`]).
    #[serde(default)]
    pub reminders: ReminderRules,
}

impl StoredSettings {
    /// Defaults, with these closure days.
    #[must_use]
    pub fn with_closure_days(settings: Settings, closure_days: Vec<Date>) -> Self {
        Self {
            settings,
            closure_days,
            reminders: ReminderRules::default(),
        }
    }

    /// The application services these settings give over `store`.
    #[must_use]
    pub fn app(&self, store: &Store) -> App {
        let calendar = Calendar::england_and_wales().with_closure_days(self.closure_days.clone());
        App::new(store.clone(), calendar, self.settings.clone())
    }
}

/// Reads a partnership's stored settings; `None` when it has saved none.
///
/// # Errors
/// Store failures; a saved record that cannot be read ([`AppError::Corrupt`]).
pub async fn load(
    store: &Store,
    partnership_id: uuid::Uuid,
) -> Result<Option<StoredSettings>, AppError> {
    match store.partnership_settings(partnership_id).await? {
        None => Ok(None),
        Some(value) => serde_json::from_value::<StoredSettings>(value)
            .map(Some)
            .map_err(|e| {
                AppError::Corrupt(format!(
                    "the partnership's saved settings cannot be read: {e}"
                ))
            }),
    }
}

/// Saves the partnership's settings, serves every request from now on with them, then
/// rebuilds every case's read models so each deadline follows them.
///
/// # Errors
/// Store failures.
pub async fn save(
    services: &Services,
    stored: &StoredSettings,
    actor: Actor,
) -> Result<App, AppError> {
    let value = serde_json::to_value(stored).map_err(|e| AppError::Internal(e.to_string()))?;
    let version = services
        .store()
        .save_partnership_settings(services.partnership_id().as_uuid(), &value, actor.now)
        .await?;
    let app = stored.app(services.store());
    services.replace_app_at(app.clone(), version);
    app.rebuild_projections(actor).await?;
    Ok(app)
}

/// When reminders go: local practice, kept in the partnership's stored settings under
/// `"reminders"` (each value optional; the defaults below otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReminderRules {
    /// Remind the agency this many working days before an action is due (default 5; 0: never).
    pub before_due_working_days: u32,
    /// Escalate to the agency's subgroup member this many working days after an action fell
    /// overdue (default 5).
    pub escalate_after_working_days: u32,
    /// Email the agency's representatives when a request is made (default yes).
    pub request_email: bool,
    /// Remind an agency this many working days before a request is due (default 3; 0: never).
    pub request_before_due_working_days: u32,
    /// Escalate to the agency's subgroup member this many working days after a request fell
    /// overdue (default 3).
    pub request_escalate_after_working_days: u32,
}

impl Default for ReminderRules {
    fn default() -> Self {
        Self {
            before_due_working_days: 5,
            escalate_after_working_days: 5,
            request_email: true,
            request_before_due_working_days: 3,
            request_escalate_after_working_days: 3,
        }
    }
}

impl ReminderRules {
    /// The rules in a partnership's stored settings document, defaults where it says nothing
    /// (or nothing readable).
    #[must_use]
    pub fn from_settings(stored: Option<&serde_json::Value>) -> Self {
        stored
            .and_then(|s| s.get("reminders"))
            .and_then(|r| serde_json::from_value(r.clone()).ok())
            .unwrap_or_default()
    }
}
