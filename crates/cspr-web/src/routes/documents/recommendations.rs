//! The overview report's structured recommendations: a new one, a change to one, or its
//! withdrawal (the independent reviewer and the partnership team).

use askama::Template;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use cspr_domain::case::{Case, Command};
use cspr_domain::documents::DocumentKind;
use cspr_domain::ids::{AgencyId, RecommendationId};
use cspr_domain::report::Recommendation;
use serde::Deserialize;
use uuid::Uuid;

use super::{date_of, execute, may_edit};
use crate::access::{CaseAccess, refuse};
use crate::extract::OnCase;
use crate::layout::Chrome;
use crate::reader::{self};
use crate::{AppState, ValidForm, WebError};

#[derive(Template)]
#[template(path = "pages/document_recommendation.html")]
struct RecommendationPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    form: RecommendationForm,
    is_new: bool,
    agencies: Vec<(String, String, String, bool)>,
    errors: Vec<(String, String)>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct RecommendationForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    agencies: Vec<String>,
    #[serde(default, rename = "due-day")]
    due_day: String,
    #[serde(default, rename = "due-month")]
    due_month: String,
    #[serde(default, rename = "due-year")]
    due_year: String,
    #[serde(default)]
    themes: String,
    #[serde(default)]
    withdraw: String,
}

