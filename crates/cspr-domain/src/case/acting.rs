//! Acting for one agency. An agency representative speaks for their own agency only: a
//! contribution received, waived, reopened or drafted, an action's progress, evidence or
//! completion, are for the agency they name (issue 16, finding 1: a representative once
//! recorded other agencies' factual-accuracy responses, wiping their drafts). The policy asks
//! this before a form is shown or sent; the case asks it again when it decides.

use super::{Case, Command};
use crate::ids::AgencyId;

impl Command {
    /// The agencies this command acts for: the ones it names, and for a command about an action
    /// of the case, that action's agency. Empty for commands that act for the partnership as a
    /// whole (opening a case, a meeting, a decision).
    #[must_use]
    pub fn agencies_acted_for(&self, case: &Case) -> Vec<AgencyId> {
        let of_action = |id| case.actions.get(id).map(|a| a.action.agency);
        match self {
            Self::ApproveReferral { agency, .. }
            | Self::ReceiveContribution { agency, .. }
            | Self::WaiveContribution { agency, .. }
            | Self::SaveContributionDraft { agency, .. }
            | Self::SubmitPractitionerAnswers { agency, .. }
            | Self::AcceptPractitionerAnswers { agency, .. }
            | Self::DeclinePractitionerAnswers { agency, .. }
            | Self::ReopenContribution { agency, .. } => vec![*agency],
            Self::RequestContributions { agencies, .. }
            | Self::ChangeContributionDue { agencies, .. } => agencies.clone(),
            Self::AgreeAction { action } => vec![action.agency],
            Self::RecordActionProgress { action_id, .. }
            | Self::AttachActionEvidence { action_id, .. }
            | Self::CompleteAction { action_id, .. } => of_action(action_id).into_iter().collect(),
            Self::GrantMembership { agency, .. } => agency.iter().copied().collect(),
            _ => Vec::new(),
        }
    }
}

/// Whether someone who acts for `agency` alone may give `command` on `case`: it acts for no
/// other agency.
#[must_use]
pub fn within_agency(agency: AgencyId, case: &Case, command: &Command) -> bool {
    command
        .agencies_acted_for(case)
        .iter()
        .all(|named| *named == agency)
}
