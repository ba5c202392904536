//! The family's comments on the overview report, recorded by the independent reviewer or the
//! partnership team and shown on the report's page.

use axum::response::Response;
use cspr_domain::case::Command;
use cspr_domain::documents::{DocumentKind, FamilyComment};
use cspr_domain::vocab::NonEmptyText;

use super::page::document_page;
use super::{FamilyForm, date_of, execute, may_resolve};
use crate::access::refuse;
use crate::extract::OnCase;
use crate::reader::{self};
use crate::{ValidForm, WebError};

/// `POST /cases/{case_id}/documents/overview-report/family-comments`.
pub async fn family(
    OnCase(state, access, source): OnCase,
    ValidForm(form): ValidForm<FamilyForm>,
) -> Result<Response, WebError> {
    let kind = DocumentKind::OverviewReport;
    let (case, _) = reader::load_case(&state, &access, "record-family-comment", &source).await?;
    if !may_resolve(access.principal()) {
        return Err(refuse(&state, &access, &source, "record the family's comments").await);
    }
    let mut errors = Vec::new();
    let from = NonEmptyText::parse(form.from.trim());
    if from.is_err() {
        errors.push((
            "#from".to_owned(),
            "Enter who in the family made the comments".to_owned(),
        ));
    }
    let received = date_of(
        &form.received_day,
        &form.received_month,
        &form.received_year,
    );
    if received.is_none() {
        errors.push((
            "#received-day".to_owned(),
            "Enter the date the comments were received, like 4 7 2025".to_owned(),
        ));
    }
    let text = NonEmptyText::parse(form.text.trim());
    if text.is_err() {
        errors.push((
            "#family-text".to_owned(),
            "Enter the family\u{2019}s comments".to_owned(),
        ));
    }
    let section = Some(form.section.trim().to_owned()).filter(|s| !s.is_empty());
    if section
        .as_deref()
        .is_some_and(|s| kind.section(s).is_none())
    {
        return Err(WebError::BadRequest);
    }
    let (Ok(from), Some(received_on), Ok(text)) = (from, received, text) else {
        return document_page(&state, &access, &case, kind, "", errors, form).await;
    };
    let command = Command::RecordFamilyComment {
        comment: FamilyComment {
            from,
            received_on,
            section,
            text,
            response: None,
        },
    };
    match execute(&state, &access, None, command).await? {
        Ok(()) => Ok(crate::access::to_case(
            &access,
            "documents/overview-report?done=family#family",
        )),
        Err(m) => {
            let field = if m.contains("date") {
                "#received-day"
            } else {
                "#family-text"
            };
            document_page(
                &state,
                &access,
                &case,
                kind,
                "",
                vec![(field.into(), m)],
                form,
            )
            .await
        }
    }
}
