//! Jigsaw identification: details left in a (redacted) text that do not name anyone but
//! together could point to one family: an exact age, a month and year, a place, an unusual
//! event, a rare job, a school year, an ethnicity or faith in a small place. Lists each detail
//! with a suggested generalisation, and each combination within a paragraph with a level.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::identifiers::month_and_year;
use crate::{CaseKnowledge, Label, find};

/// How likely a combination is to identify the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
}

/// What kind of detail a quasi-identifier is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuasiKind {
    /// "aged 2 years 3 months", "a 14-year-old".
    ExactAge,
    /// "Year 9", "Reception".
    SchoolYear,
    /// "March 2021", "12 March 2021": a time narrower than a year.
    MonthAndYear,
    /// "summer 2020", "mid-2020", "Christmas 2019".
    SeasonAndYear,
    /// A town, district or named organisation left in the text.
    Place,
    /// "a small village", "the island": a place with few people.
    SmallPlace,
    /// "house fire", "triplets", "died on Christmas Day".
    UnusualEvent,
    /// "a vet", "the local MP".
    RareProfession,
    /// "Roma", "Sikh", "Eritrean".
    EthnicityOrFaith,
    /// "one of nine children".
    LargeFamily,
}

impl QuasiKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ExactAge => "exact_age",
            Self::SchoolYear => "school_year",
            Self::MonthAndYear => "month_and_year",
            Self::SeasonAndYear => "season_and_year",
            Self::Place => "place",
            Self::SmallPlace => "small_place",
            Self::UnusualEvent => "unusual_event",
            Self::RareProfession => "rare_profession",
            Self::EthnicityOrFaith => "ethnicity_or_faith",
            Self::LargeFamily => "large_family",
        }
    }

    /// How much the detail narrows who it could be, alone.
    fn weight(self) -> u32 {
        match self {
            Self::UnusualEvent => 3,
            Self::ExactAge | Self::Place | Self::RareProfession | Self::LargeFamily => 2,
            Self::SchoolYear
            | Self::MonthAndYear
            | Self::SeasonAndYear
            | Self::SmallPlace
            | Self::EthnicityOrFaith => 1,
        }
    }

    fn is_time(self) -> bool {
        matches!(self, Self::MonthAndYear | Self::SeasonAndYear)
    }

    fn is_place(self) -> bool {
        matches!(self, Self::Place | Self::SmallPlace)
    }
}

/// One detail: where it is (code points and bytes, end exclusive), what it is, and what it could
/// be written as instead. `key` is the same for the same kind and wording in any text, so a
/// decision on it ("accepted", "generalised") can be kept across reloads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuasiIdentifier {
    pub key: String,
    pub start: usize,
    pub end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    pub kind: QuasiKind,
    pub text: String,
    pub suggestion: String,
}

/// A combination of details in one paragraph, or one detail alone when it is in none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JigsawRisk {
    /// Stable over reloads: a hash of the items' keys and the rule.
    pub key: String,
    pub level: RiskLevel,
    pub items: Vec<QuasiIdentifier>,
    pub reason: String,
}

fn re(pattern: &str) -> Regex {
    #[expect(clippy::expect_used, reason = "fixed patterns, checked by the tests")]
    Regex::new(pattern).expect("valid pattern")
}

const NUMBER_WORDS: &str = r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen";

