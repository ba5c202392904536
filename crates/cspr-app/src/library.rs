//! The learning library (issue 17): the national records imported and the partnership's own
//! published reports, searchable, with similar reviews for a case being weighed.
//!
//! Two indexes ([`cspr_search::Library`]): the library (imported records and the partnership's
//! own published reports) for signed-in staff, and the public one (the partnership's own
//! published reports only) for `/published-reviews`. Both are derived: the store holds the
//! imported records (`library_records`) and the public copies of published reports, and the
//! indexes are rebuilt from them on start when missing or behind, when the store's library
//! changes behind this process's back (a `cspr library import` while the server runs: the
//! periodic [`refresh`] notices), and on demand ([`rebuild`]). A publication joins both at
//! once; a withdrawal leaves both at once. Nothing of a case is ever indexed: similar reviews
//! for a case query the index with the case's text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use cspr_domain::case::Stage;
use cspr_search::Library;
pub use cspr_search::{
    AgeGroup, Hit, LineError, Query, Results, ReviewRecord, ReviewType, SearchError, parse_jsonl,
};
use uuid::Uuid;

use crate::{AppError, Services};

impl From<SearchError> for AppError {
    fn from(e: SearchError) -> Self {
        AppError::Internal(format!("the library's index: {e}"))
    }
}

/// The two indexes and what they were built from.
#[derive(Debug)]
pub struct Indexes {
    library: Library,
    public: Library,
    /// The store's library as last indexed ([`fingerprint`]).
    source: Mutex<String>,
    dir: Option<PathBuf>,
}

/// Opens an index; one of another layout (an older version's) is derived data: it is deleted
/// and made afresh, to be rebuilt from the store. A lock held by another process is an error.
fn open_or_reset(dir: &Path) -> Result<Library, AppError> {
    match Library::open(dir) {
        Err(SearchError::Layout(why)) => {
            tracing::warn!(%why, "the library index has another layout: it is rebuilt");
            std::fs::remove_dir_all(dir)
                .map_err(|e| AppError::Internal(format!("cannot reset the index: {e}")))?;
            Ok(Library::open(dir)?)
        }
        other => Ok(other?),
    }
}

/// The file beside the indexes naming what they were built from.
const SOURCE_FILE: &str = "built-from";

impl Indexes {
    fn open(dir: Option<&Path>) -> Result<Indexes, AppError> {
        let (library, public, source) = match dir {
            Some(dir) => {
                let library = open_or_reset(&dir.join("library"))?;
                let public = open_or_reset(&dir.join("public"))?;
                // An index emptied behind our back (its directory deleted) is rebuilt even if
                // the marker beside it survived.
                let source = if library.is_empty()? {
                    String::new()
                } else {
                    std::fs::read_to_string(dir.join(SOURCE_FILE)).unwrap_or_default()
                };
                (library, public, source)
            }
            None => (Library::in_memory()?, Library::in_memory()?, String::new()),
        };
        Ok(Indexes {
            library,
            public,
            source: Mutex::new(source),
            dir: dir.map(Path::to_path_buf),
        })
    }

    fn source(&self) -> String {
        self.source.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn set_source(&self, source: &str) {
        if let Ok(mut s) = self.source.lock() {
            source.clone_into(&mut s);
        }
        if let Some(dir) = &self.dir
            && let Err(e) = std::fs::write(dir.join(SOURCE_FILE), source)
        {
            tracing::warn!(error = %e, "the library index's source marker could not be written");
        }
    }

    /// The library for signed-in staff: imported records and the partnership's own.
    #[must_use]
    pub fn library(&self) -> &Library {
        &self.library
    }

    /// The public index: the partnership's own published reports.
    #[must_use]
    pub fn public(&self) -> &Library {
        &self.public
    }
}

/// The id of a partnership's own published report in the library.
#[must_use]
pub fn own_id(report_id: Uuid) -> String {
    format!("cspr-{report_id}")
}

/// The indexes, opened (and built from the store when missing or behind) on first use.
///
/// # Errors
/// The index cannot be opened (another process holds it) or built; store failures.
pub async fn indexes(services: &Services) -> Result<Arc<Indexes>, AppError> {
    services
        .library_cell()
        .get_or_try_init(|| async {
            let dir = services.library_dir().map(Path::to_path_buf);
            let indexes = tokio::task::spawn_blocking(move || Indexes::open(dir.as_deref()))
                .await
                .map_err(|e| AppError::Internal(format!("the index task failed: {e}")))??;
            let now = fingerprint(services).await?;
            let indexes = Arc::new(indexes);
            if indexes.source() != now {
                build(services, &indexes, &now).await?;
            }
            Ok(indexes)
        })
        .await
        .cloned()
}

/// Runs index work off the async workers.
async fn blocking<T: Send + 'static>(
    indexes: &Arc<Indexes>,
    work: impl FnOnce(&Indexes) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let indexes = Arc::clone(indexes);
    tokio::task::spawn_blocking(move || work(&indexes))
        .await
        .map_err(|e| AppError::Internal(format!("the index task failed: {e}")))?
}

