//! OpenID Connect sign-in against a real OpenID Provider: the certified `oidc-provider` npm
//! package, run by node on loopback (tests/oidc-provider/server.js), with cspr served on a real
//! loopback port and driven by an HTTP client that keeps cookies, as a browser would: to the
//! provider, through its login and consent pages, back to the callback and on to the dashboard.
//! Node.js and npm must be installed: without them these tests fail (they never skip).

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use cspr_app::App;
use cspr_domain::calendar::Calendar;
use cspr_domain::examples::PARTNERSHIP;
use cspr_store::Store;
use cspr_store::testing::TestDb;

use crate::common::{NewPerson, assert_contains, free_port};

/// Proving again who one is through the organisation (step-up).
#[path = "oidc_step_up.rs"]
mod step_up;

/// The organisation's multi-factor said by `acr` instead of `amr`.
#[path = "oidc_acr.rs"]
mod acr;
use cspr_web::access::Role;
use cspr_web::auth::oidc::OidcConfig;
use cspr_web::{AppState, Clock, SystemClock, WebConfig};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use secrecy::SecretString;
use time::OffsetDateTime;
use uuid::Uuid;

const CLIENT_ID: &str = "cspr-test";
const CLIENT_SECRET: &str = "a-client-secret-for-the-loopback-provider-only";
const CALLBACK: &str = "/sign-in/oidc/callback";
const STAFF_EMAIL: &str = "oidc.user@example.org";

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc-provider")
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run it ({e}); Node.js and npm are required"));
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Installs the provider's npm packages once per test run.
fn install_provider() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        run(Command::new("node").arg("--version"), "node --version");
        run(Command::new("npm").arg("--version"), "npm --version");
        let dir = fixture();
        let sub = if dir.join("package-lock.json").exists() {
            "ci"
        } else {
            "install"
        };
        run(
            Command::new("npm")
                .args([sub, "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&dir),
            &format!("npm {sub} in tests/oidc-provider"),
        );
    });
}

/// The Node.js the provider runs on: the 22 LTS binary its npm packages bring (oidc-provider 9
/// needs newer Node.js than Debian 12's 18), or the machine's own where that package does not
/// install (not Linux on x86-64).
fn provider_node() -> PathBuf {
    let local = fixture().join("node_modules/.bin/node");
    if local.is_file() {
        local
    } else {
        PathBuf::from("node")
    }
}

/// The node process of the provider; killed when dropped.
struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_provider(redirect_uri: &str) -> Provider {
    install_provider();
    let port = free_port();
    let mut child = Command::new(provider_node())
        .arg("server.js")
        .arg(port.to_string())
        .args([CLIENT_ID, CLIENT_SECRET, redirect_uri])
        .current_dir(fixture())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node must be installed to run the OpenID Provider");
    let stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let errors = Arc::new(Mutex::new(String::new()));
    let sink = errors.clone();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        sink.lock().expect("stderr").push_str(&text);
    });
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line.trim() == "ready" {
                let _ = tx.send(());
            }
        }
    });
    let provider = Provider {
        child,
        issuer: format!("http://127.0.0.1:{port}"),
    };
    if rx.recv_timeout(Duration::from_secs(60)).is_err() {
        std::thread::sleep(Duration::from_millis(200));
        panic!(
            "the OpenID Provider did not start: {}",
            errors.lock().expect("stderr")
        );
    }
    provider
}

struct Harness {
    _provider: Provider,
    _db: TestDb,
    store: Store,
    base: String,
    issuer: String,
    /// What the server was started with, for a second server over the same database.
    started: (App, WebConfig, Arc<dyn Clock>),
}

/// The system clock moved by a fixed amount (for an expired ID token).
#[derive(Debug)]
struct ShiftedClock(time::Duration);

impl Clock for ShiftedClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.0
    }
}

/// Serves cspr on `listener`, in the background.
fn serve(
    listener: tokio::net::TcpListener,
    (app, config, clock): &(App, WebConfig, Arc<dyn Clock>),
) {
    let state = AppState::new(app.clone(), config.clone(), Arc::clone(clock));
    let router = cspr_web::router(state);
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve");
    });
}

