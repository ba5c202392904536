//! The yearly figures page and its CSV, on the twelve demo cases (`cspr_app::demo::seed`, one
//! case at each stage, seeded on 1 September 2025). Over 2000 to 2099 every dated step of every
//! case is in the period; the figures are worked out by hand in crates/cspr/tests/stats.rs:
//! 9 notifications, 5 rapid reviews sent (all on time), 6 decisions (5 local review, 1 other
//! learning), 4 local reviews started, 2 completed (119 days each), 1 published, 4 actions (3
//! overdue on 31 December 2099, 1 completed with evidence of impact), "information sharing"
//! from 5 rapid reviews.

use crate::common::{TestApp, assert_contains, assert_lacks, body};
use axum::http::StatusCode;
use cspr_domain::case::model::CaseRole;
use cspr_domain::ids::CaseId;
use cspr_web::access::Role;

const WIDE: &str = "/figures?from=2000-01-01&to=2099-12-31";

struct Site {
    t: TestApp,
    cases: Vec<CaseId>,
}

async fn site() -> Site {
    let t = TestApp::spawn().await;
    let cases = cspr_app::demo::seed(&t.state.app(), crate::common::START.date())
        .await
        .expect("demo cases")
        .into_iter()
        .map(|c| c.case_id)
        .collect();
    Site { t, cases }
}

impl Site {
    async fn signed_in(&self, role: Role, email: &str) -> (uuid::Uuid, String) {
        self.t.user(role).email(email).signed_in().await
    }

    /// A GET's body, whatever its status.
    async fn html(&self, path: &str, cookie: &str) -> String {
        body(self.t.get(path, Some(cookie)).await).await
    }

    async fn log_len(&self) -> usize {
        self.t.log().await.len()
    }
}

