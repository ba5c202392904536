//! The binary on PostgreSQL: the same commands as on SQLite, against a throwaway server started
//! from the system binaries by the store's harness (a failure, never a skip, if they are
//! missing). Also moves a backup across backends and compares the canonical exports.

use std::{fs, process::Stdio, thread, time::Duration};

use crate::common::{Ack, Sandbox, check_acks, collect_acks, log_accesses, one_error_line};
use cspr_store::testing::TestDb;

fn postgres_databases(n: usize) -> Vec<TestDb> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut databases = Vec::new();
        for _ in 0..n {
            databases.push(TestDb::postgres().await);
        }
        databases
    })
}

fn sandbox_on(db: &TestDb) -> Sandbox {
    let mut sandbox = Sandbox::new();
    sandbox.set("CSPR_DATABASE_URL", db.url());
    sandbox
}

#[test]
fn the_binary_runs_on_postgresql() {
    let databases = postgres_databases(2);
    let source = sandbox_on(&databases[0]);
    source.ok(&["migrate"]);
    let mut acks: Vec<Ack> = source.write_events(25);
    log_accesses(&source, 3);

    // A few kills mid-write on PostgreSQL as well.
    for delay_ms in [150, 300, 450, 600, 750] {
        let mut child = source
            .command(&["crash-writer", "--count", "1000000"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn crash-writer");
        let reader = collect_acks(&mut child);
        thread::sleep(Duration::from_millis(delay_ms));
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        acks.extend(reader.join().expect("acks").0);
    }
    let check = check_acks(&source, &acks);
    let verified = source.ok(&["verify"]);
    assert!(verified.contains("integrity check ok"), "{verified}");
    assert!(verified.contains("3 access-log entries"), "{verified}");
    println!(
        "postgresql: {} writes acknowledged, {} events found, {verified}",
        check.acked, check.events_found
    );

    // A wrong master key is refused here too.
    let mut wrong = sandbox_on(&databases[0]);
    fs::create_dir_all(wrong.data_dir()).expect("data dir");
    let other_key = wrong.path().join("other.key");
    fs::write(&other_key, "cd".repeat(32)).expect("key");
    wrong.set("CSPR_MASTER_KEY_FILE", other_key.display().to_string());
    let line = one_error_line(&wrong.run(&["verify"]), 2);
    assert!(line.contains("master key"), "{line}");

    // Backup on PostgreSQL, restore into an empty PostgreSQL database.
    let key = source.path().join("backup.key");
    fs::write(&key, "77".repeat(32)).expect("backup key");
    let backup = source.path().join("pg.backup");
    let (backup_arg, key_arg) = (
        backup.to_str().expect("utf-8"),
        key.to_str().expect("utf-8"),
    );
    source.ok(&["backup", backup_arg, "--key-file", key_arg]);
    let target = sandbox_on(&databases[1]);
    fs::create_dir_all(target.data_dir()).expect("data dir");
    fs::copy(source.key_path(), target.key_path()).expect("copy the master key");
    target.ok(&["restore", backup_arg, "--key-file", key_arg]);
    let original = source.export("source.jsonl");
    assert!(
        original == target.export("target.jsonl"),
        "PostgreSQL restore differs"
    );

    // And across backends: the PostgreSQL backup restored into SQLite exports the same.
    let sqlite = Sandbox::new();
    fs::create_dir_all(sqlite.data_dir()).expect("data dir");
    fs::copy(source.key_path(), sqlite.key_path()).expect("copy the master key");
    sqlite.ok(&["restore", backup_arg, "--key-file", key_arg]);
    assert!(
        original == sqlite.export("sqlite.jsonl"),
        "SQLite restore differs"
    );
    assert!(sqlite.ok(&["verify"]).contains("integrity check ok"));
}
