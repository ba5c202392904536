//! The route table: every route of cspr with its access rule. The router is built from this
//! table only, so a route cannot exist without a rule; the authorisation-matrix test walks the
//! same table against its own expectations (tests/authz_matrix.rs).

use cspr_app::policy::pages::{
    ACCOUNTS, APPROVERS, BRIEFING_ANSWERS, BRIEFING_WRITERS, BRIEFINGS, CASEWORK, FIGURES,
    MEETINGS, OPEN_CASES, PARTNERSHIP_SETUP, SETTINGS, SUBJECT_ACCESS,
};

use crate::access::{CaseNeed, Rule};

/// Reading the case in the path.
const READ: Rule = Rule::Case(CaseNeed::Read);
/// An agency's drafts on the case (`{agency_id}` in the path).
const DRAFTS: Rule = Rule::Case(CaseNeed::AgencyDraft);
/// Who looked at the case.
const HISTORY: Rule = Rule::Case(CaseNeed::AccessHistory);
/// The case's members and practitioners' links.
const MEMBERS: Rule = Rule::Case(CaseNeed::ManageMembers);

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
    // Liveness: the process answers (no database round trip; `/health` is readiness).
    r("GET", "/health/live", Rule::Public),
    // The handler serves the machine itself, or a request with the metrics token; anyone else
    // is told there is no such page.
    r("GET", "/metrics", Rule::Public),
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
    // The JSON API's access tokens of the account (issue 18, routes/api_tokens.rs).
    r("GET", "/account/api-tokens", Rule::SignedIn),
    r(
        "POST",
        "/account/api-tokens/{token_id}/revoke",
        Rule::SignedIn,
    ),
    // Passkeys (issue 16): the account's own, and the ceremonies' JSON (routes/passkeys.rs).
    r("GET", "/account/passkeys", Rule::SignedIn),
    r("POST", "/account/passkeys/options", Rule::SignedIn),
    r("POST", "/account/passkeys", Rule::SignedIn),
    r(
        "POST",
        "/account/passkeys/{passkey_id}/remove",
        Rule::SignedIn,
    ),
    r("POST", "/sign-in/passkey/options", Rule::Public),
    r("POST", "/sign-in/passkey", Rule::Public),
    r("GET", "/confirm-identity/passkey", Rule::SignedIn),
    r("POST", "/confirm-identity/passkey/options", Rule::SignedIn),
    r("POST", "/confirm-identity/passkey", Rule::SignedIn),
    r("GET", "/dashboard", Rule::Roles(CASEWORK)),
    r("GET", "/cases", Rule::Roles(CASEWORK)),
    r("GET", "/cases/new/{action}", Rule::Roles(OPEN_CASES)),
    r("POST", "/cases/new/{action}", Rule::Roles(OPEN_CASES)),
    r("GET", "/cases/{case_id}", READ),
    r("GET", "/cases/{case_id}/print", READ),
    r("GET", "/cases/{case_id}/actions/{action}", READ),
    r("POST", "/cases/{case_id}/actions/{action}", READ),
    r("GET", "/cases/{case_id}/access-history", HISTORY),
    r(
        "GET",
        "/cases/{case_id}/agencies/{agency_id}/contributions",
        DRAFTS,
    ),
    r("GET", "/cases/{case_id}/members", MEMBERS),
    r("POST", "/cases/{case_id}/members", MEMBERS),
    r("POST", "/cases/{case_id}/members/{user_id}/remove", MEMBERS),
    r("GET", "/cases/{case_id}/practitioner-links", MEMBERS),
    r("POST", "/cases/{case_id}/practitioner-links", MEMBERS),
    r(
        "POST",
        "/cases/{case_id}/practitioner-links/revoke",
        MEMBERS,
    ),
    // A practitioner's link: public, the token in the path is the credential; the handlers
    // check the link, its code and the contribute cookie bound to it (routes/contribute/).
    r("GET", "/contribute/{token}", Rule::Public),
    r("POST", "/contribute/{token}/code", Rule::Public),
    r("POST", "/contribute/{token}", Rule::Public),
    r("GET", "/contribute/{token}/form", Rule::Public),
    r("POST", "/contribute/{token}/form", Rule::Public),
    // Requests to agencies, their answers, and the integrated chronology (routes/requests/).
    r("GET", "/cases/{case_id}/requests", READ),
    r("POST", "/cases/{case_id}/requests", MEMBERS),
    r("GET", "/cases/{case_id}/requests/{kind}", READ),
    r("POST", "/cases/{case_id}/requests/{kind}/due", MEMBERS),
    r("POST", "/cases/{case_id}/requests/{kind}/reopen", MEMBERS),
    r(
        "GET",
        "/cases/{case_id}/requests/{kind}/files/{blob_id}",
        READ,
    ),
    r(
        "GET",
        "/cases/{case_id}/agencies/{agency_id}/requests/{kind}",
        DRAFTS,
    ),
    r(
        "POST",
        "/cases/{case_id}/agencies/{agency_id}/requests/{kind}",
        DRAFTS,
    ),
    r(
        "POST",
        "/cases/{case_id}/agencies/{agency_id}/requests/{kind}/files",
        DRAFTS,
    ),
    r(
        "POST",
        "/cases/{case_id}/agencies/{agency_id}/requests/{kind}/import",
        DRAFTS,
    ),
    // Practitioners' submissions: the handler lets the team and that agency's representative
    // decide (issue 16, finding 4).
    r(
        "POST",
        "/cases/{case_id}/agencies/{agency_id}/requests/{kind}/submissions/{link_id}/accept",
        DRAFTS,
    ),
    r(
        "POST",
        "/cases/{case_id}/agencies/{agency_id}/requests/{kind}/submissions/{link_id}/decline",
        DRAFTS,
    ),
    r("GET", "/cases/{case_id}/chronology", READ),
    r("GET", "/cases/{case_id}/chronology.csv", READ),
    r("GET", "/cases/{case_id}/chronology.docx", READ),
    r("POST", "/cases/{case_id}/chronology/key-episodes", READ),
    r("GET", "/chronology-template.csv", Rule::Roles(CASEWORK)),
    r("GET", "/admin/forms", Rule::Roles(SETTINGS)),
    r("GET", "/admin/forms/{kind}", Rule::Roles(SETTINGS)),
    r("POST", "/admin/forms/{kind}", Rule::Roles(SETTINGS)),
    r("GET", "/actions", Rule::Roles(CASEWORK)),
    r("GET", "/actions.csv", Rule::Roles(CASEWORK)),
    r("GET", "/themes", Rule::Roles(CASEWORK)),
    // Subject access requests: searching every case for a named person.
    r("GET", "/subject-access", Rule::Roles(SUBJECT_ACCESS)),
    r("POST", "/subject-access", Rule::Roles(SUBJECT_ACCESS)),
    r(
        "POST",
        "/subject-access/export",
        Rule::Roles(SUBJECT_ACCESS),
    ),
    r("GET", "/figures", Rule::Roles(FIGURES)),
    r("GET", "/figures.csv", Rule::Roles(FIGURES)),
    r("GET", "/cases/{case_id}/evidence/{action_id}", READ),
    r("POST", "/cases/{case_id}/evidence/{action_id}", READ),
    r(
        "GET",
        "/cases/{case_id}/evidence/{action_id}/{blob_id}",
        READ,
    ),
    r("GET", "/meetings", Rule::Roles(MEETINGS)),
    r("GET", "/meetings/{day}", Rule::Roles(MEETINGS)),
    r(
        "POST",
        "/meetings/{day}/cases/{case_id}",
        Rule::Roles(MEETINGS),
    ),
    // Publication: the handlers let only the partnership team through (routes/publication/).
    r("GET", "/cases/{case_id}/publication", READ),
    r("POST", "/cases/{case_id}/publication/scan", READ),
    r("GET", "/cases/{case_id}/publication/review", READ),
    r(
        "POST",
        "/cases/{case_id}/publication/findings/{finding}",
        READ,
    ),
    r("POST", "/cases/{case_id}/publication/check", READ),
    r("POST", "/cases/{case_id}/publication/jigsaw", READ),
    r("POST", "/cases/{case_id}/publication/accept-rest", READ),
    r("POST", "/cases/{case_id}/publication/pseudonyms", READ),
    r("GET", "/cases/{case_id}/publication/publish", READ),
    r("POST", "/cases/{case_id}/publication/publish", READ),
    r("POST", "/cases/{case_id}/publication/withdraw", READ),
    // Documents: the handlers apply each document's editing rules (routes/documents/).
    r("GET", "/cases/{case_id}/documents/{document}", READ),
    r(
        "POST",
        "/cases/{case_id}/documents/{document}/exports",
        READ,
    ),
    r(
        "GET",
        "/cases/{case_id}/documents/{document}/exports/{export_id}",
        READ,
    ),
    r(
        "GET",
        "/cases/{case_id}/documents/{document}/sections/{section}",
        READ,
    ),
    r(
        "POST",
        "/cases/{case_id}/documents/{document}/sections/{section}",
        READ,
    ),
    r(
        "GET",
        "/cases/{case_id}/documents/{document}/sections/{section}/history",
        READ,
    ),
    r(
        "POST",
        "/cases/{case_id}/documents/{document}/sections/{section}/comments",
        READ,
    ),
    r(
        "POST",
        "/cases/{case_id}/documents/{document}/sections/{section}/comments/{comment_id}/resolve",
        READ,
    ),
    r("GET", "/cases/{case_id}/report/recommendations", READ),
    r("POST", "/cases/{case_id}/report/recommendations", READ),
    r("POST", "/cases/{case_id}/report/family-comments", READ),
    r("GET", "/published-reviews", Rule::Public),
    // The learning library and thematic briefings (issue 17). A briefing's handlers let
    // representatives read only the briefings sent to their agency and answer only for it
    // (cspr_app::briefings).
    r("GET", "/library", Rule::Roles(CASEWORK)),
    r("GET", "/library/{record_id}", Rule::Roles(CASEWORK)),
    r("GET", "/briefings", Rule::Roles(BRIEFINGS)),
    r("GET", "/briefings/new", Rule::Roles(BRIEFING_WRITERS)),
    r("POST", "/briefings/new", Rule::Roles(BRIEFING_WRITERS)),
    r("GET", "/briefings/{briefing_id}", Rule::Roles(BRIEFINGS)),
    r(
        "GET",
        "/briefings/{briefing_id}/edit",
        Rule::Roles(BRIEFING_WRITERS),
    ),
    r(
        "POST",
        "/briefings/{briefing_id}/edit",
        Rule::Roles(BRIEFING_WRITERS),
    ),
    r(
        "POST",
        "/briefings/{briefing_id}/send",
        Rule::Roles(BRIEFING_WRITERS),
    ),
    r(
        "POST",
        "/briefings/{briefing_id}/actions",
        Rule::Roles(BRIEFING_WRITERS),
    ),
    r(
        "POST",
        "/briefings/{briefing_id}/actions/{number}/complete",
        Rule::Roles(BRIEFING_WRITERS),
    ),
    r(
        "POST",
        "/briefings/{briefing_id}/close",
        Rule::Roles(BRIEFING_WRITERS),
    ),
    r(
        "GET",
        "/briefings/{briefing_id}/briefing.pdf",
        Rule::Roles(BRIEFINGS),
    ),
    r(
        "GET",
        "/briefings/{briefing_id}/briefing.docx",
        Rule::Roles(BRIEFINGS),
    ),
    r(
        "GET",
        "/briefings/{briefing_id}/agencies/{agency_id}",
        Rule::Roles(BRIEFING_ANSWERS),
    ),
    r(
        "POST",
        "/briefings/{briefing_id}/agencies/{agency_id}",
        Rule::Roles(BRIEFING_ANSWERS),
    ),
    r(
        "GET",
        "/published-reviews/{report_id}/report.pdf",
        Rule::Public,
    ),
    r("GET", "/published-reviews/{report_id}", Rule::Public),
    r("GET", "/admin", Rule::Roles(PARTNERSHIP_SETUP)),
    r("GET", "/admin/users", Rule::Roles(ACCOUNTS)),
    r("GET", "/admin/users/new", Rule::Roles(ACCOUNTS)),
    r("POST", "/admin/users/new", Rule::Roles(ACCOUNTS)),
    r("GET", "/admin/users/{user_id}", Rule::Roles(ACCOUNTS)),
    r("POST", "/admin/users/{user_id}", Rule::Roles(ACCOUNTS)),
    r(
        "POST",
        "/admin/users/{user_id}/activation",
        Rule::Roles(ACCOUNTS),
    ),
    // A lost or stolen device: the person's passkeys go (routes/admin/users.rs).
    r(
        "POST",
        "/admin/users/{user_id}/passkeys/remove",
        Rule::Roles(ACCOUNTS),
    ),
    r("GET", "/admin/approvals", Rule::Roles(APPROVERS)),
    r(
        "POST",
        "/admin/approvals/{grant_id}",
        Rule::Roles(APPROVERS),
    ),
    r("GET", "/confirm-identity", Rule::SignedIn),
    r("POST", "/confirm-identity", Rule::SignedIn),
    r("GET", "/confirm-identity/organisation", Rule::SignedIn),
    r("GET", "/activate/{token}", Rule::Public),
    r("POST", "/activate/{token}", Rule::Public),
    r("GET", "/admin/agencies", Rule::Roles(PARTNERSHIP_SETUP)),
    r("POST", "/admin/agencies", Rule::Roles(PARTNERSHIP_SETUP)),
    r("GET", "/admin/settings", Rule::Roles(SETTINGS)),
    r("POST", "/admin/settings", Rule::Roles(SETTINGS)),
];
