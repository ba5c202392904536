//! Step-up through the organisation's sign-in (ASVS 7.5.3, issue 16): a person whose account is
//! linked to the organisation's OpenID Provider, and who may have neither a password nor an
//! authenticator in cspr, proves who they are again before a sensitive change by signing in
//! there afresh. The proof counts only for the same identity, with the organisation's
//! multi-factor, and a sign-in at the provider within the step-up window.

use super::*;

/// Signs `login` in through the organisation, then starts a step-up from `/confirm-identity`
/// and signs in at the provider as `again`; returns the callback's answer.
async fn step_up_as(h: &Harness, login: &str, again: &str) -> (reqwest::Client, reqwest::Response) {
    let browser = Harness::browser();
    let signed_in = h.sign_in(&browser, login).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert_eq!(h.dashboard(&browser).await.url().path(), "/dashboard");
    let form = browser
        .get(format!("{}/confirm-identity?next=/dashboard", h.base))
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("text");
    assert_contains(
        &form,
        "href=\"/confirm-identity/organisation?next=/dashboard\"",
    );
    let callback = h
        .to_callback_from(
            &browser,
            "/confirm-identity/organisation?next=/dashboard",
            again,
        )
        .await;
    let response = browser.get(callback).send().await.expect("callback");
    (browser, response)
}

/// `GET` of cspr's page `path` with this client.
async fn get(h: &Harness, client: &reqwest::Client, path: &str) -> reqwest::Response {
    client
        .get(format!("{}{path}", h.base))
        .send()
        .await
        .expect("response")
}

const START: &str = "/confirm-identity/organisation?next=/dashboard";

/// The access log has `action` for `user` with `detail` (the reason after "openid connect: ").
async fn assert_logged(h: &Harness, action: &str, user: Uuid, detail: &str) {
    let log = h.log().await;
    assert!(
        log.iter().any(|e| e.action == action
            && e.actor == user.to_string()
            && e.detail == format!("openid connect: {detail}")),
        "no {action} ({detail}) in {log:?}"
    );
}

#[tokio::test]
async fn a_fresh_organisation_sign_in_is_a_proof_for_that_session() {
    let h = Harness::start().await;
    let user = h.user(STAFF_EMAIL).await;
    let (_, response) = step_up_as(&h, "staff-123", "staff-123").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(refresh_target(&response), "/dashboard");
    assert_contains(
        &response.text().await.expect("text"),
        "Your organisation has confirmed who you are",
    );
    assert_logged(&h, "step-up", user, "organisation's multi-factor").await;
    let no_follow = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client");
    let to = get(&h, &no_follow, START).await;
    // Not signed in: the guard sends this browser to sign in, not to the provider.
    assert_eq!(to.status(), StatusCode::SEE_OTHER);
    let location = to.headers()["location"].to_str().expect("location");
    assert!(location.starts_with("/sign-in"), "{location}");
}

#[tokio::test]
async fn the_step_up_asks_the_provider_for_a_fresh_sign_in() {
    let h = Harness::start().await;
    h.user(STAFF_EMAIL).await;
    let browser = Harness::browser();
    h.sign_in(&browser, "staff-123").await;
    assert_eq!(h.dashboard(&browser).await.url().path(), "/dashboard");
    // Signing in again goes straight back: the provider remembers its own session.
    let again = get(&h, &browser, "/sign-in/oidc").await;
    assert!(again.status().is_redirection(), "{}", again.url());
    // The step-up (max_age=0, prompt=login) makes the provider ask for the login again.
    let start = get(&h, &browser, START).await;
    assert_eq!(start.status(), StatusCode::OK);
    let url = start.url().as_str().to_owned();
    assert!(url.starts_with(&h.issuer), "{url}");
    let page = start.text().await.expect("page");
    let (_, fields) = form(&page);
    assert!(
        fields.iter().any(|(k, v)| k == "prompt" && v == "login"),
        "{fields:?}"
    );
}

#[tokio::test]
async fn someone_elses_organisation_account_is_no_proof() {
    let h = Harness::start().await;
    let user = h.user(STAFF_EMAIL).await;
    h.user("someone.else@example.org").await;
    // Linked by signing in once.
    h.sign_in(&Harness::browser(), "someone.else").await;
    let (browser, response) = step_up_as(&h, "staff-123", "someone.else").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_contains(
        &response.text().await.expect("text"),
        "Sorry, we could not confirm it is you",
    );
    assert_logged(&h, "step-up-failed", user, "another identity").await;
    assert!(!h.log().await.iter().any(|e| e.action == "step-up"));
    // The session still works and still has no proof: the form is asked again.
    assert_eq!(h.dashboard(&browser).await.url().path(), "/dashboard");
}

#[tokio::test]
async fn an_organisation_sign_in_older_than_the_window_is_no_proof() {
    // cspr's clock is 10 minutes ahead: the provider's fresh sign-in looks 10 minutes old.
    let h = Harness::start_with_clock(Arc::new(ShiftedClock(time::Duration::minutes(10)))).await;
    let user = h.user(STAFF_EMAIL).await;
    let (_, response) = step_up_as(&h, "staff-123", "staff-123").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_logged(&h, "step-up-failed", user, "not a fresh sign-in").await;
}
