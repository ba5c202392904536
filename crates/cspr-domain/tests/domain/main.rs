//! The domain's integration tests, in one test binary (each former `tests/*.rs` is a module).
//! Run one part with a filter, e.g. `cargo test -p cspr-domain --test domain calendar::`.
//!
//! proptest keeps the seeds of past failures in `tests/proptest-regressions/<module>.txt` (with
//! a `main.rs` beside the module it looks there, not beside the module's file), e.g.
//! `case_props.txt`.

#[macro_use]
mod common;

mod acting;
mod actions;
mod anonymisation_review;
mod briefing;
mod calendar;
mod case_commands;
mod case_flow;
mod case_props;
mod case_table;
mod deadlines;
mod documents;
mod figures;
mod legal_holds;
mod paths;
mod practitioner_links;
mod stage_awaits;
mod statutory;
mod subject_access;
mod timeline;
mod vocab;
