//! Facet counts, filters and pages, on the hand-made set whose counts are known.

use std::collections::BTreeMap;

use cspr_search::{AgeGroup, Query, ReviewType};

use crate::fixtures::{ids, small_library};

fn map<K: Ord + Clone, const N: usize>(pairs: [(K, u64); N]) -> BTreeMap<K, u64> {
    pairs.into_iter().collect()
}

#[test]
fn counts_over_everything() {
    let library = small_library();
    let r = library.search(&Query::default()).expect("search");
    assert_eq!(r.total, 8);
    assert_eq!(
        r.facets.theme,
        map([
            ("child sexual exploitation".to_owned(), 1),
            ("domestic abuse".to_owned(), 4),
            ("neglect".to_owned(), 4),
            ("substance misuse".to_owned(), 3),
            ("suicide and self-harm".to_owned(), 1),
        ])
    );
    assert_eq!(
        r.facets.year,
        map([
            (2016, 1),
            (2017, 1),
            (2019, 1),
            (2020, 1),
            (2021, 2),
            (2022, 1),
            (2023, 1)
        ])
    );
    use ReviewType::*;
    assert_eq!(
        r.facets.review_type,
        map([
            (LocalCspr, 4),
            (SeriousCaseReview, 2),
            (RapidReviewLearningSummary, 1),
            (Thematic, 1)
        ])
    );
    use AgeGroup::*;
    assert_eq!(
        r.facets.age_group,
        map([
            (Under1, 2),
            (From1To4, 2),
            (From5To10, 2),
            (From11To15, 1),
            (From16To17, 1)
        ])
    );
    assert_eq!(library.themes().expect("themes"), r.facets.theme);
    // Newest first when there is no text.
    assert_eq!(&ids(&r.hits)[..2], ["f", "e"]);
}

#[test]
fn themes_are_all_of_and_their_facet_narrows() {
    let library = small_library();
    let q = Query {
        themes: vec!["Neglect".into(), "domestic abuse".into()],
        ..Query::default()
    };
    let r = library.search(&q).expect("search");
    assert_eq!(r.total, 2);
    let mut got = ids(&r.hits);
    got.sort_unstable();
    assert_eq!(got, ["a", "f"]);
    assert_eq!(
        r.facets.theme,
        map([
            ("domestic abuse".to_owned(), 2),
            ("neglect".to_owned(), 2),
            ("substance misuse".to_owned(), 1)
        ])
    );
    assert_eq!(
        r.facets.review_type,
        map([
            (ReviewType::LocalCspr, 1),
            (ReviewType::RapidReviewLearningSummary, 1)
        ])
    );
}

#[test]
fn review_type_facet_ignores_its_own_filter() {
    let library = small_library();
    let q = Query {
        review_types: vec![ReviewType::LocalCspr],
        ..Query::default()
    };
    let r = library.search(&q).expect("search");
    assert_eq!(r.total, 4);
    use ReviewType::*;
    assert_eq!(
        r.facets.review_type,
        map([
            (LocalCspr, 4),
            (SeriousCaseReview, 2),
            (RapidReviewLearningSummary, 1),
            (Thematic, 1)
        ])
    );
    assert_eq!(
        r.facets.theme,
        map([
            ("domestic abuse".to_owned(), 2),
            ("neglect".to_owned(), 2),
            ("substance misuse".to_owned(), 1),
            ("suicide and self-harm".to_owned(), 1)
        ])
    );
    assert_eq!(r.facets.year, map([(2019, 1), (2020, 1), (2021, 2)]));
    use AgeGroup::*;
    assert_eq!(
        r.facets.age_group,
        map([(Under1, 1), (From1To4, 2), (From16To17, 1)])
    );
}

