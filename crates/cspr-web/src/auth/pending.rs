//! Sign-in ceremonies in progress until they finish: an OpenID Connect sign-in (state, nonce,
//! PKCE verifier) or a passkey ceremony (the challenge and what must be checked against it).
//! Kept in the store (`Store::keep_ceremony`), not this process's memory, so the browser's
//! return may reach any server behind a load balancer (issue 18). Each is kept under a random
//! id for a limited time, sealed, and taken once. The store bounds them: past its size the
//! oldest go, and one client address cannot hold more than its share, so a flood of starts
//! pushes out its own oldest, not everyone's.

use std::marker::PhantomData;

use cspr_store::{NewCeremony, Store, StoreError};
use serde::{Serialize, de::DeserializeOwned};
use time::{Duration, OffsetDateTime};
use zeroize::Zeroizing;

/// Ceremonies in progress of one kind.
pub struct Ceremonies<T> {
    kind: &'static str,
    ttl: Duration,
    per_source: usize,
    max: usize,
    of: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Ceremonies<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ceremonies")
            .field("kind", &self.kind)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl<T: Serialize + DeserializeOwned> Ceremonies<T> {
    /// Ceremonies of `kind`, each lasting `ttl`, at most `per_source` per client address and
    /// `max` in all.
    #[must_use]
    pub fn new(kind: &'static str, ttl: Duration, per_source: usize, max: usize) -> Self {
        Self {
            kind,
            ttl,
            per_source: per_source.max(1),
            max: max.max(1),
            of: PhantomData,
        }
    }

    /// Keeps `value` under `id`, started at `now` by `source`.
    ///
    /// # Errors
    /// Store failures.
    pub async fn keep(
        &self,
        store: &Store,
        id: &str,
        value: &T,
        source: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let bytes = Zeroizing::new(
            serde_json::to_vec(value).map_err(|e| StoreError::Invalid(e.to_string()))?,
        );
        store
            .keep_ceremony(NewCeremony {
                kind: self.kind,
                id,
                source: &source_key(source),
                value: &bytes,
                now,
                ttl: self.ttl,
                per_source: self.per_source,
                max: self.max,
            })
            .await
    }

    /// Takes what is kept under `id`, once: `None` if there is nothing, it has expired, or it
    /// no longer reads (kept by another version of cspr).
    ///
    /// # Errors
    /// Store failures.
    pub async fn take(
        &self,
        store: &Store,
        id: &str,
        now: OffsetDateTime,
    ) -> Result<Option<T>, StoreError> {
        let Some(bytes) = store.take_ceremony(self.kind, id, now).await? else {
            return Ok(None);
        };
        let bytes = Zeroizing::new(bytes);
        Ok(serde_json::from_slice(&bytes).ok())
    }
}

/// Whose share an entry counts against: the client's address, or for IPv6 its /64 (one
/// network's hosts, which one machine can take many addresses from).
fn source_key(address: &str) -> String {
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        _ => address.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_network_counts_as_one_source() {
        assert_eq!(source_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(source_key("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
        assert_eq!(source_key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(source_key("192.0.2.7"), "192.0.2.7");
        assert_eq!(source_key("unknown"), "unknown");
    }

    #[tokio::test]
    async fn one_network_holds_its_share_and_a_value_comes_back_once() {
        let db = cspr_store::testing::TestDb::sqlite().await;
        let store = db.store().await;
        let t0 = OffsetDateTime::UNIX_EPOCH;
        let p: Ceremonies<u32> = Ceremonies::new("test", Duration::minutes(5), 2, 100);
        for i in 0..3_u32 {
            let at = t0 + Duration::seconds(i64::from(i));
            p.keep(&store, &format!("k{i}"), &i, &format!("2001:db8::{i}"), at)
                .await
                .expect("kept");
        }
        let now = t0 + Duration::seconds(3);
        assert_eq!(
            p.take(&store, "k0", now).await.expect("read"),
            None,
            "the network's oldest went"
        );
        assert_eq!(p.take(&store, "k2", now).await.expect("read"), Some(2));
        assert_eq!(
            p.take(&store, "k2", now).await.expect("read"),
            None,
            "taken once"
        );
        // Another kind never takes it.
        let other: Ceremonies<u32> = Ceremonies::new("other", Duration::minutes(5), 2, 100);
        assert_eq!(other.take(&store, "k1", now).await.expect("read"), None);
        assert_eq!(p.take(&store, "k1", now).await.expect("read"), Some(1));
    }
}
