//! What the export tests share for reading files back: the artefact folder, poppler's tools,
//! a DOCX package's parts, and text comparisons that ignore line breaks.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

/// target/export-artefacts: kept after the run so the rendered pages can be looked at.
pub fn artefacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| PathBuf::from("target"), Path::to_path_buf)
        .join("export-artefacts");
    std::fs::create_dir_all(&dir).expect("artefact folder");
    dir
}

/// Runs one of poppler's tools (Debian poppler-utils) and returns what it printed.
pub fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} is missing ({e}): install Debian's poppler-utils (.ci/run does)")
    });
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Collapses every run of whitespace to one space, so line breaks do not matter.
pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Asserts that `needles` occur in `hay` in this order.
pub fn assert_in_order(hay: &str, needles: &[&str]) {
    let mut from = 0;
    for n in needles {
        let at = hay[from..]
            .find(n)
            .unwrap_or_else(|| panic!("{n:?} missing (or out of order) after byte {from}"));
        from += at + n.len();
    }
}

/// The headings appear in `hay` in order, each numbered as the documents number them ("1 What
/// happened", "2 ...").
pub fn assert_numbered_in_order(hay: &str, headings: &[&str]) {
    let numbered: Vec<String> = headings
        .iter()
        .enumerate()
        .map(|(i, h)| format!("{} {h}", i + 1))
        .collect();
    assert_in_order(
        hay,
        &numbered.iter().map(String::as_str).collect::<Vec<_>>(),
    );
}

/// The part `name` of a DOCX package, as text.
pub fn unzip(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).expect("docx is a zip");
    let mut file = zip
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the package"));
    let mut s = String::new();
    file.read_to_string(&mut s).expect("utf-8 part");
    s
}

/// (style, text) of each paragraph of word/document.xml, text still XML-escaped.
pub fn paragraphs(xml: &str) -> Vec<(String, String)> {
    xml.split("</w:p>")
        .map(|p| {
            let style = p
                .split("<w:pStyle w:val=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or("")
                .to_owned();
            let text = p
                .split("<w:t")
                .skip(1)
                // <w:t> and <w:t xml:space=..>, not <w:tabs>, <w:tbl>, ...
                .filter(|t| t.starts_with('>') || t.starts_with(' '))
                .filter_map(|t| t.split_once('>').map(|(_, rest)| rest))
                .filter_map(|t| t.split("</w:t>").next())
                .collect::<String>();
            (style, text)
        })
        .collect()
}
