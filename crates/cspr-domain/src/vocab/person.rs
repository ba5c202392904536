//! Words for the people in a case: the child, the adults caring for them and other relatives.
//! Names are checked only for what would break storage or display, since real names vary
//! endlessly; age, sex and relationship are small closed sets with free text where needed.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

/// A person's name or alias as recorded: trimmed, not blank, at most 200 characters.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

/// Why some text cannot be recorded as a name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonNameError {
    #[error("Enter a name")]
    Empty,
    #[error("The name must be {max} characters or fewer", max = PersonName::MAX_CHARS)]
    TooLong,
    #[error("The name cannot contain line breaks, tabs or other hidden characters")]
    InvalidCharacter,
}

impl PersonName {
    /// The longest name accepted, in characters.
    pub const MAX_CHARS: usize = 200;

    /// Parse a name; surrounding spaces are removed, everything else is kept as typed.
    ///
    /// # Errors
    /// [`PersonNameError`] when the name is blank, too long or holds control characters.
    pub fn parse(input: &str) -> Result<Self, PersonNameError> {
        let trimmed = super::trimmed_non_empty(input).ok_or(PersonNameError::Empty)?;
        if trimmed.chars().any(char::is_control) {
            return Err(PersonNameError::InvalidCharacter);
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(PersonNameError::TooLong);
        }
        Ok(Self(trimmed.to_owned()))
    }
}

validated_text_impls!(PersonName, PersonNameError, display_as_stored);

/// What is known of a person's age: the date of birth where known (referrals ask for it for
/// the adults caring for the child), otherwise an approximate age.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeOrDateOfBirth {
    /// Serialised as "YYYY-MM-DD".
    DateOfBirth(#[serde(with = "iso_date")] Date),
    /// An estimate in whole years, as given at the time it was recorded.
    ApproximateAge(u8),
}

impl AgeOrDateOfBirth {
    /// Age in completed years on `date`.
    ///
    /// From a date of birth, the age goes up on each birthday (someone born on 29 February
    /// turns a year older on 1 March in other years); a date before the birth gives 0, and
    /// ages above 255 are capped. An approximate age carries no date, so it is returned as it
    /// was recorded.
    #[must_use]
    pub fn age_on(&self, date: Date) -> u8 {
        match *self {
            Self::ApproximateAge(age) => age,
            Self::DateOfBirth(born) => {
                if date <= born {
                    return 0;
                }
                let mut years = date.year() - born.year();
                let birthday_not_yet =
                    (u8::from(date.month()), date.day()) < (u8::from(born.month()), born.day());
                if birthday_not_yet {
                    years -= 1;
                }
                u8::try_from(years.max(0)).unwrap_or(u8::MAX)
            }
        }
    }
}

/// Dates as ISO 8601 calendar dates ("2016-02-29") whatever features `time` is built with.
mod iso_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;
    use time::format_description::BorrowedFormatItem;
    use time::macros::format_description;

    const FORMAT: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

    pub fn serialize<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        let text = date.format(FORMAT).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text, FORMAT).map_err(serde::de::Error::custom)
    }
}

/// Sex as recorded by agencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Other,
    NotKnown,
}

impl Sex {
    /// The label shown to users.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Female => "Female",
            Self::Male => "Male",
            Self::Other => "Other",
            Self::NotKnown => "Not known",
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How an adult or another child is related to the child at the centre of a case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    Mother,
    Father,
    Stepparent,
    Carer,
    Grandparent,
    Sibling,
    /// Another relative, described in words ("aunt", "cousin").
    OtherRelative(String),
    /// The partner of a parent who is not a stepparent.
    PartnerOfParent,
    /// Anyone else, described in words ("family friend", "lodger").
    Other(String),
}

impl fmt::Display for Relationship {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Mother => f.write_str("Mother"),
            Self::Father => f.write_str("Father"),
            Self::Stepparent => f.write_str("Stepparent"),
            Self::Carer => f.write_str("Carer"),
            Self::Grandparent => f.write_str("Grandparent"),
            Self::Sibling => f.write_str("Sibling"),
            Self::OtherRelative(what) => write!(f, "Other relative ({what})"),
            Self::PartnerOfParent => f.write_str("Partner of parent"),
            Self::Other(what) => write!(f, "Other ({what})"),
        }
    }
}
