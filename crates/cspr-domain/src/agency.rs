//! Agencies: the partner and relevant agencies that work with children and families. The list
//! of agencies is a partnership setting; cases refer to agencies by id.

use serde::{Deserialize, Serialize};

use crate::ids::AgencyId;

/// What sort of organisation an agency is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AgencyKind {
    /// A police force.
    Police,
    /// A health provider (hospital trust, community health, GP practice).
    HealthProvider,
    /// An integrated care board.
    IntegratedCareBoard,
    /// The local authority's children's social care.
    ChildrensSocialCare,
    /// Schools, colleges, early years and the education service.
    Education,
    /// The probation service.
    Probation,
    /// Any other relevant agency.
    Other,
}

impl AgencyKind {
    /// Every kind, for forms and tests.
    pub const ALL: [Self; 7] = [
        Self::Police,
        Self::HealthProvider,
        Self::IntegratedCareBoard,
        Self::ChildrensSocialCare,
        Self::Education,
        Self::Probation,
        Self::Other,
    ];

    /// The kind in plain words.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Police => "Police",
            Self::HealthProvider => "Health provider",
            Self::IntegratedCareBoard => "Integrated care board",
            Self::ChildrensSocialCare => "Children's social care",
            Self::Education => "Education",
            Self::Probation => "Probation",
            Self::Other => "Other agency",
        }
    }
}

/// An agency as the partnership knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    /// Its id.
    pub id: AgencyId,
    /// What sort of agency it is.
    pub kind: AgencyKind,
    /// Its name, as free text ("Northshire Police").
    pub name: String,
}

/// The three statutory safeguarding partners who sign off decisions and reports
/// (Children Act 2004 s16E; WT2023 ch.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SafeguardingPartner {
    /// The local authority.
    LocalAuthority,
    /// The chief officer of police.
    Police,
    /// The integrated care board.
    IntegratedCareBoard,
}

impl SafeguardingPartner {
    /// All three partners.
    pub const ALL: [Self; 3] = [
        Self::LocalAuthority,
        Self::Police,
        Self::IntegratedCareBoard,
    ];

    /// The partner in plain words.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::LocalAuthority => "the local authority",
            Self::Police => "the police",
            Self::IntegratedCareBoard => "the integrated care board",
        }
    }
}
