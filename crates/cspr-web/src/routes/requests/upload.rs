//! Files added to a draft and chronologies uploaded as CSV or XLSX, and the template for them.

use super::Kind;
use crate::access::refuse;
use crate::extract::OnCase;

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use axum::response::Response;
use cspr_app::answers::{self, AnswerError};
use cspr_app::policy::{Answerer, answerer};
use cspr_domain::case::model::ContributionKind;
use cspr_domain::chronology::TEMPLATE_COLUMNS;
use cspr_export::import::ImportError;

use super::respond::{RespondInput, Target, answer_error, respond_page, target};
use crate::access::CaseAccess;
use crate::reader::Source;
use crate::routes::evidence;
use crate::{AppState, WebError};

/// Adds a file (PDF, DOCX, PNG, JPEG; checked like evidence) to the draft.
pub async fn attach(
    OnCase(state, access, source): OnCase,
    Kind(kind): Kind,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let (t, who) = answering(&state, &access, &source, kind).await?;
    let upload = match multipart {
        Ok(mut m) => evidence::read_upload(&mut m).await,
        Err(_) => Ok(None),
    };
    let checked = match upload {
        Ok(Some(u)) => evidence::check(&u).map(|(name, media)| (u, name, media)),
        Ok(None) => Err("Select a file".to_owned()),
        Err(m) => Err(m),
    };
    let message = match checked {
        Err(m) => m,
        Ok((upload, name, media)) => {
            let file = cspr_app::files::NewFile {
                name: &name,
                media_type: media,
                bytes: &upload.bytes,
            };
            let actor = state.actor_for(access.principal());
            match answers::attach_file(&state.app(), &who, file, actor).await {
                Ok(_) => return Ok(done(&access, &t, "file")),
                Err(AnswerError::Settled) => {
                    "The response has been sent: files can be added while it is a draft".to_owned()
                }
                Err(e) => answer_error(e)?.1,
            }
        }
    };
    let input = RespondInput {
        file_error: message,
        status: StatusCode::UNPROCESSABLE_ENTITY,
        ..RespondInput::default()
    };
    respond_page(&state, &access, &source, &t, input).await
}

/// Reads an uploaded chronology (CSV or XLSX) and adds its entries to the draft; a file with any
/// bad row adds nothing, and every bad row is reported with its line and reason.
pub async fn import(
    OnCase(state, access, source): OnCase,
    Kind(kind): Kind,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let (t, who) = answering(&state, &access, &source, kind).await?;
    if t.kind != ContributionKind::Chronology {
        return Err(WebError::NotFound);
    }
    let upload = match multipart {
        Ok(mut m) => evidence::read_upload(&mut m).await,
        Err(_) => Ok(None),
    };
    let (message, lines) = match upload {
        Ok(None) => ("Select a CSV or XLSX file".to_owned(), Vec::new()),
        Err(m) => (m, Vec::new()),
        Ok(Some(upload)) => {
            let actor = state.actor_for(access.principal());
            let added = answers::import_chronology(
                &state.app(),
                &who,
                &upload.name,
                &upload.bytes,
                upload.too_large,
                actor,
            )
            .await;
            match added {
                Ok(_) => return Ok(done(&access, &t, "imported")),
                Err(AnswerError::Settled) => (
                    "The chronology has been sent: entries can be added while it is a draft"
                        .to_owned(),
                    Vec::new(),
                ),
                Err(AnswerError::Import(ImportError::File(m))) => (m, Vec::new()),
                Err(AnswerError::Import(ImportError::Rows(rows))) => bad_rows(rows),
                Err(e) => (answer_error(e)?.1, Vec::new()),
            }
        }
    };
    let input = RespondInput {
        import_error: message,
        import_errors: lines,
        status: StatusCode::UNPROCESSABLE_ENTITY,
        ..RespondInput::default()
    };
    respond_page(&state, &access, &source, &t, input).await
}

/// The request a file is for and the capability to answer it, or the refusal (logged).
async fn answering(
    state: &AppState,
    access: &CaseAccess,
    source: &Source,
    kind: ContributionKind,
) -> Result<(Target, Answerer), WebError> {
    let t = target(access, kind)?;
    match answerer(access, t.kind) {
        Some(who) => Ok((t, who)),
        None => Err(refuse(state, access, source, "answer a request for another agency").await),
    }
}

/// Back to the request with the banner for what was done.
/// Back to the answer, with a banner saying what was just `done`.
pub(super) fn done(access: &CaseAccess, t: &Target, what: &str) -> Response {
    crate::access::to_case(
        access,
        &format!(
            "agencies/{}/requests/{}?done={what}",
            t.agency,
            t.kind.slug()
        ),
    )
}

/// The message and the list of lines for a file with bad rows.
fn bad_rows(rows: Vec<(usize, Vec<String>)>) -> (String, Vec<String>) {
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
    (message, lines)
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