/// What the library is built from, in a line: the imported records' count and latest import,
/// and the partnership's published reports. Changes whenever an import, a publication or a
/// withdrawal does, on any server. One statement.
async fn fingerprint(services: &Services) -> Result<String, AppError> {
    let (count, latest, own) = services
        .store()
        .library_source(services.partnership_id().as_uuid())
        .await?;
    let own: Vec<String> = own.iter().map(Uuid::to_string).collect();
    Ok(format!(
        "records={count};latest={};own={}",
        latest.map(|t| t.unix_timestamp_nanos()).unwrap_or_default(),
        own.join(",")
    ))
}

/// The imported records' part of a fingerprint.
fn records_part(fingerprint: &str) -> &str {
    fingerprint.split(";own=").next().unwrap_or_default()
}

/// After a change to the partnership's own reports was put in the indexes: the new fingerprint
/// is recorded, unless records were imported meanwhile by another process, which only a
/// rebuild puts in (recording it would hide them).
async fn own_changed(services: &Services, indexes: &Arc<Indexes>) -> Result<(), AppError> {
    let now = fingerprint(services).await?;
    if records_part(&indexes.source()) == records_part(&now) {
        indexes.set_source(&now);
        Ok(())
    } else {
        build(services, indexes, &now).await.map(|_| ())
    }
}

/// The partnership's own published reports as library records.
async fn own_records(services: &Services) -> Result<Vec<ReviewRecord>, AppError> {
    let store = services.store();
    let partnership = services.partnership_id().as_uuid();
    let mut out = Vec::new();
    for r in store.published_reports(partnership).await? {
        let text = store.published_text(partnership, r.id).await?;
        out.push(ReviewRecord {
            id: own_id(r.id),
            title: r.title.clone(),
            partnership: services.partnership_name().to_owned(),
            published_on: r.published_on,
            review_type: ReviewType::LocalCspr,
            themes: r.themes.clone(),
            age_group: r
                .age_group
                .as_deref()
                .and_then(|a| a.parse().ok())
                .unwrap_or(AgeGroup::Various),
            agencies: Vec::new(),
            summary: if r.summary.trim().is_empty() {
                r.title.clone()
            } else {
                r.summary.clone()
            },
            url: format!("/published-reviews/{}", r.id),
            text,
        });
    }
    Ok(out)
}

async fn imported(services: &Services) -> Result<Vec<ReviewRecord>, AppError> {
    services
        .store()
        .library_records()
        .await?
        .into_iter()
        .map(|row| {
            serde_json::from_str::<ReviewRecord>(&row.record)
                .map_err(|_| AppError::Corrupt("an imported library record is unreadable".into()))
        })
        .collect()
}

async fn build(
    services: &Services,
    indexes: &Arc<Indexes>,
    source: &str,
) -> Result<(usize, usize), AppError> {
    let own = own_records(services).await?;
    let mut all = imported(services).await?;
    all.extend(own.iter().cloned());
    let counts = blocking(indexes, move |i| {
        Ok((i.library.replace_all(&all)?, i.public.replace_all(&own)?))
    })
    .await?;
    indexes.set_source(source);
    tracing::info!(library = counts.0, public = counts.1, "library index built");
    Ok(counts)
}

/// Rebuilds both indexes from the store; returns how many reviews each holds.
///
/// # Errors
/// Store or index failures.
pub async fn rebuild(services: &Services) -> Result<(usize, usize), AppError> {
    let indexes = indexes(services).await?;
    let source = fingerprint(services).await?;
    build(services, &indexes, &source).await
}

/// Rebuilds the indexes if the store's library changed since they were built (another
/// process imported records); whether it did. `cspr serve` calls it every few minutes.
///
/// # Errors
/// Store or index failures.
pub async fn refresh(services: &Services) -> Result<bool, AppError> {
    current(services).await.map(|(_, rebuilt)| rebuilt)
}

