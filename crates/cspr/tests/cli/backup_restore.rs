//! Backup and restore through the real binary: a backup restored into an empty database gives
//! a canonical export equal to the original's, byte for byte; a restore refuses a database that
//! holds data, a wrong passphrase and a damaged file, and changes nothing when it refuses.

use std::fs;

use crate::common::{Sandbox, log_accesses, one_error_line};

const PASSPHRASE_VAR: &str = "CSPR_TEST_BACKUP_PASSPHRASE";

/// A second sandbox sharing the first one's master key, as an operator restoring on a new
/// machine would copy it.
fn empty_target_with_key_of(source: &Sandbox) -> Sandbox {
    let target = Sandbox::new();
    fs::create_dir_all(target.data_dir()).expect("create the data directory");
    fs::copy(source.key_path(), target.key_path()).expect("copy the master key");
    target
}

/// Backs the sandbox up with a passphrase; the backup file.
fn backed_up(source: &Sandbox, passphrase: &str) -> std::path::PathBuf {
    let backup = source.path().join("cspr.backup");
    let out = source
        .command(&[
            "backup",
            backup.to_str().expect("utf-8"),
            "--passphrase-env",
            PASSPHRASE_VAR,
        ])
        .env(PASSPHRASE_VAR, passphrase)
        .output()
        .expect("run cspr backup");
    assert!(out.status.success(), "{out:?}");
    backup
}

#[test]
fn backup_then_restore_into_an_empty_database_exports_equal() {
    let source = Sandbox::new();
    source.write_events(40);
    log_accesses(&source, 7);
    let backup = backed_up(&source, "correct horse battery staple");
    let backup_arg = backup.to_str().unwrap();
    let bytes = fs::read(&backup).unwrap();
    assert!(
        !bytes
            .windows(b"CrashTestWriteRecorded".len())
            .any(|w| w == b"CrashTestWriteRecorded"),
        "the backup is not encrypted"
    );

    // Restore into a new, empty database.
    let target = empty_target_with_key_of(&source);
    let out = target
        .command(&["restore", backup_arg, "--passphrase-env", PASSPHRASE_VAR])
        .env(PASSPHRASE_VAR, "correct horse battery staple")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        target.ok(&["verify"]).trim(),
        "verified: 40 events, 7 access-log entries, integrity check ok"
    );
    let before = source.export("source.jsonl");
    let after = target.export("target.jsonl");
    assert!(before.len() > 1000);
    assert!(
        before == after,
        "the canonical exports differ after a restore"
    );
    println!(
        "backup/restore: {} bytes of canonical export identical before and after",
        before.len()
    );

    // A second restore finds data there and refuses, changing nothing.
    let out = target
        .command(&["restore", backup_arg, "--passphrase-env", PASSPHRASE_VAR])
        .env(PASSPHRASE_VAR, "correct horse battery staple")
        .output()
        .unwrap();
    let line = one_error_line(&out, 2);
    assert!(line.contains("already holds data"), "{line}");
    assert!(target.export("again.jsonl") == before);
}

#[test]
fn a_key_file_backup_round_trips() {
    let source = Sandbox::new();
    source.write_events(9);
    let key = source.path().join("backup.key");
    fs::write(&key, format!("{}\n", "5a".repeat(32))).unwrap();
    let backup = source.path().join("cspr.backup");
    let (backup_arg, key_arg) = (backup.to_str().unwrap(), key.to_str().unwrap());
    source.ok(&["backup", backup_arg, "--key-file", key_arg]);

    // A backup is never overwritten.
    let line = one_error_line(
        &source.run(&["backup", backup_arg, "--key-file", key_arg]),
        2,
    );
    assert!(line.contains("already exists"), "{line}");

    let target = empty_target_with_key_of(&source);
    target.ok(&["restore", backup_arg, "--key-file", key_arg]);
    assert!(source.export("a.jsonl") == target.export("b.jsonl"));
}

#[test]
fn wrong_secrets_and_damaged_files_are_refused_and_change_nothing() {
    let source = Sandbox::new();
    source.write_events(5);
    let backup = backed_up(&source, "the right passphrase");
    let backup_arg = backup.to_str().unwrap();

    let target = empty_target_with_key_of(&source);
    target.ok(&["migrate"]);
    let empty = target.export("empty.jsonl");

    let out = target
        .command(&["restore", backup_arg, "--passphrase-env", PASSPHRASE_VAR])
        .env(PASSPHRASE_VAR, "the wrong passphrase")
        .output()
        .unwrap();
    let line = one_error_line(&out, 2);
    assert!(line.contains("does not open this backup"), "{line}");

    let line = one_error_line(
        &target.run(&[
            "restore",
            backup_arg,
            "--passphrase-env",
            "CSPR_TEST_UNSET_VARIABLE",
        ]),
        2,
    );
    assert!(line.contains("CSPR_TEST_UNSET_VARIABLE"), "{line}");

    // Flip one byte in the last chunk.
    let damaged = target.path().join("damaged.backup");
    let mut bytes = fs::read(&backup).unwrap();
    let last = bytes.len() - 20;
    bytes[last] ^= 0x01;
    fs::write(&damaged, bytes).unwrap();
    let out = target
        .command(&[
            "restore",
            damaged.to_str().unwrap(),
            "--passphrase-env",
            PASSPHRASE_VAR,
        ])
        .env(PASSPHRASE_VAR, "the right passphrase")
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    assert!(
        target.export("still-empty.jsonl") == empty,
        "a refused restore changed the database"
    );
}

#[test]
fn a_restore_without_the_master_key_is_refused() {
    let source = Sandbox::new();
    source.write_events(3);
    let backup = source.path().join("cspr.backup");
    let key = source.path().join("backup.key");
    fs::write(&key, "11".repeat(32)).unwrap();
    let (backup_arg, key_arg) = (backup.to_str().unwrap(), key.to_str().unwrap());
    source.ok(&["backup", backup_arg, "--key-file", key_arg]);

    let target = Sandbox::new();
    let line = one_error_line(
        &target.run(&["restore", backup_arg, "--key-file", key_arg]),
        2,
    );
    assert!(line.contains("master key"), "{line}");
    assert!(!target.data_dir().exists());
}
