//! The canonical export: every table's rows as JSON lines in a fixed order with fixed encodings,
//! read inside one snapshot, identical whichever backend wrote them. It is the backup format,
//! the restore check (export before == export after) and the way to move between backends.

use std::io::{BufRead, Write};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::codec::{
    canonical_json, check_date, fmt_date, fmt_time, normalise_time, parse_date, parse_time,
};
use crate::db::{Arg, Cx, Row, sql, sql_owned};
use crate::events::{Chain, Head, read_head, write_head};
use crate::store::table_exists;
use crate::verify::walk_chain;
use crate::{ExportStats, Store, StoreError};

/// First line of every export.
const FORMAT: &str = "cspr-canonical-export";
const FORMAT_VERSION: i64 = 1;
/// Rows fetched per page from the large tables.
const PAGE: i64 = 500;

/// How a column is stored and exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    I64,
    Bool,
    Text,
    OptText,
    Uuid,
    OptUuid,
    Time,
    OptTime,
    Date,
    OptDate,
    Bytes,
    OptBytes,
}

/// One table of the export.
#[derive(Debug)]
struct Table {
    name: &'static str,
    cols: &'static [(&'static str, Ty)],
    /// The primary key, for ordering.
    key: &'static [&'static str],
    /// Large tables are read in pages along this single-column key.
    paged: bool,
}

