//! The record indexed for one published review, its closed vocabularies and their validation.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Longest accepted id, in bytes.
pub const MAX_ID: usize = 200;
/// Longest accepted title, in bytes.
pub const MAX_TITLE: usize = 500;
/// Longest accepted partnership name, in bytes.
pub const MAX_PARTNERSHIP: usize = 300;
/// Longest accepted summary, in bytes.
pub const MAX_SUMMARY: usize = 20_000;
/// Longest accepted full text, in bytes (2 MiB: several hundred pages of plain text).
pub const MAX_TEXT: usize = 2 * 1024 * 1024;
/// Longest accepted URL, in bytes.
pub const MAX_URL: usize = 2_000;
/// Most themes or agencies on one record.
pub const MAX_LIST: usize = 50;
/// Longest accepted theme or agency, in bytes.
pub const MAX_LIST_ITEM: usize = 200;

/// One published case review as the library indexes it. Only public or anonymised text belongs
/// here: everything in a record can be shown to any reader of the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRecord {
    /// The library's own stable identifier, unique across the library.
    pub id: String,
    /// The published title.
    pub title: String,
    /// The safeguarding partnership that published the review.
    pub partnership: String,
    /// The date of publication (`YYYY-MM-DD` in JSON).
    pub published_on: time::Date,
    /// The kind of review.
    pub review_type: ReviewType,
    /// Themes, normalised to lower case with single spaces (see [`normalise_theme`]).
    pub themes: Vec<String>,
    /// The age of the child or children at the time of the incident.
    pub age_group: AgeGroup,
    /// Agencies involved, as published.
    pub agencies: Vec<String>,
    /// The published summary.
    pub summary: String,
    /// Where the report is published: an `http(s)` URL or a path on this service starting with `/`.
    pub url: String,
    /// The full text of the anonymised report, when the library holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// The kind of review, as the national panel's guidance names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewType {
    /// A local child safeguarding practice review (since 2018).
    LocalCspr,
    /// A serious case review (the form before 2018).
    SeriousCaseReview,
    /// The published learning summary of a rapid review.
    RapidReviewLearningSummary,
    /// A thematic review across several cases.
    Thematic,
}

impl ReviewType {
    /// Every review type, in display order.
    pub const ALL: [ReviewType; 4] = [
        ReviewType::LocalCspr,
        ReviewType::SeriousCaseReview,
        ReviewType::RapidReviewLearningSummary,
        ReviewType::Thematic,
    ];

    /// The machine name used in JSON and in the index (`local_cspr`, ...).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewType::LocalCspr => "local_cspr",
            ReviewType::SeriousCaseReview => "serious_case_review",
            ReviewType::RapidReviewLearningSummary => "rapid_review_learning_summary",
            ReviewType::Thematic => "thematic",
        }
    }

    /// The label shown to readers.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            ReviewType::LocalCspr => "Local child safeguarding practice review",
            ReviewType::SeriousCaseReview => "Serious case review",
            ReviewType::RapidReviewLearningSummary => "Rapid review learning summary",
            ReviewType::Thematic => "Thematic review",
        }
    }

    pub(crate) fn code(self) -> u64 {
        match self {
            ReviewType::LocalCspr => 0,
            ReviewType::SeriousCaseReview => 1,
            ReviewType::RapidReviewLearningSummary => 2,
            ReviewType::Thematic => 3,
        }
    }

    pub(crate) fn from_code(code: u64) -> Option<ReviewType> {
        ReviewType::ALL.into_iter().find(|t| t.code() == code)
    }
}

impl fmt::Display for ReviewType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A machine name that is not one of the closed vocabulary's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {value:?} (expected one of: {expected})")]
pub struct UnknownName {
    kind: &'static str,
    value: String,
    expected: String,
}

impl FromStr for ReviewType {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ReviewType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownName {
                kind: "review_type",
                value: truncate_for_message(s),
                expected: join_names(ReviewType::ALL.iter().map(|t| t.as_str())),
            })
    }
}

/// The age of the child at the time of the incident, in the bands the national panel reports
/// use. A closed enum rather than a free string so that facets and filters cannot drift apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AgeGroup {
    /// Before birth (`unborn`).
    #[serde(rename = "unborn")]
    Unborn,
    /// Under one year (`under_1`).
    #[serde(rename = "under_1")]
    Under1,
    /// One to four years (`1_to_4`).
    #[serde(rename = "1_to_4")]
    From1To4,
    /// Five to ten years (`5_to_10`).
    #[serde(rename = "5_to_10")]
    From5To10,
    /// Eleven to fifteen years (`11_to_15`).
    #[serde(rename = "11_to_15")]
    From11To15,
    /// Sixteen or seventeen years (`16_to_17`).
    #[serde(rename = "16_to_17")]
    From16To17,
    /// Several children of different ages, or a thematic review (`various`).
    #[serde(rename = "various")]
    Various,
}

impl AgeGroup {
    /// Every age group, youngest first.
    pub const ALL: [AgeGroup; 7] = [
        AgeGroup::Unborn,
        AgeGroup::Under1,
        AgeGroup::From1To4,
        AgeGroup::From5To10,
        AgeGroup::From11To15,
        AgeGroup::From16To17,
        AgeGroup::Various,
    ];

