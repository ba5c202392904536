//! The overview report in Chromium, as the independent reviewer writes it: a section typed in
//! the editor and a paste from Word (its heading, list and table kept), a second version,
//! the two compared, a recommendation added, the report exported as a PDF in the background and
//! downloaded. Every page type is checked with axe-core (WCAG 2.2 AA); screenshots go to
//! target/screenshots/.

use crate::browser_support::{SECRET, Site, Web};
use crate::common::assert_contains;
use cspr_domain::case::Command;
use cspr_domain::case::model::CaseRole;
use cspr_web::access::Role;

const EMAIL: &str = "alex.reid@northshire.example";

/// Types into the section editor as a person would (select all, then insert), or pastes HTML.
async fn write(web: &Web, html: &str) {
    let html = serde_json::to_string(html).unwrap_or_default();
    let done = web
        .js(&format!(
            "const e = document.getElementById('text-editor'); if (!e) return false; e.focus();
             document.execCommand('selectAll'); document.execCommand('insertHTML', false, {html});
             return true;"
        ))
        .await;
    assert_eq!(done.as_bool(), Some(true), "the editor is on the page");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reviewer_writes_compares_and_exports_the_overview_report() {
    let site = Site::start().await;
    site.app.demo_people().await;
    let reviewer = site
        .person(Role::IndependentReviewer, EMAIL, "Alex Reid")
        .create()
        .await;
    // A local review gathering its evidence: no report yet.
    let (case, _) = site
        .app
        .example("CSPR-2025-001")
        .before(|c| matches!(c, Command::SubmitReportDraft { .. }))
        .await;
    site.app
        .grant(case, reviewer, CaseRole::IndependentReviewer, None)
        .await;

    let mut web = Web::open(&site.server.base).await;
    web.sign_in(&site, EMAIL, SECRET, "/dashboard").await;
    web.goto(&format!("/cases/{case}")).await;
    web.click("#documents a[href$='/documents/overview-report']")
        .await;
    assert_eq!(web.h1().await, "Overview report");
    assert_contains(&web.text("#gaps").await, "is empty");
    web.axe("overview report").await;

    // Version 1, typed; version 2, pasted from Word.
    web.click("a[href$='/sections/overview']").await;
    assert_eq!(web.h1().await, "What happened");
    web.axe("section editor").await;
    let hidden = web
        .js("return getComputedStyle(document.getElementById('text')).display;")
        .await;
    assert_eq!(
        hidden,
        serde_json::json!("none"),
        "the editor replaces the textarea"
    );
    write(&web, "<p>The health visitor saw the baby twice.</p>").await;
    web.click("main form[action$='/sections/overview'] button[type=submit]")
        .await;
    assert_contains(
        &web.text("#overview-status").await,
        "Version 1, saved by Alex Reid",
    );
    site.advance(time::Duration::minutes(3));
    web.click("a[href$='/sections/overview']").await;
    write(
        &web,
        "<h1 class=MsoHeading1>Background</h1><p class=MsoNormal>The health visitor saw the baby <b>three</b> times.</p>\
         <p class=MsoListParagraphCxSpFirst style='mso-list:l0 level1 lfo1'><span style='mso-list:Ignore'>·&nbsp;&nbsp;</span>School raised a concern</p>\
         <p class=MsoListParagraphCxSpLast style='mso-list:l0 level1 lfo1'><span style='mso-list:Ignore'>·&nbsp;&nbsp;</span>GP was not told</p>\
         <table class=MsoTableGrid><tr><td><p>Date</p></td><td><p>Agency</p></td></tr><tr><td><p>3 March 2025</p></td><td><p>School</p></td></tr></table>",
    )
    .await;
    web.screenshot("report-section-editor").await;
    web.click("main form[action$='/sections/overview'] button[type=submit]")
        .await;
    let section = web.text("#overview").await;
    assert_contains(&section, "Version 2");
    let structure = web
        .js("const s = document.querySelector('#overview .cspr-document-text'); return [s.querySelectorAll('h3').length, s.querySelectorAll('ul li').length, s.querySelectorAll('table th').length, s.querySelectorAll('strong').length];")
        .await;
    assert_eq!(
        structure,
        serde_json::json!([1, 2, 2, 1]),
        "Word's structure kept"
    );
    web.axe("overview report with a section").await;

    // The two versions compared.
    web.click("a[href$='/sections/overview/history']").await;
    web.click("main form[action$='/history'] button[type=submit]")
        .await;
    let summary = web.text("#comparison-summary").await;
    assert!(
        summary.contains("addition") && summary.contains("removal"),
        "{summary}"
    );
    let marks = web
        .js("return [document.querySelectorAll('.cspr-diff ins').length, document.querySelectorAll('.cspr-diff del').length, document.querySelector('.cspr-diff del').textContent];")
        .await;
    assert!(
        marks[0].as_u64().unwrap_or(0) > 0 && marks[1].as_u64().unwrap_or(0) > 0,
        "{marks}"
    );
    assert!(
        marks[2].as_str().unwrap_or("").contains("removed"),
        "marked in words too"
    );
    web.axe("version comparison").await;
    web.screenshot("report-compare").await;

    // A recommendation: who, what, by when.
    web.goto(&format!("/cases/{case}/documents/overview-report"))
        .await;
    web.click("a[href$='/report/recommendations']").await;
    web.axe("recommendation form").await;
    web.fill(
        "#text",
        "Share information about new adults in the household.",
    )
    .await;
    web.js("document.querySelector('input[name=agencies]').click(); return true;")
        .await;
    web.fill("#due-day", "31").await;
    web.fill("#due-month", "3").await;
    web.fill("#due-year", "2026").await;
    web.click("main form button[type=submit]:not([name])").await;
    assert_contains(&web.text("#recommendations-list").await, "31 March 2026");

    // The export, made in the background, then downloaded.
    web.js("document.querySelector('input[name=format][value=pdf]').click(); return true;")
        .await;
    web.click("#exports button[type=submit]").await;
    let mut listed = false;
    for _ in 0..100 {
        web.goto(&format!("/cases/{case}/documents/overview-report"))
            .await;
        if web
            .js("return document.querySelectorAll('#export-list a').length;")
            .await
            .as_u64()
            == Some(1)
        {
            listed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(listed, "the export appears once made");
    let fetched = web
        .client()
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(document.querySelector('#export-list a').href)
               .then(async (r) => done([r.status, r.headers.get('content-type'), (await r.text()).slice(0, 5)]))
               .catch((e) => done(String(e)));",
            Vec::new(),
        )
        .await
        .unwrap_or_else(|e| panic!("download: {e}"));
    assert_eq!(
        fetched,
        serde_json::json!([200, "application/pdf", "%PDF-"])
    );
    web.axe("overview report with an export").await;
    web.screenshot("report-exports").await;
    web.finish().await;
    let log = site
        .app
        .store
        .access_log_for_case(case.as_uuid())
        .await
        .unwrap_or_else(|e| panic!("log: {e}"));
    assert!(log.iter().any(|e| e.action == "download-document-export"));
}
