//! `/metrics` and the health checks (issue 21): the Prometheus text holds requests by route
//! template and status class, their latency, the job outbox, both chains, refused sign-ins and
//! the library; never a path with an id nor anything personal. The machine itself reads it,
//! or a request with the token; anyone else is told there is no such page. Liveness answers
//! without the database; readiness asks it.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use cspr_web::access::Role;

const TOKEN: &str = "a-long-monitoring-token-1234";

fn from(ip: &str, path: &str, token: Option<&str>) -> Request<Body> {
    let addr: std::net::SocketAddr = format!("{ip}:40000").parse().expect("address");
    let mut r = Request::builder()
        .method("GET")
        .uri(path)
        .extension(axum::extract::ConnectInfo(addr));
    if let Some(t) = token {
        r = r.header("authorization", format!("Bearer {t}"));
    }
    r.body(Body::empty()).expect("request")
}

#[tokio::test]
async fn metrics_count_by_route_template_and_only_the_machine_or_the_token_reads_them() {
    let t = TestApp::with_config(|c| c.metrics_token = Some(TOKEN.to_owned())).await;
    let case = t.example("CSPR-2025-901").steps(3).await;
    let (_, cookie) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    assert_eq!(
        t.get(&format!("/cases/{case}"), Some(&cookie))
            .await
            .status(),
        StatusCode::OK
    );
    // A refused sign-in, counted.
    let refused = t
        .post(
            "/sign-in",
            None,
            "email=team%40example.org&password=not-the-password",
        )
        .await;
    assert_ne!(refused.status(), StatusCode::SEE_OTHER);

    let r = t.send(from("127.0.0.1", "/metrics", None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = body(r).await;
    assert_contains(
        &text,
        "cspr_http_requests_total{method=\"GET\",route=\"/cases/{case_id}\",status=\"2xx\"} 1",
    );
    assert_contains(
        &text,
        "cspr_http_request_duration_seconds_count{method=\"GET\",route=\"/cases/{case_id}\"} 1",
    );
    assert_contains(&text, "cspr_sign_in_failures_total 1");
    assert_contains(&text, "cspr_jobs{state=\"pending\"}");
    assert_contains(&text, "cspr_chain_length{chain=\"events\"} ");
    assert_contains(&text, "cspr_chain_length{chain=\"access_log\"} ");
    assert_contains(&text, "cspr_library_reviews 0");
    assert_lacks(&text, &case.to_string());
    assert_lacks(&text, "team@example.org");

    // Forwarded by a proxy on the same machine: not the machine itself.
    let mut proxied = from("127.0.0.1", "/metrics", None);
    proxied
        .headers_mut()
        .insert("x-forwarded-for", "198.51.100.7".parse().expect("header"));
    assert_eq!(t.send(proxied).await.status(), StatusCode::NOT_FOUND);

    // From elsewhere: only with the token.
    assert_eq!(
        t.send(from("203.0.113.9", "/metrics", None)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.send(from(
            "203.0.113.9",
            "/metrics",
            Some("a-long-monitoring-token-1235")
        ))
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.send(from("203.0.113.9", "/metrics", Some(TOKEN)))
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn liveness_needs_no_database_and_readiness_does() {
    let t = TestApp::spawn().await;
    assert_eq!(t.status("/health/live", None).await, StatusCode::OK);
    assert_eq!(t.status("/health", None).await, StatusCode::OK);
    t.store.close().await;
    assert_eq!(t.status("/health/live", None).await, StatusCode::OK);
    assert_eq!(
        t.status("/health", None).await,
        StatusCode::SERVICE_UNAVAILABLE
    );
}
