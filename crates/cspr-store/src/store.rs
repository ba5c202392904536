//! Opening a store: parsing the database URL, tuning the connection for durability, running the
//! embedded migrations and refusing a master key the database was not created with.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::Connection;
use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::borrow::Cow;
use std::sync::LazyLock;

use crate::db::{Arg, Cx, Pool, SqlitePools, sql, sql2};
use crate::keys::{Keys, MasterKey};
use crate::{Backend, StoreError};

/// The migrations of each backend, embedded by `build.rs`: (version, description, SQL).
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

static SQLITE_MIGRATIONS: LazyLock<Migrator> = LazyLock::new(|| migrator(embedded::SQLITE));
static POSTGRES_MIGRATIONS: LazyLock<Migrator> = LazyLock::new(|| migrator(embedded::POSTGRES));

/// sqlx's migrator over embedded migrations, as `sqlx::migrate!` would make it: each a plain
/// (not reversible) migration, outside a transaction when its SQL starts `-- no-transaction`.
fn migrator(files: &'static [(i64, &'static str, &'static str)]) -> Migrator {
    Migrator::with_migrations(
        files
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    sql.starts_with("-- no-transaction"),
                )
            })
            .collect(),
    )
}

/// How long a SQLite writer waits for another writer's lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a caller waits for a free pooled connection.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections that read a SQLite database at once (besides its one writer).
const SQLITE_READERS: u32 = 8;
/// How long a PostgreSQL connection may sit in the pool before it is pinged before use.
const PG_IDLE_BEFORE_PING: Duration = Duration::from_secs(30);

const BAD_URL: &str =
    "The database URL is not valid: use sqlite://PATH/TO/cspr.db or postgres://USER@HOST/DATABASE.";

