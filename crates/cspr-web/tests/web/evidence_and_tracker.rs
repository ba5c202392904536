//! Files of evidence on actions (upload, checks, download) and the action tracker (status,
//! filters, what each agency owes, CSV), through the real router.

use std::io::Write;

use crate::common::{
    TestApp, account, assert_contains, assert_lacks, between, body, location, signed_in,
};
use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use cspr_app::Actor;
use cspr_domain::case::Command;
use cspr_domain::case::model::{CaseRole, PlannedAction};
use cspr_domain::examples::{ACTION1, HEALTH, POLICE, REC1, text};
use cspr_domain::ids::{ActionId, CaseId, UserId};
use cspr_web::access::Role;
use time::macros::date;
use uuid::Uuid;

const REFERENCE: &str = "CSPR-2025-007";

/// A small but real PDF.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
/// The start of a PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

struct World {
    t: TestApp,
    case: CaseId,
    team: String,
    health: String,
    police: String,
    reviewer: String,
}

/// A case run through the worked example up to and including its first agreed action (ACTION1,
/// Northshire Community Health, due 30 September 2025), with people around it.
async fn world() -> World {
    let t = TestApp::with_demo_people().await;
    let case = t
        .example(REFERENCE)
        .through(|c| matches!(c, Command::AgreeAction { .. }))
        .await;
    let (_, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let (health_id, health) = signed_in(&t, Role::AgencyRepresentative, "health@example.org").await;
    let (police_id, police) = t
        .user(Role::AgencyRepresentative)
        .agency(POLICE)
        .email("police@example.org")
        .name("Test police representative")
        .signed_in()
        .await;
    let (reviewer_id, reviewer) =
        signed_in(&t, Role::IndependentReviewer, "reviewer@example.org").await;
    t.grant(
        case,
        health_id,
        CaseRole::AgencyRepresentative,
        Some(HEALTH),
    )
    .await;
    t.grant(
        case,
        police_id,
        CaseRole::AgencyRepresentative,
        Some(POLICE),
    )
    .await;
    t.grant(case, reviewer_id, CaseRole::IndependentReviewer, None)
        .await;
    World {
        t,
        case,
        team,
        health,
        police,
        reviewer,
    }
}

impl World {
    fn evidence_path(&self) -> String {
        format!("/cases/{}/evidence/{}", self.case, ACTION1)
    }

    async fn upload(&self, cookie: &str, name: &str, bytes: &[u8]) -> Response<Body> {
        self.t
            .upload(&self.evidence_path(), cookie, name, bytes)
            .await
    }

    async fn attachments(&self) -> Vec<cspr_domain::case::model::Attachment> {
        let (case, _) = self.t.state.app().load(self.case).await.expect("case");
        case.actions[&ACTION1]
            .attachments
            .iter()
            .map(|(_, a)| a.clone())
            .collect()
    }

    async fn blob_count(&self) -> u64 {
        let stats = self
            .t
            .store
            .export_canonical(&mut std::io::sink())
            .await
            .expect("export");
        stats
            .tables
            .iter()
            .find(|(name, _)| name == "blobs")
            .map_or(0, |(_, n)| *n)
    }

    async fn logged(&self, action: &str) -> usize {
        self.t
            .case_log(self.case)
            .await
            .iter()
            .filter(|e| e.action == action)
            .count()
    }
}

#[tokio::test]
async fn a_pdf_is_stored_attached_and_downloaded_as_it_was() {
    let w = world().await;
    let form = w.t.get(&w.evidence_path(), Some(&w.team)).await;
    assert_eq!(form.status(), StatusCode::OK);
    let html = body(form).await;
    assert_contains(&html, "Add evidence to an action");
    assert_contains(&html, r#"enctype="multipart/form-data""#);
    assert_contains(&html, "Update the safe sleep guidance");

    let response = w.upload(&w.team, "C:\\Users\\me\\plan.pdf", PDF).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response).as_deref(),
        Some(format!("/cases/{}?done=evidence", w.case).as_str())
    );
    let attached = w.attachments().await;
    assert_eq!(attached.len(), 1);
    let a = &attached[0];
    assert_eq!(a.file_name, "plan.pdf");
    assert_eq!(a.content_type, "application/pdf");
    assert_eq!(a.size, PDF.len() as u64);
    assert_eq!(w.blob_count().await, 1);

    let page =
        w.t.get(&format!("/cases/{}?done=evidence", w.case), Some(&w.team))
            .await;
    assert_contains(&body(page).await, "Evidence added to the action");

    let before = w.logged("download-evidence").await;
    let download =
        w.t.get(
            &format!("{}/{}", w.evidence_path(), a.blob_id),
            Some(&w.health),
        )
        .await;
    assert_eq!(download.status(), StatusCode::OK);
    let h = download.headers();
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let disposition = h["content-disposition"].to_str().expect("ascii");
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("plan.pdf"),
        "{disposition}"
    );
    let bytes = axum::body::to_bytes(download.into_body(), 1 << 20)
        .await
        .expect("bytes");
    assert_eq!(&bytes[..], PDF);
    assert_eq!(w.logged("download-evidence").await, before + 1);

    // The form now lists the file.
    let html = body(w.t.get(&w.evidence_path(), Some(&w.team)).await).await;
    assert_contains(&html, "plan.pdf");

    // A file id that is not this action's is not found.
    let other =
        w.t.get(
            &format!("{}/{}", w.evidence_path(), Uuid::new_v4()),
            Some(&w.team),
        )
        .await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_file_whose_content_is_not_its_type_is_refused_and_nothing_is_stored() {
    let w = world().await;
    let response = w.upload(&w.team, "plan.pdf", PNG).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(response).await;
    assert_contains(&html, "govuk-error-summary");
    assert_contains(&html, "The file is not a PDF");
    assert_contains(&html, r##"href="#file""##);
    assert_eq!(w.blob_count().await, 0);
    assert!(w.attachments().await.is_empty());

    // The wrong kind of file altogether.
    let response = w.upload(&w.team, "run.exe", b"MZ\x90\0").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&body(response).await, "must be a PDF");

    // A zip that is no Word document, then a real one.
    let response = w
        .upload(&w.team, "notes.docx", &zip_with("other.xml"))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&body(response).await, "is not a Word document");
    assert_eq!(w.blob_count().await, 0);
    let response = w
        .upload(&w.team, "notes.docx", &zip_with("word/document.xml"))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(w.blob_count().await, 1);

    // No file chosen.
    let response = w.upload(&w.team, "", b"").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&body(response).await, "Select a file");
    assert_eq!(w.blob_count().await, 1);
}

