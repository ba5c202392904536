//! The access log: append, per-case reads, and CR/LF that cannot forge an entry.

use uuid::Uuid;

use crate::access;

cspr_store::backend_tests! {
    async fn access_log_appends_and_reads_per_case(db) {
        let store = db.store().await;
        let (case, other) = (Uuid::new_v4(), Uuid::new_v4());
        store.log_access(access("view-case", Some(case), "page=summary")).await.unwrap();
        store.log_access(access("download", Some(other), "blob=1")).await.unwrap();
        store.log_access(access("sign-in-failed", None, "name=mallory\r\n2025-03-03 user:0001 view-case ok")).await.unwrap();
        store.log_access(access("download", Some(case), "blob=2")).await.unwrap();

        let rows = store.access_log_for_case(case).await.unwrap();
        assert_eq!(rows.iter().map(|r| (r.seq, r.action.as_str())).collect::<Vec<_>>(), [(1, "view-case"), (4, "download")]);
        assert_eq!(rows[0].source_ip, "192.0.2.10");
        assert_eq!(rows[0].at, crate::T0);
        assert!(store.access_log_for_case(Uuid::new_v4()).await.unwrap().is_empty());

        let all = store.read_access_log(0, 10).await.unwrap();
        assert_eq!(all.len(), 4);
        let forged = &all[2];
        assert!(!forged.detail.contains('\n') && !forged.detail.contains('\r'));
        assert_eq!(forged.detail, "name=mallory\\r\\n2025-03-03 user:0001 view-case ok");
        assert_eq!(forged.case_id, None);
        assert!(store.verify().await.unwrap().is_ok());
        assert_eq!(store.verify().await.unwrap().access_entries_checked, 4);
    }

    // Issue 20: concurrent reads share one transaction. Forty entries queued while the
    // committer is held are written together, each request answered once its batch committed,
    // and the chain links them in order.
    async fn entries_that_arrive_together_commit_together(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        let held = store.hold_access_log().await;
        let writers = spawn_writers(&store, case, 40, |i| format!("n={i}"));
        wait_for_queue(&store, 40).await;
        // Nothing is answered, or written, before the batch commits.
        assert!(writers.iter().all(|w| !w.is_finished()));
        assert!(store.read_access_log(0, 100).await.unwrap().is_empty());
        drop(held);
        for writer in writers {
            writer.await.unwrap().unwrap();
        }
        let rows = store.read_access_log(0, 100).await.unwrap();
        assert_eq!(rows.len(), 40);
        assert_eq!(rows.iter().map(|r| r.seq).collect::<Vec<_>>(), (1..=40).collect::<Vec<_>>());
        let report = store.verify().await.unwrap();
        assert!(report.is_ok(), "{report}");
        assert_eq!(report.access_entries_checked, 40);
    }

    // A batch larger than one statement carries goes in as several statements, in order, in
    // the one transaction; the chain runs on across them.
    async fn a_large_batch_is_chained_across_statements(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        store.log_access(access("view-case", Some(case), "first")).await.unwrap();
        let held = store.hold_access_log().await;
        let writers = spawn_writers(&store, case, 150, |i| format!("n={i}"));
        wait_for_queue(&store, 150).await;
        drop(held);
        for writer in writers {
            writer.await.unwrap().unwrap();
        }
        store.log_access(access("view-case", Some(case), "last")).await.unwrap();
        let rows = store.read_access_log(0, 200).await.unwrap();
        assert_eq!(rows.iter().map(|r| r.seq).collect::<Vec<_>>(), (1..=152).collect::<Vec<_>>());
        assert_eq!((rows[0].detail.as_str(), rows[151].detail.as_str()), ("first", "last"));
        let mut details: Vec<&str> = rows[1..151].iter().map(|r| r.detail.as_str()).collect();
        details.sort_unstable();
        let mut expected: Vec<String> = (0..150).map(|i| format!("n={i}")).collect();
        expected.sort_unstable();
        assert_eq!(details, expected);
        let report = store.verify().await.unwrap();
        assert!(report.is_ok(), "{report}");
        assert_eq!(report.access_entries_checked, 152);
    }

    // The test: a batch that fails fails every read in it, and writes none of them;
    // the next batch goes on from the same head.
    async fn a_failed_batch_fails_every_read_in_it(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        store.log_access(access("view-case", Some(case), "before")).await.unwrap();
        poison_access_log(&db).await;

        let held = store.hold_access_log().await;
        let writers = spawn_writers(&store, case, 10, |i| {
            if i == 7 { "poison".to_owned() } else { format!("n={i}") }
        });
        wait_for_queue(&store, 10).await;
        drop(held);
        for writer in writers {
            let refused = writer.await.unwrap();
            assert!(matches!(refused, Err(cspr_store::StoreError::Unavailable(_))), "{refused:?}");
        }
        let rows = store.read_access_log(0, 100).await.unwrap();
        assert_eq!(rows.iter().map(|r| r.detail.as_str()).collect::<Vec<_>>(), ["before"]);

        // A batch without the poisoned entry commits after the failed one.
        store.log_access(access("view-case", Some(case), "after")).await.unwrap();
        let rows = store.read_access_log(0, 100).await.unwrap();
        assert_eq!(rows.iter().map(|r| (r.seq, r.detail.as_str())).collect::<Vec<_>>(), [(1, "before"), (2, "after")]);
        assert!(store.verify().await.unwrap().is_ok());
    }

    // A request that goes away while its batch commits (the client hung up) does not take the
    // other requests' entries with it.
    async fn a_request_dropped_mid_batch_leaves_the_batch_whole(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        let held = store.hold_access_log().await;
        let writers = spawn_writers(&store, case, 5, |i| format!("n={i}"));
        wait_for_queue(&store, 5).await;
        writers[0].abort();
        drop(held);
        for writer in writers.into_iter().skip(1) {
            writer.await.unwrap().unwrap();
        }
        // Queued entries are written even for the request that went away: the log errs on the
        // side of recording a read.
        assert_eq!(store.read_access_log(0, 100).await.unwrap().len(), 5);
        assert!(store.verify().await.unwrap().is_ok());
    }
}

