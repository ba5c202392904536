//! Byte-exact encodings shared by both backends: fixed-format times, canonical JSON, the hash
//! chains' row encodings (HMAC-SHA256 links, and the unkeyed blake3 of rows written before the
//! chains were keyed) and the escaping of audit fields. Anything hashed or exported goes through
//! here so SQLite and PostgreSQL produce identical bytes.

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{Date, OffsetDateTime, UtcOffset};
use uuid::Uuid;

use crate::StoreError;

/// The hash every chain starts from.
pub(crate) const GENESIS_HASH: &str =
    "0000000000000000000000000000000000000000000000000000000000000000";

const TIME_FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
const DATE_FORMAT: &[FormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// Brings a time into the form every backend stores exactly: UTC, whole microseconds, years 1-9999.
pub(crate) fn normalise_time(t: OffsetDateTime) -> Result<OffsetDateTime, StoreError> {
    let t = t.to_offset(UtcOffset::UTC);
    if !(1..=9999).contains(&t.year()) {
        return Err(StoreError::Invalid(format!(
            "the year {} is outside the range the store accepts (1 to 9999)",
            t.year()
        )));
    }
    let micros = t.nanosecond() / 1_000 * 1_000;
    t.replace_nanosecond(micros)
        .map_err(|e| StoreError::Invalid(format!("a time could not be stored: {e}")))
}

/// The current time, normalised.
pub(crate) fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    let micros = t.nanosecond() / 1_000 * 1_000;
    t.replace_nanosecond(micros).unwrap_or(t)
}

/// Formats a normalised time as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (sorts as text in time order).
pub(crate) fn fmt_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    // The format has no component that can fail for years 1-9999, which normalise_time enforces.
    t.format(TIME_FORMAT).unwrap_or_else(|_| t.to_string())
}

/// Parses a time written by [`fmt_time`].
pub(crate) fn parse_time(s: &str) -> Result<OffsetDateTime, StoreError> {
    time::PrimitiveDateTime::parse(s, TIME_FORMAT)
        .map(|t| t.assume_utc())
        .map_err(|_| StoreError::Corrupt(format!("{s:?} is not a stored time")))
}

/// Formats a date as `YYYY-MM-DD`.
pub(crate) fn fmt_date(d: Date) -> String {
    d.format(DATE_FORMAT).unwrap_or_else(|_| d.to_string())
}

/// Parses a date written by [`fmt_date`].
pub(crate) fn parse_date(s: &str) -> Result<Date, StoreError> {
    Date::parse(s, DATE_FORMAT)
        .map_err(|_| StoreError::Corrupt(format!("{s:?} is not a stored date")))
}

/// Rejects dates outside years 1-9999, which not every backend can store.
pub(crate) fn check_date(d: Date) -> Result<Date, StoreError> {
    if (1..=9999).contains(&d.year()) {
        Ok(d)
    } else {
        Err(StoreError::Invalid(format!(
            "the year {} is outside the range the store accepts (1 to 9999)",
            d.year()
        )))
    }
}

/// Serialises JSON with object keys in byte order at every level, whatever serde_json's map type.
pub(crate) fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(item, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// How a chain link is computed: the unkeyed blake3 of databases written before the chains
/// were keyed (kept only to check their old rows), or HMAC-SHA256 under the chain's link key.
#[derive(Clone, Copy)]
pub(crate) enum LinkMac<'k> {
    /// blake3, domain `cspr-events-v1` / `cspr-access-log-v1`: anyone can recompute it.
    Plain,
    /// HMAC-SHA256, domain `cspr-events-v2` / `cspr-access-log-v2`: needs the link key.
    Keyed(&'k [u8; 32]),
}

impl std::fmt::Debug for LinkMac<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LinkMac::Plain => "LinkMac::Plain",
            LinkMac::Keyed(_) => "LinkMac::Keyed([redacted])",
        })
    }
}

enum Absorb {
    Blake3(Box<blake3::Hasher>),
    Hmac(Box<Hmac<Sha256>>),
}

/// Feeds length-prefixed fields to a hash or MAC so no two rows share an encoding.
pub(crate) struct Fields(Absorb);

impl Fields {
    /// Unkeyed blake3 over the fields that follow.
    fn plain(domain: &str) -> Fields {
        let mut f = Fields(Absorb::Blake3(Box::new(blake3::Hasher::new())));
        f.bytes(domain.as_bytes());
        f
    }

    /// HMAC-SHA256 under `key` over the fields that follow.
    pub(crate) fn keyed(key: &[u8; 32], domain: &str) -> Fields {
        // HMAC takes a key of any length, so this cannot fail.
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        let mut f = Fields(Absorb::Hmac(Box::new(mac)));
        f.bytes(domain.as_bytes());
        f
    }

