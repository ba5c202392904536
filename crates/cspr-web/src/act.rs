//! Running one command from a form: as the person the case capability belongs to, with the
//! case's refusal (or a change made meanwhile) handed back as the message for the form.

use cspr_domain::case::Command;

use crate::access::CaseAccess;
use crate::{AppState, WebError};

/// Runs `command` on the case `access` opens. `expected` is the version the form showed
/// (`None`: whatever is current, a concurrent change retried). `Ok(Err(message))` when the case
/// refuses it or changed since the form was shown (`on_conflict` words it, where given).
///
/// # Errors
/// Store and other failures that are not a message for the form.
pub async fn run(
    state: &AppState,
    access: &CaseAccess,
    expected: Option<u64>,
    command: Command,
    on_conflict: Option<&str>,
) -> Result<Result<(), String>, WebError> {
    let actor = state.actor_for(access.principal());
    match state
        .app()
        .execute(access.case_id(), expected, command, actor)
        .await
    {
        Ok(_) => Ok(Ok(())),
        Err(e) => match on_conflict {
            Some(words) => crate::refused_or(e, words).map(Err),
            None => crate::refused(e).map(Err),
        },
    }
}
