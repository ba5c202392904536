//! Requests for roles that see every case, waiting for a second person (issue 16, finding 3).

use time::OffsetDateTime;
use uuid::Uuid;

use crate::codec::normalise_time;
use crate::db::{Arg, Row, read_row, sql};
use crate::{Store, StoreError};

/// A request to give an account a role that sees every case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGrant {
    /// Id.
    pub id: Uuid,
    /// The partnership.
    pub partnership_id: Uuid,
    /// The account.
    pub user_id: Uuid,
    /// The role asked for (its key).
    pub role: String,
    /// The agency asked for.
    pub agency_id: Option<Uuid>,
    /// Whether approval opens the account too (a new account, or a shut one re-opened: it stays
    /// shut until approved).
    pub opens_account: bool,
    /// Who asked.
    pub requested_by: Uuid,
    /// When.
    pub requested_at: OffsetDateTime,
    /// Who decided, once decided.
    pub decided_by: Option<Uuid>,
    /// When.
    pub decided_at: Option<OffsetDateTime>,
    /// Whether it was approved, once decided.
    pub approved: Option<bool>,
}

const COLS: &str = "id, partnership_id, user_id, role, agency_id, opens_account, requested_by, \
                    requested_at, decided_by, decided_at, approved";

fn from_row(r: &Row) -> Result<RoleGrant, StoreError> {
    let approved = if r.opt_time("decided_at")?.is_some() {
        Some(r.bool("approved")?)
    } else {
        None
    };
    Ok(read_row!(r => RoleGrant {
        id: uuid, partnership_id: uuid, user_id: uuid, role: text, agency_id: opt_uuid,
        opens_account: bool, requested_by: uuid, requested_at: time, decided_by: opt_uuid,
        decided_at: opt_time, approved,
    }))
}

impl Store {
    /// Records a request; any earlier pending request for the same account is withdrawn (a
    /// later request replaces it).
    pub async fn request_role_grant(&self, g: &RoleGrant) -> Result<(), StoreError> {
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        cx.execute(
            &sql("DELETE FROM role_grants WHERE user_id = $1 AND decided_at IS NULL"),
            &[Arg::Uuid(g.user_id)],
        )
        .await?;
        cx.execute(
            &sql(
                "INSERT INTO role_grants (id, partnership_id, user_id, role, agency_id, \
                 opens_account, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            ),
            &[
                Arg::Uuid(g.id),
                Arg::Uuid(g.partnership_id),
                Arg::Uuid(g.user_id),
                Arg::Text(g.role.clone()),
                Arg::OptUuid(g.agency_id),
                Arg::Bool(g.opens_account),
                Arg::Uuid(g.requested_by),
                Arg::Time(normalise_time(g.requested_at)?),
            ],
        )
        .await?;
        tx.commit().await
    }

    /// One request of the partnership.
    pub async fn role_grant(
        &self,
        partnership_id: Uuid,
        id: Uuid,
    ) -> Result<Option<RoleGrant>, StoreError> {
        let q = crate::db::sql_owned(format!(
            "SELECT {COLS} FROM role_grants WHERE id = $1 AND partnership_id = $2"
        ));
        self.pool()
            .fetch_optional(&q, &[Arg::Uuid(id), Arg::Uuid(partnership_id)], from_row)
            .await
    }

    /// The partnership's requests waiting for a decision, oldest first.
    pub async fn pending_role_grants(
        &self,
        partnership_id: Uuid,
    ) -> Result<Vec<RoleGrant>, StoreError> {
        let q = crate::db::sql_owned(format!(
            "SELECT {COLS} FROM role_grants WHERE partnership_id = $1 AND decided_at IS NULL \
             ORDER BY requested_at, id"
        ));
        self.pool()
            .fetch_all(&q, &[Arg::Uuid(partnership_id)], from_row)
            .await
    }

    /// Records the decision on a pending request; `false` when it was decided (or withdrawn)
    /// meanwhile, and nothing changes.
    pub async fn decide_role_grant(
        &self,
        id: Uuid,
        by: Uuid,
        at: OffsetDateTime,
        approved: bool,
    ) -> Result<bool, StoreError> {
        let n = self
            .pool()
            .write_one(
                &sql(
                    "UPDATE role_grants SET decided_by = $2, decided_at = $3, approved = $4 \
                      WHERE id = $1 AND decided_at IS NULL",
                ),
                &[
                    Arg::Uuid(id),
                    Arg::Uuid(by),
                    Arg::Time(normalise_time(at)?),
                    Arg::Bool(approved),
                ],
            )
            .await?;
        Ok(n == 1)
    }
}
