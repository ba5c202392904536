//! One agency's contributions to a case (that agency and the team).

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use cspr_domain::case::model::ContributionStatus;
use uuid::Uuid;

use crate::WebError;
use crate::extract::OnCase;
use crate::layout::Chrome;
use crate::reader::{self};

#[derive(Template)]
#[template(path = "pages/contributions.html")]
struct ContributionsPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    agency: String,
    items: Vec<(String, String)>,
}

/// One agency's contributions to the case (its drafts are its own).
pub async fn agency_contributions(
    OnCase(state, access, source): OnCase,
) -> Result<Response, WebError> {
    let (case, _) =
        reader::load_case(&state, &access, "view-agency-contributions", &source).await?;
    let Some(agency) = access.agency() else {
        return Err(WebError::NotFound);
    };
    let agencies = state
        .store()
        .agencies(access.principal().partnership_id.as_uuid())
        .await?;
    let agency_name = agencies
        .iter()
        .find(|a| a.id == agency.as_uuid())
        .map_or_else(|| "this agency".to_owned(), |a| a.name.clone());
    let items = case
        .contributions
        .values()
        .filter(|r| r.agency == agency)
        .map(|r| {
            let status = match &r.status {
                ContributionStatus::Requested => {
                    format!("Requested, due {}", cspr_domain::words::long_date(r.due_on))
                }
                ContributionStatus::Received { on, contribution } => format!(
                    "Received {}: {}",
                    cspr_domain::words::long_date(*on),
                    contribution.text.as_str()
                ),
                ContributionStatus::Waived { reason } => format!("Not needed: {}", reason.as_str()),
            };
            let kind = r.kind.label();
            (
                format!("{}{}", kind[..1].to_uppercase(), &kind[1..]),
                status,
            )
        })
        .collect();
    let page = ContributionsPage {
        chrome: Chrome::signed_in(&state, access.principal(), "/cases"),
        case_id: access.case_id().as_uuid(),
        reference: access.summary().reference.clone(),
        agency: agency_name,
        items,
    };
    Ok(Html(page.render()?).into_response())
}
