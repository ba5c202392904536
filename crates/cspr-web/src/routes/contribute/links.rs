//! The partnership team's side: the links of a case, making one and revoking them.

use crate::ValidForm;
use crate::extract::OnCase;
use askama::Template;
use axum::http::header::HOST;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use cspr_domain::vocab::EmailAddress;
use cspr_store::{NewAccessEntry, NewPractitionerLink};
use serde::Deserialize;
use time::Duration;
use uuid::Uuid;

use super::{FORM_KINDS, LINK_DAYS, form_name, html};
use crate::access::CaseAccess;
use crate::layout::Chrome;
use crate::reader::{self, Source};
use crate::session::{new_token, token_hash};
use crate::{AppState, WebError};

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

/// The new-link form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewLink {
    email: String,
    form: String,
}

/// The revoke form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RevokeLink {
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
                format!(
                    "Form sent {}",
                    cspr_domain::words::long_date(cspr_app::date_in_england(at))
                )
            } else if l.revoked {
                "Withdrawn".to_owned()
            } else if now >= l.expires_at {
                "Expired".to_owned()
            } else {
                format!(
                    "Waiting, works until {}",
                    cspr_domain::words::long_date(cspr_app::date_in_england(l.expires_at))
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
pub async fn links(OnCase(state, access, source): OnCase) -> Result<Response, WebError> {
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
    OnCase(state, access, source): OnCase,
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
    OnCase(state, access, source): OnCase,
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
