//! The job outbox: claim, lease expiry, complete, fail with backoff until dead, concurrent
//! claimers that never share a job, and idempotency keys that enqueue a job once and mark its
//! work done with its completion.

use std::collections::HashSet;

use cspr_store::{JOB_MAX_ATTEMPTS, JobOutcome, StoreError, job_backoff};
use time::Duration;

use crate::{T0, job};

cspr_store::backend_tests! {
    async fn jobs_are_claimed_completed_and_retried_with_backoff(db) {
        let store = db.store().await;
        let lease = Duration::minutes(5);
        store.enqueue_jobs(vec![job("first", T0), job("second", T0 + Duration::seconds(1)), job("later", T0 + Duration::days(365))]).await.unwrap();
        assert_eq!(store.pending_jobs().await.unwrap(), 3);
        let now = T0 + Duration::seconds(2);

        let a = store.claim_job(now, lease).await.unwrap().unwrap();
        assert_eq!((a.kind.as_str(), a.attempts), ("first", 1));
        assert_eq!(a.payload["n"], 1);
        let b = store.claim_job(now, lease).await.unwrap().unwrap();
        assert_eq!(b.kind, "second", "a claimed job is not handed out twice");
        assert!(store.claim_job(now, lease).await.unwrap().is_none(), "'later' is not due yet");

        store.complete_job(a.id).await.unwrap();
        assert!(matches!(store.complete_job(a.id).await, Err(StoreError::NotFound)));

        // A worker that died: its lease runs out and the job is handed out again.
        let again = store.claim_job(now + lease + Duration::seconds(1), lease).await.unwrap().unwrap();
        assert_eq!((again.id, again.attempts), (b.id, 2));

        // Failures back off exponentially, then the job is parked as dead.
        let mut clock = now + lease + Duration::seconds(1);
        let mut attempts = again.attempts;
        let id = again.id;
        loop {
            store.fail_job(id, "smtp: 421 try later\r\nInjected: line", clock).await.unwrap();
            if attempts >= JOB_MAX_ATTEMPTS {
                break;
            }
            let wait = job_backoff(attempts);
            assert!(store.claim_job(clock + wait - Duration::seconds(1), lease).await.unwrap().is_none());
            clock += wait;
            let j = store.claim_job(clock, lease).await.unwrap().unwrap();
            assert_eq!(j.id, id);
            attempts = j.attempts;
        }
        let counts = store.job_counts().await.unwrap();
        assert_eq!((counts.done, counts.dead, counts.pending, counts.running), (1, 1, 1, 0));
        assert!(matches!(store.fail_job(id, "again", clock).await, Err(StoreError::NotFound)));
    }

    async fn concurrent_claimers_never_share_a_job(db) {
        const JOBS: usize = 200;
        let store = db.store().await;
        store.enqueue_jobs((0..JOBS).map(|_| job("work", T0)).collect()).await.unwrap();
        let mut workers = Vec::new();
        for _ in 0..4 {
            let store = store.clone();
            workers.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                while let Some(j) = store.claim_job(T0, Duration::minutes(10)).await.unwrap() {
                    mine.push(j.id);
                    store.complete_job(j.id).await.unwrap();
                }
                mine
            }));
        }
        let mut all = Vec::new();
        for w in workers {
            all.extend(w.await.unwrap());
        }
        let unique: HashSet<i64> = all.iter().copied().collect();
        assert_eq!(all.len(), JOBS, "every job claimed once");
        assert_eq!(unique.len(), JOBS, "no job claimed twice");
        assert_eq!(store.pending_jobs().await.unwrap(), 0);
    }

    async fn a_key_is_enqueued_once_and_done_with_its_job(db) {
        let store = db.store().await;
        let lease = Duration::minutes(10);
        let keyed = |key: &str| (key.to_owned(), job("send-reminder", T0));
        assert_eq!(store.enqueue_keyed_jobs(vec![keyed("a"), keyed("b"), keyed("a")]).await.unwrap(), 2);
        assert_eq!(store.enqueue_keyed_jobs(vec![keyed("a"), keyed("b"), keyed("c")]).await.unwrap(), 1);
        assert!(matches!(store.enqueue_keyed_jobs(vec![keyed(" ")]).await, Err(StoreError::Invalid(_))));
        assert_eq!(store.pending_jobs().await.unwrap(), 3);
        assert!(!store.job_key_done("a").await.unwrap());
        assert!(!store.job_key_done("unknown").await.unwrap());

        // A worker claims "a" and dies before completing; the job is handed out again after
        // its lease, its key still not done, and completed with the key in one go.
        let first = store.claim_job(T0, lease).await.unwrap().unwrap();
        let again = store.claim_job(T0 + lease, lease).await.unwrap().unwrap();
        assert_eq!(first.id, again.id);
        assert!(!store.job_key_done("a").await.unwrap());
        store.complete_keyed_job(again.id, "a", JobOutcome::Done, T0 + lease).await.unwrap();
        assert!(store.job_key_done("a").await.unwrap());
        assert!(matches!(
            store.complete_keyed_job(again.id, "a", JobOutcome::Done, T0 + lease).await,
            Err(StoreError::NotFound)
        ));

        // Completing under a key another job already finished writes nothing.
        let b = store.claim_job(T0 + lease, lease).await.unwrap().unwrap();
        assert!(matches!(
            store.complete_keyed_job(b.id, "a", JobOutcome::Skipped, T0 + lease).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(store.job_counts().await.unwrap().running, 1, "b is still running");
        store.complete_keyed_job(b.id, "b", JobOutcome::Skipped, T0 + lease).await.unwrap();
        assert!(store.job_key_done("b").await.unwrap());

        // A finished key is never enqueued again.
        assert_eq!(store.enqueue_keyed_jobs(vec![keyed("a"), keyed("b")]).await.unwrap(), 0);
        let counts = store.job_counts().await.unwrap();
        assert_eq!((counts.done, counts.pending, counts.running), (2, 1, 0));
    }

    async fn concurrent_planners_enqueue_a_key_once(db) {
        let store = db.store().await;
        let mut planners = Vec::new();
        for _ in 0..4 {
            let store = store.clone();
            planners.push(tokio::spawn(async move {
                let jobs = (0..20).map(|n| (format!("key-{n}"), job("send-reminder", T0))).collect();
                store.enqueue_keyed_jobs(jobs).await.unwrap()
            }));
        }
        let mut total = 0;
        for p in planners {
            total += p.await.unwrap();
        }
        assert_eq!(total, 20);
        assert_eq!(store.pending_jobs().await.unwrap(), 20);
    }
}
