//! Requests to agencies without email attachments: the partnership team asks chosen agencies
//! for an agency summary, scoping form, agency report, chronology or factual-accuracy response
//! (due dates from the case's deadlines, moved only with a reason); agency representatives
//! answer the form (questions as data, `cspr_domain::forms`) with drafts kept apart from the
//! sent response, files checked like evidence, and chronology entries typed or uploaded (CSV or
//! XLSX, every row checked, nothing kept from a file with a bad row); the team reopens a sent
//! response only with a reason. Everyone who can see the case reads the sent responses side by
//! side by question and the integrated chronology (all agencies' entries in date order, filtered
//! by agency and period, key practice episodes marked by the reviewer, exported to CSV and DOCX).
//!
//! Drafts are an agency's own: only its representatives and the partnership team open them
//! (route rule `CaseNeed::AgencyDraft`), and the consolidated pages show sent responses only.
//!
//! One module per part: [`create`] (the requests of a case: asking, due dates, reopening),
//! [`questions`] (the form as drawn and as posted, shared with practitioners' contributions),
//! [`respond`] (the agency's answer form; the answering itself is `cspr_app::answers`),
//! [`submissions`] (practitioners' submitted answers, accepted or declined by the agency),
//! [`upload`] (files and chronology uploads), [`consolidated`] (sent responses side by side),
//! [`chronology`] (the integrated chronology and its exports) and [`forms`] (the partnership's
//! forms). This module holds what they share: posted pairs, kinds and their slugs, and running a
//! command.

pub mod chronology;
pub mod consolidated;
pub mod create;
pub mod forms;
pub mod questions;
pub mod respond;
pub mod submissions;
pub mod upload;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use cspr_domain::case::Command;
use cspr_domain::case::model::{ContributionKind, ContributionRequest, ContributionStatus};
use cspr_domain::ids::AgencyId;
use cspr_domain::words::long_date;
use cspr_store::AgencyRow;
use uuid::Uuid;

use crate::access::CaseAccess;
use crate::{AppState, WebError};

pub use self::chronology::{ChronologyRow, Offers, chronology_rows, render_chronology};
pub(crate) use self::questions::{SectionView, posted_answers, sections};
pub(crate) use self::respond::{answer_error, lack_error};

/// A posted form as name/value pairs (checkboxes repeat a name).
pub type Pairs = Vec<(String, String)>;

fn get<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn all<'a>(pairs: &'a Pairs, name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The request form: what to ask for, of which agencies, and a different due date with why.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RequestForm {
    kind: String,
    agencies: Vec<String>,
    due: String,
    reason: String,
}

/// The open request a deadline row stands for, when it is one to this agency: its key is
/// `<kind>:<agency id>` and it is not met yet.
#[must_use]
pub fn open_request_of(d: &cspr_store::DeadlineRow, agency: AgencyId) -> Option<ContributionKind> {
    let (slug, id) = d.key.split_once(':')?;
    (d.met_on.is_none() && Uuid::parse_str(id).ok()? == agency.as_uuid())
        .then(|| ContributionKind::from_slug(slug))
        .flatten()
}

/// The kind of request a path names (its `{kind}` segment, the kind's slug); an unknown kind is
/// not found. Handlers take it as `Kind(kind): Kind`.
#[derive(Debug, Clone, Copy)]
pub struct Kind(pub ContributionKind);

impl<S: Send + Sync> FromRequestParts<S> for Kind {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, WebError> {
        #[derive(serde::Deserialize)]
        struct Named {
            kind: String,
        }
        let Path(Named { kind }) = Path::<Named>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound)?;
        ContributionKind::from_slug(&kind)
            .map(Self)
            .ok_or(WebError::NotFound)
    }
}

/// The files attached to an answer: (address, name, size in words).
fn attachments(
    case_id: Uuid,
    kind: ContributionKind,
    form: &cspr_domain::case::model::FormResponse,
) -> Vec<(String, String, String)> {
    let slug = kind.slug();
    form.attachments
        .iter()
        .map(|f| {
            (
                format!("/cases/{case_id}/requests/{slug}/files/{}", f.blob),
                f.name.clone(),
                crate::routes::evidence::size_words(f.size),
            )
        })
        .collect()
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

fn agency_name(agencies: &[AgencyRow], id: AgencyId) -> String {
    agencies
        .iter()
        .find(|a| a.id == id.as_uuid())
        .map_or_else(|| "An agency".to_owned(), |a| a.name.clone())
}

/// Runs a command as the holder of the case capability; a concurrent change is retried (the
/// domain checks again). `Ok(Err(message))` when the case refuses it.
async fn execute(
    state: &AppState,
    access: &CaseAccess,
    command: Command,
) -> Result<Result<(), String>, WebError> {
    crate::act::run(state, access, None, command, None).await
}

fn status_words(r: &ContributionRequest) -> (String, &'static str) {
    match &r.status {
        ContributionStatus::Requested if r.draft.is_some() => (
            format!("Draft saved, due {}", long_date(r.due_on)),
            "govuk-tag--light-blue",
        ),
        ContributionStatus::Requested => (
            format!("Not started, due {}", long_date(r.due_on)),
            "govuk-tag--grey",
        ),
        ContributionStatus::Received { on, .. } => {
            (format!("Sent {}", long_date(*on)), "govuk-tag--green")
        }
        ContributionStatus::Waived { .. } => ("Not needed".to_owned(), "govuk-tag--grey"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_slugs() {
        for k in ContributionKind::ALL {
            assert_eq!(ContributionKind::from_slug(k.slug()), Some(k));
        }
        assert_eq!(ContributionKind::from_slug("nope"), None);
    }
}
