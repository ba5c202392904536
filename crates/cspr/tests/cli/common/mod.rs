//! Helpers for tests that run the real `cspr` binary: a throwaway working directory with its
//! own data directory, a clean `CSPR_*` environment, and checks on what the binary printed.

use std::{
    collections::BTreeSet,
    fs,
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    thread,
};

use tempfile::TempDir;
use uuid::Uuid;

pub const BIN: &str = env!("CARGO_BIN_EXE_cspr");

/// Every variable the binary reads; cleared so the developer's own settings cannot leak in.
const SETTINGS: &[&str] = &[
    "CSPR_DATA_DIR",
    "CSPR_DATABASE_URL",
    "CSPR_MASTER_KEY_FILE",
    "CSPR_LISTEN",
    "CSPR_PARTNERSHIP_NAME",
    "CSPR_LOG",
    "CSPR_CLOSURE_DAYS",
    "CSPR_REQUEST_TIMEOUT_SECS",
    "CSPR_MAX_BODY_BYTES",
    "CSPR_SESSION_IDLE_MINUTES",
    "CSPR_SESSION_ABSOLUTE_HOURS",
    "CSPR_SMTP_HOST",
    "CSPR_SMTP_PORT",
    "CSPR_MAIL_FROM",
    "CSPR_SMTP_TLS",
    "CSPR_OIDC_ISSUER_URL",
    "CSPR_OIDC_CLIENT_ID",
    "CSPR_OIDC_CLIENT_SECRET",
    "CSPR_OIDC_CLIENT_SECRET_FILE",
    "CSPR_OIDC_REDIRECT_URL",
];

/// A working directory for one test, with the data directory at `./data` by default.
#[derive(Debug)]
pub struct Sandbox {
    dir: TempDir,
    data_dir: PathBuf,
    env: Vec<(String, String)>,
}

impl Sandbox {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let data_dir = dir.path().join("data");
        Self::with_data_dir(dir, data_dir)
    }

    /// A sandbox whose data directory lives somewhere else (a tmpfs mount, say).
    pub fn with_data_dir(dir: TempDir, data_dir: PathBuf) -> Self {
        Self {
            env: vec![("CSPR_DATA_DIR".into(), data_dir.display().to_string())],
            dir,
            data_dir,
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("cspr.db")
    }

    /// The database URL the binary is given: `CSPR_DATABASE_URL` if set, else the default.
    pub fn database_url(&self) -> String {
        self.env
            .iter()
            .find(|(key, _)| key == "CSPR_DATABASE_URL")
            .map_or_else(
                || format!("sqlite://{}", self.db_path().display()),
                |(_, url)| url.clone(),
            )
    }

    pub fn key_path(&self) -> PathBuf {
        self.data_dir.join("master.key")
    }

    /// Sets (or replaces) a `CSPR_*` variable for every later run.
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command.args(args).current_dir(self.dir.path());
        for key in SETTINGS {
            command.env_remove(key);
        }
        command
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE");
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command.stdin(Stdio::null());
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run cspr")
    }

    /// Runs and insists on success, returning stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "cspr {args:?} failed with {:?}\nstdout: {}\nstderr: {}",
            output.status.code(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("utf-8 stdout")
    }

    /// Runs `crash-writer` to completion and returns the acknowledged writes.
    pub fn write_events(&self, count: u64) -> Vec<Ack> {
        let stdout = self.ok(&["crash-writer", "--count", &count.to_string()]);
        let acks: Vec<Ack> = stdout
            .lines()
            .map(|line| Ack::parse(line).expect("ack line"))
            .collect();
        assert_eq!(acks.len() as u64, count);
        acks
    }

    /// The canonical export, written by the binary to a file and read back.
    pub fn export(&self, name: &str) -> Vec<u8> {
        let file = self.path().join(name);
        self.ok(&["export-canonical", file.to_str().expect("utf-8 path")]);
        fs::read(&file).expect("read export")
    }
}

/// One acknowledged write: `ack <stream> <version>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ack {
    pub stream: Uuid,
    pub version: u64,
}

impl Ack {
    pub fn parse(line: &str) -> Option<Self> {
        let mut parts = line.split_whitespace();
        if parts.next()? != "ack" {
            return None;
        }
        let stream = parts.next()?.parse().ok()?;
        let version = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some(Self { stream, version })
    }
}

/// Reads `ack` lines from a child's stdout on a thread, so the test can kill the child at any
/// moment and still have every line it printed before it died.
pub fn collect_acks(child: &mut Child) -> thread::JoinHandle<(Vec<Ack>, Vec<String>)> {
    let stdout = child.stdout.take().expect("piped stdout");
    thread::spawn(move || {
        let mut acks = Vec::new();
        let mut other = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            match Ack::parse(&line) {
                Some(ack) => acks.push(ack),
                // A line cut short by the kill is not an acknowledgement.
                None => other.push(line),
            }
        }
        (acks, other)
    })
}

/// Asserts the binary failed with `code` and printed exactly one line on stderr; returns it.
pub fn one_error_line(output: &Output, code: i32) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        output.status.code(),
        Some(code),
        "expected exit {code}; stderr: {stderr}; stdout: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert_eq!(lines.len(), 1, "expected one line on stderr, got: {stderr}");
    assert!(lines[0].starts_with("error: "), "{}", lines[0]);
    assert!(!stderr.contains("backtrace"), "{stderr}");
    lines[0].to_owned()
}

