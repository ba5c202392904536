//! The routes of cspr. Every route and its access rule are in one table ([`table`]); the router
//! is built from that table only, so a route cannot exist without a rule, and every route passes
//! the [`guard`] that enforces its rule. The authorisation-matrix test walks the same table
//! against its own expectations (tests/authz_matrix.rs).
//!
//! Route modules by resource; the order in which they use one another (none uses one that uses
//! it back): `form`, `tracker` and `themes` use no route module (`briefings` none either) (what a person may list is the
//! policy's `listing_scope`); `evidence` uses `tracker`; `requests` uses `evidence`, `tracker`
//! and `form`; `contribute` uses `requests`; `cases` uses `requests`, `actions`, `themes` and
//! `documents`; `meetings` uses `cases`; `account` uses `form` and `signin`; `oidc` uses
//! `signin`; `admin` uses `form`.

mod account;
pub mod actions;
mod activate;
pub(crate) mod admin;
mod api_tokens;
mod briefings;
mod cases;
mod contribute;
mod documents;
mod evidence;
mod figures;
pub mod form;
pub(crate) mod guard;
mod info;
mod library;
mod meetings;
mod oidc;
pub mod passkeys;
mod public;
mod publication;
mod published;
pub mod requests;
mod signin;
pub mod stepup;
mod subject_access;
pub mod table;
mod themes;
pub(crate) mod tracker;

use axum::Router;
use axum::middleware;
use axum::routing::{MethodRouter, get, post};

pub use self::table::{ROUTES, RouteSpec};
use crate::AppState;

