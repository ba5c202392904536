//! The two backends behind one small query interface: statements are written once where the
//! dialects agree and once per backend where they differ; values are bound and read through
//! [`Arg`] and [`Row`], which store ids, times and dates natively on PostgreSQL and as text on SQLite.

use std::convert::identity;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::Row as _;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{
    Arguments, AssertSqlSafe, PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool,
    Transaction,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::StoreError;
use crate::codec::{fmt_date, fmt_time, parse_date, parse_time};

/// How many times this process has asked a database for something, since it started: for
/// benchmarks, which divide by the requests they made (issue 20: every one is a hand-off to the
/// driver, and on SQLite a wake-up of its worker thread).
static ACQUIRES: AtomicU64 = AtomicU64::new(0);
static TRANSACTIONS: AtomicU64 = AtomicU64::new(0);
static STATEMENTS: AtomicU64 = AtomicU64::new(0);

/// Counts of the process's use of its databases (see [`db_counts`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DbCounts {
    /// Connections taken from a pool (a transaction's included).
    pub acquires: u64,
    /// Transactions begun.
    pub transactions: u64,
    /// Statements run (not counting a transaction's begin and commit).
    pub statements: u64,
}

impl std::ops::Sub for DbCounts {
    type Output = DbCounts;
    fn sub(self, before: DbCounts) -> DbCounts {
        DbCounts {
            acquires: self.acquires.saturating_sub(before.acquires),
            transactions: self.transactions.saturating_sub(before.transactions),
            statements: self.statements.saturating_sub(before.statements),
        }
    }
}

/// What this process has asked of its databases so far, over every store it opened.
#[must_use]
pub fn db_counts() -> DbCounts {
    DbCounts {
        acquires: ACQUIRES.load(Ordering::Relaxed),
        transactions: TRANSACTIONS.load(Ordering::Relaxed),
        statements: STATEMENTS.load(Ordering::Relaxed),
    }
}

fn count(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// A statement, with its text for each backend.
#[derive(Debug, Clone)]
pub(crate) struct Sql {
    sqlite: Text,
    pg: Text,
}

/// Statement text: a literal, or assembled from the store's own identifiers.
#[derive(Debug, Clone)]
enum Text {
    Static(&'static str),
    Owned(String),
}

/// A statement both backends accept as written (`$1`-style parameters work in both).
pub(crate) const fn sql(both: &'static str) -> Sql {
    Sql {
        sqlite: Text::Static(both),
        pg: Text::Static(both),
    }
}

/// A `SELECT` of a column list (one of the `*_cols!()` macros) followed by the rest of the
/// statement, all literal and the same on both backends:
/// `select!(user_cols!(), " FROM users WHERE id = $1")`.
macro_rules! select {
    ($cols:expr, $($rest:expr),+ $(,)?) => {
        $crate::db::sql(concat!("SELECT ", $cols, $($rest),+))
    };
}
pub(crate) use select;

/// Builds a `$ty` from a row whose columns are named as its fields. Each field is read with
/// the [`Row`] getter named after it, given as a `{ block }` where it needs more, or taken
/// from the local variable of its name when it stands alone:
///
/// ```text
/// read_row!(r => AgencyRow { id, partnership_id: uuid, kind: text, name: text,
///     active: { r.bool("active")? } })
/// ```
macro_rules! read_row {
    ($row:ident => $ty:ident { $($field:ident $(: $how:tt)?),* $(,)? }) => {
        $ty { $($field: $crate::db::read_row!(@field $row, $field $(, $how)?),)* }
    };
    (@field $row:ident, $field:ident) => {
        $field
    };
    (@field $row:ident, $field:ident, $get:ident) => {
        $row.$get(stringify!($field))?
    };
    (@field $row:ident, $field:ident, $value:block) => {
        $value
    };
}
pub(crate) use read_row;

/// A statement written once per backend.
pub(crate) const fn sql2(sqlite: &'static str, pg: &'static str) -> Sql {
    Sql {
        sqlite: Text::Static(sqlite),
        pg: Text::Static(pg),
    }
}

/// A statement assembled at run time from the store's own table and column names only (never
/// from input), as the canonical export does.
pub(crate) fn sql_owned(both: String) -> Sql {
    Sql {
        sqlite: Text::Owned(both.clone()),
        pg: Text::Owned(both),
    }
}

fn sql_text(text: &Text) -> sqlx::SqlStr {
    use sqlx::SqlSafeStr;
    match text {
        Text::Static(s) => s.into_sql_str(),
        Text::Owned(s) => AssertSqlSafe(s.clone()).into_sql_str(),
    }
}

/// A bound parameter.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    I64(i64),
    Bool(bool),
    Text(String),
    OptText(Option<String>),
    Uuid(Uuid),
    OptUuid(Option<Uuid>),
    Time(OffsetDateTime),
    OptTime(Option<OffsetDateTime>),
    Date(Date),
    OptDate(Option<Date>),
    Bytes(Vec<u8>),
    OptBytes(Option<Vec<u8>>),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Arg {
        Arg::I64(n)
    }
}
impl From<Uuid> for Arg {
    fn from(u: Uuid) -> Arg {
        Arg::Uuid(u)
    }
}
impl From<OffsetDateTime> for Arg {
    fn from(t: OffsetDateTime) -> Arg {
        Arg::Time(t)
    }
}

/// Binds every argument in turn into a new `$arguments`, encoding ids, times and dates with
/// the given functions (the only values the backends store differently).
macro_rules! bind_args {
    ($args:expr, $arguments:ty, uuid: $uuid:expr, time: $time:expr, date: $date:expr) => {{
        let mut out = <$arguments>::default();
        for arg in $args {
            let added = match arg {
                Arg::I64(n) => out.add(*n),
                Arg::Bool(b) => out.add(*b),
                Arg::Text(s) => out.add(s.as_str()),
                Arg::OptText(s) => out.add(s.as_deref()),
                Arg::Uuid(u) => out.add($uuid(*u)),
                Arg::OptUuid(u) => out.add(u.map($uuid)),
                Arg::Time(t) => out.add($time(*t)),
                Arg::OptTime(t) => out.add(t.map($time)),
                Arg::Date(d) => out.add($date(*d)),
                Arg::OptDate(d) => out.add(d.map($date)),
                Arg::Bytes(b) => out.add(b.as_slice()),
                Arg::OptBytes(b) => out.add(b.as_deref()),
            };
            added.map_err(|e| StoreError::Invalid(format!("a value could not be bound: {e}")))?;
        }
        Ok(out)
    }};
}

/// SQLite keeps ids, times and dates as text.
fn sqlite_args(args: &[Arg]) -> Result<SqliteArguments, StoreError> {
    bind_args!(
        args,
        SqliteArguments,
        uuid: |u: Uuid| u.hyphenated().to_string(),
        time: fmt_time,
        date: fmt_date
    )
}

/// PostgreSQL keeps ids, times and dates in their native types.
fn pg_args(args: &[Arg]) -> Result<PgArguments, StoreError> {
    bind_args!(args, PgArguments, uuid: identity, time: identity, date: identity)
}

/// The connection pool of one backend.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePools),
    Postgres(PgPool),
}

