//! Read models: the case list, deadlines, actions and case membership. A case's projection is
//! replaced as a whole; every listing is scoped inside its SQL query by partnership and, for
//! members, by a semi-join on `case_members`, so unscoped rows never leave the database.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use uuid::Uuid;

use crate::codec::{check_date, normalise_time};
use crate::db::{Arg, Cx, Row, Sql, read_row, select, sql};
use crate::{
    ActionRow, CaseMember, CaseScope, CaseSummary, DeadlineRow, ProjectionUpdate, Store, StoreError,
};

macro_rules! summary_cols {
    () => {
        "s.case_id, s.partnership_id, s.reference, s.stage, s.stage_label, s.next_deadline, \
         s.next_deadline_label, s.opened_on, s.updated_at, s.closed, s.agencies, s.themes, \
         s.closed_on, s.legal_hold"
    };
}
macro_rules! deadline_cols {
    () => {
        "d.case_id, d.key, d.label, d.due, d.state, d.met_on, d.explanation"
    };
}
macro_rules! action_cols {
    () => {
        "a.case_id, a.action_id, a.recommendation, a.agency, a.description, a.due, a.status, \
         a.owner, a.themes, a.last_progress, a.completed_on, a.impact_evidenced_on"
    };
}
/// The scope filter on `case_summaries s`: `$1` partnership, `$2` user or NULL for the whole
/// partnership.
macro_rules! scope_filter {
    () => {
        " s.partnership_id = $1 AND ($2 IS NULL OR EXISTS \
         (SELECT 1 FROM case_members m WHERE m.case_id = s.case_id AND m.user_id = $2))"
    };
}

/// Joins the rows of the table aliased `$alias` to their case's summary `s` and keeps those
/// in scope (see `scope_filter!()`).
macro_rules! in_scope {
    ($alias:literal) => {
        concat!(
            " JOIN case_summaries s ON s.case_id = ",
            $alias,
            ".case_id WHERE",
            scope_filter!()
        )
    };
}

fn scope_args(scope: CaseScope) -> [Arg; 2] {
    match scope {
        CaseScope::Partnership(p) => [Arg::Uuid(p), Arg::OptUuid(None)],
        CaseScope::Member {
            partnership_id,
            user_id,
        } => [Arg::Uuid(partnership_id), Arg::OptUuid(Some(user_id))],
    }
}

/// Checks a projection before any of it is written.
pub(crate) fn check_projection(p: &ProjectionUpdate) -> Result<(), StoreError> {
    let case = p.summary.case_id;
    check_date(p.summary.opened_on)?;
    if let Some(d) = p.summary.closed_on {
        check_date(d)?;
    }
    if let Some(d) = p.summary.next_deadline {
        check_date(d)?;
    }
    normalise_time(p.summary.updated_at)?;
    let mut keys = BTreeSet::new();
    for d in &p.deadlines {
        if d.case_id != case {
            return Err(StoreError::Invalid(
                "a deadline belongs to another case".into(),
            ));
        }
        if !keys.insert(d.key.as_str()) {
            return Err(StoreError::Invalid(format!(
                "the deadline key {:?} appears twice",
                d.key
            )));
        }
        check_date(d.due)?;
        if let Some(m) = d.met_on {
            check_date(m)?;
        }
    }
    let mut actions = BTreeSet::new();
    for a in &p.actions {
        if a.case_id != case {
            return Err(StoreError::Invalid(
                "an action belongs to another case".into(),
            ));
        }
        if !actions.insert(a.action_id) {
            return Err(StoreError::Invalid("an action appears twice".into()));
        }
        if let Some(d) = a.due {
            check_date(d)?;
        }
    }
    Ok(())
}

