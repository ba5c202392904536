//! Anonymisation of review text. Text plus what the case already knows (people, names,
//! aliases, dates of birth, addresses, pseudonyms) gives findings (span, label, reason,
//! confidence), then redacted text with consistent pseudonyms and a residual-risk list.
//!
//! Pure: no I/O, no async. The word lists are compiled in (see `data/README.md`).

mod identifiers;
mod jigsaw;
mod lexicon;
mod people;
mod phonetic;
mod places;
pub mod records;
mod replace;
#[cfg(feature = "testing")]
pub mod testing;
mod text;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use serde::{Deserialize, Serialize};

pub use identifiers::nhs_number_is_valid;
pub use jigsaw::{
    JigsawRisk, QuasiIdentifier, QuasiKind, RiskLevel, jigsaw_risks, quasi_identifiers,
};
pub use replace::{
    DatePolicy, Policy, Redaction, Residual, ResidualKind, redact, replacement_for, residual_risks,
};

/// The kinds of personal data found; the names are those of the redaction development set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Label {
    Person,
    DateOfBirth,
    Date,
    Address,
    Postcode,
    Location,
    Org,
    Phone,
    Email,
    NhsNumber,
    NiNumber,
}

impl Label {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Person => "PERSON",
            Self::DateOfBirth => "DATE_OF_BIRTH",
            Self::Date => "DATE",
            Self::Address => "ADDRESS",
            Self::Postcode => "POSTCODE",
            Self::Location => "LOCATION",
            Self::Org => "ORG",
            Self::Phone => "PHONE",
            Self::Email => "EMAIL",
            Self::NhsNumber => "NHS_NUMBER",
            Self::NiNumber => "NI_NUMBER",
        }
    }

    /// Which finding wins when two overlap: fixed-form identifiers first, places last.
    fn priority(self) -> u8 {
        match self {
            Self::Email => 10,
            Self::NhsNumber | Self::NiNumber => 9,
            Self::Phone | Self::Postcode => 8,
            Self::DateOfBirth => 7,
            Self::Date => 6,
            Self::Address => 5,
            Self::Org => 4,
            Self::Person => 3,
            Self::Location => 2,
        }
    }
}

/// Why a span was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// A name, alias, nickname, date of birth or address the case lists.
    CaseKnowledge,
    /// A near spelling of a name the case lists (edit distance or sound).
    NearSpelling,
    /// Initials of a name.
    Initials,
    /// After a title or rank (Mr, Dr, PC, DS).
    Title,
    /// A first name or surname in the shipped name lists.
    NameList,
    /// A capitalised word that is in no list and no English word.
    Unlisted,
    /// A quoted nickname.
    Nickname,
    /// Reported speech, a message speaker.
    Context,
    /// Another mention of a name found elsewhere in the text.
    Repeated,
    /// A fixed pattern (date, phone, postcode, street address).
    Pattern,
    /// A pattern whose check digit is right.
    Checksum,
    /// A town or district in the shipped list.
    Gazetteer,
    /// The short form or initials of an organisation named in full elsewhere.
    ShortForm,
}

/// One person the case knows about.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CasePerson {
    #[serde(default)]
    pub role: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// YYYY-MM-DD or any common UK form.
    #[serde(default)]
    pub dob: Option<String>,
    #[serde(default)]
    pub addresses: Vec<String>,
}

/// What a referral already gives: the family and the pseudonyms chosen for them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CaseKnowledge {
    #[serde(default)]
    pub people: Vec<CasePerson>,
    /// Full name (as in `people`) -> pseudonym ("Child W", "Mother").
    #[serde(default)]
    pub pseudonyms: BTreeMap<String, String>,
}

/// A span of personal data: code-point and byte offsets (end exclusive).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub start: usize,
    pub end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    pub label: Label,
    pub reason: Reason,
    pub confidence: f32,
    /// Index into `CaseKnowledge::people` when the finding is a known person or their date of birth.
    pub person: Option<usize>,
    /// Why the finding may be wrong, for the reviewer: "known name; also a month". Set on known
    /// names that are also ordinary words, which are findings all the same.
    pub note: Option<&'static str>,
}

