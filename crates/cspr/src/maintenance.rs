//! The operator's one-shot commands: migrate, demo, verify (with its anchor), rotating the
//! master key, backup, restore and the canonical export that proves a restore complete.

use std::{
    env, fs,
    io::{self, BufWriter, Write},
    path::Path,
};

use cspr_store::{BackupSecret, ChainAnchor, MasterKey, Store, StoreError, VerifyReport};
use time::OffsetDateTime;

use crate::{
    cli::{BackupArgs, BackupSecretArgs, RotateArgs, VerifyArgs},
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
pub async fn demo(
    settings: &Settings,
    config: Option<&Path>,
    args: &crate::cli::DemoArgs,
) -> Result<(), Failure> {
    let (seeded, name) = with_store(settings, Access::ReadWrite, true, async |store: &Store| {
        let now = OffsetDateTime::now_utc();
        let partnership = partnership::resolve(store, settings, true).await?;
        let app = partnership::app(store, settings, &partnership, true, now).await?;
        let cases = args.cases.map_or(demo::Cases::Default, |n| {
            demo::Cases::Exactly(usize::try_from(n).unwrap_or(usize::MAX))
        });
        let seeded = demo::seed(store, &app, &partnership, now, cases).await?;
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

pub async fn verify(settings: &Settings, args: &VerifyArgs) -> Result<(), Failure> {
    let Some(anchor_file) = &args.anchor else {
        let report = with_store(settings, Access::ReadOnly, false, async |store: &Store| {
            store
                .verify()
                .await
                .map_err(|e| store_failure(e, "cannot run the integrity check"))
        })
        .await?;
        ensure_clean(&report)?;
        println!("{}", verified_line(&report));
        return Ok(());
    };
    let previous = read_anchor(anchor_file, args.check_only)?;
    let checked = with_store(settings, Access::ReadOnly, false, async |store: &Store| {
        store
            .verify_anchored(previous.as_deref())
            .await
            .map_err(|e| match e {
                StoreError::Invalid(message) => Failure::config(format!(
                    "the anchor file {} cannot be used: {message} Nothing was checked or written.",
                    anchor_file.display()
                )),
                e => store_failure(e, "cannot run the integrity check"),
            })
    })
    .await?;
    // A failed check leaves the old anchor in place: it is the evidence.
    ensure_clean(&checked.report)?;
    let mut line = verified_line(&checked.report);
    if let Some(anchor) = &checked.previous {
        line.push_str(&format!(
            "; the chains still hold the anchor in {} ({})",
            anchor_file.display(),
            describe_anchor(anchor)
        ));
    }
    if args.check_only {
        println!("{line}");
        return Ok(());
    }
    write_anchor(anchor_file, &checked.anchor_text)?;
    println!(
        "{line}; new anchor written to {} ({})",
        anchor_file.display(),
        describe_anchor(&checked.anchor)
    );
    Ok(())
}

fn verified_line(report: &VerifyReport) -> String {
    format!(
        "verified: {} events, {} access-log entries, integrity check ok",
        report.events_checked, report.access_entries_checked
    )
}

/// Exit 3 naming the first broken row of each chain, then whatever else the checks found.
fn ensure_clean(report: &VerifyReport) -> Result<(), Failure> {
    if report.is_ok() {
        return Ok(());
    }
    let findings: Vec<String> = report
        .breaks
        .iter()
        .map(|b| format!("first broken row: {b}"))
        .chain(report.problems.iter().cloned())
        .collect();
    Err(Failure::integrity(format!(
        "integrity check FAILED ({} events, {} access-log entries checked): {}",
        report.events_checked,
        report.access_entries_checked,
        findings.join("; ")
    )))
}

fn describe_anchor(anchor: &ChainAnchor) -> String {
    let at = anchor
        .at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| anchor.at.to_string());
    format!(
        "taken at {at}: events row {}, access-log row {}",
        anchor.events.seq, anchor.access_log.seq
    )
}

/// The most an anchor file may hold; one is about 300 bytes.
const ANCHOR_MAX_BYTES: u64 = 64 * 1024;

/// The previous anchor's text, or `None` when there is none yet (refused with --check-only).
fn read_anchor(file: &Path, check_only: bool) -> Result<Option<String>, Failure> {
    let not_anchor = || {
        Failure::config(format!(
            "the anchor file {} is not a cspr chain anchor; nothing was checked or written",
            file.display()
        ))
    };
    let meta = match fs::metadata(file) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if check_only {
                return Err(Failure::config(format!(
                    "the anchor file {} does not exist: --check-only needs one written by an \
                     earlier `cspr verify --anchor`",
                    file.display()
                )));
            }
            return Ok(None);
        }
        Err(e) => {
            return Err(Failure::from_io(
                e,
                format!("cannot read the anchor file {}", file.display()),
            ));
        }
    };
    if !meta.is_file() || meta.len() > ANCHOR_MAX_BYTES {
        return Err(not_anchor());
    }
    let bytes = fs::read(file).map_err(|e| {
        Failure::from_io(e, format!("cannot read the anchor file {}", file.display()))
    })?;
    String::from_utf8(bytes).map(Some).map_err(|_| not_anchor())
}

/// Replaces the anchor file as a whole: written beside it, flushed, then renamed over it, so a
/// crash leaves the old anchor or the new one, never half of one.
fn write_anchor(file: &Path, text: &str) -> Result<(), Failure> {
    let cannot = |e| {
        Failure::from_io(
            e,
            format!("cannot write the anchor file {}", file.display()),
        )
    };
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = file
        .file_name()
        .map_or_else(|| "anchor".into(), |n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut out| {
            out.write_all(text.as_bytes())?;
            out.sync_all()
        })
        .and_then(|()| fs::rename(&temp, file))
        .and_then(|()| fs::File::open(dir)?.sync_all());
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(cannot(e));
    }
    Ok(())
}

