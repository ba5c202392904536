//! The route table: every route of cspr with its access rule. The router is built from this
//! table only, so a route cannot exist without a rule; the authorisation-matrix test walks the
//! same table against its own expectations (tests/authz_matrix.rs).

mod account;
pub mod actions;
pub(crate) mod admin;
mod cases;
mod contribute;
mod evidence;
mod figures;
pub mod form;
mod info;
mod meetings;
mod oidc;
mod public;
mod publication;
mod published;
mod reports;
pub mod requests;
mod signin;
mod themes;
mod tracker;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, RawPathParams, Request, State};
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post};
use cspr_domain::ids::{AgencyId, CaseId, PartnershipId, UserId};
use cspr_store::NewAccessEntry;
use uuid::Uuid;

use crate::access::{CaseNeed, Denied, Principal, Role, Rule, authorize_case};
use crate::reader::Source;
use crate::session::{self, Ended};
use crate::{AppState, WebError};

const TEAM: &[Role] = &[Role::PartnershipTeam];
const ADMINS: &[Role] = &[Role::SystemAdministrator];
const SETTINGS: &[Role] = &[Role::SystemAdministrator, Role::PartnershipTeam];
const SUBGROUP: &[Role] = &[Role::PartnershipTeam, Role::Chair, Role::SubgroupMember];
/// The partnership's yearly figures: the people who answer for the partnership.
const FIGURES: &[Role] = &[
    Role::PartnershipTeam,
    Role::Chair,
    Role::SubgroupMember,
    Role::SafeguardingPartner,
];
const CASEWORK: &[Role] = &[
    Role::PartnershipTeam,
    Role::Chair,
    Role::SubgroupMember,
    Role::AgencyRepresentative,
    Role::IndependentReviewer,
    Role::PanelMember,
    Role::SafeguardingPartner,
];

/// One route: method, path, rule.
#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    /// GET or POST.
    pub method: &'static str,
    /// The axum path.
    pub path: &'static str,
    /// Who may use it.
    pub rule: Rule,
}

const fn r(method: &'static str, path: &'static str, rule: Rule) -> RouteSpec {
    RouteSpec { method, path, rule }
}

