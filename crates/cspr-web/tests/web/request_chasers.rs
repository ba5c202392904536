//! Chasers of requests to agencies, sent through a real SMTP server on loopback (aiosmtpd
//! writing to a Maildir) with the clock moved by the test: a request's life (the request, the
//! reminder before due, the day, overdue, escalation to the agency's subgroup member) with the
//! exact emails, and nothing else sent; the response arriving cancels the chasers already
//! planned; nothing is sent twice after a restart while a worker held a job; no personal data
//! in any email (the case reference and a link only).
//!
//! Needs python3 with aiosmtpd (`python3 -m pip install aiosmtpd`; .ci/run installs it). Missing
//! tools fail the tests: they are never skipped.

use crate::common::smtp::{
    POLICE_REP, REP1, REP2, SUBGROUP, Smtp, TEAM, mail_app, people, sending, sent, to_each,
};
use crate::common::*;
use cspr_domain::case::Command;
use cspr_domain::case::model::{Contribution, ContributionKind, FormResponse};
use cspr_domain::examples::{HEALTH, POLICE, text};
use cspr_domain::ids::CaseId;
use cspr_web::AppState;
use cspr_web::jobs::{self, JOB_LEASE, JobRun};
use time::macros::date;
use time::{Date, Duration};
use uuid::Uuid;

const REFERENCE: &str = "CSPR-2025-077";
/// Every representative asked: health's two and the police's one.
const ALL_REPS: [&str; 3] = [REP1, REP2, POLICE_REP];
/// Tuesday 16 September 2025.
const DUE: Date = date!(2025 - 09 - 16);

/// Email through a real SMTP server, the people (with a subgroup member) and a case with its
/// requests to agencies: the server, the application and the case.
async fn with_requests() -> (Smtp, TestApp, CaseId) {
    let smtp = Smtp::start();
    let t = mail_app(smtp.config()).await;
    people(&t, true).await;
    let case = case_with_requests(&t).await;
    (smtp, t, case)
}

/// A local review in commissioning, then agency reports asked of health and police on Monday
/// 1 September 2025, due Tuesday 16 September.
async fn case_with_requests(t: &TestApp) -> CaseId {
    let (case_id, _) = t
        .example(REFERENCE)
        .before(|c| {
            matches!(
                c,
                Command::RequestContributions {
                    kind: ContributionKind::AgencyReport,
                    ..
                }
            )
        })
        .await;
    t.set_now(on(date!(2025 - 09 - 01), 9));
    let app = t.state.app();
    app.execute(
        case_id,
        None,
        Command::RequestContributions {
            kind: ContributionKind::AgencyReport,
            agencies: vec![HEALTH, POLICE],
            due_on: Some(DUE),
        },
        actor(date!(2025 - 09 - 01)),
    )
    .await
    .expect("request");
    case_id
}

async fn run(state: &AppState) -> JobRun {
    jobs::run_jobs(state).await.expect("run jobs")
}

fn form_link(case: CaseId, agency: Uuid) -> String {
    format!("https://cspr.northshire.example/cases/{case}/agencies/{agency}/requests/agency-report")
}

/// What no email may show: the children's names, people's names and the agencies' names.
async fn secrets(t: &TestApp, case: CaseId) -> Vec<String> {
    let mut out = t.children(case).await;
    out.extend(["Pat ", "Northshire Community Health", "Northshire Police"].map(str::to_owned));
    out
}

async fn respond(t: &TestApp, case: CaseId, agency: cspr_domain::ids::AgencyId, on: Date) {
    t.state
        .app()
        .execute(
            case,
            None,
            Command::ReceiveContribution {
                kind: ContributionKind::AgencyReport,
                agency,
                received_on: on,
                contribution: Contribution {
                    text: text("Our report."),
                    chronology: Vec::new(),
                    form: FormResponse::default(),
                },
            },
            actor(on),
        )
        .await
        .expect("response");
}

