//! Facet counts over a matching set, read from the fast fields in one pass.

use std::collections::BTreeMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader, TantivyError};

use crate::record::{AgeGroup, ReviewType};
use crate::schema;

/// How many reviews in a result set fall under each value of each facet.
///
/// `theme` and `year` list only values with at least one review; `review_type` and
/// `age_group` likewise. Each facet counts the reviews matching the text and every filter,
/// except that the review-type, age-group and year facets ignore their own filter (they are
/// "any of" choices, so the counts show what choosing another value would add); the theme
/// facet honours the theme filter, because themes narrow ("all of"), so its counts show what
/// adding a theme would leave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// Reviews per theme.
    pub theme: BTreeMap<String, u64>,
    /// Reviews per year of publication.
    pub year: BTreeMap<i32, u64>,
    /// Reviews per review type.
    pub review_type: BTreeMap<ReviewType, u64>,
    /// Reviews per age group.
    pub age_group: BTreeMap<AgeGroup, u64>,
}

impl Facets {
    fn add(&mut self, other: Facets) {
        for (k, v) in other.theme {
            *self.theme.entry(k).or_default() += v;
        }
        for (k, v) in other.year {
            *self.year.entry(k).or_default() += v;
        }
        for (k, v) in other.review_type {
            *self.review_type.entry(k).or_default() += v;
        }
        for (k, v) in other.age_group {
            *self.age_group.entry(k).or_default() += v;
        }
    }
}

/// Which facets to count.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Want {
    pub theme: bool,
    pub year: bool,
    pub review_type: bool,
    pub age_group: bool,
}

impl Want {
    pub(crate) const ALL: Want = Want {
        theme: true,
        year: true,
        review_type: true,
        age_group: true,
    };
}

/// Counts facets of the matching documents.
#[derive(Debug)]
pub(crate) struct FacetCounter {
    pub want: Want,
}

pub(crate) struct SegmentFacetCounter {
    themes: Option<StrColumn>,
    theme_counts: Vec<u64>,
    year: Option<Column<i64>>,
    years: BTreeMap<i64, u64>,
    review_type: Option<Column<u64>>,
    review_types: [u64; 8],
    age_group: Option<Column<u64>>,
    age_groups: [u64; 8],
}

impl Collector for FacetCounter {
    type Fruit = Facets;
    type Child = SegmentFacetCounter;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetCounter> {
        let fast = segment.fast_fields();
        let themes = if self.want.theme {
            fast.str(schema::THEME)?
        } else {
            None
        };
        let theme_counts = vec![0; themes.as_ref().map_or(0, |c| c.num_terms())];
        Ok(SegmentFacetCounter {
            themes,
            theme_counts,
            year: self.want.year.then(|| fast.i64(schema::YEAR)).transpose()?,
            years: BTreeMap::new(),
            review_type: self
                .want
                .review_type
                .then(|| fast.u64(schema::REVIEW_TYPE))
                .transpose()?,
            review_types: [0; 8],
            age_group: self
                .want
                .age_group
                .then(|| fast.u64(schema::AGE_GROUP))
                .transpose()?,
            age_groups: [0; 8],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Result<Facets, String>>) -> tantivy::Result<Facets> {
        let mut all = Facets::default();
        for fruit in fruits {
            all.add(fruit.map_err(TantivyError::InternalError)?);
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = Result<Facets, String>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(themes) = &self.themes {
            for ord in themes.term_ords(doc) {
                if let Some(count) = usize::try_from(ord)
                    .ok()
                    .and_then(|i| self.theme_counts.get_mut(i))
                {
                    *count += 1;
                }
            }
        }
        if let Some(year) = self.year.as_ref().and_then(|c| c.first(doc)) {
            *self.years.entry(year).or_default() += 1;
        }
        if let Some(code) = self.review_type.as_ref().and_then(|c| c.first(doc))
            && let Some(count) = usize::try_from(code)
                .ok()
                .and_then(|i| self.review_types.get_mut(i))
        {
            *count += 1;
        }
        if let Some(code) = self.age_group.as_ref().and_then(|c| c.first(doc))
            && let Some(count) = usize::try_from(code)
                .ok()
                .and_then(|i| self.age_groups.get_mut(i))
        {
            *count += 1;
        }
    }

    fn harvest(self) -> Result<Facets, String> {
        let mut facets = Facets::default();
        if let Some(themes) = &self.themes {
            let mut name = String::new();
            for (ord, &count) in self.theme_counts.iter().enumerate() {
                if count == 0 {
                    continue;
                }
                let found = themes
                    .ord_to_str(ord as u64, &mut name)
                    .map_err(|e| format!("reading a theme name: {e}"))?;
                if found {
                    *facets.theme.entry(name.clone()).or_default() += count;
                }
            }
        }
        for (year, count) in self.years {
            if let Ok(year) = i32::try_from(year) {
                facets.year.insert(year, count);
            }
        }
        for (code, &count) in self.review_types.iter().enumerate() {
            if count > 0
                && let Some(t) = ReviewType::from_code(code as u64)
            {
                facets.review_type.insert(t, count);
            }
        }
        for (code, &count) in self.age_groups.iter().enumerate() {
            if count > 0
                && let Some(a) = AgeGroup::from_code(code as u64)
            {
                facets.age_group.insert(a, count);
            }
        }
        Ok(facets)
    }
}
