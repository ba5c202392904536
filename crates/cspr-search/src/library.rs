//! The library: an index on disk or in memory, one writer, searches from any thread.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use serde_json::{Value, json};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{BooleanQuery, BoostQuery, MoreLikeThisQuery, Occur, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue, Value as _};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TantivyDocument,
    Term,
};

use crate::analysis;
use crate::facets::{FacetCounter, Facets, Want};
use crate::query::{
    Dimension, MAX_LIMIT, MAX_OFFSET, Query, expand_typos, filter_query, full_query, parse,
    text_query,
};
use crate::record::{ReviewRecord, ReviewType};
use crate::schema::{Fields, build_schema};
use crate::snippet::{Highlighter, Snippet, lead};

/// Memory for the writer's in-memory segments, per indexing thread.
const WRITER_MEMORY_PER_THREAD: usize = 64 * 1024 * 1024;
/// How many reviews between two progress reports.
const PROGRESS_EVERY: usize = 250;
/// How much of a review's full text `similar` reads to pick its characteristic words, in bytes.
const SIMILAR_TEXT: usize = 20_000;
/// How much one shared theme adds to a similarity score.
const SHARED_THEME_WEIGHT: f32 = 1.5;

/// What can go wrong with the library. Reader input never causes one: a query that cannot be
/// read as written is read more simply.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The search engine failed (disk, corrupt index, lock held by another process...).
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index directory could not be created or opened.
    #[error("search index directory: {0}")]
    Directory(String),
    /// The index on disk was written with other fields; rebuild it (delete the directory).
    #[error("the search index on disk has another layout ({0}); delete it and rebuild")]
    Layout(String),
    /// A record given to `upsert` or `replace_all` breaks the import rules.
    #[error("record {id:?}: {reason}")]
    Invalid {
        /// The record's id as given.
        id: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A stored record could not be read back.
    #[error("stored record could not be read: {0}")]
    Stored(String),
    /// The writer's lock was poisoned by a panic in another thread.
    #[error("the index writer was poisoned by an earlier panic")]
    Poisoned,
}

/// One review in a result list.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The review's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its partnership.
    pub partnership: String,
    /// Its publication date.
    pub published_on: time::Date,
    /// Its type.
    pub review_type: ReviewType,
    /// Its themes.
    pub themes: Vec<String>,
    /// Where it is published.
    pub url: String,
    /// Its relevance score (0 when listing newest first, without a text to match).
    pub score: f32,
    /// The passage that best shows why it matched.
    pub snippet: Snippet,
}

/// One page of results, the total and the facet counts of the whole matching set.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// How many reviews match (on all pages).
    pub total: usize,
    /// This page.
    pub hits: Vec<Hit>,
    /// Counts per facet value (see [`Facets`] for which filters each one honours).
    pub facets: Facets,
}

impl Results {
    /// The JSON the command line prints: `{"total", "hits": [{"id", "title", "published_on",
    /// "score", "snippet"}], "facets": {"theme", "year", "review_type"}}`.
    #[must_use]
    pub fn to_cli_json(&self) -> Value {
        let theme: serde_json::Map<String, Value> = self
            .facets
            .theme
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        let year: serde_json::Map<String, Value> = self
            .facets
            .year
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        let review_type: serde_json::Map<String, Value> = self
            .facets
            .review_type
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), json!(v)))
            .collect();
        json!({
            "total": self.total,
            "hits": hits_to_cli_json(&self.hits),
            "facets": { "theme": theme, "year": year, "review_type": review_type },
        })
    }
}

/// The JSON the command line prints for a list of hits (as from `similar`):
/// `[{"id", "title", "published_on", "score", "snippet"}]`.
#[must_use]
pub fn hits_to_cli_json(hits: &[Hit]) -> Value {
    Value::Array(
        hits.iter()
            .map(|h| {
                json!({
                    "id": h.id,
                    "title": h.title,
                    "published_on": h.published_on.to_string(),
                    "score": h.score,
                    "snippet": h.snippet.text,
                })
            })
            .collect(),
    )
}

/// The learning library's index. Cheap to share behind an `Arc`: searches run concurrently,
/// changes take the one writer in turn, and every change is visible to searches when its
/// call returns.
pub struct Library {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library")
            .field("documents", &self.reader.searcher().num_docs())
            .finish_non_exhaustive()
    }
}

