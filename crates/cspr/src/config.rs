//! Typed settings: built-in defaults, then `cspr.toml` (or `--config FILE`), then `CSPR_*`
//! environment variables. Everything is parsed here, before anything touches the disk, so a bad
//! setting stops the binary with one clear line and changes nothing.

use std::{
    fs,
    io::{self, Write},
    net::SocketAddr,
    path::{Path, PathBuf},
    str::FromStr,
};

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sqlx::{postgres::PgConnectOptions, sqlite::SqliteConnectOptions};
use time::Date;

use cspr_app::mail::MailConfig;
use cspr_web::auth::oidc::OidcConfig;

use crate::{dates, exit::Failure};

/// The file read from the working directory when `--config` is not given.
pub const DEFAULT_CONFIG_FILE: &str = "cspr.toml";
pub const DEFAULT_DATA_DIR: &str = "./cspr-data";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_PARTNERSHIP_NAME: &str = "Safeguarding Children Partnership";
/// `serve`'s log filter: info, plus one line per response (method, route, status, latency),
/// which tower-http's trace layer logs at debug.
pub const DEFAULT_LOG: &str = "info,sqlx=warn,tower_http::trace::on_response=debug";
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 30;
pub const DEFAULT_MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;
/// ASVS 7.3.1: a session ends after 30 minutes without a request.
pub const DEFAULT_SESSION_IDLE_MINUTES: u64 = 30;
/// ASVS 7.3.2: a session ends 12 hours after sign-in whatever happens.
pub const DEFAULT_SESSION_ABSOLUTE_HOURS: u64 = 12;
/// The longest either session limit may be set to: a week.
const MAX_SESSION_HOURS: u64 = 7 * 24;

/// Every key a file or the environment may set; `CSPR_` plus the key in capitals is its
/// environment variable. Kept in step with docs/OPERATIONS.md.
pub const KEYS: &[&str] = &[
    "data_dir",
    "database_url",
    "master_key_file",
    "listen",
    "partnership_name",
    "log",
    "closure_days",
    "request_timeout_secs",
    "max_body_bytes",
    "max_concurrent_requests",
    "max_requests_per_minute",
    "session_idle_minutes",
    "session_absolute_hours",
    "smtp_host",
    "smtp_port",
    "mail_from",
    "smtp_tls",
    "oidc_issuer_url",
    "oidc_client_id",
    "oidc_client_secret",
    "oidc_client_secret_file",
    "oidc_redirect_url",
    "oidc_mfa_acr",
    "public_url",
    "trusted_proxies",
    "metrics_token",
    "log_format",
];

/// Keys whose environment variable is taken exactly as written. figment reads other variables
/// as TOML-like values (`0123` becomes the number 123, `"x"` loses its quotes), which would
/// quietly change an opaque identifier or a secret.
const VERBATIM_ENV_KEYS: &[&str] = &["oidc_client_id", "oidc_client_secret", "metrics_token"];

pub const DEFAULT_SMTP_PORT: u16 = 587;
pub const DEFAULT_SMTP_TLS: bool = true;

/// Settings as they arrive from the file and the environment, before parsing.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    #[serde(default, deserialize_with = "text")]
    data_dir: Option<String>,
    #[serde(default, deserialize_with = "text")]
    database_url: Option<String>,
    #[serde(default, deserialize_with = "text")]
    master_key_file: Option<String>,
    #[serde(default, deserialize_with = "text")]
    listen: Option<String>,
    #[serde(default, deserialize_with = "text")]
    partnership_name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    log: Option<String>,
    closure_days: Option<Vec<String>>,
    request_timeout_secs: Option<u64>,
    max_body_bytes: Option<u64>,
    max_concurrent_requests: Option<u64>,
    max_requests_per_minute: Option<u64>,
    session_idle_minutes: Option<u64>,
    session_absolute_hours: Option<u64>,
    #[serde(default, deserialize_with = "text")]
    smtp_host: Option<String>,
    smtp_port: Option<u64>,
    #[serde(default, deserialize_with = "text")]
    mail_from: Option<String>,
    smtp_tls: Option<bool>,
    #[serde(default, deserialize_with = "text")]
    oidc_issuer_url: Option<String>,
    #[serde(default, deserialize_with = "text")]
    oidc_client_id: Option<String>,
    #[serde(default, deserialize_with = "secret_text")]
    oidc_client_secret: Option<SecretString>,
    #[serde(default, deserialize_with = "text")]
    oidc_client_secret_file: Option<String>,
    #[serde(default, deserialize_with = "text")]
    oidc_redirect_url: Option<String>,
    #[serde(default, deserialize_with = "text")]
    oidc_mfa_acr: Option<String>,
    #[serde(default, deserialize_with = "text")]
    public_url: Option<String>,
    #[serde(default, deserialize_with = "text")]
    trusted_proxies: Option<String>,
    #[serde(default, deserialize_with = "secret_text")]
    metrics_token: Option<SecretString>,
    #[serde(default, deserialize_with = "text")]
    log_format: Option<String>,
}

