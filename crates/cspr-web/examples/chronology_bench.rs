//! Integrated chronology benchmark (issue 6): 5,000 entries from 8 agencies.
//!
//! 1. Merge and render in-process: `chronology::merge` of the case's 8 sent chronologies and
//!    the page rendered by its template (`requests::render_chronology`), unfiltered and filtered.
//! 2. Server time of the whole page through the real router on a fresh SQLite store: the access
//!    log write, loading and decrypting the case's events, folding them, merging, rendering.
//!
//! Run with `cargo run --release -p cspr-web --example chronology_bench`. Figures:
//! docs/PERFORMANCE.md, "Integrated chronology". Goal: under 50 ms server time.
#![allow(
    clippy::print_stdout,
    reason = "a benchmark reports on standard output"
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use cspr_app::App;
use cspr_domain::calendar::Calendar;
use cspr_domain::case::Command;
use cspr_domain::case::model::{
    ChronologyEntry, Contribution, ContributionKind, DatePrecision, EntryDetail, FormResponse,
    TimeOfDay,
};
use cspr_domain::examples::{PARTNERSHIP, local_review_script};
use cspr_domain::ids::{AgencyId, CaseId, UserId};
use cspr_domain::vocab::NonEmptyText;
use cspr_store::testing::TestDb;
use cspr_store::{AgencyRow, NewUser};
use cspr_web::layout::Chrome;
use cspr_web::{AppState, WebConfig};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};
use tower::ServiceExt;
use uuid::Uuid;

mod bench;

use bench::{BenchClock, Result};

const AGENCIES: usize = 8;
const ENTRIES: usize = 5_000;
const RUNS: usize = 50;
const START: OffsetDateTime = datetime!(2025-04-16 09:00 UTC);

fn actor(today: Date) -> cspr_app::Actor {
    bench::actor(UserId::from_uuid(Uuid::nil()), today)
}

/// One agency's entries: spread over three years, some approximate, some timed.
fn entries(agency: usize, n: usize) -> Result<Vec<ChronologyEntry>> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let day = i64::try_from((i * 7 + agency * 13) % 1_000)?;
        let precision = match i % 20 {
            0 => DatePrecision::Year,
            1 | 2 => DatePrecision::Month,
            _ => DatePrecision::Day,
        };
        out.push(ChronologyEntry {
            date: date!(2022 - 01 - 01) + time::Duration::days(day),
            what: NonEmptyText::parse(&format!(
                "Contact {i} of agency {agency}: home visit, the child seen and spoken with alone; \
                 concerns about the new adult in the household discussed with the parent."
            ))?,
            detail: EntryDetail {
                id: Some(Uuid::new_v4()),
                precision,
                time: (i % 3 == 0 && precision == DatePrecision::Day)
                    .then(|| TimeOfDay::parse(&format!("{:02}:{:02}", 8 + i % 10, i % 60)))
                    .transpose()?,
                source: "Case notes".to_owned(),
                who: "Health visitor".to_owned(),
                significance: if i % 5 == 0 {
                    "First sight of the new adult".to_owned()
                } else {
                    String::new()
                },
                analysis: if i % 7 == 0 {
                    "Not shared with children's social care".to_owned()
                } else {
                    String::new()
                },
            },
        });
    }
    Ok(out)
}

fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
    format!(
        "p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        ms(at(50)),
        ms(at(90)),
        ms(at(99)),
        ms(times[times.len() - 1])
    )
}