/// Rotates the master key: the database is re-wrapped under the key in `--new-key-file` in one
/// transaction. The configured master key file is left as it is (the operator swaps it, and
/// keeps the old key with the backups that need it); a new key file created here is removed
/// again when the rotation does not happen.
pub async fn rotate_master_key(settings: &Settings, args: &RotateArgs) -> Result<(), Failure> {
    let new_file = &args.new_key_file;
    let current = &settings.master_key_file;
    let same = new_file == current
        || matches!(
            (fs::canonicalize(new_file), fs::canonicalize(current)),
            (Ok(a), Ok(b)) if a == b
        );
    if same {
        return Err(Failure::config(format!(
            "--new-key-file {} is the master key file in use: give the path of a new key file",
            new_file.display()
        )));
    }
    let created = !new_file.exists();
    let new_key = MasterKey::load_or_create(new_file)
        .map_err(|e| store_failure(e, "cannot use the new master key file"))?;
    let rotated = with_store(settings, Access::ReadOnly, true, async |store: &Store| {
        store.rotate_master_key(new_key).await.map_err(|e| match e {
            StoreError::Invalid(message) => Failure::config(format!(
                "the key in {} cannot be used: {message}",
                new_file.display()
            )),
            e => store_failure(
                e,
                "cannot rotate the master key; the old key is still the one in use",
            ),
        })
    })
    .await;
    let stats = match rotated {
        Ok(stats) => stats,
        Err(failure) => {
            if created {
                // Nothing was wrapped under it: leave no trace of it.
                let _ = fs::remove_file(new_file);
            }
            return Err(failure);
        }
    };
    println!(
        "master key rotated: {} case keys, {} account keys and the chains' key are now wrapped \
         by the key in {new}, and the old key no longer opens the database. Now replace the \
         master key file with it (`mv {new} {current}`, or point master_key_file / \
         CSPR_MASTER_KEY_FILE at it) before starting the service, and keep the old key with the \
         backups taken before now: they need it.",
        stats.case_keys,
        stats.account_keys,
        new = new_file.display(),
        current = current.display(),
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
