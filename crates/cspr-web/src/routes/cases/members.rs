//! Case membership: who can see the case, giving someone access and taking it away.

use askama::Template;
use axum::extract::Path;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_domain::case::Command;
use cspr_domain::case::model::CaseRole;
use cspr_domain::ids::UserId;
use serde::Deserialize;
use uuid::Uuid;

use crate::access::{CaseAccess, Role};
use crate::extract::OnCase;
use crate::layout::Chrome;
use crate::reader::{self, Source};
use crate::{AppState, ValidForm, WebError};

#[derive(Template)]
#[template(path = "pages/members.html")]
struct MembersPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    version: u64,
    members: Vec<(Uuid, String, &'static str)>,
    candidates: Vec<(Uuid, String, &'static str)>,
    roles: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

async fn members_page(
    state: &AppState,
    access: &CaseAccess,
    source: &Source,
    error: Option<String>,
) -> Result<Response, WebError> {
    let (case, _) = reader::load_case(state, access, "view-case-members", source).await?;
    let users = state
        .store()
        .users(access.principal().partnership_id.as_uuid())
        .await?;
    let members = case
        .members
        .iter()
        .map(|(id, m)| {
            let name = users
                .iter()
                .find(|u| u.id == id.as_uuid())
                .map_or_else(|| "Unknown".to_owned(), |u| u.display_name.clone());
            (id.as_uuid(), name, m.role.label())
        })
        .collect();
    let candidates = users
        .iter()
        .filter(|u| !u.disabled && !case.members.contains_key(&UserId::from_uuid(u.id)))
        .filter_map(|u| {
            let role = Role::parse(&u.role)?;
            (!role.sees_partnership_cases() && role != Role::SystemAdministrator)
                .then(|| (u.id, u.display_name.clone(), role.label()))
        })
        .collect();
    let page = MembersPage {
        chrome: Chrome::signed_in(state, access.principal(), "/cases"),
        case_id: access.case_id().as_uuid(),
        reference: access.summary().reference.clone(),
        version: case.version,
        members,
        candidates,
        roles: CaseRole::ALL.iter().map(|r| (r.key(), r.label())).collect(),
        error,
    };
    Ok(Html(page.render()?).into_response())
}

/// Who can see the case.
pub async fn members(OnCase(state, access, source): OnCase) -> Result<Response, WebError> {
    members_page(&state, &access, &source, None).await
}

/// The add-member form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AddMember {
    user: String,
    role: String,
    version: Option<u64>,
}

/// The remove-member form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RemoveMember {
    version: Option<u64>,
}

/// Gives someone access to the case.
pub async fn add_member(
    OnCase(state, access, source): OnCase,
    ValidForm(form): ValidForm<AddMember>,
) -> Result<Response, WebError> {
    let users = state
        .store()
        .users(access.principal().partnership_id.as_uuid())
        .await?;
    let user = Uuid::parse_str(&form.user)
        .ok()
        .and_then(|id| users.into_iter().find(|u| u.id == id));
    let role = CaseRole::ALL.into_iter().find(|r| r.key() == form.role);
    // Only people who need membership can be given it: not administrators (who see no case)
    // and not the team or the chair (who see every case already).
    let user = user.filter(|u| {
        !u.disabled
            && Role::parse(&u.role)
                .is_some_and(|r| !r.sees_partnership_cases() && r != Role::SystemAdministrator)
    });
    let (Some(user), Some(role)) = (user, role) else {
        return members_page(
            &state,
            &access,
            &source,
            Some("Choose a person and their part in the case".to_owned()),
        )
        .await;
    };
    let command = Command::GrantMembership {
        user: UserId::from_uuid(user.id),
        role,
        agency: user.agency_id.map(cspr_domain::ids::AgencyId::from_uuid),
    };
    match crate::act::run(&state, &access, form.version, command, None).await? {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{}/members", access.case_id())).into_response()),
        Err(message) => members_page(&state, &access, &source, Some(message)).await,
    }
}

/// Takes someone's access to the case away.
pub async fn remove_member(
    OnCase(state, access, source): OnCase,
    Path((_, user_id)): Path<(Uuid, Uuid)>,
    ValidForm(form): ValidForm<RemoveMember>,
) -> Result<Response, WebError> {
    let command = Command::RevokeMembership {
        user: UserId::from_uuid(user_id),
    };
    match crate::act::run(&state, &access, form.version, command, None).await? {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{}/members", access.case_id())).into_response()),
        Err(message) => members_page(&state, &access, &source, Some(message)).await,
    }
}
