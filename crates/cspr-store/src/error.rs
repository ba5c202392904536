//! The one error type of the store, and how database driver errors map onto it.
//! Messages are written for the person running the service; none carries personal data.

use std::io;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The configuration (database URL, key file) is unusable.
    #[error("{0}")]
    Config(String),
    /// The stream moved on since it was read: optimistic concurrency refused the write.
    #[error(
        "The case changed while you were editing it (expected version {expected}, found {actual})"
    )]
    Conflict {
        /// The version the caller based its change on.
        expected: u64,
        /// The version the stream has now.
        actual: u64,
    },
    /// The requested row does not exist.
    #[error("Not found")]
    NotFound,
    /// The master key given is not the one this database was created with.
    #[error("The master key does not match this database")]
    WrongMasterKey,
    /// The case's key was destroyed (crypto-shredding): its personal data is gone.
    #[error("The personal data of this case has been erased")]
    Shredded,
    /// Stored data failed an integrity or decryption check.
    #[error("The stored data is damaged: {0}")]
    Corrupt(String),
    /// The disk is full; nothing was written.
    #[error("The disk is full, so nothing was written")]
    DiskFull,
    /// The database cannot be reached or is too busy to answer in time.
    #[error("The database is unavailable: {0}")]
    Unavailable(String),
    /// Any other database error.
    #[error("Database error: {0}")]
    Database(#[source] sqlx::Error),
    /// A file could not be read or written.
    #[error("File error: {0}")]
    Io(#[source] io::Error),
    /// Encryption or decryption failed.
    #[error("{0}")]
    Crypto(String),
    /// An import or restore was aimed at a database that already holds data.
    #[error("{0}")]
    NotEmpty(String),
    /// The caller passed input the store refuses (a malformed import line, a mismatched id).
    #[error("{0}")]
    Invalid(String),
    /// The row would duplicate one that must be unique (an email address, a linked identity);
    /// the message is written for the person who entered it.
    #[error("{0}")]
    Duplicate(String),
    /// The passphrase or key file given does not open this backup.
    #[error("The passphrase or key file does not open this backup")]
    WrongBackupSecret,
}

/// SQLite's primary result code for "database or disk is full".
const SQLITE_FULL: i64 = 13;
/// SQLite's primary result code for "database is locked".
const SQLITE_BUSY: i64 = 5;
/// PostgreSQL SQLSTATE class 53100 `disk_full` ("could not extend file").
const PG_DISK_FULL: &str = "53100";
/// Linux `ENOSPC`.
const ENOSPC: i32 = 28;

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) => {
                let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
                if let Ok(n) = code.parse::<i64>() {
                    // SQLite reports extended result codes; the low byte is the primary code.
                    if n & 0xff == SQLITE_FULL {
                        return StoreError::DiskFull;
                    }
                    if n & 0xff == SQLITE_BUSY {
                        return StoreError::Unavailable(
                            "the database stayed locked by another writer for too long".into(),
                        );
                    }
                }
                if code == PG_DISK_FULL || db.message().contains("could not extend file") {
                    return StoreError::DiskFull;
                }
                StoreError::Database(error)
            }
            sqlx::Error::Io(io) if io.raw_os_error() == Some(ENOSPC) => StoreError::DiskFull,
            sqlx::Error::Io(io) => StoreError::Unavailable(format!("connection failed: {io}")),
            sqlx::Error::PoolTimedOut => {
                StoreError::Unavailable("no database connection became free in time".into())
            }
            sqlx::Error::PoolClosed => {
                StoreError::Unavailable("the connection pool has been closed".into())
            }
            sqlx::Error::WorkerCrashed => {
                StoreError::Unavailable("the database worker stopped".into())
            }
            _ => StoreError::Database(error),
        }
    }
}

impl From<io::Error> for StoreError {
    fn from(error: io::Error) -> Self {
        if error.raw_os_error() == Some(ENOSPC) || error.kind() == io::ErrorKind::StorageFull {
            StoreError::DiskFull
        } else {
            StoreError::Io(error)
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        match error {
            sqlx::migrate::MigrateError::Execute(e) => StoreError::from(e),
            other => StoreError::Corrupt(format!("the schema migrations failed: {other}")),
        }
    }
}

impl StoreError {
    /// True when the error is a unique-constraint violation (the optimistic-concurrency backstop).
    pub(crate) fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation())
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use sqlx::error::{DatabaseError, ErrorKind};

    use super::*;

    /// A driver error with a given code, as SQLite or PostgreSQL would report it.
    #[derive(Debug)]
    struct Fake(&'static str, &'static str);

    impl std::fmt::Display for Fake {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.1)
        }
    }
    impl std::error::Error for Fake {}
    impl DatabaseError for Fake {
        fn message(&self) -> &str {
            self.1
        }
        fn code(&self) -> Option<Cow<'_, str>> {
            Some(Cow::Borrowed(self.0))
        }
        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> ErrorKind {
            if self.0 == "2067" {
                ErrorKind::UniqueViolation
            } else {
                ErrorKind::Other
            }
        }
    }

    fn map(code: &'static str, message: &'static str) -> StoreError {
        StoreError::from(sqlx::Error::Database(Box::new(Fake(code, message))))
    }

    #[test]
    fn full_disks_map_to_disk_full() {
        assert!(matches!(
            map("13", "database or disk is full"),
            StoreError::DiskFull
        ));
        assert!(matches!(
            map("53100", "could not extend file"),
            StoreError::DiskFull
        ));
        let enospc = std::io::Error::from_raw_os_error(28);
        assert!(matches!(
            StoreError::from(sqlx::Error::Io(enospc)),
            StoreError::DiskFull
        ));
        assert!(matches!(
            StoreError::from(std::io::Error::from_raw_os_error(28)),
            StoreError::DiskFull
        ));
    }

    #[test]
    fn busy_and_unique_violations_are_recognised() {
        assert!(matches!(
            map("5", "database is locked"),
            StoreError::Unavailable(_)
        ));
        assert!(map("2067", "UNIQUE constraint failed").is_unique_violation());
        assert!(!map("1", "other").is_unique_violation());
    }
}