/// `n` requests, each writing a read of `case` with `detail(i)` to the access log at once.
fn spawn_writers(
    store: &cspr_store::Store,
    case: Uuid,
    n: usize,
    detail: impl Fn(usize) -> String,
) -> Vec<tokio::task::JoinHandle<Result<(), cspr_store::StoreError>>> {
    (0..n)
        .map(|i| {
            let store = store.clone();
            let entry = access("view-case", Some(case), &detail(i));
            tokio::spawn(async move { store.log_access(entry).await })
        })
        .collect()
}

/// Waits until `n` entries are queued for the access log's next commit.
async fn wait_for_queue(store: &cspr_store::Store, n: usize) {
    for _ in 0..500 {
        if store.queued_access_entries() >= n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!(
        "only {} entries queued, expected {n}",
        store.queued_access_entries()
    );
}

/// Makes the database refuse an access-log row whose detail is `poison`, as a failing disk or
/// constraint would, so a batch holding it fails as a whole.
async fn poison_access_log(db: &cspr_store::testing::TestDb) {
    match db.backend() {
        cspr_store::Backend::Sqlite => {
            db.execute(
                "CREATE TRIGGER poison BEFORE INSERT ON access_log WHEN NEW.detail = 'poison' \
                 BEGIN SELECT RAISE(ABORT, 'poisoned row'); END",
            )
            .await;
        }
        cspr_store::Backend::Postgres => {
            db.execute(
                "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 IF NEW.detail = 'poison' THEN RAISE EXCEPTION 'poisoned row'; END IF; \
                 RETURN NEW; END $$",
            )
            .await;
            db.execute(
                "CREATE TRIGGER poison BEFORE INSERT ON access_log FOR EACH ROW \
                 EXECUTE FUNCTION poison()",
            )
            .await;
        }
    }
}
