//! `cspr serve` through the real binary: it migrates, serves the web application (the start
//! page, /health after a database round trip) behind its security headers, and stops cleanly
//! on SIGTERM. With `--demo` it seeds the demo partnership, prints one account for each role,
//! their password and how to get an authenticator code, and a demo account can then sign in
//! with that password and a code from `cspr demo-code`. With OpenID Connect and email set up it
//! starts without reaching either (discovery waits for the first sign-in), and the sign-in page
//! offers the organisation's account only then.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    process::{Child, ChildStdout, Command, Stdio},
    time::{Duration, Instant},
};

use crate::common::{Sandbox, one_error_line};

/// A response read off the wire: status line and headers (lower-cased names), then the body.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    head: String,
    pub(crate) body: String,
}

impl Reply {
    /// The first value of a header, by lower-case name.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then_some(value.trim())
        })
    }

    /// The session token from a `Set-Cookie` header, if the reply set one.
    pub(crate) fn session_cookie(&self) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            if !key.trim().eq_ignore_ascii_case("set-cookie") {
                return None;
            }
            let pair = value.trim().split(';').next()?;
            let (name, token) = pair.split_once('=')?;
            (name == "__Host-cspr-session" && !token.is_empty()).then(|| pair.to_owned())
        })
    }
}

