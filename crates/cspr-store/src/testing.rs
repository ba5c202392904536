//! Test harness (feature `testing`): a throwaway SQLite file or a fresh database on a private
//! PostgreSQL server started from the system binaries, one server per test process, stopped and
//! deleted by a watchdog shell when the process exits, however it exits.
//!
//! The server runs as the `postgres` user when the tests run as root (initdb refuses root),
//! listens only on a unix socket in its temporary directory, and has fsync off for speed. Its
//! wrapper shell reads a pipe whose only writer is the test process: when the process ends the
//! pipe closes, and the wrapper stops the server (`pg_ctl stop -m immediate`) and removes the
//! directory. Missing PostgreSQL binaries are a test failure, never a skip.

use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use sqlx::{AssertSqlSafe, Connection};

use crate::{Backend, MasterKey, Store, StoreError};

/// The master key every test store uses unless a test picks another.
pub const TEST_KEY: [u8; 32] = [0x42; 32];

/// A throwaway database for one test.
pub struct TestDb {
    url: String,
    backend: Backend,
    _dir: Option<tempfile::TempDir>,
}

impl fmt::Debug for TestDb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestDb")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl TestDb {
    /// A database of the given backend.
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => TestDb::sqlite().await,
            Backend::Postgres => TestDb::postgres().await,
        }
    }

    /// A SQLite file in a fresh temporary directory (removed on drop).
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::Builder::new()
            .prefix("cspr-sqlite-")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"));
        let url = format!("sqlite://{}", dir.path().join("cspr.db").display());
        TestDb {
            url,
            backend: Backend::Sqlite,
            _dir: Some(dir),
        }
    }

    /// A new, empty database on this process's PostgreSQL test server (started on first use).
    pub async fn postgres() -> TestDb {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let server = pg_server();
        let name = format!(
            "cspr_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let admin = server.url("postgres");
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to the PostgreSQL test server: {e}"));
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("cannot create the test database: {e}"));
        let _ = conn.close().await;
        TestDb {
            url: server.url(&name),
            backend: Backend::Postgres,
            _dir: None,
        }
    }

    /// The database URL, for [`Store::open`].
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Which backend this database runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Opens and migrates a store with [`TEST_KEY`]; panics on failure.
    pub async fn store(&self) -> Store {
        self.store_with_key(MasterKey::from_bytes(TEST_KEY))
            .await
            .unwrap_or_else(|e| panic!("cannot open the test store: {e}"))
    }

    /// Opens and migrates a store with the given key.
    pub async fn store_with_key(&self, key: MasterKey) -> Result<Store, StoreError> {
        let store = Store::open(&self.url, key).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Runs raw SQL on a separate connection (tamper tests); panics on failure.
    pub async fn execute(&self, sql: &str) {
        if let Err(e) = self.try_execute(sql).await {
            panic!("test SQL failed: {e}\n{sql}");
        }
    }

    /// Opens this SQLite database (migrated first) limited to `pages` pages of 4 KiB, so that
    /// writes beyond that fail as they would on a full disk.
    pub async fn sqlite_store_with_max_pages(&self, pages: u32) -> Result<Store, StoreError> {
        assert_eq!(
            self.backend,
            Backend::Sqlite,
            "page limits are a SQLite feature"
        );
        Store::open_with(
            &self.url,
            MasterKey::from_bytes(TEST_KEY),
            &[("max_page_count", pages.to_string())],
        )
        .await
    }

    /// Removes the append-only triggers, as someone tampering with the database files would.
    pub async fn drop_append_only_guards(&self) {
        self.execute(match self.backend {
            Backend::Sqlite => {
                "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; \
                 DROP TRIGGER access_log_no_update; DROP TRIGGER access_log_no_delete;"
            }
            Backend::Postgres => {
                "DROP TRIGGER events_append_only ON events; \
                 DROP TRIGGER access_log_append_only ON access_log;"
            }
        })
        .await;
    }

    /// Recomputes every link of both chains with the unkeyed blake3 of the old format, from the
    /// first row on, and moves both heads to match: what someone with write access to the
    /// database, but not the master key, can do after editing rows. It uses no key material
    /// (the store is opened only for its connection pool). Drop the append-only guards first.
    pub async fn recompute_plain_chains(&self) {
        use crate::codec::{GENESIS_HASH, LinkMac};
        use crate::db::{Arg, sql, sql_owned};
        let store = Store::open(&self.url, MasterKey::from_bytes(TEST_KEY))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut tx = store.pool().write().await.unwrap_or_else(|e| panic!("{e}"));
        let mut cx = tx.cx();
        for (table, cols) in [
            ("events", crate::events::event_cols!()),
            ("access_log", crate::access::access_cols!()),
        ] {
            let rows = cx
                .fetch_all(
                    &sql_owned(format!("SELECT {cols} FROM {table} ORDER BY seq")),
                    &[],
                )
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let mut prev = GENESIS_HASH.to_owned();
            let mut last = 0;
            for row in &rows {
                let seq = row.i64("seq").unwrap_or_else(|e| panic!("{e}"));
                let hash = if table == "events" {
                    crate::verify::recompute_event(row, LinkMac::Plain, &prev)
                } else {
                    crate::verify::recompute_access(row, LinkMac::Plain, &prev)
                }
                .unwrap_or_else(|e| panic!("{e}"));
                cx.execute(
                    &sql_owned(format!(
                        "UPDATE {table} SET prev_hash = $1, hash = $2 WHERE seq = $3"
                    )),
                    &[Arg::Text(prev), Arg::Text(hash.clone()), Arg::I64(seq)],
                )
                .await
                .unwrap_or_else(|e| panic!("{e}"));
                prev = hash;
                last = seq;
            }
            cx.execute(
                &sql("UPDATE chain_heads SET seq = $2, hash = $3 WHERE chain = $1"),
                &[Arg::from(table), Arg::I64(last), Arg::Text(prev)],
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        }
        tx.commit().await.unwrap_or_else(|e| panic!("{e}"));
        store.close().await;
    }

    /// The first column of every row a raw query returns, as bytes (to look at what is stored
    /// as it is stored); panics on failure.
    pub async fn query_bytes(&self, sql: &str) -> Vec<Vec<u8>> {
        let rows = match self.backend {
            Backend::Sqlite => {
                let options = sqlx::sqlite::SqliteConnectOptions::from_str(&self.url)
                    .unwrap_or_else(|e| panic!("bad test URL: {e}"));
                let mut conn = sqlx::SqliteConnection::connect_with(&options)
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                sqlx::query_scalar::<_, Vec<u8>>(sqlx::AssertSqlSafe(sql.to_owned()))
                    .fetch_all(&mut conn)
                    .await
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.url)
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                sqlx::query_scalar::<_, Vec<u8>>(sqlx::AssertSqlSafe(sql.to_owned()))
                    .fetch_all(&mut conn)
                    .await
            }
        };
        rows.unwrap_or_else(|e| panic!("test SQL failed: {e}\n{sql}"))
    }

    /// Runs raw SQL on a separate connection and returns the driver's result.
    pub async fn try_execute(&self, sql: &str) -> Result<(), sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                let options = sqlx::sqlite::SqliteConnectOptions::from_str(&self.url)
                    .unwrap_or_else(|e| panic!("bad test URL: {e}"))
                    .busy_timeout(std::time::Duration::from_secs(5));
                run_raw(sqlx::SqliteConnection::connect_with(&options).await, sql).await
            }
            Backend::Postgres => run_raw(sqlx::PgConnection::connect(&self.url).await, sql).await,
        }
    }
}

