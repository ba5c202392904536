//! The application service against a real store, on SQLite and on PostgreSQL: commands become
//! events and read models in one transaction; refusals and conflicts write nothing; the demo
//! seeds a case at every stage.

use cspr_app::{Actor, App, AppError};
use cspr_domain::calendar::Calendar;
use cspr_domain::case::{Command, Stage};
use cspr_domain::examples::{PARTNERSHIP, local_review_script};
use cspr_domain::ids::{CaseId, UserId};
use cspr_domain::settings::Settings;
use cspr_store::Backend;
use cspr_store::testing::TestDb;
use time::macros::date;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

fn actor(today: Date) -> Actor {
    Actor {
        user_id: UserId::from_uuid(Uuid::from_u128(7)),
        now: OffsetDateTime::new_utc(today, time::Time::MIDNIGHT),
        today,
        acting_for: None,
    }
}

fn settings() -> Settings {
    Settings {
        subgroup_meetings: vec![date!(2025 - 03 - 13), date!(2025 - 04 - 10)],
        ..Settings::default()
    }
}

/// A new case opened by the first step of the local review script; the case and the script.
async fn opened(app: &App) -> (CaseId, Vec<(Date, Command)>) {
    let case_id = CaseId::random();
    let script = local_review_script();
    app.execute(case_id, Some(0), script[0].1.clone(), actor(script[0].0))
        .await
        .expect("opened");
    (case_id, script)
}

/// The case's stream version as stored.
async fn version(app: &App, case_id: CaseId) -> u64 {
    app.store()
        .stream_version(case_id.as_uuid())
        .await
        .expect("version")
}

async fn app(backend: Backend) -> (TestDb, App) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    (
        db,
        App::new(store, Calendar::england_and_wales(), settings()),
    )
}

async fn commands_become_events_and_read_models(backend: Backend) {
    let (_db, app) = app(backend).await;
    let case_id = CaseId::random();
    let script = local_review_script();
    for (today, cmd) in script.iter().take(10) {
        app.execute(case_id, None, cmd.clone(), actor(*today))
            .await
            .expect("step accepted");
    }
    let (case, events) = app.load(case_id).await.expect("load");
    assert_eq!(case.stage, Stage::RapidReview);
    assert_eq!(events.len() as u64, case.version);
    let summary = app
        .store()
        .case_summary(case_id.as_uuid())
        .await
        .expect("summary")
        .expect("present");
    assert_eq!(summary.stage, "rapid-review");
    assert_eq!(summary.reference, "CSPR-2025-001");
    assert_eq!(summary.partnership_id, PARTNERSHIP.as_uuid());
    assert_eq!(summary.next_deadline, Some(date!(2025 - 03 - 25)));
    let deadlines = app
        .store()
        .deadlines(case_id.as_uuid())
        .await
        .expect("deadlines");
    assert!(
        deadlines
            .iter()
            .any(|d| d.key == "rapid-review" && d.due == date!(2025 - 03 - 25))
    );
    // The personal part is sealed: the plain part holds only the stage.
    let stored = app
        .store()
        .load_stream(case_id.as_uuid())
        .await
        .expect("stream");
    assert!(stored.iter().all(|e| {
        e.plain
            .as_object()
            .is_some_and(|o| o.len() == 1 && o.contains_key("stage"))
    }));
    // Members come from membership events: the reviewer, and the health representative with
    // the agency recorded on the case.
    for (today, cmd) in script
        .iter()
        .skip(10)
        .take_while(|(_, c)| !matches!(c, Command::AppointIndependentReviewer { .. }))
    {
        app.execute(case_id, None, cmd.clone(), actor(*today))
            .await
            .expect("step accepted");
    }
    let mut members = app
        .store()
        .case_members(case_id.as_uuid())
        .await
        .expect("members");
    members.sort_by_key(|m| m.user_id);
    let members: Vec<(Uuid, String)> = members.into_iter().map(|m| (m.user_id, m.role)).collect();
    assert_eq!(
        members,
        vec![
            (
                cspr_domain::examples::REVIEWER_USER.as_uuid(),
                "independent-reviewer".to_owned()
            ),
            (
                cspr_domain::examples::AGENCY_USER.as_uuid(),
                format!("agency-representative:{}", cspr_domain::examples::HEALTH)
            ),
        ]
    );
}

