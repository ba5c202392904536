//! The process's less common paths (issue 15): an action's impact evidenced after its
//! completion, a closed case reopened, reasons for missed statutory deadlines, extensions of a
//! local review, cross-border arrangements. Decided and applied here to keep `decide.rs` small.

use super::command::Command;
use super::decide::{Ctx, happened_by};
use super::error::DomainError;
use super::event::Event;
use super::model::{LateDeadline, LocalReviewExtension, PanelAnswer, ReviewOutcome};
use super::state::Case;
use crate::words::long_date;

/// The events this module applies, as a pattern for `apply`.
macro_rules! path_event {
    () => {
        $crate::case::Event::ImpactEvidenced { .. }
            | $crate::case::Event::LatenessExplained { .. }
            | $crate::case::Event::LocalReviewExtended { .. }
            | $crate::case::Event::CrossBorderRecorded { .. }
    };
}
pub(crate) use path_event;

/// The commands this module decides, as a pattern for `decide`.
macro_rules! path_command {
    () => {
        $crate::case::Command::EvidenceImpact { .. }
            | $crate::case::Command::ReopenCase { .. }
            | $crate::case::Command::ExplainLateness { .. }
            | $crate::case::Command::ExtendLocalReview { .. }
            | $crate::case::Command::RecordCrossBorder { .. }
    };
}
pub(crate) use path_command;

/// Decides a command of this module (the stage is already checked).
pub(crate) fn decide(
    case: &Case,
    command: Command,
    ctx: &Ctx<'_>,
) -> Result<Vec<Event>, DomainError> {
    match command {
        Command::EvidenceImpact {
            action_id,
            on,
            evidence,
        } => {
            let Some(a) = case.actions.get(&action_id) else {
                return Err(DomainError::invalid(
                    "action_id",
                    "There is no such action.",
                ));
            };
            // PROCESS.md stage 13: the partnership monitors actions until impact is evidenced.
            let Some((completed_on, _)) = &a.completed else {
                return Err(DomainError::rule(
                    "Record the action as complete first: impact is evidenced for work done.",
                ));
            };
            if a.impact().is_some() {
                return Err(DomainError::rule(
                    "The impact of this action is already evidenced.",
                ));
            }
            happened_by("on", "impact was evidenced", on, ctx.today)?;
            if on < *completed_on {
                return Err(DomainError::invalid(
                    "on",
                    format!(
                        "The date cannot be before the action was completed ({}).",
                        long_date(*completed_on)
                    ),
                ));
            }
            Ok(vec![Event::ImpactEvidenced {
                action_id,
                on,
                evidence,
            }])
        }
        Command::ReopenCase {
            reopened_on,
            reason,
        } => {
            happened_by("reopened_on", "of the reopening", reopened_on, ctx.today)?;
            if let Some((closed_on, _)) = &case.closed
                && reopened_on < *closed_on
            {
                return Err(DomainError::invalid(
                    "reopened_on",
                    format!(
                        "The date cannot be before the case closed ({}).",
                        long_date(*closed_on)
                    ),
                ));
            }
            Ok(vec![Event::CaseReopened {
                reopened_on,
                reason: Some(reason),
            }])
        }
        Command::ExplainLateness { deadline, reason } => {
            let ds = crate::deadlines::deadlines(case, ctx.calendar, ctx.settings, ctx.today);
            let Some(d) = ds.iter().find(|d| d.key == deadline.key()) else {
                let what = match deadline {
                    LateDeadline::LocalReview => {
                        "This case has no local review with a timescale running"
                    }
                    LateDeadline::Notification | LateDeadline::RapidReview => {
                        "This case has no such statutory deadline of its own"
                    }
                };
                return Err(DomainError::rule(format!(
                    "{what}: there is no lateness of {} to explain.",
                    deadline.label()
                )));
            };
            if !crate::deadlines::is_missed(d, ctx.today) {
                let words = if d.met_on.is_some() {
                    format!("was on time (due {})", long_date(d.due))
                } else {
                    format!("is not due yet (due {})", long_date(d.due))
                };
                return Err(DomainError::rule(format!(
                    "{} {words}: there is no lateness to explain.",
                    upper_first(deadline.label())
                )));
            }
            Ok(vec![Event::LatenessExplained {
                deadline,
                reason,
                explained_on: ctx.today,
            }])
        }
        Command::ExtendLocalReview {
            new_due_on,
            reason,
            explanation,
            decided_on,
        } => {
            let Some((_, ReviewOutcome::LocalReview, _, decided)) = &case.decision else {
                return Err(DomainError::rule(
                    "Only a local review's timescale can be extended: this case has none running.",
                ));
            };
            happened_by(
                "decided_on",
                "of the decision to extend",
                decided_on,
                ctx.today,
            )?;
            if decided_on < *decided {
                return Err(DomainError::invalid(
                    "decided_on",
                    format!(
                        "The date cannot be before the decision on a local review ({}).",
                        long_date(*decided)
                    ),
                ));
            }
            let ds = crate::deadlines::deadlines(case, ctx.calendar, ctx.settings, ctx.today);
            if let Some(d) = ds.iter().find(|d| d.key == LateDeadline::LocalReview.key())
                && new_due_on <= d.due
            {
                return Err(DomainError::invalid(
                    "new_due_on",
                    format!(
                        "The new date must be later than the date the review is due now ({}).",
                        long_date(d.due)
                    ),
                ));
            }
            Ok(vec![Event::LocalReviewExtended {
                extension: LocalReviewExtension {
                    new_due_on,
                    reason,
                    explanation,
                    decided_on,
                },
            }])
        }
        Command::RecordCrossBorder { arrangement } => {
            Ok(vec![Event::CrossBorderRecorded { arrangement }])
        }
        other => Err(DomainError::rule(format!(
            "{} is not decided here.",
            super::CommandKind::from(&other).name()
        ))),
    }
}

