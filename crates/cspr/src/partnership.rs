//! The partnership a database serves, and its settings. One database serves one partnership:
//! the first `serve` (or `demo`) creates it, later runs find it and keep its name in step with
//! the `partnership_name` setting. Its timescales, meeting calendar and closure days are those
//! saved on the settings page; until the page has saved any, they are the defaults plus the
//! `closure_days` setting.

use cspr_app::App;
use cspr_app::settings::StoredSettings;
use cspr_domain::{examples, ids::PartnershipId, settings::Settings as DomainSettings};
use cspr_store::{PartnershipRow, Store};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    config::Settings,
    exit::{Failure, Kind},
    store::store_failure,
};

/// The partnership being served.
#[derive(Debug, Clone)]
pub struct Partnership {
    pub id: PartnershipId,
    pub name: String,
}

/// The database's one partnership, found without changing anything (unlike [`resolve`], which
/// creates it or renames it). `without` says what a command cannot do without one ("there are
/// no figures").
pub async fn served(store: &Store, without: &str) -> Result<Partnership, Failure> {
    let rows = store
        .partnerships()
        .await
        .map_err(|e| store_failure(e, "cannot read the partnership"))?;
    match rows.as_slice() {
        [row] => Ok(Partnership {
            id: PartnershipId::from_uuid(row.id),
            name: row.name.clone(),
        }),
        [] => Err(Failure::config(format!(
            "the database serves no partnership yet, so {without}: run `cspr serve` (or `cspr demo`) first"
        ))),
        several => Err(Failure::config(format!(
            "the database holds {} partnerships, but cspr serves exactly one per database",
            several.len()
        ))),
    }
}

/// Finds the database's one partnership, or creates it when there is none. With `demo` a new
/// partnership takes the id the example cases belong to, and an existing one must have it.
/// Under the database's start-up lock, so servers started at once on one database create one
/// partnership between them.
pub async fn resolve(
    store: &Store,
    settings: &Settings,
    demo: bool,
) -> Result<Partnership, Failure> {
    crate::store::under_startup_lock(store, async || {
        resolve_unlocked(store, settings, demo).await
    })
    .await
}

async fn resolve_unlocked(
    store: &Store,
    settings: &Settings,
    demo: bool,
) -> Result<Partnership, Failure> {
    let rows = store
        .partnerships()
        .await
        .map_err(|e| store_failure(e, "cannot read the partnership"))?;
    let name = settings.partnership_name.clone();
    let row = match rows.as_slice() {
        [] => {
            let id = if demo {
                examples::PARTNERSHIP
            } else {
                PartnershipId::from_uuid(Uuid::new_v4())
            };
            store
                .upsert_partnership(PartnershipRow {
                    id: id.as_uuid(),
                    name: name.clone(),
                })
                .await
                .map_err(|e| store_failure(e, "cannot create the partnership"))?;
            tracing::info!(partnership = %id.as_uuid(), "partnership created");
            return Ok(Partnership { id, name });
        }
        [row] => row,
        several => {
            return Err(Failure::config(format!(
                "the database holds {} partnerships, but cspr serves exactly one per database",
                several.len()
            )));
        }
    };
    if demo && row.id != examples::PARTNERSHIP.as_uuid() {
        return Err(Failure::config(
            "demonstration data needs a database of its own, and this one already serves a real \
             partnership: point data_dir (CSPR_DATA_DIR) at an empty directory for the demo",
        ));
    }
    if row.name != name {
        store
            .upsert_partnership(PartnershipRow {
                id: row.id,
                name: name.clone(),
            })
            .await
            .map_err(|e| store_failure(e, "cannot rename the partnership"))?;
        tracing::info!(partnership = %row.id, "partnership renamed from the partnership_name setting");
    }
    Ok(Partnership {
        id: PartnershipId::from_uuid(row.id),
        name,
    })
}

/// The application services for the partnership, with its saved settings. With `demo` and
/// nothing saved yet, the demo's settings (a year of subgroup meetings either side of today)
/// are saved, so the meeting calendar stays the same from one run to the next.
pub async fn app(
    store: &Store,
    settings: &Settings,
    partnership: &Partnership,
    demo: bool,
    now: OffsetDateTime,
) -> Result<App, Failure> {
    let id = partnership.id.as_uuid();
    let saved = cspr_app::settings::load(store, id)
        .await
        .map_err(|e| match e {
            cspr_app::AppError::Store(e) => {
                store_failure(e, "cannot read the partnership's settings")
            }
            other => Failure::new(
                Kind::Failed,
                anyhow::Error::new(other)
                    .context("the partnership's saved settings cannot be read"),
            ),
        })?;
    let stored = match saved {
        Some(stored) => stored,
        None if demo => {
            let stored = StoredSettings::with_closure_days(
                cspr_app::demo::settings(cspr_app::date_in_england(now)),
                settings.closure_days.clone(),
            );
            let value = serde_json::to_value(&stored).map_err(|e| {
                Failure::from(anyhow::Error::new(e).context("cannot write the demo settings"))
            })?;
            store
                .save_partnership_settings(id, &value, now)
                .await
                .map_err(|e| store_failure(e, "cannot save the demo settings"))?;
            stored
        }
        None => StoredSettings::with_closure_days(
            DomainSettings::default(),
            settings.closure_days.clone(),
        ),
    };
    Ok(stored.app(store))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cspr_app::settings::ReminderRules;

    /// The JSON the settings page saves is kept in databases: the shape read at start (the
    /// web crate's own type) must go on reading it, and writing it back gives the same JSON.
    #[test]
    fn stored_settings_read_the_settings_page_shape() {
        let json = serde_json::json!({
            "settings": DomainSettings::default(),
            "closure_days": ["2025-12-29", "2025-12-30"],
        });
        let stored: StoredSettings = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(stored.settings, DomainSettings::default());
        assert_eq!(
            stored.closure_days,
            vec![
                time::macros::date!(2025 - 12 - 29),
                time::macros::date!(2025 - 12 - 30)
            ]
        );
        // Settings saved before reminder timings existed read with the defaults, and are
        // written back with them.
        assert_eq!(stored.reminders, ReminderRules::default());
        let mut written = json;
        written["reminders"] = serde_json::json!({
            "before_due_working_days": 5,
            "escalate_after_working_days": 5,
            "request_before_due_working_days": 3,
            "request_email": true,
            "request_escalate_after_working_days": 3,
        });
        assert_eq!(serde_json::to_value(&stored).unwrap(), written);
    }
}
