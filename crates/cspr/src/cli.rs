//! The command line: one binary, one subcommand per job an operator does.
//! Values that need a clear, one-line error (dates, day counts) are taken as text here and
//! parsed by the command, so a mistake never prints clap's multi-line usage block.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// cspr runs Child Safeguarding Practice Reviews for a safeguarding partnership.
#[derive(Debug, Parser)]
#[command(name = "cspr", version, propagate_version = true)]
pub struct Cli {
    /// Read settings from this TOML file instead of ./cspr.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web service (applies database migrations first).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Seed synthetic cases and one account for each role, for a demonstration (safe to repeat).
    Demo(DemoArgs),
    /// Print the current authenticator code of a demo account (made by `demo`), for signing in.
    DemoCode {
        /// The demo account's email address, e.g. team@demo.cspr.invalid.
        email: String,
    },
    /// Check both hash chains and the database's own integrity check; with --anchor, also
    /// check the chains still hold the signed heads recorded in FILE, then record the new ones.
    Verify(VerifyArgs),
    /// Re-wrap every case key, account key and the chains' key under a new master key, in one
    /// transaction; the new key is read from FILE, or generated there (mode 0600) when missing.
    RotateMasterKey(RotateArgs),
    /// Write an encrypted, consistent backup of the database to FILE.
    Backup(BackupArgs),
    /// Restore an encrypted backup into an empty database.
    Restore(BackupArgs),
    /// Working-day arithmetic on the England and Wales calendar.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Find personal data: JSON Lines records to findings, or one text file to its redacted text.
    Redact(RedactArgs),
    /// The partnership's yearly figures for a period, as CSV or JSON.
    Stats(StatsArgs),
    /// One of a case's documents as PDF, DOCX or HTML (the same file as the web's export).
    Export(ExportArgs),
    /// The learning library: import published reviews, search them, find similar ones.
    #[command(subcommand)]
    Library(LibraryCommand),
    /// The partnership's retention schedule: erase what has expired.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// The first administrator of a new installation, made at the command line.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Personal access tokens of the JSON API (`/api/v1`).
    #[command(subcommand)]
    ApiToken(ApiTokenCommand),
    /// OAuth 2 clients of the JSON API: system integrations that act as one account.
    #[command(subcommand)]
    ApiClient(ApiClientCommand),
    /// Write the canonical export of every event to FILE (used to compare a restore).
    #[command(hide = true)]
    ExportCanonical {
        /// Where to write the export.
        file: PathBuf,
    },
    /// Append events one at a time, acknowledging each on stdout (crash test only).
    #[command(hide = true)]
    CrashWriter(CrashWriterArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: the `listen` setting, 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Seed demonstration data before serving.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many cases to seed (one of every stage first, then more of each, spread over three
    /// years), for trying the service or measuring it at scale. Without it: one of every stage
    /// and six earlier closed cases, so the figures compare three years.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub cases: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Make the partnership's first administrator and print a one-time activation link
    /// (72 hours), through which the person chooses a password and sets up their authenticator.
    /// Refused once the partnership has an administrator: further accounts are made on
    /// Administration > Users.
    Create {
        /// The person's work email address.
        #[arg(long, value_name = "EMAIL")]
        email: String,
        /// The person's full name.
        #[arg(long, value_name = "NAME")]
        name: String,
    },
    /// Print a new activation link for an administrator made by `cspr admin create` who has not
    /// activated their account yet (the first link expired or was lost).
    Link {
        /// The account's email address.
        #[arg(long, value_name = "EMAIL")]
        email: String,
    },
    /// Remove every passkey of an account and sign it out everywhere, when no administrator can
    /// do it on the pages (every administrator's device lost, or the service moved to another
    /// domain with "A passkey only" on). The person signs in with their password and code
    /// again, then adds a passkey.
    RemovePasskeys {
        /// The account's email address.
        #[arg(long, value_name = "EMAIL")]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiTokenCommand {
    /// Make a personal access token that acts as the account, in its partnership and role,
    /// and print it once (only its hash is kept). The person is told by email when email is
    /// set up, and can revoke it on their account page.
    Create {
        /// The account's email address.
        #[arg(long, value_name = "EMAIL")]
        email: String,
        /// What the token is for ("Case management system").
        #[arg(long, value_name = "LABEL")]
        label: String,
        /// How many days it lasts (1 to 366).
        #[arg(long, value_name = "DAYS", default_value_t = cspr_app::accounts::api::DEFAULT_DAYS)]
        days: i64,
    },
    /// Revoke one of an account's tokens (its id is on the account page).
    Revoke {
        /// The account's email address.
        #[arg(long, value_name = "EMAIL")]
        email: String,
        /// The token's id.
        #[arg(long, value_name = "ID")]
        id: uuid::Uuid,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiClientCommand {
    /// Make a client that acts as the account and print its id and secret once: the client
    /// trades them at POST /api/v1/oauth/token for an access token that lasts an hour.
    Create {
        /// The account's email address (a service account with the role the system needs).
        #[arg(long, value_name = "EMAIL")]
        email: String,
        /// What the system is ("Police case system").
        #[arg(long, value_name = "LABEL")]
        label: String,
    },
    /// Revoke a client: its access tokens stop working at once.
    Revoke {
        /// The client id.
        #[arg(long, value_name = "ID")]
        id: uuid::Uuid,
    },
}

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Crypto-shred closed cases past their retention period (unless a legal hold keeps them)
    /// and delete closed practitioner links, withdrawn reports and access-log entries past
    /// theirs; each erasure is written to the access log. The server does this once a day.
    Run(RetentionRunArgs),
}

#[derive(Debug, Args)]
pub struct RetentionRunArgs {
    /// List what would be erased, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Subcommand)]
pub enum LibraryCommand {
    /// Import review records from a JSON Lines file, one review a line; records already in the
    /// library under the same id are replaced. A file with any bad line imports nothing.
    Import {
        /// The JSON Lines file.
        file: PathBuf,
    },
    /// Search the library.
    Search(LibrarySearchArgs),
    /// The reviews most like one review of the library.
    Similar {
        /// The review's id.
        id: String,
        /// Most reviews to list.
        #[arg(long, default_value = "10", value_name = "N")]
        limit: String,
        /// json or text.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Rebuild the library's index from the database.
    Rebuild,
}

#[derive(Debug, Args)]
pub struct LibrarySearchArgs {
    /// What to look for: words, "a phrase", a prefix*, an abbreviation such as NAI.
    #[arg(allow_hyphen_values = true)]
    pub query: String,
    /// Only reviews with this theme (repeat for several: all must match).
    #[arg(long, value_name = "THEME")]
    pub theme: Vec<String>,
    /// Only reviews of this type: local_cspr, serious_case_review,
    /// rapid_review_learning_summary or thematic.
    #[arg(long, value_name = "TYPE")]
    pub review_type: Option<String>,
    /// Published in or after this year.
    #[arg(long, value_name = "YEAR")]
    pub from: Option<String>,
    /// Published in or before this year.
    #[arg(long, value_name = "YEAR")]
    pub to: Option<String>,
    /// Most reviews to list.
    #[arg(long, default_value = "10", value_name = "N")]
    pub limit: String,
    /// json or text.
    #[arg(long, default_value = "text")]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A signed record of both chain heads, kept away from the database: when FILE exists the
    /// chains must still hold the heads it records (a database rolled back or rewritten before
    /// it fails); when the check passes, FILE is replaced by the heads of now.
    #[arg(long, value_name = "FILE")]
    pub anchor: Option<PathBuf>,
    /// Only check against the existing anchor FILE; write nothing.
    #[arg(long, requires = "anchor")]
    pub check_only: bool,
}

#[derive(Debug, Args)]
pub struct RotateArgs {
    /// The new master key: 64 hex digits (or 32 raw bytes) in a file only its owner may read;
    /// created with a random key when it does not exist. Not the current master key file.
    #[arg(long, value_name = "FILE")]
    pub new_key_file: PathBuf,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file.
    pub file: PathBuf,
    #[command(flatten)]
    pub secret: BackupSecretArgs,
}

/// Where the backup's encryption secret comes from: exactly one of the two.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct BackupSecretArgs {
    /// Name of an environment variable holding the backup passphrase.
    #[arg(long, value_name = "VAR")]
    pub passphrase_env: Option<String>,
    /// File holding the backup key.
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// The date N working days after DATE (DATE is day 0).
    Add {
        /// Start date, YYYY-MM-DD.
        #[arg(allow_hyphen_values = true)]
        date: String,
        /// Number of working days.
        #[arg(allow_hyphen_values = true)]
        n: String,
    },
    /// The number of working days from the first DATE to the second.
    Between {
        /// From, YYYY-MM-DD.
        #[arg(allow_hyphen_values = true)]
        from: String,
        /// To, YYYY-MM-DD.
        #[arg(allow_hyphen_values = true)]
        to: String,
    },
}

#[derive(Debug, Args)]
pub struct RedactArgs {
    /// A .txt file to redact; the redacted text goes to stdout or --out, what could still
    /// identify someone to stderr.
    #[arg(conflicts_with_all = ["input", "output"])]
    pub file: Option<PathBuf>,
    /// JSON Lines records {"id", "text", "case"?} to find personal data in.
    #[arg(long, value_name = "RECORDS.jsonl")]
    pub input: Option<PathBuf>,
    /// Where to write the findings of --input, one line per record.
    #[arg(long, value_name = "FINDINGS.jsonl")]
    pub output: Option<PathBuf>,
    /// Where to write the redacted text of FILE [default: stdout].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// What the case knows, for FILE: {"people": [...], "pseudonyms": {...}} as in the records.
    #[arg(long, value_name = "CASE.json")]
    pub case: Option<PathBuf>,
    /// Dates other than dates of birth: keep, month-and-year or remove.
    #[arg(long, default_value = "month-and-year", value_name = "POLICY")]
    pub dates: String,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The first day of the period, YYYY-MM-DD.
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub from: String,
    /// The last day of the period, YYYY-MM-DD (included).
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub to: String,
    /// csv or json.
    #[arg(long, default_value = "csv", value_name = "FORMAT")]
    pub format: String,
    /// Where to write the figures [default: stdout].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The case's reference, such as CSPR-2025-001.
    #[arg(long, value_name = "REF")]
    pub case: String,
    /// rapid-review, terms-of-reference or overview-report.
    #[arg(long, value_name = "DOCUMENT")]
    pub document: String,
    /// pdf, docx or html.
    #[arg(long, value_name = "FORMAT")]
    pub format: String,
    /// Where to write the file.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct CrashWriterArgs {
    /// How many events to append before exiting.
    #[arg(long, default_value_t = 1000)]
    pub count: u64,
    /// How many streams to spread the events over.
    #[arg(long, default_value_t = 3)]
    pub streams: u32,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_clap_definition_is_valid() {
        Cli::command().debug_assert();
    }
}
