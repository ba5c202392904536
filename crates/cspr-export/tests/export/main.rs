//! The export crate's integration tests, in one test binary (each former `tests/*.rs` is a
//! module). Run one part with a filter, e.g. `cargo test -p cspr-export --test export public_pdf::`.

// The sample document stays in tests/common/: examples/export_bench.rs includes it from there.
#[path = "../common/mod.rs"]
mod common;

mod briefing;
mod case_documents;
mod export;
mod files;
mod libreoffice;
mod props;
mod public_pdf;
mod richtext;
