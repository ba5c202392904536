//! Exports a realistic overview report and reads the files back: the DOCX unzipped and its
//! XML inspected, the PDF through poppler's pdfinfo / pdftotext (Debian poppler-utils), the
//! pages rendered to PNG in the test artefact folder for people to look at.

use super::files::{
    artefacts, assert_in_order, assert_numbered_in_order, flat, paragraphs, poppler, unzip,
};
use std::io::{Cursor, Read};

use cspr_domain::report::Section;
use cspr_export::{Block, Document, Inline, to_docx, to_html, to_pdf};

fn headings() -> Vec<&'static str> {
    Section::ALL.iter().map(|s| s.heading()).collect()
}

#[test]
fn pdf_is_tagged_titled_complete_and_literal() {
    let pdf = to_pdf(&crate::common::document(6)).expect("pdf");
    let dir = artefacts();
    let path = dir.join("overview-report.pdf");
    std::fs::write(&path, &pdf).expect("write pdf");
    let path_s = path.to_str().expect("utf-8 path");

    let info = poppler("pdfinfo", &[path_s]);
    assert!(
        info.lines().any(|l| l.starts_with("Title:")
            && l.contains("Child Safeguarding Practice Review: Child A")),
        "{info}"
    );
    assert!(
        info.lines()
            .any(|l| l.starts_with("Tagged:") && l.ends_with("yes")),
        "{info}"
    );
    assert!(info.contains("(A4)"), "every page A4: {info}");
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count");
    assert!(pages >= 4, "title page, contents, body: {pages} pages");

    // Language and PDF/UA identification live in the catalogue and XMP metadata.
    let meta = poppler("pdfinfo", &["-meta", path_s]);
    assert!(
        meta.contains("pdfuaid:part") || meta.contains("pdfuaid"),
        "PDF/UA id: {meta}"
    );
    let raw = String::from_utf8_lossy(&pdf);
    assert!(
        raw.contains("/Lang (en-GB)") || raw.contains("en-GB"),
        "language set"
    );

    // Fonts embedded.
    let fonts = poppler("pdffonts", &[path_s]);
    for line in fonts.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        // name type [type] encoding emb sub uni object ID: "emb" is the 5th column from the end.
        assert_eq!(
            cols.get(cols.len().saturating_sub(5)),
            Some(&"yes"),
            "not embedded: {line}"
        );
    }

    // The body (from page 3, after the title page and contents) has all six sections in
    // order, numbered, and the recommendations table.
    let body = flat(&poppler("pdftotext", &["-f", "3", path_s, "-"]));
    assert_numbered_in_order(&body, &headings());
    assert_in_order(
        &body,
        &[
            "Recommendations",
            "No.",
            "Recommendation",
            "Agencies",
            "By",
            "Northshire Police",
            "31 March 2027",
        ],
    );
    // Contents page lists the sections too.
    let contents = flat(&poppler("pdftotext", &["-f", "2", "-l", "2", path_s, "-"]));
    assert_in_order(&contents, &headings());
    // Footer page numbers.
    assert!(
        body.contains(&format!("Page 3 of {pages}")),
        "footer page numbers"
    );

    // Markup in user text comes out literally.
    assert!(
        body.contains("#set page(width: 1pt) *bold* $x$ <label> @ref _under_ \\ `raw` = not a heading <script>alert(1)</script> & </w:t>"),
        "hostile text not literal in: {body}"
    );

    // Pages as pictures, for people to look at.
    let prefix = dir.join("overview-report");
    poppler(
        "pdftoppm",
        &["-r", "60", "-png", path_s, prefix.to_str().expect("utf-8")],
    );
    assert!(
        std::fs::read_dir(&dir)
            .expect("artefacts")
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().ends_with(".png"))
    );
}

/// Every XML part parses.
fn assert_well_formed(docx: &[u8]) {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).expect("docx is a zip");
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).expect("entry");
        let name = file.name().expect("entry name").into_owned();
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let mut s = String::new();
        file.read_to_string(&mut s).expect("utf-8 part");
        let mut reader = quick_xml::Reader::from_str(&s);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{name} is not well-formed: {e}"),
            }
        }
    }
}

