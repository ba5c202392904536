//! Throughput and peak memory of redaction over a JSON Lines file of about 25 MB, read and
//! written a line at a time as `cspr redact` does, on one thread.
//!
//! `cargo run --release -p cspr-redact --example throughput -- [FILE.jsonl] [MB]`
//! makes FILE (default /tmp/cspr-redact-25mb.jsonl) first if it is missing: the development
//! set's records with their case knowledge, and issue 19's generated paragraphs (seed 19), in
//! turn, with new ids, until MB (default 25) megabytes. Then it redacts every record and
//! reports MB of text per CPU second and the peak resident memory. For the whole process's peak,
//! run the built binary under `/usr/bin/time -v`.

#[path = "../tests/redact/generator.rs"]
mod generator;

use std::io::{BufRead, Write};
use std::time::Instant;

use cspr_redact::records::Record;
use cspr_redact::{CaseKnowledge, Policy, redact};

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

/// Writes the input file: dev-set records and generated paragraphs, in turn.
fn make(path: &str, mb: f64) -> Result<(), Box<dyn std::error::Error>> {
    let dev = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/redaction-dev/dev.jsonl"
    );
    let dev: Vec<serde_json::Value> = std::fs::read_to_string(dev)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let generated = generator::paragraphs(19, 2000);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut written = 0usize;
    let mut i = 0usize;
    #[expect(clippy::cast_precision_loss, reason = "sizes of a few MB")]
    while (written as f64) < mb * 1e6 {
        let line = if i.is_multiple_of(2) {
            let mut r = dev[(i / 2) % dev.len()].clone();
            r["id"] = serde_json::json!(format!("bench-{i:07}"));
            if let Some(o) = r.as_object_mut() {
                o.remove("spans");
                o.remove("negatives");
            }
            r.to_string()
        } else {
            let p = &generated[(i / 2) % generated.len()];
            serde_json::json!({"id": format!("bench-{i:07}"), "text": p.text, "case": p.case})
                .to_string()
        };
        writeln!(out, "{line}")?;
        written += line.len() + 1;
        i += 1;
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "/tmp/cspr-redact-25mb.jsonl".into());
    let mb: f64 = args.next().map_or(Ok(25.0), |s| s.parse())?;
    if !std::path::Path::new(&path).exists() {
        make(&path, mb)?;
    }
    let file_bytes = std::fs::metadata(&path)?.len();
    // Warm the word lists so their one-off load is not timed.
    let _ = redact("Gemma", &CaseKnowledge::default(), Policy::default());
    let empty = CaseKnowledge::default();
    let reader = std::io::BufReader::new(std::fs::File::open(&path)?);
    let mut sink = std::io::BufWriter::new(std::io::sink());
    let (start, cpu) = (Instant::now(), cpu_secs());
    let (mut records, mut text_bytes, mut findings) = (0usize, 0usize, 0usize);
    for line in reader.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let record: Record = serde_json::from_str(&line)?;
        let r = redact(
            &record.text,
            record.case.as_ref().unwrap_or(&empty),
            Policy::default(),
        );
        findings += r.findings.len();
        writeln!(
            sink,
            "{}",
            serde_json::json!({"id": record.id, "text": r.text, "findings": r.findings})
        )?;
        records += 1;
        text_bytes += record.text.len();
    }
    let (wall, cpu) = (start.elapsed().as_secs_f64(), cpu_secs() - cpu);
    #[expect(clippy::cast_precision_loss, reason = "sizes of a few MB")]
    let (file_mb, text_mb) = (file_bytes as f64 / 1e6, text_bytes as f64 / 1e6);
    println!(
        "{records} records, {file_mb:.1} MB of JSON Lines ({text_mb:.1} MB of text), {findings} findings"
    );
    println!(
        "redact: {wall:.2} s wall, {cpu:.2} s CPU: {:.1} MB/s of file per CPU second ({:.1} MB/s of text; {:.1} MB/s wall)",
        file_mb / cpu,
        text_mb / cpu,
        file_mb / wall
    );
    match peak_rss_kib() {
        #[expect(clippy::cast_precision_loss, reason = "a few MiB")]
        Some(kib) => println!("peak memory (VmHWM): {:.1} MiB", kib as f64 / 1024.0),
        None => println!("peak memory: /proc/self/status not readable"),
    }
    Ok(())
}
