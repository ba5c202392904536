//! Word tokens with byte offsets, their shape (Capitalised, UPPER, lower), and the small
//! questions the detectors ask about the text around a token.

use crate::lexicon;

/// How a word is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// First letter upper case, some later letter lower case: `Gemma`, `McGinley`.
    Cap,
    /// Two or more letters, all upper case: `BAILEY`.
    Upper,
    /// One upper-case letter: `A`.
    Initial,
    /// Starts with a lower-case letter.
    Lower,
    /// Contains a digit.
    Digit,
}

#[derive(Debug, Clone)]
pub(crate) struct Token<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    /// The word in lower case: a slice of the text itself when it has no capital, else of the
    /// tokeniser's one buffer, so no word costs an allocation.
    pub lower: &'a str,
    pub shape: Shape,
    /// The word lists the lower-case word is in (`lexicon::WORD` ...), looked up once here.
    pub lex: u16,
}

impl Token<'_> {
    pub fn is_capitalised(&self) -> bool {
        matches!(self.shape, Shape::Cap | Shape::Upper)
    }

    /// Whether the word is in any of the lists `flags` (`lexicon::TITLE | lexicon::ROLE`).
    pub fn has(&self, flags: u16) -> bool {
        self.lex & flags != 0
    }

    pub fn is_word(&self) -> bool {
        self.lex & lexicon::WORD != 0
    }

    pub fn is_first_name(&self) -> bool {
        self.lex & lexicon::FIRST != 0
    }

    pub fn is_surname(&self) -> bool {
        self.lex & lexicon::SURNAME != 0
    }

    pub fn is_name(&self) -> bool {
        self.lex & (lexicon::FIRST | lexicon::SURNAME) != 0
    }

    pub fn is_place(&self) -> bool {
        self.lex & lexicon::PLACE != 0
    }

    pub fn is_proper_noun(&self) -> bool {
        self.lex & lexicon::PROPER != 0
    }

    /// A word that never starts a name (function, role, domain and calendar words, titles,
    /// acronyms).
    pub fn never(&self) -> bool {
        self.lex & lexicon::NEVER != 0
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Splits text into word tokens. Hyphens and apostrophes inside a word join it (`Mary-Jane`,
/// `O'Brien`), but a possessive `'s` does not: `Gemma's` gives `Gemma`. Lower-case forms of
/// words with capitals are written to `buffer`, which the tokens then borrow.
pub(crate) fn tokenize<'a>(text: &'a str, buffer: &'a mut String) -> Vec<Token<'a>> {
    buffer.clear();
    // Spans first, with where each word's lower case lies (in the text or in the buffer).
    let spans = spans(text, buffer);
    let buffer: &'a String = buffer;
    spans
        .into_iter()
        .map(|(start, end, lower, shape)| {
            let lower = match lower {
                Some((s, e)) => &buffer[s..e],
                None => &text[start..end],
            };
            Token {
                start,
                end,
                text: &text[start..end],
                lower,
                shape,
                lex: lexicon::LEXICON.flags(lower),
            }
        })
        .collect()
}

type Span = (usize, usize, Option<(usize, usize)>, Shape);

fn spans(text: &str, buffer: &mut String) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::with_capacity(text.len() / 5);
    let mut i = 0;
    while i < bytes.len() {
        let (c, len) = char_at(text, i);
        i += len;
        if !c.is_alphanumeric() {
            continue;
        }
        let start = i - len;
        let mut end = i;
        let mut stats = WordStats::default();
        stats.note(c);
        while i < bytes.len() {
            let (c, len) = char_at(text, i);
            if c.is_alphanumeric() {
                stats.note(c);
                i += len;
                end = i;
                continue;
            }
            if c == '-' || is_apostrophe(c) {
                let mut after = text[i + len..].chars();
                let next = after.next();
                // `'s` followed by a non-letter is a possessive: it ends the word and is skipped.
                // "JUNE'S" too: a word in capitals writes its possessive in capitals.
                let possessive = is_apostrophe(c)
                    && (next == Some('s') || (next == Some('S') && !stats.lower_after_first))
                    && !after.next().is_some_and(char::is_alphanumeric);
                if possessive {
                    i += len + 1;
                    break;
                }
                if next.is_some_and(char::is_alphanumeric) {
                    stats.note(c);
                    i += len;
                    continue;
                }
            }
            break;
        }
        let word = &text[start..end];
        let (lower, shape) = if stats.non_ascii {
            // Full Unicode lower case (İ, titlecase letters) can change the length.
            let s = buffer.len();
            buffer.push_str(&word.to_lowercase());
            (Some((s, buffer.len())), shape_of(word))
        } else if stats.upper {
            let s = buffer.len();
            buffer.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
            (Some((s, buffer.len())), stats.shape())
        } else {
            (None, stats.shape())
        };
        tokens.push((start, end, lower, shape));
    }
    tokens
}

/// What the tokeniser notes of an ASCII word as it reads it, so that the word's shape and
/// whether it needs lowering take no second pass.
#[derive(Default)]
struct WordStats {
    non_ascii: bool,
    digit: bool,
    upper: bool,
    /// Whether the first letter is upper case, once there is one.
    first_upper: Option<bool>,
    lower_after_first: bool,
    letters: usize,
}

impl WordStats {
    fn note(&mut self, c: char) {
        if !c.is_ascii() {
            self.non_ascii = true;
        } else if c.is_ascii_digit() {
            self.digit = true;
        } else if c.is_ascii_alphabetic() {
            let up = c.is_ascii_uppercase();
            self.upper |= up;
            match self.first_upper {
                None => self.first_upper = Some(up),
                Some(_) => self.lower_after_first |= !up,
            }
            self.letters += 1;
        }
    }

    /// The same answer as `shape_of`, for an ASCII word.
    fn shape(&self) -> Shape {
        match self.first_upper {
            _ if self.digit => Shape::Digit,
            None | Some(false) => Shape::Lower,
            Some(true) if self.lower_after_first => Shape::Cap,
            Some(true) if self.letters == 1 => Shape::Initial,
            Some(true) => Shape::Upper,
        }
    }
}

/// The character at byte `i` (a character boundary) and its length, ASCII without decoding.
fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b.is_ascii() {
        return (char::from(b), 1);
    }
    text[i..]
        .chars()
        .next()
        .map_or((char::REPLACEMENT_CHARACTER, 1), |c| (c, c.len_utf8()))
}