fn zip_with(entry: &str) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        z.start_file(
            entry,
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored),
        )
        .expect("entry");
        z.write_all(b"<w:document/>").expect("write");
        z.finish().expect("finish");
    }
    out.into_inner()
}

#[tokio::test]
async fn a_file_over_10_mib_is_refused() {
    let w = world().await;
    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let response = w.upload(&w.team, "big.pdf", &big).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&body(response).await, "smaller than 10 MB");
    assert_eq!(w.blob_count().await, 0);

    // Exactly 10 MiB is accepted (the route's body limit is larger than the default 2 MiB).
    big.truncate(10 * 1024 * 1024);
    let response = w.upload(&w.team, "big.pdf", &big).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(w.blob_count().await, 1);

    // A body declared larger than the route's limit is refused before it is read, and other
    // routes keep the default limit of 2 MiB.
    for (path, size) in [
        (w.evidence_path(), 10 * 1024 * 1024 + 64 * 1024 + 1),
        ("/sign-in".to_owned(), 2 * 1024 * 1024 + 1),
    ] {
        let req = Request::post(path.as_str())
            .header("content-type", "application/x-www-form-urlencoded")
            .header("content-length", size.to_string())
            .header("sec-fetch-site", "same-origin")
            .header("cookie", &w.team)
            .body(Body::from(vec![b'a'; size]))
            .expect("request");
        let response = w.t.send(req).await;
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
    }
}

#[tokio::test]
async fn only_the_team_the_subgroup_and_the_actions_own_agency_may_upload() {
    let w = world().await;
    let refused_before = w.logged("authorisation-refused").await;
    // An independent reviewer sees the case but may not add evidence.
    let form = w.t.get(&w.evidence_path(), Some(&w.reviewer)).await;
    assert_eq!(form.status(), StatusCode::FORBIDDEN);
    let response = w.upload(&w.reviewer, "plan.pdf", PDF).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // Police may not add evidence to Health's action.
    let response = w.upload(&w.police, "plan.pdf", PDF).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(w.logged("authorisation-refused").await, refused_before + 3);
    assert_eq!(w.blob_count().await, 0);
    // Health may.
    let response = w.upload(&w.health, "plan.pdf", PDF).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(w.attachments().await.len(), 1);
    // An action that does not exist is not found, for anyone.
    let missing = format!("/cases/{}/evidence/{}", w.case, Uuid::new_v4());
    for cookie in [&w.team, &w.health, &w.reviewer] {
        assert_eq!(
            w.t.status(&missing, Some(cookie)).await,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            w.t.post(&missing, Some(cookie), "").await.status(),
            StatusCode::NOT_FOUND
        );
    }
}

