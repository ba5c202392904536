//! Identifiers with a fixed form: email addresses, UK phone numbers, postcodes, NHS numbers
//! (modulus 11 check digit), National Insurance numbers and calendar dates.

use std::sync::LazyLock;

use regex::Regex;

use crate::{Candidate, Label, Reason};

fn re(pattern: &str) -> Regex {
    // The patterns are fixed strings of this module; a bad one fails every test at once.
    #[expect(clippy::expect_used, reason = "fixed patterns, checked by the tests")]
    Regex::new(pattern).expect("valid pattern")
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
});
static POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?-u:\b)(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR) ?[0-9][ABD-HJLNP-UW-Z]{2}(?-u:\b)")
});
static NHS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?-u:\b)[0-9]{3}[ \-]?[0-9]{3}[ \-]?[0-9]{4}(?-u:\b)"));
static NI: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?-u:\b)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D](?-u:\b)")
});
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:\+44[ ]?(?:\(0\)[ ]?)?[1-9]|\(0[0-9]{2,4}\)[ ]?[0-9]|(?-u:\b)0[0-9])[0-9 \-]{4,14}[0-9]",
    )
});

const MONTH: &str = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?";

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let day_name = r"(?:(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?,?[ ]+)?";
    let ord = r"[0-9]{1,2}(?:st|nd|rd|th)?";
    // A year of four digits, or two ("12 Sep 21", "Sept '19").
    let year = r"(?:[0-9]{4}|['\u{2019}]?[0-9]{2})";
    re(&format!(
        r"(?-u:\b)(?:{day_name}{ord}(?:[ ]+of)?[ ]+{MONTH}(?:,?[ ]+{year})?|{day_name}{MONTH}[ ]+{ord}(?:,?[ ]+[0-9]{{4}})?|{MONTH}[ ]+(?:[0-9]{{4}}|['\u{{2019}}][0-9]{{2}})|[0-9]{{1,2}}-{MONTH}-(?:[0-9]{{4}}|[0-9]{{2}})|{MONTH}-[0-9]{{2}}|[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}|[0-9]{{1,2}}[./\-][0-9]{{1,2}}[./\-](?:[0-9]{{4}}|[0-9]{{2}})|(?:0?[1-9]|1[0-2])/(?:19|20)[0-9]{{2}})(?-u:\b)"
    ))
});
/// The start of a range before a date: "12-" or "12 to " (days), "September to " (months).
static RANGE_START: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?-u:\b)(?:[0-9]{{1,2}}(?:st|nd|rd|th)?|{MONTH})[ ]?(?:-|\u{{2013}}|\u{{2014}}|[ ]to[ ]|[ ]and[ ]|[ ]&[ ])[ ]?$"
    ))
});
/// Words just before a date that make it a date of birth.
static BIRTH_CUE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:\bDOB|D\.O\.B\.?|date of birth|\bborn(?: on)?|\bb\.)\W{0,3}$"));

/// NHS numbers carry a modulus 11 check digit (NHS Data Dictionary, "NHS Number").
pub fn nhs_number_is_valid(digits: &[u8]) -> bool {
    if digits.len() != 10 {
        return false;
    }
    let sum: u32 = digits[..9]
        .iter()
        .zip((2..=10).rev())
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    let check = 11 - (sum % 11);
    let check = if check == 11 { 0 } else { check };
    check != 10 && check == u32::from(digits[9])
}

fn digits_of(s: &str) -> Vec<u8> {
    s.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect()
}

pub(crate) fn detect(text: &str, out: &mut Vec<Candidate>) {
    // Every pattern but the email needs a digit, and the email needs an @: a text without them
    // is not searched at all.
    if text.contains('@') {
        emails(text, out);
    }
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return;
    }
    numbers(text, out);
}

fn emails(text: &str, out: &mut Vec<Candidate>) {
    for m in EMAIL.find_iter(text) {
        let s = m.as_str().trim_end_matches(['.', '-']);
        out.push(Candidate::new(
            m.start(),
            m.start() + s.len(),
            Label::Email,
            Reason::Pattern,
            0.99,
        ));
    }
}

