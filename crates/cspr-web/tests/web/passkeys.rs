//! Passkeys over HTTP (issue 16), with a software authenticator (`soft_key`): registering
//! several, named; signing in with one; confirming who you are with one; every way an answer
//! can be wrong (replayed, another challenge, another origin, no user verification, a copied
//! authenticator, a removed passkey, a disabled account) signs no one in; the partnership's
//! "passkeys only" setting; and no passkeys where the site has no domain name.

mod soft_key;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use cspr_app::App;
use cspr_web::access::Role;
use serde_json::{Value, json};
use soft_key::SoftKey;

use crate::common::{
    PASSWORD, TestApp, assert_contains, assert_lacks, body, enc, error_summary, location,
    set_cookies, signed_in,
};

const ORIGIN: &str = "https://cspr.example.org";
const RP_ID: &str = "cspr.example.org";

async fn app() -> TestApp {
    TestApp::with_config(|c| c.public_url = Some(ORIGIN.to_owned())).await
}

/// POSTs JSON as passkey.js does.
async fn post_json(t: &TestApp, path: &str, cookie: Option<&str>, body: &Value) -> Response<Body> {
    let mut request = Request::post(path)
        .header("content-type", "application/json")
        .header("sec-fetch-site", "same-origin");
    if let Some(c) = cookie {
        request = request.header("cookie", c);
    }
    t.send(request.body(Body::from(body.to_string())).expect("request"))
        .await
}

/// POSTs JSON; the status and JSON of the answer.
async fn call(t: &TestApp, path: &str, cookie: Option<&str>, body: Value) -> (StatusCode, Value) {
    json_of(post_json(t, path, cookie, &body).await).await
}

/// Finishes the ceremony `started` (the server's answer to the options) with `credential`.
async fn finish(
    t: &TestApp,
    path: &str,
    cookie: Option<&str>,
    started: &Value,
    credential: Value,
) -> (StatusCode, Value) {
    let body = json!({ "ceremony": started["ceremony"], "credential": credential });
    call(t, path, cookie, body).await
}

/// The status and JSON of an answer.
async fn json_of(response: Response<Body>) -> (StatusCode, Value) {
    let status = response.status();
    let text = body(response).await;
    let value = serde_json::from_str(&text).unwrap_or_else(|_| json!({ "html": text }));
    (status, value)
}

