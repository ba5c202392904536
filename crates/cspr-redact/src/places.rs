//! Street addresses, named organisations (schools, nurseries, GP practices, hospitals) and towns
//! or districts standing alone. Works on word tokens: an address is a unit and number, a street
//! name ending in a street word, then comma-separated district and town.

use crate::lexicon::{self, LEXICON};
use crate::text::{Shape, Token, gap, gap_before, starts_sentence};
use crate::{Candidate, Label, Reason};

const UNIT_WORDS: &[&str] = &["flat", "room", "plot", "apartment", "apt", "unit", "house"];

/// Street words that say "this is a street" even with no number before them.
const STREET_WORDS: &[&str] = &[
    "road",
    "rd",
    "street",
    "st",
    "lane",
    "ln",
    "avenue",
    "ave",
    "drive",
    "dr",
    "close",
    "cl",
    "way",
    "walk",
    "mews",
    "gardens",
    "gdns",
    "grove",
    "gr",
    "terrace",
    "terr",
    "crescent",
    "cres",
    "rise",
    "view",
    "square",
    "sq",
    "row",
    "parade",
    "place",
    "pl",
    "court",
    "ct",
    "croft",
    "approach",
    "boulevard",
    "chase",
    "fold",
    "wharf",
    "hill",
    "park",
    "green",
    "vale",
    "yard",
    "gate",
    "side",
    "meadows",
];
/// Short forms that only ever end a street name.
const STREET_ABBREVIATIONS: &[&str] = &[
    "rd", "st", "ln", "ave", "cl", "gdns", "gr", "terr", "cres", "sq", "ct", "pl", "dr", "road",
    "street", "lane", "avenue", "close", "gardens", "grove", "terrace", "crescent", "mews",
];
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "my", "his", "her", "their", "our", "your", "this", "that",
];

/// Street words that are common enough elsewhere that a street needs a number before them.
const WEAK_STREET_WORDS: &[&str] = &[
    "st", "dr", "hill", "park", "green", "vale", "yard", "gate", "side", "view", "row", "way",
    "place", "pl", "court", "ct", "gr", "rise",
];
const BUILDING_WORDS: &[&str] = &[
    "house",
    "tower",
    "towers",
    "lodge",
    "court",
    "block",
    "buildings",
    "mansions",
    "apartments",
    "heights",
    "point",
    "hall",
    "mill",
    "works",
    "chambers",
    "cottages",
    "flats",
    "villas",
];
/// Words that end the name of a school, nursery, GP practice or hospital.
const ORG_HEADS: &[&str] = &[
    "school",
    "academy",
    "college",
    "nursery",
    "pre-school",
    "preschool",
    "hospital",
    "infirmary",
    "practice",
    "surgery",
    "clinic",
    "pru",
    "partners",
    "centre",
    "center",
    "association",
    "homes",
    "housing",
];
/// A "Centre" is an organisation only with one of these before it.
const CENTRE_KINDS: &[&str] = &[
    "medical",
    "health",
    "children's",
    "family",
    "community",
    "youth",
    "resource",
    "contact",
];
/// Words that say what kind of place an organisation is but not which: a name made only of
/// them ("the Primary School", "the Medical Centre", "a Housing Association") is generic.
const GENERIC_ORG_WORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "children",
    "children's",
    "primary",
    "secondary",
    "infant",
    "infants",
    "junior",
    "high",
    "special",
    "nursery",
    "pre-school",
    "preschool",
    "medical",
    "health",
    "family",
    "community",
    "youth",
    "resource",
    "contact",
    "housing",
    "general",
    "district",
    "local",
    "nhs",
    "foundation",
    "trust",
    "council",
    "social",
    "care",
    "sure",
    "start",
    "day",
    "free",
    "grammar",
    "sixth",
    "form",
    "further",
    "education",
    "city",
    "county",
    "university",
    "teaching",
    "dental",
    "urgent",
    "treatment",
    "walk-in",
    "gp",
    "doctors",
    "mental",
    "maternity",
    "independent",
    "private",
    "residential",
    "supported",
    "temporary",
    "emergency",
    "association",
    "homes",
    "school",
    "academy",
    "college",
    "hospital",
    "practice",
    "surgery",
    "clinic",
    "centre",
    "center",
    "pru",
    "partners",
    "infirmary",
];
/// Place words that make a capitalised name after "in", "near", "to" a place.
const PLACE_TAILS: &[&str] = &[
    "park", "rec", "hill", "green", "estate", "common", "heath", "fields", "end", "town", "vale",
    "wood", "moor", "bridge", "village", "side", "gate", "cross", "bank",
];
/// Lower-case words inside the names of towns: Newcastle upon Tyne, Barrow in Furness.
const PLACE_JOINERS: &[&str] = &["upon", "on", "under", "in", "le", "by", "next", "the", "de"];
/// Words before "estate" that say what kind of estate, not which.
const GENERIC_ESTATE_WORDS: &[&str] = &[
    "housing",
    "council",
    "industrial",
    "trading",
    "business",
    "retail",
    "new",
    "local",
    "same",
    "whole",
    "social",
    "private",
    "the",
    "an",
    "a",
    "large",
    "small",
    "this",
    "that",
];
const PLACE_PREPOSITIONS: &[&str] = &[
    "in", "to", "near", "from", "at", "around", "towards", "outside", "of",
];

