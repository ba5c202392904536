//! The JSON API under `/api/v1` (issue 18): the same application services and access policy
//! as the pages, for other systems. A request carries a personal access token or a client's
//! access token (`Authorization: Bearer`, [`cspr_app::accounts::api`]); every route has a rule
//! in one table ([`ROUTES`]) enforced by one guard, as the pages' are; every read of a case is
//! written to the access log first; errors are RFC 9457 problem details ([`problem`]); a command
//! carries the case's version in `If-Match`. The description (OpenAPI 3.1) is generated from
//! the handlers ([`docs`]) and served at `/api/v1/openapi.json`.

pub mod cases;
pub mod docs;
pub mod documents;
pub mod problem;
pub mod progress;
pub mod token;
pub mod work;

use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request, State};
use axum::http::request::Parts;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use cspr_app::accounts::api::Caller;

use crate::AppState;
use crate::access::{CaseAccess, CaseNeed, Denied, Rule};
use crate::reader::Source;
pub use problem::Problem;

/// Where the API lives.
pub const PREFIX: &str = "/api/v1";

/// One route of the API: method, path under [`PREFIX`], rule.
#[derive(Debug, Clone, Copy)]
pub struct ApiRoute {
    /// GET or POST.
    pub method: &'static str,
    /// The axum path under the prefix.
    pub path: &'static str,
    /// Who may use it: `Public`, `SignedIn` (any valid token), `Roles` or `Case`.
    pub rule: Rule,
}

const fn r(method: &'static str, path: &'static str, rule: Rule) -> ApiRoute {
    ApiRoute { method, path, rule }
}

const READ: Rule = Rule::Case(CaseNeed::Read);

/// Every route of the API and its rule: the API's half of the policy table of
/// docs/SECURITY.md. The authorisation-matrix test walks it with a token of every role.
pub const ROUTES: &[ApiRoute] = &[
    r("GET", "/openapi.json", Rule::Public),
    r("GET", "/problems", Rule::Public),
    r("POST", "/oauth/token", Rule::Public),
    r("GET", "/me", Rule::SignedIn),
    r(
        "GET",
        "/cases",
        Rule::Roles(cspr_app::policy::pages::CASEWORK),
    ),
    r(
        "POST",
        "/cases",
        Rule::Roles(cspr_app::policy::pages::OPEN_CASES),
    ),
    r("GET", "/cases/{case_id}", READ),
    r("GET", "/cases/{case_id}/timeline", READ),
    r("GET", "/cases/{case_id}/deadlines", READ),
    r("GET", "/cases/{case_id}/requests", READ),
    r("POST", "/cases/{case_id}/commands", READ),
    r(
        "POST",
        "/cases/{case_id}/documents/{document}/exports",
        READ,
    ),
    r("GET", "/cases/{case_id}/documents/{document}/exports", READ),
    r(
        "GET",
        "/cases/{case_id}/documents/{document}/exports/{export_id}",
        READ,
    ),
    r(
        "GET",
        "/actions",
        Rule::Roles(cspr_app::policy::pages::CASEWORK),
    ),
    r(
        "GET",
        "/figures",
        Rule::Roles(cspr_app::policy::pages::FIGURES),
    ),
    r(
        "GET",
        "/library",
        Rule::Roles(cspr_app::policy::pages::CASEWORK),
    ),
];

fn handler(method: &str, path: &str) -> Option<MethodRouter<AppState>> {
    Some(match (method, path) {
        ("GET", "/openapi.json") => get(docs::openapi),
        ("GET", "/problems") => get(docs::problems),
        ("POST", "/oauth/token") => post(token::token),
        ("GET", "/me") => get(cases::me),
        ("GET", "/cases") => get(cases::list),
        ("POST", "/cases") => post(cases::open),
        ("GET", "/cases/{case_id}") => get(cases::read),
        ("GET", "/cases/{case_id}/timeline") => get(cases::timeline),
        ("GET", "/cases/{case_id}/deadlines") => get(progress::deadlines),
        ("GET", "/cases/{case_id}/requests") => get(progress::requests),
        ("POST", "/cases/{case_id}/commands") => post(cases::command),
        ("POST", "/cases/{case_id}/documents/{document}/exports") => post(documents::export),
        ("GET", "/cases/{case_id}/documents/{document}/exports") => get(documents::exports),
        ("GET", "/cases/{case_id}/documents/{document}/exports/{export_id}") => {
            get(documents::download)
        }
        ("GET", "/actions") => get(work::actions),
        ("GET", "/figures") => get(work::figures),
        ("GET", "/library") => get(work::library),
        _ => return None,
    })
}

/// The API's router, to be nested under [`PREFIX`]: every route of the table behind its rule,
/// and a problem for anything else.
///
/// # Panics
/// When a table row has no handler: a programming error caught by every test.
pub fn router(state: AppState) -> Router<AppState> {
    let mut router: Router<AppState> = Router::new();
    for spec in ROUTES {
        let Some(h) = handler(spec.method, spec.path) else {
            panic!("API route {} {} has no handler", spec.method, spec.path);
        };
        let guarded = h
            .route_layer(middleware::from_fn_with_state(
                (state.clone(), spec.rule),
                guard,
            ))
            .route_layer(middleware::from_fn_with_state(
                state.clone(),
                crate::metrics::track,
            ));
        router = router.route(spec.path, guarded);
    }
    router
        .fallback(|| async { Problem::new("not-found") })
        .method_not_allowed_fallback(|| async { Problem::new("method-not-allowed") })
}

