//! Snippets: the best short passage of a review's summary or text, with the matched words.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde::Serialize;

use tantivy::tokenizer::TextAnalyzer;

use crate::analysis::{stemmed_analyzer, unstemmed_analyzer, words};
use crate::query::{Concept, Parsed};
use crate::synonyms::synonyms;

/// Target length of a snippet, in bytes.
const SNIPPET_LEN: usize = 200;
/// Context kept before the first highlighted word, in bytes at most.
const LEAD: usize = 50;
/// How much of a long full text is read for a snippet, in bytes.
const TEXT_SCAN: usize = 32 * 1024;

/// A short passage of plain text and the byte ranges in it of the words that matched. The
/// text is not escaped: whoever renders it escapes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// The passage, with `…` where it was cut.
    pub text: String,
    /// Byte ranges in `text` of the matched words, in order, not overlapping.
    pub highlights: Vec<Range<usize>>,
}

/// What counts as a match, from the reader's query.
#[derive(Default)]
pub(crate) struct Highlighter {
    stems: HashSet<String>,
    prefixes: Vec<String>,
    fuzzy: Vec<String>,
    fuzzy_raw: Vec<String>,
    /// How many distinct matched words a passage needs before the full text is not read.
    wanted: usize,
    /// Words already judged, as written (folded, lower case), with their stem if they match:
    /// each distinct word is stemmed once per search.
    seen: RefCell<HashMap<String, Option<String>>>,
    /// Stems one word.
    stemmer: RefCell<TextAnalyzer>,
    /// Splits a text into folded, lower-case words.
    splitter: RefCell<TextAnalyzer>,
}

impl std::fmt::Debug for Highlighter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Highlighter")
            .field("stems", &self.stems)
            .field("prefixes", &self.prefixes)
            .finish_non_exhaustive()
    }
}

impl Highlighter {
    pub(crate) fn new(parsed: &Parsed) -> Highlighter {
        let mut h = Highlighter {
            wanted: parsed.required_count().max(1),
            stemmer: RefCell::new(stemmed_analyzer()),
            splitter: RefCell::new(unstemmed_analyzer()),
            ..Highlighter::default()
        };
        for concept in &parsed.concepts {
            match concept {
                Concept::Word {
                    stem,
                    raw,
                    optional,
                    near,
                } => {
                    if !optional {
                        h.stems.insert(stem.clone());
                        h.stems.extend(near.iter().cloned());
                        if raw.chars().count() >= 5 {
                            h.fuzzy.push(stem.clone());
                            h.fuzzy_raw.push(raw.clone());
                        }
                    }
                }
                Concept::Prefix { stem, raw } => {
                    h.prefixes.push(raw.clone());
                    h.prefixes.push(stem.clone());
                }
                Concept::Phrase { stems } => h.stems.extend(stems.iter().cloned()),
                Concept::Synonym { group } => {
                    for term in synonyms().group(*group) {
                        h.stems.extend(term.iter().cloned());
                    }
                }
            }
        }
        h
    }

    fn is_empty(&self) -> bool {
        self.stems.is_empty() && self.prefixes.is_empty()
    }

    /// Whether a word of the text (its stem and as written, folded) matched.
    fn matches(&self, stem: &str, written: &str) -> bool {
        self.stems.contains(stem)
            || self
                .prefixes
                .iter()
                .any(|p| stem.starts_with(p.as_str()) || written.starts_with(p.as_str()))
            || self.fuzzy.iter().any(|f| within_one_edit(f, stem))
            || self.fuzzy_raw.iter().any(|f| within_one_edit(f, written))
    }

    /// The stem of a word as written if it matched, judged once per distinct word.
    fn judge(&self, written: &str) -> Option<String> {
        if let Some(known) = self.seen.borrow().get(written) {
            return known.clone();
        }
        let stem = words(&mut self.stemmer.borrow_mut(), written)
            .into_iter()
            .next()
            .map_or_else(|| written.to_owned(), |w| w.term);
        let verdict = self.matches(&stem, written).then_some(stem);
        self.seen
            .borrow_mut()
            .insert(written.to_owned(), verdict.clone());
        verdict
    }

    /// The best passage of the summary or the text (the summary on a tie).
    pub(crate) fn snippet(&self, summary: &str, text: Option<&str>) -> Snippet {
        if self.is_empty() {
            return lead(summary);
        }
        let mut best = self.best_window(summary);
        // The full text is read only when the summary lacks some of the words asked for.
        let enough = best.as_ref().is_some_and(|b| b.0 / 100 >= self.wanted);
        if let Some(text) = text.filter(|_| !enough) {
            let text = cut(text, TEXT_SCAN);
            if let Some(candidate) = self.best_window(text)
                && best.as_ref().is_none_or(|b| candidate.0 > b.0)
            {
                best = Some(candidate);
            }
        }
        match best {
            Some((_, snippet)) => snippet,
            None => lead(summary),
        }
    }