/// Every route and its rule: the policy table of docs/SECURITY.md.
pub const ROUTES: &[RouteSpec] = &[
    r("GET", "/", Rule::Public),
    r("GET", "/health", Rule::Public),
    r("GET", "/assets/{file}", Rule::Public),
    r("GET", "/accessibility", Rule::Public),
    r("GET", "/privacy", Rule::Public),
    r("GET", "/information", Rule::Public),
    r("GET", "/information/what-a-review-is", Rule::Public),
    r("GET", "/information/practitioners", Rule::Public),
    r("GET", "/information/families", Rule::Public),
    r("GET", "/information/referrals", Rule::Public),
    r("GET", "/sign-in", Rule::Public),
    r("POST", "/sign-in", Rule::Public),
    r("GET", "/signed-out", Rule::Public),
    r("GET", "/sign-in/oidc", Rule::Public),
    r("GET", "/sign-in/oidc/callback", Rule::Public),
    r("GET", "/sign-in/two-factor", Rule::FirstFactor),
    r("POST", "/sign-in/two-factor", Rule::FirstFactor),
    r("GET", "/sign-in/set-up-two-factor", Rule::FirstFactor),
    r(
        "GET",
        "/sign-in/set-up-two-factor/qr.png",
        Rule::FirstFactor,
    ),
    r("POST", "/sign-in/set-up-two-factor", Rule::FirstFactor),
    r("POST", "/sign-out", Rule::FirstFactor),
    r("POST", "/sign-out-everywhere", Rule::SignedIn),
    r("GET", "/account", Rule::SignedIn),
    r("POST", "/account/password", Rule::SignedIn),
    r("GET", "/dashboard", Rule::Roles(CASEWORK)),
    r("GET", "/cases", Rule::Roles(CASEWORK)),
    r("GET", "/cases/new/{action}", Rule::Roles(TEAM)),
    r("POST", "/cases/new/{action}", Rule::Roles(TEAM)),
    r("GET", "/cases/{case_id}", Rule::Case(CaseNeed::Read)),
    r("GET", "/cases/{case_id}/print", Rule::Case(CaseNeed::Read)),
    r(
        "GET",
        "/cases/{case_id}/actions/{action}",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "POST",
        "/cases/{case_id}/actions/{action}",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "GET",
        "/cases/{case_id}/access-history",
        Rule::Case(CaseNeed::AccessHistory),
    ),
    r(
        "GET",
        "/cases/{case_id}/agencies/{agency_id}/contributions",
        Rule::Case(CaseNeed::AgencyDraft),
    ),
    r(
        "GET",
        "/cases/{case_id}/members",
        Rule::Case(CaseNeed::ManageMembers),
    ),
    r(
        "POST",
        "/cases/{case_id}/members",
        Rule::Case(CaseNeed::ManageMembers),
    ),
    r(
        "POST",
        "/cases/{case_id}/members/{user_id}/remove",
        Rule::Case(CaseNeed::ManageMembers),
    ),
    r(
        "GET",
        "/cases/{case_id}/practitioner-links",
        Rule::Case(CaseNeed::ManageMembers),
    ),
    r(
        "POST",
        "/cases/{case_id}/practitioner-links",
        Rule::Case(CaseNeed::ManageMembers),
    ),
    r(
        "POST",
        "/cases/{case_id}/practitioner-links/revoke",
        Rule::Case(CaseNeed::ManageMembers),
    ),
    // A practitioner's link: public, the token in the path is the credential; the handlers
    // check the link, its code and the contribute cookie bound to it (routes/contribute.rs).
    r("GET", "/contribute/{token}", Rule::Public),
    r("POST", "/contribute/{token}/code", Rule::Public),
    r("POST", "/contribute/{token}", Rule::Public),
    r("GET", "/contribute/{token}/form", Rule::Public),
    r("POST", "/contribute/{token}/form", Rule::Public),
    // Requests to agencies, their answers, and the integrated chronology (routes/requests.rs).
    r(
        "GET",
        "/cases/{case_id}/requests",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "POST",
        "/cases/{case_id}/requests",
        Rule::Case(CaseNeed::ManageMembers),
    ),
    r(
        "GET",
        "/cases/{case_id}/requests/{kind}",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "POST",
        "/cases/{case_id}/requests/{kind}/due",
        Rule::Case(CaseNeed::ManageMembers),
    ),
    r(
        "POST",
        "/cases/{case_id}/requests/{kind}/reopen",
        Rule::Case(CaseNeed::ManageMembers),
    ),
    r(
        "GET",
        "/cases/{case_id}/requests/{kind}/files/{blob_id}",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "GET",
        "/cases/{case_id}/agencies/{agency_id}/requests/{kind}",
        Rule::Case(CaseNeed::AgencyDraft),
    ),
    r(
        "POST",
        "/cases/{case_id}/agencies/{agency_id}/requests/{kind}",
        Rule::Case(CaseNeed::AgencyDraft),
    ),
    r(
        "POST",
        "/cases/{case_id}/agencies/{agency_id}/requests/{kind}/files",
        Rule::Case(CaseNeed::AgencyDraft),
    ),
    r(
        "POST",
        "/cases/{case_id}/agencies/{agency_id}/requests/{kind}/import",
        Rule::Case(CaseNeed::AgencyDraft),
    ),
    r(
        "GET",
        "/cases/{case_id}/chronology",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "GET",
        "/cases/{case_id}/chronology.csv",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "GET",
        "/cases/{case_id}/chronology.docx",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "POST",
        "/cases/{case_id}/chronology/key-episodes",
        Rule::Case(CaseNeed::Read),
    ),
    r("GET", "/chronology-template.csv", Rule::Roles(CASEWORK)),
    r("GET", "/admin/forms", Rule::Roles(TEAM)),
    r("GET", "/admin/forms/{kind}", Rule::Roles(TEAM)),
    r("POST", "/admin/forms/{kind}", Rule::Roles(TEAM)),
    r("GET", "/actions", Rule::Roles(CASEWORK)),
    r("GET", "/actions.csv", Rule::Roles(CASEWORK)),
    r("GET", "/themes", Rule::Roles(CASEWORK)),
    r("GET", "/figures", Rule::Roles(FIGURES)),
    r("GET", "/figures.csv", Rule::Roles(FIGURES)),
    r(
        "GET",
        "/cases/{case_id}/evidence/{action_id}",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "POST",
        "/cases/{case_id}/evidence/{action_id}",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "GET",
        "/cases/{case_id}/evidence/{action_id}/{blob_id}",
        Rule::Case(CaseNeed::Read),
    ),
    r("GET", "/meetings", Rule::Roles(SUBGROUP)),
    r("GET", "/meetings/{day}", Rule::Roles(SUBGROUP)),
    r(
        "POST",
        "/meetings/{day}/cases/{case_id}",
        Rule::Roles(SUBGROUP),
    ),
    // Publication: the handlers let only the partnership team through (routes/publication.rs).
    r(
        "GET",
        "/cases/{case_id}/publication",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "POST",
        "/cases/{case_id}/publication/scan",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "GET",
        "/cases/{case_id}/publication/review",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "POST",
        "/cases/{case_id}/publication/findings/{finding}",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "POST",
        "/cases/{case_id}/publication/check",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "POST",
        "/cases/{case_id}/publication/accept-rest",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "POST",
        "/cases/{case_id}/publication/pseudonyms",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "GET",
        "/cases/{case_id}/publication/publish",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "POST",
        "/cases/{case_id}/publication/publish",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "POST",
        "/cases/{case_id}/publication/withdraw",
        Rule::Case(CaseNeed::Read),
    ),
    // Documents: the handlers apply each document's editing rules (routes/reports.rs).
    r(
        "GET",
        "/cases/{case_id}/documents/{document}",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "POST",
        "/cases/{case_id}/documents/{document}/exports",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "GET",
        "/cases/{case_id}/documents/{document}/exports/{export_id}",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "GET",
        "/cases/{case_id}/documents/{document}/sections/{section}",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "POST",
        "/cases/{case_id}/documents/{document}/sections/{section}",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "GET",
        "/cases/{case_id}/documents/{document}/sections/{section}/history",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "POST",
        "/cases/{case_id}/documents/{document}/sections/{section}/comments",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "POST",
        "/cases/{case_id}/documents/{document}/sections/{section}/comments/{comment_id}/resolve",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "GET",
        "/cases/{case_id}/report/recommendations",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "POST",
        "/cases/{case_id}/report/recommendations",
        Rule::Case(CaseNeed::Read),
    ),
    r(
        "POST",
        "/cases/{case_id}/report/family-comments",
        Rule::Case(CaseNeed::Read),
    ),
    r("GET", "/published-reviews", Rule::Public),
    r(
        "GET",
        "/published-reviews/{report_id}/report.pdf",
        Rule::Public,
    ),
    r("GET", "/admin", Rule::Roles(SETTINGS)),
    r("GET", "/admin/users", Rule::Roles(ADMINS)),
    r("GET", "/admin/users/new", Rule::Roles(ADMINS)),
    r("POST", "/admin/users/new", Rule::Roles(ADMINS)),
    r("GET", "/admin/users/{user_id}", Rule::Roles(ADMINS)),
    r("POST", "/admin/users/{user_id}", Rule::Roles(ADMINS)),
    r("GET", "/admin/agencies", Rule::Roles(SETTINGS)),
    r("POST", "/admin/agencies", Rule::Roles(SETTINGS)),
    r("GET", "/admin/settings", Rule::Roles(TEAM)),
    r("POST", "/admin/settings", Rule::Roles(TEAM)),
];

