//! The vocabulary newtypes: what each accepts and how it is normalised, what each refuses and
//! with which error, and that serde cannot be used to sneak invalid values past `parse`.

use cspr_domain::vocab::{
    AgeOrDateOfBirth, EmailAddress, EmailAddressError, NhsNumber, NhsNumberError, NonEmptyText,
    NonEmptyTextError, PersonName, PersonNameError, PhoneNumber, PhoneNumberError, Postcode,
    PostcodeError, Relationship, Sex,
};
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use time::macros::date;

/// Serialise to JSON and back, checking the value survives unchanged.
fn assert_round_trip<T>(value: &T, expected_json: &str)
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_string(value).expect("serialises");
    assert_eq!(json, expected_json);
    let back: T = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(&back, value);
}

/// Deserialising `json` must fail, and the failure must carry the user-facing message.
fn assert_serde_rejects<T>(json: &str, message: &str)
where
    T: DeserializeOwned + std::fmt::Debug,
{
    let err = serde_json::from_str::<T>(json).expect_err("invalid input must not deserialise");
    assert!(
        err.to_string().contains(message),
        "error {err:?} should mention {message:?}"
    );
}

// ---------------------------------------------------------------- postcode

#[test]
fn postcode_accepts_every_shape_and_normalises() {
    for (input, expected) in [
        ("SW1A 1AA", "SW1A 1AA"),
        ("sw1a1aa", "SW1A 1AA"),
        (" SW1A 1AA ", "SW1A 1AA"),
        ("sW1a   1Aa", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),       // A9 9AA
        ("b338th", "B33 8TH"),      // A99 9AA
        ("CR2 6XH", "CR2 6XH"),     // AA9 9AA
        ("DN55 1PT", "DN55 1PT"),   // AA99 9AA
        ("W1A 0AX", "W1A 0AX"),     // A9A 9AA
        ("EC1A 1BB", "EC1A 1BB"),   // AA9A 9AA
        ("gir0aa", "GIR 0AA"),      // Girobank
        ("\tLS1 4DY\n", "LS1 4DY"), // pasted with a tab and line break
    ] {
        let postcode = Postcode::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(postcode.as_str(), expected, "{input:?}");
        assert_eq!(postcode.to_string(), expected, "{input:?}");
    }
}

#[test]
fn postcode_splits_into_outward_and_inward() {
    let postcode = Postcode::parse("ec1a1bb").unwrap();
    assert_eq!(postcode.outward(), "EC1A");
    assert_eq!(postcode.inward(), "1BB");
    let short = Postcode::parse("M1 1AE").unwrap();
    assert_eq!((short.outward(), short.inward()), ("M1", "1AE"));
}

#[test]
fn postcode_rejects_with_the_right_error() {
    for (input, expected) in [
        ("", PostcodeError::Empty),
        ("   ", PostcodeError::Empty),
        ("SW1A-1AA", PostcodeError::InvalidCharacter),
        ("SW1A.1AA", PostcodeError::InvalidCharacter),
        ("É1 1AA", PostcodeError::InvalidCharacter),
        ("SW1A 1A", PostcodeError::InvalidFormat),
        ("SW1A 1AAA", PostcodeError::InvalidFormat),
        ("1AA", PostcodeError::InvalidFormat),
        ("12345", PostcodeError::InvalidFormat),
        ("AAA 1AA", PostcodeError::InvalidFormat),
        ("9A 1AA", PostcodeError::InvalidFormat),
        ("SW1A AAA", PostcodeError::InvalidFormat),
        ("SW1A 11A", PostcodeError::InvalidFormat),
        ("A9AA 9AA", PostcodeError::InvalidFormat),
        ("GIR 0AB", PostcodeError::InvalidFormat),
    ] {
        assert_eq!(Postcode::parse(input), Err(expected), "{input:?}");
    }
}

