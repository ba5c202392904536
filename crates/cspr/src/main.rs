//! `cspr`: the one binary. It reads the settings, wires the store, the application services and
//! the web layer together, and runs one subcommand. Every failure ends as one line on stderr and an
//! exit code from [`exit::Kind`].

mod admin;
mod api;
mod calendar;
mod cli;
mod config;
mod crash_writer;
mod dates;
mod demo;
mod exit;
mod export;
mod library;
mod maintenance;
mod partnership;
mod progress;
mod redact;
mod retention;
mod serve;
mod stats;
mod store;

use std::{io::IsTerminal, process::ExitCode};

use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::{
    cli::{Cli, Command},
    config::Settings,
    exit::Failure,
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{}", failure.line());
            failure.exit_code()
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    // Redaction works on files alone: no settings, no runtime.
    if let Command::Redact(args) = &cli.command {
        return redact::run(args);
    }
    // The calendar needs no settings beyond closure days, and no runtime.
    let settings = Settings::load(cli.config.as_deref())?;
    init_logging(&settings, matches!(cli.command, Command::Serve(_)));
    if let Command::Calendar(command) = cli.command {
        return calendar::run(&settings, &command);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::from(anyhow::Error::new(e).context("cannot start the runtime")))?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => serve::run(settings, args, cli.config.as_deref()).await,
            Command::Migrate => maintenance::migrate(&settings).await,
            Command::Demo(args) => maintenance::demo(&settings, cli.config.as_deref(), &args).await,
            Command::DemoCode { email } => maintenance::demo_code(&settings, &email).await,
            Command::Verify(args) => maintenance::verify(&settings, &args).await,
            Command::RotateMasterKey(args) => {
                maintenance::rotate_master_key(&settings, &args).await
            }
            Command::Backup(args) => maintenance::backup(&settings, &args).await,
            Command::Restore(args) => maintenance::restore(&settings, &args).await,
            Command::ExportCanonical { file } => {
                maintenance::export_canonical(&settings, &file).await
            }
            Command::CrashWriter(args) => crash_writer::run(&settings, &args).await,
            Command::Stats(args) => stats::run(&settings, &args).await,
            Command::Export(args) => export::run(&settings, &args).await,
            Command::Library(command) => library::run(&settings, command).await,
            Command::Admin(command) => admin::run(&settings, command).await,
            Command::ApiToken(command) => api::token(&settings, command).await,
            Command::ApiClient(command) => api::client(&settings, command).await,
            Command::Retention(cli::RetentionCommand::Run(args)) => {
                retention::run(&settings, &args).await
            }
            Command::Calendar(_) | Command::Redact(_) => Ok(()),
        }
    })
}

/// Logs go to stderr as text; the filter comes from the `log` setting (`CSPR_LOG`).
/// Nothing personal is ever logged: the fields logged are ids, counts, routes and timings.
fn init_logging(settings: &Settings, serving: bool) {
    let filter =
        EnvFilter::try_new(settings.log_filter(serving)).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    // JSON lines for a log collector: each line carries its request's span (request id,
    // method, route), never personal data.
    let _ = if settings.log_json {
        builder.json().with_current_span(true).try_init()
    } else {
        builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init()
    };
}
