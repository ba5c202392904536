//! Properties that hold for any text: no panic, offsets on character boundaries and in step
//! with each other, findings sorted and apart, and redacting twice changes nothing more
//! (`cspr_redact::testing::check`, which the fuzz target `redaction` runs too).

use cspr_redact::testing::check;
use proptest::prelude::*;

/// Fragments that exercise the detectors: names, titles, roles, places, numbers, punctuation.
const FRAGMENTS: &[&str] = &[
    "Gemma",
    "GEMMA",
    "gemma",
    "White",
    "Mr",
    "Dr",
    "PC",
    "2620",
    "said",
    "the",
    "Mother",
    "Child A",
    "Hope",
    "little",
    "hope",
    "Flat",
    "12",
    "Peel",
    "Road",
    "SO15 3GR",
    "07700 900123",
    "943 476 5919",
    "AB 12 34 56 C",
    "a.b@x.org",
    "3rd April 2019",
    "01/02/2003",
    "'",
    "’s",
    "'s",
    ",",
    ".",
    ":",
    "(",
    ")",
    "[21:24]",
    "K.L.",
    "HH",
    "Rochdale",
    "in",
    "to",
    "at",
    "on",
    "Academy",
    "St",
    "Mary",
    "Hospital",
    "and",
    "Partners",
    "Tomás",
    "Groń",
    "ß",
    "İ",
    "é",
    "\n",
    "—",
    "aka",
    "Red",
    "known",
    "as",
    "rileys",
    "mum",
    "tell",
    "riley",
    "Ogunleye",
    "[address]",
    // Issue 19's forms: word names, hyphens, capitals' possessives, estates, ranges, jigsaw.
    "June",
    "june",
    "Hope-Marie",
    "-",
    "’S",
    "'S",
    "estate",
    "upon",
    "Tyne",
    "Sept",
    "'19",
    "12-14",
    "Tues",
    "Homes",
    "for",
    "Children",
    "Centre",
    "Year 9",
    "aged 2 years",
    "house fire",
    "a vet",
    "summer 2020",
];

fn fragment_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(FRAGMENTS),
            prop::sample::select(&[" ", "", ", ", ". "][..]),
        ),
        0..40,
    )
    .prop_map(|parts| parts.into_iter().map(|(a, b)| format!("{a}{b}")).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_utf8_text(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn text_made_of_names_places_and_numbers(text in fragment_text()) {
        check(&text);
    }
}

/// Texts the fuzz target `redaction` found where a second redaction changed the text: a number
/// before a date kept as its month and year read, once redacted, as the date's day
/// ("2 6/1984" became "2 June 1984", then "June 1984").
#[test]
fn a_number_before_a_date_does_not_become_its_day() {
    for text in [
        "aei/2              0 6  0 6/1984.eH r   ley, \u{4}Une 0",
        "Seen on 2 6/1984 at home.",
        "Rochdale OL1A1A , 76 4/1894 then",
        "the 3rd of 2021-09-03",
        "March to 09/2021",
        "Between 4 and 6/1984",
    ] {
        check(text);
    }
    let case = cspr_redact::testing::case();
    let once = cspr_redact::redact(
        "Seen on 2 6/1984 at home.",
        &case,
        cspr_redact::Policy::default(),
    );
    assert_eq!(once.text, "Seen on 2 [date] at home.");
    let plain = cspr_redact::redact(
        "Seen in 6/1984 at home.",
        &case,
        cspr_redact::Policy::default(),
    );
    assert_eq!(plain.text, "Seen in June 1984 at home.");
}