#[test]
fn postcode_errors_read_as_plain_english() {
    assert_eq!(
        PostcodeError::InvalidFormat.to_string(),
        "Enter a real postcode, like SW1A 1AA"
    );
    assert_eq!(PostcodeError::Empty.to_string(), "Enter a postcode");
}

#[test]
fn postcode_serde_round_trips_and_rejects_invalid() {
    assert_round_trip(&Postcode::parse("sw1a1aa").unwrap(), "\"SW1A 1AA\"");
    let loose: Postcode = serde_json::from_str("\"dn55  1pt\"").unwrap();
    assert_eq!(loose.as_str(), "DN55 1PT");
    assert_serde_rejects::<Postcode>("\"not a postcode\"", "Enter a real postcode");
    assert_serde_rejects::<Postcode>("\"\"", "Enter a postcode");
}

/// Any valid postcode shape, in random case, with random spacing around and inside it.
fn postcode_like() -> impl Strategy<Value = String> {
    "[ \t]{0,2}([a-zA-Z][0-9]{1,2}|[a-zA-Z]{2}[0-9]{1,2}|[a-zA-Z][0-9][a-zA-Z]|[a-zA-Z]{2}[0-9][a-zA-Z]) {0,3}[0-9][a-zA-Z]{2}[ \t]{0,2}"
}

proptest! {
    #[test]
    fn postcode_parse_accepts_any_valid_shape(input in postcode_like()) {
        prop_assert!(Postcode::parse(&input).is_ok(), "{input:?}");
    }

    #[test]
    fn postcode_parse_is_idempotent_on_its_output(input in postcode_like()) {
        let once = Postcode::parse(&input).unwrap();
        let twice = Postcode::parse(once.as_str()).unwrap();
        prop_assert_eq!(&once, &twice);
        prop_assert_eq!(once.as_str(), twice.as_str());
    }

    #[test]
    fn postcode_parse_is_idempotent_for_any_text(input in "\\PC{0,12}") {
        if let Ok(once) = Postcode::parse(&input) {
            prop_assert_eq!(Postcode::parse(once.as_str()), Ok(once));
        }
    }
}

// ---------------------------------------------------------------- NHS number

/// The modulus 11 check, written out again here so the tests do not trust the code under
/// test: weights 10 down to 2, check = 11 - (sum mod 11), 11 means 0, 10 means no number.
fn expected_check_digit(first_nine: &[u8]) -> Option<u8> {
    let sum: u32 = first_nine
        .iter()
        .enumerate()
        .map(|(i, &d)| u32::from(d) * (10 - i as u32))
        .sum();
    match 11 - (sum % 11) {
        11 => Some(0),
        10 => None,
        n => Some(n as u8),
    }
}

fn digits_to_string(digits: &[u8]) -> String {
    digits.iter().map(|d| char::from(b'0' + d)).collect()
}

#[test]
fn nhs_test_numbers_used_here_have_correct_check_digits() {
    // Worked by hand for 943 476 591: 90+36+24+28+42+30+20+27+2 = 299; 299 mod 11 = 2; 11-2 = 9.
    assert_eq!(expected_check_digit(&[9, 4, 3, 4, 7, 6, 5, 9, 1]), Some(9));
    assert_eq!(expected_check_digit(&[9, 9, 9, 0, 0, 0, 0, 0, 1]), Some(8));
    assert_eq!(expected_check_digit(&[4, 0, 1, 0, 2, 3, 2, 1, 3]), Some(7));
    assert_eq!(expected_check_digit(&[4, 5, 0, 5, 5, 7, 7, 1, 0]), Some(4));
    assert_eq!(expected_check_digit(&[0, 0, 0, 0, 0, 0, 0, 0, 0]), Some(0));
    assert_eq!(expected_check_digit(&[1, 2, 3, 4, 5, 6, 7, 8, 9]), None);
    // The hint in the error message must not be a real (valid) NHS number.
    assert_eq!(expected_check_digit(&[4, 8, 5, 7, 7, 7, 3, 4, 5]), Some(7));
}

