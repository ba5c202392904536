//! Thematic briefings and self-assessment (issue 17, item 6): the partnership team (or the
//! chair) writes a briefing, links the reviews it draws on and sets questions; chosen agencies
//! answer by a due date, chased like requests for contributions; the answers roll up per
//! question and actions can be agreed from them. One user action, one append.
//!
//! Who may do what is decided here: writing, sending, agreeing actions and closing belong to the
//! partnership team and the chair; an agency's representative answers for their own agency
//! only (the team may record an agency's answers on its behalf); a briefing is read by the
//! roles that see the partnership's learning, and by the representatives of the agencies it
//! was sent to.

use std::collections::HashSet;

use cspr_domain::briefing::{self, Briefing, Command, Event};
use cspr_domain::ids::AgencyId;
use cspr_store::{NewBriefingEvent, StoreError, UserRow};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::Services;
use crate::jobs::{BackgroundJob, ChaserKind, agency_reminder_kind, representatives};
use crate::policy::{Principal, Role};
use crate::settings::ReminderRules;

/// Why a briefing action did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BriefingError {
    /// The briefing refused it (a message for the user).
    #[error(transparent)]
    Refused(#[from] briefing::Error),
    /// This person may not do this.
    #[error("You cannot do this")]
    Forbidden,
    /// No such briefing (for this person).
    #[error("There is no such briefing")]
    NotFound,
    /// The briefing changed since it was read.
    #[error("This briefing changed while you were editing it. Check it and try again.")]
    Conflict,
    /// A stored event could not be read.
    #[error("A stored event of this briefing could not be read")]
    Corrupt,
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for BriefingError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { .. } => Self::Conflict,
            StoreError::NotFound => Self::NotFound,
            other => Self::Store(other),
        }
    }
}

/// Whether the person writes briefings (and sends, closes and agrees actions).
#[must_use]
pub fn may_write(p: &Principal) -> bool {
    matches!(p.role, Role::PartnershipTeam | Role::Chair)
}

/// Whether the person sees the list of every briefing.
#[must_use]
pub fn may_list_all(p: &Principal) -> bool {
    matches!(
        p.role,
        Role::PartnershipTeam | Role::Chair | Role::SubgroupMember | Role::SafeguardingPartner
    )
}

/// Whether the person may read this briefing.
#[must_use]
pub fn may_read(p: &Principal, b: &Briefing) -> bool {
    may_list_all(p)
        || (p.role == Role::AgencyRepresentative
            && b.sent_on.is_some()
            && p.agency_id.is_some_and(|a| b.agencies.contains(&a)))
}

/// Whether the person may answer for `agency`: its own representative, or the team.
#[must_use]
pub fn may_answer_for(p: &Principal, agency: AgencyId) -> bool {
    p.role == Role::PartnershipTeam
        || (p.role == Role::AgencyRepresentative && p.agency_id == Some(agency))
}

fn allowed(p: &Principal, command: &Command) -> bool {
    match command {
        Command::SaveAnswers { agency, .. } | Command::Submit { agency } => {
            may_answer_for(p, *agency)
        }
        _ => may_write(p),
    }
}

