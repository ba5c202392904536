//! Email out: the one-time codes that open a practitioner's form, and the reminders and chasers
//! about actions that `jobs` writes. Sent over SMTP with lettre on tokio, with TLS through
//! rustls (implicit TLS on port 465, STARTTLS required on any other port); plain SMTP only to a
//! relay on this machine (loopback). No email holds personal data: a code email says only what
//! the code is and how long it works; a reminder only a case reference, a due date and a link.
//! Addresses are never logged, and neither are the server's replies (they can quote them).

use std::net::IpAddr;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};

/// How long a code works, in minutes (said in the email).
pub const CODE_MINUTES: i64 = 10;

/// Longest wait for the mail server, per command.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// Where and how to send email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailConfig {
    /// The SMTP relay's host name or address.
    pub smtp_host: String,
    /// Its port: 465 for implicit TLS, usually 587 for STARTTLS, 25 for a local relay.
    pub smtp_port: u16,
    /// The sender, e.g. `Northshire Safeguarding Partnership <no-reply@example.org>`.
    pub from: String,
    /// Whether to use TLS; `false` is allowed only for a relay on loopback.
    pub tls: bool,
}

/// Why an email could not be sent. Carries no address and no server reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// The settings cannot work.
    #[error("mail settings: {0}")]
    Config(&'static str),
    /// The recipient's address is not one email can be sent to.
    #[error("the recipient address is not usable")]
    Recipient,
    /// The message could not be built.
    #[error("the message could not be built")]
    Message,
    /// The mail server refused or could not be reached.
    #[error("sending failed: {0}")]
    Send(String),
}

/// Whether a host name or address is this machine's loopback.
#[must_use]
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl MailConfig {
    /// Checks the settings: a host, a usable sender, and TLS unless the relay is on loopback.
    ///
    /// # Errors
    /// [`MailError::Config`] naming the problem.
    pub fn validate(&self) -> Result<(), MailError> {
        if self.smtp_host.trim().is_empty() {
            return Err(MailError::Config("the SMTP host is empty"));
        }
        if self.smtp_port == 0 {
            return Err(MailError::Config("the SMTP port is 0"));
        }
        if !self.tls && !is_loopback(&self.smtp_host) {
            return Err(MailError::Config(
                "email without TLS is allowed only to a relay on this machine (loopback)",
            ));
        }
        self.sender()?;
        Ok(())
    }

    fn sender(&self) -> Result<Mailbox, MailError> {
        self.from
            .parse::<Mailbox>()
            .map_err(|_| MailError::Config("the sender address is not valid"))
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
        self.validate()?;
        let builder = if !self.tls {
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(self.smtp_host.as_str())
        } else if self.smtp_port == 465 {
            AsyncSmtpTransport::<Tokio1Executor>::relay(&self.smtp_host)
                .map_err(|_| MailError::Config("TLS could not be set up for the SMTP host"))?
        } else {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&self.smtp_host)
                .map_err(|_| MailError::Config("TLS could not be set up for the SMTP host"))?
        };
        Ok(builder
            .port(self.smtp_port)
            .timeout(Some(SMTP_TIMEOUT))
            .build())
    }
}

/// The subject and text of a code email. Plain English; nothing about the case.
#[must_use]
pub fn code_email(code: &str, partnership_name: &str) -> (String, String) {
    let subject = "Your code to open the form".to_owned();
    let body = format!(
        "Your code to open the form is {code}. It works for {CODE_MINUTES} minutes.\n\
         \n\
         Enter it on the page where you asked for it.\n\
         \n\
         You asked for this code on the website of {partnership_name}. If you did not ask for \
         it, you do not need to do anything: nobody can open the form without the code.\n\
         \n\
         Do not share this code with anyone.\n"
    );
    (subject, body)
}

/// Emails a one-time code.
///
/// # Errors
/// [`MailError`] when the settings, the address or the mail server fail. The error holds no
/// address and no server reply, so it can be logged.
pub async fn send_code(
    config: &MailConfig,
    to: &str,
    code: &str,
    partnership_name: &str,
) -> Result<(), MailError> {
    let (subject, body) = code_email(code, partnership_name);
    send_plain(config, to, subject, body).await
}

/// Emails a reminder or chaser whose subject and text the caller wrote (`jobs::reminder_email`):
/// plain text, no personal data.
///
/// # Errors
/// As [`send_code`].
pub async fn send_reminder(
    config: &MailConfig,
    to: &str,
    subject: String,
    body: String,
) -> Result<(), MailError> {
    send_plain(config, to, subject, body).await
}

/// Sends one plain-text email to one recipient.
pub(crate) async fn send_plain(
    config: &MailConfig,
    to: &str,
    subject: String,
    body: String,
) -> Result<(), MailError> {
    let transport = config.transport()?;
    let from = config.sender()?;
    let to: Mailbox = to.trim().parse().map_err(|_| MailError::Recipient)?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .message_id(None)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|_| MailError::Message)?;
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| MailError::Send(describe(&e)))
}

/// What went wrong, without the server's words (which may quote the address).
fn describe(e: &lettre::transport::smtp::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_tls() {
        "TLS failed"
    } else if e.is_permanent() {
        "refused permanently"
    } else if e.is_transient() {
        "refused for now"
    } else if e.is_client() || e.is_response() {
        "protocol error"
    } else {
        "connection failed"
    };
    match e.status() {
        Some(code) => format!("{kind} (SMTP {code})"),
        None => kind.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(host: &str, tls: bool) -> MailConfig {
        MailConfig {
            smtp_host: host.to_owned(),
            smtp_port: 25,
            from: "Northshire SCP <no-reply@northshire.example>".to_owned(),
            tls,
        }
    }

    #[test]
    fn plain_smtp_only_on_loopback() {
        for host in ["localhost", "127.0.0.1", "127.8.9.1", "::1", "[::1]"] {
            assert!(config(host, false).validate().is_ok(), "{host}");
        }
        for host in [
            "mail.example.org",
            "10.0.0.5",
            "192.0.2.1",
            "localhost.example.org",
        ] {
            assert!(config(host, false).validate().is_err(), "{host}");
            assert!(config(host, true).validate().is_ok(), "{host}");
        }
        let mut bad = config("localhost", false);
        bad.from = "not an address".into();
        assert!(bad.validate().is_err());
    }

    #[test]
    fn the_email_says_the_code_and_nothing_else() {
        let name = "Northshire Safeguarding Children Partnership";
        let (subject, body) = code_email("123456", name);
        assert_eq!(subject, "Your code to open the form");
        assert!(body.starts_with("Your code to open the form is 123456. It works for 10 minutes."));
        let rest = body.replace(name, "").to_lowercase();
        for word in ["case", "child", "review", "death", "harm"] {
            assert!(!rest.contains(word), "{word}: {body}");
        }
    }
}
