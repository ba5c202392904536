//! The learning library's search engine: an index of published child safeguarding practice
//! reviews (and serious case reviews, rapid review learning summaries and thematic reviews).
//!
//! Only public or anonymised text is ever indexed: a [`ReviewRecord`] holds what a review's
//! publisher made public, and [`Library::similar_to`] queries with a live case's text without
//! writing any of it.
//!
//! - Import: [`parse_jsonl`] reads JSON Lines, one record a line, all or nothing.
//! - Index: [`Library`] over tantivy, on disk ([`Library::open`]) or in memory; upserts are
//!   idempotent by id and visible to searches when the call returns.
//! - Search: [`Query`] with text, theme (all of), review type, age group (any of) and year
//!   filters; BM25 ranking with title and themes above summary above full text; phrases,
//!   prefixes (`neglec*`), exclusions (`-word`), English stemming, British and American
//!   spellings folded together (`data/spelling.txt`), safeguarding abbreviations and synonyms
//!   expanded at query time (`data/synonyms.txt`), one typo allowed in words of five letters
//!   or more, ranked below exact matches. Reader input never causes an error.
//! - Results: a page of [`Hit`]s with a [`Snippet`], the total and [`Facets`].
//! - Similar reviews: [`Library::similar`] and [`Library::similar_to`].

mod analysis;
mod facets;
mod guard;
mod jsonl;
mod library;
pub mod query;
pub mod record;
pub mod sample;
mod schema;
mod snippet;
mod synonyms;

pub use facets::Facets;
pub use jsonl::{LineError, MAX_LINE, parse_jsonl};
pub use library::{Hit, Library, Results, SearchError, hits_to_cli_json};
pub use query::Query;
pub use record::{AgeGroup, ReviewRecord, ReviewType, normalise_theme};
pub use snippet::Snippet;
