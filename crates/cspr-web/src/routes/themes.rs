//! Recurrent learning themes: which themes arose in which cases, year by year, with the
//! recommendations made each time; and, for a case being weighed, where its themes arose
//! before. Only the cases the person may see are counted, and every case read is audited.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Extension, Query, State};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use cspr_domain::ids::CaseId;

use crate::access::Principal;
use crate::layout::Chrome;
use crate::reader::{self, Source};
use crate::{AppState, WebError};

/// An earlier case that shares themes with the one in hand.
#[derive(Debug, Clone)]
pub struct Earlier {
    /// The case.
    pub case_id: Uuid,
    /// Its reference.
    pub reference: String,
    /// The year it opened.
    pub year: i32,
    /// Its stage in words.
    pub stage: String,
    /// The themes it shares.
    pub shared: Vec<String>,
    /// The recommendations its report made (or, without a report, its agreed actions).
    pub recommendations: Vec<String>,
}

fn norm(t: &str) -> String {
    t.trim().to_lowercase()
}

/// What a case recommended: its report's recommendations, or its agreed actions.
fn recommendations(case: &cspr_domain::case::Case) -> Vec<String> {
    let from_report: Vec<String> = case
        .latest_draft()
        .map(|d| {
            d.report
                .recommendations
                .iter()
                .map(|r| r.text.clone())
                .collect()
        })
        .unwrap_or_default();
    if from_report.is_empty() {
        case.actions
            .values()
            .map(|a| format!("Action: {}", a.action.description.as_str()))
            .collect()
    } else {
        from_report
    }
}

/// The cases the person may see that share any of `themes`, except `exclude`, newest first.
///
/// # Errors
/// Store failures; a failed audit write.
pub async fn earlier(
    state: &AppState,
    p: &Principal,
    source: &Source,
    themes: &[String],
    exclude: CaseId,
) -> Result<Vec<Earlier>, WebError> {
    let wanted: BTreeSet<String> = themes.iter().map(|t| norm(t)).collect();
    let summaries = state
        .store()
        .case_summaries(super::listing::scope(p))
        .await?;
    let mut out = Vec::new();
    for s in summaries.iter().filter(|s| s.case_id != exclude.as_uuid()) {
        let shared: Vec<String> = s
            .themes
            .iter()
            .filter(|t| wanted.contains(&norm(t)))
            .cloned()
            .collect();
        if shared.is_empty() {
            continue;
        }
        let Some(case) =
            reader::load_if_readable(state, p, s.case_id, "view-recurrent-themes", source).await?
        else {
            continue;
        };
        out.push(Earlier {
            case_id: s.case_id,
            reference: s.reference.clone(),
            year: s.opened_on.year(),
            stage: s.stage_label.clone(),
            shared,
            recommendations: recommendations(&case),
        });
    }
    out.sort_by(|a, b| {
        b.year
            .cmp(&a.year)
            .then_with(|| b.reference.cmp(&a.reference))
    });
    Ok(out)
}

/// One theme on the themes page.
struct ThemeRow {
    name: String,
    /// Cases per year, in the order of the page's years.
    per_year: Vec<usize>,
    total: usize,
}

#[derive(Template)]
#[template(path = "pages/themes.html")]
struct ThemesPage {
    chrome: Chrome,
    years: Vec<i32>,
    rows: Vec<ThemeRow>,
    /// The chosen theme, with its cases.
    chosen: Option<(String, Vec<Earlier>)>,
}

/// Which theme to open.
#[derive(Debug, Deserialize)]
pub struct ThemeQuery {
    #[serde(default)]
    theme: String,
}

/// The recurrent-themes view.
pub async fn index(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(source): Extension<Source>,
    Query(query): Query<ThemeQuery>,
) -> Result<Response, WebError> {
    let summaries = state
        .store()
        .case_summaries(super::listing::scope(&p))
        .await?;
    // theme (as first written) → year → cases
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut counts: BTreeMap<String, BTreeMap<i32, usize>> = BTreeMap::new();
    let mut years: BTreeSet<i32> = BTreeSet::new();
    for s in &summaries {
        for t in &s.themes {
            let key = norm(t);
            names
                .entry(key.clone())
                .or_insert_with(|| t.trim().to_owned());
            *counts
                .entry(key)
                .or_default()
                .entry(s.opened_on.year())
                .or_default() += 1;
            years.insert(s.opened_on.year());
        }
    }
    let years: Vec<i32> = years.into_iter().collect();
    let mut rows: Vec<ThemeRow> = counts
        .iter()
        .map(|(key, by_year)| ThemeRow {
            name: names[key].clone(),
            per_year: years
                .iter()
                .map(|y| by_year.get(y).copied().unwrap_or(0))
                .collect(),
            total: by_year.values().sum(),
        })
        .collect();
    rows.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.name.cmp(&b.name)));
    let chosen_key = norm(&query.theme);
    let chosen = if chosen_key.is_empty() || !names.contains_key(&chosen_key) {
        None
    } else {
        let cases = earlier(
            &state,
            &p,
            &source,
            std::slice::from_ref(&query.theme),
            CaseId::from_uuid(Uuid::nil()),
        )
        .await?;
        Some((names[&chosen_key].clone(), cases))
    };
    let page = ThemesPage {
        chrome: Chrome::signed_in(&state, &p, "/themes"),
        years,
        rows,
        chosen,
    };
    Ok(Html(page.render()?).into_response())
}
