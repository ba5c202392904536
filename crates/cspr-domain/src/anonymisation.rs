//! The anonymisation review of the overview report before publication. The application scans
//! the signed-off report with the redaction engine and brings its findings here in a command;
//! the partnership team accepts, rejects or widens each one; the redacted text is scanned again
//! and any known name left in it keeps the report from publication (SECURITY.md, Data protection:
//! only anonymised text that passed the review is published).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::case::DomainError;
use crate::report::{OverviewReport, Section};

/// A piece of the overview report that is scanned on its own: a section's text or a
/// recommendation's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportPart {
    /// The text of a section.
    Section(Section),
    /// The text of a recommendation, by its place in the list (0 for the first).
    Recommendation(u32),
}

impl ReportPart {
    /// Every part of a report that has text, in report order.
    #[must_use]
    pub fn all(report: &OverviewReport) -> Vec<Self> {
        let mut parts: Vec<Self> = Section::ALL
            .iter()
            .filter(|s| !report.section(**s).is_empty())
            .map(|s| Self::Section(*s))
            .collect();
        parts.extend(
            (0..report.recommendations.len())
                .filter_map(|i| u32::try_from(i).ok())
                .map(Self::Recommendation),
        );
        parts
    }

    /// The part's text in the report, when the report has this part.
    #[must_use]
    pub fn text(self, report: &OverviewReport) -> Option<&str> {
        match self {
            Self::Section(s) => report.sections.get(&s).map(String::as_str),
            Self::Recommendation(i) => usize::try_from(i)
                .ok()
                .and_then(|i| report.recommendations.get(i))
                .map(|r| r.text.as_str()),
        }
    }

    /// Where it is, in words: "What happened", "Recommendation 2".
    #[must_use]
    pub fn label(self) -> String {
        match self {
            Self::Section(s) => s.heading().to_owned(),
            Self::Recommendation(i) => format!("Recommendation {}", u64::from(i) + 1),
        }
    }

    /// A short stable key for forms and anchors ("overview", "recommendation-2").
    #[must_use]
    pub fn key(self) -> String {
        match self {
            Self::Section(s) => serde_json::to_value(s)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            Self::Recommendation(i) => format!("recommendation-{}", u64::from(i) + 1),
        }
    }
}

/// One thing the redaction engine found in the report: where, what and why. Offsets count
/// characters (Unicode code points) of the part's text, end exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanFinding {
    /// Which part of the report.
    pub part: ReportPart,
    /// First character.
    pub start: u32,
    /// One past the last character.
    pub end: u32,
    /// What it is ("PERSON", "ADDRESS", "DATE_OF_BIRTH").
    pub label: String,
    /// Why the engine found it ("case_knowledge", "title", "pattern").
    pub reason: String,
    /// The engine's confidence, in percent.
    pub confidence: u8,
    /// Whether it is a person (or their date of birth) the case records.
    pub known_person: bool,
    /// What the redacted text says instead ("Child A", "a neighbour", "[address]").
    pub replacement: String,
}

/// What the partnership team decided about a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "kebab-case")]
pub enum FindingDecision {
    /// Replace it as the engine proposes.
    Accept,
    /// Leave the text as it is: it identifies no one.
    Reject,
    /// Replace a larger span that contains the finding (character offsets of the same part).
    Widen {
        /// First character.
        start: u32,
        /// One past the last character.
        end: u32,
    },
}

/// What the partnership team decided about a detail, or a combination of details, that could
/// identify the family once put together (the jigsaw check of the redacted text, issue 19).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "kebab-case")]
pub enum JigsawDecision {
    /// Keep the combination as it is: it does not identify the family (the risk's key).
    AcceptRisk,
    /// Replace a detail, wherever the redacted report has it, with more general words (the
    /// detail's key), such as "a toddler" for "aged 2 years 3 months".
    Generalise {
        /// The words that replace it.
        to: String,
    },
}

/// Most characters of a jigsaw key or of the words that generalise a detail.
pub const MAX_JIGSAW_TEXT: usize = 200;

/// A name of a person the case records that is still in the redacted text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemainingName {
    /// Which part of the report.
    pub part: ReportPart,
    /// First character, in the redacted text of the part.
    pub start: u32,
    /// One past the last character.
    pub end: u32,
    /// Whose name it is, by role or pseudonym ("Mother", "Child A"): never the name itself.
    pub who: String,
}

