//! The anonymisation scan of the latest version, the check for names the case records, and
//! the choice of pseudonyms.

use std::collections::HashMap;

use axum::response::Response;
use cspr_domain::case::{Case, Command};
use serde::Deserialize;
use uuid::Uuid;

use cspr_app::publication::{self, knowledge, relationship_words};

use super::page::{WithdrawForm, publication_page};
use super::{refusal, run, team_case};
use crate::access::CaseAccess;
use crate::extract::OnCase;

use crate::{AppState, ValidForm, WebError};

/// Scans the latest version of the report.
pub async fn scan(OnCase(state, access, source): OnCase) -> Result<Response, WebError> {
    let case = team_case(&state, &access, &source, "scan-report").await?;
    let actor = state.actor_for(access.principal());
    match publication::scan(&state.app(), access.case_id(), &case, actor).await {
        Ok(_) => Ok(crate::access::to_case(
            &access,
            "publication/review?done=scanned",
        )),
        Err(e) => page_error(&state, &access, &case, "#scan", e).await,
    }
}

/// Scans the redacted text again for names the case records, and records what it found.
pub async fn check(OnCase(state, access, source): OnCase) -> Result<Response, WebError> {
    let case = team_case(&state, &access, &source, "check-anonymisation").await?;
    let actor = state.actor_for(access.principal());
    match publication::check(&state.app(), access.case_id(), &case, actor).await {
        Ok(found) => {
            // How many, never whose: the log holds no personal data.
            tracing::info!(case = %access.case_id(), names_left = found, "anonymisation checked");
            Ok(crate::access::to_case(&access, "publication?done=checked"))
        }
        Err(e) => page_error(&state, &access, &case, "#check", e).await,
    }
}

/// A decision on the jigsaw check: keep a combination, or put a detail in general words.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct JigsawForm {
    key: String,
    /// "keep" or "generalise".
    action: String,
    to: String,
    version: Option<u64>,
}

/// Records the team's decision on a combination of details (keep it) or on one detail (put
/// it in more general words, wherever the redacted report has it).
pub async fn jigsaw(
    OnCase(state, access, source): OnCase,
    crate::ValidForm(form): crate::ValidForm<JigsawForm>,
) -> Result<Response, WebError> {
    let case = team_case(&state, &access, &source, "decide-jigsaw-risk").await?;
    let decision = match form.action.as_str() {
        "keep" => cspr_domain::anonymisation::JigsawDecision::AcceptRisk,
        "generalise" => cspr_domain::anonymisation::JigsawDecision::Generalise {
            to: form.to.clone(),
        },
        _ => return Err(WebError::BadRequest),
    };
    let actor = state.actor_for(access.principal());
    match publication::decide_jigsaw(
        &state.app(),
        access.case_id(),
        form.version.unwrap_or(case.version),
        &form.key,
        decision,
        actor,
    )
    .await
    {
        Ok(_) => Ok(crate::access::to_case(
            &access,
            "publication?done=jigsaw#jigsaw",
        )),
        Err(e) => page_error(&state, &access, &case, "#jigsaw", e).await,
    }
}

/// The publication page with the refusal of an action at `href`.
async fn page_error(
    state: &AppState,
    access: &CaseAccess,
    case: &Case,
    href: &str,
    e: cspr_app::AppError,
) -> Result<Response, WebError> {
    let (_, message) = refusal(e)?;
    publication_page(
        state,
        access,
        case,
        None,
        vec![(href.to_owned(), message)],
        WithdrawForm::default(),
        HashMap::new(),
    )
    .await
}

/// The people whose pseudonym the family may choose: (person id, who, pseudonym now).
pub(super) fn pseudonym_choices(case: &Case) -> Vec<(String, String, String)> {
    let known = knowledge(case);
    let now = |name: &str| {
        known
            .pseudonyms
            .get(name.trim())
            .cloned()
            .unwrap_or_default()
    };
    let mut out: Vec<(String, String, String)> = case
        .children
        .iter()
        .map(|c| {
            (
                c.person_id.as_uuid().to_string(),
                format!("{}, the child", c.name.as_str()),
                now(c.name.as_str()),
            )
        })
        .collect();
    if let Some(r) = &case.referral {
        out.extend(r.carers.iter().map(|c| {
            (
                c.person_id.as_uuid().to_string(),
                format!(
                    "{}, {}",
                    c.name.as_str(),
                    relationship_words(&c.relationship).to_lowercase()
                ),
                now(c.name.as_str()),
            )
        }));
    }
    out
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PseudonymForm {
    person: String,
    pseudonym: String,
}

/// Records a pseudonym the family chose; the report must be scanned again afterwards.
pub async fn choose_pseudonym(
    OnCase(state, access, source): OnCase,
    ValidForm(form): ValidForm<PseudonymForm>,
) -> Result<Response, WebError> {
    let case = team_case(&state, &access, &source, "choose-pseudonym").await?;
    let fail = |href: &str, message: String| {
        publication_page(
            &state,
            &access,
            &case,
            None,
            vec![(href.to_owned(), message)],
            WithdrawForm::default(),
            HashMap::new(),
        )
    };
    let Ok(person) = Uuid::parse_str(form.person.trim()) else {
        return fail("#person", "Choose whose pseudonym it is".to_owned()).await;
    };
    let command = Command::ChoosePseudonym {
        person: cspr_domain::ids::PersonId::from_uuid(person),
        pseudonym: form.pseudonym.clone(),
    };
    match run(&state, &access, &case, command).await? {
        Ok(()) => Ok(crate::access::to_case(
            &access,
            "publication?done=pseudonym",
        )),
        Err((field, message)) => {
            let href = if field == Some("person") {
                "#person"
            } else {
                "#pseudonym"
            };
            fail(href, message).await
        }
    }
}
