//! Escalating delays after failed sign-ins (ASVS 6.3.1), counted per account and per address by
//! the caller: a few mistakes cost nothing, then each further failure doubles the wait, up to a
//! ceiling that slows guessing to a crawl without locking a real user out for long.

use std::time::Duration;

use time::OffsetDateTime;

/// Failures allowed before any delay.
pub const FREE_FAILURES: u32 = 3;
/// The first delay, after failure number `FREE_FAILURES + 1`.
pub const FIRST_DELAY: Duration = Duration::from_secs(1);
/// The longest delay.
pub const MAX_DELAY: Duration = Duration::from_secs(15 * 60);

/// How long to hold back the next attempt after `failures` consecutive failures: nothing for
/// the first three, then 1 s, 2 s, 4 s ... doubling, capped at 15 minutes.
pub fn delay_for(failures: u32) -> Duration {
    let Some(over) = failures.checked_sub(FREE_FAILURES + 1) else {
        return Duration::ZERO;
    };
    // 2^10 s is already past the cap, so larger exponents need not be computed.
    if over >= 10 {
        return MAX_DELAY;
    }
    (FIRST_DELAY * (1u32 << over)).min(MAX_DELAY)
}

/// Until when attempts are held back after `failures` failures, the latest at `last_failure`;
/// `None` when they are not held back at all.
pub fn locked_until(last_failure: OffsetDateTime, failures: u32) -> Option<OffsetDateTime> {
    let delay = delay_for(failures);
    (!delay.is_zero()).then(|| last_failure + delay)
}

/// How much longer an attempt made `now` must wait, if at all.
pub fn wait_at(
    now: OffsetDateTime,
    last_failure: OffsetDateTime,
    failures: u32,
) -> Option<Duration> {
    let until = locked_until(last_failure, failures)?;
    (until > now).then(|| {
        let left = until - now;
        Duration::try_from(left).unwrap_or(MAX_DELAY)
    })
}
