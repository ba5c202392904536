//! The JSON API's credentials (issue 18): personal access tokens, and the OAuth 2 clients of
//! system integrations with the short-lived access tokens the client credentials grant gives
//! them. Only the blake3 hash of a secret is stored; a token is found by that hash, read with
//! its account and the versions a request needs in one statement, as a session is.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::codec::normalise_time;
use crate::db::{Arg, Row, sql, sql_owned};
use crate::{Store, StoreError, UserRow};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiTokenKind {
    /// Made by or for a person (`cspr api-token create`), shown once, lasting days.
    Personal,
    /// Given to a client by the client credentials grant, lasting an hour.
    Client,
}

impl ApiTokenKind {
    /// As stored.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Self::Personal => "personal",
            Self::Client => "client",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "personal" => Ok(Self::Personal),
            "client" => Ok(Self::Client),
            other => Err(StoreError::Corrupt(format!("unknown token kind {other:?}"))),
        }
    }
}

/// One token, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRow {
    /// Its id (in the account page's revoke button).
    pub id: Uuid,
    /// Whom it acts as.
    pub user_id: Uuid,
    /// The partnership it is scoped to.
    pub partnership_id: Uuid,
    /// Personal or a client's.
    pub kind: ApiTokenKind,
    /// The client it was given to, for a client's token.
    pub client_id: Option<Uuid>,
    /// What its holder called it ("Case management system").
    pub label: String,
    /// The blake3 hash of its secret.
    pub token_hash: String,
    /// When it was made.
    pub created_at: OffsetDateTime,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
    /// When it was revoked, if it was.
    pub revoked_at: Option<OffsetDateTime>,
    /// When it was last used (to the minute).
    pub last_used_at: Option<OffsetDateTime>,
}

/// A token found by its hash, with what a request needs: its account (gone when `None`), the
/// read models' version and the partnership's settings version.
#[derive(Debug, Clone)]
pub struct ApiTokenRead {
    /// The token.
    pub token: ApiTokenRow,
    /// Its account.
    pub user: Option<UserRow>,
    /// The read models' version ([`Store::projection_version`]).
    pub read_models: i64,
    /// The partnership's saved settings' version (0: none saved).
    pub settings: i64,
    /// Whether the client it was given to has been revoked since.
    pub client_revoked: bool,
}

/// One OAuth 2 client, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClientRow {
    /// Its client id.
    pub id: Uuid,
    /// The account it acts as.
    pub user_id: Uuid,
    /// What it is ("Police case system").
    pub label: String,
    /// The blake3 hash of its secret.
    pub secret_hash: String,
    /// When it was made.
    pub created_at: OffsetDateTime,
    /// When it was revoked, if it was.
    pub revoked_at: Option<OffsetDateTime>,
}

const TOKEN_COLS: &str = "t.id AS t_id, t.user_id AS t_user_id, \
    t.partnership_id AS t_partnership_id, t.kind AS t_kind, t.client_id AS t_client_id, \
    t.label AS t_label, t.token_hash AS t_token_hash, t.created_at AS t_created_at, \
    t.expires_at AS t_expires_at, t.revoked_at AS t_revoked_at, \
    t.last_used_at AS t_last_used_at";

fn token_from_row(r: &Row) -> Result<ApiTokenRow, StoreError> {
    Ok(ApiTokenRow {
        id: r.uuid("t_id")?,
        user_id: r.uuid("t_user_id")?,
        partnership_id: r.uuid("t_partnership_id")?,
        kind: ApiTokenKind::parse(&r.text("t_kind")?)?,
        client_id: r.opt_uuid("t_client_id")?,
        label: r.text("t_label")?,
        token_hash: r.text("t_token_hash")?,
        created_at: r.time("t_created_at")?,
        expires_at: r.time("t_expires_at")?,
        revoked_at: r.opt_time("t_revoked_at")?,
        last_used_at: r.opt_time("t_last_used_at")?,
    })
}

fn client_from_row(r: &Row) -> Result<ApiClientRow, StoreError> {
    Ok(ApiClientRow {
        id: r.uuid("id")?,
        user_id: r.uuid("user_id")?,
        label: r.text("label")?,
        secret_hash: r.text("secret_hash")?,
        created_at: r.time("created_at")?,
        revoked_at: r.opt_time("revoked_at")?,
    })
}

