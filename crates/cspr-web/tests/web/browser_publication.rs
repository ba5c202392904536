//! The anonymisation review and publication in Chromium: the partnership team scans the report,
//! reads each finding in context on the review screen and widens one, accepts the rest, checks
//! the redacted text, is refused publication before the 7 working days with the earliest date,
//! publishes on that date, and the public page lists the report to someone signed out. Every
//! page is checked with axe-core (WCAG 2.2 AA, zero violations).

use crate::browser_support::{SECRET, Site, Web};
use crate::common::{assert_contains, overview};
use cspr_domain::anonymisation::FindingDecision;
use cspr_domain::case::Command;
use cspr_domain::examples::PARTNERSHIP;
use cspr_domain::ids::CaseId;
use cspr_web::access::Role;
use time::Date;
use time::macros::date;

const EMAIL: &str = "jordan.lee@northshire.example";
const OVERVIEW: &str = "Ada Example lived with her mother Beth Example at 1 Example Street, Northtown NT1 1AA. Dr Priya Nandra saw Ada on 3 March 2025 when she was 7 years old.";

/// The worked example, with a report that names people, up to its anonymisation scan.
async fn case_before_scan(site: &Site) -> CaseId {
    site.app.demo_people().await;
    site.app
        .example("CSPR-2025-802")
        .edit(overview(OVERVIEW))
        .before(|c| matches!(c, Command::ScanReport { .. }))
        .await
        .0
}

/// Fills the publish form and sends it.
async fn publish_on(web: &Web, day: Date) {
    web.fill(
        "#summary",
        "How agencies worked together before Child A was harmed.",
    )
    .await;
    web.fill("#published_on-day", &day.day().to_string()).await;
    web.fill("#published_on-month", &u8::from(day.month()).to_string())
        .await;
    web.fill("#published_on-year", &day.year().to_string())
        .await;
    web.js("const c = document.querySelector('#confirm'); if (!c.checked) c.click(); return true;")
        .await;
    web.click("main form[action$='/publication/publish'] button.govuk-button")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_team_reviews_the_findings_and_is_refused_publication_before_7_working_days() {
    let site = Site::start().await;
    let case = case_before_scan(&site).await;
    site.person(Role::PartnershipTeam, EMAIL, "Jordan Lee")
        .create()
        .await;
    site.app.set_day(date!(2025 - 07 - 17));
    let mut web = Web::open(&site.server.base).await;
    web.sign_in(&site, EMAIL, SECRET, "/dashboard").await;

    // From the case page to the publication page.
    web.goto(&format!("/cases/{case}")).await;
    web.click(&format!(
        "#case-actions a[href='/cases/{case}/publication']"
    ))
    .await;
    assert_eq!(web.h1().await, "Publication");
    web.axe("publication page before the scan").await;
    web.click("#scan").await;

    // The review screen: every finding in its context.
    assert_eq!(web.h1().await, "Anonymisation review");
    let findings = web.find_all(".govuk-summary-card").await.len();
    assert!(findings >= 5, "{findings} findings");
    let marks = web.text("main").await;
    assert!(marks.contains("Beth Example") && marks.contains("Replaced with"));
    web.axe("review screen with findings").await;
    web.screenshot("publication-review-screen").await;

    // Widen the doctor's name by one word before it: the choice opens with the radio.
    let n = web
        .js("const m = [...document.querySelectorAll('mark.cspr-finding')].findIndex(e => e.textContent.includes('Priya')); return m + 1;")
        .await
        .as_u64()
        .unwrap_or(0);
    assert!(n > 0, "the doctor's name is a finding");
    web.js(&format!(
        "document.querySelector('#decision-{n}-widen').click(); return true;"
    ))
    .await;
    assert!(
        web.js(&format!("return !document.querySelector('#widen-{n}').classList.contains('govuk-radios__conditional--hidden');"))
            .await
            .as_bool()
            .unwrap_or(false),
        "the wider span's questions show"
    );
    web.js(&format!(
        "document.querySelector('#before-{n}').value = '1'; return true;"
    ))
    .await;
    web.click(&format!("#save-{n}")).await;
    assert!(web.path().await.ends_with("/publication/review"));
    let (loaded, _) = site
        .app
        .state
        .app()
        .load(case)
        .await
        .unwrap_or_else(|e| panic!("load: {e}"));
    let review = loaded
        .anonymisation
        .as_ref()
        .unwrap_or_else(|| panic!("review"));
    assert!(matches!(
        review.decisions.get(&(u32::try_from(n).unwrap_or(0) - 1)),
        Some(FindingDecision::Widen { .. })
    ));
    // A decision without a choice comes back with the error summary, linked to the finding.
    web.click("#save-1").await;
    let summary = web.text(".govuk-error-summary").await;
    assert_contains(
        &summary,
        "Choose whether to accept, reject or widen the finding",
    );
    web.axe("review screen with an error").await;

    // Accept the rest, check the redacted text.
    web.click("#accept-rest").await;
    assert_eq!(web.h1().await, "Publication");
    web.click("#check").await;
    let main = web.text("main").await;
    assert_contains(&main, "names no one the case records");
    assert!(
        main.contains("An exact age"),
        "the residual-risk report: {main}"
    );
    web.axe("publication page after the check").await;
    web.screenshot("publication-after-check").await;

    // 24 July 2025, the sixth working day after sending on 16 July: refused, with the date.
    site.app.set_day(date!(2025 - 07 - 24));
    web.sign_in(&site, EMAIL, SECRET, "/dashboard").await;
    web.goto(&format!("/cases/{case}/publication")).await;
    web.click("#publish-link").await;
    assert_eq!(web.h1().await, "Publish the report");
    web.axe("publish form").await;
    publish_on(&web, date!(2025 - 07 - 24)).await;
    let summary = web.text(".govuk-error-summary").await;
    assert_contains(
        &summary,
        "The report can be published from 25 July 2025: 7 working days after it was sent to the National Panel and the Secretary of State on 16 July 2025.",
    );
    assert_eq!(
        web.js("return document.activeElement && document.activeElement.closest('.govuk-error-summary') !== null;")
            .await,
        serde_json::json!(true),
        "the error summary takes the focus"
    );
    web.axe("publication refused before 7 working days").await;
    web.screenshot("publication-refused-before-7-working-days")
        .await;
    assert!(
        site.app
            .store
            .published_reports(PARTNERSHIP.as_uuid())
            .await
            .unwrap_or_default()
            .is_empty()
    );

    // On 25 July it is published, and anyone can find it.
    site.app.set_day(date!(2025 - 07 - 25));
    web.sign_in(&site, EMAIL, SECRET, "/dashboard").await;
    web.goto(&format!("/cases/{case}/publication/publish"))
        .await;
    publish_on(&web, date!(2025 - 07 - 25)).await;
    let banner = web.text(".govuk-notification-banner--success").await;
    assert_contains(&banner, "The report is published");
    web.client()
        .delete_all_cookies()
        .await
        .unwrap_or_else(|e| panic!("cookies: {e}"));
    web.goto("/").await;
    web.click("footer a[href='/published-reviews']").await;
    assert_eq!(web.h1().await, "Published reviews");
    let listed = web.text("#results").await;
    assert_contains(&listed, "Child Safeguarding Practice Review: Child A");
    assert_contains(&listed, "Published 25 July 2025");
    assert!(!listed.contains("Example"), "no name on the public page");
    web.axe("published reviews, signed out").await;
    web.screenshot("published-reviews").await;

    web.finish().await;
}