async fn a_refused_command_writes_nothing(backend: Backend) {
    let (_db, app) = app(backend).await;
    let (case_id, script) = opened(&app).await;
    let today = script[0].0;
    let err = app
        .execute(
            case_id,
            None,
            Command::SubmitRapidReview {
                submitted_on: today,
            },
            actor(today),
        )
        .await
        .expect_err("not at this stage");
    assert!(matches!(err, AppError::Domain(_)), "{err:?}");
    assert_eq!(version(&app, case_id).await, 1);
}

async fn a_stale_version_is_a_conflict(backend: Backend) {
    let (_db, app) = app(backend).await;
    let (case_id, script) = opened(&app).await;
    let err = app
        .execute(case_id, Some(0), script[1].1.clone(), actor(script[1].0))
        .await
        .expect_err("stale");
    assert!(
        matches!(
            err,
            AppError::Conflict {
                expected: 0,
                actual: 1
            }
        ),
        "{err:?}"
    );
    assert_eq!(version(&app, case_id).await, 1);
}

/// An application on a fresh database with the demo's settings for `today`.
async fn demo_app(backend: Backend, today: time::Date) -> (TestDb, App) {
    let db = TestDb::new(backend).await;
    let app = App::new(
        db.store().await,
        Calendar::england_and_wales(),
        cspr_app::demo::settings(today),
    );
    (db, app)
}

async fn demo_seeds_a_case_at_every_stage_and_rebuild_keeps_them(backend: Backend) {
    let today = date!(2026 - 11 - 25);
    let (_db, app) = demo_app(backend, today).await;
    let made = cspr_app::demo::seed(&app, today).await.expect("demo");
    let stages: Vec<Stage> = made.iter().map(|c| c.stage).collect();
    let expected: Vec<Stage> = Stage::ALL
        .iter()
        .copied()
        .filter(|s| *s != Stage::New)
        .collect();
    assert_eq!(stages, expected);
    assert_eq!(made.len(), cspr_app::demo::STAGES as usize);
    let mut children = std::collections::BTreeSet::new();
    for c in &made {
        let (case, events) = app.load(c.case_id).await.expect("load");
        assert_eq!(case.stage, c.stage, "{}", c.reference);
        assert_eq!(case.reference.as_deref(), Some(c.reference.as_str()));
        children.insert(case.children[0].name.as_str().to_owned());
        // The demonstration's words, not the worked example's placeholders.
        let json = serde_json::to_string(&events).expect("json");
        for placeholder in [
            "Text of ",
            "Our involvement with the family.",
            "Home visit.",
        ] {
            assert!(
                !json.contains(placeholder),
                "{} says {placeholder}",
                c.reference
            );
        }
    }
    assert_eq!(children.len(), made.len(), "every family has its own name");
    // The case at the action plan was published with its public copy.
    let action_plan = made
        .iter()
        .find(|c| c.stage == Stage::ActionPlan)
        .expect("an action plan");
    let copy = app
        .store()
        .published_report_for_case(action_plan.case_id.as_uuid())
        .await
        .expect("read")
        .expect("a public copy");
    assert!(copy.pdf_size > 1000, "{copy:?}");
    assert!(copy.withdrawn_on.is_none());
    assert!(
        copy.summary
            .contains("who lives in and visits a baby's home")
    );
    let summaries = app
        .store()
        .case_summaries(cspr_store::CaseScope::Partnership(PARTNERSHIP.as_uuid()))
        .await
        .expect("list");
    assert_eq!(summaries.len(), made.len());
    let rebuilt = app
        .rebuild_projections(actor(today))
        .await
        .expect("rebuild");
    assert_eq!(rebuilt, made.len());
}