fn replay_rows(rows: &[cspr_store::BriefingEventRow]) -> Result<Option<Briefing>, BriefingError> {
    let events = rows
        .iter()
        .map(|r| serde_json::from_value::<Event>(r.body.clone()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| BriefingError::Corrupt)?;
    Ok(briefing::replay(&events))
}

async fn load(services: &Services, id: Uuid) -> Result<Briefing, BriefingError> {
    let rows = services
        .store()
        .briefing_events(services.partnership_id().as_uuid(), id)
        .await?;
    replay_rows(&rows)?.ok_or(BriefingError::NotFound)
}

/// One briefing, if the person may read it.
///
/// # Errors
/// [`BriefingError::NotFound`] when there is none or the person may not read it (the same
/// answer, so ids cannot be probed); store failures.
pub async fn get(services: &Services, p: &Principal, id: Uuid) -> Result<Briefing, BriefingError> {
    let b = load(services, id).await?;
    if !may_read(p, &b) {
        return Err(BriefingError::NotFound);
    }
    Ok(as_seen_by(p, b))
}

/// The briefing as the person sees it: an agency's representative sees their own agency's
/// answers and actions only, never another agency's self-assessment.
fn as_seen_by(p: &Principal, mut b: Briefing) -> Briefing {
    if p.role == Role::AgencyRepresentative {
        let own = p.agency_id;
        b.returns.retain(|a, _| Some(*a) == own);
        b.actions.retain(|a| Some(a.agency) == own);
    }
    b
}

async fn all(services: &Services) -> Result<Vec<(Uuid, Briefing)>, BriefingError> {
    let rows = services
        .store()
        .all_briefing_events(services.partnership_id().as_uuid())
        .await?;
    let mut out = Vec::new();
    for chunk in rows.chunk_by(|a, b| a.briefing_id == b.briefing_id) {
        if let Some(b) = replay_rows(chunk)? {
            out.push((chunk[0].briefing_id, b));
        }
    }
    out.sort_by(|(ia, a), (ib, b)| {
        (b.sent_on.unwrap_or(b.drafted_on), ib).cmp(&(a.sent_on.unwrap_or(a.drafted_on), ia))
    });
    Ok(out)
}

/// The briefings the person may read, newest first.
///
/// # Errors
/// Store failures, an unreadable event.
pub async fn list(
    services: &Services,
    p: &Principal,
) -> Result<Vec<(Uuid, Briefing)>, BriefingError> {
    Ok(all(services)
        .await?
        .into_iter()
        .filter(|(_, b)| may_read(p, b))
        .map(|(id, b)| (id, as_seen_by(p, b)))
        .collect())
}

/// Runs one command on a briefing (`id` `None`: a new one, for `Draft`) if the person may,
/// against the version they saw when they give one. Returns the briefing's id.
///
/// # Errors
/// [`BriefingError`].
pub async fn run(
    services: &Services,
    p: &Principal,
    id: Option<Uuid>,
    expected_version: Option<u64>,
    command: Command,
) -> Result<Uuid, BriefingError> {
    if !allowed(p, &command) {
        return Err(BriefingError::Forbidden);
    }
    let (id, current) = match id {
        Some(id) => {
            let b = load(services, id).await?;
            if !may_read(p, &b) {
                return Err(BriefingError::NotFound);
            }
            (id, Some(b))
        }
        None => (Uuid::new_v4(), None),
    };
    let version = current.as_ref().map_or(0, |b| b.version);
    if expected_version.is_some_and(|v| v != version) {
        return Err(BriefingError::Conflict);
    }
    let app = services.app();
    let ctx = briefing::Ctx {
        actor: p.user_id,
        today: services.today(),
        calendar: app.calendar(),
    };
    let events = briefing::decide(current.as_ref(), command, &ctx)?;
    let new = events
        .iter()
        .map(|e| {
            Ok(NewBriefingEvent {
                event_type: e.kind().to_owned(),
                actor: format!("user:{}", p.user_id),
                body: serde_json::to_value(e).map_err(|_| BriefingError::Corrupt)?,
            })
        })
        .collect::<Result<Vec<_>, BriefingError>>()?;
    services
        .store()
        .append_briefing(
            id,
            services.partnership_id().as_uuid(),
            version,
            new,
            Vec::new(),
        )
        .await?;
    tracing::info!(briefing = %id, kinds = ?events.iter().map(Event::kind).collect::<Vec<_>>(), "briefing changed");
    Ok(id)
}

/// An action agreed from a briefing, as the action tracker lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedAction {
    /// The briefing.
    pub briefing_id: Uuid,
    /// Its title.
    pub briefing: String,
    /// The action.
    pub action: cspr_domain::briefing::BriefingAction,
    /// Past its due date and not completed.
    pub overdue: bool,
}

/// The actions agreed from the briefings the person may read, open ones first, soonest due
/// first (the action tracker's section on briefings).
///
/// # Errors
/// Store failures, an unreadable event.
pub async fn tracked_actions(
    services: &Services,
    p: &Principal,
) -> Result<Vec<TrackedAction>, BriefingError> {
    let today = services.today();
    let mut out: Vec<TrackedAction> = list(services, p)
        .await?
        .into_iter()
        .flat_map(|(id, b)| {
            let title = b.content.title.as_str().to_owned();
            b.actions.into_iter().map(move |action| TrackedAction {
                briefing_id: id,
                briefing: title.clone(),
                overdue: action.completed_on.is_none() && action.due < today,
                action,
            })
        })
        .collect();
    out.sort_by_key(|a| {
        (
            a.action.completed_on.is_some(),
            a.action.due,
            a.action.number,
        )
    });
    Ok(out)
}

/// One chaser email about a briefing's self-assessment, to one representative of one agency:
/// the job's payload. Ids and dates only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefingChaser {
    /// The briefing.
    pub briefing_id: Uuid,
    /// The agency asked.
    pub agency: Uuid,
    /// Which chaser (the request, before due, on the day, overdue).
    pub chaser: ChaserKind,
    /// The due date it was planned for.
    pub due: Date,
    /// The representative it goes to.
    pub recipient: Uuid,
}

