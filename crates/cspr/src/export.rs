//! `cspr export`: one of a case's documents (rapid review report, terms of reference, overview
//! report) as PDF, DOCX or HTML, through the same code as the web's export job
//! (`cspr_app::exports::produce`), so the files are the same. The read is written to the access
//! log first, as a read on the web is. Bad input changes nothing and exits with code 2: an
//! unknown document or format before anything is opened, a reference no case has once the
//! database is read.

use std::fs;
use std::path::Path;

use cspr_domain::documents::{DocumentKind, ExportFormat};
use cspr_domain::ids::CaseId;
use cspr_store::{CaseScope, NewAccessEntry, Store};
use time::OffsetDateTime;

use crate::{
    cli::ExportArgs,
    config::{Access, Settings},
    exit::{Failure, Kind},
    partnership::{self},
    store::{store_failure, with_store},
};

/// What the access log records for the read.
const AUDIT_ACTION: &str = "export-document";

fn document(text: &str) -> Result<DocumentKind, Failure> {
    DocumentKind::from_slug(text.trim()).ok_or_else(|| {
        Failure::config(format!(
            "--document: '{}' is not a document: use rapid-review, terms-of-reference or overview-report",
            text.escape_debug()
        ))
    })
}

fn format(text: &str) -> Result<ExportFormat, Failure> {
    ExportFormat::parse(text).ok_or_else(|| {
        Failure::config(format!(
            "--format: '{}' is not a format: use pdf, docx or html",
            text.escape_debug()
        ))
    })
}

pub async fn run(settings: &Settings, args: &ExportArgs) -> Result<(), Failure> {
    let kind = document(&args.document)?;
    let format = format(&args.format)?;
    let reference = args.case.trim().to_owned();
    if reference.is_empty() {
        return Err(Failure::config(
            "--case: give the case's reference, such as CSPR-2025-001",
        ));
    }
    if args.out.is_dir() {
        return Err(Failure::config(format!(
            "--out {} is a directory: give a file name",
            args.out.display()
        )));
    }
    let made = with_store(settings, Access::ReadOnly, false, async |store: &Store| {
        let now = OffsetDateTime::now_utc();
        let partnership = crate::partnership::served(store, "there is no case").await?;
        let app = partnership::app(store, settings, &partnership, false, now).await?;
        let summary = store
            .case_summaries(CaseScope::Partnership(partnership.id.as_uuid()))
            .await
            .map_err(|e| store_failure(e, "cannot list the partnership's cases"))?
            .into_iter()
            .find(|s| s.reference.eq_ignore_ascii_case(&reference))
            .ok_or_else(|| {
                Failure::config(format!(
                    "--case: no case has the reference '{}'",
                    reference.escape_debug()
                ))
            })?;
        store
            .log_access(NewAccessEntry {
                actor: "operator".to_owned(),
                action: AUDIT_ACTION.to_owned(),
                case_id: Some(summary.case_id),
                detail: format!(
                    "cspr export {} {} (command line)",
                    kind.slug(),
                    format.extension()
                ),
                source_ip: "local".to_owned(),
                at: now,
            })
            .await
            .map_err(|e| {
                store_failure(e, "cannot write the access log, so the case was not read")
            })?;
        let (case, _) =
            app.load(CaseId::from_uuid(summary.case_id))
                .await
                .map_err(|e| match e {
                    cspr_app::AppError::Store(e) => store_failure(e, "cannot read the case"),
                    other => Failure::new(
                        Kind::Failed,
                        anyhow::Error::new(other).context("cannot read the case"),
                    ),
                })?;
        if !kind.exists_for(&case) {
            return Err(Failure::config(format!(
                "--document: case {} has no {} yet (it is at the stage \u{201c}{}\u{201d})",
                summary.reference,
                kind.title().to_lowercase(),
                case.stage.label()
            )));
        }
        cspr_app::exports::produce(
            store,
            partnership.id.as_uuid(),
            &partnership.name,
            &case,
            kind,
            format,
            cspr_app::date_in_england(now),
        )
        .await
        .map_err(|e| {
            Failure::new(
                Kind::Failed,
                anyhow::Error::msg(e).context("the export failed"),
            )
        })
    })
    .await?;
    write_out(&args.out, &made.bytes)?;
    eprintln!(
        "{} written to {} ({} bytes)",
        kind.title(),
        args.out.display(),
        made.bytes.len()
    );
    Ok(())
}

fn write_out(out: &Path, bytes: &[u8]) -> Result<(), Failure> {
    fs::write(out, bytes)
        .map_err(|e| Failure::from_io(e, format!("cannot write {}", out.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_and_formats_are_named_plainly() {
        assert!(document("overview-report").is_ok());
        assert!(format("PDF").is_ok());
        assert!(document("minutes").is_err());
        assert!(format("odt").is_err());
    }
}