/// `cspr demo --cases N`: N cases, every stage in turn, each with its own reference, spread
/// over three years before today, none dated after it.
async fn demo_seeds_many_cases_over_three_years(backend: Backend) {
    let today = date!(2026 - 11 - 25);
    let (_db, app) = demo_app(backend, today).await;
    let mut told = Vec::new();
    let made = cspr_app::demo::seed_cases(&app, today, 40, |n| told.push(n))
        .await
        .expect("demo");
    assert_eq!(made.len(), 40);
    assert_eq!(told, (1..=40).collect::<Vec<_>>());
    let per_stage = |stage| made.iter().filter(|c| c.stage == stage).count();
    assert!(per_stage(Stage::Incident) >= 3 && per_stage(Stage::Closed) >= 3);
    let mut references: Vec<&str> = made.iter().map(|c| c.reference.as_str()).collect();
    references.sort_unstable();
    references.dedup();
    assert_eq!(references.len(), 40, "references repeat");
    let summaries = app
        .store()
        .case_summaries(cspr_store::CaseScope::Partnership(PARTNERSHIP.as_uuid()))
        .await
        .expect("list");
    assert_eq!(summaries.len(), 40);
    let opened: Vec<time::Date> = summaries.iter().map(|s| s.opened_on).collect();
    assert!(opened.iter().all(|d| *d <= today));
    let earliest = opened.iter().min().copied().expect("cases");
    assert!(
        (today - earliest).whole_days() > 365,
        "the history starts on {earliest}"
    );
    // A later case's reference carries the year it opened.
    for s in &summaries {
        let year = s.reference.split('-').nth(1).expect("year");
        let opened_year = s.opened_on.year();
        assert!(
            year == opened_year.to_string() || year == today.year().to_string(),
            "{} opened {}",
            s.reference,
            s.opened_on
        );
    }
}

/// A decoded case kept in memory is served only while its stream has not moved on, and never
/// after the case is shredded.
async fn a_kept_copy_never_outlives_a_change_or_a_shred(backend: Backend) {
    let (_db, app) = app(backend).await;
    let (case_id, script) = opened(&app).await;
    let (first, events) = app.load(case_id).await.expect("load");
    assert_eq!((first.version, events.len()), (1, 1));
    // Loaded again: the same case.
    let (again, _) = app.load(case_id).await.expect("load");
    assert_eq!(again, first);
    // A page that only reads it shares the kept copy instead of copying it (issue 20).
    let (shared, shared_events) = app.load_shared(case_id).await.expect("load");
    let (shared_again, _) = app.load_shared(case_id).await.expect("load");
    assert_eq!((*shared).clone(), first);
    assert_eq!(shared_events.len(), 1);
    assert!(std::sync::Arc::ptr_eq(&shared, &shared_again));
    // Given the version the access check read, the kept copy at it, with no read of its own.
    let (at_version, _) = app.load_shared_at(case_id, 1).await.expect("load");
    assert!(std::sync::Arc::ptr_eq(&shared, &at_version));
    // Another App on the same store (another process) changes the case: this one sees it.
    let other = App::new(
        app.store().clone(),
        Calendar::england_and_wales(),
        settings(),
    );
    other
        .execute(case_id, Some(1), script[1].1.clone(), actor(script[1].0))
        .await
        .expect("notified");
    let (moved, events) = app.load(case_id).await.expect("load");
    assert_eq!((moved.version, events.len()), (2, 2));
    assert!(moved.notified_on.is_some());
    let (shared_moved, _) = app.load_shared(case_id).await.expect("load");
    assert_eq!(shared_moved.version, 2);
    // Shredded by another process (issue 18): nothing of it is served from this one's memory,
    // though it keeps a copy at the stream's version.
    assert!(app.load_shared_at(case_id, 2).await.is_ok());
    other.shred_case(case_id).await.expect("shred");
    let err = app.load(case_id).await.expect_err("shredded");
    assert!(
        matches!(err, AppError::Store(cspr_store::StoreError::Shredded)),
        "{err:?}"
    );
    let err = app.load_shared(case_id).await.expect_err("shredded");
    assert!(
        matches!(err, AppError::Store(cspr_store::StoreError::Shredded)),
        "{err:?}"
    );
    assert_eq!(
        app.store()
            .stream_state(case_id.as_uuid())
            .await
            .expect("state"),
        (2, true)
    );
}