impl Library {
    /// Opens the index in `dir`, creating the directory and an empty index if missing.
    ///
    /// # Errors
    /// The directory cannot be created or read, another process holds the index's lock, or
    /// the index there has another layout ([`SearchError::Layout`]: delete it and rebuild).
    pub fn open(dir: &Path) -> Result<Library, SearchError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| SearchError::Directory(format!("{}: {e}", dir.display())))?;
        let directory = MmapDirectory::open(dir)
            .map_err(|e| SearchError::Directory(format!("{}: {e}", dir.display())))?;
        let index = if Index::exists(&directory)
            .map_err(|e| SearchError::Directory(format!("{}: {e}", dir.display())))?
        {
            Index::open(directory)?
        } else {
            Index::create(directory, build_schema(), tantivy::IndexSettings::default())?
        };
        Library::with_index(index)
    }

    /// An empty library held in memory only (for tests and short-lived tools).
    ///
    /// # Errors
    /// Only if the engine cannot start its writer.
    pub fn in_memory() -> Result<Library, SearchError> {
        Library::with_index(Index::create_in_ram(build_schema()))
    }

    fn with_index(index: Index) -> Result<Library, SearchError> {
        if index.schema() != build_schema() {
            return Err(SearchError::Layout(
                "its fields differ from this version's".to_owned(),
            ));
        }
        let fields = Fields::from_schema(&index.schema()).map_err(SearchError::Layout)?;
        analysis::register(index.tokenizers());
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
        let writer = index.writer_with_num_threads(threads, threads * WRITER_MEMORY_PER_THREAD)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Library {
            reader,
            writer: Mutex::new(writer),
            fields,
        })
    }

    fn writer(&self) -> Result<MutexGuard<'_, IndexWriter>, SearchError> {
        self.writer.lock().map_err(|_| SearchError::Poisoned)
    }

    /// Commits the writer's changes and makes them visible; on failure, drops them.
    fn commit(&self, writer: &mut IndexWriter) -> Result<(), SearchError> {
        if let Err(e) = writer.commit() {
            let _ = writer.rollback();
            return Err(e.into());
        }
        self.reader.reload()?;
        Ok(())
    }

    fn validate(records: &[ReviewRecord]) -> Result<Vec<ReviewRecord>, SearchError> {
        records
            .iter()
            .map(|r| {
                r.clone()
                    .validated()
                    .map_err(|reason| SearchError::Invalid {
                        id: r.id.clone(),
                        reason,
                    })
            })
            .collect()
    }

    /// Adds reviews, replacing any with the same id (the last wins if an id repeats), in one
    /// commit; searches see them when this returns. Records are validated as an import is
    /// ([`ReviewRecord::validated`]) and stored with their themes normalised.
    ///
    /// # Errors
    /// A record breaks the import rules (nothing is written), or the index fails.
    pub fn upsert(&self, records: &[ReviewRecord]) -> Result<usize, SearchError> {
        self.upsert_with_progress(records, &mut |_| {})
    }

    /// [`Library::upsert`], calling `progress` with the number added so far every few hundred
    /// records and at the end.
    ///
    /// # Errors
    /// As [`Library::upsert`].
    pub fn upsert_with_progress(
        &self,
        records: &[ReviewRecord],
        progress: &mut dyn FnMut(usize),
    ) -> Result<usize, SearchError> {
        self.write(records, false, progress)
    }

    /// Replaces the whole library with these reviews, in one commit.
    ///
    /// # Errors
    /// As [`Library::upsert`]; on error the library is unchanged.
    pub fn replace_all(&self, records: &[ReviewRecord]) -> Result<usize, SearchError> {
        self.write(records, true, &mut |_| {})
    }

    fn write(
        &self,
        records: &[ReviewRecord],
        clear: bool,
        progress: &mut dyn FnMut(usize),
    ) -> Result<usize, SearchError> {
        let records = Library::validate(records)?;
        let mut writer = self.writer()?;
        let result = (|| -> Result<(), SearchError> {
            if clear {
                writer.delete_all_documents()?;
            }
            for (n, record) in records.iter().enumerate() {
                let doc = self
                    .fields
                    .document(record)
                    .map_err(|e| SearchError::Stored(e.to_string()))?;
                // Also when clearing: a repeated id in one batch keeps its last record.
                writer.delete_term(Term::from_field_text(self.fields.id, &record.id));
                writer.add_document(doc)?;
                if (n + 1) % PROGRESS_EVERY == 0 {
                    progress(n + 1);
                }
            }
            Ok(())
        })();
        if let Err(e) = result {
            let _ = writer.rollback();
            return Err(e);
        }
        self.commit(&mut writer)?;
        progress(records.len());
        Ok(records.len())
    }

    /// Removes a review; returns whether it was there.
    ///
    /// # Errors
    /// The index fails.
    pub fn remove(&self, id: &str) -> Result<bool, SearchError> {
        let mut writer = self.writer()?;
        let term = Term::from_field_text(self.fields.id, id.trim());
        let existed = self.reader.searcher().doc_freq(&term)? > 0
            && self.find(&self.reader.searcher(), id.trim())?.is_some();
        if existed {
            writer.delete_term(term);
            self.commit(&mut writer)?;
        }
        Ok(existed)
    }

    /// How many reviews the library holds.
    ///
    /// # Errors
    /// Never in practice; kept fallible for the API's stability.
    pub fn len(&self) -> Result<u64, SearchError> {
        Ok(self.reader.searcher().num_docs())
    }

    /// Whether the library is empty.
    ///
    /// # Errors
    /// As [`Library::len`].
    pub fn is_empty(&self) -> Result<bool, SearchError> {
        Ok(self.len()? == 0)
    }

    fn find(&self, searcher: &Searcher, id: &str) -> Result<Option<DocAddress>, SearchError> {
        let query = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        Ok(top.first().map(|(_, address)| *address))
    }

    fn load(&self, searcher: &Searcher, address: DocAddress) -> Result<ReviewRecord, SearchError> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let bytes = doc
            .get_first(self.fields.record)
            .and_then(|v| v.as_bytes())
            .ok_or_else(|| SearchError::Stored("a document has no stored record".to_owned()))?;
        serde_json::from_slice(bytes).map_err(|e| SearchError::Stored(e.to_string()))
    }

    /// The review with this id, as it was last written.
    ///
    /// # Errors
    /// The index fails or the stored record cannot be read.
    pub fn get(&self, id: &str) -> Result<Option<ReviewRecord>, SearchError> {
        let searcher = self.reader.searcher();
        match self.find(&searcher, id.trim())? {
            Some(address) => Ok(Some(self.load(&searcher, address)?)),
            None => Ok(None),
        }
    }

    /// Every theme in the library and how many reviews have it.
    ///
    /// # Errors
    /// The index fails.
    pub fn themes(&self) -> Result<BTreeMap<String, u64>, SearchError> {
        let searcher = self.reader.searcher();
        let want = Want {
            theme: true,
            ..Want::default()
        };
        let facets = searcher.search(&tantivy::query::AllQuery, &FacetCounter { want })?;
        Ok(facets.theme)
    }

    /// Searches the library: a page of hits, the total and facet counts.
    ///
    /// Text is matched as described in [`crate::query`]; with no text, every review matching
    /// the filters is listed, newest first. Never fails because of what the reader typed.
    ///
    /// # Errors
    /// The index fails.
    pub fn search(&self, q: &Query) -> Result<Results, SearchError> {
        let searcher = self.reader.searcher();
        let mut parsed = parse(&q.text);
        expand_typos(&searcher, &self.fields, &mut parsed)?;
        let limit = q.limit.min(MAX_LIMIT);
        let offset = q.offset.min(MAX_OFFSET);
        let filters = filter_query(&self.fields, q, None);

        let mut any = false;
        let (total, docs, mut facets) = loop {
            let query = full_query(
                text_query(&self.fields, &parsed, any),
                filters.as_ref().map(|f| f.box_clone()),
            );
            let counter = FacetCounter { want: Want::ALL };
            let (total, docs, facets) = if parsed.is_listing() {
                let top = TopDocs::with_limit(limit.max(1))
                    .and_offset(offset)
                    .order_by_fast_field::<i64>(crate::schema::PUBLISHED, Order::Desc);
                let (total, top, facets) = searcher.search(&query, &(Count, top, counter))?;
                let docs: Vec<(f32, DocAddress)> = top.into_iter().map(|(_, a)| (0.0, a)).collect();
                (total, docs, facets)
            } else {
                let top = TopDocs::with_limit(limit.max(1))
                    .and_offset(offset)
                    .order_by_score();
                searcher.search(&query, &(Count, top, counter))?
            };
            // When nothing has every word, settle for any of them.
            if total == 0 && !any && parsed.required_count() > 1 {
                any = true;
                continue;
            }
            break (total, docs, facets);
        };
        let docs = if limit == 0 || q.offset > MAX_OFFSET {
            Vec::new()
        } else {
            docs
        };

        // The "any of" facets count as if their own filter were not set.
        for (dimension, set) in [
            (Dimension::ReviewType, !q.review_types.is_empty()),
            (Dimension::AgeGroup, !q.age_groups.is_empty()),
            (
                Dimension::Year,
                q.from_year.is_some() || q.to_year.is_some(),
            ),
        ] {
            if !set {
                continue;
            }
            let want = Want {
                review_type: dimension == Dimension::ReviewType,
                age_group: dimension == Dimension::AgeGroup,
                year: dimension == Dimension::Year,
                theme: false,
            };
            let query = full_query(
                text_query(&self.fields, &parsed, any),
                filter_query(&self.fields, q, Some(dimension)),
            );
            let counted = searcher.search(&query, &FacetCounter { want })?;
            match dimension {
                Dimension::ReviewType => facets.review_type = counted.review_type,
                Dimension::AgeGroup => facets.age_group = counted.age_group,
                Dimension::Year => facets.year = counted.year,
            }
        }

        let highlighter = Highlighter::new(&parsed);
        let hits = docs
            .into_iter()
            .map(|(score, address)| {
                let record = self.load(&searcher, address)?;
                let snippet = highlighter.snippet(&record.summary, record.text.as_deref());
                Ok(hit(record, score, snippet))
            })
            .collect::<Result<Vec<_>, SearchError>>()?;
        Ok(Results {
            total,
            hits,
            facets,
        })
    }

    /// The reviews most like the review `id` (by their characteristic words and shared
    /// themes), best first, without the review itself. Empty if there is no such review.
    ///
    /// # Errors
    /// The index fails.
    pub fn similar(&self, id: &str, limit: usize) -> Result<Vec<Hit>, SearchError> {
        let Some(record) = self.get(id)? else {
            return Ok(Vec::new());
        };
        let text = format!(
            "{}\n{}\n{}",
            record.title,
            record.summary,
            record.text.as_deref().map_or("", |t| cut(t, SIMILAR_TEXT))
        );
        self.similar_inner(&text, &record.themes, Some(&record.id), limit)
    }

    /// The reviews most like a live case, described by some text and themes. The text is only
    /// used to query: nothing of it is written to the index.
    ///
    /// # Errors
    /// The index fails.
    pub fn similar_to(
        &self,
        text: &str,
        themes: &[String],
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        self.similar_inner(cut(text, SIMILAR_TEXT), themes, None, limit)
    }

    fn similar_inner(
        &self,
        text: &str,
        themes: &[String],
        exclude: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        let limit = limit.min(MAX_LIMIT);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let themes: Vec<String> = themes
            .iter()
            .map(|t| crate::record::normalise_theme(t))
            .collect();
        let theme_text = themes.join("\n");
        let mut clauses: Vec<(Occur, Box<dyn tantivy::query::Query>)> = Vec::new();
        if !text.trim().is_empty() || !theme_text.is_empty() {
            let num_docs = searcher.num_docs().max(1);
            let mlt = MoreLikeThisQuery::builder()
                .with_min_doc_frequency(1)
                .with_max_doc_frequency(num_docs / 2 + 1)
                .with_min_term_frequency(1)
                .with_max_query_terms(30)
                .with_min_word_length(3)
                .with_max_word_length(30)
                .with_boost_factor(2.0)
                .with_stop_words(crate::query::stopwords())
                .with_document_fields(vec![
                    (self.fields.summary, vec![OwnedValue::Str(text.to_owned())]),
                    (self.fields.body, vec![OwnedValue::Str(text.to_owned())]),
                    (self.fields.themes_text, vec![OwnedValue::Str(theme_text)]),
                ]);
            clauses.push((Occur::Should, Box::new(mlt)));
        }
        for theme in &themes {
            let q = TermQuery::new(
                Term::from_field_text(self.fields.theme, theme),
                IndexRecordOption::Basic,
            );
            clauses.push((
                Occur::Should,
                Box::new(tantivy::query::ConstScoreQuery::new(
                    Box::new(q),
                    SHARED_THEME_WEIGHT,
                )),
            ));
        }
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        if let Some(id) = exclude {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.id, id),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let query = BoostQuery::new(Box::new(BooleanQuery::new(clauses)), 1.0);
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        top.into_iter()
            .map(|(score, address)| {
                let record = self.load(&searcher, address)?;
                let snippet = lead(&record.summary);
                Ok(hit(record, score, snippet))
            })
            .collect()
    }
}

fn hit(record: ReviewRecord, score: f32, snippet: Snippet) -> Hit {
    Hit {
        id: record.id,
        title: record.title,
        partnership: record.partnership,
        published_on: record.published_on,
        review_type: record.review_type,
        themes: record.themes,
        url: record.url,
        score,
        snippet,
    }
}

fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut at = max;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    &text[..at]
}
