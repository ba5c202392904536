//! `cspr library`: import published review records (JSON Lines), search the library, list the
//! reviews most like one, rebuild the index. The same application services as the web's
//! `/library` (`cspr_app::library`): records go to the database, the index under the data
//! directory follows. While `cspr serve` holds that index, a search here builds its own copy in
//! memory from the database, and an import is picked up by the server within minutes.

use std::path::Path;
use std::sync::Arc;

use cspr_app::library::{self, Hit, Query, ReviewType};
use cspr_app::{Services, SystemClock};
use cspr_store::Store;
use time::OffsetDateTime;

use crate::cli::{LibraryCommand, LibrarySearchArgs};
use crate::config::{Access, Settings};
use crate::exit::{Failure, Kind};
use crate::partnership;
use crate::store::with_store;

/// Most reviews one search or similar lists.
const MAX_LIMIT: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Text,
}

fn format(text: &str) -> Result<Format, Failure> {
    match text.trim().to_ascii_lowercase().as_str() {
        "json" => Ok(Format::Json),
        "text" => Ok(Format::Text),
        _ => Err(Failure::config(format!(
            "--format: '{}' is not a format: use json or text",
            text.escape_debug()
        ))),
    }
}

fn limit(text: &str) -> Result<usize, Failure> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        _ => Err(Failure::config(format!(
            "--limit: '{}' is not a number from 1 to {MAX_LIMIT}",
            text.escape_debug()
        ))),
    }
}

fn year(flag: &str, text: Option<&str>) -> Result<Option<i32>, Failure> {
    let Some(text) = text else {
        return Ok(None);
    };
    match text.trim().parse::<i32>() {
        Ok(y) if text.trim().len() == 4 => Ok(Some(y)),
        _ => Err(Failure::config(format!(
            "{flag}: '{}' is not a year of 4 figures, like 2021",
            text.escape_debug()
        ))),
    }
}

/// The search the arguments ask for, checked before anything is opened.
fn query(args: &LibrarySearchArgs) -> Result<(Query, Format), Failure> {
    let review_types = match &args.review_type {
        None => Vec::new(),
        Some(t) => vec![
            t.parse::<ReviewType>()
                .map_err(|e| Failure::config(format!("--review-type: {e}")))?,
        ],
    };
    let from_year = year("--from", args.from.as_deref())?;
    let to_year = year("--to", args.to.as_deref())?;
    if let (Some(f), Some(t)) = (from_year, to_year)
        && f > t
    {
        return Err(Failure::config(format!(
            "--to {t} is before --from {f}: the years must run forwards"
        )));
    }
    Ok((
        Query {
            text: args.query.clone(),
            themes: args.theme.clone(),
            review_types,
            age_groups: Vec::new(),
            from_year,
            to_year,
            offset: 0,
            limit: limit(&args.limit)?,
        },
        format(&args.format)?,
    ))
}

fn app_failure(e: cspr_app::AppError, doing: &str) -> Failure {
    match e {
        cspr_app::AppError::Store(e) => crate::store::store_failure(e, doing),
        other => Failure::new(
            Kind::Failed,
            anyhow::Error::new(other).context(doing.to_owned()),
        ),
    }
}

/// The partnership's services over `store`, with the library's index under the data
/// directory, or in memory when `in_memory` (the server holds the one on disk).
async fn services(
    store: &Store,
    settings: &Settings,
    in_memory: bool,
) -> Result<Services, Failure> {
    let now = OffsetDateTime::now_utc();
    let partnership = partnership::served(store, "there is no library").await?;
    let app = partnership::app(store, settings, &partnership, false, now).await?;
    let dir = (!in_memory).then(|| settings.data_dir.join("index"));
    Ok(
        Services::new(app, partnership.id, partnership.name, Arc::new(SystemClock))
            .with_library_dir(dir),
    )
}

/// Services whose index is open: the one on disk, or (while a server holds it) a copy built
/// in memory from the database.
async fn open(store: &Store, settings: &Settings) -> Result<Services, Failure> {
    let on_disk = services(store, settings, false).await?;
    match library::indexes(&on_disk).await {
        Ok(_) => Ok(on_disk),
        Err(e) => {
            tracing::debug!(error = %e, "the index on disk is in use: searching a copy in memory");
            let copy = services(store, settings, true).await?;
            library::indexes(&copy)
                .await
                .map_err(|e| app_failure(e, "cannot build the library's index"))?;
            Ok(copy)
        }
    }
}

