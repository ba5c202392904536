//! Every DOCX the crate makes, opened as a person would open it: LibreOffice Writer (Debian's
//! libreoffice-writer-nogui) turns each into a PDF and poppler reads that back. The contents list
//! the headings, never field code; the headings carry the numbers the PDF export gives them; the
//! title's lines do not overlap; the first page is drawn. Without LibreOffice these tests fail,
//! they never skip (scripts/test-deps.sh installs it). The files stay in
//! `<target>/export-artefacts/libreoffice/` to be looked at.

use std::fmt::Write as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::case_documents::{case_before, names};
use super::files::{artefacts, assert_in_order, flat, poppler};
use cspr_domain::case::Command as CaseCommand;
use cspr_domain::documents::{DocumentKind, ExportFormat};
use cspr_domain::report::Section;
use cspr_export::chronology::{self, Entry};
use cspr_export::documents::{case_document, render, title_page};
use cspr_export::{Block, Document};
use time::macros::date;

const PARTNERSHIP: &str = "Northshire Safeguarding Children Partnership";

/// One conversion at a time: two LibreOffice processes on a 2-core machine would each risk the
/// time limit.
static SOFFICE: Mutex<()> = Mutex::new(());

/// Long enough for a cold start on a busy machine; a conversion takes a few seconds.
const TIME_LIMIT: Duration = Duration::from_secs(120);

/// Field code that must never reach the reader.
const FIELD_CODE: [&str; 4] = ["TOC \\o", "HYPERLINK", "PAGEREF", "_Toc"];

/// Converts `docx` to PDF with LibreOffice in a profile of its own (so parallel runs do not
/// share one), and returns the PDF's path.
fn libreoffice_pdf(docx: &[u8], name: &str) -> PathBuf {
    let dir = artefacts().join("libreoffice");
    std::fs::create_dir_all(&dir).expect("artefact folder");
    let input = dir.join(format!("{name}.docx"));
    std::fs::write(&input, docx).expect("write docx");
    let pdf = dir.join(format!("{name}.pdf"));
    let _ = std::fs::remove_file(&pdf);
    let log = dir.join(format!("{name}.soffice.log"));
    let profile = std::env::temp_dir().join(format!("cspr-soffice-{}-{name}", std::process::id()));

    let _one_at_a_time = SOFFICE.lock().unwrap_or_else(PoisonError::into_inner);
    let started = Instant::now();
    let mut child = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&dir)
        .arg(&input)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).expect("log"))
        .stderr(std::fs::File::create(&log).expect("log"))
        // Its own process group, so a conversion past the time limit is ended with the
        // soffice.bin it started.
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "soffice is missing ({e}): these tests open every DOCX in LibreOffice. Install \
                 Debian's libreoffice-writer-nogui (scripts/test-deps.sh does, as root)"
            )
        });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for soffice") {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = Command::new("kill")
                .args(["-KILL", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
            let _ = std::fs::remove_dir_all(&profile);
            panic!("LibreOffice took over {TIME_LIMIT:?} to convert {name}.docx");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        status.success() && pdf.exists(),
        "LibreOffice did not convert {name}.docx ({status}): {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    pdf
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// The headings as the exports number them: "1 Section", "1.1 Sub-section", "1.1.1 ...".
fn numbered_headings(doc: &Document) -> Vec<String> {
    let mut counters = [0usize; 3];
    doc.normalised_blocks()
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, text } => {
                let depth = usize::from(*level).clamp(1, 3);
                counters[depth - 1] += 1;
                counters[depth..].fill(0);
                let number = counters[..depth]
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(".");
                Some(format!("{number} {}", flat(text)))
            }
            _ => None,
        })
        .collect()
}

fn page_count(pdf: &Path) -> usize {
    let info = poppler("pdfinfo", &[path_str(pdf)]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {info}"))
}

/// A line of text on a page: its top, its bottom and its words.
struct Line {
    top: f64,
    bottom: f64,
    words: String,
}

/// The lines of the first page, as `pdftotext -bbox-layout` finds them (top to bottom).
fn first_page_lines(pdf: &Path) -> Vec<Line> {
    let xhtml = poppler(
        "pdftotext",
        &["-bbox-layout", "-f", "1", "-l", "1", path_str(pdf), "-"],
    );
    let attr = |tag: &str, name: &str| -> f64 {
        tag.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|v| v.split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} in {tag}"))
    };
    xhtml
        .split("<line ")
        .skip(1)
        .map(|chunk| {
            let chunk = chunk.split("</line>").next().unwrap_or(chunk);
            let tag = chunk.split('>').next().unwrap_or_default();
            let words: Vec<String> = chunk
                .split("<word ")
                .skip(1)
                .filter_map(|w| w.split_once('>'))
                .filter_map(|(_, rest)| rest.split("</word>").next())
                .map(|w| quick_xml::escape::unescape(w).map_or_else(|_| w.to_owned(), Into::into))
                .collect();
            Line {
                top: attr(tag, "yMin"),
                bottom: attr(tag, "yMax"),
                words: words.join(" "),
            }
        })
        .collect()
}

