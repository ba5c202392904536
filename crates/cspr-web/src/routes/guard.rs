//! The guard every route passes first: it enforces the route's rule from the table, puts the
//! `Principal` (and the `CaseAccess`) into the request for the handler, and writes refusals of
//! signed-in people to the access log.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, RawPathParams, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use cspr_domain::ids::{AgencyId, CaseId, PartnershipId, UserId};
use cspr_store::NewAccessEntry;
use uuid::Uuid;

use crate::access::{Denied, Principal, Role, Rule, authorize_case};
use crate::reader::Source;
use crate::session::{self, Ended};
use crate::{AppState, WebError};

/// Who the request comes from, for logs.
pub(crate) fn source(request: &Request) -> Source {
    Source(
        request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string()),
    )
}

fn param(params: &RawPathParams, name: &str) -> Option<Uuid> {
    params
        .iter()
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| Uuid::parse_str(v).ok())
}

/// Enforces a route's rule; puts the `Principal` (and the `CaseAccess`) into the request for the
/// handler. Refusals of signed-in people are written to the access log.
pub(super) async fn guard(
    State((state, rule)): State<(AppState, Rule)>,
    params: RawPathParams,
    mut request: Request,
    next: Next,
) -> Response {
    let src = source(&request);
    request.extensions_mut().insert(src.clone());
    if rule == Rule::Public {
        return next.run(request).await;
    }
    let live = match session::load(&state, request.headers()).await {
        Ok(Ok(live)) => live,
        Ok(Err(ended)) => return signed_out(&request, ended),
        Err(e) => return WebError::from(e).into_response(),
    };
    if rule == Rule::FirstFactor {
        request.extensions_mut().insert(live);
        return next.run(request).await;
    }
    if !live.session.mfa_done {
        return Redirect::to("/sign-in/two-factor").into_response();
    }
    let Some(role) = Role::parse(&live.user.role) else {
        // An account whose role this build does not know: refused, and the refusal recorded.
        let entry = NewAccessEntry {
            actor: live.user.id.to_string(),
            action: "authorisation-refused".to_owned(),
            case_id: param(&params, "case_id"),
            detail: format!(
                "{} {} (unknown role)",
                request.method(),
                matched_route(&request)
            ),
            source_ip: src.0,
            at: state.now(),
        };
        if let Err(e) = state.store().log_access(entry).await {
            return WebError::from(e).into_response();
        }
        return WebError::Forbidden.into_response();
    };
    let principal = Principal {
        user_id: UserId::from_uuid(live.user.id),
        partnership_id: PartnershipId::from_uuid(live.user.partnership_id),
        role,
        agency_id: live.user.agency_id.map(AgencyId::from_uuid),
        display_name: live.user.display_name.clone(),
        session: session::token_hash(&session::token_from(request.headers()).unwrap_or_default()),
    };
    let outcome = match rule {
        Rule::Public | Rule::FirstFactor | Rule::SignedIn => Ok(()),
        Rule::Roles(roles) => {
            if roles.contains(&role) && principal.partnership_id == state.config().partnership_id {
                Ok(())
            } else {
                Err(Denied::Forbidden)
            }
        }
        Rule::Case(need) => {
            let Some(case_id) = param(&params, "case_id") else {
                return WebError::NotFound.into_response();
            };
            let agency = param(&params, "agency_id").map(AgencyId::from_uuid);
            match authorize_case(
                state.store(),
                &principal,
                CaseId::from_uuid(case_id),
                need,
                agency,
            )
            .await
            {
                Ok(access) => {
                    request.extensions_mut().insert(access);
                    Ok(())
                }
                Err(d) => Err(d),
            }
        }
    };
    if let Err(denied) = outcome {
        let entry = NewAccessEntry {
            actor: principal.user_id.to_string(),
            action: "authorisation-refused".to_owned(),
            case_id: param(&params, "case_id"),
            detail: format!("{} {}", request.method(), matched_route(&request)),
            source_ip: src.0,
            at: state.now(),
        };
        if let Err(e) = state.store().log_access(entry).await {
            return WebError::from(e).into_response();
        }
        return match denied {
            Denied::NotFound => WebError::NotFound.into_response(),
            Denied::Forbidden | Denied::SignedOut => WebError::Forbidden.into_response(),
        };
    }
    request.extensions_mut().insert(principal);
    request.extensions_mut().insert(live);
    next.run(request).await
}

fn matched_route(request: &Request) -> String {
    request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "?".to_owned(), |m| m.as_str().to_owned())
}

/// Not signed in: pages send people to sign in (saying why when the session ran out); other
/// methods get a plain refusal.
fn signed_out(request: &Request, ended: Ended) -> Response {
    let response = if request.method() == Method::GET {
        let to = match ended {
            Ended::Idle | Ended::Absolute => "/sign-in?ended=timeout",
            Ended::Disabled | Ended::None => "/sign-in",
        };
        Redirect::to(to).into_response()
    } else {
        WebError::SignedOut.into_response()
    };
    if ended == Ended::None {
        response
    } else {
        session::with_cookie(response, &session::clear_cookie())
    }
}
