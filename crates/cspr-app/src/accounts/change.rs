//! An administrator's change to an account: its role, its agency, whether it is active. A
//! person's access to cases follows their role and agency, so when either changes their
//! memberships of cases end, as events on each case (issue 16, finding 9): nobody keeps a
//! case opened for the job they no longer do.

use cspr_domain::case::Command;
use cspr_domain::ids::{AgencyId, CaseId};
use cspr_store::{CaseScope, UserRow};

use crate::policy::{Principal, Role};
use crate::{AppError, Services};

/// What an administrator sets on an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountChange {
    /// The role.
    pub role: Role,
    /// The agency, for an agency representative.
    pub agency: Option<AgencyId>,
    /// Whether the account is shut.
    pub disabled: bool,
}

/// Makes the change, ending the person's case memberships first when their role or agency
/// changes; returns how many memberships ended. Disabling comes before the role is written
/// and enabling after it, so a failure part-way leaves the account shut rather than open with
/// its old access.
///
/// # Errors
/// Store failures; a case that refuses to end a membership (nothing more is changed then).
pub async fn change_account(
    services: &Services,
    admin: &Principal,
    user: &UserRow,
    change: AccountChange,
) -> Result<usize, AppError> {
    let store = services.store();
    let moved = Role::parse(&user.role) != Some(change.role)
        || user.agency_id != change.agency.map(|a| a.as_uuid());
    let mut ended = 0;
    if moved {
        let cases = store
            .case_summaries(CaseScope::Member {
                partnership_id: user.partnership_id,
                user_id: user.id,
            })
            .await?;
        let actor = services.actor_for(admin);
        for case in cases {
            let case_id = CaseId::from_uuid(case.case_id);
            let (loaded, _) = services.app().load(case_id).await?;
            let member = cspr_domain::ids::UserId::from_uuid(user.id);
            if loaded.members.contains_key(&member) {
                services
                    .app()
                    .execute(
                        case_id,
                        None,
                        Command::RevokeMembership { user: member },
                        actor,
                    )
                    .await?;
                ended += 1;
            }
        }
    }
    if change.disabled && !user.disabled {
        store.set_user_disabled(user.id, true).await?;
    }
    store
        .set_user_role(
            user.id,
            change.role.key(),
            change.agency.map(|a| a.as_uuid()),
        )
        .await?;
    if !change.disabled && user.disabled {
        store.set_user_disabled(user.id, false).await?;
    }
    Ok(ended)
}
