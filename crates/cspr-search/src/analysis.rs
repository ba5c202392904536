//! Text analysis shared by indexing and searching: words, lower case, ASCII folding, British
//! spelling, English stems.

use std::collections::HashMap;
use std::sync::LazyLock;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer, TokenizerManager,
};

/// The analyser of every searchable text field: spelling folded, then stemmed.
pub(crate) const STEMMED: &str = "cspr_en";
/// The same without stemming, for prefix searches.
pub(crate) const UNSTEMMED: &str = "cspr_en_unstemmed";

/// Registers the crate's analysers with an index's tokenizer manager (they are not persisted
/// with the index, so this runs on every open).
pub(crate) fn register(manager: &TokenizerManager) {
    manager.register(STEMMED, stemmed_analyzer());
    manager.register(UNSTEMMED, unstemmed_analyzer());
}

pub(crate) fn stemmed_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(SpellingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

pub(crate) fn unstemmed_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(SpellingFilter)
        .build()
}

/// An analysed word with where it came from in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// The term as indexed.
    pub term: String,
    /// Byte range in the analysed text.
    pub from: usize,
    pub to: usize,
}

/// Runs an analyser over a text and returns its words.
pub(crate) fn words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let token = stream.token();
        out.push(Word {
            term: token.text.clone(),
            from: token.offset_from,
            to: token.offset_to,
        });
    }
    out
}

/// Endings that a `*` pair in the spelling list also applies with.
const ENDINGS: &[&str] = &[
    "s", "es", "al", "ally", "ed", "ing", "ist", "ists", "ian", "ians", "ic", "ics", "ly", "er",
    "ers", "ful", "less", "ous", "ite", "ites", "able", "ably", "hood", "hoods", "ism", "isms",
    "ial", "ially",
];

/// The -ize/-yze rules, longest ending first.
const Z_RULES: &[(&str, &str)] = &[
    ("izational", "isational"),
    ("izations", "isations"),
    ("ization", "isation"),
    ("izing", "ising"),
    ("izers", "isers"),
    ("izer", "iser"),
    ("ized", "ised"),
    ("izes", "ises"),
    ("ize", "ise"),
    ("yzing", "ysing"),
    ("yzed", "ysed"),
    ("yzes", "yses"),
    ("yze", "yse"),
];

/// The folding table, read once from `data/spelling.txt`.
#[derive(Debug)]
pub(crate) struct Spelling {
    exact: HashMap<String, String>,
    stems: HashMap<String, String>,
    /// Which first three letters begin any word in the tables: a cheap test before hashing.
    starts: Vec<bool>,
}

static SPELLING: LazyLock<Spelling> =
    LazyLock::new(|| Spelling::parse(include_str!("../data/spelling.txt")));

fn start_slot(word: &[u8]) -> Option<usize> {
    match word {
        [a, b, c, ..]
            if a.is_ascii_lowercase() && b.is_ascii_lowercase() && c.is_ascii_lowercase() =>
        {
            Some(usize::from(a - b'a') * 676 + usize::from(b - b'a') * 26 + usize::from(c - b'a'))
        }
        _ => None,
    }
}

impl Spelling {
    fn parse(data: &str) -> Spelling {
        let mut exact = HashMap::new();
        let mut stems = HashMap::new();
        let mut starts = vec![false; 26 * 26 * 26];
        for line in data.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parts: Vec<&str> = line.split_whitespace().collect();
            let (variant, kept, with_endings) = match parts.as_slice() {
                [v, k] => (*v, *k, false),
                [v, k, "*"] => (*v, *k, true),
                _ => continue, // A malformed line is skipped; the data test catches it.
            };
            if let Some(slot) = start_slot(variant.as_bytes()) {
                starts[slot] = true;
            }
            exact.insert(variant.to_owned(), kept.to_owned());
            if with_endings {
                stems.insert(variant.to_owned(), kept.to_owned());
            }
        }
        Spelling {
            exact,
            stems,
            starts,
        }
    }

    /// The folded form of a lower-case word, if it differs.
    pub(crate) fn fold(&self, word: &str) -> Option<String> {
        let bytes = word.as_bytes();
        if bytes.len() < 3 || !word.is_ascii() {
            return None;
        }
        if start_slot(bytes).is_some_and(|slot| self.starts[slot]) {
            if let Some(kept) = self.exact.get(word) {
                return (kept != word).then(|| kept.clone());
            }
            for ending in ENDINGS {
                if let Some(stem) = word.strip_suffix(ending)
                    && let Some(kept) = self.stems.get(stem)
                {
                    return (kept != stem).then(|| format!("{kept}{ending}"));
                }
            }
        }
        if bytes.contains(&b'z') {
            for (from, to) in Z_RULES {
                // At least three letters before the ending, so size, prize and seize stay.
                if let Some(stem) = word.strip_suffix(from)
                    && stem.len() >= 3
                {
                    return Some(format!("{stem}{to}"));
                }
            }
        }
        None
    }
}

/// Folds a lower-case word to the spelling the index keeps.
#[cfg(test)]
pub(crate) fn fold_spelling(word: &str) -> Option<String> {
    SPELLING.fold(word)
}

/// A token filter that folds spelling variants (see `data/spelling.txt`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct SpellingFilter;

impl TokenFilter for SpellingFilter {
    type Tokenizer<T: Tokenizer> = SpellingTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> SpellingTokenizer<T> {
        SpellingTokenizer { inner: tokenizer }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct SpellingTokenizer<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for SpellingTokenizer<T> {
    type TokenStream<'a> = SpellingTokenStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        SpellingTokenStream {
            tail: self.inner.token_stream(text),
        }
    }
}

#[derive(Debug)]
pub(crate) struct SpellingTokenStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for SpellingTokenStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(folded) = SPELLING.fold(&token.text) {
            token.text = folded;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_line_parses() {
        for line in include_str!("../data/spelling.txt").lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parts: Vec<&str> = line.split_whitespace().collect();
            assert!(
                matches!(parts.as_slice(), [_, _] | [_, _, "*"]),
                "bad spelling line {line:?}"
            );
        }
    }

    #[test]
    fn folds_variants_to_one_form() {
        let pairs = [
            ("behavior", "behaviour"),
            ("behavioral", "behavioural"),
            ("pediatric", "paediatric"),
            ("pediatrician", "paediatrician"),
            ("organization", "organisation"),
            ("organizations", "organisations"),
            ("recognized", "recognised"),
            ("analyzed", "analysed"),
            ("hematoma", "haematoma"),
            ("anesthetic", "anaesthetic"),
            ("counseling", "counselling"),
        ];
        for (variant, kept) in pairs {
            assert_eq!(fold_spelling(variant).as_deref(), Some(kept), "{variant}");
        }
        for same in [
            "size",
            "prize",
            "seize",
            "laboratory",
            "behaviour",
            "citizen",
            "a",
        ] {
            assert_eq!(fold_spelling(same), None, "{same}");
        }
    }

    #[test]
    fn analysers_stem_after_folding() {
        let mut a = stemmed_analyzer();
        let us: Vec<String> = words(&mut a, "Behaviors organized")
            .into_iter()
            .map(|w| w.term)
            .collect();
        let uk: Vec<String> = words(&mut a, "behaviours organised")
            .into_iter()
            .map(|w| w.term)
            .collect();
        assert_eq!(us, uk);
    }
}
