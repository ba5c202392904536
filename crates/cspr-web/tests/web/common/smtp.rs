//! A real SMTP server on loopback for the email tests: aiosmtpd writing every message to a
//! Maildir the test reads (`cspr_store::testing::SmtpSink`). A missing tool fails the test: it
//! is never skipped.

use std::collections::BTreeSet;
use std::time::{Duration as StdDuration, Instant};

use cspr_domain::examples::{HEALTH, POLICE};
use cspr_store::testing::SmtpSink;
use cspr_web::WebConfig;
use cspr_web::access::Role;
use cspr_web::mail::MailConfig;
use uuid::Uuid;

use super::{TestApp, free_port};

/// A running aiosmtpd (`cspr_store::testing::SmtpSink`) and the messages already read from it.
pub struct Smtp {
    sink: SmtpSink,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    seen: BTreeSet<String>,
}

/// Email settings that send to 127.0.0.1:`port` without TLS.
pub fn mail_config(port: u16) -> MailConfig {
    MailConfig {
        smtp_host: "127.0.0.1".to_owned(),
        smtp_port: port,
        from: "Northshire SCP <no-reply@northshire.example>".to_owned(),
        tls: false,
    }
}

impl Smtp {
    /// Starts a server on a free port.
    pub fn start() -> Self {
        Self::start_on(free_port())
    }

    /// Starts a server on `port` (a test that stops the server starts another on the same port).
    pub fn start_on(port: u16) -> Self {
        Self {
            sink: SmtpSink::start_on(port),
            port,
            seen: BTreeSet::new(),
        }
    }

    /// Email settings for this server.
    pub fn config(&self) -> MailConfig {
        mail_config(self.port)
    }

    /// Messages delivered since the last call, as raw text, in delivery-name order.
    pub fn new_messages(&mut self) -> Vec<String> {
        self.sink
            .messages()
            .into_iter()
            .filter(|(name, _)| self.seen.insert(name.clone()))
            .map(|(_, text)| text)
            .collect()
    }

    /// The one message delivered since the last call (waiting briefly for it).
    pub fn one_message(&mut self) -> String {
        let started = Instant::now();
        loop {
            let mut got = self.new_messages();
            if !got.is_empty() {
                assert_eq!(got.len(), 1, "one email expected");
                return got.remove(0);
            }
            assert!(
                started.elapsed() < StdDuration::from_secs(10),
                "no email arrived"
            );
            std::thread::sleep(StdDuration::from_millis(50));
        }
    }

    /// Emails delivered since the last call, parsed, sorted by (to, subject). The runner has
    /// finished sending when it returns, and aiosmtpd writes a message before it answers.
    pub fn take(&mut self) -> Vec<Mail> {
        let mut out: Vec<Mail> = self
            .new_messages()
            .iter()
            .map(|raw| Mail::parse(raw))
            .collect();
        out.sort_by(|a, b| (&a.to, &a.subject).cmp(&(&b.to, &b.subject)));
        out
    }
}

/// One email as the tests compare it.
#[derive(Debug)]
pub struct Mail {
    /// The To header.
    pub to: String,
    /// The Subject header.
    pub subject: String,
    /// The body, with quoted-printable soft breaks undone.
    pub body: String,
}

impl Mail {
    /// Reads a raw message.
    pub fn parse(raw: &str) -> Self {
        let raw = raw.replace("\r\n", "\n");
        let (head, body) = raw.split_once("\n\n").expect("headers and body");
        // Unfold long headers; undo soft line breaks of quoted-printable bodies.
        let head = head.replace("\n ", " ").replace("\n\t", " ");
        let header = |name: &str| {
            head.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}: ")))
                .unwrap_or_else(|| panic!("no {name} header in {head}"))
                .to_owned()
        };
        Self {
            to: header("To"),
            subject: header("Subject"),
            body: body.replace("=\n", ""),
        }
    }
}

/// What [`sent`] lists when each of `recipients`, in order, got one message with `subject`.
pub fn to_each<'a>(recipients: &[&'a str], subject: &'a str) -> Vec<(&'a str, &'a str)> {
    recipients.iter().map(|&r| (r, subject)).collect()
}

/// (to, subject) of each email.
pub fn sent(mails: &[Mail]) -> Vec<(&str, &str)> {
    mails
        .iter()
        .map(|m| (m.to.as_str(), m.subject.as_str()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The application the reminder and chaser tests send from, and the people they write to

/// The address links in emails start with.
pub const PUBLIC_URL: &str = "https://cspr.northshire.example/";
/// Health's first representative.
pub const REP1: &str = "rep.one@health.example";
/// Health's second representative.
pub const REP2: &str = "rep.two@health.example";
/// The police's representative.
pub const POLICE_REP: &str = "rep@police.example";
/// Health's member of the review subgroup.
pub const SUBGROUP: &str = "subgroup@health.example";
/// The partnership team.
pub const TEAM: &str = "team@northshire.example";

/// Settings that send email through `mail` with links to [`PUBLIC_URL`].
pub fn sending(mail: MailConfig) -> impl FnOnce(&mut WebConfig) {
    move |config| {
        config.mail = Some(mail);
        config.public_url = Some(PUBLIC_URL.to_owned());
    }
}

/// The application sending through `mail`, with health and the police as agencies.
pub async fn mail_app(mail: MailConfig) -> TestApp {
    let t = TestApp::with_config(sending(mail)).await;
    t.agencies(&[HEALTH, POLICE]).await;
    t
}

/// An account without a password or second factor (it only gets email), named "Pat" and its
/// role's key.
pub async fn person(
    t: &TestApp,
    email: &str,
    role: Role,
    agency: Option<cspr_domain::ids::AgencyId>,
) -> Uuid {
    let person = t
        .user(role)
        .email(email)
        .name(&format!("Pat {}", role.key()))
        .no_password()
        .no_second_factor();
    match agency {
        Some(agency) => person.agency(agency).create().await,
        None => person.create().await,
    }
}

/// Two health representatives, a police one and the partnership team, a disabled health
/// representative (who gets nothing), and health's subgroup member when `subgroup`.
pub async fn people(t: &TestApp, subgroup: bool) {
    person(t, REP1, Role::AgencyRepresentative, Some(HEALTH)).await;
    person(t, REP2, Role::AgencyRepresentative, Some(HEALTH)).await;
    person(t, POLICE_REP, Role::AgencyRepresentative, Some(POLICE)).await;
    person(t, TEAM, Role::PartnershipTeam, None).await;
    let gone = person(
        t,
        "gone@health.example",
        Role::AgencyRepresentative,
        Some(HEALTH),
    )
    .await;
    t.store
        .set_user_disabled(gone, true)
        .await
        .expect("disable");
    if subgroup {
        person(t, SUBGROUP, Role::SubgroupMember, Some(HEALTH)).await;
    }
}