pub async fn run(settings: &Settings, command: LibraryCommand) -> Result<(), Failure> {
    match command {
        LibraryCommand::Import { file } => import(settings, &file).await,
        LibraryCommand::Search(args) => {
            let (q, format) = query(&args)?;
            let results = with_store(settings, Access::ReadOnly, false, async |store: &Store| {
                let services = open(store, settings).await?;
                library::search(&services, &q, false)
                    .await
                    .map_err(|e| app_failure(e, "cannot search the library"))
            })
            .await?;
            match format {
                Format::Json => println!("{}", results.to_cli_json()),
                Format::Text => {
                    println!(
                        "{} review{} found",
                        results.total,
                        if results.total == 1 { "" } else { "s" }
                    );
                    print_hits(&results.hits);
                }
            }
            Ok(())
        }
        LibraryCommand::Similar {
            id,
            limit: n,
            format: f,
        } => {
            let (n, format) = (limit(&n)?, format(&f)?);
            let hits = with_store(settings, Access::ReadOnly, false, async |store: &Store| {
                let services = open(store, settings).await?;
                if library::record(&services, &id)
                    .await
                    .map_err(|e| app_failure(e, "cannot read the library"))?
                    .is_none()
                {
                    return Err(Failure::config(format!(
                        "there is no review '{}' in the library",
                        id.escape_debug()
                    )));
                }
                library::similar(&services, &id, n)
                    .await
                    .map_err(|e| app_failure(e, "cannot search the library"))
            })
            .await?;
            match format {
                Format::Json => println!("{}", cspr_search::hits_to_cli_json(&hits)),
                Format::Text => print_hits(&hits),
            }
            Ok(())
        }
        LibraryCommand::Rebuild => {
            let (library, public) =
                with_store(settings, Access::ReadOnly, false, async |store: &Store| {
                    let services = services(store, settings, false).await?;
                    library::rebuild(&services).await.map_err(|e| {
                        app_failure(e, "cannot rebuild the library's index (is `cspr serve` running? it rebuilds its own)")
                    })
                })
                .await?;
            eprintln!(
                "the library's index holds {library} reviews ({public} of the partnership's own on the public page)"
            );
            Ok(())
        }
    }
}

fn print_hits(hits: &[Hit]) {
    for h in hits {
        println!(
            "{}  {}  {}  ({}, {})",
            h.id,
            h.published_on,
            h.title,
            h.partnership,
            h.review_type.label()
        );
        if !h.snippet.text.is_empty() {
            println!("    {}", h.snippet.text.replace('\n', " "));
        }
    }
}

async fn import(settings: &Settings, file: &Path) -> Result<(), Failure> {
    // The whole file is read and checked before the database is opened: a bad line imports
    // nothing.
    let handle = std::fs::File::open(file)
        .map_err(|e| Failure::from_io(e, format!("cannot read {}", file.display())))?;
    let records = match library::parse_jsonl(std::io::BufReader::new(handle)) {
        Ok(records) => records,
        Err(lines) => {
            for l in &lines {
                eprintln!("{}: line {}: {}", file.display(), l.line, l.reason);
            }
            return Err(Failure::config(format!(
                "{} has {} bad line{}: nothing was imported",
                file.display(),
                lines.len(),
                if lines.len() == 1 { "" } else { "s" }
            )));
        }
    };
    if records.is_empty() {
        return Err(Failure::config(format!(
            "{} holds no review records: nothing was imported",
            file.display()
        )));
    }
    let total = records.len();
    let bar = crate::progress::Progress::new(total, "indexing {bar:40} {pos}/{len} reviews", true);
    let shown = bar.updater();
    let outcome = with_store(settings, Access::ReadWrite, true, async |store: &Store| {
        let services = services(store, settings, false).await?;
        library::import(&services, records, shown)
            .await
            .map_err(|e| app_failure(e, "cannot import the reviews"))
    })
    .await?;
    bar.finish();
    eprintln!(
        "imported {total} reviews: {} new, {} replaced{}",
        outcome.new,
        outcome.replaced,
        if outcome.indexed {
            ""
        } else {
            " (the running server's index takes them within 5 minutes)"
        }
    );
    Ok(())
}