pub(crate) fn request(
    address: &str,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: &str,
) -> Reply {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("set a read timeout");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    if let Some(cookie) = cookie {
        head.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if method == "POST" {
        head.push_str(&format!(
            "Sec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\n",
            form.len()
        ));
    }
    head.push_str("\r\n");
    head.push_str(form);
    stream.write_all(head.as_bytes()).expect("send the request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read response");
    let (head, body) = response
        .split_once("\r\n\r\n")
        .expect("a response with headers");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status code");
    Reply {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

fn get(address: &str, path: &str) -> Reply {
    request(address, "GET", path, None, "")
}

/// A running `cspr serve`, killed when dropped unless [`stop`]ped first: a test that fails
/// midway leaves no server behind.
pub(crate) struct Server(Option<Child>);

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Starts `cspr serve` on a free port; returns the server, everything it printed before the
/// `open http://...` line, and the address it listens on.
pub(crate) fn start(sandbox: &Sandbox, extra: &[&str]) -> (Server, Vec<String>, String) {
    let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    let mut server = Server(Some(
        sandbox
            .command(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn cspr serve"),
    ));
    let child = server.0.as_mut().expect("started");
    let stdout: ChildStdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut printed = Vec::new();
    let address = loop {
        let Some(line) = lines.next() else {
            let mut stderr = String::new();
            let _ = child
                .stderr
                .take()
                .expect("piped stderr")
                .read_to_string(&mut stderr);
            panic!("cspr serve stopped before printing its address: {printed:?} {stderr}");
        };
        let line = line.expect("a line of output");
        if let Some(rest) = line.strip_prefix("open http://") {
            break rest.split('/').next().unwrap_or_default().to_owned();
        }
        printed.push(line);
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (server, printed, address)
}

/// Sends SIGTERM and waits for a clean exit; returns what the server logged.
pub(crate) fn stop(mut server: Server) -> String {
    let mut child = server.0.take().expect("running");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("poll the child") {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "cspr serve did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("piped stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    assert!(exit.success(), "exit {exit:?}; stderr: {stderr}");
    assert!(stderr.contains("shutting down"), "{stderr}");
    stderr
}

#[test]
fn serve_answers_health_and_the_start_page_and_stops_on_sigterm() {
    let mut sandbox = Sandbox::new();
    sandbox.set(
        "CSPR_PARTNERSHIP_NAME",
        "Northshire Safeguarding Children Partnership",
    );
    let (child, printed, address) = start(&sandbox, &[]);
    assert!(
        printed
            .iter()
            .any(|l| l.contains("cspr is running for Northshire")),
        "{printed:?}"
    );

    let health = get(&address, "/health");
    assert_eq!(health.status, 200, "{health:?}");
    assert_eq!(health.body, r#"{"status":"ok"}"#, "{health:?}");
    assert!(health.header("x-request-id").is_some(), "{health:?}");

    let page = get(&address, "/");
    assert_eq!(page.status, 200, "{page:?}");
    assert!(
        page.body
            .contains("Northshire Safeguarding Children Partnership"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Sign in"), "{}", page.body);
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert!(page.header("x-request-id").is_some(), "{page:?}");

    let missing = get(&address, "/no-such-page");
    assert_eq!(missing.status, 404, "{missing:?}");

    // Casework needs a session: the dashboard sends a stranger to sign in.
    let dashboard = get(&address, "/dashboard");
    assert!(
        matches!(dashboard.status, 303 | 302 | 307 | 401 | 403),
        "{dashboard:?}"
    );

    let stderr = stop(child);
    // Requests are logged by route, never by query string or body.
    assert!(stderr.contains("/health"), "{stderr}");

    assert!(sandbox.ok(&["verify"]).starts_with("verified: 0 events"));

    // Demo data never goes into a real partnership's database.
    let line = one_error_line(&sandbox.run(&["demo"]), 2);
    assert!(line.contains("database of its own"), "{line}");

    // A second start finds the same partnership, renamed when the setting changes.
    sandbox.set(
        "CSPR_PARTNERSHIP_NAME",
        "Southshire Safeguarding Children Partnership",
    );
    let (child, _, address) = start(&sandbox, &[]);
    let page = get(&address, "/");
    assert!(page.body.contains("Southshire"), "{}", page.body);
    assert!(!page.body.contains("Northshire"), "{}", page.body);
    stop(child);
}

#[test]
fn serve_demo_prints_every_role_and_a_demo_account_can_sign_in() {
    let sandbox = Sandbox::new();
    let (child, printed, address) = start(&sandbox, &["--demo"]);
    let text = printed.join("\n");

    for (email, role) in [
        ("team@demo.cspr.invalid", "Partnership team"),
        ("chair@demo.cspr.invalid", "Review subgroup chair"),
        ("subgroup@demo.cspr.invalid", "Subgroup member"),
        ("agency@demo.cspr.invalid", "Agency representative"),
        ("reviewer@demo.cspr.invalid", "Independent reviewer"),
        ("panel@demo.cspr.invalid", "Review panel member"),
        ("partner@demo.cspr.invalid", "Safeguarding partner"),
        ("admin@demo.cspr.invalid", "System administrator"),
    ] {
        assert!(
            printed
                .iter()
                .any(|l| l.contains(email) && l.contains(role)),
            "{email} as {role} missing from:\n{text}"
        );
    }
    let accounts = printed
        .iter()
        .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_lowercase()))
        .filter(|l| l.contains("@demo.cspr.invalid") && !l.contains("demo-code"))
        .count();
    assert_eq!(accounts, 8, "{text}");

    // The password follows its heading, on a line of its own.
    let at = printed
        .iter()
        .position(|l| l.starts_with("Password for every demo account"))
        .unwrap_or_else(|| panic!("no password in:\n{text}"));
    let password = printed[at + 1..]
        .iter()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .unwrap()
        .to_owned();
    assert!(password.chars().count() >= 20, "{password}");
    assert!(text.contains("demo-code"), "{text}");
    // The report comes first, then where to open the service (read by `start`).
    assert!(
        printed
            .last()
            .is_some_and(|l| l.starts_with("cspr is running for")),
        "{text}"
    );

    // One case at each of the twelve stages, with its reference, then six earlier ones.
    let cases: Vec<&String> = printed
        .iter()
        .filter(|l| l.trim_start().starts_with("CSPR-"))
        .collect();
    assert_eq!(cases.len(), 18, "{text}");
    assert!(text.contains("6 earlier cases"), "{text}");

    // A code for a demo account, and for nothing else.
    let code = sandbox.ok(&["demo-code", "team@demo.cspr.invalid"]);
    let code = code.trim();
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "{code:?}"
    );
    let line = one_error_line(&sandbox.run(&["demo-code", "someone@example.org"]), 2);
    assert!(
        line.contains("someone@example.org is not a demo account"),
        "{line}"
    );
    let line = one_error_line(&sandbox.run(&["demo-code", "nobody@demo.cspr.invalid"]), 2);
    assert!(line.contains("is not a demo account"), "{line}");

    // The partnership team signs in with the printed password and a fresh code, and sees the
    // seeded cases on its dashboard.
    let signed_in = sign_in(&sandbox, &address, "team@demo.cspr.invalid", &password);
    let dashboard = request(&address, "GET", "/dashboard", Some(&signed_in), "");
    assert_eq!(dashboard.status, 200, "{dashboard:?}");
    assert!(dashboard.body.contains("CSPR-"), "{}", dashboard.body);

    stop(child);
    let verified = sandbox.ok(&["verify"]);
    assert!(verified.contains("integrity check ok"), "{verified}");
}

/// Signs in through the pages: password, then the second factor from `cspr demo-code`.
/// Returns the signed-in session cookie.
pub(crate) fn sign_in(sandbox: &Sandbox, address: &str, email: &str, password: &str) -> String {
    let form = format!("email={}&password={}", email.replace('@', "%40"), password);
    let first = request(address, "POST", "/sign-in", None, &form);
    assert_eq!(first.status, 303, "{first:?}");
    assert_eq!(first.header("location"), Some("/sign-in/two-factor"));
    let half = first
        .session_cookie()
        .expect("a session after the password");
    // A code is accepted once: if the last one was used in this 30-second step, wait for the
    // next.
    for _ in 0..3 {
        let code = sandbox.ok(&["demo-code", email]);
        let reply = request(
            address,
            "POST",
            "/sign-in/two-factor",
            Some(&half),
            &format!("code={}", code.trim()),
        );
        if reply.status == 303 {
            assert_eq!(reply.header("location"), Some("/dashboard"), "{reply:?}");
            return reply
                .session_cookie()
                .expect("a new session after the code");
        }
        std::thread::sleep(Duration::from_secs(31));
    }
    panic!("the demo code was not accepted");
}

#[test]
fn a_bad_listen_address_is_one_line() {
    let sandbox = Sandbox::new();
    let output = sandbox.run(&["serve", "--listen", "localhost"]);
    let line = crate::common::one_error_line(&output, 2);
    assert!(line.contains("--listen"), "{line}");
}

#[test]
fn the_organisations_sign_in_is_offered_only_when_oidc_is_set_up() {
    const LINK: &str = "Sign in with your organisation's account";
    let mut sandbox = Sandbox::new();
    // The sweep at start is logged at debug.
    sandbox.set("CSPR_LOG", "info,cspr=debug");
    let (child, _, address) = start(&sandbox, &[]);
    let page = get(&address, "/sign-in");
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.body.contains("Password"), "{}", page.body);
    assert!(!page.body.contains(LINK), "{}", page.body);
    let stderr = stop(child);
    assert!(
        stderr.contains("swept expired sessions") && stderr.contains("sessions=0"),
        "{stderr}"
    );

    // Loopback ports with nothing listening: neither the provider nor the relay is reached
    // at start.
    sandbox.set(
        "CSPR_OIDC_ISSUER_URL",
        "http://127.0.0.1:9/realms/northshire",
    );
    sandbox.set("CSPR_OIDC_CLIENT_ID", "cspr");
    sandbox.set("CSPR_OIDC_CLIENT_SECRET", "hunter2-secret");
    sandbox.set(
        "CSPR_OIDC_REDIRECT_URL",
        "http://127.0.0.1:8080/sign-in/oidc/callback",
    );
    sandbox.set("CSPR_SMTP_HOST", "127.0.0.1");
    sandbox.set("CSPR_SMTP_PORT", "9");
    sandbox.set("CSPR_SMTP_TLS", "false");
    sandbox.set(
        "CSPR_MAIL_FROM",
        "Northshire SCP <no-reply@northshire.example>",
    );
    let (child, _, address) = start(&sandbox, &[]);
    let page = get(&address, "/sign-in");
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.body.contains(LINK), "{}", page.body);
    assert!(
        page.body.contains("href=\"/sign-in/oidc\""),
        "{}",
        page.body
    );
    let stderr = stop(child);
    assert!(!stderr.contains("hunter2"), "{stderr}");
}