/// Registers a passkey named `name` for the signed-in `cookie`; returns the finishing answer.
/// [`register`], which must succeed.
async fn registered(t: &TestApp, cookie: &str, key: &mut SoftKey, name: &str) {
    let (status, body) = register(t, cookie, key, name).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn register(t: &TestApp, cookie: &str, key: &mut SoftKey, name: &str) -> (StatusCode, Value) {
    let (status, started) = call(
        t,
        "/account/passkeys/options",
        Some(cookie),
        json!({ "name": name }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{started}");
    let credential = key.create(&started["options"]);
    finish(t, "/account/passkeys", Some(cookie), &started, credential).await
}

/// Starts a sign-in; returns the ceremony id and the options.
async fn sign_in_options(t: &TestApp) -> (Value, Value) {
    let (status, started) = call(t, "/sign-in/passkey/options", None, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    (started["ceremony"].clone(), started["options"].clone())
}

/// Finishes a sign-in with `credential`; the answer, and the new session's cookie if any.
async fn sign_in_with(
    t: &TestApp,
    ceremony: &Value,
    credential: Value,
) -> (StatusCode, Value, Option<String>) {
    let response = post_json(
        t,
        "/sign-in/passkey",
        None,
        &json!({ "ceremony": ceremony, "credential": credential }),
    )
    .await;
    let cookie = set_cookies(&response)
        .into_iter()
        .find(|c| c.starts_with(cspr_web::session::COOKIE_NAME))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned());
    let (status, value) = json_of(response).await;
    (status, value, cookie)
}

/// A full sign-in with `key`.
async fn sign_in(t: &TestApp, key: &mut SoftKey) -> (StatusCode, Value, Option<String>) {
    let (ceremony, options) = sign_in_options(t).await;
    let credential = key.get(&options);
    sign_in_with(t, &ceremony, credential).await
}

/// Turns the partnership's "A passkey only" setting on or off, as saving the settings does.
fn require_passkeys(t: &TestApp, on: bool) {
    let mut settings = t.state.app().settings().clone();
    settings.require_passkeys = on;
    let calendar = t.state.app().calendar().clone();
    t.state
        .replace_app(App::new(t.store.clone(), calendar, settings));
}

/// The account's first passkey removed by its owner, in a session with a fresh proof.
async fn remove_first(t: &TestApp, user: uuid::Uuid) {
    let id = t.store.passkeys(user).await.expect("passkeys")[0].id;
    let fresh = crate::common::session(&t.store, user, t.now()).await;
    let removed = t
        .post(&format!("/account/passkeys/{id}/remove"), Some(&fresh), "")
        .await;
    assert_eq!(
        location(&removed).as_deref(),
        Some("/account/passkeys?removed=1")
    );
}

const NOT_SIGNED_IN: &str = "That passkey did not sign you in";

#[tokio::test]
async fn a_passkey_is_registered_named_and_signs_in() {
    let t = app().await;
    let (jo, cookie) = signed_in(&t, Role::PartnershipTeam, "jo@example.org").await;
    let page = t.page("/account/passkeys", Some(&cookie)).await;
    assert_contains(&page, "You have no passkeys.");
    assert_contains(&page, "data-cspr-passkey=\"register\"");

    // The options ask for a discoverable credential and user verification, for this site.
    let (status, started) = call(
        &t,
        "/account/passkeys/options",
        Some(&cookie),
        json!({ "name": "Work laptop" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let options = &started["options"]["publicKey"];
    assert_eq!(options["rp"]["id"], RP_ID);
    assert_eq!(options["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(
        options["authenticatorSelection"]["userVerification"],
        "required"
    );
    assert_eq!(options["user"]["name"], "jo@example.org");

    let mut laptop = SoftKey::new(3, ORIGIN, RP_ID);
    let credential = laptop.create(&started["options"]);
    let (status, done) = finish(&t, "/account/passkeys", Some(&cookie), &started, credential).await;
    assert_eq!(
        (status, done["redirect"].as_str()),
        (StatusCode::OK, Some("/account/passkeys?added=1"))
    );
    // A second, excluded from the first's ceremony; names are the person's own.
    let mut phone = SoftKey::new(5, ORIGIN, RP_ID);
    registered(&t, &cookie, &mut phone, "Phone").await;
    let (status, refused) = call(
        &t,
        "/account/passkeys/options",
        Some(&cookie),
        json!({ "name": " phone " }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        refused["message"].as_str().unwrap_or_default(),
        "already have a passkey with that name",
    );
    let (_, started) = call(
        &t,
        "/account/passkeys/options",
        Some(&cookie),
        json!({ "name": "Tablet" }),
    )
    .await;
    assert_eq!(
        started["options"]["publicKey"]["excludeCredentials"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    let page = t.page("/account/passkeys?added=1", Some(&cookie)).await;
    assert_contains(&page, "Passkey added");
    assert_contains(&page, "Work laptop");
    assert_contains(&page, "Phone");
    assert_eq!(t.store.passkeys(jo).await.expect("passkeys").len(), 2);

    // Signing in: no address typed; the passkey names its account; both factors at once.
    let (status, done, new_cookie) = sign_in(&t, &mut laptop).await;
    assert_eq!(
        (status, done["redirect"].as_str()),
        (StatusCode::OK, Some("/dashboard")),
        "{done}"
    );
    let new_cookie = new_cookie.expect("a session cookie");
    assert_eq!(
        t.status("/dashboard", Some(&new_cookie)).await,
        StatusCode::OK
    );
    let log = t.log().await;
    assert!(
        log.iter().any(|e| e.action == "signed-in"
            && e.actor == jo.to_string()
            && e.detail.starts_with("passkey")),
        "the sign-in is in the access log"
    );
    // The one used says so; the other does not (both were added at the same moment).
    let used = t.store.passkeys(jo).await.expect("passkeys");
    let last_used = |name: &str| {
        used.iter()
            .find(|k| k.name == name)
            .map(|k| k.last_used_at.is_some())
    };
    assert_eq!(
        (last_used("Work laptop"), last_used("Phone")),
        (Some(true), Some(false))
    );
}

#[tokio::test]
async fn a_wrong_answer_signs_no_one_in() {
    let t = app().await;
    let (jo, cookie) = signed_in(&t, Role::Chair, "jo@example.org").await;
    let mut key = SoftKey::new(7, ORIGIN, RP_ID);
    registered(&t, &cookie, &mut key, "Laptop").await;

    // Replayed: the same answer to the same ceremony a second time.
    let (ceremony, options) = sign_in_options(&t).await;
    let answer = key.get(&options);
    assert_eq!(
        sign_in_with(&t, &ceremony, answer.clone()).await.0,
        StatusCode::OK
    );
    let (status, refused, cookie2) = sign_in_with(&t, &ceremony, answer.clone()).await;
    assert_eq!((status, cookie2), (StatusCode::UNAUTHORIZED, None));
    assert_contains(
        refused["message"].as_str().unwrap_or_default(),
        NOT_SIGNED_IN,
    );
    // The old answer to a new ceremony (another challenge).
    let (ceremony, _) = sign_in_options(&t).await;
    assert_eq!(
        sign_in_with(&t, &ceremony, answer).await.0,
        StatusCode::UNAUTHORIZED
    );

    // Failed attempts from one address are held back after the third (ASVS 6.3.1): each
    // attempt from here on comes after the longest delay, so it is judged on its merits.
    let wait = || t.advance(time::Duration::minutes(16));
    // Signed for a look-alike site.
    wait();
    let mut phished = SoftKey::new(7, "https://cspr.example.org.evil.example", RP_ID);
    phished.user_handle = key.user_handle.clone();
    phished.counter = key.counter;
    assert_eq!(sign_in(&t, &mut phished).await.0, StatusCode::UNAUTHORIZED);
    // Without user verification (a passkey is both factors only with it).
    wait();
    key.user_verified = false;
    assert_eq!(sign_in(&t, &mut key).await.0, StatusCode::UNAUTHORIZED);
    key.user_verified = true;
    // A copied authenticator: its counter is behind the stored one.
    let counter = key.counter;
    wait();
    key.counter = 1;
    assert_eq!(sign_in(&t, &mut key).await.0, StatusCode::UNAUTHORIZED);
    key.counter = counter + 1;
    // Another account's user handle with this credential.
    let (other, _) = signed_in(&t, Role::Chair, "kim@example.org").await;
    wait();
    let own_handle = std::mem::replace(&mut key.user_handle, other.as_bytes().to_vec());
    assert_eq!(sign_in(&t, &mut key).await.0, StatusCode::UNAUTHORIZED);
    key.user_handle = own_handle;
    // An unknown credential.
    let mut stranger = SoftKey::new(9, ORIGIN, RP_ID);
    wait();
    stranger.user_handle = jo.as_bytes().to_vec();
    assert_eq!(sign_in(&t, &mut stranger).await.0, StatusCode::UNAUTHORIZED);
    // Not JSON, or no such ceremony.
    let (status, _) = call(&t, "/sign-in/passkey", None, json!("nonsense")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    wait();
    // The right answer still works; then not once the account is disabled.
    assert_eq!(sign_in(&t, &mut key).await.0, StatusCode::OK);
    wait();
    t.store.set_user_disabled(jo, true).await.expect("disable");
    assert_eq!(sign_in(&t, &mut key).await.0, StatusCode::UNAUTHORIZED);
    t.store.set_user_disabled(jo, false).await.expect("enable");
    // Nor once the passkey is removed.
    remove_first(&t, jo).await;
    wait();
    assert_eq!(sign_in(&t, &mut key).await.0, StatusCode::UNAUTHORIZED);
    let refusals = t
        .log()
        .await
        .iter()
        .filter(|e| e.action == "sign-in-failed" && e.detail == "passkey")
        .count();
    assert!(refusals >= 8, "every refusal is logged: {refusals}");
}

/// Most synced passkeys keep no signature counter (always 0): then only the ceremony's
/// single use stops a replayed answer.
#[tokio::test]
async fn a_passkey_without_a_counter_is_still_used_once_per_answer() {
    let t = app().await;
    let (_, cookie) = signed_in(&t, Role::Chair, "jo@example.org").await;
    let mut key = SoftKey::new(17, ORIGIN, RP_ID);
    key.no_counter = true;
    key.counter = 0;
    registered(&t, &cookie, &mut key, "Synced").await;
    let (ceremony, options) = sign_in_options(&t).await;
    let answer = key.get(&options);
    assert_eq!(
        sign_in_with(&t, &ceremony, answer.clone()).await.0,
        StatusCode::OK
    );
    assert_eq!(
        sign_in_with(&t, &ceremony, answer.clone()).await.0,
        StatusCode::UNAUTHORIZED,
        "the same answer again"
    );
    let (ceremony, _) = sign_in_options(&t).await;
    assert_eq!(
        sign_in_with(&t, &ceremony, answer).await.0,
        StatusCode::UNAUTHORIZED,
        "an old answer to a new ceremony"
    );
    assert_eq!(
        sign_in(&t, &mut key).await.0,
        StatusCode::OK,
        "a new answer"
    );
}

#[tokio::test]
async fn adding_and_removing_need_a_recent_proof_and_the_owner() {
    let t = app().await;
    let (jo, cookie) = signed_in(&t, Role::PartnershipTeam, "jo@example.org").await;
    let (_kim, kim_cookie) = signed_in(&t, Role::PartnershipTeam, "kim@example.org").await;
    let mut key = SoftKey::new(11, ORIGIN, RP_ID);
    // A name is needed, and not too long.
    for (name, message) in [
        ("  ", "Enter a name"),
        (&*"x".repeat(61), "60 characters or fewer"),
    ] {
        let (status, refused) = call(
            &t,
            "/account/passkeys/options",
            Some(&cookie),
            json!({ "name": name }),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_contains(refused["message"].as_str().unwrap_or_default(), message);
    }
    // Kim cannot finish Jo's ceremony.
    let (_, started) = call(
        &t,
        "/account/passkeys/options",
        Some(&cookie),
        json!({ "name": "Laptop" }),
    )
    .await;
    let credential = key.create(&started["options"]);
    let (status, _) = finish(
        &t,
        "/account/passkeys",
        Some(&kim_cookie),
        &started,
        credential,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(t.store.passkeys(jo).await.expect("passkeys").is_empty());
    let mut key = SoftKey::new(12, ORIGIN, RP_ID);
    registered(&t, &cookie, &mut key, "Laptop").await;
    let id = t.store.passkeys(jo).await.expect("passkeys")[0].id;

    // Six minutes on: the proof is stale; the page asks for it, the changes are sent to it.
    t.advance(time::Duration::minutes(6));
    let page = t.page("/account/passkeys", Some(&cookie)).await;
    assert_contains(&page, "first confirm it is you");
    assert_lacks(&page, "data-cspr-passkey=\"register\"");
    let response = post_json(
        &t,
        "/account/passkeys/options",
        Some(&cookie),
        &json!({ "name": "Phone" }),
    )
    .await;
    assert_eq!(
        location(&response).as_deref(),
        Some("/confirm-identity?next=/account/passkeys")
    );
    let response = t
        .post(&format!("/account/passkeys/{id}/remove"), Some(&cookie), "")
        .await;
    assert_eq!(
        location(&response).as_deref(),
        Some("/confirm-identity?next=/account/passkeys")
    );
    assert_eq!(t.store.passkeys(jo).await.expect("passkeys").len(), 1);

    // The confirm page offers the passkey; using it is the proof.
    let confirm = t
        .page("/confirm-identity?next=/account/passkeys", Some(&cookie))
        .await;
    assert_contains(&confirm, "/confirm-identity/passkey?next=/account/passkeys");
    assert_contains(
        &t.page(
            "/confirm-identity/passkey?next=/account/passkeys",
            Some(&cookie),
        )
        .await,
        "data-cspr-passkey=\"confirm\"",
    );
    let (status, started) = call(
        &t,
        "/confirm-identity/passkey/options",
        Some(&cookie),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{started}");
    assert_eq!(
        started["options"]["publicKey"]["allowCredentials"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let answer = key.get(&started["options"]);
    // Not in Kim's session.
    let (status, _) = finish(
        &t,
        "/confirm-identity/passkey?next=/account/passkeys",
        Some(&kim_cookie),
        &started,
        answer,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, started) = call(
        &t,
        "/confirm-identity/passkey/options",
        Some(&cookie),
        json!({}),
    )
    .await;
    let answer = key.get(&started["options"]);
    let (status, done) = finish(
        &t,
        "/confirm-identity/passkey?next=/account/passkeys",
        Some(&cookie),
        &started,
        answer,
    )
    .await;
    assert_eq!(
        (status, done["redirect"].as_str()),
        (StatusCode::OK, Some("/account/passkeys"))
    );
    assert!(
        t.log()
            .await
            .iter()
            .any(|e| e.action == "step-up" && e.detail.starts_with("passkey"))
    );

    // Fresh again: Kim cannot remove Jo's passkey; Jo can.
    let kim_fresh = crate::common::session(&t.store, _kim, t.now()).await;
    let response = t
        .post(
            &format!("/account/passkeys/{id}/remove"),
            Some(&kim_fresh),
            "",
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let elsewhere = crate::common::session(&t.store, jo, t.now()).await;
    let response = t
        .post(&format!("/account/passkeys/{id}/remove"), Some(&cookie), "")
        .await;
    assert_eq!(
        location(&response).as_deref(),
        Some("/account/passkeys?removed=1")
    );
    assert!(t.store.passkeys(jo).await.expect("passkeys").is_empty());
    // The device may be lost: Jo's other sessions end; this browser stays signed in.
    assert_eq!(t.status("/account", Some(&cookie)).await, StatusCode::OK);
    assert_ne!(t.status("/account", Some(&elsewhere)).await, StatusCode::OK);

    // An administrator removes the passkeys of someone who lost their device: they are signed
    // out everywhere.
    let mut again = SoftKey::new(14, ORIGIN, RP_ID);
    registered(&t, &cookie, &mut again, "Phone").await;
    let (_, admin) = signed_in(&t, Role::SystemAdministrator, "admin@example.org").await;
    let page = t.page(&format!("/admin/users/{jo}"), Some(&admin)).await;
    assert_contains(&page, &format!("/admin/users/{jo}/passkeys/remove"));
    let response = t
        .post(
            &format!("/admin/users/{jo}/passkeys/remove"),
            Some(&admin),
            "",
        )
        .await;
    assert_eq!(
        location(&response).as_deref(),
        Some(format!("/admin/users/{jo}?passkeys=removed").as_str())
    );
    assert!(t.store.passkeys(jo).await.expect("passkeys").is_empty());
    assert_ne!(t.status("/account", Some(&cookie)).await, StatusCode::OK);
    assert!(t.log().await.iter().any(|e| e.action == "passkeys-removed"));
    assert!(
        t.log()
            .await
            .iter()
            .any(|e| e.action == "passkey-removed" && e.actor == jo.to_string())
    );
}

#[tokio::test]
async fn the_partnership_can_require_passkeys_of_the_team_chairs_and_administrators() {
    let t = app().await;
    require_passkeys(&t, true);

    // Without a passkey yet: every page sends them to add one, the account pages excepted.
    let (jo, cookie) = signed_in(&t, Role::PartnershipTeam, "jo@example.org").await;
    let response = t.get("/dashboard", Some(&cookie)).await;
    assert_eq!(
        location(&response).as_deref(),
        Some("/account/passkeys?required=1")
    );
    let page = t.page("/account/passkeys?required=1", Some(&cookie)).await;
    assert_contains(&page, "passkeys-required");
    let mut key = SoftKey::new(13, ORIGIN, RP_ID);
    registered(&t, &cookie, &mut key, "Laptop").await;
    assert_eq!(t.status("/dashboard", Some(&cookie)).await, StatusCode::OK);

    // With one: the password no longer signs them in (nor reaches the code); the passkey does.
    let response = t
        .post(
            "/sign-in",
            None,
            &format!("email=jo%40example.org&password={}", enc(PASSWORD)),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(set_cookies(&response).is_empty(), "no session");
    assert_contains(
        &error_summary(&body(response).await),
        "sign in with your passkey",
    );
    assert_eq!(sign_in(&t, &mut key).await.0, StatusCode::OK);
    // Nor do they give the step-up's proof: only the passkey does.
    let to_passkey = Some("/confirm-identity/passkey?next=/account/passkeys");
    let asked = t
        .get("/confirm-identity?next=/account/passkeys", Some(&cookie))
        .await;
    assert_eq!(location(&asked).as_deref(), to_passkey);
    let code = t
        .post(
            "/confirm-identity?next=/account/passkeys",
            Some(&cookie),
            &format!("password={}&code=000000", enc(PASSWORD)),
        )
        .await;
    assert_eq!(location(&code).as_deref(), to_passkey);
    let page = t
        .page(
            "/confirm-identity/passkey?next=/account/passkeys",
            Some(&cookie),
        )
        .await;
    assert_lacks(&page, "Use your password and code instead");
    assert!(
        t.log()
            .await
            .iter()
            .any(|e| e.action == "sign-in-refused" && e.actor == jo.to_string())
    );

    // A representative is not bound by it.
    let (_, rep) = t
        .user(Role::AgencyRepresentative)
        .agency(cspr_domain::examples::POLICE)
        .email("rep@example.org")
        .signed_in()
        .await;
    assert_eq!(t.status("/dashboard", Some(&rep)).await, StatusCode::OK);
    // Nor is anyone while it is off.
    let (_, chair) = signed_in(&t, Role::Chair, "chair@example.org").await;
    assert_eq!(t.status("/account", Some(&chair)).await, StatusCode::OK);
    assert_eq!(
        location(&t.get("/dashboard", Some(&chair)).await).as_deref(),
        Some("/account/passkeys?required=1")
    );
    require_passkeys(&t, false);
    assert_eq!(t.status("/dashboard", Some(&chair)).await, StatusCode::OK);
}

#[tokio::test]
async fn the_settings_page_turns_passkeys_only_on() {
    let t = app().await;
    let (_, cookie) = signed_in(&t, Role::PartnershipTeam, "jo@example.org").await;
    let page = t.page("/admin/settings", Some(&cookie)).await;
    assert_contains(&page, "A passkey only");
    // The form as shown, with the one choice changed.
    let mut fields: Vec<(String, String)> = Vec::new();
    for name in [
        "summary_day",
        "contribution_days",
        "remind_days",
        "escalate_days",
        "request_remind_days",
        "request_escalate_days",
        "case_years",
        "access_log_years",
        "withdrawn_report_years",
        "link_days",
    ] {
        let after = page.split(&format!("name=\"{name}\"")).nth(1).expect(name);
        let value = after
            .split("value=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .unwrap_or_default();
        fields.push((name.to_owned(), value.to_owned()));
    }
    fields.push(("themes".into(), "neglect".into()));
    fields.push(("passkeys".into(), "sideways".into()));
    let form = serde_urlencoded::to_string(&fields).expect("form");
    let refused = body(t.post("/admin/settings", Some(&cookie), &form).await).await;
    assert_contains(&error_summary(&refused), "Choose how the partnership team");
    assert!(!t.state.app().settings().require_passkeys);
    let form = form.replace("passkeys=sideways", "passkeys=required");
    let saved = body(t.post("/admin/settings", Some(&cookie), &form).await).await;
    assert_contains(&saved, "The settings are saved");
    assert!(t.state.app().settings().require_passkeys);
}

#[tokio::test]
async fn no_passkeys_where_the_site_has_no_domain_name() {
    for url in [
        None,
        Some("http://127.0.0.1:8080"),
        Some("http://cspr.example.org"),
    ] {
        let t = TestApp::with_config(|c| c.public_url = url.map(str::to_owned)).await;
        assert_lacks(&t.page("/sign-in", None).await, "data-cspr-passkey");
        let (status, refused) = call(&t, "/sign-in/passkey/options", None, json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{url:?}");
        assert_contains(
            refused["message"].as_str().unwrap_or_default(),
            "not available on this service",
        );
        let (_, cookie) = signed_in(&t, Role::PartnershipTeam, "jo@example.org").await;
        assert_contains(
            &t.page("/account/passkeys", Some(&cookie)).await,
            "not available on this service",
        );
    }
    let t = app().await;
    let page = t.page("/sign-in", None).await;
    assert_contains(&page, "data-cspr-passkey=\"sign-in\"");
    assert_eq!(
        crate::common::between(&page, "<title>", "</title>").trim(),
        format!("Sign in – {}", crate::common::PARTNERSHIP_NAME),
        "the page's script stays out of its title"
    );
    assert_eq!(
        page.matches("<script type=\"module\" src=\"/assets/passkey-")
            .count(),
        1,
        "the script is loaded once"
    );
}

/// A passkey's record as this version stores it (`webauthn-rs` 0.6), recorded once from the
/// software authenticator's key of seed 3: people's passkeys must keep working after an
/// upgrade, so a change to the library's record format fails here first.
const RECORDED: &str = include_str!("passkeys/record-webauthn-rs-0.6.json");

#[tokio::test]
async fn a_recorded_passkey_still_signs_in_and_replaces_the_browsers_session() {
    let t = app().await;
    let jo = crate::common::account(&t, Role::Chair, "jo@example.org").await;
    let mut key = SoftKey::new(3, ORIGIN, RP_ID);
    key.user_handle = jo.as_bytes().to_vec();
    key.counter = 2;
    let row = cspr_store::PasskeyRow {
        id: uuid::Uuid::new_v4(),
        user_id: jo,
        credential_id: "AwYJDA8SFRgbHiEkJyotMDM2OTw_QkVIS05RVFdaXWA".to_owned(),
        name: "Recorded".to_owned(),
        credential: RECORDED.trim().to_owned(),
        created_at: t.now(),
        last_used_at: None,
    };
    t.store.add_passkey(&row).await.expect("stored");

    // The session this browser had before is replaced, not left behind.
    let first_factor = crate::common::session(&t.store, jo, t.now()).await;
    let (ceremony, options) = sign_in_options(&t).await;
    let body = json!({ "ceremony": ceremony, "credential": key.get(&options) });
    let response = post_json(&t, "/sign-in/passkey", Some(&first_factor), &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let old = t.get("/account", Some(&first_factor)).await;
    assert!(
        location(&old).is_some_and(|l| l.starts_with("/sign-in")),
        "the old session ended"
    );
    // Its counter (1 when recorded) moved on to the answer's.
    let stored = t.store.passkeys(jo).await.expect("passkeys");
    assert!(
        stored[0].credential.contains("\"counter\":2"),
        "{}",
        stored[0].credential
    );
}

/// Several servers (issue 18): a ceremony started on one server is finished by another over
/// the same database (no sticky sessions behind a load balancer), once.
#[tokio::test]
async fn a_ceremony_started_on_one_server_finishes_on_another() {
    use tower::ServiceExt as _;
    let t = app().await;
    let (_, cookie) = signed_in(&t, Role::PartnershipTeam, "jo@example.org").await;
    let mut key = SoftKey::new(11, ORIGIN, RP_ID);
    registered(&t, &cookie, &mut key, "Work laptop").await;
    let other = cspr_web::router(t.state_with(|c| c.public_url = Some(ORIGIN.to_owned())));
    let on_other = |body: Value| {
        let other = other.clone();
        async move {
            let request = Request::post("/sign-in/passkey")
                .header("content-type", "application/json")
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(body.to_string()))
                .expect("request");
            json_of(other.oneshot(request).await.expect("response")).await
        }
    };
    let (ceremony, options) = sign_in_options(&t).await;
    let credential = key.get(&options);
    let answer = json!({ "ceremony": ceremony, "credential": credential });
    let (status, done) = on_other(answer.clone()).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["redirect"], "/dashboard", "{done}");
    // Taken once: the same answer again, on either server, signs no one in.
    let (status, again) = on_other(answer.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{again}");
    let (status, _, cookie) = sign_in_with(&t, &ceremony, credential).await;
    assert_eq!((status, cookie), (StatusCode::UNAUTHORIZED, None));
}

/// ASVS 6.3.7: the person is told by email when a passkey is added to their account or
/// removed from it (the email names no passkey).
#[tokio::test]
async fn the_person_is_told_when_a_passkey_is_added_or_removed() {
    let mut smtp = crate::common::smtp::Smtp::start();
    let mail = smtp.config();
    let t = TestApp::with_config(|c| {
        c.public_url = Some(ORIGIN.to_owned());
        c.mail = Some(mail);
    })
    .await;
    let (jo, cookie) = signed_in(&t, Role::PartnershipTeam, "jo@example.org").await;
    let mut key = SoftKey::new(13, ORIGIN, RP_ID);
    registered(&t, &cookie, &mut key, "Work laptop").await;
    let added = smtp.one_message();
    assert_contains(&added, "jo@example.org");
    assert_contains(&added, "A passkey was added to your account");
    assert_contains(&added, "https://cspr.example.org/account/passkeys");
    assert_lacks(&added, "Work laptop");

    remove_first(&t, jo).await;
    let gone = smtp.one_message();
    assert_contains(&gone, "jo@example.org");
    assert_contains(&gone, "A passkey was removed from your account");
}
