//! `cspr serve` through the real binary: it migrates, answers /health after a database round
//! trip and / with the placeholder page, and stops cleanly on SIGTERM.

mod common;

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use common::Sandbox;

fn get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("set a read timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("send the request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read response");
    response
}

#[test]
fn serve_answers_health_and_stops_on_sigterm() {
    let sandbox = Sandbox::new();
    let mut child = sandbox
        .command(&["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cspr serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("cspr serve printed its address")
            .unwrap();
        if let Some(rest) = line.strip_prefix("open http://") {
            break rest.split('/').next().unwrap().to_owned();
        }
    };

    let health = get(&address, "/health");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.ends_with(r#"{"status":"ok"}"#), "{health}");
    assert!(
        health.to_ascii_lowercase().contains("x-request-id:"),
        "{health}"
    );

    let page = get(&address, "/");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("cspr is running"), "{page}");
    assert!(
        page.to_ascii_lowercase()
            .contains("x-content-type-options: nosniff"),
        "{page}"
    );

    let missing = get(&address, "/no-such-page");
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
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
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(exit.success(), "exit {exit:?}; stderr: {stderr}");
    assert!(stderr.contains("shutting down"), "{stderr}");
    // Requests are logged by route, never by query string or body.
    assert!(stderr.contains("/health"), "{stderr}");

    assert!(sandbox.ok(&["verify"]).starts_with("verified: 0 events"));
}

#[test]
fn a_bad_listen_address_is_one_line() {
    let sandbox = Sandbox::new();
    let output = sandbox.run(&["serve", "--listen", "localhost"]);
    let line = common::one_error_line(&output, 2);
    assert!(line.contains("--listen"), "{line}");
}
