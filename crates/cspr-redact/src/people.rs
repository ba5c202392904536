//! People: those the case knows (every spelling of their names, near spellings, initials) and
//! those it does not (professionals, neighbours, associates), found from titles, name lists,
//! reported speech, quoted nicknames and message speakers. Works token by token, then joins
//! neighbouring name tokens into one finding.

use std::borrow::Cow;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::lexicon::{self, LEXICON};
use crate::phonetic::{distance, fold, soundex};
use crate::text::{Shape, Token, gap, gap_before, starts_sentence};
use crate::{Candidate, CaseKnowledge, Label, Reason};

pub(crate) const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "pc", "pcso", "ds", "dc", "di", "dci", "dsi", "sgt",
    "insp", "nurse", "cllr", "prof", "rev", "mstr", "sister",
];

/// Words for roles and services that stay in a published review (Mother, Child A, MASH).
const ROLE_WORDS: &[&str] = &[
    "mother",
    "mum",
    "mummy",
    "mam",
    "father",
    "dad",
    "daddy",
    "child",
    "children",
    "sibling",
    "siblings",
    "baby",
    "adult",
    "partner",
    "grandmother",
    "grandfather",
    "grandparent",
    "nan",
    "nana",
    "nanna",
    "grandma",
    "grandad",
    "granddad",
    "uncle",
    "aunt",
    "auntie",
    "aunty",
    "brother",
    "sister",
    "son",
    "daughter",
    "cousin",
    "stepfather",
    "stepmother",
    "maternal",
    "paternal",
    "chair",
    "manager",
    "officer",
    "nurse",
    "doctor",
    "health",
    "visitor",
    "social",
    "worker",
    "police",
    "probation",
    "school",
    "early",
    "help",
    "care",
    "designated",
    "named",
    "lead",
    "practitioner",
    "panel",
    "review",
    "mash",
    "marac",
    "camhs",
    "victim",
    "perpetrator",
    "patient",
    "referrer",
    "parent",
    "carer",
    "subject",
    "family",
    "team",
    "housing",
    "midwife",
    "health visitor",
    "gp",
    "hv",
    "sw",
    "iro",
    "dsl",
    "idva",
    "ewo",
];

/// Upper-case abbreviations common in safeguarding records that are never initials of a name.
const ACRONYMS: &[&str] = &[
    "gp", "hv", "sw", "ds", "dc", "di", "pc", "dob", "ni", "cp", "iro", "dsl", "eh", "cin", "la",
    "yot", "mash", "marac", "camhs", "idva", "ewo", "cme", "pnc", "abh", "gbh", "dash", "icpc",
    "rcpc", "cspr", "edd", "epds", "abe", "sen", "send", "ehcp", "crn", "pru", "rc", "ce", "uk",
    "aka", "nfa", "rui", "dva", "csc", "sgo", "am", "pm", "tel", "re", "cc", "bcc", "ok", "csp",
    "lado", "mso", "ftb", "ppe", "tv", "dv", "asb", "nb", "dwp", "ehe", "hmp", "ypi", "cse", "cce",
    "nrm", "mp", "ot", "ofsted", "sgt", "dci", "ico", "pcso", "iv", "st", "mr", "mrs", "ms", "dr",
    "sms", "ae", "ed", "nhs", "cpp", "pep", "cpn", "amhp", "mhst", "ypo", "vrr", "rrt", "bsl",
    "esol",
];

/// Street words that never end a surname.
const STRONG_STREET_WORDS: &[&str] = &[
    "road", "rd", "street", "avenue", "ave", "drive", "close", "cl", "mews", "gardens", "gdns",
    "grove", "terrace", "crescent", "way", "walk",
];

const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "asked",
    "reported",
    "denied",
    "stated",
    "explained",
    "confirmed",
    "disclosed",
    "described",
    "noted",
    "agreed",
    "admitted",
    "claimed",
    "added",
    "replied",
    "recalled",
    "texted",
    "wrote",
    "rang",
    "called",
    "summarised",
    "visited",
    "attended",
];

const NICK_CUES: &[&str] = &[
    "aka",
    "a.k.a",
    "as",
    "call",
    "calls",
    "called",
    "nicknamed",
    "named",
];

const DETERMINERS: &[&str] = &[
    "the", "a", "an", "its", "some", "no", "any", "every", "each", "little", "what",
];

