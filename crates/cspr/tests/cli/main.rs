//! The binary's integration tests, in one test binary (each former `tests/*.rs` is a module):
//! they run the built `cspr` (`CARGO_BIN_EXE_cspr`), and one binary links the dependencies once.
//! Run one part with a filter, e.g. `cargo test -p cspr --test cli crash:: -- --nocapture`.

mod common;

mod admin_cli;
mod anchor;
mod api_cli;
mod backup_restore;
mod calendar;
mod config_errors;
mod crash;
mod demo;
mod disk_full;
mod export_cli;
mod library_cli;
mod postgres;
mod redact_cli;
mod retention_cli;
mod rotate;
mod serve;
mod servers;
mod stats;
mod tamper;
