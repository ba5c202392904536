//! Publishing the report (the public copy stored first) and taking it down.

use std::collections::HashMap;

use askama::Template;
use axum::response::Response;
use cspr_domain::case::Case;
use cspr_domain::words::long_date;
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

use cspr_app::publication::{PublicTextError, earliest_publication, knowledge, themes};

use super::page::{WithdrawForm, publication_page};
use super::{refusal, team_case};
use crate::access::CaseAccess;
use crate::extract::OnCase;
use crate::layout::Chrome;

use crate::{AppState, ValidForm, WebError};

#[derive(Debug, Default, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default, rename = "published_on-day")]
    day: String,
    #[serde(default, rename = "published_on-month")]
    month: String,
    #[serde(default, rename = "published_on-year")]
    year: String,
    #[serde(default, rename = "online_until-day")]
    until_day: String,
    #[serde(default, rename = "online_until-month")]
    until_month: String,
    #[serde(default, rename = "online_until-year")]
    until_year: String,
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    despite_parallel_process: String,
}

#[derive(Template)]
#[template(path = "pages/publication_publish.html")]
struct PublishPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    errors: Vec<(String, String)>,
    error: HashMap<&'static str, String>,
    form: PublishForm,
    themes: String,
    earliest: String,
    blocker: String,
    /// The parallel processes still running, in words (empty when none).
    running: String,
    /// Whether the report itself is published (else information about the improvements).
    full_report: bool,
}

impl PublishPage {
    fn err(&self, field: &str) -> String {
        self.error.get(field).cloned().unwrap_or_default()
    }
}

/// The themes a published report lists: the case's tags and its recommendations' themes.
fn default_title(case: &Case) -> String {
    let known = knowledge(case);
    let child = case
        .children
        .first()
        .and_then(|c| known.pseudonyms.get(c.name.as_str().trim()))
        .cloned()
        .unwrap_or_else(|| "Child A".to_owned());
    format!("Child Safeguarding Practice Review: {child}")
}

async fn publish_page(
    state: &AppState,
    access: &CaseAccess,
    case: &Case,
    form: PublishForm,
    errors: Vec<(&'static str, String)>,
) -> Result<Response, WebError> {
    let full_report = case.publishes_full_report();
    let blocker = match (&case.anonymisation, case.latest_draft()) {
        _ if !full_report => String::new(),
        (Some(r), Some(d)) => r.blocker(d.version).unwrap_or_default(),
        _ => "Scan the report for personal data and review what the scan finds first.".to_owned(),
    };
    let running = case
        .running_parallel_processes()
        .map(|p| p.kind.label())
        .collect::<Vec<_>>()
        .join(", ");
    let view = PublishPage {
        chrome: Chrome::signed_in(state, access.principal(), "/cases"),
        case_id: access.case_id().as_uuid(),
        reference: access.summary().reference.clone(),
        errors: errors
            .iter()
            .map(|(f, m)| (format!("#{f}"), m.clone()))
            .collect(),
        error: errors
            .into_iter()
            .map(|(f, m)| (f.split('-').next().unwrap_or(f), m))
            .map(|(f, m)| {
                let key: &'static str = match f {
                    "title" => "title",
                    "summary" => "summary",
                    "online_until" => "online_until",
                    "confirm" => "confirm",
                    "despite_parallel_process" => "despite_parallel_process",
                    _ => "published_on",
                };
                (key, m)
            })
            .collect(),
        form,
        themes: themes(case).join(", "),
        earliest: earliest_publication(&state.app(), case)
            .map(long_date)
            .unwrap_or_default(),
        blocker,
        running,
        full_report,
    };
    crate::layout::render_checked(&view, &view.errors)
}

/// The publish form.
pub async fn publish_form(OnCase(state, access, source): OnCase) -> Result<Response, WebError> {
    let case = team_case(&state, &access, &source, "view-publish-form").await?;
    let today = state.today();
    let form = PublishForm {
        title: default_title(&case),
        day: today.day().to_string(),
        month: u8::from(today.month()).to_string(),
        year: today.year().to_string(),
        ..PublishForm::default()
    };
    publish_page(&state, &access, &case, form, Vec::new()).await
}

/// A date from its three boxes; `Ok(None)` when all three are empty.
fn date_of(day: &str, month: &str, year: &str) -> Result<Option<Date>, ()> {
    crate::date_input::parse(day, month, year).map_err(|_| ())
}

/// The error summary's words for a title or summary that cannot be published: `missing` when
/// empty, else `what` ("The title") and its longest length in words.
fn public_text_error(e: PublicTextError, [missing, what, max]: [&str; 3]) -> String {
    match e {
        PublicTextError::Missing => missing.to_owned(),
        PublicTextError::TooLong => format!("{what} must be {max} characters or fewer"),
        PublicTextError::Names(who) => {
            format!("{what} names someone the case records ({who}): use their pseudonym")
        }
    }
}