/// Applies an event of this module.
pub(crate) fn apply(case: &mut Case, event: &Event) {
    match event {
        Event::ImpactEvidenced {
            action_id,
            on,
            evidence,
        } => {
            if let Some(a) = case.actions.get_mut(action_id) {
                a.impact_evidenced = Some((*on, evidence.clone()));
            }
        }
        Event::LocalReviewExtended { extension } => {
            case.local_review_extensions.push(extension.clone());
        }
        Event::CrossBorderRecorded { arrangement } => {
            case.cross_border = Some(arrangement.clone());
        }
        Event::LatenessExplained {
            deadline, reason, ..
        } => {
            case.lateness_reasons.insert(*deadline, reason.clone());
        }
        _ => {}
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// An event of this module for the case's timeline: its date and a sentence.
pub(crate) fn describe(event: &Event) -> (Option<time::Date>, String) {
    match event {
        Event::ImpactEvidenced { on, evidence, .. } => (
            Some(*on),
            format!(
                "The impact of an action was evidenced: {}",
                crate::timeline::excerpt(evidence.as_str())
            ),
        ),
        Event::LatenessExplained {
            deadline,
            reason,
            explained_on,
        } => (
            Some(*explained_on),
            format!(
                "Why {} was late was recorded: {}",
                deadline.label(),
                crate::timeline::excerpt(reason.as_str())
            ),
        ),
        Event::LocalReviewExtended { extension } => (
            Some(extension.decided_on),
            format!(
                "The local review was extended to {} for {}: {}",
                long_date(extension.new_due_on),
                extension.reason.label(),
                crate::timeline::excerpt(extension.explanation.as_str())
            ),
        ),
        Event::CrossBorderRecorded { arrangement } => (
            None,
            match arrangement {
                super::model::CrossBorder::ChildFromAnotherArea {
                    other_partnership,
                    lead,
                } => format!(
                    "The child is from another area ({}); {}",
                    crate::timeline::excerpt(other_partnership.as_str()),
                    match lead {
                        super::model::Lead::Us => "this partnership leads",
                        super::model::Lead::Them =>
                            "that partnership leads and this one collaborates",
                    }
                ),
                super::model::CrossBorder::HarmedOutsideEngland { country } => format!(
                    "The child was harmed outside England ({})",
                    crate::timeline::excerpt(country.as_str())
                ),
            },
        ),
        _ => (None, String::new()),
    }
}

/// A rapid review sent again after the National Panel asked for more information (issue 15):
/// recorded as a resubmission with its date; the first submission stays the one timeliness
/// counts (WT2023 ch.5: 15 working days).
pub(crate) fn resubmit(
    case: &Case,
    submitted_on: time::Date,
    ctx: &Ctx<'_>,
) -> Result<Vec<Event>, DomainError> {
    let asked_on = match (case.panel_answer(), &case.panel_response) {
        (Some(PanelAnswer::MoreInformation), Some((_, _, on))) => *on,
        _ => {
            return Err(DomainError::rule(
                "The rapid review has been sent to the National Panel: it is sent again only when the Panel asks for more information.",
            ));
        }
    };
    if !case.awaits_resubmission() {
        return Err(DomainError::rule(
            "The rapid review was already sent again with the information asked for: record the National Panel's response.",
        ));
    }
    happened_by("submitted_on", "of the submission", submitted_on, ctx.today)?;
    if submitted_on < asked_on {
        return Err(DomainError::invalid(
            "submitted_on",
            format!(
                "The date cannot be before the National Panel asked for more information ({}).",
                long_date(asked_on)
            ),
        ));
    }
    Ok(vec![Event::RapidReviewSubmitted {
        submitted_on,
        resubmission: true,
    }])
}

/// While the National Panel does a national review, the partnership contributes to it and
/// does not commission a local review alongside (issue 15; WT2023 ch.5).
pub(crate) fn national_review_guard(case: &Case, command: &Command) -> Result<(), DomainError> {
    let commissioning = matches!(
        command,
        Command::AppointPanelMember { .. }
            | Command::AgreeTermsOfReference { .. }
            | Command::AppointIndependentReviewer { .. }
    );
    if commissioning
        && case.stage == super::Stage::Commissioning
        && let Some(on) = case.national_review_on()
    {
        return Err(DomainError::rule(format!(
            "The National Panel took this case as a national review on {}: the partnership contributes to it and does not commission a local review alongside. Revise the decision on a local review.",
            long_date(on)
        )));
    }
    Ok(())
}