fn bearer(request: &Request) -> Option<&str> {
    let value = request
        .headers()
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Enforces an API route's rule with the request's token; puts the [`Caller`] (and the
/// [`CaseAccess`]) into the request. Refusals of a known caller are written to the access log;
/// an unknown token is answered 401 whatever the reason, which goes to the log of the service.
async fn guard(
    State((state, rule)): State<(AppState, Rule)>,
    params: RawPathParams,
    mut request: Request,
    next: Next,
) -> Response {
    let src = crate::routes::guard::source(&request, &state.config().trusted_proxies);
    request.extensions_mut().insert(src.clone());
    if rule == Rule::Public {
        return next.run(request).await;
    }
    let Some(token) = bearer(&request) else {
        return Problem::new("unauthenticated")
            .detail(
                "Send a personal access token or a client's access token as Authorization: Bearer.",
            )
            .into_response();
    };
    let caller = match cspr_app::accounts::api::authenticate(&state, token).await {
        Ok(Ok(caller)) => caller,
        Ok(Err(why)) => {
            tracing::info!(reason = why.key(), "API token refused");
            return Problem::new("unauthenticated").into_response();
        }
        Err(e) => return Problem::from(e).into_response(),
    };
    let principal = &caller.principal;
    let template = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(String::new, |m| m.as_str().to_owned());
    let outcome = match crate::routes::guard::check_rule(&state, principal, rule, &params).await {
        Ok(Some(access)) => {
            request.extensions_mut().insert(access);
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(crate::routes::guard::Refusal::NoCase) => {
            return Problem::new("not-found").into_response();
        }
        Err(crate::routes::guard::Refusal::Refused(d)) => Err(d),
    };
    if let Err(denied) = outcome {
        let detail = format!("API {} {template}", request.method());
        if let Err(e) =
            crate::routes::guard::log_refusal(&state, principal, &params, detail, &src).await
        {
            return Problem::from(e).into_response();
        }
        return match denied {
            Denied::NotFound => Problem::new("not-found").into_response(),
            Denied::Forbidden | Denied::SignedOut => Problem::new("forbidden").into_response(),
        };
    }
    request.extensions_mut().insert(caller);
    next.run(request).await
}

/// A request with a valid token: the state, the caller and where it came from.
#[derive(Debug)]
pub struct ApiCall(pub AppState, pub Caller, pub Source);

impl FromRequestParts<AppState> for ApiCall {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let caller = parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| Problem::new("unauthenticated"))?;
        let source = parts
            .extensions
            .get::<Source>()
            .cloned()
            .unwrap_or_else(|| Source("unknown".to_owned()));
        Ok(Self(state.clone(), caller, source))
    }
}

/// A request on a case the caller may read: the state, the case capability, the source and
/// the read models' version read with the token (what the partnership's agencies are kept at).
#[derive(Debug)]
pub struct ApiCase(pub AppState, pub CaseAccess, pub Source, pub i64);

impl FromRequestParts<AppState> for ApiCase {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let access = parts
            .extensions
            .get::<CaseAccess>()
            .cloned()
            .ok_or_else(|| Problem::new("not-found"))?;
        let read_models = parts
            .extensions
            .get::<Caller>()
            .map(|c| c.read_models)
            .ok_or_else(|| Problem::new("unauthenticated"))?;
        let source = parts
            .extensions
            .get::<Source>()
            .cloned()
            .unwrap_or_else(|| Source("unknown".to_owned()));
        Ok(Self(state.clone(), access, source, read_models))
    }
}

/// The partnership's agencies (their names), kept at the version the request read with its
/// token: no further read of the database while nothing changed.
pub(crate) async fn agencies(
    state: &AppState,
    access: &CaseAccess,
    read_models: i64,
) -> Result<std::sync::Arc<Vec<cspr_store::AgencyRow>>, Problem> {
    Ok(state
        .store()
        .agencies_kept_at(access.principal().partnership_id.as_uuid(), read_models)
        .await?)
}

/// A query string read into `T`, or a `bad-request` problem saying which part is wrong.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de).map(Self).map_err(|e| {
            Problem::new("bad-request").detail(format!(
                "The query is wrong at {}: {}",
                e.path(),
                e.inner()
            ))
        })
    }
}

/// A JSON body, as a value (each operation reads it into its own type and says what is
/// wrong): `unsupported-media-type` for a body that does not say it is JSON, `bad-request` for
/// one that is not JSON at all.
#[derive(Debug)]
pub struct ApiJson(pub serde_json::Value);

impl<S: Send + Sync> FromRequest<S> for ApiJson {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        use axum::extract::rejection::JsonRejection;
        match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(Problem::new("unsupported-media-type"))
            }
            Err(JsonRejection::BytesRejection(_)) => Err(Problem::new("payload-too-large")),
            Err(e) => Err(Problem::new("bad-request")
                .detail(format!("The body is not JSON: {}", e.body_text()))),
        }
    }
}
