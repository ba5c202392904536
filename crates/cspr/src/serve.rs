//! `cspr serve`: the web application (`cspr_web::router`) for the database's one partnership.
//! Request ids, tracing without personal data, the timeout, the body-size limit and the
//! security headers are all cspr-web's layers; this module wires the store, the partnership,
//! its settings, email, OpenID Connect sign-in and the clock together, sweeps expired sessions
//! every few minutes, and stops gracefully on SIGTERM or Ctrl-C.

use std::{net::SocketAddr, path::Path, sync::Arc, time::Duration};

use cspr_web::{AppState, SystemClock, WebConfig};
use time::OffsetDateTime;
use tokio::{net::TcpListener, task::JoinHandle, time::MissedTickBehavior};

use crate::{
    cli::ServeArgs,
    config::{Access, Settings, parse_listen},
    demo,
    exit::Failure,
    partnership, store,
};

/// How often expired sessions and old sign-in failure counters are deleted.
const SWEEP_EVERY: Duration = Duration::from_secs(5 * 60);

pub async fn run(
    settings: Settings,
    args: ServeArgs,
    config: Option<&Path>,
) -> Result<(), Failure> {
    let listen = match &args.listen {
        Some(addr) => {
            parse_listen(addr).map_err(|why| Failure::config(format!("--listen {why}")))?
        }
        None => settings.listen,
    };
    let store = store::open(&settings, Access::ReadWrite).await?;
    let result = serve(&settings, &args, listen, &store, config).await;
    // Requests have finished (or never started): close the pool so SQLite checkpoints its
    // write-ahead log.
    store.close().await;
    result
}

