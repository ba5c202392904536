//! UK telephone numbers for agency contacts, practitioners and family members.
//! Typed in any common way ("+44 (0)20 7946 0000", "0044 7700 900982", "01632-960001"),
//! kept as national digits ("02079460000") and shown grouped ("020 7946 0000").

use std::fmt;

use serde::{Deserialize, Serialize};

/// A UK phone number as national digits: a leading 0 then 9 or 10 more digits, e.g.
/// "02079460000" (the stored and serialised form).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

/// Why some text is not a usable UK phone number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneNumberError {
    #[error("Enter a phone number")]
    Empty,
    #[error(
        "A phone number can only contain numbers, spaces, hyphens, brackets and a + at the start"
    )]
    InvalidCharacter,
    #[error("Enter a UK phone number, like 01632 960 001 or +44 7700 900 982")]
    NotUk,
    #[error("Enter the phone number with its area code, starting with 0, like 01632 960 001")]
    MissingLeadingZero,
    #[error(
        "The phone number has the wrong number of digits: check you have entered all of it, like 01632 960 001"
    )]
    WrongLength,
    #[error(
        "Enter a landline, mobile or business number: UK numbers we accept start 01, 02, 03, 05, 07 or 08"
    )]
    UnsupportedRange,
}

impl PhoneNumber {
    /// Parse a UK phone number, converting a +44 or 0044 prefix to the national 0.
    ///
    /// # Errors
    /// [`PhoneNumberError`] naming the first problem found.
    pub fn parse(input: &str) -> Result<Self, PhoneNumberError> {
        let trimmed = super::trimmed_non_empty(input).ok_or(PhoneNumberError::Empty)?;
        let (international, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut digits = String::with_capacity(trimmed.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '-' | '(' | ')' => {}
                c if c.is_whitespace() => {}
                _ => return Err(PhoneNumberError::InvalidCharacter),
            }
        }
        if digits.is_empty() {
            return Err(PhoneNumberError::Empty);
        }
        let national = if international {
            let Some(after_code) = digits.strip_prefix("44") else {
                return Err(PhoneNumberError::NotUk);
            };
            to_national(after_code)
        } else if let Some(after_exit) = digits.strip_prefix("00") {
            let Some(after_code) = after_exit.strip_prefix("44") else {
                return Err(PhoneNumberError::NotUk);
            };
            to_national(after_code)
        } else {
            digits
        };
        if !national.starts_with('0') {
            return Err(PhoneNumberError::MissingLeadingZero);
        }
        // Ofcom numbering plan: 02, 03 and 07 numbers are all 11 digits; 01, 05 and 08 also
        // have some 10-digit numbers (e.g. 016977 xxxx, 0800 xxx xxx).
        let len = national.len();
        let range = national.as_bytes().get(1).copied();
        let length_ok = match range {
            Some(b'2' | b'3' | b'7') => len == 11,
            Some(b'1' | b'5' | b'8') => len == 10 || len == 11,
            Some(_) => return Err(PhoneNumberError::UnsupportedRange),
            None => false,
        };
        if !length_ok {
            return Err(PhoneNumberError::WrongLength);
        }
        Ok(Self(national))
    }

    /// The number as people write it, e.g. "020 7946 0000"; the same as `Display`.
    #[must_use]
    pub fn formatted(&self) -> String {
        self.to_string()
    }

    /// The number in international form without spaces, e.g. "+442079460000", for links and
    /// text-message gateways.
    #[must_use]
    pub fn to_international(&self) -> String {
        format!("+44{}", &self.0[1..])
    }
}

/// Digits after the country code, to national form. People often keep the trunk 0 after +44
/// ("+44 (0)20 ..."); no UK number starts 0 after the country code, so it is dropped.
fn to_national(after_code: &str) -> String {
    let significant = after_code.strip_prefix('0').unwrap_or(after_code);
    format!("0{significant}")
}

/// Where to put the spaces. A close fit to common UK usage, not a full area-code table.
fn group_sizes(digits: &str) -> &'static [usize] {
    let b = digits.as_bytes();
    match (b.get(1), b.get(2), b.get(3), digits.len()) {
        // 020 7946 0000, 029 2018 0000
        (Some(b'2'), ..) => &[3, 4, 4],
        // 0113 496 0000, 0121 496 0000 (the large-city codes 011x and 01x1)
        (Some(b'1'), Some(b'1'), _, 11) | (Some(b'1'), _, Some(b'1'), 11) => &[4, 3, 4],
        // 01632 960001, 07700 900982
        (Some(b'1' | b'7'), _, _, 11) => &[5, 6],
        // 01387 12345 and other 10-digit geographic numbers
        (Some(b'1'), _, _, _) => &[5, 5],
        // 0300 123 4567, 0800 123 4567, 0560 123 4567
        (_, _, _, 11) => &[4, 3, 4],
        // 0800 123 456
        _ => &[4, 3, 3],
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Always ASCII digits, so byte slicing is on character boundaries.
        let mut start = 0;
        for (i, size) in group_sizes(&self.0).iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            let end = (start + size).min(self.0.len());
            f.write_str(&self.0[start..end])?;
            start = end;
        }
        f.write_str(&self.0[start..])
    }
}

validated_text_impls!(PhoneNumber, PhoneNumberError);