#[test]
fn nhs_number_accepts_spaced_and_hyphenated_input() {
    for (input, digits, shown) in [
        ("9434765919", "9434765919", "943 476 5919"),
        ("943 476 5919", "9434765919", "943 476 5919"),
        ("943-476-5919", "9434765919", "943 476 5919"),
        (" 943 476-5919 ", "9434765919", "943 476 5919"),
        ("999 000 0018", "9990000018", "999 000 0018"),
        ("4010232137", "4010232137", "401 023 2137"),
        ("450 557 7104", "4505577104", "450 557 7104"),
    ] {
        let nhs = NhsNumber::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(nhs.as_str(), digits, "{input:?}");
        assert_eq!(nhs.to_string(), shown, "{input:?}");
        assert_eq!(nhs.formatted(), shown, "{input:?}");
    }
}

#[test]
fn nhs_number_rejects_with_the_right_error() {
    for (input, expected) in [
        ("", NhsNumberError::Empty),
        (" - ", NhsNumberError::Empty),
        ("943 476 591X", NhsNumberError::InvalidCharacter),
        ("943/476/5919", NhsNumberError::InvalidCharacter),
        ("943 476 591", NhsNumberError::WrongLength),
        ("94347659190", NhsNumberError::WrongLength),
        ("9434765918", NhsNumberError::CheckDigitMismatch),
        ("9434765991", NhsNumberError::CheckDigitMismatch),
        ("485 777 3456", NhsNumberError::CheckDigitMismatch),
        ("1234567890", NhsNumberError::NoValidCheckDigit),
        ("1234567899", NhsNumberError::NoValidCheckDigit),
    ] {
        assert_eq!(NhsNumber::parse(input), Err(expected), "{input:?}");
    }
}

#[test]
fn nhs_number_errors_read_as_plain_english() {
    assert_eq!(
        NhsNumberError::WrongLength.to_string(),
        "Enter an NHS number with 10 digits, like 485 777 3456"
    );
    assert_eq!(
        NhsNumberError::CheckDigitMismatch.to_string(),
        "The NHS number is not valid: its check digit does not match"
    );
}

#[test]
fn nhs_number_serde_round_trips_and_rejects_invalid() {
    assert_round_trip(&NhsNumber::parse("943 476 5919").unwrap(), "\"9434765919\"");
    let spaced: NhsNumber = serde_json::from_str("\"943 476 5919\"").unwrap();
    assert_eq!(spaced.as_str(), "9434765919");
    assert_serde_rejects::<NhsNumber>("\"9434765918\"", "check digit does not match");
    assert_serde_rejects::<NhsNumber>("\"12345\"", "with 10 digits");
    assert!(serde_json::from_str::<NhsNumber>("9434765919").is_err());
}

proptest! {
    #[test]
    fn nhs_number_with_computed_check_digit_parses(first_nine in prop::array::uniform9(0u8..=9)) {
        let body = digits_to_string(&first_nine);
        match expected_check_digit(&first_nine) {
            Some(check) => {
                let input = format!("{body}{check}");
                let nhs = NhsNumber::parse(&input);
                prop_assert_eq!(nhs.as_ref().map(NhsNumber::as_str), Ok(input.as_str()));
            }
            None => {
                // No check digit can complete these nine digits.
                for check in 0..=9 {
                    prop_assert_eq!(
                        NhsNumber::parse(&format!("{body}{check}")),
                        Err(NhsNumberError::NoValidCheckDigit)
                    );
                }
            }
        }
    }

    #[test]
    fn nhs_number_with_one_digit_changed_is_invalid(
        first_nine in prop::array::uniform9(0u8..=9),
        position in 0usize..10,
        shift in 1u8..=9,
    ) {
        let Some(check) = expected_check_digit(&first_nine) else {
            return Ok(());
        };
        let mut digits = first_nine.to_vec();
        digits.push(check);
        prop_assert!(NhsNumber::parse(&digits_to_string(&digits)).is_ok());
        digits[position] = (digits[position] + shift) % 10;
        let changed = digits_to_string(&digits);
        let result = NhsNumber::parse(&changed);
        prop_assert!(
            matches!(
                result,
                Err(NhsNumberError::CheckDigitMismatch | NhsNumberError::NoValidCheckDigit)
            ),
            "{changed}: {result:?}"
        );
    }

    #[test]
    fn nhs_number_parse_never_panics(input in "\\PC{0,20}") {
        let _ = NhsNumber::parse(&input);
    }
}

