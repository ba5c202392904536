//! The learning library's records on both backends: briefing streams under optimistic
//! concurrency, kept to their partnership and append-only; imported review records replaced by
//! id.

use cspr_store::{NewBriefingEvent, NewJob, StoreError};
use serde_json::json;
use uuid::Uuid;

use crate::T0;

const PARTNERSHIP: Uuid = Uuid::from_u128(0xC1);
const OTHER: Uuid = Uuid::from_u128(0xC2);

fn event(kind: &str, n: u32) -> NewBriefingEvent {
    NewBriefingEvent {
        event_type: kind.to_owned(),
        actor: "user:team".to_owned(),
        body: json!({ "type": kind, "n": n }),
    }
}

cspr_store::backend_tests! {
    async fn briefing_streams_append_under_their_version_and_stay_in_their_partnership(db) {
        let store = db.store().await;
        let b = Uuid::new_v4();
        let v = store
            .append_briefing(b, PARTNERSHIP, 0, vec![event("drafted", 1), event("edited", 2)], vec![])
            .await
            .unwrap();
        assert_eq!(v, 2);
        // A stale version is refused and writes nothing, jobs included.
        let job = NewJob {
            kind: "briefing-test".to_owned(),
            payload: json!({}),
            run_at: T0,
        };
        let stale = store
            .append_briefing(b, PARTNERSHIP, 1, vec![event("sent", 3)], vec![job.clone()])
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict { expected: 1, actual: 2 })), "{stale:?}");
        assert_eq!(store.pending_jobs().await.unwrap(), 0);
        // Another partnership cannot write to it, nor read it.
        let foreign = store
            .append_briefing(b, OTHER, 2, vec![event("sent", 3)], vec![])
            .await;
        assert!(matches!(foreign, Err(StoreError::NotFound)), "{foreign:?}");
        assert!(store.briefing_events(OTHER, b).await.unwrap().is_empty());
        store
            .append_briefing(b, PARTNERSHIP, 2, vec![event("sent", 3)], vec![job])
            .await
            .unwrap();
        assert_eq!(store.pending_jobs().await.unwrap(), 1);
        let events = store.briefing_events(PARTNERSHIP, b).await.unwrap();
        assert_eq!(
            events.iter().map(|e| (e.version, e.event_type.as_str(), e.body["n"].as_u64())).collect::<Vec<_>>(),
            vec![(1, "drafted", Some(1)), (2, "edited", Some(2)), (3, "sent", Some(3))]
        );
        let other = Uuid::new_v4();
        store.append_briefing(other, OTHER, 0, vec![event("drafted", 1)], vec![]).await.unwrap();
        assert_eq!(store.all_briefing_events(PARTNERSHIP).await.unwrap().len(), 3);
        assert_eq!(store.all_briefing_events(OTHER).await.unwrap().len(), 1);
        // Append-only.
        assert!(db.try_execute("UPDATE briefing_events SET body = '{}'").await.is_err());
        assert!(db.try_execute("DELETE FROM briefing_events").await.is_err());
    }

    async fn library_records_are_replaced_by_id(db) {
        let store = db.store().await;
        let new = store
            .import_library_records(&[
                ("r1".to_owned(), r#"{"title":"One"}"#.to_owned()),
                ("r2".to_owned(), r#"{"title":"Two"}"#.to_owned()),
            ])
            .await
            .unwrap();
        assert_eq!(new, 2);
        let new = store
            .import_library_records(&[("r1".to_owned(), r#"{"title":"One, again"}"#.to_owned())])
            .await
            .unwrap();
        assert_eq!(new, 0);
        let all = store.library_records().await.unwrap();
        assert_eq!(
            all.iter().map(|r| (r.id.as_str(), r.record.as_str())).collect::<Vec<_>>(),
            vec![("r1", r#"{"title":"One, again"}"#), ("r2", r#"{"title":"Two"}"#)]
        );
        // A bad record in a batch leaves the batch unwritten.
        let bad = store
            .import_library_records(&[("r3".to_owned(), "{}".to_owned()), (" ".to_owned(), "{}".to_owned())])
            .await;
        assert!(bad.is_err());
        assert_eq!(store.library_records().await.unwrap().len(), 2);
    }
}
