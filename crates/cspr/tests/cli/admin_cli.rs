//! `cspr admin create` and `cspr admin link` through the real binary: the first administrator
//! of a new database gets a one-time link that works on the running service; a second
//! administrator, bad input and renewing an activated account are refused with one line and
//! change nothing; each link is written to the access log.

use crate::common::{Sandbox, one_error_line, snapshot, with_store};
use crate::serve::{request, start, stop};

/// The link's path from the command's output.
fn link_path(out: &str) -> String {
    let line = out
        .lines()
        .find(|l| l.contains("/activate/"))
        .unwrap_or_else(|| panic!("no link in {out}"));
    let at = line.find("/activate/").expect("path");
    line[at..].trim().to_owned()
}

#[test]
fn the_first_administrator_activates_through_the_printed_link() {
    let mut sandbox = Sandbox::new();
    sandbox.set("CSPR_PUBLIC_URL", "https://reviews.example.org/");
    let out = sandbox.ok(&[
        "admin",
        "create",
        "--email",
        "Ada.Admin@Example.org",
        "--name",
        "Ada Admin",
    ]);
    assert!(out.starts_with("Activation link"), "{out}");
    assert!(
        out.contains("https://reviews.example.org/activate/"),
        "{out}"
    );
    let path = link_path(&out);
    let token = path.trim_start_matches("/activate/");
    assert_eq!(token.len(), 64, "{out}");
    assert!(!out.contains("Ada"), "the output names nobody: {out}");

    // The account and its two audit lines are stored; the token is not.
    let (user, log) = with_store(&sandbox, |store| async move {
        let user = store
            .user_by_email("ada.admin@example.org")
            .await
            .expect("read")
            .expect("the account");
        let log = store.read_access_log(0, 1000).await.expect("log");
        store.close().await;
        (user, log)
    });
    assert_eq!(user.role, "system-administrator");
    assert!(user.password_hash.is_none() && !user.disabled);
    let ours: Vec<_> = log.iter().filter(|e| e.actor == "cspr-admin").collect();
    let actions: Vec<&str> = ours.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["user-created", "activation-issued"]);
    assert!(ours.iter().all(|e| !e.detail.contains(token)));

    // The link works on the service, once.
    let (child, _, address) = start(&sandbox, &[]);
    let form = request(&address, "GET", &path, None, "");
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("Choose your password"));
    let password = "correct horse battery staple lantern";
    let body = format!(
        "new={}&confirm={}",
        password.replace(' ', "+"),
        password.replace(' ', "+")
    );
    let chosen = request(&address, "POST", &path, None, &body);
    assert_eq!(chosen.status, 303, "{}", chosen.body);
    assert_eq!(
        chosen.header("location"),
        Some("/sign-in/set-up-two-factor")
    );
    assert!(chosen.session_cookie().is_some());
    let spent = request(&address, "GET", &path, None, "");
    assert_eq!(spent.status, 404);
    stop(child);

    // Once activated, the command line gives no new link for the account.
    let renew = sandbox.run(&["admin", "link", "--email", "ada.admin@example.org"]);
    let line = one_error_line(&renew, 2);
    assert!(line.contains("already been activated"), "{line}");
}

#[test]
fn a_lost_first_link_is_replaced_and_the_old_one_stops_working() {
    let sandbox = Sandbox::new();
    let first = sandbox.ok(&[
        "admin",
        "create",
        "--email",
        "ada@example.org",
        "--name",
        "Ada Admin",
    ]);
    assert!(first.contains("`public_url` setting is not set"), "{first}");
    let old = link_path(&first);
    let second = sandbox.ok(&["admin", "link", "--email", "ada@example.org"]);
    let new = link_path(&second);
    assert_ne!(old, new);
    let (child, _, address) = start(&sandbox, &[]);
    assert_eq!(request(&address, "GET", &old, None, "").status, 404);
    assert_eq!(request(&address, "GET", &new, None, "").status, 200);
    stop(child);
}

