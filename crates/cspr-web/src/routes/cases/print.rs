//! The print views of a case: its summary, or the chronology of its decisions.

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::case_view;
use crate::WebError;
use crate::extract::{OnCase, ReadModels};
use crate::layout::Chrome;

#[derive(Template)]
#[template(path = "pages/case_print.html")]
struct CasePrint {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    stage: &'static str,
    decisions_only: bool,
    summary: Vec<(String, String)>,
    deadlines: Vec<(String, String, String)>,
    timeline: Vec<(String, String)>,
}

/// Which print view.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PrintQuery {
    view: Option<String>,
}

/// A print view: the case summary, or the chronology of decisions.
pub async fn print(
    OnCase(state, access, source): OnCase,
    read_models: ReadModels,
    axum::extract::Query(query): axum::extract::Query<PrintQuery>,
) -> Result<Response, WebError> {
    let decisions_only = query.view.as_deref() == Some("decisions");
    let view = case_view(&state, (&access, read_models), &source, "print-case").await?;
    let case = &view.case;
    let mut summary = vec![("Stage".to_owned(), case.stage.label().to_owned())];
    if let Some(i) = &case.incident {
        summary.push((
            "Incident".to_owned(),
            format!(
                "{}, {}",
                cspr_domain::words::long_date(i.occurred_on),
                i.place
            ),
        ));
    }
    for c in &case.children {
        summary.push(("Child".to_owned(), c.name.as_str().to_owned()));
    }
    if let Some(d) = case.notified_on {
        summary.push((
            "National Panel notified".to_owned(),
            cspr_domain::words::long_date(d),
        ));
    }
    if let Some((_, outcome, reasons, on)) = &case.decision {
        use cspr_domain::case::model::ReviewOutcome;
        let what = match outcome {
            ReviewOutcome::LocalReview => "Hold a local review".to_owned(),
            ReviewOutcome::OtherLearning { form } => format!("Learn in another way: {form}"),
            ReviewOutcome::NoFurtherAction => "No further action".to_owned(),
        };
        summary.push((
            "Decision".to_owned(),
            format!(
                "{what} ({}). {}",
                cspr_domain::words::long_date(*on),
                reasons.as_str()
            ),
        ));
    }
    if let Some(r) = &case.reviewer {
        summary.push((
            "Independent reviewer".to_owned(),
            r.name.as_str().to_owned(),
        ));
    }
    let agencies: Vec<String> = case
        .involved_agencies()
        .into_iter()
        .map(|a| view.agency_name(a))
        .collect();
    if !agencies.is_empty() {
        summary.push(("Agencies involved".to_owned(), agencies.join(", ")));
    }
    let page = CasePrint {
        chrome: Chrome::signed_in(&state, access.principal(), "/cases"),
        case_id: access.case_id().as_uuid(),
        reference: access.summary().reference.clone(),
        stage: case.stage.label(),
        decisions_only,
        summary,
        deadlines: view.deadlines.clone(),
        timeline: view.timeline(decisions_only),
    };
    Ok(Html(page.render()?).into_response())
}