#[tokio::test]
async fn a_requests_life_sends_exactly_these_emails() {
    let (mut smtp, t, case) = with_requests().await;
    let secrets = secrets(&t, case).await;
    let check_private = |mails: &[crate::common::smtp::Mail]| {
        for m in mails {
            for s in &secrets {
                assert!(!m.body.contains(s.as_str()), "{s} in {}", m.body);
                assert!(!m.subject.contains(s.as_str()), "{s} in {}", m.subject);
            }
        }
    };

    // Monday 1 September: the request, to each active representative of each agency.
    let first = run(&t.state).await;
    assert_eq!((first.enqueued, first.sent), (3, 3));
    let mails = smtp.take();
    assert_eq!(
        sent(&mails),
        to_each(
            &ALL_REPS,
            "Request for an agency report: case CSPR-2025-077"
        )
    );
    assert_eq!(
        mails[0].body.trim_end(),
        format!(
            "Your agency has been asked for an agency report for case CSPR-2025-077, due on \
             Tuesday 16 September 2025.\n\nFill in the form here (you will be asked to sign \
             in):\n{}\n\nThis email holds no details of the case: they are in cspr.\n\n\
             Northshire Safeguarding Children Partnership",
            form_link(case, HEALTH.as_uuid())
        )
    );
    check_private(&mails);
    // Running again the same day sends nothing.
    assert_eq!(run(&t.state).await, JobRun::default());

    // Wednesday 10 September: 4 working days before: nothing. Thursday 11: 3 before.
    t.set_now(on(date!(2025 - 09 - 10), 9));
    assert_eq!(run(&t.state).await.sent, 0);
    t.set_now(on(date!(2025 - 09 - 11), 9));
    assert_eq!(run(&t.state).await.sent, 3);
    let mails = smtp.take();
    assert_eq!(
        sent(&mails),
        to_each(
            &ALL_REPS,
            "Agency report due in 3 working days: case CSPR-2025-077"
        )
    );
    check_private(&mails);

    // Tuesday 16 September: the due-today chasers are planned; then police sends its report
    // before they go: police's is cancelled (skipped), health's go.
    t.set_now(on(DUE, 9));
    assert_eq!(jobs::enqueue_due(&t.state).await.expect("plan"), 3);
    respond(&t, case, POLICE, DUE).await;
    let day = run(&t.state).await;
    assert_eq!((day.sent, day.skipped), (2, 1));
    let mails = smtp.take();
    assert_eq!(
        sent(&mails),
        to_each(&[REP1, REP2], "Agency report due today: case CSPR-2025-077")
    );
    check_private(&mails);

    // Wednesday 17: overdue, to health only.
    t.set_now(on(date!(2025 - 09 - 17), 9));
    assert_eq!(run(&t.state).await.sent, 2);
    assert_eq!(
        sent(&smtp.take()),
        vec![
            (REP1, "Agency report overdue: case CSPR-2025-077"),
            (REP2, "Agency report overdue: case CSPR-2025-077"),
        ]
    );
    t.set_now(on(date!(2025 - 09 - 18), 9));
    assert_eq!(run(&t.state).await.sent, 0, "overdue goes once");

    // Friday 19: 3 working days overdue, escalation to health's subgroup member.
    t.set_now(on(date!(2025 - 09 - 19), 9));
    assert_eq!(run(&t.state).await.sent, 1);
    let mails = smtp.take();
    assert_eq!(
        sent(&mails),
        vec![(
            SUBGROUP,
            "Escalation: agency report overdue by 3 working days: case CSPR-2025-077"
        )]
    );
    assert!(
        mails[0].body.contains(&format!(
            "https://cspr.northshire.example/cases/{case}/requests\n"
        )),
        "{}",
        mails[0].body
    );
    check_private(&mails);

    // Health sends its report: nothing more, ever.
    respond(&t, case, HEALTH, date!(2025 - 09 - 22)).await;
    for day in [
        date!(2025 - 09 - 22),
        date!(2025 - 09 - 29),
        date!(2025 - 10 - 20),
    ] {
        t.set_now(on(day, 9));
        assert_eq!(run(&t.state).await, JobRun::default(), "{day}");
    }
    assert!(smtp.take().is_empty());
    assert_eq!(t.store.pending_jobs().await.expect("pending"), 0);
    assert!(!secrets.is_empty());
    let _ = TEAM;
}

#[tokio::test]
async fn nothing_is_sent_twice_after_a_restart_mid_job() {
    let (mut smtp, t, case) = with_requests().await;

    // The request's three emails are planned; a worker claims one and the server stops before
    // it sends or completes it.
    assert_eq!(jobs::enqueue_due(&t.state).await.expect("plan"), 3);
    let held = t.claim_job().await;
    assert_eq!(held.kind, jobs::CHASER_JOB);

    // A new server over the same store (a restart): the other two go at once, the held one
    // after its lease, each once.
    let restarted = t.state_with(sending(smtp.config()));
    let after = run(&restarted).await;
    assert_eq!((after.enqueued, after.sent), (0, 2));
    assert_eq!(smtp.take().len(), 2);
    t.advance(JOB_LEASE + Duration::seconds(1));
    assert_eq!(run(&restarted).await.sent, 1);
    let mails = smtp.take();
    assert_eq!(mails.len(), 1);
    let payload: jobs::Chaser = serde_json::from_value(held.payload).expect("payload");
    assert_eq!(payload.case_id, case.as_uuid());
    assert_eq!(payload.chaser, jobs::ChaserKind::Requested);

    // Another restart and more runs: nothing again.
    let again = t.state_with(sending(smtp.config()));
    for _ in 0..3 {
        t.advance(JOB_LEASE * 2);
        assert_eq!(run(&again).await, JobRun::default());
    }
    assert!(smtp.take().is_empty());
    assert_eq!(t.store.pending_jobs().await.expect("pending"), 0);
}

#[tokio::test]
async fn a_waived_request_and_a_moved_due_date_change_what_goes() {
    let (mut smtp, t, case) = with_requests().await;
    assert_eq!(run(&t.state).await.sent, 3);
    smtp.take();
    let app = t.state.app();
    // Police's request is no longer needed; health's moves to Tuesday 23 September.
    app.execute(
        case,
        None,
        Command::WaiveContribution {
            kind: ContributionKind::AgencyReport,
            agency: POLICE,
            reason: text("Police had no contact in the period."),
        },
        actor(date!(2025 - 09 - 01)),
    )
    .await
    .expect("waive");
    app.execute(
        case,
        None,
        Command::ChangeContributionDue {
            kind: ContributionKind::AgencyReport,
            agencies: vec![HEALTH],
            due_on: date!(2025 - 09 - 23),
            reason: text("Records are archived off site."),
        },
        actor(date!(2025 - 09 - 01)),
    )
    .await
    .expect("move");
    // On the old due date nothing goes; three working days before the new one, health's reps.
    t.set_now(on(DUE, 9));
    assert_eq!(run(&t.state).await.sent, 0);
    t.set_now(on(date!(2025 - 09 - 18), 9));
    assert_eq!(run(&t.state).await.sent, 2);
    assert_eq!(
        sent(&smtp.take()),
        vec![
            (
                REP1,
                "Agency report due in 3 working days: case CSPR-2025-077"
            ),
            (
                REP2,
                "Agency report due in 3 working days: case CSPR-2025-077"
            ),
        ]
    );
}
