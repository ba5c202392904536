//! Issue 16, finding 8: the chains are keyed (HMAC-SHA256 under a key only the master key
//! opens), so someone with write access to the database but not the key cannot recompute them;
//! a database written before keeps its old rows, pinned by a keyed boundary record; signed
//! anchors kept outside the database catch a rollback or a rewrite of the whole store.

use cspr_store::testing::TestDb;
use cspr_store::{BreakReason, MasterKey, Store, StoreError};
use uuid::Uuid;

use crate::{access, append_events, event, export_text};

/// Three events over two streams and two access-log entries; returns the store and a stream.
async fn with_history(db: &TestDb) -> (Store, Uuid, Uuid) {
    let store = db.store().await;
    let (p, a, b) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    append_events(&store, a, p, 0, vec![event("A1", 1), event("A2", 2)]).await;
    append_events(&store, b, p, 0, vec![event("B1", 3)]).await;
    for i in 0..2 {
        store
            .log_access(access("view-case", Some(a), &format!("n={i}")))
            .await
            .unwrap();
    }
    assert!(store.verify().await.unwrap().is_ok());
    (store, p, a)
}

/// Turns the database into one written before the chains were keyed: no chain key, no
/// boundary record, every link the old unkeyed blake3.
async fn make_unkeyed(db: &TestDb) {
    db.drop_append_only_guards().await;
    db.execute("DELETE FROM meta WHERE key = 'chain_key' OR key LIKE 'chain_unkeyed_until:%'")
        .await;
    db.recompute_plain_chains().await;
}

fn break_of<'r>(report: &'r cspr_store::VerifyReport, table: &str) -> &'r cspr_store::ChainBreak {
    report
        .breaks
        .iter()
        .find(|b| b.table == table)
        .unwrap_or_else(|| panic!("no break in {table}: {report}"))
}

