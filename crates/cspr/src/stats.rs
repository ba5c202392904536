//! `cspr stats`: the partnership's yearly figures for a period (issue 9), as CSV or JSON, for
//! the yearly report. The same figures as the web page's, from every case of the partnership;
//! each case read is written to the access log, as a read on the web is.

use std::{fs, path::Path};

use cspr_domain::{
    actions::ActionRules,
    case::Case,
    figures::{Period, YearlyFigures},
};
use cspr_store::{CaseScope, NewAccessEntry, Store};
use time::OffsetDateTime;

use crate::{
    cli::StatsArgs,
    config::{Access, Settings},
    dates,
    exit::{Failure, Kind},
    partnership::{self, Partnership},
    store::{store_failure, with_store},
};

/// What the access log records for each case read.
const AUDIT_ACTION: &str = "view-yearly-figures";

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Json,
}

impl Format {
    fn parse(text: &str) -> Result<Self, Failure> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "json" => Ok(Self::Json),
            _ => Err(Failure::config(format!(
                "--format: '{}' is not a format: use csv or json",
                text.escape_debug()
            ))),
        }
    }
}

/// Reads the arguments before anything is opened, so a mistake changes nothing.
fn period(args: &StatsArgs) -> Result<Period, Failure> {
    let from = dates::parse(&args.from).map_err(|e| Failure::config(format!("--from: {e}")))?;
    let to = dates::parse(&args.to).map_err(|e| Failure::config(format!("--to: {e}")))?;
    Period::new(from, to).map_err(|_| {
        Failure::config(format!(
            "--to {} is before --from {}: the period must end on or after the day it starts",
            dates::iso(to),
            dates::iso(from)
        ))
    })
}

pub async fn run(settings: &Settings, args: &StatsArgs) -> Result<(), Failure> {
    let period = period(args)?;
    let format = Format::parse(&args.format)?;
    if let Some(out) = &args.out
        && out.is_dir()
    {
        return Err(Failure::config(format!(
            "--out {} is a directory: give a file name",
            out.display()
        )));
    }
    let figures = with_store(settings, Access::ReadOnly, false, async |store: &Store| {
        let now = OffsetDateTime::now_utc();
        let partnership = crate::partnership::served(store, "there are no figures").await?;
        let app = partnership::app(store, settings, &partnership, false, now).await?;
        let cases = load_cases(store, &app, &partnership, now).await?;
        Ok(YearlyFigures::compute(
            &cases,
            period,
            app.calendar(),
            app.settings(),
            &ActionRules::default(),
        ))
    })
    .await?;
    let text = match format {
        Format::Csv => to_csv(&figures),
        Format::Json => {
            let mut json = serde_json::to_string_pretty(&figures).map_err(|e| {
                Failure::from(anyhow::Error::new(e).context("cannot write the figures as JSON"))
            })?;
            json.push('\n');
            json
        }
    };
    match &args.out {
        Some(out) => write_out(out, &text),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// Every case of the partnership, each read written to the access log first (a read whose log
/// entry cannot be written is not made).
async fn load_cases(
    store: &Store,
    app: &cspr_app::App,
    partnership: &Partnership,
    now: OffsetDateTime,
) -> Result<Vec<Case>, Failure> {
    let summaries = store
        .case_summaries(CaseScope::Partnership(partnership.id.as_uuid()))
        .await
        .map_err(|e| store_failure(e, "cannot list the partnership's cases"))?;
    let mut cases = Vec::with_capacity(summaries.len());
    for summary in summaries {
        store
            .log_access(NewAccessEntry {
                actor: "operator".to_owned(),
                action: AUDIT_ACTION.to_owned(),
                case_id: Some(summary.case_id),
                detail: "cspr stats (command line)".to_owned(),
                source_ip: "local".to_owned(),
                at: now,
            })
            .await
            .map_err(|e| store_failure(e, "cannot write the access log, so no case was read"))?;
        let (case, _) = app
            .load(cspr_domain::ids::CaseId::from_uuid(summary.case_id))
            .await
            .map_err(|e| match e {
                cspr_app::AppError::Store(e) => store_failure(e, "cannot read a case"),
                other => Failure::new(
                    Kind::Failed,
                    anyhow::Error::new(other)
                        .context(format!("cannot read case {}", summary.reference)),
                ),
            })?;
        cases.push(case);
    }
    Ok(cases)
}

/// "Figure,Value" then one row a figure, RFC 4180 quoting, CRLF line ends.
fn to_csv(figures: &YearlyFigures) -> String {
    let mut out = String::from("Figure,Value\r\n");
    for (figure, value) in figures.to_csv_rows() {
        out.push_str(&cspr_export::csv::record(&[figure, value]));
    }
    out
}

/// Writes the whole output at once, after everything was worked out.
fn write_out(out: &Path, text: &str) -> Result<(), Failure> {
    fs::write(out, text)
        .map_err(|e| Failure::from_io(e, format!("cannot write {}", out.display())))?;
    eprintln!("figures written to {}", out.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(from: &str, to: &str) -> StatsArgs {
        StatsArgs {
            from: from.to_owned(),
            to: to.to_owned(),
            format: "csv".to_owned(),
            out: None,
        }
    }

    #[test]
    fn a_period_ends_on_or_after_its_start() {
        assert!(period(&args("2025-04-01", "2025-04-01")).is_ok());
        let error = period(&args("2025-04-01", "2025-03-31")).unwrap_err();
        assert_eq!(error.kind(), Kind::Config);
        assert!(
            error.line().contains("before --from 2025-04-01"),
            "{}",
            error.line()
        );
        let error = period(&args("2025-02-30", "2025-03-31")).unwrap_err();
        assert!(
            error.line().starts_with("error: --from: "),
            "{}",
            error.line()
        );
    }

    #[test]
    fn formats_are_csv_or_json() {
        assert_eq!(Format::parse("CSV").unwrap(), Format::Csv);
        assert_eq!(Format::parse("json").unwrap(), Format::Json);
        assert_eq!(Format::parse("xml").unwrap_err().kind(), Kind::Config);
    }
}
