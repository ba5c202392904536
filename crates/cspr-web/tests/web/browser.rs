//! Real-browser tests: Debian Chromium, headless, through chromedriver, against the real router
//! on a loopback port. They sign in with a password and an authenticator code, set up an
//! authenticator at first sign-in, wait out the sign-in delay, check every page with axe-core
//! (WCAG 2.2 A and AA) and walk the service with JavaScript turned off.
//!
//! Screenshots are written to target/screenshots/. Each test starts its own chromedriver on
//! its own port, so the tests may run in parallel; on a small machine run them one at a time:
//! `cargo test -p cspr-web --test web browser -- --test-threads=1`.

use std::time::Duration;

use crate::browser_support::{SECRET, Site, Web, base32_decode};
use crate::common::{PASSWORD, assert_contains};
use cspr_domain::examples::PARTNERSHIP;
use cspr_domain::ids::CaseId;
use cspr_web::access::Role;

/// Types the email address and password on the sign-in page and continues.
async fn enter_password(web: &Web, email: &str, password: &str) {
    web.fill("#email", email).await;
    web.fill("#password", password).await;
    web.click("main form[action='/sign-in'] button[type=submit]")
        .await;
}

/// Types a code on the code page (or the set-up page) and continues.
async fn enter_code(web: &Web, code: &str) {
    web.fill("#code", code).await;
    web.click(
        "main form[action='/sign-in/two-factor'] button[type=submit], \
         main form[action='/sign-in/set-up-two-factor'] button[type=submit]",
    )
    .await;
}

/// Signs out with the button in the header.
async fn sign_out(web: &Web) {
    web.click(".govuk-service-navigation form[action='/sign-out'] button")
        .await;
    assert_eq!(web.path().await, "/signed-out");
    assert_eq!(web.h1().await, "You have signed out");
}

/// An error summary with one error: its text and where it points.
fn only_error(text: &str, href: &str) -> Vec<(String, String)> {
    vec![(text.to_owned(), href.to_owned())]
}

/// The texts of the error summary's links and where they point.
async fn error_summary(web: &Web) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for link in web.find_all(".govuk-error-summary__list a").await {
        let text = link.text().await.unwrap_or_default().trim().to_owned();
        let href = link.attr("href").await.ok().flatten().unwrap_or_default();
        found.push((text, href));
    }
    found
}

/// The signed-in pages of a partnership-team member: (screenshot name, path, main heading).
fn team_pages(case: CaseId, reference: &str) -> Vec<(&'static str, String, String)> {
    let case = case.as_uuid();
    vec![
        ("dashboard", "/dashboard".into(), "Dashboard".into()),
        ("cases", "/cases".into(), "Cases".into()),
        ("actions", "/actions".into(), "Action tracker".into()),
        (
            "confirm-identity",
            "/confirm-identity?next=/dashboard".into(),
            "Confirm it is you".into(),
        ),
        (
            "case",
            format!("/cases/{case}"),
            format!("Case {reference}"),
        ),
        (
            "access-history",
            format!("/cases/{case}/access-history"),
            format!("Access history of case {reference}"),
        ),
        (
            "members",
            format!("/cases/{case}/members"),
            format!("People who can see case {reference}"),
        ),
        ("admin-team", "/admin".into(), "Administration".into()),
        ("agencies", "/admin/agencies".into(), "Agencies".into()),
        (
            "settings",
            "/admin/settings".into(),
            "Partnership settings".into(),
        ),
        ("account", "/account".into(), "Your account".into()),
        (
            "api-tokens",
            "/account/api-tokens".into(),
            "Access tokens".into(),
        ),
        ("figures", "/figures".into(), "Yearly figures".into()),
        (
            "subject-access",
            "/subject-access".into(),
            "Subject access request".into(),
        ),
    ]
}

/// A site with demo agencies, a partnership-team member and a system administrator (both with
/// their authenticator set up) and one case at the rapid-review stage.
async fn seeded_site() -> (Site, CaseId) {
    let site = Site::start().await;
    site.app.demo_people().await;
    site.people(&[
        (
            Role::PartnershipTeam,
            "jordan.lee@northshire.example",
            "Jordan Lee",
            None,
        ),
        (
            Role::SystemAdministrator,
            "robin.admin@northshire.example",
            "Robin Ashe",
            None,
        ),
    ])
    .await;
    let case = site.app.case(PARTNERSHIP, REFERENCE).await;
    // A token of the API, so that the access tokens page shows its table.
    cspr_app::accounts::api::issue(
        &site.app.state,
        "jordan.lee@northshire.example",
        "Case management system",
        30,
    )
    .await
    .expect("a token");
    (site, case)
}

