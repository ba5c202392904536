//! The review subgroup's meetings: a case on the agenda is scoped (when it is at scoping) and
//! decided in one user action, so a refused decision leaves no scoping meeting recorded.

use cspr_domain::case::Command;
use cspr_domain::case::model::{LocalReviewCriteria, ReviewOutcome};
use cspr_domain::ids::CaseId;
use cspr_domain::vocab::NonEmptyText;
use time::Date;

use crate::{Actor, App, AppError};

/// What the subgroup decided about one case at a meeting.
#[derive(Debug, Clone)]
pub struct MeetingOutcome {
    /// The meeting's day.
    pub held_on: Date,
    /// How learning will be identified and shared (for a case being scoped).
    pub scoping_notes: Option<NonEmptyText>,
    /// The decision.
    pub outcome: ReviewOutcome,
    /// Its reasons.
    pub reasons: NonEmptyText,
}

/// The commands a meeting's outcome records on a case: the scoping meeting when there are
/// scoping notes (a case being scoped), then the decision.
#[must_use]
pub fn commands(outcome: &MeetingOutcome) -> Vec<Command> {
    let mut commands = Vec::new();
    if let Some(notes) = &outcome.scoping_notes {
        commands.push(Command::HoldScopingMeeting {
            held_on: outcome.held_on,
            notes: notes.clone(),
        });
    }
    commands.push(Command::DecideOnLocalReview {
        criteria: LocalReviewCriteria::default(),
        outcome: outcome.outcome.clone(),
        reasons: outcome.reasons.clone(),
        decided_on: outcome.held_on,
    });
    commands
}

/// Records a meeting's outcome for a case, all of it or nothing.
///
/// # Errors
/// The case's refusal of either step ([`AppError::Domain`]), a change since the user saw
/// `expected_version` ([`AppError::Conflict`]), store failures. Nothing is written on any.
pub async fn record_outcome(
    app: &App,
    case_id: CaseId,
    expected_version: u64,
    outcome: &MeetingOutcome,
    actor: Actor,
) -> Result<u64, AppError> {
    app.transact(case_id, Some(expected_version), actor, |unit| {
        for command in commands(outcome) {
            unit.run(command)?;
        }
        Ok(())
    })
    .await
    .map(|((), version)| version)
}
