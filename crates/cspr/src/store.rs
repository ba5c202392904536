//! Opening the store from settings, and what the binary makes of the store's errors.
//! Order matters for "change nothing": settings are parsed, then the data directory is checked,
//! then the master key is loaded, then the database is opened and the key checked against it.

use cspr_store::{MasterKey, Store, StoreError};

use crate::{
    config::{Access, Backend, Settings},
    exit::{Failure, Kind},
};

/// Opens the store named by the settings. A read-only command never creates anything: the
/// database and the master key must already exist. A master key file created here for a
/// database that turns out to belong to another key is removed again.
pub async fn open(settings: &Settings, access: Access) -> Result<Store, Failure> {
    settings.prepare_data_dir(access)?;
    let key_file = &settings.master_key_file;
    let key_existed = key_file.exists();
    if access == Access::ReadOnly {
        if let Backend::Sqlite(Some(path)) = settings.database.backend()
            && !path.is_file()
        {
            return Err(Failure::config(format!(
                "there is no database at {} (run `cspr migrate` to create one)",
                path.display()
            )));
        }
        if !key_existed {
            return Err(Failure::config(format!(
                "the master key file {} does not exist",
                key_file.display()
            )));
        }
    }
    let master_key = MasterKey::load_or_create(key_file)
        .map_err(|e| store_failure(e, "cannot load the master key"))?;
    match Store::open(settings.database.expose(), master_key).await {
        Ok(store) => Ok(store),
        Err(error) => {
            if !key_existed {
                // Nothing was sealed under the key made a moment ago: leave no trace of it.
                let _ = std::fs::remove_file(key_file);
            }
            if matches!(error, StoreError::WrongMasterKey) {
                let problem = if key_existed {
                    format!(
                        "the master key in {} does not match this database",
                        key_file.display()
                    )
                } else {
                    format!(
                        "the master key file {} does not exist and the database was created with another key",
                        key_file.display()
                    )
                };
                return Err(Failure::config(format!(
                    "{problem}: point master_key_file (CSPR_MASTER_KEY_FILE) at the key the database was created with"
                )));
            }
            Err(store_failure(error, "cannot open the database"))
        }
    }
}

/// Runs `work` on the store named by the settings (migrated first when `migrate` is set), then
/// closes it whatever happened, so SQLite checkpoints its WAL and the files are left tidy.
pub async fn with_store<T>(
    settings: &Settings,
    access: Access,
    migrate_first: bool,
    work: impl AsyncFnOnce(&Store) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let store = open(settings, access).await?;
    let result = async {
        if migrate_first {
            migrate(&store).await?;
        }
        work(&store).await
    }
    .await;
    store.close().await;
    result
}

/// Runs `work` holding the database's start-up lock (`Store::startup_lock`), so servers
/// started at once on one PostgreSQL database do it one after another.
pub async fn under_startup_lock<T>(
    store: &Store,
    work: impl AsyncFnOnce() -> Result<T, Failure>,
) -> Result<T, Failure> {
    let lock = store
        .startup_lock()
        .await
        .map_err(|e| store_failure(e, "cannot take the start-up lock"))?;
    let done = work().await;
    lock.release()
        .await
        .map_err(|e| store_failure(e, "cannot release the start-up lock"))?;
    done
}

/// Applies any migrations not yet applied.
pub async fn migrate(store: &Store) -> Result<(), Failure> {
    store
        .migrate()
        .await
        .map_err(|e| store_failure(e, "cannot apply database migrations"))
}

/// Wraps a store error with what the binary was doing, keeping its classification.
pub fn store_failure(error: StoreError, doing: &str) -> Failure {
    let kind = classify(&error).unwrap_or(Kind::Failed);
    Failure::new(kind, anyhow::Error::new(error).context(doing.to_owned()))
}

/// The exit kind a store error implies, where it implies one.
pub fn classify(error: &StoreError) -> Option<Kind> {
    match error {
        StoreError::Config(_)
        | StoreError::WrongMasterKey
        | StoreError::WrongBackupSecret
        | StoreError::NotEmpty(_) => Some(Kind::Config),
        StoreError::DiskFull => Some(Kind::DiskFull),
        _ => None,
    }
}
