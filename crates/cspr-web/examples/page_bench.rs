//! Page-speed benchmark (issues 5 and 20): the dashboard, a case page of 1,000 events, the
//! action tracker and a public page, served by the real router on loopback.
//!
//! Seeds a fresh SQLite store (in a temporary directory) with the demo agencies and accounts,
//! `BENCH_CASES` cases (default 1,000) made as `cspr demo --cases N` makes them (every stage in
//! turn, over three years) and one case with at least 1,000 events; signs the partnership
//! team's demo account in; then measures
//!
//! 1. the store reads the pages rest on, on their own (where the time goes);
//! 2. server time in-process: `router.oneshot(request)` timed around each request, body read,
//!    in wall time and in CPU time of all the process's threads; a small case page, `/account`
//!    and `/health` alongside, for the fixed costs;
//! 3. `wrk --latency` on loopback at each number of connections in `BENCH_CONNS` (default
//!    "1,8").
//!
//! Run with `cargo run --release -p cspr-web --example page_bench` (needs `wrk` on the PATH
//! for part 3; without it, part 3 only says so). Figures: docs/PERFORMANCE.md, "Page speed".
//! `BENCH_SECONDS` sets each wrk run's length (default 10).
#![allow(
    clippy::print_stdout,
    reason = "a benchmark reports on standard output"
)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use cspr_app::App;
use cspr_domain::calendar::Calendar;
use cspr_domain::case::Command;
use cspr_domain::case::model::{CaseRole, FamilyContact};
use cspr_domain::examples::{PARTNERSHIP, local_review_script, name, text};
use cspr_domain::ids::{CaseId, UserId};
use cspr_domain::vocab::Relationship;
use cspr_store::testing::TestDb;
use cspr_store::{CaseScope, Store};
use cspr_web::{AppState, Clock, WebConfig};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};
use tower::ServiceExt;
use uuid::Uuid;

mod bench;

use bench::{BenchClock, Result};

/// Cases on the dashboard, unless `BENCH_CASES` says otherwise.
const CASES: usize = 1000;
/// Events in the big case's stream, at least.
const BIG_EVENTS: u64 = 1000;
/// In-process requests per page, unless `BENCH_REQUESTS` says otherwise.
const ONESHOT: usize = 500;
/// When the benchmark's clock starts: after the example scripts' last step.
const START: OffsetDateTime = datetime!(2025-10-06 09:00 UTC);

fn actor(today: Date) -> cspr_app::Actor {
    bench::actor(cspr_app::demo::DEMO_ACTOR, today)
}

/// Gives a case-opening command the case's own reference.
fn with_reference(mut cmd: Command, reference: &str) -> Command {
    match &mut cmd {
        Command::RecordSeriousIncident { reference: r, .. } => *r = reference.to_owned(),
        Command::ReceiveReferral {
            opening: Some(o), ..
        } => o.reference = reference.to_owned(),
        _ => {}
    }
    cmd
}

/// Runs a script's steps against a new case.
async fn run(app: &App, steps: &[(Date, Command)], reference: &str) -> Result<CaseId> {
    let case_id = CaseId::from_uuid(Uuid::new_v4());
    for (today, cmd) in steps {
        app.execute(
            case_id,
            None,
            with_reference(cmd.clone(), reference),
            actor(*today),
        )
        .await?;
    }
    Ok(case_id)
}

