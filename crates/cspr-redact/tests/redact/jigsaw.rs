//! Issue 19: jigsaw identification. Details that name no one but together could point to one
//! family, each with a generalisation, and their combinations with a level.

use cspr_redact::{QuasiKind, RiskLevel, jigsaw_risks, quasi_identifiers};

fn details(text: &str) -> Vec<(QuasiKind, String, String)> {
    quasi_identifiers(text)
        .into_iter()
        .map(|q| (q.kind, q.text, q.suggestion))
        .collect()
}

#[test]
fn each_detail_with_its_generalisation() {
    let text = "Child A, aged 2 years 3 months, and Sibling 1, a 14-year-old in Year 9, were seen \
                in March 2021. Mother worked as a vet; Father was the local MP.";
    let d = details(text);
    let want = [
        (QuasiKind::ExactAge, "aged 2 years 3 months", "a toddler"),
        (
            QuasiKind::ExactAge,
            "a 14-year-old",
            "a secondary-school-age child",
        ),
        (QuasiKind::SchoolYear, "Year 9", "secondary school age"),
        (QuasiKind::MonthAndYear, "in March 2021", "in 2021"),
        (QuasiKind::RareProfession, "as a vet", "as a professional"),
        (QuasiKind::RareProfession, "the local MP", "a professional"),
    ];
    assert_eq!(
        d,
        want.map(|(k, t, s)| (k, t.to_string(), s.to_string())),
        "{d:#?}"
    );
}

#[test]
fn events_seasons_places_and_communities() {
    let d = details(
        "The family, who are Roma, lived in a small village near Rochdale. In summer 2020 there \
         was a house fire; the twins' brother died on Christmas Day. One of nine children.",
    );
    let kinds: Vec<QuasiKind> = d.iter().map(|x| x.0).collect();
    for k in [
        QuasiKind::EthnicityOrFaith,
        QuasiKind::SmallPlace,
        QuasiKind::Place,
        QuasiKind::SeasonAndYear,
        QuasiKind::UnusualEvent,
        QuasiKind::LargeFamily,
    ] {
        assert!(kinds.contains(&k), "{k:?} missing from {d:#?}");
    }
    assert!(
        d.iter()
            .any(|x| x.1 == "In summer 2020" && x.2 == "In 2020"),
        "{d:#?}"
    );
}

#[test]
fn an_event_with_its_time_and_place_is_a_high_risk() {
    let text = "In March 2021 there was a house fire at the family home in Rochdale.\n\
                Mother, aged 34, attended the meeting.";
    let risks = jigsaw_risks(text);
    let top = &risks[0];
    assert_eq!(top.level, RiskLevel::High, "{risks:#?}");
    let kinds: Vec<QuasiKind> = top.items.iter().map(|q| q.kind).collect();
    assert!(kinds.contains(&QuasiKind::UnusualEvent) && kinds.contains(&QuasiKind::MonthAndYear));
    assert!(kinds.contains(&QuasiKind::Place), "{risks:#?}");
    assert!(!top.reason.is_empty());
    // The age in the second paragraph joins nothing: a low risk of its own.
    assert!(
        risks
            .iter()
            .any(|r| r.level == RiskLevel::Low && r.items[0].text == "aged 34"),
        "{risks:#?}"
    );
}

#[test]
fn keys_stay_the_same_across_texts_and_reloads() {
    let a = jigsaw_risks("She was a vet in a small village with her 14-year-old.");
    let b = jigsaw_risks("Note.\nShe was a vet in a small village with her 14-year-old.");
    assert_eq!(a[0].key, b[0].key);
    assert_eq!(a[0].items[0].key, b[0].items[0].key);
    assert!(a[0].key.starts_with("jr-") && a[0].items[0].key.starts_with("qi-"));
}

#[test]
fn an_ordinary_paragraph_has_no_risk() {
    assert!(
        jigsaw_risks("The school and the health visitor shared concerns with Mother.").is_empty()
    );
}
