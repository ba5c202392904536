//! UK postcodes, as written on the addresses of the adults caring for a child.
//! Input in any case and spacing is accepted; the stored form is upper case with one space
//! before the three-character inward code ("SW1A 1AA").

use serde::{Deserialize, Serialize};

/// A UK postcode in its normal form: upper case, one space between outward and inward code,
/// e.g. "SW1A 1AA".
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

/// Why some text is not a UK postcode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostcodeError {
    #[error("Enter a postcode")]
    Empty,
    #[error("A postcode can only contain letters, numbers and spaces")]
    InvalidCharacter,
    #[error("Enter a real postcode, like SW1A 1AA")]
    InvalidFormat,
}

/// The inward code is always digit, letter, letter ("1AA").
const INWARD_LEN: usize = 3;

impl Postcode {
    /// Parse a postcode typed in any case, with or without spaces.
    ///
    /// # Errors
    /// [`PostcodeError`] when the text is blank, holds anything but letters, digits and
    /// spaces, or does not have the shape of a UK postcode.
    pub fn parse(input: &str) -> Result<Self, PostcodeError> {
        let mut compact = String::with_capacity(input.len());
        for c in input.chars() {
            if c.is_whitespace() {
                continue;
            }
            if !c.is_ascii_alphanumeric() {
                return Err(PostcodeError::InvalidCharacter);
            }
            compact.push(c.to_ascii_uppercase());
        }
        if compact.is_empty() {
            return Err(PostcodeError::Empty);
        }
        // Shortest is "A9 9AA" (5 without the space), longest "AA9A 9AA" (7).
        if !(5..=7).contains(&compact.len()) {
            return Err(PostcodeError::InvalidFormat);
        }
        // All characters are ASCII, so byte indices are character indices.
        let (outward, inward) = compact.split_at(compact.len() - INWARD_LEN);
        // GIR 0AA (once Girobank) is the one postcode outside the standard shapes.
        let is_gir = outward == "GIR" && inward == "0AA";
        let is_standard = outward_is_valid(outward) && inward_is_valid(inward);
        if !(is_gir || is_standard) {
            return Err(PostcodeError::InvalidFormat);
        }
        Ok(Self(format!("{outward} {inward}")))
    }

    /// The outward code (postcode area and district), e.g. "SW1A".
    #[must_use]
    pub fn outward(&self) -> &str {
        let (outward, _) = self.split();
        outward
    }

    /// The inward code (sector and unit), e.g. "1AA".
    #[must_use]
    pub fn inward(&self) -> &str {
        let (_, inward) = self.split();
        inward
    }

    fn split(&self) -> (&str, &str) {
        // The normal form always has exactly one space.
        self.0.split_once(' ').unwrap_or((&self.0, ""))
    }
}

/// Outward code shapes: A9, A99, AA9, AA99, A9A, AA9A (A a letter, 9 a digit).
fn outward_is_valid(outward: &str) -> bool {
    let shape: String = outward
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { 'A' })
        .collect();
    matches!(
        shape.as_str(),
        "A9" | "A99" | "AA9" | "AA99" | "A9A" | "AA9A"
    )
}

/// Inward code shape: 9AA.
fn inward_is_valid(inward: &str) -> bool {
    let b = inward.as_bytes();
    b.len() == INWARD_LEN
        && b[0].is_ascii_digit()
        && b[1].is_ascii_alphabetic()
        && b[2].is_ascii_alphabetic()
}

validated_text_impls!(Postcode, PostcodeError, display_as_stored);
