//! A case's three documents, built from the worked example case as the web's export job and
//! `cspr export` build them, exported and read back: the PDF through pdfinfo / pdftotext
//! (tagged, titled, sections in order), the DOCX unzipped (heading styles, contents), pages
//! rendered to PNG in the artefact folder to be looked at.

use super::files::{
    artefacts, assert_in_order, assert_numbered_in_order, flat, paragraphs, poppler, unzip,
};
use std::collections::HashMap;

use cspr_domain::case::{Case, Command, Ctx, apply, decide};
use cspr_domain::documents::{DocumentKind, ExportFormat};
use cspr_domain::examples::{self, CSC, EDUCATION, HEALTH, POLICE};
use cspr_domain::ids::{AgencyId, UserId};
use cspr_export::documents::{case_document, file_name, render, title_page};
use time::macros::date;

pub(super) fn names() -> HashMap<AgencyId, String> {
    [
        (POLICE, "Northshire Police"),
        (HEALTH, "Northshire Integrated Care Board"),
        (CSC, "Northshire Children's Social Care"),
        (EDUCATION, "Northshire Education"),
    ]
    .into_iter()
    .map(|(a, n)| (a, n.to_owned()))
    .collect()
}

/// The worked example case, run up to (not including) the first step `stop` picks.
pub(super) fn case_before(stop: impl Fn(&Command) -> bool) -> Case {
    let calendar = examples::calendar();
    let settings = examples::settings();
    let mut case = Case::default();
    for (today, cmd) in examples::local_review_script() {
        if stop(&cmd) {
            break;
        }
        let ctx = Ctx {
            today,
            calendar: &calendar,
            settings: &settings,
            actor: UserId(examples::id(0x99)),
            acting_for: None,
        };
        for e in decide(&case, cmd, &ctx).expect("script step") {
            case = apply(case, &e);
        }
    }
    case
}

/// The headings of the kind's sections, in order.
fn headings_of(kind: DocumentKind) -> Vec<&'static str> {
    kind.sections().iter().map(|s| s.heading).collect()
}

/// Renders the kind's document of `case` in every format and checks each: the title, the
/// section headings in order (numbered in the PDF), and `body_needles` in order.
fn check(kind: DocumentKind, case: &Case, title: &str, body_needles: &[&str]) {
    let headings = headings_of(kind);
    let page = title_page(
        case,
        kind,
        "Northshire Safeguarding Children Partnership",
        date!(2025 - 07 - 20),
    );
    let doc = case_document(case, kind, &page, &names());
    let dir = artefacts();

    // PDF: tagged, titled, A4, sections in order; pages as pictures.
    let pdf = render(&doc, ExportFormat::Pdf).expect("pdf");
    let name = file_name(case, kind, ExportFormat::Pdf);
    let path = dir.join(&name);
    std::fs::write(&path, &pdf).expect("write");
    let p = path.to_str().expect("utf-8");
    let info = poppler("pdfinfo", &[p]);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Title:") && l.contains(title)),
        "{info}"
    );
    assert!(
        info.lines()
            .any(|l| l.starts_with("Tagged:") && l.ends_with("yes")),
        "{info}"
    );
    let text = flat(&poppler("pdftotext", &["-f", "3", p, "-"]));
    assert_numbered_in_order(&text, &headings);
    assert_in_order(&text, body_needles);
    let prefix = dir.join(name.trim_end_matches(".pdf"));
    poppler(
        "pdftoppm",
        &["-r", "60", "-png", p, prefix.to_str().expect("utf-8")],
    );

    // DOCX: the section headings as Heading 1, in order, and the contents field.
    let docx = render(&doc, ExportFormat::Docx).expect("docx");
    std::fs::write(dir.join(file_name(case, kind, ExportFormat::Docx)), &docx).expect("write");
    let xml = unzip(&docx, "word/document.xml");
    let h1: Vec<String> = paragraphs(&xml)
        .into_iter()
        .filter(|(s, _)| s == "Heading1")
        .map(|(_, t)| t)
        .collect();
    assert_eq!(h1, headings, "{kind:?}: sections as Heading 1, in order");
    assert!(xml.contains("TOC \\o"), "contents field");
    assert!(unzip(&docx, "word/styles.xml").contains("w:styleId=\"Heading2\""));

    // HTML: one h1, the sections as h2.
    let html = String::from_utf8(render(&doc, ExportFormat::Html).expect("html")).expect("utf-8");
    assert_eq!(html.matches("<h1").count(), 1);
    for h in headings {
        assert!(html.contains(&cspr_export::escape_html(h)), "{h}");
    }
}

#[test]
fn the_rapid_review_report_exports_with_its_six_sections() {
    let case = case_before(|c| matches!(c, Command::SubmitRapidReview { .. }));
    check(
        DocumentKind::RapidReview,
        &case,
        "Rapid review: report to the National Panel",
        &[
            "Northshire Police",
            "Immediate safety action",
            "Disability",
            "Reasons",
        ],
    );
}

#[test]
fn the_terms_of_reference_export_with_the_panel_and_timescale() {
    let case = case_before(|c| matches!(c, Command::AppointIndependentReviewer { .. }));
    check(
        DocumentKind::TermsOfReference,
        &case,
        "terms of reference",
        &["Pat Panel", "Northshire Education", "six months"],
    );
}

#[test]
fn the_overview_report_exports_its_rich_text_sections_in_order() {
    let case = case_before(|c| matches!(c, Command::SendReport { .. }));
    // The example saved the first section as rich text with emphasis.
    check(
        DocumentKind::OverviewReport,
        &case,
        "Local child safeguarding practice review",
        &[
            "What happened, told plainly",
            "No.",
            "Recommendation",
            "Northshire Police",
        ],
    );
}

/// Parts assembled from a case's records become the editor's rich text here, every text
/// escaped: a name typed with markup stays text.
#[test]
fn assembled_parts_are_drawn_as_escaped_rich_text() {
    use cspr_domain::documents::Part;
    let html = cspr_export::documents::parts_html(&[
        Part::Paragraph("Seen by <script>Dr Lee</script>".into()),
        Part::Heading("Disability".into()),
        Part::Bullets(vec!["Police".into(), "A & B".into()]),
        Part::Numbered(vec!["First".into()]),
        Part::Table {
            header: vec!["Date".into()],
            rows: vec![vec!["1 March 2025".into()]],
        },
    ]);
    assert_eq!(
        html,
        "<p>Seen by &lt;script&gt;Dr Lee&lt;/script&gt;</p><h2>Disability</h2>\
         <ul><li>Police</li><li>A &amp; B</li></ul><ol><li>First</li></ol>\
         <table><thead><tr><th>Date</th></tr></thead><tbody><tr><td>1 March 2025</td></tr></tbody></table>"
    );
}
