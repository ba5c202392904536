//! The two-person rule (issue 16, finding 3). The partnership team and the chair see every case
//! of the partnership, so an administrator alone cannot give an account either role: making
//! such an account, or moving one into such a role, records a request that a second person (a
//! different administrator, or a member of the partnership team, never the one who asked nor
//! the account itself) approves or refuses. Until then a new account stays shut and an existing
//! one keeps its role. The partnership team is emailed about each request; both people are in
//! the access log (the web writes the entries).

use cspr_domain::ids::AgencyId;
use cspr_store::{RoleGrant, UserRow};
use uuid::Uuid;

use crate::accounts::change::{AccountChange, change_account};
use crate::policy::{Principal, Role};
use crate::{AppError, Services};

/// Whether giving `role` needs a second person: it sees cases without being made a member.
#[must_use]
pub const fn needs_second_person(role: Role) -> bool {
    matches!(role, Role::PartnershipTeam | Role::Chair)
}

/// Whether someone in `role` may decide requests.
#[must_use]
pub const fn may_approve(role: Role) -> bool {
    matches!(role, Role::SystemAdministrator | Role::PartnershipTeam)
}

/// Why a decision was refused.
#[derive(Debug, thiserror::Error)]
pub enum GrantError {
    /// No such pending request in the partnership.
    #[error("There is no such request waiting for a decision.")]
    NotFound,
    /// The person who asked, or the account itself, cannot decide.
    #[error(
        "A second person must decide: not the one who asked, and not the person the request is for."
    )]
    SamePerson,
    /// The decider's role may not decide.
    #[error("Only an administrator or a member of the partnership team can decide.")]
    NotAllowed,
    /// Anything else.
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<cspr_store::StoreError> for GrantError {
    fn from(e: cspr_store::StoreError) -> Self {
        Self::App(AppError::from(e))
    }
}

/// Records a request to give `user` `role` (and `agency`), asked by `requester`; tells the
/// partnership team by email when email is set up (best effort: the request stands without
/// it). Returns the request's id.
///
/// # Errors
/// Store failures.
pub async fn request(
    services: &Services,
    requester: &Principal,
    user: &UserRow,
    role: Role,
    agency: Option<AgencyId>,
    opens_account: bool,
) -> Result<Uuid, AppError> {
    let id = Uuid::new_v4();
    services
        .store()
        .request_role_grant(&RoleGrant {
            id,
            partnership_id: user.partnership_id,
            user_id: user.id,
            role: role.key().to_owned(),
            agency_id: agency.map(|a| a.as_uuid()),
            opens_account,
            requested_by: requester.user_id.as_uuid(),
            requested_at: services.now(),
            decided_by: None,
            decided_at: None,
            approved: None,
        })
        .await?;
    tell_the_team(services, role).await;
    Ok(id)
}

/// Emails every active member of the partnership team that a request waits (no name of the
/// account in the email: a link to the approvals page).
async fn tell_the_team(services: &Services, role: Role) {
    let (Some(mail), Some(base)) = (services.mail(), services.public_url()) else {
        return;
    };
    let Ok(users) = services
        .store()
        .users(services.partnership_id().as_uuid())
        .await
    else {
        return;
    };
    let subject = "A role that sees every case waits for approval".to_owned();
    let body = format!(
        "An administrator asked to give an account the role \"{}\", which sees every case of \
         the partnership. A second person must approve it before it takes effect.\n\
         \n\
         See the request: {}/admin/approvals\n\
         \n\
         If you did not expect this, tell the partnership's business manager.\n",
        role.label(),
        base.trim_end_matches('/')
    );
    for u in users
        .iter()
        .filter(|u| !u.disabled && Role::parse(&u.role) == Some(Role::PartnershipTeam))
    {
        if let Err(e) = crate::mail::send_plain(mail, &u.email, subject.clone(), body.clone()).await
        {
            tracing::warn!(error = %e, "the team was not told of a role request");
        }
    }
}

/// What a decision did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    /// The request.
    pub grant: RoleGrant,
    /// Whether it opened the account (a new one then needs its activation link).
    pub opened_account: bool,
}

/// Approves or refuses a pending request, by `decider`, a second person. An approval applies
/// the role (ending the account's case memberships as any role change does) and opens a new
/// account; a refusal leaves an existing account as it was and a new one shut.
///
/// # Errors
/// [`GrantError`].
pub async fn settle(
    services: &Services,
    decider: &Principal,
    grant_id: Uuid,
    approve: bool,
) -> Result<Decided, GrantError> {
    if !may_approve(decider.role) {
        return Err(GrantError::NotAllowed);
    }
    let store = services.store();
    let Some(grant) = store
        .role_grant(decider.partnership_id.as_uuid(), grant_id)
        .await?
        .filter(|g| g.decided_at.is_none())
    else {
        return Err(GrantError::NotFound);
    };
    let me = decider.user_id.as_uuid();
    if me == grant.requested_by || me == grant.user_id {
        return Err(GrantError::SamePerson);
    }
    let Some(user) = store.user_by_id(grant.user_id).await? else {
        return Err(GrantError::NotFound);
    };
    let Some(role) = Role::parse(&grant.role) else {
        return Err(GrantError::App(AppError::Corrupt(
            "a role request names an unknown role".into(),
        )));
    };
    if !store
        .decide_role_grant(grant.id, me, services.now(), approve)
        .await?
    {
        return Err(GrantError::NotFound);
    }
    let mut opened = false;
    if approve {
        let change = AccountChange {
            role,
            agency: grant.agency_id.map(AgencyId::from_uuid),
            disabled: if grant.opens_account {
                false
            } else {
                user.disabled
            },
        };
        change_account(services, decider, &user, change).await?;
        opened = grant.opens_account;
    }
    let grant = store
        .role_grant(decider.partnership_id.as_uuid(), grant.id)
        .await?
        .ok_or(GrantError::NotFound)?;
    Ok(Decided {
        grant,
        opened_account: opened,
    })
}
