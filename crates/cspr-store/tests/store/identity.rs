//! Identity: accounts, sessions, the second factor, recovery codes, throttling counters,
//! agencies and settings, on both backends; and the canonical export with identity rows in it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use cspr_store::{
    AgencyRow, Backend, NewSession, NewUser, PartnershipRow, PasskeyRow, Store, StoreError, UserRow,
};
use serde_json::json;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{T0, assert_not_found, export_text, exported_rows, fresh_store, imported, populate};

fn new_user(partnership_id: Uuid, email: &str, name: &str) -> NewUser {
    NewUser {
        id: Uuid::new_v4(),
        partnership_id,
        email: email.to_owned(),
        display_name: name.to_owned(),
        role: "reviewer".to_owned(),
        agency_id: None,
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned()),
    }
}

async fn add_user(store: &Store, partnership_id: Uuid, email: &str, name: &str) -> Uuid {
    let u = new_user(partnership_id, email, name);
    let id = u.id;
    store.create_user(u, T0).await.unwrap();
    id
}

fn session(token_hash: &str, user_id: Uuid, at: OffsetDateTime) -> NewSession {
    NewSession {
        token_hash: token_hash.to_owned(),
        user_id,
        created_at: at,
        last_seen_at: at,
        mfa_done: false,
        reauth_at: None,
    }
}

fn passkey(user_id: Uuid, credential_id: &str, name: &str, at: OffsetDateTime) -> PasskeyRow {
    PasskeyRow {
        id: Uuid::new_v4(),
        user_id,
        credential_id: credential_id.to_owned(),
        name: name.to_owned(),
        credential: format!("{{\"cred\":\"{credential_id}\",\"counter\":0}}"),
        created_at: at,
        last_used_at: None,
    }
}

