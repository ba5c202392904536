//! The authorisation matrix: every role × every route × every relation to the data (own case,
//! other case, own agency's draft, other agency's draft, other partnership, signed out,
//! disabled, membership revoked mid-session), against the expectations written here. A route of
//! the application with no row here fails the test.

use std::collections::BTreeMap;

use crate::common::*;
use axum::http::StatusCode;
use cspr_domain::case::model::CaseRole;
use cspr_domain::examples::{HEALTH, PARTNERSHIP, POLICE};
use cspr_domain::ids::CaseId;
use cspr_web::access::Role;
use cspr_web::routes::ROUTES;

/// How a request relates to the data it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rel {
    OwnCase,
    OtherCase,
    OwnAgencyDraft,
    OtherAgencyDraft,
    OtherPartnership,
    SignedOut,
    Disabled,
    Revoked,
}

const RELS: [Rel; 8] = [
    Rel::OwnCase,
    Rel::OtherCase,
    Rel::OwnAgencyDraft,
    Rel::OtherAgencyDraft,
    Rel::OtherPartnership,
    Rel::SignedOut,
    Rel::Disabled,
    Rel::Revoked,
];

/// What should happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Past the guard (the handler answered).
    Allow,
    /// Refused: 403 or 404.
    Deny,
    /// Sent to sign in (GET) or 401 (other methods).
    SignIn,
}

use Expect::{Allow, Deny, SignIn};

type Policy = fn(Role, Rel) -> Expect;

fn signed(rel: Rel) -> Option<Expect> {
    matches!(rel, Rel::SignedOut | Rel::Disabled).then_some(SignIn)
}

