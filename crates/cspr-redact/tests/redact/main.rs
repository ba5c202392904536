//! The redaction engine's integration tests, in one test binary (each former `tests/*.rs` is a
//! module). Run one part with a filter, e.g. `cargo test -p cspr-redact --test redact dev_set::`.
//!
//! proptest keeps the seeds of past failures in `tests/proptest-regressions/<module>.txt` (with
//! a `main.rs` beside the module it looks there, not beside the module's file), e.g.
//! `properties.txt`.
//!
//! Issue 19's modules: `known_names` (every use of a name the case gives), `forms` (dates,
//! organisations and places as written), `jigsaw` (quasi-identifiers and their combinations),
//! and `generated`, which scores the paragraphs `generator` writes (seed 19) and prints the
//! figures per kind: `cargo test -p cspr-redact --test redact generated:: -- --nocapture`.

mod detectors;
mod dev_set;
mod forms;
mod generated;
mod generator;
mod jigsaw;
mod known_names;
mod properties;
