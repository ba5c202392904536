//! cspr's web front door: the axum application behind `cspr serve`. Pages follow the GOV.UK
//! Design System (compiled from npm, Arial, no crown); every route has an access rule in one
//! table (`routes::table`); every look at a case's personal data is written to the hash-chained
//! access log in the same request, and the page fails if that write fails.

pub mod access;
pub mod act;
pub mod api;
pub mod assets;
pub mod auth;
pub mod date_input;
pub mod download;
mod error;
pub mod extract;
pub mod flood;
pub mod layout;
pub mod metrics;
pub mod paging;
pub mod reader;
pub mod routes;
mod security;
pub mod session;

use std::sync::Arc;

use axum::Router;
use cspr_app::App;
use cspr_domain::ids::PartnershipId;
use time::Duration;

pub use cspr_app::demo_accounts as demo;
pub use cspr_app::settings::StoredSettings;
pub use cspr_app::{exports, jobs, mail};
pub use error::{ValidForm, WebError, refused, refused_or};

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The partnership this instance serves.
    pub partnership_id: PartnershipId,
    /// Its name, shown in the header.
    pub partnership_name: String,
    /// A session ends after this long without a request (ASVS 7.3.1: 30 minutes).
    pub session_idle: Duration,
    /// A session ends this long after sign-in whatever happens (ASVS 7.3.2: 12 hours).
    pub session_absolute: Duration,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// Longest a request may take.
    pub request_timeout: std::time::Duration,
    /// How to send email (practitioners' one-time codes); `None` when email is not set up.
    pub mail: Option<cspr_app::mail::MailConfig>,
    /// The organisation's OpenID Provider, when people may sign in through it.
    pub oidc: Option<auth::oidc::OidcConfig>,
    /// The address people open cspr at (`https://cspr.example.org`), for links in emails;
    /// reminders are not sent without it.
    pub public_url: Option<String>,
    /// The reverse proxies in front of cspr: a request from one of these carries the client's
    /// address in `X-Forwarded-For`, which is then believed (issue 16, finding 7). Empty: the
    /// connection's own address is the client's.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Where the learning library's indexes live (`<data_dir>/index`); in memory when `None`.
    pub library_dir: Option<std::path::PathBuf>,
    /// A bearer token that lets a monitoring system read `/metrics` from another machine (the
    /// machine itself always may); `None`: loopback only.
    pub metrics_token: Option<String>,
    /// Most requests handled at once; one more is answered at once with 503 and `Retry-After`
    /// instead of queueing (issue 16, finding 7: unauthenticated load cannot pile up).
    pub max_concurrent_requests: usize,
    /// Most requests one client address may make in a minute; more get 429 (issue 16,
    /// finding 7).
    pub max_requests_per_minute: u32,
}

impl WebConfig {
    /// Defaults for a partnership.
    #[must_use]
    pub fn new(partnership_id: PartnershipId, partnership_name: impl Into<String>) -> Self {
        Self {
            partnership_id,
            partnership_name: partnership_name.into(),
            session_idle: Duration::minutes(30),
            session_absolute: Duration::hours(12),
            max_body_bytes: 2 * 1024 * 1024,
            request_timeout: std::time::Duration::from_secs(30),
            mail: None,
            oidc: None,
            public_url: None,
            trusted_proxies: Vec::new(),
            library_dir: None,
            metrics_token: None,
            max_concurrent_requests: 256,
            max_requests_per_minute: 1200,
        }
    }
}

pub use cspr_app::{Clock, Services, SystemClock};

struct Inner {
    services: Services,
    config: WebConfig,
    /// One permit per request in flight (`security::shed_load`).
    in_flight: Arc<tokio::sync::Semaphore>,
    /// Per-address minute windows (`flood`).
    windows: flood::Windows,
    /// The action tracker's assessed rows by scope (`routes::tracker::KeptRows`).
    tracker: routes::tracker::KeptRows,
    /// What `/metrics` reports.
    metrics: Arc<metrics::Metrics>,
    /// The passkeys' relying party, when `public_url` names the site by a domain.
    passkeys: Option<auth::passkey::RelyingParty>,
}

/// Shared state of the web application: the partnership's services (every workflow goes
/// through them; `AppState` derefs to them) and the web's own settings.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.0.config)
            .finish_non_exhaustive()
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0.services
    }
}

