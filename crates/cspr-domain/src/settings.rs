//! Partnership settings the domain needs: local timescales and the meeting calendar. Statutory
//! figures are defaults here with their source; local practice is configurable.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::calendar::Calendar;

/// The timescales and calendar a partnership works to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Working days the local authority has to notify the National Panel after becoming aware.
    /// Children Act 2004 s16C; WT2023 ch.5: 5 working days.
    pub notification_working_days: u32,
    /// Working days from notification to the rapid review report reaching the Panel.
    /// WT2023 ch.5 and Panel guidance 2025: 15 working days from the notification.
    pub rapid_review_working_days: u32,
    /// Local: the working day of the rapid review on which agency summaries are due.
    pub agency_summary_due_working_day: u32,
    /// Local: working days agencies have for other contributions (scoping forms, reports,
    /// chronologies, factual accuracy).
    pub contribution_working_days: u32,
    /// Local aim: calendar months from the decision to complete a local review (WT2023 ch.5
    /// says six months).
    pub local_review_months: u8,
    /// Working days between sending the final report to the Panel and the Secretary of State
    /// and publication. WT2023 ch.5: at least 7 working days.
    pub publication_notice_working_days: u32,
    /// Years a published report stays online. WT2023 ch.5: at least one year.
    pub online_years: u8,
    /// The dates of scheduled review subgroup meetings.
    pub subgroup_meetings: Vec<Date>,
    /// The learning themes cases, recommendations and actions are tagged with: data the
    /// partnership extends, not a fixed list. Starts from [`default_themes`].
    #[serde(default = "default_themes")]
    pub themes: Vec<String>,
    /// The forms agencies fill in, as data the partnership edits. Starts from the shipped
    /// [`crate::forms::default_forms`].
    #[serde(default = "crate::forms::default_forms")]
    pub forms: Vec<crate::forms::FormDefinition>,
}

/// The themes a partnership starts with: the National Panel's recent themes and the practice
/// themes that recur in reviews.
#[must_use]
pub fn default_themes() -> Vec<String> {
    [
        "adolescents and exploitation",
        "agency thresholds",
        "children not in school",
        "children's complex mental health",
        "disabled children and parenting capacity",
        "domestic abuse",
        "escalation",
        "Gypsy, Roma and Traveller communities",
        "information sharing",
        "leadership and culture for critical thinking",
        "neglect",
        "non-accidental injury to infants",
        "parental mental health",
        "parental substance misuse",
        "professional curiosity",
        "racial, ethnic and cultural identity",
        "risk assessment",
        "risks outside the family",
        "safe sleep",
        "think family",
        "voice of the child",
        "vulnerability of babies",
        "whole-family approach",
        "young carers",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            notification_working_days: 5,
            rapid_review_working_days: 15,
            agency_summary_due_working_day: 10,
            contribution_working_days: 20,
            local_review_months: 6,
            publication_notice_working_days: 7,
            online_years: 1,
            subgroup_meetings: Vec::new(),
            themes: default_themes(),
            forms: crate::forms::default_forms(),
        }
    }
}

impl Settings {
    /// The first scheduled subgroup meeting on or after `day` that falls on a working day (a
    /// meeting set on a day the partnership later closed does not take place).
    #[must_use]
    pub fn next_meeting_on_or_after(&self, day: Date, calendar: &Calendar) -> Option<Date> {
        self.subgroup_meetings
            .iter()
            .copied()
            .filter(|d| *d >= day && calendar.is_working_day(*d))
            .min()
    }
}
