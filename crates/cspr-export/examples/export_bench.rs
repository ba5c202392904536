//! Times the export of a 60-page overview report to PDF and to DOCX (goal: under 1 s each).
//!
//! `cargo run --release -p cspr-export --example export_bench [paragraphs-per-section] [runs]`
//! (defaults 78 and 5: a 60-page PDF).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let per_section: usize = args.next().map_or(Ok(78), |a| a.parse())?;
    let runs: usize = args.next().map_or(Ok(5), |a| a.parse())?;
    let doc = common::document(per_section);

    let started = Instant::now();
    let first = cspr_export::to_pdf(&doc)?;
    let cold = started.elapsed();
    let path = std::env::temp_dir().join("cspr-export-bench.pdf");
    std::fs::write(&path, &first)?;
    // Page count from poppler's pdfinfo when it is installed.
    let pages = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().to_owned()))
        })
        .unwrap_or_else(|| "? (pdfinfo missing)".to_owned());

    // Every run exports a different document (each paragraph changed), as a server exporting
    // successive drafts would; typst's memo cache cannot hand back the previous layout.
    let draft = |run: usize| {
        let mut d = doc.clone();
        for b in &mut d.blocks {
            if let cspr_export::Block::Paragraph(parts) = b {
                parts.insert(0, cspr_export::Inline::Text(format!("Draft {run}: ")));
            }
        }
        d
    };
    let mut same = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        cspr_export::to_pdf(&doc)?;
        same.push(t.elapsed());
    }
    let mut pdf = Vec::new();
    let mut docx = Vec::new();
    let mut html = Vec::new();
    let mut sizes = (0, 0);
    for run in 0..runs {
        let doc = draft(run);
        let t = Instant::now();
        sizes.0 = cspr_export::to_pdf(&doc)?.len();
        pdf.push(t.elapsed());
        let t = Instant::now();
        sizes.1 = cspr_export::to_docx(&doc)?.len();
        docx.push(t.elapsed());
        let t = Instant::now();
        let _ = cspr_export::to_html(&doc);
        html.push(t.elapsed());
    }
    println!(
        "report: {per_section} paragraphs per section, PDF pages: {pages} ({})",
        path.display()
    );
    println!("PDF  first run (fonts loaded, cold caches): {cold:.2?}");
    println!(
        "PDF  same document again, {runs} runs: median {:.2?}",
        median(same)
    );
    println!(
        "PDF  a changed document each run, {runs} runs: median {:.2?}, max {:.2?}, {} KiB",
        median(pdf.clone()),
        pdf.iter().max().copied().unwrap_or_default(),
        sizes.0 / 1024
    );
    println!(
        "DOCX {runs} runs: median {:.2?}, max {:.2?}, {} KiB",
        median(docx.clone()),
        docx.iter().max().copied().unwrap_or_default(),
        sizes.1 / 1024
    );
    println!("HTML {runs} runs: median {:.2?}", median(html));

    // The same report as the web keeps it: each section saved through the rich-text
    // sanitiser, then read back into the document model and exported (the export job's path).
    let mut stored = common::report(per_section);
    let t = Instant::now();
    for text in stored.sections.values_mut() {
        *text = cspr_export::richtext::sanitise(text);
    }
    let sanitise = t.elapsed();
    let mut build = Vec::new();
    let mut rich_pdf = Vec::new();
    let mut rich_docx = Vec::new();
    for run in 0..runs {
        let mut report = stored.clone();
        for text in report.sections.values_mut() {
            *text = text.replacen("<p>", &format!("<p>Draft {run}: "), 1);
        }
        let t = Instant::now();
        let doc = cspr_export::overview_report(&report, &common::title(), &common::agencies());
        build.push(t.elapsed());
        let t = Instant::now();
        cspr_export::to_pdf(&doc)?;
        rich_pdf.push(t.elapsed());
        let t = Instant::now();
        cspr_export::to_docx(&doc)?;
        rich_docx.push(t.elapsed());
    }
    println!("Rich text: sanitising all six sections once: {sanitise:.2?}");
    println!(
        "Rich text: report to document model, {runs} runs: median {:.2?}",
        median(build)
    );
    println!(
        "Rich text: PDF median {:.2?}, max {:.2?}; DOCX median {:.2?}, max {:.2?}",
        median(rich_pdf.clone()),
        rich_pdf.iter().max().copied().unwrap_or_default(),
        median(rich_docx.clone()),
        rich_docx.iter().max().copied().unwrap_or_default()
    );
    Ok(())
}