fn numbers(text: &str, out: &mut Vec<Candidate>) {
    for m in NHS.find_iter(text) {
        let digits = digits_of(m.as_str());
        let cue = text[..m.start()]
            .get(m.start().saturating_sub(12)..)
            .is_some_and(|b| b.contains("NHS"));
        if nhs_number_is_valid(&digits) {
            out.push(Candidate::new(
                m.start(),
                m.end(),
                Label::NhsNumber,
                Reason::Checksum,
                0.97,
            ));
        } else if cue {
            out.push(Candidate::new(
                m.start(),
                m.end(),
                Label::NhsNumber,
                Reason::Context,
                0.6,
            ));
        }
    }
    for m in NI.find_iter(text) {
        let prefix = &m.as_str()[..2];
        if !matches!(prefix, "BG" | "GB" | "NK" | "KN" | "TN" | "NT" | "ZZ") {
            out.push(Candidate::new(
                m.start(),
                m.end(),
                Label::NiNumber,
                Reason::Pattern,
                0.95,
            ));
        }
    }
    for m in POSTCODE.find_iter(text) {
        out.push(Candidate::new(
            m.start(),
            m.end(),
            Label::Postcode,
            Reason::Pattern,
            0.9,
        ));
    }
    phones(text, out);
    dates(text, out);
}

/// A UK number has 10 or 11 digits after the trunk 0 (or +44); digit groups are taken while
/// the count still fits, so a number followed by another figure is not swallowed whole.
fn phones(text: &str, out: &mut Vec<Candidate>) {
    for m in PHONE.find_iter(text) {
        let s = m.as_str();
        let intl = s.starts_with("+44");
        let mut count = 0usize;
        let mut last_good = None;
        let mut i = 0;
        let bytes = s.as_bytes();
        // "+44 (0)" contributes the trunk zero only once.
        if intl {
            count = 1; // the trunk 0 that +44 stands for
            i = 3;
            if let Some(p) = s.find("(0)") {
                i = p + 3;
            }
        }
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_digit() {
                count += 1;
                if count > 11 {
                    break;
                }
                let group_ends = bytes.get(i + 1).is_none_or(|n| !n.is_ascii_digit());
                if group_ends && (count == 10 || count == 11) {
                    last_good = Some(i + 1);
                }
            }
            i += 1;
        }
        if let Some(end) = last_good {
            out.push(Candidate::new(
                m.start(),
                m.start() + end,
                Label::Phone,
                Reason::Pattern,
                0.9,
            ));
        }
    }
}

fn dates(text: &str, out: &mut Vec<Candidate>) {
    // Where the last date taken ends: a range's start never reaches back into it.
    let mut last_end = 0;
    for m in DATE.find_iter(text) {
        let s = m.as_str();
        let numeric = s
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'/' | b'.' | b'-'));
        if numeric
            && s.bytes().filter(|b| !b.is_ascii_digit()).count() == 2
            && !numeric_date_is_valid(s)
        {
            continue;
        }
        // A trailing ".5" or "/3" means this is part of a longer figure, not a date.
        let after = &text[m.end()..];
        if after.starts_with(['/', '-', '.'])
            && after[1..].starts_with(|c: char| c.is_ascii_digit())
        {
            continue;
        }
        // "2021/0456", "3.12.5": a figure before the match, not a date.
        if text[..m.start()].ends_with(['/', '.'])
            && text[..m.start()].len() > 1
            && text[..m.start() - 1].ends_with(|c: char| c.is_ascii_digit())
        {
            continue;
        }
        // A range takes in its first day or month: "12-14 September 2021", "March to May 2021".
        let window = floor_char(text, m.start().saturating_sub(20));
        let start = RANGE_START
            .find(&text[window..m.start()])
            .map(|r| window + r.start())
            .filter(|&r| !numeric && r >= last_end)
            .unwrap_or(m.start());
        last_end = m.end();
        let before = &text[floor_char(text, start.saturating_sub(24))..start];
        let label = if BIRTH_CUE.is_match(before) {
            Label::DateOfBirth
        } else {
            Label::Date
        };
        out.push(Candidate::new(start, m.end(), label, Reason::Pattern, 0.9));
    }
}

