//! Tampering: direct SQL edits and deletions of event and access-log rows make `verify` fail
//! naming the table and row; the append-only triggers refuse them in the first place.

use cspr_store::testing::TestDb;
use cspr_store::{BreakReason, ChainBreak, Store};
use uuid::Uuid;

use crate::{access, append_events, event};

/// Five events over two streams and four access-log entries, verified clean.
async fn chained(db: &TestDb) -> Store {
    let store = db.store().await;
    let (p, a, b) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    append_events(&store, a, p, 0, vec![event("A1", 1), event("A2", 2)]).await;
    append_events(&store, b, p, 0, vec![event("B1", 3)]).await;
    append_events(&store, a, p, 2, vec![event("A3", 4), event("A4", 5)]).await;
    for i in 0..4 {
        store
            .log_access(access("view-case", Some(a), &format!("n={i}")))
            .await
            .unwrap();
    }
    let report = store.verify().await.unwrap();
    assert!(report.is_ok(), "{report}");
    assert_eq!(
        (report.events_checked, report.access_entries_checked),
        (5, 4)
    );
    store
}

fn first_break(report: &cspr_store::VerifyReport) -> ChainBreak {
    assert!(!report.is_ok());
    assert_eq!(report.breaks.len(), 1, "{report}");
    report.breaks[0].clone()
}

async fn expect_break(db: &TestDb, sql: &str, table: &str, seq: i64, reason: BreakReason) {
    let store = chained(db).await;
    db.drop_append_only_guards().await;
    db.execute(sql).await;
    let report = store.verify().await.unwrap();
    let found = first_break(&report);
    assert_eq!(
        (found.table.as_str(), found.seq, &found.reason),
        (table, seq, &reason),
        "after {sql}: {report}"
    );
    assert!(report.to_string().contains(&format!("{table} row {seq}")));
}

/// The backend tests of this file: those written out in full, then one per row of `breaks`
/// (a tampering statement run behind the store's back, and the one break `verify` must then
/// report: table, row and reason).
macro_rules! tamper_tests {
    (
        $(async fn $test:ident($db:ident) $body:block)*
        breaks { $($name:ident: $sql:literal => $table:literal row $seq:literal, $reason:ident;)* }
    ) => {
        cspr_store::backend_tests! {
            $(async fn $test($db) $body)*
            $(async fn $name(db) {
                expect_break(&db, $sql, $table, $seq, BreakReason::$reason).await;
            })*
        }
    };
}

tamper_tests! {
    async fn logs_refuse_update_and_delete(db) {
        let _store = chained(&db).await;
        assert!(db.try_execute("UPDATE events SET actor = 'mallory' WHERE seq = 2").await.is_err());
        assert!(db.try_execute("DELETE FROM events WHERE seq = 5").await.is_err());
        assert!(db.try_execute("UPDATE access_log SET detail = 'x' WHERE seq = 1").await.is_err());
        assert!(db.try_execute("DELETE FROM access_log WHERE seq = 4").await.is_err());
    }

    breaks {
        edited_event_columns_are_detected:
            "UPDATE events SET actor = 'mallory' WHERE seq = 3" => "events" row 3, HashMismatch;
        edited_plain_data_is_detected:
            "UPDATE events SET plain = '{\"n\":99}' WHERE seq = 2" => "events" row 2, HashMismatch;
        swapped_ciphertext_is_detected:
            "UPDATE events SET sealed = (SELECT e.sealed FROM events e WHERE e.seq = 1) WHERE seq = 2"
            => "events" row 2, HashMismatch;
        edited_version_is_detected:
            "UPDATE events SET version = version + 100 WHERE seq = 4" => "events" row 4, HashMismatch;
        relinked_row_is_detected:
            "UPDATE events SET prev_hash = (SELECT e.hash FROM events e WHERE e.seq = 1) WHERE seq = 3"
            => "events" row 3, WrongPreviousHash;
        deleted_event_is_detected:
            "DELETE FROM events WHERE seq = 2" => "events" row 2, Missing;
        deleted_last_event_is_detected:
            "DELETE FROM events WHERE seq = 5" => "events" row 5, Missing;
        edited_access_entry_is_detected:
            "UPDATE access_log SET detail = 'n=harmless' WHERE seq = 2" => "access_log" row 2, HashMismatch;
        deleted_access_entry_is_detected:
            "DELETE FROM access_log WHERE seq = 3" => "access_log" row 3, Missing;
        truncated_access_log_is_detected:
            "DELETE FROM access_log WHERE seq >= 3" => "access_log" row 3, Missing;
    }
}