pub(crate) fn shape_of(word: &str) -> Shape {
    if word.chars().any(|c| c.is_ascii_digit()) {
        return Shape::Digit;
    }
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let Some(first) = letters.next() else {
        return Shape::Lower;
    };
    if !first.is_uppercase() {
        return Shape::Lower;
    }
    let mut any_lower = false;
    let mut count = 1;
    for c in letters {
        count += 1;
        if c.is_lowercase() {
            any_lower = true;
        }
    }
    if any_lower {
        Shape::Cap
    } else if count == 1 {
        Shape::Initial
    } else {
        Shape::Upper
    }
}

/// The text between two tokens (or the end of the text).
pub(crate) fn gap<'a>(text: &'a str, tokens: &[Token<'_>], i: usize) -> &'a str {
    let from = tokens[i].end;
    let to = tokens.get(i + 1).map_or(text.len(), |t| t.start);
    &text[from..to]
}

/// The text before token `i` back to the previous token.
pub(crate) fn gap_before<'a>(text: &'a str, tokens: &[Token<'_>], i: usize) -> &'a str {
    let to = tokens[i].start;
    let from = if i == 0 { 0 } else { tokens[i - 1].end };
    &text[from..to]
}

/// Whether token `i` begins a sentence, a field value or a line, where capitals say nothing.
pub(crate) fn starts_sentence(text: &str, tokens: &[Token<'_>], i: usize) -> bool {
    let before = gap_before(text, tokens, i);
    if i == 0 {
        return true;
    }
    let trimmed = before.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '\'' | '"' | '\u{2018}' | '\u{201c}' | '(' | '[')
    });
    if trimmed.is_empty() {
        return false;
    }
    trimmed.ends_with([
        '.', '!', '?', ':', '\n', '\u{2014}', '\u{2013}', '|', '/', ';', ']',
    ]) || before.contains('\n')
}

/// Converts sorted-or-not byte offsets to code-point offsets in one pass over the text.
pub(crate) fn char_offsets(text: &str, bytes: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..bytes.len()).collect();
    order.sort_by_key(|&i| bytes[i]);
    let mut out = vec![0; bytes.len()];
    let mut chars = 0;
    let mut pos = 0;
    for i in order {
        let target = bytes[i];
        if target > pos {
            chars += text[pos..target].chars().count();
            pos = target;
        }
        out[i] = chars;
    }
    out
}

/// Whether a byte offset sits between two alphanumeric characters (inside a word).
pub(crate) fn inside_word(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at..].chars().next();
    before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn possessives_split_and_inner_apostrophes_join() {
        let mut buffer = String::new();
        let toks = tokenize(
            "Gemma's flat; O'Brien and Mary-Jane, nan's, JUNE'S room",
            &mut buffer,
        );
        let words: Vec<&str> = toks.iter().map(|t| t.text).collect();
        assert_eq!(
            words,
            [
                "Gemma",
                "flat",
                "O'Brien",
                "and",
                "Mary-Jane",
                "nan",
                "JUNE",
                "room"
            ]
        );
    }

    #[test]
    fn ascii_shapes_as_read_agree_with_shape_of() {
        for word in [
            "McGinley",
            "BAILEY",
            "A",
            "riley",
            "46c",
            "O'Brien",
            "Mary-Jane",
            "x-Ray",
            "ABC-d",
            "a",
            "Z9",
            "HH",
            "Ab",
            "aB",
            "'",
            "-",
        ] {
            let mut stats = WordStats::default();
            word.chars().for_each(|c| stats.note(c));
            assert_eq!(stats.shape(), shape_of(word), "{word}");
        }
    }

    #[test]
    fn shapes() {
        assert_eq!(shape_of("McGinley"), Shape::Cap);
        assert_eq!(shape_of("BAILEY"), Shape::Upper);
        assert_eq!(shape_of("A"), Shape::Initial);
        assert_eq!(shape_of("riley"), Shape::Lower);
        assert_eq!(shape_of("46c"), Shape::Digit);
        assert_eq!(shape_of("TOMÁS"), Shape::Upper);
    }

    #[test]
    fn code_points_from_bytes() {
        let text = "Tomás Sousa";
        assert_eq!(char_offsets(text, &[0, 7, 12]), [0, 6, 11]);
    }
}