/// The short lists the lexicon keeps as flags of each word.
pub(crate) fn word_lists() -> [(&'static [&'static str], u16); 3] {
    [
        (ORG_HEADS, lexicon::ORG_HEAD),
        (STREET_WORDS, lexicon::STREET),
        (BUILDING_WORDS, lexicon::STREET),
    ]
}

fn is_in(list: &[&str], w: &str) -> bool {
    list.contains(&w)
}

fn is_house_number(t: &Token<'_>) -> bool {
    let b = t.text.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    (1..=4).contains(&digits)
        && b.len() - digits <= 1
        && b[digits..].iter().all(u8::is_ascii_alphabetic)
}

fn separated_by(text: &str, tokens: &[Token<'_>], i: usize, seps: &[&str]) -> bool {
    i + 1 < tokens.len() && seps.contains(&gap(text, tokens, i))
}

/// Street name tokens then a street or building word, from token `i`; returns the index of the
/// street word. `loose` lets lower-case words in (messages write addresses in lower case).
fn street_from(
    text: &str,
    tokens: &[Token<'_>],
    i: usize,
    loose: bool,
    words: &[&str],
) -> Option<usize> {
    for j in i..i + 4 {
        let t = tokens.get(j)?;
        let named = t.is_capitalised() || (loose && t.shape == Shape::Lower);
        if !named {
            return None;
        }
        if j > i && is_in(words, t.lower) {
            return Some(j);
        }
        if !separated_by(text, tokens, j, &[" ", "'s ", "\u{2019}s "]) {
            return None;
        }
    }
    None
}

pub(crate) fn addresses(text: &str, tokens: &[Token<'_>], out: &mut Vec<Candidate>) {
    let mut i = 0;
    while i < tokens.len() {
        if let Some((end_tok, confidence)) = address_at(text, tokens, i) {
            let end_tok = extend_with_places(text, tokens, end_tok);
            out.push(Candidate::new(
                tokens[i].start,
                tokens[end_tok].end,
                Label::Address,
                Reason::Pattern,
                confidence,
            ));
            i = end_tok + 1;
        } else {
            i += 1;
        }
    }
}

fn address_at(text: &str, tokens: &[Token<'_>], i: usize) -> Option<(usize, f32)> {
    let t = &tokens[i];
    let mut j = i;
    let mut numbered = false;
    if is_in(UNIT_WORDS, t.lower)
        && tokens.get(i + 1).is_some_and(is_house_number)
        && t.lower != "house"
    {
        numbered = true;
        j = i + 2;
        if !separated_by(text, tokens, j - 1, &[", ", " "]) {
            return None;
        }
    }
    if tokens.get(j).is_some_and(is_house_number) && separated_by(text, tokens, j, &[" "]) {
        numbered = true;
        j += 1;
    } else if j == i {
        // No number: a street alone after "on", "in", "at", ... with a street word that is not
        // common elsewhere; after "on" any street word will do ("on Clarence View").
        let prev = i.checked_sub(1).map(|p| tokens[p].lower);
        if !prev.is_some_and(|p| matches!(p, "on" | "in" | "at" | "off" | "along" | "to" | "from"))
        {
            return None;
        }
        if t.shape == Shape::Lower {
            // Messages: "bring the stuff to bluebell st".
            if DETERMINERS.contains(&t.lower) || t.is_word() && t.lower.len() < 4 {
                return None;
            }
            let end = street_from(text, tokens, i, true, STREET_ABBREVIATIONS)?;
            // A message writes its street word in lower case too: "at home by Dr Khan" is a
            // title, not "home by dr".
            return (end <= i + 2 && tokens[end].shape == Shape::Lower).then_some((end, 0.6));
        }
        if !t.is_capitalised() {
            return None;
        }
        let end = street_from(text, tokens, i, false, STREET_WORDS)?;
        let weak = is_in(WEAK_STREET_WORDS, tokens[end].lower);
        if weak && prev != Some("on") && !is_in(STREET_ABBREVIATIONS, tokens[end].lower) {
            return None;
        }
        return Some((end, 0.7));
    }
    let loose = numbered && tokens[i].shape != Shape::Cap || tokens[j].shape == Shape::Lower;
    if !numbered {
        return None;
    }
    // A building ("Milton Tower") may come before the street.
    if let Some(b) = street_from(text, tokens, j, loose, BUILDING_WORDS)
        && separated_by(text, tokens, b, &[", "])
    {
        if let Some(s) = street_from(text, tokens, b + 1, loose, STREET_WORDS) {
            return Some((s, 0.95));
        }
        if tokens.get(b + 1).is_some_and(is_house_number)
            && let Some(s) = street_from(text, tokens, b + 2, loose, STREET_WORDS)
        {
            return Some((s, 0.95));
        }
        return Some((b, 0.85));
    }
    let s = street_from(text, tokens, j, loose, STREET_WORDS)?;
    Some((s, 0.95))
}

/// After a street: ", District, Town" while each part is one to three capitalised words.
fn extend_with_places(text: &str, tokens: &[Token<'_>], mut end: usize) -> usize {
    for _ in 0..3 {
        if !separated_by(text, tokens, end, &[", ", ","]) {
            break;
        }
        let mut last = None;
        for k in end + 1..end + 4 {
            let Some(t) = tokens.get(k) else { break };
            if t.shape != Shape::Cap || is_title(t.lower) {
                break;
            }
            last = Some(k);
            if !separated_by(text, tokens, k, &[" "]) {
                break;
            }
        }
        match last {
            Some(l) => end = l,
            None => break,
        }
    }
    end
}

fn is_title(lower: &str) -> bool {
    crate::people::TITLES.contains(&lower)
}

/// Named schools, nurseries, GP practices and hospitals: a run of capitalised words ending in
/// a word such as School or Infirmary; then their short forms (first word, initials) elsewhere.
pub(crate) fn organisations(text: &str, tokens: &[Token<'_>], out: &mut Vec<Candidate>) {
    let mut found: Vec<(usize, usize)> = Vec::new();
    for h in 0..tokens.len() {
        let head = &tokens[h];
        if !head.is_capitalised() || !head.has(lexicon::ORG_HEAD) || h == 0 {
            continue;
        }
        if matches!(head.lower, "centre" | "center") {
            // "Children's Centre": the tokeniser leaves the possessive out of the word.
            let kind = tokens[h - 1].lower;
            let possessive = matches!(gap(text, tokens, h - 1), "'s " | "\u{2019}s ");
            if !(is_in(CENTRE_KINDS, kind) || (kind == "children" && possessive)) {
                continue;
            }
        }
        // Skip a head followed by another head ("Centre Nursery"): the later one closes it.
        if separated_by(text, tokens, h, &[" "])
            && tokens
                .get(h + 1)
                .is_some_and(|n| n.is_capitalised() && n.has(lexicon::ORG_HEAD))
        {
            continue;
        }
        let mut s = h;
        while s > 0 {
            let g = gap(text, tokens, s - 1);
            if !matches!(g, " " | "'s " | "\u{2019}s ") {
                break;
            }
            let p = &tokens[s - 1];
            // "Dr Khan and Partners", "Jack and Jill Nursery", but not "... School and Elm ...".
            let joiner = matches!(p.lower, "of")
                || (matches!(p.lower, "and" | "&")
                    && s >= 2
                    && tokens[s - 2].is_capitalised()
                    && !tokens[s - 2].has(lexicon::ORG_HEAD));
            if !(p.is_capitalised() || joiner || p.shape == Shape::Initial) {
                break;
            }
            s -= 1;
            // A sentence's first word is not part of the name unless it is "The".
            if starts_sentence(text, tokens, s) {
                break;
            }
        }
        while s < h && matches!(tokens[s].lower, "and" | "of") {
            s += 1;
        }
        if s == h {
            continue;
        }
        if s > 0 && tokens[s - 1].text == "The" && gap(text, tokens, s - 1) == " " {
            s -= 1;
        }
        // "the Primary School", "the Children's Centre": a kind of place, not a named one.
        if tokens[s..=h]
            .iter()
            .all(|t| is_in(GENERIC_ORG_WORDS, t.lower) || t.shape == Shape::Initial)
        {
            continue;
        }
        out.push(Candidate::new(
            tokens[s].start,
            head.end,
            Label::Org,
            Reason::Pattern,
            0.9,
        ));
        found.push((s, h));
    }
    named_after(text, tokens, out);
    short_forms(tokens, &found, out);
    // "seen at SDGH", "admitted to WRI": an unknown upper-case short form after "at" or "to".
    for i in 1..tokens.len() {
        let t = &tokens[i];
        if t.shape == Shape::Upper
            && (3..=5).contains(&t.text.len())
            && matches!(tokens[i - 1].lower, "at" | "to" | "from")
            && !t.has(lexicon::ACRONYM)
            && !t.is_word()
            && !t.is_name()
        {
            out.push(Candidate::new(
                t.start,
                t.end,
                Label::Org,
                Reason::ShortForm,
                0.5,
            ));
        }
    }
}

/// "Homes for Northfield" (a housing provider named after its place) and "Dr Patel's practice"
/// (a GP practice named after its doctor, in lower case).
fn named_after(text: &str, tokens: &[Token<'_>], out: &mut Vec<Candidate>) {
    for i in 0..tokens.len() {
        let t = &tokens[i];
        if t.text == "Homes"
            && tokens.get(i + 1).is_some_and(|f| f.lower == "for")
            && separated_by(text, tokens, i, &[" "])
            && separated_by(text, tokens, i + 1, &[" "])
            && tokens.get(i + 2).is_some_and(|x| x.shape == Shape::Cap)
        {
            let mut end = i + 2;
            while end < i + 4
                && separated_by(text, tokens, end, &[" "])
                && tokens[end + 1].shape == Shape::Cap
                && !tokens[end + 1].never()
            {
                end += 1;
            }
            out.push(Candidate::new(
                t.start,
                tokens[end].end,
                Label::Org,
                Reason::Pattern,
                0.85,
            ));
        }
        if matches!(t.lower, "practice" | "surgery" | "clinic")
            && t.shape == Shape::Lower
            && i >= 2
            && matches!(gap_before(text, tokens, i), "'s " | "\u{2019}s ")
            && tokens[i - 1].shape == Shape::Cap
            && matches!(tokens[i - 2].lower, "dr" | "doctor")
            && matches!(gap(text, tokens, i - 2), " " | ". ")
        {
            out.push(Candidate::new(
                tokens[i - 2].start,
                t.end,
                Label::Org,
                Reason::Pattern,
                0.85,
            ));
        }
    }
}

fn short_forms(tokens: &[Token<'_>], found: &[(usize, usize)], out: &mut Vec<Candidate>) {
    let mut forms: Vec<String> = Vec::new();
    for &(s, h) in found {
        let words: Vec<&Token<'_>> = tokens[s..=h]
            .iter()
            .filter(|t| t.text != "The" && t.is_capitalised())
            .collect();
        if let Some(first) = words.first()
            && first.shape == Shape::Cap
            && !first.is_word()
            && first.lower.chars().count() >= 4
            && !is_title(first.lower)
        {
            forms.push(first.text.to_string());
        }
        let acronym: String = words.iter().filter_map(|t| t.text.chars().next()).collect();
        if acronym.chars().count() >= 3 {
            forms.push(acronym);
        }
    }
    if forms.is_empty() {
        return;
    }
    let inside = |i: usize| {
        found
            .iter()
            .any(|&(s, h)| tokens[s].start <= tokens[i].start && tokens[i].end <= tokens[h].end)
    };
    for (i, t) in tokens.iter().enumerate() {
        if forms.iter().any(|f| f == t.text) && !inside(i) {
            out.push(Candidate::new(
                t.start,
                t.end,
                Label::Org,
                Reason::ShortForm,
                0.8,
            ));
        }
    }
}

/// Towns and districts from the shipped list, from the case's addresses, and capitalised names
/// after "in", "near", "moved to" that end in a place word (Park, Rec, Hill) or are no English word.
pub(crate) fn locations(
    text: &str,
    tokens: &[Token<'_>],
    case_places: &[Vec<String>],
    out: &mut Vec<Candidate>,
) {
    let mut buf = String::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if t.shape != Shape::Cap {
            i += 1;
            continue;
        }
        let after_prep = i > 0
            && is_in(PLACE_PREPOSITIONS, tokens[i - 1].lower)
            && gap_before(text, tokens, i) == " ";
        // An estate or a saint's district first: "in Oak Park estate" is more than "Oak Park".
        let mut matched = estate_or_saint(text, tokens, i);
        // Longest first: "Newcastle upon Tyne" before "Newcastle".
        for n in (1..=4).rev() {
            if matched.is_some() {
                break;
            }
            if i + n > tokens.len() {
                continue;
            }
            let run = &tokens[i..i + n];
            // "Newcastle upon Tyne", "Bishop's Stortford": capitals, joined by a few lower-case
            // words or a possessive.
            let joined = run[n - 1].shape == Shape::Cap
                && run[1..n.max(2) - 1]
                    .iter()
                    .all(|r| r.shape == Shape::Cap || is_in(PLACE_JOINERS, r.lower))
                && (0..n - 1)
                    .all(|k| matches!(gap(text, tokens, i + k), " " | "'s " | "\u{2019}s "));
            if !joined {
                continue;
            }
            let plain = run.iter().all(|r| r.shape == Shape::Cap)
                && (0..n - 1).all(|k| gap(text, tokens, i + k) == " ");
            // A single word's lists were looked up by the tokeniser.
            let flags = if n == 1 && !t.text.contains(['-', '\'', '\u{2019}']) {
                run[0].lex
            } else {
                buf.clear();
                for (k, r) in run.iter().enumerate() {
                    if k > 0 {
                        buf.push(' ');
                    }
                    buf.push_str(r.lower);
                    if k + 1 < n && gap(text, tokens, i + k) != " " {
                        buf.push('s');
                    }
                }
                let own = if n == 1 { run[0].lex } else { 0 };
                // Most runs are plain words, keyed as they are.
                let listed = if buf.contains(['-', '\'', '\u{2019}']) {
                    LEXICON.flags(&lexicon::place_key(&buf))
                } else {
                    LEXICON.flags(&buf)
                };
                own | listed
            };
            if !plain && flags & lexicon::PLACE == 0 {
                continue;
            }
            let in_case = case_places
                .iter()
                .any(|p| p.len() == n && p.iter().zip(run).all(|(a, b)| *a == b.lower));
            let listed = flags & lexicon::PLACE != 0;
            let ordinary =
                n == 1 && flags & (lexicon::WORD | lexicon::FIRST | lexicon::SURNAME) != 0;
            if in_case || (listed && (!ordinary || after_prep)) {
                matched = Some((n, if in_case { 0.9 } else { 0.75 }));
                break;
            }
            if after_prep && n >= 1 {
                let last = &run[n - 1].lower;
                let tail = n >= 2 && is_in(PLACE_TAILS, last);
                let unknown = run.iter().all(|r| !r.is_word() && !is_title(r.lower))
                    && !run.iter().any(|r| r.has(lexicon::ROLE));
                if tail
                    || (unknown
                        && n == 1
                        && last.chars().count() >= 3
                        && !LEXICON.is_first_name(last))
                {
                    matched = Some((n, 0.6));
                    break;
                }
            }
        }
        // "Craylands Park", "Foxhill Rec": a word in no dictionary and a place word.
        if matched.is_none()
            && i + 1 < tokens.len()
            && gap(text, tokens, i) == " "
            && tokens[i + 1].shape == Shape::Cap
            && is_in(PLACE_TAILS, tokens[i + 1].lower)
            && !t.is_word()
            && !t.is_name()
        {
            matched = Some((2, 0.5));
        }
        if let Some((n, confidence)) = matched {
            // "St Ann's": the possessive is part of the district's name.
            let mut end = tokens[i + n - 1].end;
            if matches!(t.lower, "st" | "saint") {
                let g = gap(text, tokens, i + n - 1);
                end += ["'s", "\u{2019}s"]
                    .iter()
                    .find(|p| g.starts_with(**p))
                    .map_or(0, |p| p.len());
            }
            out.push(Candidate::new(
                t.start,
                end,
                Label::Location,
                Reason::Gazetteer,
                confidence,
            ));
            i += n;
        } else {
            i += 1;
        }
    }
}

/// "the Meadowell estate", "Broadwater Farm Estate", "Oak Park estate": up to three capitalised
/// words then "estate"; and "St Ann's", a district named after a saint, standing alone. The
/// number of tokens taken and the confidence.
fn estate_or_saint(text: &str, tokens: &[Token<'_>], i: usize) -> Option<(usize, f32)> {
    let t = &tokens[i];
    if matches!(t.lower, "st" | "saint")
        && matches!(gap(text, tokens, i), " " | ". ")
        && tokens.get(i + 1).is_some_and(|x| x.shape == Shape::Cap)
        && ["'s", "\u{2019}s"]
            .iter()
            .any(|p| gap(text, tokens, i + 1).starts_with(p))
        // "St Mary's School", "St Ann's Road": a name of something else.
        && !(matches!(gap(text, tokens, i + 1), "'s " | "\u{2019}s ")
            && tokens.get(i + 2).is_some_and(Token::is_capitalised))
    {
        return Some((2, 0.6));
    }
    if is_in(GENERIC_ESTATE_WORDS, t.lower) {
        return None;
    }
    for n in 1..=3 {
        let last = tokens.get(i + n)?;
        if !separated_by(text, tokens, i + n - 1, &[" "]) {
            return None;
        }
        if last.lower == "estate" || last.lower == "estates" {
            return Some((n + 1, 0.7));
        }
        if last.shape != Shape::Cap {
            return None;
        }
    }
    None
}

/// The place parts of the case's addresses: streets (as ADDRESS) and districts or towns (as
/// LOCATION), each as lower-case words.
pub(crate) fn case_places(case: &crate::CaseKnowledge) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let mut streets = Vec::new();
    let mut places = Vec::new();
    // A family often shares its addresses: each is read once.
    let mut seen: Vec<&str> = Vec::new();
    for person in &case.people {
        for address in &person.addresses {
            if seen.contains(&address.as_str()) {
                continue;
            }
            seen.push(address);
            for part in address.split(',') {
                let words: Vec<String> = part
                    .split_whitespace()
                    .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
                    .map(str::to_lowercase)
                    .collect();
                // The postcode's words carry digits and were dropped above.
                if words.is_empty() || words.len() > 4 {
                    continue;
                }
                let is_street = words
                    .last()
                    .is_some_and(|w| LEXICON.flags(w) & lexicon::STREET != 0)
                    || part.chars().any(|c| c.is_ascii_digit());
                let target = if is_street { &mut streets } else { &mut places };
                if !target.contains(&words) {
                    target.push(words);
                }
            }
        }
    }
    (streets, places)
}

/// Streets of the case's addresses mentioned without a number ("on Laburnum Street").
pub(crate) fn case_streets(
    tokens: &[Token<'_>],
    streets: &[Vec<String>],
    out: &mut Vec<Candidate>,
) {
    for s in streets {
        if s.len() < 2 {
            continue;
        }
        for i in 0..tokens.len().saturating_sub(s.len() - 1) {
            if tokens[i..i + s.len()]
                .iter()
                .zip(s)
                .all(|(t, w)| t.lower == *w)
            {
                out.push(Candidate::new(
                    tokens[i].start,
                    tokens[i + s.len() - 1].end,
                    Label::Address,
                    Reason::CaseKnowledge,
                    0.9,
                ));
            }
        }
    }
}
