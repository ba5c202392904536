//! Real-browser test support: Debian Chromium driven through chromedriver with fantoccini, the
//! real router served on a loopback TCP port, axe-core accessibility checks and screenshots.
//!
//! Each [`Web`] starts its own chromedriver on its own free port with a fresh profile, so tests
//! can run in parallel; dropping it ends the WebDriver session (which closes Chromium) and then
//! kills the chromedriver process group it started, even when a test panics.

use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::common::{NewPerson, PASSWORD, TestApp, free_port};
use cspr_domain::ids::AgencyId;
use cspr_web::access::Role;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::task::JoinHandle;
use uuid::Uuid;

/// Debian's Chromium launcher.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's chromedriver (package chromium-driver).
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A known 160-bit authenticator secret for accounts set up in advance.
pub const SECRET: &[u8; 20] = b"cspr-browser-secret!";

/// The window every test uses.
pub const WIDTH: u32 = 1280;
/// The window every test uses.
pub const HEIGHT: u32 = 1000;

/// How long to wait for chromedriver, a page or an element.
const PATIENCE: Duration = Duration::from_secs(15);

/// The WCAG rule sets axe runs: 2.0, 2.1 and 2.2, levels A and AA.
const AXE_TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where screenshots go: `target/screenshots/` of the workspace.
pub fn screenshot_dir() -> PathBuf {
    workspace_root().join("target/screenshots")
}

/// Panics, clearly, when the browser or its driver is missing: these tests never skip.
fn require_browser() {
    for (path, package) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")] {
        assert!(
            Path::new(path).is_file(),
            "browser tests need {path}: install the Debian package `{package}` \
             (apt-get install chromium chromium-driver); these tests do not skip"
        );
    }
}

/// One plain HTTP/1.1 request to chromedriver, blocking, for use where no runtime can be
/// awaited (start-up polling and `Drop`).
fn raw_http(port: u16, method: &str, path: &str, timeout: Duration) -> std::io::Result<String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    // chromedriver keeps the connection open whatever `Connection` says: read the headers,
    // then as many bytes as Content-Length gives.
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk)?;
        answer.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&answer);
        if n == 0 || complete_response(&text) {
            return Ok(text.into_owned());
        }
    }
}

/// Whether an HTTP response has all of its body.
fn complete_response(text: &str) -> bool {
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let length = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    body.len() >= length
}

/// A chromedriver process this test started, in its own process group.
#[derive(Debug)]
struct Driver {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Driver {
    /// Starts chromedriver on a free loopback port and waits until it says it is ready.
    fn start(dir: &Path) -> Self {
        let mut last_problem = String::new();
        // Another process could take the port between our probe and chromedriver's bind: try
        // a few ports before giving up.
        for attempt in 0..3 {
            let port = free_port();
            let log = dir.join(format!("chromedriver-{attempt}.log"));
            let child = Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                // Its own process group, so that everything it starts can be ended with it.
                .process_group(0)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}"));
            let mut driver = Self { child, port, log };
            match driver.wait_ready() {
                Ok(()) => return driver,
                Err(problem) => last_problem = problem,
            }
        }
        panic!("chromedriver did not start: {last_problem}");
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "{CHROMEDRIVER} exited ({status}) on port {}; its log:\n{}",
                    self.port,
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                ));
            }
            if let Ok(answer) = raw_http(self.port, "GET", "/status", Duration::from_secs(2))
                && answer.contains("\"ready\":true")
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{CHROMEDRIVER} on port {} did not answer /status within {PATIENCE:?}",
                    self.port
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let pid = self.child.id();
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Anything of ours still in its process group (a browser whose session could not be
        // closed) goes too. The group id is chromedriver's own pid.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// The app under test, served on a real TCP listener with the peer address the router logs.
#[derive(Debug)]
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    task: JoinHandle<()>,
}

impl Server {
    /// Serves the router on 127.0.0.1:0 in a task of the test's runtime.
    pub async fn start(router: axum::Router) -> Self {
        Self::start_at(router, 0).await
    }