/// One case at the evidence stage, then family contacts and grants and revocations of access
/// until its stream holds at least [`BIG_EVENTS`] events.
async fn big_case(app: &App) -> Result<(CaseId, u64)> {
    let script = local_review_script();
    let upto = script
        .iter()
        .position(|(_, c)| matches!(c, Command::ScheduleLearningEvent { .. }))
        .ok_or("no learning event in the script")?;
    let case_id = run(app, &script[..=upto], "BENCH-BIG").await?;
    let today = date!(2025 - 09 - 01);
    let mut version = 0;
    let mut member = UserId::from_uuid(Uuid::new_v4());
    let mut i = 0u64;
    while version < BIG_EVENTS {
        let cmd = match i % 3 {
            0 => Command::RecordFamilyContact {
                contact: FamilyContact {
                    relative: name("Beth Example"),
                    relationship: Relationship::Mother,
                    on: today,
                    through: Some("Health visitor".into()),
                    what_they_said: Some(text(&format!(
                        "Conversation {i}: she wanted agencies to listen."
                    ))),
                    views_on_publication: None,
                },
            },
            1 => {
                member = UserId::from_uuid(Uuid::new_v4());
                Command::GrantMembership {
                    user: member,
                    role: CaseRole::SubgroupMember,
                    agency: None,
                }
            }
            _ => Command::RevokeMembership { user: member },
        };
        version = app.execute(case_id, None, cmd, actor(today)).await?;
        i += 1;
    }
    Ok((case_id, version))
}

/// A signed-in session (second factor done) for the team's demo account; the cookie header.
async fn session(store: &Store, now: OffsetDateTime) -> Result<String> {
    let email = format!("team@{}", cspr_web::demo::DEMO_DOMAIN);
    let user = store
        .user_by_email(&email)
        .await?
        .ok_or("no demo team account")?;
    bench::signed_in(store, user.id, now).await
}

/// Milliseconds at a percentile of sorted durations (nearest rank).
fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "a rank within a short list"
    )]
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

fn summary(sorted: &[Duration]) -> String {
    format!(
        "p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        pct(sorted, 50.0),
        pct(sorted, 90.0),
        pct(sorted, 99.0),
        sorted.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    )
}

/// CPU time this process's threads have run, in nanoseconds (Linux: the first field of each
/// thread's `schedstat`); `None` elsewhere.
fn cpu_ns() -> Option<u64> {
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let Ok(task) = task else { continue };
        // A thread that ended between the listing and the read counts for nothing.
        if let Ok(stat) = std::fs::read_to_string(task.path().join("schedstat")) {
            total += stat
                .split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    Some(total)
}

/// The load average over the last minute, to judge how quiet the machine was.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// What `n` requests through the router in-process took.
struct Timed {
    /// Wall-clock time per request, body read, sorted.
    wall: Vec<Duration>,
    /// CPU time of all the process's threads per request, sorted (empty off Linux).
    cpu: Vec<Duration>,
    /// The last response's body.
    body: String,
    /// What the requests asked of the database, in all.
    db: cspr_store::DbCounts,
}

/// Times `n` requests through the router in-process, one at a time.
async fn oneshot(router: &axum::Router, path: &str, cookie: &str, n: usize) -> Result<Timed> {
    let peer: SocketAddr = ([127, 0, 0, 1], 40000).into();
    let mut wall = Vec::with_capacity(n);
    let mut cpu = Vec::with_capacity(n);
    let mut body = String::new();
    let db_before = cspr_store::db_counts();
    for _ in 0..n {
        let mut req = Request::get(path)
            .header("cookie", cookie)
            .body(Body::empty())?;
        req.extensions_mut().insert(ConnectInfo(peer));
        let cpu_before = cpu_ns();
        let started = Instant::now();
        let response = router.clone().oneshot(req).await?;
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024).await?;
        wall.push(started.elapsed());
        if let (Some(a), Some(b)) = (cpu_before, cpu_ns()) {
            cpu.push(Duration::from_nanos(b.saturating_sub(a)));
        }
        if status != StatusCode::OK {
            return Err(format!("GET {path}: {status}").into());
        }
        body = String::from_utf8_lossy(&bytes).into_owned();
    }
    let db = cspr_store::db_counts() - db_before;
    wall.sort_unstable();
    cpu.sort_unstable();
    Ok(Timed {
        wall,
        cpu,
        body,
        db,
    })
}

