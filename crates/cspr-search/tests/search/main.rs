//! The search engine's tests, one binary.

use cspr_search::sample as corpus;
mod facets;
mod fixtures;
mod import;
mod lifecycle;
mod relevance;
mod robustness;
mod similar;
