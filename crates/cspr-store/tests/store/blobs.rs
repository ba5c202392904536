//! Blobs and crypto-shredding: files round-trip sealed; destroying a case key makes its sealed
//! data unreadable while plain data, other cases and both hash chains stay intact.

use cspr_store::StoreError;
use uuid::Uuid;

use crate::{event, export_text, projection};

cspr_store::backend_tests! {
    // Issue 16, finding 13: exports expire. A file kept until a time is deleted once that time
    // has come; files with no end (evidence) and files still in time stay.
    async fn expired_files_are_purged_and_the_rest_stay(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        let at = time::macros::datetime!(2025-07-01 10:00 UTC);
        let evidence = store.put_blob(case, "text/plain", "evidence.txt", b"kept").await.unwrap();
        let old = store
            .put_expiring_blob(case, "application/pdf", "old.pdf", b"%PDF-", Some(at))
            .await
            .unwrap();
        let later = store
            .put_expiring_blob(case, "application/pdf", "new.pdf", b"%PDF-", Some(at + time::Duration::days(7)))
            .await
            .unwrap();
        assert_eq!(store.purge_expired_blobs(at - time::Duration::seconds(1)).await.unwrap(), 0);
        assert_eq!(store.purge_expired_blobs(at).await.unwrap(), 1);
        assert!(matches!(store.get_blob(old).await, Err(StoreError::NotFound)));
        assert!(store.get_blob(later).await.is_ok());
        assert!(store.get_blob(evidence).await.is_ok());
        assert_eq!(store.purge_expired_blobs(at).await.unwrap(), 0, "once");
    }

    async fn blobs_round_trip_sealed(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let id = store.put_blob(case, "application/pdf", "Statement of Jane Doe.pdf", &content).await.unwrap();
        let blob = store.get_blob(id).await.unwrap();
        assert_eq!((blob.id, blob.case_id), (id, case));
        assert_eq!(blob.content_type, "application/pdf");
        assert_eq!(blob.file_name, "Statement of Jane Doe.pdf");
        assert_eq!(blob.bytes, content);
        assert!(!format!("{blob:?}").contains("Jane"), "names stay out of Debug output");
        assert!(!export_text(&store).await.contains("Jane Doe"), "file names are sealed at rest");
        assert!(matches!(store.get_blob(Uuid::new_v4()).await, Err(StoreError::NotFound)));
    }

    async fn shredding_erases_sealed_data_only(db) {
        let store = db.store().await;
        let (p, gone, kept) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        store.append(gone, p, 0, vec![event("A", 1), event("B", 2)], Some(projection(gone, p, "GONE", &[])), vec![]).await.unwrap();
        store.append(kept, p, 0, vec![event("A", 3)], None, vec![]).await.unwrap();
        let blob = store.put_blob(gone, "text/plain", "notes.txt", b"private").await.unwrap();
        let kept_blob = store.put_blob(kept, "text/plain", "kept.txt", b"kept").await.unwrap();

        store.shred_case(gone).await.unwrap();

        let events = store.load_stream(gone).await.unwrap();
        assert_eq!(events.len(), 2);
        assert!(events.iter().all(|e| e.sealed.is_none()), "sealed parts are gone");
        assert_eq!(events[1].plain["n"], 2, "plain data is still readable");
        assert!(store.read_all(0, 10).await.unwrap().iter().filter(|e| e.stream_id == gone).all(|e| e.sealed.is_none()));
        assert!(matches!(store.get_blob(blob).await, Err(StoreError::Shredded)));
        assert!(matches!(
            store.append(gone, p, 2, vec![event("C", 4)], None, vec![]).await,
            Err(StoreError::Shredded)
        ));
        assert_eq!(store.stream_version(gone).await.unwrap(), 2);
        assert!(store.case_summary(gone).await.unwrap().is_some(), "projections stay");

        assert!(store.load_stream(kept).await.unwrap()[0].sealed.is_some(), "other cases untouched");
        assert_eq!(store.get_blob(kept_blob).await.unwrap().bytes, b"kept");
        let report = store.verify().await.unwrap();
        assert!(report.is_ok(), "{report}");
        store.shred_case(gone).await.unwrap();
        assert!(matches!(store.shred_case(Uuid::new_v4()).await, Err(StoreError::NotFound)));
    }
}
