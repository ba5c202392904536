//! Prints the findings for one text with their reasons:
//! `cargo run -p cspr-redact --example explain -- "text"`.

fn main() {
    let text = std::env::args().nth(1).unwrap_or_default();
    let case = cspr_redact::CaseKnowledge::default();
    for f in cspr_redact::find(&text, &case) {
        println!(
            "{:>4}..{:<4} {:<13} {:<14} {:.2} {:?}",
            f.start,
            f.end,
            f.label.as_str(),
            format!("{:?}", f.reason),
            f.confidence,
            &text[f.byte_start..f.byte_end]
        );
    }
}