/// The title is on the first page, on at least `at_least` lines, each line wholly below the one
/// before it.
fn assert_title_lines_apart(pdf: &Path, title: &str, at_least: usize) {
    let lines = first_page_lines(pdf);
    let title = flat(title);
    let found = (0..lines.len()).find_map(|start| {
        let mut joined = String::new();
        for (n, line) in lines[start..].iter().enumerate() {
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(&line.words);
            if joined == title {
                return Some(&lines[start..=start + n]);
            }
            if !title.starts_with(&joined) {
                return None;
            }
        }
        None
    });
    let all: String = lines.iter().fold(String::new(), |mut s, l| {
        let _ = writeln!(s, "{:.1}-{:.1} {}", l.top, l.bottom, l.words);
        s
    });
    let title_lines = found.unwrap_or_else(|| panic!("title {title:?} on page 1:\n{all}"));
    assert!(
        title_lines.len() >= at_least,
        "the title should wrap to {at_least} lines (else this check proves nothing):\n{all}"
    );
    for pair in title_lines.windows(2) {
        assert!(
            pair[1].top >= pair[0].bottom,
            "title lines overlap: {:?} ends at {:.1}, {:?} starts at {:.1}\n{all}",
            pair[0].words,
            pair[0].bottom,
            pair[1].words,
            pair[1].top
        );
    }
}

/// The first page drawn at 50 dpi as PNG (to be looked at) is there, and the same page in grey
/// has ink on it.
fn assert_first_page_drawn(pdf: &Path, name: &str) {
    let prefix = pdf.with_file_name(format!("{name}-page1"));
    let prefix = path_str(&prefix);
    let pdf = path_str(pdf);
    let common = ["-r", "50", "-f", "1", "-l", "1", "-singlefile"];
    poppler(
        "pdftoppm",
        &[&["-png"][..], &common, &[pdf, prefix]].concat(),
    );
    let png = std::fs::metadata(format!("{prefix}.png")).expect("first page as PNG");
    assert!(png.len() > 0, "empty PNG");
    poppler(
        "pdftoppm",
        &[&["-gray"][..], &common, &[pdf, prefix]].concat(),
    );
    let pgm = std::fs::read(format!("{prefix}.pgm")).expect("first page in grey");
    // "P5 <width> <height> 255" and one byte a pixel.
    let mut fields = 0;
    let mut at = 0;
    while fields < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields += 1;
    }
    let pixels = &pgm[at + 1..];
    let ink = pixels.iter().filter(|&&p| p < 128).count();
    assert!(
        ink * 1000 > pixels.len(),
        "{name}: the first page is (almost) blank: {ink} dark pixels of {}",
        pixels.len()
    );
}