    /// Serves the router on 127.0.0.1:`port` (0: any free port).
    pub async fn start_at(router: axum::Router, port: u16) -> Self {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .unwrap_or_else(|e| panic!("cannot bind the app's port: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("no local address: {e}"));
        let task = tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap_or_else(|e| panic!("the app stopped serving: {e}"));
        });
        Self {
            base: format!("http://127.0.0.1:{}", addr.port()),
            task,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A test application (fresh SQLite store, test clock, demo settings, the example partnership)
/// behind a real listener.
pub struct Site {
    /// The application, its store and its clock.
    pub app: TestApp,
    /// Where it listens.
    pub server: Server,
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

impl Site {
    /// A fresh application, served.
    pub async fn start() -> Self {
        Self::serve(TestApp::spawn().await).await
    }

    /// An application, served.
    pub async fn serve(app: TestApp) -> Self {
        let server = Server::start(app.router.clone()).await;
        Self { app, server }
    }

    /// An account of `role` with the address `email`, the display name `name` and the browser
    /// tests' authenticator [`SECRET`], made by `.create()` (after `.agency(..)`, if need be).
    pub fn person(&self, role: Role, email: &str, name: &str) -> NewPerson<'_> {
        self.app.user(role).email(email).name(name).secret(SECRET)
    }

    /// Makes several accounts as [`Site::person`] does, each `(role, email, name, agency)`; an
    /// agency of `None` keeps the role's default. Returns their ids in the same order.
    pub async fn people(&self, people: &[(Role, &str, &str, Option<AgencyId>)]) -> Vec<Uuid> {
        let mut ids = Vec::with_capacity(people.len());
        for &(role, email, name, agency) in people {
            let person = self.person(role, email, name);
            let person = match agency {
                Some(agency) => person.agency(agency),
                None => person,
            };
            ids.push(person.create().await);
        }
        ids
    }

    /// The server clock's time, in Unix seconds (for authenticator codes).
    pub fn now_unix(&self) -> u64 {
        u64::try_from(self.app.now().unix_timestamp()).unwrap_or(0)
    }

    /// Moves the server clock on.
    pub fn advance(&self, by: time::Duration) {
        self.app.advance(by);
    }

    /// The authenticator code for a secret at the server clock's time.
    pub fn code(&self, secret: &[u8]) -> String {
        cspr_web::auth::totp::code_at(secret, self.now_unix())
    }

    /// A six-digit code that the server will refuse for this secret (not the code of the
    /// current step nor of the steps either side, which the server also accepts).
    pub fn wrong_code(&self, secret: &[u8]) -> String {
        let now = self.now_unix();
        let valid: Vec<String> = [now.saturating_sub(30), now, now + 30]
            .iter()
            .map(|t| cspr_web::auth::totp::code_at(secret, *t))
            .collect();
        (0..10u32)
            .map(|d| d.to_string().repeat(6))
            .find(|c| !valid.contains(c))
            .unwrap_or_else(|| unreachable!("three codes cannot cover ten"))
    }
}

/// One accessibility problem axe found.
#[derive(Debug, Clone)]
pub struct Violation {
    /// What the test called the page.
    pub page: String,
    /// The page's path.
    pub path: String,
    /// axe's rule id.
    pub rule: String,
    /// minor, moderate, serious or critical.
    pub impact: String,
    /// What the rule asks.
    pub help: String,
    /// How many elements break it.
    pub count: usize,
    /// The first of them, as a CSS selector.
    pub target: String,
    /// Its markup.
    pub html: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "[{}] {} ({}): {} [{}] on {} element(s), first `{}`: {}",
            self.page,
            self.rule,
            self.impact,
            self.help,
            self.path,
            self.count,
            self.target,
            self.html
        )
    }
}

/// axe-core's source, read once from web/node_modules (installed by build.rs with npm ci).
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = workspace_root().join("web/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e}. It is a devDependency of web/package.json, installed by \
                 `npm ci` in web/ (crates/cspr-web/build.rs runs it)",
                path.display()
            )
        })
    })
}

