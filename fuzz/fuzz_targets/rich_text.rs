//! What a person types or pastes into a report section or a briefing. Sanitising gives the
//! canonical rich text: sanitising it again changes nothing, it holds no script, and reading it
//! back and writing it out gives the same text.
#![no_main]

use cspr_export::richtext::{blocks, is_html, plain_text, sanitise, to_html};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let clean = sanitise(text);
    assert_eq!(sanitise(&clean), clean, "sanitising twice changed the text");
    let lower = clean.to_ascii_lowercase();
    // Text is escaped, so "javascript:" may stand as words; never as a link or a script.
    assert!(!lower.contains("<script") && !lower.contains("=\"javascript:"), "{clean}");
    assert!(clean.is_empty() || is_html(&clean), "{clean}");
    assert_eq!(to_html(&blocks(&clean), 2), clean);
    let _ = plain_text(text);
});
