//! Exports of a case's documents (rapid review report, terms of reference, overview report)
//! as PDF, DOCX or HTML, made in the background.
//!
//! Asking for an export enqueues one keyed job on the store's outbox (`export/<export id>`)
//! and starts the work at once in a task of its own. The work renders the document (the same
//! code as `cspr export`: [`produce`]), stores the file as a sealed blob of the case and
//! records it on the case (`RecordDocumentExport`). The case is the record of what was made:
//! when the outbox hands the job to the job runner later (after a crash, or once the task has
//! finished), the runner finds the export recorded and completes the job without making it
//! again; when the task failed, the runner makes it. Nothing personal goes in the job's
//! payload: ids and the document's kind only.

use std::collections::HashMap;

use crate::{App, AppError};
use cspr_domain::case::{Case, Command};
use cspr_domain::documents::{DocumentExport, DocumentKind, ExportFormat};
use cspr_domain::ids::{AgencyId, CaseId, UserId};
use cspr_store::{Job, JobOutcome, Store, StoreError};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::Services;
use crate::jobs::BackgroundJob;

/// The job kind of one export.
pub const EXPORT_JOB: &str = "export-document";

/// What an export job carries: ids, the document and the format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRequest {
    /// The case.
    pub case_id: Uuid,
    /// The export's id (made when it was asked for).
    pub export_id: Uuid,
    /// Which document.
    pub document: DocumentKind,
    /// Which format.
    pub format: ExportFormat,
    /// Who asked.
    pub requested_by: Uuid,
}

impl BackgroundJob for ExportRequest {
    const KIND: &'static str = EXPORT_JOB;

    fn key(&self) -> String {
        format!("export/{}", self.export_id)
    }
}

/// A made file: its bytes, name and media type.
#[derive(Debug, Clone)]
pub struct Produced {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The file name ("overview-report-CSPR-2025-001.pdf").
    pub file_name: String,
    /// The media type.
    pub media_type: &'static str,
}

/// Renders a case's document in a format: the one path of the export job and `cspr export`.
/// The layout runs on the blocking pool (a long PDF takes a few hundred milliseconds).
///
/// # Errors
/// A description for the log (no document text): store failures or a failed export.
pub async fn produce(
    store: &Store,
    partnership_id: Uuid,
    partnership_name: &str,
    case: &Case,
    document: DocumentKind,
    format: ExportFormat,
    today: Date,
) -> Result<Produced, String> {
    let names: HashMap<AgencyId, String> = store
        .agencies(partnership_id)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|a| (AgencyId::from_uuid(a.id), a.name))
        .collect();
    let page = cspr_export::documents::title_page(case, document, partnership_name, today);
    let doc = cspr_export::documents::case_document(case, document, &page, &names);
    let file_name = cspr_export::documents::file_name(case, document, format);
    let bytes = tokio::task::spawn_blocking(move || cspr_export::documents::render(&doc, format))
        .await
        .map_err(|e| format!("the export task stopped: {e}"))?
        .map_err(|e| e.to_string())?;
    Ok(Produced {
        bytes,
        file_name,
        media_type: format.media_type(),
    })
}

/// Asks for an export: enqueues its job and starts the work now.
///
/// # Errors
/// Store failures while enqueueing.
pub async fn request(services: &Services, request: ExportRequest) -> Result<(), StoreError> {
    let job = request
        .keyed(services.now() + time::Duration::minutes(2))
        .ok_or_else(|| StoreError::Invalid("the export request cannot be written".into()))?;
    services.store().enqueue_keyed_jobs(vec![job]).await?;
    let services = services.clone();
    tokio::spawn(async move {
        if let Err(why) = make(&services, request).await {
            tracing::warn!(case = %request.case_id, export = %request.export_id, error = %why,
                "an export failed; the job runner will try again");
        }
    });
    Ok(())
}

/// Whether the case already records this export.
fn recorded(case: &Case, export_id: Uuid) -> bool {
    case.documents.export(export_id).is_some()
}