/// Every table, in export order (parents before children).
const TABLES: &[Table] = &[
    Table {
        name: "meta",
        cols: &[("key", Ty::Text), ("value", Ty::Text)],
        key: &["key"],
        paged: false,
    },
    Table {
        name: "chain_heads",
        cols: &[("chain", Ty::Text), ("seq", Ty::I64), ("hash", Ty::Text)],
        key: &["chain"],
        paged: false,
    },
    Table {
        name: "case_keys",
        cols: &[
            ("case_id", Ty::Uuid),
            ("wrapped_key", Ty::OptBytes),
            ("created_at", Ty::Time),
            ("shredded_at", Ty::OptTime),
        ],
        key: &["case_id"],
        paged: false,
    },
    Table {
        name: "events",
        cols: &[
            ("seq", Ty::I64),
            ("stream_id", Ty::Uuid),
            ("version", Ty::I64),
            ("partnership_id", Ty::Uuid),
            ("event_type", Ty::Text),
            ("actor", Ty::Text),
            ("occurred_at", Ty::Time),
            ("recorded_at", Ty::Time),
            ("plain", Ty::Text),
            ("sealed", Ty::Bytes),
            ("prev_hash", Ty::Text),
            ("hash", Ty::Text),
        ],
        key: &["seq"],
        paged: true,
    },
    Table {
        name: "access_log",
        cols: &[
            ("seq", Ty::I64),
            ("at", Ty::Time),
            ("actor", Ty::Text),
            ("action", Ty::Text),
            ("case_id", Ty::OptUuid),
            ("detail", Ty::Text),
            ("source_ip", Ty::Text),
            ("prev_hash", Ty::Text),
            ("hash", Ty::Text),
        ],
        key: &["seq"],
        paged: true,
    },
    Table {
        name: "case_summaries",
        cols: &[
            ("case_id", Ty::Uuid),
            ("partnership_id", Ty::Uuid),
            ("reference", Ty::Text),
            ("stage", Ty::Text),
            ("stage_label", Ty::Text),
            ("next_deadline", Ty::OptDate),
            ("next_deadline_label", Ty::OptText),
            ("opened_on", Ty::Date),
            ("updated_at", Ty::Time),
            ("closed", Ty::Bool),
            ("agencies", Ty::Text),
            ("themes", Ty::Text),
            ("closed_on", Ty::OptDate),
            ("legal_hold", Ty::Bool),
        ],
        key: &["case_id"],
        paged: false,
    },
    Table {
        name: "case_deadlines",
        cols: &[
            ("case_id", Ty::Uuid),
            ("key", Ty::Text),
            ("label", Ty::Text),
            ("due", Ty::Date),
            ("state", Ty::Text),
            ("met_on", Ty::OptDate),
            ("explanation", Ty::Text),
        ],
        key: &["case_id", "key"],
        paged: false,
    },
    Table {
        name: "case_actions",
        cols: &[
            ("case_id", Ty::Uuid),
            ("action_id", Ty::Uuid),
            ("recommendation", Ty::Text),
            ("agency", Ty::Text),
            ("description", Ty::Text),
            ("due", Ty::OptDate),
            ("status", Ty::Text),
            ("owner", Ty::Text),
            ("themes", Ty::Text),
            ("last_progress", Ty::OptDate),
            ("completed_on", Ty::OptDate),
            ("impact_evidenced_on", Ty::OptDate),
        ],
        key: &["case_id", "action_id"],
        paged: false,
    },
    Table {
        name: "case_members",
        cols: &[
            ("case_id", Ty::Uuid),
            ("user_id", Ty::Uuid),
            ("role", Ty::Text),
        ],
        key: &["case_id", "user_id", "role"],
        paged: false,
    },
    Table {
        name: "jobs",
        cols: &[
            ("id", Ty::I64),
            ("kind", Ty::Text),
            ("payload", Ty::Text),
            ("state", Ty::Text),
            ("attempts", Ty::I64),
            ("run_at", Ty::Time),
            ("locked_until", Ty::OptTime),
            ("last_error", Ty::OptText),
            ("created_at", Ty::Time),
            ("finished_at", Ty::OptTime),
        ],
        key: &["id"],
        paged: true,
    },
    Table {
        name: "blobs",
        cols: &[
            ("id", Ty::Uuid),
            ("case_id", Ty::Uuid),
            ("content_type", Ty::Text),
            ("sealed_name", Ty::Bytes),
            ("size", Ty::I64),
            ("sealed", Ty::Bytes),
            ("created_at", Ty::Time),
            ("expires_at", Ty::OptTime),
        ],
        key: &["id"],
        paged: true,
    },
    // Identity, added after the case tables so exports written before it still import.
    // Sessions and login-throttling counters are ephemeral and deliberately left out: a
    // restored or moved store starts with everyone signed out and no counters.
    Table {
        name: "partnerships",
        cols: &[("id", Ty::Uuid), ("name", Ty::Text)],
        key: &["id"],
        paged: false,
    },
    Table {
        name: "partnership_settings",
        cols: &[
            ("partnership_id", Ty::Uuid),
            ("settings", Ty::Text),
            ("updated_at", Ty::Time),
        ],
        key: &["partnership_id"],
        paged: false,
    },
    Table {
        name: "agencies",
        cols: &[
            ("id", Ty::Uuid),
            ("partnership_id", Ty::Uuid),
            ("kind", Ty::Text),
            ("name", Ty::Text),
            ("active", Ty::Bool),
        ],
        key: &["id"],
        paged: false,
    },
    Table {
        name: "users",
        cols: &[
            ("id", Ty::Uuid),
            ("partnership_id", Ty::Uuid),
            ("email", Ty::Text),
            ("display_name", Ty::Text),
            ("role", Ty::Text),
            ("agency_id", Ty::OptUuid),
            ("password_hash", Ty::OptText),
            ("totp_wrapped_key", Ty::OptBytes),
            ("totp_secret", Ty::OptBytes),
            ("totp_enabled", Ty::Bool),
            ("last_totp_step", Ty::I64),
            ("disabled", Ty::Bool),
            ("created_at", Ty::Time),
            ("oidc_issuer", Ty::OptText),
            ("oidc_subject", Ty::OptText),
        ],
        key: &["id"],
        paged: false,
    },
    Table {
        name: "recovery_codes",
        cols: &[("user_id", Ty::Uuid), ("code_hash", Ty::Text)],
        key: &["user_id", "code_hash"],
        paged: false,
    },
    // Registered passkeys: public records, kept in a restore so nobody must register again.
    Table {
        name: "passkeys",
        cols: &[
            ("id", Ty::Uuid),
            ("user_id", Ty::Uuid),
            ("credential_id", Ty::Text),
            ("name", Ty::Text),
            ("credential", Ty::Text),
            ("created_at", Ty::Time),
            ("last_used_at", Ty::OptTime),
        ],
        key: &["id"],
        paged: false,
    },
    // The JSON API's clients and tokens (issue 18): hashes only, kept in a restore so the
    // integrations that hold them go on working, as passkeys are kept.
    Table {
        name: "api_clients",
        cols: &[
            ("id", Ty::Uuid),
            ("user_id", Ty::Uuid),
            ("label", Ty::Text),
            ("secret_hash", Ty::Text),
            ("created_at", Ty::Time),
            ("revoked_at", Ty::OptTime),
        ],
        key: &["id"],
        paged: false,
    },
    Table {
        name: "api_tokens",
        cols: &[
            ("id", Ty::Uuid),
            ("user_id", Ty::Uuid),
            ("partnership_id", Ty::Uuid),
            ("kind", Ty::Text),
            ("client_id", Ty::OptUuid),
            ("label", Ty::Text),
            ("token_hash", Ty::Text),
            ("created_at", Ty::Time),
            ("expires_at", Ty::Time),
            ("revoked_at", Ty::OptTime),
            ("last_used_at", Ty::OptTime),
        ],
        key: &["id"],
        paged: false,
    },
    // Requests for roles that see every case and their decisions (the two-person rule): an
    // audit record, kept in a restore.
    Table {
        name: "role_grants",
        cols: &[
            ("id", Ty::Uuid),
            ("partnership_id", Ty::Uuid),
            ("user_id", Ty::Uuid),
            ("role", Ty::Text),
            ("agency_id", Ty::OptUuid),
            ("opens_account", Ty::Bool),
            ("requested_by", Ty::Uuid),
            ("requested_at", Ty::Time),
            ("decided_by", Ty::OptUuid),
            ("decided_at", Ty::OptTime),
            ("approved", Ty::Bool),
        ],
        key: &["id"],
        paged: false,
    },
    // Practitioner links: the durable record of who was invited to which form (the email
    // address sealed with the case key, the token as a hash). The pending code, its tries, the
    // count of codes sent and the short form session are ephemeral and left out: after a
    // restore they start empty, as sessions do.
    Table {
        name: "practitioner_links",
        cols: &[
            ("id", Ty::Uuid),
            ("token_hash", Ty::Text),
            ("partnership_id", Ty::Uuid),
            ("case_id", Ty::Uuid),
            ("form", Ty::Text),
            ("sealed_email", Ty::Bytes),
            ("created_by", Ty::Uuid),
            ("created_at", Ty::Time),
            ("expires_at", Ty::Time),
            ("revoked", Ty::Bool),
            ("used_at", Ty::OptTime),
            ("contribution_blob_id", Ty::OptUuid),
        ],
        key: &["id"],
        paged: false,
    },
    // The public copies of published reports: a restore must keep the public page as it was.
    Table {
        name: "published_reports",
        cols: &[
            ("id", Ty::Uuid),
            ("partnership_id", Ty::Uuid),
            ("case_id", Ty::Uuid),
            ("title", Ty::Text),
            ("summary", Ty::Text),
            ("themes", Ty::Text),
            ("published_on", Ty::Date),
            ("online_until", Ty::Date),
            ("pdf", Ty::Bytes),
            ("created_at", Ty::Time),
            ("withdrawn_on", Ty::OptDate),
            ("improvements", Ty::OptText),
            ("body_text", Ty::OptText),
            ("age_group", Ty::OptText),
        ],
        key: &["id"],
        paged: false,
    },
    // The learning library: briefings (append-only events) and imported review records.
    Table {
        name: "briefing_events",
        cols: &[
            ("briefing_id", Ty::Uuid),
            ("version", Ty::I64),
            ("partnership_id", Ty::Uuid),
            ("event_type", Ty::Text),
            ("actor", Ty::Text),
            ("recorded_at", Ty::Time),
            ("body", Ty::Text),
        ],
        key: &["briefing_id", "version"],
        paged: false,
    },
    Table {
        name: "library_records",
        cols: &[
            ("id", Ty::Text),
            ("record", Ty::Text),
            ("imported_at", Ty::Time),
        ],
        key: &["id"],
        paged: false,
    },
];