/// A second action, for Police, whose description a spreadsheet would read as a formula.
async fn agree_formula_action(w: &World) -> ActionId {
    let id = ActionId::random();
    let actor = Actor {
        user_id: UserId::from_uuid(Uuid::nil()),
        now: w.t.now(),
        today: w.t.now().date(),
        acting_for: None,
    };
    w.t.state
        .app()
        .execute(
            w.case,
            None,
            Command::AgreeAction {
                action: PlannedAction {
                    action_id: id,
                    recommendation: Some(REC1),
                    agency: POLICE,
                    description: text("=HYPERLINK(\"http://example.com\")"),
                    due_on: date!(2026 - 01 - 14),
                    owner: Some("-Head of public protection".into()),
                    measure_of_success: None,
                    themes: vec!["information sharing".into()],
                },
            },
            actor,
        )
        .await
        .expect("agree action");
    id
}

#[tokio::test]
async fn the_tracker_shows_each_action_with_its_status_and_filters() {
    let w = world().await;
    agree_formula_action(&w).await;
    let health = HEALTH.as_uuid();
    let police = POLICE.as_uuid();

    let html = body(w.t.get("/actions", Some(&w.team)).await).await;
    assert_contains(&html, "<h1 class=\"govuk-heading-l\">Action tracker</h1>");
    assert_contains(&html, REFERENCE);
    assert_contains(&html, &format!("href=\"/cases/{}\"", w.case));
    assert_contains(&html, "Update the safe sleep guidance");
    assert_contains(&html, "Northshire Community Health");
    assert_contains(&html, "Named nurse for safeguarding");
    assert_contains(&html, "30 September 2025");
    assert_contains(&html, "Not started");
    assert_contains(&html, "No progress recorded yet");
    assert_contains(&html, "What each agency owes");
    assert!(
        html.contains("Actions</a>") || html.contains(">Actions<"),
        "{html}"
    );

    let shows = |html: &str| html.contains("Update the safe sleep guidance");
    let page = |q: String| {
        let t = &w.t;
        let cookie = w.team.clone();
        async move { body(t.get(&format!("/actions?{q}"), Some(&cookie)).await).await }
    };
    assert!(shows(&page(format!("agency={health}")).await));
    assert!(!shows(&page(format!("agency={police}")).await));
    assert!(shows(&page("theme=safe+sleep".into()).await));
    assert!(!shows(&page("theme=information+sharing".into()).await));
    assert!(shows(&page("status=not-started".into()).await));
    assert!(!shows(&page("status=overdue".into()).await));
    assert!(shows(&page("due=next-30-days".into()).await));
    assert!(!shows(&page("due=overdue".into()).await));
    assert!(shows(
        &page("from-day=1&from-month=9&from-year=2025&to-day=30&to-month=9&to-year=2025".into())
            .await
    ));
    assert!(!shows(
        &page("from-day=1&from-month=10&from-year=2025".into()).await
    ));
    let bad = page("from-day=31&from-month=2&from-year=2026".into()).await;
    assert_contains(&bad, "govuk-error-summary");
    assert_contains(&bad, "Due from must be a real date");

    // Two days after the due date, the action is overdue, and Health owes it (signed in
    // afresh: the first session has long timed out).
    w.t.advance(time::Duration::days(32));
    let later = account(&w.t, Role::PartnershipTeam, "later@example.org").await;
    let later = w.t.session(later).await;
    let page = |q: String| {
        let t = &w.t;
        let cookie = later.clone();
        async move { body(t.get(&format!("/actions?{q}"), Some(&cookie)).await).await }
    };
    let html = page(format!("agency={health}")).await;
    assert_contains(&html, "Overdue");
    assert_contains(&html, "Overdue by");
    assert!(shows(&page("due=overdue".into()).await));
    let owed = between(&html, "id=\"owed\"", "</table>");
    assert_contains(owed, "Northshire Community Health");
    let numbers: Vec<&str> = owed
        .split("govuk-table__cell--numeric\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap_or_default())
        .collect();
    assert_eq!(numbers, ["1", "1", "0"], "open, overdue, at risk: {owed}");

    // The statuses are kept between views (issue 20) only while the read models, the day and
    // the calendar stand: with every day since the due date closed, none of it counts.
    assert_lacks(&html, "Overdue: was due");
    let mut closed = Vec::new();
    let mut day = date!(2025 - 10 - 01);
    while day <= w.t.now().date() {
        closed.push(day);
        day = day.next_day().expect("a day");
    }
    let settings = w.t.state.app().settings().clone();
    w.t.state.replace_app(cspr_app::App::new(
        w.t.store.clone(),
        cspr_domain::calendar::Calendar::england_and_wales().with_closure_days(closed),
        settings,
    ));
    assert_contains(&page(format!("agency={health}")).await, "Overdue: was due");
}

#[tokio::test]
async fn people_see_only_the_actions_of_cases_they_may_see() {
    let w = world().await;
    // A Health representative who is not a member of the case sees nothing of it.
    let outsider = account(&w.t, Role::AgencyRepresentative, "other@example.org").await;
    let outsider = w.t.session(outsider).await;
    let html = body(w.t.get("/actions", Some(&outsider)).await).await;
    assert_lacks(&html, REFERENCE);
    assert_contains(&html, "There are no actions to show");
    let csv = body(w.t.get("/actions.csv", Some(&outsider)).await).await;
    assert_eq!(csv.lines().count(), 1, "{csv}");
    // A member sees it; Health's representative is offered to add evidence, Police's is not.
    let html = body(w.t.get("/actions", Some(&w.health)).await).await;
    assert!(html.contains(REFERENCE));
    assert!(html.contains(&w.evidence_path()), "{html}");
    let html = body(w.t.get("/actions", Some(&w.police)).await).await;
    assert!(html.contains(REFERENCE));
    assert!(!html.contains(&w.evidence_path()), "{html}");
}

#[tokio::test]
async fn the_tracker_exports_the_filtered_list_as_csv() {
    let w = world().await;
    agree_formula_action(&w).await;
    let response = w.t.get("/actions.csv", Some(&w.team)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(
        disposition,
        "attachment; filename=\"actions-2025-09-01.csv\"; filename*=UTF-8''actions-2025-09-01.csv"
    );
    let csv = body(response).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "Case,Agency,Action,Owner,Due,Status,Reason,Themes,Last progress,Completed"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines.iter().any(|l| l.starts_with(&format!(
            "{REFERENCE},Northshire Community Health,Update the safe sleep guidance and train staff.,Named nurse for safeguarding,2025-09-30,Not started,"
        ))),
        "{csv}"
    );
    // Formulas are defused, quotes doubled.
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://example.com\"\")\",'-Head of public protection,"),
        "{csv}"
    );
    // The same filters as the page.
    let police = POLICE.as_uuid();
    let csv = body(
        w.t.get(&format!("/actions.csv?agency={police}"), Some(&w.team))
            .await,
    )
    .await;
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert_contains(&csv, "Northshire Police");
    // The export is in the access log.
    let entries = w.t.log().await;
    assert!(
        entries.iter().any(|e| e.action == "export-action-tracker"),
        "the export is logged"
    );
}

