//! Comments on a section of a document: a comment or a reply in a thread (everyone who reads
//! the case, an agency representative for their own agency), and resolving a thread (the
//! independent reviewer and the partnership team).

use axum::extract::Path;
use axum::response::Response;
use cspr_domain::case::Command;
use cspr_domain::documents::SectionComment;
use cspr_domain::vocab::NonEmptyText;
use serde::Deserialize;
use uuid::Uuid;

use super::sections::Section;
use super::{execute, may_resolve};
use crate::access::{Role, refuse};
use crate::extract::OnCase;
use crate::{ValidForm, WebError};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CommentForm {
    comment: String,
    reply_to: String,
}

/// `POST /cases/{case_id}/documents/{document}/sections/{section}/comments`: a comment, or a
/// reply in a thread.
pub async fn comment(
    OnCase(state, access, source): OnCase,
    Path((_, slug, key)): Path<(Uuid, String, String)>,
    ValidForm(form): ValidForm<CommentForm>,
) -> Result<Response, WebError> {
    let at = Section::open(
        (&state, &access, &source),
        (&slug, &key),
        "comment-on-document",
    )
    .await?;
    let (kind, spec) = (at.kind, at.spec);
    if !kind.exists_for(&at.case) {
        return Err(WebError::NotFound);
    }
    let p = access.principal();
    let reply_to = if form.reply_to.trim().is_empty() {
        None
    } else {
        Some(Uuid::parse_str(form.reply_to.trim()).map_err(|_| WebError::BadRequest)?)
    };
    let field = reply_to.map_or_else(|| "#comment".to_owned(), |r| format!("#reply-{r}"));
    let Ok(text) = NonEmptyText::parse(form.comment.trim()) else {
        let error = (field, "Enter your comment".to_owned());
        return at.page(None, String::new(), vec![error]).await;
    };
    let command = Command::CommentOnSection {
        comment: SectionComment {
            id: Uuid::new_v4(),
            document: kind,
            section: spec.key.to_owned(),
            agency: if p.role == Role::AgencyRepresentative {
                p.agency_id
            } else {
                None
            },
            reply_to,
            author: p.user_id,
            at: state.now(),
            text,
            resolved: None,
        },
    };
    match execute(&state, &access, None, command).await? {
        Ok(()) => Ok(at.back(&at.comments())),
        Err(message) => at.page(None, form.comment, vec![(field, message)]).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResolveForm {
    note: String,
}

/// `POST /cases/{case_id}/documents/{document}/sections/{section}/comments/{comment_id}/resolve`.
pub async fn resolve(
    OnCase(state, access, source): OnCase,
    Path((_, slug, key, comment_id)): Path<(Uuid, String, String, String)>,
    ValidForm(form): ValidForm<ResolveForm>,
) -> Result<Response, WebError> {
    let comment_id = Uuid::parse_str(&comment_id).map_err(|_| WebError::NotFound)?;
    let at = Section::open(
        (&state, &access, &source),
        (&slug, &key),
        "resolve-document-comment",
    )
    .await?;
    let (kind, spec, case) = (at.kind, at.spec, &at.case);
    if !may_resolve(access.principal()) {
        return Err(refuse(&state, &access, &source, "resolve a comment").await);
    }
    if case
        .documents
        .comment(comment_id)
        .is_none_or(|c| c.document != kind || c.section != spec.key)
    {
        return Err(WebError::NotFound);
    }
    let note = NonEmptyText::parse(form.note.trim()).ok();
    let command = Command::ResolveSectionComment {
        comment_id,
        note,
        at: state.now(),
    };
    match execute(&state, &access, None, command).await? {
        Ok(()) => Ok(at.back(&at.comments())),
        Err(message) => {
            let error = (format!("#resolve-{comment_id}"), message);
            at.page(None, String::new(), vec![error]).await
        }
    }
}
