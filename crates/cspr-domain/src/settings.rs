//! Partnership settings the domain needs: local timescales and the meeting calendar. Statutory
//! figures are defaults here with their source; local practice is configurable.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::calendar::Calendar;
use crate::case::DomainError;

/// Working days the local authority has to notify the National Panel (Children Act 2004 s16C;
/// WT2023 ch.5). Set by law: not a partnership's choice.
pub const NOTIFICATION_WORKING_DAYS: u32 = 5;
/// Working days from the notification to the rapid review reaching the Panel (WT2023 ch.5;
/// Panel guidance 2025). Set by law: not a partnership's choice.
pub const RAPID_REVIEW_WORKING_DAYS: u32 = 15;
/// The fewest working days between sending the final report to the Panel and the Secretary of
/// State and publishing it (WT2023 ch.5). A floor: a partnership may give more notice.
pub const MIN_PUBLICATION_NOTICE_WORKING_DAYS: u32 = 7;
/// The fewest years a published report stays online (WT2023 ch.5). A floor.
pub const MIN_ONLINE_YEARS: u8 = 1;

/// The timescales and calendar a partnership works to. Reading them (serde) refuses statutory
/// figures the law does not allow ([`Settings::check`]); the domain also counts with the
/// statutory floors whatever a value built in code holds ([`Settings::publication_notice_days`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "UncheckedSettings")]
pub struct Settings {
    /// Working days the local authority has to notify the National Panel after becoming aware.
    /// Children Act 2004 s16C; WT2023 ch.5: 5 working days, set by law
    /// ([`NOTIFICATION_WORKING_DAYS`]; any other value is refused by [`Settings::check`]).
    pub notification_working_days: u32,
    /// Working days from notification to the rapid review report reaching the Panel.
    /// WT2023 ch.5 and Panel guidance 2025: 15 working days from the notification, set by law
    /// ([`RAPID_REVIEW_WORKING_DAYS`]).
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
    /// and publication. WT2023 ch.5: at least 7 working days, a floor
    /// ([`MIN_PUBLICATION_NOTICE_WORKING_DAYS`]); a partnership may give more.
    pub publication_notice_working_days: u32,
    /// Years a published report stays online. WT2023 ch.5: at least one year, a floor
    /// ([`MIN_ONLINE_YEARS`]).
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
    /// How long each kind of record is kept (the partnership's retention schedule).
    #[serde(default)]
    pub retention: crate::retention::Retention,
    /// Local: the partnership team, chairs and administrators sign in with a passkey only (a
    /// phishing-resistant sign-in, issue 16); off until the partnership turns it on.
    #[serde(default)]
    pub require_passkeys: bool,
}

/// [`Settings`] as read, before [`Settings::check`].
#[derive(Deserialize)]
struct UncheckedSettings {
    notification_working_days: u32,
    rapid_review_working_days: u32,
    agency_summary_due_working_day: u32,
    contribution_working_days: u32,
    local_review_months: u8,
    publication_notice_working_days: u32,
    online_years: u8,
    subgroup_meetings: Vec<Date>,
    #[serde(default = "default_themes")]
    themes: Vec<String>,
    #[serde(default = "crate::forms::default_forms")]
    forms: Vec<crate::forms::FormDefinition>,
    #[serde(default)]
    retention: crate::retention::Retention,
    #[serde(default)]
    require_passkeys: bool,
}

impl TryFrom<UncheckedSettings> for Settings {
    type Error = DomainError;

    fn try_from(u: UncheckedSettings) -> Result<Self, DomainError> {
        let settings = Self {
            notification_working_days: u.notification_working_days,
            rapid_review_working_days: u.rapid_review_working_days,
            agency_summary_due_working_day: u.agency_summary_due_working_day,
            contribution_working_days: u.contribution_working_days,
            local_review_months: u.local_review_months,
            publication_notice_working_days: u.publication_notice_working_days,
            online_years: u.online_years,
            subgroup_meetings: u.subgroup_meetings,
            themes: u.themes,
            forms: u.forms,
            retention: u.retention,
            require_passkeys: u.require_passkeys,
        };
        settings.check()?;
        Ok(settings)
    }
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
            notification_working_days: NOTIFICATION_WORKING_DAYS,
            rapid_review_working_days: RAPID_REVIEW_WORKING_DAYS,
            agency_summary_due_working_day: 10,
            contribution_working_days: 20,
            local_review_months: 6,
            publication_notice_working_days: MIN_PUBLICATION_NOTICE_WORKING_DAYS,
            online_years: MIN_ONLINE_YEARS,
            subgroup_meetings: Vec::new(),
            themes: default_themes(),
            forms: crate::forms::default_forms(),
            retention: crate::retention::Retention::default(),
            require_passkeys: false,
        }
    }
}

impl Settings {
    /// Refuses statutory figures the law does not allow: a notice before publication under
    /// [`MIN_PUBLICATION_NOTICE_WORKING_DAYS`], fewer than [`MIN_ONLINE_YEARS`] online, or a
    /// notification or rapid review period other than the statute's
    /// ([`NOTIFICATION_WORKING_DAYS`], [`RAPID_REVIEW_WORKING_DAYS`]). Minimums are floors: a
    /// partnership may lengthen them, never shorten them (PROCESS.md, "Counting and dates").
    ///
    /// Also refuses a retention period out of its range ([`crate::retention::Retention::check`]).
    ///
    /// # Errors
    /// [`DomainError::Invalid`] on the first field at fault, citing the rule.
    pub fn check(&self) -> Result<(), DomainError> {
        self.retention.check()?;
        if self.notification_working_days != NOTIFICATION_WORKING_DAYS {
            return Err(DomainError::invalid(
                "notification_working_days",
                format!(
                    "The local authority notifies the National Panel within {NOTIFICATION_WORKING_DAYS} working days of becoming aware (Children Act 2004 s16C; Working Together 2023 ch.5): the period is set by law."
                ),
            ));
        }
        if self.rapid_review_working_days != RAPID_REVIEW_WORKING_DAYS {
            return Err(DomainError::invalid(
                "rapid_review_working_days",
                format!(
                    "The rapid review goes to the National Panel within {RAPID_REVIEW_WORKING_DAYS} working days of the notification (Working Together 2023 ch.5): the period is set by law."
                ),
            ));
        }
        if self.publication_notice_working_days < MIN_PUBLICATION_NOTICE_WORKING_DAYS {
            return Err(DomainError::invalid(
                "publication_notice_working_days",
                format!(
                    "The final report goes to the National Panel and the Secretary of State at least {MIN_PUBLICATION_NOTICE_WORKING_DAYS} working days before publication (Working Together 2023 ch.5): choose {MIN_PUBLICATION_NOTICE_WORKING_DAYS} or more."
                ),
            ));
        }
        if self.online_years < MIN_ONLINE_YEARS {
            return Err(DomainError::invalid(
                "online_years",
                format!(
                    "A published report stays online for at least {MIN_ONLINE_YEARS} year (Working Together 2023 ch.5): choose {MIN_ONLINE_YEARS} or more."
                ),
            ));
        }
        Ok(())
    }

    /// Working days' notice before publication: the setting, never under the statutory floor.
    #[must_use]
    pub fn publication_notice_days(&self) -> u32 {
        self.publication_notice_working_days
            .max(MIN_PUBLICATION_NOTICE_WORKING_DAYS)
    }

    /// Years a published report stays online: the setting, never under the statutory floor.
    #[must_use]
    pub fn years_online(&self) -> u8 {
        self.online_years.max(MIN_ONLINE_YEARS)
    }

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
