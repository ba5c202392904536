//! The partnership's figures for a period, for its yearly report: notifications, rapid reviews
//! and their timeliness, decisions, local reviews, publication, actions and learning themes.
//! Computed from replayed cases and the calendar only; each figure's rule is on its field.
//!
//! A date "in the period" is on or after `from` and on or before `to`. Deadlines are the ones
//! [`crate::deadlines`] derives, so the figures and the case pages never disagree.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::actions::{self, ActionRules, ActionStatus};
use crate::calendar::Calendar;
use crate::case::model::{LateDeadline, ReviewOutcome};
use crate::case::{Case, DomainError};
use crate::deadlines::{Deadline, deadlines, is_missed};
use crate::settings::Settings;
use crate::words::{add_months, long_date};

/// A period of the calendar, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// The first day.
    pub from: Date,
    /// The last day.
    pub to: Date,
}

impl Period {
    /// A period from `from` to `to`, both included.
    ///
    /// # Errors
    /// When `to` is before `from`.
    pub fn new(from: Date, to: Date) -> Result<Self, DomainError> {
        if to < from {
            return Err(DomainError::invalid(
                "to",
                format!(
                    "The end of the period ({}) must be on or after its start ({}).",
                    long_date(to),
                    long_date(from)
                ),
            ));
        }
        Ok(Self { from, to })
    }

    /// Whether `d` falls in the period.
    #[must_use]
    pub fn contains(self, d: Date) -> bool {
        self.from <= d && d <= self.to
    }

    fn holds(self, d: Option<Date>) -> bool {
        d.is_some_and(|d| self.contains(d))
    }

    /// The reporting year (1 April to 31 March, as partnerships report) that `day` falls in.
    #[must_use]
    pub fn reporting_year(day: Date) -> Self {
        let end_year = if day.month() >= time::Month::April {
            day.year() + 1
        } else {
            day.year()
        };
        let from = Date::from_calendar_date(end_year - 1, time::Month::April, 1).unwrap_or(day);
        let to = Date::from_calendar_date(end_year, time::Month::March, 31).unwrap_or(day);
        Self { from, to }
    }

    /// The `n` reporting years up to and including the one `day` falls in, oldest first.
    #[must_use]
    pub fn reporting_years_to(day: Date, n: usize) -> Vec<Self> {
        let mut years = Vec::with_capacity(n);
        let mut year = Self::reporting_year(day);
        for _ in 0..n {
            years.push(year);
            year = Self::reporting_year(year.from.previous_day().unwrap_or(year.from));
        }
        years.reverse();
        years
    }

    /// "2025 to 2026" for a reporting year; the two dates otherwise.
    #[must_use]
    pub fn words(self) -> String {
        if self == Self::reporting_year(self.from) {
            format!("{} to {}", self.from.year(), self.to.year())
        } else {
            format!("{} to {}", long_date(self.from), long_date(self.to))
        }
    }
}

/// How many of how many, with the percentage to one decimal place (half up); no percentage
/// when there is nothing to count.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Share {
    /// How many met the measure.
    pub count: u32,
    /// Of how many.
    pub of: u32,
    /// `count / of` as a percentage to one decimal place, or `None` when `of` is 0.
    pub percent: Option<f64>,
}

impl Share {
    /// `count` of `of`.
    #[must_use]
    pub fn new(count: u32, of: u32) -> Self {
        let percent = (of > 0).then(|| {
            let tenths = (u64::from(count) * 1000 + u64::from(of) / 2) / u64::from(of);
            f64::from(u32::try_from(tenths).unwrap_or(u32::MAX)) / 10.0
        });
        Self { count, of, percent }
    }

    fn percent_text(&self) -> String {
        self.percent.map_or_else(String::new, |p| format!("{p:.1}"))
    }
}

/// Decisions on a local review made in the period, by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionFigures {
    /// Every decision dated in the period.
    pub total: u32,
    /// To hold a local child safeguarding practice review.
    pub local_review: u32,
    /// Another form of learning.
    pub other_learning: u32,
    /// No further action.
    pub no_further_action: u32,
}

/// The actions of the cases as they stood at the end of the period, by derived status
/// ([`crate::actions::status`] with `today` = the period's last day).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionFigures {
    /// Every action of the cases.
    pub total: u32,
    /// Not completed at the end of the period (not started, on track, at risk or overdue).
    pub open: u32,
    /// Open and not started.
    pub not_started: u32,
    /// Open and on track.
    pub on_track: u32,
    /// Open and at risk.
    pub at_risk: u32,
    /// Open and past the due date.
    pub overdue: u32,
    /// Completed by the end of the period (with or without evidence of impact).
    pub completed: u32,
    /// Completed with evidence of impact.
    pub impact_evidenced: u32,
}

