//! NHS numbers, the identifier health agencies use for a child and the adults around them.
//! Ten digits, the last a modulus 11 check digit; input may be spaced or hyphenated, and
//! the number is shown in the NHS's 3-3-4 grouping ("943 476 5919").

use std::fmt;

use serde::{Deserialize, Serialize};

/// A ten-digit NHS number whose check digit is correct; stored and serialised as the ten digits
/// with no spaces, e.g. "9434765919".
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NhsNumber(String);

/// Why some text is not a valid NHS number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NhsNumberError {
    #[error("Enter an NHS number")]
    Empty,
    #[error("An NHS number can only contain numbers, spaces and hyphens")]
    InvalidCharacter,
    // The example is the NHS design system's hint; it deliberately fails the check digit, so
    // it can never be anyone's real number.
    #[error("Enter an NHS number with 10 digits, like 485 777 3456")]
    WrongLength,
    #[error("The NHS number is not valid: its check digit does not match")]
    CheckDigitMismatch,
    /// The first nine digits give a check value of 10, which no issued NHS number has.
    #[error("The NHS number is not valid: check each digit has been copied correctly")]
    NoValidCheckDigit,
}

const DIGITS: usize = 10;

impl NhsNumber {
    /// Parse an NHS number, ignoring spaces and hyphens.
    ///
    /// # Errors
    /// [`NhsNumberError`] when the text is blank, holds other characters, does not have ten
    /// digits, or its check digit is wrong.
    pub fn parse(input: &str) -> Result<Self, NhsNumberError> {
        let mut digits = String::with_capacity(DIGITS);
        for c in input.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '-' => {}
                c if c.is_whitespace() => {}
                _ => return Err(NhsNumberError::InvalidCharacter),
            }
        }
        if digits.is_empty() {
            return Err(NhsNumberError::Empty);
        }
        if digits.len() != DIGITS {
            return Err(NhsNumberError::WrongLength);
        }
        let mut first_nine = [0u8; DIGITS - 1];
        for (slot, b) in first_nine.iter_mut().zip(digits.bytes()) {
            *slot = b - b'0';
        }
        let given = digits.as_bytes()[DIGITS - 1] - b'0';
        match check_digit(first_nine) {
            None => Err(NhsNumberError::NoValidCheckDigit),
            Some(expected) if expected == given => Ok(Self(digits)),
            Some(_) => Err(NhsNumberError::CheckDigitMismatch),
        }
    }

    /// The number as people read it, e.g. "943 476 5919"; the same as `Display`.
    #[must_use]
    pub fn formatted(&self) -> String {
        self.to_string()
    }
}

/// The modulus 11 check digit for the first nine digits (each 0 to 9) of an NHS number, or
/// `None` when the result would be 10 (such a number is never issued).
///
/// Weights run from 10 down to 2; the check digit is 11 minus the remainder of the weighted
/// sum divided by 11, with 11 becoming 0.
#[must_use]
pub fn check_digit(first_nine: [u8; 9]) -> Option<u8> {
    let sum: u32 = first_nine
        .iter()
        .zip((2..=10u32).rev())
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        // Always 1..=9 here, so the narrowing cannot lose anything.
        n => u8::try_from(n).ok(),
    }
}

impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Always ten ASCII digits, so these slices are on character boundaries.
        let d = &self.0;
        write!(f, "{} {} {}", &d[..3], &d[3..6], &d[6..])
    }
}

validated_text_impls!(NhsNumber, NhsNumberError);