impl Harness {
    /// Disables or re-enables an account.
    async fn set_disabled(&self, user: Uuid, disabled: bool) {
        self.store
            .set_user_disabled(user, disabled)
            .await
            .expect("disable or enable");
    }

    async fn start() -> Self {
        Self::start_with_clock(Arc::new(SystemClock)).await
    }

    async fn start_with_clock(clock: Arc<dyn Clock>) -> Self {
        Self::start_with(clock, None).await
    }

    /// With `mfa_acr`: the `acr` that counts as the organisation's multi-factor.
    async fn start_with(clock: Arc<dyn Clock>, mfa_acr: Option<&str>) -> Self {
        Self::start_configured(clock, mfa_acr, false).await
    }

    /// With `passkeys_only`: the partnership's "A passkey only" setting on, on a site that
    /// offers passkeys.
    async fn start_configured(
        clock: Arc<dyn Clock>,
        mfa_acr: Option<&str>,
        passkeys_only: bool,
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let redirect = format!("{base}{CALLBACK}");
        let provider = start_provider(&redirect);
        let db = TestDb::sqlite().await;
        let store = db.store().await;
        let today = OffsetDateTime::now_utc().date();
        let mut settings = cspr_app::demo::settings(today);
        settings.require_passkeys = passkeys_only;
        let app = App::new(store.clone(), Calendar::england_and_wales(), settings);
        let mut config =
            WebConfig::new(PARTNERSHIP, "Northshire Safeguarding Children Partnership");
        config.oidc = Some(
            OidcConfig::new(
                &provider.issuer,
                CLIENT_ID,
                SecretString::from(CLIENT_SECRET.to_owned()),
                &redirect,
            )
            .expect("OpenID Connect settings")
            .with_mfa_acr(mfa_acr),
        );
        config.public_url = Some(base.replace("127.0.0.1", "localhost"));
        let started = (app, config, clock);
        serve(listener, &started);
        Self {
            issuer: provider.issuer.clone(),
            _provider: provider,
            _db: db,
            store,
            base,
            started,
        }
    }

    /// Another server over the same database with the same settings (behind one load
    /// balancer, issue 18); its address.
    async fn second_server(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        serve(listener, &self.started);
        base
    }

    /// A partnership-team account with no password (it signs in only through its organisation)
    /// and the second factor set up.
    /// An account that a first sign-in may link by its address (a subgroup member's).
    async fn user(&self, email: &str) -> Uuid {
        self.user_as(email, Role::SubgroupMember).await
    }

    async fn user_as(&self, email: &str, role: Role) -> Uuid {
        NewPerson::new(&self.store, OffsetDateTime::now_utc(), role)
            .email(email)
            .name("Olu Idowu")
            .no_password()
            .create()
            .await
    }

