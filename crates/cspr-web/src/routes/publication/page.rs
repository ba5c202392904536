//! The publication page: where the case stands, the banners after each action, and the forms.

use std::collections::HashMap;

use askama::Template;
use axum::response::Response;
use cspr_domain::case::Case;
use cspr_domain::case::model::PublicationDecision;
use cspr_domain::words::long_date;
use serde::Deserialize;
use uuid::Uuid;

use cspr_app::publication::{
    JigsawItem, Risk, earliest_publication, jigsaw, redacted_parts, residual,
};

use super::scan::pseudonym_choices;
use super::team_case;
use crate::access::CaseAccess;
use crate::extract::OnCase;
use crate::layout::Chrome;

use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "pages/publication.html")]
struct PublicationPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    banner: Option<String>,
    errors: Vec<(String, String)>,
    /// (key, value, change link, change text).
    facts: Vec<(String, String, String, String)>,
    has_report: bool,
    version: String,
    scanned: Option<String>,
    findings: usize,
    reviewed: usize,
    /// The review's blocker, or "" when the report may be published.
    blocker: String,
    check: String,
    /// Who the check found, by role.
    names_left: Vec<String>,
    risks: Vec<Risk>,
    /// Combinations of details that could identify the family (high and medium risks).
    jigsaw: Vec<JigsawItem>,
    /// The case's version, for the jigsaw decisions.
    case_version: u64,
    published: Option<(String, String)>,
    public_href: String,
    withdrawn: Option<String>,
    may_withdraw: bool,
    withdraw: WithdrawForm,
    withdraw_errors: HashMap<&'static str, String>,
    /// (person id, who, pseudonym now).
    pseudonyms: Vec<(String, String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct WithdrawForm {
    #[serde(default, rename = "removed_on-day")]
    pub(super) day: String,
    #[serde(default, rename = "removed_on-month")]
    pub(super) month: String,
    #[serde(default, rename = "removed_on-year")]
    pub(super) year: String,
    #[serde(default)]
    pub(super) reason: String,
}

fn decision_words(case: &Case) -> String {
    match &case.publication_decision {
        None => "Not decided yet".to_owned(),
        Some((d, on)) => {
            let what = match d {
                PublicationDecision::Publish => "Publish the report".to_owned(),
                PublicationDecision::DoNotPublish { reason } => {
                    format!("Do not publish: {}", reason.as_str())
                }
                PublicationDecision::PublishImprovementsOnly { reason } => {
                    format!(
                        "Publish information about the improvements only: {}",
                        reason.as_str()
                    )
                }
            };
            let why = case
                .publication_reasons
                .as_ref()
                .map(|r| format!(" Reasons: {}", r.as_str()))
                .unwrap_or_default();
            format!("{what} (decided {}).{why}", long_date(*on))
        }
    }
}

#[expect(clippy::too_many_lines, reason = "one view model, field by field")]
pub(super) async fn publication_page(
    state: &AppState,
    access: &CaseAccess,
    case: &Case,
    banner: Option<String>,
    errors: Vec<(String, String)>,
    withdraw: WithdrawForm,
    withdraw_errors: HashMap<&'static str, String>,
) -> Result<Response, WebError> {
    let case_id = access.case_id().as_uuid();
    let actions = |slug: &str| format!("/cases/{case_id}/actions/{slug}");
    let mut facts = vec![
        (
            "Decision about publication".to_owned(),
            decision_words(case),
            actions("decide-publication"),
            "Record the decision".to_owned(),
        ),
        (
            "Sent to the National Panel and the Secretary of State".to_owned(),
            case.report_sent_on
                .map_or_else(|| "Not yet".to_owned(), long_date),
            if case.report_sent_on.is_none() {
                actions("send-report")
            } else {
                String::new()
            },
            "Record the date sent".to_owned(),
        ),
    ];
    if let Some(day) = earliest_publication(&state.app(), case) {
        facts.push((
            "Earliest publication".to_owned(),
            format!(
                "{} ({} working days after it was sent)",
                long_date(day),
                state.app().settings().publication_notice_days()
            ),
            String::new(),
            String::new(),
        ));
    }
    let draft = case.latest_draft();
    let review = case.anonymisation.as_ref();
    let (check, names, risks) = match (review, draft) {
        (Some(review), Some(draft)) if review.version == draft.version => {
            let parts = redacted_parts(&draft.report, review);
            let check = match &review.check {
                None => "Not checked yet".to_owned(),
                Some(c) if c.after_reviews != review.reviews => {
                    "A decision changed since the last check: check again".to_owned()
                }
                Some(c) if c.remaining.is_empty() => format!(
                    "Checked on {}: the redacted text names no one the case records",
                    long_date(c.checked_on)
                ),
                Some(c) => format!(
                    "Checked on {}: the redacted text still names someone the case records",
                    long_date(c.checked_on)
                ),
            };
            let mut names: Vec<String> = review
                .check
                .as_ref()
                .map(|c| {
                    c.remaining
                        .iter()
                        .map(|r| format!("{} (in {})", r.who, r.part.label()))
                        .collect()
                })
                .unwrap_or_default();
            names.dedup();
            (check, names, residual(&parts, review, &draft.report))
        }
        _ => (String::new(), Vec::new(), Vec::new()),
    };
    let jigsaw_items = match (review, draft) {
        (Some(r), Some(d)) if case.published_on.is_none() && r.version == d.version => {
            jigsaw(&d.report, r)
                .into_iter()
                .filter(|i| i.level != cspr_redact::RiskLevel::Low)
                .collect()
        }
        _ => Vec::new(),
    };
    let published_row = state.store().published_report_for_case(case_id).await?;
    let view = PublicationPage {
        jigsaw: jigsaw_items,
        case_version: case.version,
        chrome: Chrome::signed_in(state, access.principal(), "/cases"),
        case_id,
        reference: access.summary().reference.clone(),
        banner,
        errors,
        facts,
        has_report: draft.is_some(),
        version: draft.map(|d| d.version.to_string()).unwrap_or_default(),
        scanned: review.map(|r| {
            format!(
                "Version {} scanned on {}",
                r.version,
                long_date(r.scanned_on)
            )
        }),
        findings: review.map_or(0, |r| r.findings.len()),
        reviewed: review.map_or(0, |r| r.findings.len() - r.unreviewed()),
        blocker: match (review, draft) {
            (Some(r), Some(d)) => r.blocker(d.version).unwrap_or_default(),
            (None, Some(_)) => "Scan the report for personal data first.".to_owned(),
            _ => "There is no report yet.".to_owned(),
        },
        check,
        names_left: names,
        risks,
        published: case.published_on.map(|p| {
            (
                long_date(p),
                case.online_until.map(long_date).unwrap_or_default(),
            )
        }),
        public_href: published_row
            .as_ref()
            .filter(|r| r.withdrawn_on.is_none())
            .map(|r| format!("/published-reviews/{}/report.pdf", r.id))
            .unwrap_or_default(),
        withdrawn: case.unpublished_on.map(|d| {
            format!(
                "Taken down on {}{}",
                long_date(d),
                case.unpublished_because
                    .as_ref()
                    .map(|r| format!(": {}", r.as_str()))
                    .unwrap_or_default()
            )
        }),
        may_withdraw: case.published_on.is_some() && case.unpublished_on.is_none(),
        withdraw,
        withdraw_errors,
        pseudonyms: if case.published_on.is_none() {
            pseudonym_choices(case)
        } else {
            Vec::new()
        },
    };
    crate::layout::render_checked(&view, &view.errors)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Done {
    pub(super) done: String,
}

pub(super) fn banner_for(done: &str) -> Option<String> {
    Some(
        match done {
            "scanned" => "The report was scanned: review each finding",
            "reviewed" => "Every finding is reviewed: check the redacted text",
            "pseudonym" => "The pseudonym is saved: scan the report again to use it",
            "checked" => "The redacted text was checked again",
            "jigsaw" => "Your decision on the details is saved",
            "published" => "The report is published",
            "withdrawn" => "The report was taken down from the public page",
            _ => return None,
        }
        .to_owned(),
    )
}

/// The publication page of a case.
pub async fn show(
    OnCase(state, access, source): OnCase,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Result<Response, WebError> {
    let case = team_case(&state, &access, &source, "view-publication").await?;
    publication_page(
        &state,
        &access,
        &case,
        banner_for(&done.done),
        Vec::new(),
        WithdrawForm::default(),
        HashMap::new(),
    )
    .await
}