fn public(_: Role, _: Rel) -> Expect {
    Allow
}
fn any_signed_in(_: Role, rel: Rel) -> Expect {
    signed(rel).unwrap_or(Allow)
}
/// Allow when `allowed`, else Deny.
fn allow_if(allowed: bool) -> Expect {
    if allowed { Allow } else { Deny }
}
fn casework(role: Role, rel: Rel) -> Expect {
    signed(rel).unwrap_or(allow_if(role != Role::SystemAdministrator))
}
fn admins(role: Role, rel: Rel) -> Expect {
    signed(rel).unwrap_or(allow_if(role == Role::SystemAdministrator))
}
fn settings_people(role: Role, rel: Rel) -> Expect {
    let allowed = matches!(role, Role::SystemAdministrator | Role::PartnershipTeam);
    signed(rel).unwrap_or(allow_if(allowed))
}
fn team_only(role: Role, rel: Rel) -> Expect {
    signed(rel).unwrap_or(allow_if(role == Role::PartnershipTeam))
}
/// A case page: the team and the chair see their partnership's cases; members see theirs.
fn case_read(role: Role, rel: Rel) -> Expect {
    if let Some(e) = signed(rel) {
        return e;
    }
    match rel {
        Rel::OtherPartnership => Deny,
        _ if role.sees_partnership_cases() => Allow,
        Rel::OwnCase | Rel::OwnAgencyDraft | Rel::OtherAgencyDraft
            if role != Role::SystemAdministrator =>
        {
            Allow
        }
        _ => Deny,
    }
}
/// An action on a case (the rapid review meeting): seeing the case, and being the team or the
/// chair.
fn case_action(role: Role, rel: Rel) -> Expect {
    match case_read(role, rel) {
        Allow if matches!(role, Role::PartnershipTeam | Role::Chair) => Allow,
        Allow => Deny,
        other => other,
    }
}
fn figures_people(role: Role, rel: Rel) -> Expect {
    let allowed = matches!(
        role,
        Role::PartnershipTeam | Role::Chair | Role::SubgroupMember | Role::SafeguardingPartner
    );
    signed(rel).unwrap_or(allow_if(allowed))
}
/// Thematic briefings' list: the partnership's learning roles and agencies' representatives
/// (who see the briefings sent to their agency: tests/web/briefings.rs).
fn briefing_readers(role: Role, rel: Rel) -> Expect {
    let allowed = matches!(
        role,
        Role::PartnershipTeam
            | Role::Chair
            | Role::SubgroupMember
            | Role::SafeguardingPartner
            | Role::AgencyRepresentative
    );
    signed(rel).unwrap_or(allow_if(allowed))
}
/// Writing briefings: the team and the chair.
fn briefing_writers(role: Role, rel: Rel) -> Expect {
    let allowed = matches!(role, Role::PartnershipTeam | Role::Chair);
    signed(rel).unwrap_or(allow_if(allowed))
}
fn nobody(_: Role, _: Rel) -> Expect {
    Deny
}
fn nothing_there(_: Role, rel: Rel) -> Expect {
    signed(rel).unwrap_or(Deny)
}
fn subgroup(role: Role, rel: Rel) -> Expect {
    let allowed = matches!(
        role,
        Role::PartnershipTeam | Role::Chair | Role::SubgroupMember
    );
    signed(rel).unwrap_or(allow_if(allowed))
}
fn subgroup_post(role: Role, rel: Rel) -> Expect {
    match subgroup(role, rel) {
        Allow => Deny,
        other => other,
    }
}
/// Documents: reading the case, less the roles a handler refuses (routes/documents/).
fn case_read_but(role: Role, rel: Rel, allowed: &[Role]) -> Expect {
    match case_read(role, rel) {
        Allow if allowed.contains(&role) => Allow,
        Allow => Deny,
        other => other,
    }
}
fn document_export(role: Role, rel: Rel) -> Expect {
    let exporters = [
        Role::PartnershipTeam,
        Role::Chair,
        Role::SubgroupMember,
        Role::IndependentReviewer,
        Role::SafeguardingPartner,
    ];
    case_read_but(role, rel, &exporters)
}
/// The rapid review report (the matrix's document) is edited by the team and the subgroup.
fn rapid_review_edit(role: Role, rel: Rel) -> Expect {
    case_read_but(
        role,
        rel,
        &[Role::PartnershipTeam, Role::Chair, Role::SubgroupMember],
    )
}
/// The overview report's recommendations and the family's comments: the team and the reviewer.
fn overview_edit(role: Role, rel: Rel) -> Expect {
    case_read_but(
        role,
        rel,
        &[Role::PartnershipTeam, Role::IndependentReviewer],
    )
}
/// Team-only case pages (access history, membership).
fn case_team(role: Role, rel: Rel) -> Expect {
    if let Some(e) = signed(rel) {
        return e;
    }
    match rel {
        Rel::OtherPartnership => Deny,
        _ if role == Role::PartnershipTeam => Allow,
        _ => Deny,
    }
}
/// An agency's drafts: the team and chair; the member representative of that agency only.
fn agency_draft(role: Role, rel: Rel) -> Expect {
    if let Some(e) = signed(rel) {
        return e;
    }
    match rel {
        Rel::OtherPartnership => Deny,
        _ if role.sees_partnership_cases() => Allow,
        Rel::OwnAgencyDraft | Rel::OwnCase if role == Role::AgencyRepresentative => Allow,
        _ => Deny,
    }
}

/// Answering an agency's request: as its drafts, less the chair (who reads but does not answer).
fn agency_answer(role: Role, rel: Rel) -> Expect {
    match agency_draft(role, rel) {
        Allow if role == Role::Chair => Deny,
        other => other,
    }
}
/// Key practice episodes: reading the case, and being the team, the chair or the reviewer.
fn key_episodes(role: Role, rel: Rel) -> Expect {
    case_read_but(
        role,
        rel,
        &[
            Role::PartnershipTeam,
            Role::Chair,
            Role::IndependentReviewer,
        ],
    )
}

