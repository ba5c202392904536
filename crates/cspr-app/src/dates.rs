//! The date in England of an instant. Deadlines, "due today" and every date a person records
//! are days in England, which is on GMT in winter and BST (UTC+1) in summer: between midnight
//! and 01:00 in summer the UTC date is still yesterday. The time-zone rules come from jiff's
//! built-in copy of the tz database, so the host's zoneinfo does not matter.

use std::sync::LazyLock;

use time::{Date, OffsetDateTime, UtcOffset};

/// England's time zone, from the built-in database (`None` only if that database lacked it,
/// which its tests rule out).
static ENGLAND: LazyLock<Option<jiff::tz::TimeZone>> =
    LazyLock::new(|| jiff::tz::TimeZone::get("Europe/London").ok());

/// The calendar date in England (Europe/London) at `at`.
#[must_use]
pub fn date_in_england(at: OffsetDateTime) -> Date {
    in_england(at).date()
}

/// The same instant on England's clocks, for showing a time of day to people in England.
#[must_use]
pub fn in_england(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(offset_in_england(at))
}

/// England's offset from UTC at `at`: +00:00 (GMT) or +01:00 (BST).
fn offset_in_england(at: OffsetDateTime) -> UtcOffset {
    let seconds = ENGLAND
        .as_ref()
        .zip(jiff::Timestamp::from_second(at.unix_timestamp()).ok())
        .map_or(0, |(tz, instant)| tz.to_offset(instant).seconds());
    UtcOffset::from_whole_seconds(seconds).unwrap_or(UtcOffset::UTC)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_built_in_database_knows_england() {
        assert!(super::ENGLAND.is_some());
    }
}
