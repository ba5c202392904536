//! Opening cases and giving commands on them: the reference a new case gets, and the one way
//! the API gives a case command ([`give`], [`open`]) under the same policy as the pages.

use cspr_domain::case::{Command, CommandKind};
use cspr_domain::ids::CaseId;
use cspr_store::{CaseScope, Store, StoreError};
use uuid::Uuid;

use crate::Services;
use crate::policy::{self, CaseAccess, Principal};

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

/// Why a command was not given: the access policy's refusals, before the case is asked, or
/// the case's own answer.
#[derive(Debug, thiserror::Error)]
pub enum GiveError {
    /// The person's role may not give this kind of command, or not for the agency it names.
    #[error("You may not give this command on this case.")]
    NotAllowed,
    /// The kind has a workflow of its own (publishing goes through the anonymisation review).
    #[error("This command is given through its own workflow, not on its own.")]
    OwnWorkflow,
    /// A command that opens a case, given on one that exists (or the other way round).
    #[error("This command does not open a case; only a serious incident or a referral does.")]
    NotOpening,
    /// The case opened for another partnership than the person's.
    #[error("A case can be opened only for your own partnership.")]
    OtherPartnership,
    /// The case refused it, changed meanwhile, or the store failed.
    #[error(transparent)]
    App(#[from] crate::AppError),
}

/// Kinds the partnership team may give that are given only through a workflow of their own:
/// publishing and taking a report down keep the public copy and follow the anonymisation
/// review (`publication`).
pub const OWN_WORKFLOW: &[CommandKind] = &[CommandKind::Publish, CommandKind::Unpublish];

/// Whether a command opens a case (a serious incident, or a referral with the case's details).
#[must_use]
pub const fn opens_case(command: &Command) -> bool {
    matches!(
        command,
        Command::RecordSeriousIncident { .. }
            | Command::ReceiveReferral {
                opening: Some(_),
                ..
            }
    )
}

/// Gives one command on a case the person may read, under the same policy as the case's forms
/// (`policy::may_run`, `policy::may_give`): the API's way to run every command the pages can.
/// `expected` is the version the caller saw (`None`: whatever is current). Returns the case's
/// new version.
///
/// # Errors
/// [`GiveError`].
pub async fn give(
    services: &Services,
    access: &CaseAccess,
    expected: Option<u64>,
    command: Command,
) -> Result<u64, GiveError> {
    let p = access.principal();
    let kind = CommandKind::from(&command);
    if opens_case(&command) {
        return Err(GiveError::NotOpening);
    }
    if !policy::may_run(p.role, kind) {
        return Err(GiveError::NotAllowed);
    }
    if OWN_WORKFLOW.contains(&kind) {
        return Err(GiveError::OwnWorkflow);
    }
    let app = services.app();
    let (case, _) = app.load_shared(access.case_id()).await?;
    if !policy::may_give(p, &case, &command) {
        return Err(GiveError::NotAllowed);
    }
    Ok(app
        .execute(access.case_id(), expected, command, services.actor_for(p))
        .await?)
}

/// Opens a case with its first command, for someone whose role opens cases
/// (`policy::pages::OPEN_CASES`). Returns the new case's id and version.
///
/// # Errors
/// [`GiveError`].
pub async fn open(
    services: &Services,
    p: &Principal,
    command: Command,
) -> Result<(CaseId, u64), GiveError> {
    if !policy::pages::OPEN_CASES.contains(&p.role) {
        return Err(GiveError::NotAllowed);
    }
    let partnership = match &command {
        Command::RecordSeriousIncident { partnership_id, .. } => *partnership_id,
        Command::ReceiveReferral {
            opening: Some(opening),
            ..
        } => opening.partnership_id,
        _ => return Err(GiveError::NotOpening),
    };
    if partnership != p.partnership_id {
        return Err(GiveError::OtherPartnership);
    }
    let case_id = CaseId::from_uuid(Uuid::now_v7());
    let version = services
        .app()
        .execute(case_id, Some(0), command, services.actor_for(p))
        .await?;
    Ok((case_id, version))
}

/// A deadline's label as people read it: a deadline of one agency ("agency-summary:<id>")
/// names the agency the domain knows only by its id.
#[must_use]
pub fn deadline_label(
    d: &cspr_domain::deadlines::Deadline,
    agencies: &[cspr_store::AgencyRow],
) -> String {
    d.key
        .split_once(':')
        .and_then(|(_, id)| Uuid::parse_str(id).ok())
        .and_then(|id| agencies.iter().find(|a| a.id == id))
        .map_or_else(
            || d.label.clone(),
            |a| d.label.replace("an agency", &a.name),
        )
}