/// The expectations: one row for every route of the application.
fn expectations() -> BTreeMap<&'static str, Policy> {
    BTreeMap::from([
        ("GET /", public as Policy),
        ("GET /health", public),
        ("GET /assets/{file}", public),
        ("GET /accessibility", public),
        ("GET /information", public),
        ("GET /information/what-a-review-is", public),
        ("GET /information/practitioners", public),
        ("GET /information/families", public),
        ("GET /information/referrals", public),
        ("GET /privacy", public),
        ("GET /sign-in", public),
        ("POST /sign-in", public),
        ("GET /signed-out", public),
        ("GET /sign-in/oidc", public),
        ("GET /sign-in/oidc/callback", public),
        ("GET /sign-in/two-factor", any_signed_in),
        ("POST /sign-in/two-factor", any_signed_in),
        ("GET /sign-in/set-up-two-factor", any_signed_in),
        ("GET /sign-in/set-up-two-factor/qr.png", any_signed_in),
        ("POST /sign-in/set-up-two-factor", any_signed_in),
        ("POST /sign-out", any_signed_in),
        ("POST /sign-out-everywhere", any_signed_in),
        ("GET /account", any_signed_in),
        ("POST /account/password", any_signed_in),
        ("GET /account/api-tokens", any_signed_in),
        ("POST /account/api-tokens/{token_id}/revoke", nothing_there),
        // Passkeys: the account's own (an unknown one is not found to anyone), and the
        // ceremonies (an empty post is answered by the handler as a bad request).
        ("GET /account/passkeys", any_signed_in),
        ("POST /account/passkeys/options", any_signed_in),
        ("POST /account/passkeys", any_signed_in),
        ("POST /account/passkeys/{passkey_id}/remove", nothing_there),
        ("POST /sign-in/passkey/options", public),
        ("POST /sign-in/passkey", public),
        ("GET /confirm-identity/passkey", any_signed_in),
        ("POST /confirm-identity/passkey/options", any_signed_in),
        ("POST /confirm-identity/passkey", any_signed_in),
        ("GET /dashboard", casework),
        ("GET /cases", casework),
        ("GET /cases/new/{action}", team_only),
        ("POST /cases/new/{action}", team_only),
        ("GET /cases/{case_id}", case_read),
        ("GET /cases/{case_id}/print", case_read),
        // The action checked is the rapid review meeting: the team's and the chair's.
        ("GET /cases/{case_id}/actions/{action}", case_action),
        ("POST /cases/{case_id}/actions/{action}", case_action),
        ("GET /cases/{case_id}/access-history", case_team),
        (
            "GET /cases/{case_id}/agencies/{agency_id}/contributions",
            agency_draft,
        ),
        ("GET /cases/{case_id}/members", case_team),
        ("POST /cases/{case_id}/members", case_team),
        ("POST /cases/{case_id}/members/{user_id}/remove", case_team),
        ("GET /cases/{case_id}/practitioner-links", case_team),
        ("POST /cases/{case_id}/practitioner-links", case_team),
        ("POST /cases/{case_id}/practitioner-links/revoke", case_team),
        // Public: the link's token is the credential, checked by the handler (an unknown
        // token gets the "not valid" page); practitioner_links.rs covers the rest.
        ("GET /contribute/{token}", public),
        ("POST /contribute/{token}/code", public),
        ("POST /contribute/{token}", public),
        ("GET /contribute/{token}/form", public),
        ("POST /contribute/{token}/form", public),
        // Requests to agencies (routes/requests/): the matrix's case has agency summaries
        // asked of three agencies, two sent.
        ("GET /cases/{case_id}/requests", case_read),
        ("POST /cases/{case_id}/requests", case_team),
        ("GET /cases/{case_id}/requests/{kind}", case_read),
        ("POST /cases/{case_id}/requests/{kind}/due", case_team),
        ("POST /cases/{case_id}/requests/{kind}/reopen", case_team),
        // No such file: "not found" to those who may see the case, refused to the rest.
        (
            "GET /cases/{case_id}/requests/{kind}/files/{blob_id}",
            nothing_there,
        ),
        (
            "GET /cases/{case_id}/agencies/{agency_id}/requests/{kind}",
            agency_draft,
        ),
        (
            "POST /cases/{case_id}/agencies/{agency_id}/requests/{kind}",
            agency_answer,
        ),
        (
            "POST /cases/{case_id}/agencies/{agency_id}/requests/{kind}/files",
            agency_answer,
        ),
        // Only chronologies are imported: an agency summary's import is "not found".
        (
            "POST /cases/{case_id}/agencies/{agency_id}/requests/{kind}/import",
            nothing_there,
        ),
        // A practitioner's submission (issue 16, finding 4): decided by those who answer for
        // the agency; the matrix's link has sent nothing, so the page says so (400).
        (
            "POST /cases/{case_id}/agencies/{agency_id}/requests/{kind}/submissions/{link_id}/accept",
            agency_answer,
        ),
        (
            "POST /cases/{case_id}/agencies/{agency_id}/requests/{kind}/submissions/{link_id}/decline",
            agency_answer,
        ),
        ("GET /cases/{case_id}/chronology", case_read),
        // One export rule (issue 16, finding 13): the chronology leaves the service only
        // with those who may export the case's documents.
        ("GET /cases/{case_id}/chronology.csv", document_export),
        ("GET /cases/{case_id}/chronology.docx", document_export),
        (
            "POST /cases/{case_id}/chronology/key-episodes",
            key_episodes,
        ),
        ("GET /chronology-template.csv", casework),
        ("GET /admin/forms", team_only),
        ("GET /subject-access", team_only),
        ("POST /subject-access", team_only),
        ("POST /subject-access/export", team_only),
        ("GET /admin/forms/{kind}", team_only),
        ("POST /admin/forms/{kind}", team_only),
        ("GET /actions", casework),
        ("GET /actions.csv", casework),
        ("GET /themes", casework),
        ("GET /figures", figures_people),
        ("GET /figures.csv", figures_people),
        // No such action on the case: everyone who may see the case gets "not found".
        ("GET /cases/{case_id}/evidence/{action_id}", nothing_there),
        ("POST /cases/{case_id}/evidence/{action_id}", nothing_there),
        (
            "GET /cases/{case_id}/evidence/{action_id}/{blob_id}",
            nothing_there,
        ),
        ("GET /meetings", subgroup),
        ("GET /meetings/{day}", subgroup),
        // The guard lets the subgroup through; the handler lets only the team and the chair
        // record, and only on a case waiting for the meeting (none in this matrix: 404).
        ("POST /meetings/{day}/cases/{case_id}", subgroup_post),
        // Publication: the team's alone, refused by the handler to anyone else who sees the
        // case; a finding that does not exist is "not found" even for the team.
        ("GET /cases/{case_id}/publication", case_team),
        ("POST /cases/{case_id}/publication/scan", case_team),
        ("GET /cases/{case_id}/publication/review", case_team),
        (
            "POST /cases/{case_id}/publication/findings/{finding}",
            nothing_there,
        ),
        ("POST /cases/{case_id}/publication/check", case_team),
        ("POST /cases/{case_id}/publication/jigsaw", case_team),
        ("POST /cases/{case_id}/publication/accept-rest", case_team),
        ("POST /cases/{case_id}/publication/pseudonyms", case_team),
        ("GET /cases/{case_id}/publication/publish", case_team),
        ("POST /cases/{case_id}/publication/publish", case_team),
        ("POST /cases/{case_id}/publication/withdraw", case_team),
        // Documents (the matrix's case is at its rapid review: the rapid review report).
        ("GET /cases/{case_id}/documents/{document}", case_read),
        (
            "POST /cases/{case_id}/documents/{document}/exports",
            document_export,
        ),
        // No such export or comment: "not found" to those who may, refused to the rest.
        (
            "GET /cases/{case_id}/documents/{document}/exports/{export_id}",
            nothing_there,
        ),
        (
            "GET /cases/{case_id}/documents/{document}/sections/{section}",
            case_read,
        ),
        (
            "POST /cases/{case_id}/documents/{document}/sections/{section}",
            rapid_review_edit,
        ),
        (
            "GET /cases/{case_id}/documents/{document}/sections/{section}/history",
            case_read,
        ),
        (
            "POST /cases/{case_id}/documents/{document}/sections/{section}/comments",
            case_read,
        ),
        (
            "POST /cases/{case_id}/documents/{document}/sections/{section}/comments/{comment_id}/resolve",
            nothing_there,
        ),
        ("GET /cases/{case_id}/report/recommendations", overview_edit),
        (
            "POST /cases/{case_id}/report/recommendations",
            overview_edit,
        ),
        (
            "POST /cases/{case_id}/report/family-comments",
            overview_edit,
        ),
        // Public: anyone; a report that was never published is "not found" to everyone.
        ("GET /published-reviews", public),
        ("GET /health/live", public),
        // Served to the machine itself or with the token: these requests are neither.
        ("GET /metrics", nobody),
        ("GET /published-reviews/{report_id}/report.pdf", nobody),
        ("GET /published-reviews/{report_id}", nobody),
        ("GET /library", casework),
        // A review that is not in the library is "not found".
        ("GET /library/{record_id}", nothing_there),
        ("GET /briefings", briefing_readers),
        ("GET /briefings/new", briefing_writers),
        ("POST /briefings/new", briefing_writers),
        // A briefing that does not exist is "not found" to everyone signed in; who may do what
        // with one that does is tests/web/briefings.rs.
        ("GET /briefings/{briefing_id}", nothing_there),
        ("GET /briefings/{briefing_id}/edit", nothing_there),
        ("POST /briefings/{briefing_id}/edit", nothing_there),
        ("POST /briefings/{briefing_id}/send", nothing_there),
        ("POST /briefings/{briefing_id}/actions", nothing_there),
        (
            "POST /briefings/{briefing_id}/actions/{number}/complete",
            nothing_there,
        ),
        ("POST /briefings/{briefing_id}/close", nothing_there),
        ("GET /briefings/{briefing_id}/briefing.pdf", nothing_there),
        ("GET /briefings/{briefing_id}/briefing.docx", nothing_there),
        (
            "GET /briefings/{briefing_id}/agencies/{agency_id}",
            nothing_there,
        ),
        (
            "POST /briefings/{briefing_id}/agencies/{agency_id}",
            nothing_there,
        ),
        ("GET /admin", settings_people),
        ("GET /admin/users", admins),
        ("GET /admin/users/new", admins),
        ("POST /admin/users/new", admins),
        ("POST /admin/users/{user_id}/activation", admins),
        ("POST /admin/users/{user_id}/passkeys/remove", admins),
        ("GET /admin/approvals", settings_people),
        ("POST /admin/approvals/{grant_id}", settings_people),
        // An unknown or spent link is "not found" to everyone.
        ("GET /confirm-identity", any_signed_in),
        ("POST /confirm-identity", any_signed_in),
        ("GET /confirm-identity/organisation", any_signed_in),
        ("GET /activate/{token}", nobody),
        ("POST /activate/{token}", nobody),
        ("GET /admin/users/{user_id}", admins),
        ("POST /admin/users/{user_id}", admins),
        ("GET /admin/agencies", settings_people),
        ("POST /admin/agencies", settings_people),
        ("GET /admin/settings", team_only),
        ("POST /admin/settings", team_only),
    ])
}