impl Store {
    /// Keeps a new token.
    pub async fn add_api_token(&self, t: &ApiTokenRow) -> Result<(), StoreError> {
        self.pool()
            .write_one(
                &sql(
                    "INSERT INTO api_tokens (id, user_id, partnership_id, kind, client_id, \
                      label, token_hash, created_at, expires_at) \
                      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                ),
                &[
                    Arg::Uuid(t.id),
                    Arg::Uuid(t.user_id),
                    Arg::Uuid(t.partnership_id),
                    Arg::from(t.kind.key()),
                    Arg::OptUuid(t.client_id),
                    Arg::from(t.label.as_str()),
                    Arg::from(t.token_hash.as_str()),
                    Arg::Time(normalise_time(t.created_at)?),
                    Arg::Time(normalise_time(t.expires_at)?),
                ],
            )
            .await
            .map(|_| ())
    }

    /// The token whose secret hashes to `token_hash`, with its account and the versions a
    /// request needs, in one statement; `None` when there is no such token. The caller judges
    /// whether it still stands (expired, revoked, account disabled).
    pub async fn api_token_with_user(
        &self,
        token_hash: &str,
    ) -> Result<Option<ApiTokenRead>, StoreError> {
        let q = sql_owned(format!(
            "SELECT {TOKEN_COLS}, {}, \
             (SELECT version FROM projection_version WHERE id = 1) AS read_models, \
             COALESCE((SELECT ps.version FROM partnership_settings ps \
             WHERE ps.partnership_id = t.partnership_id), 0) AS settings, \
             (c.revoked_at IS NOT NULL) AS client_revoked \
             FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id \
             LEFT JOIN api_clients c ON c.id = t.client_id \
             WHERE t.token_hash = $1",
            crate::identity::USER_COLS_U
        ));
        self.pool()
            .fetch_optional(&q, &[Arg::from(token_hash)], |r| {
                Ok(ApiTokenRead {
                    token: token_from_row(r)?,
                    user: match r.opt_uuid("id")? {
                        Some(_) => Some(crate::identity::user_from_row(r)?),
                        None => None,
                    },
                    read_models: r.i64("read_models")?,
                    settings: r.i64("settings")?,
                    client_revoked: r.bool("client_revoked")?,
                })
            })
            .await
    }

    /// A person's tokens of `kind`, newest first.
    pub async fn api_tokens(
        &self,
        user_id: Uuid,
        kind: ApiTokenKind,
    ) -> Result<Vec<ApiTokenRow>, StoreError> {
        self.pool()
            .fetch_all(
                &sql_owned(format!(
                    "SELECT {TOKEN_COLS} FROM api_tokens t WHERE t.user_id = $1 AND t.kind = $2 \
                     ORDER BY t.created_at DESC, t.id"
                )),
                &[Arg::Uuid(user_id), Arg::from(kind.key())],
                token_from_row,
            )
            .await
    }

    /// Revokes one of a person's tokens at `at`; false when they have no such token still
    /// standing (someone else's is never touched).
    pub async fn revoke_api_token(
        &self,
        user_id: Uuid,
        id: Uuid,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let changed = self
            .pool()
            .write_one(
                &sql("UPDATE api_tokens SET revoked_at = $3 \
                      WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL"),
                &[
                    Arg::Uuid(id),
                    Arg::Uuid(user_id),
                    Arg::Time(normalise_time(at)?),
                ],
            )
            .await?;
        Ok(changed == 1)
    }

    /// Revokes every token of a person (their account disabled, or all their access ended);
    /// returns how many.
    pub async fn revoke_api_tokens(
        &self,
        user_id: Uuid,
        at: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        self.pool()
            .write_one(
                &sql("UPDATE api_tokens SET revoked_at = $2 \
                      WHERE user_id = $1 AND revoked_at IS NULL"),
                &[Arg::Uuid(user_id), Arg::Time(normalise_time(at)?)],
            )
            .await
    }

    /// Records a use of a token.
    pub async fn touch_api_token(&self, id: Uuid, at: OffsetDateTime) -> Result<(), StoreError> {
        self.pool()
            .write_one(
                &sql("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1"),
                &[Arg::Uuid(id), Arg::Time(normalise_time(at)?)],
            )
            .await
            .map(|_| ())
    }

    /// Deletes the tokens that expired before `before` (kept a while after, so a person sees
    /// on their account page that one ran out); returns how many.
    pub async fn purge_expired_api_tokens(
        &self,
        before: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        self.pool()
            .write_one(
                &sql("DELETE FROM api_tokens WHERE expires_at <= $1"),
                &[Arg::Time(normalise_time(before)?)],
            )
            .await
    }

    /// Keeps a new OAuth 2 client.
    pub async fn add_api_client(&self, c: &ApiClientRow) -> Result<(), StoreError> {
        self.pool()
            .write_one(
                &sql(
                    "INSERT INTO api_clients (id, user_id, label, secret_hash, created_at) \
                      VALUES ($1, $2, $3, $4, $5)",
                ),
                &[
                    Arg::Uuid(c.id),
                    Arg::Uuid(c.user_id),
                    Arg::from(c.label.as_str()),
                    Arg::from(c.secret_hash.as_str()),
                    Arg::Time(normalise_time(c.created_at)?),
                ],
            )
            .await
            .map(|_| ())
    }

    /// One client, by its id.
    pub async fn api_client(&self, id: Uuid) -> Result<Option<ApiClientRow>, StoreError> {
        self.pool()
            .fetch_optional(
                &sql(
                    "SELECT id, user_id, label, secret_hash, created_at, revoked_at \
                      FROM api_clients WHERE id = $1",
                ),
                &[Arg::Uuid(id)],
                client_from_row,
            )
            .await
    }

    /// Every client acting as a person, newest first.
    pub async fn api_clients(&self, user_id: Uuid) -> Result<Vec<ApiClientRow>, StoreError> {
        self.pool()
            .fetch_all(
                &sql(
                    "SELECT id, user_id, label, secret_hash, created_at, revoked_at \
                      FROM api_clients WHERE user_id = $1 ORDER BY created_at DESC, id",
                ),
                &[Arg::Uuid(user_id)],
                client_from_row,
            )
            .await
    }

    /// Revokes a client (its tokens stop working with it); false when there is no such
    /// client still standing.
    pub async fn revoke_api_client(
        &self,
        id: Uuid,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let changed = self
            .pool()
            .write_one(
                &sql("UPDATE api_clients SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL"),
                &[Arg::Uuid(id), Arg::Time(normalise_time(at)?)],
            )
            .await?;
        Ok(changed == 1)
    }
}
