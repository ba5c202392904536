//! The operator's one-shot commands: migrate, demo, verify, backup, restore and the canonical
//! export that proves a restore complete.

use std::{
    env, fs,
    io::{BufWriter, Write},
    path::Path,
};

use cspr_store::{BackupSecret, Store, StoreError};
use time::OffsetDateTime;

use crate::{
    cli::{BackupArgs, BackupSecretArgs},
    config::{Access, Settings},
    demo,
    exit::{Failure, Kind},
    partnership, serve,
    store::{store_failure, with_store},
};

pub async fn migrate(settings: &Settings) -> Result<(), Failure> {
    with_store(settings, Access::ReadWrite, true, async |_store: &Store| {
        Ok(())
    })
    .await?;
    println!("migrations applied; the database is up to date");
    Ok(())
}

/// Seeds the demo partnership's cases and accounts (creating the partnership and its settings
/// when the database has none), then says how to start the service and sign in.
pub async fn demo(settings: &Settings, config: Option<&Path>) -> Result<(), Failure> {
    let (seeded, name) = with_store(settings, Access::ReadWrite, true, async |store: &Store| {
        let now = OffsetDateTime::now_utc();
        let partnership = partnership::resolve(store, settings, true).await?;
        let app = partnership::app(store, settings, &partnership, true, now).await?;
        let seeded = demo::seed(store, &app, &partnership, now).await?;
        Ok((seeded, partnership.name))
    })
    .await?;
    let open = format!(
        "Start the service with:\n\n    {} serve\n\nthen open {} and choose \"Sign in\".\n",
        demo::invocation(config),
        serve::browser_url(settings.listen)
    );
    print!("{}", demo::report(&seeded, &name, config, &open));
    Ok(())
}

/// Prints the current authenticator code of a demo account, and of nothing else.
pub async fn demo_code(settings: &Settings, email: &str) -> Result<(), Failure> {
    let email = email.trim();
    let not_demo = || Failure::config(format!("{email} is not a demo account"));
    if !cspr_app::demo_accounts::is_demo_email(email) {
        return Err(not_demo());
    }
    let code = with_store(settings, Access::ReadOnly, false, async |store: &Store| {
        match cspr_app::demo_accounts::current_code(store, email, OffsetDateTime::now_utc()).await {
            Ok(code) => Ok(code),
            Err(StoreError::NotFound) => Err(Failure::config(format!(
                "{email} is not a demo account (the demo accounts are made by `cspr demo` or \
                 `cspr serve --demo`)"
            ))),
            Err(e) => Err(store_failure(e, "cannot read the demo account")),
        }
    })
    .await?;
    println!("{code}");
    Ok(())
}

pub async fn verify(settings: &Settings) -> Result<(), Failure> {
    let report = with_store(settings, Access::ReadOnly, false, async |store: &Store| {
        store
            .verify()
            .await
            .map_err(|e| store_failure(e, "cannot run the integrity check"))
    })
    .await?;
    if !report.is_ok() {
        // The first broken row of each chain, then whatever the database's own checks found.
        let findings: Vec<String> = report
            .breaks
            .iter()
            .map(|b| format!("first broken row: {b}"))
            .chain(report.problems.iter().cloned())
            .collect();
        return Err(Failure::integrity(format!(
            "integrity check FAILED ({} events, {} access-log entries checked): {}",
            report.events_checked,
            report.access_entries_checked,
            findings.join("; ")
        )));
    }
    println!(
        "verified: {} events, {} access-log entries, integrity check ok",
        report.events_checked, report.access_entries_checked
    );
    Ok(())
}

pub async fn backup(settings: &Settings, args: &BackupArgs) -> Result<(), Failure> {
    let secret = backup_secret(&args.secret)?;
    let file = &args.file;
    if file.exists() {
        return Err(Failure::config(format!(
            "{} already exists: choose a new file name, so no backup is ever overwritten",
            file.display()
        )));
    }
    with_store(settings, Access::ReadOnly, false, async |store: &Store| {
        store.backup_to(file, &secret).await.map_err(|e| {
            store_failure(e, &format!("cannot write the backup to {}", file.display()))
        })
    })
    .await?;
    println!("backup written to {}", file.display());
    Ok(())
}

pub async fn restore(settings: &Settings, args: &BackupArgs) -> Result<(), Failure> {
    let secret = backup_secret(&args.secret)?;
    let file = &args.file;
    if !file.is_file() {
        return Err(Failure::config(format!(
            "backup file {} does not exist or is not a file",
            file.display()
        )));
    }
    // The backup holds case keys sealed under the master key of the database it came from.
    if !settings.master_key_file.is_file() {
        return Err(Failure::config(format!(
            "the master key file {} does not exist: a restore needs the master key of the \
             database the backup was taken from; copy it there or point master_key_file \
             (CSPR_MASTER_KEY_FILE) at it",
            settings.master_key_file.display()
        )));
    }
    with_store(settings, Access::ReadWrite, true, async |store: &Store| {
        store
            .restore_from(file, &secret)
            .await
            .map_err(|e| store_failure(e, &format!("cannot restore from {}", file.display())))
    })
    .await?;
    println!(
        "restored from {}; run `cspr verify` to check it",
        file.display()
    );
    Ok(())
}

pub async fn export_canonical(settings: &Settings, file: &Path) -> Result<(), Failure> {
    with_store(settings, Access::ReadOnly, false, async |store: &Store| {
        let out = fs::File::create(file)
            .map_err(|e| Failure::from_io(e, format!("cannot create {}", file.display())))?;
        let mut writer = BufWriter::new(out);
        store
            .export_canonical(&mut writer)
            .await
            .map_err(|e| store_failure(e, "cannot export the store"))?;
        writer
            .flush()
            .and_then(|()| writer.get_ref().sync_all())
            .map_err(|e| Failure::from_io(e, format!("cannot write {}", file.display())))
    })
    .await
}

/// The backup secret from exactly one of `--passphrase-env VAR` and `--key-file FILE`.
fn backup_secret(args: &BackupSecretArgs) -> Result<BackupSecret, Failure> {
    let unusable =
        |e, what: &str| Failure::new(Kind::Config, anyhow::Error::new(e).context(what.to_owned()));
    match (&args.passphrase_env, &args.key_file) {
        (Some(var), None) => {
            let passphrase = env::var(var).map_err(|_| {
                Failure::config(format!(
                    "environment variable {var} (named by --passphrase-env) is not set or not valid UTF-8"
                ))
            })?;
            if passphrase.is_empty() {
                return Err(Failure::config(format!(
                    "environment variable {var} (named by --passphrase-env) is empty"
                )));
            }
            BackupSecret::passphrase(passphrase)
                .map_err(|e| unusable(e, "the backup passphrase cannot be used"))
        }
        (None, Some(path)) => {
            BackupSecret::key_file(path).map_err(|e| unusable(e, "the backup key cannot be used"))
        }
        _ => Err(Failure::config(
            "give exactly one of --passphrase-env VAR and --key-file FILE",
        )),
    }
}
