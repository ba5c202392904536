//! Writing, removing, rebuilding and reopening the library.

use cspr_search::{Library, Query, SearchError};

use crate::fixtures::{ids, small_set};

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn library_can_be_shared_between_threads() {
    assert_send_sync::<Library>();
    let library = std::sync::Arc::new(crate::fixtures::small_library());
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let library = library.clone();
            std::thread::spawn(move || {
                library
                    .search(&Query::text("neglect"))
                    .expect("search")
                    .total
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().expect("thread"), 4);
    }
}

#[test]
fn upsert_is_idempotent_by_id() {
    let library = Library::in_memory().expect("library");
    let mut records = small_set();
    assert_eq!(library.upsert(&records).expect("upsert"), 8);
    assert_eq!(library.upsert(&records).expect("again"), 8);
    assert_eq!(library.len().expect("len"), 8);
    records[0].title = "Child A: an updated title about hoarding".into();
    library.upsert(&records[..1]).expect("update");
    assert_eq!(library.len().expect("len"), 8);
    assert_eq!(
        library.get("a").expect("get").expect("there").title,
        records[0].title
    );
    assert_eq!(
        ids(&library
            .search(&Query::text("hoarding"))
            .expect("search")
            .hits),
        ["a"]
    );
    assert_eq!(
        library
            .search(&Query::text("toddler"))
            .expect("search")
            .total,
        0
    );
    // The same id twice in one batch: the later wins.
    let mut twice = vec![records[1].clone(), records[1].clone()];
    twice[1].title = "Child B: second version".into();
    library.upsert(&twice).expect("upsert");
    assert_eq!(library.len().expect("len"), 8);
    assert_eq!(
        library.get("b").expect("get").expect("there").title,
        "Child B: second version"
    );
}

#[test]
fn remove_is_visible_at_once() {
    let library = crate::fixtures::small_library();
    assert_eq!(
        library
            .search(&Query::text("exploited"))
            .expect("search")
            .total,
        1
    );
    assert!(library.remove("e").expect("remove"));
    assert_eq!(
        library
            .search(&Query::text("exploited"))
            .expect("search")
            .total,
        0
    );
    assert_eq!(library.get("e").expect("get"), None);
    assert!(!library.remove("e").expect("remove again"));
    assert!(!library.remove("never-there").expect("remove unknown"));
    assert_eq!(library.len().expect("len"), 7);
    assert!(
        !library
            .themes()
            .expect("themes")
            .contains_key("child sexual exploitation")
    );
}

#[test]
fn replace_all_rebuilds() {
    let library = crate::fixtures::small_library();
    let mut fresh = small_set()[..2].to_vec();
    fresh[1].id = "z".into();
    assert_eq!(library.replace_all(&fresh).expect("replace"), 2);
    assert_eq!(library.len().expect("len"), 2);
    assert!(library.get("z").expect("get").is_some());
    assert!(library.get("c").expect("get").is_none());
    assert_eq!(library.search(&Query::default()).expect("search").total, 2);
}

#[test]
fn invalid_records_are_refused_before_anything_is_written() {
    let library = Library::in_memory().expect("library");
    let mut records = small_set();
    records[3].summary = "   ".into();
    match library.upsert(&records) {
        Err(SearchError::Invalid { id, reason }) => {
            assert_eq!(id, "d");
            assert!(reason.contains("summary"), "{reason}");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(library.len().expect("len"), 0);
}

#[test]
fn reopening_a_directory_finds_the_same_reviews_and_a_deleted_one_rebuilds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("library");
    {
        let library = Library::open(&path).expect("create");
        library.upsert(&small_set()).expect("upsert");
        assert!(library.remove("h").expect("remove"));
    }
    {
        let library = Library::open(&path).expect("reopen");
        assert_eq!(library.len().expect("len"), 7);
        assert_eq!(library.get("a").expect("get"), Some(small_set()[0].clone()));
        assert_eq!(
            library
                .search(&Query::text("midwife"))
                .expect("search")
                .total,
            1
        );
    }
    std::fs::remove_dir_all(&path).expect("delete");
    let library = Library::open(&path).expect("recreate");
    assert_eq!(library.len().expect("len"), 0);
    library.replace_all(&small_set()).expect("rebuild");
    assert_eq!(library.len().expect("len"), 8);
}