/// The demonstration's earlier cases: three closed in each of the two reporting years before
/// today, each with its own family, the local reviews among them published.
async fn demo_history_closes_cases_in_the_two_years_before(backend: Backend) {
    let today = date!(2026 - 12 - 07);
    let (_db, app) = demo_app(backend, today).await;
    let made = cspr_app::demo::seed_history(&app, today)
        .await
        .expect("history");
    assert_eq!(made.len(), cspr_app::demo::HISTORY);
    let mut opened_in = Vec::new();
    for c in &made {
        let (case, _) = app.load(c.case_id).await.expect("load");
        assert_eq!(case.stage, Stage::Closed, "{}", c.reference);
        let summary = app
            .store()
            .case_summary(c.case_id.as_uuid())
            .await
            .expect("read")
            .expect("listed");
        opened_in.push(cspr_domain::figures::Period::reporting_year(summary.opened_on).words());
    }
    assert_eq!(
        opened_in,
        [
            "2024 to 2025",
            "2024 to 2025",
            "2024 to 2025",
            "2025 to 2026",
            "2025 to 2026",
            "2025 to 2026"
        ]
    );
    let published = app
        .store()
        .published_reports(PARTNERSHIP.as_uuid())
        .await
        .expect("published");
    assert_eq!(published.len(), 2, "one local review a year");
}

/// Two servers on one database (issue 18): settings saved through one are taken up by the
/// other at the version the store holds, and not read again while that version stands.
async fn settings_saved_on_one_server_reach_another(backend: Backend) {
    use cspr_app::{Services, SystemClock, settings::StoredSettings};
    let (_db, app) = app(backend).await;
    let store = app.store().clone();
    let first = Services::new(
        app.clone(),
        PARTNERSHIP,
        "Northshire",
        std::sync::Arc::new(SystemClock),
    );
    let second = Services::new(
        App::new(store.clone(), Calendar::england_and_wales(), settings()),
        PARTNERSHIP,
        "Northshire",
        std::sync::Arc::new(SystemClock),
    );
    // Nothing saved yet: version 0, and each keeps what it started with.
    assert_eq!(
        store
            .partnership_settings_version(PARTNERSHIP.as_uuid())
            .await
            .expect("version"),
        0
    );
    second.settings_at(0).await.expect("nothing to read");
    assert_eq!(
        second.app().settings().contribution_working_days,
        settings().contribution_working_days
    );

    let closure = date!(2025 - 03 - 14);
    let mut changed = StoredSettings::with_closure_days(
        Settings {
            contribution_working_days: 12,
            ..settings()
        },
        vec![closure],
    );
    cspr_app::settings::save(&first, &changed, actor(date!(2025 - 03 - 03)))
        .await
        .expect("saved");
    let version = store
        .partnership_settings_version(PARTNERSHIP.as_uuid())
        .await
        .expect("version");
    assert_eq!(version, 1);
    assert_eq!(first.app().settings().contribution_working_days, 12);
    // The other server still runs with what it had until it meets the new version...
    assert_eq!(
        second.app().settings().contribution_working_days,
        settings().contribution_working_days
    );
    second.settings_at(version).await.expect("taken up");
    assert_eq!(second.app().settings().contribution_working_days, 12);
    assert!(!second.app().calendar().is_working_day(closure));
    // ...and a second save reaches it through the store's version before its jobs run.
    changed.settings.contribution_working_days = 15;
    cspr_app::settings::save(&first, &changed, actor(date!(2025 - 03 - 03)))
        .await
        .expect("saved");
    assert_eq!(
        store
            .partnership_settings_version(PARTNERSHIP.as_uuid())
            .await
            .expect("version"),
        2
    );
    second.refresh_settings().await.expect("refreshed");
    assert_eq!(second.app().settings().contribution_working_days, 15);
}

macro_rules! on_both {
    ($($name:ident),*) => {
        mod sqlite { $( #[tokio::test] async fn $name() { super::$name(cspr_store::Backend::Sqlite).await } )* }
        mod postgres { $( #[tokio::test] async fn $name() { super::$name(cspr_store::Backend::Postgres).await } )* }
    };
}

mod accounts;
mod answers;
mod dates;
mod policy;
mod public_text;
mod retention;
mod subject_access;
mod workflows;

on_both!(
    commands_become_events_and_read_models,
    a_refused_command_writes_nothing,
    a_stale_version_is_a_conflict,
    demo_seeds_a_case_at_every_stage_and_rebuild_keeps_them,
    demo_seeds_many_cases_over_three_years,
    demo_history_closes_cases_in_the_two_years_before,
    a_kept_copy_never_outlives_a_change_or_a_shred,
    settings_saved_on_one_server_reach_another
);