/// Publishes the report: checks the form and asks the case first, makes the public PDF from
/// the redacted report, stores the public copy, records the publication (and removes the copy
/// again when the case refuses it).
#[expect(clippy::too_many_lines, reason = "the steps of publication, in order")]
pub async fn publish(
    OnCase(state, access, source): OnCase,
    ValidForm(form): ValidForm<PublishForm>,
) -> Result<Response, WebError> {
    let case = team_case(&state, &access, &source, "publish-report").await?;
    let known = knowledge(&case);
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let mut public = |field: &'static str, text: &str, max: usize, words: [&str; 3]| {
        cspr_app::publication::public_text(text, max, &known)
            .map_err(|e| errors.push((field, public_text_error(e, words))))
            .unwrap_or_default()
    };
    let title = public(
        "title",
        &form.title,
        200,
        [
            "Enter the title of the published report",
            "The title",
            "200",
        ],
    );
    let summary = public(
        "summary",
        &form.summary,
        2000,
        [
            "Enter a summary for the list of published reports",
            "The summary",
            "2,000",
        ],
    );
    let published_on = match date_of(&form.day, &form.month, &form.year) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push((
                "published_on-day",
                "Enter the date of publication".to_owned(),
            ));
            None
        }
        Err(()) => {
            errors.push((
                "published_on-day",
                "The date of publication must be a real date".to_owned(),
            ));
            None
        }
    };
    let online_until = match date_of(&form.until_day, &form.until_month, &form.until_year) {
        Ok(d) => d,
        Err(()) => {
            errors.push((
                "online_until-day",
                "The date it stays online until must be a real date".to_owned(),
            ));
            None
        }
    };
    let confirmed = form.confirm == "anonymisation_reviewed";
    if !confirmed {
        errors.push((
            "confirm",
            "Confirm that the text passed the anonymisation review".to_owned(),
        ));
    }
    let Some(published_on) = published_on else {
        return publish_page(&state, &access, &case, form, errors).await;
    };
    if !errors.is_empty() {
        return publish_page(&state, &access, &case, form, errors).await;
    }
    let publication = cspr_app::publication::Publication {
        title,
        summary,
        published_on,
        online_until,
        anonymisation_reviewed: confirmed,
        despite_parallel_process: cspr_domain::vocab::NonEmptyText::parse(
            form.despite_parallel_process.trim(),
        )
        .ok(),
    };
    match cspr_app::publication::publish(
        state.services(),
        access.case_id(),
        case.version,
        &publication,
        state.actor_for(access.principal()),
    )
    .await
    {
        Ok(_) => Ok(crate::access::to_case(
            &access,
            "publication?done=published",
        )),
        Err(cspr_app::AppError::Store(cspr_store::StoreError::Duplicate(_))) => {
            publish_page(
                &state,
                &access,
                &case,
                form,
                vec![(
                    "published_on-day",
                    "This case's report is already on the public page".to_owned(),
                )],
            )
            .await
        }
        Err(e) => {
            let (field, message) = refusal(e)?;
            let field = match field {
                Some("online_until") => "online_until-day",
                Some("despite_parallel_process") => "despite_parallel_process",
                _ => "published_on-day",
            };
            publish_page(&state, &access, &case, form, vec![(field, message)]).await
        }
    }
}

/// Takes the published report down: recorded on the case with its reason, then off the public
/// page.
pub async fn withdraw(
    OnCase(state, access, source): OnCase,
    ValidForm(form): ValidForm<WithdrawForm>,
) -> Result<Response, WebError> {
    let case = team_case(&state, &access, &source, "withdraw-report").await?;
    let mut errors: HashMap<&'static str, String> = HashMap::new();
    let removed_on = match date_of(&form.day, &form.month, &form.year) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.insert(
                "removed_on",
                "Enter the date the report is taken down".to_owned(),
            );
            None
        }
        Err(()) => {
            errors.insert(
                "removed_on",
                "The date it is taken down must be a real date".to_owned(),
            );
            None
        }
    };
    let reason = cspr_domain::vocab::NonEmptyText::parse(form.reason.trim()).ok();
    if reason.is_none() {
        errors.insert("reason", "Say why the report is taken down".to_owned());
    }
    let again = |errors: HashMap<&'static str, String>, form: WithdrawForm| {
        let summary = errors
            .iter()
            .map(|(f, m)| {
                (
                    if *f == "reason" {
                        "#reason".to_owned()
                    } else {
                        "#removed_on-day".to_owned()
                    },
                    m.clone(),
                )
            })
            .collect();
        publication_page(&state, &access, &case, None, summary, form, errors)
    };
    let (Some(removed_on), Some(reason)) = (removed_on, reason) else {
        return again(errors, form).await;
    };
    match cspr_app::publication::withdraw(
        &state,
        access.case_id(),
        case.version,
        removed_on,
        reason,
        state.actor_for(access.principal()),
    )
    .await
    .map_or_else(|e| refusal(e).map(Err), |_| Ok(Ok(())))?
    {
        Ok(()) => Ok(crate::access::to_case(
            &access,
            "publication?done=withdrawn",
        )),
        Err((field, message)) => {
            let key = if field == Some("reason") {
                "reason"
            } else {
                "removed_on"
            };
            again(HashMap::from([(key, message)]), form).await
        }
    }
}
