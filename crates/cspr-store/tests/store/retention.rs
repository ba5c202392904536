//! Erasure at the end of a retention period: a case erased with its audit record in one
//! transaction, and not when it is held, reopened or closed on another day; old access-log
//! entries erased behind a keyed record so the chain still verifies, exports and imports; a
//! forged record, and a deletion without one, still caught.

use cspr_store::{BreakReason, NewAccessEntry, Store};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::published::report;
use crate::{T0, access, event, export_text, imported, projection};

fn audit(case_id: Option<Uuid>, detail: &str) -> NewAccessEntry {
    NewAccessEntry {
        actor: "retention-run".to_owned(),
        action: "retention-erased".to_owned(),
        case_id,
        detail: detail.to_owned(),
        source_ip: "test".to_owned(),
        at: datetime!(2033-01-10 12:00 UTC),
    }
}

const CLOSED_ON: Date = date!(2025 - 06 - 30);

/// A case with events and its read models, closed on [`CLOSED_ON`], held or not.
async fn closed_case(store: &Store, held: bool) -> Uuid {
    let (case, partnership) = (Uuid::new_v4(), Uuid::new_v4());
    let mut p = projection(case, partnership, "CSPR-2025-009", &[]);
    p.summary.closed = true;
    p.summary.closed_on = Some(CLOSED_ON);
    p.summary.legal_hold = held;
    store
        .append(
            case,
            partnership,
            0,
            vec![event("CaseClosed", 1)],
            Some(p),
            vec![],
        )
        .await
        .unwrap();
    case
}

async fn logged_at(store: &Store, at: OffsetDateTime, n: usize) {
    for i in 0..n {
        let mut entry = access("view-case", None, &format!("at {at} n={i}"));
        entry.at = at;
        store.log_access(entry).await.unwrap();
    }
}

fn link(case_id: Uuid, token_hash: &str, expires_in_days: i64) -> cspr_store::NewPractitionerLink {
    cspr_store::NewPractitionerLink {
        id: Uuid::new_v4(),
        token_hash: token_hash.to_owned(),
        partnership_id: Uuid::from_u128(0xB1),
        case_id,
        form: "scoping-form".to_owned(),
        email: "sam.practitioner@nhs.example".to_owned(),
        created_by: Uuid::from_u128(0x7EA),
        created_at: T0,
        expires_at: T0 + time::Duration::days(expires_in_days),
    }
}

