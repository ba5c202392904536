//! The public information pages: readable without signing in, one heading each, linked to one
//! another, and finished (no placeholder text).

use std::collections::BTreeSet;

use crate::common::*;
use axum::http::StatusCode;

/// Each page and its heading.
const PAGES: [(&str, &str); 5] = [
    ("/information", "Information about reviews"),
    (
        "/information/what-a-review-is",
        "What a child safeguarding practice review is",
    ),
    (
        "/information/practitioners",
        "Information for practitioners",
    ),
    ("/information/families", "Information for families"),
    ("/information/referrals", "How to refer a case for a review"),
];

/// Every `href="..."` value in a page.
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// The text of every `<h1>` in a page.
fn h1s(html: &str) -> Vec<String> {
    html.split("<h1")
        .skip(1)
        .filter_map(|rest| rest.split_once('>'))
        .filter_map(|(_, rest)| rest.split("</h1>").next())
        .map(|s| s.trim().to_owned())
        .collect()
}

#[tokio::test]
async fn every_page_opens_without_signing_in_with_its_heading() {
    let t = TestApp::spawn().await;
    for (path, heading) in PAGES {
        let html = t.page(path, None).await;
        assert_eq!(h1s(&html), vec![heading.to_owned()], "{path}");
        assert!(
            html.contains(&format!("<title>{heading} – ")),
            "{path}: the title is the heading"
        );
        assert!(!html.contains("TODO"), "{path} has a TODO");
        assert!(
            html.contains("Northshire Safeguarding Children Partnership"),
            "{path} names the partnership"
        );
        assert!(!html.contains("Sign out"), "{path} is for anyone");
    }
}

#[tokio::test]
async fn the_pages_link_to_one_another_and_every_link_works() {
    let t = TestApp::spawn().await;
    let mut checked = BTreeSet::new();
    for (path, _) in PAGES {
        let html = t.page(path, None).await;
        let links = hrefs(&html);
        // The index and the "Related" lists reach every other page.
        for (other, _) in PAGES.iter().skip(1) {
            if *other != path {
                assert!(links.iter().any(|l| l == other), "{path} links to {other}");
            }
        }
        if path != "/information" {
            assert!(
                html.contains(r#"<a href="/information" class="govuk-back-link">Back</a>"#),
                "{path} has a back link to the index"
            );
        }
        for link in links.into_iter().filter(|l| l.starts_with("/information")) {
            if checked.insert(link.clone()) {
                let response = t.get(&link, None).await;
                assert_eq!(response.status(), StatusCode::OK, "{link} from {path}");
            }
        }
    }
    // All five pages were reached through links.
    for (path, _) in PAGES {
        assert!(checked.contains(path), "nothing links to {path}");
    }
}

#[tokio::test]
async fn the_start_page_and_the_footer_link_to_the_information() {
    let t = TestApp::spawn().await;
    let html = t.page("/", None).await;
    let to_index = hrefs(&html)
        .into_iter()
        .filter(|l| l == "/information")
        .count();
    assert!(
        to_index >= 2,
        "the start page and its footer link to /information"
    );
    let sign_in = t.page("/sign-in", None).await;
    assert!(
        sign_in.contains(r#"<a class="govuk-footer__link" href="/information">"#),
        "the footer of every page links to /information"
    );
}

#[tokio::test]
async fn the_pages_quote_the_partnerships_settings() {
    let t = TestApp::spawn().await;
    let settings = t.state.app().settings().clone();
    let html = t.page("/information/what-a-review-is", None).await;
    assert!(html.contains(&format!(
        "within {} working days",
        settings.rapid_review_working_days
    )));
    assert!(html.contains(&format!("within {} months", settings.local_review_months)));
    let referrals = t.page("/information/referrals", None).await;
    assert!(referrals.contains(&format!(
        "within {} working days",
        settings.rapid_review_working_days
    )));
}