/// A detector's proposal, in bytes, before overlaps are resolved.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub start: usize,
    pub end: usize,
    pub label: Label,
    pub reason: Reason,
    pub confidence: f32,
    pub person: Option<usize>,
    pub note: Option<&'static str>,
}

impl Candidate {
    pub(crate) fn new(
        start: usize,
        end: usize,
        label: Label,
        reason: Reason,
        confidence: f32,
    ) -> Self {
        Self {
            start,
            end,
            label,
            reason,
            confidence,
            person: None,
            note: None,
        }
    }
}

/// Finds personal data in `text`. Findings are sorted, do not overlap, and lie on character
/// boundaries.
pub fn find(text: &str, case: &CaseKnowledge) -> Vec<Finding> {
    find_prepared(text, &Prepared::new(case))
}

/// What the case knows, arranged once for matching, so that scanning a text again (as `redact`
/// does to check its output) does not arrange it again.
#[derive(Debug)]
pub(crate) struct Prepared {
    /// The case's pseudonyms, trimmed, and the role names written for people without one.
    pseudonyms: Vec<String>,
    known: people::Known,
    streets: Vec<Vec<String>>,
    places: Vec<Vec<String>>,
    place_words: rustc_hash::FxHashSet<String>,
    dobs: Vec<(usize, (u32, u32, u32))>,
}

impl Prepared {
    pub(crate) fn new(case: &CaseKnowledge) -> Self {
        let (streets, places) = places::case_places(case);
        let place_words = places
            .iter()
            .filter(|p| p.len() == 1)
            .flatten()
            .cloned()
            .collect();
        let dobs = case
            .people
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                p.dob
                    .as_deref()
                    .and_then(identifiers::parse_full_date)
                    .map(|d| (i, d))
            })
            .collect();
        // What `redact` writes for the case's people: their pseudonym, or their role for those
        // the table leaves out ("Step father"), so that a later scan leaves it be.
        let pseudonyms = case
            .pseudonyms
            .values()
            .map(|p| p.trim().to_string())
            .chain(
                case.people
                    .iter()
                    .filter(|p| !case.pseudonyms.contains_key(&p.name))
                    .map(|p| replace::role_name(&p.role)),
            )
            .filter(|p| !p.is_empty())
            .collect();
        Self {
            pseudonyms,
            known: people::Known::build(case),
            streets,
            places,
            place_words,
            dobs,
        }
    }
}

pub(crate) fn find_prepared(text: &str, prepared: &Prepared) -> Vec<Finding> {
    let mut buffer = String::new();
    let tokens = text::tokenize(text, &mut buffer);
    find_tokens(text, &tokens, prepared)
}

