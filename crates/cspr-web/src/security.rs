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
/// a form), so it never reaches the log.
fn loggable_path(path: &str) -> String {
    match path.strip_prefix("/contribute/") {
        Some(rest) => match rest.split_once('/') {
            Some((_, tail)) => format!("/contribute/{{token}}/{tail}"),
            None => "/contribute/{token}".to_owned(),
        },
        None => path.to_owned(),
    }
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
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            config.request_timeout,
        ))
        .layer(middleware::from_fn(headers))
        .layer(
            TraceLayer::new_for_http()
                .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO))
                .make_span_with(|req: &Request<axum::body::Body>| {
                // Method and route template only: paths are ids, never personal data, but the
                // query string is left out all the same.
                tracing::info_span!("request", method = %req.method(), path = %loggable_path(req.uri().path()))
            }),
        )
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn link_tokens_never_reach_the_log() {
        assert_eq!(
            loggable_path("/contribute/abc123/form"),
            "/contribute/{token}/form"
        );
        assert_eq!(loggable_path("/contribute/abc123"), "/contribute/{token}");
        assert_eq!(loggable_path("/cases/1"), "/cases/1");
    }
}
