//! Subject access requests over HTTP: the team searches by a person's name (posted, never in a
//! URL), sees every case that holds something, unticks a namesake's case and downloads one PDF
//! of the rest with its sources; bad requests show the error summary and search nothing.

use axum::http::StatusCode;
use cspr_web::access::Role;

use crate::common::{TestApp, assert_contains, body, signed_in};

fn form(answers: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(answers).expect("encode")
}

fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sar.pdf");
    std::fs::write(&path, bytes).expect("write");
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn the_team_finds_a_person_across_cases_and_exports_the_chosen_ones() {
    let t = TestApp::spawn().await;
    let first = t.example("CSPR-2025-301").steps(12).await;
    let second = t.example("CSPR-2025-302").steps(12).await;
    let (_, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;

    let start = t.page("/admin", Some(&team)).await;
    assert_contains(&start, "href=\"/subject-access\"");
    let empty = t.page("/subject-access", Some(&team)).await;
    assert_contains(&empty, "Subject access request");

    let request = [
        ("reference", "SAR-2026-014"),
        ("name", "beth example"),
        ("aliases", ""),
        ("dob-day", "1"),
        ("dob-month", "6"),
        ("dob-year", "1998"),
    ];
    let r = t
        .post("/subject-access", Some(&team), &form(&request))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = body(r).await;
    assert_contains(&page, "2 cases hold information about this person");
    assert_contains(&page, &format!("href=\"/cases/{first}\""));
    assert_contains(&page, &format!("value=\"{second}\""));
    assert_contains(&page, "Carer: Mother");

    // Only the first case, as PDF.
    let mut chosen = request.to_vec();
    let first_id = first.to_string();
    chosen.push(("cases", &first_id));
    let r = t
        .post("/subject-access/export", Some(&team), &form(&chosen))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"].to_str().expect("type"),
        "application/pdf"
    );
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .expect("disposition")
            .contains("subject-access-SAR-2026-014.pdf")
    );
    let bytes = axum::body::to_bytes(r.into_body(), usize::MAX)
        .await
        .expect("body");
    let text = pdf_text(&bytes);
    assert!(text.contains("Sources"), "{text}");
    assert!(text.contains("CSPR-2025-301"), "{text}");
    assert!(!text.contains("CSPR-2025-302"), "{text}");
    assert!(text.contains("Beth Example"), "{text}");

    // The log names the request, never the person.
    let log = t.log().await;
    let exports: Vec<_> = log
        .iter()
        .filter(|e| e.action == "subject-access-export")
        .collect();
    assert_eq!(exports.len(), 2);
    assert_eq!(exports[0].case_id, Some(first.as_uuid()));
    assert!(
        log.iter()
            .all(|e| !e.detail.to_lowercase().contains("beth"))
    );

    // Nothing ticked: the list again, with the error.
    let r = t
        .post("/subject-access/export", Some(&team), &form(&request))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(r).await;
    assert_contains(&page, "Choose at least one case to export");
    assert_contains(&page, "href=\"#cases\"");
}

#[tokio::test]
async fn a_bad_request_shows_every_problem_and_searches_nothing() {
    let t = TestApp::spawn().await;
    t.example("CSPR-2025-303").steps(12).await;
    let (_, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let before = t.log().await.len();
    let r = t
        .post(
            "/subject-access",
            Some(&team),
            &form(&[
                ("reference", "Beth's request"),
                ("name", ""),
                ("dob-day", "31"),
                ("dob-month", "2"),
                ("dob-year", "1998"),
            ]),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(r).await;
    for (href, words) in [
        ("#reference", "never the person"),
        ("#name", "Enter the person"),
        ("#dob-day", "Date of birth must be a real date"),
    ] {
        assert_contains(&page, &format!("href=\"{href}\""));
        assert_contains(&page, words);
    }
    assert!(!page.contains("cases hold information"));
    assert_eq!(t.log().await.len(), before, "no case was read");
}
