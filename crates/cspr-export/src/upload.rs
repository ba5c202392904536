//! Files people upload as evidence or as an agency's contribution: what is accepted and how the
//! name is kept. The web layer reads the bytes; the rules are here, beside the other formats,
//! so that the fuzz targets (`fuzz/`) reach them without the web crate.
//!
//! Accepted: a PDF, a Word document (.docx), a PNG or a JPEG image whose content agrees with
//! its extension (a .docx is a zip whose directory names `word/document.xml`, with a bounded
//! count and declared size of entries; nothing is unpacked).

use std::io::Cursor;

/// The longest file name kept, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// The most entries a Word document may have (they have a few dozen).
const MAX_DOCX_ENTRIES: usize = 2_000;

/// The most a Word document may declare it holds once unpacked (a guard against zip bombs: the
/// file is never unpacked here, but it will be opened by whoever downloads it).
const MAX_DOCX_UNPACKED: u128 = 200 * 1024 * 1024;

/// The types accepted: (extension, media type, name in messages).
const TYPES: [(&str, &str, &str); 5] = [
    ("pdf", "application/pdf", "PDF"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document (.docx)",
    ),
    ("png", "image/png", "PNG image"),
    ("jpg", "image/jpeg", "JPEG image"),
    ("jpeg", "image/jpeg", "JPEG image"),
];

/// The file name as kept: no folders, no control characters, at most [`MAX_NAME_CHARS`]
/// characters with its extension kept.
#[must_use]
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let tidy: String = base
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let tidy = tidy.trim().trim_start_matches('.').trim().to_owned();
    if tidy.chars().count() <= MAX_NAME_CHARS {
        return tidy;
    }
    let (stem, ext) = match tidy.rsplit_once('.') {
        Some((s, e)) if e.chars().count() <= 10 => (s.to_owned(), format!(".{e}")),
        _ => (tidy.clone(), String::new()),
    };
    let keep = MAX_NAME_CHARS - ext.chars().count();
    let stem: String = stem.chars().take(keep).collect();
    format!("{}{ext}", stem.trim_end())
}

/// Whether the bytes are what the extension says.
fn content_matches(ext: &str, bytes: &[u8]) -> bool {
    match ext {
        "pdf" => bytes.starts_with(b"%PDF-"),
        "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "docx" => is_word_document(bytes),
        _ => false,
    }
}

/// A zip whose directory names `word/document.xml`, with a bounded number of entries and a
/// bounded declared unpacked size. Nothing is unpacked.
fn is_word_document(bytes: &[u8]) -> bool {
    if !bytes.starts_with(b"PK\x03\x04") {
        return false;
    }
    let Ok(archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    archive.len() <= MAX_DOCX_ENTRIES
        && archive
            .decompressed_size()
            .is_some_and(|n| n <= MAX_DOCX_UNPACKED)
        && archive.index_for_name("word/document.xml").is_some()
}

/// A checked file: (kept name, media type), or the message to show. `too_large` says the
/// reader stopped at its limit.
///
/// # Errors
/// The message for the GOV.UK error summary.
pub fn check(
    raw_name: &str,
    bytes: &[u8],
    too_large: bool,
) -> Result<(String, &'static str), String> {
    let name = clean_name(raw_name);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let Some((_, media, what)) = TYPES.iter().find(|t| t.0 == ext) else {
        return Err(
            "The selected file must be a PDF, Word document (.docx), PNG or JPG".to_owned(),
        );
    };
    if too_large {
        return Err("The selected file must be smaller than 10 MB".to_owned());
    }
    if bytes.is_empty() {
        return Err("The selected file is empty".to_owned());
    }
    if !content_matches(&ext, bytes) {
        return Err(format!(
            "The file is not a {what}: its contents do not match its name ending .{ext}"
        ));
    }
    let name = if name
        .rsplit_once('.')
        .is_some_and(|(stem, _)| !stem.is_empty())
    {
        name
    } else {
        format!("evidence.{ext}")
    };
    Ok((name, media))
}

/// Whether a stored file's media type is one the upload accepts (a download of anything else
/// is served as `application/octet-stream`).
#[must_use]
pub fn is_accepted_media_type(media: &str) -> bool {
    TYPES.iter().any(|t| t.1 == media)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_folders_and_are_capped() {
        assert_eq!(clean_name("C:\\Users\\me\\plan.pdf"), "plan.pdf");
        assert_eq!(clean_name("../../etc/passwd.pdf"), "passwd.pdf");
        assert_eq!(clean_name("a\r\nb.pdf"), "a__b.pdf");
        let long = format!("{}.docx", "x".repeat(300));
        let kept = clean_name(&long);
        assert_eq!(kept.chars().count(), MAX_NAME_CHARS);
        assert!(kept.ends_with(".docx"));
    }

    #[test]
    fn content_must_agree_with_the_extension() {
        assert!(content_matches("pdf", b"%PDF-1.4\n"));
        assert!(!content_matches("pdf", b"\x89PNG\r\n\x1a\n"));
        assert!(content_matches("png", b"\x89PNG\r\n\x1a\nrest"));
        assert!(content_matches("jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]));
        assert!(!content_matches("docx", b"PK\x03\x04 not really a zip"));
    }
}
