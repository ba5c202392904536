//! The partnership's yearly figures for a chosen period (issue 9): tables of every figure, bar
//! charts drawn on the server as SVG (each bar carries its words and its number, so nothing
//! rests on colour), and the same figures as CSV. Every case read for them is audited.
//!
//! [`period`] reads the period asked for; [`charts`] draws the figures; this module answers the
//! page and the CSV from the figures `cspr_app::learning` counts.

mod charts;
mod period;

use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use cspr_app::learning;

use self::charts::{BAR_MAX, CHART_WIDTH, View};
use self::period::{Asked, DateBoxes, PeriodQuery, asked};
use crate::access::Principal;
use crate::extract::Signed;
use crate::layout::Chrome;
use crate::reader::Source;
use crate::{AppState, WebError};

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

/// The period asked for and its figures, or the page with the period's errors (no case read).
async fn figures_asked(
    state: &AppState,
    p: &Principal,
    source: &Source,
    query: &PeriodQuery,
) -> Result<(Asked, learning::Figures), Response> {
    let asked = asked(query, state.today());
    let Some(period) = asked.period else {
        return Err(page(state, p, asked, None).into_response());
    };
    let f = learning::yearly_figures(state, p, source, period)
        .await
        .map_err(|e| WebError::from(e).into_response())?;
    Ok((asked, f))
}

/// The figures page: the form for the period, then the figures (the current reporting year when
/// no period is asked for). A period that cannot be read shows the errors and reads no case.
pub async fn index(
    Signed(state, p, source): Signed,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, Response> {
    let (asked, f) = figures_asked(&state, &p, &source, &query).await?;
    let view = View::new(&f.figures, &f.trend, f.counted, f.all);
    Ok(page(&state, &p, asked, Some(view)).into_response())
}

/// The figures as CSV: "Figure,Value" then one row a figure. A period that cannot be read
/// gives the page with its errors instead.
pub async fn csv(
    Signed(state, p, source): Signed,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, Response> {
    let (_, f) = figures_asked(&state, &p, &source, &query).await?;
    let period = f.figures.period;
    let mut body = cspr_export::csv::Csv::new().record(&["Figure", "Value"]);
    for (figure, value) in &f.rows() {
        body.push(&[figure, value]);
    }
    Ok(crate::download::file(
        body.finish(),
        "text/csv; charset=utf-8",
        &format!("cspr-figures-{}-{}.csv", period.from, period.to),
    ))
}
