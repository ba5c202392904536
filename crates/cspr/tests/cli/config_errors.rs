//! Bad settings through the real binary: a malformed database URL, an unusable data directory,
//! a wrong master key, incomplete OpenID Connect settings and a bad email sender each stop it
//! with exit code 2, one clear line, and nothing changed.

use std::fs;

use crate::common::{Sandbox, one_error_line, snapshot};

#[test]
fn a_malformed_database_url_is_refused_before_anything_is_created() {
    for url in [
        "not a url",
        "mysql://root:hunter2@localhost/cspr",
        "postgres://cspr:hunter2@localhost:port/cspr",
        "sqlite://",
    ] {
        let mut sandbox = Sandbox::new();
        sandbox.set("CSPR_DATABASE_URL", url);
        for command in [
            &["migrate"][..],
            &["serve"],
            &["verify"],
            &["crash-writer", "--count", "1"],
        ] {
            let output = sandbox.run(command);
            let line = one_error_line(&output, 2);
            assert!(line.contains("CSPR_DATABASE_URL"), "{line}");
            assert!(!line.contains("hunter2"), "the password leaked: {line}");
        }
        assert!(
            !sandbox.data_dir().exists(),
            "{url}: the data directory was created"
        );
        assert!(
            fs::read_dir(sandbox.path()).unwrap().next().is_none(),
            "{url}: something was written"
        );
    }
}

#[test]
fn a_data_dir_that_is_a_file_is_refused() {
    let mut sandbox = Sandbox::new();
    let file = sandbox.path().join("not-a-dir");
    fs::write(&file, b"keep me").unwrap();
    sandbox.set("CSPR_DATA_DIR", file.display().to_string());
    for command in [
        &["migrate"][..],
        &["verify"],
        &["crash-writer", "--count", "1"],
    ] {
        let line = one_error_line(&sandbox.run(command), 2);
        assert!(
            line.contains("not-a-dir") && line.contains("not a directory"),
            "{line}"
        );
    }
    assert_eq!(fs::read(&file).unwrap(), b"keep me");
    assert_eq!(fs::read_dir(sandbox.path()).unwrap().count(), 1);
}

#[test]
fn a_data_dir_under_a_file_is_refused() {
    // Tests run as root, whom permission bits do not stop; a path through a regular file
    // cannot be read or created by anyone.
    let mut sandbox = Sandbox::new();
    let file = sandbox.path().join("plain-file");
    fs::write(&file, b"").unwrap();
    sandbox.set("CSPR_DATA_DIR", file.join("data").display().to_string());
    for command in [&["migrate"][..], &["verify"], &["serve"]] {
        let line = one_error_line(&sandbox.run(command), 2);
        assert!(
            line.contains("data directory") && line.contains("plain-file"),
            "{line}"
        );
    }
    assert_eq!(fs::read_dir(sandbox.path()).unwrap().count(), 1);
}

#[test]
fn a_wrong_master_key_is_refused_and_changes_nothing() {
    let mut sandbox = Sandbox::new();
    sandbox.write_events(6);
    let before_export = sandbox.export("before.jsonl");
    let before_files = snapshot(sandbox.data_dir());

    let other_key = sandbox.path().join("other.key");
    fs::write(&other_key, format!("{}\n", "ab".repeat(32))).unwrap();
    sandbox.set("CSPR_MASTER_KEY_FILE", other_key.display().to_string());
    for command in [
        &["migrate"][..],
        &["verify"],
        &["serve"],
        &["crash-writer", "--count", "3"],
        &["export-canonical", "wrong.jsonl"],
    ] {
        let output = sandbox.run(command);
        let line = one_error_line(&output, 2);
        assert!(
            line.contains("master key") && line.contains("other.key"),
            "{line}"
        );
        assert!(
            output.stdout.is_empty(),
            "{command:?} acknowledged something"
        );
    }

    // A key file that does not exist yet is not left behind either.
    let missing_key = sandbox.path().join("missing.key");
    sandbox.set("CSPR_MASTER_KEY_FILE", missing_key.display().to_string());
    let line = one_error_line(&sandbox.run(&["crash-writer", "--count", "3"]), 2);
    assert!(line.contains("master key"), "{line}");
    assert!(!missing_key.exists(), "a stray master key file was created");

    sandbox.set(
        "CSPR_MASTER_KEY_FILE",
        sandbox.key_path().display().to_string(),
    );
    assert_eq!(snapshot(sandbox.data_dir()), before_files);
    assert_eq!(sandbox.export("after.jsonl"), before_export);
    assert!(sandbox.ok(&["verify"]).starts_with("verified: 6 events"));
}

#[test]
fn a_malformed_master_key_file_is_refused() {
    let mut sandbox = Sandbox::new();
    let key = sandbox.path().join("short.key");
    fs::write(&key, "too short").unwrap();
    sandbox.set("CSPR_MASTER_KEY_FILE", key.display().to_string());
    let line = one_error_line(&sandbox.run(&["migrate"]), 2);
    assert!(line.contains("short.key"), "{line}");
}

