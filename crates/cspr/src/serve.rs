//! `cspr serve`: the HTTP service. Until the web crate lands it serves a health check and a
//! placeholder page, behind the layers every later route will share: request ids, tracing
//! without personal data, a timeout, a body-size limit and strict security headers.

use std::time::Duration;

use axum::{
    Json, Router,
    extract::State,
    http::{HeaderName, HeaderValue, Request, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use serde_json::json;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::{
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::Level;

use crate::{
    cli::ServeArgs,
    config::{Access, Settings, parse_listen},
    demo,
    exit::Failure,
    store,
};

/// What every handler can reach.
#[derive(Clone, Debug)]
struct AppState {
    store: cspr_store::Store,
}

pub async fn run(settings: Settings, args: ServeArgs) -> Result<(), Failure> {
    let listen = match &args.listen {
        Some(addr) => {
            parse_listen(addr).map_err(|why| Failure::config(format!("--listen {why}")))?
        }
        None => settings.listen,
    };
    let store = store::open(&settings, Access::ReadWrite).await?;
    store::migrate(&store).await?;
    if args.demo {
        let summary = demo::seed_demo_data(&store).await?;
        for line in summary.lines {
            println!("{line}");
        }
    }
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| Failure::from_io(e, format!("cannot listen on {listen}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Failure::from_io(e, "cannot read the listening address".to_owned()))?;
    let app = router(
        AppState {
            store: store.clone(),
        },
        &settings,
    );
    println!("cspr is running for {}", settings.partnership_name);
    println!("open http://{bound}/ in a browser to sign in");
    tracing::info!(address = %bound, "listening");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| Failure::from(anyhow::Error::new(e).context("the server stopped")))?;
    // Requests have finished: close the pool so SQLite checkpoints its write-ahead log.
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

fn router(state: AppState, settings: &Settings) -> Router {
    let x_request_id = HeaderName::from_static("x-request-id");
    let timeout = Duration::from_secs(settings.request_timeout_secs);
    let body_limit = usize::try_from(settings.max_body_bytes).unwrap_or(usize::MAX);
    let middleware = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(
            x_request_id.clone(),
            MakeRequestUuid,
        ))
        .layer(
            TraceLayer::new_for_http()
                // Method, route and request id only: query strings and bodies can carry
                // personal data, so they are never logged.
                .make_span_with(|request: &Request<_>| {
                    let request_id = request
                        .extensions()
                        .get::<RequestId>()
                        .and_then(|id| id.header_value().to_str().ok())
                        .unwrap_or("-")
                        .to_owned();
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                        request_id = %request_id,
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(x_request_id))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    Router::new()
        .route("/", get(index))
        .route("/health", get(health))
        .layer(middleware)
        .with_state(state)
}

/// The placeholder page; a fixed document, so there is nothing to escape.
const INDEX_HTML: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cspr</title>
</head>
<body>
<main>
<h1>cspr is running</h1>
<p>The Child Safeguarding Practice Review service is up. Its pages are not in this build yet.</p>
</main>
</body>
</html>
"#;

async fn index() -> Html<&'static str> {
    Html(INDEX_HTML)
}

/// `{"status":"ok"}` once a cheap database round trip succeeds; 503 otherwise.
async fn health(State(state): State<AppState>) -> Response {
    match store::ping(&state.store).await {
        Ok(()) => Json(json!({ "status": "ok" })).into_response(),
        Err(error) => {
            tracing::warn!(error = %error, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable" })),
            )
                .into_response()
        }
    }
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