static AGE: LazyLock<Regex> = LazyLock::new(|| {
    let n = format!(r"(?:[0-9]{{1,2}}|{NUMBER_WORDS})");
    let unit = r"(?:years?|months?|weeks?|days?)";
    re(&format!(
        r"(?i)\b(?:aged[ ]+{n}(?:[ ]+{unit})?(?:(?:,|[ ]and)?[ ]+{n}[ ]+{unit})?|(?:a|an)[ ]+{n}[ \-]{unit}[ \-]old|{n}[ ]+{unit}(?:(?:,|[ ]and)?[ ]+{n}[ ]+{unit})?[ ]+old|{n}[ \-]{unit}[ \-]old)\b"
    ))
});
static SCHOOL_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:Year[ ](?:[0-9]{{1,2}}|{})|Reception(?:[ ]class)?)\b",
        NUMBER_WORDS
            .split('|')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect::<String>())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join("|")
    ))
});
static SEASON: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(?:in|during|by|from|since|until)[ ]+)?(?:(?:early|mid|late)[ \-]|(?:the[ ])?(?:spring|summer|autumn|winter|christmas|easter)(?:[ ]of)?[ ]+)(?:19|20)[0-9]{2}\b",
    )
});
static MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:(?i:in|during|by|from|since|until|on)[ ]+)?(?:[0-9]{1,2}(?:st|nd|rd|th)?[ ]+(?:of[ ]+)?)?(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?,?[ ]+(?:19|20)[0-9]{2}\b",
    )
});
static SMALL_PLACE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:a|the)[ ]+(?:(?:small|tiny|rural|remote|isolated|close-knit)[ ]+)?(?:village|hamlet|island|farming[ ]community|fishing[ ]village)\b|\b(?:small|rural|remote|close-knit)[ ]+(?:town|community)\b",
    )
});
static EVENT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:house[ ]fire|fire[ ]at[ ]the[ ](?:house|home|flat)|arson|triplets|quadruplets|conjoined|died[ ]on[ ](?:christmas|boxing|new[ ]year's)[ ]day|(?:on|at)[ ](?:christmas|boxing)[ ]day|christmas[ ]day|dog[ ]attack|fell[ ]from[ ]a[ ](?:window|balcony)|drown(?:ed|ing)|stabbing|shooting|murder(?:ed)?|manslaughter|car[ ]crash|(?:road[ ]traffic|fatal)[ ]collision|(?:national|local)[ ](?:news|press|media)|newspaper|media[ ]coverage|went[ ]missing[ ]abroad)\b",
    )
});
static PROFESSION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:a|an|the|as[ ]a|as[ ]an|the[ ]local)[ ]+(?:vet|veterinary[ ]surgeon|mp|member[ ]of[ ]parliament|councillor|magistrate|judge|barrister|dentist|airline[ ]pilot|pilot|(?:professional[ ])?footballer|vicar|imam|rabbi|priest|surgeon|celebrity|television[ ]presenter|famous[ ][a-z]+)\b",
    )
});
static ETHNICITY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:Roma|Gypsy|Traveller|Irish[ ]Traveller|Sikh|Hindu|Jewish|Orthodox[ ]Jewish|Muslim|Jehovah's[ ]Witness|Mormon|Somali|Eritrean|Sudanese|Afghan|Kurdish|Syrian|Vietnamese|Bangladeshi|Pakistani|Nigerian|Ghanaian|Congolese|Romanian|Polish|Lithuanian|Albanian|Chinese|Black[ ]African|Black[ ]Caribbean|dual[ ]heritage|mixed[ ]heritage)\b",
    )
});
static LARGE_FAMILY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:one|the[ ](?:youngest|eldest|oldest|middle))[ ]of[ ](?:five|six|seven|eight|nine|ten|eleven|twelve|[5-9]|1[0-9])[ ](?:children|siblings|brothers|sisters)\b|\b(?:five|six|seven|eight|nine|ten|eleven|twelve|[5-9]|1[0-9])[ ](?:siblings|brothers|sisters)\b",
    )
});