/// Issue 16, finding 10: the dashboard, the case list and the action tracker show details of
/// cases, so each look is in the access log before the page is shown, naming the cases listed
/// by id; a person who may see none of them leaves an entry naming none.
#[tokio::test]
async fn the_dashboard_the_case_list_and_the_tracker_are_in_the_access_log() {
    let w = world().await;
    let id = w.case.to_string();
    for (path, action) in [
        ("/dashboard", "view-dashboard"),
        ("/cases", "list-cases"),
        ("/actions", "view-action-tracker"),
    ] {
        let before = w.t.log().await.len();
        let r = w.t.get(path, Some(&w.team)).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let entries = w.t.log().await;
        let entry = entries[before..]
            .iter()
            .find(|e| e.action == action)
            .unwrap_or_else(|| panic!("{path} is not logged: {:?}", &entries[before..]));
        assert!(entry.detail.contains(&id), "{path}: {}", entry.detail);
        assert!(
            !entry.detail.contains(REFERENCE),
            "ids only: {}",
            entry.detail
        );
    }
    let outsider = account(&w.t, Role::AgencyRepresentative, "other@example.org").await;
    let outsider = w.t.session(outsider).await;
    let before = w.t.log().await.len();
    let _ = body(w.t.get("/actions", Some(&outsider)).await).await;
    let entries = w.t.log().await;
    assert!(
        entries[before..]
            .iter()
            .any(|e| e.action == "view-action-tracker" && !e.detail.contains(&id)),
        "{:?}",
        &entries[before..]
    );
}