/// A Chromium session on the site, with what it has found so far.
pub struct Web {
    client: Option<Client>,
    session_id: Option<String>,
    base: String,
    violations: Vec<Violation>,
    // Field order matters for Drop: the driver goes before its temporary directory.
    driver: Driver,
    _dir: tempfile::TempDir,
}

impl std::fmt::Debug for Web {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Web")
            .field("base", &self.base)
            .field("driver", &self.driver)
            .finish_non_exhaustive()
    }
}

impl Web {
    /// A headless Chromium with JavaScript on.
    pub async fn open(base: &str) -> Self {
        Self::open_with(base, &[]).await
    }

    /// A headless Chromium with extra command-line switches.
    pub async fn open_with(base: &str, extra_args: &[&str]) -> Self {
        require_browser();
        let dir = tempfile::Builder::new()
            .prefix("cspr-browser-")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot make a temporary directory: {e}"));
        let profile = dir.path().join("profile");
        std::fs::create_dir(&profile)
            .unwrap_or_else(|e| panic!("cannot make {}: {e}", profile.display()));
        let driver = Driver::start(dir.path());

        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Screenshots of the page, not of scroll bars.
            "--hide-scrollbars",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.push(format!("--window-size={WIDTH},{HEIGHT}"));
        args.extend(extra_args.iter().map(|s| (*s).to_owned()));
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": CHROMIUM, "args": args }),
        );

