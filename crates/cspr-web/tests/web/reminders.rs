//! Reminders and overdue chasers about actions, sent through a real SMTP server on loopback
//! (aiosmtpd writing to a Maildir) with the clock moved by the test: an action's life (before
//! due, on the day, overdue, escalation) with exact recipients and subjects and no personal data
//! in the emails; nothing sent twice when the runner runs again, after a worker died holding a
//! job, or when a job is enqueued twice; completion cancels later reminders; a failed send is
//! retried after the outbox's backoff; escalation falls back to the partnership team.
//!
//! Needs python3 with aiosmtpd (`python3 -m pip install aiosmtpd`; .ci/run installs it). Missing
//! tools fail the tests: they are never skipped.

use crate::common::smtp::{
    Mail, REP1, REP2, SUBGROUP, Smtp, TEAM, mail_app, mail_config, people, sent,
};
use crate::common::*;
use cspr_domain::case::Command;
use cspr_domain::examples::{ACTION1, text};
use cspr_domain::ids::CaseId;
use cspr_store::NewJob;
use cspr_web::jobs::{self, JOB_LEASE, JobRun, REMINDER_JOB};
use time::Duration;
use time::macros::{date, datetime};

const REFERENCE: &str = "CSPR-2025-042";

// ---------------------------------------------------------------------------------------------
// The application: email, the public address, agencies, people, and a case at the action plan

/// Email through a real SMTP server, the people (with a subgroup member) and a case with an
/// agreed action: the server, the application and the case.
async fn with_action() -> (Smtp, TestApp, CaseId) {
    let smtp = Smtp::start_on(free_port());
    let t = mail_app(mail_config(smtp.port)).await;
    people(&t, true).await;
    let case = case_with_action(&t).await;
    (smtp, t, case)
}

/// A case run through the example script up to its first agreed action: ACTION1, owned by
/// health, due Tuesday 30 September 2025.
async fn case_with_action(t: &TestApp) -> CaseId {
    t.example(REFERENCE)
        .through(|c| matches!(c, Command::AgreeAction { .. }))
        .await
}

async fn run(t: &TestApp) -> JobRun {
    jobs::run_jobs(&t.state).await.expect("run jobs")
}

fn link(case: CaseId) -> String {
    format!("https://cspr.northshire.example/cases/{case}/actions/record-action-progress")
}

/// What no email may show: the children's and family's names, the action's words, and
/// people's names.
async fn secrets(t: &TestApp, case: CaseId) -> Vec<String> {
    let mut out = t.children(case).await;
    let (_, events) = t.state.app().load(case).await.expect("case");
    let json = serde_json::to_value(&events).expect("events json");
    collect_names(&json, &mut out);
    out.extend(
        [
            "safe sleep",
            "Named nurse",
            "Pat ",
            "Northshire Community Health",
        ]
        .map(str::to_owned),
    );
    out
}

/// Every `name` string in the case's events (children, family members, practitioners).
fn collect_names(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                match v {
                    serde_json::Value::String(s) if k == "name" && s.len() > 2 => {
                        out.push(s.clone());
                    }
                    _ => collect_names(v, out),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_names(v, out)),
        _ => {}
    }
}