#[test]
fn bad_settings_in_the_file_or_environment_are_one_line() {
    let mut sandbox = Sandbox::new();
    fs::write(sandbox.path().join("cspr.toml"), "listen = \"nowhere\"\n").unwrap();
    let line = one_error_line(&sandbox.run(&["migrate"]), 2);
    assert!(line.contains("listen"), "{line}");

    fs::write(
        sandbox.path().join("cspr.toml"),
        "lisen = \"127.0.0.1:1\"\n",
    )
    .unwrap();
    let line = one_error_line(&sandbox.run(&["migrate"]), 2);
    assert!(line.contains("lisen"), "{line}");

    fs::write(sandbox.path().join("cspr.toml"), "this is [not toml\n").unwrap();
    one_error_line(&sandbox.run(&["migrate"]), 2);
    fs::remove_file(sandbox.path().join("cspr.toml")).unwrap();

    sandbox.set("CSPR_LOG", "cspr=loud");
    let line = one_error_line(&sandbox.run(&["migrate"]), 2);
    assert!(line.contains("CSPR_LOG"), "{line}");

    let line = one_error_line(&sandbox.run(&["--config", "absent.toml", "migrate"]), 2);
    assert!(line.contains("absent.toml"), "{line}");
    assert!(!sandbox.data_dir().exists());
}

#[test]
fn settings_come_from_the_config_file() {
    let sandbox = Sandbox::new();
    let custom = sandbox.path().join("elsewhere");
    fs::write(
        sandbox.path().join("custom.toml"),
        format!("data_dir = \"{}\"\n", custom.display()),
    )
    .unwrap();
    // The environment's CSPR_DATA_DIR outranks the file, so take it away for this run.
    let output = sandbox
        .command(&["--config", "custom.toml", "migrate"])
        .env_remove("CSPR_DATA_DIR")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(custom.join("cspr.db").is_file());
    assert!(custom.join("master.key").is_file());
}

#[test]
fn the_master_key_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::new();
    sandbox.ok(&["migrate"]);
    let mode = fs::metadata(sandbox.key_path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn read_only_commands_create_nothing() {
    let sandbox = Sandbox::new();
    fs::create_dir(sandbox.data_dir()).unwrap();
    let line = one_error_line(&sandbox.run(&["verify"]), 2);
    assert!(line.contains("migrate"), "{line}");
    assert!(fs::read_dir(sandbox.data_dir()).unwrap().next().is_none());
}

#[test]
fn incomplete_oidc_settings_name_what_is_missing() {
    let mut sandbox = Sandbox::new();
    sandbox.set("CSPR_OIDC_ISSUER_URL", "https://login.example.org/tenant");
    for command in [&["serve"][..], &["migrate"]] {
        let line = one_error_line(&sandbox.run(command), 2);
        for missing in [
            "oidc_client_id (CSPR_OIDC_CLIENT_ID)",
            "oidc_client_secret (CSPR_OIDC_CLIENT_SECRET) or oidc_client_secret_file",
            "oidc_redirect_url (CSPR_OIDC_REDIRECT_URL)",
        ] {
            assert!(line.contains(missing), "{missing}: {line}");
        }
        assert!(!line.contains("oidc_issuer_url (CSPR"), "{line}");
    }

    // From the file too, and the secret given is never repeated.
    let mut sandbox = Sandbox::new();
    fs::write(
        sandbox.path().join("cspr.toml"),
        "oidc_issuer_url = \"https://login.example.org/tenant\"\n\
         oidc_client_id = \"cspr\"\n\
         oidc_client_secret = \"hunter2-secret\"\n",
    )
    .unwrap();
    sandbox.set("CSPR_LOG", "debug");
    let output = sandbox.run(&["serve"]);
    let line = one_error_line(&output, 2);
    assert!(
        line.contains("missing: oidc_redirect_url (CSPR_OIDC_REDIRECT_URL)"),
        "{line}"
    );
    assert!(!String::from_utf8_lossy(&output.stderr).contains("hunter2"));
    assert!(
        !sandbox.data_dir().exists(),
        "the data directory was created"
    );

    // The multi-factor class (issue 16, finding 11) alone is no provider.
    let mut sandbox = Sandbox::new();
    sandbox.set("CSPR_OIDC_MFA_ACR", "urn:example:mfa");
    let line = one_error_line(&sandbox.run(&["migrate"]), 2);
    assert!(
        line.contains("oidc_issuer_url (CSPR_OIDC_ISSUER_URL)"),
        "{line}"
    );
}

#[test]
fn a_malformed_mail_sender_is_refused() {
    let mut sandbox = Sandbox::new();
    sandbox.set("CSPR_SMTP_HOST", "smtp.example.org");
    sandbox.set("CSPR_MAIL_FROM", "Northshire partnership");
    for command in [&["serve"][..], &["migrate"]] {
        let line = one_error_line(&sandbox.run(command), 2);
        assert!(
            line.contains("mail_from (CSPR_MAIL_FROM) is not an email address"),
            "{line}"
        );
    }

    // Plain SMTP goes only to a relay on this machine.
    sandbox.set("CSPR_MAIL_FROM", "no-reply@northshire.example");
    sandbox.set("CSPR_SMTP_TLS", "false");
    let line = one_error_line(&sandbox.run(&["serve"]), 2);
    assert!(line.contains("smtp_tls (CSPR_SMTP_TLS)"), "{line}");
    assert!(
        !sandbox.data_dir().exists(),
        "the data directory was created"
    );
}
