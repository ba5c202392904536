//! Requests to agencies: asking chosen agencies for a contribution, with the due date the case's
//! deadlines give or another with its reason, and the agencies' representatives given access to
//! the case so they can answer: one user action, one transaction.

use cspr_domain::case::Command;
use cspr_domain::case::model::{CaseRole, ContributionKind};
use cspr_domain::ids::{AgencyId, CaseId, UserId};
use cspr_domain::vocab::NonEmptyText;
use time::Date;

use crate::policy::Role;
use crate::{Actor, App, AppError};

/// A request as the partnership team makes it.
#[derive(Debug, Clone)]
pub struct NewRequest {
    /// What is asked for.
    pub kind: ContributionKind,
    /// From whom.
    pub agencies: Vec<AgencyId>,
    /// A due date other than the case's, with why.
    pub due: Option<(Date, NonEmptyText)>,
}

/// Whether a due date typed for a request may be used: after today, on a working day.
///
/// # Errors
/// The message for the form.
pub fn check_due(app: &App, today: Date, due: Date) -> Result<(), String> {
    if due <= today {
        return Err("The due date must be in the future".to_owned());
    }
    if !app.calendar().is_working_day(due) {
        return Err("The due date must be a working day".to_owned());
    }
    Ok(())
}

/// Makes a request: the request itself, the due date moved where it differs from the case's
/// deadlines, and access to the case for each asked agency's active representatives who do not
/// have it yet. All of it is written, or none of it.
///
/// # Errors
/// The case's refusal of any step ([`AppError::Domain`]), store failures.
pub async fn request_contributions(
    app: &App,
    case_id: CaseId,
    request: &NewRequest,
    actor: Actor,
) -> Result<u64, AppError> {
    let partnership = app
        .store()
        .case_summary(case_id.as_uuid())
        .await?
        .ok_or(AppError::NotFound)?
        .partnership_id;
    let users = app.store().users(partnership).await?;
    let representatives: Vec<(UserId, AgencyId)> = users
        .iter()
        .filter(|u| !u.disabled && u.role == Role::AgencyRepresentative.key())
        .filter_map(|u| {
            let agency = AgencyId::from_uuid(u.agency_id?);
            request
                .agencies
                .contains(&agency)
                .then_some((UserId::from_uuid(u.id), agency))
        })
        .collect();
    let kind = request.kind;
    app.transact(case_id, None, actor, |unit| {
        unit.run(Command::RequestContributions {
            kind,
            agencies: request.agencies.clone(),
            due_on: None,
        })?;
        if let Some((due, reason)) = &request.due {
            let moved: Vec<AgencyId> = request
                .agencies
                .iter()
                .copied()
                .filter(|a| {
                    unit.case()
                        .contributions
                        .get(&(kind, *a))
                        .is_some_and(|r| r.due_on != *due)
                })
                .collect();
            if !moved.is_empty() {
                unit.run(Command::ChangeContributionDue {
                    kind,
                    agencies: moved,
                    due_on: *due,
                    reason: reason.clone(),
                })?;
            }
        }
        for (user, agency) in &representatives {
            if unit.case().members.contains_key(user) {
                continue;
            }
            unit.run(Command::GrantMembership {
                user: *user,
                role: CaseRole::AgencyRepresentative,
                agency: Some(*agency),
            })?;
        }
        Ok(())
    })
    .await
    .map(|((), version)| version)
}