/// Pronouns and other words that say or do things in a sentence but are not names.
const FUNCTION_WORDS: &[&str] = &[
    "him",
    "her",
    "them",
    "me",
    "us",
    "you",
    "it",
    "the",
    "a",
    "an",
    "my",
    "his",
    "your",
    "their",
    "our",
    "mum",
    "dad",
    "nan",
    "that",
    "this",
    "someone",
    "anyone",
    "everyone",
    "no",
    "not",
    "she",
    "he",
    "they",
    "we",
    "i",
    "nobody",
    "who",
    "which",
    "one",
    "both",
    "neither",
    "all",
    "staff",
    "officers",
    "parents",
    "professionals",
    "agencies",
    "there",
    "then",
    "later",
    "also",
    "these",
    "those",
    "and",
    "but",
    "so",
    "nothing",
    "what",
    "when",
    "if",
    "as",
];

/// Days and feasts that are calendar words beside the months ([`MONTHS`]).
const DAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "christmas",
    "easter",
];

pub(crate) fn is_calendar_word(lower: &str) -> bool {
    MONTHS.contains(&lower) || DAYS.contains(&lower)
}

/// Record-keeping words the dictionary lacks.
const DOMAIN_WORDS: &[&str] = &[
    "antenatal",
    "postnatal",
    "perinatal",
    "neonatal",
    "attendees",
    "apologies",
    "subgroup",
    "safeguarding",
    "chronology",
    "multi-agency",
    "referral",
    "re",
    "cc",
    "ref",
    "fwd",
    "tel",
    "mob",
    "email",
    "outcome",
    "concern",
    "concerns",
    "action",
    "actions",
    "decision",
    "present",
    "seen",
    "sent",
    "to",
    "from",
    "subject",
    "date",
    "time",
    "address",
    "postcode",
    "school",
];

/// The short lists the lexicon keeps as flags of each word.
pub(crate) fn word_lists() -> [(&'static [&'static str], u16); 6] {
    use crate::lexicon::{ACRONYM, DETERMINER, FUNCTION, ROLE, SPEECH, TITLE};
    [
        (TITLES, TITLE),
        (ROLE_WORDS, ROLE),
        (ACRONYMS, ACRONYM),
        (FUNCTION_WORDS, FUNCTION),
        (SPEECH_VERBS, SPEECH),
        (DETERMINERS, DETERMINER),
    ]
}

/// Every word that never starts a name; the lexicon keeps them as one flag, as it is asked
/// about every word of the text.
pub(crate) fn never_a_name_words() -> impl Iterator<Item = &'static str> {
    [
        DOMAIN_WORDS,
        FUNCTION_WORDS,
        ROLE_WORDS,
        ACRONYMS,
        MONTHS,
        DAYS,
        TITLES,
    ]
    .into_iter()
    .flatten()
    .copied()
}

/// What the case knows, arranged for matching.
#[derive(Debug, Default)]
pub(crate) struct Known {
    /// Lower-case name part -> person index; `true` when the part came from the nickname list.
    /// Nicknames are borrowed from the lexicon, not copied.
    exact: HashMap<Cow<'static, str>, (usize, bool)>,
    /// Parts for near-spelling matches.
    parts: Vec<(Vec<u8>, [u8; 4], usize)>,
    /// Initials of full names ("gw" for Gemma White).
    initials: HashMap<String, usize>,
    /// Parts that more than one person gives ("Bailey" of a father and his son): which of them
    /// a mention means is told by the words beside it.
    shared: HashSet<String>,
}

impl Known {
    pub(crate) fn build(case: &CaseKnowledge) -> Self {
        let mut known = Self::default();
        for (p, person) in case.people.iter().enumerate() {
            for (n, name) in std::iter::once(&person.name)
                .chain(&person.aliases)
                .enumerate()
            {
                let parts: Vec<String> = name
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        s.trim_matches(|c: char| !c.is_alphanumeric())
                            .to_lowercase()
                    })
                    .filter(|s| s.chars().count() >= 2)
                    .collect();
                let nicks: &'static [String] = parts
                    .first()
                    .map_or(&[], |first| LEXICON.nick_variants(first));
                let initials = match (parts.first(), parts.last()) {
                    (Some(a), Some(b)) if n == 0 && parts.len() >= 2 => {
                        a.chars().next().zip(b.chars().next())
                    }
                    _ => None,
                };
                // "Smith-Jones" is also "Smith" and "Jones": either may be written alone.
                let pieces: Vec<String> = parts
                    .iter()
                    .filter(|p| p.contains('-'))
                    .flat_map(|p| p.split('-'))
                    .filter(|s| s.chars().count() >= 2)
                    .map(str::to_string)
                    .collect();
                for part in parts.into_iter().chain(pieces) {
                    // A part already listed ("Rose" of two sisters) matches as that one did.
                    if let Some(entry) = known.exact.get_mut(part.as_str()) {
                        if entry.0 != p && !entry.1 {
                            known.shared.insert(part.clone());
                        }
                        if entry.1 {
                            // Listed only as a nickname so far: now a name the case gives, and a
                            // part for near spellings.
                            *entry = (p, false);
                            push_part(&mut known.parts, &part, p);
                        }
                        continue;
                    }
                    push_part(&mut known.parts, &part, p);
                    known.exact.insert(Cow::Owned(part), (p, false));
                }
                for v in nicks {
                    if v.chars().count() >= 2 {
                        known
                            .exact
                            .entry(Cow::Borrowed(v.as_str()))
                            .or_insert((p, true));
                    }
                }
                if let Some((a, b)) = initials {
                    let ini: String = [a, b].iter().collect();
                    if !ACRONYMS.contains(&ini.as_str()) {
                        known.initials.insert(ini, p);
                    }
                }
            }
        }
        known
    }

    fn near(&self, word: &str) -> Option<usize> {
        let folded = fold(word);
        if folded.len() < 3 {
            return None;
        }
        let code = soundex(&folded);
        for (part, pcode, person) in &self.parts {
            let same_sound = *pcode == code;
            // Without the same sound only one edit is allowed, between names of four letters.
            if !same_sound && (folded.len() < 4 || part.len() < 4) {
                continue;
            }
            let limit = if same_sound { 2 } else { 1 };
            if folded.len().abs_diff(part.len()) > limit {
                continue;
            }
            let d = distance(&folded, part, limit);
            let ok = (d == 1 && folded.len() >= 4 && part.len() >= 4)
                || (d <= 2 && same_sound && folded.len() >= 5)
                || (d <= 2 && same_sound && folded[0] == part[0] && folded.len() >= 3);
            if ok && d > 0 {
                return Some(*person);
            }
        }
        None
    }
}

