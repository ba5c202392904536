//! Files of evidence for an action of a case's action plan: the upload form, the upload and a
//! download.
//!
//! The rules (docs/SECURITY.md, "Files"):
//! - who may upload: the partnership team and the review subgroup (chair, subgroup member) for
//!   any action; an agency representative only for their own agency's actions. Anyone else who
//!   can see the case is refused, and the refusal is written to the access log;
//! - what: a PDF, a Word document (.docx), a PNG or a JPEG image of at most 10 MiB, whose
//!   content agrees with its extension (a .docx is a zip whose directory names
//!   `word/document.xml`, with a bounded count and declared size of entries); the file name is
//!   kept without any path and at most 100 characters long; the file is stored under a
//!   server-generated id, sealed with the case key;
//! - a bad upload comes back with the GOV.UK error summary (422) and stores nothing; a command
//!   the case refuses is checked before the file is stored;
//! - a download is written to the access log first, is served as an attachment with the type
//!   the upload was checked against (and `nosniff`, a header of every response).

use crate::access::refuse;
use crate::extract::OnCase;

use askama::Template;
use axum::extract::Path;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cspr_domain::case::model::{ActionState, Attachment};
use cspr_domain::case::{Case, Command};
use cspr_domain::ids::ActionId;
use cspr_export::upload;
use uuid::Uuid;

use crate::access::CaseAccess;
use crate::layout::Chrome;
use crate::reader::{self};
use crate::{AppState, WebError};

/// The largest file accepted: 10 MiB.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// The id of the file input, for the error summary's link.
const FIELD: &str = "file";

#[derive(Template)]
#[template(path = "pages/evidence.html")]
struct EvidencePage {
    chrome: Chrome,
    case_id: Uuid,
    action_id: Uuid,
    reference: String,
    description: String,
    agency: String,
    due: String,
    /// (href, message) for the error summary.
    errors: Vec<(String, String)>,
    /// The inline error of the file input.
    error: String,
    /// Files already attached: (href, name, what and when).
    files: Vec<(String, String, String)>,
}

/// The action of the path on the case, or "not found" (an id that is not a uuid included).
fn find_action<'a>(case: &'a Case, action_id: &str) -> Result<&'a ActionState, WebError> {
    let id = Uuid::parse_str(action_id).map_err(|_| WebError::NotFound)?;
    case.actions
        .get(&ActionId::from_uuid(id))
        .ok_or(WebError::NotFound)
}

/// "1.2 MB", "340 KB", "12 bytes".
pub(crate) fn size_words(size: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if size >= MB {
        let tenths = (size * 10 + MB / 2) / MB;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    } else if size >= KB {
        format!("{} KB", (size + KB / 2) / KB)
    } else if size == 1 {
        "1 byte".to_owned()
    } else {
        format!("{size} bytes")
    }
}

async fn page(
    state: &AppState,
    access: &CaseAccess,
    action: &ActionState,
    errors: &[String],
) -> Result<Response, WebError> {
    let p = access.principal();
    let case_id = access.case_id().as_uuid();
    let action_id = action.action.action_id.as_uuid();
    let agency = state
        .store()
        .agencies(p.partnership_id.as_uuid())
        .await?
        .into_iter()
        .find(|a| a.id == action.action.agency.as_uuid())
        .map_or_else(|| "An agency".to_owned(), |a| a.name);
    let files = action
        .attachments
        .iter()
        .map(|(on, a)| {
            (
                format!("/cases/{case_id}/evidence/{action_id}/{}", a.blob_id),
                a.file_name.clone(),
                format!(
                    "{}, added {}",
                    size_words(a.size),
                    cspr_domain::words::long_date(*on)
                ),
            )
        })
        .collect();
    let view = EvidencePage {
        chrome: Chrome::signed_in(state, p, "/cases"),
        case_id,
        action_id,
        reference: access.summary().reference.clone(),
        description: action.action.description.as_str().to_owned(),
        agency,
        due: cspr_domain::words::long_date(action.action.due_on),
        errors: errors
            .iter()
            .map(|m| (format!("#{FIELD}"), m.clone()))
            .collect(),
        error: errors.first().cloned().unwrap_or_default(),
        files,
    };
    crate::layout::render_form(&view, errors.is_empty(), StatusCode::UNPROCESSABLE_ENTITY)
}

/// The form again with one error (422).
async fn again(
    state: &AppState,
    access: &CaseAccess,
    action: &ActionState,
    message: String,
) -> Result<Response, WebError> {
    page(state, access, action, &[message]).await
}

/// The upload form of one action, with the files already attached.
pub async fn form(
    OnCase(state, access, source): OnCase,
    Path((_, action_id)): Path<(Uuid, String)>,
) -> Result<Response, WebError> {
    let (case, _) = reader::load_case(&state, &access, "view-evidence-form", &source).await?;
    let action = find_action(&case, &action_id)?;
    if !cspr_app::policy::may_add_evidence(access.principal(), action.action.agency) {
        return Err(refuse(&state, &access, &source, "attach evidence to an action").await);
    }
    page(&state, &access, action, &[]).await
}