/// Environment variables arrive untyped and figment guesses their type, so `CSPR_PARTNERSHIP_NAME=2024`
/// would arrive as a number: text settings take any scalar as its text.
fn text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scalar {
        Text(String),
        Unsigned(u64),
        Signed(i64),
        Float(f64),
        Bool(bool),
    }
    Ok(
        Option::<Scalar>::deserialize(deserializer)?.map(|scalar| match scalar {
            Scalar::Text(text) => text,
            Scalar::Unsigned(n) => n.to_string(),
            Scalar::Signed(n) => n.to_string(),
            Scalar::Float(n) => n.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }),
    )
}

/// [`text`] for a secret: taken as text whatever its type, so a type error never quotes it.
fn secret_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<SecretString>, D::Error> {
    Ok(text(deserializer)?.map(SecretString::from))
}

/// Parsed, valid settings.
#[derive(Debug)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database: DatabaseUrl,
    pub master_key_file: PathBuf,
    pub listen: SocketAddr,
    pub partnership_name: String,
    /// The log filter when one was set; see [`Settings::log_filter`].
    pub log: Option<String>,
    pub closure_days: Vec<Date>,
    pub request_timeout_secs: u64,
    pub max_body_bytes: u64,
    /// Most requests handled at once (issue 16, finding 7).
    pub max_concurrent_requests: u64,
    /// Most requests one client address may make in a minute (issue 16, finding 7).
    pub max_requests_per_minute: u32,
    /// A signed-in session ends after this many minutes without a request.
    pub session_idle_minutes: u64,
    /// A signed-in session ends this many hours after sign-in.
    pub session_absolute_hours: u64,
    /// How to send email, when `smtp_host` is set.
    pub mail: Option<MailConfig>,
    /// The organisation's OpenID Provider, when `oidc_issuer_url` is set. Its client secret
    /// never shows in `Debug`.
    pub oidc: Option<OidcConfig>,
    /// The address people reach this service at (`https://cspr.example.org`), for links in
    /// emails; reminders are sent only when it and email are set.
    pub public_url: Option<String>,
    /// The reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The bearer token a monitoring system gives to read `/metrics` from another machine.
    pub metrics_token: Option<SecretString>,
    /// Logs as JSON lines (for a log collector) instead of text.
    pub log_json: bool,
}

/// Which database a URL points at. The URL itself may hold a password, so it stays secret.
#[derive(Debug)]
pub struct DatabaseUrl {
    url: SecretString,
    backend: Backend,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file (`None` for an in-memory database).
    Sqlite(Option<PathBuf>),
    Postgres,
}

impl DatabaseUrl {
    const EXPECTED: &str =
        "expected sqlite://PATH or postgres://[USER[:PASSWORD]@]HOST[:PORT]/DBNAME";

    /// Parses a database URL. The error never repeats the URL, which may hold a password.
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        let backend = if let Some(rest) = url.strip_prefix("sqlite:") {
            let without_query = rest.split('?').next().unwrap_or_default();
            let path = without_query.strip_prefix("//").unwrap_or(without_query);
            if path == ":memory:" {
                Backend::Sqlite(None)
            } else if path.is_empty() || path.ends_with('/') {
                return Err(format!("it names no database file ({})", Self::EXPECTED));
            } else {
                Backend::Sqlite(Some(PathBuf::from(path)))
            }
        } else if let Some(rest) = url
            .strip_prefix("postgres://")
            .or_else(|| url.strip_prefix("postgresql://"))
        {
            Self::check_postgres(rest)?;
            Backend::Postgres
        } else {
            let scheme = url
                .split_once("://")
                .map(|(scheme, _)| scheme)
                .filter(|scheme| {
                    !scheme.is_empty()
                        && scheme
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                });
            return Err(match scheme {
                Some(scheme) => format!("unsupported scheme '{scheme}' ({})", Self::EXPECTED),
                None => format!("it is not a URL ({})", Self::EXPECTED),
            });
        };
        // The driver's own parser has the last word, so a URL accepted here opens there.
        let driver_accepts = match backend {
            Backend::Sqlite(_) => SqliteConnectOptions::from_str(url).is_ok(),
            Backend::Postgres => PgConnectOptions::from_str(url).is_ok(),
        };
        if !driver_accepts {
            return Err(format!(
                "the database driver cannot read it ({})",
                Self::EXPECTED
            ));
        }
        Ok(Self {
            url: SecretString::from(url.to_owned()),
            backend,
        })
    }

    fn check_postgres(rest: &str) -> Result<(), String> {
        let authority_and_path = rest.split(['?', '#']).next().unwrap_or_default();
        let (authority, _path) = authority_and_path
            .split_once('/')
            .unwrap_or((authority_and_path, ""));
        let host_port = authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host);
        if host_port.contains(char::is_whitespace) {
            return Err(format!("the host contains spaces ({})", Self::EXPECTED));
        }
        // A bracketed IPv6 address carries colons of its own.
        let port = if let Some(after_bracket) = host_port.rsplit_once(']') {
            after_bracket.1.strip_prefix(':')
        } else {
            host_port.split_once(':').map(|(_, port)| port)
        };
        if let Some(port) = port
            && port.parse::<u16>().map_or(true, |port| port == 0)
        {
            return Err(format!(
                "the port is not a number from 1 to 65535 ({})",
                Self::EXPECTED
            ));
        }
        Ok(())
    }

    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// The URL for handing to the store; never log it.
    pub fn expose(&self) -> &str {
        self.url.expose_secret()
    }
}

