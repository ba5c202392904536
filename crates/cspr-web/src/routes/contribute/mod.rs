//! Practitioner links (SECURITY.md: "External contributors (practitioners) get single-purpose,
//! expiring links bound to one form, with a one-time code sent by email").
//!
//! The partnership team makes a link for one form of one case and one email address, and sends
//! the link itself. The link holds a random 256-bit token (only its blake3 hash is stored); it
//! works for 14 days and once. Opening it, the practitioner asks for a 6-digit code, emailed to
//! the address the team gave; the code works for 10 minutes and 5 tries. A right code gives a
//! `__Host-cspr-contribute` cookie bound to that link alone for 60 minutes; it is not a session:
//! it opens that one form and nothing else (no case page, no other link, no staff page). The form
//! shows nothing of the case; what is sent is stored encrypted with the case key.
//!
//! Practitioners are contributors, not suspects: the words say what the form is for and how to
//! get help, and never hint at blame.
//!
//! One module per side: [`links`] (the partnership team's list of links, making and revoking
//! them), [`code`] (the practitioner opening a link and asking for and giving the code) and
//! [`answer`] (the practitioner's form and sending it). This module holds what they share: the
//! limits, the message pages, and reading a link, its code and its cookie.

pub mod answer;
pub mod code;
pub mod links;

use askama::Template;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use cspr_domain::case::model::ContributionKind;
use cspr_store::{NewAccessEntry, PractitionerLink};
use rand::Rng as _;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::extract::Visit;
use crate::layout::Chrome;
use crate::reader::Source;
use crate::session::token_hash;
use crate::{AppState, WebError};

/// The cookie that opens one link's form after a right code (not a session).
pub const COOKIE_NAME: &str = "__Host-cspr-contribute";
/// How long a link works.
pub const LINK_DAYS: i64 = 14;
/// Tries at one code; then a new code is needed.
pub const MAX_CODE_ATTEMPTS: u32 = 5;
/// Codes one link may have sent in its life (each send is an email to the practitioner).
pub const MAX_CODES_PER_LINK: u32 = 10;
/// How long the form stays open after a right code.
pub const FORM_MINUTES: i64 = 60;
/// Longest contribution accepted, in characters.
pub const MAX_CONTRIBUTION_CHARS: usize = 50_000;

/// Domain separation for the code hash: keyed by the link's token, which is not stored, so a
/// copy of the database cannot be searched for the 6-digit code.
const CODE_KEY_CONTEXT: &str = "cspr-web 2025-06 practitioner one-time code v1";

/// The forms a link can open: (key prefix, kind). When the case has an open request of the kind
/// to the agency, the link answers that request's form (routes/requests/).
const FORM_KINDS: [(&str, ContributionKind); 3] = [
    ("scoping-form", ContributionKind::ScopingForm),
    ("agency-summary", ContributionKind::AgencySummary),
    ("agency-report", ContributionKind::AgencyReport),
];

#[derive(Template)]
#[template(path = "pages/text.html")]
struct MessagePage {
    chrome: Chrome,
    heading: &'static str,
    paragraphs: Vec<&'static str>,
}

fn html(status: StatusCode, page: &impl Template) -> Result<Response, WebError> {
    crate::layout::render(status, page)
}

fn message(
    state: &AppState,
    status: StatusCode,
    heading: &'static str,
    paragraphs: Vec<&'static str>,
) -> Result<Response, WebError> {
    html(
        status,
        &MessagePage {
            chrome: Chrome::signed_out(state),
            heading,
            paragraphs,
        },
    )
}

/// The one page for an unknown, expired, revoked or used link: the same for all, so a token
/// cannot be probed.
fn not_valid(state: &AppState) -> Result<Response, WebError> {
    message(
        state,
        StatusCode::GONE,
        "This link has expired or is not valid",
        vec![
            "Links to a form work for 14 days, and only until the form has been sent.",
            "If you still need to fill in the form, ask the partnership team who sent you the link for a new one.",
        ],
    )
}

/// Whether a path segment looks like a link token (64 lower-case hex digits).
fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The stored hash of a code, keyed by the link's token.
fn code_hash(token: &str, code: &str) -> String {
    let key = blake3::derive_key(CODE_KEY_CONTEXT, token.as_bytes());
    blake3::keyed_hash(&key, code.as_bytes())
        .to_hex()
        .to_string()
}

/// Compares a fresh hash with a stored one in constant time.
fn same_hash(fresh: &str, stored: Option<&str>) -> bool {
    match (
        blake3::Hash::from_hex(fresh),
        stored.map(blake3::Hash::from_hex),
    ) {
        (Ok(a), Some(Ok(b))) => a == b,
        _ => false,
    }
}

/// A new 6-digit code from the thread's CSPRNG.
fn new_code() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// Whether a link can still be used now (by this instance's partnership).
fn usable(state: &AppState, link: &PractitionerLink, now: OffsetDateTime) -> bool {
    !link.revoked
        && link.used_at.is_none()
        && now < link.expires_at
        && link.email.is_some()
        && link.partnership_id == state.config().partnership_id.as_uuid()
}

/// The contribute cookie's value, if the request has one.
fn cookie_token(headers: &HeaderMap) -> Option<String> {
    crate::session::cookie(headers, COOKIE_NAME).filter(|v| is_token(v))
}

