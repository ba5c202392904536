//! Issue 15, the paths a business manager hits, over HTTP: the National Panel's other answers
//! (more information and a resubmission, a national review), a reason for a missed deadline
//! (warned on the case page until it is recorded, then in the yearly figures), an action
//! completed before its impact is evidenced, reopening a closed case, an extension for a change
//! of reviewer and a cross-border arrangement. The rules are the domain's (tests/domain/paths.rs);
//! these show each reaches its form, its page and its figure.

use crate::common::*;
use axum::http::StatusCode;
use cspr_domain::case::{Case, Command};
use cspr_domain::ids::CaseId;
use cspr_web::access::Role;
use time::macros::date;

async fn post(t: &TestApp, cookie: &str, case: CaseId, action: &str, form: &[(&str, &str)]) {
    let body_text = serde_urlencoded::to_string(form).expect("form");
    let r = t
        .post(
            &format!("/cases/{case}/actions/{action}"),
            Some(cookie),
            &body_text,
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{action}: {}",
        error_summary(&body(r).await)
    );
}

async fn case_page(t: &TestApp, cookie: &str, case: CaseId) -> String {
    let r = t.get(&format!("/cases/{case}"), Some(cookie)).await;
    assert_eq!(r.status(), StatusCode::OK);
    body(r).await
}

async fn load(t: &TestApp, case: CaseId) -> Case {
    t.state.app().load(case).await.expect("case").0
}

