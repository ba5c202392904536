//! What holds for any text, checked by the property tests (`tests/redact/properties.rs`) and the
//! fuzz target `redaction` (`fuzz/`): no panic, offsets on character boundaries and in step with
//! each other, findings sorted and apart, and redacting twice changes nothing more.

use crate::{CaseKnowledge, CasePerson, Policy, find, jigsaw_risks, redact};

/// The invented family the checks redact against: one person with aliases, a date of birth and
/// an address, and a pseudonym.
#[must_use]
pub fn case() -> CaseKnowledge {
    CaseKnowledge {
        people: vec![CasePerson {
            role: "mother".into(),
            name: "Gemma Rose White".into(),
            aliases: vec!["Gem".into(), "June Hope-Marie White".into()],
            dob: Some("1984-04-26".into()),
            addresses: vec!["12 Peel Road, Bloomfield, Rochdale OL1 1AA".into()],
        }],
        pseudonyms: [("Gemma Rose White".to_string(), "Mother".to_string())]
            .into_iter()
            .collect(),
    }
}

/// Runs the engine over `text` with [`case`] and panics when a property does not hold.
///
/// # Panics
/// When a finding's offsets are off, findings overlap, or a second redaction changes the text.
pub fn check(text: &str) {
    let case = case();
    let findings = find(text, &case);
    let mut last_end = 0;
    for f in &findings {
        assert!(text.is_char_boundary(f.byte_start) && text.is_char_boundary(f.byte_end));
        assert!(f.byte_start < f.byte_end, "{f:?}");
        assert!(f.byte_start >= last_end, "sorted and apart: {findings:?}");
        last_end = f.byte_end;
        assert_eq!(text[..f.byte_start].chars().count(), f.start);
        assert_eq!(text[..f.byte_end].chars().count(), f.end);
    }
    for r in jigsaw_risks(text) {
        for q in &r.items {
            assert!(text.is_char_boundary(q.byte_start) && q.byte_start < q.byte_end);
            assert_eq!(&text[q.byte_start..q.byte_end], q.text);
            assert_eq!(text[..q.byte_start].chars().count(), q.start);
        }
    }
    let once = redact(text, &case, Policy::default());
    let twice = redact(&once.text, &case, Policy::default());
    assert_eq!(once.text, twice.text, "redacting again changed the text");
}
