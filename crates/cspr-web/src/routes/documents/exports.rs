//! The exports of a document: made in the background, listed on the document page, and
//! downloaded from there, each download written to the access log.

use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use cspr_domain::documents::ExportFormat;
use serde::Deserialize;
use uuid::Uuid;

use super::page::document_page;
use super::{FamilyForm, document_of, kind_of, may_export};
use crate::access::refuse;
use crate::extract::OnCase;
use crate::{ValidForm, WebError};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExportForm {
    format: String,
}

/// `POST /cases/{case_id}/documents/{document}/exports`: asks for an export.
pub async fn export(
    OnCase(state, access, source): OnCase,
    Path((_, slug)): Path<(Uuid, String)>,
    ValidForm(form): ValidForm<ExportForm>,
) -> Result<Response, WebError> {
    let (kind, case) =
        document_of((&state, &access, &source), &slug, "request-document-export").await?;
    if !may_export(access.principal()) {
        return Err(refuse(&state, &access, &source, "export a document").await);
    }
    let Some(format) = ExportFormat::parse(&form.format) else {
        return document_page(
            &state,
            &access,
            &case,
            kind,
            "",
            vec![(
                "#format".to_owned(),
                "Select the format of the export".to_owned(),
            )],
            FamilyForm::default(),
        )
        .await;
    };
    let request = crate::exports::ExportRequest {
        case_id: access.case_id().as_uuid(),
        export_id: Uuid::new_v4(),
        document: kind,
        format,
        requested_by: access.principal().user_id.as_uuid(),
    };
    crate::exports::request(&state, request).await?;
    Ok(Redirect::to(&format!(
        "/cases/{}/documents/{}?done=export#exports",
        request.case_id,
        kind.slug()
    ))
    .into_response())
}

/// `GET /cases/{case_id}/documents/{document}/exports/{export_id}`: the file, as an
/// attachment; the download is written to the access log first.
pub async fn download(
    OnCase(state, access, source): OnCase,
    Path((_, slug, export_id)): Path<(Uuid, String, String)>,
) -> Result<Response, WebError> {
    let kind = kind_of(&slug)?;
    let export_id = Uuid::parse_str(&export_id).map_err(|_| WebError::NotFound)?;
    if !may_export(access.principal()) {
        return Err(refuse(&state, &access, &source, "download a document export").await);
    }
    let Some(file) = crate::exports::fetch(
        &state,
        &access,
        kind,
        export_id,
        "download-document-export",
        &source,
    )
    .await?
    else {
        return Err(WebError::NotFound);
    };
    Ok(crate::download::file(
        file.bytes,
        file.media_type,
        &file.file_name,
    ))
}