async fn serve(
    settings: &Settings,
    args: &ServeArgs,
    listen: SocketAddr,
    store: &cspr_store::Store,
    config: Option<&Path>,
) -> Result<(), Failure> {
    store::migrate(store).await?;
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| Failure::from_io(e, format!("cannot listen on {listen}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Failure::from_io(e, "cannot read the listening address".to_owned()))?;
    let url = browser_url(bound);

    let now = OffsetDateTime::now_utc();
    let partnership = partnership::resolve(store, settings, args.demo).await?;
    let app = partnership::app(store, settings, &partnership, args.demo, now).await?;
    if args.demo {
        let seeded = demo::seed(store, &app, &partnership, now, demo::Cases::Default).await?;
        // Ends with a blank line; the address follows below once the service is up.
        print!("{}", demo::report(&seeded, &partnership.name, config, ""));
    }

    let web = web_config(settings, &partnership);
    let state = AppState::new(app, web, Arc::new(SystemClock));
    // The library's indexes: opened now (built from the store when missing or behind), so a
    // second server on the same data directory is told at once.
    cspr_app::library::indexes(state.services())
        .await
        .map_err(|e| Failure::config(format!("the library's index cannot be opened: {e}")))?;
    // Ends when this function returns, however the server stopped.
    // The first sweep of sessions before the service listens, so it is done (and logged) however
    // soon the service is stopped; the jobs follow in the background.
    sweep_sessions(&state).await;
    let sweeper = Sweeper(tokio::spawn(sweep_periodically(state.clone())));
    let router = cspr_web::router(state);
    println!("cspr is running for {}", partnership.name);
    println!("open {url} in a browser to sign in");
    tracing::info!(address = %bound, partnership = %partnership.id.as_uuid(), "listening");
    // Client addresses reach the handlers (the access log and sign-in throttling use them).
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| Failure::from(anyhow::Error::new(e).context("the server stopped")))?;
    sweeper.stop().await;
    tracing::info!("stopped");
    Ok(())
}

/// The sweeping task; aborted when dropped, so it never outlives the server.
struct Sweeper(JoinHandle<()>);

impl Sweeper {
    /// Stops the task and waits for it, so no sweep is left running on the store.
    async fn stop(mut self) {
        self.0.abort();
        // Cancelled is the expected outcome; a panic in a sweep has nothing left to report.
        let _ = (&mut self.0).await;
    }
}

impl Drop for Sweeper {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Deletes expired sessions and old sign-in failure counters, logging the counts.
async fn sweep_sessions(state: &AppState) {
    match state.sweep().await {
        Ok((sessions, login_failure_counters)) => tracing::debug!(
            sessions,
            login_failure_counters,
            "swept expired sessions and old sign-in failure counters"
        ),
        Err(e) => tracing::warn!(error = %e, "sweeping expired sessions failed"),
    }
}

/// Deletes expired sessions and old sign-in failure counters, and runs the job outbox
/// (exports; reminders when email and the public address are set up), at start and every
/// [`SWEEP_EVERY`] after. Logs only counts, and the store's error (the deletions take nothing
/// but times, so it holds no personal data).
async fn sweep_periodically(state: AppState) {
    let mut ticks = tokio::time::interval(SWEEP_EVERY);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // The first tick is at once: the sessions were swept just before the service listened.
    let mut swept_at_start = true;
    loop {
        ticks.tick().await;
        if !std::mem::take(&mut swept_at_start) {
            sweep_sessions(&state).await;
        }
        // Exports left unfinished, the daily retention run, and reminders and chasers when
        // email is set up (counts only in the log; jobs log their own failures).
        match cspr_app::jobs::run_jobs(state.services()).await {
            Ok(run) => tracing::debug!(
                enqueued = run.enqueued,
                sent = run.sent,
                skipped = run.skipped,
                failed = run.failed,
                "ran jobs"
            ),
            Err(e) => tracing::warn!(error = %e, "running jobs failed"),
        }
        // Records imported by `cspr library import` while the server runs join its index.
        match cspr_app::library::refresh(state.services()).await {
            Ok(true) => tracing::info!("the library index was rebuilt from the store"),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "refreshing the library index failed"),
        }
    }
}

/// The web layer's settings from the binary's.
fn web_config(settings: &Settings, partnership: &partnership::Partnership) -> WebConfig {
    let mut web = WebConfig::new(partnership.id, partnership.name.clone());
    // Both are bounded by the settings' checks (at most a week), so they fit an i64.
    web.session_idle =
        time::Duration::minutes(i64::try_from(settings.session_idle_minutes).unwrap_or(30));
    web.session_absolute =
        time::Duration::hours(i64::try_from(settings.session_absolute_hours).unwrap_or(12));
    web.max_body_bytes = usize::try_from(settings.max_body_bytes).unwrap_or(usize::MAX);
    web.max_concurrent_requests =
        usize::try_from(settings.max_concurrent_requests).unwrap_or(usize::MAX);
    web.max_requests_per_minute = settings.max_requests_per_minute;
    web.request_timeout = Duration::from_secs(settings.request_timeout_secs);
    web.mail = settings.mail.clone();
    web.oidc = settings.oidc.clone();
    web.public_url = settings.public_url.clone();
    web.trusted_proxies = settings.trusted_proxies.clone();
    web.library_dir = Some(settings.data_dir.join("index"));
    web.metrics_token = settings
        .metrics_token
        .as_ref()
        .map(|t| secrecy::ExposeSecret::expose_secret(t).trim().to_owned());
    web
}

/// The address to type into a browser: a wildcard listening address is reached through the
/// loopback address of the same family.
pub fn browser_url(addr: SocketAddr) -> String {
    let host = match addr {
        SocketAddr::V4(a) if a.ip().is_unspecified() => "127.0.0.1".to_owned(),
        SocketAddr::V4(a) => a.ip().to_string(),
        SocketAddr::V6(a) if a.ip().is_unspecified() => "[::1]".to_owned(),
        SocketAddr::V6(a) => format!("[{}]", a.ip()),
    };
    format!("http://{host}:{}/", addr.port())
}

/// Resolves on ctrl-c or SIGTERM, so in-flight requests finish before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_addresses_open_on_loopback() {
        assert_eq!(
            browser_url("0.0.0.0:8080".parse().unwrap()),
            "http://127.0.0.1:8080/"
        );
        assert_eq!(
            browser_url("[::]:8080".parse().unwrap()),
            "http://[::1]:8080/"
        );
        assert_eq!(
            browser_url("192.0.2.7:80".parse().unwrap()),
            "http://192.0.2.7:80/"
        );
    }
}
