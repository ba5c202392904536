//! Metrics for the people who run cspr (issue 21): `GET /metrics` in the Prometheus text
//! format. Requests by method, route template and status class with their latency; the job
//! outbox's depth and failures; the length of both hash chains; refused sign-ins; the library
//! index. No personal data: labels are route templates (`/cases/{case_id}`), never paths, and
//! counts. Served only to the machine itself (loopback, and not forwarded by a proxy) or to a
//! request with the `metrics_token` as a bearer token; anyone else is told there is no such
//! page.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::{AppState, WebError};

/// A request's labels: method, route template, status class ("2xx").
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: String,
}

/// A route's labels for its latency.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

/// A job state's label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    state: String,
}

/// A chain's label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChainLabels {
    chain: String,
}

fn latency_histogram() -> Histogram {
    // 0.5 ms to about 4 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 14))
}

/// The service's metrics, shared by every request.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    sign_in_failures: Counter,
    jobs: Family<JobLabels, Gauge>,
    chains: Family<ChainLabels, Gauge>,
    library_reviews: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("cspr");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "Requests answered, by method, route template and status class",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by method and route template",
            latency.clone(),
        );
        let sign_in_failures = Counter::default();
        registry.register(
            "sign_in_failures",
            "Sign-ins refused (a wrong password or code, or an account held back)",
            sign_in_failures.clone(),
        );
        let jobs = Family::<JobLabels, Gauge>::default();
        registry.register(
            "jobs",
            "Jobs of the outbox by state (pending, running, done, dead: failed too often)",
            jobs.clone(),
        );
        let chains = Family::<ChainLabels, Gauge>::default();
        registry.register(
            "chain_length",
            "Rows of each hash chain (events, access_log)",
            chains.clone(),
        );
        let library_reviews = Gauge::default();
        registry.register(
            "library_reviews",
            "Reviews in the learning library's index",
            library_reviews.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            sign_in_failures,
            jobs,
            chains,
            library_reviews,
        }
    }
}

impl Metrics {
    /// Counts a refused sign-in.
    pub fn sign_in_failed(&self) {
        self.sign_in_failures.inc();
    }
}

/// Times and counts every routed request under its route template.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = format!("{}xx", response.status().as_u16() / 100);
    let metrics = state.metrics();
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method: method.clone(),
            route: route.clone(),
            status,
        })
        .inc();
    metrics
        .latency
        .get_or_create(&RouteLabels { method, route })
        .observe(started.elapsed().as_secs_f64());
    response
}

/// Whether this request may read the metrics: from the machine itself, or with the token.
fn allowed(state: &AppState, request_headers: &HeaderMap, client: &str) -> bool {
    // Behind a reverse proxy on the same machine every request comes from loopback: a request
    // the proxy forwarded (it says so in a header) is not the machine itself.
    let proxied = request_headers.contains_key("x-forwarded-for")
        || request_headers.contains_key(header::FORWARDED);
    let local = !proxied
        && client
            .parse::<std::net::IpAddr>()
            .is_ok_and(|a| a.is_loopback());
    let token = state
        .config()
        .metrics_token
        .as_deref()
        .filter(|t| !t.is_empty());
    let bearer = request_headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let by_token = match (token, bearer) {
        (Some(t), Some(b)) => {
            // Compare without leaking where they differ.
            let (t, b) = (t.as_bytes(), b.as_bytes());
            t.len() == b.len() && t.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
        }
        _ => false,
    };
    local || by_token
}

fn gauge_value(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// `GET /metrics`: the Prometheus text format, to the machine itself or with the token.
pub async fn serve(State(state): State<AppState>, request: Request) -> Result<Response, WebError> {
    let client = crate::routes::guard::source(&request, &state.config().trusted_proxies).0;
    if !allowed(&state, request.headers(), &client) {
        return Err(WebError::NotFound);
    }
    let metrics: Arc<Metrics> = state.metrics();
    let counts = state.store().job_counts().await?;
    for (name, n) in [
        ("pending", counts.pending),
        ("running", counts.running),
        ("done", counts.done),
        ("dead", counts.dead),
    ] {
        metrics
            .jobs
            .get_or_create(&JobLabels {
                state: name.to_owned(),
            })
            .set(gauge_value(n));
    }
    let (events, access) = state.store().chain_lengths().await?;
    for (name, n) in [("events", events), ("access_log", access)] {
        metrics
            .chains
            .get_or_create(&ChainLabels {
                chain: name.to_owned(),
            })
            .set(gauge_value(n));
    }
    if let Ok(indexes) = cspr_app::library::indexes(&state).await
        && let Ok(n) = indexes.library().len()
    {
        metrics.library_reviews.set(gauge_value(n));
    }
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &metrics.registry)
        .map_err(|e| WebError::Internal(format!("metrics: {e}")))?;
    Ok((
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response())
}
