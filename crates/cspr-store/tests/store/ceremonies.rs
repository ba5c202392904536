//! Sign-in ceremonies in progress (issue 18): kept by one server, taken once by any, sealed,
//! expiring, and bounded per client address and in all.

use cspr_store::NewCeremony;
use time::Duration;

use crate::T0;

fn ceremony<'a>(
    id: &'a str,
    source: &'a str,
    value: &'a [u8],
    at: time::OffsetDateTime,
) -> NewCeremony<'a> {
    NewCeremony {
        kind: "oidc",
        id,
        source,
        value,
        now: at,
        ttl: Duration::minutes(10),
        per_source: 3,
        max: 5,
    }
}

cspr_store::backend_tests! {
    async fn a_ceremony_kept_by_one_server_is_taken_once_by_another(db) {
        let one = db.store().await;
        let other = db.store().await;
        one.keep_ceremony(ceremony("id-a", "192.0.2.1", b"verifier-and-nonce", T0)).await.unwrap();
        // Sealed at rest: the value is not in the row as written.
        let sealed: Vec<Vec<u8>> = db.query_bytes("SELECT sealed FROM ceremonies").await;
        assert_eq!(sealed.len(), 1);
        assert!(!sealed[0].windows(8).any(|w| w == b"verifier"), "sealed");
        // Another kind, an unknown id: nothing, and nothing is used up.
        assert_eq!(other.take_ceremony("passkey", "id-a", T0).await.unwrap(), None);
        assert_eq!(other.take_ceremony("oidc", "id-b", T0).await.unwrap(), None);
        // Another server takes it, once.
        let at = T0 + Duration::minutes(9);
        assert_eq!(other.take_ceremony("oidc", "id-a", at).await.unwrap().as_deref(), Some(&b"verifier-and-nonce"[..]));
        assert_eq!(one.take_ceremony("oidc", "id-a", at).await.unwrap(), None);
        // Expired: gone, whether taken or swept.
        one.keep_ceremony(ceremony("id-c", "192.0.2.1", b"x", T0)).await.unwrap();
        assert_eq!(other.take_ceremony("oidc", "id-c", T0 + Duration::minutes(10)).await.unwrap(), None);
        one.keep_ceremony(ceremony("id-d", "192.0.2.1", b"x", T0)).await.unwrap();
        assert_eq!(one.purge_expired_ceremonies(T0 + Duration::minutes(9)).await.unwrap(), 0);
        assert_eq!(one.purge_expired_ceremonies(T0 + Duration::minutes(10)).await.unwrap(), 1);
        assert_eq!(one.take_ceremony("oidc", "id-d", T0).await.unwrap(), None);
    }

    async fn ceremonies_are_bounded_per_source_and_in_all(db) {
        let store = db.store().await;
        let at = |s: i64| T0 + Duration::seconds(s);
        // A fourth from one address pushes out its own oldest.
        for (i, id) in ["a1", "a2", "a3", "a4"].into_iter().enumerate() {
            store.keep_ceremony(ceremony(id, "192.0.2.1", b"a", at(i as i64))).await.unwrap();
        }
        assert_eq!(store.take_ceremony("oidc", "a1", at(10)).await.unwrap(), None);
        // Another kind has a share of its own.
        let mut passkey = ceremony("p1", "192.0.2.1", b"p", at(4));
        passkey.kind = "passkey";
        store.keep_ceremony(passkey).await.unwrap();
        // Past five in all of one kind, anyone's oldest goes.
        store.keep_ceremony(ceremony("b1", "198.51.100.7", b"b", at(5))).await.unwrap();
        store.keep_ceremony(ceremony("c1", "203.0.113.9", b"c", at(6))).await.unwrap();
        store.keep_ceremony(ceremony("c2", "203.0.113.9", b"c", at(7))).await.unwrap();
        assert_eq!(store.take_ceremony("oidc", "a2", at(10)).await.unwrap(), None, "the oldest of all went");
        for id in ["a3", "a4", "b1", "c1", "c2"] {
            assert!(store.take_ceremony("oidc", id, at(10)).await.unwrap().is_some(), "{id} kept");
        }
        assert!(store.take_ceremony("passkey", "p1", at(10)).await.unwrap().is_some());
    }
}
