//! `GET /admin/approvals` and `POST /admin/approvals/{grant_id}`: requests for a role that sees
//! every case, for a second person to approve or refuse (issue 16, finding 3). Administrators
//! and the partnership team see them; the one who asked and the account itself cannot decide
//! (`cspr_app::accounts::grants`). Both people are in the access log.

use askama::Template;
use axum::extract::Path;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_app::accounts::grants::{self, GrantError};
use serde::Deserialize;
use uuid::Uuid;

use super::audit;
use crate::access::{Principal, Role};
use crate::extract::Signed;
use crate::layout::Chrome;
use crate::{AppState, ValidForm, WebError};

/// One request as the page lists it.
struct Pending {
    id: Uuid,
    who: String,
    role: &'static str,
    asked_by: String,
    asked_on: String,
    opens: bool,
    /// Whether the person reading may decide it (not theirs, not about them).
    may_decide: bool,
}

#[derive(Template)]
#[template(path = "pages/approvals.html")]
struct ApprovalsPage {
    chrome: Chrome,
    pending: Vec<Pending>,
    banner: Option<String>,
    error: Option<String>,
}

/// The decision as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Decision {
    decision: String,
}

async fn page(
    state: &AppState,
    p: &Principal,
    banner: Option<String>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let store = state.store();
    let partnership = p.partnership_id.as_uuid();
    let users = store.users(partnership).await?;
    let name = |id: Uuid| {
        users.iter().find(|u| u.id == id).map_or_else(
            || "Someone".to_owned(),
            |u| format!("{} ({})", u.display_name, u.email),
        )
    };
    let me = p.user_id.as_uuid();
    let pending = store
        .pending_role_grants(partnership)
        .await?
        .into_iter()
        .map(|g| Pending {
            id: g.id,
            who: name(g.user_id),
            role: Role::parse(&g.role).map_or("Unknown", Role::label),
            asked_by: name(g.requested_by),
            asked_on: cspr_domain::words::long_date(g.requested_at.date()),
            opens: g.opens_account,
            may_decide: me != g.requested_by && me != g.user_id,
        })
        .collect();
    let view = ApprovalsPage {
        chrome: Chrome::signed_in(state, p, "/admin"),
        pending,
        banner,
        error,
    };
    let status = if view.error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Html(view.render()?)).into_response())
}

/// Approves or refuses one request.
pub async fn record_decision(
    Signed(state, p, source): Signed,
    Path(grant_id): Path<Uuid>,
    ValidForm(form): ValidForm<Decision>,
) -> Result<Response, WebError> {
    let approve = match form.decision.as_str() {
        "approve" => true,
        "refuse" => false,
        _ => {
            return page(
                &state,
                &p,
                None,
                Some("Choose to approve or refuse".to_owned()),
            )
            .await;
        }
    };
    match grants::settle(state.services(), &p, grant_id, approve).await {
        Ok(done) => {
            audit(
                &state,
                &p,
                if approve {
                    "role-grant-approved"
                } else {
                    "role-grant-refused"
                },
                format!(
                    "request {grant_id}: user {} as {}, asked by {}",
                    done.grant.user_id, done.grant.role, done.grant.requested_by
                ),
                &source,
            )
            .await?;
            let opened = if done.opened_account {
                state.store().user_by_id(done.grant.user_id).await?
            } else {
                None
            };
            if let Some(user) =
                opened.filter(|u| u.password_hash.is_none() && u.oidc_subject.is_none())
            {
                super::users::send_activation(&state, &p, &source, user.id, &user.email).await?;
            }
            Ok(Redirect::to(if approve {
                "/admin/approvals?done=approved"
            } else {
                "/admin/approvals?done=refused"
            })
            .into_response())
        }
        Err(GrantError::NotFound) => Err(WebError::NotFound),
        Err(GrantError::App(e)) => Err(e.into()),
        Err(e @ (GrantError::SamePerson | GrantError::NotAllowed)) => {
            audit(
                &state,
                &p,
                "authorisation-refused",
                format!("decide role request {grant_id}: {e}"),
                &source,
            )
            .await?;
            page(&state, &p, None, Some(e.to_string())).await
        }
    }
}

/// The banner after a decision.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Done {
    done: String,
}

/// The requests waiting, with the banner of the decision just made, if any.
pub async fn approvals_after(
    Signed(state, p, _): Signed,
    axum::extract::Query(q): axum::extract::Query<Done>,
) -> Result<Response, WebError> {
    let banner = match q.done.as_str() {
        "approved" => Some("The request is approved: the role applies now".to_owned()),
        "refused" => Some("The request is refused: nothing changed".to_owned()),
        _ => None,
    };
    page(&state, &p, banner, None).await
}