/// A stable 64-bit hash (FNV-1a): the same text gives the same key in every build.
fn fnv(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn normalised(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\u{2019}', "'")
}

fn number(word: &str) -> Option<u32> {
    word.parse().ok().or_else(|| {
        NUMBER_WORDS
            .split('|')
            .position(|w| w.eq_ignore_ascii_case(word))
            .and_then(|i| u32::try_from(i + 1).ok())
    })
}

/// An age in months from "aged 2 years 3 months", "a 14-year-old", "13 months old".
fn age_in_months(text: &str) -> Option<u32> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '-' || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let mut months = 0;
    let mut any = false;
    for (i, w) in words.iter().enumerate() {
        let Some(n) = number(w) else { continue };
        let unit = words
            .get(i + 1)
            .map(|u| u.to_lowercase())
            .unwrap_or_default();
        any = true;
        months += if unit.starts_with("month") {
            n
        } else if unit.starts_with("week") || unit.starts_with("day") {
            0
        } else {
            n * 12
        };
    }
    any.then_some(months)
}

fn age_suggestion(text: &str) -> String {
    match age_in_months(text) {
        Some(0..=11) => "a baby",
        Some(12..=47) => "a toddler",
        Some(48..=131) => "a primary-school-age child",
        Some(132..=191) => "a secondary-school-age child",
        Some(192..=215) => "an older teenager",
        Some(_) => "an adult",
        None => "a child",
    }
    .into()
}

fn school_year_suggestion(text: &str) -> String {
    let n = text.split_whitespace().nth(1).and_then(number).unwrap_or(0);
    match n {
        0 => "early years",
        1..=6 => "primary school age",
        7..=11 => "secondary school age",
        _ => "sixth-form age",
    }
    .into()
}

/// "in March 2021" -> "in 2021", "on 12 March 2021" -> "in 2021", "March 2021" -> "2021".
fn with_preposition(matched: &str, year: &str) -> String {
    let first = matched.split_whitespace().next().unwrap_or_default();
    if matches!(
        first.to_lowercase().as_str(),
        "in" | "during" | "by" | "from" | "since" | "until" | "on"
    ) {
        let prep = if first.eq_ignore_ascii_case("on") {
            "in"
        } else {
            first
        };
        format!("{prep} {year}")
    } else {
        year.to_string()
    }
}

fn year_of(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 4)
        .map(str::to_string)
}

/// Every quasi-identifier in `text`, in order. Places and named organisations are those the
/// engine still finds in it (a redacted text has none unless a reviewer kept one).
#[must_use]
pub fn quasi_identifiers(text: &str) -> Vec<QuasiIdentifier> {
    let mut raw: Vec<(usize, usize, QuasiKind, String)> = Vec::new();
    let mut add = |rx: &Regex, kind: QuasiKind, suggest: &dyn Fn(&str) -> String| {
        for m in rx.find_iter(text) {
            raw.push((m.start(), m.end(), kind, suggest(m.as_str())));
        }
    };
    add(&AGE, QuasiKind::ExactAge, &age_suggestion);
    add(&SCHOOL_YEAR, QuasiKind::SchoolYear, &school_year_suggestion);
    add(&MONTH_YEAR, QuasiKind::MonthAndYear, &|s| {
        let year = month_and_year(s)
            .map(|(_, y)| y.to_string())
            .or_else(|| year_of(s))
            .unwrap_or_else(|| "that year".into());
        with_preposition(s, &year)
    });
    add(&SEASON, QuasiKind::SeasonAndYear, &|s| {
        with_preposition(s, &year_of(s).unwrap_or_else(|| "that year".into()))
    });
    add(&SMALL_PLACE, QuasiKind::SmallPlace, &|_| "the area".into());
    add(&EVENT, QuasiKind::UnusualEvent, &|s| {
        let l = s.to_lowercase();
        if l.contains("triplets") || l.contains("quadruplets") || l.contains("conjoined") {
            "siblings born together".into()
        } else if l.contains("christmas") || l.contains("boxing") || l.contains("new year") {
            "during a holiday period".into()
        } else if l.contains("news") || l.contains("press") || l.contains("media") {
            "public attention".into()
        } else {
            "a serious incident".into()
        }
    });
    add(&PROFESSION, QuasiKind::RareProfession, &|s| {
        if s.to_lowercase().starts_with("as ") {
            "as a professional".into()
        } else {
            "a professional".into()
        }
    });
    add(&ETHNICITY, QuasiKind::EthnicityOrFaith, &|_| {
        "from a minority community".into()
    });
    add(&LARGE_FAMILY, QuasiKind::LargeFamily, &|_| {
        "one of several children".into()
    });
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        for f in find(text, &CaseKnowledge::default()) {
            if matches!(f.label, Label::Location | Label::Org) {
                raw.push((
                    f.byte_start,
                    f.byte_end,
                    QuasiKind::Place,
                    if f.label == Label::Org {
                        "a local service".into()
                    } else {
                        "the area".into()
                    },
                ));
            }
        }
    }
    // One detail per stretch of text: the first found (the more specific pattern) wins.
    raw.sort_by_key(|r| (r.0, std::cmp::Reverse(r.1)));
    let mut kept: Vec<(usize, usize, QuasiKind, String)> = Vec::new();
    for r in raw {
        if kept.last().is_some_and(|k| r.0 < k.1) {
            continue;
        }
        kept.push(r);
    }
    let bytes: Vec<usize> = kept.iter().flat_map(|k| [k.0, k.1]).collect();
    let chars = crate::text::char_offsets(text, &bytes);
    kept.into_iter()
        .enumerate()
        .map(|(i, (s, e, kind, suggestion))| {
            let wording = normalised(&text[s..e]);
            QuasiIdentifier {
                key: format!("qi-{:016x}", fnv(&[kind.as_str(), &wording])),
                start: chars[2 * i],
                end: chars[2 * i + 1],
                byte_start: s,
                byte_end: e,
                kind,
                text: text[s..e].to_string(),
                suggestion,
            }
        })
        .collect()
}