/// Runs raw SQL on a freshly opened connection of either backend; panics when the connection
/// could not be opened.
async fn run_raw<C>(connected: Result<C, sqlx::Error>, sql: &str) -> Result<(), sqlx::Error>
where
    C: Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
{
    let mut conn = connected.unwrap_or_else(|e| panic!("cannot connect: {e}"));
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(&mut conn)
        .await
        .map(|_| ())
}

/// The PostgreSQL server of this test process.
struct PgServer {
    socket_dir: PathBuf,
    // Holding the wrapper's stdin open keeps the server alive; it closes when the process exits.
    _wrapper: Mutex<Child>,
}

impl PgServer {
    fn url(&self, database: &str) -> String {
        format!(
            "postgres://postgres@localhost/{database}?host={}",
            self.socket_dir.display()
        )
    }
}

fn pg_server() -> &'static PgServer {
    static SERVER: OnceLock<PgServer> = OnceLock::new();
    SERVER.get_or_init(start_pg_server)
}

/// The newest PostgreSQL server binaries: `$CSPR_PG_BIN`, else `/usr/lib/postgresql/<n>/bin`.
fn pg_bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CSPR_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    match found.pop() {
        Some((_, bin)) => bin,
        None => panic!(
            "PostgreSQL server binaries were not found under /usr/lib/postgresql/*/bin. \
             The store's tests need them: install them with `apt-get install -y postgresql` \
             (or point CSPR_PG_BIN at a directory holding initdb and pg_ctl)."
        ),
    }
}

fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    // /proc/self belongs to the effective user of this process.
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