        // With more than one rustls provider compiled into the workspace (aws-lc-rs from
        // fantoccini, ring from other crates), rustls cannot pick one by itself: name it.
        // An error only means a provider is installed already.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let client = ClientBuilder::rustls()
            .unwrap_or_else(|e| panic!("cannot make the WebDriver HTTP client: {e}"))
            .capabilities(caps)
            .connect(&driver.url())
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start Chromium through chromedriver: {e}; chromedriver's log:\n{}",
                    std::fs::read_to_string(&driver.log).unwrap_or_default()
                )
            });
        let session_id = client
            .session_id()
            .await
            .unwrap_or_else(|e| panic!("no WebDriver session id: {e}"));
        client
            .set_window_size(WIDTH, HEIGHT)
            .await
            .unwrap_or_else(|e| panic!("cannot size the window: {e}"));
        Self {
            client: Some(client),
            session_id,
            base: base.trim_end_matches('/').to_owned(),
            violations: Vec::new(),
            driver,
            _dir: dir,
        }
    }

    /// The WebDriver client.
    pub fn client(&self) -> &Client {
        self.client
            .as_ref()
            .unwrap_or_else(|| panic!("the browser is closed"))
    }

    /// Ends the session (Chromium quits); chromedriver goes when this is dropped.
    pub async fn close(mut self) {
        if let Some(client) = self.client.take() {
            client
                .close()
                .await
                .unwrap_or_else(|e| panic!("cannot end the browser session: {e}"));
            self.session_id = None;
        }
    }

    /// The end of a test: fails it if axe found anything on any page (see
    /// [`Web::assert_accessible`]), then ends the session.
    pub async fn finish(self) {
        self.assert_accessible();
        self.close().await;
    }

    /// The value of an attribute of the first element `css` finds, or "" without one.
    pub async fn attr(&self, css: &str, name: &str) -> String {
        self.find(css)
            .await
            .attr(name)
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// Signs in from scratch with an address, the password and the authenticator code of
    /// `secret`, a minute after the last sign-in (so a code is never used twice), and checks
    /// the page it lands on.
    pub async fn sign_in(&self, site: &Site, address: &str, secret: &[u8], landing: &str) {
        site.advance(time::Duration::minutes(1));
        self.client()
            .delete_all_cookies()
            .await
            .unwrap_or_else(|e| panic!("cookies: {e}"));
        self.goto("/sign-in").await;
        self.fill("#email", address).await;
        self.fill("#password", PASSWORD).await;
        self.click("main form[action='/sign-in'] button[type=submit]")
            .await;
        assert_eq!(
            self.path().await,
            "/sign-in/two-factor",
            "{address} password"
        );
        self.fill("#code", &site.code(secret)).await;
        self.click("main form[action='/sign-in/two-factor'] button[type=submit]")
            .await;
        assert_eq!(self.path().await, landing, "{address} signed in");
    }

    /// The full URL of a path on the site.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Opens a path of the site.
    pub async fn goto(&self, path: &str) {
        self.client()
            .goto(&self.url(path))
            .await
            .unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
    }

    /// The current path and query.
    pub async fn path(&self) -> String {
        let url = self
            .client()
            .current_url()
            .await
            .unwrap_or_else(|e| panic!("no current URL: {e}"));
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Waits for an element and returns it.
    pub async fn find(&self, css: &str) -> Element {
        match self
            .client()
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => {
                let path = self.path().await;
                let title = self.title().await;
                panic!("no element `{css}` on {path} (title {title:?}): {e}")
            }
        }
    }

    /// All elements matching a selector (none is fine).
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client()
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("cannot look for `{css}`: {e}"))
    }

    /// The text of an element, its white space collapsed.
    pub async fn text(&self, css: &str) -> String {
        collapse(
            &self
                .find(css)
                .await
                .text()
                .await
                .unwrap_or_else(|e| panic!("no text for `{css}`: {e}")),
        )
    }

    /// The page's main heading.
    pub async fn h1(&self) -> String {
        self.text("h1").await
    }

    /// The page's title.
    pub async fn title(&self) -> String {
        self.client()
            .title()
            .await
            .unwrap_or_else(|e| panic!("no title: {e}"))
    }

    /// Types into a field, replacing what it held.
    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.find(css).await;
        field
            .clear()
            .await
            .unwrap_or_else(|e| panic!("cannot clear `{css}`: {e}"));
        field
            .send_keys(value)
            .await
            .unwrap_or_else(|e| panic!("cannot type into `{css}`: {e}"));
    }

    /// Writes `contents` to a file called `name` in a new temporary folder and chooses it in the
    /// file input `css`. Returns the folder: keep it until the form is sent.
    pub async fn choose_file(&self, css: &str, name: &str, contents: &[u8]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = dir.path().join(name);
        std::fs::write(&file, contents).unwrap_or_else(|e| panic!("{e}"));
        self.find(css)
            .await
            .send_keys(&file.to_string_lossy())
            .await
            .unwrap_or_else(|e| panic!("cannot choose the file: {e}"));
        dir
    }

    /// Clicks an element and, if that loads a new page, waits for it to load.
    pub async fn click(&self, css: &str) {
        let old = self
            .client()
            .find(Locator::Css("html"))
            .await
            .unwrap_or_else(|e| panic!("no document: {e}"));
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click `{css}`: {e}"));
        self.wait_for_new_document(&old).await;
    }

    /// Waits until the old document is gone (its root element is stale) and the new one has
    /// loaded. chromedriver usually waits for the navigation a click starts; this makes sure.
    async fn wait_for_new_document(&self, old: &Element) {
        let deadline = Instant::now() + PATIENCE;
        while old.tag_name().await.is_ok() {
            assert!(
                Instant::now() < deadline,
                "the page did not change within {PATIENCE:?}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let _ = self.find("body").await;
    }

    /// Runs JavaScript in the page and returns its result.
    pub async fn js(&self, script: &str) -> Value {
        self.client()
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Runs axe-core on the page for WCAG 2.2 A and AA and records every violation under
    /// `page`. Call [`Web::assert_accessible`] to fail the test on them.
    pub async fn axe(&mut self, page: &str) -> usize {
        let found = self.axe_violations(page).await;
        for v in &found {
            eprintln!("axe: {v}");
        }
        let n = found.len();
        self.violations.extend(found);
        n
    }

    /// Runs axe-core on the page for WCAG 2.2 A and AA and returns what it found.
    pub async fn axe_violations(&self, page: &str) -> Vec<Violation> {
        // WebDriver scripts run through the DevTools protocol, which the page's CSP does not
        // govern; axe then runs from the page's own global.
        let injected = self
            .client()
            .execute(
                &format!(
                    "if (typeof window.axe === 'undefined') {{\n{}\n}}\nreturn typeof window.axe;",
                    axe_source()
                ),
                Vec::new(),
            )
            .await
            .unwrap_or_else(|e| panic!("cannot inject axe-core on {page}: {e}"));
        assert_eq!(injected, json!("object"), "axe-core did not load on {page}");
        let script = r"
            const done = arguments[arguments.length - 1];
            const tags = arguments[0];
            window.axe
              .run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
              .then((r) => done({ ok: true, passes: r.passes.length, violations: r.violations.map((v) => ({
                  id: v.id,
                  impact: v.impact || '',
                  help: v.help,
                  count: v.nodes.length,
                  target: v.nodes.length ? v.nodes[0].target.map(String).join(' ') : '',
                  html: v.nodes.length ? v.nodes[0].html : '',
              })) }))
              .catch((e) => done({ ok: false, error: String(e) }));
        ";
        let result = self
            .client()
            .execute_async(script, vec![json!(AXE_TAGS)])
            .await
            .unwrap_or_else(|e| panic!("axe did not run on {page}: {e}"));
        assert_eq!(
            result["ok"],
            json!(true),
            "axe failed on {page}: {}",
            result["error"]
        );
        // Rules ran and some passed: an empty list of violations means something.
        assert!(
            result["passes"].as_u64().unwrap_or(0) > 0,
            "axe ran no rules on {page}: {result}"
        );
        let path = self.path().await;
        let field = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_owned();
        result["violations"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|v| Violation {
                page: page.to_owned(),
                path: path.clone(),
                rule: field(v, "id"),
                impact: field(v, "impact"),
                help: field(v, "help"),
                count: usize::try_from(v["count"].as_u64().unwrap_or(0)).unwrap_or(0),
                target: field(v, "target"),
                html: field(v, "html"),
            })
            .collect()
    }

    /// Fails the test if axe found anything on any page so far, listing every violation.
    pub fn assert_accessible(&self) {
        if self.violations.is_empty() {
            return;
        }
        let mut message = format!(
            "axe-core found {} accessibility violation(s) (WCAG 2.2 A/AA):\n",
            self.violations.len()
        );
        for v in &self.violations {
            let _ = writeln!(message, "  - {v}");
        }
        panic!("{message}");
    }

    /// Saves a screenshot of the whole page as target/screenshots/<name>.png.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot make {}: {e}", dir.display()));
        // The window grows to show the whole page for the picture (the page's height plus
        // what the window keeps for itself), then goes back. Without JavaScript this cannot
        // be measured and the picture is of the window only.
        let height = self
            .client()
            .execute(
                "return Math.ceil(document.documentElement.scrollHeight \
                   + window.outerHeight - window.innerHeight);",
                Vec::new(),
            )
            .await
            .ok()
            .and_then(|v| v.as_u64())
            .and_then(|h| u32::try_from(h).ok())
            .unwrap_or(HEIGHT)
            .clamp(HEIGHT, 5000);
        if height > HEIGHT {
            let _ = self.client().set_window_size(WIDTH, height).await;
        }
        let png = self
            .client()
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("cannot take a screenshot: {e}"));
        if height > HEIGHT {
            let _ = self.client().set_window_size(WIDTH, HEIGHT).await;
        }
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        path
    }
}

impl Drop for Web {
    fn drop(&mut self) {
        // Not closed (a panic on the way): end the session synchronously so that chromedriver
        // quits Chromium, then the driver's own Drop ends chromedriver.
        if let Some(id) = self.session_id.take() {
            let _ = raw_http(
                self.driver.port,
                "DELETE",
                &format!("/session/{id}"),
                Duration::from_secs(5),
            );
        }
    }
}

/// Text with every run of white space made one space, and trimmed.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes RFC 4648 base32 (upper or lower case, padding and spaces ignored).
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = Vec::new();
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for c in text.bytes() {
        if c == b'=' || c.is_ascii_whitespace() {
            continue;
        }
        let upper = c.to_ascii_uppercase();
        let value = ALPHABET.iter().position(|&a| a == upper)?;
        buffer = (buffer << 5) | u32::try_from(value).ok()?;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xFF).ok()?);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}
