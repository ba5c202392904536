//! The security bar of the web layer: headers and cookie flags, session expiry with an injected
//! clock, new session ids, CSRF refusal, a failing access-log write blocking the read, no user
//! enumeration, permission changes taking effect on the next request.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use cspr_domain::case::model::CaseRole;
use cspr_domain::examples::PARTNERSHIP;
use cspr_domain::ids::CaseId;
use cspr_web::access::Role;
use tower::ServiceExt;
use uuid::Uuid;

fn set_cookie(response: &axum::http::Response<Body>) -> Option<String> {
    response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn token_of(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_owned()
}

/// Signs in with the password; returns the first-factor cookie.
async fn password_step(t: &TestApp, email: &str) -> String {
    let form = format!(
        "email={}&password={}",
        email.replace('@', "%40"),
        PASSWORD.replace(' ', "+")
    );
    let response = t.post("/sign-in", None, &form).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(response).await
    );
    token_of(&set_cookie(&response).expect("a session cookie"))
}

/// Asserts that the signed-in `user` opens the case page and, moved to `role`, is refused it
/// at the very next request with the same session.
async fn assert_a_new_role_closes_the_case(
    t: &TestApp,
    case: CaseId,
    user: Uuid,
    cookie: &str,
    role: Role,
) {
    let path = format!("/cases/{case}");
    assert_status(t, &path, Some(cookie), StatusCode::OK).await;
    t.store
        .set_user_role(user, role.key(), None)
        .await
        .expect("role");
    assert_status(t, &path, Some(cookie), StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn pages_carry_the_security_headers() {
    let response = TestApp::spawn().await.get("/", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let h = response.headers();
    let csp = h["content-security-policy"].to_str().expect("csp");
    assert!(
        csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline")
            && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(
        h["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["cache-control"], "no-store");
    assert!(h.contains_key("x-request-id"));
    let html = body(response).await;
    assert!(
        !html.contains("<script>") && !html.contains("style=\""),
        "no inline script or style"
    );
}

#[tokio::test]
async fn the_session_cookie_is_host_only_secure_http_only_strict_and_new_at_each_step() {
    let t = TestApp::spawn().await;
    let user = account(&t, Role::PartnershipTeam, "team@example.org").await;
    let form = format!(
        "email=team%40example.org&password={}",
        PASSWORD.replace(' ', "+")
    );
    let response = t.post("/sign-in", None, &form).await;
    let cookie = set_cookie(&response).expect("cookie");
    assert!(cookie.starts_with("__Host-cspr-session="), "{cookie}");
    for flag in ["Path=/", "Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(cookie.contains(flag), "{flag} missing from {cookie}");
    }
    assert_lacks(&cookie, "Domain=");
    let first = token_of(&cookie);
    assert_eq!(
        first.len(),
        "__Host-cspr-session=".len() + 64,
        "256-bit token"
    );
    // Second factor: a new token, and the first one stops working.
    let secret = [7u8; 20];
    let code = cspr_web::auth::totp::code_at(
        &secret,
        u64::try_from(t.now().unix_timestamp()).expect("time"),
    );
    let response = t
        .post("/sign-in/two-factor", Some(&first), &format!("code={code}"))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response).as_deref(), Some("/dashboard"));
    let second = token_of(&set_cookie(&response).expect("new cookie"));
    assert_ne!(first, second);
    assert_status(&t, "/dashboard", Some(&second), StatusCode::OK).await;
    assert_status(
        &t,
        "/sign-in/two-factor",
        Some(&first),
        StatusCode::SEE_OTHER,
    )
    .await;
    assert_redirects(&t, "/dashboard", Some(&first), "/sign-in").await;
    // The same code cannot be used twice.
    let again = password_step(&t, "team@example.org").await;
    let response = t
        .post("/sign-in/two-factor", Some(&again), &format!("code={code}"))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "a reused code is refused"
    );
    let _ = user;
}

#[tokio::test]
async fn sessions_end_after_30_idle_minutes_and_after_12_hours() {
    let t = TestApp::spawn().await;
    let (user, cookie) = signed_in(&t, Role::PartnershipTeam, "idle@example.org").await;
    t.advance(time::Duration::minutes(29));
    assert_status(&t, "/dashboard", Some(&cookie), StatusCode::OK).await;
    t.advance(time::Duration::minutes(31));
    let response = t.get("/dashboard", Some(&cookie)).await;
    assert_eq!(
        location(&response).as_deref(),
        Some("/sign-in?ended=timeout")
    );
    assert!(set_cookie(&response).is_some_and(|c| c.contains("Max-Age=0")));
    // Active all day: still ends at 12 hours.
    let cookie = t.session(user).await;
    for _ in 0..(12 * 60 / 25) {
        t.advance(time::Duration::minutes(25));
        assert_status(&t, "/dashboard", Some(&cookie), StatusCode::OK).await;
    }
    t.advance(time::Duration::minutes(25));
    assert_redirects(&t, "/dashboard", Some(&cookie), "/sign-in?ended=timeout").await;
}

/// Issue 20: a session's last use is written at most once a minute, so reading pages is not a
/// database write each time; the idle limit still holds to the minute.
#[tokio::test]
async fn a_session_is_touched_at_most_once_a_minute() {
    let t = TestApp::spawn().await;
    let (_, cookie) = signed_in(&t, Role::PartnershipTeam, "touch@example.org").await;
    let hash = cspr_web::session::token_hash(
        cookie
            .split(';')
            .next()
            .and_then(|c| c.split_once('='))
            .map(|(_, v)| v)
            .expect("token"),
    );
    let seen = || async {
        t.store
            .session(&hash)
            .await
            .expect("read")
            .expect("session")
            .last_seen_at
    };
    let first = seen().await;
    t.advance(time::Duration::seconds(30));
    assert_status(&t, "/dashboard", Some(&cookie), StatusCode::OK).await;
    assert_eq!(seen().await, first, "not written within the minute");
    t.advance(time::Duration::seconds(31));
    assert_status(&t, "/dashboard", Some(&cookie), StatusCode::OK).await;
    assert_eq!(seen().await, t.now(), "written once the minute has passed");
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_change_nothing() {
    let t = TestApp::spawn().await;
    let (_, cookie) = signed_in(&t, Role::SystemAdministrator, "admin@example.org").await;
    let form = "name=Evil+Agency&kind=police";
    for (header, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ] {
        let request = Request::post("/admin/agencies")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("host", "cspr.example.org")
            .header("cookie", &cookie)
            .header(header, value)
            .body(Body::from(form))
            .expect("request");
        let response = t.send(request).await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{header}: {value}"
        );
    }
    assert_eq!(agency_count(&t).await, 0);
    // The same post from the same origin goes through.
    let response = t.post("/admin/agencies", Some(&cookie), form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(agency_count(&t).await, 1);
}

/// How many agencies the example partnership has.
async fn agency_count(t: &TestApp) -> usize {
    let agencies = t.store.agencies(PARTNERSHIP.as_uuid()).await;
    agencies.expect("agencies").len()
}

#[tokio::test]
async fn a_read_fails_when_its_access_log_write_fails() {
    let (t, case) = TestApp::with_case("CSPR-2025-201").await;
    let (_, cookie) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let ok = t.get(&format!("/cases/{case}"), Some(&cookie)).await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(
        body(ok).await.contains("Ada Example"),
        "the page shows the child's name"
    );
    t.db.execute("CREATE TRIGGER refuse_log BEFORE INSERT ON access_log BEGIN SELECT RAISE(ABORT, 'refused'); END").await;
    let refused = t.get(&format!("/cases/{case}"), Some(&cookie)).await;
    assert_eq!(refused.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let html = body(refused).await;
    assert!(
        !html.contains("Ada Example"),
        "no personal data without its audit record"
    );
    assert!(html.contains("Sorry, there is a problem with the service"));
}

#[tokio::test]
async fn every_case_read_is_in_the_case_access_history() {
    let (t, case) = TestApp::with_case("CSPR-2025-202").await;
    let (_, cookie) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    t.get(&format!("/cases/{case}"), Some(&cookie)).await;
    let history = body(
        t.get(&format!("/cases/{case}/access-history"), Some(&cookie))
            .await,
    )
    .await;
    assert!(
        history.contains("view-case") && history.contains("Test Partnership team"),
        "{history}"
    );
    let log = t.case_log(case).await;
    assert_eq!(log.iter().filter(|e| e.action == "view-case").count(), 1);
}

#[tokio::test]
async fn unknown_accounts_and_wrong_passwords_get_the_same_answer() {
    let t = TestApp::spawn().await;
    account(&t, Role::Chair, "chair@example.org").await;
    let wrong = body(
        t.post(
            "/sign-in",
            None,
            "email=chair%40example.org&password=not+the+password+at+all",
        )
        .await,
    )
    .await;
    let unknown = body(
        t.post(
            "/sign-in",
            None,
            "email=nobody%40example.org&password=not+the+password+at+all",
        )
        .await,
    )
    .await;
    let strip = |s: &str| {
        s.replace("chair%40example.org", "")
            .replace("chair@example.org", "")
            .replace("nobody@example.org", "")
    };
    assert_eq!(strip(&wrong), strip(&unknown));
    assert!(wrong.contains("Enter a correct email address and password"));
    let log = t.store.read_access_log(0, 100).await.expect("log");
    assert_eq!(
        log.iter().filter(|e| e.action == "sign-in-failed").count(),
        2
    );
    assert!(
        log.iter().all(|e| !e.actor.contains('@')),
        "no email address in the log"
    );
}

#[tokio::test]
async fn failures_hold_an_account_back_with_an_escalating_delay() {
    let t = TestApp::spawn().await;
    account(&t, Role::Chair, "held@example.org").await;
    for _ in 0..4 {
        t.post(
            "/sign-in",
            None,
            "email=held%40example.org&password=wrong+wrong+wrong+wrong",
        )
        .await;
    }
    let right = format!(
        "email=held%40example.org&password={}",
        PASSWORD.replace(' ', "+")
    );
    let response = t.post("/sign-in", None, &right).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_contains(&body(response).await, "Too many attempts");
    t.advance(time::Duration::seconds(2));
    assert_eq!(
        t.post("/sign-in", None, &right).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_role_change_applies_on_the_next_request() {
    let (t, case) = TestApp::with_case("CSPR-2025-203").await;
    let (user, cookie) = signed_in(&t, Role::PartnershipTeam, "mover@example.org").await;
    assert_a_new_role_closes_the_case(&t, case, user, &cookie, Role::PanelMember).await;
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session() {
    let t = TestApp::spawn().await;
    let (user, phone) = signed_in(&t, Role::Chair, "everywhere@example.org").await;
    let laptop = t.session(user).await;
    assert_eq!(
        t.post("/sign-out-everywhere", Some(&laptop), "")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_redirects(&t, "/dashboard", Some(&phone), "/sign-in").await;
    assert_redirects(&t, "/dashboard", Some(&laptop), "/sign-in").await;
}

#[tokio::test]
async fn errors_show_a_generic_page() {
    let response = TestApp::spawn().await.get("/no-such-page", None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = body(response).await;
    assert!(
        html.contains("Page not found")
            && html.contains("Northshire Safeguarding Children Partnership")
    );
}

#[tokio::test]
async fn administrators_and_the_team_cannot_be_made_case_members() {
    let (t, case) = TestApp::with_case("CSPR-2025-204").await;
    let (_, cookie) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let admin = account(&t, Role::SystemAdministrator, "admin@example.org").await;
    let response = t
        .post(
            &format!("/cases/{case}/members"),
            Some(&cookie),
            &format!("user={admin}&role=subgroup-member"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_contains(
        &body(response).await,
        "Choose a person and their part in the case",
    );
    assert!(
        t.store
            .case_members(case.as_uuid())
            .await
            .expect("members")
            .is_empty()
    );
    let admin_cookie = t.session(admin).await;
    assert_status(
        &t,
        &format!("/cases/{case}"),
        Some(&admin_cookie),
        StatusCode::FORBIDDEN,
    )
    .await;
}

/// Health's representative, signed in and made a member of the case for Health.
async fn health_rep_on(t: &TestApp, case: CaseId) -> (Uuid, String) {
    let (rep, cookie) = signed_in(t, Role::AgencyRepresentative, "rep@example.org").await;
    t.grant(
        case,
        rep,
        CaseRole::AgencyRepresentative,
        Some(cspr_domain::examples::HEALTH),
    )
    .await;
    (rep, cookie)
}

#[tokio::test]
async fn agency_drafts_follow_the_agency_recorded_on_the_membership() {
    let (t, case) = TestApp::with_case("CSPR-2025-205").await;
    let (rep, cookie) = health_rep_on(&t, case).await;

    let health = format!(
        "/cases/{case}/agencies/{}/contributions",
        cspr_domain::examples::HEALTH
    );
    let police = format!(
        "/cases/{case}/agencies/{}/contributions",
        cspr_domain::examples::POLICE
    );
    assert_status(&t, &health, Some(&cookie), StatusCode::OK).await;
    assert_status(&t, &police, Some(&cookie), StatusCode::FORBIDDEN).await;
    // Moved to the police: the case still records them for health, so neither opens.
    t.store
        .set_user_role(
            rep,
            Role::AgencyRepresentative.key(),
            Some(cspr_domain::examples::POLICE.as_uuid()),
        )
        .await
        .expect("move");
    assert_status(&t, &police, Some(&cookie), StatusCode::FORBIDDEN).await;
    assert_status(&t, &health, Some(&cookie), StatusCode::FORBIDDEN).await;
}

/// Issue 16, finding 9: case access survived a change of role or agency (a representative
/// moved to the police kept the case, now for the wrong agency). When an administrator changes
/// a person's role or agency, their memberships of cases end, as events on each case; a change
/// of status alone keeps them.
#[tokio::test]
async fn memberships_end_when_an_administrator_changes_role_or_agency() {
    let (t, case) = TestApp::with_case("CSPR-2025-206").await;
    t.agencies(&[cspr_domain::examples::HEALTH, cspr_domain::examples::POLICE])
        .await;
    let (rep, _) = health_rep_on(&t, case).await;
    let (_, admin) = signed_in(&t, Role::SystemAdministrator, "admin@example.org").await;
    let members = |t: &TestApp| {
        let store = t.store.clone();
        async move { store.case_members(case.as_uuid()).await.expect("members") }
    };
    assert_eq!(members(&t).await.len(), 1);
    let form = |agency: cspr_domain::ids::AgencyId, status: &str| {
        format!("role=agency-representative&agency={agency}&status={status}")
    };

    // Disabled and enabled again, same role and agency: still a member.
    let path = format!("/admin/users/{rep}");
    for status in ["disabled", "active"] {
        let r = t
            .post(
                &path,
                Some(&admin),
                &form(cspr_domain::examples::HEALTH, status),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    assert_eq!(
        members(&t).await.len(),
        1,
        "a change of status keeps access"
    );

    // Moved to the police: the membership ends, as an event of the case.
    let r = t
        .post(
            &path,
            Some(&admin),
            &form(cspr_domain::examples::POLICE, "active"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(members(&t).await.is_empty(), "the membership ended");
    let (loaded, events) = t.state.app().load(case).await.expect("case");
    assert!(loaded.members.is_empty());
    assert!(
        events
            .iter()
            .any(|e| matches!(e, cspr_domain::case::Event::MembershipRevoked { .. })),
        "ended by an event"
    );
}

#[tokio::test]
async fn a_wrong_current_password_is_logged_and_held_back() {
    let t = TestApp::spawn().await;
    let (_, cookie) = signed_in(&t, Role::Chair, "chair@example.org").await;
    let wrong = "current=not+my+password+at+all&new=another+long+passphrase+here&confirm=another+long+passphrase+here";
    for _ in 0..4 {
        let html = body(t.post("/account/password", Some(&cookie), wrong).await).await;
        assert!(html.contains("Your current password is not correct"));
    }
    let right = format!(
        "current={}&new=another+long+passphrase+here&confirm=another+long+passphrase+here",
        PASSWORD.replace(' ', "+")
    );
    let html = body(t.post("/account/password", Some(&cookie), &right).await).await;
    assert!(
        html.contains("Too many attempts"),
        "held back after four failures"
    );
    let log = t.store.read_access_log(0, 100).await.expect("log");
    assert_eq!(
        log.iter()
            .filter(|e| e.action == "password-change-failed")
            .count(),
        4
    );
    t.advance(time::Duration::seconds(2));
    let html = body(t.post("/account/password", Some(&cookie), &right).await).await;
    assert_contains(&html, "Your password has been changed");
}

#[tokio::test]
async fn a_form_that_cannot_be_read_gets_the_error_page_and_changes_nothing() {
    let (t, case) = TestApp::with_case("CSPR-2025-206").await;
    let (_, cookie) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let before = t
        .store
        .stream_version(case.as_uuid())
        .await
        .expect("version");
    let response = t
        .post(
            &format!("/cases/{case}/members"),
            Some(&cookie),
            "user=x&role=y&version=not-a-number",
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = body(response).await;
    assert!(
        html.contains("Sorry, that could not be read") && html.contains("govuk-template"),
        "{html}"
    );
    assert_eq!(
        t.store
            .stream_version(case.as_uuid())
            .await
            .expect("version"),
        before
    );
}

#[tokio::test]
async fn the_sweep_clears_expired_sessions_and_old_failure_counters() {
    let t = TestApp::spawn().await;
    let (user, _old) = signed_in(&t, Role::Chair, "sweep@example.org").await;
    t.post(
        "/sign-in",
        None,
        "email=sweep%40example.org&password=wrong+wrong+wrong+wrong",
    )
    .await;
    t.advance(time::Duration::minutes(61));
    let fresh = t.session(user).await;
    let (sessions, counters) = t.state.sweep().await.expect("sweep");
    assert_eq!(sessions, 1, "only the idle session goes");
    assert!(counters >= 1, "the hour-old failure counters go");
    assert_status(&t, "/dashboard", Some(&fresh), StatusCode::OK).await;
}

#[tokio::test]
async fn an_administrator_sees_no_case_even_with_a_membership_left_from_an_earlier_role() {
    let (t, case) = TestApp::with_case("CSPR-2025-207").await;
    let (user, cookie) = signed_in(&t, Role::SubgroupMember, "moved@example.org").await;
    t.grant(case, user, CaseRole::SubgroupMember, None).await;

    assert_a_new_role_closes_the_case(&t, case, user, &cookie, Role::SystemAdministrator).await;
}

#[tokio::test]
async fn parallel_guesses_get_no_more_tries_than_serial_ones() {
    let t = TestApp::spawn().await;
    account(&t, Role::Chair, "parallel@example.org").await;
    let mut handles = Vec::new();
    for _ in 0..12 {
        let router = t.router.clone();
        handles.push(tokio::spawn(async move {
            let request = axum::http::Request::post("/sign-in")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(
                    "email=parallel%40example.org&password=guess+guess+guess+guess",
                ))
                .expect("request");
            body(router.oneshot(request).await.expect("response")).await
        }));
    }
    let mut held = 0;
    for h in handles {
        if h.await.expect("task").contains("Too many attempts") {
            held += 1;
        }
    }
    // Each attempt is counted before it is checked: at most 3 free ones, whatever the timing,
    // and every further one waits for the delay.
    assert!(
        held >= 8,
        "at most four attempts are free, however they interleave: {held} held back"
    );
    // Counted under the address's keyed pseudonym, never under a hash anyone holding the
    // database could recompute from a known address (docs/SECURITY.md, section 5, item 6).
    let keyed = format!(
        "acct:{}",
        t.store
            .pseudonym("parallel@example.org")
            .await
            .expect("pseudonym")
    );
    let failures = t
        .store
        .login_failures(&keyed)
        .await
        .expect("failures")
        .expect("counted");
    assert!(failures.count >= 4, "{failures:?}");
    let plain = format!("acct:{}", blake3::hash(b"parallel@example.org").to_hex());
    assert!(
        t.store
            .login_failures(&plain)
            .await
            .expect("failures")
            .is_none()
    );
    let log = t.store.read_access_log(0, 1_000).await.expect("log");
    assert!(
        log.iter()
            .any(|e| e.actor == keyed && e.action == "sign-in-failed")
    );
    assert!(log.iter().all(|e| e.actor != plain));
}

/// The 32-byte hex token of an activation link in an email.
fn activation_link(body: &str) -> String {
    let at = body.find("/activate/").expect("a link in the email");
    body[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
        .collect()
}

/// The administrator adds Jo in `role`: the account page says `words` after the link was
/// `outcome` ("sent", "not-sent"); the account made.
async fn add_jo(
    t: &TestApp,
    admin: &str,
    role: &str,
    outcome: &str,
    words: &str,
) -> cspr_store::UserRow {
    let r = t
        .post(
            "/admin/users/new",
            Some(admin),
            &format!("name=Jo+Newcomer&email=jo%40example.org&role={role}&agency="),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", body(r).await);
    let to = location(&r).expect("a redirect");
    assert!(
        to.ends_with(&format!("?activation={outcome}"))
            || to.ends_with(&format!("?approval={outcome}")),
        "{to}"
    );
    assert_contains(&body(t.get(&to, Some(admin)).await).await, words);
    t.store
        .user_by_email("jo@example.org")
        .await
        .expect("user")
        .expect("made")
}

/// Issue 16, finding 2: an administrator no longer chooses a first password. The new account
/// has none; the person gets a single-use, expiring link by email, chooses their password and
/// goes on to set up their authenticator app; the link then works no more, and its token never
/// reaches the access log.
#[tokio::test]
async fn a_new_account_is_activated_by_a_single_use_emailed_link() {
    let mut smtp = crate::common::smtp::Smtp::start();
    let t = TestApp::with_config(crate::common::smtp::sending(smtp.config())).await;
    let (_, admin) = signed_in(&t, Role::SystemAdministrator, "admin@example.org").await;
    let page = body(t.get("/admin/users/new", Some(&admin)).await).await;
    assert!(
        !page.contains("name=\"password\""),
        "no password chosen by the administrator"
    );
    let user = add_jo(
        &t,
        &admin,
        "subgroup-member",
        "sent",
        "An activation link was sent to jo@example.org",
    )
    .await;
    assert_eq!(
        user.password_hash, None,
        "no password until the person chooses one"
    );

    let mail = crate::common::smtp::Mail::parse(&smtp.one_message());
    assert_eq!(mail.to, "jo@example.org");
    let link = activation_link(&mail.body);
    assert_eq!(t.status(&link, None).await, StatusCode::OK);
    // Passwords that differ, or a weak one, change nothing.
    let r = t.post(&link, None, "new=short&confirm=other").await;
    assert_contains(&error_summary(&body(r).await), "The passwords do not match");
    let r = t.post(&link, None, "new=short&confirm=short").await;
    assert_contains(&error_summary(&body(r).await), "15 characters");
    assert!(
        t.store
            .user_by_id(user.id)
            .await
            .expect("user")
            .expect("made")
            .password_hash
            .is_none()
    );
    let chosen = "new=tundra+pelican+marble+lantern&confirm=tundra+pelican+marble+lantern";
    let r = t.post(&link, None, chosen).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", body(r).await);
    assert_eq!(
        location(&r).expect("a redirect"),
        "/sign-in/set-up-two-factor"
    );
    assert!(set_cookie(&r).is_some(), "a first-factor session starts");
    assert!(
        t.store
            .user_by_id(user.id)
            .await
            .expect("user")
            .expect("made")
            .password_hash
            .is_some()
    );
    // Once only.
    assert_eq!(t.status(&link, None).await, StatusCode::NOT_FOUND);
    let r = t.post(&link, None, chosen).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let token = link.trim_start_matches("/activate/");
    assert!(
        t.log().await.iter().all(|e| !e.detail.contains(token)),
        "the token is not in the access log"
    );
}

/// Issue 16, finding 2: with email not set up the account is made but no link goes, and the
/// administrator is told; a link that has expired opens nothing.
#[tokio::test]
async fn without_email_no_link_is_sent_and_an_expired_link_opens_nothing() {
    let t = TestApp::spawn().await;
    let (_, admin) = signed_in(&t, Role::SystemAdministrator, "admin@example.org").await;
    let user = add_jo(
        &t,
        &admin,
        "subgroup-member",
        "not-sent",
        "The activation link could not be sent",
    )
    .await;
    let now = t.state.now();
    t.store
        .create_activation(
            user.id,
            &cspr_web::session::token_hash("feed"),
            now,
            now + time::Duration::hours(72),
        )
        .await
        .expect("link");
    assert_eq!(t.status("/activate/feed", None).await, StatusCode::OK);
    t.set_now(now + time::Duration::hours(72));
    assert_eq!(
        t.status("/activate/feed", None).await,
        StatusCode::NOT_FOUND
    );
}

/// Issue 16, finding 2: set-up makes a fresh secret for each visit, bound to the session that
/// made it. Someone else holding the password (another session) sees a different secret, and
/// cannot read, nor confirm, the one being set up.
#[tokio::test]
async fn each_authenticator_set_up_has_its_own_secret_bound_to_its_session() {
    let t = TestApp::spawn().await;
    t.user(Role::PartnershipTeam)
        .email("sam@example.org")
        .no_second_factor()
        .create()
        .await;
    let mine = password_step(&t, "sam@example.org").await;
    let theirs = password_step(&t, "sam@example.org").await;
    let secret_in = |html: String| -> String {
        let at = html.find("id=\"secret\"").expect("the secret on the page");
        html[at..]
            .split('>')
            .nth(1)
            .and_then(|s| s.split('<').next())
            .expect("text")
            .trim()
            .to_owned()
    };
    let first = secret_in(body(t.get("/sign-in/set-up-two-factor", Some(&mine)).await).await);
    let again = secret_in(body(t.get("/sign-in/set-up-two-factor", Some(&mine)).await).await);
    assert_ne!(first, again, "a fresh secret each time");
    let other = secret_in(body(t.get("/sign-in/set-up-two-factor", Some(&theirs)).await).await);
    assert_ne!(other, again, "the other session gets its own");
    // The other session's visit replaced the pending secret: this one can no longer read or
    // confirm the secret it was shown.
    let r = t
        .get("/sign-in/set-up-two-factor/qr.png", Some(&mine))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let user = t
        .store
        .user_by_email("sam@example.org")
        .await
        .expect("user")
        .expect("made");
    assert!(!user.totp_enabled);
    let r = t
        .get("/sign-in/set-up-two-factor/qr.png", Some(&theirs))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "the session that made it sees it"
    );
}

/// Issue 16, finding 3: an administrator alone cannot reach every case by making an account
/// of the team or the chair, or by moving one into those roles. Each waits, shut or unchanged,
/// for a second person (not the one who asked, not the account itself); the partnership team
/// is emailed; both people are in the access log; once approved the role applies, and a new
/// account gets its activation link.
#[tokio::test]
async fn a_role_that_sees_every_case_needs_a_second_persons_approval() {
    let mut smtp = crate::common::smtp::Smtp::start();
    let t = TestApp::with_config(crate::common::smtp::sending(smtp.config())).await;
    let (admin_id, admin) = signed_in(&t, Role::SystemAdministrator, "admin@example.org").await;
    let (other_id, other) = signed_in(&t, Role::SystemAdministrator, "other@example.org").await;
    let (_, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let _ = smtp.new_messages();

    // A new chair: made shut, no activation link yet, the team told.
    let jo = add_jo(
        &t,
        &admin,
        "chair",
        "requested",
        "a second person must approve it",
    )
    .await;
    assert!(jo.disabled, "shut until approved");
    let told = smtp.new_messages();
    assert_eq!(told.len(), 1, "the one team member is told");
    assert!(told[0].contains("team@example.org") && told[0].contains("/admin/approvals"));
    let grants = t
        .store
        .pending_role_grants(cspr_domain::examples::PARTNERSHIP.as_uuid())
        .await
        .expect("grants");
    assert_eq!(grants.len(), 1);
    let path = format!("/admin/approvals/{}", grants[0].id);
    // The one who asked cannot approve; nor may anyone else in another role.
    let r = t.post(&path, Some(&admin), "decision=approve").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&body(r).await, "A second person must decide");
    assert!(
        t.store
            .user_by_id(jo.id)
            .await
            .expect("user")
            .expect("jo")
            .disabled
    );
    let (_, chair) = signed_in(&t, Role::Chair, "chair@example.org").await;
    assert_eq!(
        t.post(&path, Some(&chair), "decision=approve")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // A second administrator approves: open, and the link goes.
    let r = t.post(&path, Some(&other), "decision=approve").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", body(r).await);
    let jo = t.store.user_by_id(jo.id).await.expect("user").expect("jo");
    assert!(!jo.disabled);
    assert_eq!(jo.role, "chair");
    let mails: Vec<String> = smtp.new_messages();
    assert!(
        mails
            .iter()
            .any(|m| m.contains("jo@example.org") && m.contains("/activate/")),
        "{mails:?}"
    );
    let log = t.log().await;
    assert!(
        log.iter()
            .any(|e| e.action == "role-grant-requested" && e.actor == admin_id.to_string())
    );
    assert!(
        log.iter()
            .any(|e| e.action == "role-grant-approved" && e.actor == other_id.to_string())
    );

    // Moving an existing account into the team waits too; the team refuses it: unchanged.
    let rep = account(&t, Role::SubgroupMember, "sub@example.org").await;
    let r = t
        .post(
            &format!("/admin/users/{rep}"),
            Some(&admin),
            "role=partnership-team&agency=&status=active",
        )
        .await;
    assert_eq!(
        location(&r).as_deref(),
        Some(format!("/admin/users/{rep}?approval=requested").as_str())
    );
    assert_eq!(
        t.store
            .user_by_id(rep)
            .await
            .expect("user")
            .expect("rep")
            .role,
        "subgroup-member"
    );
    let grant = t
        .store
        .pending_role_grants(cspr_domain::examples::PARTNERSHIP.as_uuid())
        .await
        .expect("grants")[0]
        .id;
    let r = t
        .post(
            &format!("/admin/approvals/{grant}"),
            Some(&team),
            "decision=refuse",
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        t.store
            .user_by_id(rep)
            .await
            .expect("user")
            .expect("rep")
            .role,
        "subgroup-member"
    );
    assert!(
        t.log()
            .await
            .iter()
            .any(|e| e.action == "role-grant-refused")
    );
}

/// Issue 16, finding 7: a burst beyond `max_concurrent_requests` is answered at once with 503
/// and `Retry-After`, with the security headers, instead of piling up behind the requests in
/// flight; once one finishes, requests are served again.
#[tokio::test]
async fn requests_beyond_the_concurrency_limit_are_shed_at_once() {
    let t = TestApp::with_config(|c| c.max_concurrent_requests = 2).await;
    let in_flight = t.state.in_flight();
    let first = in_flight.clone().try_acquire_owned().expect("a permit");
    assert_eq!(t.status("/sign-in", None).await, StatusCode::OK, "one left");
    let second = in_flight.clone().try_acquire_owned().expect("a permit");
    let r = t.get("/sign-in", None).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        r.headers().get("retry-after").and_then(|v| v.to_str().ok()),
        Some("5")
    );
    assert!(r.headers().get("content-security-policy").is_some());
    drop(second);
    assert_eq!(t.status("/sign-in", None).await, StatusCode::OK);
    drop(first);
}

/// Step-up re-authentication (ASVS 7.5.3; issue 16): five minutes after signing in, a sensitive
/// change (here, adding an account) sends the person to confirm who they are, changes nothing
/// until they do, refuses and logs a wrong password, and after the proof lets the change
/// through and goes back to the form.
#[tokio::test]
async fn a_sensitive_change_needs_a_recent_proof_of_identity() {
    let t = TestApp::spawn().await;
    let (_, admin) = signed_in(&t, Role::SystemAdministrator, "admin@example.org").await;
    let add = "name=Jo+Newcomer&email=jo%40example.org&role=subgroup-member&agency=";
    // Just signed in: through.
    let r = t.post("/admin/users/new", Some(&admin), add).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).expect("to").starts_with("/admin/users/"));
    // Six minutes on: sent to confirm, nothing made.
    t.set_now(t.state.now() + time::Duration::minutes(6));
    let second = "name=Al+Second&email=al%40example.org&role=subgroup-member&agency=";
    let r = t.post("/admin/users/new", Some(&admin), second).await;
    assert_eq!(
        location(&r).as_deref(),
        Some("/confirm-identity?next=/admin/users/new")
    );
    assert!(
        t.store
            .user_by_email("al@example.org")
            .await
            .expect("user")
            .is_none()
    );
    let page = body(
        t.get("/confirm-identity?next=/admin/users/new", Some(&admin))
            .await,
    )
    .await;
    assert_contains(&page, "Confirm it is you");
    assert_contains(&page, r#"autocomplete="current-password""#);
    let code = cspr_web::auth::totp::code_at(
        &SECRET,
        u64::try_from(t.state.now().unix_timestamp()).expect("time"),
    );
    let wrong = format!("password=not+my+password&code={code}");
    let r = t
        .post(
            "/confirm-identity?next=/admin/users/new",
            Some(&admin),
            &wrong,
        )
        .await;
    assert_contains(&error_summary(&body(r).await), "Enter your password");
    assert!(t.log().await.iter().any(|e| e.action == "step-up-failed"));
    let right = format!("password={}&code={code}", PASSWORD.replace(' ', "+"));
    let r = t
        .post(
            "/confirm-identity?next=/admin/users/new",
            Some(&admin),
            &right,
        )
        .await;
    assert_eq!(location(&r).as_deref(), Some("/admin/users/new"));
    // Outside this site is never a place to go back to.
    let r = t
        .get("/confirm-identity?next=//evil.example", Some(&admin))
        .await;
    assert!(!body(r).await.contains("evil.example"));
    let r = t.post("/admin/users/new", Some(&admin), second).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        t.store
            .user_by_email("al@example.org")
            .await
            .expect("user")
            .is_some()
    );
}

/// A request from a client at `ip`, as `cspr serve` passes it on (with its connection's
/// address).
fn from(ip: &str, method: &str, path: &str, form: &str) -> Request<Body> {
    let addr: std::net::SocketAddr = format!("{ip}:40000").parse().expect("address");
    Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .extension(axum::extract::ConnectInfo(addr))
        .body(Body::from(form.to_owned()))
        .expect("request")
}

/// Issue 16, finding 7: one address making more than `max_requests_per_minute` requests in a
/// minute gets 429 with `Retry-After`; other addresses are served; the next minute it is
/// served again.
#[tokio::test]
async fn one_address_past_its_requests_per_minute_gets_429() {
    let t = TestApp::with_config(|c| c.max_requests_per_minute = 10).await;
    for _ in 0..10 {
        let r = t.send(from("203.0.113.5", "GET", "/sign-in", "")).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = t.send(from("203.0.113.5", "GET", "/sign-in", "")).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        r.headers().get("retry-after").and_then(|v| v.to_str().ok()),
        Some("60")
    );
    let r = t.send(from("203.0.113.6", "GET", "/sign-in", "")).await;
    assert_eq!(r.status(), StatusCode::OK, "another address");
    t.set_now(t.state.now() + time::Duration::minutes(1));
    let r = t.send(from("203.0.113.5", "GET", "/sign-in", "")).await;
    assert_eq!(r.status(), StatusCode::OK, "the next minute");
}

/// Issue 16, finding 7: a flood of wrong sign-ins from one address writes at most its budget of
/// refusals to the single access-log chain in a minute, then one line saying the rest are left
/// out, then nothing more; a sign-in from another address is still logged.
#[tokio::test]
async fn a_flood_of_wrong_sign_ins_cannot_fill_the_access_log() {
    let t = TestApp::spawn().await;
    let budget = cspr_web::flood::REFUSALS_LOGGED_PER_MINUTE as usize;
    for n in 0..budget + 15 {
        let form = format!("email=nobody{n}%40example.org&password=wrong+password+{n}");
        let r = t
            .send(from("198.51.100.7", "POST", "/sign-in", &form))
            .await;
        assert!(
            r.status().is_client_error() || r.status().is_success(),
            "{}",
            r.status()
        );
    }
    let log = t.log().await;
    let from_flood: Vec<&str> = log
        .iter()
        .filter(|e| e.source_ip == "198.51.100.7")
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(from_flood.len(), budget + 1, "{from_flood:?}");
    assert_eq!(from_flood.last(), Some(&"refusals-left-out"));
    let r = t
        .send(from(
            "198.51.100.8",
            "POST",
            "/sign-in",
            "email=a%40example.org&password=wrong+one+here",
        ))
        .await;
    assert!(r.status().is_client_error() || r.status().is_success());
    assert!(t.log().await.iter().any(|e| e.source_ip == "198.51.100.8"));
}