/// The scan again of the redacted text, after the review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnonymisationCheck {
    /// When.
    pub checked_on: Date,
    /// How many decisions had been recorded when the check was made: a later decision makes
    /// the check stale.
    pub after_reviews: u32,
    /// Names of known people still in the text; empty when the text is clear.
    pub remaining: Vec<RemainingName>,
}

/// The anonymisation review of one version of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnonymisationReview {
    /// The report version scanned.
    pub version: u32,
    /// When.
    pub scanned_on: Date,
    /// What the engine found.
    pub findings: Vec<ScanFinding>,
    /// The team's decision on each finding, by its index in `findings`.
    pub decisions: BTreeMap<u32, FindingDecision>,
    /// Decisions recorded so far (a changed decision counts again).
    pub reviews: u32,
    /// The last scan of the redacted text.
    pub check: Option<AnonymisationCheck>,
    /// A pseudonym changed after the scan: its replacements are out of date.
    #[serde(default)]
    pub stale: bool,
    /// Combinations of details the team kept, by the jigsaw risk's key.
    #[serde(default)]
    pub accepted_risks: std::collections::BTreeSet<String>,
    /// Details generalised in the redacted report: the detail's key and the words put instead.
    #[serde(default)]
    pub generalised: BTreeMap<String, String>,
}

impl AnonymisationReview {
    /// A review of a fresh scan.
    #[must_use]
    pub fn new(version: u32, scanned_on: Date, findings: Vec<ScanFinding>) -> Self {
        Self {
            version,
            scanned_on,
            findings,
            decisions: BTreeMap::new(),
            reviews: 0,
            check: None,
            stale: false,
            accepted_risks: std::collections::BTreeSet::new(),
            generalised: BTreeMap::new(),
        }
    }

    /// Findings with no decision yet.
    #[must_use]
    pub fn unreviewed(&self) -> usize {
        self.findings.len().saturating_sub(
            self.decisions
                .keys()
                .filter(|k| usize::try_from(**k).is_ok_and(|k| k < self.findings.len()))
                .count(),
        )
    }

    /// The spans to replace after the review, each with the finding it comes from: accepted
    /// findings as found, widened ones at their wider span; rejected and unreviewed ones are
    /// left out.
    #[must_use]
    pub fn replaced_spans(&self) -> Vec<(ReportPart, u32, u32, &ScanFinding)> {
        self.findings
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                let i = u32::try_from(i).ok()?;
                match self.decisions.get(&i)? {
                    FindingDecision::Accept => Some((f.part, f.start, f.end, f)),
                    FindingDecision::Reject => None,
                    FindingDecision::Widen { start, end } => Some((f.part, *start, *end, f)),
                }
            })
            .collect()
    }

    /// Whether the last check was made after the last decision and found nothing.
    #[must_use]
    pub fn checked_clear(&self) -> bool {
        self.check
            .as_ref()
            .is_some_and(|c| c.after_reviews == self.reviews && c.remaining.is_empty())
    }

    /// What keeps the report of `latest_version` from publication, in words; `None` when it
    /// passed the review.
    #[must_use]
    pub fn blocker(&self, latest_version: u32) -> Option<String> {
        if self.stale {
            return Some(
                "A pseudonym changed after the anonymisation scan: scan the report again and review the findings."
                    .to_owned(),
            );
        }
        if self.version != latest_version {
            return Some(format!(
                "The report changed after its anonymisation scan (version {} was scanned, the report is at version {latest_version}): scan it again and review the findings.",
                self.version
            ));
        }
        let open = self.unreviewed();
        if open > 0 {
            return Some(format!(
                "{} of the anonymisation review {} not reviewed yet: accept, reject or widen each one before publication.",
                crate::words::plural(
                    i64::try_from(open).unwrap_or(i64::MAX),
                    "finding",
                    "findings"
                ),
                if open == 1 { "is" } else { "are" }
            ));
        }
        match &self.check {
            None => Some(
                "Check the redacted text for names before publication: the review is not finished."
                    .to_owned(),
            ),
            Some(c) if c.after_reviews != self.reviews => Some(
                "A decision changed after the redacted text was checked: check it again before publication."
                    .to_owned(),
            ),
            Some(c) if !c.remaining.is_empty() => Some(format!(
                "The redacted text still names {}: widen or accept the findings that cover them, or scan again, before publication.",
                join(&c.remaining.iter().map(|r| r.who.as_str()).collect::<Vec<_>>())
            )),
            Some(_) => None,
        }
    }
}