    fn link(mac: LinkMac<'_>, domain_v1: &str, domain_v2: &str, prev_hash: &str) -> Fields {
        let mut f = match mac {
            LinkMac::Plain => Fields::plain(domain_v1),
            LinkMac::Keyed(key) => Fields::keyed(key, domain_v2),
        };
        f.bytes(prev_hash.as_bytes());
        f
    }

    pub(crate) fn bytes(&mut self, b: &[u8]) -> &mut Self {
        let len = (b.len() as u64).to_le_bytes();
        match &mut self.0 {
            Absorb::Blake3(h) => {
                h.update(&len);
                h.update(b);
            }
            Absorb::Hmac(m) => {
                m.update(&len);
                m.update(b);
            }
        }
        self
    }
    pub(crate) fn text(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }
    pub(crate) fn int(&mut self, n: i64) -> &mut Self {
        self.bytes(&n.to_le_bytes())
    }
    /// The digest or tag, as lowercase hex (64 digits either way).
    pub(crate) fn finish(&self) -> String {
        match &self.0 {
            Absorb::Blake3(h) => h.finalize().to_hex().to_string(),
            Absorb::Hmac(m) => hex::encode(m.as_ref().clone().finalize().into_bytes()),
        }
    }
}

/// Compares two hex tags in time independent of where they differ.
pub(crate) fn same_tag(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The columns of an event row that its hash covers.
#[derive(Debug)]
pub(crate) struct EventRowRef<'a> {
    pub seq: i64,
    pub stream_id: Uuid,
    pub version: i64,
    pub partnership_id: Uuid,
    pub event_type: &'a str,
    pub actor: &'a str,
    pub occurred_at: OffsetDateTime,
    pub recorded_at: OffsetDateTime,
    pub plain: &'a str,
    pub sealed: &'a [u8],
}

/// The link of an event row: MAC(previous link, every column of the row), hex.
pub(crate) fn event_hash(mac: LinkMac<'_>, prev_hash: &str, row: &EventRowRef<'_>) -> String {
    Fields::link(mac, "cspr-events-v1", "cspr-events-v2", prev_hash)
        .int(row.seq)
        .text(&row.stream_id.hyphenated().to_string())
        .int(row.version)
        .text(&row.partnership_id.hyphenated().to_string())
        .text(row.event_type)
        .text(row.actor)
        .text(&fmt_time(row.occurred_at))
        .text(&fmt_time(row.recorded_at))
        .text(row.plain)
        .bytes(row.sealed)
        .finish()
}

/// The columns of an access-log row that its hash covers.
#[derive(Debug)]
pub(crate) struct AccessRowRef<'a> {
    pub seq: i64,
    pub at: OffsetDateTime,
    pub actor: &'a str,
    pub action: &'a str,
    pub case_id: Option<Uuid>,
    pub detail: &'a str,
    pub source_ip: &'a str,
}

/// The link of an access-log row: MAC(previous link, every column of the row), hex.
pub(crate) fn access_hash(mac: LinkMac<'_>, prev_hash: &str, row: &AccessRowRef<'_>) -> String {
    let case = row
        .case_id
        .map(|c| c.hyphenated().to_string())
        .unwrap_or_default();
    Fields::link(mac, "cspr-access-log-v1", "cspr-access-log-v2", prev_hash)
        .int(row.seq)
        .text(&fmt_time(row.at))
        .text(row.actor)
        .text(row.action)
        .int(i64::from(row.case_id.is_some()))
        .text(&case)
        .text(row.detail)
        .text(row.source_ip)
        .finish()
}

/// Escapes control characters (CR, LF, tab, other C0/C1, line separators) and backslashes so a
/// logged value can never start a forged line (ASVS 16.4.1). Printable text passes unchanged.
pub(crate) fn escape_log_field(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{{{:04x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let v = json!({"b": 1, "a": {"z": [ {"y": 1, "x": 2} ], "c": null}});
        assert_eq!(
            canonical_json(&v),
            r#"{"a":{"c":null,"z":[{"x":2,"y":1}]},"b":1}"#
        );
    }

    #[test]
    fn times_round_trip_at_microsecond_precision() {
        let t = time::macros::datetime!(2024-02-21 09:30:15.123456789 +01:00);
        let n = normalise_time(t).unwrap();
        let s = fmt_time(n);
        assert_eq!(s, "2024-02-21T08:30:15.123456Z");
        assert_eq!(parse_time(&s).unwrap(), n);
    }

    #[test]
    fn log_fields_cannot_carry_line_breaks() {
        let e = escape_log_field("bob\r\n2024 admin signed in\\ \u{2028}");
        assert!(!e.contains('\n') && !e.contains('\r') && !e.contains('\u{2028}'));
        assert_eq!(e, "bob\\r\\n2024 admin signed in\\\\ \\u{2028}");
    }
}
