//! Hand-made records for exact tests.

use cspr_search::{AgeGroup, Library, ReviewRecord, ReviewType};

pub fn date(y: i32, m: u8, d: u8) -> time::Date {
    time::Date::from_calendar_date(y, time::Month::try_from(m).expect("month"), d).expect("date")
}

pub fn record(
    id: &str,
    title: &str,
    themes: &[&str],
    review_type: ReviewType,
    age: AgeGroup,
    year: i32,
    summary: &str,
) -> ReviewRecord {
    ReviewRecord {
        id: id.to_owned(),
        title: title.to_owned(),
        partnership: "Northborough Safeguarding Children Partnership".to_owned(),
        published_on: date(year, 6, 1),
        review_type,
        themes: themes.iter().map(|t| (*t).to_owned()).collect(),
        age_group: age,
        agencies: vec!["Police".to_owned(), "Health visiting".to_owned()],
        summary: summary.to_owned(),
        url: format!("/library/{id}"),
        text: None,
    }
}

/// Eight reviews whose facet counts the tests know by heart:
///
/// | id | themes | type | age | year |
/// |----|--------|------|-----|------|
/// | a | neglect, domestic abuse | local_cspr | 1_to_4 | 2019 |
/// | b | neglect | serious_case_review | 5_to_10 | 2017 |
/// | c | domestic abuse | local_cspr | under_1 | 2021 |
/// | d | neglect, substance misuse | local_cspr | 1_to_4 | 2021 |
/// | e | child sexual exploitation | thematic | 11_to_15 | 2022 |
/// | f | neglect, domestic abuse, substance misuse | rapid_review_learning_summary | under_1 | 2023 |
/// | g | suicide and self-harm | local_cspr | 16_to_17 | 2020 |
/// | h | domestic abuse, substance misuse | serious_case_review | 5_to_10 | 2016 |
pub fn small_set() -> Vec<ReviewRecord> {
    use AgeGroup::*;
    use ReviewType::*;
    vec![
        record(
            "a",
            "Child A: a toddler living with neglect",
            &["neglect", "domestic abuse"],
            LocalCspr,
            From1To4,
            2019,
            "Neglect and domestic abuse at home were known to several agencies.",
        ),
        record(
            "b",
            "Child B: school concerns",
            &["neglect"],
            SeriousCaseReview,
            From5To10,
            2017,
            "The school raised concerns about neglect for many years.",
        ),
        record(
            "c",
            "Baby C: a mother at risk",
            &["domestic abuse"],
            LocalCspr,
            Under1,
            2021,
            "The mother disclosed domestic abuse to her midwife.",
        ),
        record(
            "d",
            "Child D: parental drug use",
            &["neglect", "substance misuse"],
            LocalCspr,
            From1To4,
            2021,
            "Parental drug use led to neglect of a young child.",
        ),
        record(
            "e",
            "Young person E: exploitation",
            &["child sexual exploitation"],
            Thematic,
            From11To15,
            2022,
            "Several girls were groomed and exploited by older men.",
        ),
        record(
            "f",
            "Baby F: an infant death",
            &["neglect", "domestic abuse", "substance misuse"],
            RapidReviewLearningSummary,
            Under1,
            2023,
            "An infant died after co-sleeping with a parent who had been drinking.",
        ),
        record(
            "g",
            "Young person G: suicide",
            &["suicide and self-harm"],
            LocalCspr,
            From16To17,
            2020,
            "A young person died by suicide while waiting for support from CAMHS.",
        ),
        record(
            "h",
            "Child H: violence at home",
            &["domestic abuse", "substance misuse"],
            SeriousCaseReview,
            From5To10,
            2016,
            "Alcohol misuse and violence between the adults harmed the children.",
        ),
    ]
}

pub fn small_library() -> Library {
    let library = Library::in_memory().expect("library");
    library.upsert(&small_set()).expect("upsert");
    library
}

pub fn ids(hits: &[cspr_search::Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.id.as_str()).collect()
}