/// SQLite's connections: a pool of readers and a pool of one writer (the same single
/// connection for an in-memory database).
#[derive(Debug, Clone)]
pub(crate) struct SqlitePools {
    pub(crate) read: SqlitePool,
    pub(crate) write: SqlitePool,
}

impl Pool {
    /// A write transaction. SQLite takes the write lock at once (`BEGIN IMMEDIATE`), so two
    /// writers queue on the busy timeout instead of failing to upgrade a read lock.
    pub(crate) async fn write(&self) -> Result<Tx, StoreError> {
        count(&ACQUIRES);
        count(&TRANSACTIONS);
        Ok(match self {
            Pool::Sqlite(p) => Tx::Sqlite(p.write.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => Tx::Pg(p.begin().await?),
        })
    }

    /// A read-only transaction that sees one consistent snapshot for all its statements.
    pub(crate) async fn read(&self) -> Result<Tx, StoreError> {
        count(&ACQUIRES);
        count(&TRANSACTIONS);
        Ok(match self {
            Pool::Sqlite(p) => Tx::Sqlite(p.read.begin().await?),
            Pool::Postgres(p) => Tx::Pg(
                p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        })
    }

    /// One pooled connection for reading, in autocommit mode.
    pub(crate) async fn conn(&self) -> Result<Conn, StoreError> {
        count(&ACQUIRES);
        Ok(match self {
            Pool::Sqlite(p) => Conn::Sqlite(p.read.acquire().await?),
            Pool::Postgres(p) => Conn::Pg(p.acquire().await?),
        })
    }

    /// The connection for a single-statement write in autocommit mode (SQLite's one writer).
    pub(crate) async fn write_conn(&self) -> Result<Conn, StoreError> {
        count(&ACQUIRES);
        Ok(match self {
            Pool::Sqlite(p) => Conn::Sqlite(p.write.acquire().await?),
            Pool::Postgres(p) => Conn::Pg(p.acquire().await?),
        })
    }

    /// Runs one query on a pooled connection and maps every row it returns (the many reads
    /// that are a single statement).
    pub(crate) async fn fetch_all<T>(
        &self,
        q: &Sql,
        args: &[Arg],
        map: impl FnMut(&Row) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let mut conn = self.conn().await?;
        conn.cx()
            .fetch_all(q, args)
            .await?
            .iter()
            .map(map)
            .collect()
    }

    /// Runs one query that returns at most one row on a pooled connection and maps that row.
    pub(crate) async fn fetch_optional<T>(
        &self,
        q: &Sql,
        args: &[Arg],
        map: impl FnOnce(&Row) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        let mut conn = self.conn().await?;
        conn.cx()
            .fetch_optional(q, args)
            .await?
            .as_ref()
            .map(map)
            .transpose()
    }

    /// Runs one query that returns exactly one row on a pooled connection.
    pub(crate) async fn fetch_one(&self, q: &Sql, args: &[Arg]) -> Result<Row, StoreError> {
        let mut conn = self.conn().await?;
        conn.cx().fetch_one(q, args).await
    }

    /// Runs one statement in a write transaction of its own and commits it; returns the number
    /// of rows it changed (the many writes that are a single statement).
    pub(crate) async fn write_one(&self, q: &Sql, args: &[Arg]) -> Result<u64, StoreError> {
        let mut tx = self.write().await?;
        let changed = tx.cx().execute(q, args).await?;
        tx.commit().await?;
        Ok(changed)
    }

    /// [`Pool::write_one`] for a statement about a row that must exist: `NotFound` when it
    /// changed no row (and so wrote nothing).
    pub(crate) async fn write_found(&self, q: &Sql, args: &[Arg]) -> Result<(), StoreError> {
        match self.write_one(q, args).await? {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }
}

/// An open transaction; dropping it without [`Tx::commit`] rolls back.
#[derive(Debug)]
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Pg(Transaction<'static, Postgres>),
}

impl Tx {
    /// The transaction's connection, for running statements.
    pub(crate) fn cx(&mut self) -> Cx<'_> {
        match self {
            Tx::Sqlite(t) => Cx::Sqlite(t),
            Tx::Pg(t) => Cx::Pg(t),
        }
    }

    /// Commits.
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Pg(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// A pooled connection outside any transaction.
#[derive(Debug)]
pub(crate) enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Pg(PoolConnection<Postgres>),
}

impl Conn {
    /// The connection, for running statements.
    pub(crate) fn cx(&mut self) -> Cx<'_> {
        match self {
            Conn::Sqlite(c) => Cx::Sqlite(c),
            Conn::Pg(c) => Cx::Pg(c),
        }
    }
}

/// Prepares `$q` with `$args` bound for the backend of `$cx` and evaluates `$run` with the
/// query and the connection: the one place that picks a statement's text per backend.
macro_rules! with_query {
    ($cx:expr, $q:expr, $args:expr, |$query:ident, $conn:ident| $run:expr) => {{
        count(&STATEMENTS);
        match $cx {
            Cx::Sqlite(c) => {
                let $query = sqlx::query_with(sql_text(&$q.sqlite), sqlite_args($args)?);
                let $conn = &mut **c;
                $run
            }
            Cx::Pg(c) => {
                let $query = sqlx::query_with(sql_text(&$q.pg), pg_args($args)?);
                let $conn = &mut **c;
                $run
            }
        }
    }};
}

/// A borrowed connection of either backend.
#[derive(Debug)]
pub(crate) enum Cx<'a> {
    Sqlite(&'a mut SqliteConnection),
    Pg(&'a mut PgConnection),
}

impl Cx<'_> {
    /// Which backend this connection talks to.
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self, Cx::Pg(_))
    }

