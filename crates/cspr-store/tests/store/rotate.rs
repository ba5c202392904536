//! Issue 16, finding 12: the master key can be rotated. Every wrapped key is re-wrapped in one
//! transaction: afterwards every case decrypts with the new key and the old key opens nothing;
//! a failure injected at the last step leaves everything as it was, readable with the old key.

use cspr_store::testing::{TEST_KEY, TestDb};
use cspr_store::{Backend, MasterKey, NewUser, RotationStats, Store, StoreError};
use uuid::Uuid;

use crate::{T0, append_events, event, export_text, populate};

const NEW_KEY: [u8; 32] = [0x17; 32];
const TOTP: &[u8] = b"\x01TOTP-SECRET\xff";

/// A little of everything sealed: two cases with events and files (one shredded), an account
/// with a TOTP secret, both chains; and an anchor of it. Returns the live case and the account.
async fn sealed_store(db: &TestDb) -> (Store, Uuid, Uuid, String) {
    let store = db.store().await;
    let (live, _gone) = populate(&store).await;
    let user = Uuid::new_v4();
    store
        .create_user(
            NewUser {
                id: user,
                partnership_id: Uuid::new_v4(),
                email: "jo@example.org".to_owned(),
                display_name: "Jo".to_owned(),
                role: "reviewer".to_owned(),
                agency_id: None,
                password_hash: None,
            },
            T0,
        )
        .await
        .unwrap();
    store.set_totp_secret(user, Some(TOTP), true).await.unwrap();
    let anchor = store.verify_anchored(None).await.unwrap().anchor_text;
    (store, live, user, anchor)
}

/// Everything sealed reads back with the store's key, and the chains verify.
async fn assert_readable(store: &Store, live: Uuid, user: Uuid) {
    let events = store.load_stream(live).await.unwrap();
    assert!(events.len() >= 3);
    assert!(events.iter().all(|e| e.sealed.is_some()));
    let blob_rows = crate::exported_rows(&export_text(store).await, "blobs");
    let blob = blob_rows
        .iter()
        .find(|b| b["case_id"] == live.to_string())
        .unwrap();
    let blob = store
        .get_blob(Uuid::parse_str(blob["id"].as_str().unwrap()).unwrap())
        .await
        .unwrap();
    assert_eq!(blob.bytes, b"%PDF-1.7 ...");
    assert_eq!(
        store.totp_secret(user).await.unwrap().unwrap().as_slice(),
        TOTP
    );
    let report = store.verify().await.unwrap();
    assert!(report.is_ok(), "{report}");
}

async fn open_with(db: &TestDb, key: [u8; 32]) -> Result<Store, StoreError> {
    db.store_with_key(MasterKey::from_bytes(key)).await
}

/// Makes the last step of a rotation (replacing the key check) fail, as a crash or a full disk
/// there would: every key before it has been re-wrapped inside the transaction by then.
async fn inject_failure_at_the_key_check(db: &TestDb) {
    db.execute(match db.backend() {
        Backend::Sqlite => {
            "CREATE TRIGGER fail_rotation BEFORE UPDATE ON meta WHEN NEW.key = 'key_check' \
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"
        }
        Backend::Postgres => {
            "CREATE FUNCTION fail_rotation() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN RAISE EXCEPTION 'injected failure'; END; $$; \
             CREATE TRIGGER fail_rotation BEFORE UPDATE ON meta FOR EACH ROW \
             WHEN (NEW.key = 'key_check') EXECUTE FUNCTION fail_rotation();"
        }
    })
    .await;
}