impl RecommendationForm {
    fn error_for(&self, errors: &[(String, String)], field: &str) -> String {
        crate::layout::error_for(errors, field)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RecommendationQuery {
    id: String,
}

async fn recommendation_page(
    state: &AppState,
    access: &CaseAccess,
    form: RecommendationForm,
    is_new: bool,
    errors: Vec<(String, String)>,
) -> Result<Response, WebError> {
    let p = access.principal();
    let agencies = state
        .store()
        .agencies(p.partnership_id.as_uuid())
        .await?
        .into_iter()
        .filter(|a| a.active || form.agencies.contains(&a.id.to_string()))
        .map(|a| {
            let id = a.id.to_string();
            let checked = form.agencies.contains(&id);
            (id, a.name, String::new(), checked)
        })
        .collect();
    let view = RecommendationPage {
        chrome: Chrome::signed_in(state, p, "/cases"),
        case_id: access.case_id().as_uuid(),
        reference: access.summary().reference.clone(),
        form,
        is_new,
        agencies,
        errors,
    };
    crate::layout::render_checked(&view, &view.errors)
}

fn find_recommendation(case: &Case, id: &str) -> Option<Recommendation> {
    let id = Uuid::parse_str(id.trim()).ok()?;
    case.current_report()?
        .recommendations
        .iter()
        .find(|r| r.id.as_uuid() == id)
        .cloned()
}

/// `GET /cases/{case_id}/documents/overview-report/recommendations?id=`: a new one, or one
/// to change.
pub async fn recommendation(
    OnCase(state, access, source): OnCase,
    Query(q): Query<RecommendationQuery>,
) -> Result<Response, WebError> {
    let (case, _) = reader::load_case(&state, &access, "view-recommendation", &source).await?;
    if !may_edit(access.principal(), DocumentKind::OverviewReport) {
        return Err(refuse(&state, &access, &source, "edit a recommendation").await);
    }
    let (form, is_new) = if q.id.is_empty() {
        (RecommendationForm::default(), true)
    } else {
        let r = find_recommendation(&case, &q.id).ok_or(WebError::NotFound)?;
        (
            RecommendationForm {
                id: r.id.to_string(),
                text: r.text.clone(),
                agencies: r.agencies.iter().map(ToString::to_string).collect(),
                due_day: r.due_on.map_or_else(String::new, |d| d.day().to_string()),
                due_month: r
                    .due_on
                    .map_or_else(String::new, |d| u8::from(d.month()).to_string()),
                due_year: r.due_on.map_or_else(String::new, |d| d.year().to_string()),
                themes: r.themes.join(", "),
                withdraw: String::new(),
            },
            false,
        )
    };
    recommendation_page(&state, &access, form, is_new, Vec::new()).await
}

/// `POST /cases/{case_id}/documents/overview-report/recommendations`: saves or withdraws one.
pub async fn recommendation_save(
    OnCase(state, access, source): OnCase,
    ValidForm(pairs): ValidForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = parse_recommendation_form(pairs)?;
    let (case, _) = reader::load_case(&state, &access, "save-recommendation", &source).await?;
    if !may_edit(access.principal(), DocumentKind::OverviewReport) {
        return Err(refuse(&state, &access, &source, "edit a recommendation").await);
    }
    let existing = if form.id.is_empty() {
        None
    } else {
        Some(find_recommendation(&case, &form.id).ok_or(WebError::NotFound)?)
    };
    let is_new = existing.is_none();
    let case_id = access.case_id();
    if !form.withdraw.is_empty() {
        let Some(r) = existing else {
            return Err(WebError::NotFound);
        };
        let command = Command::WithdrawRecommendation {
            id: r.id,
            saved_at: state.now(),
        };
        return match execute(&state, &access, None, command).await? {
            Ok(()) => Ok(Redirect::to(&format!(
                "/cases/{case_id}/documents/overview-report?done=withdrawn#recommendations-list"
            ))
            .into_response()),
            Err(m) => {
                recommendation_page(&state, &access, form, false, vec![("#text".into(), m)]).await
            }
        };
    }
    let mut errors = Vec::new();
    if form.text.trim().is_empty() {
        errors.push(("#text".to_owned(), "Enter what must be done".to_owned()));
    }
    let agencies: Vec<AgencyId> = form
        .agencies
        .iter()
        .filter_map(|a| Uuid::parse_str(a).ok().map(AgencyId::from_uuid))
        .collect();
    let due = if form.due_day.trim().is_empty()
        && form.due_month.trim().is_empty()
        && form.due_year.trim().is_empty()
    {
        None
    } else {
        match date_of(&form.due_day, &form.due_month, &form.due_year) {
            Some(d) => Some(d),
            None => {
                errors.push((
                    "#due-day".to_owned(),
                    "The date must be a real date, like 31 3 2026".to_owned(),
                ));
                None
            }
        }
    };
    if !errors.is_empty() {
        return recommendation_page(&state, &access, form, is_new, errors).await;
    }
    let recommendation = Recommendation {
        id: existing.map_or_else(RecommendationId::random, |r| r.id),
        text: form.text.trim().to_owned(),
        agencies,
        due_on: due,
        themes: form
            .themes
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    let command = Command::SaveRecommendation {
        recommendation,
        saved_at: state.now(),
    };
    match execute(&state, &access, None, command).await? {
        Ok(()) => Ok(Redirect::to(&format!(
            "/cases/{case_id}/documents/overview-report?done=recommendation#recommendations-list"
        ))
        .into_response()),
        Err(m) => {
            let field = if m.contains("date") {
                "#due-day"
            } else {
                "#text"
            };
            recommendation_page(&state, &access, form, is_new, vec![(field.into(), m)]).await
        }
    }
}

/// Reads the recommendation form (checkboxes repeat their name, which serde's urlencoded
/// reader cannot gather into a list).
fn parse_recommendation_form(pairs: Vec<(String, String)>) -> Result<RecommendationForm, WebError> {
    let mut form = RecommendationForm::default();
    for (k, v) in pairs {
        match k.as_str() {
            "id" => form.id = v,
            "text" => form.text = v,
            "agencies" => form.agencies.push(v),
            "due-day" => form.due_day = v,
            "due-month" => form.due_month = v,
            "due-year" => form.due_year = v,
            "themes" => form.themes = v,
            "withdraw" => form.withdraw = v,
            _ => {}
        }
    }
    if form.text.len() > 20_000 || form.agencies.len() > 100 {
        return Err(WebError::BadRequest);
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_checkboxes_are_gathered() {
        let pairs = [
            ("text", "Do it"),
            ("agencies", "a"),
            ("agencies", "b"),
            ("due-day", "1"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let f = parse_recommendation_form(pairs).expect("form");
        assert_eq!(f.agencies, ["a", "b"]);
        assert_eq!(f.text, "Do it");
    }
}
