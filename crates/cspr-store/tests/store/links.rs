//! Practitioner links on both backends: creation with the email sealed, the code and its tries,
//! the form session, single use, revocation, crypto-shredding, and the canonical export (the
//! durable record in, the ephemeral code and session out).

use cspr_store::{Backend, NewPractitionerLink, PractitionerLink, Store, StoreError};
use time::Duration;
use uuid::Uuid;

use crate::{T0, export_text, exported_rows, fresh_store, imported, populate};

const EMAIL: &str = "sam.practitioner@nhs.example";

fn new_link(case_id: Uuid, token_hash: &str) -> NewPractitionerLink {
    NewPractitionerLink {
        id: Uuid::new_v4(),
        token_hash: token_hash.to_owned(),
        partnership_id: Uuid::from_u128(0xB1),
        case_id,
        form: format!("scoping-form:{}", Uuid::from_u128(0xA2)),
        email: EMAIL.to_owned(),
        created_by: Uuid::from_u128(0x7EA),
        created_at: T0,
        expires_at: T0 + Duration::days(14),
    }
}

async fn link(store: &Store, token_hash: &str) -> PractitionerLink {
    store.link_by_token_hash(token_hash).await.unwrap().unwrap()
}

cspr_store::backend_tests! {
    async fn links_are_created_and_read_back(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        let first = new_link(case, "t1");
        let first_id = first.id;
        store.create_link(first.clone()).await.unwrap();
        let mut second = new_link(case, "t2");
        second.created_at = T0 + Duration::minutes(1);
        second.expires_at = T0 + Duration::days(1);
        store.create_link(second).await.unwrap();
        store.create_link(new_link(Uuid::new_v4(), "elsewhere")).await.unwrap();

        let got = link(&store, "t1").await;
        assert_eq!(got.id, first_id);
        assert_eq!(got.case_id, case);
        assert_eq!(got.partnership_id, first.partnership_id);
        assert_eq!(got.form, first.form);
        assert_eq!(got.email.as_deref(), Some(EMAIL));
        assert_eq!(got.created_by, first.created_by);
        assert_eq!(got.created_at, T0);
        assert_eq!(got.expires_at, T0 + Duration::days(14));
        assert!(!got.revoked);
        assert_eq!(got.used_at, None);
        assert_eq!(got.code_hash, None);
        assert_eq!((got.code_attempts, got.codes_sent), (0, 0));
        assert_eq!(got.session_hash, None);
        assert!(!format!("{got:?}").contains("sam.practitioner"));

        assert!(store.link_by_token_hash("unknown").await.unwrap().is_none());
        let listed = store.links_for_case(case).await.unwrap();
        assert_eq!(listed.iter().map(|l| l.token_hash.as_str()).collect::<Vec<_>>(), ["t1", "t2"]);

        // The address is sealed at rest: its bytes are nowhere in the export.
        let export = export_text(&store).await;
        assert!(!export.contains("sam.practitioner"), "email in the clear");
    }

    async fn bad_links_are_refused(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        store.create_link(new_link(case, "t1")).await.unwrap();
        assert!(matches!(store.create_link(new_link(case, "t1")).await, Err(StoreError::Duplicate(_))));
        let mut no_email = new_link(case, "t2");
        no_email.email = "  ".into();
        assert!(matches!(store.create_link(no_email).await, Err(StoreError::Invalid(_))));
        let mut no_form = new_link(case, "t3");
        no_form.form = String::new();
        assert!(matches!(store.create_link(no_form).await, Err(StoreError::Invalid(_))));
        let mut backwards = new_link(case, "t4");
        backwards.expires_at = T0 - Duration::seconds(1);
        assert!(matches!(store.create_link(backwards).await, Err(StoreError::Invalid(_))));
        assert_eq!(store.links_for_case(case).await.unwrap().len(), 1);
    }

    async fn codes_count_their_tries_and_are_capped(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        store.create_link(new_link(case, "t1")).await.unwrap();
        assert_eq!(store.record_code_attempt("t1").await.unwrap(), None, "no code pending");

        let expires = T0 + Duration::minutes(10);
        assert!(store.set_link_code("t1", "c1", expires, 3).await.unwrap());
        let got = link(&store, "t1").await;
        assert_eq!(got.code_hash.as_deref(), Some("c1"));
        assert_eq!(got.code_expires_at, Some(expires));
        assert_eq!((got.code_attempts, got.codes_sent), (0, 1));
        for n in 1..=6 {
            assert_eq!(store.record_code_attempt("t1").await.unwrap(), Some(n));
        }

        // A new code replaces the old one and resets the tries.
        assert!(store.set_link_code("t1", "c2", expires, 3).await.unwrap());
        let got = link(&store, "t1").await;
        assert_eq!(got.code_hash.as_deref(), Some("c2"));
        assert_eq!((got.code_attempts, got.codes_sent), (0, 2));
        assert!(store.set_link_code("t1", "c3", expires, 3).await.unwrap());
        assert!(!store.set_link_code("t1", "c4", expires, 3).await.unwrap(), "cap of 3 codes");
        assert_eq!(link(&store, "t1").await.code_hash.as_deref(), Some("c3"));
        assert!(!store.set_link_code("unknown", "c", expires, 3).await.unwrap());
    }

    async fn a_right_code_opens_one_session_once(db) {
        let store = db.store().await;
        store.create_link(new_link(Uuid::new_v4(), "t1")).await.unwrap();
        let until = T0 + Duration::minutes(60);
        assert!(store.set_link_code("t1", "c1", T0 + Duration::minutes(10), 5).await.unwrap());
        assert!(!store.start_link_session("t1", "wrong", "s1", until).await.unwrap());
        assert!(store.start_link_session("t1", "c1", "s1", until).await.unwrap());
        let got = link(&store, "t1").await;
        assert_eq!(got.session_hash.as_deref(), Some("s1"));
        assert_eq!(got.session_expires_at, Some(until));
        assert_eq!(got.code_hash, None, "the code is used up");
        assert_eq!(got.code_expires_at, None);
        assert!(!store.start_link_session("t1", "c1", "s2", until).await.unwrap(), "a code works once");
        assert_eq!(link(&store, "t1").await.session_hash.as_deref(), Some("s1"));
    }

    async fn a_link_is_used_once(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        store.create_link(new_link(case, "t1")).await.unwrap();
        assert!(store.set_link_code("t1", "c1", T0 + Duration::minutes(10), 5).await.unwrap());
        assert!(store.start_link_session("t1", "c1", "s1", T0 + Duration::hours(1)).await.unwrap());
        let blob = store.put_blob(case, "text/plain", "practitioner-contribution.txt", b"text").await.unwrap();
        let at = T0 + Duration::minutes(30);
        assert!(store.mark_link_used("t1", at, Some(blob)).await.unwrap());
        let got = link(&store, "t1").await;
        assert_eq!(got.used_at, Some(at));
        assert_eq!(got.contribution_blob_id, Some(blob));
        assert_eq!(got.session_hash, None, "the form session ends");
        assert!(!store.mark_link_used("t1", at, None).await.unwrap());
        assert_eq!(link(&store, "t1").await.contribution_blob_id, Some(blob));
        assert!(!store.set_link_code("t1", "c2", T0 + Duration::hours(1), 5).await.unwrap());
        assert!(!store.revoke_link(case, got.id).await.unwrap(), "a used link stays used");
    }

    async fn revoking_ends_codes_and_sessions(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        let new = new_link(case, "t1");
        let id = new.id;
        store.create_link(new).await.unwrap();
        assert!(store.set_link_code("t1", "c1", T0 + Duration::minutes(10), 5).await.unwrap());
        assert!(store.start_link_session("t1", "c1", "s1", T0 + Duration::hours(1)).await.unwrap());
        assert!(!store.revoke_link(Uuid::new_v4(), id).await.unwrap(), "only through its own case");
        assert!(store.revoke_link(case, id).await.unwrap());
        let got = link(&store, "t1").await;
        assert!(got.revoked);
        assert_eq!((got.code_hash, got.session_hash), (None, None));
        assert!(!store.revoke_link(case, id).await.unwrap());
        assert!(!store.set_link_code("t1", "c2", T0 + Duration::minutes(10), 5).await.unwrap());
        assert!(!store.mark_link_used("t1", T0, None).await.unwrap());
    }

    async fn shredding_the_case_erases_the_email(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        store.create_link(new_link(case, "t1")).await.unwrap();
        store.shred_case(case).await.unwrap();
        let got = link(&store, "t1").await;
        assert_eq!(got.email, None);
        assert_eq!(store.links_for_case(case).await.unwrap()[0].email, None);
        assert!(matches!(store.create_link(new_link(case, "t2")).await, Err(StoreError::Shredded)));
    }

    async fn the_export_keeps_links_without_codes_or_sessions(db) {
        let store = db.store().await;
        let (live, _) = populate(&store).await;
        store.create_link(new_link(live, "t1")).await.unwrap();
        assert!(store.set_link_code("t1", "code-hash-x", T0 + Duration::minutes(10), 5).await.unwrap());
        store.record_code_attempt("t1").await.unwrap();
        assert!(store.start_link_session("t1", "code-hash-x", "session-hash-y", T0 + Duration::hours(1)).await.unwrap());
        store.create_link(new_link(live, "t2")).await.unwrap();
        assert!(store.set_link_code("t2", "code-hash-z", T0 + Duration::minutes(10), 5).await.unwrap());
        let export = export_text(&store).await;
        let rows = exported_rows(&export, "practitioner_links");
        assert_eq!(rows.len(), 2);
        for row in &rows {
            for col in ["code_hash", "code_expires_at", "code_attempts", "codes_sent", "session_hash", "session_expires_at"] {
                assert!(row.get(col).is_none(), "{col} exported");
            }
        }
        for secret in ["code-hash-x", "code-hash-z", "session-hash-y"] {
            assert!(!export.contains(secret), "{secret} exported");
        }

        // Into the other backend: the same export, and the links still work there.
        let other = match db.backend() {
            Backend::Sqlite => Backend::Postgres,
            Backend::Postgres => Backend::Sqlite,
        };
        let (_target_db, target) = imported(&export, db.backend(), other).await;
        let got = link(&target, "t1").await;
        assert_eq!(got.email.as_deref(), Some(EMAIL));
        assert_eq!((got.code_hash, got.session_hash, got.codes_sent), (None, None, 0));
        assert!(target.set_link_code("t1", "c", T0 + Duration::minutes(10), 5).await.unwrap());

        // A target that holds a link (and so its case key) is not empty.
        let (_busy_db, busy) = fresh_store(db.backend()).await;
        busy.create_link(new_link(Uuid::new_v4(), "t9")).await.unwrap();
        assert!(matches!(busy.import_canonical(export.as_bytes()).await, Err(StoreError::NotEmpty(_))));
    }
}