/// Every file under `dir` with its bytes, for proving a failed command changed nothing. The
/// SQLite files are left out: a checkpoint may rewrite their bytes without changing their
/// content, which the canonical export compares instead.
pub fn snapshot(dir: &Path) -> BTreeSet<(PathBuf, Vec<u8>)> {
    let mut files = BTreeSet::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                files.extend(snapshot(&path));
            } else if name.starts_with("cspr.db") {
                continue;
            } else {
                files.insert((path.clone(), fs::read(&path).unwrap_or_default()));
            }
        }
    }
    files
}

/// Every event in the sandbox's store, read through the store's own API (which decrypts the
/// sealed half, so a damaged case key would show here too).
pub fn stored_events(sandbox: &Sandbox) -> Vec<cspr_store::StoredEvent> {
    with_store(sandbox, |store| async move {
        let mut events = Vec::new();
        loop {
            let after = events.last().map_or(0, |e: &cspr_store::StoredEvent| e.seq);
            let batch = store.read_all(after, 1000).await.expect("read events");
            if batch.is_empty() {
                break;
            }
            events.extend(batch);
        }
        store.close().await;
        events
    })
}

/// Runs `work` on the sandbox's store, opened with its master key, on a runtime of its own.
pub fn with_store<T, F>(sandbox: &Sandbox, work: impl FnOnce(cspr_store::Store) -> F) -> T
where
    F: std::future::Future<Output = T>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let key = cspr_store::MasterKey::load_or_create(&sandbox.key_path()).expect("master key");
        let store = cspr_store::Store::open(&sandbox.database_url(), key)
            .await
            .expect("open store");
        work(store).await
    })
}

/// What a check of acknowledged writes against the store found.
#[derive(Debug)]
pub struct AckCheck {
    pub acked: usize,
    pub events_found: usize,
    /// Committed but killed before the acknowledgement was printed.
    pub unacknowledged: usize,
}

/// Proves every acknowledged write is in the store exactly once, and no write is duplicated.
pub fn check_acks(sandbox: &Sandbox, acks: &[Ack]) -> AckCheck {
    use std::collections::{BTreeMap, HashSet};

    let events = stored_events(sandbox);
    let mut by_position: BTreeMap<(Uuid, u64), usize> = BTreeMap::new();
    let mut writes = HashSet::new();
    for event in &events {
        *by_position
            .entry((event.stream_id, event.version))
            .or_default() += 1;
        let write = (
            event.plain["run"].clone().to_string(),
            event.plain["seq"].as_u64(),
        );
        assert!(
            writes.insert(write.clone()),
            "write {write:?} is stored twice"
        );
        assert!(
            event.sealed.is_some(),
            "event {} lost its sealed half",
            event.seq
        );
    }
    let mut seen = HashSet::new();
    for ack in acks {
        assert!(seen.insert(*ack), "{ack:?} was acknowledged twice");
        assert_eq!(
            by_position.get(&(ack.stream, ack.version)),
            Some(&1),
            "acknowledged write {ack:?} is not stored exactly once"
        );
    }
    // Versions in each stream run 1..=n without gaps.
    let mut streams: BTreeMap<Uuid, Vec<u64>> = BTreeMap::new();
    for (stream, version) in by_position.keys() {
        streams.entry(*stream).or_default().push(*version);
    }
    for (stream, versions) in streams {
        let expected: Vec<u64> = (1..=versions.len() as u64).collect();
        assert_eq!(versions, expected, "stream {stream} has gaps");
    }
    AckCheck {
        acked: acks.len(),
        events_found: events.len(),
        unacknowledged: events.len() - acks.len(),
    }
}

/// Records `n` access-log entries through the store's API (the binary has no command that
/// reads personal data yet, so nothing else writes them).
pub fn log_accesses(sandbox: &Sandbox, n: usize) {
    with_store(sandbox, |store| async move {
        store.migrate().await.expect("migrate");
        for i in 0..n {
            store
                .log_access(cspr_store::NewAccessEntry {
                    actor: format!("user-{i}"),
                    action: "view-case".into(),
                    case_id: Some(Uuid::now_v7()),
                    detail: "/cases/overview".into(),
                    source_ip: "127.0.0.1".into(),
                    at: time::OffsetDateTime::now_utc(),
                })
                .await
                .expect("log access");
        }
        store.close().await;
    });
}

/// Runs SQL straight against the sandbox's SQLite file, behind the store's back, as someone
/// with access to the disk could.
pub fn tamper(sandbox: &Sandbox, statements: &[&str]) {
    use sqlx::{ConnectOptions, Connection, sqlite::SqliteConnectOptions};

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut conn = SqliteConnectOptions::new()
            .filename(sandbox.db_path())
            .connect()
            .await
            .expect("open the database file");
        for statement in statements {
            sqlx::raw_sql(sqlx::AssertSqlSafe(*statement))
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("{statement}: {e}"));
        }
        conn.close().await.expect("close");
    });
}
