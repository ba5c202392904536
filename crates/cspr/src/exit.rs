//! How the binary fails: one line on stderr and an exit code an operator's script can act on.
//! The codes are documented in docs/OPERATIONS.md.

use std::{fmt, io, process::ExitCode};

/// What kind of failure ended the command; each maps to one exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Anything not classified below.
    Failed,
    /// Bad settings, bad command-line input, an unusable data directory, a wrong master key.
    Config,
    /// `verify` found a broken hash chain or a failed database integrity check.
    Integrity,
    /// The disk holding the data directory or database is full.
    DiskFull,
}

impl Kind {
    pub fn code(self) -> u8 {
        match self {
            Self::Failed => 1,
            Self::Config => 2,
            Self::Integrity => 3,
            Self::DiskFull => 4,
        }
    }
}

/// A failure with its kind and a message meant for the operator.
#[derive(Debug)]
pub struct Failure {
    kind: Kind,
    error: anyhow::Error,
}

impl Failure {
    pub fn new(kind: Kind, error: impl Into<anyhow::Error>) -> Self {
        Self {
            kind,
            error: error.into(),
        }
    }

    pub fn config(message: impl Into<String>) -> Self {
        Self::new(Kind::Config, anyhow::Error::msg(message.into()))
    }

    pub fn integrity(message: impl Into<String>) -> Self {
        Self::new(Kind::Integrity, anyhow::Error::msg(message.into()))
    }

    /// An IO failure while preparing: a full disk is reported as such, anything else is a
    /// configuration problem (the operator pointed cspr at a place it cannot use).
    pub fn from_io(error: io::Error, context: String) -> Self {
        let kind = if is_disk_full_io(&error) {
            Kind::DiskFull
        } else {
            Kind::Config
        };
        Self::new(kind, anyhow::Error::new(error).context(context))
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The one line printed on stderr.
    pub fn line(&self) -> String {
        let detail = one_line(&format!("{:#}", self.error));
        match self.kind {
            Kind::DiskFull if detail.to_ascii_lowercase().contains("disk is full") => {
                format!("error: {detail}; free some space and run the command again")
            }
            Kind::DiskFull => format!(
                "error: the disk is full, so nothing was written ({detail}); free some space and run the command again"
            ),
            _ => format!("error: {detail}"),
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.kind().code())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.error)
    }
}

impl From<anyhow::Error> for Failure {
    /// Classifies an error from anywhere below by looking through its chain of causes.
    fn from(error: anyhow::Error) -> Self {
        let kind = classify(&error);
        Self { kind, error }
    }
}

fn classify(error: &anyhow::Error) -> Kind {
    for cause in error.chain() {
        if let Some(failure) = cause.downcast_ref::<Failure>() {
            return failure.kind;
        }
        if let Some(store) = cause.downcast_ref::<cspr_store::StoreError>()
            && let Some(kind) = crate::store::classify(store)
        {
            return kind;
        }
        if let Some(io) = cause.downcast_ref::<io::Error>()
            && is_disk_full_io(io)
        {
            return Kind::DiskFull;
        }
    }
    // Some layers only keep the database's own words.
    let text = format!("{error:#}").to_ascii_lowercase();
    if text.contains("database or disk is full")
        || text.contains("no space left on device")
        || text.contains("could not extend file")
    {
        return Kind::DiskFull;
    }
    Kind::Failed
}

pub fn is_disk_full_io(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
    )
}

/// Collapses whitespace, including newlines from multi-line causes, into single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl std::error::Error for Failure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_recognised_through_context() {
        let io = io::Error::from(io::ErrorKind::StorageFull);
        let error = anyhow::Error::new(io).context("appending an event");
        assert_eq!(Failure::from(error).kind(), Kind::DiskFull);
    }

    #[test]
    fn messages_are_one_line() {
        let failure = Failure::config("first\nsecond\n  third");
        assert_eq!(failure.line(), "error: first second third");
    }

    #[test]
    fn a_wrapped_failure_keeps_its_kind() {
        let inner = Failure::config("bad date");
        let error = anyhow::Error::new(inner).context("calendar");
        assert_eq!(Failure::from(error).kind(), Kind::Config);
    }
}