/// A file as it arrived.
pub(crate) struct Upload {
    pub(crate) name: String,
    pub(crate) bytes: Vec<u8>,
    pub(crate) too_large: bool,
}

/// Reads the file field of the form; `Ok(None)` when no file was chosen. Stops reading past
/// [`MAX_FILE_BYTES`].
pub(crate) async fn read_upload(multipart: &mut Multipart) -> Result<Option<Upload>, String> {
    let unreadable = "The file could not be read: choose it again".to_owned();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| unreadable.clone())?
    {
        if field.name() != Some(FIELD) {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        let mut too_large = false;
        while let Some(chunk) = field.chunk().await.map_err(|_| unreadable.clone())? {
            if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                too_large = true;
                // Drain the rest without keeping it.
                while field
                    .chunk()
                    .await
                    .map_err(|_| unreadable.clone())?
                    .is_some()
                {}
                break;
            }
            bytes.extend_from_slice(&chunk);
        }
        if name.is_empty() && bytes.is_empty() {
            return Ok(None);
        }
        return Ok(Some(Upload {
            name,
            bytes,
            too_large,
        }));
    }
    Ok(None)
}

/// A checked file: (kept name, media type), or the message to show (the rules are
/// `cspr_export::upload`'s).
pub(crate) fn check(upload: &Upload) -> Result<(String, &'static str), String> {
    upload::check(&upload.name, &upload.bytes, upload.too_large)
}

/// Attaches a file of evidence to an action.
pub async fn upload(
    OnCase(state, access, source): OnCase,
    Path((_, action_id)): Path<(Uuid, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let (case, _) = reader::load_case(&state, &access, "upload-evidence", &source).await?;
    let action = find_action(&case, &action_id)?;
    let p = access.principal();
    if !cspr_app::policy::may_add_evidence(p, action.action.agency) {
        return Err(refuse(&state, &access, &source, "attach evidence to an action").await);
    }
    let fail = |m: String| again(&state, &access, action, m);
    let Ok(mut multipart) = multipart else {
        return fail("Select a file".to_owned()).await;
    };
    let upload = match read_upload(&mut multipart).await {
        Ok(Some(u)) => u,
        Ok(None) => return fail("Select a file".to_owned()).await,
        Err(m) => return fail(m).await,
    };
    let (name, media) = match check(&upload) {
        Ok(x) => x,
        Err(m) => return fail(m).await,
    };
    let command = |blob_id: Uuid| Command::AttachActionEvidence {
        action_id: action.action.action_id,
        on: state.today(),
        attachment: Attachment {
            blob_id,
            file_name: name.clone(),
            content_type: media.to_owned(),
            size: upload.bytes.len() as u64,
        },
    };
    let case_id = access.case_id();
    let file = cspr_app::files::NewFile {
        name: &name,
        media_type: media,
        bytes: &upload.bytes,
    };
    match cspr_app::files::attach(
        &state.app(),
        case_id,
        file,
        |_, blob| command(blob),
        state.actor_for(p),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{case_id}?done=evidence")).into_response()),
        Err(e) => fail(crate::refused(e)?).await,
    }
}

/// A file of evidence, as an attachment. The download is written to the access log first.
pub async fn download(
    OnCase(state, access, source): OnCase,
    Path((_, action_id, blob_id)): Path<(Uuid, String, String)>,
) -> Result<Response, WebError> {
    let (case, _) = reader::load_case(&state, &access, "download-evidence", &source).await?;
    let action = find_action(&case, &action_id)?;
    let blob_id = Uuid::parse_str(&blob_id).map_err(|_| WebError::NotFound)?;
    let Some((_, attachment)) = action
        .attachments
        .iter()
        .find(|(_, a)| a.blob_id == blob_id)
    else {
        return Err(WebError::NotFound);
    };
    let blob = state.store().get_blob(blob_id).await.map_err(|e| match e {
        cspr_store::StoreError::Shredded => WebError::NotFound,
        other => WebError::from(other),
    })?;
    if blob.case_id != access.case_id().as_uuid() {
        return Err(WebError::NotFound);
    }
    let content_type = if upload::is_accepted_media_type(&blob.content_type) {
        blob.content_type.clone()
    } else {
        "application/octet-stream".to_owned()
    };
    Ok(crate::download::file(
        blob.bytes,
        &content_type,
        &attachment.file_name,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_words() {
        assert_eq!(size_words(12), "12 bytes");
        assert_eq!(size_words(2048), "2 KB");
        assert_eq!(size_words(1_572_864), "1.5 MB");
    }
}