fn outcome(status: StatusCode, location: Option<&str>) -> Expect {
    match status {
        StatusCode::UNAUTHORIZED => SignIn,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => Deny,
        s if s.is_redirection()
            && location.is_some_and(|l| l.starts_with("/sign-in?") || l == "/sign-in") =>
        {
            SignIn
        }
        _ => Allow,
    }
}

/// Makes `user` a member of `case` in the case role that goes with their `role`, if one does
/// (a representative for Northshire Community Health); returns that case role.
async fn grant_as_role(
    t: &TestApp,
    case: CaseId,
    user: uuid::Uuid,
    role: Role,
) -> Option<CaseRole> {
    let case_role = match role {
        Role::AgencyRepresentative => Some(CaseRole::AgencyRepresentative),
        Role::IndependentReviewer => Some(CaseRole::IndependentReviewer),
        Role::PanelMember => Some(CaseRole::PanelMember),
        Role::SafeguardingPartner => Some(CaseRole::SafeguardingPartner),
        Role::SubgroupMember => Some(CaseRole::SubgroupMember),
        _ => None,
    };
    if let Some(cr) = case_role {
        let agency = (cr == CaseRole::AgencyRepresentative).then_some(HEALTH);
        t.grant(case, user, cr, agency).await;
    }
    case_role
}