/// The handler of a route.
fn handler(method: &str, path: &str) -> Option<MethodRouter<AppState>> {
    Some(match (method, path) {
        ("GET", "/") => get(public::start),
        ("GET", "/health") => get(public::health),
        ("GET", "/health/live") => get(public::live),
        ("GET", "/metrics") => get(crate::metrics::serve),
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
        ("GET", "/account/api-tokens") => get(api_tokens::page),
        ("POST", "/account/api-tokens/{token_id}/revoke") => post(api_tokens::revoke),
        ("GET", "/dashboard") => get(cases::dashboard::dashboard),
        ("GET", "/cases") => get(cases::dashboard::list),
        ("GET", "/cases/new/{action}") => get(actions::new_form),
        ("POST", "/cases/new/{action}") => post(actions::new_submit),
        ("GET", "/cases/{case_id}") => get(cases::show::show),
        ("GET", "/cases/{case_id}/print") => get(cases::print::print),
        ("GET", "/cases/{case_id}/actions/{action}") => get(actions::form),
        ("POST", "/cases/{case_id}/actions/{action}") => post(actions::submit),
        ("GET", "/cases/{case_id}/access-history") => get(cases::access_history::access_history),
        ("GET", "/cases/{case_id}/agencies/{agency_id}/contributions") => {
            get(cases::contributions::agency_contributions)
        }
        ("GET", "/cases/{case_id}/members") => get(cases::members::members),
        ("POST", "/cases/{case_id}/members") => post(cases::members::add_member),
        ("POST", "/cases/{case_id}/members/{user_id}/remove") => {
            post(cases::members::remove_member)
        }
        ("GET", "/cases/{case_id}/practitioner-links") => get(contribute::links::links),
        ("POST", "/cases/{case_id}/practitioner-links") => post(contribute::links::create),
        ("POST", "/cases/{case_id}/practitioner-links/revoke") => post(contribute::links::revoke),
        ("GET", "/contribute/{token}") => get(contribute::code::start),
        ("POST", "/contribute/{token}/code") => post(contribute::code::send_code),
        ("POST", "/contribute/{token}") => post(contribute::code::check_code),
        ("GET", "/contribute/{token}/form") => get(contribute::answer::form),
        ("POST", "/contribute/{token}/form") => post(contribute::answer::submit),
        ("GET", "/cases/{case_id}/requests") => get(requests::create::index),
        ("POST", "/cases/{case_id}/requests") => post(requests::create::create),
        ("GET", "/cases/{case_id}/requests/{kind}") => get(requests::consolidated::consolidated),
        ("POST", "/cases/{case_id}/requests/{kind}/due") => post(requests::create::change_due),
        ("POST", "/cases/{case_id}/requests/{kind}/reopen") => post(requests::create::reopen),
        ("GET", "/cases/{case_id}/requests/{kind}/files/{blob_id}") => {
            get(requests::consolidated::download)
        }
        ("GET", "/cases/{case_id}/agencies/{agency_id}/requests/{kind}") => {
            get(requests::respond::respond)
        }
        ("POST", "/cases/{case_id}/agencies/{agency_id}/requests/{kind}") => {
            post(requests::respond::respond_submit)
        }
        ("POST", "/cases/{case_id}/agencies/{agency_id}/requests/{kind}/files") => {
            post(requests::upload::attach)
        }
        ("POST", "/cases/{case_id}/agencies/{agency_id}/requests/{kind}/import") => {
            post(requests::upload::import)
        }
        (
            "POST",
            "/cases/{case_id}/agencies/{agency_id}/requests/{kind}/submissions/{link_id}/accept",
        ) => post(requests::submissions::accept),
        (
            "POST",
            "/cases/{case_id}/agencies/{agency_id}/requests/{kind}/submissions/{link_id}/decline",
        ) => post(requests::submissions::decline),
        ("GET", "/cases/{case_id}/chronology") => get(requests::chronology::chronology_page),
        ("GET", "/cases/{case_id}/chronology.csv") => get(requests::chronology::chronology_csv),
        ("GET", "/cases/{case_id}/chronology.docx") => get(requests::chronology::chronology_docx),
        ("POST", "/cases/{case_id}/chronology/key-episodes") => post(requests::chronology::mark),
        ("GET", "/chronology-template.csv") => get(requests::upload::template),
        ("GET", "/admin/forms") => get(requests::forms::forms_index),
        ("GET", "/admin/forms/{kind}") => get(requests::forms::form_edit),
        ("POST", "/admin/forms/{kind}") => post(requests::forms::form_save),
        ("GET", "/actions") => get(tracker::index),
        ("GET", "/actions.csv") => get(tracker::csv),
        ("GET", "/themes") => get(themes::index),
        ("GET", "/subject-access") => get(subject_access::form),
        ("POST", "/subject-access") => post(subject_access::search),
        ("POST", "/subject-access/export") => post(subject_access::export),
        ("GET", "/figures") => get(figures::index),
        ("GET", "/figures.csv") => get(figures::csv),
        ("GET", "/cases/{case_id}/evidence/{action_id}") => get(evidence::form),
        ("POST", "/cases/{case_id}/evidence/{action_id}") => post(evidence::upload),
        ("GET", "/cases/{case_id}/evidence/{action_id}/{blob_id}") => get(evidence::download),
        ("GET", "/meetings") => get(meetings::index),
        ("GET", "/meetings/{day}") => get(meetings::show),
        ("POST", "/meetings/{day}/cases/{case_id}") => post(meetings::record),
        ("GET", "/cases/{case_id}/publication") => get(publication::page::show),
        ("POST", "/cases/{case_id}/publication/scan") => post(publication::scan::scan),
        ("GET", "/cases/{case_id}/publication/review") => get(publication::review::review),
        ("POST", "/cases/{case_id}/publication/findings/{finding}") => {
            post(publication::review::decide_finding)
        }
        ("POST", "/cases/{case_id}/publication/check") => post(publication::scan::check),
        ("POST", "/cases/{case_id}/publication/jigsaw") => post(publication::scan::jigsaw),
        ("POST", "/cases/{case_id}/publication/accept-rest") => {
            post(publication::review::accept_rest)
        }
        ("POST", "/cases/{case_id}/publication/pseudonyms") => {
            post(publication::scan::choose_pseudonym)
        }
        ("GET", "/cases/{case_id}/publication/publish") => get(publication::publish::publish_form),
        ("POST", "/cases/{case_id}/publication/publish") => post(publication::publish::publish),
        ("POST", "/cases/{case_id}/publication/withdraw") => post(publication::publish::withdraw),
        ("GET", "/cases/{case_id}/documents/{document}") => get(documents::page::show),
        ("POST", "/cases/{case_id}/documents/{document}/exports") => {
            post(documents::exports::export)
        }
        ("GET", "/cases/{case_id}/documents/{document}/exports/{export_id}") => {
            get(documents::exports::download)
        }
        ("GET", "/cases/{case_id}/documents/{document}/sections/{section}") => {
            get(documents::sections::section)
        }
        ("POST", "/cases/{case_id}/documents/{document}/sections/{section}") => {
            post(documents::sections::save)
        }
        ("GET", "/cases/{case_id}/documents/{document}/sections/{section}/history") => {
            get(documents::history::history)
        }
        ("POST", "/cases/{case_id}/documents/{document}/sections/{section}/comments") => {
            post(documents::comments::comment)
        }
        (
            "POST",
            "/cases/{case_id}/documents/{document}/sections/{section}/comments/{comment_id}/resolve",
        ) => post(documents::comments::resolve),
        ("GET", "/cases/{case_id}/report/recommendations") => {
            get(documents::recommendations::recommendation)
        }
        ("POST", "/cases/{case_id}/report/recommendations") => {
            post(documents::recommendations::recommendation_save)
        }
        ("POST", "/cases/{case_id}/report/family-comments") => post(documents::family::family),
        ("GET", "/published-reviews") => get(library::public),
        ("GET", "/library") => get(library::staff),
        ("GET", "/library/{record_id}") => get(library::record),
        ("GET", "/briefings") => get(briefings::index),
        ("GET", "/briefings/new") => get(briefings::edit::new_form),
        ("POST", "/briefings/new") => post(briefings::edit::create),
        ("GET", "/briefings/{briefing_id}") => get(briefings::page::show),
        ("GET", "/briefings/{briefing_id}/edit") => get(briefings::edit::edit_form),
        ("POST", "/briefings/{briefing_id}/edit") => post(briefings::edit::update),
        ("POST", "/briefings/{briefing_id}/send") => post(briefings::page::send),
        ("POST", "/briefings/{briefing_id}/actions") => post(briefings::page::agree_action),
        ("POST", "/briefings/{briefing_id}/actions/{number}/complete") => {
            post(briefings::page::complete_action)
        }
        ("POST", "/briefings/{briefing_id}/close") => post(briefings::page::close),
        ("GET", "/briefings/{briefing_id}/briefing.pdf") => get(briefings::files::pdf),
        ("GET", "/briefings/{briefing_id}/briefing.docx") => get(briefings::files::docx),
        ("GET", "/briefings/{briefing_id}/agencies/{agency_id}") => {
            get(briefings::answers::answer_form)
        }
        ("POST", "/briefings/{briefing_id}/agencies/{agency_id}") => {
            post(briefings::answers::answer)
        }
        ("GET", "/published-reviews/{report_id}/report.pdf") => get(published::pdf),
        ("GET", "/published-reviews/{report_id}") => get(published::improvements),
        ("GET", "/admin") => get(admin::index),
        ("GET", "/admin/users") => get(admin::users::users),
        ("GET", "/admin/users/new") => get(admin::users::new_user_form),
        ("POST", "/admin/users/new") => post(admin::users::new_user_submit),
        ("GET", "/admin/users/{user_id}") => get(admin::users::user_form),
        ("POST", "/admin/users/{user_id}") => post(admin::users::user_submit),
        ("POST", "/admin/users/{user_id}/activation") => post(admin::users::activation_submit),
        ("POST", "/admin/users/{user_id}/passkeys/remove") => {
            post(admin::users::passkeys_remove_submit)
        }
        ("GET", "/admin/approvals") => get(admin::approvals::approvals_after),
        ("POST", "/admin/approvals/{grant_id}") => post(admin::approvals::record_decision),
        ("GET", "/confirm-identity") => get(stepup::form),
        ("POST", "/confirm-identity") => post(stepup::submit),
        ("GET", "/confirm-identity/organisation") => get(stepup::with_organisation),
        ("GET", "/account/passkeys") => get(passkeys::page),
        ("POST", "/account/passkeys/options") => post(passkeys::register_options),
        ("POST", "/account/passkeys") => post(passkeys::register),
        ("POST", "/account/passkeys/{passkey_id}/remove") => post(passkeys::remove),
        ("POST", "/sign-in/passkey/options") => post(passkeys::sign_in_options),
        ("POST", "/sign-in/passkey") => post(passkeys::sign_in),
        ("GET", "/confirm-identity/passkey") => get(passkeys::confirm_page),
        ("POST", "/confirm-identity/passkey/options") => post(passkeys::confirm_options),
        ("POST", "/confirm-identity/passkey") => post(passkeys::confirm),
        ("GET", "/activate/{token}") => get(activate::form),
        ("POST", "/activate/{token}") => post(activate::submit),
        ("GET", "/admin/agencies") => get(admin::agencies::agencies),
        ("POST", "/admin/agencies") => post(admin::agencies::agency_submit),
        ("GET", "/admin/settings") => get(admin::settings::settings_form),
        ("POST", "/admin/settings") => post(admin::settings::settings_submit),
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
        // Timed and counted outside the guard, so refusals count too.
        let guarded = h
            .route_layer(middleware::from_fn_with_state(
                (state.clone(), spec.rule),
                guard::guard,
            ))
            .route_layer(middleware::from_fn_with_state(
                state.clone(),
                crate::metrics::track,
            ));
        router = router.route(spec.path, guarded);
    }
    router.with_state(state)
}
