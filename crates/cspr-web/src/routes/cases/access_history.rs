//! The access history of a case: who looked at it (the partnership team).

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use uuid::Uuid;

use crate::WebError;
use crate::extract::OnCase;
use crate::layout::Chrome;
use crate::reader::{self};

#[derive(Template)]
#[template(path = "pages/access_history.html")]
struct AccessHistoryPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    rows: Vec<(String, String, String, String)>,
}

/// Who looked at the case.
pub async fn access_history(OnCase(state, access, source): OnCase) -> Result<Response, WebError> {
    reader::audit(&state, &access, "view-access-history", &source).await?;
    let mut entries = state
        .store()
        .access_log_for_case(access.case_id().as_uuid())
        .await?;
    entries.reverse();
    let users = state
        .store()
        .users(access.principal().partnership_id.as_uuid())
        .await?;
    let name = |actor: &str| {
        users
            .iter()
            .find(|u| u.id.to_string() == actor)
            .map_or_else(|| "Unknown".to_owned(), |u| u.display_name.clone())
    };
    let rows = entries
        .into_iter()
        .map(|e| {
            let when = cspr_app::in_england(e.at)
                .format(time::macros::format_description!(
                    "[day] [month repr:long] [year], [hour]:[minute]"
                ))
                .unwrap_or_default();
            (when, name(&e.actor), e.action, e.source_ip)
        })
        .collect();
    let page = AccessHistoryPage {
        chrome: Chrome::signed_in(&state, access.principal(), "/cases"),
        case_id: access.case_id().as_uuid(),
        reference: access.summary().reference.clone(),
        rows,
    };
    Ok(Html(page.render()?).into_response())
}
