//! The documents of a case: the rapid review report, the terms of reference and the overview
//! report. A document page shows each section as it stands, with guidance, its version and its
//! open comments; a section page edits it (every save is a version) and holds its threads of
//! factual-accuracy comments; a history page compares any two versions word by word; the
//! overview report has structured recommendations, the completeness check that gates sign-off
//! and the family's comments; exports are made in the background and downloaded from the
//! document page, each download written to the access log.
//!
//! Who may do what (docs/SECURITY.md, "Documents"): everyone who can read the case reads its
//! documents and comments on them (an agency representative for their own agency). Editing:
//! the rapid review report by the partnership team, the chair and the review subgroup; the
//! terms of reference by the team, the chair and the independent reviewer; the overview report
//! and its recommendations by the independent reviewer and the team. The reviewer and the team
//! resolve comments and record the family's comments. Exports: everyone who can read the case
//! but agency representatives and panel members (who see the pages, not the files).
//!
//! One module per resource: [`page`] the document page, [`sections`] a section's editor,
//! [`comments`] its comments, [`history`] its versions compared, [`exports`] the files made of a
//! document, [`recommendations`] the overview report's recommendations and [`family`] the
//! family's comments. This module holds what they share: who may do what, names, the command
//! runner, and the forms two pages show.

pub mod comments;
pub mod exports;
pub mod family;
pub mod history;
pub mod page;
pub mod recommendations;
pub mod sections;

use std::collections::HashMap;

use cspr_domain::case::{Case, Command};
use cspr_domain::documents::DocumentKind;
use cspr_domain::ids::{AgencyId, UserId};
use cspr_export::richtext;
use serde::Deserialize;
use uuid::Uuid;

use crate::access::{CaseAccess, Principal};
use crate::reader::{self, Source};
use crate::{AppState, WebError};

use cspr_app::policy::{
    may_edit_document as may_edit, may_export_documents as may_export,
    may_resolve_comments as may_resolve,
};

/// What a document page says when the case changed since it was drawn.
const CONFLICT: &str = "Someone else changed this case while you were working: your text is below. Check the latest version, then save again.";

fn kind_of(slug: &str) -> Result<DocumentKind, WebError> {
    DocumentKind::from_slug(slug).ok_or(WebError::NotFound)
}

/// The document an address names and the case, read for `action` (audited); a document the case
/// does not have (yet) is not found.
async fn document_of(
    (state, access, source): (&AppState, &CaseAccess, &Source),
    slug: &str,
    action: &str,
) -> Result<(DocumentKind, Case), WebError> {
    let kind = kind_of(slug)?;
    let (case, _) = reader::load_case(state, access, action, source).await?;
    if !kind.exists_for(&case) {
        return Err(WebError::NotFound);
    }
    Ok((kind, case))
}

/// Names of the partnership's agencies and people.
struct Names {
    agencies: HashMap<AgencyId, String>,
    users: HashMap<UserId, String>,
}

impl Names {
    async fn load(state: &AppState, p: &Principal) -> Result<Self, WebError> {
        let partnership = p.partnership_id.as_uuid();
        let agencies = state
            .store()
            .agencies(partnership)
            .await?
            .into_iter()
            .map(|a| (AgencyId::from_uuid(a.id), a.name))
            .collect();
        let users = state
            .store()
            .users(partnership)
            .await?
            .into_iter()
            .map(|u| (UserId::from_uuid(u.id), u.display_name))
            .collect();
        Ok(Self { agencies, users })
    }

    fn agency(&self, a: AgencyId) -> String {
        self.agencies
            .get(&a)
            .cloned()
            .unwrap_or_else(|| "An agency".to_owned())
    }

    fn user(&self, u: Option<UserId>) -> String {
        u.and_then(|u| self.users.get(&u).cloned())
            .unwrap_or_else(|| "Submitted as a whole draft".to_owned())
    }
}

/// "1.2 MB", "340 KB".
fn size_words(size: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if size >= MB {
        let tenths = (size * 10 + MB / 2) / MB;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} KB", size.div_ceil(KB))
    }
}

/// "3 July 2025 at 14:05".
fn when(at: time::OffsetDateTime) -> String {
    crate::exports::made_words(at)
}

/// A section's text as safe HTML for the page, its sub-headings under the page's `h2`.
fn shown(text: &str) -> String {
    richtext::to_html(&richtext::blocks(text), 3)
}

/// Runs a command; `Err(message)` for a refusal to show on the form.
async fn execute(
    state: &AppState,
    access: &CaseAccess,
    expected: Option<u64>,
    command: Command,
) -> Result<Result<(), String>, WebError> {
    crate::act::run(state, access, expected, command, Some(CONFLICT)).await
}

fn error_of(errors: &[(String, String)], field: &str) -> String {
    let field = field.trim_start_matches('#');
    errors
        .iter()
        .find(|e| e.0.trim_start_matches('#') == field)
        .map_or_else(String::new, |e| e.1.clone())
}

fn date_of(day: &str, month: &str, year: &str) -> Option<time::Date> {
    crate::date_input::parse(day, month, year).ok().flatten()
}

/// The family's comments form, on the overview report's page.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct FamilyForm {
    #[serde(default)]
    from: String,
    #[serde(default, rename = "received-day")]
    received_day: String,
    #[serde(default, rename = "received-month")]
    received_month: String,
    #[serde(default, rename = "received-year")]
    received_year: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    text: String,
}

/// The documents a case has now, for the case page: (href, title).
#[must_use]
pub fn links(case: &Case, case_id: Uuid) -> Vec<(String, &'static str)> {
    DocumentKind::ALL
        .into_iter()
        .filter(|k| k.exists_for(case))
        .map(|k| {
            (
                format!("/cases/{case_id}/documents/{}", k.slug()),
                k.title(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_real() {
        assert!(date_of("31", "2", "2026").is_none());
        assert_eq!(
            date_of("31", "3", "2026"),
            time::Date::from_calendar_date(2026, time::Month::March, 31).ok()
        );
        assert!(date_of("", "3", "2026").is_none());
    }
}
