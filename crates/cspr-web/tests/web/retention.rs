//! Retention over HTTP: the legal hold's forms on the case page (team only, a reason needed,
//! on the timeline), the retention schedule on the settings page (bad input changes nothing),
//! and an erased case's page, which says so instead of failing.

use crate::common::{TestApp, assert_contains, body, signed_in};
use axum::http::StatusCode;
use cspr_web::access::Role;

fn form(answers: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(answers).expect("encode")
}

#[tokio::test]
async fn the_team_places_and_lifts_a_legal_hold_with_a_reason() {
    let (t, case) = TestApp::with_case("CSPR-2025-201").await;
    let (_, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let page = t.page(&format!("/cases/{case}"), Some(&team)).await;
    assert_contains(&page, &format!("/cases/{case}/actions/place-legal-hold"));
    assert!(
        !page.contains("/actions/lift-legal-hold\""),
        "no hold to lift yet"
    );

    let place = format!("/cases/{case}/actions/place-legal-hold");
    // No reason: the error summary names the question and nothing is recorded.
    let r = t.post(&place, Some(&team), "").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&body(r).await, "Enter why the case must be kept");
    let r = t
        .post(
            &place,
            Some(&team),
            &form(&[("reason", "An inquest is open.")]),
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let page = t.page(&format!("/cases/{case}"), Some(&team)).await;
    assert_contains(
        &page,
        "A legal hold was placed on the case, so it is not erased: An inquest is open.",
    );
    // Twice is refused, with the domain's words.
    let r = t
        .post(&place, Some(&team), &form(&[("reason", "Again.")]))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&body(r).await, "already under a legal hold");

    let lift = format!("/cases/{case}/actions/lift-legal-hold");
    let r = t
        .post(
            &lift,
            Some(&team),
            &form(&[("reason", "The inquest has concluded.")]),
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let (held, _) = t.state.app().load(case).await.expect("case");
    assert!(held.legal_hold.is_none());

    // Not the chair's to give.
    let (_, chair) = signed_in(&t, Role::Chair, "chair@example.org").await;
    assert_eq!(t.status(&place, Some(&chair)).await, StatusCode::FORBIDDEN);
}

fn settings_form(extra: &[(&str, &str)]) -> String {
    let mut answers = vec![
        ("summary_day", "10"),
        ("contribution_days", "20"),
        ("closure_days", ""),
        ("meetings", ""),
        ("themes", "neglect"),
    ];
    answers.extend_from_slice(extra);
    form(&answers)
}

#[tokio::test]
async fn the_retention_schedule_is_shown_and_saved_and_bad_input_changes_nothing() {
    let t = TestApp::spawn().await;
    let (_, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let page = t.page("/admin/settings", Some(&team)).await;
    assert_contains(&page, "Years a case&#39;s records are kept after it closes");
    assert_contains(&page, r#"name="link_days""#);
    assert_contains(&page, r#"value="90""#);

    let bad = settings_form(&[("case_years", "0"), ("link_days", "ninety")]);
    let r = t.post("/admin/settings", Some(&team), &bad).await;
    let html = body(r).await;
    assert_contains(
        &html,
        r##"<a href="#case_years">Enter a whole number of years from 1 to 99</a>"##,
    );
    assert_contains(
        &html,
        r##"<a href="#link_days">Enter a whole number of days from 1 to 3650</a>"##,
    );
    assert_eq!(
        t.state.app().settings().retention,
        cspr_domain::retention::Retention::default(),
        "nothing changed"
    );

    let good = settings_form(&[
        ("case_years", "10"),
        ("access_log_years", "6"),
        ("withdrawn_report_years", "2"),
        ("link_days", "30"),
    ]);
    let r = t.post("/admin/settings", Some(&team), &good).await;
    assert_eq!(r.status(), StatusCode::OK);
    let saved = t.state.app().settings().retention;
    assert_eq!(
        (
            saved.case_years_after_closure,
            saved.access_log_years,
            saved.withdrawn_report_years,
            saved.practitioner_link_days
        ),
        (10, 6, 2, 30)
    );
    let stored = t.stored_settings().await;
    assert_eq!(
        stored["settings"]["retention"]["case_years_after_closure"],
        10
    );
}

#[tokio::test]
async fn an_erased_case_says_its_personal_data_has_been_erased() {
    let (t, case) = TestApp::with_case("CSPR-2025-202").await;
    let (_, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    t.state.app().shred_case(case).await.expect("shredded");
    let r = t.get(&format!("/cases/{case}"), Some(&team)).await;
    assert_eq!(r.status(), StatusCode::GONE);
    let html = body(r).await;
    assert_contains(&html, "This case&#39;s personal data has been erased");
    assert!(
        !html.contains("CSPR-2025-202"),
        "nothing of the case is shown"
    );
}
