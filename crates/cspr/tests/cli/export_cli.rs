//! `cspr export` through the real binary, on a data directory seeded by `cspr demo` (one case at
//! each stage, numbered in stage order: CSPR-<year>-004 is at its rapid review, -008 gathers
//! evidence under agreed terms of reference, -009 has its overview report drafted).

use std::process::Command;

use crate::common::{Sandbox, one_error_line};

fn reference(n: u32) -> String {
    format!("CSPR-{}-{n:03}", time::OffsetDateTime::now_utc().year())
}

fn pdftotext(path: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .args([path.to_str().expect("utf-8"), "-"])
        .output()
        .expect("pdftotext (Debian poppler-utils) is installed");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn pdfinfo(path: &std::path::Path) -> String {
    let out = Command::new("pdfinfo")
        .arg(path)
        .output()
        .expect("pdfinfo (Debian poppler-utils) is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Exports one document of the case with that reference into the sandbox as `file`.
fn export(
    sandbox: &Sandbox,
    reference: &str,
    document: &str,
    format: &str,
    file: &str,
) -> std::path::PathBuf {
    let out = sandbox.path().join(file);
    sandbox.ok(&[
        "export",
        "--case",
        reference,
        "--document",
        document,
        "--format",
        format,
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    out
}

#[test]
fn the_three_documents_export_in_every_format() {
    let sandbox = Sandbox::new();
    sandbox.ok(&["demo"]);

    // The overview report as a tagged PDF with its six sections in order.
    let pdf = export(
        &sandbox,
        &reference(9),
        "overview-report",
        "pdf",
        "overview.pdf",
    );
    let info = pdfinfo(&pdf);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Tagged:") && l.ends_with("yes")),
        "{info}"
    );
    assert!(
        info.contains("Local child safeguarding practice review"),
        "{info}"
    );
    let text = pdftotext(&pdf);
    let mut from = 0;
    for (i, s) in cspr_domain::report::Section::ALL.iter().enumerate() {
        let needle = format!("{} {}", i + 1, s.heading());
        let at = text[from..]
            .rfind(&needle)
            .map(|a| a + from)
            .unwrap_or_else(|| panic!("{needle} in {text}"));
        from = at;
    }

    // The rapid review report as a Word document, the terms of reference as a web page.
    let docx = export(
        &sandbox,
        &reference(4),
        "rapid-review",
        "docx",
        "rapid-review.docx",
    );
    let bytes = std::fs::read(&docx).expect("docx");
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("word/document.xml").expect("part"),
        &mut xml,
    )
    .expect("utf-8");
    assert!(xml.contains("Heading1") && xml.contains("Key practice episodes"));

    let html = export(
        &sandbox,
        &reference(8),
        "terms-of-reference",
        "html",
        "terms.html",
    );
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(page.contains("<html lang=\"en-GB\"") || page.contains("lang=\"en-GB\""));
    assert!(page.contains("Key lines of enquiry") && page.contains("Review panel"));
}

#[test]
fn bad_input_is_refused_plainly_and_writes_nothing() {
    let sandbox = Sandbox::new();
    sandbox.ok(&["demo"]);
    let out = sandbox.path().join("never.pdf");
    let o = out.to_str().expect("utf-8");
    let cases = [
        (
            vec![
                "--case",
                "CSPR-1999-999",
                "--document",
                "overview-report",
                "--format",
                "pdf",
            ],
            "no case has the reference",
        ),
        (
            vec!["--case", "X", "--document", "minutes", "--format", "pdf"],
            "is not a document",
        ),
        (
            vec![
                "--case",
                "X",
                "--document",
                "rapid-review",
                "--format",
                "odt",
            ],
            "is not a format",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["export"];
        all.extend(args);
        all.extend(["--out", o]);
        let line = one_error_line(&sandbox.run(&all), 2);
        assert!(line.contains(message), "{line}");
        assert!(!out.exists(), "nothing written on bad input");
    }
    // A document the case does not have yet.
    let r4 = reference(4);
    let line = one_error_line(
        &sandbox.run(&[
            "export",
            "--case",
            &r4,
            "--document",
            "overview-report",
            "--format",
            "pdf",
            "--out",
            o,
        ]),
        2,
    );
    assert!(line.contains("has no overview report yet"), "{line}");
    assert!(!out.exists());
}