#[test]
fn bad_input_is_one_line_and_changes_nothing() {
    let sandbox = Sandbox::new();
    sandbox.ok(&["migrate"]);
    sandbox.ok(&[
        "admin",
        "create",
        "--email",
        "ada@example.org",
        "--name",
        "Ada Admin",
    ]);
    let before = snapshot(sandbox.data_dir());
    let log_before = log_length(&sandbox);
    for (args, says) in [
        (
            vec![
                "admin",
                "create",
                "--email",
                "bo@example.org",
                "--name",
                "Bo",
            ],
            "already has an administrator (ada@example.org); make further accounts on Administration > Users",
        ),
        (
            vec!["admin", "link", "--email", "nobody@example.org"],
            "no account has the address nobody@example.org",
        ),
    ] {
        let line = one_error_line(&sandbox.run(&args), 2);
        assert!(line.contains(says), "{line}");
    }
    assert_eq!(snapshot(sandbox.data_dir()), before);
    assert_eq!(log_length(&sandbox), log_before);

    // On a database with no administrator, the address and name are checked.
    let fresh = Sandbox::new();
    for (args, says) in [
        (
            vec![
                "admin",
                "create",
                "--email",
                "not an address",
                "--name",
                "X",
            ],
            "email address",
        ),
        (
            vec![
                "admin",
                "create",
                "--email",
                "ok@example.org",
                "--name",
                "  ",
            ],
            "full name",
        ),
    ] {
        let line = one_error_line(&fresh.run(&args), 2);
        assert!(line.to_lowercase().contains(says), "{line}");
    }
    let users = with_store(&fresh, |store| async move {
        let p = store.partnerships().await.expect("partnerships");
        let mut n = 0;
        for row in p {
            n += store.users(row.id).await.expect("users").len();
        }
        store.close().await;
        n
    });
    assert_eq!(users, 0);
}

fn log_length(sandbox: &Sandbox) -> usize {
    with_store(sandbox, |store| async move {
        let n = store.read_access_log(0, 100_000).await.expect("log").len();
        store.close().await;
        n
    })
}

/// `cspr admin remove-passkeys`: when nobody can sign in to remove a lost device's passkeys,
/// the operator removes them; the account is signed out everywhere; an unknown address is
/// refused with one line and nothing changes.
#[test]
fn the_operator_removes_an_accounts_passkeys() {
    let sandbox = Sandbox::new();
    sandbox.ok(&[
        "admin",
        "create",
        "--email",
        "ada@example.org",
        "--name",
        "Ada Admin",
    ]);
    let ada = with_store(&sandbox, |store| async move {
        let ada = store
            .user_by_email("ada@example.org")
            .await
            .expect("read")
            .expect("ada");
        store
            .add_passkey(&cspr_store::PasskeyRow {
                id: uuid::Uuid::new_v4(),
                user_id: ada.id,
                credential_id: "bG9zdA".into(),
                name: "Lost phone".into(),
                credential: "{}".into(),
                created_at: time::OffsetDateTime::now_utc(),
                last_used_at: None,
            })
            .await
            .expect("passkey");
        store.close().await;
        ada.id
    });
    let refused = sandbox.run(&["admin", "remove-passkeys", "--email", "nobody@example.org"]);
    let line = one_error_line(&refused, 2);
    assert!(line.contains("no account has the address"), "{line}");

    let out = sandbox.ok(&["admin", "remove-passkeys", "--email", "ADA@example.org"]);
    assert!(out.starts_with("Removed 1 passkeys"), "{out}");
    let (left, log) = with_store(&sandbox, |store| async move {
        let left = store.passkeys(ada).await.expect("passkeys").len();
        let log = store.read_access_log(0, 1000).await.expect("log");
        store.close().await;
        (left, log)
    });
    assert_eq!(left, 0);
    assert!(
        log.iter()
            .any(|e| e.actor == "cspr-admin" && e.action == "passkeys-removed"),
        "the removal is in the access log"
    );
}
