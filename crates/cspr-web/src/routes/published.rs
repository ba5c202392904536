//! The public page of published reviews: no sign-in. It reads only what was stored at
//! publication (title, date, themes, summary, the PDF without document metadata), never a
//! case; a withdrawn report is gone from the list and its PDF is no longer served.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use cspr_domain::words::long_date;
use uuid::Uuid;

use crate::layout::Chrome;
use crate::{AppState, WebError};

/// One report in the list.
struct Listed {
    title: String,
    published_on: String,
    themes: String,
    summary: String,
    href: String,
    /// "PDF, 120 KB" for a report; empty for a page about the improvements.
    size: String,
}

#[derive(Template)]
#[template(path = "pages/published_reviews.html")]
struct PublishedPage {
    chrome: Chrome,
    reports: Vec<Listed>,
}

fn size_words(size: u64) -> String {
    const KB: u64 = 1024;
    if size >= KB * KB {
        let tenths = (size * 10 + KB * KB / 2) / (KB * KB);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} KB", size.div_ceil(KB))
    }
}

/// The list of published reviews.
pub async fn index(State(state): State<AppState>) -> Result<Response, WebError> {
    let reports = state
        .store()
        .published_reports(state.config().partnership_id.as_uuid())
        .await?
        .into_iter()
        .map(|r| Listed {
            title: r.title,
            published_on: long_date(r.published_on),
            themes: r.themes.join(", "),
            summary: r.summary,
            href: if r.improvements.is_some() {
                format!("/published-reviews/{}", r.id)
            } else {
                format!("/published-reviews/{}/report.pdf", r.id)
            },
            size: if r.improvements.is_some() {
                String::new()
            } else {
                size_words(r.pdf_size)
            },
        })
        .collect();
    let page = PublishedPage {
        chrome: Chrome::signed_out(&state),
        reports,
    };
    Ok(Html(page.render()?).into_response())
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
}

/// Information about the improvements a review led to, published instead of its report; "not
/// found" once withdrawn, and for a report (a PDF).
pub async fn improvements(
    State(state): State<AppState>,
    Path(report_id): Path<String>,
) -> Result<Response, WebError> {
    let id = Uuid::parse_str(&report_id).map_err(|_| WebError::NotFound)?;
    let Some(page) = state
        .store()
        .published_improvements(state.config().partnership_id.as_uuid(), id)
        .await?
    else {
        return Err(WebError::NotFound);
    };
    let view = ImprovementsPage {
        chrome: Chrome::signed_out(&state),
        title: page.title,
        published_on: long_date(page.published_on),
        summary: page.summary,
        themes: page.themes.join(", "),
        items: page.improvements.map(|i| i.items).unwrap_or_default(),
    };
    Ok(Html(view.render()?).into_response())
}
