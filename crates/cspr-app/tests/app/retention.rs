//! Retention and erasure on both databases, with the clock injected: a closed case is kept to
//! the last day of its period and erased the day after; a legal hold keeps it until lifted; a
//! dry run changes nothing; every erasure leaves an audit record; the access log's old entries
//! go and the chain still verifies; the daily job runs once a day.

use std::sync::{Arc, Mutex};

use cspr_app::retention::{ACTOR, ERASED, Kind, RetentionReport, run};
use cspr_app::{Actor, App, AppError, Clock, Services};
use cspr_domain::case::Command;
use cspr_domain::examples::{PARTNERSHIP, no_further_action_script, text};
use cspr_domain::ids::{CaseId, UserId};
use cspr_store::{Backend, NewAccessEntry, StoreError};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::workflows::app;

/// Noon (UTC) on `day`: a time in the middle of the day in England.
fn noon(day: Date) -> OffsetDateTime {
    day.with_time(time::macros::time!(12:00)).assume_utc()
}

fn actor(today: Date) -> Actor {
    Actor {
        user_id: UserId::from_uuid(Uuid::from_u128(7)),
        now: noon(today),
        today,
        acting_for: None,
    }
}

/// A case closed on 6 March 2025 (no further action): with the default schedule (7 years after
/// closure) it is kept until 6 March 2032.
async fn closed_case(app: &App) -> CaseId {
    let case_id = CaseId::random();
    for (today, cmd) in no_further_action_script() {
        app.execute(case_id, None, cmd, actor(today))
            .await
            .expect("step accepted");
    }
    case_id
}

const KEPT_UNTIL: Date = date!(2032 - 03 - 06);

async fn retain(app: &App, day: Date, dry_run: bool) -> RetentionReport {
    run(app, PARTNERSHIP.as_uuid(), noon(day), dry_run, "test")
        .await
        .expect("retention run")
}

fn erased_cases(report: &RetentionReport) -> Vec<Option<Uuid>> {
    report
        .erased
        .iter()
        .filter(|e| e.kind == Kind::Case)
        .map(|e| e.case_id)
        .collect()
}

fn assert_erased(result: Result<impl std::fmt::Debug, AppError>) {
    assert!(
        matches!(result, Err(AppError::Store(StoreError::Shredded))),
        "{result:?}"
    );
}

async fn kept_to_the_last_day_and_erased_the_day_after(backend: Backend) {
    let (_db, app) = app(backend).await;
    let case_id = closed_case(&app).await;
    let last_day = retain(&app, KEPT_UNTIL, false).await;
    assert!(erased_cases(&last_day).is_empty(), "{last_day:?}");
    app.load(case_id)
        .await
        .expect("still readable on its last day");

    let day_after = retain(&app, date!(2032 - 03 - 07), false).await;
    assert_eq!(erased_cases(&day_after), vec![Some(case_id.as_uuid())]);
    assert_erased(app.load(case_id).await);
    let store = app.store();
    let id = case_id.as_uuid();
    assert!(store.deadlines(id).await.expect("deadlines").is_empty());
    assert!(store.case_actions(id).await.expect("actions").is_empty());
    let summary = store.case_summary(id).await.expect("read").expect("kept");
    assert_eq!(summary.reference, "CSPR-2025-002");
    assert!(summary.next_deadline.is_none());
    // The audit record: what, which case, why and under which rule; no personal data.
    let log = store.access_log_for_case(id).await.expect("log");
    let audit = log
        .iter()
        .find(|e| e.action == ERASED)
        .expect("the erasure is audited");
    assert_eq!(audit.actor, ACTOR);
    assert_eq!(
        audit.detail,
        "case: closed on 6 March 2025, kept until 6 March 2032 (7 years after closure); no legal hold"
    );
    assert!(store.verify().await.expect("verify").is_ok());
    // A second run finds nothing more to do.
    let again = retain(&app, date!(2032 - 03 - 08), false).await;
    assert!(erased_cases(&again).is_empty());
}

async fn a_legal_hold_keeps_a_case_until_it_is_lifted(backend: Backend) {
    let (_db, app) = app(backend).await;
    let case_id = closed_case(&app).await;
    app.execute(
        case_id,
        None,
        Command::PlaceLegalHold {
            reason: text("Civil claim."),
        },
        actor(date!(2031 - 01 - 06)),
    )
    .await
    .expect("held");
    let held = retain(&app, date!(2033 - 01 - 10), false).await;
    assert!(erased_cases(&held).is_empty(), "{held:?}");
    assert_eq!(held.held, vec!["CSPR-2025-002".to_owned()]);
    app.load(case_id).await.expect("kept while held");

    app.execute(
        case_id,
        None,
        Command::LiftLegalHold {
            reason: text("The claim was settled."),
        },
        actor(date!(2033 - 01 - 10)),
    )
    .await
    .expect("lifted");
    let next = retain(&app, date!(2033 - 01 - 11), false).await;
    assert_eq!(erased_cases(&next), vec![Some(case_id.as_uuid())]);
    assert_erased(app.load(case_id).await);
}

