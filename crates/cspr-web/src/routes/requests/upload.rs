//! Files added to a draft and chronologies uploaded as CSV or XLSX, and the template for them.

use crate::access::refuse;

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cspr_domain::case::Command;
use cspr_domain::case::model::{ContributionKind, ResponseFile};
use cspr_domain::chronology::TEMPLATE_COLUMNS;
use uuid::Uuid;

use super::import;

use super::execute;
use super::respond::{RespondInput, draft_of, respond_page, target};
use crate::access::CaseAccess;
use crate::reader::{self, Source};
use crate::routes::evidence;
use crate::{AppState, WebError};

/// Adds a file (PDF, DOCX, PNG, JPEG; checked like evidence) to the draft.
pub async fn attach(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, _, slug)): Path<(Uuid, Uuid, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let t = target(&access, &slug)?;
    let p = access.principal().clone();
    if !cspr_app::policy::may_answer_for_agency(&p, t.agency) {
        return Err(refuse(
            &state,
            &access,
            &source,
            "answer a request for another agency",
        )
        .await);
    }
    let (case, _) = reader::load_case(&state, &access, "answer-request", &source).await?;
    let request = case
        .contributions
        .get(&(t.kind, t.agency))
        .ok_or(WebError::NotFound)?;
    let fail = |m: String| RespondInput {
        file_error: m,
        status: StatusCode::UNPROCESSABLE_ENTITY,
        ..RespondInput::default()
    };
    let Ok(mut multipart) = multipart else {
        return respond_page(
            &state,
            &access,
            &source,
            &t,
            fail("Select a file".to_owned()),
        )
        .await;
    };
    let upload = match evidence::read_upload(&mut multipart).await {
        Ok(Some(u)) => u,
        Ok(None) => {
            return respond_page(
                &state,
                &access,
                &source,
                &t,
                fail("Select a file".to_owned()),
            )
            .await;
        }
        Err(m) => return respond_page(&state, &access, &source, &t, fail(m)).await,
    };
    let (name, media) = match evidence::check(&upload) {
        Ok(x) => x,
        Err(m) => return respond_page(&state, &access, &source, &t, fail(m)).await,
    };
    if request.is_settled() {
        return respond_page(
            &state,
            &access,
            &source,
            &t,
            fail("The response has been sent: files can be added while it is a draft".to_owned()),
        )
        .await;
    }
    let draft = draft_of(request);
    let size = upload.bytes.len() as u64;
    let attach = |blob| {
        let mut draft = draft.clone();
        draft.form.attachments.push(ResponseFile {
            blob,
            name: name.clone(),
            media_type: media.to_owned(),
            size,
        });
        Command::SaveContributionDraft {
            kind: t.kind,
            agency: t.agency,
            draft,
        }
    };
    let file = cspr_app::files::NewFile {
        name: &name,
        media_type: media,
        bytes: &upload.bytes,
    };
    match cspr_app::files::attach(
        &state.app(),
        access.case_id(),
        file,
        attach,
        state.actor(p.user_id),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/cases/{}/agencies/{}/requests/{slug}?done=file",
            access.case_id(),
            t.agency
        ))
        .into_response()),
        Err(e) => {
            let m = crate::refused(e)?;
            respond_page(&state, &access, &source, &t, fail(m)).await
        }
    }
}

/// Reads an uploaded chronology (CSV or XLSX) and adds its entries to the draft; a file with any
/// bad row adds nothing, and every bad row is reported with its line and reason.
pub async fn import(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, _, slug)): Path<(Uuid, Uuid, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let t = target(&access, &slug)?;
    let p = access.principal().clone();
    if !cspr_app::policy::may_answer_for_agency(&p, t.agency) {
        return Err(refuse(
            &state,
            &access,
            &source,
            "answer a request for another agency",
        )
        .await);
    }
    if t.kind != ContributionKind::Chronology {
        return Err(WebError::NotFound);
    }
    let (case, _) = reader::load_case(&state, &access, "answer-request", &source).await?;
    let request = case
        .contributions
        .get(&(t.kind, t.agency))
        .ok_or(WebError::NotFound)?;
    let fail = |m: String, rows: Vec<String>| RespondInput {
        import_error: m,
        import_errors: rows,
        status: StatusCode::UNPROCESSABLE_ENTITY,
        ..RespondInput::default()
    };
    let upload = match multipart {
        Ok(mut m) => evidence::read_upload(&mut m).await,
        Err(_) => Ok(None),
    };
    let upload = match upload {
        Ok(Some(u)) => u,
        Ok(None) => {
            return respond_page(
                &state,
                &access,
                &source,
                &t,
                fail("Select a CSV or XLSX file".to_owned(), Vec::new()),
            )
            .await;
        }
        Err(m) => return respond_page(&state, &access, &source, &t, fail(m, Vec::new())).await,
    };
    if request.is_settled() {
        return respond_page(
            &state,
            &access,
            &source,
            &t,
            fail(
                "The chronology has been sent: entries can be added while it is a draft".to_owned(),
                Vec::new(),
            ),
        )
        .await;
    }
    let entries = match import::read_chronology(&upload.name, &upload.bytes, upload.too_large) {
        Ok(entries) => entries,
        Err(import::ImportError::File(m)) => {
            return respond_page(&state, &access, &source, &t, fail(m, Vec::new())).await;
        }
        Err(import::ImportError::Rows(rows)) => {
            let n = rows.len();
            let lines = rows
                .into_iter()
                .map(|(line, reasons)| format!("Line {line}: {}", reasons.join(". ")))
                .collect();
            let message = format!(
                "Nothing was added: {} of the file cannot be read. Correct {} and upload the file again",
                cspr_domain::words::plural(i64::try_from(n).unwrap_or(i64::MAX), "row", "rows"),
                if n == 1 { "it" } else { "them" }
            );
            return respond_page(&state, &access, &source, &t, fail(message, lines)).await;
        }
    };
    let mut draft = draft_of(request);
    draft.chronology.extend(entries);
    let command = Command::SaveContributionDraft {
        kind: t.kind,
        agency: t.agency,
        draft,
    };
    match execute(&state, &p, access.case_id(), command).await? {
        Ok(()) => Ok(Redirect::to(&format!(
            "/cases/{}/agencies/{}/requests/{slug}?done=imported",
            access.case_id(),
            t.agency
        ))
        .into_response()),
        Err(m) => respond_page(&state, &access, &source, &t, fail(m, Vec::new())).await,
    }
}

/// The template for uploaded chronologies, as CSV.
pub async fn template() -> Response {
    let csv = cspr_export::csv::Csv::new()
        .record(&TEMPLATE_COLUMNS)
        .record(&[
            "2024-03-05",
            "14:30",
            "Case notes",
            "Home visit by the health visitor; the baby was seen.",
            "Health visitor",
            "First sight of the new partner",
            "",
        ])
        .finish();
    crate::download::file(csv, "text/csv; charset=utf-8", "chronology-template.csv")
}