cspr_store::backend_tests! {
    async fn closed_links_past_their_period_go_with_their_audit_record(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        let old = link(case, "old", 14);
        let recent = link(case, "recent", 60);
        store.create_link(old.clone()).await.unwrap();
        store.create_link(recent.clone()).await.unwrap();
        let partnership = Uuid::from_u128(0xB1);
        let before = T0 + time::Duration::days(30);
        let due = store.links_closed_before(partnership, before).await.unwrap();
        assert_eq!(due.iter().map(|r| r.id).collect::<Vec<_>>(), vec![old.id]);
        assert!(store.erase_link(old.id, before, audit(Some(case), "link")).await.unwrap());
        assert!(store.link_by_token_hash("old").await.unwrap().is_none(), "the record and its address are gone");
        assert!(store.link_by_token_hash("recent").await.unwrap().is_some());
        assert!(!store.erase_link(recent.id, before, audit(Some(case), "x")).await.unwrap(), "not closed before");
        let log = store.access_log_for_case(case).await.unwrap();
        assert_eq!(log.len(), 1, "one audit record, for the one erasure");
        assert_eq!(log[0].detail, "link");
    }

    async fn withdrawn_reports_past_their_period_go(db) {
        let store = db.store().await;
        let (withdrawn, online) = (Uuid::new_v4(), Uuid::new_v4());
        store.publish_report(report(withdrawn, "Child A", date!(2025 - 07 - 28))).await.unwrap();
        store.publish_report(report(online, "Child B", date!(2025 - 07 - 28))).await.unwrap();
        assert!(store.withdraw_published_report(withdrawn, date!(2025 - 09 - 01)).await.unwrap());
        let partnership = Uuid::from_u128(0xB1);
        assert!(store.reports_withdrawn_before(partnership, date!(2025 - 09 - 01)).await.unwrap().is_empty());
        let due = store.reports_withdrawn_before(partnership, date!(2025 - 09 - 02)).await.unwrap();
        assert_eq!(due.iter().map(|r| r.case_id).collect::<Vec<_>>(), vec![withdrawn]);
        assert!(store
            .erase_withdrawn_report(due[0].id, date!(2025 - 09 - 02), audit(Some(withdrawn), "report"))
            .await
            .unwrap());
        assert!(store.published_report_for_case(withdrawn).await.unwrap().is_none());
        assert!(store.published_report_for_case(online).await.unwrap().is_some(), "a report online is kept");
        assert_eq!(store.access_log_for_case(withdrawn).await.unwrap().len(), 1);
    }

    async fn a_case_is_erased_with_its_audit_record(db) {
        let store = db.store().await;
        let case = closed_case(&store, false).await;
        assert!(!store.deadlines(case).await.unwrap().is_empty());
        assert!(store
            .erase_case(case, CLOSED_ON, audit(Some(case), "case: test"))
            .await
            .unwrap());
        let stream = store.load_stream(case).await.unwrap();
        assert!(stream.iter().all(|e| e.sealed.is_none()), "key destroyed");
        assert!(store.deadlines(case).await.unwrap().is_empty());
        assert!(store.case_actions(case).await.unwrap().is_empty());
        let summary = store.case_summary(case).await.unwrap().unwrap();
        assert_eq!(summary.reference, "CSPR-2025-009");
        assert_eq!(summary.next_deadline, None);
        let log = store.access_log_for_case(case).await.unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].action, "retention-erased");
        let listed = store.retention_cases(
            store.case_summary(case).await.unwrap().unwrap().partnership_id,
        ).await.unwrap();
        assert!(listed[0].shredded);
        assert!(store.verify().await.unwrap().is_ok());
    }

    async fn a_held_reopened_or_moved_case_is_not_erased(db) {
        let store = db.store().await;
        let held = closed_case(&store, true).await;
        assert!(!store.erase_case(held, CLOSED_ON, audit(Some(held), "x")).await.unwrap());
        let other_day = closed_case(&store, false).await;
        assert!(!store
            .erase_case(other_day, date!(2025 - 07 - 01), audit(Some(other_day), "x"))
            .await
            .unwrap());
        for case in [held, other_day] {
            let stream = store.load_stream(case).await.unwrap();
            assert!(stream.iter().all(|e| e.sealed.is_some()), "not erased");
            assert!(store.access_log_for_case(case).await.unwrap().is_empty(), "no audit");
        }
    }

    async fn old_access_log_entries_are_erased_and_the_chain_verifies(db) {
        let store = db.store().await;
        logged_at(&store, datetime!(2025-01-02 09:00 UTC), 3).await;
        logged_at(&store, datetime!(2026-01-02 09:00 UTC), 2).await;
        let before = datetime!(2026-01-01 00:00 UTC);
        let old = store.access_log_before(before).await.unwrap();
        assert_eq!((old.count, old.up_to), (3, 3));
        let n = store
            .erase_access_log_before(before, |o| audit(None, &format!("{} up to {}", o.count, o.up_to)))
            .await
            .unwrap();
        assert_eq!(n, 3);
        let left = store.read_access_log(0, 100).await.unwrap();
        assert_eq!(left.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![4, 5, 6]);
        assert_eq!(left[2].detail, "3 up to 3");
        let report = store.verify().await.unwrap();
        assert!(report.is_ok(), "{report}");
        assert_eq!(report.access_entries_checked, 3);
        // Nothing more to erase; and a second erasure later moves the record on (rows 4 and
        // 5; the first erasure's own record, written in 2033, stays).
        assert_eq!(store.erase_access_log_before(before, |_| audit(None, "none")).await.unwrap(), 0);
        let later = datetime!(2027-01-01 00:00 UTC);
        assert_eq!(store.erase_access_log_before(later, |_| audit(None, "again")).await.unwrap(), 2);
        let left = store.read_access_log(0, 100).await.unwrap();
        assert_eq!(left.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![6, 7]);
        assert!(store.verify().await.unwrap().is_ok());
        // The erased log exports, imports into either database and verifies there.
        let export = export_text(&store).await;
        for to in [cspr_store::Backend::Sqlite, cspr_store::Backend::Postgres] {
            let (_copy, copy) = imported(&export, db.backend(), to).await;
            assert!(copy.verify().await.unwrap().is_ok());
        }
    }

    async fn the_log_refuses_deletion_above_the_record_and_a_forged_record_is_caught(db) {
        let store = db.store().await;
        logged_at(&store, datetime!(2025-01-02 09:00 UTC), 4).await;
        store
            .erase_access_log_before(datetime!(2025-06-01 00:00 UTC), |_| audit(None, "erased"))
            .await
            .unwrap();
        // Row 5 (the audit record) lies above the record: the trigger refuses its deletion.
        assert!(db.try_execute("DELETE FROM access_log WHERE seq = 5").await.is_err());
        // A record moved on by someone without the key lets the trigger through, but verify
        // names the forgery.
        db.execute(
            "UPDATE meta SET value = '5 0000000000000000000000000000000000000000000000000000000000000000 00' \
             WHERE key = 'chain_pruned_until:access_log'",
        )
        .await;
        db.execute("DELETE FROM access_log WHERE seq = 5").await;
        let report = store.verify().await.unwrap();
        assert!(
            report.breaks.iter().any(|b| b.reason == BreakReason::ForgedBoundary),
            "{report}"
        );
    }
}