cspr_store::backend_tests! {
    // The regression of finding 8: an attacker edits an event and an access-log entry and
    // recomputes the unkeyed hash of every link and both heads. Before, `verify` passed.
    async fn rows_rehashed_without_the_key_fail_verify(db) {
        let (store, _, _) = with_history(&db).await;
        db.drop_append_only_guards().await;
        db.execute("UPDATE events SET actor = 'mallory' WHERE seq = 2").await;
        db.execute("UPDATE access_log SET detail = 'n=harmless' WHERE seq = 1").await;
        db.recompute_plain_chains().await;
        let report = store.verify().await.unwrap();
        assert!(!report.is_ok());
        // Every link is now unkeyed, so the first row already fails its keyed check.
        assert_eq!(break_of(&report, "events").seq, 1, "{report}");
        assert_eq!(break_of(&report, "events").reason, BreakReason::HashMismatch);
        assert_eq!(break_of(&report, "access_log").seq, 1, "{report}");
    }

    async fn the_links_are_not_the_unkeyed_hashes(db) {
        let (store, _, _) = with_history(&db).await;
        let keyed = export_text(&store).await;
        db.drop_append_only_guards().await;
        db.recompute_plain_chains().await;
        let plain = export_text(&store).await;
        let hashes = |export: &str| crate::exported_rows(export, "events")
            .iter()
            .map(|r| r["hash"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>();
        let (k, p) = (hashes(&keyed), hashes(&plain));
        assert_eq!(k.len(), 3);
        assert!(k.iter().zip(&p).all(|(a, b)| a != b), "{k:?} {p:?}");
    }

    // An existing database keeps its unkeyed rows: `migrate` keys the chains from the next
    // row on and pins the last unkeyed row with a keyed record; old and new rows verify.
    async fn an_unkeyed_database_is_keyed_on_migrate_and_keeps_its_rows(db) {
        let (store, p, a) = with_history(&db).await;
        make_unkeyed(&db).await;
        let before = crate::exported_rows(&export_text(&store).await, "events");
        let report = store.verify().await.unwrap();
        assert!(report.problems.iter().any(|p| p.contains("cspr migrate")), "{report}");

        store.migrate().await.unwrap();
        let report = store.verify().await.unwrap();
        assert!(report.is_ok(), "{report}");
        // Not one old row was rewritten.
        let after = crate::exported_rows(&export_text(&store).await, "events");
        assert_eq!(before, after);
        // A second migrate changes nothing.
        let export = export_text(&store).await;
        store.migrate().await.unwrap();
        assert_eq!(export, export_text(&store).await);

        append_events(&store, a, p, 2, vec![event("A3", 4)]).await;
        store.log_access(access("view-case", Some(a), "n=2")).await.unwrap();
        let report = store.verify().await.unwrap();
        assert!(report.is_ok(), "{report}");
        assert_eq!((report.events_checked, report.access_entries_checked), (4, 3));
        assert!(store.load_stream(a).await.unwrap().iter().all(|e| e.sealed.is_some()));
    }

    // After keying, rewriting the old unkeyed rows with recomputed unkeyed hashes is caught:
    // the keyed record names the old last row's hash, and the keyed rows after it link to it.
    async fn rehashing_the_unkeyed_rows_of_a_keyed_database_fails_verify(db) {
        let (store, p, a) = with_history(&db).await;
        make_unkeyed(&db).await;
        store.migrate().await.unwrap();
        append_events(&store, a, p, 2, vec![event("A3", 4)]).await;
        db.execute("UPDATE events SET actor = 'mallory' WHERE seq = 1").await;
        // The forger recomputes the unkeyed links of the rows up to the boundary; the keyed row
        // after it cannot be recomputed, so its stored link is left as it was.
        recompute_unkeyed_prefix(&db, 3).await;
        let report = store.verify().await.unwrap();
        let found = break_of(&report, "events");
        assert_eq!((found.seq, &found.reason), (3, &BreakReason::HashMismatch), "{report}");
    }

    // The boundary record cannot be moved (to make more rows unkeyed) or dropped.
    async fn the_unkeyed_boundary_cannot_be_moved(db) {
        let (store, p, a) = with_history(&db).await;
        make_unkeyed(&db).await;
        store.migrate().await.unwrap();
        append_events(&store, a, p, 2, vec![event("A3", 4)]).await;
        // Claim every row is unkeyed, with the last row's hash and a made-up tag.
        db.execute(
            "UPDATE meta SET value = '4 ' || (SELECT hash FROM events WHERE seq = 4) || ' ' || \
             (SELECT hash FROM events WHERE seq = 1) WHERE key = 'chain_unkeyed_until:events'",
        )
        .await;
        let report = store.verify().await.unwrap();
        assert_eq!(break_of(&report, "events").reason, BreakReason::ForgedBoundary, "{report}");

        db.execute("DELETE FROM meta WHERE key = 'chain_unkeyed_until:events'").await;
        let report = store.verify().await.unwrap();
        let found = break_of(&report, "events");
        assert_eq!((found.seq, &found.reason), (1, &BreakReason::HashMismatch), "{report}");
    }

    // A canonical export of a database written before the chains were keyed still imports:
    // its rows keep their unkeyed links, pinned by the target's chain key.
    async fn an_unkeyed_export_imports_and_verifies(db) {
        let (store, p, a) = with_history(&db).await;
        make_unkeyed(&db).await;
        let old = export_text(&store).await;
        assert!(!old.contains("chain_key"));
        let target_db = TestDb::new(db.backend()).await;
        let target = target_db.store().await;
        target.import_canonical(old.as_bytes()).await.unwrap();
        assert!(target.verify().await.unwrap().is_ok());
        append_events(&target, a, p, 2, vec![event("A3", 4)]).await;
        let report = target.verify().await.unwrap();
        assert!(report.is_ok(), "{report}");
        assert_eq!(report.events_checked, 4);
    }

    // A keyed export imports with its chain key, so its links and anchors stay valid.
    async fn anchors_survive_a_backup_and_restore(db) {
        let (store, _, _) = with_history(&db).await;
        let anchored = store.verify_anchored(None).await.unwrap();
        assert!(anchored.report.is_ok());
        let export = export_text(&store).await;
        let target_db = TestDb::new(db.backend()).await;
        let target = target_db.store().await;
        target.import_canonical(export.as_bytes()).await.unwrap();
        let again = target.verify_anchored(Some(&anchored.anchor_text)).await.unwrap();
        assert!(again.report.is_ok(), "{}", again.report);
        assert_eq!(again.previous.as_ref(), Some(&anchored.anchor));
    }

    async fn an_anchor_records_both_heads_and_is_checked(db) {
        let (store, p, a) = with_history(&db).await;
        let first = store.verify_anchored(None).await.unwrap();
        assert!(first.report.is_ok());
        assert_eq!((first.anchor.events.seq, first.anchor.access_log.seq), (3, 2));
        assert!(first.anchor_text.ends_with('\n') && first.anchor_text.lines().count() == 1);
        append_events(&store, a, p, 2, vec![event("A3", 4)]).await;
        let second = store.verify_anchored(Some(&first.anchor_text)).await.unwrap();
        assert!(second.report.is_ok(), "{}", second.report);
        assert_eq!(second.previous, Some(first.anchor.clone()));
        assert_eq!(second.anchor.events.seq, 4);
        // The same anchor checks again and again while the chains only grow.
        let third = store.verify_anchored(Some(&first.anchor_text)).await.unwrap();
        assert!(third.report.is_ok());
    }

    // A database rolled back to before the anchor (restored from an older backup) fails.
    async fn a_rollback_before_the_anchor_is_caught(db) {
        let (store, p, a) = with_history(&db).await;
        let older = export_text(&store).await;
        append_events(&store, a, p, 2, vec![event("A3", 4)]).await;
        store.log_access(access("view-case", Some(a), "n=2")).await.unwrap();
        let anchor = store.verify_anchored(None).await.unwrap().anchor_text;
        let rolled_back_db = TestDb::new(db.backend()).await;
        let rolled_back = rolled_back_db.store().await;
        rolled_back.import_canonical(older.as_bytes()).await.unwrap();
        assert!(rolled_back.verify().await.unwrap().is_ok(), "whole, just older");
        let checked = rolled_back.verify_anchored(Some(&anchor)).await.unwrap();
        assert!(!checked.report.is_ok());
        let problems = checked.report.problems.join("\n");
        assert!(problems.contains("events chain no longer reaches row 4"), "{problems}");
        assert!(problems.contains("access_log chain no longer reaches row 3"), "{problems}");
    }

    // A chain cut back to an earlier row, head and all, verifies on its own (every remaining
    // link is genuine) but not against an anchor taken before the cut.
    async fn a_truncated_chain_is_caught_by_the_anchor(db) {
        let (store, _, _) = with_history(&db).await;
        let anchor = store.verify_anchored(None).await.unwrap().anchor_text;
        db.drop_append_only_guards().await;
        db.execute("DELETE FROM events WHERE seq = 3").await;
        db.execute(
            "UPDATE chain_heads SET seq = 2, hash = (SELECT hash FROM events WHERE seq = 2) \
             WHERE chain = 'events'",
        )
        .await;
        assert!(store.verify().await.unwrap().is_ok(), "undetectable without an anchor");
        let checked = store.verify_anchored(Some(&anchor)).await.unwrap();
        assert!(
            checked.report.problems.iter().any(|p| p.contains("events chain no longer reaches row 3")),
            "{}",
            checked.report
        );
    }

    // An anchor that is not one, was edited, or belongs to another database is refused as bad
    // input before anything is checked.
    async fn bad_anchors_are_refused(db) {
        let (store, _, _) = with_history(&db).await;
        let text = store.verify_anchored(None).await.unwrap().anchor_text;
        let refused = |r: Result<cspr_store::AnchoredVerify, StoreError>| match r {
            Err(StoreError::Invalid(m)) => m,
            other => panic!("{other:?}"),
        };
        let m = refused(store.verify_anchored(Some("not json")).await);
        assert!(m.contains("not a cspr chain anchor"), "{m}");
        let m = refused(store.verify_anchored(Some("{\"format\":\"x\"}")).await);
        assert!(m.contains("not a cspr chain anchor"), "{m}");
        let edited = text.replace("\"seq\":3", "\"seq\":2");
        assert_ne!(edited, text);
        let m = refused(store.verify_anchored(Some(&edited)).await);
        assert!(m.contains("signature does not match"), "{m}");
        // Another database under the same master key has its own chain key.
        let other_db = TestDb::new(db.backend()).await;
        let other = other_db.store_with_key(MasterKey::from_bytes(cspr_store::testing::TEST_KEY))
            .await
            .unwrap();
        let m = refused(other.verify_anchored(Some(&text)).await);
        assert!(m.contains("another database"), "{m}");
    }
}

/// Recomputes the unkeyed links of rows 1..=`up_to` of the event chain (and the boundary's
/// view of them stays as recorded), leaving the keyed rows after them as they were.
async fn recompute_unkeyed_prefix(db: &TestDb, up_to: i64) {
    // The whole-chain helper recomputes every row; restore the keyed rows' stored links after.
    let store = db.store().await;
    let keep = crate::exported_rows(&export_text(&store).await, "events")
        .into_iter()
        .filter(|r| r["seq"].as_i64().unwrap() > up_to)
        .collect::<Vec<_>>();
    let head = crate::exported_rows(&export_text(&store).await, "chain_heads");
    store.close().await;
    db.recompute_plain_chains().await;
    for row in keep {
        db.execute(&format!(
            "UPDATE events SET prev_hash = '{}', hash = '{}' WHERE seq = {}",
            row["prev_hash"].as_str().unwrap(),
            row["hash"].as_str().unwrap(),
            row["seq"]
        ))
        .await;
    }
    for h in head {
        db.execute(&format!(
            "UPDATE chain_heads SET seq = {}, hash = '{}' WHERE chain = '{}'",
            h["seq"],
            h["hash"].as_str().unwrap(),
            h["chain"].as_str().unwrap()
        ))
        .await;
    }
}
