//! Replacement: known people get their pseudonym from the case's table, others a role
//! placeholder ("a police officer"); identifiers become bracketed placeholders; dates follow
//! the policy. Then a residual-risk list of what could still identify: exact ages and
//! capitalised words no detector claimed.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::identifiers::{joins_a_date_before, month_and_year, month_name};
use crate::lexicon;
use crate::text::{Shape, Token, tokenize};
use crate::{CaseKnowledge, Finding, Label, Prepared, find_prepared, find_tokens};

/// What to do with dates other than dates of birth (which are always removed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatePolicy {
    Keep,
    #[default]
    MonthAndYear,
    Remove,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub dates: DatePolicy,
}

/// Something left in the redacted text that could still identify someone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResidualKind {
    /// An exact age ("13 months old", "aged 7").
    Age,
    /// A capitalised word that no detector claimed: perhaps a name, place or rare detail.
    UnrecognisedName,
}

/// A residual risk in the redacted text, with code-point offsets into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Residual {
    pub start: usize,
    pub end: usize,
    pub kind: ResidualKind,
    pub text: String,
}

/// The result of redacting one text.
#[derive(Debug, Clone)]
pub struct Redaction {
    /// Findings in the original text.
    pub findings: Vec<Finding>,
    pub text: String,
    pub residual: Vec<Residual>,
}

static AGE: LazyLock<Regex> = LazyLock::new(|| {
    #[expect(clippy::expect_used, reason = "a fixed pattern, checked by the tests")]
    Regex::new(r"(?i)(?-u:\b)(?:aged[ ]+[0-9]{1,2}|[0-9]{1,2}[ \-](?:years?|months?|weeks?|days?)[ \-]old|\([0-9]{1,2}\))")
        .expect("valid pattern")
});

/// Redacts `text`: finds, replaces, and lists what is left to check. The redacted text is
/// scanned again, and redacted again while anything is found, so that redacting the result
/// changes nothing more.
pub fn redact(text: &str, case: &CaseKnowledge, policy: Policy) -> Redaction {
    let prepared = Prepared::new(case);
    let findings = find_prepared(text, &prepared);
    let mut out = replace_all(text, &findings, case, policy);
    // The redacted text is scanned once more: a replacement can make new context ("Mr. Mother
    // Academy"). The placeholders themselves are inert (`tests/redact/properties.rs` checks every
    // form), so that scan finds nothing nearly always; three passes have always been enough.
    // Nothing found means nothing replaced: the text is its own redaction already.
    let passes = if findings.is_empty() { 0 } else { 3 };
    let mut residual_risks = None;
    for _ in 0..passes {
        let mut buffer = String::new();
        let tokens = tokenize(&out, &mut buffer);
        let found = find_tokens(&out, &tokens, &prepared);
        if found.is_empty() {
            // The last scan's words serve the residual-risk list too.
            residual_risks = Some(residual(&out, &tokens));
            break;
        }
        let again = replace_all(&out, &found, case, policy);
        if again == out {
            break;
        }
        out = again;
    }
    let residual = residual_risks.unwrap_or_else(|| {
        let mut buffer = String::new();
        residual(&out, &tokenize(&out, &mut buffer))
    });
    Redaction {
        findings,
        text: out,
        residual,
    }
}

/// What `redact` writes for one finding of `text`, and the byte where the replaced span starts
/// (before the finding when a title goes with it: "Dr Lee" becomes "a doctor"). For a review
/// screen that shows each finding with its replacement before anything is replaced.
#[must_use]
pub fn replacement_for(
    text: &str,
    finding: &Finding,
    case: &CaseKnowledge,
    policy: Policy,
) -> (usize, String) {
    let mut start = finding.byte_start;
    let replacement = replacement(text, finding, case, policy, &mut start);
    (start, replacement)
}

/// The residual-risk list of a text already redacted (by `redact` or by hand after a review):
/// exact ages and capitalised words no detector claimed.
#[must_use]
pub fn residual_risks(redacted: &str) -> Vec<Residual> {
    let mut buffer = String::new();
    residual(redacted, &tokenize(redacted, &mut buffer))
}

fn replace_all(text: &str, findings: &[Finding], case: &CaseKnowledge, policy: Policy) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for f in findings {
        let mut start = f.byte_start;
        let replacement = replacement(text, f, case, policy, &mut start);
        if start < pos {
            start = f.byte_start;
        }
        out.push_str(&text[pos..start]);
        out.push_str(&replacement);
        pos = f.byte_end;
    }
    out.push_str(&text[pos..]);
    out
}