    /// A browser: keeps cookies, follows redirects, except the provider's redirect back to
    /// cspr, so a test can look at (or tamper with) the callback URL.
    fn browser() -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::custom(|attempt| {
                if attempt.url().path() == CALLBACK {
                    attempt.stop()
                } else if attempt.previous().len() > 10 {
                    attempt.error("too many redirects")
                } else {
                    attempt.follow()
                }
            }))
            .build()
            .expect("client")
    }

    /// Starts at cspr, signs in at the provider as `login`, consents, and returns the callback
    /// URL the provider sends the browser back to.
    async fn to_callback(&self, browser: &reqwest::Client, login: &str) -> String {
        self.to_callback_from(browser, "/sign-in/oidc", login).await
    }

    /// [`Self::to_callback`] from another of cspr's pages that starts a flow at the provider.
    async fn to_callback_from(
        &self,
        browser: &reqwest::Client,
        start: &str,
        login: &str,
    ) -> String {
        let mut response = browser
            .get(format!("{}{start}", self.base))
            .send()
            .await
            .expect("start");
        for _ in 0..5 {
            if response.status().is_redirection() {
                let to = response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .expect("location")
                    .to_owned();
                assert!(to.starts_with(&format!("{}{CALLBACK}?", self.base)), "{to}");
                return to;
            }
            assert_eq!(response.status(), StatusCode::OK, "{}", response.url());
            let at = response.url().clone();
            assert!(
                at.as_str().starts_with(&self.issuer),
                "expected the provider's page, got {at}"
            );
            let html = response.text().await.expect("page");
            let (action, mut fields) = form(&html);
            if fields.iter().any(|(k, v)| k == "prompt" && v == "login") {
                fields.push(("login".into(), login.into()));
                fields.push(("password".into(), "anything".into()));
            }
            let action = at.join(&action).expect("form action");
            response = browser
                .post(action)
                .form(&fields)
                .send()
                .await
                .expect("submit");
        }
        panic!("the provider never sent the browser back");
    }

    /// The whole flow up to the page the callback answers with.
    async fn sign_in(&self, browser: &reqwest::Client, login: &str) -> reqwest::Response {
        let callback = self.to_callback(browser, login).await;
        browser.get(callback).send().await.expect("callback")
    }

    async fn log(&self) -> Vec<cspr_store::AccessLogRow> {
        self.store.read_access_log(0, 1000).await.expect("log")
    }

    async fn dashboard(&self, browser: &reqwest::Client) -> reqwest::Response {
        browser
            .get(format!("{}/dashboard", self.base))
            .send()
            .await
            .expect("dashboard")
    }
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// The first form of a page: its action and hidden fields.
fn form(html: &str) -> (String, Vec<(String, String)>) {
    let start = html.find("<form").expect("a form on the provider's page");
    let end = html[start..].find("</form>").expect("form end") + start;
    let body = &html[start..end];
    let open = &body[..body.find('>').expect("form tag")];
    let action = attr(open, "action").expect("form action");
    let fields = body
        .match_indices("<input")
        .filter_map(|(i, _)| {
            let tag = &body[i..i + body[i..].find('>')?];
            (attr(tag, "type").as_deref() == Some("hidden"))
                .then(|| Some((attr(tag, "name")?, attr(tag, "value").unwrap_or_default())))
                .flatten()
        })
        .collect();
    (action, fields)
}

fn refresh_target(response: &reqwest::Response) -> String {
    let refresh = response
        .headers()
        .get("refresh")
        .and_then(|v| v.to_str().ok())
        .expect("the callback page moves on by itself");
    refresh
        .split_once("url=")
        .map(|(_, to)| to.to_owned())
        .expect("refresh url")
}

