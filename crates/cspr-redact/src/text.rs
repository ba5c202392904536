//! Word tokens with byte offsets, their shape (Capitalised, UPPER, lower), and the small
//! questions the detectors ask about the text around a token.

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
    pub lower: String,
    pub shape: Shape,
}

impl Token<'_> {
    pub fn is_capitalised(&self) -> bool {
        matches!(self.shape, Shape::Cap | Shape::Upper)
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Splits text into word tokens. Hyphens and apostrophes inside a word join it (`Mary-Jane`,
/// `O'Brien`), but a possessive `'s` does not: `Gemma's` gives `Gemma`.
pub(crate) fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::with_capacity(text.len() / 5);
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, c)) = chars.peek() {
            if c.is_alphanumeric() {
                end = i + c.len_utf8();
                chars.next();
                continue;
            }
            if c == '-' || is_apostrophe(c) {
                let rest = &text[i + c.len_utf8()..];
                let mut after = rest.chars();
                let next = after.next();
                // `'s` followed by a non-letter is a possessive: it ends the word and is skipped.
                let possessive = is_apostrophe(c)
                    && next == Some('s')
                    && !after.next().is_some_and(char::is_alphanumeric);
                if possessive {
                    chars.next();
                    chars.next();
                    break;
                }
                if next.is_some_and(char::is_alphanumeric) {
                    chars.next();
                    continue;
                }
            }
            break;
        }
        let word = &text[start..end];
        tokens.push(Token {
            start,
            end,
            text: word,
            lower: word.to_lowercase(),
            shape: shape_of(word),
        });
    }
    tokens
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
        let toks = tokenize("Gemma's flat; O'Brien and Mary-Jane, nan's");
        let words: Vec<&str> = toks.iter().map(|t| t.text).collect();
        assert_eq!(
            words,
            ["Gemma", "flat", "O'Brien", "and", "Mary-Jane", "nan"]
        );
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