// ---------------------------------------------------------------- email

#[test]
fn email_accepts_and_lower_cases_the_domain() {
    for (input, expected) in [
        ("jo.bloggs@example.com", "jo.bloggs@example.com"),
        ("  Jo.Bloggs@Example.GOV.UK ", "Jo.Bloggs@example.gov.uk"),
        (
            "a+tag@sub-domain.example.co.uk",
            "a+tag@sub-domain.example.co.uk",
        ),
        ("x@y.io", "x@y.io"),
        ("o'neill@example.org", "o'neill@example.org"),
        ("first_last@123.example", "first_last@123.example"),
    ] {
        let email = EmailAddress::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(email.as_str(), expected, "{input:?}");
        assert_eq!(email.to_string(), expected, "{input:?}");
    }
    let email = EmailAddress::parse("Jo.Bloggs@Example.GOV.UK").unwrap();
    assert_eq!(email.local_part(), "Jo.Bloggs");
    assert_eq!(email.domain(), "example.gov.uk");
}

#[test]
fn email_length_limits_are_inclusive() {
    let local_64 = "a".repeat(64);
    assert!(EmailAddress::parse(&format!("{local_64}@example.com")).is_ok());
    let label_63 = "b".repeat(63);
    assert!(EmailAddress::parse(&format!("jo@{label_63}.com")).is_ok());

    // 64 + 1 + 189 = 254 characters exactly.
    let domain_189 = format!(
        "{}.{}.{}.com",
        "c".repeat(61),
        "d".repeat(61),
        "e".repeat(61)
    );
    assert_eq!(domain_189.len(), 189);
    let longest = format!("{local_64}@{domain_189}");
    assert_eq!(longest.len(), 254);
    assert!(EmailAddress::parse(&longest).is_ok());
    let too_long = format!("{local_64}@f{domain_189}");
    assert_eq!(
        EmailAddress::parse(&too_long),
        Err(EmailAddressError::TooLong)
    );
}

#[test]
fn email_rejects_with_the_right_error() {
    let local_65 = format!("{}@example.com", "a".repeat(65));
    let label_64 = format!("jo@{}.com", "b".repeat(64));
    for (input, expected) in [
        ("", EmailAddressError::Empty),
        ("  \t ", EmailAddressError::Empty),
        ("jo bloggs@example.com", EmailAddressError::InvalidCharacter),
        ("jo@exa\nmple.com", EmailAddressError::InvalidCharacter),
        ("jo\u{7}@example.com", EmailAddressError::InvalidCharacter),
        ("<jo@example.com>", EmailAddressError::InvalidCharacter),
        (
            "jo@example.com,al@example.com",
            EmailAddressError::InvalidCharacter,
        ),
        ("\"jo\"@example.com", EmailAddressError::InvalidCharacter),
        ("jo.example.com", EmailAddressError::MissingAt),
        ("jo@@example.com", EmailAddressError::MoreThanOneAt),
        ("a@b@example.com", EmailAddressError::MoreThanOneAt),
        ("@example.com", EmailAddressError::EmptyLocalPart),
        (&local_65, EmailAddressError::LocalPartTooLong),
        ("jo@", EmailAddressError::EmptyDomain),
        ("jo@localhost", EmailAddressError::InvalidDomain),
        ("jo@-example.com", EmailAddressError::InvalidDomain),
        ("jo@example-.com", EmailAddressError::InvalidDomain),
        ("jo@example..com", EmailAddressError::InvalidDomain),
        ("jo@.example.com", EmailAddressError::InvalidDomain),
        ("jo@example.com.", EmailAddressError::InvalidDomain),
        ("jo@exa_mple.com", EmailAddressError::InvalidDomain),
        ("jo@exämple.com", EmailAddressError::InvalidDomain),
        ("jo@192.168.0.1", EmailAddressError::InvalidDomain),
        (&label_64, EmailAddressError::InvalidDomain),
    ] {
        assert_eq!(EmailAddress::parse(input), Err(expected), "{input:?}");
    }
}