async fn user(store: &Store, id: Uuid) -> UserRow {
    store.user_by_id(id).await.unwrap().unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Identity rows of every kind, sessions and counters included (which the export leaves out).
async fn populate_identity(store: &Store) -> Uuid {
    let p = Uuid::new_v4();
    store
        .upsert_partnership(PartnershipRow {
            id: p,
            name: "Northshire Safeguarding Children Partnership".into(),
        })
        .await
        .unwrap();
    store
        .save_partnership_settings(
            p,
            &json!({"working_days": {"bank_holidays": "england-and-wales"}, "idle_minutes": 30}),
            T0,
        )
        .await
        .unwrap();
    let police = Uuid::new_v4();
    store
        .upsert_agency(AgencyRow {
            id: police,
            partnership_id: p,
            kind: "police".into(),
            name: "Northshire Police".into(),
            active: true,
        })
        .await
        .unwrap();
    let chair = add_user(store, p, "Chair@Example.org", "Alex Chair").await;
    let mut rep = new_user(p, "rep@example.org", "Sam Rep");
    rep.role = "agency-representative".into();
    rep.agency_id = Some(police);
    rep.password_hash = None;
    let rep_id = rep.id;
    store.create_user(rep, T0).await.unwrap();
    store
        .link_oidc(rep_id, "https://login.example.org", "sub-1")
        .await
        .unwrap();
    store
        .set_totp_secret(chair, Some(b"12345678901234567890"), true)
        .await
        .unwrap();
    assert!(store.set_last_totp_step(chair, 58_000_000).await.unwrap());
    store
        .replace_recovery_codes(chair, &["h1".into(), "h2".into(), "h3".into()])
        .await
        .unwrap();
    store
        .add_passkey(&passkey(chair, "Y3JlZC0x", "Work laptop", T0))
        .await
        .unwrap();
    store
        .create_session(session("s1", chair, T0))
        .await
        .unwrap();
    store
        .record_login_failure("ip:192.0.2.1", T0)
        .await
        .unwrap();
    chair
}

cspr_store::backend_tests! {
    // Issue 16, finding 2: an activation link sets the first password once, before it
    // expires; only the newest link works; a pending authenticator secret is read only by the
    // session that made it.
    async fn activation_links_are_single_use_expiring_and_replaced(db) {
        let store = db.store().await;
        let p = Uuid::new_v4();
        let mut u = new_user(p, "new@example.org", "New Person");
        u.password_hash = None;
        let id = u.id;
        store.create_user(u, T0).await.unwrap();
        let until = T0 + Duration::days(3);
        store.create_activation(id, "old", T0, until).await.unwrap();
        store.create_activation(id, "new", T0, until).await.unwrap();
        assert_eq!(store.activation_user("old", T0).await.unwrap(), None, "replaced");
        assert_eq!(store.activation_user("new", T0).await.unwrap(), Some(id));
        assert_eq!(store.activation_user("new", until).await.unwrap(), None, "expired");
        assert_eq!(store.activate("new", until, "$argon2id$hash").await.unwrap(), None);
        assert_eq!(store.user_by_id(id).await.unwrap().unwrap().password_hash, None, "nothing set");
        assert_eq!(store.activate("new", T0, "$argon2id$hash").await.unwrap(), Some(id));
        assert_eq!(store.user_by_id(id).await.unwrap().unwrap().password_hash.as_deref(), Some("$argon2id$hash"));
        assert_eq!(store.activate("new", T0, "$argon2id$other").await.unwrap(), None, "once");
        assert_eq!(store.user_by_id(id).await.unwrap().unwrap().password_hash.as_deref(), Some("$argon2id$hash"));

        store.set_pending_totp_secret(id, b"0123456789abcdef0123", "session-a").await.unwrap();
        assert!(store.pending_totp_secret(id, "session-b").await.unwrap().is_none(), "another session");
        assert_eq!(
            store.pending_totp_secret(id, "session-a").await.unwrap().as_deref().map(Vec::as_slice),
            Some(&b"0123456789abcdef0123"[..])
        );
        store.set_totp_secret(id, Some(b"0123456789abcdef0123"), true).await.unwrap();
        assert!(store.pending_totp_secret(id, "session-a").await.unwrap().is_none(), "no longer pending");
    }

    async fn users_are_found_by_id_email_and_identity(db) {
        let store = db.store().await;
        let p = Uuid::new_v4();
        let id = add_user(&store, p, "  Jo.Bloggs@Example.ORG ", "Jo Bloggs").await;
        let row = user(&store, id).await;
        assert_eq!(row.email, "jo.bloggs@example.org");
        assert_eq!(row.partnership_id, p);
        assert_eq!(row.created_at, T0);
        assert!(!row.totp_enabled && !row.disabled);
        assert_eq!(row.last_totp_step, None);
        assert_eq!(store.user_by_email("JO.BLOGGS@example.org").await.unwrap().unwrap().id, id);
        assert!(store.user_by_email("someone@example.org").await.unwrap().is_none());
        assert!(store.user_by_email("").await.unwrap().is_none());
        assert!(store.user_by_id(Uuid::new_v4()).await.unwrap().is_none());

        // The same address in another letter case is a duplicate, whatever the partnership.
        let err = store
            .create_user(new_user(Uuid::new_v4(), "jo.bloggs@EXAMPLE.org", "Other"), T0)
            .await
            .unwrap_err();
        match err {
            StoreError::Duplicate(m) => assert_eq!(m, "A user with this email address already exists"),
            other => panic!("{other:?}"),
        }

        store.link_oidc(id, "https://idp.example.org", "abc").await.unwrap();
        store.link_oidc(id, "https://idp.example.org", "abc").await.unwrap();
        let found = store.user_by_oidc("https://idp.example.org", "abc").await.unwrap().unwrap();
        assert_eq!(found.id, id);
        assert_eq!(found.oidc_subject.as_deref(), Some("abc"));
        assert!(store.user_by_oidc("https://idp.example.org", "abd").await.unwrap().is_none());
        let other = add_user(&store, p, "other@example.org", "Other").await;
        let err = store.link_oidc(other, "https://idp.example.org", "abc").await.unwrap_err();
        assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
        let err = store.link_oidc(Uuid::new_v4(), "https://idp.example.org", "new").await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
    }

    async fn accounts_list_by_name_and_change(db) {
        let store = db.store().await;
        let p = Uuid::new_v4();
        let zed = add_user(&store, p, "z@example.org", "zed Smith").await;
        let amy = add_user(&store, p, "a@example.org", "Amy Jones").await;
        let bob = add_user(&store, p, "b@example.org", "Bob Brown").await;
        add_user(&store, Uuid::new_v4(), "x@example.org", "Elsewhere").await;
        let listed: Vec<Uuid> = store.users(p).await.unwrap().iter().map(|u| u.id).collect();
        assert_eq!(listed, vec![amy, bob, zed]);

        let agency = Uuid::new_v4();
        store.set_user_role(bob, "agency-representative", Some(agency)).await.unwrap();
        let row = user(&store, bob).await;
        assert_eq!((row.role.as_str(), row.agency_id), ("agency-representative", Some(agency)));
        store.set_password_hash(bob, "$argon2id$new").await.unwrap();
        assert_eq!(user(&store, bob).await.password_hash.as_deref(), Some("$argon2id$new"));
        assert_not_found(store.set_user_role(Uuid::new_v4(), "chair", None).await);
        assert_not_found(store.set_password_hash(Uuid::new_v4(), "x").await);
    }

    async fn disabling_an_account_ends_its_sessions(db) {
        let store = db.store().await;
        let p = Uuid::new_v4();
        let jo = add_user(&store, p, "jo@example.org", "Jo").await;
        let kim = add_user(&store, p, "kim@example.org", "Kim").await;
        store.create_session(session("jo-1", jo, T0)).await.unwrap();
        store.create_session(session("jo-2", jo, T0)).await.unwrap();
        store.create_session(session("kim-1", kim, T0)).await.unwrap();

        store.set_user_disabled(jo, true).await.unwrap();
        assert!(user(&store, jo).await.disabled);
        assert!(store.session("jo-1").await.unwrap().is_none());
        assert!(store.session("jo-2").await.unwrap().is_none());
        assert!(store.session("kim-1").await.unwrap().is_some());
        // No new session for a disabled account, nor for one that does not exist.
        let err = store.create_session(session("jo-3", jo, T0)).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = store.create_session(session("ghost", Uuid::new_v4(), T0)).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");

        store.set_user_disabled(jo, false).await.unwrap();
        store.create_session(session("jo-3", jo, T0)).await.unwrap();
        assert_not_found(store.set_user_disabled(Uuid::new_v4(), true).await);
    }

    async fn sessions_are_created_touched_and_ended(db) {
        let store = db.store().await;
        let p = Uuid::new_v4();
        let jo = add_user(&store, p, "jo@example.org", "Jo").await;
        let mut s = session("hash-a", jo, T0);
        s.mfa_done = true;
        store.create_session(s.clone()).await.unwrap();
        let row = store.session("hash-a").await.unwrap().unwrap();
        assert_eq!(
            (row.token_hash.as_str(), row.user_id, row.created_at, row.last_seen_at, row.mfa_done, row.reauth_at),
            ("hash-a", jo, T0, T0, true, None)
        );
        // A request reads its session and account in one statement (issue 20): the same rows.
        // With them, the read models' version, so the request's listings need no read of it.
        let read = store.session_with_user("hash-a").await.unwrap().unwrap();
        assert_eq!(read.session, row);
        assert_eq!(read.user, store.user_by_id(jo).await.unwrap());
        assert!(read.user.is_some());
        assert_eq!(read.read_models, store.projection_version().await.unwrap());
        assert!(store.session_with_user("hash-b").await.unwrap().is_none());
        // And the version of the account's partnership's settings (issue 18): 0 before any
        // save, then each save's, so another server knows its settings are behind.
        assert_eq!(read.settings, 0);
        let saved = store.save_partnership_settings(p, &serde_json::json!({"a": 1}), T0).await.unwrap();
        assert_eq!(saved, 1);
        let saved = store.save_partnership_settings(p, &serde_json::json!({"a": 2}), T0).await.unwrap();
        assert_eq!(saved, 2);
        assert_eq!(store.session_with_user("hash-a").await.unwrap().unwrap().settings, 2);
        assert_eq!(
            store.partnership_settings_versioned(p).await.unwrap(),
            Some((serde_json::json!({"a": 2}), 2))
        );
        assert_eq!(store.partnership_settings_version(Uuid::new_v4()).await.unwrap(), 0);
        // Another partnership's save does not move this one's.
        store.save_partnership_settings(Uuid::new_v4(), &serde_json::json!({}), T0).await.unwrap();
        assert_eq!(store.session_with_user("hash-a").await.unwrap().unwrap().settings, 2);
        // A token hash is unique.
        assert!(store.create_session(s).await.is_err());

        let later = T0 + Duration::minutes(10);
        store.touch_session("hash-a", later).await.unwrap();
        store.set_session_reauth("hash-a", later).await.unwrap();
        let row = store.session("hash-a").await.unwrap().unwrap();
        assert_eq!((row.last_seen_at, row.reauth_at), (later, Some(later)));
        assert_eq!(store.session_with_user("hash-a").await.unwrap().unwrap().session, row);
        assert_eq!(row.created_at, T0);

        store.delete_session("hash-a").await.unwrap();
        store.delete_session("hash-a").await.unwrap();
        assert!(store.session("hash-a").await.unwrap().is_none());
        assert_not_found(store.touch_session("hash-a", later).await);
        assert_not_found(store.set_session_reauth("hash-a", later).await);

        // Expiry: idle for more than 30 minutes, or older than 12 hours.
        let now = T0 + Duration::hours(13);
        let mut old = session("old-but-busy", jo, T0);
        old.last_seen_at = now;
        store.create_session(old).await.unwrap();
        store.create_session(session("idle", jo, now - Duration::minutes(31))).await.unwrap();
        store.create_session(session("fresh", jo, now - Duration::minutes(5))).await.unwrap();
        let gone = store
            .delete_expired_sessions(now - Duration::minutes(30), now - Duration::hours(12))
            .await
            .unwrap();
        assert_eq!(gone, 2);
        assert!(store.session("fresh").await.unwrap().is_some());
        assert!(store.session("idle").await.unwrap().is_none());
        assert!(store.session("old-but-busy").await.unwrap().is_none());

        store.create_session(session("second", jo, now)).await.unwrap();
        assert_eq!(store.delete_user_sessions(jo).await.unwrap(), 2);
        assert!(store.session("fresh").await.unwrap().is_none());
    }

    // Passkeys (issue 16): several per account, each credential registered once across every
    // account, a use moves the record on, and one person cannot remove another's.
    async fn passkeys_are_registered_used_and_removed(db) {
        let store = db.store().await;
        let p = Uuid::new_v4();
        let jo = add_user(&store, p, "jo@example.org", "Jo").await;
        let kim = add_user(&store, p, "kim@example.org", "Kim").await;
        assert!(!store.has_passkey(jo).await.unwrap());
        let laptop = passkey(jo, "Y3JlZC0x", "Work laptop", T0);
        let phone = passkey(jo, "Y3JlZC0y", "Phone", T0 + Duration::minutes(1));
        store.add_passkey(&laptop).await.unwrap();
        store.add_passkey(&phone).await.unwrap();
        assert!(store.has_passkey(jo).await.unwrap());
        let names: Vec<String> = store.passkeys(jo).await.unwrap().into_iter().map(|k| k.name).collect();
        assert_eq!(names, ["Work laptop", "Phone"]);

        // The same authenticator credential for another account: refused, nothing stored.
        let again = passkey(kim, "Y3JlZC0x", "Stolen", T0);
        assert!(matches!(store.add_passkey(&again).await, Err(StoreError::Duplicate(_))));
        assert!(store.passkeys(kim).await.unwrap().is_empty());
        assert_eq!(store.passkey_by_credential("Y3JlZC0x").await.unwrap().unwrap().user_id, jo);
        assert!(store.passkey_by_credential("bm9uZQ").await.unwrap().is_none());

        let later = T0 + Duration::hours(2);
        assert!(
            !store.passkey_used(laptop.id, "{\"stale\":1}", "{\"counter\":7}", later).await.unwrap(),
            "checked against a record that is no longer stored: not counted"
        );
        assert!(store.passkey_used(laptop.id, &laptop.credential, "{\"counter\":7}", later).await.unwrap());
        assert!(
            !store.passkey_used(laptop.id, &laptop.credential, "{\"counter\":8}", later).await.unwrap(),
            "a second use checked against the same record: not counted"
        );
        let used = store.passkey_by_credential("Y3JlZC0x").await.unwrap().unwrap();
        assert_eq!((used.credential.as_str(), used.last_used_at), ("{\"counter\":7}", Some(later)));

        assert!(!store.remove_passkey(kim, laptop.id).await.unwrap(), "not Kim's to remove");
        assert!(store.remove_passkey(jo, laptop.id).await.unwrap());
        assert!(!store.remove_passkey(jo, laptop.id).await.unwrap());
        assert!(!store.passkey_used(laptop.id, "{\"counter\":7}", "{}", later).await.unwrap());
        assert_eq!(store.remove_passkeys(jo).await.unwrap(), 1);
        assert!(!store.has_passkey(jo).await.unwrap());
    }

    async fn recovery_codes_work_once(db) {
        let store = db.store().await;
        let jo = add_user(&store, Uuid::new_v4(), "jo@example.org", "Jo").await;
        let codes: Vec<String> = (0..10).map(|i| format!("hash-{i}")).collect();
        store.replace_recovery_codes(jo, &codes).await.unwrap();
        assert_eq!(store.recovery_codes_left(jo).await.unwrap(), 10);
        assert!(store.use_recovery_code(jo, "hash-3").await.unwrap());
        assert!(!store.use_recovery_code(jo, "hash-3").await.unwrap());
        assert!(!store.use_recovery_code(jo, "unknown").await.unwrap());
        let other = add_user(&store, Uuid::new_v4(), "kim@example.org", "Kim").await;
        assert!(!store.use_recovery_code(other, "hash-4").await.unwrap(), "codes belong to one account");
        assert_eq!(store.recovery_codes_left(jo).await.unwrap(), 9);

        // Concurrent use of the same code: exactly one succeeds.
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.use_recovery_code(jo, "hash-5").await.unwrap() })
            })
            .collect();
        let mut wins = 0;
        for t in tasks {
            wins += usize::from(t.await.unwrap());
        }
        assert_eq!(wins, 1);

        // A new set replaces the old one entirely.
        store.replace_recovery_codes(jo, &["new-1".into(), "new-2".into()]).await.unwrap();
        assert!(!store.use_recovery_code(jo, "hash-6").await.unwrap());
        assert!(store.use_recovery_code(jo, "new-1").await.unwrap());
        assert_not_found(store.replace_recovery_codes(Uuid::new_v4(), &codes).await);
    }

    async fn totp_secrets_are_sealed_at_rest(db) {
        let store = db.store().await;
        let p = Uuid::new_v4();
        let jo = add_user(&store, p, "jo@example.org", "Jo").await;
        let kim = add_user(&store, p, "kim@example.org", "Kim").await;
        assert!(store.totp_secret(jo).await.unwrap().is_none());
        let secret = b"\x01\x02TOTP-SECRET-BYTES\xfe\xff";
        store.set_totp_secret(jo, Some(secret), false).await.unwrap();
        assert!(!user(&store, jo).await.totp_enabled);
        store.set_totp_secret(jo, Some(secret), true).await.unwrap();
        assert!(user(&store, jo).await.totp_enabled);
        let back = store.totp_secret(jo).await.unwrap().unwrap();
        assert_eq!(back.as_slice(), secret);

        // The stored columns (the export writes them as stored) never hold the secret.
        let export = export_text(&store).await;
        let rows = exported_rows(&export, "users");
        let row = rows.iter().find(|r| r["id"] == jo.to_string()).unwrap();
        for col in ["totp_secret", "totp_wrapped_key"] {
            let raw = BASE64.decode(row[col].as_str().unwrap()).unwrap();
            assert!(!contains(&raw, secret), "{col} holds the secret");
            assert!(!contains(&raw, b"TOTP-SECRET"), "{col} holds part of the secret");
        }
        assert!(!export.contains(&BASE64.encode(secret)));

        // Sealed values are bound to their account: copied to another, they do not open.
        store.set_totp_secret(kim, Some(b"kim's own secret bytes"), true).await.unwrap();
        db.execute(&format!(
            "UPDATE users SET totp_wrapped_key = (SELECT totp_wrapped_key FROM users WHERE id = '{jo}'), \
             totp_secret = (SELECT totp_secret FROM users WHERE id = '{jo}') WHERE id = '{kim}'"
        ))
        .await;
        let err = store.totp_secret(kim).await.unwrap_err();
        assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");

        // Clearing removes it; switching on without a secret is refused.
        store.set_totp_secret(jo, None, false).await.unwrap();
        assert!(store.totp_secret(jo).await.unwrap().is_none());
        assert!(!user(&store, jo).await.totp_enabled);
        assert!(matches!(store.set_totp_secret(jo, None, true).await, Err(StoreError::Invalid(_))));
        assert_not_found(store.totp_secret(Uuid::new_v4()).await);
    }

    async fn a_totp_step_is_accepted_once(db) {
        let store = db.store().await;
        let jo = add_user(&store, Uuid::new_v4(), "jo@example.org", "Jo").await;
        store.set_totp_secret(jo, Some(b"12345678901234567890"), true).await.unwrap();
        assert!(store.set_last_totp_step(jo, 100).await.unwrap());
        assert!(!store.set_last_totp_step(jo, 100).await.unwrap(), "replay of the same step");
        assert!(!store.set_last_totp_step(jo, 99).await.unwrap(), "an earlier step");
        assert!(store.set_last_totp_step(jo, 101).await.unwrap());
        assert_eq!(user(&store, jo).await.last_totp_step, Some(101));
        // A new secret starts again.
        store.set_totp_secret(jo, Some(b"another secret 12345"), true).await.unwrap();
        assert_eq!(user(&store, jo).await.last_totp_step, None);
        assert_not_found(store.set_last_totp_step(Uuid::new_v4(), 1).await);

        let tasks: Vec<_> = (0..6)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.set_last_totp_step(jo, 500).await.unwrap() })
            })
            .collect();
        let mut wins = 0;
        for t in tasks {
            wins += usize::from(t.await.unwrap());
        }
        assert_eq!(wins, 1);
    }

    async fn login_failures_are_counted_per_key(db) {
        let store = db.store().await;
        assert!(store.login_failures("acct:abc").await.unwrap().is_none());
        for i in 1..=4u32 {
            let f = store
                .record_login_failure("acct:abc", T0 + Duration::seconds(i64::from(i)))
                .await
                .unwrap();
            assert_eq!(f.count, i);
            assert_eq!(f.last_at, T0 + Duration::seconds(i64::from(i)));
        }
        store.record_login_failure("ip:192.0.2.7", T0).await.unwrap();
        let f = store.login_failures("acct:abc").await.unwrap().unwrap();
        assert_eq!((f.count, f.last_at), (4, T0 + Duration::seconds(4)));
        assert_eq!(store.login_failures("ip:192.0.2.7").await.unwrap().unwrap().count, 1);

        store.clear_login_failures("acct:abc").await.unwrap();
        assert!(store.login_failures("acct:abc").await.unwrap().is_none());
        assert_eq!(store.delete_stale_login_failures(T0 + Duration::seconds(1)).await.unwrap(), 1);
        assert!(store.login_failures("ip:192.0.2.7").await.unwrap().is_none());

        // Concurrent failures are all counted.
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.record_login_failure("ip:x", T0).await.unwrap() })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(store.login_failures("ip:x").await.unwrap().unwrap().count, 10);
    }

    async fn agencies_partnerships_and_settings_round_trip(db) {
        let store = db.store().await;
        let p = Uuid::new_v4();
        assert!(store.partnership(p).await.unwrap().is_none());
        store.upsert_partnership(PartnershipRow { id: p, name: "Old name".into() }).await.unwrap();
        store.upsert_partnership(PartnershipRow { id: p, name: "Northshire SCP".into() }).await.unwrap();
        assert_eq!(store.partnership(p).await.unwrap().unwrap().name, "Northshire SCP");
        assert_eq!(store.partnerships().await.unwrap().len(), 1);

        let police = AgencyRow {
            id: Uuid::new_v4(),
            partnership_id: p,
            kind: "police".into(),
            name: "Northshire Police".into(),
            active: true,
        };
        let health = AgencyRow {
            id: Uuid::new_v4(),
            partnership_id: p,
            kind: "health".into(),
            name: "north ICB".into(),
            active: true,
        };
        store.upsert_agency(police.clone()).await.unwrap();
        store.upsert_agency(health.clone()).await.unwrap();
        let mut closed = police.clone();
        closed.active = false;
        closed.name = "Northshire Constabulary".into();
        store.upsert_agency(closed.clone()).await.unwrap();
        assert_eq!(store.agencies(p).await.unwrap(), vec![health.clone(), closed.clone()]);
        assert!(store.agencies(Uuid::new_v4()).await.unwrap().is_empty());
        let mut moved = health.clone();
        moved.partnership_id = Uuid::new_v4();
        assert!(matches!(store.upsert_agency(moved).await, Err(StoreError::Invalid(_))));

        assert!(store.partnership_settings(p).await.unwrap().is_none());
        let settings = json!({"session": {"idle_minutes": 30, "absolute_hours": 12}, "name": "Ünïcode ✓"});
        store.save_partnership_settings(p, &settings, T0).await.unwrap();
        assert_eq!(store.partnership_settings(p).await.unwrap().unwrap(), settings);
        let changed = json!({"session": {"idle_minutes": 20}});
        store.save_partnership_settings(p, &changed, T0).await.unwrap();
        assert_eq!(store.partnership_settings(p).await.unwrap().unwrap(), changed);
        assert!(matches!(
            store.save_partnership_settings(p, &json!([1, 2]), T0).await,
            Err(StoreError::Invalid(_))
        ));
    }

    async fn identity_export_leaves_out_sessions_and_counters(db) {
        let store = db.store().await;
        let chair = populate_identity(&store).await;
        let export = export_text(&store).await;
        for table in [
            "partnerships", "partnership_settings", "agencies", "users", "recovery_codes", "passkeys",
        ] {
            assert!(export.contains(&format!("\"table\":\"{table}\"")), "{table} missing");
        }
        assert!(!export.contains("\"table\":\"sessions\""));
        assert!(!export.contains("\"table\":\"login_failures\""));
        assert!(!export.contains("\"s1\""));
        assert_eq!(exported_rows(&export, "users").len(), 2);
        assert_eq!(store.session("s1").await.unwrap().unwrap().user_id, chair);

        // A target that holds accounts is not empty.
        let (_target_db, target) = fresh_store(db.backend()).await;
        add_user(&target, Uuid::new_v4(), "someone@example.org", "Someone").await;
        let err = target.import_canonical(export.as_bytes()).await.unwrap_err();
        assert!(matches!(err, StoreError::NotEmpty(_)), "{err:?}");
    }
}