impl AppState {
    /// State over an application, with a clock.
    #[must_use]
    pub fn new(app: App, config: WebConfig, clock: Arc<dyn Clock>) -> Self {
        let services = Services::new(
            app,
            config.partnership_id,
            config.partnership_name.clone(),
            clock,
        )
        .with_mail(config.mail.clone(), config.public_url.clone())
        .with_library_dir(config.library_dir.clone());
        let in_flight = Arc::new(tokio::sync::Semaphore::new(
            config.max_concurrent_requests.max(1),
        ));
        let passkeys = config.public_url.as_deref().and_then(|url| {
            auth::passkey::RelyingParty::for_site(
                url,
                &config.partnership_name,
                services.store().clone(),
            )
        });
        Self(Arc::new(Inner {
            passkeys,
            services,
            config,
            in_flight,
            windows: flood::Windows::default(),
            tracker: routes::tracker::KeptRows::default(),
            metrics: Arc::new(metrics::Metrics::default()),
        }))
    }

    /// The service's metrics (`GET /metrics`).
    #[must_use]
    pub fn metrics(&self) -> Arc<metrics::Metrics> {
        Arc::clone(&self.0.metrics)
    }

    /// The passkeys' relying party; `None` when passkeys cannot be offered (no `public_url`,
    /// or one without a domain name).
    #[must_use]
    pub fn passkeys(&self) -> Option<&auth::passkey::RelyingParty> {
        self.0.passkeys.as_ref()
    }

    /// The action tracker's assessed rows, kept by scope.
    pub(crate) fn tracker_rows(&self) -> &routes::tracker::KeptRows {
        &self.0.tracker
    }

    /// The per-address minute windows.
    #[must_use]
    pub fn windows(&self) -> &flood::Windows {
        &self.0.windows
    }

    /// The minute of the service's clock (for the per-address windows).
    #[must_use]
    pub fn minute(&self) -> i64 {
        self.now().unix_timestamp().div_euclid(60)
    }

    /// Whether one more anonymous refusal from `source` goes to the access log: within the
    /// address's budget it does; the first one past it is replaced by a line saying the rest
    /// are left out this minute; after that, none is written.
    ///
    /// # Errors
    /// The access-log write of the "left out" line failed.
    pub async fn log_refusal(
        &self,
        source: &reader::Source,
        entry: cspr_store::NewAccessEntry,
    ) -> Result<(), cspr_store::StoreError> {
        match self.windows().refusal(&source.0, self.minute()) {
            flood::Budget::Log => self.store().log_access(entry).await,
            flood::Budget::LogSuppressed => self
                .store()
                .log_access(cspr_store::NewAccessEntry {
                    action: "refusals-left-out".to_owned(),
                    detail: format!(
                        "more than {} anonymous refusals from this address this minute: the rest are left out",
                        flood::REFUSALS_LOGGED_PER_MINUTE
                    ),
                    ..entry
                })
                .await,
            flood::Budget::Skip => Ok(()),
        }
    }

    /// The permits of the requests in flight: a test takes them to see the service shed load.
    #[must_use]
    pub fn in_flight(&self) -> Arc<tokio::sync::Semaphore> {
        Arc::clone(&self.0.in_flight)
    }

    /// The partnership's services.
    #[must_use]
    pub fn services(&self) -> &Services {
        &self.0.services
    }

    /// The web settings.
    #[must_use]
    pub fn config(&self) -> &WebConfig {
        &self.0.config
    }
}

impl AppState {
    /// Deletes sessions past their idle or absolute limit, sign-in failure counters older
    /// than an hour, sign-in ceremonies past their time and API tokens a month past their expiry. `cspr serve` runs it every few minutes; the checks on each request do not
    /// depend on it.
    ///
    /// # Errors
    /// Store failures.
    pub async fn sweep(&self) -> Result<(u64, u64), cspr_store::StoreError> {
        let now = self.now();
        let sessions = self
            .store()
            .delete_expired_sessions(
                now - self.config().session_idle,
                now - self.config().session_absolute,
            )
            .await?;
        let counters = self
            .store()
            .delete_stale_login_failures(now - time::Duration::hours(1))
            .await?;
        // Sign-ins and passkey ceremonies started and never finished (issue 18).
        let ceremonies = self.store().purge_expired_ceremonies(now).await?;
        if ceremonies > 0 {
            tracing::debug!(ceremonies, "swept unfinished sign-in ceremonies");
        }
        // API tokens a month past their expiry: long enough for their person to see on the
        // account page that one ran out (issue 18).
        let tokens = self
            .store()
            .purge_expired_api_tokens(now - time::Duration::days(30))
            .await?;
        if tokens > 0 {
            tracing::debug!(tokens, "swept expired API tokens");
        }
        Ok((sessions, counters))
    }
}

/// The whole application: every route of the table behind its access rule, then the
/// security layers.
pub fn router(state: AppState) -> Router {
    let routed = routes::build(state.clone()).nest(
        api::PREFIX,
        api::router(state.clone()).with_state(state.clone()),
    );
    security::layers(routed, &state)
}
