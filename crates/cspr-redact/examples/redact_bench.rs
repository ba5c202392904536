//! Throughput and peak memory of the engine on one core: the development set's texts, each
//! with its case knowledge, repeated to a few MB, found and then redacted.
//!
//! `cargo run --release -p cspr-redact --example redact_bench [-- DEV.jsonl [MB]]`

use std::time::Instant;

use cspr_redact::records::Record;
use cspr_redact::{CaseKnowledge, Policy, find, redact};

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Time this process has spent on a CPU, in seconds (/proc/self/schedstat, nanoseconds): on a
/// shared machine it measures the engine rather than the other processes.
fn cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/redaction-dev/dev.jsonl"
        )
        .to_string()
    });
    let target_mb: f64 = args.next().map_or(Ok(4.0), |s| s.parse())?;
    let records: Vec<Record> = std::fs::read_to_string(&path)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let empty = CaseKnowledge::default();
    let mut work: Vec<(&str, &CaseKnowledge)> = Vec::new();
    let mut bytes = 0usize;
    #[expect(clippy::cast_precision_loss, reason = "sizes of a few MB")]
    while (bytes as f64) < target_mb * 1e6 {
        for r in &records {
            work.push((&r.text, r.case.as_ref().unwrap_or(&empty)));
            bytes += r.text.len();
        }
    }
    // Warm the word lists so their one-off load is not timed.
    let _ = find("Gemma", &empty);
    let (start, cpu) = (Instant::now(), cpu_secs());
    let mut findings = 0usize;
    for (text, case) in &work {
        findings += find(text, case).len();
    }
    let (find_secs, find_cpu) = (start.elapsed().as_secs_f64(), cpu_secs() - cpu);
    let (start, cpu) = (Instant::now(), cpu_secs());
    let mut out = 0usize;
    for (text, case) in &work {
        out += redact(text, case, Policy::default()).text.len();
    }
    let (redact_secs, redact_cpu) = (start.elapsed().as_secs_f64(), cpu_secs() - cpu);
    #[expect(clippy::cast_precision_loss, reason = "sizes of a few MB")]
    let mb = bytes as f64 / 1e6;
    println!(
        "{} texts, {mb:.2} MB, {findings} findings, {out} bytes out",
        work.len()
    );
    println!(
        "find:   {find_secs:.2} s wall, {find_cpu:.2} s CPU: {:.1} MB/s per CPU second ({:.1} MB/s wall)",
        mb / find_cpu,
        mb / find_secs
    );
    println!(
        "redact: {redact_secs:.2} s wall, {redact_cpu:.2} s CPU: {:.1} MB/s per CPU second ({:.1} MB/s wall; find, replace, rescan)",
        mb / redact_cpu,
        mb / redact_secs
    );
    match peak_rss_kib() {
        #[expect(clippy::cast_precision_loss, reason = "a few MiB")]
        Some(kib) => println!("peak memory (VmHWM): {:.1} MiB", kib as f64 / 1024.0),
        None => println!("peak memory: /proc/self/status not readable"),
    }
    Ok(())
}
