//! Passkeys in Chromium (issue 16), with its virtual authenticator (WebDriver's WebAuthn
//! extension, which chromedriver serves): a team member adds a passkey on the account page,
//! signs out, and signs in with it from the sign-in page without typing anything; the pages
//! pass axe. The site is opened as `http://localhost:PORT`: WebAuthn binds a passkey to a domain
//! name (never an IP address), and browsers treat localhost as a secure context.

use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{Value, json};

use crate::browser_support::{SECRET, Server, Site, Web};
use crate::common::{TestApp, free_port};
use cspr_web::access::Role;

/// One command of WebDriver's WebAuthn extension, under the session.
#[derive(Debug)]
struct WebAuthn {
    path: String,
    method: http::Method,
    body: Option<String>,
}

impl WebDriverCompatibleCommand for WebAuthn {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/webauthn/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (self.method.clone(), self.body.clone())
    }
}

async fn webauthn(web: &Web, method: http::Method, path: &str, body: Option<Value>) -> Value {
    web.client()
        .issue_cmd(WebAuthn {
            path: path.to_owned(),
            method,
            body: body.map(|b| b.to_string()),
        })
        .await
        .unwrap_or_else(|e| panic!("WebAuthn {path}: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passkey_is_added_and_signs_in_in_chromium() {
    let port = free_port();
    let base = format!("http://localhost:{port}");
    let app = TestApp::with_config(|c| c.public_url = Some(base.clone())).await;
    let server = Server::start_at(app.router.clone(), port).await;
    let site = Site { app, server };
    site.person(Role::PartnershipTeam, "jo@example.org", "Jo Team")
        .create()
        .await;
    let mut web = Web::open(&base).await;
    // A platform authenticator that verifies the user (as a fingerprint would) and keeps
    // discoverable credentials.
    let authenticator = webauthn(
        &web,
        http::Method::POST,
        "authenticator",
        Some(json!({
            "protocol": "ctap2",
            "transport": "internal",
            "hasResidentKey": true,
            "hasUserVerification": true,
            "isUserVerified": true,
            "isUserConsenting": true,
        })),
    )
    .await;
    let authenticator = authenticator.as_str().expect("authenticator id").to_owned();

    web.sign_in(&site, "jo@example.org", SECRET, "/dashboard")
        .await;
    web.goto("/account").await;
    web.click("a[href='/account/passkeys']").await;
    assert_eq!(web.h1().await, "Passkeys");
    web.axe("passkeys-none").await;
    // Without a name: the error, in the GOV.UK style, and nothing registered.
    web.find("[data-cspr-passkey='register'] button")
        .await
        .click()
        .await
        .expect("click");
    let error = web.find("#passkey-error:not([hidden])").await;
    assert!(
        error
            .text()
            .await
            .unwrap_or_default()
            .contains("Enter a name")
    );
    assert!(
        web.title().await.starts_with("Error: "),
        "the title says so"
    );
    assert!(
        web.attr("#passkey-name", "aria-describedby")
            .await
            .contains("passkey-error"),
        "the field names its error"
    );
    web.axe("passkeys-error").await;

    web.fill("#passkey-name", "This laptop").await;
    web.click("[data-cspr-passkey='register'] button").await;
    assert_eq!(web.path().await, "/account/passkeys?added=1");
    assert!(web.text("#passkey-list").await.contains("This laptop"));
    web.axe("passkeys-added").await;
    web.screenshot("passkeys").await;
    let credentials = webauthn(
        &web,
        http::Method::GET,
        &format!("authenticator/{authenticator}/credentials"),
        None,
    )
    .await;
    let credentials = credentials.as_array().expect("credentials");
    assert_eq!(credentials.len(), 1);
    assert_eq!(credentials[0]["isResidentCredential"], true);

    // Signed out, then in with the passkey alone.
    web.client().delete_all_cookies().await.expect("cookies");
    web.goto("/sign-in").await;
    web.axe("sign-in-with-passkey").await;
    web.screenshot("sign-in-with-passkey").await;
    web.click("[data-cspr-passkey='sign-in'] button").await;
    assert_eq!(web.path().await, "/dashboard");
    assert!(
        site.app
            .log()
            .await
            .iter()
            .any(|e| e.action == "signed-in" && e.detail.starts_with("passkey")),
        "the passkey sign-in is logged"
    );
    web.assert_accessible();
    web.finish().await;
}