    /// Runs a statement and returns the number of rows it changed.
    pub(crate) async fn execute(&mut self, q: &Sql, args: &[Arg]) -> Result<u64, StoreError> {
        Ok(with_query!(self, q, args, |query, c| query
            .execute(c)
            .await?
            .rows_affected()))
    }

    /// Runs statements without parameters over the simple protocol (maintenance commands).
    pub(crate) async fn execute_script(&mut self, q: &Sql) -> Result<(), StoreError> {
        match self {
            Cx::Sqlite(c) => {
                sqlx::raw_sql(sql_text(&q.sqlite)).execute(&mut **c).await?;
            }
            Cx::Pg(c) => {
                sqlx::raw_sql(sql_text(&q.pg)).execute(&mut **c).await?;
            }
        }
        Ok(())
    }

    /// Runs a query and returns all its rows.
    pub(crate) async fn fetch_all(
        &mut self,
        q: &Sql,
        args: &[Arg],
    ) -> Result<Vec<Row>, StoreError> {
        Ok(with_query!(self, q, args, |query, c| query
            .fetch_all(c)
            .await?
            .into_iter()
            .map(Row::from)
            .collect()))
    }

    /// Runs a query that returns at most one row.
    pub(crate) async fn fetch_optional(
        &mut self,
        q: &Sql,
        args: &[Arg],
    ) -> Result<Option<Row>, StoreError> {
        Ok(with_query!(self, q, args, |query, c| query
            .fetch_optional(c)
            .await?
            .map(Row::from)))
    }