#[test]
fn email_serde_round_trips_and_rejects_invalid() {
    assert_round_trip(
        &EmailAddress::parse("Jo@Example.com").unwrap(),
        "\"Jo@example.com\"",
    );
    assert_serde_rejects::<EmailAddress>("\"jo.example.com\"", "like name@example.com");
    assert_serde_rejects::<EmailAddress>("\"jo@localhost\"", "after the @ is not valid");
}

proptest! {
    #[test]
    fn email_parse_never_panics_on_arbitrary_strings(input in any::<String>()) {
        let _ = EmailAddress::parse(&input);
    }

    #[test]
    fn email_parse_never_panics_on_email_like_strings(input in "[a-zA-Z0-9@.\\- é\u{0}]{0,300}") {
        if let Ok(once) = EmailAddress::parse(&input) {
            // Whatever is accepted is accepted again unchanged.
            prop_assert_eq!(EmailAddress::parse(once.as_str()), Ok(once));
        }
    }
}

// ---------------------------------------------------------------- phone

#[test]
fn phone_accepts_common_uk_forms() {
    for (input, digits, shown) in [
        ("020 7946 0000", "02079460000", "020 7946 0000"),
        ("02079460000", "02079460000", "020 7946 0000"),
        ("+44 20 7946 0000", "02079460000", "020 7946 0000"),
        ("+44 (0)20 7946 0000", "02079460000", "020 7946 0000"),
        ("0044 20 7946 0000", "02079460000", "020 7946 0000"),
        ("(020) 7946-0000", "02079460000", "020 7946 0000"),
        ("07700 900982", "07700900982", "07700 900982"),
        ("+447700900982", "07700900982", "07700 900982"),
        ("01632 960001", "01632960001", "01632 960001"),
        ("0121 496 0000", "01214960000", "0121 496 0000"),
        ("0113-496-0000", "01134960000", "0113 496 0000"),
        ("01387 12345", "0138712345", "01387 12345"),
        ("0300 123 4567", "03001234567", "0300 123 4567"),
        ("0800 123 456", "0800123456", "0800 123 456"),
        ("0808 157 0000", "08081570000", "0808 157 0000"),
        ("05601 234567", "05601234567", "0560 123 4567"),
    ] {
        let phone = PhoneNumber::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(phone.as_str(), digits, "{input:?}");
        assert_eq!(phone.to_string(), shown, "{input:?}");
        assert_eq!(phone.formatted(), shown, "{input:?}");
    }
    assert_eq!(
        PhoneNumber::parse("020 7946 0000")
            .unwrap()
            .to_international(),
        "+442079460000"
    );
}

