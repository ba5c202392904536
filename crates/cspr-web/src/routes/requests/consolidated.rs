//! Sent responses side by side by question, and their files.

use super::Kind;
use askama::Template;
use axum::extract::Path;
use axum::response::{Html, IntoResponse, Response};
use cspr_domain::case::model::{
    Contribution, ContributionKind, ContributionRequest, ContributionStatus,
};
use cspr_domain::forms;
use cspr_domain::words::long_date;
use uuid::Uuid;

use super::{agency_name, capitalised};
use crate::WebError;
use crate::extract::OnCase;
use crate::layout::Chrome;
use crate::reader::{self};

struct ConsolidatedColumn {
    agency: String,
    sent: String,
    /// (address, name, size in words)
    files: Vec<(String, String, String)>,
    practitioner: bool,
}

struct ConsolidatedRow {
    question: String,
    answers: Vec<String>,
}

#[derive(Template)]
#[template(path = "pages/request_consolidated.html")]
struct ConsolidatedPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    heading: String,
    columns: Vec<ConsolidatedColumn>,
    rows: Vec<ConsolidatedRow>,
    waiting: Vec<(String, String)>,
    chronology: bool,
}

/// Every sent response to one kind of request, side by side by question. Drafts never show.
pub async fn consolidated(
    OnCase(state, access, source): OnCase,
    Kind(kind): Kind,
) -> Result<Response, WebError> {
    let (case, _) =
        reader::load_case(&state, &access, "view-consolidated-responses", &source).await?;
    let p = access.principal();
    let agencies = state.store().agencies(p.partnership_id.as_uuid()).await?;
    let case_id = access.case_id().as_uuid();
    let sent: Vec<(&ContributionRequest, time::Date, &Contribution)> = case
        .requests(kind)
        .filter_map(|r| match &r.status {
            ContributionStatus::Received { on, contribution } => Some((r, *on, contribution)),
            _ => None,
        })
        .collect();
    let form = forms::form_for(&state.app().settings().forms, kind);
    // The questions: the form's, then any asked by an older version of it.
    let mut questions: Vec<(String, String)> = form
        .questions()
        .map(|q| (q.id.clone(), q.text.clone()))
        .collect();
    for (_, _, c) in &sent {
        for a in &c.form.answers {
            if !questions.iter().any(|(id, _)| *id == a.question) {
                questions.push((a.question.clone(), a.asked.clone()));
            }
        }
    }
    let rows = questions
        .iter()
        .map(|(id, text)| ConsolidatedRow {
            question: text.clone(),
            answers: sent
                .iter()
                .map(|(_, _, c)| {
                    c.form
                        .answers
                        .iter()
                        .find(|a| a.question == *id)
                        .map(|a| a.answer.clone())
                        .filter(|a| !a.trim().is_empty())
                        .unwrap_or_else(|| "Not answered".to_owned())
                })
                .collect(),
        })
        .filter(|r| r.answers.iter().any(|a| a != "Not answered"))
        .collect::<Vec<_>>();
    let rows = if rows.is_empty() && !sent.is_empty() {
        vec![ConsolidatedRow {
            question: "Response".to_owned(),
            answers: sent
                .iter()
                .map(|(_, _, c)| c.text.as_str().to_owned())
                .collect(),
        }]
    } else {
        rows
    };
    let page = ConsolidatedPage {
        chrome: Chrome::signed_in(&state, p, "/cases"),
        case_id,
        reference: access.summary().reference.clone(),
        heading: format!("{} responses", capitalised(kind.label())),
        columns: sent
            .iter()
            .map(|(r, on, c)| ConsolidatedColumn {
                agency: agency_name(&agencies, r.agency),
                sent: format!("Sent {}", long_date(*on)),
                files: super::attachments(case_id, kind, &c.form),
                practitioner: c.form.by == cspr_domain::case::model::Responder::Practitioner,
            })
            .collect(),
        rows,
        waiting: case
            .requests(kind)
            .filter(|r| !r.is_settled())
            .map(|r| {
                (
                    agency_name(&agencies, r.agency),
                    format!("Due {}", long_date(r.due_on)),
                )
            })
            .collect(),
        chronology: kind == ContributionKind::Chronology,
    };
    Ok(Html(page.render()?).into_response())
}

/// A file of a response: of any sent response to whoever can see the case; of a draft only to
/// those who may open that agency's draft. Logged before it is served.
pub async fn download(
    OnCase(state, access, source): OnCase,
    Kind(kind): Kind,
    Path((_, _, blob)): Path<(Uuid, String, String)>,
) -> Result<Response, WebError> {
    let blob = Uuid::parse_str(&blob).map_err(|_| WebError::NotFound)?;
    let (case, _) = reader::load_case(&state, &access, "download-response-file", &source).await?;
    let p = access.principal();
    let found = case.requests(kind).find_map(|r| {
        let sent = match &r.status {
            ContributionStatus::Received { contribution, .. } => contribution
                .form
                .attachments
                .iter()
                .find(|f| f.blob == blob),
            _ => None,
        };
        let drafted = r
            .draft
            .as_ref()
            .and_then(|d| d.form.attachments.iter().find(|f| f.blob == blob))
            .filter(|_| cspr_app::policy::may_open_agency_draft(p, r.agency));
        sent.or(drafted).cloned()
    });
    let Some(file) = found else {
        return Err(WebError::NotFound);
    };
    let stored = state.store().get_blob(blob).await.map_err(|e| match e {
        cspr_store::StoreError::Shredded => WebError::NotFound,
        other => WebError::from(other),
    })?;
    if stored.case_id != access.case_id().as_uuid() {
        return Err(WebError::NotFound);
    }
    Ok(crate::download::file(
        stored.bytes,
        &file.media_type,
        &file.name,
    ))
}
