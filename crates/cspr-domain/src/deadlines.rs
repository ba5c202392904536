//! Deadlines derived from a case's events, the working-day calendar and the settings: never
//! typed in. Each carries a one-line explanation of how it was computed.
//!
//! Convention: the day of the event is day 0; "15 working days from X" is the 15th working day
//! after X. Deadlines counted in calendar months that fall on a non-working day move to the next
//! working day, so every deadline is a working day.

use time::Date;

use crate::calendar::Calendar;
pub use crate::calendar::Counting;
use crate::case::model::{ContributionStatus, LateDeadline, ReviewOutcome, TriageOutcome};
use crate::case::{Case, Stage};
use crate::settings::Settings;
use crate::words::{add_months, long_date, plural, short_day, working_days};

/// Whether the date is a limit to meet or a day before which something may not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineKind {
    /// Must happen by the date.
    DueBy,
    /// May not happen before the date.
    NotBefore,
}

/// One deadline of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// Stable key ("rapid-review", "agency-summary:<agency>", "action:<id>").
    pub key: String,
    /// What is due, in words.
    pub label: String,
    /// Limit or earliest day.
    pub kind: DeadlineKind,
    /// The date.
    pub due: Date,
    /// When it was met, if it was.
    pub met_on: Option<Date>,
    /// How the date was computed.
    pub explanation: String,
    /// Which working days it is counted in: statutory (no closure days) or local.
    pub counting: Counting,
}

/// Where a deadline stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineState {
    /// Due in so many working days (0 = today).
    DueIn(i64),
    /// Overdue by so many working days.
    Overdue(i64),
    /// Met on the date, late by so many working days (0 when on time).
    Met {
        /// When.
        on: Date,
        /// Working days late.
        late_by: i64,
    },
    /// A not-before day still so many working days away.
    NotYet(i64),
    /// A not-before day that has come.
    Reached,
}

impl Deadline {
    /// Where the deadline stands on `today`.
    ///
    /// Working days are counted as the deadline was: a statutory deadline ignores the
    /// partnership's closure days ([`Counting`]).
    #[must_use]
    pub fn state(&self, today: Date, calendar: &Calendar) -> DeadlineState {
        let calendar = calendar.counting(self.counting);
        match (self.kind, self.met_on) {
            (DeadlineKind::DueBy, Some(on)) => DeadlineState::Met {
                on,
                late_by: calendar.working_days_between(self.due, on).max(0),
            },
            (DeadlineKind::DueBy, None) => {
                let n = calendar.working_days_between(today, self.due);
                if n >= 0 {
                    DeadlineState::DueIn(n)
                } else {
                    DeadlineState::Overdue(-n)
                }
            }
            (DeadlineKind::NotBefore, _) => {
                let n = calendar.working_days_between(today, self.due);
                if n > 0 {
                    DeadlineState::NotYet(n)
                } else {
                    DeadlineState::Reached
                }
            }
        }
    }

    /// "Due in 3 working days (Thu 9 January)", "Overdue by 2 working days", "Met on 9 January 2025".
    #[must_use]
    pub fn state_line(&self, today: Date, calendar: &Calendar) -> String {
        match self.state(today, calendar) {
            DeadlineState::DueIn(0) => format!("Due today ({})", short_day(self.due)),
            DeadlineState::DueIn(n) => {
                format!("Due in {} ({})", working_days(n), short_day(self.due))
            }
            DeadlineState::Overdue(n) => format!(
                "Overdue by {} (was due {})",
                working_days(n),
                short_day(self.due)
            ),
            DeadlineState::Met { on, late_by: 0 } => format!("Met on {}", long_date(on)),
            DeadlineState::Met { on, late_by } => {
                format!("Met on {}, {} late", long_date(on), working_days(late_by))
            }
            DeadlineState::NotYet(n) => format!(
                "Not before {} (in {})",
                short_day(self.due),
                working_days(n)
            ),
            DeadlineState::Reached => format!("From {}", long_date(self.due)),
        }
    }

    /// A stable machine word for the state: due, overdue, met, waiting, reached.
    #[must_use]
    pub fn state_key(&self, today: Date, calendar: &Calendar) -> &'static str {
        match self.state(today, calendar) {
            DeadlineState::DueIn(_) => "due",
            DeadlineState::Overdue(_) => "overdue",
            DeadlineState::Met { .. } => "met",
            DeadlineState::NotYet(_) => "waiting",
            DeadlineState::Reached => "reached",
        }
    }
}