#[tokio::test]
async fn every_role_every_route_every_relation() {
    // A site with a domain name, so that passkeys are offered and their routes answer.
    let t = TestApp::with_config(|c| c.public_url = Some("https://cspr.example.org".into())).await;
    let expectations = expectations();
    for spec in ROUTES {
        let key = format!("{} {}", spec.method, spec.path);
        assert!(
            expectations.contains_key(key.as_str()),
            "route {key} has no row in the authorisation matrix"
        );
    }
    assert_eq!(
        expectations.len(),
        ROUTES.len(),
        "the matrix names a route the application does not have"
    );

    let own_case = t.case(PARTNERSHIP, "CSPR-2025-101").await;
    let other_case = t.case(PARTNERSHIP, "CSPR-2025-102").await;
    let foreign_case = t.case(OTHER_PARTNERSHIP, "CSPR-2025-901").await;
    let target_user = account(&t, Role::SubgroupMember, "target@example.org").await;

    let mut checked = 0;
    for role in Role::ALL {
        for rel in RELS {
            // A fresh account per relation, so disabling and revoking do not leak between cells.
            let email = format!("{}-{rel:?}@example.org", role.key()).to_lowercase();
            let user = account(&t, role, &email).await;
            let case_role = grant_as_role(&t, own_case, user, role).await;
            if rel == Rel::Revoked && case_role.is_some() {
                t.revoke(own_case, user).await;
            }
            for spec in ROUTES {
                let key = format!("{} {}", spec.method, spec.path);
                let expected = {
                    let policy = expectations[key.as_str()];
                    // Revoked membership: the person is now like anyone else without it.
                    let as_rel = if rel == Rel::Revoked {
                        Rel::OtherCase
                    } else {
                        rel
                    };
                    policy(role, as_rel)
                };
                let case = match rel {
                    Rel::OtherCase | Rel::Revoked => other_case,
                    Rel::OtherPartnership => foreign_case,
                    _ => own_case,
                };
                let agency = if rel == Rel::OtherAgencyDraft {
                    POLICE
                } else {
                    HEALTH
                };
                let path = spec
                    .path
                    .replace("{case_id}", &case.to_string())
                    .replace("{agency_id}", &agency.to_string())
                    .replace("{user_id}", &target_user.to_string())
                    .replace("{file}", "nothing.css")
                    .replace("{day}", "2025-09-11")
                    .replace("{action_id}", "00000000-0000-0000-0000-00000000abcd")
                    .replace("{blob_id}", "00000000-0000-0000-0000-00000000b10b")
                    .replace("{report_id}", "00000000-0000-0000-0000-00000000beef")
                    .replace("{briefing_id}", "00000000-0000-0000-0000-0000000b1ef0")
                    .replace("{number}", "1")
                    .replace("{record_id}", "no-such-review")
                    .replace("{document}", "rapid-review")
                    .replace("{section}", "facts")
                    .replace("{export_id}", "00000000-0000-0000-0000-00000000e0e0")
                    .replace("{comment_id}", "00000000-0000-0000-0000-00000000c0c0")
                    .replace("{link_id}", "00000000-0000-0000-0000-0000000011a0")
                    .replace("{passkey_id}", "00000000-0000-0000-0000-0000000ba55e")
                    .replace("{token_id}", "00000000-0000-0000-0000-00000000a0a1")
                    .replace("{kind}", "agency-summary")
                    .replace(
                        "{action}",
                        if spec.path.starts_with("/cases/new/") {
                            "record-serious-incident"
                        } else {
                            "hold-rapid-review-meeting"
                        },
                    );
                // A fresh session per request: signing out must not spill into the next route.
                let cookie = match rel {
                    Rel::SignedOut => None,
                    Rel::Disabled => {
                        // Signed in, then disabled: the session must stop working at once.
                        t.store
                            .set_user_disabled(user, false)
                            .await
                            .expect("enable");
                        let cookie = t.session(user).await;
                        t.store
                            .set_user_disabled(user, true)
                            .await
                            .expect("disable");
                        Some(cookie)
                    }
                    _ => Some(t.session(user).await),
                };
                let response = if spec.method == "GET" {
                    t.get(&path, cookie.as_deref()).await
                } else {
                    t.post(&path, cookie.as_deref(), "").await
                };
                let got = outcome(response.status(), location(&response).as_deref());
                // A public asset that does not exist is a 404 from the handler, not a refusal.
                let got = if spec.path == "/assets/{file}"
                    && response.status() == StatusCode::NOT_FOUND
                {
                    Allow
                } else {
                    got
                };
                assert_eq!(
                    got,
                    expected,
                    "{role:?} {rel:?} {key} ({path}) -> {}",
                    response.status()
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, Role::ALL.len() * RELS.len() * ROUTES.len());
}

/// Every kind of command × every role, on a case the person can see: the form of a kind opens
/// exactly for the roles the policy gives that kind (`cspr_app::policy::runners`), and the
/// catalogue has a form (on a case, or opening one) for exactly the kinds the policy gives to
/// someone.
#[tokio::test]
async fn every_role_every_command_form() {
    use cspr_domain::case::CommandKind;
    use cspr_web::routes::actions::catalogue;

    let (t, case) = TestApp::with_case("CSPR-2025-111").await;
    let all = catalogue::all();
    let forms: Vec<_> = all.iter().filter(|a| !a.opens_case).collect();
    for kind in CommandKind::all() {
        let has_form = all.iter().any(|a| a.command == kind);
        assert_eq!(
            has_form,
            !cspr_app::policy::runners(kind).is_empty(),
            "{}: the catalogue and the policy disagree on whether it has a form",
            kind.name()
        );
    }
    let mut checked = 0;
    for role in Role::ALL {
        let email = format!("{}-forms@example.org", role.key());
        let user = account(&t, role, &email).await;
        grant_as_role(&t, case, user, role).await;
        let cookie = t.session(user).await;
        for kind in CommandKind::all() {
            let path = format!("/cases/{case}/actions/{}", kind.name());
            let response = t.get(&path, Some(&cookie)).await;
            let got = outcome(response.status(), location(&response).as_deref());
            let expected = allow_if(
                role != Role::SystemAdministrator
                    && forms.iter().any(|a| a.command == kind)
                    && cspr_app::policy::may_run(role, kind),
            );
            assert_eq!(
                got,
                expected,
                "{role:?} GET {path} -> {}",
                response.status()
            );
            checked += 1;
        }
    }
    assert_eq!(checked, Role::ALL.len() * CommandKind::all().count());
}

#[tokio::test]
async fn refusals_are_written_to_the_access_log() {
    let (t, case) = TestApp::with_case("CSPR-2025-103").await;
    let (user, cookie) = signed_in(&t, Role::PanelMember, "panel@example.org").await;
    let response = t.get(&format!("/cases/{case}"), Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let log = t.case_log(case).await;
    assert!(
        log.iter()
            .any(|e| e.action == "authorisation-refused" && e.actor == user.to_string()),
        "{log:?}"
    );
}
