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

/// Who the request comes from, for the access log and the per-address throttle: the
/// connection's address, or, when that is one of the `trusted` proxies, the client address the
/// proxies added to `X-Forwarded-For` (the last one not itself a trusted proxy; an address a
/// client wrote there itself comes before the proxies' and is never believed).
pub(crate) fn source(request: &Request, trusted: &[std::net::IpAddr]) -> Source {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded: Vec<&str> = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    Source(client_address(peer, &forwarded.join(","), trusted))
}

/// The client's address from the connection's `peer` and the `X-Forwarded-For` list, given the
/// trusted proxies; "unknown" when there is none to be had.
#[must_use]
pub fn client_address(
    peer: Option<std::net::IpAddr>,
    forwarded_for: &str,
    trusted: &[std::net::IpAddr],
) -> String {
    let Some(peer) = peer else {
        return "unknown".to_owned();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    // Right to left: each trusted proxy appended the address it saw.
    for hop in forwarded_for.rsplit(',').map(str::trim) {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => {}
            Ok(ip) => return ip.to_string(),
            // Garbage where an address should be: the chain cannot be followed further.
            Err(_) => return peer.to_string(),
        }
    }
    peer.to_string()
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
    let src = source(&request, &state.config().trusted_proxies);
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
    // With the partnership's "passkeys only" setting, someone it binds who has no passkey yet
    // adds one before anything else (issue 16).
    let template = matched_route(&request);
    let enrolling = ["/account", "/confirm-identity", "/sign-out"]
        .iter()
        .any(|p| template.starts_with(p));
    if !enrolling {
        match crate::routes::passkeys::must_add_one(&state, &live, role).await {
            Ok(true) => return Redirect::to("/account/passkeys?required=1").into_response(),
            Ok(false) => {}
            Err(e) => return WebError::from(e).into_response(),
        }
    }
    let principal = Principal {
        user_id: UserId::from_uuid(live.user.id),
        partnership_id: PartnershipId::from_uuid(live.user.partnership_id),
        role,
        agency_id: live.user.agency_id.map(AgencyId::from_uuid),
        display_name: live.user.display_name.clone(),
        session: session::token_hash(&session::token_from(request.headers()).unwrap_or_default()),
    };
    let outcome = match check_rule(&state, &principal, rule, &params).await {
        Ok(Some(access)) => {
            request.extensions_mut().insert(access);
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(NoCase) => return WebError::NotFound.into_response(),
        Err(Refused(d)) => Err(d),
    };
    if let Err(denied) = outcome {
        let detail = format!("{} {}", request.method(), matched_route(&request));
        if let Err(e) = log_refusal(&state, &principal, &params, detail, &src).await {
            return WebError::from(e).into_response();
        }
        return match denied {
            Denied::NotFound => WebError::NotFound.into_response(),
            Denied::Forbidden | Denied::SignedOut => WebError::Forbidden.into_response(),
        };
    }
    // A sensitive change needs a recent proof of who they are (ASVS 7.5.3).
    if crate::routes::stepup::needed(request.method().as_str(), &template)
        && !crate::routes::stepup::fresh(live.session.reauth_at, state.now())
    {
        let back = crate::routes::stepup::back_to(request.uri().path(), &template);
        return Redirect::to(&format!(
            "/confirm-identity?next={}",
            crate::routes::stepup::safe_next(&back)
        ))
        .into_response();
    }
    request.extensions_mut().insert(principal);
    request.extensions_mut().insert(live);
    next.run(request).await
}

/// Why a rule was not passed.
pub(crate) enum Refusal {
    /// The path names no case (or not as an id).
    NoCase,
    /// The policy refused.
    Refused(Denied),
}
use Refusal::{NoCase, Refused};

/// Judges a signed-in person (or an API token's) against a route's rule: the case capability
/// for a case route, nothing more for the others. One judgement for the pages and the API.
pub(crate) async fn check_rule(
    state: &AppState,
    principal: &Principal,
    rule: Rule,
    params: &RawPathParams,
) -> Result<Option<crate::access::CaseAccess>, Refusal> {
    match rule {
        Rule::Public | Rule::FirstFactor | Rule::SignedIn => Ok(None),
        Rule::Roles(roles) => {
            if roles.contains(&principal.role)
                && principal.partnership_id == state.config().partnership_id
            {
                Ok(None)
            } else {
                Err(Refused(Denied::Forbidden))
            }
        }
        Rule::Case(need) => {
            let case_id = param(params, "case_id").ok_or(NoCase)?;
            let agency = param(params, "agency_id").map(AgencyId::from_uuid);
            authorize_case(
                state.store(),
                principal,
                CaseId::from_uuid(case_id),
                need,
                agency,
            )
            .await
            .map(Some)
            .map_err(Refused)
        }
    }
}

/// Writes a refusal of a signed-in person (or an API token's) to the access log.
pub(crate) async fn log_refusal(
    state: &AppState,
    principal: &Principal,
    params: &RawPathParams,
    detail: String,
    src: &Source,
) -> Result<(), cspr_store::StoreError> {
    state
        .store()
        .log_access(NewAccessEntry {
            actor: principal.user_id.to_string(),
            action: "authorisation-refused".to_owned(),
            case_id: param(params, "case_id"),
            detail,
            source_ip: src.0.clone(),
            at: state.now(),
        })
        .await
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

#[cfg(test)]
mod tests {
    use super::client_address;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    /// Issue 16, finding 7: behind a trusted proxy each client has its own address (so its own
    /// throttling key and access-log source); a header from anyone else, or an address a client
    /// wrote into the header itself, is not believed.
    #[test]
    fn the_client_address_is_believed_from_trusted_proxies_only() {
        let proxy = ip("10.0.0.2");
        let trusted = [proxy, ip("10.0.0.3")];
        // No proxy configured: the connection's address, whatever the header says.
        assert_eq!(client_address(Some(proxy), "203.0.113.7", &[]), "10.0.0.2");
        // A client talking directly cannot choose its address.
        assert_eq!(
            client_address(Some(ip("198.51.100.9")), "203.0.113.7", &trusted),
            "198.51.100.9"
        );
        // Through the proxy: the address it saw.
        assert_eq!(
            client_address(Some(proxy), "203.0.113.7", &trusted),
            "203.0.113.7"
        );
        // Two proxies deep; a forged first entry is skipped.
        assert_eq!(
            client_address(Some(proxy), "1.2.3.4, 203.0.113.7, 10.0.0.3", &trusted),
            "203.0.113.7"
        );
        // Nothing usable in the header: the proxy's own address.
        assert_eq!(client_address(Some(proxy), "", &trusted), "10.0.0.2");
        assert_eq!(
            client_address(Some(proxy), "not-an-address", &trusted),
            "10.0.0.2"
        );
        assert_eq!(client_address(None, "203.0.113.7", &trusted), "unknown");
    }
}
