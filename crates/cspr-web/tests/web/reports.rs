//! Documents on the web: the overview report written section by section (each save a version,
//! shown with its author), two versions compared with words marked added and removed (not by
//! colour alone), comments threaded and resolved, structured recommendations, the completeness
//! check on the page, the family's comments, exports made in the background and downloaded
//! with an entry in the access log; and who may do what.

use crate::common::*;
use axum::http::StatusCode;
use cspr_domain::case::Command;
use cspr_domain::case::model::CaseRole;
use cspr_domain::examples::{HEALTH, POLICE};
use cspr_domain::ids::CaseId;
use cspr_web::access::Role;

/// An application with the police and health agencies and the example case `reference` run up
/// to (not including) the first command `stop` picks.
async fn app_before(reference: &str, stop: impl Fn(&Command) -> bool) -> (TestApp, CaseId) {
    let t = TestApp::spawn().await;
    t.agencies(&[POLICE, HEALTH]).await;
    let (case, _) = t.example(reference).before(stop).await;
    (t, case)
}

#[tokio::test]
async fn the_overview_report_is_written_compared_checked_commented_and_exported() {
    let (t, case) = app_before("CSPR-2025-201", |c| {
        matches!(c, Command::SubmitReportDraft { .. })
    })
    .await;
    let (reviewer, rc) = client(&t, Role::IndependentReviewer, "reviewer@example.org").await;
    t.grant(case, reviewer, CaseRole::IndependentReviewer, None)
        .await;

    let doc = format!("/cases/{case}/documents/overview-report");

    // The case page links the document; the page shows the six sections with guidance and
    // the completeness check.
    let page = rc.page(&format!("/cases/{case}")).await;
    assert!(page.contains(&doc), "documents linked from the case page");
    let page = rc.page(&doc).await;
    for h in cspr_domain::report::Section::ALL {
        assert!(
            page.contains(&cspr_export::escape_html(h.heading())),
            "{h:?}"
        );
    }
    assert!(page.contains("What this section should say"));
    assert!(
        page.contains("the report has no recommendations"),
        "gaps shown"
    );

    // Two saves of one section: two versions, each with its author.
    let section = format!("{doc}/sections/overview");
    let r = rc
        .post(
            &section,
            &format!("text={}", enc("The visit was late.\n\n- first\n- second")),
        )
        .await;
    assert!(is_redirect(r.status()), "{}", r.status());
    t.advance(time::Duration::minutes(5));
    let r = rc
        .post(
            &section,
            &format!(
                "text={}",
                enc("<p>The <em>home</em> visit was not late.</p><script>x()</script>")
            ),
        )
        .await;
    assert!(is_redirect(r.status()));
    let page = rc.page(&doc).await;
    assert!(
        page.contains("Version 2, saved by Test Independent reviewer"),
        "author shown"
    );
    assert!(page.contains("<p>The <em>home</em> visit was not late.</p>"));
    assert!(!page.contains("x()"), "script removed on save");

    // History and comparison: words added and removed are marked in text, not colour alone.
    let history = rc.page(&format!("{section}/history?from=1&to=2")).await;
    assert!(history.contains("Test Independent reviewer"));
    assert_contains(
        &history,
        "<ins class=\"cspr-ins\"><span class=\"govuk-visually-hidden\">[added: </span>home",
    );
    assert!(history.contains("[removed: </span>"), "removals marked");
    assert!(
        history.contains("struck through"),
        "the legend explains the marks"
    );
    let bad = rc.get(&format!("{section}/history?from=x&to=2")).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // An empty save is refused with the error summary and changes nothing.
    let r = rc.post(&section, "text=").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let b = body(r).await;
    assert!(b.contains("govuk-error-summary") && b.contains("Enter the text of the section"));
    let (state, _) = t.state.app().load(case).await.expect("load");
    assert_eq!(
        state
            .documents
            .history(
                cspr_domain::documents::DocumentKind::OverviewReport,
                "overview"
            )
            .count(),
        2
    );

    // A recommendation without a date is kept but keeps the report from sign-off.
    let r = rc
        .post(
            &format!("/cases/{case}/report/recommendations"),
            &format!(
                "text={}&agencies={}",
                enc("Share information about new adults."),
                POLICE.as_uuid()
            ),
        )
        .await;
    assert!(is_redirect(r.status()), "{}", r.status());
    let page = rc.page(&doc).await;
    assert!(page.contains("Northshire Police"));
    assert!(
        page.contains("recommendation 1 does not say by when"),
        "gap on the page"
    );
    let r = rc
        .post(
            &format!("/cases/{case}/report/recommendations"),
            "text=x&due-day=31&due-month=2&due-year=2026",
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not a real date"
    );

    // An agency's comment, a reply, then the reviewer resolves it.
    let (rep, hc) = client(&t, Role::AgencyRepresentative, "health@example.org").await;
    t.grant(case, rep, CaseRole::AgencyRepresentative, Some(HEALTH))
        .await;

    let r = hc
        .post(
            &format!("{section}/comments"),
            "comment=The+visit+was+on+the+4th.",
        )
        .await;
    assert!(is_redirect(r.status()));
    // The representative may not edit the report.
    let r = hc.post(&section, "text=mine").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let page = rc.page(&doc).await;
    assert!(page.contains("1 open comment"));
    assert!(page.contains("factual-accuracy comment is not resolved yet"));
    let (state, _) = t.state.app().load(case).await.expect("load");
    let comment = state.documents.comments[0].clone();
    assert_eq!(
        comment.agency,
        Some(HEALTH),
        "the comment speaks for the agency"
    );
    let r = rc
        .post(
            &format!("{section}/comments"),
            &format!("comment=Thank+you&reply_to={}", comment.id),
        )
        .await;
    assert!(is_redirect(r.status()));
    let r = hc
        .post(
            &format!("{section}/comments/{}/resolve", comment.id),
            "note=",
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "only the reviewer resolves"
    );
    let r = rc
        .post(
            &format!("{section}/comments/{}/resolve", comment.id),
            "note=Date+corrected",
        )
        .await;
    assert!(is_redirect(r.status()));
    let s = rc.page(&section).await;
    assert!(s.contains("Thank you") && s.contains("Resolved by Test Independent reviewer"));

    // Exports: made in the background, listed, downloaded with an access-log entry; an
    // agency representative cannot export.
    let r = hc.post(&format!("{doc}/exports"), "format=pdf").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = rc.post(&format!("{doc}/exports"), "format=").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for format in ["pdf", "docx", "html"] {
        let r = rc
            .post(&format!("{doc}/exports"), &format!("format={format}"))
            .await;
        assert!(is_redirect(r.status()));
    }
    // The task made them; the outbox's jobs then find them made and finish without remaking.
    let mut made = Vec::new();
    for _ in 0..200 {
        let (state, _) = t.state.app().load(case).await.expect("load");
        made = state.documents.exports.clone();
        if made.len() == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(made.len(), 3, "three exports made in the background");
    let finished = cspr_web::exports::run_due_exports_for_tests(&t.state)
        .await
        .expect("jobs");
    assert_eq!(finished, 3);
    let (state, _) = t.state.app().load(case).await.expect("load");
    assert_eq!(state.documents.exports.len(), 3, "no export made twice");
    let page = rc.page(&doc).await;
    assert!(page.contains("Word document"));
    let pdf = made
        .iter()
        .find(|e| e.format == cspr_domain::documents::ExportFormat::Pdf)
        .expect("pdf");
    let r = rc.get(&format!("{doc}/exports/{}", pdf.export_id)).await;
    assert_contains(&pdf_disposition(&r), "overview-report-CSPR-2025-201.pdf");
    let bytes = body(r).await;
    assert!(bytes.starts_with("%PDF-"));
    let log = t.case_log(case).await;
    assert!(
        log.iter()
            .any(|e| e.action == "download-document-export" && e.actor == reviewer.to_string())
    );
    let r = hc.get(&format!("{doc}/exports/{}", pdf.export_id)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Issue 16, finding 13: exports expire. Seven days on the file is no longer offered nor
    // served, and the job runner deletes it.
    assert!(
        rc.page(&doc).await.contains(&pdf.export_id.to_string()),
        "listed while in time"
    );
    t.set_now(pdf.made_at + cspr_domain::documents::EXPORT_KEPT_FOR);
    let rc = t.client(t.session(reviewer).await);
    let page = rc.page(&doc).await;
    assert!(
        !page.contains(&pdf.export_id.to_string()),
        "no longer listed"
    );
    let r = rc.get(&format!("{doc}/exports/{}", pdf.export_id)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    cspr_app::jobs::run_jobs(t.state.services())
        .await
        .expect("jobs");
    assert!(matches!(
        t.store.get_blob(pdf.blob_id).await,
        Err(cspr_store::StoreError::NotFound)
    ));

    // The family's comments.
    let r = rc.post(&format!("/cases/{case}/report/family-comments"), "from=The+child%27s+mother&received-day=1&received-month=9&received-year=2025&section=overview&text=Please+say+he+loved+football.",
        )
        .await;
    assert!(is_redirect(r.status()), "{}", r.status());
    let r = rc
        .post(
            &format!("/cases/{case}/report/family-comments"),
            "from=&text=",
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = rc.page(&doc).await;
    assert!(page.contains("Please say he loved football."));
}

#[tokio::test]
async fn the_rapid_review_report_is_assembled_and_edited_by_the_subgroup_only() {
    let (t, case) = app_before("CSPR-2025-202", |c| {
        matches!(c, Command::SignOffRapidReview { .. })
    })
    .await;
    let (_, cc) = client(&t, Role::Chair, "chair@example.org").await;
    let page = cc
        .page(&format!("/cases/{case}/documents/rapid-review"))
        .await;
    assert!(page.contains("Assembled from the case"));
    assert!(page.contains("Northshire Police"));
    let (reviewer, rc) = client(&t, Role::IndependentReviewer, "ir@example.org").await;
    t.grant(case, reviewer, CaseRole::IndependentReviewer, None)
        .await;

    let r = rc
        .post(
            &format!("/cases/{case}/documents/rapid-review/sections/learning"),
            "text=x",
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "the reviewer does not edit the rapid review"
    );
    let r = cc
        .post(
            &format!("/cases/{case}/documents/rapid-review/sections/learning"),
            "text=Edited+learning",
        )
        .await;
    assert!(is_redirect(r.status()));
    let page = cc
        .page(&format!("/cases/{case}/documents/rapid-review"))
        .await;
    assert!(page.contains("<p>Edited learning</p>"));
    assert!(
        page.contains("Police: not signed off yet"),
        "sign-offs shown; an edit clears them"
    );
    // Documents that do not exist yet, and unknown ones, are not found.
    let r = cc
        .get(&format!("/cases/{case}/documents/overview-report"))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = cc.get(&format!("/cases/{case}/documents/minutes")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = cc
        .get(&format!(
            "/cases/{case}/documents/rapid-review/sections/nope"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
