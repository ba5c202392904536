//! The word lists shipped with the crate (see data/README.md for where each comes from), loaded
//! once into hash sets keyed by lower-case text.

use std::sync::LazyLock;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

static FIRST_NAMES: &str = include_str!("../data/first_names.txt");
static SURNAMES: &str = include_str!("../data/surnames.txt");
static NICKNAMES: &str = include_str!("../data/nicknames.txt");
static GB_PLACES: &str = include_str!("../data/gb_places.txt");
static ENGLISH_WORDS: &str = include_str!("../data/english_words.txt");
static PROPER_NOUNS: &str = include_str!("../data/proper_nouns.txt");

/// Every list, keyed by lower-case text.
#[derive(Debug)]
pub(crate) struct Lexicon {
    first: HashSet<String>,
    surnames: HashSet<String>,
    /// Formal name -> nicknames, and nickname -> formal names.
    nick: HashMap<String, Vec<String>>,
    /// Town and place names, lower case, by their number of words.
    places: HashSet<String>,
    words: HashSet<String>,
    /// Capitalised dictionary words that are no name or place: Urdu, Portuguese, Christmas.
    proper: HashSet<String>,
}

pub(crate) static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::load);

fn lower_set(list: &str) -> HashSet<String> {
    list.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_lowercase)
        .collect()
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
        Self {
            first: lower_set(FIRST_NAMES),
            surnames: lower_set(SURNAMES),
            nick,
            places: lower_set(GB_PLACES),
            words: lower_set(ENGLISH_WORDS),
            proper: lower_set(PROPER_NOUNS),
        }
    }

    pub(crate) fn is_first_name(&self, lower: &str) -> bool {
        self.first.contains(lower)
    }

    pub(crate) fn is_surname(&self, lower: &str) -> bool {
        self.surnames.contains(lower)
    }

    pub(crate) fn is_name(&self, lower: &str) -> bool {
        self.is_first_name(lower) || self.is_surname(lower)
    }

    /// An ordinary English word (the lower-case entries of the dictionary), or an inflection
    /// the dictionary leaves out.
    pub(crate) fn is_word(&self, lower: &str) -> bool {
        self.words.contains(lower)
    }

    pub(crate) fn is_proper_noun(&self, lower: &str) -> bool {
        self.proper.contains(lower)
    }

    pub(crate) fn is_place(&self, lower: &str) -> bool {
        self.places.contains(lower)
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
        assert!(LEXICON.is_surname("smith"));
        assert!(LEXICON.is_word("hope"));
        assert!(!LEXICON.is_word("gemma"));
        assert!(LEXICON.is_place("rochdale"));
        assert!(LEXICON.nick_variants("anthony").iter().any(|n| n == "tony"));
        assert!(LEXICON.nick_variants("tony").iter().any(|n| n == "anthony"));
    }
}
