//! Tampering through the real binary: an event or access-log row edited or deleted directly in
//! the database makes `cspr verify` fail (exit 3) in one line that names the row.

use crate::common::{Sandbox, log_accesses, one_error_line, tamper};

fn sandbox_with_history() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.write_events(12);
    log_accesses(&sandbox, 5);
    let out = sandbox.ok(&["verify"]);
    assert_eq!(
        out.trim(),
        "verified: 12 events, 5 access-log entries, integrity check ok"
    );
    sandbox
}

fn verify_fails_naming(sandbox: &Sandbox, row: &str) -> String {
    let output = sandbox.run(&["verify"]);
    let line = one_error_line(&output, 3);
    assert!(line.contains("integrity check FAILED"), "{line}");
    assert!(line.contains(row), "expected {row:?} in: {line}");
    assert!(output.stdout.is_empty());
    line
}

#[test]
fn an_edited_event_is_named() {
    let sandbox = sandbox_with_history();
    tamper(
        &sandbox,
        &[
            "DROP TRIGGER events_no_update",
            r#"UPDATE events SET plain = '{"run":"forged","seq":0}' WHERE seq = 7"#,
        ],
    );
    let line = verify_fails_naming(&sandbox, "events row 7");
    println!("{line}");
}

#[test]
fn an_edited_event_type_is_named() {
    let sandbox = sandbox_with_history();
    tamper(
        &sandbox,
        &[
            "DROP TRIGGER events_no_update",
            "UPDATE events SET actor = 'someone-else' WHERE seq = 3",
        ],
    );
    verify_fails_naming(&sandbox, "events row 3");
}

#[test]
fn a_deleted_event_is_named() {
    let sandbox = sandbox_with_history();
    tamper(
        &sandbox,
        &[
            "DROP TRIGGER events_no_delete",
            "DELETE FROM events WHERE seq = 5",
        ],
    );
    verify_fails_naming(&sandbox, "events row 5");
}

#[test]
fn the_last_event_deleted_is_named() {
    let sandbox = sandbox_with_history();
    tamper(
        &sandbox,
        &[
            "DROP TRIGGER events_no_delete",
            "DELETE FROM events WHERE seq = 12",
        ],
    );
    verify_fails_naming(&sandbox, "events row 12");
}

#[test]
fn an_edited_access_log_entry_is_named() {
    let sandbox = sandbox_with_history();
    tamper(
        &sandbox,
        &[
            "DROP TRIGGER access_log_no_update",
            "UPDATE access_log SET actor = 'nobody' WHERE seq = 2",
        ],
    );
    verify_fails_naming(&sandbox, "access_log row 2");
}

#[test]
fn a_deleted_access_log_entry_is_named() {
    let sandbox = sandbox_with_history();
    tamper(
        &sandbox,
        &[
            "DROP TRIGGER access_log_no_delete",
            "DELETE FROM access_log WHERE seq = 4",
        ],
    );
    verify_fails_naming(&sandbox, "access_log row 4");
}
