//! Demo accounts and agencies: one account for each role, with the second factor already set
//! up so a new user can sign in at once (`cspr demo-code EMAIL` prints the current code of a
//! demo account, and only of a demo account). Every name is invented.

use cspr_domain::examples::{
    AGENCY_USER, CSC, EDUCATION, HEALTH, POLICE, PROBATION, REVIEWER_USER,
};
use cspr_domain::ids::PartnershipId;
use cspr_store::{AgencyRow, NewUser, Store, StoreError};
use secrecy::SecretString;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::accounts::{password, totp};
use crate::policy::Role;

/// Demo accounts' addresses end with this (a reserved domain that can receive no mail).
pub const DEMO_DOMAIN: &str = "demo.cspr.invalid";

/// One demo account, for printing.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    /// Sign-in address.
    pub email: String,
    /// Role.
    pub role: Role,
}

/// Whether an address belongs to a demo account.
#[must_use]
pub fn is_demo_email(email: &str) -> bool {
    email.to_lowercase().ends_with(&format!("@{DEMO_DOMAIN}"))
}

/// The demo accounts: (local part, name, role, fixed id for those the example cases name).
const ACCOUNTS: [(&str, &str, Role, Option<Uuid>); 8] = [
    ("team", "Jordan Patel", Role::PartnershipTeam, None),
    ("chair", "Morgan Hughes", Role::Chair, None),
    ("subgroup", "Riley Evans", Role::SubgroupMember, None),
    (
        "agency",
        "Casey Morgan",
        Role::AgencyRepresentative,
        Some(AGENCY_USER.0),
    ),
    (
        "reviewer",
        "Alex Reid",
        Role::IndependentReviewer,
        Some(REVIEWER_USER.0),
    ),
    ("panel", "Sam Okafor", Role::PanelMember, None),
    ("partner", "Taylor Brooks", Role::SafeguardingPartner, None),
    ("admin", "Robin Shaw", Role::SystemAdministrator, None),
];

/// Seeds the demo agencies and accounts (skipping any that exist). Every account gets the same
/// password, returned for printing, and a second factor that `cspr demo-code` can show.
///
/// # Errors
/// Store failures; hashing failures.
pub async fn seed(
    store: &Store,
    partnership: PartnershipId,
    password_text: &str,
    now: OffsetDateTime,
) -> Result<Vec<DemoAccount>, StoreError> {
    for (id, kind, name) in [
        (POLICE, "police", "Northshire Police"),
        (HEALTH, "health-provider", "Northshire Community Health"),
        (
            CSC,
            "childrens-social-care",
            "Northshire Children's Social Care",
        ),
        (EDUCATION, "education", "Northshire Education Service"),
        (PROBATION, "probation", "Northshire Probation Service"),
    ] {
        store
            .upsert_agency(AgencyRow {
                id: id.as_uuid(),
                partnership_id: partnership.as_uuid(),
                kind: kind.to_owned(),
                name: name.to_owned(),
                active: true,
            })
            .await?;
    }
    let pw = SecretString::from(password_text.to_owned());
    let hash = password::hash_password(&pw).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let mut made = Vec::new();
    for (local, name, role, fixed) in ACCOUNTS {
        let email = format!("{local}@{DEMO_DOMAIN}");
        if store.user_by_email(&email).await?.is_none() {
            let id = fixed.unwrap_or_else(Uuid::new_v4);
            store
                .create_user(
                    NewUser {
                        id,
                        partnership_id: partnership.as_uuid(),
                        email: email.clone(),
                        display_name: name.to_owned(),
                        role: role.key().to_owned(),
                        agency_id: (role == Role::AgencyRepresentative).then_some(HEALTH.as_uuid()),
                        password_hash: Some(hash.clone()),
                    },
                    now,
                )
                .await?;
            store
                .set_totp_secret(id, Some(&totp::new_secret()), true)
                .await?;
        }
        made.push(DemoAccount { email, role });
    }
    Ok(made)
}

/// The current authenticator code of a demo account.
///
/// # Errors
/// `NotFound` for an address that is not a demo account with a second factor.
pub async fn current_code(
    store: &Store,
    email: &str,
    now: OffsetDateTime,
) -> Result<String, StoreError> {
    if !is_demo_email(email) {
        return Err(StoreError::NotFound);
    }
    let user = store
        .user_by_email(email)
        .await?
        .ok_or(StoreError::NotFound)?;
    let secret = store
        .totp_secret(user.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let unix = u64::try_from(now.unix_timestamp()).unwrap_or(0);
    Ok(totp::code_at(secret.as_slice(), unix))
}