impl Settings {
    /// Loads defaults, then the config file, then `CSPR_*` variables from the process
    /// environment.
    pub fn load(config_file: Option<&Path>) -> Result<Self, Failure> {
        let file = match config_file {
            Some(path) => {
                if !path.is_file() {
                    return Err(Failure::config(format!(
                        "config file {} does not exist or is not a file",
                        path.display()
                    )));
                }
                path.to_path_buf()
            }
            None => PathBuf::from(DEFAULT_CONFIG_FILE),
        };
        Self::from_raw(read_layers(&file)?)
    }

    fn from_raw(raw: RawSettings) -> Result<Self, Failure> {
        let data_dir = PathBuf::from(raw.data_dir.as_deref().unwrap_or(DEFAULT_DATA_DIR));
        if data_dir.as_os_str().is_empty() {
            return Err(Failure::config("data_dir (CSPR_DATA_DIR) is empty"));
        }
        let database = match &raw.database_url {
            Some(url) => DatabaseUrl::parse(url).map_err(|why| {
                Failure::config(format!(
                    "database_url (CSPR_DATABASE_URL) is malformed: {why}"
                ))
            })?,
            None => DatabaseUrl::parse(&format!("sqlite://{}", data_dir.join("cspr.db").display()))
                .map_err(|why| {
                    Failure::config(format!(
                        "data_dir (CSPR_DATA_DIR) does not give a usable database path: {why}"
                    ))
                })?,
        };
        let master_key_file = raw
            .master_key_file
            .as_ref()
            .map_or_else(|| data_dir.join("master.key"), PathBuf::from);
        let listen = parse_listen(raw.listen.as_deref().unwrap_or(DEFAULT_LISTEN))
            .map_err(|why| Failure::config(format!("listen (CSPR_LISTEN) {why}")))?;
        let partnership_name = raw
            .partnership_name
            .clone()
            .unwrap_or_else(|| DEFAULT_PARTNERSHIP_NAME.to_owned())
            .trim()
            .to_owned();
        if partnership_name.is_empty() {
            return Err(Failure::config(
                "partnership_name (CSPR_PARTNERSHIP_NAME) is empty",
            ));
        }
        let log = raw.log.clone();
        if let Some(filter) = &log
            && let Err(e) = tracing_subscriber::EnvFilter::try_new(filter)
        {
            return Err(Failure::config(format!(
                "log (CSPR_LOG) is not a valid log filter: {e}"
            )));
        }
        let closure_days = raw
            .closure_days
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|day| dates::parse(day))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Failure::config(format!("closure_days (CSPR_CLOSURE_DAYS): {e}")))?;
        let request_timeout_secs = raw
            .request_timeout_secs
            .unwrap_or(DEFAULT_REQUEST_TIMEOUT_SECS);
        if request_timeout_secs == 0 {
            return Err(Failure::config(
                "request_timeout_secs (CSPR_REQUEST_TIMEOUT_SECS) must be at least 1",
            ));
        }
        let max_body_bytes = raw.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES);
        if max_body_bytes == 0 {
            return Err(Failure::config(
                "max_body_bytes (CSPR_MAX_BODY_BYTES) must be at least 1",
            ));
        }
        let max_concurrent_requests = raw.max_concurrent_requests.unwrap_or(256);
        if !(1..=100_000).contains(&max_concurrent_requests) {
            return Err(Failure::config(
                "max_concurrent_requests (CSPR_MAX_CONCURRENT_REQUESTS) must be from 1 to 100000",
            ));
        }
        let max_requests_per_minute = raw
            .max_requests_per_minute
            .unwrap_or(1200)
            .try_into()
            .ok()
            .filter(|n: &u32| (10..=1_000_000).contains(n))
            .ok_or_else(|| {
                Failure::config(
                    "max_requests_per_minute (CSPR_MAX_REQUESTS_PER_MINUTE) must be from 10 to 1000000",
                )
            })?;
        let session_idle_minutes = raw
            .session_idle_minutes
            .unwrap_or(DEFAULT_SESSION_IDLE_MINUTES);
        if !(1..=MAX_SESSION_HOURS * 60).contains(&session_idle_minutes) {
            return Err(Failure::config(format!(
                "session_idle_minutes (CSPR_SESSION_IDLE_MINUTES) must be from 1 to {}",
                MAX_SESSION_HOURS * 60
            )));
        }
        let session_absolute_hours = raw
            .session_absolute_hours
            .unwrap_or(DEFAULT_SESSION_ABSOLUTE_HOURS);
        if !(1..=MAX_SESSION_HOURS).contains(&session_absolute_hours) {
            return Err(Failure::config(format!(
                "session_absolute_hours (CSPR_SESSION_ABSOLUTE_HOURS) must be from 1 to {MAX_SESSION_HOURS}"
            )));
        }
        if session_idle_minutes > session_absolute_hours * 60 {
            return Err(Failure::config(format!(
                "session_idle_minutes (CSPR_SESSION_IDLE_MINUTES) is {session_idle_minutes}, longer than \
                 session_absolute_hours (CSPR_SESSION_ABSOLUTE_HOURS) of {session_absolute_hours} hours: \
                 a session could never sit idle that long"
            )));
        }
        let mail = mail_config(&raw)?;
        let oidc = oidc_config(&raw)?;
        let public_url = match raw.public_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url) => {
                let url = url.trim_end_matches('/');
                let loopback = url.starts_with("http://127.0.0.1")
                    || url.starts_with("http://localhost")
                    || url.starts_with("http://[::1]");
                if !(url.starts_with("https://") || loopback)
                    || url.contains(char::is_whitespace)
                    || url.len() <= "https://".len()
                {
                    return Err(Failure::config(
                        "public_url (CSPR_PUBLIC_URL) must be the service's https:// address, like https://cspr.example.org (http:// only on loopback)",
                    ));
                }
                Some(url.to_owned())
            }
        };
        let trusted_proxies = raw
            .trusted_proxies
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| {
                a.parse::<std::net::IpAddr>().map_err(|_| {
                    Failure::config(
                        "trusted_proxies (CSPR_TRUSTED_PROXIES) must be IP addresses separated by commas, like 10.0.0.2, 10.0.0.3",
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let log_json = match raw.log_format.as_deref().map(str::trim) {
            None | Some("" | "text") => false,
            Some("json") => true,
            Some(_) => {
                return Err(Failure::config(
                    "log_format (CSPR_LOG_FORMAT) must be text or json",
                ));
            }
        };
        let metrics_token = match raw.metrics_token {
            Some(t) if t.expose_secret().trim().len() < 16 => {
                return Err(Failure::config(
                    "metrics_token (CSPR_METRICS_TOKEN) must be at least 16 characters",
                ));
            }
            other => other,
        };
        Ok(Self {
            metrics_token,
            log_json,
            data_dir,
            database,
            master_key_file,
            listen,
            partnership_name,
            log,
            closure_days,
            request_timeout_secs,
            max_body_bytes,
            max_concurrent_requests,
            max_requests_per_minute,
            session_idle_minutes,
            session_absolute_hours,
            mail,
            oidc,
            public_url,
            trusted_proxies,
        })
    }

    /// The tracing filter: the `log` setting if given; otherwise `serve` logs at info and the
    /// one-shot commands log nothing, so their only output on failure is the one error line.
    pub fn log_filter(&self, serving: bool) -> &str {
        match (&self.log, serving) {
            (Some(filter), _) => filter,
            (None, true) => DEFAULT_LOG,
            (None, false) => "off",
        }
    }

    /// Checks the data directory can be used, creating it if it does not exist yet.
    /// With `Access::ReadWrite` it also proves a byte can be written there, so a full disk
    /// or a read-only mount is reported before any real work starts.
    pub fn prepare_data_dir(&self, access: Access) -> Result<(), Failure> {
        let dir = &self.data_dir;
        let shown = dir.display();
        match fs::metadata(dir) {
            Ok(meta) if !meta.is_dir() => {
                return Err(Failure::config(format!(
                    "data directory {shown} is not a directory"
                )));
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if access == Access::ReadOnly {
                    return Err(Failure::config(format!(
                        "data directory {shown} does not exist (run `cspr migrate` first)"
                    )));
                }
                fs::create_dir_all(dir).map_err(|e| {
                    Failure::from_io(e, format!("cannot create data directory {shown}"))
                })?;
            }
            Err(e) => {
                return Err(Failure::from_io(
                    e,
                    format!("cannot use data directory {shown}"),
                ));
            }
        }
        fs::read_dir(dir)
            .map_err(|e| Failure::from_io(e, format!("cannot read data directory {shown}")))?;
        if access == Access::ReadWrite {
            let probe = dir.join(format!(".cspr-write-check-{}", std::process::id()));
            let written = fs::File::create(&probe).and_then(|mut file| {
                file.write_all(b"cspr")?;
                file.sync_all()
            });
            // Remove the probe whatever happened; a leftover would be harmless but untidy.
            let _ = fs::remove_file(&probe);
            written.map_err(|e| {
                Failure::from_io(e, format!("cannot write to data directory {shown}"))
            })?;
        }
        if let Backend::Sqlite(Some(path)) = self.database.backend()
            && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            return Err(Failure::config(format!(
                "the directory for the SQLite database, {}, does not exist",
                parent.display()
            )));
        }
        if let Some(parent) = self
            .master_key_file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            return Err(Failure::config(format!(
                "the directory for the master key file, {}, does not exist",
                parent.display()
            )));
        }
        Ok(())
    }
}

