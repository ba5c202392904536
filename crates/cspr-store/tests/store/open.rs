//! Opening a store: URLs, directories, in-memory SQLite, migrations and the master key check.

use cspr_store::{Backend, MasterKey, Store, StoreError};
use uuid::Uuid;

use crate::event;

#[tokio::test]
async fn malformed_urls_are_config_errors() {
    for url in [
        "",
        "cspr.db",
        "mysql://localhost/cspr",
        "postgres://user:secret@host:notaport/db",
        "sqlite://",
        "http://x",
    ] {
        match Store::open(url, MasterKey::generate()).await {
            Err(StoreError::Config(message)) => {
                assert!(message.ends_with('.'), "one sentence: {message}");
                assert!(!message.contains("secret"), "no password echoed: {message}");
            }
            other => panic!("{url:?} gave {other:?}"),
        }
    }
}

#[tokio::test]
async fn sqlite_file_and_directories_are_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/deeper/cspr.db");
    let store = Store::open(
        &format!("sqlite://{}", path.display()),
        MasterKey::generate(),
    )
    .await
    .unwrap();
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    assert!(path.exists());
}

#[tokio::test]
async fn in_memory_sqlite_works_for_tests() {
    let store = Store::open("sqlite::memory:", MasterKey::generate())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let case = Uuid::new_v4();
    store
        .append(case, Uuid::new_v4(), 0, vec![event("A", 1)], None, vec![])
        .await
        .unwrap();
    assert_eq!(store.load_stream(case).await.unwrap().len(), 1);
}

cspr_store::backend_tests! {
    async fn wrong_master_key_is_refused(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        store.append(case, Uuid::new_v4(), 0, vec![event("A", 1)], None, vec![]).await.unwrap();
        store.close().await;
        let err = Store::open(db.url(), MasterKey::from_bytes([9; 32])).await.unwrap_err();
        assert!(matches!(err, StoreError::WrongMasterKey), "{err:?}");
        assert_eq!(err.to_string(), "The master key does not match this database");
        // The right key still opens it, and migrating again is harmless.
        let store = db.store().await;
        assert_eq!(store.backend(), db.backend());
        assert_eq!(store.load_stream(case).await.unwrap().len(), 1);
    }

    async fn the_startup_lock_lets_one_process_start_at_a_time(db) {
        let first_store = db.store().await;
        let second_store = db.store().await;
        let first = first_store.startup_lock().await.unwrap();
        if db.backend() == Backend::Sqlite {
            // One process serves a SQLite file: nothing is held, nothing waits.
            assert!(!first.is_held());
            let second = second_store.startup_lock().await.unwrap();
            assert!(!second.is_held());
            first.release().await.unwrap();
            second.release().await.unwrap();
            return;
        }
        assert!(first.is_held());
        // Another process (another pool) waits while it is held...
        let waiting = tokio::spawn(async move { second_store.startup_lock().await });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(!waiting.is_finished(), "a second start did not wait for the first");
        // ...and starts once it is released.
        first.release().await.unwrap();
        let second = tokio::time::timeout(std::time::Duration::from_secs(10), waiting)
            .await
            .expect("the second start went on after the release")
            .unwrap()
            .unwrap();
        assert!(second.is_held());
        // A lock dropped unreleased (a process that failed) goes with its connection.
        drop(second);
        let third = tokio::time::timeout(std::time::Duration::from_secs(10), first_store.startup_lock())
            .await
            .expect("a dropped lock was let go")
            .unwrap();
        third.release().await.unwrap();
    }

    async fn migrate_with_a_wrong_key_writes_nothing(db) {
        let _first = db.store().await;
        let err = db.store_with_key(MasterKey::from_bytes([1; 32])).await.unwrap_err();
        assert!(matches!(err, StoreError::WrongMasterKey));
        let store = db.store().await;
        assert!(store.verify().await.unwrap().is_ok());
    }
}