fn replacement(
    text: &str,
    f: &Finding,
    case: &CaseKnowledge,
    policy: Policy,
    start: &mut usize,
) -> String {
    let original = &text[f.byte_start..f.byte_end];
    match f.label {
        Label::Person => match f.person.and_then(|p| case.people.get(p)) {
            Some(person) => case
                .pseudonyms
                .get(&person.name)
                .cloned()
                .unwrap_or_else(|| role_name(&person.role)),
            None => unknown_person(text, f, start),
        },
        Label::DateOfBirth => "[date of birth]".into(),
        Label::Date => match policy.dates {
            DatePolicy::Keep => original.into(),
            DatePolicy::Remove => "[date]".into(),
            DatePolicy::MonthAndYear => match month_and_year(original) {
                Some((m, y)) if !joins_a_date_before(text, *start) => {
                    format!("{} {y}", month_name(m))
                }
                _ => "[date]".into(),
            },
        },
        Label::Address => "[address]".into(),
        Label::Postcode => "[postcode]".into(),
        Label::Location => "[place]".into(),
        Label::Org => org_kind(original).into(),
        Label::Phone => "[phone number]".into(),
        Label::Email => "[email address]".into(),
        Label::NhsNumber => "[NHS number]".into(),
        Label::NiNumber => "[NI number]".into(),
    }
}

/// The placeholders this module writes for people not in the case; a later scan leaves them be.
pub(crate) const PERSON_PLACEHOLDERS: &[&str] = &[
    "another person",
    "a police officer",
    "a doctor",
    "a nurse",
    "a neighbour",
    "a health visitor",
    "a social worker",
    "a midwife",
    "a member of school staff",
];

pub(crate) fn role_name(role: &str) -> String {
    let mut chars = role.chars();
    match chars.next() {
        Some(c) => c
            .to_uppercase()
            .chain(chars)
            .collect::<String>()
            .replace('_', " "),
        None => "Family member".into(),
    }
}

fn org_kind(name: &str) -> &'static str {
    let lower = name.to_lowercase();
    if lower.contains("nursery") || lower.contains("pre-school") || lower.contains("preschool") {
        "[nursery]"
    } else if lower.contains("school") || lower.contains("academy") || lower.contains("college") {
        "[school]"
    } else if lower.contains("hospital") || lower.contains("infirmary") {
        "[hospital]"
    } else if lower.contains("housing") || lower.starts_with("homes ") || lower.ends_with(" homes")
    {
        "[housing provider]"
    } else if lower.contains("practice")
        || lower.contains("surgery")
        || lower.contains("medical")
        || lower.contains("partners")
    {
        "[GP practice]"
    } else {
        "[organisation]"
    }
}

/// A role placeholder from the title before the name (swallowing the title) or from role words
/// nearby.
fn unknown_person(text: &str, f: &Finding, start: &mut usize) -> String {
    let before = &text[..f.byte_start];
    let trimmed = before.trim_end();
    // "PC 2620 Derek Quinn": the collar number goes with the title.
    let without_number = trimmed
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .trim_end();
    let title_end = without_number.trim_end_matches('.');
    let title_start = title_end
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let title = &title_end[title_start..];
    let role = match title.to_lowercase().as_str() {
        "pc" | "pcso" | "ds" | "dc" | "di" | "dci" | "dsi" | "sgt" | "insp" => {
            Some("a police officer")
        }
        "dr" => Some("a doctor"),
        "nurse" | "sister" => Some("a nurse"),
        "mr" | "mrs" | "ms" | "miss" | "mx" | "mstr" | "cllr" | "prof" | "rev" => Some(""),
        _ => None,
    };
    if let Some(role) = role {
        *start = title_start;
        if !role.is_empty() {
            return role.into();
        }
    }
    let window_start = crate::identifiers::floor_char(text, f.byte_start.saturating_sub(80));
    let window_end = crate::identifiers::floor_char(text, (f.byte_end + 40).min(text.len()));
    let near = text[window_start..window_end].to_lowercase();
    let cues: [(&str, &str); 10] = [
        ("neighbour", "a neighbour"),
        ("health visitor", "a health visitor"),
        ("social worker", "a social worker"),
        ("(sw)", "a social worker"),
        ("(hv)", "a health visitor"),
        ("midwife", "a midwife"),
        ("police", "a police officer"),
        ("teacher", "a member of school staff"),
        ("(dsl", "a member of school staff"),
        ("nurse", "a nurse"),
    ];
    cues.iter()
        .find(|(cue, _)| near.contains(cue))
        .map_or("another person", |(_, role)| role)
        .into()
}