/// The response gives no session cookie.
fn assert_no_session(response: &reqwest::Response) {
    let cookies = set_cookies(response);
    assert!(
        !cookies
            .iter()
            .any(|c| c.starts_with("__Host-cspr-session=")),
        "{cookies:?}"
    );
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn signs_in_with_the_organisations_account_and_its_multi_factor() {
    let h = Harness::start().await;
    let user = h.user(STAFF_EMAIL).await;
    let browser = Harness::browser();

    let page = browser
        .get(format!("{}/sign-in", h.base))
        .send()
        .await
        .expect("sign-in page")
        .text()
        .await
        .expect("text");
    assert_contains(&page, "href=\"/sign-in/oidc\"");

    // The start sets the cookie that holds the sign-in in progress, and nothing else.
    let no_follow = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("client");
    let start = no_follow
        .get(format!("{}/sign-in/oidc", h.base))
        .send()
        .await
        .expect("start");
    assert_eq!(start.status(), StatusCode::SEE_OTHER);
    let cookie = set_cookies(&start).join("\n");
    assert!(cookie.starts_with("__Host-cspr-oidc="), "{cookie}");
    for flag in [
        "Path=/",
        "Secure",
        "HttpOnly",
        "SameSite=Lax",
        "Max-Age=600",
    ] {
        assert!(cookie.contains(flag), "{cookie} lacks {flag}");
    }
    let to = start.headers()["location"].to_str().expect("location");
    for param in [
        "response_type=code",
        "code_challenge_method=S256",
        "code_challenge=",
        "state=",
        "nonce=",
        "scope=openid+email",
    ] {
        assert!(to.contains(param), "{to} lacks {param}");
    }

    let response = h.sign_in(&browser, "staff-123").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(refresh_target(&response), "/dashboard");
    let cookies = set_cookies(&response).join("\n");
    assert_contains(&cookies, "__Host-cspr-session=");
    assert_contains(&cookies, "__Host-cspr-oidc=;");
    let html = response.text().await.expect("text");
    assert_contains(&html, "href=\"/dashboard\"");

    let dashboard = h.dashboard(&browser).await;
    assert_eq!(dashboard.url().path(), "/dashboard");
    assert_eq!(dashboard.status(), StatusCode::OK);
    assert!(dashboard.text().await.expect("text").contains("Olu Idowu"));

    // Linked by the verified address; the organisation's multi-factor counted.
    let linked = h
        .store
        .user_by_oidc(&h.issuer, "staff-123")
        .await
        .expect("lookup")
        .expect("linked");
    assert_eq!(linked.id, user);
    assert_eq!(
        h.log()
            .await
            .iter()
            .filter(|e| e.action == "oidc-linked" && e.actor == user.to_string())
            .count(),
        1
    );

    // Signing in again goes by the link.
    let again = Harness::browser();
    let response = h.sign_in(&again, "staff-123").await;
    assert_eq!(refresh_target(&response), "/dashboard");
    assert_eq!(h.dashboard(&again).await.url().path(), "/dashboard");

    let log = h.log().await;
    let signed_in: Vec<_> = log.iter().filter(|e| e.action == "sign-in-oidc").collect();
    assert_eq!(signed_in.len(), 2, "{log:?}");
    assert!(signed_in.iter().all(|e| e.actor == user.to_string()));
    for e in &log {
        let text = format!("{} {} {}", e.actor, e.action, e.detail);
        assert!(
            !text.contains(STAFF_EMAIL) && !text.contains("staff-123"),
            "{text}"
        );
    }
}

/// Several servers (issue 18): a sign-in started on one server is finished by another over the
/// same database (the provider sends the browser back through the load balancer to whichever
/// server it picks); the session then opens pages on both.
#[tokio::test]
async fn a_sign_in_started_on_one_server_finishes_on_another() {
    let h = Harness::start().await;
    h.user(STAFF_EMAIL).await;
    let other = h.second_server().await;
    let browser = Harness::browser();
    let callback = h.to_callback(&browser, "staff-123").await;
    let on_other = callback.replacen(&h.base, &other, 1);
    assert_ne!(on_other, callback);
    let response = browser.get(&on_other).send().await.expect("callback");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(refresh_target(&response), "/dashboard");
    assert_eq!(h.dashboard(&browser).await.status(), StatusCode::OK);
    let there = browser
        .get(format!("{other}/dashboard"))
        .send()
        .await
        .expect("dashboard");
    assert_eq!(
        (there.status(), there.url().path()),
        (StatusCode::OK, "/dashboard")
    );
    // Coming back again, to the first server, signs no one in (the store's own tests show a
    // sign-in in progress is taken once, whichever server asks).
    let again = browser.get(&callback).send().await.expect("callback");
    assert_no_session(&again);
}

#[tokio::test]
async fn without_the_organisations_multi_factor_the_code_is_still_asked() {
    let h = Harness::start().await;
    h.user("no.mfa@example.org").await;
    let browser = Harness::browser();
    let response = h.sign_in(&browser, "staff-no-mfa").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(refresh_target(&response), "/sign-in/two-factor");
    let dashboard = h.dashboard(&browser).await;
    assert_eq!(dashboard.url().path(), "/sign-in/two-factor");
}

/// Issue 16, finding 11: an `amr` of just `otp` (a one-time code) or just `hwk` (a hardware
/// key) is one factor (RFC 8176), yet it skipped cspr's second factor. Only `mfa` says the
/// organisation did multi-factor sign-in; anything else still asks for the code.
#[tokio::test]
async fn a_single_factor_of_any_kind_still_asks_for_the_code() {
    let h = Harness::start().await;
    for (subject, email) in [
        ("staff-otp-only", "otp.only@example.org"),
        ("staff-hwk-only", "hwk.only@example.org"),
    ] {
        h.user(email).await;
        let browser = Harness::browser();
        let response = h.sign_in(&browser, subject).await;
        assert_eq!(response.status(), StatusCode::OK, "{subject}");
        assert_eq!(
            refresh_target(&response),
            "/sign-in/two-factor",
            "{subject}"
        );
        let dashboard = h.dashboard(&browser).await;
        assert_eq!(dashboard.url().path(), "/sign-in/two-factor", "{subject}");
    }
}

/// Issue 16, finding 11: a first sign-in linked any account by its verified address, the
/// partnership team's and administrators' included. Accounts of the roles that see every case
/// or run the service are not linked by an address at the provider.
#[tokio::test]
async fn privileged_accounts_are_not_linked_by_their_address() {
    for role in [
        Role::PartnershipTeam,
        Role::Chair,
        Role::SystemAdministrator,
    ] {
        let h = Harness::start().await;
        let staff = h.user_as(STAFF_EMAIL, role).await;
        let browser = Harness::browser();
        let response = h.sign_in(&browser, "staff-123").await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{role:?}");
        assert_contains(
            &response.text().await.expect("text"),
            "account is not linked to cspr",
        );
        let user = h.store.user_by_id(staff).await.expect("user").expect("row");
        assert!(user.oidc_subject.is_none(), "{role:?}");
        assert!(
            h.log().await.iter().any(|e| e.action == "sign-in-failed"
                && e.detail.contains("not linked by address")),
            "{role:?}"
        );
    }
}

/// With "A passkey only", a team member who has a passkey is not signed in by their
/// organisation's account (a phishing site could relay that sign-in); one who has none yet is,
/// and is then asked to add one.
#[tokio::test]
async fn a_passkey_only_account_with_a_passkey_is_not_signed_in_by_its_organisation() {
    let h = Harness::start_configured(Arc::new(SystemClock), None, true).await;
    let staff = h.user_as(STAFF_EMAIL, Role::PartnershipTeam).await;
    h.store
        .link_oidc(staff, &h.issuer, "staff-123")
        .await
        .expect("link");
    let browser = Harness::browser();
    let response = h.sign_in(&browser, "staff-123").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(refresh_target(&response), "/dashboard");
    assert_eq!(
        h.dashboard(&browser).await.url().path(),
        "/account/passkeys",
        "asked to add a passkey first"
    );

    h.store
        .add_passkey(&cspr_store::PasskeyRow {
            id: Uuid::new_v4(),
            user_id: staff,
            credential_id: "a2V5".into(),
            name: "Laptop".into(),
            credential: "{}".into(),
            created_at: OffsetDateTime::now_utc(),
            last_used_at: None,
        })
        .await
        .expect("passkey");
    let browser = Harness::browser();
    let response = h.sign_in(&browser, "staff-123").await;
    assert_no_session(&response);
    assert_contains(
        &response.text().await.expect("text"),
        "sign in with your passkey",
    );
    assert_eq!(h.dashboard(&browser).await.url().path(), "/sign-in");
    assert!(
        h.log()
            .await
            .iter()
            .any(|e| e.action == "sign-in-refused" && e.actor == staff.to_string())
    );
}

#[tokio::test]
async fn a_wrong_state_is_refused() {
    let h = Harness::start().await;
    h.user(STAFF_EMAIL).await;
    let browser = Harness::browser();
    let callback = h.to_callback(&browser, "staff-123").await;
    let mut url = reqwest::Url::parse(&callback).expect("url");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" {
                format!("{v}x")
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(&pairs);
    let response = browser.get(url).send().await.expect("callback");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_no_session(&response);
    let html = response.text().await.expect("text");
    assert_contains(&html, "Sorry, there is a problem signing you in");
    assert!(!html.contains("invalid_") && !html.contains("error_description"));
    assert_eq!(h.dashboard(&browser).await.url().path(), "/sign-in");

    // The sign-in in progress is used up: the genuine answer does not work after a wrong one.
    let response = browser.get(&callback).send().await.expect("callback");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(h.dashboard(&browser).await.url().path(), "/sign-in");

    // Nor does a callback without the cookie of the browser that started it.
    let other = Harness::browser();
    let response = other.get(&callback).send().await.expect("callback");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    let log = h.log().await;
    assert!(
        log.iter()
            .any(|e| e.action == "sign-in-failed" && e.detail.contains("state did not match")),
        "{log:?}"
    );
    assert!(!log.iter().any(|e| e.action == "sign-in-oidc"));
}

#[tokio::test]
async fn an_unknown_account_is_not_linked_and_none_is_made() {
    let h = Harness::start().await;
    let staff = h.user(STAFF_EMAIL).await;

    let browser = Harness::browser();
    let response = h.sign_in(&browser, "stranger").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let html = response.text().await.expect("text");
    assert_contains(&html, "account is not linked to cspr");
    assert_contains(&html, "Ask your partnership team for access.");
    assert!(
        h.store
            .user_by_email("stranger@example.org")
            .await
            .expect("lookup")
            .is_none()
    );
    assert_eq!(h.dashboard(&browser).await.url().path(), "/sign-in");

    // An address the organisation has not verified does not link an account.
    let browser = Harness::browser();
    let response = h.sign_in(&browser, "staff-unverified").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let user = h.store.user_by_id(staff).await.expect("user").expect("row");
    assert!(user.oidc_subject.is_none());
    assert_eq!(h.dashboard(&browser).await.url().path(), "/sign-in");

    let log = h.log().await;
    let failed: Vec<_> = log
        .iter()
        .filter(|e| e.action == "sign-in-failed")
        .collect();
    assert_eq!(failed.len(), 2, "{log:?}");
    assert!(
        failed
            .iter()
            .all(|e| e.actor.starts_with("oidc:") && !e.actor.contains("stranger")),
        "{failed:?}"
    );
    // The pseudonym is keyed (`Store::pseudonym`): not a plain hash of issuer and subject that
    // someone holding the database could recompute for a known identity.
    let plain = |subject: &str| {
        let mut hash = blake3::Hasher::new();
        hash.update(h.issuer.as_bytes());
        hash.update(b"\0");
        hash.update(subject.as_bytes());
        format!("oidc:{}", hash.finalize().to_hex())
    };
    for (entry, subject) in failed.iter().zip(["stranger", "staff-unverified"]) {
        let keyed = h
            .store
            .pseudonym(&format!("oidc\0{}\0{subject}", h.issuer))
            .await
            .expect("pseudonym");
        assert_ne!(entry.actor, plain(subject));
        assert_eq!(entry.actor, format!("oidc:{keyed}"));
    }
}

#[tokio::test]
async fn a_disabled_account_is_refused() {
    let h = Harness::start().await;
    let user = h.user(STAFF_EMAIL).await;
    h.set_disabled(user, true).await;

    let browser = Harness::browser();
    let response = h.sign_in(&browser, "staff-123").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_no_session(&response);
    let html = response.text().await.expect("text");
    assert_contains(&html, "account is not linked to cspr");
    assert_eq!(h.dashboard(&browser).await.url().path(), "/sign-in");

    // Linked before it was disabled: refused all the same.
    h.set_disabled(user, false).await;
    let browser = Harness::browser();
    let response = h.sign_in(&browser, "staff-123").await;
    assert_eq!(response.status(), StatusCode::OK);
    h.set_disabled(user, true).await;
    let browser = Harness::browser();
    let response = h.sign_in(&browser, "staff-123").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(h.dashboard(&browser).await.url().path(), "/sign-in");

    let log = h.log().await;
    assert_eq!(
        log.iter()
            .filter(|e| e.action == "sign-in-failed" && e.actor == user.to_string())
            .count(),
        2,
        "{log:?}"
    );
}

#[tokio::test]
async fn an_expired_id_token_is_refused() {
    // cspr's clock is two hours ahead of the provider's: the ID token has expired on arrival.
    let h = Harness::start_with_clock(Arc::new(ShiftedClock(time::Duration::hours(2)))).await;
    h.user(STAFF_EMAIL).await;
    let browser = Harness::browser();
    let response = h.sign_in(&browser, "staff-123").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_no_session(&response);
    assert!(
        response
            .text()
            .await
            .expect("text")
            .contains("Sorry, there is a problem signing you in")
    );
    let log = h.log().await;
    assert!(
        log.iter()
            .any(|e| e.action == "sign-in-failed" && e.detail.contains("ID token refused")),
        "{log:?}"
    );
}