/// A handle on the store; cheap to clone, shared by every request and job.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    keys: Keys,
    access: crate::access::AccessBatcher,
    listings: crate::projections::KeptListings,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Connects to `sqlite://path` (created with its directory when missing), `sqlite::memory:`
    /// or `postgres://...`, and checks the master key against a migrated database.
    pub async fn open(url: &str, master_key: MasterKey) -> Result<Store, StoreError> {
        Store::open_with(url, master_key, &[]).await
    }

    /// [`Store::open`] with extra SQLite pragmas on every connection (tests use
    /// `max_page_count` to run out of space on purpose).
    pub(crate) async fn open_with(
        url: &str,
        master_key: MasterKey,
        sqlite_pragmas: &[(&'static str, String)],
    ) -> Result<Store, StoreError> {
        let url = url.trim();
        let pool = if url.starts_with("sqlite:") {
            Pool::Sqlite(open_sqlite(url, sqlite_pragmas).await?)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Pool::Postgres(open_postgres(url).await?)
        } else {
            return Err(StoreError::Config(BAD_URL.into()));
        };
        let store = Store {
            inner: Arc::new(Inner {
                pool,
                keys: Keys::derive(&master_key),
                access: crate::access::AccessBatcher::new(),
                listings: crate::projections::KeptListings::default(),
            }),
        };
        store.check_master_key().await?;
        Ok(store)
    }

    /// Brings the schema up to date and records the master key's check value on first use.
    /// A database created with another master key is refused before anything is written.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.check_master_key().await?;
        match self.pool() {
            Pool::Sqlite(p) => SQLITE_MIGRATIONS.run(&p.write).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        let mut conn = self.pool().write_conn().await?;
        conn.cx()
            .execute(
                &sql("INSERT INTO meta (key, value) VALUES ('key_check', $1) ON CONFLICT (key) DO NOTHING"),
                &[Arg::from(self.keys().check_value())],
            )
            .await?;
        drop(conn);
        // Another process may have migrated first with a different key.
        self.check_master_key().await?;
        // The chains' key needs the master key, which SQL migrations cannot reach.
        crate::chain::key_chains(self).await?;
        tracing::info!(backend = %self.backend(), "store schema up to date");
        Ok(())
    }

    /// Holds the database's start-up lock until [`StartupLock::release`]: a server or command
    /// takes it before it migrates, creates or finds the partnership and seeds anything, so
    /// several servers started at once on one PostgreSQL database do that one after another
    /// (issue 18). On PostgreSQL it is a session-level advisory lock on a connection of its
    /// own, outside the pool, so it goes with that connection if the process dies or the lock
    /// is dropped unreleased. On SQLite, which serves one process, it holds nothing.
    ///
    /// # Errors
    /// The database cannot be reached.
    pub async fn startup_lock(&self) -> Result<StartupLock, StoreError> {
        match self.pool() {
            Pool::Sqlite(_) => Ok(StartupLock(None)),
            Pool::Postgres(p) => {
                let mut conn = p.acquire().await?.detach();
                sqlx::query("SELECT pg_advisory_lock($1)")
                    .bind(STARTUP_LOCK_KEY)
                    .execute(&mut conn)
                    .await?;
                Ok(StartupLock(Some(conn)))
            }
        }
    }

    /// Which database this store runs on.
    pub fn backend(&self) -> Backend {
        match self.pool() {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Closes every pooled connection (SQLite checkpoints its WAL); clones stop working.
    pub async fn close(&self) {
        match self.pool() {
            Pool::Sqlite(p) => {
                p.read.close().await;
                p.write.close().await;
            }
            Pool::Postgres(p) => p.close().await,
        }
    }

    pub(crate) fn pool(&self) -> &Pool {
        &self.inner.pool
    }

    pub(crate) fn keys(&self) -> &Keys {
        &self.inner.keys
    }

    pub(crate) fn access_batcher(&self) -> &crate::access::AccessBatcher {
        &self.inner.access
    }

    pub(crate) fn kept_listings(&self) -> &crate::projections::KeptListings {
        &self.inner.listings
    }

    /// Fails with `WrongMasterKey` when the database holds another key's check value.
    async fn check_master_key(&self) -> Result<(), StoreError> {
        let mut conn = self.pool().conn().await?;
        let mut cx = conn.cx();
        if !table_exists(&mut cx, "meta").await? {
            return Ok(());
        }
        let stored = cx
            .fetch_optional(&sql("SELECT value FROM meta WHERE key = 'key_check'"), &[])
            .await?;
        match stored {
            Some(row) if row.text("value")? != self.keys().check_value() => {
                Err(StoreError::WrongMasterKey)
            }
            _ => Ok(()),
        }
    }
}

/// The key of the start-up advisory lock: "cspr" and "startup" in ASCII, distinct from the key
/// sqlx's migrator locks (derived from the database's name).
const STARTUP_LOCK_KEY: i64 = 0x6373_7072_7374_7274;

/// The start-up lock, while held ([`Store::startup_lock`]).
#[derive(Debug)]
#[must_use = "the lock is held until released"]
pub struct StartupLock(Option<sqlx::PgConnection>);

impl StartupLock {
    /// Whether another process may start now (on PostgreSQL it waited for this one).
    pub fn is_held(&self) -> bool {
        self.0.is_some()
    }

    /// Lets the next process start: unlocks and closes the lock's connection.
    ///
    /// # Errors
    /// The connection failed; closing it released the lock all the same.
    pub async fn release(self) -> Result<(), StoreError> {
        if let Some(mut conn) = self.0 {
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(STARTUP_LOCK_KEY)
                .execute(&mut conn)
                .await?;
            conn.close().await?;
        }
        Ok(())
    }
}

/// Whether a table exists in the store's schema.
pub(crate) async fn table_exists(cx: &mut Cx<'_>, name: &str) -> Result<bool, StoreError> {
    let row = cx
        .fetch_one(
            &sql2(
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = $1",
                "SELECT COUNT(*) AS n FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = $1",
            ),
            &[Arg::from(name)],
        )
        .await?;
    Ok(row.i64("n")? > 0)
}

async fn open_sqlite(
    url: &str,
    extra_pragmas: &[(&'static str, String)],
) -> Result<SqlitePools, StoreError> {
    let options =
        SqliteConnectOptions::from_str(url).map_err(|_| StoreError::Config(BAD_URL.into()))?;
    let file = options.get_filename().to_path_buf();
    let in_memory = url.contains(":memory:")
        || url.contains("mode=memory")
        || file.to_string_lossy().starts_with("file:sqlx-in-memory");
    if !in_memory {
        if file.as_os_str().is_empty() {
            return Err(StoreError::Config(BAD_URL.into()));
        }
        if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Config(format!(
                    "The directory {} for the database could not be created: {e}.",
                    parent.display()
                ))
            })?;
        }
    }
    let options = extra_pragmas
        .iter()
        .fold(options, |o, (k, v)| o.pragma(*k, v.clone()))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // No acknowledged write is lost, even on power failure.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
        // Freed pages are zeroed, so shredded keys do not linger in the file.
        .pragma("secure_delete", "ON");
    let connect = |pool: SqlitePoolOptions, options: SqliteConnectOptions| {
        let file = file.clone();
        async move {
            pool.acquire_timeout(ACQUIRE_TIMEOUT)
                // The connection is a thread in this process with the file open: there is no
                // peer that could have gone away, so it is not pinged before each use (a ping is
                // a round trip to that thread, and a page makes several reads; issue 20).
                .test_before_acquire(false)
                // When SQLite rolls a transaction back by itself (disk full, I/O error) the
                // driver's own ROLLBACK fails and it goes on believing the connection is inside
                // a transaction. Such a connection is closed on release instead of poisoning
                // the pool. Only a connection released inside a transaction can be one: the ping
                // lets the rollback its transaction queued on drop run first.
                .after_release(|conn, _meta| {
                    Box::pin(async move {
                        if !conn.is_in_transaction() {
                            return Ok(true);
                        }
                        conn.ping().await?;
                        Ok(!conn.is_in_transaction())
                    })
                })
                .connect_with(options)
                .await
                .map_err(|e| match StoreError::from(e) {
                    StoreError::Database(e) => StoreError::Config(format!(
                        "The SQLite database {} could not be opened: {e}.",
                        file.display()
                    )),
                    other => other,
                })
        }
    };
    if in_memory {
        // An in-memory database lives as long as one connection to it: keep exactly one, for
        // reading and writing.
        let one = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None);
        let pool = connect(one, options).await?;
        return Ok(SqlitePools {
            read: pool.clone(),
            write: pool,
        });
    }
    // SQLite has one writer at a time. Writers take their turn in a pool of one connection,
    // queued in order in the process, instead of each holding a connection and polling on the
    // busy timeout; readers have a pool of their own and never wait for a writer (WAL).
    let write = connect(SqlitePoolOptions::new().max_connections(1), options.clone()).await?;
    let read = connect(
        SqlitePoolOptions::new().max_connections(SQLITE_READERS),
        options,
    )
    .await?;
    Ok(SqlitePools { read, write })
}

async fn open_postgres(url: &str) -> Result<sqlx::PgPool, StoreError> {
    let options =
        PgConnectOptions::from_str(url).map_err(|_| StoreError::Config(BAD_URL.into()))?;
    PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        // sqlx tests every connection as it goes back to the pool; one that then sat idle for
        // a while (the server may have closed it) is tested again before use, but one used a
        // moment ago is not pinged before every read (issue 20).
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > PG_IDLE_BEFORE_PING {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .connect_with(options)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Database(e) => StoreError::Unavailable(format!(
                "the PostgreSQL server refused the connection: {e}"
            )),
            other => other,
        })
}