struct Builder<'a> {
    calendar: &'a Calendar,
    out: Vec<Deadline>,
}

impl Builder<'_> {
    fn working(
        &mut self,
        key: String,
        label: &str,
        (from, from_words): (Date, &str),
        n: u32,
        met_on: Option<Date>,
        (counting, source): (Counting, &str),
    ) {
        let calendar = self.calendar.counting(counting);
        let due = calendar.add_working_days(from, n);
        let skipped = calendar.skipped_between(from, due).describe();
        self.out.push(Deadline {
            key,
            label: label.to_owned(),
            kind: DeadlineKind::DueBy,
            due,
            met_on,
            counting,
            explanation: format!(
                "{}: {} from {from_words} on {}; {skipped}{}. {source}",
                long_date(due),
                working_days(i64::from(n)),
                long_date(from),
                counting_words(counting)
            ),
        });
    }

    /// Moves a calendar date to the next working day of the `counting` calendar, saying so.
    fn roll(&self, d: Date, counting: Counting) -> (Date, String) {
        let calendar = self.calendar.counting(counting);
        let mut due = d;
        while !calendar.is_working_day(due) {
            due = due.next_day().unwrap_or(due);
        }
        if due == d {
            (due, String::new())
        } else {
            (
                due,
                format!(
                    " {} is not a working day, so the date moves to {}.",
                    long_date(d),
                    long_date(due)
                ),
            )
        }
    }
}

