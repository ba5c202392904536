//! What a reader asks for, how their words are read, and the tantivy query built from them.
//!
//! The reader's text never fails to parse. It is read as words, `"quoted phrases"`, words
//! ending in `*` (prefix searches, three letters or more), and words or phrases starting with
//! `-` (or after `NOT`) to leave out. Hyphenated or punctuated words (`non-accidental`, `A&E`)
//! are phrases. Unbalanced quotes are ignored, as is any other punctuation; the text is cut
//! at [`MAX_QUERY_CHARS`] characters and [`MAX_CONCEPTS`] terms.
//!
//! Every term or phrase must match (in any field, in any of its spellings, synonyms, or
//! within one typo for words of five letters or more), except common words such as "the",
//! which only add to the score. When no review matches them all, any one is enough.

use std::collections::HashSet;
use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query as TantivyQuery, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use crate::analysis::{stemmed_analyzer, unstemmed_analyzer, words};
use crate::guard::Guarded;
use crate::record::{AgeGroup, ReviewType, normalise_theme};
use crate::schema::{Fields, text_fields};
use crate::synonyms::synonyms;

/// Longest reader text read, in characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most terms and phrases read from one text; the rest are ignored.
pub const MAX_CONCEPTS: usize = 16;
/// Deepest offset served; later pages are empty.
pub const MAX_OFFSET: usize = 10_000;
/// Most results on one page.
pub const MAX_LIMIT: usize = 100;
/// Words shorter than this are matched exactly, never within a typo.
const FUZZY_MIN_CHARS: usize = 5;
/// How much a match within one typo counts, against the field's weight for an exact match.
const FUZZY_WEIGHT: f32 = 0.25;
/// How much a prefix match counts, against the field's weight.
const PREFIX_WEIGHT: f32 = 1.0;

/// A search of the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// What the reader typed; empty lists every review matching the filters, newest first.
    pub text: String,
    /// Themes the reviews must all have.
    pub themes: Vec<String>,
    /// Review types, any of which will do; empty for all.
    pub review_types: Vec<ReviewType>,
    /// Age groups, any of which will do; empty for all.
    pub age_groups: Vec<AgeGroup>,
    /// Published in or after this year.
    pub from_year: Option<i32>,
    /// Published in or before this year.
    pub to_year: Option<i32>,
    /// How many results to skip (for later pages), at most [`MAX_OFFSET`].
    pub offset: usize,
    /// How many results to return, at most [`MAX_LIMIT`].
    pub limit: usize,
}

impl Default for Query {
    fn default() -> Self {
        Query {
            text: String::new(),
            themes: Vec::new(),
            review_types: Vec::new(),
            age_groups: Vec::new(),
            from_year: None,
            to_year: None,
            offset: 0,
            limit: 10,
        }
    }
}

impl Query {
    /// A search for some text with no filters, first page of ten.
    #[must_use]
    pub fn text(text: impl Into<String>) -> Query {
        Query {
            text: text.into(),
            ..Query::default()
        }
    }
}

/// One thing the reader asked for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Concept {
    /// A word: its stem, its unstemmed form, whether it may be missing (a common word), and
    /// the stems of the library's words one typo from it (filled in by [`expand_typos`]).
    Word {
        stem: String,
        raw: String,
        optional: bool,
        near: Vec<String>,
    },
    /// A word ending in `*`.
    Prefix { stem: String, raw: String },
    /// Words that must come together.
    Phrase { stems: Vec<String> },
    /// A term from the synonym list: any term of its group.
    Synonym { group: usize },
}

/// A reader's text, read.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Parsed {
    pub concepts: Vec<Concept>,
    pub excluded: Vec<Concept>,
}

impl Parsed {
    /// Whether anything positive was asked for (otherwise the search lists reviews).
    pub(crate) fn is_listing(&self) -> bool {
        self.concepts.is_empty()
    }