/// `find` on a text already split into tokens.
pub(crate) fn find_tokens(
    text: &str,
    tokens: &[text::Token<'_>],
    prepared: &Prepared,
) -> Vec<Finding> {
    let mut cands = Vec::with_capacity(tokens.len() / 4);
    identifiers::detect(text, &mut cands);
    births(text, tokens, &prepared.dobs, &mut cands);
    places::addresses(text, tokens, &mut cands);
    places::case_streets(tokens, &prepared.streets, &mut cands);
    places::organisations(text, tokens, &mut cands);
    let mut marks = vec![None; tokens.len()];
    people::known(text, tokens, &prepared.known, &mut marks, &mut cands);
    people::unknown(text, tokens, &prepared.place_words, &mut marks);
    people::extend_and_propagate(text, tokens, &mut marks);
    people::emit(text, tokens, &marks, &mut cands);
    places::locations(text, tokens, &prepared.places, &mut cands);
    prefer_listed_places(&mut cands);
    let protected = protected_ranges(text, tokens, &prepared.pseudonyms, &cands);
    // Known names a date swallows ("June 2021" in a case with a June), to say so on the date.
    let known_names: Vec<(usize, usize)> = cands
        .iter()
        .filter(|c| c.label == Label::Person && c.person.is_some())
        .map(|c| (c.start, c.end))
        .collect();
    let mut chosen = resolve(cands, &protected);
    if !known_names.is_empty() {
        for c in &mut chosen {
            if matches!(c.label, Label::Date | Label::DateOfBirth)
                && known_names.iter().any(|&(s, e)| s < c.end && c.start < e)
            {
                c.note = Some(people::NOTE_IN_DATE);
            }
        }
    }
    to_findings(text, chosen)
}

/// A town the gazetteer lists ("Barrow-in-Furness", "King's Lynn") is a place, not the guessed
/// names of people its words could be: guesses inside it give way. Names the case gives and
/// names after a title stay.
fn prefer_listed_places(cands: &mut Vec<Candidate>) {
    let places: Vec<(usize, usize)> = cands
        .iter()
        .filter(|c| c.label == Label::Location && c.confidence >= 0.75)
        .map(|c| (c.start, c.end))
        .collect();
    if places.is_empty() {
        return;
    }
    cands.retain(|c| {
        !(c.label == Label::Person
            && c.person.is_none()
            && matches!(
                c.reason,
                Reason::NameList | Reason::Unlisted | Reason::Context | Reason::Repeated
            )
            && places.iter().any(|&(s, e)| s <= c.start && c.end <= e))
    });
}

/// A date the case gives as someone's birth date is a DATE_OF_BIRTH in any spelling; so is a
/// date in brackets straight after a capitalised name: "BAILEY, Anthony (20/04/1977)".
fn births(
    text: &str,
    tokens: &[text::Token<'_>],
    dobs: &[(usize, (u32, u32, u32))],
    cands: &mut [Candidate],
) {
    for c in cands.iter_mut() {
        if c.label != Label::Date {
            continue;
        }
        if !dobs.is_empty()
            && let Some(d) = identifiers::parse_full_date(&text[c.start..c.end])
            && let Some(&(p, _)) = dobs.iter().find(|(_, b)| *b == d)
        {
            c.label = Label::DateOfBirth;
            c.reason = Reason::CaseKnowledge;
            c.person = Some(p);
            continue;
        }
        let before = text[..c.start].trim_end();
        if let Some(rest) = before.strip_suffix('(')
            && text[c.end..].starts_with(')')
        {
            let rest = rest.trim_end();
            let word_start = rest
                .rfind(|ch: char| !(ch.is_alphanumeric() || ch == '\'' || ch == '-'))
                .map_or(0, |i| {
                    i + rest[i..].chars().next().map_or(1, char::len_utf8)
                });
            let word = &rest[word_start..];
            if word.chars().next().is_some_and(char::is_uppercase)
                && tokens.iter().any(|t| t.end == rest.len())
            {
                c.label = Label::DateOfBirth;
            }
        }
    }
}

/// The engine's placeholders for people, searched for together.
static PLACEHOLDERS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    #[expect(
        clippy::expect_used,
        reason = "a few short literal patterns, checked by the tests"
    )]
    AhoCorasick::new(replace::PERSON_PLACEHOLDERS).expect("patterns build")
});

