//! The overview report of a local review: the six sections regulation 16 and WT2023 require,
//! its recommendations, and the completeness rule that gates sign-off.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::ids::{AgencyId, RecommendationId};

/// The six required sections, in order (SI 2018/789 reg.16; WT2023 ch.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Section {
    /// (1) A brief overview of what happened, the key circumstances, background and context.
    Overview,
    /// (2) Analysis of systemic or underlying reasons why actions were taken or not.
    SystemicAnalysis,
    /// (3) Critique of how agencies worked together and any shortcomings.
    MultiAgencyCritique,
    /// (4) Whether the shortcomings are features of practice in general.
    GeneralPractice,
    /// (5) What would need to be done differently to prevent harm in similar circumstances.
    WhatShouldChange,
    /// (6) Recommendations to agencies, collectively and individually.
    Recommendations,
}

impl Section {
    /// All six, in report order.
    pub const ALL: [Self; 6] = [
        Self::Overview,
        Self::SystemicAnalysis,
        Self::MultiAgencyCritique,
        Self::GeneralPractice,
        Self::WhatShouldChange,
        Self::Recommendations,
    ];

    /// The section heading.
    #[must_use]
    pub const fn heading(self) -> &'static str {
        match self {
            Self::Overview => "What happened",
            Self::SystemicAnalysis => "Why things happened as they did",
            Self::MultiAgencyCritique => "How agencies worked together",
            Self::GeneralPractice => "Whether this reflects practice more widely",
            Self::WhatShouldChange => "What needs to be done differently",
            Self::Recommendations => "Recommendations",
        }
    }
}

/// A recommendation: who must act, what, by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    /// Id.
    pub id: RecommendationId,
    /// What must be done, focused on better outcomes for children.
    pub text: String,
    /// The agencies that must act (several for a collective recommendation).
    pub agencies: Vec<AgencyId>,
    /// By when.
    pub due_on: Option<Date>,
    /// Learning themes (from the partnership's taxonomy).
    #[serde(default)]
    pub themes: Vec<String>,
}

/// The overview report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverviewReport {
    /// Text of sections 1 to 5 (section 6 is the recommendations list, plus optional
    /// introductory text).
    pub sections: std::collections::BTreeMap<Section, String>,
    /// The recommendations.
    pub recommendations: Vec<Recommendation>,
}

/// Something that keeps a report from being signed off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gap {
    /// A section has no content.
    EmptySection(Section),
    /// A recommendation names no agency.
    RecommendationWithoutAgency(usize),
    /// A recommendation has no date.
    RecommendationWithoutDate(usize),
    /// A recommendation has no text.
    RecommendationWithoutText(usize),
}

impl std::fmt::Display for Gap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::EmptySection(Section::Recommendations) => {
                f.write_str("the report has no recommendations")
            }
            Self::EmptySection(s) => {
                write!(f, "the section \u{201c}{}\u{201d} is empty", s.heading())
            }
            Self::RecommendationWithoutAgency(i) => {
                write!(
                    f,
                    "recommendation {} does not say which agencies must act",
                    i + 1
                )
            }
            Self::RecommendationWithoutDate(i) => {
                write!(f, "recommendation {} does not say by when", i + 1)
            }
            Self::RecommendationWithoutText(i) => write!(f, "recommendation {} has no text", i + 1),
        }
    }
}

impl OverviewReport {
    /// The text of a section ("" when absent).
    #[must_use]
    pub fn section(&self, s: Section) -> &str {
        self.sections.get(&s).map_or("", String::as_str)
    }

    /// What is missing before sign-off; empty when the report is complete.
    #[must_use]
    pub fn gaps(&self) -> Vec<Gap> {
        let mut gaps: Vec<Gap> = Section::ALL[..5]
            .iter()
            .filter(|s| self.section(**s).trim().is_empty())
            .map(|s| Gap::EmptySection(*s))
            .collect();
        if self.recommendations.is_empty() {
            gaps.push(Gap::EmptySection(Section::Recommendations));
        }
        for (i, r) in self.recommendations.iter().enumerate() {
            if r.text.trim().is_empty() {
                gaps.push(Gap::RecommendationWithoutText(i));
            }
            if r.agencies.is_empty() {
                gaps.push(Gap::RecommendationWithoutAgency(i));
            }
            if r.due_on.is_none() {
                gaps.push(Gap::RecommendationWithoutDate(i));
            }
        }
        gaps
    }

    /// Whether the report can be signed off.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.gaps().is_empty()
    }
}