/// Makes one export and records it on the case, unless it is recorded already. Returns
/// whether it made it.
///
/// # Errors
/// A description for the log.
pub async fn make(services: &Services, request: ExportRequest) -> Result<bool, String> {
    let app: App = services.app();
    let case_id = CaseId::from_uuid(request.case_id);
    let (case, _) = app.load(case_id).await.map_err(|e| e.to_string())?;
    if recorded(&case, request.export_id) {
        return Ok(false);
    }
    let partnership = services.partnership_id().as_uuid();
    let made = produce(
        services.store(),
        partnership,
        services.partnership_name(),
        &case,
        request.document,
        request.format,
        services.today(),
    )
    .await?;
    let size = made.bytes.len() as u64;
    let made_at = services.now();
    let blob_id = services
        .store()
        .put_expiring_blob(
            request.case_id,
            made.media_type,
            &made.file_name,
            &made.bytes,
            Some(made_at.saturating_add(cspr_domain::documents::EXPORT_KEPT_FOR)),
        )
        .await
        .map_err(|e| e.to_string())?;
    let command = Command::RecordDocumentExport {
        export: DocumentExport {
            export_id: request.export_id,
            document: request.document,
            format: request.format,
            blob_id,
            size,
            requested_by: UserId::from_uuid(request.requested_by),
            made_at,
        },
    };
    let actor = services.actor(UserId::from_uuid(request.requested_by));
    for _ in 0..3 {
        match app.execute(case_id, None, command.clone(), actor).await {
            Ok(_) => {
                tracing::info!(case = %request.case_id, export = %request.export_id, bytes = size, "export made");
                return Ok(true);
            }
            Err(AppError::Conflict { .. }) => {}
            // Recorded meanwhile by the other worker: its file stands.
            Err(AppError::Domain(_)) => return Ok(false),
            Err(e) => return Err(e.to_string()),
        }
    }
    Err("the case kept changing while the export was recorded".to_owned())
}

/// Runs an export job handed out by the outbox ([`crate::jobs::run_jobs`] hands jobs of [`EXPORT_JOB`] here).
///
/// # Errors
/// Why it failed, for the outbox to retry.
pub async fn run_job(services: &Services, job: &Job) -> Result<JobOutcome, String> {
    let request = ExportRequest::read(job)?;
    let outcome = if make(services, request).await? {
        JobOutcome::Done
    } else {
        JobOutcome::Skipped
    };
    match services
        .store()
        .complete_keyed_job(job.id, &request.key(), outcome, services.now())
        .await
    {
        Ok(()) | Err(StoreError::NotFound) => Ok(outcome),
        Err(e) => Err(e.to_string()),
    }
}

/// Runs the due export jobs now (for `cspr serve`'s sweep and tests): claims jobs until none is
/// due, handing other kinds back untouched is not possible with one queue, so this is only
/// called where every due job is an export (tests) — the serve loop goes through
/// [`crate::jobs::run_jobs`], which hands exports here.
#[doc(hidden)]
pub async fn run_due_exports_for_tests(services: &Services) -> Result<u32, String> {
    let mut n = 0;
    while let Some(job) = services
        .store()
        .claim_job(
            services.now() + time::Duration::hours(1),
            time::Duration::minutes(5),
        )
        .await
        .map_err(|e| e.to_string())?
    {
        if job.kind != EXPORT_JOB {
            return Err(format!("a job of kind {:?} is due", job.kind));
        }
        run_job(services, &job).await?;
        n += 1;
    }
    Ok(n)
}

/// When an export was made, for the page.
#[must_use]
pub fn made_words(at: OffsetDateTime) -> String {
    format!(
        "{} at {:02}:{:02}",
        cspr_domain::words::long_date(crate::date_in_england(at)),
        at.hour(),
        at.minute()
    )
}

/// A made export of one of a case's documents, for someone who may read the case and export
/// its documents: the file as it was made, its read of the case written to the access log
/// first. `None` when there is no such export of that document (never made, another
/// document's, past [`cspr_domain::documents::EXPORT_KEPT_FOR`], or its file erased). The pages'
/// download and the API's both fetch here.
///
/// # Errors
/// The audit write or a store read failed.
pub async fn fetch(
    services: &Services,
    access: &crate::policy::CaseAccess,
    document: DocumentKind,
    export_id: Uuid,
    action: &str,
    source: &crate::reader::Source,
) -> Result<Option<Produced>, crate::AppError> {
    let (case, _) = crate::reader::load_case(services, access, action, source).await?;
    // An export past its time is gone, whether or not the job runner has deleted its file yet.
    let Some(export) = case
        .documents
        .export(export_id)
        .filter(|e| e.document == document && e.available(services.now()))
    else {
        return Ok(None);
    };
    let blob = match services.store().get_blob(export.blob_id).await {
        Ok(blob) => blob,
        Err(StoreError::Shredded | StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if blob.case_id != access.case_id().as_uuid() {
        return Ok(None);
    }
    Ok(Some(Produced {
        bytes: blob.bytes,
        file_name: cspr_export::documents::file_name(&case, document, export.format),
        media_type: export.format.media_type(),
    }))
}