    pub(crate) fn required_count(&self) -> usize {
        self.concepts
            .iter()
            .filter(|c| !matches!(c, Concept::Word { optional: true, .. }))
            .count()
    }
}

/// Common words that never have to match (they only add to the score).
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "in",
    "into", "is", "it", "its", "of", "on", "or", "that", "the", "their", "there", "these", "they",
    "this", "to", "was", "were", "which", "who", "will", "with", "what", "when", "where", "how",
    "about",
];

/// The common words, for the similarity query to skip.
pub(crate) fn stopwords() -> Vec<String> {
    STOPWORDS.iter().map(|w| (*w).to_owned()).collect()
}

/// A unit of the reader's text before synonyms are found.
#[derive(Debug, Clone)]
struct Unit {
    stems: Vec<String>,
    raws: Vec<String>,
    quoted: bool,
    prefix: bool,
    negated: bool,
}

struct Analysers {
    stemmed: TextAnalyzer,
    unstemmed: TextAnalyzer,
}

impl Analysers {
    fn unit(&mut self, text: &str, quoted: bool, prefix: bool, negated: bool) -> Option<Unit> {
        let stems: Vec<String> = words(&mut self.stemmed, text)
            .into_iter()
            .map(|w| w.term)
            .collect();
        let raws: Vec<String> = words(&mut self.unstemmed, text)
            .into_iter()
            .map(|w| w.term)
            .collect();
        if stems.is_empty() || stems.len() != raws.len() {
            return None;
        }
        Some(Unit {
            stems,
            raws,
            quoted,
            prefix,
            negated,
        })
    }
}

