//! Writes issue 19's generated set (tests/redact/generator.rs) as JSON Lines in the development
//! set's schema, for its scorer:
//! `cargo run --release -p cspr-redact --example generated_set -- OUT.jsonl [SEED] [N]`, then
//! `dev_preds` and `score.py` on it.

#[path = "../tests/redact/generator.rs"]
mod generator;

use std::io::Write;

use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .ok_or("usage: generated_set OUT.jsonl [SEED] [N]")?;
    let seed: u64 = args.next().map_or(Ok(19), |s| s.parse())?;
    let n: usize = args.next().map_or(Ok(1500), |s| s.parse())?;
    let mut file = std::io::BufWriter::new(std::fs::File::create(out)?);
    for (i, p) in generator::paragraphs(seed, n).into_iter().enumerate() {
        let chars = |b: usize| p.text[..b].chars().count();
        let spans: Vec<_> = p
            .gold
            .iter()
            .map(|g| {
                json!({"start": chars(g.start), "end": chars(g.end), "label": g.kind.label(),
                       "text": &p.text[g.start..g.end],
                       "attrs": {"kind": g.kind.name(), "form": g.form,
                                 "known": matches!(g.kind, generator::Kind::KnownName | generator::Kind::KnownWordName)}})
            })
            .collect();
        let negatives: Vec<_> = p
            .others
            .iter()
            .map(|o| {
                json!({"start": chars(o.start), "end": chars(o.end), "text": &p.text[o.start..o.end],
                       "kind": if o.doubt { "word" } else { "role" }})
            })
            .collect();
        let record = json!({"id": format!("gen-{i:05}"), "case_id": format!("gen-case-{i:05}"),
                            "template": "generated", "text": p.text, "case": p.case,
                            "spans": spans, "negatives": negatives});
        writeln!(file, "{record}")?;
    }
    Ok(())
}