#[test]
fn phone_rejects_with_the_right_error() {
    for (input, expected) in [
        ("", PhoneNumberError::Empty),
        ("  ", PhoneNumberError::Empty),
        ("()", PhoneNumberError::Empty),
        ("020 7946 000O", PhoneNumberError::InvalidCharacter),
        ("020.7946.0000", PhoneNumberError::InvalidCharacter),
        ("020 7946 0000 ext 12", PhoneNumberError::InvalidCharacter),
        ("020+79460000", PhoneNumberError::InvalidCharacter),
        ("++44 20 7946 0000", PhoneNumberError::InvalidCharacter),
        ("+33 1 23 45 67 89", PhoneNumberError::NotUk),
        ("0033 1 23 45 67 89", PhoneNumberError::NotUk),
        ("+1 202 555 0100", PhoneNumberError::NotUk),
        ("2079460000", PhoneNumberError::MissingLeadingZero),
        ("7700 900982", PhoneNumberError::MissingLeadingZero),
        ("0", PhoneNumberError::WrongLength),
        ("+44", PhoneNumberError::WrongLength),
        ("020 7946 000", PhoneNumberError::WrongLength),
        ("07700 90098", PhoneNumberError::WrongLength),
        ("0300 123 456", PhoneNumberError::WrongLength),
        ("0161 496 00000", PhoneNumberError::WrongLength),
        ("0163 296", PhoneNumberError::WrongLength),
        ("0909 879 0000", PhoneNumberError::UnsupportedRange),
        ("0400 000 0000", PhoneNumberError::UnsupportedRange),
        ("0600 000 0000", PhoneNumberError::UnsupportedRange),
        ("044 20 7946 0000", PhoneNumberError::UnsupportedRange),
    ] {
        assert_eq!(PhoneNumber::parse(input), Err(expected), "{input:?}");
    }
}

#[test]
fn phone_serde_round_trips_and_rejects_invalid() {
    assert_round_trip(
        &PhoneNumber::parse("+44 7700 900982").unwrap(),
        "\"07700900982\"",
    );
    let loose: PhoneNumber = serde_json::from_str("\"+44 (0)1632 960001\"").unwrap();
    assert_eq!(loose.as_str(), "01632960001");
    assert_serde_rejects::<PhoneNumber>("\"+33 1 23 45 67 89\"", "Enter a UK phone number");
    assert_serde_rejects::<PhoneNumber>("\"0909 879 0000\"", "start 01, 02, 03, 05, 07 or 08");
}

/// Mostly valid UK numbers in the ways people type them.
fn phone_like() -> impl Strategy<Value = String> {
    "(\\+44 ?(\\(0\\))?|0044 ?|0)[123578][0-9]{2,4}[ \\-]?[0-9]{3,4}[ \\-]?[0-9]{0,4}"
}

proptest! {
    #[test]
    fn phone_parse_is_idempotent_on_its_output(input in phone_like()) {
        if let Ok(once) = PhoneNumber::parse(&input) {
            prop_assert_eq!(PhoneNumber::parse(once.as_str()), Ok(once.clone()));
            prop_assert_eq!(PhoneNumber::parse(&once.formatted()), Ok(once.clone()));
            prop_assert_eq!(PhoneNumber::parse(&once.to_international()), Ok(once));
        }
    }

    #[test]
    fn phone_parse_never_panics_and_is_idempotent(input in "[0-9 +()\\-a]{0,20}") {
        if let Ok(once) = PhoneNumber::parse(&input) {
            prop_assert_eq!(PhoneNumber::parse(once.as_str()), Ok(once.clone()));
            prop_assert_eq!(PhoneNumber::parse(&once.formatted()), Ok(once));
        }
    }
}

// ---------------------------------------------------------------- person

#[test]
fn person_name_accepts_real_names_trimmed() {
    for (input, expected) in [
        ("  Jo Bloggs ", "Jo Bloggs"),
        ("Siân O'Neill-Åberg", "Siân O'Neill-Åberg"),
        ("Nguyễn Thị Minh", "Nguyễn Thị Minh"),
        ("X", "X"),
    ] {
        let name = PersonName::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(name.as_str(), expected);
        assert_eq!(name.to_string(), expected);
    }
    // The limit counts characters, not bytes.
    let longest = "é".repeat(PersonName::MAX_CHARS);
    assert!(PersonName::parse(&longest).is_ok());
}

