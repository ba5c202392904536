//! Where each action of an action plan stands: a status derived from its due date, its progress
//! and its completion, never typed in, with a one-line reason a subgroup chair can read. Pages,
//! the action tracker, chasers and the yearly figures all use this one derivation.
//!
//! The rules, in order (the first that applies wins), as at `today`; progress and completion
//! dated after `today` are ignored, so the same function answers "where did it stand on 31
//! March?":
//!
//! 1. **Impact evidenced**: impact is evidenced on or before `today`, with the completion
//!    (`CompleteAction` with evidence of impact) or later (`EvidenceImpact`).
//! 2. **Completed**: completion is recorded on or before `today`, its impact not evidenced by
//!    then (PROCESS.md stage 13: the partnership monitors actions until impact is evidenced).
//! 3. **Overdue**: not completed and `today` is after the due date (calendar days).
//! 4. **At risk**: not completed, not overdue, and either
//!    - due within [`ActionRules::due_soon_working_days`] working days (default 10) with no
//!      progress recorded in the last [`ActionRules::recent_progress_days`] days (default 30),
//!      none at all counting as none recent; or
//!    - progress was recorded once but not for more than
//!      [`ActionRules::stale_progress_days`] days (default 90), however far off the due date.
//! 5. **Not started**: no progress recorded, and not due soon.
//! 6. **On track**: progress recorded recently enough, and not due soon without it.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::calendar::Calendar;
use crate::case::model::ActionState;
use crate::words::{long_date, plural, short_day, working_days};

/// Where an action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionStatus {
    /// No progress recorded yet, and not due soon.
    NotStarted,
    /// Progress recorded recently enough.
    OnTrack,
    /// Due soon without recent progress, or progress has stalled.
    AtRisk,
    /// Past its due date and not completed.
    Overdue,
    /// The work is done but its impact is not yet evidenced.
    Completed,
    /// Completed with evidence of its impact: the action can be closed.
    ImpactEvidenced,
}

impl ActionStatus {
    /// Every status, in the order a tracker lists them.
    pub const ALL: [Self; 6] = [
        Self::NotStarted,
        Self::OnTrack,
        Self::AtRisk,
        Self::Overdue,
        Self::Completed,
        Self::ImpactEvidenced,
    ];

    /// Plain words, as a page shows them.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "Not started",
            Self::OnTrack => "On track",
            Self::AtRisk => "At risk",
            Self::Overdue => "Overdue",
            Self::Completed => "Completed",
            Self::ImpactEvidenced => "Impact evidenced",
        }
    }

    /// A stable machine name ("at-risk"), the same as the serialised form.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Self::NotStarted => "not-started",
            Self::OnTrack => "on-track",
            Self::AtRisk => "at-risk",
            Self::Overdue => "overdue",
            Self::Completed => "completed",
            Self::ImpactEvidenced => "impact-evidenced",
        }
    }

    /// Whether the action still needs work (not completed).
    #[must_use]
    pub const fn is_open(self) -> bool {
        !matches!(self, Self::Completed | Self::ImpactEvidenced)
    }
}

/// The local thresholds of the derivation. Local practice, not law: a partnership may change
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRules {
    /// An action due within this many working days needs recent progress (default 10).
    pub due_soon_working_days: u32,
    /// Progress counts as recent for this many calendar days (default 30).
    pub recent_progress_days: u32,
    /// Progress older than this many calendar days means the action has stalled (default 90).
    pub stale_progress_days: u32,
}

impl Default for ActionRules {
    fn default() -> Self {
        Self {
            due_soon_working_days: 10,
            recent_progress_days: 30,
            stale_progress_days: 90,
        }
    }
}

/// A derived status with the reason for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionAssessment {
    /// The status.
    pub status: ActionStatus,
    /// Why, in one line: "Due in 3 working days (Thu 9 October) with no progress recorded".
    pub reason: String,
}

/// Where `action` stands on `today`, by the rules of this module.
#[must_use]
pub fn status(
    action: &ActionState,
    today: Date,
    calendar: &Calendar,
    rules: &ActionRules,
) -> ActionAssessment {
    let last = action
        .progress
        .iter()
        .map(|p| p.on)
        .filter(|on| *on <= today)
        .max();
    status_on_record(
        action.action.due_on,
        last,
        Completion {
            completed_on: action.completed.as_ref().map(|c| c.0),
            impact_evidenced_on: action.impact().map(|i| i.0),
        },
        today,
        calendar,
        rules,
    )
}

/// When an action was completed and when its impact was evidenced, as a read model keeps them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Completion {
    /// The day the action was completed.
    pub completed_on: Option<Date>,
    /// The day its impact was evidenced (the completion day when evidence came with it).
    pub impact_evidenced_on: Option<Date>,
}

