//! The text of a form the partnership edits (Settings, "Forms"). The first byte picks the kind
//! of contribution; the rest is the text. Any text gives a form or a line-numbered reason, and a
//! form written out as text reads back as the same form.
#![no_main]

use cspr_domain::case::model::ContributionKind;
use cspr_domain::forms::parse_form;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let kind = ContributionKind::ALL[usize::from(*first) % ContributionKind::ALL.len()];
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match parse_form(kind, text) {
        Ok(form) => assert_eq!(parse_form(kind, &form.to_text()), Ok(form)),
        Err((line, why)) => assert!(line <= text.lines().count().max(1) && !why.is_empty()),
    }
});