#[test]
fn person_name_rejects_with_the_right_error() {
    let too_long = "a".repeat(PersonName::MAX_CHARS + 1);
    for (input, expected) in [
        ("", PersonNameError::Empty),
        (" \n\t ", PersonNameError::Empty),
        ("Jo\nBloggs", PersonNameError::InvalidCharacter),
        ("Jo\tBloggs", PersonNameError::InvalidCharacter),
        ("Jo\u{0}Bloggs", PersonNameError::InvalidCharacter),
        (&too_long, PersonNameError::TooLong),
    ] {
        assert_eq!(PersonName::parse(input), Err(expected), "{input:?}");
    }
    assert_eq!(
        PersonNameError::TooLong.to_string(),
        "The name must be 200 characters or fewer"
    );
}

#[test]
fn person_name_serde_round_trips_and_rejects_invalid() {
    assert_round_trip(&PersonName::parse(" Jo Bloggs ").unwrap(), "\"Jo Bloggs\"");
    assert_serde_rejects::<PersonName>("\"   \"", "Enter a name");
}

#[test]
fn age_goes_up_on_the_birthday() {
    let dob = AgeOrDateOfBirth::DateOfBirth(date!(2015 - 06 - 15));
    assert_eq!(dob.age_on(date!(2015 - 06 - 15)), 0);
    assert_eq!(dob.age_on(date!(2016 - 06 - 14)), 0);
    assert_eq!(dob.age_on(date!(2016 - 06 - 15)), 1);
    assert_eq!(dob.age_on(date!(2024 - 06 - 14)), 8);
    assert_eq!(dob.age_on(date!(2024 - 06 - 15)), 9);
    assert_eq!(dob.age_on(date!(2024 - 12 - 31)), 9);
}

#[test]
fn age_of_a_leap_day_baby_goes_up_on_1_march_in_other_years() {
    let dob = AgeOrDateOfBirth::DateOfBirth(date!(2016 - 02 - 29));
    assert_eq!(dob.age_on(date!(2017 - 02 - 28)), 0);
    assert_eq!(dob.age_on(date!(2017 - 03 - 01)), 1);
    assert_eq!(dob.age_on(date!(2020 - 02 - 28)), 3);
    assert_eq!(dob.age_on(date!(2020 - 02 - 29)), 4);
}

#[test]
fn age_before_birth_is_zero_and_very_old_ages_are_capped() {
    let dob = AgeOrDateOfBirth::DateOfBirth(date!(2020 - 01 - 01));
    assert_eq!(dob.age_on(date!(2019 - 12 - 31)), 0);
    let ancient = AgeOrDateOfBirth::DateOfBirth(date!(1500 - 01 - 01));
    assert_eq!(ancient.age_on(date!(2025 - 01 - 01)), u8::MAX);
}

#[test]
fn approximate_age_is_returned_as_recorded() {
    let approx = AgeOrDateOfBirth::ApproximateAge(34);
    assert_eq!(approx.age_on(date!(2020 - 01 - 01)), 34);
    assert_eq!(approx.age_on(date!(2030 - 01 - 01)), 34);
}