/// The indexes, brought up to date first if the store's library changed since they were
/// built: by another server's publication, withdrawal or import (issue 18), so a report
/// withdrawn on one server is found on none. One statement when nothing changed. Whether they
/// were rebuilt.
async fn current(services: &Services) -> Result<(Arc<Indexes>, bool), AppError> {
    let indexes = indexes(services).await?;
    let source = fingerprint(services).await?;
    if indexes.source() == source {
        return Ok((indexes, false));
    }
    build(services, &indexes, &source).await?;
    Ok((indexes, true))
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    /// Records new to the library.
    pub new: usize,
    /// Records that replaced one with the same id.
    pub replaced: usize,
    /// Whether the index here took them (otherwise a running server's index is refreshed
    /// within minutes).
    pub indexed: bool,
}

/// Imports checked records: stored (replacing those with the same id), then indexed.
/// `progress` is called with the number indexed so far.
///
/// # Errors
/// A record the index refuses (nothing is written), store or index failures.
pub async fn import(
    services: &Services,
    records: Vec<ReviewRecord>,
    mut progress: impl FnMut(usize) + Send + 'static,
) -> Result<Imported, AppError> {
    for r in &records {
        r.clone()
            .validated()
            .map_err(|reason| AppError::Internal(format!("record {}: {reason}", r.id)))?;
        if r.id.starts_with("cspr-") {
            return Err(AppError::Internal(format!(
                "record {}: ids starting cspr- are the partnership's own reports",
                r.id
            )));
        }
    }
    let rows = records
        .iter()
        .map(|r| {
            serde_json::to_string(r)
                .map(|json| (r.id.clone(), json))
                .map_err(|e| AppError::Internal(format!("record {}: {e}", r.id)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let new = services.store().import_library_records(&rows).await?;
    let total = rows.len();
    let indexed = match indexes(services).await {
        Ok(indexes) => {
            blocking(&indexes, move |i| {
                Ok(i.library.upsert_with_progress(&records, &mut progress)?)
            })
            .await?;
            indexes.set_source(&fingerprint(services).await?);
            true
        }
        Err(e) => {
            tracing::warn!(error = %e, "imported records wait for the running server's index");
            false
        }
    };
    Ok(Imported {
        new,
        replaced: total - new,
        indexed,
    })
}

/// How many generated reviews the demonstration library holds.
pub const DEMO_REVIEWS: usize = 300;

/// Fills an empty library with [`DEMO_REVIEWS`] generated, entirely synthetic reviews
/// (`cspr_search::sample`) for a demonstration; returns how many were stored (none when the
/// library already holds records). The indexes take them when next opened or refreshed.
///
/// # Errors
/// Store failures.
pub async fn seed_demo(store: &cspr_store::Store) -> Result<usize, AppError> {
    if store.library_fingerprint().await?.0 > 0 {
        return Ok(0);
    }
    let generated = cspr_search::sample::generate(&cspr_search::sample::Options {
        count: DEMO_REVIEWS,
        seed: 2026,
        text_percent: 25,
        text_words: 800,
        noise_percent: 0,
    });
    let rows = generated
        .into_iter()
        .map(|g| {
            serde_json::to_string(&g.record)
                .map(|json| (g.record.id.clone(), json))
                .map_err(|e| AppError::Internal(format!("a demo review: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(store.import_library_records(&rows).await?)
}

/// Searches the library (staff) or the public index.
///
/// # Errors
/// Index failures.
pub async fn search(services: &Services, query: &Query, public: bool) -> Result<Results, AppError> {
    let (indexes, _) = current(services).await?;
    let index = if public {
        &indexes.public
    } else {
        &indexes.library
    };
    Ok(index.search(query)?)
}

/// One review of the library.
///
/// # Errors
/// Index failures.
pub async fn record(services: &Services, id: &str) -> Result<Option<ReviewRecord>, AppError> {
    Ok(current(services).await?.0.library.get(id)?)
}

/// The reviews most like one review of the library.
///
/// # Errors
/// Index failures.
pub async fn similar(services: &Services, id: &str, limit: usize) -> Result<Vec<Hit>, AppError> {
    Ok(current(services).await?.0.library.similar(id, limit)?)
}

/// Puts a newly published report of the partnership in both indexes (after the publication
/// is written). A failure is logged: the next [`refresh`] builds it in.
pub async fn published(services: &Services, report_id: Uuid) {
    let result = async {
        let indexes = indexes(services).await?;
        let own = own_records(services).await?;
        let Some(record) = own.into_iter().find(|r| r.id == own_id(report_id)) else {
            return Ok::<(), AppError>(());
        };
        indexes.library.upsert(std::slice::from_ref(&record))?;
        indexes.public.upsert(std::slice::from_ref(&record))?;
        own_changed(services, &indexes).await
    }
    .await;
    if let Err(e) = result {
        tracing::error!(error = %e, "a published report did not join the library index");
    }
}

/// Takes a withdrawn report out of both indexes at once (after the withdrawal is written). A
/// failure is logged as an error: the withdrawal stands, and the next refresh (every few
/// minutes) rebuilds the indexes without the report.
pub async fn withdrawn(services: &Services, report_id: Uuid) {
    let result = async {
        let indexes = indexes(services).await?;
        let id = own_id(report_id);
        indexes.library.remove(&id)?;
        indexes.public.remove(&id)?;
        own_changed(services, &indexes).await
    }
    .await;
    if let Err(e) = result {
        tracing::error!(error = %e, "a withdrawn report is still in the library index until the next refresh");
    }
}

/// The age band of a case's child at the incident, as the library files it: several children
/// of different bands, or none recorded, are `Various`.
#[must_use]
pub fn age_group_of(case: &cspr_domain::case::Case) -> AgeGroup {
    use cspr_domain::vocab::AgeOrDateOfBirth;
    let Some(on) = case.incident.as_ref().map(|i| i.occurred_on) else {
        return AgeGroup::Various;
    };
    let bands: std::collections::BTreeSet<AgeGroup> = case
        .children
        .iter()
        .map(|c| {
            if matches!(c.age, AgeOrDateOfBirth::DateOfBirth(born) if born > on) {
                return AgeGroup::Unborn;
            }
            match c.age.age_on(on) {
                0 => AgeGroup::Under1,
                1..=4 => AgeGroup::From1To4,
                5..=10 => AgeGroup::From5To10,
                11..=15 => AgeGroup::From11To15,
                16 | 17 => AgeGroup::From16To17,
                _ => AgeGroup::Various,
            }
        })
        .collect();
    match (bands.len(), bands.first()) {
        (1, Some(band)) => *band,
        _ => AgeGroup::Various,
    }
}

/// How one of a case's themes recurred in the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    /// The theme.
    pub theme: String,
    /// Reviews in the library with it.
    pub reviews: u64,
    /// Of those, by year of publication.
    pub by_year: BTreeMap<i32, u64>,
}

/// What the library says about a case being weighed.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseLearning {
    /// The most similar reviews, best first.
    pub similar: Vec<Hit>,
    /// Where each of the case's themes recurred.
    pub recurrences: Vec<Recurrence>,
}

/// The stages at which a case is weighed against earlier learning: triage, the rapid review
/// and scoping (criterion (b) of the decision: recurrent themes).
#[must_use]
pub fn weighs_learning(stage: Stage) -> bool {
    matches!(stage, Stage::Triage | Stage::RapidReview | Stage::Scoping)
}

/// The five reviews most like a case (from its incident summary, triage reasons and rapid
/// review notes, and its themes) and where its themes recurred in the library. The caller has
/// read the case through the access policy (the case page, audited); its text only queries the
/// index and is never written to it.
///
/// # Errors
/// Index failures.
pub async fn for_case(
    services: &Services,
    case: &cspr_domain::case::Case,
) -> Result<CaseLearning, AppError> {
    let mut text = String::new();
    if let Some(i) = &case.incident {
        text.push_str(i.description.as_str());
        text.push('\n');
    }
    if let Some((_, reasons, _)) = &case.triage {
        text.push_str(reasons.as_str());
        text.push('\n');
    }
    if let Some((_, notes)) = &case.rapid_review_meeting {
        text.push_str(notes.as_str());
    }
    let themes = crate::publication::themes(case);
    // Brought up to date like a search: a report withdrawn on another server is not offered.
    let (indexes, _) = current(services).await?;
    let similar = indexes.library.similar_to(&text, &themes, 5)?;
    let mut recurrences = Vec::new();
    for theme in &themes {
        let found = indexes.library.search(&Query {
            themes: vec![theme.clone()],
            limit: 1,
            ..Query::default()
        })?;
        recurrences.push(Recurrence {
            theme: theme.clone(),
            reviews: u64::try_from(found.total).unwrap_or(u64::MAX),
            by_year: found.facets.year,
        });
    }
    Ok(CaseLearning {
        similar,
        recurrences,
    })
}
