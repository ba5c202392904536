//! Store throughput on both backends: events appended per second by one writer (one event per
//! append, each its own durable transaction), access-log writes per second, and the time to load
//! a 1,000-event stream. Run with:
//!
//!     cargo run --release -p cspr-store --example store_bench [-- APPENDS]
//!
//! PostgreSQL runs on the test harness's private server, with fsync off unless
//! `CSPR_TEST_PG_FSYNC=on` is set; SQLite always runs with WAL and `synchronous=FULL`.

use std::error::Error;
use std::time::{Duration, Instant};

use cspr_store::testing::TestDb;
use cspr_store::{Backend, NewAccessEntry, NewEvent, Store};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

const STREAM_LEN: u64 = 1_000;
const LOADS: u32 = 20;

fn event(n: u64) -> NewEvent {
    NewEvent {
        event_type: "AgencySummaryReceived".to_owned(),
        actor: "user:0b6c4c9e-8d5e-4a40-9f4e-1a2b3c4d5e6f".to_owned(),
        occurred_at: OffsetDateTime::now_utc(),
        plain: json!({"agency": "health", "n": n, "stage": "rapid-review", "working_days": 15}),
        sealed: json!({
            "child": {"name": "A. Child", "dob": "2019-05-01", "nhs_number": "943 476 5919"},
            "summary": "x".repeat(400),
        }),
    }
}

struct Row {
    backend: Backend,
    appends_per_sec: f64,
    access_per_sec: f64,
    load_ms: f64,
}

async fn appends(store: &Store, count: u64) -> Result<Duration, Box<dyn Error>> {
    let (case, partnership) = (Uuid::new_v4(), Uuid::new_v4());
    let start = Instant::now();
    for v in 0..count {
        store
            .append(case, partnership, v, vec![event(v)], None, vec![])
            .await?;
    }
    Ok(start.elapsed())
}

async fn access_writes(store: &Store, count: u64) -> Result<Duration, Box<dyn Error>> {
    let case = Uuid::new_v4();
    let start = Instant::now();
    for n in 0..count {
        store
            .log_access(NewAccessEntry {
                actor: "user:0001".to_owned(),
                action: "view-case".to_owned(),
                case_id: Some(case),
                detail: format!("page={n}"),
                source_ip: "192.0.2.1".to_owned(),
                at: OffsetDateTime::now_utc(),
            })
            .await?;
    }
    Ok(start.elapsed())
}

async fn load_time(store: &Store) -> Result<Duration, Box<dyn Error>> {
    let (case, partnership) = (Uuid::new_v4(), Uuid::new_v4());
    let mut version = 0;
    while version < STREAM_LEN {
        let batch = (version..version + 100).map(event).collect();
        version = store
            .append(case, partnership, version, batch, None, vec![])
            .await?;
    }
    let _ = store.load_stream(case).await?; // warm caches
    let start = Instant::now();
    for _ in 0..LOADS {
        let events = store.load_stream(case).await?;
        assert_eq!(events.len() as u64, STREAM_LEN);
    }
    Ok(start.elapsed() / LOADS)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn Error>> {
    let count: u64 = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(2_000);
    let pg_fsync = matches!(
        std::env::var("CSPR_TEST_PG_FSYNC").as_deref(),
        Ok("on" | "1" | "true")
    );
    let mut rows = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = TestDb::new(backend).await;
        let store = db.store().await;
        appends(&store, 50).await?; // warm up
        let append = appends(&store, count).await?;
        let access = access_writes(&store, count).await?;
        let load = load_time(&store).await?;
        rows.push(Row {
            backend,
            appends_per_sec: count as f64 / append.as_secs_f64(),
            access_per_sec: count as f64 / access.as_secs_f64(),
            load_ms: load.as_secs_f64() * 1_000.0,
        });
    }
    println!(
        "{count} single-event appends and {count} access-log writes per backend; load = mean of {LOADS} loads of a {STREAM_LEN}-event stream"
    );
    println!("| backend | durability | appends/s | access-log writes/s | load 1,000 events (ms) |");
    println!("|---|---|---:|---:|---:|");
    for r in rows {
        let durability = match r.backend {
            Backend::Sqlite => "WAL, synchronous=FULL",
            Backend::Postgres if pg_fsync => "fsync on",
            Backend::Postgres => "fsync off (test server)",
        };
        println!(
            "| {} | {durability} | {:.0} | {:.0} | {:.1} |",
            r.backend, r.appends_per_sec, r.access_per_sec, r.load_ms
        );
    }
    Ok(())
}