/// wrk's report, with a Lua `done` hook printing p50/p90/p99/max in milliseconds.
const WRK_LUA: &str = r#"
done = function(summary, latency, requests)
  io.write(string.format(
    "  requests %d, errors %d, %.0f req/s\n  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n",
    summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"#;

async fn wrk(script: &std::path::Path, url: &str, cookie: &str, conns: u32, secs: u64) {
    println!("wrk -t1 -c{conns} (load {})", load());
    println!("  wrk -t1 -c{conns} -d{secs}s --latency -H 'Cookie: …' {url}");
    let out = tokio::process::Command::new("wrk")
        .args([
            "-t1",
            &format!("-c{conns}"),
            &format!("-d{secs}s"),
            "--latency",
        ])
        .arg("-H")
        .arg(format!("Cookie: {cookie}"))
        .arg("-s")
        .arg(script)
        .arg(url)
        .output()
        .await;
    match out {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            // The Latency Distribution and the hook's lines.
            for line in text.lines() {
                let t = line.trim_start();
                if t.starts_with("50%")
                    || t.starts_with("90%")
                    || t.starts_with("99%")
                    || t.starts_with("Latency ")
                    || t.starts_with("requests")
                    || t.starts_with("p50")
                    || t.starts_with("Non-2xx")
                {
                    println!("  {t}");
                }
            }
        }
        Err(e) => println!("  wrk did not run: {e}"),
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let db = TestDb::sqlite().await;
    let store = db.store().await;
    let clock = Arc::new(BenchClock::from(START));
    let app = App::new(
        store.clone(),
        Calendar::england_and_wales(),
        cspr_app::demo::settings(START.date()),
    );
    cspr_web::demo::seed(
        &store,
        PARTNERSHIP,
        "correct horse battery staple kettle",
        START,
    )
    .await?;

    let cases: usize = env_or("BENCH_CASES", CASES);
    let seeding = Instant::now();
    let made =
        cspr_app::demo::seed_cases(&app, START.date(), cases.saturating_sub(1), |_| {}).await?;
    // A case at the rapid-review stage: the case page's fixed cost.
    let small = made
        .iter()
        .find(|c| c.stage == cspr_domain::case::Stage::RapidReview)
        .map(|c| c.case_id)
        .ok_or("no case at the rapid review")?;
    let small_events = store.stream_version(small.as_uuid()).await?;
    let (big, events) = big_case(&app).await?;
    let summaries = store
        .case_summaries(CaseScope::Partnership(PARTNERSHIP.as_uuid()))
        .await?;
    let open = summaries.iter().filter(|s| !s.closed).count();
    println!(
        "seeded {} cases ({open} open) in {:.1} s; case {big} has {events} events",
        summaries.len(),
        seeding.elapsed().as_secs_f64()
    );
    println!("small case {small}: {small_events} events, stage Rapid review");

    let mut config = WebConfig::new(PARTNERSHIP, "Northshire Safeguarding Children Partnership");
    // Every request comes from one address: the per-address limit against floods (1,200 a
    // minute) would answer most of them 429.
    config.max_requests_per_minute = u32::MAX;
    let state = AppState::new(app.clone(), config, clock.clone());
    let router = cspr_web::router(state);
    let cookie = session(&store, clock.now()).await?;
    let case_path = format!("/cases/{big}");
    let small_path = format!("/cases/{small}");

    // Where the time goes: the reads each page makes, outside the router.
    let mut reads = Vec::new();
    let mut kept = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        store
            .case_summaries(CaseScope::Partnership(PARTNERSHIP.as_uuid()))
            .await?;
        let summaries_time = t.elapsed();
        let t = Instant::now();
        store
            .case_summaries_kept(CaseScope::Partnership(PARTNERSHIP.as_uuid()))
            .await?;
        kept.push(t.elapsed());
        let t = Instant::now();
        let stream = store.load_stream(big.as_uuid()).await?;
        let stream_time = t.elapsed();
        let t = Instant::now();
        let (_case, _events) = app.load(big).await?;
        let load_time = t.elapsed();
        drop(stream);
        reads.push((summaries_time, stream_time, load_time));
    }
    let col = |f: fn(&(Duration, Duration, Duration)) -> Duration| {
        let mut v: Vec<Duration> = reads.iter().map(f).collect();
        v.sort_unstable();
        summary(&v)
    };
    println!("\nreads outside the router (50 each; load {}):", load());
    println!("  store.case_summaries (all cases) {}", col(|r| r.0));
    kept.sort_unstable();
    println!("  store.case_summaries_kept        {}", summary(&kept));
    println!("  store.load_stream (big case)     {}", col(|r| r.1));
    println!("  app.load (decode + replay)       {}", col(|r| r.2));

    let requests: usize = env_or("BENCH_REQUESTS", ONESHOT);
    // BENCH_PAGES: only the in-process pages whose label holds one of these words.
    let pages: Vec<String> = std::env::var("BENCH_PAGES")
        .unwrap_or_default()
        .split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim().to_owned())
        .collect();
    println!(
        "\nin-process, router.oneshot, {requests} requests each after 20 to warm up \
         (wall time, then CPU time of all threads):"
    );
    for (label, path) in [
        ("GET /dashboard", "/dashboard"),
        ("GET /cases/{big}", case_path.as_str()),
        ("GET /cases/{small}", small_path.as_str()),
        ("GET /actions", "/actions"),
        ("GET /published-reviews", "/published-reviews"),
        ("GET /account", "/account"),
        ("GET /health", "/health"),
    ] {
        if !pages.is_empty() && !pages.iter().any(|p| label.contains(p.as_str())) {
            continue;
        }
        oneshot(&router, path, &cookie, 20).await?;
        let before = load();
        let t = oneshot(&router, path, &cookie, requests).await?;
        println!(
            "  {label:<19} wall {}\n  {:<19} cpu  {}\n  {:<19} {} KiB, {} links to cases, {} <li>; load {before} -> {}",
            summary(&t.wall),
            "",
            summary(&t.cpu),
            "",
            t.body.len() / 1024,
            t.body.matches("href=\"/cases/").count(),
            t.body.matches("<li").count(),
            load()
        );
        #[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
        let per = |n: u64| n as f64 / requests as f64;
        println!(
            "  {:<19} per request: {:.2} connections, {:.2} transactions, {:.2} statements",
            "",
            per(t.db.acquires),
            per(t.db.transactions),
            per(t.db.statements)
        );
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, service).await });
    let secs: u64 = env_or("BENCH_SECONDS", 10);
    let conns: Vec<u32> = std::env::var("BENCH_CONNS")
        .unwrap_or_else(|_| "1,8".to_owned())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let lua = db_dir_file("wrk-report.lua")?;
    std::fs::write(lua.path(), WRK_LUA)?;
    println!("\nwrk on loopback (http://{addr}), {secs} s each:");
    for conns in conns {
        // `/health/live` answers without the database or a template: the ceiling the
        // server's own layers (HTTP, security headers, request ids, tracing) set.
        for path in [
            "/dashboard",
            case_path.as_str(),
            "/actions",
            "/published-reviews",
            "/health/live",
        ] {
            wrk(
                lua.path(),
                &format!("http://{addr}{path}"),
                &cookie,
                conns,
                secs,
            )
            .await;
        }
    }
    server.abort();
    Ok(())
}

/// A number from the environment, or `default`.
fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(default)
}

/// A temporary file for wrk's script (removed on drop).
fn db_dir_file(suffix: &str) -> Result<tempfile::NamedTempFile> {
    Ok(tempfile::Builder::new()
        .prefix("cspr-bench-")
        .suffix(suffix)
        .tempfile()?)
}
