//! `cspr verify --anchor FILE` (issue 16, finding 8): the signed chain heads are written to a
//! file kept away from the database, later checked against it, and replaced only when the
//! check passes; a database rolled back before the anchor fails, and an unreadable or altered
//! anchor file is refused with exit 2, changing nothing.

use std::fs;

use crate::common::{Sandbox, log_accesses, one_error_line};

fn anchored_sandbox() -> (Sandbox, std::path::PathBuf) {
    let sandbox = Sandbox::new();
    sandbox.write_events(5);
    log_accesses(&sandbox, 2);
    let anchor = sandbox.path().join("elsewhere").join("cspr.anchor");
    fs::create_dir_all(anchor.parent().expect("a parent")).expect("create the anchor's directory");
    let out = sandbox.ok(&["verify", "--anchor", anchor.to_str().expect("utf-8 path")]);
    assert!(
        out.starts_with(
            "verified: 5 events, 2 access-log entries, integrity check ok; new anchor written to "
        ),
        "{out}"
    );
    assert!(out.contains("events row 5, access-log row 2"), "{out}");
    (sandbox, anchor)
}

#[test]
fn an_anchor_is_checked_then_replaced() {
    let (sandbox, anchor) = anchored_sandbox();
    let first = fs::read_to_string(&anchor).unwrap();
    assert!(
        first.contains("\"format\":\"cspr-chain-anchor\""),
        "{first}"
    );
    sandbox.write_events(3);
    let arg = anchor.to_str().unwrap();

    let out = sandbox.ok(&["verify", "--anchor", arg, "--check-only"]);
    assert!(out.contains("still hold the anchor"), "{out}");
    assert!(out.contains("events row 5, access-log row 2"), "{out}");
    assert!(!out.contains("new anchor"), "{out}");
    assert_eq!(
        fs::read_to_string(&anchor).unwrap(),
        first,
        "--check-only wrote"
    );

    let out = sandbox.ok(&["verify", "--anchor", arg]);
    assert!(out.contains("still hold the anchor"), "{out}");
    assert!(out.contains("new anchor written"), "{out}");
    assert!(out.contains("events row 8, access-log row 2"), "{out}");
    assert_ne!(fs::read_to_string(&anchor).unwrap(), first);
    // No temporary file is left beside it.
    assert_eq!(fs::read_dir(anchor.parent().unwrap()).unwrap().count(), 1);
    // Plain verify is unchanged.
    assert_eq!(
        sandbox.ok(&["verify"]).trim(),
        "verified: 8 events, 2 access-log entries, integrity check ok"
    );
}

#[test]
fn a_database_rolled_back_before_the_anchor_fails() {
    let sandbox = Sandbox::new();
    sandbox.write_events(4);
    // An older copy of the database, as an old backup restored would be.
    let older = sandbox.path().join("older.db");
    fs::copy(sandbox.db_path(), &older).unwrap();
    sandbox.write_events(3);
    let anchor = sandbox.path().join("cspr.anchor");
    let arg = anchor.to_str().unwrap();
    sandbox.ok(&["verify", "--anchor", arg]);
    let kept = fs::read(&anchor).unwrap();

    for suffix in ["-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{suffix}", sandbox.db_path().display()));
    }
    fs::copy(&older, sandbox.db_path()).unwrap();
    assert_eq!(
        sandbox.ok(&["verify"]).trim(),
        "verified: 4 events, 0 access-log entries, integrity check ok",
        "whole on its own, only older"
    );
    let output = sandbox.run(&["verify", "--anchor", arg]);
    let line = one_error_line(&output, 3);
    assert!(line.contains("integrity check FAILED"), "{line}");
    assert!(
        line.contains("events chain no longer reaches row 7"),
        "{line}"
    );
    assert!(line.contains("rolled back or rewritten"), "{line}");
    assert_eq!(
        fs::read(&anchor).unwrap(),
        kept,
        "the evidence was replaced"
    );
}

#[test]
fn a_bad_anchor_file_is_refused_and_changes_nothing() {
    let (sandbox, anchor) = anchored_sandbox();
    let arg = anchor.to_str().unwrap();
    let good = fs::read_to_string(&anchor).unwrap();

    let edited = good.replace("\"seq\":5", "\"seq\":4");
    assert_ne!(edited, good);
    fs::write(&anchor, &edited).unwrap();
    let line = one_error_line(&sandbox.run(&["verify", "--anchor", arg]), 2);
    assert!(line.contains("signature does not match"), "{line}");
    assert!(line.contains("Nothing was checked or written"), "{line}");
    assert_eq!(fs::read_to_string(&anchor).unwrap(), edited);

    fs::write(&anchor, b"\xff\xfe not text").unwrap();
    let line = one_error_line(&sandbox.run(&["verify", "--anchor", arg]), 2);
    assert!(line.contains("is not a cspr chain anchor"), "{line}");

    fs::write(&anchor, "{\"hello\": 1}\n").unwrap();
    let line = one_error_line(&sandbox.run(&["verify", "--anchor", arg]), 2);
    assert!(line.contains("is not a cspr chain anchor"), "{line}");
    assert_eq!(fs::read_to_string(&anchor).unwrap(), "{\"hello\": 1}\n");

    let missing = sandbox.path().join("missing.anchor");
    let missing_arg = missing.to_str().unwrap();
    let line = one_error_line(
        &sandbox.run(&["verify", "--anchor", missing_arg, "--check-only"]),
        2,
    );
    assert!(line.contains("does not exist"), "{line}");
    assert!(!missing.exists());

    // --check-only means nothing without an anchor: clap's usage error, exit 2.
    assert_eq!(
        sandbox.run(&["verify", "--check-only"]).status.code(),
        Some(2)
    );
}