/// Every deadline of a case, in date order.
#[must_use]
#[expect(
    clippy::too_many_lines,
    reason = "one block per statutory or local deadline"
)]
pub fn deadlines(
    case: &Case,
    calendar: &Calendar,
    settings: &Settings,
    today: Date,
) -> Vec<Deadline> {
    let mut b = Builder {
        calendar,
        out: Vec::new(),
    };

    // Where another partnership leads (a child from its area), the notification and the rapid
    // review are the lead's deadlines: this partnership collaborates (issue 15; WT2023 ch.5).
    if let (Some(aware), Some(because), None) = (
        case.became_aware_on,
        case.notifiable_because,
        case.collaborates_with(),
    ) {
        b.working(
            "notification".into(),
            "Notify the National Panel",
            (aware, "the day the local authority became aware"),
            crate::settings::NOTIFICATION_WORKING_DAYS,
            case.notified_on,
            (
                Counting::Statutory,
                "Children Act 2004 s16C; Working Together 2023 ch.5.",
            ),
        );
        let criteria_not_met = matches!(
            case.triage,
            Some((TriageOutcome::RapidReviewCriteriaNotMet, _, _))
        );
        if let Some(notified) = case.notified_on
            && because.needs_rapid_review()
            && !criteria_not_met
        {
            b.working(
                "rapid-review".into(),
                "Rapid review to the National Panel",
                (notified, "the notification to the National Panel"),
                crate::settings::RAPID_REVIEW_WORKING_DAYS,
                case.rapid_review_submitted_on,
                (
                    Counting::Statutory,
                    "Working Together 2023 ch.5; Panel guidance 2025 counts from the day the notification was sent.",
                ),
            );
        }
    }

    for r in case.contributions.values() {
        let met_on = match &r.status {
            ContributionStatus::Received { on, .. } => Some(*on),
            ContributionStatus::Waived { .. } => continue,
            ContributionStatus::Requested => None,
        };
        let n = calendar.working_days_between(r.requested_on, r.due_on);
        b.out.push(Deadline {
            key: format!("{}:{}", serde_key(r.kind), r.agency),
            label: format!(
                "{}{} from an agency",
                r.kind.label()[..1].to_uppercase(),
                &r.kind.label()[1..]
            ),
            kind: DeadlineKind::DueBy,
            due: r.due_on,
            met_on,
            counting: Counting::Local,
            explanation: format!(
                "{}: requested on {}, due {} later (local timescale set by the partnership).",
                long_date(r.due_on),
                long_date(r.requested_on),
                working_days(n)
            ),
        });
    }

    if let Some(meeting) = case.scoping_meeting_on {
        b.out.push(Deadline {
            key: "scoping".into(),
            label: "Scoping at the review subgroup".into(),
            kind: DeadlineKind::DueBy,
            due: meeting,
            met_on: case.scoping_meeting.as_ref().map(|m| m.0),
            counting: Counting::Local,
            explanation: format!(
                "{}: the next scheduled review subgroup meeting after triage.",
                long_date(meeting)
            ),
        });
    }

    // No six-month aim while the National Panel does a national review of the case: the
    // partnership contributes to the Panel's review instead (issue 15; WT2023 ch.5).
    if let Some((_, ReviewOutcome::LocalReview, _, decided)) = &case.decision
        && case.national_review_on().is_none()
    {
        let months = u32::from(settings.local_review_months);
        let base = add_months(*decided, months);
        // Clock stops: each stopping process from the decision (or its start) to its end (or
        // today, while it runs), and at the latest to the day the final report was sent: a
        // finished review has no timescale left to extend (PROCESS.md stages 9, 11 and 14).
        // Overlapping stops count once.
        let mut spans: Vec<(Date, Date)> = Vec::new();
        let mut stops = Vec::new();
        for p in case.parallel_processes.values().filter(|p| p.stops_clock) {
            let start = p.started_on.max(*decided);
            let running_to = p.ended_on.unwrap_or(today);
            let end = case
                .report_sent_on
                .map_or(running_to, |s| running_to.min(s));
            if end > start {
                spans.push((start, end));
                let cut_by_sending = case
                    .report_sent_on
                    .is_some_and(|sent| p.ended_on.is_none_or(|ended| ended > sent));
                let ongoing = if cut_by_sending {
                    ", until the report was sent"
                } else if p.ended_on.is_none() {
                    ", still running"
                } else {
                    ""
                };
                stops.push(format!(
                    "{} for the {}{ongoing}",
                    plural((end - start).whole_days(), "day", "days"),
                    p.kind.label()
                ));
            }
        }
        spans.sort();
        let mut stopped_days: i64 = 0;
        let mut covered_to: Option<Date> = None;
        for (start, end) in spans {
            let from = covered_to.map_or(start, |c| c.max(start));
            if end > from {
                stopped_days += (end - from).whole_days();
            }
            covered_to = Some(covered_to.map_or(end, |c| c.max(end)));
        }
        if stops.len() > 1 {
            stops.push(format!(
                "{} in all, overlaps counted once",
                plural(stopped_days, "day", "days")
            ));
        }
        let stopped = base
            .checked_add(time::Duration::days(stopped_days))
            .unwrap_or(base);
        // Extensions for other reasons (a change of reviewer) set a later date; clock stops
        // still running may carry the date past it (PROCESS.md stage 14; issue 15).
        let extension = case
            .local_review_extensions
            .iter()
            .max_by_key(|e| e.new_due_on)
            .filter(|e| e.new_due_on > stopped);
        let target = extension.map_or(stopped, |e| e.new_due_on);
        let (due, rolled) = b.roll(target, Counting::Local);
        let mut stop_words = if stops.is_empty() {
            "no clock stops recorded".to_owned()
        } else {
            format!("clock stopped {}", stops.join(", "))
        };
        if let Some(e) = extension {
            stop_words.push_str(&format!(
                "; extended to {} for {} (decided on {})",
                long_date(e.new_due_on),
                e.reason.label(),
                long_date(e.decided_on)
            ));
        }
        b.out.push(Deadline {
            key: "local-review".into(),
            label: "Complete the local review".into(),
            kind: DeadlineKind::DueBy,
            due,
            met_on: case.report_sent_on,
            counting: Counting::Local,
            explanation: format!(
                "{}: {} from the decision on {}; {stop_words}.{rolled} Local aim, Working Together 2023 ch.5.",
                long_date(due),
                plural(i64::from(settings.local_review_months), "month", "months"),
                long_date(*decided)
            ),
        });
    }

    // Whatever the decision, something is published (the report or information about the
    // improvements), and not before the notice period ends.
    if let Some(sent) = case.report_sent_on {
        let n = settings.publication_notice_days();
        let statutory = calendar.counting(Counting::Statutory);
        let due = earliest_publication(sent, calendar, settings);
        b.out.push(Deadline {
            key: "earliest-publication".into(),
            label: "Earliest publication".into(),
            kind: DeadlineKind::NotBefore,
            due,
            met_on: case.published_on,
            counting: Counting::Statutory,
            explanation: format!(
                "{}: {} after the report went to the National Panel and the Secretary of State on {}; {}{}. Working Together 2023 ch.5.",
                long_date(due),
                working_days(i64::from(n)),
                long_date(sent),
                statutory.skipped_between(sent, due).describe(),
                counting_words(Counting::Statutory)
            ),
        });
    }

    if let Some(published) = case.published_on {
        let until = add_months(published, u32::from(settings.years_online()) * 12);
        let (due, rolled) = b.roll(until, Counting::Statutory);
        b.out.push(Deadline {
            key: "online-until".into(),
            label: "Keep the report online until at least".into(),
            kind: DeadlineKind::NotBefore,
            due,
            met_on: case.unpublished_on,
            counting: Counting::Statutory,
            explanation: format!(
                "{}: {} after publication on {}.{rolled} Working Together 2023 ch.5.",
                long_date(due),
                plural(i64::from(settings.years_online()), "year", "years"),
                long_date(published)
            ),
        });
    }

    for a in &case.safety_actions {
        b.out.push(Deadline {
            key: format!("safety-action:{}", a.action_id),
            label: "Immediate safety action".into(),
            kind: DeadlineKind::DueBy,
            due: a.due_on,
            met_on: case.safety_actions_done.get(&a.action_id).copied(),
            counting: Counting::Local,
            explanation: format!(
                "{}: the date agreed at the rapid review.",
                long_date(a.due_on)
            ),
        });
    }

    for a in case.actions.values() {
        b.out.push(Deadline {
            key: format!("action:{}", a.action.action_id),
            label: "Action".into(),
            kind: DeadlineKind::DueBy,
            due: a.action.due_on,
            met_on: a.completed.as_ref().map(|c| c.0),
            counting: Counting::Local,
            explanation: format!(
                "{}: the date agreed in the action plan.",
                long_date(a.action.due_on)
            ),
        });
    }

    let mut out = b.out;
    out.sort_by(|x, y| x.due.cmp(&y.due).then_with(|| x.key.cmp(&y.key)));
    out
}