/// Tables that must be empty before an import (meta and chain_heads are seeded by migrate).
const DATA_TABLES: &[&str] = &[
    "case_keys",
    "events",
    "access_log",
    "case_summaries",
    "case_deadlines",
    "case_actions",
    "case_members",
    "jobs",
    "blobs",
    "partnerships",
    "partnership_settings",
    "agencies",
    "users",
    "recovery_codes",
    "passkeys",
    "api_clients",
    "api_tokens",
    "role_grants",
    "practitioner_links",
    "published_reports",
    "briefing_events",
    "library_records",
    // Not exported, but a target with sessions is in use all the same.
    "sessions",
    "activations",
];

impl Table {
    fn col_list(&self) -> String {
        self.cols
            .iter()
            .map(|(c, _)| *c)
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn key_ty(&self) -> Ty {
        self.cols
            .iter()
            .find(|(c, _)| *c == self.key[0])
            .map_or(Ty::I64, |(_, t)| *t)
    }

    /// Reads every row, in key order, as JSON objects.
    async fn read_rows(
        &self,
        cx: &mut Cx<'_>,
        mut emit: impl FnMut(Value) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        let mut count = 0u64;
        if !self.paged {
            let rows = cx
                .fetch_all(
                    &sql_owned(format!("SELECT {} FROM {}", self.col_list(), self.name)),
                    &[],
                )
                .await?;
            let mut objects = rows
                .iter()
                .map(|r| self.to_json(r))
                .collect::<Result<Vec<_>, _>>()?;
            // Byte order of the key's text form: the same on every backend and collation.
            objects.sort_by_cached_key(|o| {
                self.key
                    .iter()
                    .map(|k| o.get(*k).map(Value::to_string).unwrap_or_default())
                    .collect::<Vec<_>>()
            });
            for o in objects {
                emit(o)?;
                count += 1;
            }
            return Ok(count);
        }
        let key = self.key[0];
        let first = sql_owned(format!(
            "SELECT {} FROM {} ORDER BY {key} LIMIT $1",
            self.col_list(),
            self.name
        ));
        let next = sql_owned(format!(
            "SELECT {} FROM {} WHERE {key} > $1 ORDER BY {key} LIMIT $2",
            self.col_list(),
            self.name
        ));
        let mut last: Option<Arg> = None;
        loop {
            let rows = match &last {
                None => cx.fetch_all(&first, &[Arg::I64(PAGE)]).await?,
                Some(after) => {
                    cx.fetch_all(&next, &[after.clone(), Arg::I64(PAGE)])
                        .await?
                }
            };
            let Some(tail) = rows.last() else { break };
            last = Some(match self.key_ty() {
                Ty::Uuid => Arg::Uuid(tail.uuid(key)?),
                _ => Arg::I64(tail.i64(key)?),
            });
            for row in &rows {
                emit(self.to_json(row)?)?;
                count += 1;
            }
            if (rows.len() as i64) < PAGE {
                break;
            }
        }
        Ok(count)
    }

    fn to_json(&self, row: &Row) -> Result<Value, StoreError> {
        let mut map = Map::new();
        for (col, ty) in self.cols {
            let v = match ty {
                Ty::I64 => json!(row.i64(col)?),
                Ty::Bool => json!(row.bool(col)?),
                Ty::Text => json!(row.text(col)?),
                Ty::OptText => json!(row.opt_text(col)?),
                Ty::Uuid => json!(row.uuid(col)?.hyphenated().to_string()),
                Ty::OptUuid => json!(row.opt_uuid(col)?.map(|u| u.hyphenated().to_string())),
                Ty::Time => json!(fmt_time(row.time(col)?)),
                Ty::OptTime => json!(row.opt_time(col)?.map(fmt_time)),
                Ty::Date => json!(fmt_date(row.date(col)?)),
                Ty::OptDate => json!(row.opt_date(col)?.map(fmt_date)),
                Ty::Bytes => json!(BASE64.encode(row.bytes(col)?)),
                Ty::OptBytes => json!(row.opt_bytes(col)?.map(|b| BASE64.encode(b))),
            };
            map.insert((*col).to_owned(), v);
        }
        Ok(Value::Object(map))
    }

    /// Turns an imported row object into bound values, refusing anything malformed.
    fn to_args(&self, row: &Map<String, Value>, line: usize) -> Result<Vec<Arg>, StoreError> {
        let bad = |col: &str, what: &str| {
            StoreError::Invalid(format!(
                "Line {line} of the import: the column {}.{col} {what}.",
                self.name
            ))
        };
        if row.len() != self.cols.len() {
            return Err(StoreError::Invalid(format!(
                "Line {line} of the import: a {} row must have exactly the columns {}.",
                self.name,
                self.col_list()
            )));
        }
        let mut args = Vec::with_capacity(self.cols.len());
        for (col, ty) in self.cols {
            let v = row.get(*col).ok_or_else(|| bad(col, "is missing"))?;
            let text = || v.as_str().ok_or_else(|| bad(col, "must be a string"));
            let uuid = || parse_uuid(text()?).ok_or_else(|| bad(col, "must be a uuid"));
            let time = || import_time(text()?).ok_or_else(|| bad(col, "must be a time"));
            let date = || import_date(text()?).ok_or_else(|| bad(col, "must be a date"));
            let bytes = || {
                BASE64
                    .decode(text()?)
                    .map_err(|_| bad(col, "must be base64"))
            };
            let arg = match ty {
                Ty::I64 => Arg::I64(v.as_i64().ok_or_else(|| bad(col, "must be an integer"))?),
                Ty::Bool => Arg::Bool(
                    v.as_bool()
                        .ok_or_else(|| bad(col, "must be true or false"))?,
                ),
                Ty::Text => Arg::Text(text()?.to_owned()),
                Ty::OptText => Arg::OptText(nullable(v, || Ok(text()?.to_owned()))?),
                Ty::Uuid => Arg::Uuid(uuid()?),
                Ty::OptUuid => Arg::OptUuid(nullable(v, uuid)?),
                Ty::Time => Arg::Time(time()?),
                Ty::OptTime => Arg::OptTime(nullable(v, time)?),
                Ty::Date => Arg::Date(date()?),
                Ty::OptDate => Arg::OptDate(nullable(v, date)?),
                Ty::Bytes => Arg::Bytes(bytes()?),
                Ty::OptBytes => Arg::OptBytes(nullable(v, bytes)?),
            };
            args.push(arg);
        }
        Ok(args)
    }

    fn insert_sql(&self) -> crate::db::Sql {
        let params = (1..=self.cols.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        sql_owned(format!(
            "INSERT INTO {} ({}) VALUES ({params})",
            self.name,
            self.col_list()
        ))
    }
}

/// Only the canonical, lowercase hyphenated form is accepted, so exports compare byte for byte.
/// An imported nullable value: `None` for JSON null, else what `read` makes of it.
fn nullable<T>(
    v: &Value,
    read: impl FnOnce() -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    if v.is_null() {
        Ok(None)
    } else {
        read().map(Some)
    }
}

fn parse_uuid(s: &str) -> Option<Uuid> {
    Uuid::parse_str(s)
        .ok()
        .filter(|u| u.hyphenated().to_string() == s)
}

fn import_time(s: &str) -> Option<time::OffsetDateTime> {
    let t = parse_time(s).ok()?;
    normalise_time(t).ok().filter(|n| fmt_time(*n) == s)
}

fn import_date(s: &str) -> Option<time::Date> {
    parse_date(s).ok().and_then(|d| check_date(d).ok())
}

/// Marks a read error that came from a damaged encrypted backup rather than from the disk.
#[derive(Debug)]
pub(crate) struct DamagedInput;

impl std::fmt::Display for DamagedInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the backup file is truncated or has been altered")
    }
}

