//! The web's integration tests, in one test binary: each former `tests/*.rs` is a module here, so
//! that the crate's many dependencies are linked once, not once per file (link time and disk).
//!
//! Run one part with a filter on its module, e.g. `cargo test -p cspr-web --test web security::`,
//! and the browser tests one at a time on a small machine:
//! `cargo test -p cspr-web --test web browser -- --test-threads=1`.

mod browser_support;
mod common;
mod flows;

mod agency_requests;
mod anonymisation_review;
mod api;
mod auth;
mod authz_matrix;
mod briefings;
mod browser;
mod browser_flows;
mod browser_library;
mod browser_passkeys;
mod browser_practitioner;
mod browser_publication;
mod browser_reports;
mod browser_requests;
mod case_forms;
mod evidence_and_tracker;
mod figures_page;
mod govuk_fixtures;
mod info_pages;
mod library;
mod metrics;
mod oidc;
mod paging;
mod passkeys;
mod practitioner_links;
mod reminders;
mod reports;
mod request_chasers;
mod retention;
mod security;
mod statutory_paths;
mod subject_access;
