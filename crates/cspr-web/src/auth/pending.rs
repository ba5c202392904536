//! Sign-in ceremonies in progress, kept in the process's memory until they finish: an OpenID
//! Connect sign-in (state, nonce, PKCE verifier) or a passkey ceremony (the challenge and what
//! must be checked against it). Each is kept under a random id for a limited time and taken
//! once. The store is bounded: past its size the oldest go, and one client address cannot hold
//! more than its share, so a flood of starts pushes out its own oldest, not everyone's.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use time::{Duration, OffsetDateTime};

struct Entry<T> {
    value: T,
    created: OffsetDateTime,
    source: String,
}

/// Ceremonies in progress of one kind.
pub struct Ceremonies<T> {
    ttl: Duration,
    per_source: usize,
    max: usize,
    map: Mutex<HashMap<String, Entry<T>>>,
}

impl<T> std::fmt::Debug for Ceremonies<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ceremonies")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl<T> Ceremonies<T> {
    /// A store whose entries last `ttl`, at most `per_source` per client address and `max` in
    /// all.
    #[must_use]
    pub fn new(ttl: Duration, per_source: usize, max: usize) -> Self {
        Self {
            ttl,
            per_source: per_source.max(1),
            max: max.max(1),
            map: Mutex::new(HashMap::new()),
        }
    }

    /// Keeps `value` under `id`, started at `now` by `source`; what has expired goes first.
    pub fn keep(&self, id: String, value: T, source: &str, now: OffsetDateTime) {
        let key = source_key(source);
        let source = key.as_str();
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        map.retain(|_, e| e.created + self.ttl > now);
        let oldest = |map: &HashMap<String, Entry<T>>, source: Option<&str>| {
            map.iter()
                .filter(|(_, e)| source.is_none_or(|s| e.source == s))
                .min_by_key(|(_, e)| e.created)
                .map(|(k, _)| k.clone())
        };
        if map.values().filter(|e| e.source == source).count() >= self.per_source
            && let Some(k) = oldest(&map, Some(source))
        {
            map.remove(&k);
        }
        if map.len() >= self.max
            && let Some(k) = oldest(&map, None)
        {
            map.remove(&k);
        }
        map.insert(
            id,
            Entry {
                value,
                created: now,
                source: source.to_owned(),
            },
        );
    }

    /// Takes what is kept under `id`, once: `None` if there is nothing or it has expired.
    pub fn take(&self, id: &str, now: OffsetDateTime) -> Option<T> {
        self.map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(id)
            .filter(|e| e.created + self.ttl > now)
            .map(|e| e.value)
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
        let t0 = OffsetDateTime::UNIX_EPOCH;
        let p = Ceremonies::new(Duration::minutes(5), 2, 100);
        for i in 0..3 {
            p.keep(
                format!("k{i}"),
                i,
                &format!("2001:db8::{i}"),
                t0 + Duration::seconds(i),
            );
        }
        assert_eq!(p.take("k0", t0), None, "the network's oldest went");
    }

    #[test]
    fn entries_expire_are_taken_once_and_are_bounded_per_address_and_in_all() {
        let t0 = OffsetDateTime::UNIX_EPOCH;
        let p = Ceremonies::new(Duration::minutes(5), 2, 3);
        p.keep("a".into(), 1, "1.2.3.4", t0);
        assert_eq!(p.take("a", t0 + Duration::minutes(5)), None, "expired");
        p.keep("a".into(), 1, "1.2.3.4", t0);
        assert_eq!(p.take("a", t0), Some(1));
        assert_eq!(p.take("a", t0), None, "taken once");

        // A third from one address pushes out its own oldest.
        p.keep("b".into(), 2, "1.2.3.4", t0);
        p.keep("c".into(), 3, "1.2.3.4", t0 + Duration::seconds(1));
        p.keep("d".into(), 4, "1.2.3.4", t0 + Duration::seconds(2));
        assert_eq!(p.take("b", t0 + Duration::seconds(3)), None);
        // Past the whole store's size, the oldest of anyone's goes.
        p.keep("e".into(), 5, "9.9.9.9", t0 + Duration::seconds(3));
        p.keep("f".into(), 6, "8.8.8.8", t0 + Duration::seconds(4));
        let now = t0 + Duration::seconds(5);
        assert_eq!(p.take("c", now), None);
        assert_eq!(
            ["d", "e", "f"].map(|k| p.take(k, now)),
            [Some(4), Some(5), Some(6)]
        );
    }
}