/// A name part for near-spelling matches, folded, with its sound.
fn push_part(parts: &mut Vec<(Vec<u8>, [u8; 4], usize)>, part: &str, person: usize) {
    let folded = fold(part);
    if folded.len() >= 3 {
        let code = soundex(&folded);
        parts.push((folded, code, person));
    }
}

/// One token judged to be (part of) a name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    pub person: Option<usize>,
    pub reason: Reason,
    pub confidence: f32,
    /// Why a known name may be an ordinary word here ("known name; also a month").
    pub note: Option<&'static str>,
    /// A name part several of the case's people give: it joins a neighbouring name of any of them.
    pub shared: bool,
}

fn mark(marks: &mut [Option<Mark>], i: usize, person: Option<usize>, reason: Reason, c: f32) {
    mark_noted(marks, i, person, reason, c, None);
}

fn mark_noted(
    marks: &mut [Option<Mark>],
    i: usize,
    person: Option<usize>,
    reason: Reason,
    c: f32,
    note: Option<&'static str>,
) {
    match &mut marks[i] {
        // A name the case knows outranks a guess, whatever the guess's confidence.
        Some(m) if m.confidence >= c && (m.person.is_some() || person.is_none()) => {}
        slot => {
            *slot = Some(Mark {
                person,
                reason,
                confidence: c,
                note,
                shared: false,
            });
        }
    }
}

pub(crate) const NOTE_MONTH: &str = "known name; also a month";
pub(crate) const NOTE_WORD: &str = "known name; also an ordinary word";
pub(crate) const NOTE_START: &str =
    "known name; also an ordinary word, here at the start of a sentence";