/// The Panel asks for more information: the rapid review is offered again and sent again
/// (the first sending still counts for timeliness); the Panel then takes the case as a national
/// review, and the local review's six-month aim leaves the deadlines.
#[tokio::test]
async fn the_panel_asks_for_more_then_takes_a_national_review() {
    let t = TestApp::with_demo_people().await;
    let (case, _) = t
        .example("CSPR-2025-901")
        .before(|c| matches!(c, Command::RecordPanelResponse { .. }))
        .await;
    t.set_day(date!(2025 - 04 - 10));
    let (_, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let page = case_page(&t, &team, case).await;
    assert!(
        !page.contains("/actions/submit-rapid-review"),
        "sent once already"
    );
    post(
        &t,
        &team,
        case,
        "record-panel-response",
        &[
            ("answer", "more-information"),
            ("comments", "Say more about the health visiting records."),
            ("received_on-day", "10"),
            ("received_on-month", "4"),
            ("received_on-year", "2025"),
        ],
    )
    .await;
    let page = case_page(&t, &team, case).await;
    assert_contains(&page, "Asked for more information");
    assert_contains(&page, "/actions/submit-rapid-review");
    post(
        &t,
        &team,
        case,
        "submit-rapid-review",
        &[
            ("submitted_on-day", "10"),
            ("submitted_on-month", "4"),
            ("submitted_on-year", "2025"),
        ],
    )
    .await;
    let sent = load(&t, case).await;
    assert_eq!(sent.rapid_review_submitted_on, Some(date!(2025 - 03 - 24)));
    assert_eq!(sent.rapid_review_resubmitted, vec![date!(2025 - 04 - 10)]);
    let page = case_page(&t, &team, case).await;
    assert_contains(&page, "Rapid review sent again");
    assert!(
        page.contains("/actions/record-panel-response"),
        "the answer is awaited again"
    );
    post(
        &t,
        &team,
        case,
        "record-panel-response",
        &[
            ("answer", "national-review"),
            ("received_on-day", "10"),
            ("received_on-month", "4"),
            ("received_on-year", "2025"),
        ],
    )
    .await;
    let page = case_page(&t, &team, case).await;
    assert_contains(&page, "Took the case as a national review");
    let case = load(&t, case).await;
    assert_eq!(case.national_review_on(), Some(date!(2025 - 04 - 10)));
    let ds = cspr_domain::deadlines::deadlines(
        &case,
        t.state.app().calendar(),
        t.state.app().settings(),
        date!(2025 - 04 - 10),
    );
    assert!(ds.iter().all(|d| d.key != "local-review"), "{ds:?}");
}

/// A rapid review sent after its 15 working days warns on the case page until the team says
/// why; the reason then shows on the case and in the yearly figures.
#[tokio::test]
async fn a_late_rapid_review_warns_until_its_reason_is_recorded_and_the_figures_show_it() {
    let t = TestApp::with_demo_people().await;
    // Notified on 28 February rather than 4 March: the rapid review was due on 21 March and
    // went on 24 March.
    let (case, _) = t
        .example("CSPR-2025-902")
        .edit(|c| {
            if let Command::NotifyNationalPanel { notified_on, .. } = c {
                *notified_on = date!(2025 - 02 - 28);
            }
        })
        .before(|c| matches!(c, Command::RecordPanelResponse { .. }))
        .await;
    t.set_day(date!(2025 - 04 - 10));
    let (_, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let page = case_page(&t, &team, case).await;
    assert_contains(
        &page,
        "The rapid review was due on 21 March 2025 and was late",
    );
    post(
        &t,
        &team,
        case,
        "explain-lateness",
        &[
            ("deadline", "rapid-review"),
            (
                "reason",
                "The meeting moved for the police lead to attend court.",
            ),
        ],
    )
    .await;
    let page = case_page(&t, &team, case).await;
    assert!(!page.contains("and was late"), "the warning is gone");
    assert_contains(&page, "Why the rapid review was late");
    let figures = body(
        t.get("/figures?from=2025-01-01&to=2025-12-31", Some(&team))
            .await,
    )
    .await;
    assert_contains(&figures, "Missed deadlines and why");
    assert_contains(
        &figures,
        "CSPR-2025-902: The meeting moved for the police lead to attend court.",
    );
}

/// An action is completed before its impact can be shown; the impact is recorded later.
#[tokio::test]
async fn an_action_is_completed_before_its_impact_is_evidenced() {
    let t = TestApp::with_demo_people().await;
    let case = t
        .example("CSPR-2025-903")
        .through(|c| matches!(c, Command::RecordActionProgress { .. }))
        .await;
    t.set_day(date!(2025 - 09 - 15));
    let (_, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let action = cspr_domain::examples::ACTION1.to_string();
    post(
        &t,
        &team,
        case,
        "complete-action",
        &[
            ("action_id", action.as_str()),
            ("completed_on-day", "15"),
            ("completed_on-month", "9"),
            ("completed_on-year", "2025"),
        ],
    )
    .await;
    let page = case_page(&t, &team, case).await;
    assert_contains(&page, "Not evidenced yet");
    post(
        &t,
        &team,
        case,
        "evidence-impact",
        &[
            ("action_id", action.as_str()),
            ("on-day", "15"),
            ("on-month", "9"),
            ("on-year", "2025"),
            (
                "evidence",
                "Audit shows new adults recorded in 95% of cases.",
            ),
        ],
    )
    .await;
    let page = case_page(&t, &team, case).await;
    assert_contains(&page, "Evidenced 15 September 2025: Audit shows");
}

/// A closed case reopens with its reason (a trial's outcome), shown on the case.
#[tokio::test]
async fn a_closed_case_is_reopened_with_a_reason() {
    let t = TestApp::with_demo_people().await;
    let case = t
        .example("CSPR-2025-904")
        .through(|c| matches!(c, Command::CloseCase { .. }))
        .await;
    t.set_day(date!(2025 - 11 - 03));
    let (_, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    post(
        &t,
        &team,
        case,
        "reopen-case",
        &[
            ("reopened_on-day", "3"),
            ("reopened_on-month", "11"),
            ("reopened_on-year", "2025"),
            ("reason", "The criminal trial found new facts."),
        ],
    )
    .await;
    assert_ne!(load(&t, case).await.stage, cspr_domain::case::Stage::Closed);
    let page = case_page(&t, &team, case).await;
    assert_contains(
        &page,
        "3 November 2025: The criminal trial found new facts.",
    );
}

/// A change of reviewer extends the local review; a child from another area is recorded with
/// the partnership that leads. Both show on the case.
#[tokio::test]
async fn an_extension_and_a_cross_border_arrangement_are_recorded() {
    let t = TestApp::with_demo_people().await;
    let (case, _) = t
        .example("CSPR-2025-905")
        .before(|c| matches!(c, Command::SubmitReportDraft { .. }))
        .await;
    t.set_day(date!(2025 - 06 - 30));
    let (_, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    post(
        &t,
        &team,
        case,
        "extend-local-review",
        &[
            ("reason", "change-of-reviewer"),
            ("explanation", "The first reviewer fell ill."),
            ("new_due_on-day", "30"),
            ("new_due_on-month", "1"),
            ("new_due_on-year", "2026"),
            ("decided_on-day", "30"),
            ("decided_on-month", "6"),
            ("decided_on-year", "2025"),
        ],
    )
    .await;
    post(
        &t,
        &team,
        case,
        "record-cross-border",
        &[
            ("arrangement.kind", "child-from-another-area"),
            ("arrangement.other_partnership", "Southshire"),
            ("arrangement.lead", "us"),
        ],
    )
    .await;
    let page = case_page(&t, &team, case).await;
    assert_contains(
        &page,
        "To 30 January 2026, decided 30 June 2025, because of a change of reviewer: The first reviewer fell ill.",
    );
    assert_contains(&page, "The child is from Southshire");
}
