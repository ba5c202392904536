//! Identifiers of the things a case refers to. Ids are made at the edge (the web layer or the
//! store) and arrive in commands, so the domain stays deterministic.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// Wraps an existing uuid.
            #[must_use]
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            /// A fresh random id (for the edges that mint ids).
            #[must_use]
            pub fn random() -> Self {
                Self(Uuid::new_v4())
            }

            /// The inner uuid.
            #[must_use]
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// A case: one serious incident or referral and everything that follows from it.
    CaseId,
    /// A safeguarding children partnership (the tenant).
    PartnershipId,
    /// A person with an account.
    UserId,
    /// A partner or relevant agency.
    AgencyId,
    /// A person recorded on a case (child, carer, relative, practitioner).
    PersonId,
    /// A recommendation of an overview report.
    RecommendationId,
    /// An action of the action plan or an immediate safety action.
    ActionId,
    /// A parallel process (police investigation, inquest, ...).
    ProcessId,
    /// A practitioner learning event.
    LearningEventId,
    /// A practitioner's link: one form of one case, for one practitioner (the store's link id).
    LinkId,
);