    /// The machine name used in JSON and in the index (`under_1`, ...).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            AgeGroup::Unborn => "unborn",
            AgeGroup::Under1 => "under_1",
            AgeGroup::From1To4 => "1_to_4",
            AgeGroup::From5To10 => "5_to_10",
            AgeGroup::From11To15 => "11_to_15",
            AgeGroup::From16To17 => "16_to_17",
            AgeGroup::Various => "various",
        }
    }

    /// The label shown to readers.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            AgeGroup::Unborn => "Unborn",
            AgeGroup::Under1 => "Under 1 year",
            AgeGroup::From1To4 => "1 to 4 years",
            AgeGroup::From5To10 => "5 to 10 years",
            AgeGroup::From11To15 => "11 to 15 years",
            AgeGroup::From16To17 => "16 to 17 years",
            AgeGroup::Various => "Various ages",
        }
    }

    pub(crate) fn code(self) -> u64 {
        match self {
            AgeGroup::Unborn => 0,
            AgeGroup::Under1 => 1,
            AgeGroup::From1To4 => 2,
            AgeGroup::From5To10 => 3,
            AgeGroup::From11To15 => 4,
            AgeGroup::From16To17 => 5,
            AgeGroup::Various => 6,
        }
    }

    pub(crate) fn from_code(code: u64) -> Option<AgeGroup> {
        AgeGroup::ALL.into_iter().find(|a| a.code() == code)
    }
}

impl fmt::Display for AgeGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AgeGroup {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AgeGroup::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| UnknownName {
                kind: "age_group",
                value: truncate_for_message(s),
                expected: join_names(AgeGroup::ALL.iter().map(|a| a.as_str())),
            })
    }
}

fn join_names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

/// At most 60 characters of a bad value, for an error message.
pub(crate) fn truncate_for_message(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// A theme as the library keeps it: trimmed, lower case, inner white space collapsed to one
/// space, so that "Domestic  Abuse" and "domestic abuse" are one facet.
#[must_use]
pub fn normalise_theme(theme: &str) -> String {
    theme
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

impl ReviewRecord {
    /// Checks the record against the import rules and normalises its themes; returns the
    /// reason for the first rule broken.
    ///
    /// # Errors
    /// A message naming the field and what is wrong with it.
    pub fn validated(mut self) -> Result<ReviewRecord, String> {
        self.id = self.id.trim().to_owned();
        check_text("id", &self.id, MAX_ID, true)?;
        if self.id.chars().any(char::is_whitespace) {
            return Err("id: must not contain white space".to_owned());
        }
        check_text("title", &self.title, MAX_TITLE, true)?;
        check_text("partnership", &self.partnership, MAX_PARTNERSHIP, false)?;
        check_text("summary", &self.summary, MAX_SUMMARY, true)?;
        check_url(&self.url)?;
        if let Some(text) = &self.text
            && text.len() > MAX_TEXT
        {
            return Err(format!("text: longer than {MAX_TEXT} bytes"));
        }
        self.themes = check_list("themes", &self.themes)?
            .iter()
            .map(|t| normalise_theme(t))
            .collect();
        // Keep the first of any repeated theme, so counts are per review.
        let mut seen = std::collections::BTreeSet::new();
        self.themes.retain(|t| seen.insert(t.clone()));
        self.agencies = check_list("agencies", &self.agencies)?
            .iter()
            .map(|a| a.trim().to_owned())
            .collect();
        Ok(self)
    }
}

fn check_text(field: &str, value: &str, max: usize, required: bool) -> Result<(), String> {
    if required && value.trim().is_empty() {
        return Err(format!("{field}: must not be empty"));
    }
    if value.len() > max {
        return Err(format!("{field}: longer than {max} bytes"));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(format!("{field}: contains control characters"));
    }
    Ok(())
}

fn check_list<'a>(field: &str, items: &'a [String]) -> Result<&'a [String], String> {
    if items.len() > MAX_LIST {
        return Err(format!("{field}: more than {MAX_LIST} entries"));
    }
    for item in items {
        if item.trim().is_empty() {
            return Err(format!("{field}: an entry is empty"));
        }
        if item.len() > MAX_LIST_ITEM {
            return Err(format!(
                "{field}: an entry is longer than {MAX_LIST_ITEM} bytes"
            ));
        }
        if item.chars().any(char::is_control) {
            return Err(format!("{field}: an entry contains control characters"));
        }
    }
    Ok(items)
}

fn check_url(url: &str) -> Result<(), String> {
    if url.len() > MAX_URL {
        return Err(format!("url: longer than {MAX_URL} bytes"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("url: must not contain white space".to_owned());
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.starts_with('/') => Ok(()),
        Some(_) => Err("url: has no host".to_owned()),
        // A path on this service; "//host" would be another site, so it is refused.
        None if url.starts_with('/') && !url.starts_with("//") => Ok(()),
        None => Err("url: must start with http://, https:// or a single /".to_owned()),
    }
}