impl BackgroundJob for BriefingChaser {
    const KIND: &'static str = crate::jobs::BRIEFING_CHASER_JOB;
    fn key(&self) -> String {
        match self.chaser {
            ChaserKind::Requested => format!(
                "briefing/{}/{}/requested/{}",
                self.briefing_id, self.agency, self.recipient
            ),
            other => format!(
                "briefing/{}/{}/{}/{}/{}",
                self.briefing_id,
                self.agency,
                other.key(),
                self.due,
                self.recipient
            ),
        }
    }
}

/// The chasers due on `today` for every agency that has not submitted its answers to a sent,
/// open briefing. Pure, and the same on every call on the same day.
#[must_use]
pub fn plan_chasers(
    briefings: &[(Uuid, Briefing)],
    users: &[UserRow],
    today: Date,
    calendar: &cspr_domain::calendar::Calendar,
    rules: &ReminderRules,
) -> Vec<BriefingChaser> {
    let mut out = Vec::new();
    for (id, b) in briefings {
        let (Some(due), None) = (b.due_on, b.closed_on) else {
            continue;
        };
        for agency in b.outstanding() {
            let agency = agency.as_uuid();
            let mut push = |chaser: ChaserKind| {
                out.extend(representatives(users, agency).into_iter().map(|recipient| {
                    BriefingChaser {
                        briefing_id: *id,
                        agency,
                        chaser,
                        due,
                        recipient,
                    }
                }));
            };
            if rules.request_email {
                push(ChaserKind::Requested);
            }
            if let Some(kind) = agency_reminder_kind(today, due, calendar, rules) {
                push(kind);
            }
        }
    }
    out
}

/// The briefings of the partnership, for planning (no person's view: every briefing).
///
/// # Errors
/// Store failures, an unreadable event.
pub async fn for_planning(services: &Services) -> Result<Vec<(Uuid, Briefing)>, BriefingError> {
    all(services).await
}

/// The address, subject and text of a briefing chaser that should still go, or `None` when it
/// should not (the agency answered, the briefing closed or its due date moved, the person no
/// longer represents the agency). No detail of the briefing beyond its title.
#[must_use]
pub fn chaser_email(
    chaser: &BriefingChaser,
    briefings: &[(Uuid, Briefing)],
    users: &[UserRow],
    base_url: &str,
    partnership_name: &str,
) -> Option<(String, String, String)> {
    let (_, b) = briefings.iter().find(|(id, _)| *id == chaser.briefing_id)?;
    let agency = AgencyId::from_uuid(chaser.agency);
    if b.closed_on.is_some() || b.submitted(agency) || b.due_on != Some(chaser.due) {
        return None;
    }
    let live: HashSet<Uuid> = representatives(users, chaser.agency).into_iter().collect();
    if !live.contains(&chaser.recipient) {
        return None;
    }
    let user = users.iter().find(|u| u.id == chaser.recipient)?;
    let due = cspr_domain::words::full_date(chaser.due);
    let title = b.content.title.as_str();
    let (subject, opening) = match chaser.chaser {
        ChaserKind::Requested => (
            format!("Self-assessment requested: {title}"),
            format!(
                "Your agency has been asked to answer the self-assessment questions of the \
                 briefing \"{title}\" by {due}."
            ),
        ),
        ChaserKind::BeforeDue => (
            format!("Self-assessment due on {due}: {title}"),
            format!(
                "Your agency's answers to the briefing \"{title}\" are due on {due} and have \
                 not been submitted yet."
            ),
        ),
        ChaserKind::DueToday => (
            format!("Self-assessment due today: {title}"),
            format!("Your agency's answers to the briefing \"{title}\" are due today, {due}."),
        ),
        ChaserKind::Overdue | ChaserKind::Escalation => (
            format!("Self-assessment overdue: {title}"),
            format!(
                "Your agency's answers to the briefing \"{title}\" were due on {due} and have \
                 not been submitted."
            ),
        ),
    };
    let link = format!(
        "{}/briefings/{}/agencies/{}",
        base_url.trim_end_matches('/'),
        chaser.briefing_id,
        chaser.agency
    );
    let body = format!(
        "{opening}\n\nAnswer here (you will be asked to sign in):\n{link}\n\n{partnership_name}\n"
    );
    Some((user.email.clone(), subject, body))
}
