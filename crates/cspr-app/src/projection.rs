//! The read models of one case, computed from its state: the case-list row, its deadlines, its
//! actions and its members. Replaced whole in the same transaction as the events.

use cspr_domain::calendar::Calendar;
use cspr_domain::case::Case;
use cspr_domain::deadlines::{deadlines, next_deadline};
use cspr_domain::ids::CaseId;
use cspr_domain::settings::Settings;
use cspr_store::{ActionRow, CaseMember, CaseSummary, DeadlineRow, ProjectionUpdate};

use crate::Actor;

/// The read models of a case as of `actor.today`.
#[must_use]
pub fn projection(
    case_id: CaseId,
    case: &Case,
    calendar: &Calendar,
    settings: &Settings,
    actor: Actor,
) -> ProjectionUpdate {
    let today = actor.today;
    let next = next_deadline(case, calendar, settings, today);
    let opened_on = case
        .became_aware_on
        .or_else(|| case.referral.as_ref().map(|r| r.received_on))
        .unwrap_or(today);
    let summary = CaseSummary {
        case_id: case_id.as_uuid(),
        partnership_id: case.partnership_id.map(|p| p.as_uuid()).unwrap_or_default(),
        reference: case.reference.clone().unwrap_or_default(),
        stage: case.stage.key().to_owned(),
        stage_label: case.stage.label().to_owned(),
        next_deadline: next.as_ref().map(|d| d.due),
        next_deadline_label: next.as_ref().map(|d| d.label.clone()),
        opened_on,
        updated_at: actor.now,
        closed: case.closed.is_some(),
        closed_on: case.closed.as_ref().map(|(on, _)| *on),
        legal_hold: case.legal_hold.is_some(),
        agencies: case
            .involved_agencies()
            .into_iter()
            .map(|a| a.as_uuid())
            .collect(),
        // The themes the case is tagged with and those its rapid review's learning named.
        themes: {
            let mut themes: std::collections::BTreeSet<String> = case.themes.clone();
            if let Some((_, named)) = &case.rapid_review_learning {
                themes.extend(named.iter().map(|t| t.trim().to_owned()));
            }
            if let Some(draft) = case.latest_draft() {
                for r in &draft.report.recommendations {
                    themes.extend(r.themes.iter().map(|t| t.trim().to_owned()));
                }
            }
            for a in case.actions.values() {
                themes.extend(a.action.themes.iter().map(|t| t.trim().to_owned()));
            }
            themes.into_iter().filter(|t| !t.is_empty()).collect()
        },
    };
    let deadlines = deadlines(case, calendar, settings, today)
        .into_iter()
        .map(|d| DeadlineRow {
            case_id: case_id.as_uuid(),
            state: d.state_key(today, calendar).to_owned(),
            key: d.key,
            label: d.label,
            due: d.due,
            met_on: d.met_on,
            explanation: d.explanation,
        })
        .collect();
    let recommendation_number = |id| {
        case.latest_draft()
            .and_then(|d| d.report.recommendations.iter().position(|r| r.id == id))
            .map(|i| format!("Recommendation {}", i + 1))
    };
    let actions = case
        .actions
        .values()
        .map(|a| ActionRow {
            case_id: case_id.as_uuid(),
            action_id: a.action.action_id.as_uuid(),
            recommendation: a
                .action
                .recommendation
                .and_then(recommendation_number)
                .unwrap_or_default(),
            agency: a.action.agency.to_string(),
            description: a.action.description.as_str().to_owned(),
            due: Some(a.action.due_on),
            status: if a.impact().is_some() {
                "impact-evidenced".to_owned()
            } else if a.completed.is_some() {
                "complete".to_owned()
            } else if a.progress.is_empty() {
                "agreed".to_owned()
            } else {
                "in-progress".to_owned()
            },
            owner: a.action.owner.clone().unwrap_or_default(),
            themes: a.action.themes.clone(),
            last_progress: a.progress.iter().map(|p| p.on).max(),
            completed_on: a.completed.as_ref().map(|c| c.0),
            impact_evidenced_on: a.impact().map(|i| i.0),
        })
        .collect();
    // Membership is granted and revoked only by events; the read model mirrors it. A member
    // acting for an agency carries it in the role ("agency-representative:<agency id>"), so
    // access to drafts follows the agency recorded on the case, not the account's current one.
    let members = case
        .members
        .iter()
        .map(|(user, m)| CaseMember {
            user_id: user.as_uuid(),
            role: match m.agency {
                Some(agency) => format!("{}:{agency}", m.role.key()),
                None => m.role.key().to_owned(),
            },
        })
        .collect();
    ProjectionUpdate {
        summary,
        deadlines,
        actions,
        members,
    }
}