/// The file's settings overlaid with the environment's, not yet checked.
fn read_layers(file: &Path) -> Result<RawSettings, Failure> {
    let mut figment = Figment::new()
        .merge(Toml::file(file))
        .merge(Env::prefixed("CSPR_").only(KEYS).ignore(VERBATIM_ENV_KEYS));
    for key in VERBATIM_ENV_KEYS {
        let variable = env_name(key);
        match std::env::var(&variable) {
            Ok(value) => figment = figment.merge(Serialized::default(key, value)),
            Err(std::env::VarError::NotPresent) => {}
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Failure::config(format!("{variable} is not valid UTF-8")));
            }
        }
    }
    figment
        .extract()
        .map_err(|e| Failure::config(format!("invalid settings: {e}")))
}

/// `CSPR_` plus the key in capitals.
fn env_name(key: &str) -> String {
    format!("CSPR_{}", key.to_ascii_uppercase())
}

/// A key with its environment variable, for error lines: `smtp_host (CSPR_SMTP_HOST)`.
fn named(key: &str) -> String {
    format!("{key} ({})", env_name(key))
}

/// A text setting, with an empty or blank one taken as not set.
fn given(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// The email settings: none unless `smtp_host` is set, and then a usable sender and TLS unless
/// the relay is on this machine.
fn mail_config(raw: &RawSettings) -> Result<Option<MailConfig>, Failure> {
    let Some(smtp_host) = given(raw.smtp_host.as_ref()) else {
        let stray: Vec<String> = [
            ("smtp_port", raw.smtp_port.is_some()),
            ("mail_from", given(raw.mail_from.as_ref()).is_some()),
            ("smtp_tls", raw.smtp_tls.is_some()),
        ]
        .into_iter()
        .filter(|(_, set)| *set)
        .map(|(key, _)| named(key))
        .collect();
        if stray.is_empty() {
            return Ok(None);
        }
        return Err(Failure::config(format!(
            "{} set but smtp_host (CSPR_SMTP_HOST) is not: set smtp_host to send email, or \
             remove them",
            stray.join(", ")
        )));
    };
    let smtp_port = match raw.smtp_port {
        None => DEFAULT_SMTP_PORT,
        Some(port) => u16::try_from(port)
            .ok()
            .filter(|port| *port != 0)
            .ok_or_else(|| {
                Failure::config(format!("{} must be from 1 to 65535", named("smtp_port")))
            })?,
    };
    let Some(from) = given(raw.mail_from.as_ref()) else {
        return Err(Failure::config(format!(
            "{} is needed when smtp_host (CSPR_SMTP_HOST) is set: the sender of the emails cspr \
             sends, e.g. no-reply@example.org",
            named("mail_from")
        )));
    };
    let tls = raw.smtp_tls.unwrap_or(DEFAULT_SMTP_TLS);
    // The sender checked on its own, with the rest of the settings known to be good.
    let sender_only = MailConfig {
        smtp_host: "localhost".to_owned(),
        smtp_port: DEFAULT_SMTP_PORT,
        from: from.to_owned(),
        tls: false,
    };
    if sender_only.validate().is_err() {
        return Err(Failure::config(format!(
            "{} is not an email address: expected an address such as no-reply@example.org, or \
             Name <no-reply@example.org>",
            named("mail_from")
        )));
    }
    if !tls && !cspr_app::mail::is_loopback(smtp_host) {
        return Err(Failure::config(format!(
            "{} is false, but email without TLS may only go to a relay on this machine: set \
             smtp_host (CSPR_SMTP_HOST) to localhost or a loopback address, or use TLS",
            named("smtp_tls")
        )));
    }
    let mail = MailConfig {
        smtp_host: smtp_host.to_owned(),
        smtp_port,
        from: from.to_owned(),
        tls,
    };
    mail.validate().map_err(|e| {
        Failure::config(format!(
            "the email settings (smtp_host, smtp_port, mail_from, smtp_tls) are unusable: {e}"
        ))
    })?;
    Ok(Some(mail))
}

/// The OpenID Connect settings: none unless one of them is set, and then all four (the secret
/// given directly or in a file).
fn oidc_config(raw: &RawSettings) -> Result<Option<OidcConfig>, Failure> {
    let issuer = given(raw.oidc_issuer_url.as_ref());
    let client_id = given(raw.oidc_client_id.as_ref());
    let redirect = given(raw.oidc_redirect_url.as_ref());
    let secret_file = given(raw.oidc_client_secret_file.as_ref());
    let secret = raw
        .oidc_client_secret
        .as_ref()
        .filter(|secret| !secret.expose_secret().is_empty());
    if secret.is_some() && secret_file.is_some() {
        return Err(Failure::config(format!(
            "both {} and {} are set: give the client secret one way only",
            named("oidc_client_secret"),
            named("oidc_client_secret_file")
        )));
    }
    let has_secret = secret.is_some() || secret_file.is_some();
    let mfa_acr = given(raw.oidc_mfa_acr.as_ref());
    if issuer.is_none()
        && client_id.is_none()
        && redirect.is_none()
        && !has_secret
        && mfa_acr.is_none()
    {
        return Ok(None);
    }
    let missing: Vec<String> = [
        (named("oidc_issuer_url"), issuer.is_some()),
        (named("oidc_client_id"), client_id.is_some()),
        (
            format!(
                "{} or {}",
                named("oidc_client_secret"),
                named("oidc_client_secret_file")
            ),
            has_secret,
        ),
        (named("oidc_redirect_url"), redirect.is_some()),
    ]
    .into_iter()
    .filter(|(_, set)| !set)
    .map(|(name, _)| name)
    .collect();
    let (issuer, client_id, redirect, secret) =
        match (issuer, client_id, redirect, secret, secret_file) {
            (Some(issuer), Some(id), Some(redirect), Some(secret), _) => {
                (issuer, id, redirect, secret.clone())
            }
            (Some(issuer), Some(id), Some(redirect), None, Some(path)) => {
                (issuer, id, redirect, read_secret_file(Path::new(path))?)
            }
            _ => {
                return Err(Failure::config(format!(
                    "sign-in through an OpenID Provider needs oidc_issuer_url, oidc_client_id, \
                     oidc_client_secret (or oidc_client_secret_file) and oidc_redirect_url \
                     together; missing: {}",
                    missing.join(", ")
                )));
            }
        };
    OidcConfig::new(issuer, client_id, secret, redirect)
        .map(|c| Some(c.with_mfa_acr(mfa_acr)))
        .map_err(|e| {
            Failure::config(format!(
                "{e}; see oidc_issuer_url (CSPR_OIDC_ISSUER_URL) and oidc_redirect_url \
                 (CSPR_OIDC_REDIRECT_URL)"
            ))
        })
}

/// The client secret from its file, surrounding whitespace (a final newline) removed. Errors
/// name the file, never its content.
fn read_secret_file(path: &Path) -> Result<SecretString, Failure> {
    let key = named("oidc_client_secret_file");
    let bytes = fs::read(path)
        .map_err(|e| Failure::config(format!("{key}: cannot read {}: {e}", path.display())))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::config(format!("{key}: {} is not UTF-8 text", path.display())))?;
    let secret = text.trim();
    if secret.is_empty() {
        return Err(Failure::config(format!(
            "{key}: {} is empty",
            path.display()
        )));
    }
    Ok(SecretString::from(secret.to_owned()))
}