/// "a", "a and b", "a, b and c", each once.
fn join(items: &[&str]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for i in items {
        if !seen.contains(i) {
            seen.push(i);
        }
    }
    match seen.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn chars(text: &str) -> u32 {
    u32::try_from(text.chars().count()).unwrap_or(u32::MAX)
}

/// Checks the findings of a scan against the report they were made on.
///
/// # Errors
/// A finding outside its part, or in a part the report does not have.
pub fn check_findings(
    report: &OverviewReport,
    findings: &[ScanFinding],
) -> Result<(), DomainError> {
    for (i, f) in findings.iter().enumerate() {
        let Some(text) = f.part.text(report) else {
            return Err(DomainError::invalid(
                "findings",
                format!("Finding {} is in a part the report does not have.", i + 1),
            ));
        };
        if f.start >= f.end || f.end > chars(text) {
            return Err(DomainError::invalid(
                "findings",
                format!(
                    "Finding {} is outside the text of {}.",
                    i + 1,
                    f.part.label()
                ),
            ));
        }
    }
    Ok(())
}

/// Checks a decision on finding `index` of the review of `report`.
///
/// # Errors
/// No such finding, or a wider span that does not contain the finding, is no wider, or runs
/// past the end of its part.
pub fn check_decision(
    review: &AnonymisationReview,
    report: &OverviewReport,
    index: u32,
    decision: FindingDecision,
) -> Result<(), DomainError> {
    let Some(f) = usize::try_from(index)
        .ok()
        .and_then(|i| review.findings.get(i))
    else {
        return Err(DomainError::invalid(
            "finding",
            "There is no such finding in the anonymisation review.",
        ));
    };
    if let FindingDecision::Widen { start, end } = decision {
        let len = f.part.text(report).map_or(0, chars);
        if start > f.start || end < f.end || (start == f.start && end == f.end) {
            return Err(DomainError::invalid(
                "span",
                "Choose a span that contains the whole finding and is longer than it.",
            ));
        }
        if end > len {
            return Err(DomainError::invalid(
                "span",
                format!("The span runs past the end of {}.", f.part.label()),
            ));
        }
    }
    Ok(())
}

/// Checks the names a check says are left, against the report parts they point into.
///
/// # Errors
/// An empty span or one in a part the report does not have.
pub fn check_remaining(
    report: &OverviewReport,
    remaining: &[RemainingName],
) -> Result<(), DomainError> {
    for r in remaining {
        if r.part.text(report).is_none() || r.start >= r.end || r.who.trim().is_empty() {
            return Err(DomainError::invalid(
                "remaining",
                "A name left in the redacted text must say where it is and whose it is.",
            ));
        }
    }
    Ok(())
}

/// Checks a pseudonym the family chose for `person`: a child or carer the case records, a
/// pseudonym of at most 60 characters that shares no word with the person's own names and is
/// not already another person's.
///
/// # Errors
/// An unknown person, an empty or long pseudonym, one made from the person's names, or one
/// already taken.
pub fn check_pseudonym(
    case: &crate::case::Case,
    person: crate::ids::PersonId,
    pseudonym: &str,
) -> Result<String, DomainError> {
    let names: Option<Vec<&str>> = case
        .children
        .iter()
        .find(|c| c.person_id == person)
        .map(|c| {
            std::iter::once(c.name.as_str())
                .chain(c.aliases.iter().map(crate::vocab::PersonName::as_str))
                .collect()
        })
        .or_else(|| {
            case.referral.as_ref().and_then(|r| {
                r.carers.iter().find(|c| c.person_id == person).map(|c| {
                    std::iter::once(c.name.as_str())
                        .chain(c.aliases.iter().map(crate::vocab::PersonName::as_str))
                        .collect()
                })
            })
        });
    let Some(names) = names else {
        return Err(DomainError::invalid(
            "person",
            "Choose a child or an adult the case records.",
        ));
    };
    let chosen = pseudonym.split_whitespace().collect::<Vec<_>>().join(" ");
    if chosen.is_empty() || chosen.chars().count() > 60 {
        return Err(DomainError::invalid(
            "pseudonym",
            "Enter a pseudonym of 60 characters or fewer.",
        ));
    }
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let own: Vec<String> = names.iter().flat_map(|n| words(n)).collect();
    if words(&chosen).iter().any(|w| own.contains(w)) {
        return Err(DomainError::invalid(
            "pseudonym",
            "A pseudonym must not use any part of the person's own name.",
        ));
    }
    if case
        .pseudonyms
        .iter()
        .any(|(p, n)| *p != person && n.eq_ignore_ascii_case(&chosen))
    {
        return Err(DomainError::invalid(
            "pseudonym",
            "Another person already has this pseudonym.",
        ));
    }
    Ok(chosen)
}
