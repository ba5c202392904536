//! Appending and loading streams: round trip, optimistic concurrency, racing writers and the
//! projection written in the append's transaction.

use std::collections::HashMap;
use std::sync::Arc;

use cspr_store::{StoreError, StoredEvent};
use serde_json::json;
use tokio::sync::Barrier;
use uuid::Uuid;

use crate::{T0, event, export_text, job, projection};

cspr_store::backend_tests! {
    async fn append_and_load_round_trip(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        let other = Uuid::new_v4();
        let partnership = Uuid::new_v4();
        let events = vec![event("NotificationRecorded", 1), event("ReferralMade", 2), event("TriageDecided", 3)];
        let v = store.append(case, partnership, 0, events.clone(), None, vec![]).await.unwrap();
        assert_eq!(v, 3);
        store.append(other, partnership, 0, vec![event("NotificationRecorded", 9)], None, vec![]).await.unwrap();
        let v = store.append(case, partnership, 3, vec![event("RapidReviewStarted", 4)], None, vec![]).await.unwrap();
        assert_eq!(v, 4);

        let loaded = store.load_stream(case).await.unwrap();
        assert_eq!(loaded.len(), 4);
        for (i, (stored, sent)) in loaded.iter().zip(events.iter()).enumerate() {
            assert_eq!(stored.version, i as u64 + 1);
            assert_eq!(stored.stream_id, case);
            assert_eq!(stored.partnership_id, partnership);
            assert_eq!(stored.event_type, sent.event_type);
            assert_eq!(stored.actor, sent.actor);
            assert_eq!(stored.occurred_at, sent.occurred_at);
            assert_eq!(stored.plain, sent.plain);
            assert_eq!(stored.sealed.as_ref(), Some(&sent.sealed), "sealed part decrypts");
            assert_eq!(stored.hash.len(), 64);
        }
        assert_eq!(loaded.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2, 3, 5]);
        assert_eq!(store.stream_version(case).await.unwrap(), 4);
        assert_eq!(store.stream_version(Uuid::new_v4()).await.unwrap(), 0);
        assert!(store.load_stream(Uuid::new_v4()).await.unwrap().is_empty());
        assert_eq!(store.stream_ids().await.unwrap(), vec![case, other]);

        let all = store.read_all(0, 100).await.unwrap();
        assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
        assert_eq!(all[3].stream_id, other);
        let page = store.read_all(2, 2).await.unwrap();
        assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![3, 4]);

        // Personal data is not readable in storage; plain data is.
        let dump = export_text(&store).await;
        assert!(dump.contains("TriageDecided"));
        assert!(!dump.contains("Child 1"), "sealed data must be encrypted at rest");
        assert!(store.verify().await.unwrap().is_ok());
    }

    async fn sub_microsecond_times_and_offsets_are_normalised(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        let mut e = event("NotificationRecorded", 1);
        e.occurred_at = time::macros::datetime!(2025-03-03 10:00:00.123456789 +01:00);
        store.append(case, Uuid::new_v4(), 0, vec![e], None, vec![]).await.unwrap();
        let loaded = store.load_stream(case).await.unwrap();
        assert_eq!(loaded[0].occurred_at, time::macros::datetime!(2025-03-03 09:00:00.123456 UTC));
        assert!(store.verify().await.unwrap().is_ok());
    }

    async fn wrong_expected_version_is_a_conflict(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        let partnership = Uuid::new_v4();
        store.append(case, partnership, 0, vec![event("A", 1)], None, vec![]).await.unwrap();
        let err = store.append(case, partnership, 0, vec![event("B", 2)], None, vec![]).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict { expected: 0, actual: 1 }), "{err:?}");
        let err = store.append(case, partnership, 7, vec![event("B", 2)], None, vec![]).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict { expected: 7, actual: 1 }), "{err:?}");
        assert_eq!(store.stream_version(case).await.unwrap(), 1);
        // A stream stays in its partnership.
        let err = store.append(case, Uuid::new_v4(), 1, vec![event("B", 2)], None, vec![]).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
        assert_eq!(store.load_stream(case).await.unwrap().len(), 1);
    }

    async fn racing_writers_lose_no_update(db) {
        const ROUNDS: u64 = 1_000;
        let store = db.store().await;
        let case = Uuid::new_v4();
        let partnership = Uuid::new_v4();
        let barrier = Arc::new(Barrier::new(2));
        let mut winners = Vec::new();
        let started = std::time::Instant::now();
        for round in 0..ROUNDS {
            let attempt = |writer: u64| {
                let store = store.clone();
                let barrier = barrier.clone();
                tokio::spawn(async move {
                    let mut e = event("Edited", round);
                    e.plain = json!({"round": round, "writer": writer});
                    barrier.wait().await;
                    store.append(case, partnership, round, vec![e], None, vec![]).await
                })
            };
            let (a, b) = (attempt(0), attempt(1));
            let (a, b) = (a.await.unwrap(), b.await.unwrap());
            match (a, b) {
                (Ok(v), Err(StoreError::Conflict { expected, actual })) => {
                    assert_eq!((v, expected, actual), (round + 1, round, round + 1));
                    winners.push((round, 0));
                }
                (Err(StoreError::Conflict { expected, actual }), Ok(v)) => {
                    assert_eq!((v, expected, actual), (round + 1, round, round + 1));
                    winners.push((round, 1));
                }
                other => panic!("round {round}: exactly one writer must win, got {other:?}"),
            }
        }
        let elapsed = started.elapsed();
        assert_eq!(store.stream_version(case).await.unwrap(), ROUNDS);
        let events: Vec<StoredEvent> = store.load_stream(case).await.unwrap();
        assert_eq!(events.len() as u64, ROUNDS);
        let mut seen: HashMap<(u64, u64), usize> = HashMap::new();
        for e in &events {
            let key = (e.plain["round"].as_u64().unwrap(), e.plain["writer"].as_u64().unwrap());
            *seen.entry(key).or_default() += 1;
            assert_eq!(e.version, key.0 + 1);
        }
        for w in &winners {
            assert_eq!(seen.get(w), Some(&1), "every won event is present exactly once");
        }
        assert_eq!(seen.len(), winners.len());
        assert!(store.verify().await.unwrap().is_ok());
        eprintln!("{} racing rounds in {elapsed:?}", ROUNDS);
    }

    async fn projection_and_jobs_commit_with_the_append_only(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        let partnership = Uuid::new_v4();
        let member = Uuid::new_v4();
        let first = projection(case, partnership, "CSPR-1", &[(member, "reviewer")]);
        store
            .append(case, partnership, 0, vec![event("A", 1)], Some(first.clone()), vec![job("notify", T0)])
            .await
            .unwrap();
        assert_eq!(store.case_summary(case).await.unwrap(), Some(first.summary.clone()));
        assert_eq!(store.deadlines(case).await.unwrap(), first.deadlines);
        assert_eq!(store.pending_jobs().await.unwrap(), 1);

        let mut second = projection(case, partnership, "CSPR-1 renamed", &[]);
        second.summary.stage = "scoping".to_owned();
        let err = store
            .append(case, partnership, 0, vec![event("B", 2)], Some(second.clone()), vec![job("notify", T0)])
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }));
        assert_eq!(store.case_summary(case).await.unwrap(), Some(first.summary.clone()), "unchanged after a conflict");
        assert_eq!(store.case_members(case).await.unwrap(), first.members);
        assert_eq!(store.pending_jobs().await.unwrap(), 1, "no job enqueued after a conflict");

        store.append(case, partnership, 1, vec![event("B", 2)], Some(second.clone()), vec![]).await.unwrap();
        assert_eq!(store.case_summary(case).await.unwrap(), Some(second.summary.clone()));
        assert_eq!(store.case_actions(case).await.unwrap(), second.actions);
        assert!(store.case_members(case).await.unwrap().is_empty());

        // A projection for another case is refused before anything is written.
        let stray = projection(Uuid::new_v4(), partnership, "X", &[]);
        let err = store.append(case, partnership, 2, vec![event("C", 3)], Some(stray), vec![]).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)));
        assert_eq!(store.stream_version(case).await.unwrap(), 2);
    }
}
