//! Files attached to a case (evidence on an action, files with an agency's answer): the case
//! is asked first, so a refused attachment stores nothing (the store keeps files for good: there
//! is no deleting one), then the file is sealed under the case's key and the command that
//! attaches it is run.

use cspr_domain::case::{Case, Command};
use cspr_domain::ids::CaseId;
use uuid::Uuid;

use crate::{Actor, App, AppError};

/// A checked file to attach.
#[derive(Debug, Clone, Copy)]
pub struct NewFile<'a> {
    /// Its name as uploaded.
    pub name: &'a str,
    /// Its media type, from the checks of its content.
    pub media_type: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
}

/// Attaches a file with the command `attach` makes, from the case as it stands and the file's
/// blob id. Returns the blob's id.
///
/// # Errors
/// The case's refusal (nothing stored), store failures. Attaching does not depend on what
/// else changed on the case since it was read, so a concurrent change is retried, and the
/// command is made again from the case as that change left it.
pub async fn attach(
    app: &App,
    case_id: CaseId,
    file: NewFile<'_>,
    attach: impl Fn(&Case, Uuid) -> Command,
    actor: Actor,
) -> Result<Uuid, AppError> {
    let (case, _) = app.load(case_id).await?;
    app.check_case(&case, attach(&case, Uuid::nil()), actor)?;
    let blob_id = app
        .store()
        .put_blob(case_id.as_uuid(), file.media_type, file.name, file.bytes)
        .await?;
    let attached = app
        .transact(case_id, None, actor, |unit| {
            let command = attach(unit.case(), blob_id);
            unit.run(command).map(drop)
        })
        .await;
    match attached {
        Ok(_) => Ok(blob_id),
        Err(e) => {
            tracing::warn!(case = %case_id, blob = %blob_id, error = %e,
                "a stored file was not attached to the case");
            Err(e)
        }
    }
}