#[test]
fn age_or_date_of_birth_serde() {
    assert_round_trip(
        &AgeOrDateOfBirth::DateOfBirth(date!(2016 - 02 - 29)),
        r#"{"date_of_birth":"2016-02-29"}"#,
    );
    assert_round_trip(
        &AgeOrDateOfBirth::ApproximateAge(7),
        r#"{"approximate_age":7}"#,
    );
    assert!(serde_json::from_str::<AgeOrDateOfBirth>(r#"{"date_of_birth":"2017-02-29"}"#).is_err());
    assert!(serde_json::from_str::<AgeOrDateOfBirth>(r#"{"date_of_birth":"29/02/2016"}"#).is_err());
    assert!(serde_json::from_str::<AgeOrDateOfBirth>(r#"{"approximate_age":300}"#).is_err());
    assert!(serde_json::from_str::<AgeOrDateOfBirth>(r#"{"approximate_age":-1}"#).is_err());
}

#[test]
fn sex_serde_and_labels() {
    assert_round_trip(&Sex::Female, "\"female\"");
    assert_round_trip(&Sex::Male, "\"male\"");
    assert_round_trip(&Sex::Other, "\"other\"");
    assert_round_trip(&Sex::NotKnown, "\"not_known\"");
    assert_eq!(Sex::NotKnown.to_string(), "Not known");
    assert!(serde_json::from_str::<Sex>("\"unknown\"").is_err());
}

#[test]
fn relationship_serde_and_labels() {
    for (relationship, json, label) in [
        (Relationship::Mother, r#""mother""#, "Mother"),
        (Relationship::Father, r#""father""#, "Father"),
        (Relationship::Stepparent, r#""stepparent""#, "Stepparent"),
        (Relationship::Carer, r#""carer""#, "Carer"),
        (Relationship::Grandparent, r#""grandparent""#, "Grandparent"),
        (Relationship::Sibling, r#""sibling""#, "Sibling"),
        (
            Relationship::OtherRelative("aunt".to_owned()),
            r#"{"other_relative":"aunt"}"#,
            "Other relative (aunt)",
        ),
        (
            Relationship::PartnerOfParent,
            r#""partner_of_parent""#,
            "Partner of parent",
        ),
        (
            Relationship::Other("family friend".to_owned()),
            r#"{"other":"family friend"}"#,
            "Other (family friend)",
        ),
    ] {
        assert_round_trip(&relationship, json);
        assert_eq!(relationship.to_string(), label);
    }
    assert!(serde_json::from_str::<Relationship>(r#""cousin""#).is_err());
}

// ---------------------------------------------------------------- text

#[test]
fn non_empty_text_trims_and_keeps_line_breaks() {
    let text = NonEmptyText::parse("  First line.\n\n\tSecond line.  \n").unwrap();
    assert_eq!(text.as_str(), "First line.\n\n\tSecond line.");
    assert_eq!(text.to_string(), "First line.\n\n\tSecond line.");
}

#[test]
fn non_empty_text_limit_counts_characters() {
    let longest = "é".repeat(NonEmptyText::MAX_CHARS);
    assert!(NonEmptyText::parse(&longest).is_ok());
    let too_long = "é".repeat(NonEmptyText::MAX_CHARS + 1);
    assert_eq!(
        NonEmptyText::parse(&too_long),
        Err(NonEmptyTextError::TooLong { actual: 20_001 })
    );
}

#[test]
fn non_empty_text_rejects_with_the_right_error() {
    for (input, expected) in [
        ("", NonEmptyTextError::Empty),
        (" \n\t\r ", NonEmptyTextError::Empty),
        ("a\0b", NonEmptyTextError::ContainsNul),
    ] {
        assert_eq!(NonEmptyText::parse(input), Err(expected), "{input:?}");
    }
    assert_eq!(
        NonEmptyTextError::TooLong { actual: 123_456 }.to_string(),
        "The text must be 20,000 characters or fewer; it has 123,456"
    );
    assert_eq!(
        NonEmptyTextError::Empty.to_string(),
        "Enter some text: this cannot be left blank"
    );
}

#[test]
fn non_empty_text_serde_round_trips_and_rejects_invalid() {
    assert_round_trip(
        &NonEmptyText::parse("Referral from health visitor.").unwrap(),
        "\"Referral from health visitor.\"",
    );
    assert_serde_rejects::<NonEmptyText>("\"  \"", "cannot be left blank");
    assert_serde_rejects::<NonEmptyText>("\"a\\u0000b\"", "cannot be saved");
}

#[test]
fn debug_output_never_shows_personal_values() {
    let name = cspr_domain::vocab::PersonName::parse("Ada Lovelace").expect("name");
    let debug = format!("{name:?}");
    assert!(!debug.contains("Ada"), "{debug}");
    assert_eq!(debug, "PersonName(<redacted, 12 characters>)");
    let email = cspr_domain::vocab::EmailAddress::parse("ada@example.org").expect("email");
    assert!(!format!("{email:?}").contains("ada"));
    let postcode = cspr_domain::vocab::Postcode::parse("SW1A 1AA").expect("postcode");
    assert!(!format!("{postcode:?}").contains("SW1A"));
}
