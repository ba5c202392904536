//! A full disk: writes fail with `DiskFull`, nothing half-written remains, and the store works
//! again once there is room. SQLite's `max_page_count` stands in for the full disk.

use cspr_store::StoreError;
use cspr_store::testing::TestDb;
use serde_json::json;
use uuid::Uuid;

use crate::{access, event};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_fails_cleanly_and_recovers() {
    let db = TestDb::sqlite().await;
    let (case, partnership) = (Uuid::new_v4(), Uuid::new_v4());
    let store = db.store().await;
    store
        .append(case, partnership, 0, vec![event("Opened", 0)], None, vec![])
        .await
        .unwrap();
    store.close().await;
    let file = db.url().trim_start_matches("sqlite://").to_owned();
    let used_pages = std::fs::metadata(&file).unwrap().len() / 4096;

    let limited = db
        .sqlite_store_with_max_pages(used_pages as u32 + 8)
        .await
        .unwrap();
    let mut version = 1;
    let err = loop {
        let mut e = event("Edited", version);
        e.sealed = json!({"notes": "x".repeat(6_000), "n": version});
        match limited
            .append(case, partnership, version, vec![e], None, vec![])
            .await
        {
            Ok(v) => version = v,
            Err(err) => break err,
        }
        assert!(version < 1_000, "the page limit never bit");
    };
    assert!(matches!(err, StoreError::DiskFull), "{err:?}");
    assert_eq!(err.to_string(), "The disk is full, so nothing was written");
    assert_eq!(
        limited.stream_version(case).await.unwrap(),
        version,
        "nothing partial"
    );
    let blob = limited
        .put_blob(case, "application/pdf", "big.pdf", &vec![7u8; 100_000])
        .await;
    assert!(matches!(blob, Err(StoreError::DiskFull)), "{blob:?}");
    let report = limited.verify().await.unwrap();
    assert!(report.is_ok(), "{report}");
    limited.close().await;

    // Room again: the same file takes writes and every acknowledged event is there.
    let store = db.store().await;
    assert_eq!(
        store
            .append(
                case,
                partnership,
                version,
                vec![event("After", 99)],
                None,
                vec![]
            )
            .await
            .unwrap(),
        version + 1
    );
    store
        .log_access(access("view-case", Some(case), "after the disk filled"))
        .await
        .unwrap();
    let events = store.load_stream(case).await.unwrap();
    assert_eq!(events.len() as u64, version + 1);
    assert!(events.iter().all(|e| e.sealed.is_some()));
    assert!(store.verify().await.unwrap().is_ok());
}
