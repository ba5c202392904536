//! The case: commands, events, state and the rules between them.

mod acting;
mod awaits;
pub mod command;
pub mod decide;
pub mod error;
pub mod event;
pub mod holds;
pub mod model;
pub(crate) mod paths;
pub mod state;

pub use acting::within_agency;
pub use command::{Command, CommandKind};
pub use decide::{
    Ctx, decide, notifiable_because, permitted_stages, referral_opening_warning,
    unnotified_referral_warning,
};
pub use error::DomainError;
pub use event::Event;
pub use state::{Case, Stage, apply};