pub(crate) const NOTE_ROLE: &str = "known name; also a role, title or common word";
pub(crate) const NOTE_ACRONYM: &str = "known name; also an abbreviation";
/// On a date, not a name: the reviewer who keeps the month keeps the name's word.
pub(crate) const NOTE_IN_DATE: &str = "date; a known name is also this month's name";

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// How sure a name the case gives is a name here, and why it may not be: a known name is always
/// a finding, but "there was hope" or "in June" is one the reviewer may reject.
fn known_confidence(text: &str, tokens: &[Token<'_>], i: usize) -> (f32, Option<&'static str>) {
    let t = &tokens[i];
    let word = t.is_word();
    let lower = t.shape == Shape::Lower;
    if t.shape == Shape::Upper && t.has(lexicon::ACRONYM) {
        return (0.5, Some(NOTE_ACRONYM));
    }
    if lower && word {
        return (0.4, Some(NOTE_WORD));
    }
    if MONTHS.contains(&t.lower) {
        // "June 2021", "3 June": the month of a date.
        let dated = tokens.get(i + 1).is_some_and(|x| x.shape == Shape::Digit)
            || i.checked_sub(1)
                .is_some_and(|p| tokens[p].shape == Shape::Digit);
        return (if dated { 0.3 } else { 0.5 }, Some(NOTE_MONTH));
    }
    if t.never() {
        return (0.5, Some(NOTE_ROLE));
    }
    if !word {
        return (if lower { 0.85 } else { 0.95 }, None);
    }
    if after_determiner(tokens, i) {
        (0.5, Some(NOTE_WORD))
    } else if t.shape == Shape::Upper {
        (0.7, Some(NOTE_WORD))
    } else if starts_sentence(text, tokens, i) {
        (0.7, Some(NOTE_START))
    } else {
        // A capitalised word mid-sentence: English capitalises no ordinary word there.
        (0.9, None)
    }
}

/// "June-Marie", "the Hope-family", "Mrs Smith-Brown": a hyphenated word some of whose pieces
/// are names the case gives. The whole word is the name when its other pieces could be names
/// too; otherwise each known piece is a finding of its own.
fn hyphenated(
    text: &str,
    tokens: &[Token<'_>],
    i: usize,
    known: &Known,
    marks: &mut [Option<Mark>],
    out: &mut Vec<Candidate>,
) -> bool {
    let t = &tokens[i];
    let mut hits = Vec::new();
    let mut all_namey = true;
    let mut at = t.start;
    for piece in t.text.split('-') {
        let (s, e) = (at, at + piece.len());
        at = e + 1;
        if piece.is_empty() {
            continue;
        }
        let lower = piece.to_lowercase();
        match known.exact.get(lower.as_str()) {
            Some(&(p, false)) => hits.push((s, e, p, LEXICON.is_word(&lower))),
            _ => {
                let flags = LEXICON.flags(&lower);
                let name = flags & (lexicon::FIRST | lexicon::SURNAME) != 0;
                let capital = piece.chars().next().is_some_and(char::is_uppercase);
                all_namey &= capital && (name || flags & lexicon::WORD == 0);
            }
        }
    }
    let Some(&(_, _, p, _)) = hits.first() else {
        return false;
    };
    if all_namey && t.is_capitalised() {
        let (c, note) = known_confidence(text, tokens, i);
        let note = note.filter(|_| c < 0.9);
        mark_noted(marks, i, Some(p), Reason::CaseKnowledge, c.max(0.85), note);
        return true;
    }
    for (s, e, p, word) in hits {
        let mut c = Candidate::new(
            s,
            e,
            Label::Person,
            Reason::CaseKnowledge,
            if word { 0.5 } else { 0.85 },
        );
        c.person = Some(p);
        c.note = word.then_some(NOTE_WORD);
        out.push(c);
    }
    true
}

/// "the Moses basket", "a little hope": a lower-case determiner before the word.
fn after_determiner(tokens: &[Token<'_>], i: usize) -> bool {
    i > 0
        && tokens[i - 1].has(lexicon::DETERMINER)
        && (tokens[i - 1].shape == Shape::Lower || tokens[i - 1].text == "The")
}

/// Names and near spellings of the people the case lists.
pub(crate) fn known(
    text: &str,
    tokens: &[Token<'_>],
    known: &Known,
    marks: &mut [Option<Mark>],
    out: &mut Vec<Candidate>,
) {
    if known.exact.is_empty() {
        return;
    }
    for (i, t) in tokens.iter().enumerate() {
        if t.shape == Shape::Digit || t.shape == Shape::Initial {
            continue;
        }
        let word = t.is_word();
        if let Some(&(p, from_nick)) = known.exact.get(t.lower) {
            // A name the case gives is a finding wherever it stands; only how sure it is varies.
            if !from_nick {
                let (c, note) = known_confidence(text, tokens, i);
                mark_noted(marks, i, Some(p), Reason::CaseKnowledge, c, note);
                if let Some(m) = &mut marks[i] {
                    m.shared = known.shared.contains(t.lower);
                }
                continue;
            }
            let accept = match t.shape {
                Shape::Cap | Shape::Upper => {
                    !(word
                        && (after_determiner(tokens, i)
                            || (from_nick && starts_sentence(text, tokens, i))))
                        && !(t.shape == Shape::Upper && t.has(lexicon::ACRONYM))
                }
                _ => !word && !from_nick,
            };
            if accept && !t.never() {
                mark(marks, i, Some(p), Reason::CaseKnowledge, 0.95);
                continue;
            }
        }
        if t.lower.contains('-') && hyphenated(text, tokens, i, known, marks, out) {
            continue;
        }
        // "rileys mum", "the Ashworths": a name with a possessive or plural s and no
        // apostrophe. When the word or its stem is an ordinary word ("hopes", "the Lambs") it is
        // a finding all the same, in doubt.
        if let Some(stem) = t.lower.strip_suffix('s')
            && let Some(&(p, false)) = known.exact.get(stem)
            && !t.never()
        {
            if LEXICON.is_word(stem) || word {
                let c = if t.shape == Shape::Lower { 0.4 } else { 0.6 };
                mark_noted(marks, i, Some(p), Reason::CaseKnowledge, c, Some(NOTE_WORD));
            } else {
                mark(marks, i, Some(p), Reason::CaseKnowledge, 0.85);
            }
            continue;
        }
        if t.shape == Shape::Upper
            && (2..=3).contains(&t.text.len())
            && let Some(&p) = known.initials.get(t.lower)
        {
            mark(marks, i, Some(p), Reason::Initials, 0.7);
            continue;
        }
        let candidate = matches!(t.shape, Shape::Cap | Shape::Upper)
            || (t.shape == Shape::Lower && t.lower.chars().count() >= 4);
        let cap_mid = t.shape == Shape::Cap
            && !starts_sentence(text, tokens, i)
            && !after_determiner(tokens, i)
            && t.lower.chars().count() >= 4;
        if candidate
            && (!word || cap_mid)
            && !t.never()
            && !t.is_place()
            && let Some(p) = known.near(t.lower)
        {
            mark(marks, i, Some(p), Reason::NearSpelling, 0.75);
        }
    }
}

fn namey(t: &Token<'_>) -> bool {
    matches!(t.shape, Shape::Cap | Shape::Upper)
        && t.text
            .chars()
            .all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '\u{2019}')
}

/// A capitalised token that could carry a name on its own: in a name list, or no English word.
fn name_like(t: &Token<'_>) -> bool {
    namey(t) && !t.never() && (t.is_name() || !t.is_word())
}

fn possessive_after(text: &str, tokens: &[Token<'_>], i: usize) -> bool {
    let g = gap(text, tokens, i);
    g.starts_with("'s") || g.starts_with("\u{2019}s")
}

/// People the case does not list. `places` holds the one-word places of the case's addresses,
/// which are never taken for names.
pub(crate) fn unknown(
    text: &str,
    tokens: &[Token<'_>],
    places: &HashSet<String>,
    marks: &mut [Option<Mark>],
) {
    let n = tokens.len();
    for i in 0..n {
        let t = &tokens[i];
        if !places.is_empty() && places.contains(t.lower) {
            continue;
        }
        let g = gap(text, tokens, i);
        // Titles and ranks: "PC 2620 Derek Quinn", "Sgt A. Zapadka", "Dr Ogunleye".
        if t.has(lexicon::TITLE)
            && matches!(t.shape, Shape::Cap | Shape::Upper)
            && matches!(g, " " | ". ")
        {
            let mut j = i + 1;
            if tokens.get(j).is_some_and(|x| x.shape == Shape::Digit) && gap(text, tokens, j) == " "
            {
                j += 1;
            }
            let start = j;
            while j < n && j < start + 4 {
                let x = &tokens[j];
                let ok = (namey(x) && !x.has(lexicon::ROLE) && !x.has(lexicon::ORG_HEAD))
                    || x.shape == Shape::Initial;
                if !ok {
                    break;
                }
                mark(marks, j, None, Reason::Title, 0.9);
                let g = gap(text, tokens, j);
                let initial_dot = x.shape == Shape::Initial && matches!(g, ". " | ".");
                if !(matches!(g, " " | "-") || initial_dot) {
                    break;
                }
                j += 1;
            }
            continue;
        }
        let prev_lower = i.checked_sub(1).map(|p| tokens[p].lower);
        // Nicknames after "aka", "known as", "they call": 'Red', TINY, Ant.
        let cue = matches!(
            prev_lower,
            Some("aka" | "a.k.a" | "nicknamed" | "call" | "calls")
        ) || (i > 1 && prev_lower == Some("as") && tokens[i - 2].lower == "known");
        if cue
            && (t.is_capitalised()
                || gap_before(text, tokens, i).ends_with(['\'', '\u{2018}', '"']))
            && !t.never()
        {
            mark(marks, i, None, Reason::Nickname, 0.8);
            continue;
        }
        if t.shape == Shape::Lower {
            lower_case_name(text, tokens, i, marks);
            continue;
        }
        if !namey(t) || t.never() || after_determiner(tokens, i) {
            continue;
        }
        let word = t.is_word();
        let first = t.is_first_name();
        let surname = t.is_surname();
        let place = t.is_place();
        let next = tokens.get(i + 1).filter(|_| g == " ");
        let next_is_name = next.is_some_and(|x| {
            (name_like(x) && !x.is_word())
                || x.shape == Shape::Initial
                || (namey(x) && x.is_surname() && !x.never())
        });
        let speech = next.is_some_and(|x| x.has(lexicon::SPEECH));
        let greeting = matches!(
            prev_lower,
            Some("dear" | "hi" | "hello" | "thanks" | "love" | "from" | "and" | "with")
        ) && !starts_sentence(text, tokens, i);
        let after_prep = matches!(prev_lower, Some("in" | "to" | "at" | "near" | "from"));
        let mid = !starts_sentence(text, tokens, i) && !after_determiner(tokens, i);
        if t.shape == Shape::Upper {
            // BAILEY, Anthony; TONY BAILEY; PAWŁOWSKI, Dariusz; but not MASH or DASH.
            let len = t.text.chars().count();
            let comma_name = g == ", " && tokens.get(i + 1).is_some_and(|x| namey(x) && !x.never());
            if comma_name && !t.has(lexicon::ACRONYM) && len >= 3 {
                mark(marks, i, None, Reason::NameList, 0.75);
                mark(marks, i + 1, None, Reason::NameList, 0.75);
            } else if len >= 3 && t.is_name() && (!word || next_is_name) {
                mark(marks, i, None, Reason::NameList, 0.75);
            }
            continue;
        }
        let before_street =
            next.is_some_and(|x| x.has(lexicon::STREET) || x.has(lexicon::ORG_HEAD));
        if first && !word && !(place && after_prep) {
            mark(marks, i, None, Reason::NameList, 0.8);
        } else if ((first || surname) && (next_is_name || speech || greeting) && !before_street)
            || (surname && !word && !place)
        {
            mark(marks, i, None, Reason::NameList, 0.7);
        } else if !word
            && !place
            && !first
            && !surname
            && !t.is_proper_noun()
            && t.text.chars().count() >= 3
        {
            // No English word and in no list: most such capitalised words are names.
            mark(marks, i, None, Reason::Unlisted, 0.55);
        } else if (first || (possessive_after(text, tokens, i) && !t.has(lexicon::ORG_HEAD)))
            && mid
            && !before_street
            && !(place && after_prep)
        {
            // A first name that is also a word, capitalised mid-sentence: "with Mason after school".
            mark(marks, i, None, Reason::NameList, 0.6);
        } else if speech && (!word || first || surname) {
            // Reported speech: "Rite said: ...".
            mark(marks, i, None, Reason::Context, 0.6);
        } else if mid
            && word
            && !before_street
            && !t.has(lexicon::FUNCTION)
            && next.is_some_and(|x| x.shape == Shape::Lower && x.is_word())
            && i > 0
            && tokens[i - 1].shape == Shape::Lower
            && tokens[i - 1].is_word()
            && !t.is_proper_noun()
        {
            // English capitalises no ordinary word mid-sentence between lower-case words, so
            // "Gift was living at" names someone.
            mark(marks, i, None, Reason::Context, 0.45);
        }
    }
    quoted_and_speakers(text, tokens, marks);
    beside_a_role(text, tokens, marks);
    initials(text, tokens, marks);
}

/// Nouns for what someone is, that a name stands beside: "the social worker, Gareth Thornton,",
/// "Gareth Thornton (health visitor)".
const ROLE_NOUNS: &[&str] = &[
    "worker",
    "visitor",
    "officer",
    "nurse",
    "midwife",
    "teacher",
    "manager",
    "practitioner",
    "consultant",
    "paediatrician",
    "gp",
    "sw",
    "hv",
    "dsl",
    "senco",
    "headteacher",
    "neighbour",
    "friend",
    "advocate",
    "counsellor",
    "therapist",
    "psychologist",
    "psychiatrist",
    "coordinator",
    "lead",
    "chair",
];

/// A name beside a role noun: after it ("the social worker, Gareth Thornton") or before a
/// bracketed role ("Gareth Thornton (health visitor)"). Names in no list, or also towns
/// (Thornton), are found this way.
fn beside_a_role(text: &str, tokens: &[Token<'_>], marks: &mut [Option<Mark>]) {
    let n = tokens.len();
    let name_word = |x: &Token<'_>| {
        x.shape == Shape::Cap
            && namey(x)
            && !x.never()
            && !x.has(lexicon::ORG_HEAD)
            && !STRONG_STREET_WORDS.contains(&x.lower)
    };
    for i in 1..n {
        let prev = &tokens[i - 1];
        let after_role = ROLE_NOUNS.contains(&prev.lower)
            && prev.shape == Shape::Lower
            && matches!(gap_before(text, tokens, i), " " | ", ");
        if after_role && name_word(&tokens[i]) && !after_determiner(tokens, i) {
            let mut j = i;
            while j < n && j < i + 3 && name_word(&tokens[j]) {
                mark(marks, j, None, Reason::Context, 0.7);
                if gap(text, tokens, j) != " " {
                    break;
                }
                j += 1;
            }
        }
        // "... Thornton (health visitor)": back from the bracket over up to three name words.
        if gap(text, tokens, i - 1) == " ("
            && (tokens[i].has(lexicon::ROLE) || ROLE_NOUNS.contains(&tokens[i].lower))
            && name_word(prev)
        {
            let mut j = i - 1;
            loop {
                mark(marks, j, None, Reason::Context, 0.7);
                if j == 0
                    || j + 3 <= i
                    || gap(text, tokens, j - 1) != " "
                    || !name_word(&tokens[j - 1])
                    || starts_sentence(text, tokens, j)
                {
                    break;
                }
                j -= 1;
            }
        }
    }
}

/// Lower-case names in messages: a first name that is no word ("riley"), a name after "tell",
/// and "rileys mum".
fn lower_case_name(text: &str, tokens: &[Token<'_>], i: usize, marks: &mut [Option<Mark>]) {
    let t = &tokens[i];
    if t.lower.chars().count() < 3 || t.has(lexicon::FUNCTION) || t.never() {
        return;
    }
    let word = t.is_word();
    let first = t.is_first_name();
    let after_tell = i > 0 && matches!(tokens[i - 1].lower, "tell" | "ask" | "told" | "asked");
    let before_mum = gap(text, tokens, i) == " "
        && tokens
            .get(i + 1)
            .is_some_and(|x| matches!(x.lower, "mum" | "mums" | "dad" | "nan" | "house" | "flat"))
        && t.lower.ends_with('s');
    let stem = t.lower.strip_suffix('s').unwrap_or(t.lower);
    if (first && !word)
        || (after_tell && (first || !word))
        || (before_mum && (LEXICON.is_first_name(stem) || !LEXICON.is_word(stem)))
    {
        mark(marks, i, None, Reason::Context, 0.6);
    }
}

/// 'Tony', aka 'Red', and message speakers ("[21:24] skinny: ...").
fn quoted_and_speakers(text: &str, tokens: &[Token<'_>], marks: &mut [Option<Mark>]) {
    for i in 0..tokens.len() {
        let t = &tokens[i];
        let before = gap_before(text, tokens, i);
        let after = gap(text, tokens, i);
        if before.ends_with("] ") && after.starts_with(':') && t.shape != Shape::Digit {
            mark(marks, i, None, Reason::Context, 0.8);
            continue;
        }
        let opens = before.ends_with(['\'', '\u{2018}', '"', '\u{201c}']);
        let closes = after.starts_with(['\'', '\u{2019}', '"', '\u{201d}']);
        if opens && closes && namey(t) && !t.never() {
            let cue = i > 0 && NICK_CUES.contains(&tokens[i - 1].lower)
                || (i > 1 && tokens[i - 2].lower == "known");
            if cue || !t.is_word() {
                mark(marks, i, None, Reason::Nickname, 0.8);
            }
        }
    }
}

/// K.L., C.W, A.A., and two- or three-letter initials in brackets after a name: "(HH)".
fn initials(text: &str, tokens: &[Token<'_>], marks: &mut [Option<Mark>]) {
    let n = tokens.len();
    for i in 0..n {
        let t = &tokens[i];
        if t.shape != Shape::Initial {
            continue;
        }
        let after_role = i > 0
            && matches!(
                tokens[i - 1].lower,
                "child" | "adult" | "sibling" | "baby" | "person" | "parent" | "subject" | "plan"
            );
        if after_role {
            continue;
        }
        if gap(text, tokens, i) == "."
            && tokens.get(i + 1).is_some_and(|x| x.shape == Shape::Initial)
        {
            mark(marks, i, None, Reason::Initials, 0.8);
            mark(marks, i + 1, None, Reason::Initials, 0.8);
        }
    }
    for i in 0..n {
        let t = &tokens[i];
        if t.shape == Shape::Upper
            && (2..=3).contains(&t.text.chars().count())
            && !t.has(lexicon::ACRONYM)
            && gap_before(text, tokens, i).ends_with('(')
            && gap(text, tokens, i).starts_with(')')
            && (t.text.len() == 2 || (i > 0 && marks[i - 1].is_some()))
        {
            mark(marks, i, None, Reason::Initials, 0.6);
        }
    }
}

/// Grows each name over the capitalised name-like words beside it ("Donna" -> "Donna Wilson"),
/// then marks every other mention of a found name in the text.
pub(crate) fn extend_and_propagate(text: &str, tokens: &[Token<'_>], marks: &mut [Option<Mark>]) {
    let n = tokens.len();
    for _ in 0..2 {
        for i in 0..n {
            let Some(m) = marks[i] else { continue };
            let grown = Some(Mark {
                confidence: m.confidence * 0.9,
                ..m
            });
            if i + 1 < n && marks[i + 1].is_none() && matches!(gap(text, tokens, i), " " | "-") {
                let x = &tokens[i + 1];
                let surname_like = namey(x)
                    && !x.never()
                    && !x.has(lexicon::ORG_HEAD)
                    && !STRONG_STREET_WORDS.contains(&x.lower)
                    && (x.is_surname()
                        || !x.is_word()
                        || tokens[i].is_first_name()
                        || m.person.is_some());
                if surname_like || x.shape == Shape::Initial {
                    marks[i + 1] = grown;
                }
            }
            if i > 0 && marks[i - 1].is_none() {
                let x = &tokens[i - 1];
                let g = gap(text, tokens, i - 1);
                let before_role = i > 1 && tokens[i - 2].has(lexicon::ROLE);
                let initial = x.shape == Shape::Initial && matches!(g, " " | ". ") && !before_role;
                let forename = g == " "
                    && namey(x)
                    && !x.never()
                    && !after_determiner(tokens, i - 1)
                    && !x.has(lexicon::FUNCTION)
                    && (x.is_first_name()
                        || !x.is_word()
                        || !starts_sentence(text, tokens, i - 1)
                        || !tokens[i].is_word())
                    && !x.is_place();
                if initial || forename {
                    marks[i - 1] = grown;
                }
            }
        }
    }
    // Initials of the full names found: "Nathan Clegg" makes NC and N.C. names too.
    let mut inits: HashSet<String> = HashSet::default();
    let mut i = 0;
    while i < n {
        if marks[i].is_some() && tokens[i].shape == Shape::Cap {
            let mut j = i;
            while j + 1 < n && marks[j + 1].is_some() && gap(text, tokens, j) == " " {
                j += 1;
            }
            if j > i && tokens[j].shape == Shape::Cap {
                let a = tokens[i].text.chars().next();
                let b = tokens[j].text.chars().next();
                if let (Some(a), Some(b)) = (a, b) {
                    inits.insert([a, b].iter().collect::<String>().to_lowercase());
                }
            }
            i = j + 1;
        } else {
            i += 1;
        }
    }
    for i in 0..n {
        let t = &tokens[i];
        if marks[i].is_none()
            && t.shape == Shape::Upper
            && t.text.len() == 2
            && inits.contains(t.lower)
            && !t.has(lexicon::ACRONYM)
        {
            marks[i] = Some(Mark {
                person: None,
                reason: Reason::Initials,
                confidence: 0.6,
                note: None,
                shared: false,
            });
        }
    }
    // Every other mention of a name found once.
    let mut names: HashMap<&str, Mark> = HashMap::default();
    let mut word_names: HashSet<&str> = HashSet::default();
    for (i, m) in marks.iter().enumerate() {
        let Some(m) = m else { continue };
        let t = &tokens[i];
        if t.text.chars().count() < 3 || t.shape == Shape::Digit {
            continue;
        }
        if t.is_word() {
            word_names.insert(t.lower);
        } else {
            names.entry(t.lower).or_insert(*m);
        }
    }
    for i in 0..n {
        if marks[i].is_some() {
            continue;
        }
        let t = &tokens[i];
        if let Some(m) = names.get(t.lower) {
            marks[i] = Some(Mark {
                reason: Reason::Repeated,
                ..*m
            });
        } else if word_names.contains(t.lower)
            && t.shape == Shape::Cap
            && !after_determiner(tokens, i)
            && !starts_sentence(text, tokens, i)
        {
            marks[i] = Some(Mark {
                person: None,
                reason: Reason::Repeated,
                confidence: 0.5,
                note: None,
                shared: false,
            });
        }
    }
}

/// Joins neighbouring marked tokens of the same person into one PERSON candidate.
pub(crate) fn emit(
    text: &str,
    tokens: &[Token<'_>],
    marks: &[Option<Mark>],
    out: &mut Vec<Candidate>,
) {
    let mut i = 0;
    while i < tokens.len() {
        let Some(m) = marks[i] else {
            i += 1;
            continue;
        };
        let mut j = i;
        let mut conf = m.confidence;
        // The run is in doubt only if every token of it is.
        let mut note = m.note;
        while j + 1 < tokens.len() {
            let Some(next) = marks[j + 1] else { break };
            let g = gap(text, tokens, j);
            let same = next.person == m.person
                || next.person.is_none()
                || m.person.is_none()
                || next.shared
                || (i..=j).all(|k| marks[k].is_some_and(|m| m.shared));
            let surname_forename = g == ", " && tokens[j].shape == Shape::Upper && j == i;
            let initial_dot = tokens[j].shape == Shape::Initial && matches!(g, "." | ". ");
            if !same || !(matches!(g, " " | "-") || initial_dot || surname_forename) {
                break;
            }
            conf = conf.max(next.confidence);
            note = note.and(next.note);
            j += 1;
        }
        // The person of a part only one person gives, else of any part.
        let person = (i..=j)
            .find_map(|k| marks[k].filter(|m| !m.shared).and_then(|m| m.person))
            .or_else(|| (i..=j).find_map(|k| marks[k].and_then(|m| m.person)));
        let mut c = Candidate::new(
            tokens[i].start,
            tokens[j].end,
            Label::Person,
            m.reason,
            conf,
        );
        c.person = person;
        c.note = note;
        out.push(c);
        i = j + 1;
    }
}
