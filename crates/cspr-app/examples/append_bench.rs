//! Command throughput with one and two servers on one PostgreSQL database (issue 18, "Scale").
//!
//! Starts the test harness's throwaway PostgreSQL server, migrates it, then for each row of
//! [`RUNS`] starts that many worker processes (this example again, with `--worker`), each with
//! its own pool as a `cspr serve` has, running that many tasks at once. Each task runs the first
//! two steps of the example local review on a case of its own, over and over: recording the
//! serious incident (a new stream: its key, read models and a chain link) and notifying the
//! National Panel (an append to that stream). Every command goes through `App::execute`, as a
//! page's does: load, decide, one transaction with its read models. The workers start together
//! at a time the parent sets, and each reports how many commands it ran and when it finished.
//!
//! Run with `cargo run --release -p cspr-app --example append_bench` (`BENCH_COMMANDS` sets the
//! commands per worker, default 2,000). Figures: docs/PERFORMANCE.md, "Several servers".
#![allow(
    clippy::print_stdout,
    reason = "a benchmark reports on standard output"
)]

use std::error::Error;
use std::process::{Command as Process, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cspr_app::{Actor, App};
use cspr_domain::calendar::Calendar;
use cspr_domain::case::Command;
use cspr_domain::examples::local_review_script;
use cspr_domain::ids::{CaseId, UserId};
use cspr_domain::settings::Settings;
use cspr_store::testing::{TEST_KEY, TestDb};
use cspr_store::{MasterKey, Store};
use time::OffsetDateTime;
use uuid::Uuid;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// (worker processes, tasks in each).
const RUNS: &[(usize, usize)] = &[(1, 1), (1, 4), (2, 1), (2, 4)];
/// Commands per worker, unless `BENCH_COMMANDS` says otherwise.
const COMMANDS: usize = 2000;

fn unix_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

fn actor(today: time::Date) -> Actor {
    Actor {
        user_id: UserId::from_uuid(Uuid::from_u128(7)),
        now: OffsetDateTime::new_utc(today, time::Time::MIDNIGHT),
        today,
        acting_for: None,
    }
}

/// One task: the incident and the notification of fresh cases until `commands` have run.
async fn task(
    app: App,
    worker: usize,
    task: usize,
    commands: usize,
) -> std::result::Result<usize, String> {
    let script = local_review_script();
    let (open_day, open) = script[0].clone();
    let (notify_day, notify) = script[1].clone();
    let mut ran = 0;
    let mut n = 0;
    while ran < commands {
        let case = CaseId::random();
        let open = match open.clone() {
            Command::RecordSeriousIncident {
                partnership_id,
                incident,
                children,
                became_aware_on,
                ..
            } => Command::RecordSeriousIncident {
                partnership_id,
                reference: format!("BENCH-{worker}-{task}-{n}"),
                incident,
                children,
                became_aware_on,
            },
            other => other,
        };
        app.execute(case, Some(0), open, actor(open_day))
            .await
            .map_err(|e| e.to_string())?;
        app.execute(case, Some(1), notify.clone(), actor(notify_day))
            .await
            .map_err(|e| e.to_string())?;
        ran += 2;
        n += 1;
    }
    Ok(ran)
}

/// A worker process: waits for the start time, runs its tasks, prints "ran N finished T".
async fn worker(args: &[String]) -> Result<()> {
    let [url, id, tasks, commands, start_at] = args else {
        return Err("--worker URL ID TASKS COMMANDS START_AT_MS".into());
    };
    let (id, tasks, commands): (usize, usize, usize) =
        (id.parse()?, tasks.parse()?, commands.parse()?);
    let start_at: u128 = start_at.parse()?;
    let store = Store::open(url, MasterKey::from_bytes(TEST_KEY)).await?;
    let app = App::new(store, Calendar::england_and_wales(), Settings::default());
    let wait = start_at.saturating_sub(unix_ms());
    tokio::time::sleep(Duration::from_millis(u64::try_from(wait)?)).await;
    let per_task = commands.div_ceil(tasks);
    let mut running = Vec::new();
    for t in 0..tasks {
        running.push(tokio::spawn(task(app.clone(), id, t, per_task)));
    }
    let mut ran = 0;
    for r in running {
        ran += r.await??;
    }
    println!("ran {ran} finished {}", unix_ms());
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--worker") {
        return worker(&args[2..]).await;
    }
    let commands: usize = std::env::var("BENCH_COMMANDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(COMMANDS);
    let db = TestDb::postgres().await;
    db.store().await.close().await;
    let exe = std::env::current_exe()?;
    println!("{commands} commands per worker process; PostgreSQL (the test harness's server)");
    println!("| servers | tasks each | commands | seconds | commands/s |");
    println!("|---:|---:|---:|---:|---:|");
    for &(procs, tasks) in RUNS {
        let start_at = unix_ms() + 1500;
        let children = (0..procs)
            .map(|p| {
                Process::new(&exe)
                    .args(["--worker", db.url()])
                    .args([
                        p.to_string(),
                        tasks.to_string(),
                        commands.to_string(),
                        start_at.to_string(),
                    ])
                    .stdout(Stdio::piped())
                    .spawn()
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        let mut total = 0_usize;
        let mut last = start_at;
        for child in children {
            let out = child.wait_with_output()?;
            if !out.status.success() {
                return Err(format!("a worker failed: {}", out.status).into());
            }
            let text = String::from_utf8(out.stdout)?;
            let words: Vec<&str> = text.split_whitespace().collect();
            let [_, ran, _, finished] = words.as_slice() else {
                return Err(format!("a worker said {text:?}").into());
            };
            total += ran.parse::<usize>()?;
            last = last.max(finished.parse()?);
        }
        #[expect(clippy::cast_precision_loss, reason = "a rate for people to read")]
        let seconds = (last - start_at) as f64 / 1000.0;
        #[expect(clippy::cast_precision_loss, reason = "a rate for people to read")]
        let rate = total as f64 / seconds;
        println!("| {procs} | {tasks} | {total} | {seconds:.2} | {rate:.0} |");
    }
    Ok(())
}