#[test]
fn each_any_of_facet_keeps_the_other_filters() {
    let library = small_library();
    let q = Query {
        review_types: vec![ReviewType::LocalCspr],
        age_groups: vec![AgeGroup::Under1],
        ..Query::default()
    };
    let r = library.search(&q).expect("search");
    assert_eq!(ids(&r.hits), ["c"]);
    assert_eq!(r.total, 1);
    // Review types of the under-1s; age groups of the local reviews.
    assert_eq!(
        r.facets.review_type,
        map([
            (ReviewType::LocalCspr, 1),
            (ReviewType::RapidReviewLearningSummary, 1)
        ])
    );
    assert_eq!(
        r.facets.age_group,
        map([
            (AgeGroup::Under1, 1),
            (AgeGroup::From1To4, 2),
            (AgeGroup::From16To17, 1)
        ])
    );
    assert_eq!(r.facets.theme, map([("domestic abuse".to_owned(), 1)]));
}

#[test]
fn year_range_with_text() {
    let library = small_library();
    let all = library.search(&Query::text("neglect")).expect("search");
    assert_eq!(all.total, 4);
    let q = Query {
        text: "neglect".into(),
        from_year: Some(2019),
        to_year: Some(2021),
        ..Query::default()
    };
    let r = library.search(&q).expect("search");
    let mut got = ids(&r.hits);
    got.sort_unstable();
    assert_eq!(got, ["a", "d"]);
    // The year facet shows every year the text matches in.
    assert_eq!(
        r.facets.year,
        map([(2017, 1), (2019, 1), (2021, 1), (2023, 1)])
    );
    assert_eq!(r.facets.theme.get("neglect"), Some(&2));
    let open_ended = Query {
        from_year: Some(2021),
        ..Query::default()
    };
    assert_eq!(library.search(&open_ended).expect("search").total, 4);
    let upside_down = Query {
        from_year: Some(2022),
        to_year: Some(2019),
        ..Query::default()
    };
    assert_eq!(library.search(&upside_down).expect("search").total, 0);
}

#[test]
fn pages_cover_every_result_once_and_total_is_stable() {
    let library = small_library();
    for text in ["", "neglect OR abuse", "domestic abuse"] {
        let first = library
            .search(&Query {
                text: text.into(),
                limit: 100,
                ..Query::default()
            })
            .expect("search");
        let mut seen = Vec::new();
        for page in 0..4 {
            let q = Query {
                text: text.into(),
                offset: page * 3,
                limit: 3,
                ..Query::default()
            };
            let r = library.search(&q).expect("search");
            assert_eq!(r.total, first.total, "{text:?} page {page}");
            assert_eq!(r.facets, first.facets);
            seen.extend(r.hits.into_iter().map(|h| (h.id, h.published_on)));
        }
        let expected: Vec<_> = first
            .hits
            .iter()
            .map(|h| (h.id.clone(), h.published_on))
            .collect();
        assert_eq!(seen, expected, "{text:?}");
        if text.is_empty() {
            assert!(seen.windows(2).all(|w| w[0].1 >= w[1].1), "newest first");
        }
    }
    let beyond = library
        .search(&Query {
            offset: 50,
            ..Query::default()
        })
        .expect("search");
    assert_eq!((beyond.total, beyond.hits.len()), (8, 0));
}

#[test]
fn cli_json_has_the_agreed_shape() {
    let library = small_library();
    let r = library
        .search(&Query {
            text: "neglect".into(),
            limit: 1,
            ..Query::default()
        })
        .expect("search");
    let json = r.to_cli_json();
    assert_eq!(json["total"], 4);
    let hit = &json["hits"][0];
    let mut keys: Vec<&str> = hit
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["id", "published_on", "score", "snippet", "title"]);
    assert!(
        hit["snippet"]
            .as_str()
            .expect("text")
            .to_lowercase()
            .contains("neglect")
    );
    assert_eq!(json["facets"]["theme"]["neglect"], 4);
    assert_eq!(json["facets"]["year"]["2021"], 1);
    assert_eq!(json["facets"]["review_type"]["local_cspr"], 2);
    let mut facet_keys: Vec<&str> = json["facets"]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    facet_keys.sort_unstable();
    assert_eq!(facet_keys, ["review_type", "theme", "year"]);
    assert_eq!(cspr_search::hits_to_cli_json(&r.hits)[0], *hit);
}
