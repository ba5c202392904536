//! Thematic briefings and self-assessment (issue 17, item 6), by resource: the list and what
//! the pages share (here), writing a briefing (`edit`), its page with sending, actions and
//! closing (`page`), an agency's answers (`answers`), and the PDF and DOCX (`files`). Parse,
//! call `cspr_app::briefings`, render.

pub mod answers;
pub mod edit;
pub mod files;
pub mod page;

use std::collections::HashMap;

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use cspr_app::briefings::{self, BriefingError};
use cspr_domain::briefing::Stage;
use cspr_domain::ids::AgencyId;
use cspr_domain::words::long_date;
use serde::Deserialize;
use uuid::Uuid;

use crate::access::Principal;
use crate::extract::Signed;
use crate::layout::Chrome;
use crate::{AppState, WebError};

type Errors = Vec<(String, String)>;

/// The message of the error about `field`, or nothing.
fn error_of(errors: &Errors, field: &str) -> String {
    errors
        .iter()
        .find(|e| e.0.trim_start_matches('#') == field)
        .map_or_else(String::new, |e| e.1.clone())
}

fn status(errors: &Errors) -> axum::http::StatusCode {
    if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// A failure of the application as the page shows it: the briefing's refusal or a conflict as
/// a message for the form, anything else as an error page.
fn refused(e: BriefingError) -> Result<String, WebError> {
    match e {
        BriefingError::Refused(r) => Ok(r.to_string()),
        e @ BriefingError::Conflict => Ok(e.to_string()),
        BriefingError::Forbidden => Err(WebError::Forbidden),
        BriefingError::NotFound => Err(WebError::NotFound),
        BriefingError::Corrupt => Err(WebError::Internal(
            "a briefing event is unreadable".to_owned(),
        )),
        BriefingError::Store(e) => Err(e.into()),
    }
}

impl From<BriefingError> for WebError {
    fn from(e: BriefingError) -> Self {
        match refused(e) {
            Ok(_) => WebError::BadRequest,
            Err(w) => w,
        }
    }
}

async fn agency_names(state: &AppState, p: &Principal) -> Result<HashMap<Uuid, String>, WebError> {
    Ok(state
        .store()
        .agencies(p.partnership_id.as_uuid())
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect())
}

fn name_of(names: &HashMap<Uuid, String>, a: AgencyId) -> String {
    names
        .get(&a.as_uuid())
        .cloned()
        .unwrap_or_else(|| "An agency no longer listed".to_owned())
}

fn stage_tag(stage: Stage) -> &'static str {
    match stage {
        Stage::Draft => "govuk-tag--grey",
        Stage::Sent => "govuk-tag--light-blue",
        Stage::Closed => "govuk-tag--green",
    }
}

/// One row of the list.
struct Row {
    id: Uuid,
    title: String,
    stage: &'static str,
    tag: &'static str,
    due: String,
    answered: String,
}

#[derive(Template)]
#[template(path = "pages/briefings.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    can_write: bool,
}

/// The briefings the person may read.
pub async fn index(Signed(state, p, _): Signed) -> Result<Response, WebError> {
    let list = briefings::list(&state, &p).await?;
    let rows = list
        .into_iter()
        .map(|(id, b)| Row {
            id,
            title: b.content.title.as_str().to_owned(),
            stage: b.stage().label(),
            tag: stage_tag(b.stage()),
            due: b.due_on.map(long_date).unwrap_or_default(),
            answered: if b.sent_on.is_some() {
                format!(
                    "{} of {}",
                    b.agencies.len() - b.outstanding().len(),
                    b.agencies.len()
                )
            } else {
                String::new()
            },
        })
        .collect();
    let page = ListPage {
        chrome: Chrome::signed_in(&state, &p, "/briefings"),
        rows,
        can_write: briefings::may_write(&p),
    };
    Ok(Html(page.render()?).into_response())
}

/// Which banner to show after a change.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Done {
    done: String,
}