/// The page's words without tags, whitespace collapsed.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn the_page_shows_the_figures_tables_and_charts_and_audits_each_case() {
    let s = site().await;
    let (team, cookie) = s.signed_in(Role::PartnershipTeam, "t@example.org").await;
    let response = s.t.get(WIDE, Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = body(response).await;
    let words = text(&html);
    for expected in [
        "Yearly figures",
        "Figures for 1 January 2000 to 31 December 2099",
        "Serious incidents notified to the National Panel 9",
        "Rapid review meetings held 5",
        "Rapid reviews sent to the National Panel 5",
        "Sent within 15 working days of the notification 5 of 5 (100.0%)",
        "Rapid reviews overdue at the end of the period 4",
        "Decisions made in the period 6",
        "Referrals closed at triage with no further action (not among the decisions) 1",
        "Local review 5 Other learning 1 No further action 0",
        "Local reviews started (commissioning completed) 4",
        "Local reviews completed (final report sent) 2",
        "Median time from decision to report sent 119 days",
        "Completed within 6 months of the decision 2 of 2 (100.0%)",
        "Reports published 1",
        "Actions in all 4 Open 3 Overdue 3",
        "Completed with evidence of impact 1",
        "Theme Number information sharing 5",
    ] {
        assert!(words.contains(expected), "missing {expected:?} in {words}");
    }
    assert_lacks(&words, "cases you are a member of");
    // Charts: SVG with a text alternative, every bar with its words and its number.
    assert_contains(
        &html,
        r#"role="img" aria-labelledby="chart-decisions-title chart-decisions-desc""#,
    );
    assert!(html.contains(
        r#"<desc id="chart-decisions-desc">Local review: 5; Other learning: 1; No further action: 0.</desc>"#
    ));
    assert!(html.contains(r#"<title id="chart-themes-title">"#));
    assert_contains(&html, ">information sharing</text>");
    assert!(html.contains(
        r#"<title id="chart-rapid-reviews-title">Rapid reviews sent within 15 working days: 5 of 5 (100.0%)</title>"#
    ));
    assert!(!html.contains("style="), "the CSP refuses inline styles");
    assert_contains(
        &html,
        r#"href="/figures.csv?from=2000-01-01&#38;to=2099-12-31""#,
    );
    // The navigation has the page, marked current.
    assert_contains(&html, r#"href="/figures""#);

    // Every case was read for the figures, and every read is in the access log.
    for case in &s.cases {
        let log = s.t.case_log(*case).await;
        let reads: Vec<_> = log
            .iter()
            .filter(|e| e.action == "view-yearly-figures")
            .collect();
        assert_eq!(reads.len(), 1, "case {case:?}: {log:?}");
        assert_eq!(reads[0].actor, team.to_string());
    }
}

/// Issue 21: timeliness year on year. With the demonstration's earlier cases (one notified in
/// each of the two reporting years before; one of the twelve was notified in March 2025, so in
/// 2024 to 2025 as well), the page compares three reporting years in a table and in charts.
#[tokio::test]
async fn the_page_compares_three_reporting_years() {
    let s = site().await;
    let history = cspr_app::demo::seed_history(&s.t.state.app(), crate::common::START.date())
        .await
        .expect("history");
    assert_eq!(history.len(), cspr_app::demo::HISTORY);
    let (_, cookie) = s.signed_in(Role::PartnershipTeam, "t@example.org").await;
    let html = s.html("/figures", &cookie).await;
    let words = text(&html);
    assert!(words.contains("Timeliness year on year"), "{words}");
    let trend = &html[html.find(r#"id="trend""#).expect("the table")..];
    let trend = &trend[..trend.find("</table>").expect("its end")];
    let years: Vec<&str> = ["2023 to 2024", "2024 to 2025", "2025 to 2026"]
        .into_iter()
        .filter(|y| trend.contains(&format!(r#"scope="row" class="govuk-table__header">{y}<"#)))
        .collect();
    assert_eq!(years.len(), 3, "{trend}");
    assert!(
        html.contains(r#"<desc id="chart-trend-notified-desc">2023 to 2024: 1; 2024 to 2025: 2; 2025 to 2026: 8."#),
        "{html}"
    );
    assert!(html.contains(r#"id="chart-trend-rapid-title""#));
}

#[tokio::test]
/// Issue 21: the page opens on the reporting year the partnership is working in (1 April 2025
/// to 31 March 2026 on 1 September 2025), not the last one, which the demo leaves empty.
async fn the_default_period_is_the_current_reporting_year() {
    let s = site().await;
    let (_, cookie) = s.signed_in(Role::Chair, "c@example.org").await;
    let response = s.t.get("/figures", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = body(response).await;
    assert!(
        text(&html).contains("Figures for 1 April 2025 to 31 March 2026"),
        "{html}"
    );
    for (name, value) in [
        ("from-day", "1"),
        ("from-month", "4"),
        ("from-year", "2025"),
        ("to-day", "31"),
        ("to-month", "3"),
        ("to-year", "2026"),
    ] {
        assert!(
            html.contains(&format!(r#"name="{name}" type="text" value="{value}""#)),
            "{name}={value}: {html}"
        );
    }
}

#[tokio::test]
async fn the_form_boxes_give_the_same_figures() {
    let s = site().await;
    let (_, cookie) = s.signed_in(Role::PartnershipTeam, "t@example.org").await;
    let html = s
        .html(
            "/figures?from-day=1&from-month=1&from-year=2000&to-day=31&to-month=12&to-year=2099",
            &cookie,
        )
        .await;
    let words = text(&html);
    assert_contains(&words, "Figures for 1 January 2000 to 31 December 2099");
    assert_contains(&words, "Serious incidents notified to the National Panel 9");
}

#[tokio::test]
async fn bad_dates_show_the_errors_keep_the_input_and_read_nothing() {
    let s = site().await;
    let (_, cookie) = s.signed_in(Role::PartnershipTeam, "t@example.org").await;
    let before = s.log_len().await;

    let response =
        s.t.get(
            "/figures?from-day=31&from-month=2&from-year=2025&to-day=&to-month=3&to-year=2026",
            Some(&cookie),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(response).await;
    assert_contains(&html, "govuk-error-summary");
    assert!(html.contains(r##"<a href="#from-day">Start date must be a real date</a>"##));
    assert!(html.contains(r##"<a href="#to-day">End date must include a day</a>"##));
    assert!(html.contains(r#"id="from-error""#));
    assert!(html.contains(r#"name="from-day" type="text" value="31""#));
    assert!(html.contains(r#"name="to-year" type="text" value="2026""#));
    assert!(!html.contains("Figures for"), "no figures with errors");

    // The end before the start.
    let response =
        s.t.get("/figures?from=2025-04-01&to=2025-03-31", Some(&cookie))
            .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(response).await;
    assert!(
        html.contains("End date must be the same as or after the start date (1 April 2025)"),
        "{html}"
    );
    assert!(html.contains(r#"name="to-day" type="text" value="31""#));

    // A year that is not four numbers, and the CSV with a bad date.
    let html = s
        .html(
            "/figures?from-day=1&from-month=4&from-year=25&to-day=31&to-month=3&to-year=2026",
            &cookie,
        )
        .await;
    assert_contains(
        &html,
        r##"<a href="#from-year">Enter the start date with a year of 4 numbers, like 2025</a>"##,
    );
    let response =
        s.t.get("/figures.csv?from=2025-13-01&to=2026-03-31", Some(&cookie))
            .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(s.log_len().await, before, "no case was read");
}

#[tokio::test]
async fn the_csv_has_a_header_and_a_row_a_figure() {
    let s = site().await;
    let (_, cookie) = s
        .signed_in(Role::SafeguardingPartner, "p@example.org")
        .await;
    // The partner is a member of no case yet: nothing counted, and the CSV says so.
    let response =
        s.t.get("/figures.csv?from=2000-01-01&to=2099-12-31", Some(&cookie))
            .await;
    assert_eq!(response.status(), StatusCode::OK);
    let csv = body(response).await;
    assert_contains(&csv, "Cases counted,0\r\nCases of the partnership,12\r\n");

    let (_, cookie) = s.signed_in(Role::PartnershipTeam, "t@example.org").await;
    let response =
        s.t.get("/figures.csv?from=2000-01-01&to=2099-12-31", Some(&cookie))
            .await;
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(
        header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(
        header("content-disposition").as_deref(),
        Some(
            r#"attachment; filename="cspr-figures-2000-01-01-2099-12-31.csv"; filename*=UTF-8''cspr-figures-2000-01-01-2099-12-31.csv"#
        )
    );
    let csv = body(response).await;
    assert!(
        csv.starts_with("Figure,Value\r\nPeriod from,2000-01-01\r\nPeriod to,2099-12-31\r\n"),
        "{csv}"
    );
    for row in [
        "Notifications to the National Panel,9",
        "Rapid reviews sent within 15 working days,5",
        "Rapid reviews sent within 15 working days (%),100.0",
        "Decisions: other learning,1",
        "Local reviews completed (report sent),2",
        "Actions overdue,3",
        "Theme: information sharing,5",
    ] {
        assert!(
            csv.contains(&format!("\r\n{row}\r\n")),
            "missing {row}: {csv}"
        );
    }
    assert_lacks(&csv, "Cases counted");
}

#[tokio::test]
async fn a_member_sees_figures_of_their_cases_and_an_agency_representative_none() {
    let s = site().await;
    let (member, cookie) = s.signed_in(Role::SubgroupMember, "m@example.org").await;
    s.t.grant(s.cases[0], member, CaseRole::SubgroupMember, None)
        .await;
    let response = s.t.get(WIDE, Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let words = text(&body(response).await);
    assert_contains(
        &words,
        "These figures count only the cases you are a member of: 1 of the partnership's 12.",
    );
    // The one case is the serious incident just notified.
    assert_contains(&words, "Serious incidents notified to the National Panel 1");

    let (_, agency) = s
        .signed_in(Role::AgencyRepresentative, "a@example.org")
        .await;
    let before = s.log_len().await;
    for path in [WIDE, "/figures.csv?from=2000-01-01&to=2099-12-31"] {
        let response = s.t.get(path, Some(&agency)).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    // The refusals are logged; no case was read.
    let log = s.t.log().await;
    assert!(
        log[before..]
            .iter()
            .all(|e| e.action == "authorisation-refused"),
        "{log:?}"
    );
}
