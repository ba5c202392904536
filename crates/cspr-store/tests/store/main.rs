//! The store's behaviour, one suite run against SQLite and PostgreSQL (see `backend_tests!`),
//! plus the cross-backend export, import, backup and restore checks.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail loudly, like the tests that call them"
)]

/// Runs `$check(from, to)` once per pair of backends, as four tests named in the order
/// SQLite to SQLite, PostgreSQL to PostgreSQL, SQLite to PostgreSQL, PostgreSQL to SQLite.
macro_rules! cross_backend_tests {
    ($check:ident: $sqlite_sqlite:ident, $pg_pg:ident, $sqlite_pg:ident, $pg_sqlite:ident) => {
        cross_backend_tests!(@one $check, $sqlite_sqlite, Sqlite, Sqlite);
        cross_backend_tests!(@one $check, $pg_pg, Postgres, Postgres);
        cross_backend_tests!(@one $check, $sqlite_pg, Sqlite, Postgres);
        cross_backend_tests!(@one $check, $pg_sqlite, Postgres, Sqlite);
    };
    (@one $check:ident, $name:ident, $from:ident, $to:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            $check(cspr_store::Backend::$from, cspr_store::Backend::$to).await;
        }
    };
}

mod access;
mod api_tokens;
mod backup;
mod blobs;
mod ceremonies;
mod chain;
mod disk;
mod events;
mod export;
mod identity;
mod jobs;
mod learning;
mod links;
mod open;
mod projections;
mod published;
mod retention;
mod rotate;
mod tamper;

use cspr_store::testing::TestDb;
use cspr_store::{
    ActionRow, Backend, CaseMember, CaseSummary, DeadlineRow, NewAccessEntry, NewEvent, NewJob,
    ProjectionUpdate, Store, StoreError,
};
use serde_json::{Value, json};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A fixed instant for tests.
pub const T0: OffsetDateTime = datetime!(2025-03-03 09:00:00 UTC);

/// An event whose plain and sealed parts carry `n`.
pub fn event(kind: &str, n: u64) -> NewEvent {
    NewEvent {
        event_type: kind.to_owned(),
        actor: "user:0001".to_owned(),
        occurred_at: T0 + time::Duration::minutes(n as i64),
        plain: json!({"n": n, "stage": "referral", "nested": {"b": 2, "a": [1, 2, 3]}}),
        sealed: json!({"child": format!("Child {n}"), "dob": "2019-05-01", "notes": "line one\nline two"}),
    }
}

/// A case summary with sensible values.
pub fn summary(
    case_id: Uuid,
    partnership_id: Uuid,
    reference: &str,
    opened_on: Date,
) -> CaseSummary {
    CaseSummary {
        case_id,
        partnership_id,
        reference: reference.to_owned(),
        stage: "rapid-review".to_owned(),
        stage_label: "Rapid review".to_owned(),
        next_deadline: Some(date!(2025 - 03 - 20)),
        next_deadline_label: Some("Rapid review due".to_owned()),
        opened_on,
        updated_at: T0,
        closed: false,
        closed_on: None,
        legal_hold: false,
        agencies: vec![Uuid::from_u128(0xa1)],
        themes: vec!["neglect".to_owned()],
    }
}

/// A whole projection: one deadline, one action, the given members.
pub fn projection(
    case_id: Uuid,
    partnership_id: Uuid,
    reference: &str,
    members: &[(Uuid, &str)],
) -> ProjectionUpdate {
    ProjectionUpdate {
        summary: summary(case_id, partnership_id, reference, date!(2025 - 03 - 01)),
        deadlines: vec![DeadlineRow {
            case_id,
            key: "rapid-review".to_owned(),
            label: "Rapid review".to_owned(),
            due: date!(2025 - 03 - 20),
            state: "due".to_owned(),
            met_on: None,
            explanation: "15 working days from notification on 2025-02-27".to_owned(),
        }],
        actions: vec![ActionRow {
            case_id,
            action_id: Uuid::new_v4(),
            recommendation: "R1".to_owned(),
            agency: "police".to_owned(),
            description: "Review joint visit protocol".to_owned(),
            due: Some(date!(2025 - 09 - 01)),
            status: "open".to_owned(),
            owner: "Head of service".to_owned(),
            themes: vec!["information sharing".to_owned(), "escalation".to_owned()],
            last_progress: Some(date!(2025 - 08 - 01)),
            completed_on: Some(date!(2025 - 08 - 20)),
            impact_evidenced_on: None,
        }],
        members: members
            .iter()
            .map(|(user_id, role)| CaseMember {
                user_id: *user_id,
                role: (*role).to_owned(),
            })
            .collect(),
    }
}

/// A job due at `run_at`.
pub fn job(kind: &str, run_at: OffsetDateTime) -> NewJob {
    NewJob {
        kind: kind.to_owned(),
        payload: json!({"case": "x", "n": 1}),
        run_at,
    }
}

