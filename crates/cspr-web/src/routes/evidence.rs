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
use std::io::Cursor;

use askama::Template;
use axum::extract::Path;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cspr_domain::case::model::{ActionState, Attachment};
use cspr_domain::case::{Case, Command};
use cspr_domain::ids::ActionId;
use uuid::Uuid;

use crate::access::CaseAccess;
use crate::layout::Chrome;
use crate::reader::{self};
use crate::{AppState, WebError};

/// The largest file accepted: 10 MiB.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// The longest file name kept, in characters.
const MAX_NAME_CHARS: usize = 100;

/// The most entries a Word document may have (they have a few dozen).
const MAX_DOCX_ENTRIES: usize = 2_000;

/// The most a Word document may declare it holds once unpacked (a guard against zip bombs: the
/// file is never unpacked here, but it will be opened by whoever downloads it).
const MAX_DOCX_UNPACKED: u128 = 200 * 1024 * 1024;

/// The types accepted: (extension, media type, name in messages).
const TYPES: [(&str, &str, &str); 5] = [
    ("pdf", "application/pdf", "PDF"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document (.docx)",
    ),
    ("png", "image/png", "PNG image"),
    ("jpg", "image/jpeg", "JPEG image"),
    ("jpeg", "image/jpeg", "JPEG image"),
];

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

/// The file name as kept: no folders, no control characters, at most [`MAX_NAME_CHARS`]
/// characters with its extension kept.
#[must_use]
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let tidy: String = base
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let tidy = tidy.trim().trim_start_matches('.').trim().to_owned();
    if tidy.chars().count() <= MAX_NAME_CHARS {
        return tidy;
    }
    let (stem, ext) = match tidy.rsplit_once('.') {
        Some((s, e)) if e.chars().count() <= 10 => (s.to_owned(), format!(".{e}")),
        _ => (tidy.clone(), String::new()),
    };
    let keep = MAX_NAME_CHARS - ext.chars().count();
    let stem: String = stem.chars().take(keep).collect();
    format!("{}{ext}", stem.trim_end())
}

/// Whether the bytes are what the extension says.
fn content_matches(ext: &str, bytes: &[u8]) -> bool {
    match ext {
        "pdf" => bytes.starts_with(b"%PDF-"),
        "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "docx" => is_word_document(bytes),
        _ => false,
    }
}

/// A zip whose directory names `word/document.xml`, with a bounded number of entries and a
/// bounded declared unpacked size. Nothing is unpacked.
fn is_word_document(bytes: &[u8]) -> bool {
    if !bytes.starts_with(b"PK\x03\x04") {
        return false;
    }
    let Ok(archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    archive.len() <= MAX_DOCX_ENTRIES
        && archive
            .decompressed_size()
            .is_some_and(|n| n <= MAX_DOCX_UNPACKED)
        && archive.index_for_name("word/document.xml").is_some()
}

/// A checked file: (kept name, media type), or the message to show.
pub(crate) fn check(upload: &Upload) -> Result<(String, &'static str), String> {
    let name = clean_name(&upload.name);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let Some((_, media, what)) = TYPES.iter().find(|t| t.0 == ext) else {
        return Err(
            "The selected file must be a PDF, Word document (.docx), PNG or JPG".to_owned(),
        );
    };
    if upload.too_large {
        return Err("The selected file must be smaller than 10 MB".to_owned());
    }
    if upload.bytes.is_empty() {
        return Err("The selected file is empty".to_owned());
    }
    if !content_matches(&ext, &upload.bytes) {
        return Err(format!(
            "The file is not a {what}: its contents do not match its name ending .{ext}"
        ));
    }
    let name = if name
        .rsplit_once('.')
        .is_some_and(|(stem, _)| !stem.is_empty())
    {
        name
    } else {
        format!("evidence.{ext}")
    };
    Ok((name, media))
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
    let content_type = if TYPES.iter().any(|t| t.1 == blob.content_type) {
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
    fn names_lose_their_folders_and_are_capped() {
        assert_eq!(clean_name("C:\\Users\\me\\plan.pdf"), "plan.pdf");
        assert_eq!(clean_name("../../etc/passwd.pdf"), "passwd.pdf");
        assert_eq!(clean_name("a\r\nb.pdf"), "a__b.pdf");
        let long = format!("{}.docx", "x".repeat(300));
        let kept = clean_name(&long);
        assert_eq!(kept.chars().count(), MAX_NAME_CHARS);
        assert!(kept.ends_with(".docx"));
    }

    #[test]
    fn content_must_agree_with_the_extension() {
        assert!(content_matches("pdf", b"%PDF-1.4\n"));
        assert!(!content_matches("pdf", b"\x89PNG\r\n\x1a\n"));
        assert!(content_matches("png", b"\x89PNG\r\n\x1a\nrest"));
        assert!(content_matches("jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]));
        assert!(!content_matches("docx", b"PK\x03\x04 not really a zip"));
    }

    #[test]
    fn sizes_in_words() {
        assert_eq!(size_words(12), "12 bytes");
        assert_eq!(size_words(2048), "2 KB");
        assert_eq!(size_words(1_572_864), "1.5 MB");
    }
}
