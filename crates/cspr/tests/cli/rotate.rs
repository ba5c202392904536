//! `cspr rotate-master-key --new-key-file FILE` (issue 16, finding 12): after it, the database
//! opens with the new key only and every event still decrypts; anchors taken before still hold;
//! a bad new key file is refused with exit 2 and changes nothing.

use std::{fs, os::unix::fs::PermissionsExt};

use crate::common::{Sandbox, log_accesses, one_error_line, stored_events};

#[test]
fn the_database_opens_with_the_new_key_only() {
    let sandbox = Sandbox::new();
    // Six events over the crash writer's three cases.
    sandbox.write_events(6);
    log_accesses(&sandbox, 2);
    let anchor = sandbox.path().join("cspr.anchor");
    let anchor_arg = anchor.to_str().unwrap();
    sandbox.ok(&["verify", "--anchor", anchor_arg]);
    let old_key = fs::read(sandbox.key_path()).unwrap();

    let new_key = sandbox.path().join("new.key");
    let out = sandbox.ok(&[
        "rotate-master-key",
        "--new-key-file",
        new_key.to_str().unwrap(),
    ]);
    assert!(
        out.starts_with("master key rotated: 3 case keys, 0 account keys"),
        "{out}"
    );
    assert!(out.contains("keep the old key"), "{out}");
    let mode = fs::metadata(&new_key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the new key was created private");
    assert_eq!(
        fs::read(sandbox.key_path()).unwrap(),
        old_key,
        "left for the operator"
    );

    // The old key opens nothing now.
    let line = one_error_line(&sandbox.run(&["verify"]), 2);
    assert!(line.contains("does not match this database"), "{line}");

    // Once the operator puts the new key in place, everything reads, old anchor included.
    fs::rename(&new_key, sandbox.key_path()).unwrap();
    let out = sandbox.ok(&["verify", "--anchor", anchor_arg]);
    assert!(out.contains("still hold the anchor"), "{out}");
    let events = stored_events(&sandbox);
    assert_eq!(events.len(), 6);
    assert!(events.iter().all(|e| e.sealed.is_some()));
    sandbox.write_events(2);
    assert!(sandbox.ok(&["verify"]).starts_with("verified: 8 events"));
}

#[test]
fn a_bad_new_key_file_is_refused_and_changes_nothing() {
    let sandbox = Sandbox::new();
    sandbox.write_events(3);
    let before = sandbox.export("before.jsonl");
    let rotate = |file: &std::path::Path| {
        sandbox.run(&[
            "rotate-master-key",
            "--new-key-file",
            file.to_str().unwrap(),
        ])
    };

    let readable = sandbox.path().join("readable.key");
    fs::write(&readable, format!("{}\n", "ab".repeat(32))).unwrap();
    fs::set_permissions(&readable, fs::Permissions::from_mode(0o644)).unwrap();
    let line = one_error_line(&rotate(&readable), 2);
    assert!(line.contains("chmod 600"), "{line}");

    let short = sandbox.path().join("short.key");
    fs::write(&short, "abcd\n").unwrap();
    fs::set_permissions(&short, fs::Permissions::from_mode(0o600)).unwrap();
    let line = one_error_line(&rotate(&short), 2);
    assert!(line.contains("exactly 32 bytes"), "{line}");

    let line = one_error_line(&rotate(&sandbox.key_path()), 2);
    assert!(line.contains("is the master key file in use"), "{line}");

    let copy = sandbox.path().join("copy.key");
    fs::copy(sandbox.key_path(), &copy).unwrap();
    let line = one_error_line(&rotate(&copy), 2);
    assert!(line.contains("is the key in use"), "{line}");

    // A key file made for a rotation that did not happen is not left behind.
    let fresh = sandbox.path().join("fresh.key");
    let elsewhere = Sandbox::new();
    let line = one_error_line(
        &elsewhere.run(&[
            "rotate-master-key",
            "--new-key-file",
            fresh.to_str().unwrap(),
        ]),
        2,
    );
    assert!(line.contains("does not exist"), "{line}");
    assert!(!fresh.exists());

    assert_eq!(sandbox.export("after.jsonl"), before);
    assert!(sandbox.ok(&["verify"]).starts_with("verified: 3 events"));
}