/// An access-log entry.
pub fn access(action: &str, case_id: Option<Uuid>, detail: &str) -> NewAccessEntry {
    NewAccessEntry {
        actor: "user:0001".to_owned(),
        action: action.to_owned(),
        case_id,
        detail: detail.to_owned(),
        source_ip: "192.0.2.10".to_owned(),
        at: T0,
    }
}

/// The canonical export as text.
pub async fn export_text(store: &Store) -> String {
    let mut out = Vec::new();
    store.export_canonical(&mut out).await.unwrap();
    String::from_utf8(out).unwrap()
}

/// The rows of one table in a canonical export.
pub fn exported_rows(export: &str, table: &str) -> Vec<Value> {
    export
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["table"] == table)
        .map(|v| v["row"].clone())
        .collect()
}

/// A migrated store on a new database of `backend`; the database lives as long as the
/// returned [`TestDb`] (keep it bound).
pub async fn fresh_store(backend: Backend) -> (TestDb, Store) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    (db, store)
}

/// Imports a canonical export made on `from` into a fresh store of `to` and checks that the
/// copy exports byte for byte the same.
pub async fn imported(export: &str, from: Backend, to: Backend) -> (TestDb, Store) {
    let (db, store) = fresh_store(to).await;
    store.import_canonical(export.as_bytes()).await.unwrap();
    let after = export_text(&store).await;
    assert_eq!(export, after, "{from} -> {to}: canonical exports differ");
    (db, store)
}

/// Asserts that a store call failed with `NotFound`.
#[track_caller]
pub fn assert_not_found<T: std::fmt::Debug>(result: Result<T, StoreError>) {
    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
}

/// Appends events with no projection and no jobs; returns the stream's new version.
pub async fn append_events(
    store: &Store,
    stream: Uuid,
    partnership: Uuid,
    version: u64,
    events: Vec<NewEvent>,
) -> u64 {
    store
        .append(stream, partnership, version, events, None, vec![])
        .await
        .unwrap()
}

/// Fills a store with a little of everything: streams, a shredded case, projections, the
/// access log, jobs in several states and blobs. Returns the ids of the live and shredded case.
pub async fn populate(store: &Store) -> (Uuid, Uuid) {
    let partnership = Uuid::new_v4();
    let live = Uuid::new_v4();
    let gone = Uuid::new_v4();
    let user = Uuid::new_v4();
    store
        .append(
            live,
            partnership,
            0,
            vec![event("NotificationRecorded", 1), event("ReferralMade", 2)],
            Some(projection(
                live,
                partnership,
                "CSPR-2025-001",
                &[(user, "reviewer")],
            )),
            vec![job("notify-panel", T0)],
        )
        .await
        .unwrap();
    append_events(
        store,
        gone,
        partnership,
        0,
        vec![event("NotificationRecorded", 3)],
    )
    .await;
    store
        .append(
            live,
            partnership,
            2,
            vec![event("TriageDecided", 4)],
            None,
            vec![job("send-chaser", T0)],
        )
        .await
        .unwrap();
    store
        .put_blob(
            live,
            "application/pdf",
            "Chronology of Child 1.pdf",
            b"%PDF-1.7 ...",
        )
        .await
        .unwrap();
    store
        .put_blob(gone, "text/plain", "notes.txt", b"private")
        .await
        .unwrap();
    store.shred_case(gone).await.unwrap();
    for (n, title) in [(1_u128, "Review of Child A"), (2, "Review of Child B")] {
        store
            .publish_report(cspr_store::NewPublishedReport {
                id: Uuid::from_u128(n),
                partnership_id: partnership,
                case_id: Uuid::from_u128(100 + n),
                title: title.to_owned(),
                summary: "What was learned, and what changes.".to_owned(),
                themes: vec!["Neglect".to_owned(), "Safe sleep".to_owned()],
                published_on: date!(2025 - 06 - 02),
                online_until: date!(2026 - 06 - 02),
                // The second is information about the improvements: the backup keeps it too.
                pdf: if n == 1 {
                    b"%PDF-1.7 public".to_vec()
                } else {
                    Vec::new()
                },
                improvements: (n == 2).then(|| cspr_store::Improvements {
                    items: vec![cspr_store::Improvement {
                        recommendation: "Share information about new adults.".to_owned(),
                        actions: vec![cspr_store::ImprovementAction {
                            what: "Train health visitors.".to_owned(),
                            by: "Northshire Health".to_owned(),
                            due: "30 September 2025".to_owned(),
                        }],
                    }],
                }),
                body_text: Some(format!("{title}: the public words.")),
                age_group: None,
                created_at: T0,
            })
            .await
            .unwrap();
    }
    store
        .withdraw_published_report(Uuid::from_u128(102), date!(2025 - 07 - 01))
        .await
        .unwrap();
    store
        .log_access(access("view-case", Some(live), "route=/cases"))
        .await
        .unwrap();
    store
        .log_access(access("sign-in-failed", None, "name=eve\r\nforged"))
        .await
        .unwrap();
    let claimed = store
        .claim_job(T0, time::Duration::minutes(5))
        .await
        .unwrap()
        .unwrap();
    store
        .fail_job(claimed.id, "smtp: connection refused", T0)
        .await
        .unwrap();
    (live, gone)
}