async fn export(app: &App) -> Vec<u8> {
    let mut out = Vec::new();
    app.store()
        .export_canonical(&mut out)
        .await
        .expect("export");
    out
}

async fn a_dry_run_lists_what_would_go_and_changes_nothing(backend: Backend) {
    let (_db, app) = app(backend).await;
    let case_id = closed_case(&app).await;
    old_entries(&app, 3).await;
    let before = export(&app).await;
    let report = retain(&app, date!(2033 - 01 - 10), true).await;
    assert!(report.dry_run);
    assert_eq!(erased_cases(&report), vec![Some(case_id.as_uuid())]);
    assert!(
        report
            .erased
            .iter()
            .any(|e| e.kind == Kind::AccessLog && e.count == 3),
        "{report:?}"
    );
    assert_eq!(export(&app).await, before, "a dry run wrote something");
    app.load(case_id).await.expect("still readable");
}

/// Logs `n` entries on 2 January 2025, to be past a 7-year period in 2032.
async fn old_entries(app: &App, n: usize) {
    for i in 0..n {
        app.store()
            .log_access(NewAccessEntry {
                actor: "someone".to_owned(),
                action: "view-case".to_owned(),
                case_id: None,
                detail: format!("old {i}"),
                source_ip: "10.0.0.1".to_owned(),
                at: datetime!(2025-01-02 09:00 UTC),
            })
            .await
            .expect("logged");
    }
}

async fn old_access_log_entries_go_and_the_chain_still_verifies(backend: Backend) {
    let (_db, app) = app(backend).await;
    old_entries(&app, 4).await;
    let store = app.store();
    let anchor = store
        .verify_anchored(None)
        .await
        .expect("anchor")
        .anchor_text;
    store
        .log_access(NewAccessEntry {
            actor: "someone".to_owned(),
            action: "view-case".to_owned(),
            case_id: None,
            detail: "recent".to_owned(),
            source_ip: "10.0.0.1".to_owned(),
            at: datetime!(2031-06-01 09:00 UTC),
        })
        .await
        .expect("logged");
    // Not yet: 2 January 2025 is within 7 years of 2 January 2032.
    let early = retain(&app, date!(2032 - 01 - 02), false).await;
    assert!(early.erased.iter().all(|e| e.kind != Kind::AccessLog));
    assert_eq!(store.read_access_log(0, 100).await.expect("log").len(), 5);

    let report = retain(&app, date!(2032 - 01 - 03), false).await;
    let erased = report
        .erased
        .iter()
        .find(|e| e.kind == Kind::AccessLog)
        .expect("old entries erased");
    assert_eq!(erased.count, 4);
    let left = store.read_access_log(0, 100).await.expect("log");
    assert!(
        left.iter().all(|e| !e.detail.starts_with("old")),
        "{left:?}"
    );
    assert!(left.iter().any(|e| e.detail == "recent"));
    let audit = left
        .iter()
        .find(|e| e.action == ERASED)
        .expect("the erasure is audited");
    assert_eq!(
        audit.detail,
        "access-log: 4 entries up to position 4 written before 3 January 2025: kept 7 years"
    );
    let report = store.verify().await.expect("verify");
    assert!(report.is_ok(), "{report:?}");
    // An anchor taken before the erasure still checks: the keyed record vouches for its rows.
    let anchored = store
        .verify_anchored(Some(&anchor))
        .await
        .expect("anchored");
    assert!(anchored.report.is_ok(), "{:?}", anchored.report);
}

#[derive(Debug)]
struct Settable(Mutex<OffsetDateTime>);

impl Clock for Settable {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().expect("clock")
    }
}

async fn the_daily_job_runs_once_a_day(backend: Backend) {
    let (_db, app) = app(backend).await;
    let case_id = closed_case(&app).await;
    let clock = Arc::new(Settable(Mutex::new(noon(KEPT_UNTIL))));
    let services = Services::new(app, PARTNERSHIP, "Test partnership", clock.clone());
    let daily = cspr_app::retention::daily_key(KEPT_UNTIL);
    assert!(!services.store().job_key_done(&daily).await.expect("key"));
    // The job runner's sweep runs it: the day's run is recorded, and the case is kept on its
    // last day.
    let first = cspr_app::jobs::run_jobs(&services).await.expect("run");
    assert_eq!(
        first,
        cspr_app::jobs::JobRun::default(),
        "no email job counted"
    );
    assert!(services.store().job_key_done(&daily).await.expect("key"));
    services
        .app()
        .load(case_id)
        .await
        .expect("kept on its last day");
    assert!(
        cspr_app::retention::run_daily(&services).await.is_none(),
        "once a day"
    );
    // The next day's sweep erases it, and says so in the access log.
    *clock.0.lock().expect("clock") = noon(date!(2032 - 03 - 07));
    cspr_app::jobs::run_jobs(&services).await.expect("run");
    assert_erased(services.app().load(case_id).await);
    let log = services
        .store()
        .access_log_for_case(case_id.as_uuid())
        .await
        .expect("log");
    assert!(
        log.iter()
            .any(|e| e.action == ERASED && e.source_ip == "daily job")
    );
    assert_eq!(
        services.store().pending_jobs().await.expect("pending"),
        0,
        "no outbox job left behind"
    );
}

