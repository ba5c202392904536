//! Domain errors: why a command was refused, in words a review chair can read. They never wrap
//! storage or web errors.

use super::state::Stage;

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The command does not belong to the case's current stage.
    #[error("You cannot {action} while the case is at the \u{201c}{stage_label}\u{201d} stage.", stage_label = .stage.label())]
    WrongStage {
        /// What was attempted, in words ("hold the rapid review meeting").
        action: &'static str,
        /// Where the case stands.
        stage: Stage,
    },
    /// A precondition of the process is not met.
    #[error("{0}")]
    Rule(String),
    /// Something in the command is not acceptable.
    #[error("{message}")]
    Invalid {
        /// The field at fault, for forms to place the message.
        field: &'static str,
        /// The message.
        message: String,
    },
}

impl DomainError {
    /// A process rule that is not met.
    pub fn rule(message: impl Into<String>) -> Self {
        Self::Rule(message.into())
    }

    /// A field that is not acceptable.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }
}