fn assert_clean(mails: &[Mail], secrets: &[String]) {
    for m in mails {
        for s in secrets {
            assert!(
                !m.body.contains(s.as_str()) && !m.subject.contains(s.as_str()),
                "an email shows {s:?}: {}\n{}",
                m.subject,
                m.body
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tests

#[tokio::test]
async fn an_actions_life_before_due_on_the_day_overdue_and_escalated() {
    let (mut smtp, t, case) = with_action().await;
    let secrets = secrets(&t, case).await;
    let before = format!("Action due in 5 working days: case {REFERENCE}");
    let today = format!("Action due today: case {REFERENCE}");
    let overdue = format!("Action overdue: case {REFERENCE}");
    let escalated = format!("Escalation: action overdue by 5 working days: case {REFERENCE}");

    // Day by day from Monday 1 September to Friday 10 October, running twice a day.
    let mut all = Vec::new();
    let mut day = date!(2025 - 09 - 01);
    while day <= date!(2025 - 10 - 10) {
        t.set_now(on(day, 9));
        run(&t).await;
        t.advance(Duration::hours(6));
        let again = run(&t).await;
        assert_eq!(
            again.enqueued + again.sent,
            0,
            "{day}: the second run sends nothing"
        );
        let mails = smtp.take();
        let got: Vec<(String, String)> = sent(&mails)
            .into_iter()
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .collect();
        let want: Vec<(String, String)> = match day {
            d if d == date!(2025 - 09 - 23) => vec![(REP1, &before), (REP2, &before)],
            d if d == date!(2025 - 09 - 30) => vec![(REP1, &today), (REP2, &today)],
            d if d == date!(2025 - 10 - 01) => vec![(REP1, &overdue), (REP2, &overdue)],
            d if d == date!(2025 - 10 - 07) => vec![(SUBGROUP, &escalated)],
            _ => vec![],
        }
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.clone()))
        .collect();
        assert_eq!(got, want, "{day}");
        all.extend(mails);
        day = day.next_day().expect("day");
    }
    assert_eq!(all.len(), 7);

    // The words: the reference, the due date, the link, and nothing of the case.
    assert_clean(&all, &secrets);
    for m in &all {
        assert!(m.body.contains(&link(case)), "{}", m.body);
        assert!(m.body.contains("30 September 2025"), "{}", m.body);
        assert!(!m.body.contains("@"), "no address in the text: {}", m.body);
    }
    assert!(all[0].body.starts_with(&format!(
        "An action your agency owns in case {REFERENCE} is due in 5 working days, on Tuesday \
         30 September 2025."
    )));
    let counts = t.store.job_counts().await.expect("counts");
    assert_eq!(
        (counts.done, counts.pending, counts.running, counts.dead),
        (7, 0, 0, 0)
    );
}

#[tokio::test]
async fn a_job_held_by_a_worker_that_died_is_sent_once() {
    let (mut smtp, t, case) = with_action().await;
    t.set_now(on(date!(2025 - 09 - 23), 9));

    // Planned twice: enqueued once.
    assert_eq!(jobs::enqueue_due(&t.state).await.expect("plan"), 2);
    assert_eq!(jobs::enqueue_due(&t.state).await.expect("plan"), 0);

    // A worker claims one and dies before sending or completing it.
    let held = t.claim_job().await;
    let first = run(&t).await;
    assert_eq!((first.enqueued, first.sent), (0, 1), "the other job goes");
    assert_eq!(smtp.take().len(), 1);

    // While its lease lasts the held job is left alone; after it, it goes once.
    t.advance(JOB_LEASE - Duration::seconds(1));
    assert_eq!(run(&t).await.sent, 0);
    t.advance(Duration::seconds(2));
    let second = run(&t).await;
    assert_eq!(second.sent, 1);
    let mails = smtp.take();
    assert_eq!(mails.len(), 1);
    let payload: jobs::Reminder = serde_json::from_value(held.payload).expect("payload");
    assert_eq!(payload.case_id, case.as_uuid());
    for _ in 0..3 {
        t.advance(JOB_LEASE * 2);
        assert_eq!(run(&t).await, JobRun::default());
    }
    assert!(smtp.take().is_empty());

    // The same reminder enqueued again without its key (an operator re-running a job) is
    // finished without sending: the key says it went.
    t.store
        .enqueue_jobs(vec![NewJob {
            kind: REMINDER_JOB.to_owned(),
            payload: serde_json::to_value(&payload).expect("json"),
            run_at: t.now(),
        }])
        .await
        .expect("enqueue");
    let rerun = run(&t).await;
    assert_eq!((rerun.sent, rerun.skipped), (0, 1));
    assert!(smtp.take().is_empty());
    assert_eq!(t.store.pending_jobs().await.expect("pending"), 0);
}

#[tokio::test]
async fn completion_cancels_later_reminders() {
    let (mut smtp, t, case) = with_action().await;
    t.set_now(on(date!(2025 - 09 - 23), 9));
    assert_eq!(run(&t).await.sent, 2);
    assert_eq!(smtp.take().len(), 2);

    // The due-day reminders are enqueued, then the action is completed before they run.
    t.set_now(on(date!(2025 - 09 - 30), 9));
    assert_eq!(jobs::enqueue_due(&t.state).await.expect("plan"), 2);
    t.state
        .app()
        .execute(
            case,
            None,
            Command::CompleteAction {
                action_id: ACTION1,
                completed_on: date!(2025 - 09 - 30),
                evidence_of_impact: Some(text("Audit shows safe sleep advice at every visit.")),
            },
            actor(date!(2025 - 09 - 30)),
        )
        .await
        .expect("complete");
    let cancelled = run(&t).await;
    assert_eq!((cancelled.sent, cancelled.skipped), (0, 2));
    for day in [
        date!(2025 - 10 - 01),
        date!(2025 - 10 - 07),
        date!(2025 - 11 - 03),
    ] {
        t.set_now(on(day, 9));
        assert_eq!(run(&t).await, JobRun::default(), "{day}");
    }
    assert!(smtp.take().is_empty());
    assert_eq!(t.store.pending_jobs().await.expect("pending"), 0);
}

#[tokio::test]
async fn a_failed_send_is_retried_after_the_backoff_and_sent_once() {
    // The mail server is down at first.
    let port = free_port();
    let t = mail_app(mail_config(port)).await;
    people(&t, true).await;
    case_with_action(&t).await;
    t.set_now(on(date!(2025 - 09 - 23), 9));
    let down = run(&t).await;
    assert_eq!((down.enqueued, down.sent, down.failed), (2, 0, 2));
    assert_eq!(t.store.pending_jobs().await.expect("pending"), 2);

    let mut smtp = Smtp::start_on(port);
    assert_eq!(run(&t).await.sent, 0, "not before the backoff");
    t.advance(Duration::seconds(31));
    assert_eq!(run(&t).await.sent, 2);
    let mails = smtp.take();
    assert_eq!(
        mails.iter().map(|m| m.to.as_str()).collect::<Vec<_>>(),
        [REP1, REP2]
    );
    t.advance(Duration::hours(1));
    assert_eq!(run(&t).await, JobRun::default());
    assert!(smtp.take().is_empty());
}

#[tokio::test]
async fn escalation_goes_to_the_team_when_the_agency_has_no_subgroup_member() {
    let mut smtp = Smtp::start_on(free_port());
    let t = mail_app(mail_config(smtp.port)).await;
    people(&t, false).await;
    case_with_action(&t).await;
    // The runner was not running until the escalation was due: only the latest reminder of
    // the representatives goes, not a burst of stale ones.
    t.set_now(on(date!(2025 - 10 - 08), 9));
    assert_eq!(run(&t).await.sent, 3);
    assert_eq!(
        sent(&smtp.take()),
        [
            (REP1, format!("Action overdue: case {REFERENCE}").as_str()),
            (REP2, format!("Action overdue: case {REFERENCE}").as_str()),
            (
                TEAM,
                format!("Escalation: action overdue by 6 working days: case {REFERENCE}").as_str()
            ),
        ]
    );
}

#[tokio::test]
async fn nothing_is_planned_or_claimed_without_the_public_address() {
    let t = mail_app(mail_config(free_port())).await;
    let state = t.state_with(|config| config.mail = Some(mail_config(1)));
    people(&t, true).await;
    case_with_action(&t).await;
    t.set_now(datetime!(2025-09-23 09:00 UTC));
    // The planner refuses without the address the emails link to...
    let err = jobs::enqueue_due(&state).await.expect_err("not configured");
    assert_eq!(
        err.to_string(),
        "reminders are not sent: public_url is not set"
    );
    // ...and the runner, which runs without email too (exports need none), plans nothing.
    let run = jobs::run_jobs(&state).await.expect("run");
    assert_eq!(run, JobRun::default());
    assert_eq!(t.store.pending_jobs().await.expect("pending"), 0);
}