cspr_store::backend_tests! {
    // The pseudonym of a typed address (failed sign-ins are counted and logged under it) is
    // keyed: not the plain blake3 anyone holding the database could recompute from a known
    // address, different in another database, and the same after a master-key rotation, so
    // the access log's entries for one address still match.
    async fn pseudonyms_are_keyed_per_database_and_kept_through_a_rotation(db) {
        let store = db.store().await;
        let p = store.pseudonym("jo@example.org").await.unwrap();
        assert_eq!(p.len(), 64);
        assert_eq!(p, store.pseudonym("jo@example.org").await.unwrap());
        assert_ne!(p, blake3::hash(b"jo@example.org").to_hex().to_string());
        assert_ne!(p, store.pseudonym("jo@example.net").await.unwrap());
        let other = TestDb::new(db.backend()).await;
        assert_ne!(p, other.store().await.pseudonym("jo@example.org").await.unwrap());
        store.rotate_master_key(MasterKey::from_bytes(NEW_KEY)).await.unwrap();
        store.close().await;
        let rotated = open_with(&db, NEW_KEY).await.unwrap();
        assert_eq!(p, rotated.pseudonym("jo@example.org").await.unwrap());
    }

    async fn after_rotation_everything_opens_with_the_new_key_only(db) {
        let (store, live, user, anchor) = sealed_store(&db).await;
        let stats = store
            .rotate_master_key(MasterKey::from_bytes(NEW_KEY))
            .await
            .unwrap();
        // The live case's key (the shredded case has none) and the account's TOTP key.
        assert_eq!(stats, RotationStats { case_keys: 1, account_keys: 1 });

        // The handle that still holds the old key can write nothing more.
        let p = store.load_stream(live).await;
        assert!(p.is_err(), "the old handle still unwraps case keys");
        let refused = store
            .append(live, Uuid::new_v4(), 3, vec![event("Late", 9)], None, vec![])
            .await;
        assert!(matches!(refused, Err(StoreError::WrongMasterKey)), "{refused:?}");
        let refused = store.log_access(crate::access("view-case", None, "late")).await;
        assert!(matches!(refused, Err(StoreError::WrongMasterKey)), "{refused:?}");
        let refused = store.set_totp_secret(user, Some(TOTP), true).await;
        assert!(matches!(refused, Err(StoreError::WrongMasterKey)), "{refused:?}");
        store.close().await;

        assert!(matches!(open_with(&db, TEST_KEY).await, Err(StoreError::WrongMasterKey)));
        let rotated = open_with(&db, NEW_KEY).await.unwrap();
        assert_readable(&rotated, live, user).await;
        // The chains were not rewritten: the anchor taken before still holds.
        let checked = rotated.verify_anchored(Some(&anchor)).await.unwrap();
        assert!(checked.report.is_ok(), "{}", checked.report);
        // New writes work and verify: an old case, a new case, the access log.
        let partnership = rotated.load_stream(live).await.unwrap()[0].partnership_id;
        append_events(&rotated, live, partnership, 3, vec![event("After", 10)]).await;
        append_events(&rotated, Uuid::new_v4(), partnership, 0, vec![event("New", 11)]).await;
        rotated.log_access(crate::access("view-case", Some(live), "after")).await.unwrap();
        assert!(rotated.verify().await.unwrap().is_ok());

        // Rotating again, back to a third key, works the same way.
        rotated.rotate_master_key(MasterKey::from_bytes([0x99; 32])).await.unwrap();
        rotated.close().await;
        assert!(matches!(open_with(&db, NEW_KEY).await, Err(StoreError::WrongMasterKey)));
        assert_readable(&open_with(&db, [0x99; 32]).await.unwrap(), live, user).await;
    }

    async fn a_rotation_that_fails_midway_leaves_the_old_key_valid(db) {
        let (store, live, user, _) = sealed_store(&db).await;
        let before = export_text(&store).await;
        inject_failure_at_the_key_check(&db).await;
        let failed = store.rotate_master_key(MasterKey::from_bytes(NEW_KEY)).await;
        assert!(failed.is_err(), "{failed:?}");
        // Nothing changed: not one wrapped key, not the key check.
        assert_eq!(export_text(&store).await, before);
        assert_readable(&store, live, user).await;
        let partnership = store.load_stream(live).await.unwrap()[0].partnership_id;
        append_events(&store, live, partnership, 3, vec![event("After", 10)]).await;
        store.close().await;
        assert!(matches!(open_with(&db, NEW_KEY).await, Err(StoreError::WrongMasterKey)));
        assert_readable(&open_with(&db, TEST_KEY).await.unwrap(), live, user).await;
    }

    async fn rotating_to_the_same_key_is_refused(db) {
        let (store, live, user, _) = sealed_store(&db).await;
        let before = export_text(&store).await;
        let refused = store.rotate_master_key(MasterKey::from_bytes(TEST_KEY)).await;
        assert!(matches!(refused, Err(StoreError::Invalid(_))), "{refused:?}");
        assert_eq!(export_text(&store).await, before);
        assert_readable(&store, live, user).await;
    }
}
