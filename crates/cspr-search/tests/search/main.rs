//! The search engine's tests, one binary.

mod corpus;
mod facets;
mod fixtures;
mod import;
mod lifecycle;
mod relevance;
mod robustness;
mod similar;