/// Replaces a case's projection rows inside the caller's transaction, and moves the read
/// models' version on (so every process's kept listings are read again).
pub(crate) async fn write_projection(
    cx: &mut Cx<'_>,
    p: &ProjectionUpdate,
) -> Result<(), StoreError> {
    bump_projection_version(cx).await?;
    let s = &p.summary;
    cx.execute(
        &sql(
            "INSERT INTO case_summaries (case_id, partnership_id, reference, stage, stage_label, \
              next_deadline, next_deadline_label, opened_on, updated_at, closed, agencies, themes, \
              closed_on, legal_hold) \
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
              ON CONFLICT (case_id) DO UPDATE SET partnership_id = excluded.partnership_id, \
              reference = excluded.reference, stage = excluded.stage, \
              stage_label = excluded.stage_label, next_deadline = excluded.next_deadline, \
              next_deadline_label = excluded.next_deadline_label, opened_on = excluded.opened_on, \
              updated_at = excluded.updated_at, closed = excluded.closed, \
              agencies = excluded.agencies, themes = excluded.themes, \
              closed_on = excluded.closed_on, legal_hold = excluded.legal_hold",
        ),
        &[
            Arg::Uuid(s.case_id),
            Arg::Uuid(s.partnership_id),
            Arg::Text(s.reference.clone()),
            Arg::Text(s.stage.clone()),
            Arg::Text(s.stage_label.clone()),
            Arg::OptDate(s.next_deadline),
            Arg::OptText(s.next_deadline_label.clone()),
            Arg::Date(s.opened_on),
            Arg::Time(normalise_time(s.updated_at)?),
            Arg::Bool(s.closed),
            Arg::Text(
                s.agencies
                    .iter()
                    .map(Uuid::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Arg::Text(s.themes.join("\n")),
            Arg::OptDate(s.closed_on),
            Arg::Bool(s.legal_hold),
        ],
    )
    .await?;
    let case = [Arg::Uuid(s.case_id)];
    cx.execute(&sql("DELETE FROM case_deadlines WHERE case_id = $1"), &case)
        .await?;
    for d in &p.deadlines {
        cx.execute(
            &sql(
                "INSERT INTO case_deadlines (case_id, key, label, due, state, met_on, explanation) \
                  VALUES ($1, $2, $3, $4, $5, $6, $7)",
            ),
            &[
                Arg::Uuid(d.case_id),
                Arg::Text(d.key.clone()),
                Arg::Text(d.label.clone()),
                Arg::Date(d.due),
                Arg::Text(d.state.clone()),
                Arg::OptDate(d.met_on),
                Arg::Text(d.explanation.clone()),
            ],
        )
        .await?;
    }
    cx.execute(&sql("DELETE FROM case_actions WHERE case_id = $1"), &case)
        .await?;
    for a in &p.actions {
        cx.execute(
            &sql("INSERT INTO case_actions (case_id, action_id, recommendation, agency, description, \
                  due, status, owner, themes, last_progress, completed_on, impact_evidenced_on) \
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"),
            &[
                Arg::Uuid(a.case_id),
                Arg::Uuid(a.action_id),
                Arg::Text(a.recommendation.clone()),
                Arg::Text(a.agency.clone()),
                Arg::Text(a.description.clone()),
                Arg::OptDate(a.due),
                Arg::Text(a.status.clone()),
                Arg::Text(a.owner.clone()),
                Arg::Text(a.themes.join("\n")),
                Arg::OptDate(a.last_progress),
                Arg::OptDate(a.completed_on),
                Arg::OptDate(a.impact_evidenced_on),
            ],
        )
        .await?;
    }
    cx.execute(&sql("DELETE FROM case_members WHERE case_id = $1"), &case)
        .await?;
    let members: BTreeSet<&CaseMember> = p.members.iter().collect();
    for m in members {
        cx.execute(
            &sql("INSERT INTO case_members (case_id, user_id, role) VALUES ($1, $2, $3)"),
            &[
                Arg::Uuid(s.case_id),
                Arg::Uuid(m.user_id),
                Arg::Text(m.role.clone()),
            ],
        )
        .await?;
    }
    Ok(())
}

fn summary_from_row(r: &Row) -> Result<CaseSummary, StoreError> {
    Ok(read_row!(r => CaseSummary {
        case_id: uuid, partnership_id: uuid, reference: text, stage: text, stage_label: text,
        next_deadline: opt_date, next_deadline_label: opt_text, opened_on: date,
        updated_at: time, closed: bool, closed_on: opt_date, legal_hold: bool,
        themes: { lines(&r.text("themes")?) },
        agencies: { agency_ids(&r.text("agencies")?)? },
    }))
}

fn deadline_from_row(r: &Row) -> Result<DeadlineRow, StoreError> {
    Ok(read_row!(r => DeadlineRow {
        case_id: uuid, key: text, label: text, due: date, state: text, met_on: opt_date,
        explanation: text,
    }))
}

fn action_from_row(r: &Row) -> Result<ActionRow, StoreError> {
    Ok(read_row!(r => ActionRow {
        case_id: uuid, action_id: uuid, recommendation: text, agency: text, description: text,
        due: opt_date, status: text, owner: text,
        themes: { lines(&r.text("themes")?) },
        last_progress: opt_date, completed_on: opt_date, impact_evidenced_on: opt_date,
    }))
}

/// The agency ids of a case summary, kept space-separated.
fn agency_ids(text: &str) -> Result<Vec<Uuid>, StoreError> {
    text.split_whitespace()
        .map(|a| {
            Uuid::parse_str(a)
                .map_err(|_| StoreError::Invalid("an agency id in a case summary".into()))
        })
        .collect()
}

/// A list kept one item per line.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

// Ordering happens in Rust with byte-wise string comparison so both backends list rows in the
// same order whatever the PostgreSQL collation.
fn sort_deadlines(rows: &mut [DeadlineRow]) {
    rows.sort_by(|a, b| (a.due, a.case_id, &a.key).cmp(&(b.due, b.case_id, &b.key)));
}

fn sort_actions(rows: &mut [ActionRow]) {
    // Actions without a due date come last.
    rows.sort_by(|a, b| {
        (a.due.is_none(), a.due, a.case_id, a.action_id).cmp(&(
            b.due.is_none(),
            b.due,
            b.case_id,
            b.action_id,
        ))
    });
}

/// Moves the read models' version on, inside the caller's transaction.
pub(crate) async fn bump_projection_version(cx: &mut Cx<'_>) -> Result<(), StoreError> {
    cx.execute(
        &sql("UPDATE projection_version SET version = version + 1 WHERE id = 1"),
        &[],
    )
    .await?;
    Ok(())
}

/// A listing with the read models' version it was read at.
type Kept<T> = (i64, Arc<Vec<T>>);

/// The listings of one kind (case summaries, actions) a process keeps, by scope.
pub(crate) struct ListingCache<T> {
    kept: std::sync::Mutex<HashMap<CaseScope, Kept<T>>>,
}

impl<T> Default for ListingCache<T> {
    fn default() -> Self {
        ListingCache {
            kept: std::sync::Mutex::new(HashMap::new()),
        }
    }
}

/// The most listings kept of each kind (one per partnership, and one per member who lists
/// their cases).
const KEPT_LISTINGS: usize = 256;

impl<T> ListingCache<T> {
    fn get(&self, scope: CaseScope, version: i64) -> Option<Arc<Vec<T>>> {
        let kept = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        kept.get(&scope)
            .filter(|(v, _)| *v == version)
            .map(|(_, list)| Arc::clone(list))
    }

    fn put(&self, scope: CaseScope, version: i64, list: Arc<Vec<T>>) {
        let mut kept = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if kept.len() >= KEPT_LISTINGS && !kept.contains_key(&scope) {
            kept.clear();
        }
        // Never replace a listing with one read at an older version.
        if kept.get(&scope).is_none_or(|(v, _)| *v <= version) {
            kept.insert(scope, (version, list));
        }
    }
}

/// A case as its access check reads it ([`Store::case_summary_for`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRead {
    /// The case's summary.
    pub summary: CaseSummary,
    /// The roles the person holds on the case, sorted; empty when not a member.
    pub roles: Vec<String>,
    /// The version of the case's stream (0 before its first event).
    pub stream_version: u64,
    /// Whether its key has been destroyed: a decoded copy kept in memory, by any process,
    /// must not be served (issue 18).
    pub shredded: bool,
}

/// The listing kept in `cache` for `scope` at `version`, or `read` (which runs only when
/// awaited) kept at it. `version` must have been read before `read` runs: a write between the
/// two leaves a listing newer than its version, which the next read replaces; never an older
/// one.
async fn kept_at<T>(
    cache: &ListingCache<T>,
    scope: CaseScope,
    version: i64,
    read: impl Future<Output = Result<Vec<T>, StoreError>>,
) -> Result<Arc<Vec<T>>, StoreError> {
    if let Some(list) = cache.get(scope, version) {
        return Ok(list);
    }
    let list = Arc::new(read.await?);
    cache.put(scope, version, Arc::clone(&list));
    Ok(list)
}

/// The listings kept in memory: case summaries and actions by scope, and agencies by
/// partnership (kept under `CaseScope::Partnership`; a change to an agency moves the version on).
#[derive(Default)]
pub(crate) struct KeptListings {
    summaries: ListingCache<CaseSummary>,
    actions: ListingCache<ActionRow>,
    agencies: ListingCache<crate::AgencyRow>,
}

impl Store {
    /// The read models' version: moved on by every write of a case's projection.
    pub async fn projection_version(&self) -> Result<i64, StoreError> {
        self.pool()
            .fetch_one(
                &sql("SELECT version FROM projection_version WHERE id = 1"),
                &[],
            )
            .await?
            .i64("version")
    }

    /// [`Store::case_summaries`], served from a listing this process keeps while the read
    /// models' version has not moved on since it was read: one indexed read instead of every
    /// summary (the dashboard, the case list and the tracker list a partnership's cases on
    /// every view). Shared, not copied.
    pub async fn case_summaries_kept(
        &self,
        scope: CaseScope,
    ) -> Result<Arc<Vec<CaseSummary>>, StoreError> {
        let version = self.projection_version().await?;
        self.case_summaries_kept_at(scope, version).await
    }

    /// [`Store::case_summaries_kept`] at a version the caller read already (a signed-in
    /// request reads it with its session, [`Store::session_with_user`]).
    pub async fn case_summaries_kept_at(
        &self,
        scope: CaseScope,
        version: i64,
    ) -> Result<Arc<Vec<CaseSummary>>, StoreError> {
        let read = self.case_summaries(scope);
        kept_at(&self.kept_listings().summaries, scope, version, read).await
    }

    /// [`Store::actions`], kept in memory as [`Store::case_summaries_kept`] keeps listings (the
    /// action tracker reads every action in scope on every view).
    pub async fn actions_kept(&self, scope: CaseScope) -> Result<Arc<Vec<ActionRow>>, StoreError> {
        let version = self.projection_version().await?;
        self.actions_kept_at(scope, version).await
    }

    /// [`Store::actions_kept`] at a version the caller read already.
    pub async fn actions_kept_at(
        &self,
        scope: CaseScope,
        version: i64,
    ) -> Result<Arc<Vec<ActionRow>>, StoreError> {
        let read = self.actions(scope);
        kept_at(&self.kept_listings().actions, scope, version, read).await
    }

    /// [`Store::agencies`], kept in memory at a version of the read models the caller read
    /// already (every change to an agency moves the version on).
    pub async fn agencies_kept_at(
        &self,
        partnership_id: Uuid,
        version: i64,
    ) -> Result<Arc<Vec<crate::AgencyRow>>, StoreError> {
        let read = self.agencies(partnership_id);
        let scope = CaseScope::Partnership(partnership_id);
        kept_at(&self.kept_listings().agencies, scope, version, read).await
    }

    /// Replaces one case's projection outside an append (projection rebuilds).
    pub async fn replace_projection(&self, update: ProjectionUpdate) -> Result<(), StoreError> {
        check_projection(&update)?;
        let mut tx = self.pool().write().await?;
        write_projection(&mut tx.cx(), &update).await?;
        tx.commit().await
    }

    /// Replaces one case's projection only if the stream is still at `version` (the version it
    /// was computed from); returns false, writing nothing, when an append has moved it on (that
    /// append wrote a newer projection in its own transaction).
    pub async fn replace_projection_at(
        &self,
        update: ProjectionUpdate,
        version: u64,
    ) -> Result<bool, StoreError> {
        check_projection(&update)?;
        let mut tx = self.pool().write().await?;
        let current = crate::events::version_of(&mut tx.cx(), update.summary.case_id).await?;
        if current != version {
            return Ok(false);
        }
        write_projection(&mut tx.cx(), &update).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The case list for a scope: newest opened first, then by reference.
    pub async fn case_summaries(&self, scope: CaseScope) -> Result<Vec<CaseSummary>, StoreError> {
        let q = select!(
            summary_cols!(),
            " FROM case_summaries s WHERE",
            scope_filter!()
        );
        let mut out = self
            .pool()
            .fetch_all(&q, &scope_args(scope), summary_from_row)
            .await?;
        out.sort_by(|a, b| {
            (b.opened_on, &a.reference, a.case_id).cmp(&(a.opened_on, &b.reference, b.case_id))
        });
        Ok(out)
    }

    /// One case's summary, if the case has a projection. The caller checks access first.
    pub async fn case_summary(&self, case_id: Uuid) -> Result<Option<CaseSummary>, StoreError> {
        let q = select!(
            summary_cols!(),
            " FROM case_summaries s WHERE s.case_id = $1"
        );
        self.pool()
            .fetch_optional(&q, &[Arg::Uuid(case_id)], summary_from_row)
            .await
    }

    /// One case's summary, the roles `user_id` holds on it (none when not a member) and its
    /// stream's version: what deciding whether someone may open the case, and then finding the
    /// decoded case kept in memory, need, in one statement (issue 20).
    pub async fn case_summary_for(
        &self,
        case_id: Uuid,
        user_id: Uuid,
    ) -> Result<Option<CaseRead>, StoreError> {
        let q = select!(
            summary_cols!(),
            ", m.role AS member_role, \
             (SELECT COALESCE(MAX(e.version), 0) FROM events e WHERE e.stream_id = s.case_id) \
             AS stream_version, \
             EXISTS (SELECT 1 FROM case_keys k WHERE k.case_id = s.case_id \
             AND k.wrapped_key IS NULL) AS shredded \
             FROM case_summaries s \
             LEFT JOIN case_members m ON m.case_id = s.case_id AND m.user_id = $2 \
             WHERE s.case_id = $1"
        );
        let mut conn = self.pool().conn().await?;
        let rows = conn
            .cx()
            .fetch_all(&q, &[Arg::Uuid(case_id), Arg::Uuid(user_id)])
            .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let mut roles = rows
            .iter()
            .map(|r| r.opt_text("member_role"))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
        roles.sort();
        Ok(Some(CaseRead {
            summary: summary_from_row(first)?,
            roles,
            stream_version: first.u64("stream_version")?,
            shredded: first.bool("shredded")?,
        }))
    }

    /// Who is a member of a case, and as what.
    pub async fn case_members(&self, case_id: Uuid) -> Result<Vec<CaseMember>, StoreError> {
        let q = sql("SELECT user_id, role FROM case_members WHERE case_id = $1");
        let mut out = self
            .pool()
            .fetch_all(&q, &[Arg::Uuid(case_id)], |r| {
                Ok(CaseMember {
                    user_id: r.uuid("user_id")?,
                    role: r.text("role")?,
                })
            })
            .await?;
        out.sort();
        Ok(out)
    }

    /// One case's deadlines, soonest first.
    pub async fn deadlines(&self, case_id: Uuid) -> Result<Vec<DeadlineRow>, StoreError> {
        let q = select!(
            deadline_cols!(),
            " FROM case_deadlines d WHERE d.case_id = $1"
        );
        self.deadlines_of(&q, &[Arg::Uuid(case_id)]).await
    }

    /// Every deadline of the cases in scope, soonest first (the dashboard).
    pub async fn all_deadlines(&self, scope: CaseScope) -> Result<Vec<DeadlineRow>, StoreError> {
        let q = select!(deadline_cols!(), " FROM case_deadlines d", in_scope!("d"));
        self.deadlines_of(&q, &scope_args(scope)).await
    }

    /// Every action of the cases in scope, soonest due first (the action tracker).
    pub async fn actions(&self, scope: CaseScope) -> Result<Vec<ActionRow>, StoreError> {
        let q = select!(action_cols!(), " FROM case_actions a", in_scope!("a"));
        self.actions_of(&q, &scope_args(scope)).await
    }

    /// One case's actions, soonest due first.
    pub async fn case_actions(&self, case_id: Uuid) -> Result<Vec<ActionRow>, StoreError> {
        let q = select!(action_cols!(), " FROM case_actions a WHERE a.case_id = $1");
        self.actions_of(&q, &[Arg::Uuid(case_id)]).await
    }

    /// The deadlines found by a query of `deadline_cols!()`, soonest first.
    async fn deadlines_of(&self, q: &Sql, args: &[Arg]) -> Result<Vec<DeadlineRow>, StoreError> {
        let mut out = self.pool().fetch_all(q, args, deadline_from_row).await?;
        sort_deadlines(&mut out);
        Ok(out)
    }

    /// The actions found by a query of `action_cols!()`, soonest due first.
    async fn actions_of(&self, q: &Sql, args: &[Arg]) -> Result<Vec<ActionRow>, StoreError> {
        let mut out = self.pool().fetch_all(q, args, action_from_row).await?;
        sort_actions(&mut out);
        Ok(out)
    }
}
