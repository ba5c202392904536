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