    /// Runs a query that returns exactly one row.
    pub(crate) async fn fetch_one(&mut self, q: &Sql, args: &[Arg]) -> Result<Row, StoreError> {
        self.fetch_optional(q, args).await?.ok_or_else(|| {
            StoreError::Corrupt("a query that always returns a row returned none".into())
        })
    }
}

/// A result row of either backend, read by column name.
#[derive(Debug)]
pub(crate) enum Row {
    Sqlite(SqliteRow),
    Pg(PgRow),
}

impl From<SqliteRow> for Row {
    fn from(row: SqliteRow) -> Row {
        Row::Sqlite(row)
    }
}

impl From<PgRow> for Row {
    fn from(row: PgRow) -> Row {
        Row::Pg(row)
    }
}

fn unreadable(col: &str, e: &sqlx::Error) -> StoreError {
    StoreError::Corrupt(format!("the column {col} holds an unreadable value ({e})"))
}

/// The value of a column that must not be NULL.
fn required<T>(col: &str, value: Option<T>) -> Result<T, StoreError> {
    value.ok_or_else(|| StoreError::Corrupt(format!("the column {col} is empty")))
}

/// Getters whose Rust type is stored the same way on both backends.
macro_rules! same_type_getter {
    ($name:ident, $ty:ty) => {
        pub(crate) fn $name(&self, col: &str) -> Result<$ty, StoreError> {
            match self {
                Row::Sqlite(r) => r.try_get::<$ty, _>(col),
                Row::Pg(r) => r.try_get::<$ty, _>(col),
            }
            .map_err(|e| unreadable(col, &e))
        }
    };
}

impl Row {
    same_type_getter!(i64, i64);
    same_type_getter!(bool, bool);
    same_type_getter!(text, String);
    same_type_getter!(opt_text, Option<String>);
    same_type_getter!(bytes, Vec<u8>);
    same_type_getter!(opt_bytes, Option<Vec<u8>>);

    /// Several text columns at once, in the order named.
    pub(crate) fn texts<const N: usize>(&self, cols: [&str; N]) -> Result<[String; N], StoreError> {
        let mut out = [const { String::new() }; N];
        for (value, col) in out.iter_mut().zip(cols) {
            *value = self.text(col)?;
        }
        Ok(out)
    }

    /// A uuid column (text on SQLite).
    pub(crate) fn uuid(&self, col: &str) -> Result<Uuid, StoreError> {
        required(col, self.opt_uuid(col)?)
    }

    /// A nullable uuid column.
    pub(crate) fn opt_uuid(&self, col: &str) -> Result<Option<Uuid>, StoreError> {
        self.opt_native(col, |s| {
            Uuid::parse_str(s)
                .map_err(|_| StoreError::Corrupt(format!("the column {col} holds no uuid")))
        })
    }

    /// A timestamp column (fixed-format text on SQLite).
    pub(crate) fn time(&self, col: &str) -> Result<OffsetDateTime, StoreError> {
        required(col, self.opt_time(col)?)
    }

    /// A nullable timestamp column.
    pub(crate) fn opt_time(&self, col: &str) -> Result<Option<OffsetDateTime>, StoreError> {
        self.opt_native(col, parse_time)
    }

    /// A date column (`YYYY-MM-DD` text on SQLite).
    pub(crate) fn date(&self, col: &str) -> Result<Date, StoreError> {
        required(col, self.opt_date(col)?)
    }

    /// A nullable date column.
    pub(crate) fn opt_date(&self, col: &str) -> Result<Option<Date>, StoreError> {
        self.opt_native(col, parse_date)
    }

    /// A nullable column of a type PostgreSQL stores natively and SQLite as text, which
    /// `parse` reads.
    fn opt_native<T>(
        &self,
        col: &str,
        parse: impl FnOnce(&str) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError>
    where
        T: for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>,
    {
        match self {
            Row::Sqlite(_) => self.opt_text(col)?.map(|s| parse(&s)).transpose(),
            Row::Pg(r) => r
                .try_get::<Option<T>, _>(col)
                .map_err(|e| unreadable(col, &e)),
        }
    }

    /// A non-negative integer column as `u64`.
    pub(crate) fn u64(&self, col: &str) -> Result<u64, StoreError> {
        let n = self.i64(col)?;
        u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("the column {col} is negative")))
    }
}
