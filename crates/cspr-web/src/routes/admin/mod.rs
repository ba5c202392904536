//! Administration: accounts and roles (system administrators), agencies and the partnership's
//! settings — closure days, local timescales, the meeting calendar (partnership team).
//!
//! One module per resource: [`users`] (accounts and roles), [`agencies`] and [`settings`]. This
//! module holds the start page and the audit entry every change writes.

pub mod agencies;
pub mod approvals;
pub mod settings;
pub mod users;

use askama::Template;
use axum::response::{Html, IntoResponse, Response};

use crate::access::{Principal, Role};
use crate::extract::Signed;
use crate::layout::Chrome;
use crate::reader::Source;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "pages/admin.html")]
struct AdminIndex {
    chrome: Chrome,
    users: bool,
    settings: bool,
    approvals: bool,
    subject_access: bool,
}

async fn audit(
    state: &AppState,
    p: &Principal,
    action: &str,
    detail: String,
    source: &Source,
) -> Result<(), WebError> {
    Ok(crate::reader::log_event(state, p.user_id.to_string(), action, detail, source).await?)
}

/// The administration start page.
pub async fn index(Signed(state, p, _): Signed) -> Result<Response, WebError> {
    let page = AdminIndex {
        chrome: Chrome::signed_in(&state, &p, "/admin"),
        users: p.role == Role::SystemAdministrator,
        settings: p.role == Role::PartnershipTeam,
        approvals: cspr_app::accounts::grants::may_approve(p.role),
        subject_access: cspr_app::subject_access::may_search(&p),
    };
    Ok(Html(page.render()?).into_response())
}
