//! Writes predictions for a JSONL file of records, for the development scorer:
//! `cargo run --release -p cspr-redact --example dev_preds -- IN.jsonl OUT.jsonl`.

use std::io::{BufRead, Write};

use cspr_redact::records::{Record, predict};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(output)) = (args.next(), args.next()) else {
        return Err("usage: dev_preds IN.jsonl OUT.jsonl".into());
    };
    let reader = std::io::BufReader::new(std::fs::File::open(input)?);
    let mut out = std::io::BufWriter::new(std::fs::File::create(output)?);
    for line in reader.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let record: Record = serde_json::from_str(&line)?;
        writeln!(out, "{}", serde_json::to_string(&predict(&record))?)?;
    }
    Ok(())
}
