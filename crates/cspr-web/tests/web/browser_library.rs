//! The learning library in Chromium (issue 17): staff search the library, filter it and page
//! through it; someone signed out searches the published reviews and opens one; a case in its
//! rapid review shows the most similar reviews; a briefing is written, sent to two agencies,
//! answered by each agency's representative and summarised for the team. Every page is checked
//! with axe-core (WCAG 2.2 AA, zero violations).

use crate::browser_support::{SECRET, Site, Web};
use crate::common::assert_contains;
use cspr_app::library::{AgeGroup, ReviewRecord, ReviewType};
use cspr_domain::case::Command;
use cspr_domain::examples::{HEALTH, PARTNERSHIP, POLICE};
use cspr_web::access::Role;
use time::macros::date;
use uuid::Uuid;

const TEAM: &str = "jordan.lee@northshire.example";
const HEALTH_REP: &str = "sam.patel@health.example";
const POLICE_REP: &str = "alex.jones@police.example";

fn record(n: usize, title: String, themes: &[&str], summary: &str) -> ReviewRecord {
    ReviewRecord {
        id: format!("ncr-{n:04}"),
        title,
        partnership: "Westshire SCP".to_owned(),
        published_on: date!(2020 - 03 - 01)
            .replace_year(2020 + i32::try_from(n % 4).expect("year"))
            .expect("date"),
        review_type: ReviewType::LocalCspr,
        themes: themes.iter().map(|t| (*t).to_owned()).collect(),
        age_group: AgeGroup::Under1,
        agencies: vec!["Health".to_owned()],
        summary: summary.to_owned(),
        url: format!("https://reviews.example.org/{n}"),
        text: None,
    }
}

