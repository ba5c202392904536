//! Free text that must be given: reasons for decisions, notes, analyses of practice.
//! Trimmed, never blank, at most 20,000 characters, and free of the NUL character that
//! databases cannot store; line breaks and tabs are kept.

use serde::{Deserialize, Serialize};

/// Text that is not blank once trimmed and fits in 20,000 characters.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NonEmptyText(String);

/// Why some text cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NonEmptyTextError {
    #[error("Enter some text: this cannot be left blank")]
    Empty,
    #[error(
        "The text must be {max} characters or fewer; it has {actual}",
        max = grouped(&NonEmptyText::MAX_CHARS),
        actual = grouped(.actual)
    )]
    TooLong { actual: usize },
    #[error(
        "The text contains a hidden character that cannot be saved: copy it again as plain text"
    )]
    ContainsNul,
}

impl NonEmptyText {
    /// The longest text accepted, in characters.
    pub const MAX_CHARS: usize = 20_000;

    /// Parse free text; surrounding whitespace is removed.
    ///
    /// # Errors
    /// [`NonEmptyTextError`] when the text is blank, too long or holds a NUL character.
    pub fn parse(input: &str) -> Result<Self, NonEmptyTextError> {
        let trimmed = super::trimmed_non_empty(input).ok_or(NonEmptyTextError::Empty)?;
        if trimmed.contains('\0') {
            return Err(NonEmptyTextError::ContainsNul);
        }
        let actual = trimmed.chars().count();
        if actual > Self::MAX_CHARS {
            return Err(NonEmptyTextError::TooLong { actual });
        }
        Ok(Self(trimmed.to_owned()))
    }
}

/// A count with thousands separators, as people read it: 20000 becomes "20,000".
fn grouped(n: &usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

validated_text_impls!(NonEmptyText, NonEmptyTextError, display_as_stored);
