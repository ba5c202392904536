//! The case pages of the foundation: the dashboard and case list (scoped in the query to what
//! the person may see), the case page (audited), its access history (partnership team), one
//! agency's contributions (that agency and the team), and case membership.
//!
//! One module per page: [`dashboard`] (the dashboard and the case list), [`show`] (the case
//! page), [`print`] (its print views), [`access_history`], [`contributions`] and [`members`].
//! This module holds what the case page and its print views both read.

pub mod access_history;
pub mod contributions;
pub mod dashboard;
mod facts;
pub mod members;
pub mod print;
pub mod show;

use crate::access::CaseAccess;
use crate::extract::ReadModels;
use crate::reader::{self, Source};
use crate::{AppState, WebError};

/// What the case page and its print views need, read once.
struct CaseView {
    case: std::sync::Arc<cspr_domain::case::Case>,
    events: std::sync::Arc<Vec<cspr_domain::case::Event>>,
    agencies: std::sync::Arc<Vec<cspr_store::AgencyRow>>,
    deadlines: Vec<(String, String, String)>,
}

async fn case_view(
    state: &AppState,
    (access, ReadModels(version)): (&CaseAccess, ReadModels),
    source: &Source,
    action: &str,
) -> Result<CaseView, WebError> {
    let (case, events) = reader::load_case_shared(state, access, action, source).await?;
    let app = state.app();
    let today = state.today();
    let agencies = state
        .store()
        .agencies_kept_at(access.principal().partnership_id.as_uuid(), version)
        .await?;
    let deadlines = cspr_domain::deadlines::deadlines(&case, app.calendar(), app.settings(), today)
        .into_iter()
        .map(|d| {
            let label = cspr_app::cases::deadline_label(&d, &agencies);
            // Say which calendar a deadline was counted on (issue 15, item 1).
            let label = if d.counting == cspr_domain::deadlines::Counting::Statutory {
                format!("{label} (statutory)")
            } else {
                label
            };
            (label, d.state_line(today, app.calendar()), d.explanation)
        })
        .collect();
    Ok(CaseView {
        case,
        events,
        agencies,
        deadlines,
    })
}

impl CaseView {
    fn agency_name(&self, id: cspr_domain::ids::AgencyId) -> String {
        self.agencies
            .iter()
            .find(|a| a.id == id.as_uuid())
            .map_or_else(|| "An agency".to_owned(), |a| a.name.clone())
    }

    /// One timeline entry: (date, sentence).
    fn entry(&self, event: &cspr_domain::case::Event) -> (String, String) {
        let entry = cspr_domain::timeline::describe(event, &|a| self.agency_name(a));
        (
            entry
                .date
                .map_or_else(String::new, cspr_domain::words::long_date),
            entry.text,
        )
    }

    /// Page `page` (from 1) of the timeline at `size` entries a page, newest first; only the
    /// entries shown are described.
    fn latest(&self, page: usize, size: usize) -> Vec<(String, String)> {
        self.events
            .iter()
            .rev()
            .skip(page.saturating_sub(1) * size)
            .take(size)
            .map(|e| self.entry(e))
            .collect()
    }

    /// (date, sentence) in event order.
    fn timeline(&self, decisions_only: bool) -> Vec<(String, String)> {
        use cspr_domain::case::Event;
        self.events
            .iter()
            .filter(|e| {
                !decisions_only
                    || matches!(
                        e,
                        Event::ReferralApproved { .. }
                            | Event::ReferralTriaged { .. }
                            | Event::LocalReviewDecided { .. }
                            | Event::RapidReviewSignedOff { .. }
                            | Event::PanelResponded { .. }
                            | Event::TermsOfReferenceAgreed { .. }
                            | Event::ReportSignedOff { .. }
                            | Event::PublicationDecided { .. }
                            | Event::ActionAgreed { .. }
                            | Event::ActionCompleted { .. }
                            | Event::CaseClosed { .. }
                            | Event::CaseReopened { .. }
                            | Event::ImpactEvidenced { .. }
                            | Event::LatenessExplained { .. }
                            | Event::LocalReviewExtended { .. }
                            | Event::CrossBorderRecorded { .. }
                    )
            })
            .map(|e| self.entry(e))
            .collect()
    }
}
