//! Requests to agencies through the real router: the partnership team asks three agencies for
//! summaries (a due date other than the case's needs a reason; bad input changes nothing); the
//! agency's representative finds the request on the dashboard, saves a draft (seen only by the
//! agency and the team), sends it (required answers checked); the team alone reopens it, with a
//! reason; files are checked like evidence; sent responses side by side by question. Then the
//! integrated chronology: entries typed, uploaded as CSV (a file with a bad row is refused whole,
//! with its lines and reasons) and as XLSX; merged in date order; filtered by agency and period;
//! key practice episodes; exported to CSV (formulas defused) and DOCX.

use std::io::Read as _;

use crate::common::*;
use axum::http::StatusCode;
use cspr_domain::case::Command;
use cspr_domain::case::model::{CaseRole, ContributionKind, ContributionStatus};
use cspr_domain::examples::{CSC, HEALTH, POLICE};
use cspr_domain::ids::{AgencyId, CaseId, UserId};
use cspr_web::access::Role;
use time::macros::date;
use uuid::Uuid;

async fn status_of(t: &TestApp, case: CaseId, kind: ContributionKind, agency: AgencyId) -> String {
    let (loaded, _) = t.state.app().load(case).await.expect("case");
    match &loaded.contributions[&(kind, agency)].status {
        ContributionStatus::Requested => "requested".to_owned(),
        ContributionStatus::Received { .. } => "received".to_owned(),
        ContributionStatus::Waived { .. } => "waived".to_owned(),
    }
}

/// The example case on the day its team asks agencies for contributions of one kind (before
/// they do), with the agencies, and the team and health's and the police's representatives
/// signed in.
struct Asking {
    t: TestApp,
    case: CaseId,
    team: String,
    health_id: Uuid,
    health: String,
    police: String,
}

