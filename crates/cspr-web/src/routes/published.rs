//! A published review's public pages: no sign-in. They read only what was stored at
//! publication (title, date, themes, summary, the PDF without document metadata), never a
//! case; a withdrawn report's page and PDF are no longer served. The list is the search of
//! `routes/library.rs`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use cspr_domain::words::long_date;
use uuid::Uuid;

use crate::layout::Chrome;
use crate::{AppState, WebError};

fn size_words(size: u64) -> String {
    const KB: u64 = 1024;
    if size >= KB * KB {
        let tenths = (size * 10 + KB * KB / 2) / (KB * KB);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} KB", size.div_ceil(KB))
    }
}

/// A published report's PDF, as an attachment; "not found" once withdrawn.
pub async fn pdf(
    State(state): State<AppState>,
    Path(report_id): Path<String>,
) -> Result<Response, WebError> {
    let id = Uuid::parse_str(&report_id).map_err(|_| WebError::NotFound)?;
    let Some((_, bytes)) = state
        .store()
        .published_pdf(state.config().partnership_id.as_uuid(), id)
        .await?
    else {
        return Err(WebError::NotFound);
    };
    Ok(crate::download::file(
        bytes,
        "application/pdf",
        &format!("published-review-{id}.pdf"),
    ))
}

#[derive(Template)]
#[template(path = "pages/published_improvements.html")]
struct ImprovementsPage {
    chrome: Chrome,
    title: String,
    published_on: String,
    summary: String,
    themes: String,
    items: Vec<cspr_store::Improvement>,
    /// For a report: its PDF's address and size words; empty for information about the
    /// improvements.
    download: Option<(String, String)>,
}

/// A published review's page: the report's summary with its PDF, or the information about the
/// improvements published instead of a report; "not found" once withdrawn.
pub async fn improvements(
    State(state): State<AppState>,
    Path(report_id): Path<String>,
) -> Result<Response, WebError> {
    let id = Uuid::parse_str(&report_id).map_err(|_| WebError::NotFound)?;
    let partnership = state.config().partnership_id.as_uuid();
    let Some(page) = state
        .store()
        .published_reports(partnership)
        .await?
        .into_iter()
        .find(|r| r.id == id)
    else {
        return Err(WebError::NotFound);
    };
    let download = page.improvements.is_none().then(|| {
        (
            format!("/published-reviews/{id}/report.pdf"),
            size_words(page.pdf_size),
        )
    });
    let view = ImprovementsPage {
        chrome: Chrome::signed_out(&state),
        title: page.title,
        published_on: long_date(page.published_on),
        summary: page.summary,
        themes: page.themes.join(", "),
        items: page.improvements.map(|i| i.items).unwrap_or_default(),
        download,
    };
    Ok(Html(view.render()?).into_response())
}
