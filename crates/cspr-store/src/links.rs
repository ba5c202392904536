//! Practitioner links: single-purpose, expiring links that let a practitioner outside the system
//! fill in one form of one case, after a one-time code sent to their email address.
//!
//! The store keeps the rows and makes each single-use step atomic; the rules (how long a link or
//! a code lives, how many tries) live in the web layer. Nothing secret is kept in the clear: the
//! link's token, the code and the form-session token are stored as hashes made by the caller, and
//! the practitioner's email address is sealed with the case key, so crypto-shredding the case
//! erases it with the rest of the case.

use std::fmt;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::codec::normalise_time;
use crate::db::{Arg, Row, read_row, select, sql};
use crate::events::case_key_for_write;
use crate::keys::Keys;
use crate::{Store, StoreError};

macro_rules! link_cols {
    () => {
        "l.id, l.token_hash, l.partnership_id, l.case_id, l.form, l.sealed_email, l.created_by, \
         l.created_at, l.expires_at, l.revoked, l.used_at, l.contribution_blob_id, l.code_hash, \
         l.code_expires_at, l.code_attempts, l.codes_sent, l.session_hash, l.session_expires_at, \
         k.wrapped_key"
    };
}

/// Longest form key accepted (it names a form, e.g. `scoping-form:<agency uuid>`).
const MAX_FORM_CHARS: usize = 200;

/// A link to create.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPractitionerLink {
    /// The link's id.
    pub id: Uuid,
    /// blake3 of the random token in the link's URL, in hex.
    pub token_hash: String,
    /// The partnership of the case.
    pub partnership_id: Uuid,
    /// The case the form belongs to.
    pub case_id: Uuid,
    /// The one form the link opens, e.g. `scoping-form:<agency uuid>`.
    pub form: String,
    /// Where the codes are sent (personal: sealed at rest, never logged).
    pub email: String,
    /// Who made the link.
    pub created_by: Uuid,
    /// When.
    pub created_at: OffsetDateTime,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
}

/// A link as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct PractitionerLink {
    /// The link's id.
    pub id: Uuid,
    /// blake3 of the link's token, in hex.
    pub token_hash: String,
    /// The partnership of the case.
    pub partnership_id: Uuid,
    /// The case.
    pub case_id: Uuid,
    /// The one form the link opens.
    pub form: String,
    /// Where the codes are sent; `None` once the case has been crypto-shredded.
    pub email: Option<String>,
    /// Who made the link.
    pub created_by: Uuid,
    /// When.
    pub created_at: OffsetDateTime,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
    /// Whether the partnership team withdrew it.
    pub revoked: bool,
    /// When the form was sent, if it has been (a link works once).
    pub used_at: Option<OffsetDateTime>,
    /// The stored contribution, once the form was sent.
    pub contribution_blob_id: Option<Uuid>,
    /// Hash of the code waiting to be entered, if one was sent.
    pub code_hash: Option<String>,
    /// When that code stops working.
    pub code_expires_at: Option<OffsetDateTime>,
    /// Tries at that code so far.
    pub code_attempts: u32,
    /// Codes sent for this link so far.
    pub codes_sent: u32,
    /// Hash of the form-session token given after a right code.
    pub session_hash: Option<String>,
    /// When that form session ends.
    pub session_expires_at: Option<OffsetDateTime>,
}

impl fmt::Debug for NewPractitionerLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewPractitionerLink")
            .field("id", &self.id)
            .field("case_id", &self.case_id)
            .field("form", &self.form)
            .field("created_by", &self.created_by)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for PractitionerLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PractitionerLink")
            .field("id", &self.id)
            .field("case_id", &self.case_id)
            .field("form", &self.form)
            .field("created_by", &self.created_by)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .field("revoked", &self.revoked)
            .field("used_at", &self.used_at)
            .field("code_pending", &self.code_hash.is_some())
            .field("code_attempts", &self.code_attempts)
            .field("codes_sent", &self.codes_sent)
            .field("session_open", &self.session_hash.is_some())
            .finish_non_exhaustive()
    }
}

/// Associated data of a sealed email address: the link and its case.
fn email_aad(link_id: Uuid, case_id: Uuid) -> Vec<u8> {
    let mut aad = b"cspr-practitioner-email\0".to_vec();
    aad.extend_from_slice(link_id.as_bytes());
    aad.extend_from_slice(case_id.as_bytes());
    aad
}

fn u32_of(r: &Row, col: &str) -> Result<u32, StoreError> {
    u32::try_from(r.u64(col)?)
        .map_err(|_| StoreError::Corrupt(format!("the column {col} is out of range")))
}

