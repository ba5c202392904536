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
}
