//! A file uploaded as evidence or as an agency's contribution. The input is the file name, a
//! newline, then the file's bytes. Whatever arrives, a kept name has no folders or control
//! characters and at most 100 characters, and an accepted file has a type the download serves.
#![no_main]

use cspr_export::upload::{MAX_NAME_CHARS, check, is_accepted_media_type};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (name, bytes) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (String::from_utf8_lossy(&data[..i]), &data[i + 1..]),
        None => ("evidence.docx".into(), data),
    };
    if let Ok((kept, media)) = check(&name, bytes, false) {
        assert!(kept.chars().count() <= MAX_NAME_CHARS, "{kept}");
        assert!(!kept.contains(['/', '\\']) && !kept.chars().any(char::is_control), "{kept}");
        assert!(is_accepted_media_type(media));
        assert!(!bytes.is_empty());
    }
});