/// 25 reviews on neglect, 5 on bruising in babies, and one published report of the
/// partnership's own on the public page.
async fn library(site: &Site) -> String {
    let mut records: Vec<ReviewRecord> = (0..25)
        .map(|n| {
            record(
                n,
                format!("Child N{n}: neglect seen by many, added up by none"),
                &["neglect", "information sharing"],
                "Neglect was seen by many agencies over years, but nobody held the whole picture.",
            )
        })
        .collect();
    records.extend((25..30).map(|n| {
        record(
            n,
            format!("Baby B{n}: bruising in a baby who was not yet mobile"),
            &["non-accidental injury", "bruising"],
            "Bruising on a non-mobile baby was explained away; the bruising protocol was not followed.",
        )
    }));
    cspr_app::library::import(site.app.state.services(), records, |_| {})
        .await
        .expect("import");
    let title = "Child Safeguarding Practice Review: Child K".to_owned();
    let report = Uuid::new_v4();
    site.app
        .store
        .publish_report(cspr_store::NewPublishedReport {
            id: report,
            partnership_id: PARTNERSHIP.as_uuid(),
            case_id: Uuid::new_v4(),
            title: title.clone(),
            summary: "How agencies shared what they knew about a baby's bruising.".to_owned(),
            themes: vec!["bruising".to_owned()],
            published_on: date!(2025 - 06 - 02),
            online_until: date!(2026 - 06 - 02),
            pdf: b"%PDF-1.7 public".to_vec(),
            improvements: None,
            body_text: Some("The bruising protocol was followed in the end.".to_owned()),
            age_group: Some("under_1".to_owned()),
            created_at: site.app.now(),
        })
        .await
        .expect("published");
    cspr_app::library::refresh(site.app.state.services())
        .await
        .expect("refresh");
    title
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_library_is_searched_filtered_and_opened_and_a_case_sees_similar_reviews() {
    let site = Site::start().await;
    site.app.demo_people().await;
    let own = library(&site).await;
    let (case, _) = site
        .app
        .example("CSPR-2025-411")
        .before(|c| matches!(c, Command::DecideOnLocalReview { .. }))
        .await;
    site.person(Role::PartnershipTeam, TEAM, "Jordan Lee")
        .create()
        .await;
    let mut web = Web::open(&site.server.base).await;
    web.sign_in(&site, TEAM, SECRET, "/dashboard").await;

    // The library from the navigation: an abbreviation, its matches marked.
    web.click("a.govuk-service-navigation__link[href='/library']")
        .await;
    assert_eq!(web.h1().await, "Learning library");
    assert_contains(&web.text("#result-count").await, "31 reviews found");
    web.fill("#q", "NAI").await;
    web.click("main button.govuk-button[data-module='govuk-button']:not(.govuk-button--secondary)")
        .await;
    assert_contains(&web.text("#result-count").await, "5 reviews found");
    assert_contains(&web.text("#results").await, "bruising in a baby");
    web.axe("library search").await;
    web.screenshot("library-search").await;
    // A result opens the review's page in the library, with the reviews like it.
    web.click("#results a").await;
    assert_contains(&web.h1().await, "bruising in a baby who was not yet mobile");
    assert_contains(&web.text("#similar-reviews").await, "Baby B");
    web.axe("a review in the library").await;

    // A filter, then the next page of everything on neglect.
    web.goto("/library").await;
    web.js("document.querySelector('input[name=theme][value=neglect]').click(); return true;")
        .await;
    web.click(".moj-filter__options button.govuk-button").await;
    assert_contains(
        &web.text("#result-count").await,
        "25 reviews found: 1 to 20 shown",
    );
    assert_contains(&web.text(".moj-filter__selected").await, "Theme: neglect");
    web.click(".govuk-pagination__next a").await;
    assert_contains(&web.text("#result-count").await, "21 to 25 shown");
    web.axe("library, filtered, page 2").await;

    // The case in its rapid review: the most similar reviews, and where its themes recurred.
    web.goto(&format!("/cases/{case}")).await;
    let similar = web.text("#library-learning").await;
    assert_contains(&similar, "Similar reviews in the library");
    assert_contains(&web.text("#theme-recurrence").await, "information sharing");
    web.axe("case page with similar reviews").await;

    // Signed out: the public search holds the partnership's own report only; open it.
    web.client()
        .delete_all_cookies()
        .await
        .unwrap_or_else(|e| panic!("cookies: {e}"));
    web.goto("/published-reviews").await;
    assert_eq!(web.h1().await, "Published reviews");
    web.fill("#q", "bruising").await;
    web.click("main button.govuk-button[data-module='govuk-button']:not(.govuk-button--secondary)")
        .await;
    assert_contains(&web.text("#result-count").await, "1 review found");
    web.axe("published reviews, searched").await;
    web.click("#results a").await;
    assert_eq!(web.h1().await, own);
    assert_contains(&web.text("main").await, "Download the report");
    web.axe("a published review").await;
    web.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_briefing_is_sent_to_two_agencies_answered_and_summarised() {
    let site = Site::start().await;
    site.app.agencies(&[HEALTH, POLICE]).await;
    site.people(&[
        (Role::PartnershipTeam, TEAM, "Jordan Lee", None),
        (
            Role::AgencyRepresentative,
            HEALTH_REP,
            "Sam Patel",
            Some(HEALTH),
        ),
        (
            Role::AgencyRepresentative,
            POLICE_REP,
            "Alex Jones",
            Some(POLICE),
        ),
    ])
    .await;
    site.app.set_day(date!(2026 - 03 - 02));
    let mut web = Web::open(&site.server.base).await;
    web.sign_in(&site, TEAM, SECRET, "/dashboard").await;

    web.click("a.govuk-service-navigation__link[href='/briefings']")
        .await;
    web.axe("briefings, none yet").await;
    web.click("main a.govuk-button[href='/briefings/new']")
        .await;
    web.fill("#title", "Bruising in babies who are not yet mobile")
        .await;
    // The briefing is rich text: the section editor of the documents, typed into as a person
    // would.
    let typed = web
        .js(
            "const e = document.getElementById('body-editor'); if (!e) return false; e.focus();
             document.execCommand('selectAll');
             document.execCommand('insertHTML', false, '<p>Bruising in a baby who cannot move is rarely accidental.</p><ul><li>Refer every time.</li></ul>');
             return true;",
        )
        .await;
    assert_eq!(typed.as_bool(), Some(true), "the editor is on the page");
    web.fill(
        "#questions",
        "Do staff know the bruising protocol?\nIs the protocol audited?",
    )
    .await;
    web.axe("start a briefing").await;
    web.click("main form button[type=submit].govuk-button")
        .await;
    assert_eq!(web.h1().await, "Bruising in babies who are not yet mobile");
    assert_contains(&web.text("#briefing-body li").await, "Refer every time.");
    let briefing = web.path().await;

    for agency in [HEALTH, POLICE] {
        web.js(&format!(
            "document.querySelector('input[name=agencies][value=\"{agency}\"]').click(); return true;"
        ))
        .await;
    }
    web.fill("#due-day", "16").await;
    web.fill("#due-month", "3").await;
    web.fill("#due-year", "2026").await;
    web.axe("a briefing, ready to send").await;
    web.click("main form[action$='/send'] button.govuk-button")
        .await;
    assert_contains(
        &web.text(".govuk-notification-banner").await,
        "sent to the agencies",
    );

    // Each representative answers for their own agency.
    for (email, agency, first, second) in [
        (HEALTH_REP, HEALTH, "partly-in-place", "not-in-place"),
        (POLICE_REP, POLICE, "in-place", "not-in-place"),
    ] {
        web.sign_in(&site, email, SECRET, "/dashboard").await;
        web.goto(&format!("{briefing}/agencies/{agency}")).await;
        web.axe("a self-assessment").await;
        web.js(&format!(
            "document.querySelector('input[name=rating-1][value={first}]').click(); \
             document.querySelector('input[name=rating-2][value={second}]').click(); return true;"
        ))
        .await;
        web.fill("#evidence-1", "Training records for this year")
            .await;
        web.fill("#evidence-2", "No audit yet").await;
        web.click("main form button[value=yes]").await;
        assert_contains(
            &web.text(".govuk-notification-banner").await,
            "answers have been submitted",
        );
    }

    // The team sees the answers rolled up per question.
    web.sign_in(&site, TEAM, SECRET, "/dashboard").await;
    web.goto(&briefing).await;
    assert_contains(
        &web.text("#q1-counts").await,
        "In place: 1; Partly in place: 1; Not in place: 0",
    );
    assert_contains(
        &web.text("#q2-counts").await,
        "In place: 0; Partly in place: 0; Not in place: 2",
    );
    web.axe("a briefing with its answers").await;
    web.screenshot("briefing-answered").await;
    web.finish().await;
}
