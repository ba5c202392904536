//! `cspr crash-writer` (hidden): the crash test's writer. It appends events one at a time over
//! a few fresh streams and prints `ack <stream> <version>` only after each append has
//! committed, so every line the test reads is a write the store promised to keep.

use std::io::{self, Write};

use cspr_store::{NewEvent, Store};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    cli::CrashWriterArgs,
    config::{Access, Settings},
    exit::Failure,
    store::{store_failure, with_store},
};

pub async fn run(settings: &Settings, args: &CrashWriterArgs) -> Result<(), Failure> {
    with_store(settings, Access::ReadWrite, true, async |store: &Store| {
        write(store, args).await
    })
    .await
}

async fn write(store: &Store, args: &CrashWriterArgs) -> Result<(), Failure> {
    let run = Uuid::new_v4();
    let partnership = Uuid::nil();
    let mut streams: Vec<(Uuid, u64)> = (0..args.streams.max(1))
        .map(|_| (Uuid::now_v7(), 0))
        .collect();
    let mut slot = 0;
    for seq in 0..args.count {
        let (stream, version) = streams[slot];
        // The sealed half goes through the case key, so the test covers encryption too.
        let event = NewEvent {
            event_type: "CrashTestWriteRecorded".to_owned(),
            actor: "crash-writer".to_owned(),
            occurred_at: OffsetDateTime::now_utc(),
            plain: json!({ "run": run, "seq": seq }),
            sealed: json!({ "note": format!("write {seq} of run {run}") }),
        };
        let committed = store
            .append(stream, partnership, version, vec![event], None, Vec::new())
            .await
            .map_err(|e| store_failure(e, "cannot append an event"))?;
        streams[slot].1 = committed;
        // Printed and flushed only now that the append has committed.
        let mut out = io::stdout().lock();
        writeln!(out, "ack {stream} {committed}")
            .and_then(|()| out.flush())
            .map_err(|e| Failure::from_io(e, "cannot write the acknowledgement".to_owned()))?;
        slot = (slot + 1) % streams.len();
    }
    Ok(())
}
