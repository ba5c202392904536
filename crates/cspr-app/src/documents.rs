//! The documents of a case written section by section (rapid review report, terms of reference,
//! overview report): saving a section needs the [`DocumentEditor`] capability for that document.

use cspr_domain::case::Command;
use time::OffsetDateTime;

use crate::policy::DocumentEditor;
use crate::{Actor, App, AppError};

/// Saves a new version of one section (rich text already sanitised by the caller's reader).
///
/// # Errors
/// The case's refusal (a document that can no longer change, an unknown section), a change
/// since `expected_version`, store failures.
pub async fn save_section(
    app: &App,
    editor: &DocumentEditor,
    expected_version: Option<u64>,
    section: &str,
    text: String,
    saved_at: OffsetDateTime,
    actor: Actor,
) -> Result<u64, AppError> {
    if actor.user_id != editor.user_id() {
        return Err(AppError::Internal(
            "a document editor's capability was used by someone else".into(),
        ));
    }
    app.execute(
        editor.case_id(),
        expected_version,
        Command::SaveDocumentSection {
            document: editor.document(),
            section: section.to_owned(),
            text,
            saved_at,
        },
        actor,
    )
    .await
}
