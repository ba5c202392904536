//! The vocabulary of the field as types: parse at the edge, valid ever after.

/// The conversions every validated text newtype shares, so that each type's own file states
/// only its rule (`parse`) and how it is displayed.
///
/// For a tuple struct `$name(String)` with `fn parse(&str) -> Result<$name, $error>`, this gives:
/// `as_str` and `AsRef<str>` (the value as stored), `FromStr` and `TryFrom<String>` (both through `parse`, so serde and forms
/// check the same rule), `From<$name> for String`, and a `Debug` that never shows the value
/// (it is personal data, and debug output ends up in logs).
///
/// With `, display_as_stored` it also gives a `Display` that writes the value as stored.
macro_rules! validated_text_impls {
    ($name:ident, $error:ident, display_as_stored) => {
        validated_text_impls!($name, $error);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
    ($name:ident, $error:ident) => {
        impl $name {
            /// The value as recorded: the stored and serialised form.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = $error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $error;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        /// Debug output never shows the value: it is personal data, and debug output ends up in logs.
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(
                    f,
                    concat!(stringify!($name), "(<redacted, {} characters>)"),
                    self.0.chars().count()
                )
            }
        }
    };
}

/// The input without surrounding whitespace, or `None` when nothing else is left: the first
/// check of every free-text parser, whose blank input is its `Empty` error.
fn trimmed_non_empty(input: &str) -> Option<&str> {
    let trimmed = input.trim();
    (!trimmed.is_empty()).then_some(trimmed)
}

pub mod email;
pub mod nhs_number;
pub mod person;
pub mod phone;
pub mod postcode;
pub mod text;

pub use email::{EmailAddress, EmailAddressError};
pub use nhs_number::{NhsNumber, NhsNumberError};
pub use person::{AgeOrDateOfBirth, PersonName, PersonNameError, Relationship, Sex};
pub use phone::{PhoneNumber, PhoneNumberError};
pub use postcode::{Postcode, PostcodeError};
pub use text::{NonEmptyText, NonEmptyTextError};