/// Whether what comes before `at` would join a month and year written there into a longer
/// date: a day ("2 ", "2nd of "), or the start of a range ("12-", "March to "). A date kept as
/// its month and year is then written as "[date]" instead: "2 6/1984" must not become
/// "2 June 1984", a full date the text never gave (which a second redaction would then shorten
/// again).
pub(crate) fn joins_a_date_before(text: &str, at: usize) -> bool {
    let before = &text[..at];
    let window = floor_char(text, at.saturating_sub(20));
    if RANGE_START.is_match(&text[window..at]) {
        return true;
    }
    // A day: digits, an ordinal's letters, " of", then spaces (as many as the pattern takes).
    let mut rest = before.trim_end_matches(' ');
    if rest.len() == before.len() {
        return false;
    }
    if let Some(day) = rest.strip_suffix("of")
        && day.ends_with(' ')
    {
        rest = day.trim_end_matches(' ');
    }
    for ordinal in ["st", "nd", "rd", "th"] {
        if let Some(day) = rest.strip_suffix(ordinal)
            && day.ends_with(|c: char| c.is_ascii_digit())
        {
            rest = day;
            break;
        }
    }
    let digits = rest.len() - rest.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let word_before = rest[..rest.len() - digits]
        .bytes()
        .next_back()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
    (1..=2).contains(&digits) && !word_before
}

pub(crate) fn floor_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `dd/mm/yyyy`, `d.m.yy`, `yyyy-mm-dd`: the separators agree, the month is 1-12, the day 1-31.
fn numeric_date_is_valid(s: &str) -> bool {
    let parts: Vec<&str> = s.split(['/', '.', '-']).collect();
    if parts.len() != 3 {
        return false;
    }
    let seps: Vec<char> = s.chars().filter(|c| matches!(c, '/' | '.' | '-')).collect();
    if seps[0] != seps[1] {
        return false;
    }
    let num = |p: &str| p.parse::<u32>().unwrap_or(0);
    let (day, month) = if parts[0].len() == 4 {
        (num(parts[2]), num(parts[1]))
    } else {
        (num(parts[0]), num(parts[1]))
    };
    (1..=31).contains(&day) && (1..=12).contains(&month)
}

/// A date's day, month and year when the text gives all three, for comparing with a known date
/// of birth written another way.
pub(crate) fn parse_full_date(s: &str) -> Option<(u32, u32, u32)> {
    let s = s.trim();
    let parts: Vec<&str> = s.split(['/', '.', '-']).collect();
    if parts.len() == 3 && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        let num = |p: &str| p.parse::<u32>().ok();
        let (d, m, y) = if parts[0].len() == 4 {
            (num(parts[2])?, num(parts[1])?, num(parts[0])?)
        } else {
            (num(parts[0])?, num(parts[1])?, num(parts[2])?)
        };
        let y = if y < 100 { expand_year(y) } else { y };
        return Some((d, m, y));
    }
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty() && *w != "of")
        .collect();
    let mut day = None;
    let mut month = None;
    let mut year = None;
    for w in words.iter().flat_map(|w| w.split('-')) {
        let quoted = w.starts_with(['\'', '\u{2019}']);
        let w = w.trim_start_matches(['\'', '\u{2019}']);
        let digits: String = w.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            let n: u32 = digits.parse().ok()?;
            if digits.len() == 4 {
                year = Some(n);
            } else if quoted || (month.is_some() && day.is_some() && digits.len() == 2) {
                // "12 Sep 21", "Sept '19": a two-digit year after the month.
                year = Some(expand_year(n));
            } else {
                day = Some(n);
            }
        } else if let Some(m) = month_number(w) {
            month = Some(m);
        }
    }
    Some((day?, month?, year?))
}

fn expand_year(y: u32) -> u32 {
    // Two-digit years in these records are births and events of the last century or this one.
    if y <= 40 { 2000 + y } else { 1900 + y }
}

pub(crate) fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    let names = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    if w.len() < 3 {
        return None;
    }
    names
        .iter()
        .position(|n| w.starts_with(n))
        .and_then(|i| u32::try_from(i + 1).ok())
}

pub(crate) fn month_name(m: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES[(m.clamp(1, 12) - 1) as usize]
}

