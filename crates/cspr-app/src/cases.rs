//! Opening cases: the reference a new case gets.

use cspr_store::{CaseScope, Store, StoreError};
use uuid::Uuid;

/// The reference the next case opened in `year` gets: `CSPR-<year>-<nnn>`, one more than the
/// highest number the partnership's cases of that year have (a gap left by a case that was
/// shredded is never reused).
///
/// # Errors
/// Store failures.
pub async fn next_reference(
    store: &Store,
    partnership_id: Uuid,
    year: i32,
) -> Result<String, StoreError> {
    let prefix = format!("CSPR-{year}-");
    let highest = store
        .case_summaries(CaseScope::Partnership(partnership_id))
        .await?
        .iter()
        .filter_map(|s| s.reference.strip_prefix(&prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    Ok(format!("{prefix}{:03}", highest + 1))
}
