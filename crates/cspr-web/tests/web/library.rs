//! The learning library's pages (issue 17, item 4 and 5) over HTTP: the staff search with its
//! filters, result count, highlighted passages and pages; the public search showing only the
//! partnership's own published reviews; bad filters refused with the error summary; a case at
//! its rapid review showing the most similar reviews and where its themes recurred, without its text
//! entering the index.

use crate::common::*;
use axum::http::StatusCode;
use cspr_app::library::{AgeGroup, ReviewRecord, ReviewType};
use cspr_domain::case::Command;
use cspr_web::access::Role;
use time::macros::date;

fn record(n: usize, title: &str, themes: &[&str], summary: &str) -> ReviewRecord {
    ReviewRecord {
        id: format!("ncr-{n:04}"),
        title: title.to_owned(),
        partnership: if n.is_multiple_of(2) {
            "Westshire SCP"
        } else {
            "Eastshire SCP"
        }
        .to_owned(),
        published_on: date!(2019 - 01 - 15)
            .replace_year(2019 + i32::try_from(n % 5).expect("year"))
            .expect("date"),
        review_type: if n.is_multiple_of(3) {
            ReviewType::SeriousCaseReview
        } else {
            ReviewType::LocalCspr
        },
        themes: themes.iter().map(|t| (*t).to_owned()).collect(),
        age_group: if n.is_multiple_of(2) {
            AgeGroup::Under1
        } else {
            AgeGroup::From11To15
        },
        agencies: vec!["Health".to_owned(), "Police".to_owned()],
        summary: summary.to_owned(),
        url: format!("https://reviews.example.org/{n}"),
        text: None,
    }
}

/// 30 national records: 24 on neglect, 6 on bruising in non-mobile babies.
async fn import(t: &TestApp) {
    let mut records = Vec::new();
    for n in 0..24 {
        records.push(record(
            n,
            &format!("Child N{n}: neglect over several years"),
            &["neglect", "information sharing"],
            "Chronic neglect was seen by many agencies but never added up; nobody held the whole picture.",
        ));
    }
    for n in 24..30 {
        records.push(record(
            n,
            &format!("Baby B{n}: bruising in a non-mobile infant"),
            &["non-accidental injury", "bruising"],
            "Bruising on a non-mobile baby was explained away; the protocol for bruising was not followed.",
        ));
    }
    let outcome = cspr_app::library::import(t.state.services(), records, |_| {})
        .await
        .expect("import");
    assert_eq!(outcome.new, 30);
    assert!(outcome.indexed);
}

#[tokio::test]
async fn staff_search_the_library_with_filters_snippets_and_pages() {
    let t = TestApp::spawn().await;
    import(&t).await;
    let (_, cookie) = signed_in(&t, Role::AgencyRepresentative, "rep@health.example").await;
    let staff = t.client(cookie);

    // A synonym: NAI finds the non-accidental injury reviews, the matched words marked.
    let html = staff.page("/library?q=NAI").await;
    assert_contains(&html, "6 reviews found");
    assert_contains(&html, "Baby B24: bruising in a non-mobile infant");
    assert_lacks(&html, "Child N1:");

    let html = staff.page("/library?q=bruising").await;
    assert_contains(&html, "<mark>");
    assert_contains(&html, "Bruising</mark>");

    // Listing everything: 30, 20 a page, with the facet counts beside the filters.
    let html = staff.page("/library").await;
    assert_contains(&html, "30 reviews found: 1 to 20 shown");
    assert_contains(&html, "neglect (24)");
    assert_contains(&html, "bruising (6)");
    assert_contains(&html, "aria-label=\"Page 2\"");
    let html = staff.page("/library?page=2").await;
    assert_contains(&html, "30 reviews found: 21 to 30 shown");

    // Filters: a theme, a type, an age group, a span of years; removing one is a link.
    let html = staff
        .page("/library?theme=neglect&type=serious_case_review&age=under_1&from=2019&to=2023")
        .await;
    // Neglect (0..24), every third a serious case review (0, 3, ..., 21), even ones under 1.
    assert_contains(&html, "4 reviews found");
    assert_contains(&html, "Remove this filter</span> Theme: neglect");

    // A year that is not one: the error summary, and the search without it.
    let r = staff.get("/library?from=twenty").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(r).await;
    assert_contains(&error_summary(&html), "Enter the year from as 4 numbers");
    assert_contains(&html, "30 reviews found");

    // A review's own page: what it is, and the reviews like it; an unknown one is not found.
    let html = staff.page("/library/ncr-0025").await;
    assert_contains(&html, "Baby B25: bruising in a non-mobile infant");
    assert_contains(&html, "https://reviews.example.org/25");
    assert_contains(between(&html, "id=\"similar-reviews\"", "</ul>"), "Baby B");
    assert_eq!(
        staff.get("/library/ncr-9999").await.status(),
        StatusCode::NOT_FOUND
    );

    // Signed out, the library is not there; the public search holds none of the national set.
    assert!(is_redirect(t.get("/library", None).await.status()));
    let html = body(t.get("/published-reviews?q=neglect", None).await).await;
    assert_contains(&html, "No reviews found");
    assert_lacks(&html, "Child N1");
}

#[tokio::test]
async fn a_case_in_its_rapid_review_shows_similar_reviews_and_where_its_themes_recurred() {
    let t = TestApp::with_demo_people().await;
    import(&t).await;
    let (case_id, _) = t
        .example("CSPR-2025-311")
        .edit(|c| {
            if let Command::RecordSeriousIncident { incident, .. } = c {
                incident.description = cspr_domain::vocab::NonEmptyText::parse(
                    "A non-mobile baby was seen with bruising on the face; the explanation given did not fit.",
                )
                .expect("text");
            }
        })
        .before(|c| matches!(c, Command::DecideOnLocalReview { .. }))
        .await;
    let before = cspr_app::library::search(
        t.state.services(),
        &cspr_app::library::Query::default(),
        false,
    )
    .await
    .expect("search")
    .total;
    let (_, cookie) = signed_in(&t, Role::PartnershipTeam, "lead@northshire.example").await;
    let html = t.client(cookie).page(&format!("/cases/{case_id}")).await;
    let section = between(&html, "id=\"library-learning\"", "</section>");
    assert_contains(section, "Similar reviews in the library");
    let first = between(section, "id=\"similar-reviews\"", "</ol>");
    assert_contains(first, "bruising in a non-mobile infant");
    let recurred = between(section, "id=\"theme-recurrence\"", "</table>");
    assert_contains(recurred, "information sharing");
    assert_contains(recurred, ">24<");
    // Nothing of the case was written to the index.
    let after = cspr_app::library::search(
        t.state.services(),
        &cspr_app::library::Query::default(),
        false,
    )
    .await
    .expect("search")
    .total;
    assert_eq!(before, after);
}