/// Month and year of a date, for the month-and-year date policy.
pub(crate) fn month_and_year(s: &str) -> Option<(u32, u32)> {
    if let Some((_, m, y)) = parse_full_date(s) {
        return Some((m, y));
    }
    let mut month = None;
    let mut year = None;
    for w in s.split([' ', '-', '/', '\u{2013}', '\u{2014}']) {
        let quoted = w.starts_with(['\'', '\u{2019}']);
        let w = w
            .trim_start_matches(['\'', '\u{2019}'])
            .trim_end_matches(',');
        if w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()) {
            year = w.parse().ok();
        } else if (quoted || month.is_some())
            && w.len() == 2
            && w.bytes().all(|b| b.is_ascii_digit())
        {
            year = w.parse().ok().map(expand_year);
        } else if let Some(m) = month_number(w) {
            month = Some(m);
        }
    }
    // "09/2021": month and year in figures.
    if month.is_none()
        && let Some((m, y)) = s.split_once('/')
        && let (Ok(m), Ok(y)) = (m.parse::<u32>(), y.parse::<u32>())
        && (1..=12).contains(&m)
        && y >= 1900
    {
        return Some((m, y));
    }
    Some((month?, year?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(Label, &str)> {
        let mut out = Vec::new();
        detect(text, &mut out);
        out.sort_by_key(|c| c.start);
        out.iter()
            .map(|c| (c.label, &text[c.start..c.end]))
            .collect()
    }

    #[test]
    fn nhs_numbers_need_their_check_digit() {
        assert!(nhs_number_is_valid(&digits_of("943 476 5919")));
        assert!(!nhs_number_is_valid(&digits_of("943 476 5918")));
        assert_eq!(
            found("NHS 943 476 5919."),
            [(Label::NhsNumber, "943 476 5919")]
        );
    }

    #[test]
    fn phones_in_their_many_spellings() {
        for p in [
            "+44 (0)7700 900701",
            "07406 780478",
            "+447515099838",
            "07700 900 140",
            "+44 114 496 0833",
            "(01268) 680613",
            "023 7151 3181",
        ] {
            let text = format!("rang {p} today");
            assert_eq!(found(&text), [(Label::Phone, p)], "{p}");
        }
    }

    #[test]
    fn dates_and_dates_of_birth() {
        assert_eq!(
            found("DOB: 23 January 2009. Seen Monday 27th November 2017 and in Sept 2019."),
            [
                (Label::DateOfBirth, "23 January 2009"),
                (Label::Date, "Monday 27th November 2017"),
                (Label::Date, "Sept 2019")
            ]
        );
        assert_eq!(
            found("on 3.7.16 and 2019-04-03"),
            [(Label::Date, "3.7.16"), (Label::Date, "2019-04-03")]
        );
        assert!(found("DASH 22/27 at 17:40, aged 7").is_empty());
    }

    #[test]
    fn postcodes_ni_and_email() {
        assert_eq!(
            found("BD85SN, SO15 3GR; NI ZH 85 33 51 B; a.b@x.gov.uk."),
            [
                (Label::Postcode, "BD85SN"),
                (Label::Postcode, "SO15 3GR"),
                (Label::NiNumber, "ZH 85 33 51 B"),
                (Label::Email, "a.b@x.gov.uk")
            ]
        );
    }

    #[test]
    fn full_dates_parse_in_any_form() {
        assert_eq!(parse_full_date("20/04/1977"), Some((20, 4, 1977)));
        assert_eq!(parse_full_date("1977-04-20"), Some((20, 4, 1977)));
        assert_eq!(parse_full_date("20th of April 1977"), Some((20, 4, 1977)));
        assert_eq!(parse_full_date("7/5/71"), Some((7, 5, 1971)));
        assert_eq!(parse_full_date("12 Sep 21"), Some((12, 9, 2021)));
        assert_eq!(parse_full_date("12-Sep-21"), Some((12, 9, 2021)));
        assert_eq!(parse_full_date("12th Sept '21"), Some((12, 9, 2021)));
    }

    #[test]
    fn a_day_or_a_range_start_before_joins_a_date() {
        let joins = |text: &str| joins_a_date_before(text, text.len());
        for yes in [
            "aei/2 ",
            "2              ",
            "on the 2nd of ",
            "76 ",
            "12-",
            "March to ",
        ] {
            assert!(joins(yes), "{yes:?}");
        }
        for no in ["", "2", "in ", "room 101 ", "OL1A1A , x ", "a2 ", "Monday "] {
            assert!(!joins(no), "{no:?}");
        }
    }

    #[test]
    fn month_and_year_of_short_forms() {
        assert_eq!(month_and_year("Sept '19"), Some((9, 2019)));
        assert_eq!(month_and_year("Sep-21"), Some((9, 2021)));
        assert_eq!(month_and_year("09/2021"), Some((9, 2021)));
        assert_eq!(month_and_year("12-14 September 2021"), Some((9, 2021)));
        assert_eq!(month_and_year("12th of September"), None);
    }
}
