//! Where a case stands, through the API: its deadlines and its requests for contributions,
//! each read written to the access log first.

use serde::Serialize;
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{ApiCase, Problem};
use crate::reader;

/// One deadline of a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineItem {
    /// A stable key within the case ("rapid-review", "agency-summary:<agency>").
    pub key: String,
    /// What is due, in words.
    pub label: String,
    /// `due-by` (a limit) or `not-before` (an earliest day).
    pub kind: String,
    /// The date.
    pub due: Date,
    /// When it was met, if it was.
    pub met_on: Option<Date>,
    /// Where it stands today, in words.
    pub state: String,
    /// How the date was worked out.
    pub explanation: String,
    /// `statutory` or `local` working days.
    pub counting: String,
}

/// A case's deadlines, as its page shows them. Its read is written to the access log first.
#[utoipa::path(get, path = "/cases/{case_id}/deadlines", tag = "cases",
    params(("case_id" = Uuid, Path, description = "The case")),
    responses((status = 200, body = Vec<DeadlineItem>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 410, body = Problem)),
    security(("bearer" = [])))]
pub async fn deadlines(
    ApiCase(state, access, source, read_models): ApiCase,
) -> Result<axum::Json<Vec<DeadlineItem>>, Problem> {
    let (case, _) =
        reader::load_case_shared(&state, &access, "api-view-deadlines", &source).await?;
    let app = state.app();
    let today = state.today();
    let agencies = super::agencies(&state, &access, read_models).await?;
    let items = cspr_domain::deadlines::deadlines(&case, app.calendar(), app.settings(), today)
        .into_iter()
        .map(|d| {
            let label = cspr_app::cases::deadline_label(&d, &agencies);
            DeadlineItem {
                state: d.state_line(today, app.calendar()),
                kind: match d.kind {
                    cspr_domain::deadlines::DeadlineKind::DueBy => "due-by",
                    cspr_domain::deadlines::DeadlineKind::NotBefore => "not-before",
                }
                .to_owned(),
                counting: d.counting.label().to_owned(),
                key: d.key,
                label,
                due: d.due,
                met_on: d.met_on,
                explanation: d.explanation,
            }
        })
        .collect();
    Ok(axum::Json(items))
}

/// One request to one agency for a contribution, and where it stands (not its content).
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestItem {
    /// What was asked for (`agency-summary`, `scoping-form`, `agency-report`, `chronology`,
    /// `factual-accuracy`).
    pub kind: String,
    /// From which agency.
    pub agency_id: Uuid,
    /// The agency's name.
    pub agency: String,
    /// When it was asked for.
    pub requested_on: Date,
    /// When it is due.
    pub due_on: Date,
    /// `requested`, `received` or `waived`.
    pub status: String,
    /// When it was received.
    pub received_on: Option<Date>,
    /// Whether the agency has a response saved but not sent.
    pub draft_saved: bool,
}

/// The case's requests for contributions, by kind then agency. Its read is written to the
/// access log first. Contributions arrive with the `receive-contribution` command.
#[utoipa::path(get, path = "/cases/{case_id}/requests", tag = "cases",
    params(("case_id" = Uuid, Path, description = "The case")),
    responses((status = 200, body = Vec<RequestItem>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 410, body = Problem)),
    security(("bearer" = [])))]
pub async fn requests(
    ApiCase(state, access, source, read_models): ApiCase,
) -> Result<axum::Json<Vec<RequestItem>>, Problem> {
    use cspr_domain::case::model::ContributionStatus;
    let (case, _) = reader::load_case_shared(&state, &access, "api-view-requests", &source).await?;
    let agencies = super::agencies(&state, &access, read_models).await?;
    let items = case
        .contributions
        .values()
        .map(|r| {
            let (status, received_on) = match &r.status {
                ContributionStatus::Requested => ("requested", None),
                ContributionStatus::Received { on, .. } => ("received", Some(*on)),
                ContributionStatus::Waived { .. } => ("waived", None),
            };
            RequestItem {
                kind: r.kind.slug().to_owned(),
                agency_id: r.agency.as_uuid(),
                agency: agencies
                    .iter()
                    .find(|a| a.id == r.agency.as_uuid())
                    .map_or_else(|| "An agency".to_owned(), |a| a.name.clone()),
                requested_on: r.requested_on,
                due_on: r.due_on,
                status: status.to_owned(),
                received_on,
                draft_saved: r.draft.is_some(),
            }
        })
        .collect();
    Ok(axum::Json(items))
}