/// The handler of a route.
fn handler(method: &str, path: &str) -> Option<MethodRouter<AppState>> {
    Some(match (method, path) {
        ("GET", "/") => get(public::start),
        ("GET", "/health") => get(public::health),
        ("GET", "/assets/{file}") => get(crate::assets::serve),
        ("GET", "/accessibility") => get(public::accessibility),
        ("GET", "/privacy") => get(public::privacy),
        ("GET", "/information") => get(info::index),
        ("GET", "/information/what-a-review-is") => get(info::what_a_review_is),
        ("GET", "/information/practitioners") => get(info::practitioners),
        ("GET", "/information/families") => get(info::families),
        ("GET", "/information/referrals") => get(info::referrals),
        ("GET", "/sign-in") => get(signin::form),
        ("POST", "/sign-in") => post(signin::submit),
        ("GET", "/signed-out") => get(signin::signed_out),
        ("GET", "/sign-in/oidc") => get(oidc::start),
        ("GET", "/sign-in/oidc/callback") => get(oidc::callback),
        ("GET", "/sign-in/two-factor") => get(signin::two_factor_form),
        ("POST", "/sign-in/two-factor") => post(signin::two_factor_submit),
        ("GET", "/sign-in/set-up-two-factor") => get(signin::enrol_form),
        ("GET", "/sign-in/set-up-two-factor/qr.png") => get(signin::enrol_qr),
        ("POST", "/sign-in/set-up-two-factor") => post(signin::enrol_submit),
        ("POST", "/sign-out") => post(signin::sign_out),
        ("POST", "/sign-out-everywhere") => post(signin::sign_out_everywhere),
        ("GET", "/account") => get(account::page_handler),
        ("POST", "/account/password") => post(account::change_password),
        ("GET", "/dashboard") => get(cases::dashboard),
        ("GET", "/cases") => get(cases::list),
        ("GET", "/cases/new/{action}") => get(actions::new_form),
        ("POST", "/cases/new/{action}") => post(actions::new_submit),
        ("GET", "/cases/{case_id}") => get(cases::show),
        ("GET", "/cases/{case_id}/print") => get(cases::print),
        ("GET", "/cases/{case_id}/actions/{action}") => get(actions::form),
        ("POST", "/cases/{case_id}/actions/{action}") => post(actions::submit),
        ("GET", "/cases/{case_id}/access-history") => get(cases::access_history),
        ("GET", "/cases/{case_id}/agencies/{agency_id}/contributions") => {
            get(cases::agency_contributions)
        }
        ("GET", "/cases/{case_id}/members") => get(cases::members),
        ("POST", "/cases/{case_id}/members") => post(cases::add_member),
        ("POST", "/cases/{case_id}/members/{user_id}/remove") => post(cases::remove_member),
        ("GET", "/cases/{case_id}/practitioner-links") => get(contribute::links),
        ("POST", "/cases/{case_id}/practitioner-links") => post(contribute::create),
        ("POST", "/cases/{case_id}/practitioner-links/revoke") => post(contribute::revoke),
        ("GET", "/contribute/{token}") => get(contribute::start),
        ("POST", "/contribute/{token}/code") => post(contribute::send_code),
        ("POST", "/contribute/{token}") => post(contribute::check_code),
        ("GET", "/contribute/{token}/form") => get(contribute::form),
        ("POST", "/contribute/{token}/form") => post(contribute::submit),
        ("GET", "/cases/{case_id}/requests") => get(requests::index),
        ("POST", "/cases/{case_id}/requests") => post(requests::create),
        ("GET", "/cases/{case_id}/requests/{kind}") => get(requests::consolidated),
        ("POST", "/cases/{case_id}/requests/{kind}/due") => post(requests::change_due),
        ("POST", "/cases/{case_id}/requests/{kind}/reopen") => post(requests::reopen),
        ("GET", "/cases/{case_id}/requests/{kind}/files/{blob_id}") => get(requests::download),
        ("GET", "/cases/{case_id}/agencies/{agency_id}/requests/{kind}") => get(requests::respond),
        ("POST", "/cases/{case_id}/agencies/{agency_id}/requests/{kind}") => {
            post(requests::respond_submit)
        }
        ("POST", "/cases/{case_id}/agencies/{agency_id}/requests/{kind}/files") => {
            post(requests::attach)
        }
        ("POST", "/cases/{case_id}/agencies/{agency_id}/requests/{kind}/import") => {
            post(requests::import)
        }
        ("GET", "/cases/{case_id}/chronology") => get(requests::chronology_page),
        ("GET", "/cases/{case_id}/chronology.csv") => get(requests::chronology_csv),
        ("GET", "/cases/{case_id}/chronology.docx") => get(requests::chronology_docx),
        ("POST", "/cases/{case_id}/chronology/key-episodes") => post(requests::mark),
        ("GET", "/chronology-template.csv") => get(requests::template),
        ("GET", "/admin/forms") => get(requests::forms_index),
        ("GET", "/admin/forms/{kind}") => get(requests::form_edit),
        ("POST", "/admin/forms/{kind}") => post(requests::form_save),
        ("GET", "/actions") => get(tracker::index),
        ("GET", "/actions.csv") => get(tracker::csv),
        ("GET", "/themes") => get(themes::index),
        ("GET", "/figures") => get(figures::index),
        ("GET", "/figures.csv") => get(figures::csv),
        ("GET", "/cases/{case_id}/evidence/{action_id}") => get(evidence::form),
        ("POST", "/cases/{case_id}/evidence/{action_id}") => post(evidence::upload),
        ("GET", "/cases/{case_id}/evidence/{action_id}/{blob_id}") => get(evidence::download),
        ("GET", "/meetings") => get(meetings::index),
        ("GET", "/meetings/{day}") => get(meetings::show),
        ("POST", "/meetings/{day}/cases/{case_id}") => post(meetings::record),
        ("GET", "/cases/{case_id}/publication") => get(publication::show),
        ("POST", "/cases/{case_id}/publication/scan") => post(publication::scan),
        ("GET", "/cases/{case_id}/publication/review") => get(publication::review),
        ("POST", "/cases/{case_id}/publication/findings/{finding}") => {
            post(publication::decide_finding)
        }
        ("POST", "/cases/{case_id}/publication/check") => post(publication::check),
        ("POST", "/cases/{case_id}/publication/accept-rest") => post(publication::accept_rest),
        ("POST", "/cases/{case_id}/publication/pseudonyms") => post(publication::choose_pseudonym),
        ("GET", "/cases/{case_id}/publication/publish") => get(publication::publish_form),
        ("POST", "/cases/{case_id}/publication/publish") => post(publication::publish),
        ("POST", "/cases/{case_id}/publication/withdraw") => post(publication::withdraw),
        ("GET", "/cases/{case_id}/documents/{document}") => get(reports::show),
        ("POST", "/cases/{case_id}/documents/{document}/exports") => post(reports::export),
        ("GET", "/cases/{case_id}/documents/{document}/exports/{export_id}") => {
            get(reports::download)
        }
        ("GET", "/cases/{case_id}/documents/{document}/sections/{section}") => {
            get(reports::section)
        }
        ("POST", "/cases/{case_id}/documents/{document}/sections/{section}") => post(reports::save),
        ("GET", "/cases/{case_id}/documents/{document}/sections/{section}/history") => {
            get(reports::history)
        }
        ("POST", "/cases/{case_id}/documents/{document}/sections/{section}/comments") => {
            post(reports::comment)
        }
        (
            "POST",
            "/cases/{case_id}/documents/{document}/sections/{section}/comments/{comment_id}/resolve",
        ) => post(reports::resolve),
        ("GET", "/cases/{case_id}/report/recommendations") => get(reports::recommendation),
        ("POST", "/cases/{case_id}/report/recommendations") => post(reports::recommendation_save),
        ("POST", "/cases/{case_id}/report/family-comments") => post(reports::family),
        ("GET", "/published-reviews") => get(published::index),
        ("GET", "/published-reviews/{report_id}/report.pdf") => get(published::pdf),
        ("GET", "/admin") => get(admin::index),
        ("GET", "/admin/users") => get(admin::users),
        ("GET", "/admin/users/new") => get(admin::new_user_form),
        ("POST", "/admin/users/new") => post(admin::new_user_submit),
        ("GET", "/admin/users/{user_id}") => get(admin::user_form),
        ("POST", "/admin/users/{user_id}") => post(admin::user_submit),
        ("GET", "/admin/agencies") => get(admin::agencies),
        ("POST", "/admin/agencies") => post(admin::agency_submit),
        ("GET", "/admin/settings") => get(admin::settings_form),
        ("POST", "/admin/settings") => post(admin::settings_submit),
        _ => return None,
    })
}

/// Builds the router from the table.
///
/// # Panics
/// When a table row has no handler: a programming error caught by every test.
pub fn build(state: AppState) -> Router {
    let mut router: Router<AppState> = Router::new();
    for spec in ROUTES {
        let Some(h) = handler(spec.method, spec.path) else {
            panic!("route {} {} has no handler", spec.method, spec.path);
        };
        let guarded = h.route_layer(middleware::from_fn_with_state(
            (state.clone(), spec.rule),
            guard,
        ));
        router = router.route(spec.path, guarded);
    }
    router.with_state(state)
}

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
async fn guard(
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
