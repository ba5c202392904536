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
            href: format!("/published-reviews/{}/report.pdf", r.id),
            size: size_words(r.pdf_size),
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
