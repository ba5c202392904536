//! Time-based one-time passwords (RFC 6238) for the second factor (ASVS 6.3.3): SHA-1, six
//! digits, 30-second steps, one step of clock drift either way — the settings every
//! authenticator app supports. A matched code returns its time step so the caller can refuse
//! the same step twice.

use totp_rs::{Algorithm, Builder, Secret, Totp};

/// Digits per code.
pub const DIGITS: u8 = 6;
/// Seconds per time step.
pub const STEP_SECONDS: u64 = 30;
/// Steps of drift accepted either side of the current one.
pub const SKEW_STEPS: u16 = 1;
/// Secret length in bytes (160 bits, as RFC 4226 recommends).
pub const SECRET_LEN: usize = 20;

/// Why an enrolment link or picture could not be made. Carries no secret, so it can be logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TotpProblem {
    /// The secret is shorter than 128 bits or otherwise unusable.
    #[error("the authenticator secret is not valid")]
    BadSecret,
    /// The account label or issuer is empty.
    #[error("the authenticator label is empty")]
    BadLabel,
    /// The QR code could not be drawn.
    #[error("the QR code could not be made")]
    Qr,
}

/// A fresh random secret of 160 bits.
pub fn new_secret() -> Vec<u8> {
    Secret::generate().as_bytes().to_vec()
}

/// The secret in base32, for people who type it into their app instead of scanning the code.
pub fn secret_base32(secret: &[u8]) -> String {
    Secret::from(secret.to_vec()).to_base32()
}

/// Colons separate issuer from account in an otpauth label, so none may appear inside either.
fn clean_label(text: &str) -> String {
    text.replace(':', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn totp(secret: &[u8], label: Option<(&str, &str)>) -> Result<Totp, TotpProblem> {
    let mut builder = Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS)
        .with_step_duration(STEP_SECONDS)
        .with_skew(SKEW_STEPS)
        .with_secret(secret.to_vec());
    if let Some((account, issuer)) = label {
        let (account, issuer) = (clean_label(account), clean_label(issuer));
        if account.is_empty() || issuer.is_empty() {
            return Err(TotpProblem::BadLabel);
        }
        builder = builder.with_account_name(account).with_issuer(Some(issuer));
    }
    builder.build().map_err(|_| TotpProblem::BadSecret)
}

/// The `otpauth://totp/...` link an authenticator app reads, labelled `issuer:account`.
pub fn otpauth_url(
    secret: &[u8],
    account_label: &str,
    issuer: &str,
) -> Result<String, TotpProblem> {
    totp(secret, Some((account_label, issuer)))?
        .to_url()
        .map_err(|_| TotpProblem::BadLabel)
}

/// The enrolment link as a QR code, PNG bytes, served from its own route so the page's CSP
/// needs no `data:` images.
pub fn qr_png(secret: &[u8], account_label: &str, issuer: &str) -> Result<Vec<u8>, TotpProblem> {
    totp(secret, Some((account_label, issuer)))?
        .to_qr_png()
        .map_err(|_| TotpProblem::Qr)
}

/// Checks a code at `now_unix` against the current step and one step either side; returns the
/// matched time step. Spaces inside the code are ignored; anything but six digits fails.
/// The caller must refuse a step at or before the last one it accepted (RFC 6238 5.2).
pub fn verify(secret: &[u8], code: &str, now_unix: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != usize::from(DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp(secret, None).ok()?.check(&code, now_unix)
}

/// The code for `now_unix` (tests and the demo's sign-in helper). Any secret gives a code, but
/// [`verify`] accepts only secrets of 128 bits or more.
pub fn code_at(secret: &[u8], now_unix: u64) -> String {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS)
        .with_step_duration(STEP_SECONDS)
        .with_skew(SKEW_STEPS)
        .with_secret(secret.to_vec())
        .build_noncompliant()
        .generate(now_unix)
        .to_string()
}