impl std::error::Error for DamagedInput {}

fn read_error(e: std::io::Error) -> StoreError {
    if e.get_ref().is_some_and(|inner| inner.is::<DamagedInput>()) {
        StoreError::Corrupt("the backup file is truncated or has been altered".into())
    } else if e.kind() == std::io::ErrorKind::InvalidData {
        StoreError::Invalid("The import is not UTF-8 text.".into())
    } else {
        StoreError::from(e)
    }
}

impl Store {
    /// Writes every table as canonical JSON lines from one consistent snapshot (the database
    /// stays online); ciphertexts are written as stored, in base64.
    pub async fn export_canonical(
        &self,
        out: &mut (impl Write + Send),
    ) -> Result<ExportStats, StoreError> {
        let mut tx = self.pool().read().await?;
        let mut cx = tx.cx();
        let mut stats = ExportStats::default();
        let write_line = |out: &mut (dyn Write + Send), v: &Value| -> Result<(), StoreError> {
            let mut line = canonical_json(v);
            line.push('\n');
            out.write_all(line.as_bytes()).map_err(StoreError::from)
        };
        write_line(out, &json!({"format": FORMAT, "version": FORMAT_VERSION}))?;
        for table in TABLES {
            let n = table
                .read_rows(&mut cx, |row| {
                    write_line(out, &json!({"table": table.name, "row": row}))
                })
                .await?;
            stats.tables.push((table.name.to_owned(), n));
            stats.total_rows += n;
        }
        write_line(out, &json!({"end": true, "rows": stats.total_rows}))?;
        out.flush()?;
        tx.commit().await?;
        Ok(stats)
    }

