//! Legal holds: a case kept from erasure, whatever its retention period, while litigation, an
//! inquest or a later review needs it (UK GDPR Art 17(3)(e): erasure does not apply to data
//! needed for legal claims). Placed and lifted by the partnership team, each with a reason.

use serde::{Deserialize, Serialize};
use time::Date;

use super::command::Command;
use super::error::DomainError;
use super::event::Event;
use super::state::Case;
use crate::vocab::NonEmptyText;
use crate::words::long_date;

/// A case's legal hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalHold {
    /// Why the case is held.
    pub reason: NonEmptyText,
    /// Since when.
    pub placed_on: Date,
}

/// Decides a legal-hold command (the stage is already checked).
pub(crate) fn decide(
    case: &Case,
    command: Command,
    today: Date,
) -> Result<Vec<Event>, DomainError> {
    match (command, &case.legal_hold) {
        (Command::PlaceLegalHold { .. }, Some(hold)) => Err(DomainError::rule(format!(
            "The case is already under a legal hold, placed on {}: lift it before placing another.",
            long_date(hold.placed_on)
        ))),
        (Command::PlaceLegalHold { reason }, None) => Ok(vec![Event::LegalHoldPlaced {
            reason,
            placed_on: today,
        }]),
        (Command::LiftLegalHold { .. }, None) => {
            Err(DomainError::rule("The case has no legal hold to lift."))
        }
        (Command::LiftLegalHold { reason }, Some(_)) => Ok(vec![Event::LegalHoldLifted {
            reason,
            lifted_on: today,
        }]),
        (other, _) => Err(DomainError::rule(format!(
            "{} is not decided here.",
            super::CommandKind::from(&other).name()
        ))),
    }
}

/// Applies a legal-hold event.
pub(crate) fn apply(case: &mut Case, event: &Event) {
    match event {
        Event::LegalHoldPlaced { reason, placed_on } => {
            case.legal_hold = Some(LegalHold {
                reason: reason.clone(),
                placed_on: *placed_on,
            });
        }
        Event::LegalHoldLifted { .. } => case.legal_hold = None,
        _ => {}
    }
}

/// A legal-hold event for the case's timeline: its date and a sentence.
pub(crate) fn describe(event: &Event) -> (Option<Date>, String) {
    match event {
        Event::LegalHoldPlaced { reason, placed_on } => (
            Some(*placed_on),
            format!(
                "A legal hold was placed on the case, so it is not erased: {}",
                crate::timeline::excerpt(reason.as_str())
            ),
        ),
        Event::LegalHoldLifted { reason, lifted_on } => (
            Some(*lifted_on),
            format!(
                "The legal hold was lifted: {}",
                crate::timeline::excerpt(reason.as_str())
            ),
        ),
        _ => (None, String::new()),
    }
}
