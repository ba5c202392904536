//! Reviews like a review, and like a live case.

use cspr_search::Library;

use crate::corpus::{Options, generate};

#[test]
fn the_most_similar_review_shares_themes() {
    let generated = generate(&Options {
        count: 300,
        seed: 7,
        text_percent: 30,
        text_words: 300,
        noise_percent: 0,
    });
    let library = Library::in_memory().expect("library");
    let records: Vec<_> = generated.iter().map(|g| g.record.clone()).collect();
    library.upsert(&records).expect("upsert");
    let mut main_theme_first = 0;
    for g in generated.iter().take(40) {
        let hits = library.similar(&g.record.id, 5).expect("similar");
        assert_eq!(hits.len(), 5);
        assert!(hits.iter().all(|h| h.id != g.record.id), "excludes itself");
        let best = &hits[0];
        assert!(
            best.themes.iter().any(|t| g.record.themes.contains(t)),
            "{} -> {}",
            g.record.id,
            best.id
        );
        if best.themes[0] == g.record.themes[0] {
            main_theme_first += 1;
        }
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    }
    println!("similar: main theme shared by the best match for {main_theme_first}/40");
    assert!(main_theme_first >= 34, "{main_theme_first}");
    assert!(
        library
            .similar("no-such-review", 5)
            .expect("similar")
            .is_empty()
    );
}

#[test]
fn a_live_case_finds_reviews_without_being_indexed() {
    let generated = generate(&Options {
        count: 300,
        seed: 7,
        text_percent: 30,
        text_words: 300,
        noise_percent: 0,
    });
    let library = Library::in_memory().expect("library");
    let records: Vec<_> = generated.iter().map(|g| g.record.clone()).collect();
    library.upsert(&records).expect("upsert");
    let before = library.len().expect("len");
    let case = "A four month old baby was brought to the emergency department with a bruise on the ear. \
                The baby cannot roll over yet. The parents say an older sibling hit him with a toy on the trampoline.";
    let hits = library
        .similar_to(case, &["bruising in non-mobile babies".to_owned()], 10)
        .expect("similar_to");
    assert_eq!(hits.len(), 10);
    assert!(hits[..5].iter().all(|h| {
        h.themes
            .iter()
            .any(|t| t == "bruising in non-mobile babies")
    }));
    // Text alone, no themes.
    let hits = library
        .similar_to(
            "The young person was groomed online and went missing from home.",
            &[],
            5,
        )
        .expect("similar_to");
    let exploitation = hits
        .iter()
        .filter(|h| h.themes.iter().any(|t| t.contains("exploitation")))
        .count();
    assert!(
        exploitation >= 3,
        "{:?}",
        hits.iter().map(|h| &h.themes).collect::<Vec<_>>()
    );
    assert_eq!(library.len().expect("len"), before);
    assert!(
        library
            .search(&cspr_search::Query::text("trampoline"))
            .expect("search")
            .total
            == 0
    );
    assert!(library.similar_to("", &[], 5).expect("empty").is_empty());
}
