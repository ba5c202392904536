//! A query wrapper that keeps tantivy's exclusion from seeking a scorer backwards.
//!
//! tantivy 0.27's `Exclude` asks the excluded scorer whether it contains each candidate with
//! `seek_danger`, even when that scorer has already moved past the candidate. A phrase scorer
//! whose terms occur in a segment but never together starts past every document, and its
//! `seek_danger` asserts (debug builds) or reads stale state (release). Found by the property
//! test: a reader typing `-c-C` crashed the search. This wrapper answers such calls itself from
//! the scorer's position, which is exact while that position is valid.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED};

/// Wraps a query so that its scorers tolerate backward `seek_danger` calls.
#[derive(Debug)]
pub(crate) struct Guarded(pub Box<dyn Query>);

impl Clone for Guarded {
    fn clone(&self) -> Self {
        Guarded(self.0.box_clone())
    }
}

impl Query for Guarded {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(GuardedWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct GuardedWeight(Box<dyn Weight>);

impl Weight for GuardedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(GuardedScorer {
            inner: self.0.scorer(reader, boost)?,
            valid: true,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

struct GuardedScorer {
    inner: Box<dyn Scorer>,
    /// Whether `inner.doc()` is meaningful (it is not after a missed `seek_danger`).
    valid: bool,
}

impl DocSet for GuardedScorer {
    fn advance(&mut self) -> DocId {
        self.valid = true;
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.valid && self.inner.doc() >= target {
            return self.inner.doc();
        }
        self.valid = true;
        self.inner.seek(target)
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        if self.valid {
            let doc = self.inner.doc();
            if doc == target {
                return SeekDangerResult::Found;
            }
            if doc > target || doc == TERMINATED {
                return SeekDangerResult::SeekLowerBound(doc);
            }
        }
        let result = self.inner.seek_danger(target);
        self.valid = result == SeekDangerResult::Found;
        result
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for GuardedScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}