/// The wrapper: initdb, start, print `ready`, wait for stdin to close, stop, clean up.
const WRAPPER: &str = r#"
bin="$1"; dir="$2"; fsync="$3"; shift 3
# Survive Ctrl-C and hang-ups so the clean-up below always runs.
trap '' INT HUP
fail() { echo "failed: $1"; cat "$dir/initdb.log" "$dir/server.log" 2>/dev/null; rm -rf "$dir"; exit 1; }
# initdb's output goes through this shell; the server's log is written by the server's user.
"$@" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C \
    >"$dir/initdb.log" 2>&1 || fail initdb
"$@" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses= -k $dir -c fsync=$fsync -c full_page_writes=$fsync -c max_connections=200" \
    start >/dev/null 2>&1 || fail pg_ctl
echo ready
cat >/dev/null
"$@" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
rm -rf "$dir"
"#;

fn start_pg_server() -> PgServer {
    let bin = pg_bin_dir();
    let dir = tempfile::Builder::new()
        .prefix("cspr-pg-")
        .tempdir()
        .unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"))
        .keep();
    let as_root = running_as_root();
    if as_root {
        let status = Command::new("chown")
            .arg("postgres:postgres")
            .arg(&dir)
            .status()
            .unwrap_or_else(|e| panic!("cannot run chown: {e}"));
        assert!(
            status.success(),
            "cannot give {} to the postgres user",
            dir.display()
        );
    }
    // fsync stays off unless a benchmark asks for production-like durability.
    let fsync = match std::env::var("CSPR_TEST_PG_FSYNC").as_deref() {
        Ok("on" | "1" | "true") => "on",
        _ => "off",
    };
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(WRAPPER)
        .arg("cspr-pg")
        .arg(&bin)
        .arg(&dir)
        .arg(fsync);
    if as_root {
        cmd.args(["runuser", "-u", "postgres", "--"]);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        // Never hold the test runner's output pipes, or nextest would wait on them.
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start the PostgreSQL wrapper shell: {e}"));
    let stdout = child
        .stdout
        .take()
        .unwrap_or_else(|| panic!("the wrapper has no stdout"));
    let mut lines = BufReader::new(stdout).lines();
    match lines.next() {
        Some(Ok(line)) if line == "ready" => {}
        first => {
            let rest: Vec<String> = lines.map_while(Result::ok).collect();
            panic!(
                "the PostgreSQL test server did not start ({}):\n{}",
                first.and_then(Result::ok).unwrap_or_default(),
                rest.join("\n")
            );
        }
    }
    PgServer {
        socket_dir: dir,
        _wrapper: Mutex::new(child),
    }
}

/// Instantiates each test for SQLite and for PostgreSQL, as `mod sqlite` and `mod postgres`:
///
/// ```text
/// cspr_store::backend_tests! {
///     async fn round_trip(db) { let store = db.store().await; /* ... */ }
/// }
/// ```
#[macro_export]
macro_rules! backend_tests {
    ($(async fn $name:ident($db:ident) $body:block)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $db = $crate::testing::TestDb::sqlite().await;
                    $body
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $db = $crate::testing::TestDb::postgres().await;
                    $body
                }
            )*
        }
    };
}

/// A real SMTP server on loopback for the email tests of every crate: aiosmtpd writing each
/// message it accepts into a Maildir. Needs python3 with aiosmtpd (`python3 -m pip install
/// aiosmtpd`; .ci/run installs it): a missing tool fails the test, it is never skipped.
/// Stopped when dropped.
#[derive(Debug)]
pub struct SmtpSink {
    child: Child,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpSink {
    /// Starts a server on `port` and waits until it listens.
    ///
    /// # Panics
    /// When aiosmtpd is missing or does not start.
    #[must_use]
    pub fn start_on(port: u16) -> Self {
        let have = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        assert!(
            have.is_ok_and(|s| s.success()),
            "these tests need python3 with aiosmtpd: run `python3 -m pip install aiosmtpd` \
             (.ci/run installs it)"
        );
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let maildir = dir.path().join("maildir");
        let mut child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start aiosmtpd: {e}"));
        let started = std::time::Instant::now();
        while !(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
            && maildir.join("new").is_dir())
        {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("aiosmtpd ended at start: {status}");
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "aiosmtpd did not start listening on 127.0.0.1:{port}"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Self {
            child,
            port,
            maildir,
            _dir: dir,
        }
    }

    /// The messages delivered so far: (file name, raw text), in file-name order.
    ///
    /// # Panics
    /// When the Maildir cannot be read.
    #[must_use]
    pub fn messages(&self) -> Vec<(String, String)> {
        let new = self.maildir.join("new");
        let mut names: Vec<String> = std::fs::read_dir(&new)
            .unwrap_or_else(|e| panic!("maildir: {e}"))
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|name| {
                let raw = std::fs::read(new.join(&name)).unwrap_or_else(|e| panic!("message: {e}"));
                (name, String::from_utf8_lossy(&raw).into_owned())
            })
            .collect()
    }
}
