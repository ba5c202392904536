//! `cspr retention run`: the partnership's retention schedule, run now (the server runs it once
//! a day). Prints what was erased, or with `--dry-run` what would be, one line each: the kind of
//! record, the case's reference where there is one, and why under which rule. No personal data.

use cspr_app::retention::{Kind, RetentionReport};
use cspr_store::Store;
use time::OffsetDateTime;

use crate::{
    cli::RetentionRunArgs,
    config::{Access, Settings},
    exit::Failure,
    partnership,
    store::{store_failure, with_store},
};

pub async fn run(settings: &Settings, args: &RetentionRunArgs) -> Result<(), Failure> {
    let access = if args.dry_run {
        Access::ReadOnly
    } else {
        Access::ReadWrite
    };
    let report = with_store(settings, access, false, async |store: &Store| {
        let now = OffsetDateTime::now_utc();
        let partnership = partnership::served(store, "there is nothing to erase").await?;
        let app = partnership::app(store, settings, &partnership, false, now).await?;
        cspr_app::retention::run(
            &app,
            partnership.id.as_uuid(),
            now,
            args.dry_run,
            "cspr retention run",
        )
        .await
        .map_err(|e| match e {
            cspr_app::AppError::Store(e) => store_failure(e, "the retention run failed"),
            other => Failure::from(anyhow::Error::new(other).context("the retention run failed")),
        })
    })
    .await?;
    print!("{}", text(&report));
    Ok(())
}

/// The report as the command prints it.
fn text(report: &RetentionReport) -> String {
    let mut out = String::new();
    let verb = if report.dry_run {
        "Would erase"
    } else {
        "Erased"
    };
    if report.erased.is_empty() {
        out.push_str("Nothing has passed its retention period.\n");
    } else {
        out.push_str(&format!("{verb}:\n"));
        for e in &report.erased {
            let what = match (e.kind, &e.reference, e.case_id) {
                (Kind::Case, Some(reference), _) => format!("case {reference}"),
                (Kind::AccessLog, ..) => "access log".to_owned(),
                (kind, _, Some(case)) => format!("{} of case {case}", kind.key()),
                (kind, _, None) => kind.key().to_owned(),
            };
            out.push_str(&format!("  {what}: {}\n", e.why));
        }
    }
    if !report.held.is_empty() {
        out.push_str(&format!(
            "Kept by a legal hold though past its period: {}\n",
            report.held.join(", ")
        ));
    }
    if !report.unknown.is_empty() {
        out.push_str(&format!(
            "Closure day not known until the read models are rebuilt (a run without --dry-run does it): {}\n",
            report.unknown.join(", ")
        ));
    }
    if report.dry_run {
        out.push_str("Dry run: nothing was changed.\n");
    }
    out
}