/// Where an action stands on `today` from the facts the derivation uses: its due date, the day
/// of its latest progress, and the days it was completed and its impact evidenced (as a read
/// model keeps them, for the action tracker). Progress and completion dated after `today` are ignored, as in
/// [`status`]; a `last_progress` after `today` counts as none.
#[must_use]
pub fn status_on_record(
    due: Date,
    last_progress: Option<Date>,
    completion: Completion,
    today: Date,
    calendar: &Calendar,
    rules: &ActionRules,
) -> ActionAssessment {
    let by_today = |d: Option<Date>| d.filter(|on| *on <= today);
    match (
        by_today(completion.completed_on),
        by_today(completion.impact_evidenced_on),
    ) {
        (Some(done), Some(impact)) if impact == done => {
            return ActionAssessment {
                status: ActionStatus::ImpactEvidenced,
                reason: format!("Completed on {} with evidence of impact", long_date(done)),
            };
        }
        (_, Some(impact)) => {
            return ActionAssessment {
                status: ActionStatus::ImpactEvidenced,
                reason: format!("Impact evidenced on {}", long_date(impact)),
            };
        }
        (Some(done), None) => {
            return ActionAssessment {
                status: ActionStatus::Completed,
                reason: format!("Completed on {}; impact not yet evidenced", long_date(done)),
            };
        }
        (None, None) => {}
    }
    let last = last_progress.filter(|on| *on <= today);
    let progress_words = last.map_or_else(
        || "no progress recorded".to_owned(),
        |on| format!("last progress {}", ago(today, on)),
    );

    if today > due {
        let n = calendar.working_days_between(due, today);
        let late = if n > 0 {
            format!(
                "Overdue by {} (was due {})",
                working_days(n),
                short_day(due)
            )
        } else {
            format!("Overdue: was due {}", short_day(due))
        };
        return ActionAssessment {
            status: ActionStatus::Overdue,
            reason: format!("{late}; {progress_words}"),
        };
    }

    let days_left = calendar.working_days_between(today, due);
    let due_soon = days_left <= i64::from(rules.due_soon_working_days);
    let age = last.map(|on| (today - on).whole_days());
    let recent = age.is_some_and(|a| a <= i64::from(rules.recent_progress_days));
    let stale = age.is_some_and(|a| a > i64::from(rules.stale_progress_days));
    let due_words = due_in(today, due, days_left);

    let (status, reason) = match last {
        None if due_soon => (
            ActionStatus::AtRisk,
            format!("{due_words} with no progress recorded"),
        ),
        None => (
            ActionStatus::NotStarted,
            format!("No progress recorded yet; {}", lower_first(&due_words)),
        ),
        Some(_) if due_soon && !recent => (
            ActionStatus::AtRisk,
            format!("{due_words}; {progress_words}"),
        ),
        Some(on) if stale => (
            ActionStatus::AtRisk,
            format!(
                "No progress for {} (last on {}); {}",
                plural((today - on).whole_days(), "day", "days"),
                long_date(on),
                lower_first(&due_words)
            ),
        ),
        Some(_) => (
            ActionStatus::OnTrack,
            format!(
                "{}; {}",
                upper_first(&progress_words),
                lower_first(&due_words)
            ),
        ),
    };
    ActionAssessment { status, reason }
}

/// "Due today", "Due in 3 working days (Thu 9 October)", or for a due date on a non-working
/// day with no working day before it, "Due Sat 4 October".
fn due_in(today: Date, due: Date, days_left: i64) -> String {
    if today == due {
        "Due today".to_owned()
    } else if days_left == 0 {
        format!("Due {}", short_day(due))
    } else {
        format!("Due in {} ({})", working_days(days_left), short_day(due))
    }
}

/// "today (9 October 2025)", "1 day ago (8 October 2025)", "40 days ago (...)".
fn ago(today: Date, on: Date) -> String {
    let days = (today - on).whole_days();
    if days == 0 {
        format!("today ({})", long_date(on))
    } else {
        format!("{} ago ({})", plural(days, "day", "days"), long_date(on))
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_lowercase().chain(c).collect::<String>()
    })
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_uppercase().chain(c).collect::<String>()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// The tracker's derivation from a read model's row agrees with the one from the action.
    #[test]
    fn the_record_of_an_action_gives_the_same_status_as_the_action() {
        let calendar = Calendar::england_and_wales();
        let rules = ActionRules::default();
        let today = date!(2025 - 10 - 06);
        let due_dates = [
            date!(2025 - 09 - 30),
            date!(2025 - 10 - 06),
            date!(2025 - 10 - 10),
            date!(2026 - 03 - 31),
        ];
        let progress = [
            None,
            Some(date!(2025 - 10 - 01)),
            Some(date!(2025 - 08 - 01)),
            Some(date!(2025 - 05 - 01)),
        ];
        let completion = [
            None,
            Some(date!(2025 - 10 - 02)),
            Some(date!(2025 - 10 - 20)),
        ];
        for due in due_dates {
            for last in progress {
                for done in completion {
                    let mut action: ActionState = serde_json::from_value(serde_json::json!({
                        "action": {
                            "action_id": "00000000-0000-0000-0000-000000000001",
                            "recommendation": null,
                            "agency": "00000000-0000-0000-0000-000000000002",
                            "description": "Train staff",
                            "due_on": due,
                        },
                        "progress": [],
                        "completed": null,
                    }))
                    .expect("an action");
                    if let Some(on) = last {
                        action.progress.push(
                            serde_json::from_value(serde_json::json!({
                                "on": on, "note": "Done some", "evidence": null
                            }))
                            .expect("progress"),
                        );
                    }
                    if let Some(on) = done {
                        action.completed = Some((
                            on,
                            Some(
                                serde_json::from_value(serde_json::json!("Audit shows it"))
                                    .expect("text"),
                            ),
                        ));
                    }
                    let completion = Completion {
                        completed_on: done,
                        impact_evidenced_on: done,
                    };
                    assert_eq!(
                        status(&action, today, &calendar, &rules),
                        status_on_record(due, last, completion, today, &calendar, &rules),
                        "due {due}, progress {last:?}, completed {done:?}"
                    );
                }
            }
        }
    }
}
