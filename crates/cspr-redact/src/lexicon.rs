//! The word lists shipped with the crate (see data/README.md for where each comes from), loaded
//! once into hash sets keyed by lower-case text.

use std::sync::LazyLock;

use rustc_hash::FxHashMap as HashMap;

static FIRST_NAMES: &str = include_str!("../data/first_names.txt");
static SURNAMES: &str = include_str!("../data/surnames.txt");
static NICKNAMES: &str = include_str!("../data/nicknames.txt");
static GB_PLACES: &str = include_str!("../data/gb_places.txt");
static ENGLISH_WORDS: &str = include_str!("../data/english_words.txt");
static PROPER_NOUNS: &str = include_str!("../data/proper_nouns.txt");

pub(crate) const WORD: u16 = 1;
pub(crate) const FIRST: u16 = 2;
pub(crate) const SURNAME: u16 = 4;
pub(crate) const PLACE: u16 = 8;
pub(crate) const PROPER: u16 = 16;
/// Never the start of a name: function, role, domain and calendar words, titles, acronyms.
pub(crate) const NEVER: u16 = 32;
// The detectors' own short lists, asked about nearly every token.
pub(crate) const TITLE: u16 = 1 << 6;
pub(crate) const ROLE: u16 = 1 << 7;
pub(crate) const ACRONYM: u16 = 1 << 8;
pub(crate) const FUNCTION: u16 = 1 << 9;
pub(crate) const SPEECH: u16 = 1 << 10;
/// People's determiners ("the", "a", "little"), before which a word is no name.
pub(crate) const DETERMINER: u16 = 1 << 11;
pub(crate) const ORG_HEAD: u16 = 1 << 12;
/// A street or building word.
pub(crate) const STREET: u16 = 1 << 13;

/// A place name as the gazetteer is keyed: lower case, hyphens as spaces, no apostrophes.
pub(crate) fn place_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for w in name
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(
            w.chars()
                .filter(|c| !matches!(c, '\'' | '\u{2019}'))
                .flat_map(char::to_lowercase),
        );
    }
    out
}

/// Every list, keyed by lower-case text: one map from a word to the lists it is in, so a token
/// costs one lookup however many lists the detectors ask about.
#[derive(Debug)]
pub(crate) struct Lexicon {
    flags: HashMap<Box<str>, u16>,
    /// Formal name -> nicknames, and nickname -> formal names.
    nick: HashMap<String, Vec<String>>,
}

pub(crate) static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::load);

fn add(flags: &mut HashMap<Box<str>, u16>, list: &str, flag: u16) {
    for line in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
        *flags
            .entry(line.to_lowercase().into_boxed_str())
            .or_default() |= flag;
    }
}

impl Lexicon {
    fn load() -> Self {
        let mut nick: HashMap<String, Vec<String>> = HashMap::default();
        for line in NICKNAMES.lines() {
            if let Some((formal, short)) = line.split_once(',') {
                let (formal, short) = (formal.to_lowercase(), short.to_lowercase());
                nick.entry(formal.clone()).or_default().push(short.clone());
                nick.entry(short).or_default().push(formal);
            }
        }
        let mut flags = HashMap::default();
        add(&mut flags, ENGLISH_WORDS, WORD);
        add(&mut flags, FIRST_NAMES, FIRST);
        add(&mut flags, SURNAMES, SURNAME);
        add(&mut flags, GB_PLACES, PLACE);
        // Places are also looked up written as the text may write them: "Stoke-on-Trent" as
        // "stoke on trent", "King's Lynn" as "kings lynn", and "Basford, Stoke-on-Trent" by part.
        for line in GB_PLACES.lines().map(str::trim).filter(|l| !l.is_empty()) {
            for part in std::iter::once(line).chain(line.split(", ")) {
                *flags.entry(place_key(part).into_boxed_str()).or_default() |= PLACE;
            }
        }
        add(&mut flags, PROPER_NOUNS, PROPER);
        for w in crate::people::never_a_name_words() {
            *flags.entry(Box::from(w)).or_default() |= NEVER;
        }
        for (list, flag) in crate::people::word_lists()
            .into_iter()
            .chain(crate::places::word_lists())
        {
            for w in list {
                *flags.entry(Box::from(*w)).or_default() |= flag;
            }
        }
        Self { flags, nick }
    }

    /// The lists a lower-case word is in, as `WORD | FIRST | ...`.
    pub(crate) fn flags(&self, lower: &str) -> u16 {
        self.flags.get(lower).copied().unwrap_or(0)
    }

    pub(crate) fn is_first_name(&self, lower: &str) -> bool {
        self.flags(lower) & FIRST != 0
    }

    /// An ordinary English word (the lower-case entries of the dictionary), or an inflection
    /// the dictionary leaves out.
    pub(crate) fn is_word(&self, lower: &str) -> bool {
        self.flags(lower) & WORD != 0
    }

    /// Nicknames of a formal name and formal names of a nickname.
    pub(crate) fn nick_variants(&self, lower: &str) -> &[String] {
        self.nick.get(lower).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::LEXICON;

    #[test]
    fn lists_load_and_answer_in_lower_case() {
        assert!(LEXICON.is_first_name("mary"));
        assert!(LEXICON.flags("smith") & super::SURNAME != 0);
        assert!(LEXICON.is_word("hope"));
        assert!(!LEXICON.is_word("gemma"));
        assert!(LEXICON.flags("rochdale") & super::PLACE != 0);
        for place in [
            "bishops stortford",
            "stoke on trent",
            "kings lynn",
            "newcastle upon tyne",
        ] {
            assert!(LEXICON.flags(place) & super::PLACE != 0, "{place}");
        }
        assert!(LEXICON.flags("mother") & super::NEVER != 0);
        assert!(LEXICON.nick_variants("anthony").iter().any(|n| n == "tony"));
        assert!(LEXICON.nick_variants("tony").iter().any(|n| n == "anthony"));
    }
}
