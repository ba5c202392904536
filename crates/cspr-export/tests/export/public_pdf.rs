//! The PDF published on the public page carries no document metadata that could identify
//! people or say when it was made: read back with poppler's pdfinfo (Debian poppler-utils).

use std::process::Command;

use cspr_export::{to_pdf, to_public_pdf};

fn pdfinfo(pdf: &[u8], meta: bool) -> String {
    let dir = tempfile_dir();
    let path = dir.join(format!("public-{}.pdf", uuid::Uuid::new_v4()));
    std::fs::write(&path, pdf).expect("write pdf");
    let mut args = vec![];
    if meta {
        args.push("-meta");
    }
    let path_s = path.to_str().expect("utf-8 path");
    args.push(path_s);
    let out = Command::new("pdfinfo")
        .args(&args)
        .output()
        .unwrap_or_else(|e| panic!("pdfinfo is missing ({e}): install poppler-utils"));
    assert!(
        out.status.success(),
        "pdfinfo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_file(&path);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("public-pdf");
    std::fs::create_dir_all(&dir).expect("temp folder");
    dir
}

fn field<'a>(info: &'a str, name: &str) -> Option<&'a str> {
    info.lines()
        .find_map(|l| l.strip_prefix(name))
        .map(|v| v.trim_start_matches(':').trim())
}

#[test]
fn the_public_pdf_has_no_author_creator_or_dates() {
    let doc = crate::common::document(1);
    assert!(
        !doc.author.is_empty() && doc.date.is_some(),
        "the document has both to strip"
    );

    // The ordinary export has them: the check below could fail.
    let ordinary = pdfinfo(&to_pdf(&doc).expect("pdf"), false);
    assert!(
        field(&ordinary, "Author").is_some_and(|a| !a.is_empty()),
        "{ordinary}"
    );
    assert!(field(&ordinary, "CreationDate").is_some(), "{ordinary}");

    let public = to_public_pdf(&doc).expect("public pdf");
    let info = pdfinfo(&public, false);
    for name in [
        "Author",
        "Creator",
        "Producer",
        "CreationDate",
        "ModDate",
        "Keywords",
    ] {
        assert!(
            field(&info, name).is_none_or(str::is_empty),
            "{name} left in the public PDF:\n{info}"
        );
    }
    // Still titled and tagged (PDF/UA).
    assert!(
        field(&info, "Title").is_some_and(|t| t == doc.title),
        "{info}"
    );
    assert!(field(&info, "Tagged").is_some_and(|t| t == "yes"), "{info}");

    // Nor in the XMP packet.
    let xmp = pdfinfo(&public, true);
    for tag in [
        "dc:creator",
        "xmp:CreatorTool",
        "pdf:Producer",
        "xmp:CreateDate",
        "xmp:ModifyDate",
        "xmp:MetadataDate",
        "stEvt:when",
    ] {
        assert!(!xmp.contains(tag), "{tag} left in the XMP packet:\n{xmp}");
    }
    assert!(
        !xmp.contains(&doc.author),
        "the author's name is in the XMP packet"
    );
}
