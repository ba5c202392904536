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

use crate::ValidForm;
use askama::Template;
use axum::extract::{Extension, Path, State};
use axum::http::header::HOST;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_domain::case::Command;
use cspr_domain::case::model::{ContributionDraft, ContributionKind, Responder};
use cspr_domain::ids::{AgencyId, CaseId, UserId};
use cspr_domain::vocab::EmailAddress;
use cspr_store::{NewAccessEntry, NewPractitionerLink, PractitionerLink};
use rand::Rng as _;
use serde::Deserialize;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::access::CaseAccess;
use crate::layout::Chrome;
use crate::mail::{self, CODE_MINUTES};
use crate::reader::{self, Source};
use crate::session::{self, new_token, token_hash};
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
/// to the agency, the link answers that request's form (routes/requests.rs).
const FORM_KINDS: [(&str, ContributionKind); 3] = [
    ("scoping-form", ContributionKind::ScopingForm),
    ("agency-summary", ContributionKind::AgencySummary),
    ("agency-report", ContributionKind::AgencyReport),
];

// ---------------------------------------------------------------------------------------------
// Pages

/// One link in the team's list.
struct LinkRow {
    id: Uuid,
    email: String,
    form: String,
    status: String,
    live: bool,
}

#[derive(Template)]
#[template(path = "pages/contribute_links.html")]
struct LinksPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    created_url: Option<String>,
    errors: Vec<(String, String)>,
    email: String,
    email_error: String,
    form_error: String,
    forms: Vec<(String, String, String, bool)>,
    links: Vec<LinkRow>,
}

#[derive(Template)]
#[template(path = "pages/contribute_start.html")]
struct StartPage {
    chrome: Chrome,
    token: String,
    notice: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "pages/contribute_code.html")]
struct CodePage {
    chrome: Chrome,
    token: String,
    error: String,
}

#[derive(Template)]
#[template(path = "pages/contribute_form.html")]
struct FormPage {
    chrome: Chrome,
    token: String,
    form_name: String,
    text: String,
    error: String,
    /// The request's questions, when the link answers a request (else one free text).
    sections: Vec<super::requests::SectionView>,
    intro: String,
    errors: Vec<(String, String)>,
    saved: bool,
}

#[derive(Template)]
#[template(path = "pages/contribute_done.html")]
struct DonePage {
    chrome: Chrome,
}

#[derive(Template)]
#[template(path = "pages/contribute_message.html")]
struct MessagePage {
    chrome: Chrome,
    heading: &'static str,
    paragraphs: Vec<&'static str>,
}

