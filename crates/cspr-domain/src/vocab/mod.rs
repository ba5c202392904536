//! The vocabulary of the field as types: parse at the edge, valid ever after.

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