/// Whether the request carries the live form cookie of this link.
fn form_open(link: &PractitionerLink, headers: &HeaderMap, now: OffsetDateTime) -> bool {
    let Some(token) = cookie_token(headers) else {
        return false;
    };
    link.session_expires_at.is_some_and(|until| now < until)
        && same_hash(&token_hash(&token), link.session_hash.as_deref())
}

fn set_cookie(token: &str) -> String {
    format!(
        "{COOKIE_NAME}={token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={}",
        FORM_MINUTES * 60
    )
}

fn clear_cookie() -> String {
    format!("{COOKIE_NAME}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// The practitioner's side of the access log: the link stands for the person (no address).
async fn log(
    state: &AppState,
    link: Option<&PractitionerLink>,
    action: &str,
    detail: String,
    source: &Source,
) -> Result<(), WebError> {
    state
        .store()
        .log_access(NewAccessEntry {
            actor: link.map_or_else(
                || "anonymous".to_owned(),
                |l| format!("practitioner-link:{}", l.id),
            ),
            action: action.to_owned(),
            case_id: link.map(|l| l.case_id),
            detail,
            source_ip: source.0.clone(),
            at: state.now(),
        })
        .await
        .map_err(|e| WebError::Internal(format!("access log write failed: {e}")))
}

/// Looks up the link of a path token; refuses (logged, one page for every reason) a link that
/// cannot be used now.
/// A request on a practitioner link that is still usable: the application, where the request
/// came from, the link's token (from the path) and the link. A link that is unknown, used,
/// revoked or expired is refused (and logged) before the handler runs, with the page that says
/// so. Handlers take it as `OnLink(state, source, token, link): OnLink`.
pub struct OnLink(pub AppState, pub Source, pub String, pub PractitionerLink);

impl FromRequestParts<AppState> for OnLink {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Visit(state, source) = Visit::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Path(token) = Path::<String>::from_request_parts(parts, &state)
            .await
            .map_err(|_| WebError::NotFound.into_response())?;
        match live_link(&state, &token, &source).await {
            Ok(Ok(link)) => Ok(Self(state, source, token, link)),
            Ok(Err(page)) => Err(page),
            Err(e) => Err(e.into_response()),
        }
    }
}

async fn live_link(
    state: &AppState,
    token: &str,
    source: &Source,
) -> Result<Result<PractitionerLink, Response>, WebError> {
    let found = if is_token(token) {
        state.store().link_by_token_hash(&token_hash(token)).await?
    } else {
        None
    };
    let now = state.now();
    match found {
        Some(link) if usable(state, &link, now) => Ok(Ok(link)),
        other => {
            let why = match &other {
                None => "unknown",
                Some(l) if l.used_at.is_some() => "used",
                Some(l) if l.revoked => "revoked",
                Some(l) if now >= l.expires_at => "expired",
                Some(_) => "not usable",
            };
            if other.is_none() {
                // A token that matches no link: anyone can send these, so they go to the
                // access log within the address's budget (issue 16, finding 7).
                state
                    .log_refusal(
                        source,
                        NewAccessEntry {
                            actor: "anonymous".to_owned(),
                            action: "practitioner-link-refused".to_owned(),
                            case_id: None,
                            detail: format!("link {why}"),
                            source_ip: source.0.clone(),
                            at: state.now(),
                        },
                    )
                    .await?;
            } else {
                log(
                    state,
                    other.as_ref(),
                    "practitioner-link-refused",
                    format!("link {why}"),
                    source,
                )
                .await?;
            }
            Ok(Err(not_valid(state)?))
        }
    }
}

/// The form a key names, in words, if the key is one a link can have.
fn form_name(key: &str) -> Option<String> {
    let (prefix, agency) = key.split_once(':')?;
    Uuid::parse_str(agency).ok()?;
    FORM_KINDS.iter().find(|(p, _)| *p == prefix).map(|(_, k)| {
        let label = k.label();
        format!("{}{}", label[..1].to_uppercase(), &label[1..])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_vary() {
        let codes: Vec<String> = (0..50).map(|_| new_code()).collect();
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
        );
        let distinct: std::collections::BTreeSet<_> = codes.iter().collect();
        assert!(distinct.len() > 40);
    }

    #[test]
    fn code_hashes_are_bound_to_the_link() {
        let a = "a".repeat(64);
        let b = "b".repeat(64);
        assert_eq!(code_hash(&a, "123456"), code_hash(&a, "123456"));
        assert_ne!(code_hash(&a, "123456"), code_hash(&b, "123456"));
        assert_ne!(code_hash(&a, "123456"), token_hash("123456"));
        assert!(same_hash(
            &code_hash(&a, "000001"),
            Some(&code_hash(&a, "000001"))
        ));
        assert!(!same_hash(&code_hash(&a, "000001"), None));
        assert!(!same_hash(&code_hash(&a, "000001"), Some("not hex")));
    }

    #[test]
    fn tokens_are_strict() {
        assert!(is_token(&"0f".repeat(32)));
        assert!(!is_token(&"0F".repeat(32)));
        assert!(!is_token("{token}"));
        assert!(!is_token(&"0f".repeat(33)));
    }

    #[test]
    fn form_keys_name_known_forms_only() {
        let agency = Uuid::from_u128(0xA2);
        assert_eq!(
            form_name(&format!("scoping-form:{agency}")).as_deref(),
            Some("Scoping form")
        );
        assert_eq!(
            form_name(&format!("agency-summary:{agency}")).as_deref(),
            Some("Agency summary")
        );
        assert_eq!(form_name("scoping-form:nope"), None);
        assert_eq!(form_name(&format!("chronology:{agency}")), None);
    }
}
