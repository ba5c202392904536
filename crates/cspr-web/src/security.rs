//! The security layers every response passes through: strict headers (CSP without inline
//! script, HSTS, nosniff, frame-ancestors 'none', no referrer), `Cache-Control: no-store` unless
//! the response set its own (static assets), CSRF defence on every state-changing request
//! (`Sec-Fetch-Site` / `Origin`, tower-http), request size limits and timeouts, and a request id.

use axum::Router;
use axum::http::header::{CACHE_CONTROL, HeaderName, HeaderValue};
use axum::http::{Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;

/// The Content-Security-Policy: only our own files, no inline script or style, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

const HEADERS: [(&str, &str); 7] = [
    ("content-security-policy", CSP),
    (
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cross-origin-opener-policy", "same-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    ),
];

async fn headers(request: Request<axum::body::Body>, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    for (name, value) in HEADERS {
        h.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    if !h.contains_key(CACHE_CONTROL) {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

async fn csrf_page(response: Response) -> Response {
    if response.status() == StatusCode::FORBIDDEN
        && response
            .extensions()
            .get::<tower_http::csrf::ProtectionError>()
            .is_some()
    {
        tracing::warn!("cross-site request refused");
        return crate::WebError::Forbidden.into_response();
    }
    response
}

/// The path as logged: a practitioner link's token is a secret (with the emailed code it opens
/// a form), and so is an activation link's (it sets an account's first password), so neither
/// reaches the log.
fn loggable_path(path: &str) -> String {
    if path.starts_with("/activate/") {
        return "/activate/{token}".to_owned();
    }
    match path.strip_prefix("/contribute/") {
        Some(rest) => match rest.split_once('/') {
            Some((_, tail)) => format!("/contribute/{{token}}/{tail}"),
            None => "/contribute/{token}".to_owned(),
        },
        None => path.to_owned(),
    }
}

/// The largest request body of an upload of evidence: a file of up to 10 MiB (the limit the
/// handler checks and names in its error) plus the multipart framing and the form's fields.
pub const UPLOAD_BODY_BYTES: usize = 10 * 1024 * 1024 + 64 * 1024;

/// Whether the request uploads a file of evidence (`POST /cases/{case_id}/evidence/{action_id}`),
/// the one route whose body may be larger than [`crate::WebConfig::max_body_bytes`].
fn is_upload(method: &axum::http::Method, path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    method == axum::http::Method::POST
        && (matches!(parts.as_slice(), ["", "cases", case, "evidence", action]
            if !case.is_empty() && !action.is_empty())
            // Files and chronologies sent with an agency's response (routes/requests/).
            || matches!(parts.as_slice(),
                ["", "cases", _, "agencies", _, "requests", _, "files" | "import"]))
}

/// The request body limit: `max_body_bytes` everywhere, [`UPLOAD_BODY_BYTES`] on the upload
/// route only (the limit is chosen per request, so no other route accepts more). Extractors'
/// own default limit (2 MiB in axum) is lifted on the upload route alone, where this limit
/// already bounds the body.
async fn limit_body(
    axum::extract::State(max): axum::extract::State<usize>,
    request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    use tower::{Layer, ServiceExt};
    let upload = is_upload(request.method(), request.uri().path());
    let limit = if upload {
        UPLOAD_BODY_BYTES.max(max)
    } else {
        max
    };
    // tower-http checks Content-Length and wraps the body in a counting limit; the routed
    // service takes axum's body type back.
    let inner = tower::util::MapRequestLayer::new(|r: Request<_>| r.map(axum::body::Body::new));
    let outcome = if upload {
        let next = axum::extract::DefaultBodyLimit::max(limit).layer(next);
        RequestBodyLimitLayer::new(limit)
            .layer(inner.layer(next))
            .oneshot(request)
            .await
    } else {
        RequestBodyLimitLayer::new(limit)
            .layer(inner.layer(next))
            .oneshot(request)
            .await
    };
    match outcome {
        Ok(response) => response.map(axum::body::Body::new),
        Err(never) => match never {},
    }
}

/// Answers at once with 503 and `Retry-After` when `max_concurrent_requests` requests are
/// already in flight, rather than letting a burst queue up behind them (issue 16, finding 7).
async fn shed_load(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    let Ok(_permit) = state.in_flight().try_acquire_owned() else {
        tracing::warn!("request refused: too many in flight");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(axum::http::header::RETRY_AFTER, "5")],
            "The service is busy. Try again in a few seconds.",
        )
            .into_response();
    };
    next.run(request).await
}

/// Answers 429 with `Retry-After` when the client's address has made `max_requests_per_minute`
/// requests this minute (issue 16, finding 7).
async fn limit_rate(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    let source = crate::routes::guard::source(&request, &state.config().trusted_proxies);
    if !state.windows().request(
        &source.0,
        state.minute(),
        state.config().max_requests_per_minute,
    ) {
        tracing::warn!("request refused: too many from one address this minute");
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(axum::http::header::RETRY_AFTER, "60")],
            "Too many requests from your address. Wait a minute and try again.",
        )
            .into_response();
    }
    next.run(request).await
}

/// Wraps the routed application in the security layers.
pub fn layers(routed: Router, state: &AppState) -> Router {
    let config = state.config();
    let x_request_id = HeaderName::from_static("x-request-id");
    routed
        .layer(CsrfLayer::new())
        .layer(middleware::map_response(csrf_page))
        .layer(middleware::map_response_with_state(
            state.clone(),
            crate::error::render,
        ))
        .layer(middleware::from_fn_with_state(
            config.max_body_bytes,
            limit_body,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            config.request_timeout,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), limit_rate))
        .layer(middleware::from_fn_with_state(state.clone(), shed_load))
        .layer(middleware::from_fn(headers))
        .layer(
            TraceLayer::new_for_http()
                .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO))
                .make_span_with(|req: &Request<axum::body::Body>| {
                // Method and route template only: paths are ids, never personal data, but the
                // query string is left out all the same.
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                tracing::info_span!("request", request_id = %id, method = %req.method(), path = %loggable_path(req.uri().path()))
            }),
        )
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
}

#[cfg(test)]
mod tests {
    use super::{is_upload, loggable_path};
    use axum::http::Method;

    #[test]
    fn only_the_upload_of_evidence_gets_the_larger_body_limit() {
        assert!(is_upload(&Method::POST, "/cases/1/evidence/2"));
        assert!(!is_upload(&Method::GET, "/cases/1/evidence/2"));
        assert!(!is_upload(&Method::POST, "/cases/1/evidence/2/3"));
        assert!(!is_upload(&Method::POST, "/cases/1/actions/2"));
        assert!(!is_upload(&Method::POST, "/cases//evidence/2"));
        assert!(!is_upload(&Method::POST, "/sign-in"));
    }

    #[test]
    fn link_tokens_never_reach_the_log() {
        assert_eq!(
            loggable_path("/contribute/abc123/form"),
            "/contribute/{token}/form"
        );
        assert_eq!(loggable_path("/contribute/abc123"), "/contribute/{token}");
        assert_eq!(loggable_path("/activate/abc123"), "/activate/{token}");
        assert_eq!(loggable_path("/cases/1"), "/cases/1");
    }
}