fn link_from_row(keys: &Keys, r: &Row) -> Result<PractitionerLink, StoreError> {
    let id = r.uuid("id")?;
    let case_id = r.uuid("case_id")?;
    let email = match r.opt_bytes("wrapped_key")? {
        None => None,
        Some(wrapped) => {
            let key = keys.unwrap_case_key(case_id, &wrapped)?;
            let plain = key.open(&email_aad(id, case_id), &r.bytes("sealed_email")?)?;
            Some(String::from_utf8(plain).map_err(|_| {
                StoreError::Corrupt("a practitioner's email address is not UTF-8".into())
            })?)
        }
    };
    Ok(read_row!(r => PractitionerLink {
        id, token_hash: text, partnership_id: uuid, case_id, form: text, email,
        created_by: uuid, created_at: time, expires_at: time, revoked: bool,
        used_at: opt_time, contribution_blob_id: opt_uuid, code_hash: opt_text,
        code_expires_at: opt_time,
        code_attempts: { u32_of(r, "code_attempts")? },
        codes_sent: { u32_of(r, "codes_sent")? },
        session_hash: opt_text, session_expires_at: opt_time,
    }))
}

impl Store {
    /// Records a new link; its email address is sealed with the case key. A token hash or id
    /// already in use is `Duplicate`; a shredded case is `Shredded`.
    pub async fn create_link(&self, link: NewPractitionerLink) -> Result<(), StoreError> {
        let email = link.email.trim();
        if email.is_empty() {
            return Err(StoreError::Invalid("An email address is needed".into()));
        }
        let form = link.form.trim();
        if form.is_empty() || form.chars().count() > MAX_FORM_CHARS {
            return Err(StoreError::Invalid(
                "A link must name the one form it opens".into(),
            ));
        }
        if link.token_hash.is_empty() {
            return Err(StoreError::Invalid("A link needs a token".into()));
        }
        let created_at = normalise_time(link.created_at)?;
        let expires_at = normalise_time(link.expires_at)?;
        if expires_at <= created_at {
            return Err(StoreError::Invalid(
                "A link must expire after it is made".into(),
            ));
        }
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        let key = case_key_for_write(&mut cx, self.keys(), link.case_id).await?;
        let sealed_email = key.seal(&email_aad(link.id, link.case_id), email.as_bytes())?;
        let inserted = cx
            .execute(
                &sql(
                    "INSERT INTO practitioner_links (id, token_hash, partnership_id, case_id, form, \
                     sealed_email, created_by, created_at, expires_at, revoked) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, FALSE)",
                ),
                &[
                    Arg::Uuid(link.id),
                    Arg::Text(link.token_hash),
                    Arg::Uuid(link.partnership_id),
                    Arg::Uuid(link.case_id),
                    Arg::from(form),
                    Arg::Bytes(sealed_email),
                    Arg::Uuid(link.created_by),
                    Arg::Time(created_at),
                    Arg::Time(expires_at),
                ],
            )
            .await;
        match inserted {
            Err(e) if e.is_unique_violation() => Err(StoreError::Duplicate(
                "A link with this id or token already exists".into(),
            )),
            Err(e) => Err(e),
            Ok(_) => tx.commit().await,
        }
    }

    /// The link whose token has this hash, whatever its state.
    pub async fn link_by_token_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<PractitionerLink>, StoreError> {
        let q = select!(
            link_cols!(),
            " FROM practitioner_links l LEFT JOIN case_keys k ON k.case_id = l.case_id \
             WHERE l.token_hash = $1"
        );
        self.pool()
            .fetch_optional(&q, &[Arg::from(token_hash)], |r| {
                link_from_row(self.keys(), r)
            })
            .await
    }

    /// Every link of a case, oldest first.
    pub async fn links_for_case(&self, case_id: Uuid) -> Result<Vec<PractitionerLink>, StoreError> {
        let q = select!(
            link_cols!(),
            " FROM practitioner_links l LEFT JOIN case_keys k ON k.case_id = l.case_id \
             WHERE l.case_id = $1 ORDER BY l.created_at, l.id"
        );
        self.pool()
            .fetch_all(&q, &[Arg::Uuid(case_id)], |r| link_from_row(self.keys(), r))
            .await
    }

    /// Puts a new code on a live (not revoked, not used) link, replacing any earlier one and
    /// resetting its tries, unless `max_codes` codes have already been sent for the link.
    /// Returns whether the code was set (and so may be sent).
    pub async fn set_link_code(
        &self,
        token_hash: &str,
        code_hash: &str,
        expires_at: OffsetDateTime,
        max_codes: u32,
    ) -> Result<bool, StoreError> {
        let q = sql(
            "UPDATE practitioner_links SET code_hash = $2, code_expires_at = $3, \
             code_attempts = 0, codes_sent = codes_sent + 1 \
             WHERE token_hash = $1 AND NOT revoked AND used_at IS NULL AND codes_sent < $4",
        );
        let n = self
            .pool()
            .write_one(
                &q,
                &[
                    Arg::from(token_hash),
                    Arg::from(code_hash),
                    Arg::Time(normalise_time(expires_at)?),
                    Arg::I64(i64::from(max_codes)),
                ],
            )
            .await?;
        Ok(n == 1)
    }