/// Whether a command will write to the data directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadOnly,
    ReadWrite,
}

pub fn parse_listen(value: &str) -> Result<SocketAddr, String> {
    value.trim().parse::<SocketAddr>().map_err(|_| {
        "is not an address to listen on: expected IP:PORT, e.g. 127.0.0.1:8080".to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        let url = DatabaseUrl::parse("sqlite://./cspr-data/cspr.db").unwrap();
        assert_eq!(
            url.backend(),
            &Backend::Sqlite(Some(PathBuf::from("./cspr-data/cspr.db")))
        );
        let url = DatabaseUrl::parse("sqlite:/var/lib/cspr/cspr.db?mode=rwc").unwrap();
        assert_eq!(
            url.backend(),
            &Backend::Sqlite(Some(PathBuf::from("/var/lib/cspr/cspr.db")))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite::memory:").unwrap().backend(),
            &Backend::Sqlite(None)
        );
    }

    #[test]
    fn postgres_urls_are_accepted() {
        for url in [
            "postgres://cspr@localhost/cspr",
            "postgresql://cspr:secret@db.internal:5432/cspr?sslmode=require",
            "postgres://[::1]:5432/cspr",
            "postgres:///cspr?host=/run/postgresql",
        ] {
            assert_eq!(
                DatabaseUrl::parse(url).unwrap().backend(),
                &Backend::Postgres,
                "{url}"
            );
        }
    }

    #[test]
    fn malformed_urls_are_refused_without_echoing_secrets() {
        for url in [
            "not a url",
            "mysql://root:hunter2@localhost/db",
            "postgres://cspr:hunter2@localhost:port/db",
            "postgres://cspr:hunter2@localhost:0/db",
            "postgres://cspr:hunter2@localhost/db?sslmode=sometimes",
            "sqlite://",
            "",
        ] {
            let error = DatabaseUrl::parse(url).unwrap_err();
            assert!(!error.contains("hunter2"), "{error}");
        }
    }

    #[test]
    fn defaults_put_everything_under_the_data_dir() {
        let settings = Settings::from_raw(RawSettings::default()).unwrap();
        assert_eq!(settings.data_dir, PathBuf::from("./cspr-data"));
        assert_eq!(
            settings.database.backend(),
            &Backend::Sqlite(Some(PathBuf::from("./cspr-data/cspr.db")))
        );
        assert_eq!(
            settings.master_key_file,
            PathBuf::from("./cspr-data/master.key")
        );
        assert_eq!(settings.listen.to_string(), "127.0.0.1:8080");
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail returns figment's own error"
    )]
    fn layers_apply_in_order() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "cspr.toml",
                r#"
                    data_dir = "/srv/cspr"
                    listen = "0.0.0.0:9000"
                    partnership_name = "Northshire Safeguarding Children Partnership"
                "#,
            )?;
            jail.set_env("CSPR_LISTEN", "127.0.0.1:9001");
            jail.set_env("CSPR_PARTNERSHIP_NAME", "2024");
            let settings = Settings::load(None).unwrap();
            assert_eq!(settings.data_dir, PathBuf::from("/srv/cspr"));
            assert_eq!(settings.listen.to_string(), "127.0.0.1:9001");
            assert_eq!(settings.partnership_name, "2024");
            assert_eq!(
                settings.master_key_file,
                PathBuf::from("/srv/cspr/master.key")
            );
            Ok(())
        });
    }

    #[test]
    fn session_limits_default_to_asvs_and_are_checked() {
        let settings = Settings::from_raw(RawSettings::default()).unwrap();
        assert_eq!(settings.session_idle_minutes, 30);
        assert_eq!(settings.session_absolute_hours, 12);
        for (idle, absolute, key) in [
            (Some(0), None, "CSPR_SESSION_IDLE_MINUTES"),
            (None, Some(0), "CSPR_SESSION_ABSOLUTE_HOURS"),
            (None, Some(10_000), "CSPR_SESSION_ABSOLUTE_HOURS"),
            (Some(120), Some(1), "longer than"),
        ] {
            let error = Settings::from_raw(RawSettings {
                session_idle_minutes: idle,
                session_absolute_hours: absolute,
                ..RawSettings::default()
            })
            .unwrap_err();
            assert!(error.to_string().contains(key), "{error}");
        }
        let settings = Settings::from_raw(RawSettings {
            session_idle_minutes: Some(15),
            session_absolute_hours: Some(8),
            ..RawSettings::default()
        })
        .unwrap();
        assert_eq!(
            (
                settings.session_idle_minutes,
                settings.session_absolute_hours
            ),
            (15, 8)
        );
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail returns figment's own error"
    )]
    fn unknown_keys_in_the_file_are_refused() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("cspr.toml", "databse_url = \"sqlite://x.db\"")?;
            let error = Settings::load(None).unwrap_err();
            assert!(error.to_string().contains("databse_url"), "{error}");
            Ok(())
        });
    }

    fn with_mail(host: &str, from: Option<&str>) -> RawSettings {
        RawSettings {
            smtp_host: Some(host.to_owned()),
            mail_from: from.map(str::to_owned),
            ..RawSettings::default()
        }
    }

    #[test]
    fn the_public_address_is_https_or_loopback() {
        let url = |u: &str| {
            Settings::from_raw(RawSettings {
                public_url: Some(u.to_owned()),
                ..RawSettings::default()
            })
        };
        assert_eq!(
            url("https://cspr.example.org/")
                .unwrap()
                .public_url
                .as_deref(),
            Some("https://cspr.example.org")
        );
        assert!(url("http://127.0.0.1:8080").unwrap().public_url.is_some());
        assert!(url("").unwrap().public_url.is_none());
        for bad in [
            "http://cspr.example.org",
            "cspr.example.org",
            "https://",
            "https://a b",
        ] {
            let e = url(bad).unwrap_err().to_string();
            assert!(e.contains("public_url (CSPR_PUBLIC_URL)"), "{bad}: {e}");
        }
    }

    #[test]
    fn trusted_proxies_are_addresses_or_refused() {
        let proxies = |p: &str| {
            Settings::from_raw(RawSettings {
                trusted_proxies: Some(p.to_owned()),
                ..RawSettings::default()
            })
        };
        assert_eq!(
            proxies(" 10.0.0.2, ::1 ").unwrap().trusted_proxies,
            [
                "10.0.0.2".parse::<std::net::IpAddr>().unwrap(),
                "::1".parse().unwrap()
            ]
        );
        assert!(proxies("").unwrap().trusted_proxies.is_empty());
        for bad in ["10.0.0.0/8", "proxy.example.org", "10.0.0.2;10.0.0.3"] {
            let e = proxies(bad).unwrap_err().to_string();
            assert!(
                e.contains("trusted_proxies (CSPR_TRUSTED_PROXIES)"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn log_format_and_metrics_token_are_checked() {
        let with = |format: Option<&str>, token: Option<&str>| {
            Settings::from_raw(RawSettings {
                log_format: format.map(str::to_owned),
                metrics_token: token.map(|t| SecretString::from(t.to_owned())),
                ..RawSettings::default()
            })
        };
        assert!(!with(None, None).unwrap().log_json);
        assert!(with(Some("json"), None).unwrap().log_json);
        assert!(!with(Some("text"), None).unwrap().log_json);
        let e = with(Some("xml"), None).unwrap_err().to_string();
        assert!(e.contains("log_format (CSPR_LOG_FORMAT)"), "{e}");
        let e = with(None, Some("short")).unwrap_err().to_string();
        assert!(e.contains("at least 16 characters"), "{e}");
        let ok = with(None, Some("a-long-monitoring-token")).unwrap();
        assert_eq!(
            ok.metrics_token
                .as_ref()
                .map(|t| t.expose_secret().to_owned()),
            Some("a-long-monitoring-token".to_owned())
        );
    }

    #[test]
    fn email_is_set_up_only_with_a_host_and_then_checked() {
        let settings = Settings::from_raw(RawSettings::default()).unwrap();
        assert!(settings.mail.is_none());

        let settings = Settings::from_raw(with_mail(
            "smtp.example.org",
            Some("Northshire SCP <no-reply@northshire.example>"),
        ))
        .unwrap();
        assert_eq!(
            settings.mail,
            Some(MailConfig {
                smtp_host: "smtp.example.org".to_owned(),
                smtp_port: 587,
                from: "Northshire SCP <no-reply@northshire.example>".to_owned(),
                tls: true,
            })
        );

        let plain_local = RawSettings {
            smtp_port: Some(25),
            smtp_tls: Some(false),
            ..with_mail("127.0.0.1", Some("no-reply@northshire.example"))
        };
        let mail = Settings::from_raw(plain_local).unwrap().mail.unwrap();
        assert_eq!((mail.smtp_port, mail.tls), (25, false));

        for (raw, expected) in [
            (with_mail("smtp.example.org", None), "CSPR_MAIL_FROM"),
            (
                with_mail("smtp.example.org", Some("not an address")),
                "is not an email address",
            ),
            (
                RawSettings {
                    smtp_tls: Some(false),
                    ..with_mail("smtp.example.org", Some("no-reply@example.org"))
                },
                "CSPR_SMTP_TLS",
            ),
            (
                RawSettings {
                    smtp_port: Some(0),
                    ..with_mail("smtp.example.org", Some("no-reply@example.org"))
                },
                "CSPR_SMTP_PORT",
            ),
            (
                RawSettings {
                    smtp_port: Some(70_000),
                    ..with_mail("smtp.example.org", Some("no-reply@example.org"))
                },
                "CSPR_SMTP_PORT",
            ),
            (
                RawSettings {
                    mail_from: Some("no-reply@example.org".to_owned()),
                    ..RawSettings::default()
                },
                "smtp_host (CSPR_SMTP_HOST) is not",
            ),
        ] {
            let error = Settings::from_raw(raw).unwrap_err().to_string();
            assert!(error.contains(expected), "{expected}: {error}");
        }
    }

    fn with_oidc() -> RawSettings {
        RawSettings {
            oidc_issuer_url: Some("https://login.example.org/tenant".to_owned()),
            oidc_client_id: Some("cspr".to_owned()),
            oidc_client_secret: Some(SecretString::from("hunter2-secret")),
            oidc_redirect_url: Some("https://cspr.example.org/sign-in/oidc/callback".to_owned()),
            ..RawSettings::default()
        }
    }

    #[test]
    fn oidc_needs_all_four_settings_and_hides_its_secret() {
        assert!(
            Settings::from_raw(RawSettings::default())
                .unwrap()
                .oidc
                .is_none()
        );
        let settings = Settings::from_raw(with_oidc()).unwrap();
        let oidc = settings.oidc.as_ref().unwrap();
        assert_eq!(oidc.issuer_url(), "https://login.example.org/tenant");
        assert_eq!(oidc.client_id(), "cspr");
        assert!(!format!("{settings:?}").contains("hunter2"));

        let error = Settings::from_raw(RawSettings {
            oidc_client_id: None,
            oidc_client_secret: None,
            ..with_oidc()
        })
        .unwrap_err()
        .to_string();
        assert!(
            error.contains(
                "missing: oidc_client_id (CSPR_OIDC_CLIENT_ID), oidc_client_secret \
                 (CSPR_OIDC_CLIENT_SECRET) or oidc_client_secret_file"
            ),
            "{error}"
        );
        assert!(!error.contains("oidc_issuer_url (CSPR"), "{error}");

        // Any one of them alone asks for the rest.
        let error = Settings::from_raw(RawSettings {
            oidc_redirect_url: Some("https://cspr.example.org/cb".to_owned()),
            ..RawSettings::default()
        })
        .unwrap_err()
        .to_string();
        assert!(error.contains("missing: oidc_issuer_url"), "{error}");

        let error = Settings::from_raw(RawSettings {
            oidc_issuer_url: Some("http://login.example.org/".to_owned()),
            ..with_oidc()
        })
        .unwrap_err()
        .to_string();
        assert!(error.contains("https"), "{error}");
        assert!(!error.contains("hunter2"), "{error}");

        let error = Settings::from_raw(RawSettings {
            oidc_client_secret_file: Some("/run/secrets/oidc".to_owned()),
            ..with_oidc()
        })
        .unwrap_err()
        .to_string();
        assert!(error.contains("one way only"), "{error}");
    }

    #[test]
    fn the_oidc_secret_can_come_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("oidc-secret");
        fs::write(&file, "from-the-file\n").unwrap();
        let raw = RawSettings {
            oidc_client_secret: None,
            oidc_client_secret_file: Some(file.display().to_string()),
            ..with_oidc()
        };
        assert!(Settings::from_raw(raw).unwrap().oidc.is_some());

        fs::write(&file, "\n").unwrap();
        let raw = RawSettings {
            oidc_client_secret: None,
            oidc_client_secret_file: Some(file.display().to_string()),
            ..with_oidc()
        };
        let error = Settings::from_raw(raw).unwrap_err().to_string();
        assert!(
            error.contains("CSPR_OIDC_CLIENT_SECRET_FILE") && error.contains("is empty"),
            "{error}"
        );

        let raw = RawSettings {
            oidc_client_secret: None,
            oidc_client_secret_file: Some(dir.path().join("absent").display().to_string()),
            ..with_oidc()
        };
        let error = Settings::from_raw(raw).unwrap_err().to_string();
        assert!(error.contains("cannot read"), "{error}");
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail returns figment's own error"
    )]
    fn the_oidc_client_id_and_secret_are_read_verbatim_from_the_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "cspr.toml",
                r#"
                    oidc_issuer_url = "https://login.example.org/"
                    oidc_redirect_url = "https://cspr.example.org/sign-in/oidc/callback"
                    oidc_client_secret = "from the file"
                "#,
            )?;
            jail.set_env("CSPR_OIDC_CLIENT_ID", "0123");
            jail.set_env("CSPR_OIDC_CLIENT_SECRET", "\"007\"");
            jail.set_env("CSPR_SMTP_HOST", "localhost");
            jail.set_env("CSPR_SMTP_PORT", "2525");
            jail.set_env("CSPR_SMTP_TLS", "false");
            jail.set_env("CSPR_MAIL_FROM", "no-reply@northshire.example");
            let settings = Settings::load(None).unwrap();
            assert_eq!(settings.oidc.as_ref().unwrap().client_id(), "0123");
            let mail = settings.mail.unwrap();
            assert_eq!((mail.smtp_port, mail.tls), (2525, false));
            // The environment's secret, exactly as written, wins over the file's.
            let raw = read_layers(Path::new(DEFAULT_CONFIG_FILE)).unwrap();
            assert_eq!(raw.oidc_client_secret.unwrap().expose_secret(), "\"007\"");
            Ok(())
        });
    }
}
