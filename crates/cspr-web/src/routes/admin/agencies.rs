//! The partnership's agencies: the list and adding one.

use crate::ValidForm;
use crate::extract::Signed;
use askama::Template;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_domain::agency::AgencyKind;
use cspr_store::AgencyRow;
use serde::Deserialize;
use uuid::Uuid;

use super::audit;
use crate::access::Principal;
use crate::layout::Chrome;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "pages/agencies.html")]
struct AgenciesPage {
    chrome: Chrome,
    agencies: Vec<(String, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    errors: Vec<(&'static str, String)>,
    name: String,
}

fn kind_key(k: AgencyKind) -> &'static str {
    match k {
        AgencyKind::Police => "police",
        AgencyKind::HealthProvider => "health-provider",
        AgencyKind::IntegratedCareBoard => "integrated-care-board",
        AgencyKind::ChildrensSocialCare => "childrens-social-care",
        AgencyKind::Education => "education",
        AgencyKind::Probation => "probation",
        AgencyKind::Other => "other",
    }
}

async fn agencies_page(
    state: &AppState,
    p: &Principal,
    errors: Vec<(&'static str, String)>,
    name: String,
) -> Result<Response, WebError> {
    let agencies = state
        .store()
        .agencies(p.partnership_id.as_uuid())
        .await?
        .into_iter()
        .map(|a| {
            let kind = AgencyKind::ALL
                .into_iter()
                .find(|k| kind_key(*k) == a.kind)
                .map_or("Other agency", AgencyKind::label);
            (a.name, kind)
        })
        .collect();
    let page = AgenciesPage {
        chrome: Chrome::signed_in(state, p, "/admin"),
        agencies,
        kinds: AgencyKind::ALL
            .iter()
            .map(|k| (kind_key(*k), k.label()))
            .collect(),
        errors,
        name,
    };
    Ok(Html(page.render()?).into_response())
}

/// The agencies.
pub async fn agencies(Signed(state, p, _): Signed) -> Result<Response, WebError> {
    agencies_page(&state, &p, Vec::new(), String::new()).await
}

/// The agency form as posted.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct AgencyForm {
    name: String,
    kind: String,
}

/// Adds an agency.
pub async fn agency_submit(
    Signed(state, p, source): Signed,
    ValidForm(form): ValidForm<AgencyForm>,
) -> Result<Response, WebError> {
    let name = form.name.trim().to_owned();
    let mut errors = Vec::new();
    if name.is_empty() || name.len() > 200 {
        errors.push((
            "name",
            "Enter the agency's name (200 characters or fewer)".to_owned(),
        ));
    }
    let kind = AgencyKind::ALL
        .into_iter()
        .find(|k| kind_key(*k) == form.kind);
    if kind.is_none() {
        errors.push(("kind", "Choose the type of agency".to_owned()));
    }
    let (Some(kind), true) = (kind, errors.is_empty()) else {
        return agencies_page(&state, &p, errors, name).await;
    };
    let id = Uuid::new_v4();
    state
        .store()
        .upsert_agency(AgencyRow {
            id,
            partnership_id: p.partnership_id.as_uuid(),
            kind: kind_key(kind).to_owned(),
            name,
            active: true,
        })
        .await?;
    audit(&state, &p, "agency-added", format!("agency {id}"), &source).await?;
    Ok(Redirect::to("/admin/agencies").into_response())
}
