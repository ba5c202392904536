//! A case's documents through the API: asking for an export (made in the background, as from
//! the document page), listing the exports ready, and downloading one. Who may export is the
//! pages' rule (`policy::may_export_documents`); every read of the case is audited.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cspr_domain::documents::{DocumentKind, EXPORT_KEPT_FOR, ExportFormat};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{ApiCase, ApiJson, Problem};
use crate::AppState;
use crate::access::CaseAccess;
use crate::reader::{self, Source};

/// What to export.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ExportAsked {
    /// `pdf`, `docx` or `html`.
    #[schema(schema_with = format_schema)]
    pub format: String,
}

fn format_schema() -> utoipa::openapi::schema::Object {
    super::docs::one_of_words(ExportFormat::ALL.iter().map(|f| f.extension()).collect())
}

/// An export asked for, or made.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportItem {
    /// Its id.
    pub export_id: Uuid,
    /// `pdf`, `docx` or `html`.
    pub format: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was made.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub made_at: OffsetDateTime,
    /// Until when it can be downloaded.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub available_until: OffsetDateTime,
}

/// An export asked for: where it will be.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportQueued {
    /// Its id.
    pub export_id: Uuid,
}

/// The document a path names, if the person may export the case's documents (a refusal is
/// logged, as on the pages).
async fn exportable(
    state: &AppState,
    access: &CaseAccess,
    source: &Source,
    slug: &str,
) -> Result<DocumentKind, Problem> {
    let kind = DocumentKind::from_slug(slug).ok_or_else(|| Problem::new("not-found"))?;
    if !cspr_app::policy::may_export_documents(access.principal()) {
        let refused = crate::access::refuse(state, access, source, "export a document").await;
        return Err(Problem::from(refused));
    }
    Ok(kind)
}

/// Asks for an export of a document (`rapid-review`, `terms-of-reference`, `overview-report`);
/// it is made in the background and listed when ready.
#[utoipa::path(post, path = "/cases/{case_id}/documents/{document}/exports", tag = "documents",
    params(("case_id" = Uuid, Path, description = "The case"),
        ("document" = String, Path, description = "rapid-review, terms-of-reference or overview-report")),
    request_body(content = ExportAsked, content_type = "application/json"),
    responses((status = 202, body = ExportQueued), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 410, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn export(
    ApiCase(state, access, source, _): ApiCase,
    Path((_, slug)): Path<(Uuid, String)>,
    ApiJson(body): ApiJson,
) -> Result<Response, Problem> {
    let kind = exportable(&state, &access, &source, &slug).await?;
    let asked: ExportAsked = serde_json::from_value(body)
        .map_err(|e| Problem::new("bad-request").detail(format!("The body is wrong: {e}")))?;
    let format = ExportFormat::parse(&asked.format)
        .ok_or_else(|| Problem::new("bad-request").detail("format is pdf, docx or html."))?;
    let (case, _) =
        reader::load_case_shared(&state, &access, "api-request-document-export", &source).await?;
    if !kind.exists_for(&case) {
        return Err(Problem::new("not-found").detail("The case has no such document yet."));
    }
    let request = cspr_app::exports::ExportRequest {
        case_id: access.case_id().as_uuid(),
        export_id: Uuid::new_v4(),
        document: kind,
        format,
        requested_by: access.principal().user_id.as_uuid(),
    };
    cspr_app::exports::request(&state, request).await?;
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(ExportQueued {
            export_id: request.export_id,
        }),
    )
        .into_response())
}

/// The exports of a document that can be downloaded now, newest first.
#[utoipa::path(get, path = "/cases/{case_id}/documents/{document}/exports", tag = "documents",
    params(("case_id" = Uuid, Path, description = "The case"),
        ("document" = String, Path, description = "rapid-review, terms-of-reference or overview-report")),
    responses((status = 200, body = Vec<ExportItem>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 410, body = Problem)),
    security(("bearer" = [])))]
pub async fn exports(
    ApiCase(state, access, source, _): ApiCase,
    Path((_, slug)): Path<(Uuid, String)>,
) -> Result<axum::Json<Vec<ExportItem>>, Problem> {
    let kind = exportable(&state, &access, &source, &slug).await?;
    let (case, _) =
        reader::load_case_shared(&state, &access, "api-list-document-exports", &source).await?;
    let now = state.now();
    let mut items: Vec<ExportItem> = case
        .documents
        .exports
        .iter()
        .filter(|e| e.document == kind && e.available(now))
        .map(|e| ExportItem {
            export_id: e.export_id,
            format: e.format.extension().to_owned(),
            size: e.size,
            made_at: e.made_at,
            available_until: e.made_at + EXPORT_KEPT_FOR,
        })
        .collect();
    items.sort_by_key(|e| std::cmp::Reverse(e.made_at));
    Ok(axum::Json(items))
}

/// One export's file.
#[utoipa::path(get, path = "/cases/{case_id}/documents/{document}/exports/{export_id}", tag = "documents",
    params(("case_id" = Uuid, Path, description = "The case"),
        ("document" = String, Path, description = "rapid-review, terms-of-reference or overview-report"),
        ("export_id" = Uuid, Path, description = "The export")),
    responses((status = 200, description = "The file", content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (String = "text/html"))),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 410, body = Problem)),
    security(("bearer" = [])))]
pub async fn download(
    ApiCase(state, access, source, _): ApiCase,
    Path((_, slug, export_id)): Path<(Uuid, String, String)>,
) -> Result<Response, Problem> {
    let kind = exportable(&state, &access, &source, &slug).await?;
    let export_id = Uuid::parse_str(&export_id).map_err(|_| Problem::new("not-found"))?;
    let file = cspr_app::exports::fetch(
        &state,
        &access,
        kind,
        export_id,
        "api-download-document-export",
        &source,
    )
    .await?
    .ok_or_else(|| Problem::new("not-found"))?;
    let mut response = crate::download::file(file.bytes, file.media_type, &file.file_name);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