/// One learning theme and how many cases raised it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeCount {
    /// The theme, trimmed and in lower case.
    pub theme: String,
    /// Cases whose rapid review in the period recorded it.
    pub cases: u32,
}

/// One missed deadline's reason, with its case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateReason {
    /// The case's reference (never a name), or its place in the list when it has none.
    pub case: String,
    /// Why the deadline was missed, as recorded.
    pub reason: String,
}

/// The deadlines of one kind due in the period and missed, with their reasons (issue 15;
/// PROCESS.md stage 14: the delay and its reason are recorded, not hidden).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatenessFigures {
    /// Which deadline.
    pub deadline: LateDeadline,
    /// Deadlines of this kind due in the period and missed as at its end: met after the due
    /// date, or not met by the end of the period.
    pub late: u32,
    /// Of those, the ones with a reason recorded.
    pub explained: u32,
    /// The reasons, by case, in the order of the cases given.
    pub reasons: Vec<LateReason>,
}

/// The partnership's figures for one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearlyFigures {
    /// The period.
    pub period: Period,
    /// Serious incidents notified to the National Panel in the period (by notification date).
    pub notifications: u32,
    /// Rapid review meetings held in the period.
    pub rapid_review_meetings_held: u32,
    /// Rapid reviews sent to the National Panel in the period.
    pub rapid_reviews_submitted: u32,
    /// Working days of the rapid review timescale (15 by default, from the settings).
    pub rapid_review_working_days: u32,
    /// Of the rapid reviews sent in the period, those sent within the rapid review timescale
    /// (15 working days of the notification by default; the "rapid-review" deadline).
    pub rapid_reviews_on_time: Share,
    /// Rapid reviews not sent by the end of the period whose deadline had passed by then.
    pub rapid_reviews_overdue_at_end: u32,
    /// Referrals triaged to no further action in the period, or found not to meet the criteria
    /// for a rapid review (closed before any decision on a local review, so not among
    /// `decisions`).
    pub closed_at_triage: u32,
    /// Decisions on a local review dated in the period, by outcome.
    pub decisions: DecisionFigures,
    /// Local reviews commissioned in the period (commissioning completed).
    pub local_reviews_started: u32,
    /// Local reviews completed in the period: final report sent to the National Panel and the
    /// Secretary of State in the period.
    pub local_reviews_completed: u32,
    /// Median calendar days from the decision to sending the report, over the local reviews
    /// completed in the period (the mean of the middle two when their number is even).
    pub median_days_to_complete: Option<f64>,
    /// Months of the local aim (six by default, from the settings).
    pub local_review_months: u8,
    /// Of the local reviews completed in the period, those whose report was sent on or before
    /// the decision date plus `local_review_months` calendar months ([`add_months`]), with no
    /// allowance for parallel processes.
    pub completed_within_months: Share,
    /// Of the local reviews completed in the period, those that met the "local-review"
    /// deadline: the same months, extended by recorded clock stops and moved off non-working
    /// days.
    pub completed_within_extended_timescale: Share,
    /// Reports published in the period.
    pub reports_published: u32,
    /// The actions at the end of the period.
    pub actions: ActionFigures,
    /// Per deadline (notification, rapid review, local review): how many due in the period were
    /// missed, how many of those have a reason, and the reasons.
    pub lateness: Vec<LatenessFigures>,
    /// Learning themes of the rapid reviews held in the period (by meeting date, or by the date
    /// sent when no meeting is recorded), each counted once per case; most frequent first,
    /// then alphabetical.
    pub themes: Vec<ThemeCount>,
}