    /// The highest scoring window of `source` and its score: distinct matched words first,
    /// then how many matches.
    fn best_window(&self, source: &str) -> Option<(usize, Snippet)> {
        // Word positions, and which words matched with their stems; no word is copied.
        let mut tokens: Vec<Range<usize>> = Vec::new();
        let mut stems: Vec<String> = Vec::new();
        let mut hits: Vec<usize> = Vec::new();
        {
            let mut splitter = self.splitter.borrow_mut();
            let mut stream = splitter.token_stream(source);
            // Once a window holds every word asked for, read on only to the window's end.
            let mut stop_after: Option<usize> = None;
            while stream.advance() {
                let token = stream.token();
                if stop_after.is_some_and(|limit| token.offset_from > limit) {
                    break;
                }
                tokens.push(token.offset_from..token.offset_to);
                if stop_after.is_some() {
                    continue;
                }
                if let Some(stem) = self.judge(&token.text) {
                    hits.push(tokens.len() - 1);
                    stems.push(stem);
                    let window_start = token.offset_to.saturating_sub(SNIPPET_LEN - LEAD);
                    let mut distinct = HashSet::new();
                    for (&h, stem) in hits.iter().zip(&stems).rev() {
                        if tokens[h].start < window_start {
                            break;
                        }
                        distinct.insert(stem.as_str());
                    }
                    if distinct.len() >= self.wanted {
                        stop_after = Some(window_start + SNIPPET_LEN + LEAD);
                    }
                }
            }
        }
        let mut best: Option<(usize, usize, usize)> = None; // (score, first hit, end)
        for (k, &first) in hits.iter().enumerate() {
            let start = tokens[first].start;
            let mut distinct = HashSet::new();
            let mut count = 0;
            let mut end = tokens[first].end;
            for (&h, stem) in hits[k..].iter().zip(&stems[k..]) {
                if tokens[h].end > start + SNIPPET_LEN - LEAD {
                    break;
                }
                distinct.insert(stem.as_str());
                count += 1;
                end = tokens[h].end;
            }
            let score = distinct.len() * 100 + count;
            if best.is_none_or(|b| score > b.0) {
                best = Some((score, first, end));
            }
        }
        let (score, first, last_end) = best?;
        // Start a little before the first match, at a word; the sentence start if near.
        let first_from = tokens[first].start;
        let mut from = first_from;
        for t in tokens[..first].iter().rev() {
            if first_from - t.start > LEAD {
                break;
            }
            from = t.start;
            if source[..t.start].trim_end().ends_with(['.', '!', '?']) {
                break;
            }
        }
        let mut to = last_end.max(from);
        let after = to;
        for t in tokens.iter().filter(|t| t.start >= after) {
            if t.end > from + SNIPPET_LEN {
                break;
            }
            to = t.end;
        }
        let ranges: Vec<Range<usize>> = hits
            .iter()
            .map(|&h| tokens[h].start..tokens[h].end)
            .filter(|r| r.start >= from && r.end <= to)
            .collect();
        Some((score, cut_out(source, from, to, &ranges)))
    }
}

/// A snippet of `source[from..to]`, with `…` where it was cut, and the ranges moved to match.
fn cut_out(source: &str, from: usize, to: usize, ranges: &[Range<usize>]) -> Snippet {
    let mut text = String::new();
    if from > 0 {
        text.push('…');
    }
    let shift = text.len();
    text.push_str(&source[from..to]);
    if to < source.trim_end().len() {
        text.push('…');
    }
    Snippet {
        text,
        highlights: ranges
            .iter()
            .map(|r| (r.start - from + shift)..(r.end - from + shift))
            .collect(),
    }
}

/// The start of a summary, cut at a word.
pub(crate) fn lead(summary: &str) -> Snippet {
    let summary = summary.trim();
    if summary.len() <= SNIPPET_LEN {
        return Snippet {
            text: summary.to_owned(),
            highlights: Vec::new(),
        };
    }
    let head = cut(summary, SNIPPET_LEN);
    let at = head.rfind(char::is_whitespace).unwrap_or(head.len());
    cut_out(summary, 0, head[..at].trim_end().len(), &[])
}

/// At most `max` bytes of `text`, cut at a character boundary.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut at = max;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    &text[..at]
}

/// Whether two words are at most one edit apart (insertion, deletion, substitution, or a
/// swap of two neighbouring letters).
pub(crate) fn within_one_edit(a: &str, b: &str) -> bool {
    if a.len().abs_diff(b.len()) > 4 {
        return false;
    }
    if a.is_ascii() && b.is_ascii() {
        one_edit(a.as_bytes(), b.as_bytes())
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        one_edit(&a, &b)
    }
}

fn one_edit<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if prefix == a.len() && prefix == b.len() {
        return true;
    }
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match ra.len().cmp(&rb.len()) {
        std::cmp::Ordering::Equal => {
            ra[1..] == rb[1..]
                || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        std::cmp::Ordering::Greater => ra[1..] == *rb,
        std::cmp::Ordering::Less => *ra == rb[1..],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    #[test]
    fn edit_distance_one() {
        assert!(within_one_edit("neglect", "neglect"));
        assert!(within_one_edit("neglect", "negect"));
        assert!(within_one_edit("neglect", "neglecct"));
        assert!(within_one_edit("neglect", "nexlect"));
        assert!(within_one_edit("neglect", "nelgect"));
        assert!(!within_one_edit("neglect", "nelgcet"));
        assert!(!within_one_edit("neglect", "abuse"));
    }

    #[test]
    fn highlights_matched_words() {
        let h = Highlighter::new(&parse("missed appointments"));
        let s = h.snippet(
            "The family missed several appointments with the health visitor.",
            None,
        );
        let marked: Vec<&str> = s.highlights.iter().map(|r| &s.text[r.clone()]).collect();
        assert_eq!(marked, ["missed", "appointments"]);
    }

    #[test]
    fn long_text_is_cut_around_the_match() {
        let filler = "Nothing of note happened in this period of the review. ".repeat(20);
        let text = format!("{filler}The school raised a concern about neglect. {filler}");
        let h = Highlighter::new(&parse("neglect"));
        let s = h.snippet("A short summary.", Some(&text));
        assert!(s.text.len() <= SNIPPET_LEN + 8, "{}", s.text.len());
        assert_eq!(s.highlights.len(), 1);
        assert_eq!(&s.text[s.highlights[0].clone()], "neglect");
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
    }
}