/// The first day a report sent on `sent` may be published: the statutory notice of
/// `publication_notice_working_days` (at least 7, WT2023 ch.5), counted without closure days.
#[must_use]
pub fn earliest_publication(sent: Date, calendar: &Calendar, settings: &Settings) -> Date {
    calendar
        .counting(Counting::Statutory)
        .add_working_days(sent, settings.publication_notice_days())
}

/// The next deadline to meet: the earliest unmet "due by" deadline of an open case.
#[must_use]
pub fn next_deadline(
    case: &Case,
    calendar: &Calendar,
    settings: &Settings,
    today: Date,
) -> Option<Deadline> {
    if case.stage == Stage::Closed {
        return None;
    }
    deadlines(case, calendar, settings, today)
        .into_iter()
        .find(|d| d.kind == DeadlineKind::DueBy && d.met_on.is_none())
}

/// Whether a "due by" deadline is missed as of `today`: met after its due date, or not met
/// and its due date has passed.
#[must_use]
pub fn is_missed(d: &Deadline, today: Date) -> bool {
    d.kind == DeadlineKind::DueBy
        && match d.met_on {
            Some(on) => on > d.due,
            None => today > d.due,
        }
}

/// The statutory deadlines (notification, rapid review) and the local review's timescale that
/// the case missed as of `today`, each with its deadline (issue 15).
#[must_use]
pub fn missed(
    case: &Case,
    calendar: &Calendar,
    settings: &Settings,
    today: Date,
) -> Vec<(LateDeadline, Deadline)> {
    deadlines(case, calendar, settings, today)
        .into_iter()
        .filter_map(|d| {
            let which = LateDeadline::from_key(&d.key)?;
            is_missed(&d, today).then_some((which, d))
        })
        .collect()
}

/// The deadlines the case missed as of `today` with no reason recorded
/// ([`crate::case::Command::ExplainLateness`]): a warning for the case page.
#[must_use]
pub fn missed_without_reason(
    case: &Case,
    calendar: &Calendar,
    settings: &Settings,
    today: Date,
) -> Vec<(LateDeadline, Deadline)> {
    missed(case, calendar, settings, today)
        .into_iter()
        .filter(|(which, _)| !case.lateness_reasons.contains_key(which))
        .collect()
}

/// How a count in working days treated closure days, for explanations.
const fn counting_words(counting: Counting) -> &'static str {
    match counting {
        Counting::Statutory => " (a statutory count: closure days are working days)",
        Counting::Local => "",
    }
}

fn serde_key(kind: crate::case::model::ContributionKind) -> &'static str {
    use crate::case::model::ContributionKind as K;
    match kind {
        K::AgencySummary => "agency-summary",
        K::ScopingForm => "scoping-form",
        K::AgencyReport => "agency-report",
        K::Chronology => "chronology",
        K::FactualAccuracy => "factual-accuracy",
    }
}
