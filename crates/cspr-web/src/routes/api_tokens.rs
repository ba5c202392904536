//! Your access tokens of the JSON API (issue 18): the personal access tokens made for your
//! account (`cspr api-token create`), when each expires and was last used, and a button to
//! revoke each. A token's secret is never shown again.

use askama::Template;
use axum::extract::{Extension, Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::access::Principal;
use crate::extract::Session;
use crate::layout::Chrome;
use crate::{AppState, WebError};

struct TokenView {
    id: Uuid,
    label: String,
    created: String,
    expires: String,
    last_used: String,
    standing: bool,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "pages/api_tokens.html")]
struct TokensPage {
    chrome: Chrome,
    tokens: Vec<TokenView>,
    revoked: bool,
}

fn when(at: OffsetDateTime) -> String {
    cspr_domain::words::long_date(cspr_app::date_in_england(at))
}

/// What the page was sent back with.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Shown {
    revoked: Option<String>,
}

/// The page.
pub async fn page(
    Session(state, _, _): Session,
    Extension(p): Extension<Principal>,
    Query(q): Query<Shown>,
) -> Result<Response, WebError> {
    let now = state.now();
    let tokens = cspr_app::accounts::api::tokens(&state, p.user_id)
        .await?
        .into_iter()
        .map(|t| {
            let (standing, status) = match (t.revoked_at, t.expires_at <= now) {
                (Some(_), _) => (false, "Revoked"),
                (None, true) => (false, "Expired"),
                (None, false) => (true, "Active"),
            };
            TokenView {
                id: t.id,
                label: t.label,
                created: when(t.created_at),
                expires: when(t.expires_at),
                last_used: t.last_used_at.map_or_else(|| "Not yet".to_owned(), when),
                standing,
                status,
            }
        })
        .collect();
    let page = TokensPage {
        chrome: Chrome::signed_in(&state, &p, "/account"),
        tokens,
        revoked: q.revoked.is_some(),
    };
    Ok(Html(page.render()?).into_response())
}

/// Revokes one of your tokens.
pub async fn revoke(
    Session(state, live, source): Session,
    Extension(p): Extension<Principal>,
    Path(token_id): Path<Uuid>,
) -> Result<Response, WebError> {
    if !cspr_app::accounts::api::revoke(&state, p.user_id, token_id).await? {
        return Err(WebError::NotFound);
    }
    log(&state, &live, &source, token_id).await?;
    Ok(Redirect::to("/account/api-tokens?revoked=1").into_response())
}

async fn log(
    state: &AppState,
    live: &crate::session::Live,
    source: &crate::reader::Source,
    token_id: Uuid,
) -> Result<(), WebError> {
    cspr_app::reader::log_event(
        state,
        live.user.id.to_string(),
        "api-token-revoked",
        format!("token {token_id}"),
        source,
    )
    .await?;
    Ok(())
}