fn html(status: StatusCode, page: &impl Template) -> Result<Response, WebError> {
    Ok((status, Html(page.render()?)).into_response())
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

// ---------------------------------------------------------------------------------------------
// Helpers

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
            log(
                state,
                other.as_ref(),
                "practitioner-link-refused",
                format!("link {why}"),
                source,
            )
            .await?;
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

// ---------------------------------------------------------------------------------------------
// The partnership team's side

/// The new-link form.
#[derive(Debug, Deserialize)]
pub struct NewLink {
    #[serde(default)]
    email: String,
    #[serde(default)]
    form: String,
}

/// The revoke form.
#[derive(Debug, Deserialize)]
pub struct RevokeLink {
    #[serde(default)]
    link: String,
}

struct LinksInput {
    created_url: Option<String>,
    email: String,
    chosen_form: String,
    email_error: String,
    form_error: String,
}

async fn links_page(
    state: &AppState,
    access: &CaseAccess,
    source: &Source,
    input: LinksInput,
) -> Result<Response, WebError> {
    reader::audit(state, access, "view-practitioner-links", source).await?;
    let store = state.store();
    let agencies = store
        .agencies(access.principal().partnership_id.as_uuid())
        .await?;
    let agency_name = |key: &str| {
        key.split_once(':')
            .and_then(|(_, id)| Uuid::parse_str(id).ok())
            .and_then(|id| agencies.iter().find(|a| a.id == id))
            .map(|a| a.name.clone())
    };
    let now = state.now();
    let links = store
        .links_for_case(access.case_id().as_uuid())
        .await?
        .into_iter()
        .rev()
        .map(|l| {
            let status = if let Some(at) = l.used_at {
                format!("Form sent {}", cspr_domain::words::long_date(at.date()))
            } else if l.revoked {
                "Withdrawn".to_owned()
            } else if now >= l.expires_at {
                "Expired".to_owned()
            } else {
                format!(
                    "Waiting, works until {}",
                    cspr_domain::words::long_date(l.expires_at.date())
                )
            };
            let form = match (form_name(&l.form), agency_name(&l.form)) {
                (Some(f), Some(a)) => format!("{f}, {a}"),
                (Some(f), None) => f,
                _ => l.form.clone(),
            };
            LinkRow {
                id: l.id,
                live: l.used_at.is_none() && !l.revoked && now < l.expires_at,
                email: l.email.unwrap_or_else(|| "Erased".to_owned()),
                form,
                status,
            }
        })
        .collect();
    let forms = agencies
        .iter()
        .filter(|a| a.active)
        .flat_map(|a| {
            FORM_KINDS.iter().map(|(prefix, kind)| {
                let value = format!("{prefix}:{}", a.id);
                let label = kind.label();
                let text = format!(
                    "{}{} for {}",
                    label[..1].to_uppercase(),
                    &label[1..],
                    a.name
                );
                let checked = value == input.chosen_form;
                (value, text, String::new(), checked)
            })
        })
        .collect();
    let mut errors = Vec::new();
    if !input.email_error.is_empty() {
        errors.push(("#email".to_owned(), input.email_error.clone()));
    }
    if !input.form_error.is_empty() {
        errors.push(("#form".to_owned(), input.form_error.clone()));
    }
    let page = LinksPage {
        chrome: Chrome::signed_in(state, access.principal(), "/cases"),
        case_id: access.case_id().as_uuid(),
        reference: access.summary().reference.clone(),
        created_url: input.created_url,
        errors,
        email: input.email,
        email_error: input.email_error,
        form_error: input.form_error,
        forms,
        links,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    html(status, &page)
}

/// The team's page of a case's practitioner links, with the form to make one.
pub async fn links(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
) -> Result<Response, WebError> {
    let input = LinksInput {
        created_url: None,
        email: String::new(),
        chosen_form: String::new(),
        email_error: String::new(),
        form_error: String::new(),
    };
    links_page(&state, &access, &source, input).await
}

/// Makes a link for one practitioner and one form; shows its address once.
pub async fn create(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    headers: HeaderMap,
    ValidForm(form): ValidForm<NewLink>,
) -> Result<Response, WebError> {
    let email = EmailAddress::parse(&form.email);
    let agencies = state
        .store()
        .agencies(access.principal().partnership_id.as_uuid())
        .await?;
    let form_ok = form.form.split_once(':').is_some_and(|(prefix, agency)| {
        FORM_KINDS.iter().any(|(p, _)| *p == prefix)
            && Uuid::parse_str(agency)
                .ok()
                .is_some_and(|id| agencies.iter().any(|a| a.id == id && a.active))
    });
    let email = match (email, form_ok) {
        (Ok(email), true) => email,
        (email, _) => {
            let input = LinksInput {
                created_url: None,
                email_error: email.err().map(|e| e.to_string()).unwrap_or_default(),
                email: form.email,
                form_error: if form_ok {
                    String::new()
                } else {
                    "Choose the form the practitioner is asked to fill in".to_owned()
                },
                chosen_form: form.form,
            };
            return links_page(&state, &access, &source, input).await;
        }
    };
    let token = new_token();
    let now = state.now();
    let id = Uuid::new_v4();
    state
        .store()
        .create_link(NewPractitionerLink {
            id,
            token_hash: token_hash(&token),
            partnership_id: access.summary().partnership_id,
            case_id: access.case_id().as_uuid(),
            form: form.form.clone(),
            email: email.as_str().to_owned(),
            created_by: access.principal().user_id.as_uuid(),
            created_at: now,
            expires_at: now + Duration::days(LINK_DAYS),
        })
        .await?;
    state
        .store()
        .log_access(NewAccessEntry {
            actor: access.principal().user_id.to_string(),
            action: "practitioner-link-created".to_owned(),
            case_id: Some(access.case_id().as_uuid()),
            detail: format!("link {id} for {}", form.form),
            source_ip: source.0.clone(),
            at: now,
        })
        .await?;
    let path = format!("/contribute/{token}");
    let created_url = match headers.get(HOST).and_then(|h| h.to_str().ok()) {
        Some(host) if !host.is_empty() => format!("https://{host}{path}"),
        _ => path,
    };
    let input = LinksInput {
        created_url: Some(created_url),
        email: String::new(),
        chosen_form: String::new(),
        email_error: String::new(),
        form_error: String::new(),
    };
    links_page(&state, &access, &source, input).await
}

/// Withdraws an unused link of the case.
pub async fn revoke(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    ValidForm(form): ValidForm<RevokeLink>,
) -> Result<Response, WebError> {
    let case_id = access.case_id().as_uuid();
    if let Ok(link_id) = Uuid::parse_str(&form.link)
        && state.store().revoke_link(case_id, link_id).await?
    {
        state
            .store()
            .log_access(NewAccessEntry {
                actor: access.principal().user_id.to_string(),
                action: "practitioner-link-withdrawn".to_owned(),
                case_id: Some(case_id),
                detail: format!("link {link_id}"),
                source_ip: source.0.clone(),
                at: state.now(),
            })
            .await?;
    }
    Ok(Redirect::to(&format!("/cases/{case_id}/practitioner-links")).into_response())
}

// ---------------------------------------------------------------------------------------------
// The practitioner's side

/// The code form.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

fn start_page(
    state: &AppState,
    token: &str,
    status: StatusCode,
    notice: Option<&'static str>,
) -> Result<Response, WebError> {
    html(
        status,
        &StartPage {
            chrome: Chrome::signed_out(state),
            token: token.to_owned(),
            notice,
        },
    )
}

fn code_page(
    state: &AppState,
    token: &str,
    status: StatusCode,
    error: &str,
) -> Result<Response, WebError> {
    html(
        status,
        &CodePage {
            chrome: Chrome::signed_out(state),
            token: token.to_owned(),
            error: error.to_owned(),
        },
    )
}

/// The link's first page: what happens next, and the button that emails a code.
pub async fn start(
    State(state): State<AppState>,
    Extension(source): Extension<Source>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let link = match live_link(&state, &token, &source).await? {
        Ok(link) => link,
        Err(page) => return Ok(page),
    };
    if form_open(&link, &headers, state.now()) {
        return Ok(Redirect::to(&format!("/contribute/{token}/form")).into_response());
    }
    start_page(&state, &token, StatusCode::OK, None)
}

/// Emails a new code to the link's address and asks for it.
pub async fn send_code(
    State(state): State<AppState>,
    Extension(source): Extension<Source>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let link = match live_link(&state, &token, &source).await? {
        Ok(link) => link,
        Err(page) => return Ok(page),
    };
    let Some(config) = state.config().mail.clone() else {
        tracing::error!("a practitioner asked for a code but email is not set up");
        return message(
            &state,
            StatusCode::SERVICE_UNAVAILABLE,
            "Sorry, email is not set up for this service",
            vec![
                "We cannot send you a code at the moment, so the form cannot be opened.",
                "Contact the partnership team who sent you the link: they can tell you another way to share what you know.",
            ],
        );
    };
    let Some(to) = link.email.clone() else {
        return not_valid(&state);
    };
    let code = new_code();
    let expires_at = state.now() + Duration::minutes(CODE_MINUTES);
    if !state
        .store()
        .set_link_code(
            &link.token_hash,
            &code_hash(&token, &code),
            expires_at,
            MAX_CODES_PER_LINK,
        )
        .await?
    {
        log(
            &state,
            Some(&link),
            "practitioner-code-refused",
            "too many codes asked for".to_owned(),
            &source,
        )
        .await?;
        return message(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            "You have asked for too many codes",
            vec![
                "For security, a link can send only a few codes.",
                "Ask the partnership team who sent you the link for a new one.",
            ],
        );
    }
    log(
        &state,
        Some(&link),
        "practitioner-code-sent",
        format!("code {} of {MAX_CODES_PER_LINK}", link.codes_sent + 1),
        &source,
    )
    .await?;
    if let Err(e) = mail::send_code(&config, &to, &code, &state.config().partnership_name).await {
        tracing::error!(link = %link.id, error = %e, "a practitioner's code could not be emailed");
        return message(
            &state,
            StatusCode::SERVICE_UNAVAILABLE,
            "Sorry, we could not send the email",
            vec![
                "Try again in a few minutes by going back to the link in your email.",
                "If it still does not work, contact the partnership team who sent you the link.",
            ],
        );
    }
    code_page(&state, &token, StatusCode::OK, "")
}

/// Checks a code: 5 tries per code; a right one opens the form for 60 minutes.
pub async fn check_code(
    State(state): State<AppState>,
    Extension(source): Extension<Source>,
    Path(token): Path<String>,
    ValidForm(form): ValidForm<CodeForm>,
) -> Result<Response, WebError> {
    let link = match live_link(&state, &token, &source).await? {
        Ok(link) => link,
        Err(page) => return Ok(page),
    };
    let now = state.now();
    let expired = "Your code has expired. Send a new code and enter it within 10 minutes";
    if link.code_hash.is_none() || link.code_expires_at.is_none_or(|until| now >= until) {
        return code_page(&state, &token, StatusCode::BAD_REQUEST, expired);
    }
    let code: String = form.code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return code_page(
            &state,
            &token,
            StatusCode::BAD_REQUEST,
            "Enter the 6-digit code from the email",
        );
    }
    let Some(attempts) = state.store().record_code_attempt(&link.token_hash).await? else {
        return code_page(&state, &token, StatusCode::BAD_REQUEST, expired);
    };
    let hash = code_hash(&token, &code);
    let right = attempts <= MAX_CODE_ATTEMPTS && same_hash(&hash, link.code_hash.as_deref());
    if !right {
        log(
            &state,
            Some(&link),
            "practitioner-code-refused",
            format!("try {attempts} of {MAX_CODE_ATTEMPTS}"),
            &source,
        )
        .await?;
        let left = MAX_CODE_ATTEMPTS.saturating_sub(attempts);
        let error = match left {
            0 => "The code has been entered wrongly too many times. Send a new code".to_owned(),
            1 => "The code is not right. You can try once more".to_owned(),
            n => format!("The code is not right. You can try {n} more times"),
        };
        return code_page(&state, &token, StatusCode::BAD_REQUEST, &error);
    }
    let form_token = new_token();
    if !state
        .store()
        .start_link_session(
            &link.token_hash,
            &hash,
            &token_hash(&form_token),
            now + Duration::minutes(FORM_MINUTES),
        )
        .await?
    {
        return code_page(&state, &token, StatusCode::BAD_REQUEST, expired);
    }
    log(
        &state,
        Some(&link),
        "practitioner-code-accepted",
        String::new(),
        &source,
    )
    .await?;
    Ok(session::with_cookie(
        Redirect::to(&format!("/contribute/{token}/form")).into_response(),
        &set_cookie(&form_token),
    ))
}

fn contribution_page(
    state: &AppState,
    token: &str,
    link: &PractitionerLink,
    status: StatusCode,
    text: String,
    error: &str,
) -> Result<Response, WebError> {
    html(
        status,
        &FormPage {
            chrome: Chrome::signed_out(state),
            token: token.to_owned(),
            form_name: form_name(&link.form).unwrap_or_else(|| "Form".to_owned()),
            text,
            error: error.to_owned(),
            sections: Vec::new(),
            intro: String::new(),
            errors: Vec::new(),
            saved: false,
        },
    )
}

/// The request a link answers: its kind and agency, when the case has it open. The read of
/// the case is written to the access log first, under the link.
async fn open_request(
    state: &AppState,
    link: &PractitionerLink,
    source: &Source,
) -> Result<Option<(ContributionKind, AgencyId, ContributionDraft)>, WebError> {
    let Some((prefix, agency)) = link.form.split_once(':') else {
        return Ok(None);
    };
    let (Some((_, kind)), Ok(agency)) = (
        FORM_KINDS.iter().find(|(p, _)| *p == prefix),
        Uuid::parse_str(agency),
    ) else {
        return Ok(None);
    };
    let agency = AgencyId::from_uuid(agency);
    log(
        state,
        Some(link),
        "practitioner-read-request",
        format!("link {} for {}", link.id, link.form),
        source,
    )
    .await?;
    let case = match state.app().load(CaseId::from_uuid(link.case_id)).await {
        Ok((case, _)) => case,
        Err(cspr_app::AppError::NotFound) => return Ok(None),
        Err(e) => return Err(WebError::from(e)),
    };
    Ok(case
        .contributions
        .get(&(*kind, agency))
        .filter(|r| !r.is_settled())
        .map(|r| {
            // A draft the agency's own representative saved is not shown to the practitioner.
            let draft = r
                .draft
                .clone()
                .filter(|d| d.form.by == Responder::Practitioner)
                .unwrap_or_default();
            (*kind, agency, draft)
        }))
}

#[allow(clippy::too_many_arguments)]
fn request_page(
    state: &AppState,
    token: &str,
    link: &PractitionerLink,
    kind: ContributionKind,
    answers: &[cspr_domain::case::model::Answer],
    missing: &std::collections::BTreeSet<String>,
    errors: Vec<(String, String)>,
    saved: bool,
) -> Result<Response, WebError> {
    let form = cspr_domain::forms::form_for(&state.app().settings().forms, kind);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    html(
        status,
        &FormPage {
            chrome: Chrome::signed_out(state),
            token: token.to_owned(),
            form_name: form_name(&link.form).unwrap_or_else(|| "Form".to_owned()),
            text: String::new(),
            error: String::new(),
            sections: super::requests::sections(&form, answers, missing),
            intro: form.intro.clone(),
            errors,
            saved,
        },
    )
}

/// The one form of the link, for the holder of its cookie; without it, back to the start.
pub async fn form(
    State(state): State<AppState>,
    Extension(source): Extension<Source>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let link = match live_link(&state, &token, &source).await? {
        Ok(link) => link,
        Err(page) => return Ok(page),
    };
    if !form_open(&link, &headers, state.now()) {
        return Ok(Redirect::to(&format!("/contribute/{token}")).into_response());
    }
    log(
        &state,
        Some(&link),
        "practitioner-form-opened",
        String::new(),
        &source,
    )
    .await?;
    if let Some((kind, _, draft)) = open_request(&state, &link, &source).await? {
        return request_page(
            &state,
            &token,
            &link,
            kind,
            &draft.form.answers,
            &std::collections::BTreeSet::new(),
            Vec::new(),
            false,
        );
    }
    contribution_page(&state, &token, &link, StatusCode::OK, String::new(), "")
}

/// Stores what the practitioner wrote (sealed with the case key), uses the link up and thanks
/// them.
pub async fn submit(
    State(state): State<AppState>,
    Extension(source): Extension<Source>,
    Path(token): Path<String>,
    headers: HeaderMap,
    ValidForm(pairs): ValidForm<super::requests::Pairs>,
) -> Result<Response, WebError> {
    let link = match live_link(&state, &token, &source).await? {
        Ok(link) => link,
        Err(page) => return Ok(page),
    };
    let now = state.now();
    if !form_open(&link, &headers, now) {
        log(
            &state,
            Some(&link),
            "practitioner-link-refused",
            "form sent without its code".to_owned(),
            &source,
        )
        .await?;
        return start_page(
            &state,
            &token,
            StatusCode::FORBIDDEN,
            Some(
                "For your security, the form closes 60 minutes after you enter your code. What you wrote has not been sent. Get a new code to open the form again.",
            ),
        );
    }
    if let Some((kind, agency, draft)) = open_request(&state, &link, &source).await? {
        return answer_request(&state, &source, &token, &link, kind, agency, draft, &pairs).await;
    }
    let contribution = pairs
        .iter()
        .find(|(k, _)| k == "contribution")
        .map_or("", |(_, v)| v.as_str());
    let text = contribution.replace("\r\n", "\n");
    let error = if text.trim().is_empty() {
        "Enter what you would like the review to know"
    } else if text.chars().count() > MAX_CONTRIBUTION_CHARS {
        "What you would like the review to know must be 50,000 characters or fewer"
    } else {
        ""
    };
    if !error.is_empty() {
        return contribution_page(&state, &token, &link, StatusCode::BAD_REQUEST, text, error);
    }
    let blob = state
        .store()
        .put_blob(
            link.case_id,
            "text/plain",
            "practitioner-contribution.txt",
            text.as_bytes(),
        )
        .await?;
    if !state
        .store()
        .mark_link_used(&link.token_hash, now, Some(blob))
        .await?
    {
        // Used or withdrawn meanwhile (a second tab): this copy is kept but the link is spent.
        return not_valid(&state);
    }
    log(
        &state,
        Some(&link),
        "practitioner-contribution-sent",
        format!("link {} for {}, file {blob}", link.id, link.form),
        &source,
    )
    .await?;
    let page = DonePage {
        chrome: Chrome::signed_out(&state),
    };
    Ok(session::with_cookie(
        html(StatusCode::OK, &page)?,
        &clear_cookie(),
    ))
}

/// Saves the practitioner's answers as the request's draft, or sends them as the agency's
/// response (which uses the link up).
#[allow(clippy::too_many_arguments)]
async fn answer_request(
    state: &AppState,
    source: &Source,
    token: &str,
    link: &PractitionerLink,
    kind: ContributionKind,
    agency: AgencyId,
    draft: ContributionDraft,
    pairs: &super::requests::Pairs,
) -> Result<Response, WebError> {
    let form = cspr_domain::forms::form_for(&state.app().settings().forms, kind);
    let answers = super::requests::posted_answers(&form, pairs);
    let none = std::collections::BTreeSet::new();
    if let Some(long) = answers
        .iter()
        .find(|a| a.answer.chars().count() > cspr_domain::forms::MAX_ANSWER_CHARS)
    {
        let errors = vec![(
            format!("#q-{}", long.question),
            format!(
                "Each answer must be {} characters or fewer",
                cspr_domain::forms::MAX_ANSWER_CHARS
            ),
        )];
        return request_page(state, token, link, kind, &answers, &none, errors, false);
    }
    let mut response = draft.form.clone();
    response.answers.clone_from(&answers);
    response.by = Responder::Practitioner;
    let actor = UserId::from_uuid(link.created_by);
    let case_id = CaseId::from_uuid(link.case_id);
    let sending = pairs.iter().any(|(k, v)| k == "intent" && v == "send");
    if !sending {
        let command = Command::SaveContributionDraft {
            kind,
            agency,
            draft: ContributionDraft {
                form: response,
                chronology: draft.chronology,
            },
        };
        if let Err(m) = super::requests::execute_as(state, actor, case_id, command).await? {
            return request_page(
                state,
                token,
                link,
                kind,
                &answers,
                &none,
                vec![(String::new(), m)],
                false,
            );
        }
        log(
            state,
            Some(link),
            "practitioner-draft-saved",
            String::new(),
            source,
        )
        .await?;
        return request_page(state, token, link, kind, &answers, &none, Vec::new(), true);
    }
    let missing: std::collections::BTreeSet<String> = form
        .unanswered(&answers)
        .iter()
        .map(|q| q.id.clone())
        .collect();
    let contribution = super::requests::contribution_of(kind, response, draft.chronology);
    let (Some(contribution), true) = (contribution, missing.is_empty()) else {
        let mut errors: Vec<(String, String)> = form
            .questions()
            .filter(|q| missing.contains(&q.id))
            .map(|q| (format!("#q-{}", q.id), format!("Answer \"{}\"", q.text)))
            .collect();
        if errors.is_empty() {
            errors.push((String::new(), "Answer at least one question".to_owned()));
        }
        return request_page(state, token, link, kind, &answers, &missing, errors, false);
    };
    let command = Command::ReceiveContribution {
        kind,
        agency,
        received_on: state.today(),
        contribution,
    };
    if let Err(m) = super::requests::execute_as(state, actor, case_id, command).await? {
        return request_page(
            state,
            token,
            link,
            kind,
            &answers,
            &none,
            vec![(String::new(), m)],
            false,
        );
    }
    if !state
        .store()
        .mark_link_used(&link.token_hash, state.now(), None)
        .await?
    {
        return not_valid(state);
    }
    log(
        state,
        Some(link),
        "practitioner-contribution-sent",
        format!(
            "link {} for {}, recorded as the agency's response",
            link.id, link.form
        ),
        source,
    )
    .await?;
    let page = DonePage {
        chrome: Chrome::signed_out(state),
    };
    Ok(session::with_cookie(
        html(StatusCode::OK, &page)?,
        &clear_cookie(),
    ))
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
