//! An agency's self-assessment: saving its answers, and submitting them.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::Path;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_app::briefings::{self};
use cspr_domain::briefing::{Answer, Command, Rating};
use cspr_domain::ids::AgencyId;
use cspr_domain::vocab::NonEmptyText;
use cspr_domain::words::long_date;
use uuid::Uuid;

use crate::access::Principal;
use crate::extract::Signed;
use crate::layout::Chrome;
use crate::{AppState, ValidForm, WebError};

use super::*;

/// One question on the answer form.
struct AnswerItem {
    number: u32,
    text: String,
    /// (value, label, hint, checked)
    ratings: Vec<(&'static str, &'static str, &'static str, bool)>,
    evidence: String,
}

#[derive(Template)]
#[template(path = "pages/briefing_answer.html")]
struct AnswerPage {
    chrome: Chrome,
    id: Uuid,
    agency_id: Uuid,
    agency: String,
    title: String,
    due: String,
    items: Vec<AnswerItem>,
    submitted: String,
    errors: Errors,
    banner: Option<&'static str>,
}

impl AnswerPage {
    fn error(&self, field: &str) -> String {
        error_of(&self.errors, field)
    }
}

async fn answer_page(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    agency: AgencyId,
    typed: Option<&BTreeMap<String, String>>,
    errors: Errors,
    banner: Option<&'static str>,
) -> Result<Response, WebError> {
    let b = briefings::get(state, p, id).await?;
    if !b.agencies.contains(&agency) || !briefings::may_answer_for(p, agency) {
        return Err(WebError::NotFound);
    }
    let names = agency_names(state, p).await?;
    let saved = b.returns.get(&agency);
    let items = b
        .questions
        .iter()
        .map(|q| {
            let stored = saved.and_then(|r| r.answers.get(&q.number));
            let rating = typed
                .map(|t| {
                    t.get(&format!("rating-{}", q.number))
                        .cloned()
                        .unwrap_or_default()
                })
                .or_else(|| stored.map(|a| a.rating.key().to_owned()))
                .unwrap_or_default();
            let evidence = typed
                .map(|t| {
                    t.get(&format!("evidence-{}", q.number))
                        .cloned()
                        .unwrap_or_default()
                })
                .or_else(|| stored.map(|a| a.evidence.as_str().to_owned()))
                .unwrap_or_default();
            AnswerItem {
                number: q.number,
                text: q.text.as_str().to_owned(),
                ratings: Rating::ALL
                    .iter()
                    .map(|r| (r.key(), r.label(), "", r.key() == rating))
                    .collect(),
                evidence,
            }
        })
        .collect();
    let page = AnswerPage {
        chrome: Chrome::signed_in(state, p, "/briefings"),
        id,
        agency_id: agency.as_uuid(),
        agency: name_of(&names, agency),
        title: b.content.title.as_str().to_owned(),
        due: b.due_on.map(long_date).unwrap_or_default(),
        items,
        submitted: saved
            .and_then(|r| r.submitted_on)
            .map(long_date)
            .unwrap_or_default(),
        errors,
        banner,
    };
    Ok((status(&page.errors), Html(page.render()?)).into_response())
}

/// An agency's answers form.
pub async fn answer_form(
    Signed(state, p, _): Signed,
    Path((id, agency)): Path<(Uuid, Uuid)>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Result<Response, WebError> {
    let banner = (done.done == "saved").then_some("Your answers have been saved");
    answer_page(
        &state,
        &p,
        id,
        AgencyId::from_uuid(agency),
        None,
        Vec::new(),
        banner,
    )
    .await
}

/// Saves an agency's answers, and submits them when asked.
pub async fn answer(
    Signed(state, p, _): Signed,
    Path((id, agency)): Path<(Uuid, Uuid)>,
    ValidForm(form): ValidForm<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let agency = AgencyId::from_uuid(agency);
    let b = briefings::get(&state, &p, id).await?;
    // As the form: another agency's answers are not there for this person.
    if !b.agencies.contains(&agency) || !briefings::may_answer_for(&p, agency) {
        return Err(WebError::NotFound);
    }
    let submit = form.get("submit").is_some_and(|v| v == "yes");
    // No version: each agency's answers are its own and merge, so another agency saving at the
    // same time is no conflict.
    let version = None;
    let mut errors = Vec::new();
    let mut answers = BTreeMap::new();
    for q in &b.questions {
        let n = q.number;
        let rating = form
            .get(&format!("rating-{n}"))
            .and_then(|r| Rating::from_key(r));
        let evidence = form
            .get(&format!("evidence-{n}"))
            .map_or("", String::as_str);
        match (rating, NonEmptyText::parse(evidence)) {
            (Some(rating), Ok(evidence)) => {
                answers.insert(n, Answer { rating, evidence });
            }
            (None, Err(_)) if !submit => {}
            (None, _) => errors.push((
                format!("#rating-{n}"),
                format!("Select how far the practice of question {n} is in place"),
            )),
            (Some(_), Err(_)) => errors.push((
                format!("#evidence-{n}"),
                format!("Enter the evidence for question {n}"),
            )),
        }
    }
    if answers.is_empty() && errors.is_empty() {
        errors.push((
            "#rating-1".to_owned(),
            "Answer at least one question".to_owned(),
        ));
    }
    if !errors.is_empty() {
        return answer_page(&state, &p, id, agency, Some(&form), errors, None).await;
    }
    if let Err(e) = briefings::run(
        &state,
        &p,
        Some(id),
        version,
        Command::SaveAnswers { agency, answers },
    )
    .await
    {
        let message = refused(e)?;
        return answer_page(
            &state,
            &p,
            id,
            agency,
            Some(&form),
            vec![(String::new(), message)],
            None,
        )
        .await;
    }
    if submit {
        if let Err(e) = briefings::run(&state, &p, Some(id), None, Command::Submit { agency }).await
        {
            let message = refused(e)?;
            return answer_page(
                &state,
                &p,
                id,
                agency,
                None,
                vec![(String::new(), message)],
                None,
            )
            .await;
        }
        return Ok(Redirect::to(&format!("/briefings/{id}?done=submitted")).into_response());
    }
    Ok(Redirect::to(&format!(
        "/briefings/{id}/agencies/{}?done=saved",
        agency.as_uuid()
    ))
    .into_response())
}