/// The text of the converted file holds no field code, and every `needles` list in order.
fn assert_text(pdf: &Path, needles: &[String]) -> String {
    let text = flat(&poppler("pdftotext", &["-layout", path_str(pdf), "-"]));
    for code in FIELD_CODE {
        assert!(!text.contains(code), "field code {code:?} shown:\n{text}");
    }
    assert_in_order(
        &text,
        &needles.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    text
}

/// Exports `doc` as DOCX and as PDF, opens the DOCX in LibreOffice and checks what it shows:
/// the contents then the body list the headings with the PDF's numbers, the page count is
/// within `pages` and one page at most from the PDF export's, the title wraps to `title_lines`
/// lines that do not overlap.
fn check_document(
    doc: &Document,
    name: &str,
    pages: std::ops::RangeInclusive<usize>,
    title_lines: usize,
) {
    let headings = numbered_headings(doc);
    assert!(headings.len() > 1, "{name}: the test wants headings");

    // The PDF export numbers the headings so (its body starts on page 3).
    let typst = artefacts()
        .join("libreoffice")
        .join(format!("{name}.typst.pdf"));
    std::fs::create_dir_all(typst.parent().expect("folder")).expect("folder");
    std::fs::write(&typst, render(doc, ExportFormat::Pdf).expect("pdf")).expect("write pdf");
    let body = flat(&poppler("pdftotext", &["-f", "3", path_str(&typst), "-"]));
    assert_in_order(
        &body,
        &headings.iter().map(String::as_str).collect::<Vec<_>>(),
    );

    let pdf = libreoffice_pdf(&render(doc, ExportFormat::Docx).expect("docx"), name);
    // Twice: the contents, then the body.
    let twice: Vec<String> = headings.iter().chain(&headings).cloned().collect();
    assert_text(&pdf, &twice);
    let count = page_count(&pdf);
    let typst_count = page_count(&typst);
    assert!(
        pages.contains(&count) && count.abs_diff(typst_count) <= 1,
        "{name}: {count} pages, expected {pages:?} and about the PDF export's {typst_count}"
    );
    assert_title_lines_apart(&pdf, &doc.title, title_lines);
    assert_first_page_drawn(&pdf, name);
}

fn case_document_of(kind: DocumentKind, stop: impl Fn(&CaseCommand) -> bool) -> Document {
    let case = case_before(stop);
    let page = title_page(&case, kind, PARTNERSHIP, date!(2025 - 07 - 20));
    case_document(&case, kind, &page, &names())
}

#[test]
fn the_rapid_review_report_opens_in_libreoffice_with_numbered_contents() {
    let doc = case_document_of(DocumentKind::RapidReview, |c| {
        matches!(c, CaseCommand::SubmitRapidReview { .. })
    });
    check_document(&doc, "rapid-review", 4..=5, 2);
}

#[test]
fn the_terms_of_reference_open_in_libreoffice_with_numbered_contents() {
    let doc = case_document_of(DocumentKind::TermsOfReference, |c| {
        matches!(c, CaseCommand::AppointIndependentReviewer { .. })
    });
    check_document(&doc, "terms-of-reference", 3..=4, 2);
}

/// The worked example's overview report, its sections written at length with sub-headings.
#[test]
fn the_overview_report_opens_in_libreoffice_with_numbered_contents() {
    let case = case_before(|c| matches!(c, CaseCommand::SendReport { .. }));
    let mut report = case.current_report().cloned().unwrap_or_default();
    for (i, section) in Section::ALL.into_iter().enumerate() {
        let mut text = String::new();
        for sub in ["What the agencies knew", "What the review found"] {
            let _ = write!(text, "<h2>{sub}</h2>");
            for p in crate::common::prose(section.heading(), 2 + i % 2).split("\n\n") {
                let _ = write!(text, "<p>{p}</p>");
            }
        }
        report.sections.insert(section, text);
    }
    let page = title_page(
        &case,
        DocumentKind::OverviewReport,
        PARTNERSHIP,
        date!(2025 - 07 - 20),
    );
    let doc = cspr_export::overview_report(&report, &page, &names());
    check_document(&doc, "overview-report", 7..=9, 2);
}

#[test]
fn a_briefing_opens_in_libreoffice_with_numbered_contents() {
    let doc = cspr_export::briefing::document(
        &super::briefing::briefing(),
        &[],
        &super::briefing::name,
        PARTNERSHIP,
    );
    check_document(&doc, "briefing", 3..=4, 2);
}

#[test]
fn the_integrated_chronology_opens_in_libreoffice() {
    let agencies = [
        "Northshire Police",
        "Northshire Integrated Care Board",
        "Northshire Children's Social Care",
        "Riverside Primary School",
    ];
    let rows: Vec<(String, String)> = (0..60)
        .map(|i| {
            (
                format!("2024-{:02}-{:02}", 1 + i / 28, 1 + i % 28),
                format!(
                    "Entry {i}: a home visit; the baby was seen asleep in the cot and the mother \
                     said the family would move to a new address within the month."
                ),
            )
        })
        .collect();
    let entries: Vec<Entry<'_>> = rows
        .iter()
        .enumerate()
        .map(|(i, (date, what))| Entry {
            date,
            time: if i % 3 == 0 { "14:30" } else { "" },
            agency: agencies[i % agencies.len()],
            what,
            who: "Health visitor, mother",
            source: "Case notes",
            significance: "First sign of a planned move.",
            analysis: "Nobody asked where the family would go.",
            key: i % 10 == 0,
        })
        .collect();
    let docx = chronology::to_docx("CSPR-2025-001", &entries).expect("docx");
    let pdf = libreoffice_pdf(&docx, "chronology");
    let dates: Vec<String> = rows.iter().map(|(d, _)| d.clone()).collect();
    let text = assert_text(&pdf, &dates);
    assert!(
        text.starts_with("Integrated chronology: case CSPR-2025-001"),
        "{text}"
    );
    // About nine entries a page, in landscape.
    let count = page_count(&pdf);
    assert!((5..=9).contains(&count), "chronology: {count} pages");
    assert!(text.contains("Page 2 of"), "footer: {text}");
    assert_title_lines_apart(&pdf, "Integrated chronology: case CSPR-2025-001", 1);
    assert_first_page_drawn(&pdf, "chronology");
}