#[tokio::main]
async fn main() -> Result<()> {
    let db = TestDb::sqlite().await;
    let store = db.store().await;
    let app = App::new(
        store.clone(),
        Calendar::england_and_wales(),
        cspr_app::demo::settings(START.date()),
    );
    let agencies: Vec<AgencyId> = (0..AGENCIES)
        .map(|i| AgencyId::from_uuid(Uuid::from_u128(0xB000 + i as u128)))
        .collect();
    for (i, a) in agencies.iter().enumerate() {
        store
            .upsert_agency(AgencyRow {
                id: a.as_uuid(),
                partnership_id: PARTNERSHIP.as_uuid(),
                kind: "health".to_owned(),
                name: format!("Agency {}", i + 1),
                active: true,
            })
            .await?;
    }

    // The case at its local review, then chronologies asked of 8 agencies and all sent.
    let case_id = CaseId::from_uuid(Uuid::new_v4());
    for (today, cmd) in local_review_script() {
        if matches!(
            cmd,
            Command::RequestContributions {
                kind: ContributionKind::Chronology,
                ..
            }
        ) {
            break;
        }
        app.execute(case_id, None, cmd, actor(today)).await?;
    }
    let today = START.date();
    app.execute(
        case_id,
        None,
        Command::RequestContributions {
            kind: ContributionKind::Chronology,
            agencies: agencies.clone(),
            due_on: None,
        },
        actor(today),
    )
    .await?;
    for (i, a) in agencies.iter().enumerate() {
        app.execute(
            case_id,
            None,
            Command::ReceiveContribution {
                kind: ContributionKind::Chronology,
                agency: *a,
                received_on: today,
                contribution: Contribution {
                    text: NonEmptyText::parse("Chronology.")?,
                    chronology: entries(i, ENTRIES / AGENCIES)?,
                    form: FormResponse::default(),
                },
            },
            actor(today),
        )
        .await?;
    }
    let (case, _) = app.load(case_id).await?;
    let rows = store.agencies(PARTNERSHIP.as_uuid()).await?;
    let merged = cspr_domain::chronology::merge(&case);
    println!("case: {} entries from {} agencies", merged.len(), AGENCIES);

    // 1. Merge and render in-process.
    let chrome = Chrome {
        partnership_name: "Bench SCP".to_owned(),
        user: None,
        nav: Vec::new(),
        css_href: "/assets/app.css",
        js_src: "/assets/app.js",
    };
    for (label, query) in [
        ("all 5,000 entries", Vec::new()),
        (
            "one agency, one year",
            vec![
                ("agency".to_owned(), agencies[0].to_string()),
                ("from".to_owned(), "2023-01-01".to_owned()),
                ("to".to_owned(), "2023-12-31".to_owned()),
            ],
        ),
    ] {
        let mut times = Vec::with_capacity(RUNS);
        let mut size = 0;
        for _ in 0..RUNS {
            let started = Instant::now();
            let (_, html) = cspr_web::routes::requests::render_chronology(
                chrome.clone(),
                case_id.as_uuid(),
                "BENCH-1",
                &case,
                &rows,
                &query,
                "",
                cspr_web::routes::requests::Offers {
                    mark: true,
                    export: true,
                },
            )?;
            times.push(started.elapsed());
            size = html.len();
        }
        println!(
            "merge + render, {label}: {} ({} KB of HTML)",
            summary(times),
            size / 1024
        );
    }

    // 2. The whole page through the router.
    let state = AppState::new(
        app.clone(),
        WebConfig::new(PARTNERSHIP, "Bench SCP"),
        Arc::new(BenchClock::from(START)),
    );
    let router = cspr_web::router(state);
    let user = Uuid::new_v4();
    store
        .create_user(
            NewUser {
                id: user,
                partnership_id: PARTNERSHIP.as_uuid(),
                email: "team@bench.example".to_owned(),
                display_name: "Bench Team".to_owned(),
                role: "partnership-team".to_owned(),
                agency_id: None,
                password_hash: None,
            },
            START,
        )
        .await?;
    let cookie = bench::signed_in(&store, user, START).await?;
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let request = Request::get(format!("/cases/{case_id}/chronology"))
            .header("cookie", &cookie)
            .body(Body::empty())?;
        let started = Instant::now();
        let response = router.clone().oneshot(request).await?;
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024).await?;
        times.push(started.elapsed());
        if status != StatusCode::OK {
            return Err(format!("the page answered {status}").into());
        }
        if !String::from_utf8_lossy(&bytes).contains("Showing 5000 of 5000 entries.") {
            return Err("the page does not show every entry".into());
        }
    }
    println!(
        "GET /cases/{{id}}/chronology through the router (load, decrypt, fold, merge, render): {}",
        summary(times)
    );
    Ok(())
}
