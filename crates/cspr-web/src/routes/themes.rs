//! Recurrent learning themes: which themes arose in which cases, year by year, with the
//! recommendations made each time (the counting is `cspr_app::learning`).

use askama::Template;
use axum::extract::Query;
use axum::response::{Html, IntoResponse, Response};
use cspr_app::learning::{self, Earlier, ThemeCount};
use cspr_domain::ids::CaseId;
use serde::Deserialize;
use uuid::Uuid;

use crate::WebError;
use crate::extract::Signed;
use crate::layout::Chrome;

#[derive(Template)]
#[template(path = "pages/themes.html")]
struct ThemesPage {
    chrome: Chrome,
    years: Vec<i32>,
    rows: Vec<ThemeCount>,
    /// The chosen theme, with its cases.
    chosen: Option<(String, Vec<Earlier>)>,
}

/// Which theme to open.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ThemeQuery {
    theme: String,
}

/// The recurrent-themes view.
pub async fn index(
    Signed(state, p, source): Signed,
    Query(query): Query<ThemeQuery>,
) -> Result<Response, WebError> {
    let table = learning::theme_table(&state, &p).await?;
    let chosen = match table.find(&query.theme) {
        None => None,
        Some(name) => {
            let themes = [query.theme.clone()];
            let none = CaseId::from_uuid(Uuid::nil());
            let cases = learning::earlier(&state, &p, &source, &themes, none).await?;
            Some((name.to_owned(), cases))
        }
    };
    let page = ThemesPage {
        chrome: Chrome::signed_in(&state, &p, "/themes"),
        years: table.years,
        rows: table.rows,
        chosen,
    };
    Ok(Html(page.render()?).into_response())
}
