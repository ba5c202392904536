//! The briefing as PDF and DOCX.

use axum::extract::Path;
use axum::response::Response;
use cspr_app::briefings;
use uuid::Uuid;

use crate::access::Principal;
use crate::extract::Signed;
use crate::{AppState, WebError};

use super::*;

/// The briefing as a document, with its linked reviews as the library knows them.
async fn document(
    state: &AppState,
    p: &Principal,
    id: Uuid,
) -> Result<cspr_export::Document, WebError> {
    let b = briefings::get(state, p, id).await?;
    let names = agency_names(state, p).await?;
    let mut reviews = Vec::new();
    for rid in &b.content.reviews {
        reviews.push(match cspr_app::library::record(state, rid).await? {
            Some(r) => cspr_export::briefing::LinkedReview {
                title: r.title,
                source: format!("{}, {}", r.partnership, r.published_on.year()),
                url: r.url,
            },
            None => cspr_export::briefing::LinkedReview {
                title: rid.clone(),
                source: "not in the library".to_owned(),
                url: String::new(),
            },
        });
    }
    Ok(cspr_export::briefing::document(
        &b,
        &reviews,
        &|a| name_of(&names, a),
        state.partnership_name(),
    ))
}

/// The briefing as a PDF.
pub async fn pdf(Signed(state, p, _): Signed, Path(id): Path<Uuid>) -> Result<Response, WebError> {
    let doc = document(&state, &p, id).await?;
    let bytes = tokio::task::spawn_blocking(move || cspr_export::to_pdf(&doc))
        .await
        .map_err(|e| WebError::Internal(format!("the briefing's PDF task failed: {e}")))?
        .map_err(|e| WebError::Internal(format!("the briefing's PDF failed: {e}")))?;
    Ok(crate::download::file(
        bytes,
        "application/pdf",
        "briefing.pdf",
    ))
}

/// The briefing as a Word document.
pub async fn docx(Signed(state, p, _): Signed, Path(id): Path<Uuid>) -> Result<Response, WebError> {
    let doc = document(&state, &p, id).await?;
    let bytes = cspr_export::to_docx(&doc)
        .map_err(|e| WebError::Internal(format!("the briefing's DOCX failed: {e}")))?;
    Ok(crate::download::file(
        bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "briefing.docx",
    ))
}