    /// Loads a canonical export into this freshly migrated, empty database in one transaction,
    /// keeping sequence numbers and hashes; refuses a non-empty target, another master key, a
    /// malformed or truncated input and data whose hash chains do not verify.
    pub async fn import_canonical(&self, input: impl BufRead + Send) -> Result<(), StoreError> {
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        if !table_exists(&mut cx, "meta").await? {
            return Err(StoreError::Invalid(
                "The target database has no schema yet: run migrate first.".into(),
            ));
        }
        for table in DATA_TABLES {
            let n = cx
                .fetch_one(
                    &sql_owned(format!("SELECT COUNT(*) AS n FROM {table}")),
                    &[],
                )
                .await?
                .i64("n")?;
            if n > 0 {
                return Err(StoreError::NotEmpty(
                    "The target database already holds data: restore only into a new, empty database.".into(),
                ));
            }
        }
        for chain in [Chain::Events, Chain::AccessLog] {
            if read_head(&mut cx, chain, true).await?.seq != 0 {
                return Err(StoreError::NotEmpty(
                    "The target database already holds data: restore only into a new, empty database.".into(),
                ));
            }
        }

        let mut table_index = 0usize;
        let mut rows_seen = 0u64;
        let mut header_seen = false;
        let mut end_seen = false;
        let mut key_check_seen = false;
        // An export written before the chains were keyed has no chain key: its rows keep their
        // unkeyed hashes, and this database's own chain key pins where they end.
        let mut chain_key_seen = false;
        for (i, line) in input.lines().enumerate() {
            let n = i + 1;
            let line = line.map_err(read_error)?;
            if end_seen {
                return Err(StoreError::Invalid(format!(
                    "Line {n} of the import comes after its end marker."
                )));
            }
            let value: Value = serde_json::from_str(&line).map_err(|_| {
                StoreError::Invalid(format!("Line {n} of the import is not valid JSON."))
            })?;
            if !header_seen {
                if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
                    return Err(StoreError::Invalid(
                        "The input is not a cspr canonical export.".into(),
                    ));
                }
                if value.get("version").and_then(Value::as_i64) != Some(FORMAT_VERSION) {
                    return Err(StoreError::Invalid(
                        "The export was written by an incompatible version of cspr.".into(),
                    ));
                }
                header_seen = true;
                continue;
            }
            if value.get("end").and_then(Value::as_bool) == Some(true) {
                if value.get("rows").and_then(Value::as_u64) != Some(rows_seen) {
                    return Err(StoreError::Invalid(
                        "The import's row count does not match its end marker: the file is incomplete.".into(),
                    ));
                }
                end_seen = true;
                continue;
            }
            let name = value
                .get("table")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let row = value.get("row").and_then(Value::as_object).ok_or_else(|| {
                StoreError::Invalid(format!("Line {n} of the import has no row."))
            })?;
            let position = TABLES.iter().position(|t| t.name == name).ok_or_else(|| {
                StoreError::Invalid(format!("Line {n} of the import names an unknown table."))
            })?;
            if position < table_index {
                return Err(StoreError::Invalid(format!(
                    "Line {n} of the import is out of order."
                )));
            }
            table_index = position;
            let table = &TABLES[position];
            let args = table.to_args(row, n)?;
            rows_seen += 1;
            match table.name {
                "meta" => {
                    let (key, value) = (text_arg(&args[0]), text_arg(&args[1]));
                    if key == "key_check" {
                        if value != self.keys().check_value() {
                            return Err(StoreError::WrongMasterKey);
                        }
                        key_check_seen = true;
                    } else {
                        chain_key_seen |= key == "chain_key";
                        cx.execute(
                            &sql("INSERT INTO meta (key, value) VALUES ($1, $2) \
                                  ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                            &args,
                        )
                        .await?;
                    }
                }
                "chain_heads" => {
                    let chain = match text_arg(&args[0]) {
                        "events" => Chain::Events,
                        "access_log" => Chain::AccessLog,
                        _ => {
                            return Err(StoreError::Invalid(format!(
                                "Line {n} of the import names an unknown chain."
                            )));
                        }
                    };
                    let head = Head {
                        seq: match args[1] {
                            Arg::I64(s) => s,
                            _ => 0,
                        },
                        hash: text_arg(&args[2]).to_owned(),
                    };
                    write_head(&mut cx, chain, &head).await?;
                }
                _ => {
                    cx.execute(&table.insert_sql(), &args)
                        .await
                        .map_err(|e| match e {
                            StoreError::Database(_) => StoreError::Invalid(format!(
                                "Line {n} of the import could not be stored: {e}"
                            )),
                            other => other,
                        })?;
                }
            }
        }
        if !header_seen || !end_seen {
            return Err(StoreError::Invalid(
                "The import ends before its end marker: the file is incomplete.".into(),
            ));
        }
        if !key_check_seen {
            return Err(StoreError::Invalid(
                "The import has no master key check value.".into(),
            ));
        }
        let chain_keys = crate::chain::chain_keys(&mut cx, self.keys()).await?;
        if !chain_key_seen {
            for chain in [Chain::Events, Chain::AccessLog] {
                let head = read_head(&mut cx, chain, true).await?;
                crate::chain::write_boundary(&mut cx, &chain_keys, chain, &head).await?;
            }
        }
        for chain in [Chain::Events, Chain::AccessLog] {
            if let (_, Some(broken)) = walk_chain(&mut cx, chain, &chain_keys).await? {
                return Err(StoreError::Corrupt(format!(
                    "the imported data fails its hash chain check at {broken}"
                )));
            }
        }
        if cx.is_postgres() {
            cx.execute(
                &sql("SELECT setval(pg_get_serial_sequence('jobs', 'id'), \
                      COALESCE((SELECT MAX(id) FROM jobs), 0) + 1, false)"),
                &[],
            )
            .await?;
        }
        // The read models came in as rows: listings kept in memory are stale.
        crate::projections::bump_projection_version(&mut cx).await?;
        tx.commit().await?;
        tracing::info!(rows = rows_seen, "canonical import committed");
        Ok(())
    }
}

fn text_arg(arg: &Arg) -> &str {
    match arg {
        Arg::Text(s) => s,
        _ => "",
    }
}