/// Spans that must stay: the case's pseudonyms ("Child W", "Sibling 1") and role phrases.
fn protected_ranges(
    text: &str,
    tokens: &[text::Token<'_>],
    pseudonyms: &[String],
    cands: &[Candidate],
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for p in pseudonyms {
        let mut from = 0;
        while let Some(k) = text[from..].find(p.as_str()) {
            let s = from + k;
            let e = s + p.len();
            if !text::inside_word(text, s) && !text::inside_word(text, e) {
                out.push((s, e));
            }
            from = e;
        }
    }
    // Placeholders written by an earlier redaction ("another person"), all in one pass: each
    // one's matches are taken left to right without overlap, as a search for it alone would.
    let mut last_end = [0; replace::PERSON_PLACEHOLDERS.len()];
    for m in PLACEHOLDERS.find_overlapping_iter(text) {
        let (id, s, e) = (m.pattern().as_usize(), m.start(), m.end());
        if s >= last_end[id] {
            last_end[id] = e;
            out.push((s, e));
        }
    }
    // "[address]", "[date]": any short bracketed text, unless it holds a name the case gives
    // ("[from June]"), which is no placeholder of this engine.
    let mut from = 0;
    while let Some(k) = text[from..].find('[') {
        let s = from + k;
        match text[s..].find(']') {
            Some(e) if e <= 40 => {
                let known = cands.iter().any(|c| {
                    c.label == Label::Person
                        && c.reason == Reason::CaseKnowledge
                        && s < c.start
                        && c.end <= s + e
                });
                if !known {
                    out.push((s, s + e + 1));
                }
                from = s + e + 1;
            }
            _ => from = s + 1,
        }
    }
    // "Child A", "Adult M", "Sibling 1", "Baby B": a role word then one capital or a number.
    for w in tokens.windows(2) {
        if matches!(
            w[0].lower,
            "child" | "adult" | "sibling" | "baby" | "young" | "parent" | "person" | "subject"
        ) && matches!(w[0].shape, text::Shape::Cap)
            && (w[1].shape == text::Shape::Initial || w[1].text.bytes().all(|b| b.is_ascii_digit()))
            && text[w[0].end..w[1].start] == *" "
        {
            out.push((w[0].start, w[1].end));
        }
    }
    out
}

/// Picks non-overlapping candidates: higher-priority labels first, then longer spans.
fn resolve(mut cands: Vec<Candidate>, protected: &[(usize, usize)]) -> Vec<Candidate> {
    cands.retain(|c| c.start < c.end);
    // Pseudonyms and role phrases stay, and nothing grows over them ("Mother Academy").
    cands.retain(|c| {
        c.label.priority() >= Label::Date.priority()
            || !protected.iter().any(|&(s, e)| c.start < e && s < c.end)
    });
    cands.sort_by(|a, b| {
        b.label
            .priority()
            .cmp(&a.label.priority())
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
    });
    // Chosen spans by start. A span that overlaps chosen ones replaces them when it contains
    // them all, and is merged with them when it reaches further, so no letter of either is left
    // out; fixed-form identifiers (dates and above) are never merged.
    let mut chosen: BTreeMap<usize, Candidate> = BTreeMap::new();
    for c in cands {
        let overlapping: Vec<usize> = chosen
            .range(..c.end)
            .rev()
            .take_while(|(_, prev)| prev.end > c.start)
            .map(|(k, _)| *k)
            .collect();
        if overlapping.is_empty() {
            chosen.insert(c.start, c);
            continue;
        }
        let loose = |l: Label| l.priority() < Label::Date.priority();
        let olds: Vec<&Candidate> = overlapping.iter().filter_map(|k| chosen.get(k)).collect();
        let lo = olds.iter().map(|o| o.start).min().unwrap_or(c.start);
        let hi = olds.iter().map(|o| o.end).max().unwrap_or(c.end);
        // A span inside one chosen span adds nothing; one that bridges two ("Bishop" and
        // "Stortford" of "Bishop's Stortford") covers the letters between them.
        let inside_one = olds.iter().any(|o| c.start >= o.start && c.end <= o.end);
        let bridges = olds.len() > 1;
        if !loose(c.label)
            || olds.iter().any(|o| !loose(o.label))
            || inside_one
            || (c.start >= lo && c.end <= hi && !bridges)
        {
            continue;
        }
        let merged = if c.start <= lo && c.end >= hi {
            c
        } else {
            let best = olds
                .iter()
                .max_by_key(|o| (o.label.priority(), o.end - o.start))
                .map_or_else(|| c.clone(), |o| (*o).clone());
            Candidate {
                start: lo.min(c.start),
                end: hi.max(c.end),
                ..best
            }
        };
        for k in overlapping {
            chosen.remove(&k);
        }
        chosen.insert(merged.start, merged);
    }
    chosen.into_values().collect()
}

fn to_findings(text: &str, chosen: Vec<Candidate>) -> Vec<Finding> {
    let bytes: Vec<usize> = chosen.iter().flat_map(|c| [c.start, c.end]).collect();
    let chars = text::char_offsets(text, &bytes);
    chosen
        .into_iter()
        .enumerate()
        .map(|(k, c)| Finding {
            start: chars[2 * k],
            end: chars[2 * k + 1],
            byte_start: c.start,
            byte_end: c.end,
            label: c.label,
            reason: c.reason,
            confidence: c.confidence,
            person: c.person,
            note: c.note,
        })
        .collect()
}

/// The distinct labels found, for summaries.
pub fn labels(findings: &[Finding]) -> BTreeSet<Label> {
    findings.iter().map(|f| f.label).collect()
}