/// Cuts `text` to at most `max` characters.
fn cap(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// Reads white-space separated chunks: `NOT`, `-` and `*` marks, punctuated words as phrases.
fn plain(analysers: &mut Analysers, segment: &str, out: &mut Vec<Unit>, negate_next: &mut bool) {
    for chunk in segment.split_whitespace() {
        if chunk == "NOT" {
            *negate_next = true;
            continue;
        }
        if chunk == "AND" || chunk == "OR" || chunk == "&&" || chunk == "||" {
            continue;
        }
        let negated = std::mem::take(negate_next) || (chunk.starts_with('-') && chunk.len() > 1);
        let body = chunk.trim_start_matches(['-', '+']);
        let prefix = body.ends_with('*');
        let body = body.trim_end_matches('*');
        if let Some(unit) = analysers.unit(body, false, prefix, negated) {
            out.push(unit);
        }
    }
}

/// Splits the reader's text into units: quoted phrases and white-space separated chunks.
fn units(text: &str) -> Vec<Unit> {
    let text = cap(text, MAX_QUERY_CHARS);
    let mut analysers = Analysers {
        stemmed: stemmed_analyzer(),
        unstemmed: unstemmed_analyzer(),
    };
    // Quote positions; an odd last quote is ignored.
    let quotes: Vec<usize> = text.match_indices('"').map(|(i, _)| i).collect();
    let paired = quotes.len() - quotes.len() % 2;
    let mut out = Vec::new();
    let mut negate_next = false;
    let mut at = 0;
    let mut pairs = quotes[..paired].chunks(2);
    for pair in pairs.by_ref() {
        let [open, close] = pair else { break };
        let before = &text[at..*open];
        // A `-` right before the opening quote leaves the phrase out.
        let (before, negated) = match before.strip_suffix('-') {
            Some(rest) if rest.is_empty() || rest.ends_with(char::is_whitespace) => (rest, true),
            _ => (before, false),
        };
        plain(&mut analysers, before, &mut out, &mut negate_next);
        let negated = negated || std::mem::take(&mut negate_next);
        if let Some(unit) = analysers.unit(&text[open + 1..*close], true, false, negated) {
            out.push(unit);
        }
        at = close + 1;
    }
    let rest = text[at..].replace('"', " ");
    plain(&mut analysers, &rest, &mut out, &mut negate_next);
    out
}

/// Reads the reader's text. Never fails: anything unreadable is dropped.
pub(crate) fn parse(text: &str) -> Parsed {
    let units = units(text);
    let syn = synonyms();
    let mut parsed = Parsed::default();
    let mut i = 0;
    while i < units.len() {
        let unit = &units[i];
        let target = if unit.negated {
            &mut parsed.excluded
        } else {
            &mut parsed.concepts
        };
        if unit.quoted {
            let concept = match syn.exact(&unit.stems) {
                Some(group) => Concept::Synonym { group },
                None if unit.stems.len() == 1 => Concept::Word {
                    stem: unit.stems[0].clone(),
                    raw: unit.raws[0].clone(),
                    optional: false,
                    near: Vec::new(),
                },
                None => Concept::Phrase {
                    stems: unit.stems.clone(),
                },
            };
            target.push(concept);
            i += 1;
            continue;
        }
        if !unit.prefix {
            // The longest run of plain units, starting here, that is a synonym-list term.
            let mut run: Vec<String> = Vec::new();
            let mut best: Option<(usize, usize)> = None;
            for (j, next) in units[i..].iter().enumerate().take(8) {
                if next.quoted || next.prefix || next.negated != unit.negated {
                    break;
                }
                run.extend(next.stems.iter().cloned());
                if let Some(group) = syn.exact(&run) {
                    best = Some((j + 1, group));
                }
            }
            if let Some((taken, group)) = best {
                target.push(Concept::Synonym { group });
                i += taken;
                continue;
            }
        }
        let concept = if unit.stems.len() > 1 {
            Concept::Phrase {
                stems: unit.stems.clone(),
            }
        } else if unit.prefix && unit.raws[0].chars().count() >= 3 {
            Concept::Prefix {
                stem: unit.stems[0].clone(),
                raw: unit.raws[0].clone(),
            }
        } else {
            Concept::Word {
                stem: unit.stems[0].clone(),
                raw: unit.raws[0].clone(),
                optional: STOPWORDS.contains(&unit.raws[0].as_str()),
                near: Vec::new(),
            }
        };
        target.push(concept);
        i += 1;
    }
    parsed.concepts.truncate(MAX_CONCEPTS);
    parsed.excluded.truncate(MAX_CONCEPTS);
    parsed
}

/// Above how many matches (summed over the text fields) a word is not looked up for typos:
/// one review in two hundred, and never fewer than five.
fn common_threshold(num_docs: u64) -> u64 {
    (num_docs / 200).max(5)
}

/// Most words one typo away taken from the library for one reader word.
const MAX_NEAR: usize = 8;

/// Finds, for each reader word of five letters or more that is rare in the library, the
/// library's words one typo away, and records their stems, so that they are searched with
/// full BM25 ranking, weighted below the word as typed. A word found in more than
/// [`common_threshold`] field matches is taken as correctly spelt and not expanded.
pub(crate) fn expand_typos(
    searcher: &Searcher,
    fields: &Fields,
    parsed: &mut Parsed,
) -> tantivy::Result<()> {
    let mut analyzer = stemmed_analyzer();
    for concept in &mut parsed.concepts {
        let Concept::Word {
            stem,
            raw,
            optional: false,
            near,
        } = concept
        else {
            continue;
        };
        if raw.chars().count() < FUZZY_MIN_CHARS {
            continue;
        }
        // A word already in many reviews is taken as spelt as meant: looking for its
        // neighbours costs time and mostly finds other real words.
        let mut frequency = 0;
        for (field, _) in text_fields(fields) {
            frequency += searcher.doc_freq(&Term::from_field_text(field, stem))?;
        }
        if frequency > common_threshold(searcher.num_docs()) {
            continue;
        }
        // Unstemmed words of titles, themes and summaries one typo from the word as typed
        // (catches typos in endings), then stems of every text field one typo from its stem.
        let mut found: Vec<String> = Vec::new();
        for word in near_terms(searcher, fields.words, raw, MAX_NEAR)? {
            found.extend(words(&mut analyzer, &word).into_iter().map(|w| w.term));
        }
        for (field, _) in text_fields(fields) {
            found.extend(near_terms(searcher, field, stem, MAX_NEAR)?);
        }
        for term in found {
            if term != *stem && !near.contains(&term) && near.len() < MAX_NEAR {
                near.push(term);
            }
        }
    }
    Ok(())
}

/// Terms of a field one edit from `text` (other than `text`), at most `max`.
fn near_terms(
    searcher: &Searcher,
    field: Field,
    text: &str,
    max: usize,
) -> tantivy::Result<Vec<String>> {
    let query = FuzzyTermQuery::new(Term::from_field_text(field, text), 1, true);
    let mut found: Vec<String> = Vec::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted.terms().search(query.automaton()?).into_stream()?;
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if term != text && !found.iter().any(|f| f == term) {
                found.push(term.to_owned());
                if found.len() >= max {
                    return Ok(found);
                }
            }
        }
    }
    Ok(found)
}

