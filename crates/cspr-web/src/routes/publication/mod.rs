//! Publication of the overview report: the anonymisation scan of its latest version (the
//! redaction engine, `cspr-redact`, run here; its findings go into the case as a command), the
//! review screen where the partnership team accepts, rejects or widens each finding, the check
//! of the redacted text for names the case records, the residual-risk report, then publication
//! (with the public copy stored for the public page) and withdrawal.
//!
//! The rules (docs/SECURITY.md, "Publication"):
//! - only the partnership team; anyone else who can see the case is refused, and the refusal is
//!   written to the access log; every page and action reads the case through the access log;
//! - nothing personal goes into a URL or a log line: findings are addressed by their number, the
//!   names left in the text are shown by role ("Mother"), on the page only;
//! - the domain decides: publication before 7 working days after sending, with findings not
//!   reviewed, or with a known name left, is refused with the domain's own words;
//! - the public copy (title, summary, themes, dates, the PDF without document metadata) is
//!   stored before the publication is recorded, and removed again when the case refuses it.
//!
//! One module per part: [`page`] (the publication page), [`scan`] (the scan, the check for
//! known names and the choice of pseudonyms), [`review`] (the review screen and its decisions)
//! and [`publish`] (publishing and taking down). This module holds what they share: the team
//! check and running a command.

pub mod page;
pub mod publish;
pub mod review;
pub mod scan;

use cspr_domain::case::{Case, Command, DomainError};

use cspr_app::policy::may_publish;

use crate::access::CaseAccess;
use crate::reader::Source;
use crate::{AppState, WebError};

/// The partnership team only; anyone else is refused, and the refusal is written to the log.
async fn team_only(state: &AppState, access: &CaseAccess, source: &Source) -> Result<(), WebError> {
    if may_publish(access.principal()) {
        return Ok(());
    }
    Err(crate::access::refuse(state, access, source, "publication of the report").await)
}

/// The case, read for `action` (audited), for the partnership team only (see [`team_only`]).
async fn team_case(
    state: &AppState,
    access: &CaseAccess,
    source: &Source,
    action: &str,
) -> Result<Case, WebError> {
    team_only(state, access, source).await?;
    let (case, _) = crate::reader::load_case(state, access, action, source).await?;
    Ok(case)
}

/// Runs a command on the case as read (a change meanwhile is a conflict, told in words).
/// `Ok(Err(message))` is a refusal to show on the page.
async fn run(
    state: &AppState,
    access: &CaseAccess,
    case: &Case,
    command: Command,
) -> Result<Result<(), (Option<&'static str>, String)>, WebError> {
    match state
        .app()
        .execute(
            access.case_id(),
            Some(case.version),
            command,
            state.actor_for(access.principal()),
        )
        .await
    {
        Ok(_) => Ok(Ok(())),
        Err(e) => Ok(Err(refusal(e)?)),
    }
}

/// The process's refusal as (field, message) for the page; anything else is the page's error.
fn refusal(e: cspr_app::AppError) -> Result<(Option<&'static str>, String), WebError> {
    match e {
        cspr_app::AppError::Domain(DomainError::Invalid { field, message }) => {
            Ok((Some(field), message))
        }
        cspr_app::AppError::Conflict { .. } => Ok((
            None,
            "Someone else changed this case while you were looking at it: look at the page again and try once more.".to_owned(),
        )),
        other => crate::refused(other).map(|m| (None, m)),
    }
}