    /// Counts one try at the link's pending code, before it is checked, and returns the tries
    /// so far (this one included); `None` when no code is pending.
    pub async fn record_code_attempt(&self, token_hash: &str) -> Result<Option<u32>, StoreError> {
        let mut tx = self.pool().write().await?;
        let row = tx
            .cx()
            .fetch_optional(
                &sql(
                    "UPDATE practitioner_links SET code_attempts = code_attempts + 1 \
                     WHERE token_hash = $1 AND code_hash IS NOT NULL RETURNING code_attempts",
                ),
                &[Arg::from(token_hash)],
            )
            .await?;
        let attempts = row
            .as_ref()
            .map(|r| u32_of(r, "code_attempts"))
            .transpose()?;
        tx.commit().await?;
        Ok(attempts)
    }

    /// After a right code: uses the code up (only if it is still the pending one) and opens the
    /// form session. Returns false when the code was replaced or used meanwhile, or the link
    /// was revoked or used.
    pub async fn start_link_session(
        &self,
        token_hash: &str,
        code_hash: &str,
        session_hash: &str,
        session_expires_at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let q = sql(
            "UPDATE practitioner_links SET session_hash = $3, session_expires_at = $4, \
             code_hash = NULL, code_expires_at = NULL, code_attempts = 0 \
             WHERE token_hash = $1 AND code_hash = $2 AND NOT revoked AND used_at IS NULL",
        );
        let n = self
            .pool()
            .write_one(
                &q,
                &[
                    Arg::from(token_hash),
                    Arg::from(code_hash),
                    Arg::from(session_hash),
                    Arg::Time(normalise_time(session_expires_at)?),
                ],
            )
            .await?;
        Ok(n == 1)
    }

    /// Marks the link used (its form was sent), recording the stored contribution and ending
    /// its code and form session. Returns false when it was already used or revoked.
    pub async fn mark_link_used(
        &self,
        token_hash: &str,
        at: OffsetDateTime,
        contribution_blob_id: Option<Uuid>,
    ) -> Result<bool, StoreError> {
        let q = sql(
            "UPDATE practitioner_links SET used_at = $2, contribution_blob_id = $3, \
             code_hash = NULL, code_expires_at = NULL, \
             session_hash = NULL, session_expires_at = NULL \
             WHERE token_hash = $1 AND used_at IS NULL AND NOT revoked",
        );
        let n = self
            .pool()
            .write_one(
                &q,
                &[
                    Arg::from(token_hash),
                    Arg::Time(normalise_time(at)?),
                    Arg::OptUuid(contribution_blob_id),
                ],
            )
            .await?;
        Ok(n == 1)
    }

    /// Withdraws an unused link of a case, ending its code and form session. Returns false when
    /// the case has no such link, or it was already used or revoked.
    pub async fn revoke_link(&self, case_id: Uuid, link_id: Uuid) -> Result<bool, StoreError> {
        let q = sql("UPDATE practitioner_links SET revoked = TRUE, \
                     code_hash = NULL, code_expires_at = NULL, \
                     session_hash = NULL, session_expires_at = NULL \
                     WHERE id = $1 AND case_id = $2 AND NOT revoked AND used_at IS NULL");
        let n = self
            .pool()
            .write_one(&q, &[Arg::Uuid(link_id), Arg::Uuid(case_id)])
            .await?;
        Ok(n == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets_and_personal_data() {
        let link = PractitionerLink {
            id: Uuid::nil(),
            token_hash: "tokenhash0123".into(),
            partnership_id: Uuid::nil(),
            case_id: Uuid::nil(),
            form: "scoping-form:x".into(),
            email: Some("jo.bloggs@example.org".into()),
            created_by: Uuid::nil(),
            created_at: OffsetDateTime::UNIX_EPOCH,
            expires_at: OffsetDateTime::UNIX_EPOCH,
            revoked: false,
            used_at: None,
            contribution_blob_id: None,
            code_hash: Some("codehash4567".into()),
            code_expires_at: None,
            code_attempts: 0,
            codes_sent: 1,
            session_hash: Some("sessionhash89".into()),
            session_expires_at: None,
        };
        let shown = format!("{link:?}");
        for hidden in [
            "jo.bloggs",
            "tokenhash0123",
            "codehash4567",
            "sessionhash89",
        ] {
            assert!(!shown.contains(hidden), "{shown}");
        }
    }
}
