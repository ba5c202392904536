//! Thematic briefings and self-assessment (issue 17, item 6) over HTTP, with email through a
//! real SMTP server: the team writes a briefing and sends it to two agencies; their
//! representatives are asked by email and chased when late; each answers for their own agency
//! only; the answers roll up per question; an action is agreed and completed; the briefing is
//! downloaded as PDF and DOCX. Bad input is refused with the GOV.UK error summary and writes
//! nothing; roles without a part are refused.

use crate::common::smtp::{POLICE_REP, REP1, REP2, Smtp, mail_app, people, sent, to_each};
use crate::common::*;
use axum::http::StatusCode;
use cspr_domain::examples::{HEALTH, POLICE};
use cspr_web::access::Role;
use time::macros::date;

/// Monday 2 March 2026: the briefing is written and sent.
const SENT: time::Date = date!(2026 - 03 - 02);

fn briefing_id(location: &str) -> String {
    location
        .trim_start_matches("/briefings/")
        .split(['?', '/'])
        .next()
        .expect("id")
        .to_owned()
}

#[tokio::test]
async fn a_briefing_is_sent_answered_by_each_agency_summarised_and_acted_on() {
    let mut smtp = Smtp::start();
    let t = mail_app(smtp.config()).await;
    people(&t, false).await;
    t.set_now(on(SENT, 9));
    let (team_id, team) = signed_in(&t, Role::PartnershipTeam, "writer@northshire.example").await;
    let team = t.client(team);

    // Bad input: every problem listed, nothing written.
    let bad = team.post("/briefings/new", "title=&body=&questions=").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(bad).await;
    let summary = error_summary(&html);
    assert_contains(&summary, "Enter a title");
    assert_contains(&summary, "Enter the briefing");
    assert_contains(&summary, "Enter at least one self-assessment question");
    assert_contains(&team.page("/briefings").await, "There are no briefings yet");

    let created = team
        .post(
            "/briefings/new",
            &format!(
                "title={}&body={}&reviews=&questions={}",
                enc("Bruising in babies who are not yet mobile"),
                enc(
                    "Bruising in a baby who cannot move is rarely accidental.\n\nRefer every time."
                ),
                enc("Do staff know the bruising protocol?\nIs the protocol audited?")
            ),
        )
        .await;
    assert!(is_redirect(created.status()), "{}", created.status());
    let id = briefing_id(&location(&created).expect("location"));
    let page = team.page(&format!("/briefings/{id}")).await;
    assert_contains(&page, "Bruising in babies who are not yet mobile");
    assert_contains(&page, "Question 2: Is the protocol audited?");
    assert_contains(&page, "Draft");

    // Sending: the agencies and a working day after today, or the errors.
    let send = |form: String| {
        let team = &team;
        let id = id.clone();
        async move { team.post(&format!("/briefings/{id}/send"), &form).await }
    };
    let refused = send("due-day=14&due-month=3&due-year=2026".to_owned()).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(refused).await;
    assert_contains(&error_summary(&html), "Select the agencies to ask");
    // Saturday 14 March 2026.
    let weekend = send(format!(
        "agencies={HEALTH}&agencies={POLICE}&due-day=14&due-month=3&due-year=2026"
    ))
    .await;
    assert_eq!(weekend.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&error_summary(&body(weekend).await), "working day");
    let sent_ok = send(format!(
        "agencies={HEALTH}&agencies={POLICE}&due-day=16&due-month=3&due-year=2026"
    ))
    .await;
    assert!(is_redirect(sent_ok.status()));

    // The request goes to every live representative of both agencies, naming only the title.
    cspr_web::jobs::run_jobs(&t.state).await.expect("jobs");
    let mails = smtp.take();
    assert_eq!(
        sent(&mails),
        to_each(
            &[REP1, REP2, POLICE_REP],
            "Self-assessment requested: Bruising in babies who are not yet mobile"
        )
    );
    assert_contains(
        &mails[0].body,
        &format!("https://cspr.northshire.example/briefings/{id}/agencies/{HEALTH}"),
    );
    cspr_web::jobs::run_jobs(&t.state).await.expect("jobs");
    assert!(smtp.take().is_empty(), "nothing sent twice");

    // Health's representative sees the briefing, answers for health only.
    t.set_now(on(date!(2026 - 03 - 05), 10));
    let (health_id, health) = signed_in_rep(&t, HEALTH, "answer@health.example").await;
    let health = t.client(health);
    assert_contains(&health.page("/briefings").await, "Bruising in babies");
    let answer_path = format!("/briefings/{id}/agencies/{HEALTH}");
    assert_contains(
        &health.page(&answer_path).await,
        "Question 1: Do staff know",
    );
    let police_path = format!("/briefings/{id}/agencies/{POLICE}");
    assert_eq!(
        health.get(&police_path).await.status(),
        StatusCode::NOT_FOUND
    );
    let forged = health
        .post(
            &police_path,
            "rating-1=in-place&evidence-1=Yes&rating-2=in-place&evidence-2=Yes&submit=yes",
        )
        .await;
    assert_eq!(forged.status(), StatusCode::NOT_FOUND);

    // Saved in part, then submitting with a question unanswered is refused.
    let saved = health
        .post(
            &answer_path,
            &format!(
                "rating-1=partly-in-place&evidence-1={}&submit=no",
                enc("Health visitors trained; GPs not yet")
            ),
        )
        .await;
    assert!(is_redirect(saved.status()));
    let incomplete = health
        .post(
            &answer_path,
            "rating-1=partly-in-place&evidence-1=x&submit=yes",
        )
        .await;
    assert_eq!(incomplete.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &error_summary(&body(incomplete).await),
        "Select how far the practice of question 2 is in place",
    );
    let submitted = health
        .post(
            &answer_path,
            &format!(
                "rating-1=partly-in-place&evidence-1={}&rating-2=not-in-place&evidence-2={}&submit=yes",
                enc("Health visitors trained; GPs not yet"),
                enc("No audit this year")
            ),
        )
        .await;
    assert!(is_redirect(submitted.status()));
    assert_contains(
        &health.page(&answer_path).await,
        "Your agency submitted its answers on 5 March 2026",
    );

    // The police do not answer: from the day after the due date they are chased, health not.
    t.set_now(on(date!(2026 - 03 - 17), 9));
    cspr_web::jobs::run_jobs(&t.state).await.expect("jobs");
    assert_eq!(
        sent(&smtp.take()),
        vec![(
            POLICE_REP,
            "Self-assessment overdue: Bruising in babies who are not yet mobile"
        )]
    );

    // The team (signed in again: days have passed) sees the answers per question, agrees an
    // action from one and completes it.
    let team = t.client(t.session(team_id).await);
    let page = team.page(&format!("/briefings/{id}")).await;
    assert_contains(&page, "In place: 0; Partly in place: 1; Not in place: 0");
    assert_contains(&page, "Health visitors trained; GPs not yet");
    assert_contains(&page, "Not yet submitted");
    let bad_action = team
        .post(
            &format!("/briefings/{id}/actions"),
            &format!("question=2&agency={HEALTH}&description=&due-day=&due-month=&due-year="),
        )
        .await;
    assert_eq!(bad_action.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(bad_action).await;
    let summary = error_summary(&html);
    assert_contains(&summary, "Enter the action");
    assert_contains(&summary, "Enter the date the action is due");
    // The form comes back open, its error beside the field.
    assert_contains(&html, "<details class=\"govuk-details\" open>");
    assert_contains(&html, "id=\"q2-description-error\"");
    // What was typed stays.
    let half = team
        .post(
            &format!("/briefings/{id}/actions"),
            &format!("question=2&agency={HEALTH}&description=Audit+it&due-day=31&due-month=2&due-year=2026"),
        )
        .await;
    assert_eq!(half.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(half).await;
    assert_contains(&html, ">Audit it</textarea>");
    assert_contains(&html, "value=\"31\"");
    assert_contains(&error_summary(&html), "The due date must be a real date");
    let from_police = team
        .post(
            &format!("/briefings/{id}/actions"),
            &format!(
                "question=2&agency={POLICE}&description=Audit&due-day=30&due-month=6&due-year=2026"
            ),
        )
        .await;
    assert_eq!(from_police.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &error_summary(&body(from_police).await),
        "has not submitted an answer to question 2",
    );
    let agreed = team
        .post(
            &format!("/briefings/{id}/actions"),
            &format!(
                "question=2&agency={HEALTH}&description={}&due-day=30&due-month=6&due-year=2026",
                enc("Audit the bruising protocol every quarter")
            ),
        )
        .await;
    assert!(is_redirect(agreed.status()));
    // On the action tracker, with the case actions, in a section of its own.
    let tracker = team.page("/actions").await;
    let section = between(&tracker, "id=\"briefing-actions\"", "</table>");
    assert_contains(section, "Audit the bruising protocol every quarter");
    assert_contains(section, "Northshire Community Health");
    assert_contains(section, "30 June 2026");
    assert_contains(section, ">Open<");
    let done = team
        .post(&format!("/briefings/{id}/actions/1/complete"), "")
        .await;
    assert!(is_redirect(done.status()));
    let page = team.page(&format!("/briefings/{id}")).await;
    assert_contains(&page, "Audit the bruising protocol every quarter");
    assert_contains(&page, "Completed 17 March 2026");
    assert_contains(
        between(
            &team.page("/actions").await,
            "id=\"briefing-actions\"",
            "</table>",
        ),
        "Completed 17 March 2026",
    );

    // The team may answer on an agency's behalf; a representative never sees another
    // agency's self-assessment.
    let on_behalf = team
        .post(
            &format!("/briefings/{id}/agencies/{POLICE}"),
            &format!(
                "rating-1=in-place&evidence-1={}&rating-2=in-place&evidence-2=Audited&submit=yes",
                enc("Police evidence kept apart")
            ),
        )
        .await;
    assert!(is_redirect(on_behalf.status()));
    assert_contains(
        &team.page(&format!("/briefings/{id}")).await,
        "Police evidence kept apart",
    );
    let health = t.client(t.session(health_id).await);
    let seen = health.page(&format!("/briefings/{id}")).await;
    assert_contains(&seen, "Health visitors trained; GPs not yet");
    assert_lacks(&seen, "Police evidence kept apart");

    // The briefing as PDF and DOCX.
    let pdf = team.get(&format!("/briefings/{id}/briefing.pdf")).await;
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = axum::body::to_bytes(pdf.into_body(), usize::MAX)
        .await
        .expect("pdf");
    assert!(bytes.starts_with(b"%PDF"));
    let docx = team.get(&format!("/briefings/{id}/briefing.docx")).await;
    assert_eq!(docx.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(docx.into_body(), usize::MAX)
        .await
        .expect("docx");
    assert!(bytes.starts_with(b"PK"));

    // Closed: no more answers, no more chasers.
    let closed = team.post(&format!("/briefings/{id}/close"), "").await;
    assert!(is_redirect(closed.status()));
    t.set_now(on(date!(2026 - 03 - 18), 9));
    cspr_web::jobs::run_jobs(&t.state).await.expect("jobs");
    assert!(smtp.take().is_empty(), "no chaser for a closed briefing");
}

#[tokio::test]
async fn only_the_partnerships_learning_roles_and_the_agencies_asked_see_a_briefing() {
    let t = TestApp::spawn().await;
    t.agencies(&[HEALTH, POLICE]).await;
    t.set_now(on(SENT, 9));
    let (_, team) = signed_in(&t, Role::PartnershipTeam, "writer@northshire.example").await;
    let team = t.client(team);
    let created = team
        .post(
            "/briefings/new",
            "title=Neglect&body=Text&questions=Is+it+in+place%3F",
        )
        .await;
    let id = briefing_id(&location(&created).expect("location"));
    let path = format!("/briefings/{id}");

    // Not yet sent: a representative does not see it.
    let (_, police) = signed_in_rep(&t, POLICE, "rep@police.example").await;
    let police = t.client(police);
    assert_eq!(police.get(&path).await.status(), StatusCode::NOT_FOUND);
    assert_lacks(&police.page("/briefings").await, "Neglect");

    team.post(
        &format!("{path}/send"),
        &format!("agencies={HEALTH}&due-day=16&due-month=3&due-year=2026"),
    )
    .await;
    // Sent to health only: the police representative still does not see it.
    assert_eq!(police.get(&path).await.status(), StatusCode::NOT_FOUND);
    let (_, health) = signed_in_rep(&t, HEALTH, "rep@health.example").await;
    assert_eq!(t.client(health).get(&path).await.status(), StatusCode::OK);

    // Readers who do not write: the subgroup reads, may not send, change or close.
    let (_, member) = signed_in(&t, Role::SubgroupMember, "member@northshire.example").await;
    let member = t.client(member);
    assert_eq!(member.get(&path).await.status(), StatusCode::OK);
    assert_eq!(
        member.post(&format!("{path}/close"), "").await.status(),
        StatusCode::FORBIDDEN
    );
    // Roles without a part in briefings.
    for role in [
        Role::IndependentReviewer,
        Role::PanelMember,
        Role::SystemAdministrator,
    ] {
        let email = format!("{}@northshire.example", role.key());
        let (_, other) = signed_in(&t, role, &email).await;
        assert_eq!(
            t.client(other).get(&path).await.status(),
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
    }
    // The team may answer for an agency asked (on its behalf), not for one that was not.
    assert_eq!(
        team.get(&format!("{path}/agencies/{HEALTH}"))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        team.get(&format!("{path}/agencies/{POLICE}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}
