//! Issue 16, finding 11: the organisation's multi-factor counts when the ID token's `amr` says
//! `mfa`, or, with `oidc_mfa_acr` set, when its `acr` is that class. Any other class, or the
//! class without the setting, is one factor: the authenticator code is still asked.

use super::*;

/// The class the test provider gives `staff-acr` (server.js).
const MFA_CLASS: &str = "urn:cspr:test:mfa";

/// Signs `login` in and returns where the callback's page moves on to.
async fn signs_in_to(h: &Harness, login: &str) -> String {
    let response = h.sign_in(&Harness::browser(), login).await;
    assert_eq!(response.status(), StatusCode::OK);
    refresh_target(&response)
}

#[tokio::test]
async fn the_configured_class_counts_as_the_organisations_multi_factor() {
    let h = Harness::start_with(Arc::new(SystemClock), Some(MFA_CLASS)).await;
    let user = h.user("acr.user@example.org").await;
    h.user("acr.other@example.org").await;
    assert_eq!(signs_in_to(&h, "staff-acr").await, "/dashboard");
    let log = h.log().await;
    assert!(
        log.iter().any(|e| e.action == "sign-in-oidc"
            && e.actor == user.to_string()
            && e.detail == "openid connect: organisation's multi-factor"),
        "{log:?}"
    );
    // Another class is one factor: on to the authenticator.
    assert_eq!(
        signs_in_to(&h, "staff-other-acr").await,
        "/sign-in/two-factor"
    );
}

#[tokio::test]
async fn without_the_setting_a_class_is_one_factor() {
    let h = Harness::start().await;
    h.user("acr.user@example.org").await;
    assert_eq!(signs_in_to(&h, "staff-acr").await, "/sign-in/two-factor");
}