#[test]
fn docx_has_heading_styles_contents_footer_and_properties() {
    let docx = to_docx(&crate::common::document(6)).expect("docx");
    std::fs::write(artefacts().join("overview-report.docx"), &docx).expect("write docx");
    assert_well_formed(&docx);

    let styles = unzip(&docx, "word/styles.xml");
    for (id, name, lvl) in [
        ("Heading1", "heading 1", 0),
        ("Heading2", "heading 2", 1),
        ("Heading3", "heading 3", 2),
    ] {
        let at = styles
            .find(&format!("w:styleId=\"{id}\""))
            .unwrap_or_else(|| panic!("{id} defined"));
        let def = &styles[at..at + styles[at..].find("</w:style>").expect("closed")];
        assert!(def.contains(&format!("<w:name w:val=\"{name}\"")), "{def}");
        assert!(
            def.contains(&format!("<w:outlineLvl w:val=\"{lvl}\"")),
            "{def}"
        );
    }
    for id in ["Normal", "Title", "ToC1"] {
        assert!(
            styles.contains(&format!("w:styleId=\"{id}\"")),
            "{id} defined"
        );
    }
    assert!(styles.contains("w:ascii=\"Arial\""), "Arial");
    assert!(styles.contains("<w:lang w:val=\"en-GB\""), "language");

    let document = unzip(&docx, "word/document.xml");
    let paras = paragraphs(&document);
    let body_headings: Vec<&str> = paras
        .iter()
        .filter(|(s, _)| s == "Heading1")
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(
        body_headings,
        headings(),
        "six sections, in order, as Heading 1"
    );
    assert!(paras.iter().any(|(s, _)| s == "Title"), "title paragraph");
    // The contents: a TOC field over heading levels 1-3 with an entry per section, numbered as
    // the sections are, each linked to its heading's bookmark; no nested content control
    // (LibreOffice shows the field code when there is one).
    assert!(
        document.contains("TOC \\o &quot;1-3&quot;") || document.contains("TOC \\o \"1-3\""),
        "TOC field"
    );
    let toc_entries: Vec<&str> = paras
        .iter()
        .filter(|(s, _)| s == "ToC1")
        .map(|(_, t)| t.as_str())
        .filter(|t| !t.is_empty())
        .collect();
    let numbered: Vec<String> = headings()
        .iter()
        .enumerate()
        .map(|(i, h)| format!("{}{h}", i + 1))
        .collect();
    assert_eq!(
        toc_entries, numbered,
        "contents entries: number, then heading"
    );
    assert!(!document.contains("<w:sdt"), "no content control");
    assert!(
        document.contains("<w:hyperlink w:anchor=\"_Toc00000001\"")
            && document.contains("<w:bookmarkStart w:id=\"1\" w:name=\"_Toc00000001\""),
        "entries linked to their headings"
    );
    // The headings are numbered by Word's numbering: a multi-level list of our own (docx-rs
    // has numbering 1), its levels linked to the heading styles, the part linked to the
    // document even though no paragraph but a heading is numbered.
    let rels = unzip(&docx, "word/_rels/document.xml.rels");
    assert!(rels.contains("Target=\"numbering.xml\""), "{rels}");
    let numbering = unzip(&docx, "word/numbering.xml");
    let heading_list = numbering
        .split("<w:abstractNum ")
        .find(|a| a.contains("<w:pStyle w:val=\"Heading1\""))
        .expect("heading numbering");
    assert!(
        !heading_list.starts_with("w:abstractNumId=\"1\""),
        "{heading_list}"
    );
    assert!(heading_list.contains("multilevel"), "{heading_list}");
    for (level, text) in [("Heading2", "%1.%2"), ("Heading3", "%1.%2.%3")] {
        assert!(heading_list.contains(&format!("<w:lvlText w:val=\"{text}\"")));
        assert!(heading_list.contains(&format!("<w:pStyle w:val=\"{level}\"")));
    }
    // Every line height is a multiple of single spacing: LibreOffice takes a bare w:line as an
    // exact height.
    assert!(
        styles
            .split("<w:spacing ")
            .skip(1)
            .map(|s| s.split("/>").next().unwrap_or_default())
            .all(|attrs| !attrs.contains("w:line=\"") || attrs.contains("w:lineRule=\"auto\"")),
        "line rule"
    );
    // Lists and the recommendations table.
    assert!(document.contains("<w:numId w:val=\"2\""), "bullets");
    assert!(document.contains("<w:tbl>"), "table");
    // Hostile text is text.
    assert!(document.contains("#set page(width: 1pt) *bold* $x$ &lt;label&gt; @ref"));
    assert!(document.contains("&lt;script&gt;") && document.contains("&lt;/w:t&gt;"));

    let footers: String = (1..=3)
        .filter_map(|i| {
            std::panic::catch_unwind(|| unzip(&docx, &format!("word/footer{i}.xml"))).ok()
        })
        .collect();
    assert!(footers.contains("PAGE"), "page number field in the footer");
    assert!(
        footers.contains("NUMPAGES"),
        "page count field in the footer"
    );

    let core = unzip(&docx, "docProps/core.xml");
    assert!(
        core.contains("<dc:title>Child Safeguarding Practice Review: Child A</dc:title>"),
        "{core}"
    );
    assert!(core.contains("<dc:language>en-GB</dc:language>"), "{core}");
    assert!(core.contains("<dc:creator>Northshire Safeguarding Children Partnership</dc:creator>"));
}

#[test]
fn html_is_standalone_accessible_and_escaped() {
    let html = to_html(&crate::common::document(2));
    std::fs::write(artefacts().join("overview-report.html"), &html).expect("write html");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
    assert!(html.contains("<title>Child Safeguarding Practice Review: Child A</title>"));
    assert!(!html.contains("<script>"), "user text escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("<th scope=\"col\">Recommendation</th>"));
    assert_eq!(html.matches("<h1>").count(), 1, "one h1: the title");
    let h2: Vec<&str> = html
        .split("<h2 id=\"section-")
        .skip(1)
        .filter_map(|s| {
            s.split_once("\">")
                .and_then(|(_, r)| r.split("</h2>").next())
        })
        .collect();
    assert_eq!(h2, headings());
    assert!(html.contains("<ul>") && html.contains("<ol>"));
}

#[test]
fn odd_documents_still_export() {
    // Empty body, no date, odd language, a deep heading first, a ragged table.
    let mut doc = Document::new("", "");
    doc.language = "xx-not-a-tag".into();
    doc.blocks = vec![
        Block::Heading {
            level: 3,
            text: String::new(),
        },
        Block::Paragraph(vec![]),
        Block::Table {
            header: vec![],
            rows: vec![vec!["a".into()], vec!["b".into(), "c".into(), "d".into()]],
        },
        Block::BulletList(vec![]),
        Block::NumberedList(vec![vec![Inline::Strong(String::new())]]),
    ];
    to_pdf(&doc).expect("pdf");
    assert_well_formed(&to_docx(&doc).expect("docx"));
    let _ = to_html(&Document::new("", ""));
    to_pdf(&Document::new("Only a title", "A partnership")).expect("pdf without body");
}
