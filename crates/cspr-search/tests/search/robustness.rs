//! No reader input makes a search fail or panic.

use std::sync::LazyLock;

use cspr_search::{Library, Query};
use proptest::prelude::*;

static LIBRARY: LazyLock<Library> = LazyLock::new(crate::fixtures::small_library);

fn search_ok(text: &str) {
    let q = Query {
        text: text.to_owned(),
        limit: 5,
        ..Query::default()
    };
    let r = LIBRARY.search(&q).expect("search never fails on input");
    assert!(r.hits.len() <= 5);
    for hit in &r.hits {
        for range in &hit.snippet.highlights {
            assert!(
                hit.snippet.text.get(range.clone()).is_some(),
                "highlight on char boundaries"
            );
        }
    }
}

#[test]
fn awkward_inputs() {
    for text in [
        "\"",
        "\"\"",
        "\"missed appointments",
        "neglect\"",
        "*",
        "**",
        "-",
        "--",
        "-*",
        "NOT",
        "AND OR NOT",
        "a*",
        "(neglect",
        "neglect)",
        "title:neglect",
        "neglect^2",
        "neglect~",
        "+neglect",
        "\\",
        "&&",
        "||",
        "\u{0}",
        "🙂 neglect",
        "ǅ",
        "ß*",
        "- \"\" -",
        "-neglect",
        "NOT neglect",
        "the",
        "the of and",
        "\"the\"",
        "a&e",
        "-c-C",
        "neglect -c-C",
        "-\"c c\"",
        "NOT \"c c\"",
        "A&E",
        "İstanbul",
        "\u{feff}neglect",
    ] {
        search_ok(text);
    }
    search_ok(&"neglect ".repeat(20_000));
    search_ok(&"\"".repeat(10_001));
    search_ok(&"x".repeat(100_000));
    let only_excluded = LIBRARY.search(&Query::text("-neglect")).expect("search");
    assert_eq!(only_excluded.total, 4);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text_never_errors(text in ".{0,200}") {
        search_ok(&text);
    }

    #[test]
    fn operator_soup_never_errors(text in "[a-zA-Z\"*\\-+&|():~^ ]{0,80}") {
        search_ok(&text);
    }

    #[test]
    fn paging_and_filters_never_error(offset in 0usize..1_000_000, limit in 0usize..10_000, from in proptest::option::of(-5000i32..5000), to in proptest::option::of(-5000i32..5000)) {
        let q = Query { text: "neglect".into(), offset, limit, from_year: from, to_year: to, ..Query::default() };
        prop_assert!(LIBRARY.search(&q).is_ok());
    }
}