/// The paragraphs of a text as byte ranges: split at blank lines and line breaks.
fn paragraphs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices('\n') {
        if i > start {
            out.push((start, i));
        }
        start = i + 1;
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

fn risk(level: RiskLevel, rule: &str, items: Vec<QuasiIdentifier>, reason: String) -> JigsawRisk {
    let mut keys: Vec<&str> = items.iter().map(|q| q.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.push(rule);
    JigsawRisk {
        key: format!("jr-{:016x}", fnv(&keys)),
        level,
        items,
        reason,
    }
}

/// Combinations of quasi-identifiers left in `text` that together could identify a family,
/// paragraph by paragraph, highest level first; then each detail that is in no combination, as a
/// low risk of its own.
#[must_use]
pub fn jigsaw_risks(text: &str) -> Vec<JigsawRisk> {
    let all = quasi_identifiers(text);
    let mut out = Vec::new();
    let mut used = vec![false; all.len()];
    for (ps, pe) in paragraphs(text) {
        let idx: Vec<usize> = (0..all.len())
            .filter(|&i| all[i].byte_start >= ps && all[i].byte_end <= pe)
            .collect();
        if idx.len() < 2 {
            continue;
        }
        let of = |pred: &dyn Fn(QuasiKind) -> bool| -> Vec<usize> {
            idx.iter().copied().filter(|&i| pred(all[i].kind)).collect()
        };
        let events = of(&|k| k == QuasiKind::UnusualEvent);
        let times = of(&QuasiKind::is_time);
        let places = of(&QuasiKind::is_place);
        let ages = of(&|k| matches!(k, QuasiKind::ExactAge | QuasiKind::SchoolYear));
        let jobs = of(&|k| k == QuasiKind::RareProfession);
        let faiths = of(&|k| k == QuasiKind::EthnicityOrFaith);
        let small = of(&|k| k == QuasiKind::SmallPlace);
        let families = of(&|k| k == QuasiKind::LargeFamily);
        let mut rules: Vec<(RiskLevel, &str, Vec<usize>, String)> = Vec::new();
        let both = |a: &[usize], b: &[usize]| !a.is_empty() && !b.is_empty();
        let join = |parts: &[&[usize]]| -> Vec<usize> {
            let mut v: Vec<usize> = parts.iter().flat_map(|p| p.iter().copied()).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        if both(&events, &times) || both(&events, &places) {
            rules.push((
                RiskLevel::High,
                "event-time-place",
                join(&[&events, &times, &places]),
                "an unusual event with when or where it happened can be found in local news".into(),
            ));
        }
        if both(&faiths, &small) {
            rules.push((
                RiskLevel::High,
                "community-small-place",
                join(&[&faiths, &small]),
                "an ethnicity or faith in a small place may fit one family".into(),
            ));
        }
        if both(&jobs, &places) || both(&jobs, &ages) {
            rules.push((
                RiskLevel::High,
                "profession",
                join(&[&jobs, &places, &ages]),
                "a rare job with a place or a child's age narrows it to a few families".into(),
            ));
        }
        if both(&families, &places) || both(&families, &ages) {
            rules.push((
                RiskLevel::High,
                "large-family",
                join(&[&families, &places, &ages]),
                "a large family with a place or an age narrows it to a few families".into(),
            ));
        }
        if both(&ages, &times) && !places.is_empty() {
            rules.push((
                RiskLevel::High,
                "age-time-place",
                join(&[&ages, &times, &places]),
                "an exact age, a month and a place together may fit one child".into(),
            ));
        } else if both(&ages, &times) || both(&ages, &places) || both(&faiths, &places) {
            rules.push((
                RiskLevel::Medium,
                "two-details",
                join(&[&ages, &times, &places, &faiths]),
                "two details together narrow who it could be".into(),
            ));
        }
        let in_rules: Vec<usize> = join(&rules.iter().map(|r| r.2.as_slice()).collect::<Vec<_>>());
        // Many small details add up even when no rule above joins them.
        let weight: u32 = idx.iter().map(|&i| all[i].kind.weight()).sum();
        if rules.is_empty() && weight >= 4 {
            let kinds: std::collections::BTreeSet<QuasiKind> =
                idx.iter().map(|&i| all[i].kind).collect();
            if kinds.len() >= 2 {
                rules.push((
                    if weight >= 6 {
                        RiskLevel::High
                    } else {
                        RiskLevel::Medium
                    },
                    "many-details",
                    idx.clone(),
                    format!("{} details in one paragraph add up", idx.len()),
                ));
            }
        }
        for &i in in_rules.iter().chain(rules.iter().flat_map(|r| r.2.iter())) {
            used[i] = true;
        }
        for (level, rule, items, reason) in rules {
            out.push(risk(
                level,
                rule,
                items.iter().map(|&i| all[i].clone()).collect(),
                reason,
            ));
        }
    }
    for (i, q) in all.iter().enumerate() {
        if !used[i] {
            out.push(risk(
                RiskLevel::Low,
                "alone",
                vec![q.clone()],
                format!("{} alone", q.kind.as_str().replace('_', " ")),
            ));
        }
    }
    out.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(a.items[0].start.cmp(&b.items[0].start))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_their_generalisations() {
        assert_eq!(age_suggestion("aged 2 years 3 months"), "a toddler");
        assert_eq!(
            age_suggestion("a 14-year-old"),
            "a secondary-school-age child"
        );
        assert_eq!(age_suggestion("13 months old"), "a toddler");
        assert_eq!(age_suggestion("aged 7"), "a primary-school-age child");
        assert_eq!(age_suggestion("6 weeks old"), "a baby");
        assert_eq!(school_year_suggestion("Year 9"), "secondary school age");
        assert_eq!(school_year_suggestion("Year Two"), "primary school age");
    }

    #[test]
    fn keys_are_stable_and_ignore_spacing_and_case() {
        let a = quasi_identifiers("She was a vet in a small village.");
        let b = quasi_identifiers("Later: a  Vet, in a small village!");
        assert_eq!(a[0].key, b[0].key);
        assert_eq!(
            a[0].key,
            "qi-".to_string() + &format!("{:016x}", fnv(&["rare_profession", "a vet"]))
        );
    }
}
