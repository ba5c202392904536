//! Canonical export and import: round trips within and across backends give byte-identical
//! exports; bad imports change nothing.

use cspr_store::testing::TestDb;
use cspr_store::{Backend, MasterKey, StoreError};
use uuid::Uuid;

use crate::{T0, append_events, event, export_text, fresh_store, imported, job, populate};

async fn round_trip(from: Backend, to: Backend) {
    let (_source_db, source) = fresh_store(from).await;
    let (live, gone) = populate(&source).await;
    let before = export_text(&source).await;
    let (_target_db, target) = imported(&before, from, to).await;

    // The copy is a working store: chains verify, sealed data decrypts, shredding persists,
    // sequences continue after the imported rows.
    let report = target.verify().await.unwrap();
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.events_checked, 4);
    let events = target.load_stream(live).await.unwrap();
    assert_eq!(events.len(), 3);
    assert!(events.iter().all(|e| e.sealed.is_some()));
    assert!(target.load_stream(gone).await.unwrap()[0].sealed.is_none());
    target
        .enqueue_jobs(vec![job("after-import", T0)])
        .await
        .unwrap();
    append_events(
        &target,
        live,
        events[0].partnership_id,
        3,
        vec![event("After", 9)],
    )
    .await;
    target
        .log_access(crate::access("view-case", Some(live), "after"))
        .await
        .unwrap();
    assert!(target.verify().await.unwrap().is_ok());
    let counts = target.job_counts().await.unwrap();
    assert_eq!(counts.pending, 3);
}

cross_backend_tests!(round_trip:
    export_import_sqlite_to_sqlite,
    export_import_postgres_to_postgres,
    export_import_sqlite_to_postgres,
    export_import_postgres_to_sqlite
);

cspr_store::backend_tests! {
    async fn export_is_deterministic_and_has_no_export_time(db) {
        let store = db.store().await;
        populate(&store).await;
        let first = export_text(&store).await;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let second = export_text(&store).await;
        assert_eq!(first, second);
        let lines: Vec<&str> = first.lines().collect();
        assert_eq!(lines[0], r#"{"format":"cspr-canonical-export","version":1}"#);
        assert!(lines.last().unwrap().starts_with(r#"{"end":true"#));
    }

    async fn bad_imports_change_nothing(db) {
        let source = TestDb::sqlite().await;
        let source = source.store().await;
        populate(&source).await;
        let good = export_text(&source).await;
        let store = db.store().await;
        let empty = export_text(&store).await;

        let truncated: String = good.lines().take(good.lines().count() - 3).map(|l| format!("{l}\n")).collect();
        let err = store.import_canonical(truncated.as_bytes()).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");

        let garbled = good.replacen("\"table\":\"events\"", "\"table\":\"evil\"", 1);
        assert!(matches!(store.import_canonical(garbled.as_bytes()).await, Err(StoreError::Invalid(_))));

        let not_json = good.replacen("{\"row\"", "{row", 1);
        assert!(matches!(store.import_canonical(not_json.as_bytes()).await, Err(StoreError::Invalid(_))));

        // Rows whose hashes no longer chain are refused.
        let actor = "\"actor\":\"user:0001\"";
        let first_actor = good.find(actor).unwrap();
        let mut tampered = good.clone();
        tampered.replace_range(first_actor..first_actor + actor.len(), "\"actor\":\"user:0002\"");
        let err = store.import_canonical(tampered.as_bytes()).await.unwrap_err();
        assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");

        // Data sealed under another master key is refused.
        let other_db = TestDb::sqlite().await;
        let other = other_db.store_with_key(MasterKey::from_bytes([5; 32])).await.unwrap();
        let err = other.import_canonical(good.as_bytes()).await.unwrap_err();
        assert!(matches!(err, StoreError::WrongMasterKey), "{err:?}");

        assert_eq!(export_text(&store).await, empty, "every failed import left the target empty");

        store.import_canonical(good.as_bytes()).await.unwrap();
        let err = store.import_canonical(good.as_bytes()).await.unwrap_err();
        assert!(matches!(err, StoreError::NotEmpty(_)), "{err:?}");
        assert_eq!(export_text(&store).await, good);
    }

    async fn export_is_consistent_while_writers_run(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        let p = Uuid::new_v4();
        store.append(case, p, 0, vec![event("A", 0)], None, vec![]).await.unwrap();
        let writer = {
            let store = store.clone();
            tokio::spawn(async move {
                for v in 1..100u64 {
                    store.append(case, p, v, vec![event("B", v)], None, vec![]).await.unwrap();
                }
            })
        };
        for _ in 0..5 {
            let text = export_text(&store).await;
            // The snapshot's chain head matches the last event row it contains.
            let events = text.lines().filter(|l| l.starts_with("{\"row\":") && l.contains("\"table\":\"events\"")).count();
            let head = text.lines().find(|l| l.contains("\"chain\":\"events\"")).unwrap();
            assert!(head.contains(&format!("\"seq\":{events}}}")), "{head} vs {events} rows");
            let copy = TestDb::sqlite().await;
            let copy = copy.store().await;
            copy.import_canonical(text.as_bytes()).await.unwrap();
        }
        writer.await.unwrap();
    }
}