/// Exact ages, and capitalised words the detectors left that are no English word.
fn residual(redacted: &str, tokens: &[Token<'_>]) -> Vec<Residual> {
    let mut spans: Vec<(usize, usize, ResidualKind)> = AGE
        .find_iter(redacted)
        .map(|m| (m.start(), m.end(), ResidualKind::Age))
        .collect();
    // Whether the last bracket before the word opens a placeholder, read once left to right.
    let (mut seen, mut inside_placeholder) = (0, false);
    for (i, t) in tokens.iter().enumerate() {
        for b in &redacted.as_bytes()[seen..t.start] {
            match b {
                b'[' => inside_placeholder = true,
                b']' => inside_placeholder = false,
                _ => {}
            }
        }
        seen = t.start;
        if t.shape == Shape::Cap
            && !inside_placeholder
            && !t.is_word()
            && !t.is_proper_noun()
            && !crate::people::is_calendar_word(t.lower)
            && !t.has(lexicon::ROLE)
            && t.text.chars().count() >= 3
            && !(i > 0 && tokens[i - 1].has(lexicon::ROLE))
        {
            spans.push((t.start, t.end, ResidualKind::UnrecognisedName));
        }
    }
    spans.sort_by_key(|s| s.0);
    let bytes: Vec<usize> = spans.iter().flat_map(|s| [s.0, s.1]).collect();
    let chars = crate::text::char_offsets(redacted, &bytes);
    spans
        .into_iter()
        .enumerate()
        .map(|(k, (s, e, kind))| Residual {
            start: chars[2 * k],
            end: chars[2 * k + 1],
            kind,
            text: redacted[s..e].to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CasePerson, find};

    /// Every form `replacement` writes, and pseudonyms of the kinds a case table holds.
    fn every_form() -> Vec<String> {
        let mut forms: Vec<String> = PERSON_PLACEHOLDERS.iter().map(|p| (*p).into()).collect();
        forms.extend(
            [
                "[date of birth]",
                "[date]",
                "[address]",
                "[postcode]",
                "[place]",
                "[phone number]",
                "[email address]",
                "[NHS number]",
                "[NI number]",
            ]
            .map(String::from),
        );
        for org in [
            "Nursery",
            "School",
            "Hospital",
            "Surgery",
            "Trust",
            "Northgate Housing",
        ] {
            forms.push(org_kind(org).into());
        }
        forms.extend((1..=12).map(|m| format!("{} 2019", month_name(m))));
        for role in ["mother", "father", "child", "sibling", "step_father", ""] {
            forms.push(role_name(role));
        }
        forms.extend(["Child W", "Sibling 1", "Baby B", "Adult M"].map(String::from));
        forms
    }

    /// The sentences a placeholder lands in: alone, starting or ending a sentence, in a list,
    /// before reported speech, after a greeting or a verb.
    const CONTEXTS: &[&str] = &[
        "{}",
        "{} said that she was fine.",
        "It was {}.",
        "She told {} about it.",
        "Seen with {} and {} on Monday.",
        "{}, {} and {} attended.",
        "Dear {},",
        "He lived with {} at {}.",
        "{}'s flat was cold.",
        "'{}' was there.",
    ];

    /// A placeholder is inert: scanning a text made of them finds nothing to change, so the
    /// one scan `redact` makes of its output replaces nothing and redacting twice is redacting
    /// once.
    #[test]
    fn every_placeholder_and_pseudonym_is_left_as_it_is() {
        let person = |role: &str, name: &str| CasePerson {
            role: role.into(),
            name: name.into(),
            ..CasePerson::default()
        };
        let case = CaseKnowledge {
            people: vec![
                person("mother", "Gemma White"),
                person("father", "Tony Bailey"),
                person("child", "Riley Bailey"),
                person("sibling", "Kai Bailey"),
                person("step_father", "Dean Rowe"),
                person("", "Ann Rowe"),
            ],
            pseudonyms: [("Gemma White".to_string(), "Mother".to_string())]
                .into_iter()
                .collect(),
        };
        let mut failures = Vec::new();
        for form in every_form() {
            for context in CONTEXTS {
                let text = context.replace("{}", &form);
                let findings = find(&text, &case);
                let again = replace_all(&text, &findings, &case, Policy::default());
                if again != text {
                    failures.push(format!("{text:?} -> {again:?}"));
                }
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }
}