async fn round_trip_with_identity(from: Backend, to: Backend) {
    let (_source_db, source) = fresh_store(from).await;
    populate(&source).await;
    let chair = populate_identity(&source).await;
    let before = export_text(&source).await;
    let (_target_db, target) = imported(&before, from, to).await;

    // The copy works: the sealed secret opens, codes and steps carry over, no one is signed in.
    let secret = target.totp_secret(chair).await.unwrap().unwrap();
    assert_eq!(secret.as_slice(), b"12345678901234567890");
    assert!(!target.set_last_totp_step(chair, 58_000_000).await.unwrap());
    assert!(target.use_recovery_code(chair, "h2").await.unwrap());
    let keys = target.passkeys(chair).await.unwrap();
    assert_eq!(keys, source.passkeys(chair).await.unwrap());
    assert_eq!(keys[0].name, "Work laptop");
    assert!(target.session("s1").await.unwrap().is_none());
    assert!(
        target
            .login_failures("ip:192.0.2.1")
            .await
            .unwrap()
            .is_none()
    );
    let rep = target
        .user_by_email("REP@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        target
            .user_by_oidc("https://login.example.org", "sub-1")
            .await
            .unwrap()
            .unwrap()
            .id,
        rep.id
    );
    assert!(target.verify().await.unwrap().is_ok());
}

cross_backend_tests!(round_trip_with_identity:
    identity_export_sqlite_to_sqlite,
    identity_export_postgres_to_postgres,
    identity_export_sqlite_to_postgres,
    identity_export_postgres_to_sqlite
);