impl YearlyFigures {
    /// The figures of `cases` for `period`. Cases are as replayed; actions have no recorded
    /// date of agreement, so every action of the cases counts, with progress and completion
    /// after the period's end ignored.
    #[must_use]
    pub fn compute(
        cases: &[Case],
        period: Period,
        calendar: &Calendar,
        settings: &Settings,
        rules: &ActionRules,
    ) -> Self {
        let mut f = Self {
            period,
            notifications: 0,
            rapid_review_meetings_held: 0,
            rapid_reviews_submitted: 0,
            rapid_review_working_days: crate::settings::RAPID_REVIEW_WORKING_DAYS,
            rapid_reviews_on_time: Share::new(0, 0),
            rapid_reviews_overdue_at_end: 0,
            closed_at_triage: 0,
            decisions: DecisionFigures::default(),
            local_reviews_started: 0,
            local_reviews_completed: 0,
            median_days_to_complete: None,
            local_review_months: settings.local_review_months,
            completed_within_months: Share::new(0, 0),
            completed_within_extended_timescale: Share::new(0, 0),
            reports_published: 0,
            actions: ActionFigures::default(),
            lateness: LateDeadline::ALL
                .into_iter()
                .map(|deadline| LatenessFigures {
                    deadline,
                    late: 0,
                    explained: 0,
                    reasons: Vec::new(),
                })
                .collect(),
            themes: Vec::new(),
        };
        let (mut rr_on_time, mut lr_months, mut lr_extended) = (0, 0, 0);
        let mut durations: Vec<i64> = Vec::new();
        let mut themes: BTreeMap<String, u32> = BTreeMap::new();
        let to = period.to;

        for (i, case) in cases.iter().enumerate() {
            let ds = deadlines(case, calendar, settings, to);
            let find = |key: &str| ds.iter().find(|d| d.key == key);
            for l in &mut f.lateness {
                if let Some(d) = find(l.deadline.key())
                    && period.contains(d.due)
                    && is_missed(d, to)
                {
                    l.late += 1;
                    if let Some(reason) = case.lateness_reasons.get(&l.deadline) {
                        l.explained += 1;
                        l.reasons.push(LateReason {
                            case: case
                                .reference
                                .clone()
                                .unwrap_or_else(|| format!("case {}", i + 1)),
                            reason: reason.as_str().to_owned(),
                        });
                    }
                }
            }

            if period.holds(case.notified_on) {
                f.notifications += 1;
            }
            let meeting = case.rapid_review_meeting.as_ref().map(|m| m.0);
            if period.holds(meeting) {
                f.rapid_review_meetings_held += 1;
            }
            if period.holds(case.rapid_review_submitted_on) {
                f.rapid_reviews_submitted += 1;
                if find("rapid-review").is_some_and(on_time) {
                    rr_on_time += 1;
                }
            }
            if let Some(d) = find("rapid-review")
                && case.notified_on.is_some_and(|n| n <= to)
                && case.rapid_review_submitted_on.is_none_or(|s| s > to)
                && d.due < to
            {
                f.rapid_reviews_overdue_at_end += 1;
            }
            if let Some((learning_themes, on)) = case
                .rapid_review_learning
                .as_ref()
                .map(|l| (&l.1, meeting.or(case.rapid_review_submitted_on)))
                && period.holds(on)
            {
                let seen = crate::words::distinct_sorted(
                    learning_themes.iter().map(|t| t.trim().to_lowercase()),
                );
                for t in seen {
                    *themes.entry(t).or_default() += 1;
                }
            }

            if let Some((
                crate::case::model::TriageOutcome::NoFurtherAction
                | crate::case::model::TriageOutcome::RapidReviewCriteriaNotMet,
                _,
                on,
            )) = &case.triage
                && period.contains(*on)
            {
                f.closed_at_triage += 1;
            }
            if let Some((_, outcome, _, on)) = &case.decision
                && period.contains(*on)
            {
                f.decisions.total += 1;
                match outcome {
                    ReviewOutcome::LocalReview => f.decisions.local_review += 1,
                    ReviewOutcome::OtherLearning { .. } => f.decisions.other_learning += 1,
                    ReviewOutcome::NoFurtherAction => f.decisions.no_further_action += 1,
                }
            }

            if period.holds(case.commissioned_on) {
                f.local_reviews_started += 1;
            }
            if let (Some(sent), Some((_, ReviewOutcome::LocalReview, _, decided))) =
                (case.report_sent_on, &case.decision)
                && period.contains(sent)
            {
                f.local_reviews_completed += 1;
                durations.push((sent - *decided).whole_days());
                if sent <= add_months(*decided, u32::from(settings.local_review_months)) {
                    lr_months += 1;
                }
                if find("local-review").is_some_and(on_time) {
                    lr_extended += 1;
                }
            }
            if period.holds(case.published_on) {
                f.reports_published += 1;
            }

            for a in case.actions.values() {
                let s = actions::status(a, to, calendar, rules).status;
                let n = &mut f.actions;
                n.total += 1;
                match s {
                    ActionStatus::NotStarted => n.not_started += 1,
                    ActionStatus::OnTrack => n.on_track += 1,
                    ActionStatus::AtRisk => n.at_risk += 1,
                    ActionStatus::Overdue => n.overdue += 1,
                    ActionStatus::Completed => n.completed += 1,
                    ActionStatus::ImpactEvidenced => {
                        n.completed += 1;
                        n.impact_evidenced += 1;
                    }
                }
                if s.is_open() {
                    n.open += 1;
                }
            }
        }

        f.rapid_reviews_on_time = Share::new(rr_on_time, f.rapid_reviews_submitted);
        f.completed_within_months = Share::new(lr_months, f.local_reviews_completed);
        f.completed_within_extended_timescale = Share::new(lr_extended, f.local_reviews_completed);
        f.median_days_to_complete = median(&mut durations);
        let mut themes: Vec<ThemeCount> = themes
            .into_iter()
            .map(|(theme, cases)| ThemeCount { theme, cases })
            .collect();
        themes.sort_by(|a, b| b.cases.cmp(&a.cases).then_with(|| a.theme.cmp(&b.theme)));
        f.themes = themes;
        f
    }

