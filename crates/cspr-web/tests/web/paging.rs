//! Issue 20, paging: the dashboard and the case list show 25 cases (and 25 tasks) a page with
//! GOV.UK pagination, whatever the number of cases, so the dashboard of 1,000 open cases stays
//! under 60 KiB; only the cases on the page are written to the access log as looked at.

use crate::common::*;
use axum::http::StatusCode;
use cspr_domain::examples::PARTNERSHIP;
use cspr_store::{CaseSummary, ProjectionUpdate};
use cspr_web::access::Role;
use time::macros::date;
use uuid::Uuid;

/// 1,000 open cases in the read model, each with a deadline, as many cases would leave it.
async fn thousand_cases(t: &TestApp) {
    for n in 0..1000u32 {
        let due = date!(2025 - 01 - 06) + time::Duration::days(i64::from(n % 300));
        t.store
            .replace_projection(ProjectionUpdate {
                summary: CaseSummary {
                    case_id: Uuid::from_u128(0xCA5E_0000 + u128::from(n)),
                    partnership_id: PARTNERSHIP.as_uuid(),
                    reference: format!("CSPR-2025-{n:04}"),
                    stage: "rapid-review".to_owned(),
                    stage_label: "Rapid review".to_owned(),
                    next_deadline: Some(due),
                    next_deadline_label: Some("Hold the rapid review meeting".to_owned()),
                    opened_on: date!(2025 - 01 - 02),
                    updated_at: t.now(),
                    closed: false,
                    closed_on: None,
                    legal_hold: false,
                    agencies: Vec::new(),
                    themes: Vec::new(),
                },
                deadlines: Vec::new(),
                // The first 120 cases have an action each.
                actions: if n < 120 {
                    vec![cspr_store::ActionRow {
                        case_id: Uuid::from_u128(0xCA5E_0000 + u128::from(n)),
                        action_id: Uuid::from_u128(0xAC70_0000 + u128::from(n)),
                        recommendation: String::new(),
                        agency: Uuid::from_u128(0xA1).to_string(),
                        description: format!("Action {n:03}"),
                        due: Some(due),
                        status: "not-started".to_owned(),
                        owner: String::new(),
                        themes: Vec::new(),
                        last_progress: None,
                        completed_on: None,
                        impact_evidenced_on: None,
                    }]
                } else {
                    Vec::new()
                },
                members: Vec::new(),
            })
            .await
            .expect("projection");
    }
}

#[tokio::test]
async fn the_dashboard_of_a_thousand_cases_is_paged_and_small() {
    let t = TestApp::spawn().await;
    thousand_cases(&t).await;
    let (_, cookie) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let r = t.get("/dashboard", Some(&cookie)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = body(r).await;
    eprintln!("the dashboard of 1,000 open cases: {} bytes", html.len());
    assert!(
        html.len() < 60 * 1024,
        "the dashboard is {} bytes",
        html.len()
    );
    assert_contains(&html, "1000 tasks: 1 to 25 shown");
    assert_contains(&html, ": 1 to 25 of 1000");
    assert_contains(&html, "aria-label=\"Pages of cases\"");
    assert_contains(&html, "href=\"/dashboard?page=40\"");
    // Only the cases on the page are written to the access log as looked at.
    let entry = t
        .log()
        .await
        .into_iter()
        .rev()
        .find(|e| e.action == "view-dashboard")
        .expect("logged");
    assert!(
        entry.detail.starts_with("25 cases listed"),
        "{}",
        entry.detail
    );

    // The last page; a page past the end is the last one.
    let last = t.page("/cases?page=40", Some(&cookie)).await;
    assert_contains(&last, ": 976 to 1000 of 1000");
    let past = t.page("/cases?page=999", Some(&cookie)).await;
    assert_contains(&past, ": 976 to 1000 of 1000");
    // Filters stay in the page links.
    let filtered = t
        .page("/cases?stage=rapid-review&page=2", Some(&cookie))
        .await;
    assert_contains(&filtered, "href=\"/cases?stage=rapid-review&#38;page=3\"");
    // Not a number: refused as unreadable, nothing else.
    assert_eq!(
        t.get("/cases?page=two", Some(&cookie)).await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn the_action_tracker_shows_fifty_actions_a_page() {
    let t = TestApp::spawn().await;
    thousand_cases(&t).await;
    let (_, cookie) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let html = t.page("/actions", Some(&cookie)).await;
    assert_contains(&html, "120 actions, soonest due first: 1 to 50 shown");
    assert_contains(&html, "aria-label=\"Pages of actions\"");
    let last = t.page("/actions?page=3", Some(&cookie)).await;
    assert_contains(&last, "101 to 120 shown");
    let entry = t
        .log()
        .await
        .into_iter()
        .rev()
        .find(|e| e.action == "view-action-tracker")
        .expect("logged");
    assert!(
        entry.detail.starts_with("20 cases listed"),
        "{}",
        entry.detail
    );
}

/// How many timeline entries a case page shows.
fn timeline_items(html: &str) -> usize {
    html.matches("class=\"moj-timeline__item\"").count()
}

#[tokio::test]
async fn the_case_timeline_shows_the_latest_entries_and_pages_of_earlier_ones() {
    let t = TestApp::spawn().await;
    let case = t.example("CSPR-2025-900").steps(usize::MAX).await;
    let total = usize::try_from(t.store.stream_version(case.as_uuid()).await.unwrap()).unwrap();
    assert!(total > 50, "the worked example has {total} events");
    let (_, cookie) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let href = format!("/cases/{}", case.as_uuid());

    let first = t.page(&href, Some(&cookie)).await;
    assert_eq!(timeline_items(&first), 25);
    assert_contains(
        &first,
        &format!("Entries 1 to 25 of {total}, newest first."),
    );
    assert_contains(&first, "aria-label=\"Pages of the timeline\"");
    assert_contains(&first, &format!("href=\"{href}?events=2#timeline\""));
    // The oldest entry, the incident's record, is not on the first page.
    let oldest = "became aware of a serious incident";
    assert!(!first.contains(oldest), "the oldest entry on page 1");

    let last_page = total.div_ceil(25);
    let last = t
        .page(&format!("{href}?events={last_page}"), Some(&cookie))
        .await;
    assert_eq!(timeline_items(&last), total - (last_page - 1) * 25);
    assert_contains(&last, oldest);
    assert_contains(
        &last,
        &format!("Entries {} to {total} of {total}", (last_page - 1) * 25 + 1),
    );
    // A page past the end shows the last one; not a number is refused.
    let past = t.page(&format!("{href}?events=999"), Some(&cookie)).await;
    assert_eq!(timeline_items(&past), timeline_items(&last));
    assert_eq!(
        t.get(&format!("{href}?events=many"), Some(&cookie))
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    // Each page is a read of the case, written to the access log.
    let views = t
        .case_log(case)
        .await
        .into_iter()
        .filter(|e| e.action == "view-case")
        .count();
    assert_eq!(views, 3);
}
