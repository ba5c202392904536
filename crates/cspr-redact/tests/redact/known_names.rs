//! Every occurrence of a name the case knows is a finding, whatever else the word could be:
//! words, months and virtues as names, at the start of a sentence, in lower case, possessive,
//! hyphenated, in capitals, alone. Where the word is ambiguous the finding has a lower
//! confidence and a note saying why, for the reviewer to reject.

use cspr_redact::{CaseKnowledge, CasePerson, Finding, Label, find};

pub(crate) fn word_name_case() -> CaseKnowledge {
    let person = |role: &str, name: &str, aliases: &[&str]| CasePerson {
        role: role.into(),
        name: name.into(),
        aliases: aliases.iter().map(|a| (*a).to_string()).collect(),
        dob: None,
        addresses: Vec::new(),
    };
    CaseKnowledge {
        people: vec![
            person("child", "June Ashworth", &["Junie"]),
            person("sibling", "Summer Hope Ashworth", &[]),
            person("sibling", "River Ashworth", &[]),
            person("sibling", "April Ashworth", &[]),
            person("mother", "Patience Smith-Jones", &["Patience Ashworth"]),
            person("father", "Blessing Okafor", &["Bless"]),
            person("grandmother", "May Little", &[]),
        ],
        ..CaseKnowledge::default()
    }
}

/// `{June}` marks an occurrence that must be covered; returns the plain text and the marked
/// byte ranges.
pub(crate) fn unmark(marked: &str) -> (String, Vec<(usize, usize)>) {
    let mut text = String::new();
    let mut spans = Vec::new();
    let mut open = None;
    for c in marked.chars() {
        match c {
            '{' => open = Some(text.len()),
            '}' => {
                if let Some(s) = open.take() {
                    spans.push((s, text.len()));
                }
            }
            _ => text.push(c),
        }
    }
    (text, spans)
}

/// Whether every letter and digit of `text[s..e]` lies inside some finding.
pub(crate) fn covered(text: &str, findings: &[Finding], s: usize, e: usize) -> bool {
    text[s..e].char_indices().all(|(k, c)| {
        let at = s + k;
        !c.is_alphanumeric()
            || findings
                .iter()
                .any(|f| f.byte_start <= at && at < f.byte_end)
    })
}

fn assert_all_covered(case: &CaseKnowledge, marked: &[&str]) {
    let mut leaks = Vec::new();
    for m in marked {
        let (text, spans) = unmark(m);
        let findings = find(&text, case);
        for (s, e) in spans {
            if !covered(&text, &findings, s, e) {
                leaks.push(format!("{:?} in {text:?}", &text[s..e]));
            }
        }
    }
    assert!(leaks.is_empty(), "known names left in the text: {leaks:#?}");
}

#[test]
fn word_names_in_every_position_and_form_are_found() {
    let case = word_name_case();
    assert_all_covered(
        &case,
        &[
            "{June} was seen at home with {Summer} and {River}.",
            "The social worker visited {June} and {April} after school.",
            "{Summer}'s bedroom was cold; {Hope}\u{2019}s coat was wet.",
            "Message read: 'luv u {june} xx tell {summer} im sorry'.",
            "{JUNE} {ASHWORTH} (DOB withheld) and {PATIENCE} {SMITH-JONES}.",
            "{June}-Marie is how the school wrote it; the {Hope}-family were known.",
            "{Ashworth} attended; {Smith-Jones} did not. Mrs {Smith}-Brown is someone else.",
            "Mrs {Jones} rang. {Okafor} was at work, {Bless} said.",
            "{Patience} said {Blessing} was at work. {May} {Little} cared for them.",
            "{Junie} missed nursery. {RIVER} was upset.",
            "Note [from {June}]: she is fine. [{Ashworth} family]",
        ],
    );
}

#[test]
fn ambiguous_uses_are_findings_with_a_reason_never_skipped() {
    let case = word_name_case();
    for (marked, note) in [
        ("There was {hope} that things would improve.", "word"),
        ("They walked by the {river} in the {summer}.", "word"),
        ("It needed {patience} and was a {blessing}.", "word"),
        ("She {may} attend the meeting.", "word"),
        ("He waited {little} time.", "word"),
        ("Seen in {June} and again in {April}.", "month"),
    ] {
        let (text, spans) = unmark(marked);
        let findings = find(&text, &case);
        for (s, e) in spans {
            let f = findings
                .iter()
                .find(|f| f.byte_start <= s && e <= f.byte_end)
                .unwrap_or_else(|| panic!("{:?} in {text:?} is not a finding", &text[s..e]));
            assert_eq!(f.label, Label::Person, "{text:?}");
            assert!(f.confidence < 0.9, "{text:?}: {f:?}");
            let why = f.note.unwrap_or_default();
            assert!(
                why.contains("known name") && why.contains(note),
                "{text:?}: the note {why:?} should say it is a known name and a {note}"
            );
        }
    }
}

#[test]
fn a_known_name_inside_a_date_is_covered() {
    let case = word_name_case();
    let (text, spans) = unmark("Seen in {June} 2021 and on 3 {April} 2019.");
    let findings = find(&text, &case);
    for (s, e) in spans {
        assert!(covered(&text, &findings, s, e), "{:?}", &text[s..e]);
        // The date says it holds a known name, so the reviewer who keeps the month knows.
        let f = findings
            .iter()
            .find(|f| f.byte_start <= s && e <= f.byte_end)
            .expect("a finding");
        assert!(f.note.is_some_and(|n| n.contains("known name")), "{f:?}");
    }
}

#[test]
fn unambiguous_known_names_keep_a_high_confidence() {
    let case = word_name_case();
    let text = "Mrs Okafor and Ashworth attended.";
    let findings = find(text, &case);
    assert!(
        findings
            .iter()
            .all(|f| f.confidence >= 0.9 && f.note.is_none())
    );
    assert_eq!(findings.len(), 2, "{findings:?}");
}
