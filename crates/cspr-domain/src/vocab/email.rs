//! Email addresses of users, agency contacts and practitioners.
//! A pragmatic check, not full RFC 5322: one @, a sensible local part and a real-looking
//! domain; the domain is lower-cased, the local part kept as typed.

use serde::{Deserialize, Serialize};

/// An email address that passed the pragmatic check, e.g. "Jo.Bloggs@example.gov.uk".
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

/// Why some text is not a usable email address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailAddressError {
    #[error("Enter an email address")]
    Empty,
    #[error("The email address must be {max} characters or fewer", max = MAX_LEN)]
    TooLong,
    #[error(
        "An email address cannot contain spaces, line breaks, brackets, commas, semicolons or quotation marks"
    )]
    InvalidCharacter,
    #[error("Enter an email address in the correct format, like name@example.com")]
    MissingAt,
    #[error("An email address can only contain one @")]
    MoreThanOneAt,
    #[error("Enter the part of the email address before the @, like name@example.com")]
    EmptyLocalPart,
    #[error("The part of the email address before the @ must be {max} characters or fewer", max = MAX_LOCAL_LEN)]
    LocalPartTooLong,
    #[error("Enter the part of the email address after the @, like name@example.com")]
    EmptyDomain,
    #[error(
        "The part of the email address after the @ is not valid: it should look like example.com"
    )]
    InvalidDomain,
}

/// RFC 5321 limits: 254 for a whole address in a path, 64 for the local part, 63 a label.
const MAX_LEN: usize = 254;
const MAX_LOCAL_LEN: usize = 64;
const MAX_LABEL_LEN: usize = 63;

/// Characters that only appear in quoted or commented addresses, which we do not accept:
/// letting them through invites mistakes when addresses are put into mail headers.
const FORBIDDEN: &[char] = &['<', '>', '(', ')', '[', ']', '\\', ',', ';', ':', '"'];

impl EmailAddress {
    /// Parse an email address; surrounding spaces are ignored.
    ///
    /// # Errors
    /// [`EmailAddressError`] naming the first problem found.
    pub fn parse(input: &str) -> Result<Self, EmailAddressError> {
        let trimmed = super::trimmed_non_empty(input).ok_or(EmailAddressError::Empty)?;
        if trimmed
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || FORBIDDEN.contains(&c))
        {
            return Err(EmailAddressError::InvalidCharacter);
        }
        // Lengths are in bytes, as the mail standards count them.
        if trimmed.len() > MAX_LEN {
            return Err(EmailAddressError::TooLong);
        }
        let (local, domain) = match trimmed.split_once('@') {
            None => return Err(EmailAddressError::MissingAt),
            Some((_, domain)) if domain.contains('@') => {
                return Err(EmailAddressError::MoreThanOneAt);
            }
            Some(parts) => parts,
        };
        if local.is_empty() {
            return Err(EmailAddressError::EmptyLocalPart);
        }
        if local.len() > MAX_LOCAL_LEN {
            return Err(EmailAddressError::LocalPartTooLong);
        }
        if domain.is_empty() {
            return Err(EmailAddressError::EmptyDomain);
        }
        let domain = domain.to_ascii_lowercase();
        if !domain_is_valid(&domain) {
            return Err(EmailAddressError::InvalidDomain);
        }
        Ok(Self(format!("{local}@{domain}")))
    }

    /// The part before the @, as typed.
    #[must_use]
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(local, _)| local)
    }

    /// The part after the @, lower case.
    #[must_use]
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

/// At least two labels; each 1 to 63 ASCII letters, digits or hyphens, not starting or ending
/// with a hyphen; the last label not all digits (that would be an IP address, not a domain).
fn domain_is_valid(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let labels_ok = labels.iter().all(|label| {
        !label.is_empty()
            && label.len() <= MAX_LABEL_LEN
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    let top_level_ok = labels
        .last()
        .is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()));
    labels_ok && top_level_ok
}

validated_text_impls!(EmailAddress, EmailAddressError, display_as_stored);