/// A practitioner link that expired on 17 March 2025 and a report withdrawn on 1 September
/// 2025: with the defaults (90 days, 1 year) the link goes from 16 June 2025 and the report
/// from 2 September 2026, each with its audit record; a report online stays.
async fn links_and_withdrawn_reports_go_after_their_periods(backend: Backend) {
    let (_db, app) = app(backend).await;
    let case_id = closed_case(&app).await.as_uuid();
    let store = app.store();
    let link = cspr_store::NewPractitionerLink {
        id: Uuid::new_v4(),
        token_hash: "token".to_owned(),
        partnership_id: PARTNERSHIP.as_uuid(),
        case_id,
        form: "scoping-form".to_owned(),
        email: "sam@nhs.example".to_owned(),
        created_by: Uuid::from_u128(7),
        created_at: datetime!(2025-03-03 09:00 UTC),
        expires_at: datetime!(2025-03-17 09:00 UTC),
    };
    store.create_link(link.clone()).await.expect("link");
    let report = |case_id| cspr_store::NewPublishedReport {
        id: Uuid::new_v4(),
        partnership_id: PARTNERSHIP.as_uuid(),
        case_id,
        title: "Child Safeguarding Practice Review: Child A".to_owned(),
        summary: "How agencies worked together.".to_owned(),
        themes: Vec::new(),
        published_on: date!(2025 - 07 - 28),
        online_until: date!(2026 - 07 - 28),
        pdf: b"%PDF-1.7 test".to_vec(),
        improvements: None,
        body_text: None,
        age_group: None,
        created_at: datetime!(2025-07-28 09:00 UTC),
    };
    let online = Uuid::new_v4();
    let withdrawn = report(case_id);
    let withdrawn_id = withdrawn.id;
    store.publish_report(withdrawn).await.expect("published");
    store
        .publish_report(report(online))
        .await
        .expect("published");
    store
        .withdraw_published_report(case_id, date!(2025 - 09 - 01))
        .await
        .expect("withdrawn");
    let kinds = |r: &RetentionReport| r.erased.iter().map(|e| e.kind).collect::<Vec<_>>();

    let early = retain(&app, date!(2025 - 06 - 15), false).await;
    assert!(kinds(&early).is_empty(), "{early:?}");
    let links = retain(&app, date!(2025 - 06 - 16), false).await;
    assert_eq!(kinds(&links), vec![Kind::PractitionerLink]);
    assert!(
        store
            .link_by_token_hash("token")
            .await
            .expect("read")
            .is_none()
    );
    assert!(kinds(&retain(&app, date!(2026 - 09 - 01), false).await).is_empty());
    let reports = retain(&app, date!(2026 - 09 - 02), false).await;
    assert_eq!(kinds(&reports), vec![Kind::WithdrawnReport]);
    assert!(
        store
            .published_report_for_case(case_id)
            .await
            .expect("read")
            .is_none()
    );
    assert!(
        store
            .published_report_for_case(online)
            .await
            .expect("read")
            .is_some()
    );
    let details: Vec<String> = store
        .access_log_for_case(case_id)
        .await
        .expect("log")
        .into_iter()
        .filter(|e| e.action == ERASED)
        .map(|e| e.detail)
        .collect();
    assert_eq!(
        details,
        vec![
            format!(
                "practitioner-link: link {}; practitioner link closed before 18 March 2025: kept 90 days after it closes",
                link.id
            ),
            format!(
                "withdrawn-report: report {withdrawn_id}; published report withdrawn before 2 September 2025: kept 1 year after withdrawal"
            ),
        ]
    );
}

on_both!(
    links_and_withdrawn_reports_go_after_their_periods,
    kept_to_the_last_day_and_erased_the_day_after,
    a_legal_hold_keeps_a_case_until_it_is_lifted,
    a_dry_run_lists_what_would_go_and_changes_nothing,
    old_access_log_entries_go_and_the_chain_still_verifies,
    the_daily_job_runs_once_a_day
);