async fn asking(reference: &str, kind: ContributionKind) -> Asking {
    let t = TestApp::spawn().await;
    t.agencies(&[HEALTH, POLICE, CSC]).await;
    let (case, day) = t
        .example(reference)
        .before(|c| matches!(c, Command::RequestContributions { kind: k, .. } if *k == kind))
        .await;
    t.set_now(on(day, 9));
    let (_, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let (health_id, health) = signed_in_rep(&t, HEALTH, "rep@health.example").await;
    let (_, police) = signed_in_rep(&t, POLICE, "rep@police.example").await;
    Asking {
        t,
        case,
        team,
        health_id,
        health,
        police,
    }
}

/// As [`asking`], with the request made of health and the police by the team.
async fn asked_of_health_and_police(reference: &str, kind: ContributionKind) -> Asking {
    let asking = asking(reference, kind).await;
    let response = asking
        .t
        .client(asking.team.clone())
        .post(
            &format!("/cases/{}/requests", asking.case),
            &format!("kind={}&agencies={HEALTH}&agencies={POLICE}", kind.slug()),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    asking
}

const SUMMARY: &str = "q-involvement=Health+visitor+saw+the+baby+twice.&q-known-risks=New+partner+not+known.\
                       &q-worked-well=Visits+on+time.&q-early-learning=Ask+who+lives+at+home.";

#[tokio::test]
async fn the_team_asks_agencies_answer_and_responses_are_read_side_by_side() {
    let Asking {
        t,
        case,
        team,
        health_id,
        health,
        police,
    } = asking("CSPR-2025-061", ContributionKind::AgencySummary).await;
    let (team, health, police) = (t.client(team), t.client(health), t.client(police));
    let (_, chair) = client(&t, Role::Chair, "chair@example.org").await;

    // The form names the case's own due date for each kind.
    let page = body(team.get(&format!("/cases/{case}/requests")).await).await;
    assert_contains(&page, "Ask agencies for a contribution");
    assert_contains(&page, "Due 18 March 2025 by the case&#39;s deadlines");

    // Bad input: errors, nothing asked.
    for (form, error) in [
        (
            "kind=agency-summary&due=".to_owned(),
            "Choose the agencies to ask",
        ),
        (
            format!("kind=agency-summary&agencies={HEALTH}&due=31%2F02%2F2025"),
            "Enter the due date like 2025-10-27",
        ),
        (
            format!("kind=agency-summary&agencies={HEALTH}&due=2025-03-20"),
            "Enter why the due date differs from the case&#39;s deadlines",
        ),
        (
            format!("kind=agency-summary&agencies={HEALTH}&due=2025-03-22&reason=Weekend"),
            "The due date must be a working day",
        ),
        (
            format!("kind=nonsense&agencies={HEALTH}"),
            "Choose what to ask for",
        ),
    ] {
        let response = team.post(&format!("/cases/{case}/requests"), &form).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{form}");
        let page = body(response).await;
        assert!(page.contains("govuk-error-summary"), "{form}");
        assert!(page.contains(error), "{form}: {page}");
    }
    let (loaded, _) = t.state.app().load(case).await.expect("case");
    assert!(loaded.contributions.is_empty(), "bad input asked nothing");

    // Only the team asks.
    let refused = health
        .post(
            &format!("/cases/{case}/requests"),
            &format!("kind=agency-summary&agencies={HEALTH}"),
        )
        .await;
    assert!(matches!(
        refused.status(),
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));

    // Three agencies asked, due later than the case's date, with the reason.
    let response = team
        .post(
            &format!("/cases/{case}/requests"),
            &format!(
                "kind=agency-summary&agencies={HEALTH}&agencies={POLICE}&agencies={CSC}\
                 &due=2025-03-20&reason={}",
                enc("The rapid review meeting moved to 21 March.")
            ),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (loaded, events) = t.state.app().load(case).await.expect("case");
    for a in [HEALTH, POLICE, CSC] {
        let r = &loaded.contributions[&(ContributionKind::AgencySummary, a)];
        assert_eq!(r.due_on, date!(2025 - 03 - 20));
    }
    assert!(events.iter().any(|e| matches!(e,
        cspr_domain::case::Event::ContributionDueChanged { reason, .. }
            if reason.as_str() == "The rapid review meeting moved to 21 March.")));
    // The representatives were given access to answer.
    assert_eq!(
        loaded
            .members
            .get(&UserId::from_uuid(health_id))
            .map(|m| m.role),
        Some(CaseRole::AgencyRepresentative)
    );

    // The representative's dashboard has the request as a task.
    let respond = format!("/cases/{case}/agencies/{HEALTH}/requests/agency-summary");
    let dash = body(health.get("/dashboard").await).await;
    assert_contains(&dash, &respond);
    assert!(dash.contains("Request: agency summary"));

    // Another agency's form is not theirs to open.
    let other = health
        .get(&format!(
            "/cases/{case}/agencies/{POLICE}/requests/agency-summary"
        ))
        .await;
    assert!(matches!(
        other.status(),
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));

    // A draft: saved, not sent, not in the consolidated view.
    let saved = health
        .post(
            &respond,
            "intent=save&q-involvement=Health+visitor+saw+the+baby+twice.",
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        status_of(&t, case, ContributionKind::AgencySummary, HEALTH).await,
        "requested"
    );
    let page = body(health.get(&format!("{respond}?done=saved")).await).await;
    assert!(page.contains("Your draft is saved"));
    assert!(page.contains("Health visitor saw the baby twice."));
    let consolidated = format!("/cases/{case}/requests/agency-summary");
    let page = body(chair.get(&consolidated).await).await;
    assert!(!page.contains("Health visitor saw"), "drafts are not shown");
    assert!(page.contains("No agency has sent its response yet"));

    // Sending with required answers missing: the errors, still a draft.
    let missing = health
        .post(
            &respond,
            "intent=send&q-involvement=Health+visitor+saw+the+baby+twice.",
        )
        .await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let page = body(missing).await;
    assert_contains(&page, "href=\"#q-known-risks\"");
    assert_eq!(
        status_of(&t, case, ContributionKind::AgencySummary, HEALTH).await,
        "requested"
    );

    // A file: a PDF is kept; a PNG named .pdf and an executable are refused.
    let files = format!("{respond}/files");
    let bad = health
        .upload(&files, "notes.pdf", b"\x89PNG\r\n\x1a\nrest")
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &body(bad).await,
        "its contents do not match its name ending .pdf",
    );
    let bad = health.upload(&files, "tool.exe", b"MZ").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let good = health
        .upload(&files, "visit-notes.pdf", b"%PDF-1.4\nnotes")
        .await;
    assert_eq!(good.status(), StatusCode::SEE_OTHER);

    // Sent.
    let sent = health
        .post(&respond, &format!("intent=send&{SUMMARY}"))
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        status_of(&t, case, ContributionKind::AgencySummary, HEALTH).await,
        "received"
    );
    let sent_again = health
        .post(&respond, &format!("intent=save&{SUMMARY}"))
        .await;
    assert_eq!(
        sent_again.status(),
        StatusCode::BAD_REQUEST,
        "sent is final"
    );

    // Police sends too; children's services has not.
    let police_form = format!("/cases/{case}/agencies/{POLICE}/requests/agency-summary");
    let response = police.post(&police_form, "intent=send&q-involvement=Two+calls+to+the+address.&q-known-risks=Domestic+abuse+call+in+May.\
             &q-worked-well=Shared+with+children%27s+services.&q-early-learning=Check+partners+history.",
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Side by side by question, for anyone who can see the case.
    let page = body(chair.get(&consolidated).await).await;
    let row = page
        .find("What did your agency know about risks to the child?")
        .expect("the question's row");
    let next_row = page[row..].find("scope=\"row\"").expect("next row") + row;
    let h = page[row..]
        .find("New partner not known.")
        .expect("health's answer")
        + row;
    let p = page[row..]
        .find("Domestic abuse call in May.")
        .expect("police's answer")
        + row;
    assert!(
        h < next_row && p < next_row,
        "both answers in the question's row"
    );
    assert!(page.contains("visit-notes.pdf"));
    assert_contains(
        &page,
        "Northshire Children&#39;s Services: Due 20 March 2025",
    );
    let file_href = page
        .split("href=\"")
        .find(|s| s.contains("/files/"))
        .and_then(|s| s.split('"').next())
        .expect("file link")
        .to_owned();
    let file = chair.get(&file_href).await;
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(body(file).await, "%PDF-1.4\nnotes");

    // Reopening: not the agency; the team only with a reason.
    let reopen = format!("/cases/{case}/requests/agency-summary/reopen");
    let refused = health
        .post(&reopen, &format!("agency={HEALTH}&reason=Typo"))
        .await;
    assert!(matches!(
        refused.status(),
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));
    let no_reason = team
        .post(&reopen, &format!("agency={HEALTH}&reason=+"))
        .await;
    assert_eq!(no_reason.status(), StatusCode::BAD_REQUEST);
    assert_contains(&body(no_reason).await, "Enter why the response is reopened");
    assert_eq!(
        status_of(&t, case, ContributionKind::AgencySummary, HEALTH).await,
        "received"
    );
    let ok = team
        .post(
            &reopen,
            &format!(
                "agency={HEALTH}&reason={}",
                enc("Please add the GP's view.")
            ),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        status_of(&t, case, ContributionKind::AgencySummary, HEALTH).await,
        "requested"
    );
    let page = body(health.get(&respond).await).await;
    assert!(page.contains("Reopened by the partnership team"));
    assert!(
        page.contains("New partner not known."),
        "answers kept to change"
    );
    let case_page = body(team.get(&format!("/cases/{case}")).await).await;
    assert!(
        case_page.contains("Please add the GP"),
        "the reason is in the timeline"
    );
}

/// Issue 16, finding 1: signed in as Health's representative, the "record a contribution"
/// form listed every agency and a response recorded for the police was accepted (wiping the
/// police's draft). A representative acts for their own agency only: the form offers only
/// Health, and a response for another agency is refused with nothing written (the policy and
/// the case refuse it too: `cspr-app/tests/app/policy.rs`).
#[tokio::test]
async fn a_representative_records_contributions_for_their_own_agency_only() {
    let asked = asked_of_health_and_police("CSPR-2025-063", ContributionKind::AgencySummary).await;
    let (t, case) = (&asked.t, asked.case);
    let (health, police) = (
        t.client(asked.health.clone()),
        t.client(asked.police.clone()),
    );
    // The police save a draft of their own.
    let police_form = format!("/cases/{case}/agencies/{POLICE}/requests/agency-summary");
    let saved = police
        .post(&police_form, &format!("intent=save&{SUMMARY}"))
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let action = format!("/cases/{case}/actions/receive-contribution");
    let today = t.state.today();
    let received = format!(
        "received_on-day={}&received_on-month={}&received_on-year={}",
        today.day(),
        u8::from(today.month()),
        today.year()
    );
    let form = body(health.get(&action).await).await;
    assert_contains(&form, &HEALTH.to_string());
    assert!(
        !form.contains(&POLICE.to_string()) && !form.contains(&CSC.to_string()),
        "only the representative's own agency is offered"
    );
    let (before, _) = t.state.app().load(case).await.expect("case");
    // A summary recorded by health's representative for `agency`, on the form drawn at `version`.
    let record = |agency, version: u64| {
        let form = format!(
            "version={version}&kind=agency-summary&agency={agency}&{received}\
             &contribution.text=Seen+twice."
        );
        let (health, action) = (&health, &action);
        async move { health.post(action, &form).await }
    };
    let for_police = record(POLICE, before.version).await;
    // Not an agency the form offers: refused as the form's error, nothing written.
    assert_eq!(for_police.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (after, _) = t.state.app().load(case).await.expect("case");
    assert_eq!(after.version, before.version, "nothing written");
    let police_request = &after.contributions[&(ContributionKind::AgencySummary, POLICE)];
    assert!(police_request.draft.is_some(), "the police's draft is kept");
    assert!(matches!(
        police_request.status,
        cspr_domain::case::model::ContributionStatus::Requested
    ));
    // Their own agency's response goes through the same form.
    let for_health = record(HEALTH, after.version).await;
    assert_eq!(for_health.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_integrated_chronology_from_typed_csv_and_xlsx_entries() {
    let asked = asked_of_health_and_police("CSPR-2025-062", ContributionKind::Chronology).await;
    let (t, case) = (&asked.t, asked.case);
    let (team, health, police) = (
        t.client(asked.team.clone()),
        t.client(asked.health.clone()),
        t.client(asked.police.clone()),
    );
    let health_form = format!("/cases/{case}/agencies/{HEALTH}/requests/chronology");
    let police_form = format!("/cases/{case}/agencies/{POLICE}/requests/chronology");

    // A CSV with two bad rows: refused whole, each bad line named.
    let bad_csv = "Date,Time,Source,What happened,Who was involved (by role),Significance,Analysis\r\n\
                   2024-05-01,10:00,Case notes,New birth visit.,Health visitor,,\r\n\
                   sometime,,Case notes,Clinic.,,,\r\n\
                   2024-06-03,25:61,GP record,,,,\r\n";
    let response = health
        .upload(
            &format!("{health_form}/import"),
            "chronology.csv",
            bad_csv.as_bytes(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(response).await;
    assert_contains(
        &page,
        "Nothing was added: 2 rows of the file cannot be read",
    );
    assert_contains(&page, "Line 3: &#34;sometime&#34; is not a date");
    assert_contains(
        &page,
        "Line 4: &#34;25:61&#34; is not a time like 14:30. Enter what happened",
    );
    let (loaded, _) = t.state.app().load(case).await.expect("case");
    assert!(
        loaded.contributions[&(ContributionKind::Chronology, HEALTH)]
            .draft
            .as_ref()
            .is_none_or(|d| d.chronology.is_empty()),
        "nothing imported"
    );

    // A good CSV (one entry with a formula-like text), then one typed entry, then sent.
    let good_csv = "Date,Time,Source,What happened,Who was involved (by role),Significance,Analysis\r\n\
                    2024-05-01,10:00,Case notes,New birth visit.,Health visitor,Baby seen,\r\n\
                    March 2024,,GP record,=HYPERLINK(\"x\") antenatal booking.,Midwife,,\r\n";
    let response = health
        .upload(
            &format!("{health_form}/import"),
            "chronology.csv",
            good_csv.as_bytes(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let bad_entry = health
        .post(
            &health_form,
            "intent=add-entry&entry-date=yesterday&entry-what=",
        )
        .await;
    assert_eq!(bad_entry.status(), StatusCode::BAD_REQUEST);
    let typed = health
        .post(
            &health_form,
            "intent=add-entry&entry-date=2024-06-10&entry-time=&entry-source=Case+notes\
             &entry-what=Missed+appointment.&entry-who=Health+visitor&entry-significance=\
             &entry-analysis=Not+followed+up.",
        )
        .await;
    assert_eq!(typed.status(), StatusCode::SEE_OTHER);
    let sent = health.post(&health_form, "intent=send").await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);

    // Police upload an XLSX (with a heading row) and send.
    let book = cspr_export::import::testing::workbook_of(&[
        &[
            "Date",
            "Time",
            "Source",
            "What happened",
            "Who",
            "Significance",
            "Analysis",
        ],
        &[
            "2024-05-20",
            "23:15",
            "Call log",
            "Domestic abuse call to the address.",
            "Response officer",
            "High",
            "Not shared",
        ],
        &[
            "2024-05-01",
            "09:00",
            "Call log",
            "Welfare check.",
            "PCSO",
            "",
            "",
        ],
    ]);
    let response = police
        .upload(&format!("{police_form}/import"), "police.xlsx", &book)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let not_a_book = police
        .upload(
            &format!("{police_form}/import"),
            "police.xlsx",
            b"PK\x03\x04 nope",
        )
        .await;
    assert_eq!(not_a_book.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Issue 16, finding 5: cells at A1 and XFD1048576 once made the server lay out 17 billion
    // cells and abort. Refused with words to act on; the server goes on answering.
    let far_cell = cspr_export::import::testing::workbook(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Date</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#,
        &[],
    );
    let refused = police
        .upload(&format!("{police_form}/import"), "police.xlsx", &far_cell)
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&body(refused).await, "outside the chronology");
    assert_eq!(police.get(&police_form).await.status(), StatusCode::OK);
    assert_eq!(
        police.post(&police_form, "intent=send").await.status(),
        StatusCode::SEE_OTHER
    );

    // Merged in date order: March 2024 (approximate), 1 May 09:00 police, 1 May 10:00 health,
    // 20 May police, 10 June health.
    let chronology = format!("/cases/{case}/chronology");
    let page = body(team.get(&chronology).await).await;
    assert_contains(&page, "Showing 5 of 5 entries.");
    let order = [
        "antenatal booking.",
        "Welfare check.",
        "New birth visit.",
        "Domestic abuse call to the address.",
        "Missed appointment.",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|w| page.find(w).unwrap_or_else(|| panic!("{w} missing")))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    assert!(page.contains("March 2024"));

    // Filters: one agency; a period.
    let page = body(team.get(&format!("{chronology}?agency={POLICE}")).await).await;
    assert_contains(&page, "Showing 2 of 5 entries.");
    assert!(!page.contains("Missed appointment."));
    let page = body(
        team.get(&format!("{chronology}?from=2024-05-01&to=2024-05-31"))
            .await,
    )
    .await;
    assert_contains(&page, "Showing 3 of 5 entries.");
    let bad = team.get(&format!("{chronology}?from=soon")).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    // A key practice episode, marked by the team; not by an agency's representative.
    let (loaded, _) = t.state.app().load(case).await.expect("case");
    let merged = cspr_domain::chronology::merge(&loaded);
    let call = merged
        .iter()
        .find(|m| m.entry.what.as_str().starts_with("Domestic abuse call"))
        .and_then(|m| m.entry.detail.id)
        .expect("entry id");
    let refused = police
        .post(
            &format!("{chronology}/key-episodes"),
            &format!("entry={call}&key=yes"),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let marked = team
        .post(
            &format!("{chronology}/key-episodes"),
            &format!("entry={call}&key=yes&back="),
        )
        .await;
    assert_eq!(marked.status(), StatusCode::SEE_OTHER);
    let page = body(team.get(&format!("{chronology}?key=yes")).await).await;
    assert_contains(&page, "Showing 1 of 5 entries.");
    assert!(page.contains("Key practice episode"));

    // CSV: every entry, formulas defused.
    let csv = team.get(&format!("{chronology}.csv")).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .expect("header")
            .starts_with("attachment;")
    );
    let text = body(csv).await;
    assert_eq!(text.lines().count(), 6, "{text}");
    assert!(
        text.contains("\"'=HYPERLINK(\"\"x\"\") antenatal booking.\""),
        "{text}"
    );
    assert!(!text.contains(",\"=HYPERLINK") && !text.contains(",=HYPERLINK"));
    assert!(
        text.lines().any(
            |l| l.starts_with("20 May 2024,23:15,Northshire Police,Call log,")
                && l.ends_with(
                    "Domestic abuse call to the address.,Response officer,High,Not shared,Yes"
                )
        ),
        "{text}"
    );

    // DOCX: a Word document whose text has the entries, in order, filtered like the page.
    let docx = team
        .get(&format!("{chronology}.docx?agency={HEALTH}"))
        .await;
    assert_eq!(docx.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(docx.into_body(), 10 * 1024 * 1024)
        .await
        .expect("bytes");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("docx zip");
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .expect("document part")
        .read_to_string(&mut xml)
        .expect("xml");
    assert!(xml.contains("Integrated chronology: case CSPR-2025-062"));
    let a = xml.find("antenatal booking.").expect("health entry");
    let b = xml.find("Missed appointment.").expect("health entry");
    assert!(a < b);
    assert!(!xml.contains("Welfare check."), "filtered to health");

    // The export and the page reads are in the access log.
    let log = t.case_log(case).await;
    for action in [
        "view-integrated-chronology",
        "export-integrated-chronology-csv",
        "export-integrated-chronology-docx",
    ] {
        assert!(log.iter().any(|e| e.action == action), "{action}");
    }
}

#[tokio::test]
async fn the_partnership_edits_a_form_and_new_answers_use_it() {
    let t = TestApp::spawn().await;
    let (_, team) = client(&t, Role::PartnershipTeam, "team@example.org").await;
    let page = body(team.get("/admin/forms/scoping-form").await).await;
    assert_contains(&page, "- [contact] Did your agency have contact");
    let bad = team
        .post(
            "/admin/forms/scoping-form",
            "form=%23+Section%0A*+not+a+question",
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_contains(&body(bad).await, "Line 2: Start the line with");
    let ok = team.post("/admin/forms/scoping-form", &format!(
                "form={}",
                enc("! Our own scoping form.\n# Contact\n- [contact] Did your service know the family? | Say which team.\n~ [else] Anything else?")
            ),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let form = cspr_domain::forms::form_for(
        &t.state.app().settings().forms,
        ContributionKind::ScopingForm,
    );
    assert_eq!(form.intro, "Our own scoping form.");
    assert_eq!(form.questions().count(), 2);
    let stored = t.stored_settings().await;
    assert!(
        stored["settings"]["forms"]
            .to_string()
            .contains("Did your service know the family?")
    );
    // Other forms keep their defaults; a representative cannot edit forms.
    let index = body(team.get("/admin/forms").await).await;
    assert!(index.contains("Agency summary"));
    let (_, rep_cookie) = signed_in_rep(&t, HEALTH, "rep@health.example").await;
    let rep_cookie = t.client(rep_cookie);
    let refused = rep_cookie.get("/admin/forms/scoping-form").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}
