//! Several servers on one PostgreSQL database (issue 18): two `cspr serve --demo` started at
//! the same moment on an empty database migrate, create the partnership and seed the demo once
//! between them (the start-up lock); the burst of reminder emails the demo's deadlines give is
//! worked through by both, each job run once (claimed with `FOR UPDATE SKIP LOCKED`); and a
//! session started on one server is good on the other. The demo for the burst is seeded
//! with `cspr demo --cases` first, as the default demo's deadlines give only a few reminders.

use std::{
    fs,
    time::{Duration, Instant},
};

use crate::common::{Sandbox, with_store};
use crate::serve::{Server, request, sign_in, start, stop};
use cspr_store::testing::{SmtpSink, TestDb};

/// aiosmtpd on a free port (`SmtpSink`).
fn smtp() -> SmtpSink {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    SmtpSink::start_on(port)
}

/// The sum of one field over a server's "ran jobs" log lines.
fn ran(stderr: &str, field: &str) -> u64 {
    stderr
        .lines()
        .filter(|l| l.contains("ran jobs"))
        .flat_map(|l| l.split_whitespace())
        .filter_map(|word| word.strip_prefix(&format!("{field}=")))
        .map(|n| {
            n.trim_matches(|c: char| !c.is_ascii_digit())
                .parse::<u64>()
                .expect("a count")
        })
        .sum()
}

/// A throwaway PostgreSQL database, and a sandbox holding the master key both servers are
/// given (where `with_store` reads it), pointed at that database.
fn database() -> (TestDb, Sandbox) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let db = runtime.block_on(TestDb::postgres());
    let mut keys = Sandbox::new();
    keys.set("CSPR_DATABASE_URL", db.url());
    fs::create_dir_all(keys.data_dir()).expect("data dir");
    {
        use std::{io::Write, os::unix::fs::OpenOptionsExt};
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(keys.key_path())
            .and_then(|mut f| f.write_all("5a".repeat(32).as_bytes()))
            .expect("master key");
    }
    (db, keys)
}

/// A server's sandbox on the database of `keys`, sending email to `smtp`.
fn server(keys: &Sandbox, smtp: &SmtpSink) -> Sandbox {
    let mut sandbox = Sandbox::new();
    sandbox.set("CSPR_DATABASE_URL", keys.database_url());
    sandbox.set(
        "CSPR_MASTER_KEY_FILE",
        keys.key_path().display().to_string(),
    );
    sandbox.set("CSPR_SMTP_HOST", "127.0.0.1");
    sandbox.set("CSPR_SMTP_PORT", smtp.port.to_string());
    sandbox.set("CSPR_SMTP_TLS", "false");
    sandbox.set(
        "CSPR_MAIL_FROM",
        "Northshire SCP <no-reply@northshire.example>",
    );
    sandbox.set("CSPR_PUBLIC_URL", "http://localhost:8080");
    sandbox.set("CSPR_LOG", "info,cspr::serve=debug");
    sandbox
}

/// A server started: the child, what it printed before its address, and the address.
struct Running {
    server: Server,
    printed: Vec<String>,
    address: String,
}

impl From<(Server, Vec<String>, String)> for Running {
    fn from((server, printed, address): (Server, Vec<String>, String)) -> Self {
        Self {
            server,
            printed,
            address,
        }
    }
}

impl Running {
    /// Stops the server as `serve::stop` does; what it logged.
    fn stop(self) -> String {
        stop(self.server)
    }
}

/// Starts a server on each sandbox at the same moment.
fn start_together(one: &Sandbox, two: &Sandbox, extra: &[&str]) -> (Running, Running) {
    std::thread::scope(|s| {
        let a = s.spawn(|| Running::from(start(one, extra)));
        let b = s.spawn(|| Running::from(start(two, extra)));
        (
            a.join().expect("first server"),
            b.join().expect("second server"),
        )
    })
}