fn term_query(field: Field, text: &str) -> Box<dyn TantivyQuery> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn boosted(query: Box<dyn TantivyQuery>, boost: f32) -> Box<dyn TantivyQuery> {
    Box::new(BoostQuery::new(query, boost))
}

fn words_query(field: Field, stems: &[String]) -> Box<dyn TantivyQuery> {
    if let [one] = stems {
        term_query(field, one)
    } else {
        Box::new(PhraseQuery::new(
            stems
                .iter()
                .map(|s| Term::from_field_text(field, s))
                .collect(),
        ))
    }
}

/// The query for one concept, over every text field with its weight.
pub(crate) fn concept_query(fields: &Fields, concept: &Concept) -> Box<dyn TantivyQuery> {
    let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
    for (field, weight) in text_fields(fields) {
        match concept {
            Concept::Word { stem, near, .. } => {
                clauses.push((Occur::Should, boosted(term_query(field, stem), weight)));
                for other in near {
                    clauses.push((
                        Occur::Should,
                        boosted(term_query(field, other), weight * FUZZY_WEIGHT),
                    ));
                }
            }
            Concept::Prefix { stem, raw } => {
                clauses.push((Occur::Should, boosted(term_query(field, stem), weight)));
                let mut starts: Vec<&String> = vec![raw];
                if stem != raw {
                    starts.push(stem);
                }
                for start in starts {
                    let prefix =
                        FuzzyTermQuery::new_prefix(Term::from_field_text(field, start), 0, false);
                    clauses.push((
                        Occur::Should,
                        boosted(Box::new(prefix), weight * PREFIX_WEIGHT),
                    ));
                }
            }
            Concept::Phrase { stems } => {
                clauses.push((Occur::Should, boosted(words_query(field, stems), weight)));
            }
            Concept::Synonym { group } => {
                for term in synonyms().group(*group) {
                    clauses.push((Occur::Should, boosted(words_query(field, term), weight)));
                }
            }
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

/// The query for the reader's text: every required concept (or, with `any`, at least one),
/// none of the excluded ones. A listing (nothing positive asked) matches every review.
pub(crate) fn text_query(fields: &Fields, parsed: &Parsed, any: bool) -> Box<dyn TantivyQuery> {
    let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
    if parsed.is_listing() {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    for concept in &parsed.concepts {
        let optional = any || matches!(concept, Concept::Word { optional: true, .. });
        let occur = if optional { Occur::Should } else { Occur::Must };
        clauses.push((occur, concept_query(fields, concept)));
    }
    for concept in &parsed.excluded {
        clauses.push((
            Occur::MustNot,
            Box::new(Guarded(concept_query(fields, concept))),
        ));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// A filter dimension, for leaving one out when counting its own facet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dimension {
    ReviewType,
    AgeGroup,
    Year,
}

/// The filters of a query as clauses that do not change scores, leaving out `skip`.
pub(crate) fn filter_query(
    fields: &Fields,
    q: &Query,
    skip: Option<Dimension>,
) -> Option<Box<dyn TantivyQuery>> {
    let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
    let mut seen = HashSet::new();
    for theme in &q.themes {
        let theme = normalise_theme(theme);
        if seen.insert(theme.clone()) {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(fields.theme, &theme),
                    IndexRecordOption::Basic,
                )),
            ));
        }
    }
    let any_of = |field: Field, codes: Vec<u64>| -> Box<dyn TantivyQuery> {
        Box::new(BooleanQuery::new(
            codes
                .into_iter()
                .map(|code| {
                    let q: Box<dyn TantivyQuery> = Box::new(TermQuery::new(
                        Term::from_field_u64(field, code),
                        IndexRecordOption::Basic,
                    ));
                    (Occur::Should, q)
                })
                .collect(),
        ))
    };
    if !q.review_types.is_empty() && skip != Some(Dimension::ReviewType) {
        let codes = q.review_types.iter().map(|t| t.code()).collect();
        clauses.push((Occur::Must, any_of(fields.review_type, codes)));
    }
    if !q.age_groups.is_empty() && skip != Some(Dimension::AgeGroup) {
        let codes = q.age_groups.iter().map(|a| a.code()).collect();
        clauses.push((Occur::Must, any_of(fields.age_group, codes)));
    }
    if (q.from_year.is_some() || q.to_year.is_some()) && skip != Some(Dimension::Year) {
        let from = q.from_year.map(i64::from);
        let to = q.to_year.map(i64::from);
        let range: Box<dyn TantivyQuery> = match (from, to) {
            (Some(from), Some(to)) if from > to => Box::new(EmptyQuery),
            _ => Box::new(RangeQuery::new(
                from.map_or(Bound::Unbounded, |y| {
                    Bound::Included(Term::from_field_i64(fields.year, y))
                }),
                to.map_or(Bound::Unbounded, |y| {
                    Bound::Included(Term::from_field_i64(fields.year, y))
                }),
            )),
        };
        clauses.push((Occur::Must, range));
    }
    if clauses.is_empty() {
        None
    } else {
        Some(Box::new(ConstScoreQuery::new(
            Box::new(BooleanQuery::new(clauses)),
            0.0,
        )))
    }
}

/// The reader's query and the filters together.
pub(crate) fn full_query(
    text: Box<dyn TantivyQuery>,
    filters: Option<Box<dyn TantivyQuery>>,
) -> Box<dyn TantivyQuery> {
    match filters {
        None => text,
        Some(filters) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, text),
            (Occur::Must, filters),
        ])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_phrases_prefixes_and_exclusions() {
        let p = parse("\"missed appointments\" neglec* -housing");
        assert_eq!(p.concepts.len(), 2);
        assert!(matches!(&p.concepts[0], Concept::Phrase { stems } if stems.len() == 2));
        assert!(matches!(&p.concepts[1], Concept::Prefix { raw, .. } if raw == "neglec"));
        assert_eq!(p.excluded.len(), 1);
    }

    #[test]
    fn finds_synonyms_across_words() {
        let p = parse("non accidental injury in a baby");
        assert!(matches!(p.concepts[0], Concept::Synonym { .. }));
        let p = parse("NAI");
        assert!(matches!(p.concepts[0], Concept::Synonym { .. }));
        let p = parse("A&E attendances");
        assert!(matches!(p.concepts[0], Concept::Synonym { .. }));
    }

    #[test]
    fn bad_syntax_degrades() {
        for text in [
            "\"unbalanced quote",
            "AND OR NOT",
            "---",
            "***",
            "\"\"",
            "-\"",
            "*",
        ] {
            let _ = parse(text);
        }
        assert!(parse("\"unbalanced quote").concepts.len() == 2);
        assert!(parse("").is_listing());
    }
}