    /// The figures as (figure, value) rows for a CSV file: plain-English names, values as
    /// plain numbers (dates as YYYY-MM-DD, percentages without the sign, empty when there is
    /// nothing to count), themes last as "Theme: <name>".
    #[must_use]
    pub fn to_csv_rows(&self) -> Vec<(String, String)> {
        let rr = format!(
            "Rapid reviews sent within {} working days",
            self.rapid_review_working_days
        );
        let months = format!(
            "Local reviews completed within {} months of the decision",
            self.local_review_months
        );
        let extended = "Local reviews completed within the timescale allowing for clock stops";
        let (d, a) = (&self.decisions, &self.actions);
        let median = self
            .median_days_to_complete
            .map_or_else(String::new, |m| format!("{m:.1}"));
        let mut rows: Vec<(String, String)> = [
            ("Period from", self.period.from.to_string()),
            ("Period to", self.period.to.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let counts = [
            ("Notifications to the National Panel", self.notifications),
            (
                "Rapid review meetings held",
                self.rapid_review_meetings_held,
            ),
            (
                "Rapid reviews sent to the National Panel",
                self.rapid_reviews_submitted,
            ),
        ];
        rows.extend(counts.map(|(k, n)| (k.to_owned(), n.to_string())));
        rows.extend(share_rows(&rr, self.rapid_reviews_on_time));
        let counts = [
            (
                "Rapid reviews overdue at the end of the period",
                self.rapid_reviews_overdue_at_end,
            ),
            (
                "Referrals closed at triage (no further action)",
                self.closed_at_triage,
            ),
            ("Decisions on a local review", d.total),
            ("Decisions: local review", d.local_review),
            ("Decisions: other learning", d.other_learning),
            ("Decisions: no further action", d.no_further_action),
            ("Local reviews started", self.local_reviews_started),
            (
                "Local reviews completed (report sent)",
                self.local_reviews_completed,
            ),
        ];
        rows.extend(counts.map(|(k, n)| (k.to_owned(), n.to_string())));
        rows.push((
            "Median days from decision to report sent".to_owned(),
            median,
        ));
        rows.extend(share_rows(&months, self.completed_within_months));
        rows.extend(share_rows(
            extended,
            self.completed_within_extended_timescale,
        ));
        let counts = [
            ("Reports published", self.reports_published),
            ("Actions", a.total),
            ("Actions open", a.open),
            ("Actions not started", a.not_started),
            ("Actions on track", a.on_track),
            ("Actions at risk", a.at_risk),
            ("Actions overdue", a.overdue),
            ("Actions completed", a.completed),
            ("Actions with impact evidenced", a.impact_evidenced),
        ];
        rows.extend(counts.map(|(k, n)| (k.to_owned(), n.to_string())));
        for l in &self.lateness {
            let (what, _) = late_words(l.deadline);
            rows.push((format!("Late {what}"), l.late.to_string()));
            rows.push((
                format!("Late {what} with a reason"),
                l.explained.to_string(),
            ));
        }
        for l in &self.lateness {
            let (_, one) = late_words(l.deadline);
            rows.extend(l.reasons.iter().map(|r| {
                (
                    format!("Reason for a late {one} ({})", r.case),
                    r.reason.clone(),
                )
            }));
        }
        rows.extend(
            self.themes
                .iter()
                .map(|t| (format!("Theme: {}", t.theme), t.cases.to_string())),
        );
        rows
    }
}

/// The late items in the plural and the singular, for the CSV rows' names.
const fn late_words(d: LateDeadline) -> (&'static str, &'static str) {
    match d {
        LateDeadline::Notification => (
            "notifications to the National Panel",
            "notification to the National Panel",
        ),
        LateDeadline::RapidReview => ("rapid reviews", "rapid review"),
        LateDeadline::LocalReview => ("local reviews", "local review"),
    }
}

/// A share as two rows: the count, and the percentage ("<name> (%)").
fn share_rows(name: &str, share: Share) -> [(String, String); 2] {
    [
        (name.to_owned(), share.count.to_string()),
        (format!("{name} (%)"), share.percent_text()),
    ]
}

/// Met, and on or before its due date.
fn on_time(d: &Deadline) -> bool {
    d.met_on.is_some_and(|on| on <= d.due)
}

fn median(xs: &mut [i64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_unstable();
    let mid = xs.len() / 2;
    let as_f = |x: i64| f64::from(i32::try_from(x).unwrap_or(i32::MAX));
    Some(if xs.len() % 2 == 1 {
        as_f(xs[mid])
    } else {
        (as_f(xs[mid - 1]) + as_f(xs[mid])) / 2.0
    })
}