const REFERENCE: &str = "CSPR-2025-014";

/// A fresh site with one partnership-team member (`email`, `name`, the authenticator set up),
/// and a browser on it, not signed in.
async fn team_member_site(email: &str, name: &str) -> (Site, Web) {
    let site = Site::start().await;
    site.person(Role::PartnershipTeam, email, name)
        .create()
        .await;
    let web = Web::open(&site.server.base).await;
    (site, web)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signs_in_with_password_and_code_then_signs_out() {
    let email = "jordan.patel@northshire.example";
    let (site, mut web) = team_member_site(email, "Jordan Patel").await;

    web.goto("/sign-in").await;
    assert_eq!(web.h1().await, "Sign in");
    web.axe("sign-in").await;

    enter_password(&web, email, PASSWORD).await;
    assert_eq!(web.path().await, "/sign-in/two-factor");
    assert_eq!(web.h1().await, "Enter your security code");
    // The session cookie survived on http://127.0.0.1 (a secure context to Chromium), with
    // every attribute SECURITY.md asks for.
    let cookie = web
        .client()
        .get_named_cookie(cspr_web::session::COOKIE_NAME)
        .await
        .unwrap_or_else(|e| panic!("no session cookie in the browser: {e}"));
    assert_eq!(cookie.secure(), Some(true), "{cookie:?}");
    assert_eq!(cookie.http_only(), Some(true), "{cookie:?}");
    assert_eq!(
        cookie.same_site().map(|s| s.to_string()).as_deref(),
        Some("Strict"),
        "{cookie:?}"
    );
    assert_eq!(cookie.path(), Some("/"), "{cookie:?}");
    let first_token = cookie.value().to_owned();
    web.axe("two-factor").await;

    // A wrong code: the error summary, linked to the field, focused by GOV.UK Frontend.
    enter_code(&web, &site.wrong_code(SECRET)).await;
    assert_eq!(web.path().await, "/sign-in/two-factor");
    assert!(
        web.title().await.starts_with("Error: "),
        "{}",
        web.title().await
    );
    let message = "Enter the code shown in your authenticator app";
    assert_eq!(
        error_summary(&web).await,
        vec![(message.to_owned(), "#code".to_owned())]
    );
    assert_eq!(web.text("#code-error").await, format!("Error: {message}"));
    let focused = web
        .js("return document.activeElement ? document.activeElement.className : '';")
        .await;
    assert!(
        focused
            .as_str()
            .unwrap_or_default()
            .contains("govuk-error-summary"),
        "the error summary should have focus, not {focused}"
    );
    // Following the summary's link puts the cursor in the field (no new page).
    web.find(".govuk-error-summary__list a")
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot follow the error link: {e}"));
    let focused = web
        .js("return document.activeElement ? document.activeElement.id : '';")
        .await;
    assert_eq!(focused.as_str(), Some("code"), "focus after the error link");
    web.axe("two-factor with an error").await;
    web.screenshot("two-factor-error").await;

    // The right code, computed at the server clock's time.
    enter_code(&web, &site.code(SECRET)).await;
    assert_eq!(web.path().await, "/dashboard");
    assert_eq!(web.h1().await, "Dashboard");
    assert!(
        web.text(".govuk-service-navigation")
            .await
            .contains("Jordan Patel"),
        "the header names the person signed in"
    );
    let cookie = web
        .client()
        .get_named_cookie(cspr_web::session::COOKIE_NAME)
        .await
        .unwrap_or_else(|e| panic!("no session cookie after the code: {e}"));
    assert_ne!(
        cookie.value(),
        first_token,
        "a new session token after the second factor"
    );
    // JavaScript ran here (GOV.UK Frontend marks the body): the contrast for the no-JS test.
    let body_class = web.attr("body", "class").await;
    assert_contains(&body_class, "govuk-frontend-supported");
    web.axe("dashboard").await;
    web.screenshot("dashboard").await;

    sign_out(&web).await;
    web.axe("signed out").await;
    web.goto("/dashboard").await;
    assert_eq!(
        web.path().await,
        "/sign-in",
        "signed out, so back to sign-in"
    );
    assert_eq!(web.h1().await, "Sign in");

    web.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_sign_in_sets_up_the_authenticator_app() {
    let site = Site::start().await;
    let email = "sam.new@northshire.example";
    site.app
        .user(Role::PartnershipTeam)
        .email(email)
        .name("Sam Newman")
        .no_second_factor()
        .create()
        .await;
    let mut web = Web::open(&site.server.base).await;

    web.goto("/sign-in").await;
    enter_password(&web, email, PASSWORD).await;
    assert_eq!(web.path().await, "/sign-in/set-up-two-factor");
    assert_eq!(web.h1().await, "Set up your authenticator app");

    // The QR code is a real PNG that the browser decodes.
    let qr = "img[src='/sign-in/set-up-two-factor/qr.png']";
    web.find(qr).await;
    let mut natural_width = 0;
    for _ in 0..200 {
        let size = web
            .js(&format!(
                "const i = document.querySelector(\"{qr}\"); return i.complete ? i.naturalWidth : -1;"
            ))
            .await;
        natural_width = size.as_i64().unwrap_or(-1);
        if natural_width >= 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(
        natural_width > 0,
        "the QR image did not load ({natural_width})"
    );

    let key = web.text("#secret").await;
    let secret = base32_decode(&key).unwrap_or_else(|| panic!("the key is not base32: {key:?}"));
    assert_eq!(secret.len(), 20, "a 160-bit secret: {key}");
    web.axe("set up authenticator").await;
    web.screenshot("set-up-authenticator").await;

    enter_code(&web, &site.code(&secret)).await;
    assert_eq!(web.h1().await, "Your authenticator app is set up");
    let codes = web.find_all("#recovery-codes li").await;
    assert_eq!(codes.len(), 10, "ten recovery codes");
    let mut texts = Vec::new();
    for code in &codes {
        texts.push(code.text().await.unwrap_or_default().trim().to_owned());
    }
    assert!(texts.iter().all(|t| t.len() >= 8), "{texts:?}");
    let mut unique = texts.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 10, "each code different: {texts:?}");
    web.axe("recovery codes").await;
    web.screenshot("recovery-codes").await;

    web.click("main a.govuk-button").await;
    assert_eq!(web.path().await, "/dashboard");
    assert_eq!(web.h1().await, "Dashboard");

    web.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_wrong_passwords_hold_the_account_back_until_the_delay_passes() {
    let email = "casey.held@northshire.example";
    let (site, mut web) = team_member_site(email, "Casey Held").await;
    web.goto("/sign-in").await;

    // Three failures cost nothing; the fourth starts a 1-second delay (auth/throttle.rs).
    for attempt in 1..=4 {
        enter_password(&web, email, &format!("not the password, try {attempt}")).await;
        assert_eq!(web.path().await, "/sign-in");
        assert_eq!(
            error_summary(&web).await,
            only_error("Enter a correct email address and password", "#email"),
            "attempt {attempt}"
        );
        // The address typed is kept; the password is not.
        let kept = web.find("#email").await.prop("value").await.ok().flatten();
        assert_eq!(kept.as_deref(), Some(email));
    }

    // Held back: even the right password is refused, with the wait in words.
    enter_password(&web, email, PASSWORD).await;
    assert_eq!(web.path().await, "/sign-in", "held back");
    assert_eq!(
        error_summary(&web).await,
        only_error("Too many attempts. Wait 1 second and try again.", "#email")
    );
    web.axe("sign-in held back").await;
    web.screenshot("sign-in-held-back").await;

    // Once the server clock is past the delay, the right password works.
    site.advance(time::Duration::seconds(2));
    enter_password(&web, email, PASSWORD).await;
    assert_eq!(web.path().await, "/sign-in/two-factor");
    assert_eq!(web.h1().await, "Enter your security code");

    web.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe() {
    let (site, case) = seeded_site().await;
    let mut web = Web::open(&site.server.base).await;

    // The checker itself: a picture without a text alternative, planted in a real page, is
    // found (so an empty report below means the pages passed, not that axe saw nothing).
    web.goto("/").await;
    web.js(
        "const i = document.createElement('img'); i.src = '/no-such.png'; \
            document.querySelector('main').appendChild(i); return true;",
    )
    .await;
    let planted = web.axe_violations("start page with a planted fault").await;
    assert!(
        planted.iter().any(|v| v.rule == "image-alt"),
        "axe missed an image without alt text: {planted:?}"
    );

    // Public pages.
    for (name, path, heading) in [
        ("start", "/", "Child safeguarding practice reviews"),
        ("accessibility", "/accessibility", "Accessibility statement"),
        ("privacy", "/privacy", "Privacy notice"),
        ("information", "/information", "Information about reviews"),
        (
            "information-what-a-review-is",
            "/information/what-a-review-is",
            "What a child safeguarding practice review is",
        ),
        (
            "information-practitioners",
            "/information/practitioners",
            "Information for practitioners",
        ),
        (
            "information-families",
            "/information/families",
            "Information for families",
        ),
        (
            "information-referrals",
            "/information/referrals",
            "How to refer a case for a review",
        ),
    ] {
        web.goto(path).await;
        assert_eq!(web.h1().await, heading, "{path}");
        web.axe(name).await;
        web.screenshot(name).await;
    }
    web.goto("/sign-in").await;
    web.click("main form[action='/sign-in'] button[type=submit]")
        .await;
    assert_eq!(
        error_summary(&web).await,
        only_error("Enter your email address and password", "#email")
    );
    web.axe("sign-in with an error").await;
    web.screenshot("sign-in-error").await;

    // The partnership team's pages.
    web.sign_in(&site, "jordan.lee@northshire.example", SECRET, "/dashboard")
        .await;
    assert_eq!(web.path().await, "/dashboard");
    for (name, path, heading) in team_pages(case, REFERENCE) {
        web.goto(&path).await;
        assert_eq!(web.path().await, path);
        assert_eq!(web.h1().await, heading, "{path}");
        web.axe(name).await;
        web.screenshot(name).await;
    }
    // A subject access search: the name is posted, so the address stays bare; the results pass
    // axe too.
    web.goto("/subject-access").await;
    web.fill("#reference", "SAR-2026-001").await;
    web.fill("#name", "Ada Example").await;
    web.click("form[action='/subject-access'] button").await;
    assert_eq!(web.path().await, "/subject-access");
    assert!(
        !web.js("return location.href")
            .await
            .to_string()
            .contains("Ada")
    );
    assert_eq!(
        web.text("#results").await,
        "1 case holds information about this person"
    );
    assert!(web.text("#found").await.contains("Child"));
    web.axe("subject-access-results").await;
    web.screenshot("subject-access-results").await;
    sign_out(&web).await;

    // A system administrator's pages.
    web.sign_in(&site, "robin.admin@northshire.example", SECRET, "/admin")
        .await;
    assert_eq!(web.path().await, "/admin");
    for (name, path, heading) in [
        ("admin-admin", "/admin", "Administration"),
        ("admin-users", "/admin/users", "Users and roles"),
        (
            "admin-approvals",
            "/admin/approvals",
            "Roles waiting for approval",
        ),
        ("admin-users-new", "/admin/users/new", "Add a user"),
    ] {
        web.goto(path).await;
        assert_eq!(web.h1().await, heading, "{path}");
        web.axe(name).await;
        web.screenshot(name).await;
    }
    // The new-user form sent empty comes back with its errors.
    web.click("main form[action='/admin/users/new'] button[type=submit]")
        .await;
    assert!(
        web.title().await.starts_with("Error: "),
        "{}",
        web.title().await
    );
    let errors = error_summary(&web).await;
    let targets: Vec<&str> = errors.iter().map(|(_, href)| href.as_str()).collect();
    for field in ["#name", "#email"] {
        assert!(targets.contains(&field), "{field} in {errors:?}");
    }
    web.axe("add a user with errors").await;
    web.screenshot("admin-users-new-error").await;

    web.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_works_without_javascript() {
    let (site, case) = seeded_site().await;
    let web = Web::open_with(&site.server.base, &["--blink-settings=scriptEnabled=false"]).await;

    web.goto("/sign-in").await;
    // The page's own scripts did not run: GOV.UK Frontend never marked the body.
    let body_class = web.attr("body", "class").await;
    assert!(
        !body_class.contains("govuk-frontend-supported"),
        "JavaScript should be off: {body_class}"
    );

    // A wrong code and then the right one, by plain form posts.
    enter_password(&web, "jordan.lee@northshire.example", PASSWORD).await;
    assert_eq!(web.path().await, "/sign-in/two-factor");
    enter_code(&web, &site.wrong_code(SECRET)).await;
    assert_eq!(
        error_summary(&web).await,
        only_error("Enter the code shown in your authenticator app", "#code")
    );
    enter_code(&web, &site.code(SECRET)).await;
    assert_eq!(web.path().await, "/dashboard");
    assert_eq!(web.h1().await, "Dashboard");
    web.screenshot("dashboard-no-js").await;

    for (_, path, heading) in team_pages(case, REFERENCE) {
        web.goto(&path).await;
        assert_eq!(web.path().await, path);
        assert_eq!(web.h1().await, heading, "{path} without JavaScript");
    }
    // A form of the case, answered and sent by a plain post: the case page says it is done.
    let id = case.as_uuid();
    web.goto(&format!("/cases/{id}")).await;
    web.click(&format!(
        "#case-actions a[href='/cases/{id}/actions/hold-rapid-review-meeting']"
    ))
    .await;
    web.fill("[name='notes']", "Facts gathered without JavaScript.")
        .await;
    web.fill("#held_on-day", "1").await;
    web.fill("#held_on-month", "9").await;
    web.fill("#held_on-year", "2025").await;
    web.click("main form[method=post] button.govuk-button")
        .await;
    assert!(web.path().await.starts_with(&format!("/cases/{id}?")));
    assert_contains(
        &web.text(".govuk-notification-banner--success").await,
        "Rapid review meeting recorded",
    );
    // A question that belongs to one answer shows without JavaScript.
    web.goto(&format!("/cases/{id}/actions/decide-on-local-review"))
        .await;
    let shown = web
        .find("#outcome-form")
        .await
        .is_displayed()
        .await
        .unwrap_or(false);
    assert!(shown, "the revealed question is visible without JavaScript");
    // The meetings and their agendas are plain pages.
    web.goto("/meetings").await;
    assert_eq!(web.h1().await, "Review subgroup meetings");
    web.click("#upcoming a").await;
    assert!(web.h1().await.starts_with("Meeting on"));

    // Navigation is by links; signing out is a form post.
    web.goto("/dashboard").await;
    web.click(".govuk-service-navigation a[href='/cases']")
        .await;
    assert_eq!(web.h1().await, "Cases");
    sign_out(&web).await;
    web.goto("/cases").await;
    assert_eq!(web.path().await, "/sign-in");

    web.close().await;
}

/// The demo data as a partnership sees it: a case at every stage, overdue ones first, dated so
/// their deadlines are live on the server's day. Its screenshot is the one in the README.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_lists_the_demo_cases_overdue_first() {
    let site = Site::start().await;
    let app = site.app.state.app();
    let made = cspr_app::demo::seed(&app, site.app.now().date())
        .await
        .unwrap_or_else(|e| panic!("demo cases: {e}"));
    site.person(
        Role::PartnershipTeam,
        "jordan.lee@northshire.example",
        "Jordan Lee",
    )
    .create()
    .await;
    let mut web = Web::open(&site.server.base).await;
    web.sign_in(&site, "jordan.lee@northshire.example", SECRET, "/dashboard")
        .await;
    assert_eq!(web.h1().await, "Dashboard");
    let rows = web.find_all("#cases tbody tr").await;
    let open = made
        .iter()
        .filter(|c| c.stage != cspr_domain::case::Stage::Closed)
        .count();
    assert_eq!(rows.len(), open, "every open demo case is listed");
    let table = web.text("#cases").await;
    for c in made
        .iter()
        .filter(|c| c.stage != cspr_domain::case::Stage::Closed)
    {
        assert!(table.contains(&c.reference), "{} missing", c.reference);
    }
    // Overdue cases come first: no overdue tag after the first row without one.
    let mut seen_not_overdue = false;
    for row in &rows {
        let overdue = row.text().await.unwrap_or_default().contains("Overdue");
        assert!(
            !(overdue && seen_not_overdue),
            "an overdue case sorted below one that is not"
        );
        seen_not_overdue |= !overdue;
    }
    web.axe("demo dashboard").await;
    web.screenshot("demo-dashboard").await;
    web.finish().await;
}
