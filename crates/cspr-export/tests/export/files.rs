//! What the export tests share for reading files back: the artefact folder, poppler's tools,
//! and text comparisons that ignore line breaks.

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