/// Waits until no job is waiting or running; the counts then.
fn jobs_worked_through(keys: &Sandbox) -> cspr_store::JobCounts {
    let started = Instant::now();
    loop {
        let counts = with_store(keys, async |store: cspr_store::Store| {
            store.job_counts().await.expect("job counts")
        });
        if counts.pending == 0 && counts.running == 0 && counts.done > 0 {
            return counts;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "jobs left: {counts:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn two_servers_started_at_once_seed_once_and_share_sessions() {
    let (db, keys) = database();
    let smtp = smtp();
    let (one, two) = (server(&keys, &smtp), server(&keys, &smtp));
    // Both start at once on the empty database.
    let (server_one, server_two) = start_together(&one, &two, &["--demo"]);

    // One partnership, seeded once: one server made the accounts and printed their password,
    // the other found them.
    let (printed_one, printed_two) = (&server_one.printed, &server_two.printed);
    let made: Vec<&Vec<String>> = [printed_one, printed_two]
        .into_iter()
        .filter(|p| {
            p.iter()
                .any(|l| l.starts_with("Password for every demo account"))
        })
        .collect();
    assert_eq!(made.len(), 1, "{printed_one:?}\n{printed_two:?}");
    let at = made[0]
        .iter()
        .position(|l| l.starts_with("Password for every demo account"))
        .expect("password heading");
    let password = made[0][at + 1..]
        .iter()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .expect("password")
        .to_owned();
    let (partnerships, cases) = with_store(&keys, async |store: cspr_store::Store| {
        let partnerships = store.partnerships().await.expect("partnerships");
        let cases = store
            .case_summaries(cspr_store::CaseScope::Partnership(partnerships[0].id))
            .await
            .expect("cases")
            .len();
        (partnerships.len(), cases)
    });
    assert_eq!(
        (partnerships, cases),
        (1, 18),
        "one partnership, its 18 demo cases once"
    );

    // A session started on one server is good on the other, and ends on both.
    let cookie = sign_in(
        &one,
        &server_one.address,
        "team@demo.cspr.invalid",
        &password,
    );
    let dashboard = request(&server_two.address, "GET", "/dashboard", Some(&cookie), "");
    assert_eq!(dashboard.status, 200, "{dashboard:?}");
    assert!(dashboard.body.contains("CSPR-"), "{}", dashboard.body);
    jobs_worked_through(&keys);
    server_one.stop();
    server_two.stop();
    let verified = one.ok(&["verify"]);
    assert!(verified.contains("integrity check ok"), "{verified}");
    drop(db);
}

#[test]
fn two_servers_work_through_a_burst_of_jobs_each_once() {
    let (db, keys) = database();
    let smtp = smtp();
    let (one, two) = (server(&keys, &smtp), server(&keys, &smtp));
    // Enough open cases that their deadlines give a burst of reminders and chasers.
    one.ok(&["demo", "--cases", &BURST_CASES.to_string()]);
    let (server_one, server_two) = start_together(&one, &two, &[]);
    let counts = jobs_worked_through(&keys);
    let (log_one, log_two) = (server_one.stop(), server_two.stop());
    let sent = ran(&log_one, "sent") + ran(&log_two, "sent");
    let skipped = ran(&log_one, "skipped") + ran(&log_two, "skipped");
    let failed = ran(&log_one, "failed") + ran(&log_two, "failed");
    println!(
        "jobs: {counts:?}; sent {} + {}, skipped {skipped}, failed {failed}",
        ran(&log_one, "sent"),
        ran(&log_two, "sent")
    );
    assert!(counts.done >= 50, "a burst of jobs: {counts:?}");
    assert_eq!((counts.dead, failed), (0, 0), "{counts:?}");
    // Each job finished once, and each run of a job is one of those: no job ran twice.
    assert_eq!(sent + skipped, counts.done, "{counts:?}");
    // Each email sent arrived once.
    let messages = smtp.messages();
    assert_eq!(messages.len() as u64, sent);
    assert!(
        messages
            .iter()
            .all(|(_, m)| m.contains("@demo.cspr.invalid")),
        "every email to a demo account"
    );
    drop(db);
}

/// Cases seeded for the burst.
const BURST_CASES: usize = 80;
