//! Per-address limits against unauthenticated load (issue 16, finding 7): how many requests one
//! client address may make in a minute (then 429), and how many refusals of anonymous attempts
//! (wrong sign-ins, held-back sign-ins, unknown link tokens) it may add to the single
//! hash-chained access log in a minute (then one line saying the rest are left out, and no
//! more). Kept in memory per process; a request without a known client address (no connection
//! information) is not counted, as it cannot be told apart from any other.

use std::collections::HashMap;
use std::sync::Mutex;

/// Anonymous refusals written to the access log per address per minute.
pub const REFUSALS_LOGGED_PER_MINUTE: u32 = 20;

/// What to do with one more anonymous refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// Write it.
    Log,
    /// Write one line saying further refusals are left out this minute, instead of it.
    LogSuppressed,
    /// Leave it out.
    Skip,
}

/// The minute windows of each address.
#[derive(Debug, Default)]
pub struct Windows {
    /// address -> (minute, requests, refusals).
    by_address: Mutex<HashMap<String, (i64, u32, u32)>>,
}

impl Windows {
    fn with<T>(&self, address: &str, minute: i64, f: impl FnOnce(&mut (i64, u32, u32)) -> T) -> T {
        let mut map = self
            .by_address
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() > 50_000 {
            map.retain(|_, w| w.0 >= minute);
        }
        let w = map.entry(address.to_owned()).or_insert((minute, 0, 0));
        if w.0 != minute {
            *w = (minute, 0, 0);
        }
        f(w)
    }

    /// Counts a request from `address` in `minute`; whether it is within `limit`.
    pub fn request(&self, address: &str, minute: i64, limit: u32) -> bool {
        if address == "unknown" {
            return true;
        }
        self.with(address, minute, |w| {
            w.1 = w.1.saturating_add(1);
            w.1 <= limit
        })
    }

    /// Counts an anonymous refusal from `address` in `minute`.
    pub fn refusal(&self, address: &str, minute: i64) -> Budget {
        if address == "unknown" {
            return Budget::Log;
        }
        self.with(address, minute, |w| {
            w.2 = w.2.saturating_add(1);
            match w.2.cmp(&REFUSALS_LOGGED_PER_MINUTE) {
                std::cmp::Ordering::Less | std::cmp::Ordering::Equal => Budget::Log,
                std::cmp::Ordering::Greater if w.2 == REFUSALS_LOGGED_PER_MINUTE + 1 => {
                    Budget::LogSuppressed
                }
                std::cmp::Ordering::Greater => Budget::Skip,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_has_its_own_minute() {
        let w = Windows::default();
        assert!((0..3).all(|_| w.request("10.0.0.1", 7, 3)));
        assert!(!w.request("10.0.0.1", 7, 3), "the fourth in the minute");
        assert!(w.request("10.0.0.2", 7, 3), "another address");
        assert!(w.request("10.0.0.1", 8, 3), "the next minute");
        assert!((0..10).all(|_| w.request("unknown", 7, 3)), "not counted");
    }

    #[test]
    fn refusals_are_logged_up_to_the_budget_then_once_more_then_not() {
        let w = Windows::default();
        let got: Vec<Budget> = (0..REFUSALS_LOGGED_PER_MINUTE + 3)
            .map(|_| w.refusal("10.0.0.1", 7))
            .collect();
        assert!(
            got[..REFUSALS_LOGGED_PER_MINUTE as usize]
                .iter()
                .all(|b| *b == Budget::Log)
        );
        assert_eq!(
            &got[REFUSALS_LOGGED_PER_MINUTE as usize..],
            [Budget::LogSuppressed, Budget::Skip, Budget::Skip]
        );
        assert_eq!(w.refusal("10.0.0.1", 8), Budget::Log, "a new minute");
    }
}
