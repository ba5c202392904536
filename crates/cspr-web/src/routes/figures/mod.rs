//! The partnership's yearly figures for a chosen period (issue 9): tables of every figure, bar
//! charts drawn on the server as SVG (each bar carries its words and its number, so nothing
//! rests on colour), and the same figures as CSV. Every case read for them is audited.
//!
//! [`period`] reads the period asked for; [`charts`] draws the figures; this module reads the
//! cases and answers the page and the CSV.

mod charts;
mod period;

use askama::Template;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use cspr_domain::actions::ActionRules;
use cspr_domain::figures::{Period, YearlyFigures};
use cspr_store::CaseScope;

use self::charts::{BAR_MAX, CHART_WIDTH, View};
use self::period::{Asked, DateBoxes, PeriodQuery, asked};
use crate::access::Principal;
use crate::layout::Chrome;
use crate::reader::{self, Source};
use crate::{AppState, WebError};

/// What the access log records for each case read for the figures.
const AUDIT_ACTION: &str = "view-yearly-figures";

/// Every case of the partnership the person may read, each read audited; and how many of the
/// partnership's cases there are in all (some roles see only the cases they are members of).
async fn load_cases(
    state: &AppState,
    p: &Principal,
    source: &Source,
) -> Result<(Vec<cspr_domain::case::Case>, usize), WebError> {
    let summaries = state
        .store()
        .case_summaries(CaseScope::Partnership(p.partnership_id.as_uuid()))
        .await?;
    let mut cases = Vec::with_capacity(summaries.len());
    for s in &summaries {
        let Some(case) =
            reader::load_if_readable(state, p, s.case_id, AUDIT_ACTION, source).await?
        else {
            continue;
        };
        cases.push(case);
    }
    Ok((cases, summaries.len()))
}

async fn compute(
    state: &AppState,
    p: &Principal,
    source: &Source,
    period: Period,
) -> Result<(YearlyFigures, usize, usize), WebError> {
    let (cases, all) = load_cases(state, p, source).await?;
    let app = state.app();
    let figures = YearlyFigures::compute(
        &cases,
        period,
        app.calendar(),
        app.settings(),
        &ActionRules::default(),
    );
    Ok((figures, cases.len(), all))
}

#[derive(Template)]
#[template(path = "pages/figures.html")]
struct FiguresPage {
    chrome: Chrome,
    errors: Vec<(String, String)>,
    from: DateBoxes,
    to: DateBoxes,
    view: Option<View>,
    chart_width: u32,
    bar_max: u32,
}

fn page(
    state: &AppState,
    p: &Principal,
    asked: Asked,
    view: Option<View>,
) -> Result<Response, WebError> {
    let status = if asked.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = FiguresPage {
        chrome: Chrome::signed_in(state, p, "/figures"),
        errors: asked.errors,
        from: asked.from,
        to: asked.to,
        view,
        chart_width: CHART_WIDTH,
        bar_max: BAR_MAX,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The figures page: the form for the period, then the figures (the last financial year when
/// no period is asked for). A period that cannot be read shows the errors and reads no case.
pub async fn index(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(source): Extension<Source>,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let asked = asked(&query, state.today());
    let Some(period) = asked.period else {
        return page(&state, &p, asked, None);
    };
    let (figures, counted, all) = compute(&state, &p, &source, period).await?;
    let view = View::new(&figures, counted, all);
    page(&state, &p, asked, Some(view))
}

/// The figures as CSV: "Figure,Value" then one row a figure. A period that cannot be read
/// gives the page with its errors instead.
pub async fn csv(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(source): Extension<Source>,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let asked = asked(&query, state.today());
    let Some(period) = asked.period else {
        return page(&state, &p, asked, None);
    };
    let (figures, counted, all) = compute(&state, &p, &source, period).await?;
    let mut rows = figures.to_csv_rows();
    if counted < all {
        rows.push(("Cases counted".to_owned(), counted.to_string()));
        rows.push(("Cases of the partnership".to_owned(), all.to_string()));
    }
    let mut body = cspr_export::csv::Csv::new().record(&["Figure", "Value"]);
    for (figure, value) in &rows {
        body.push(&[figure, value]);
    }
    Ok(crate::download::file(
        body.finish(),
        "text/csv; charset=utf-8",
        &format!("cspr-figures-{}-{}.csv", period.from, period.to),
    ))
}
