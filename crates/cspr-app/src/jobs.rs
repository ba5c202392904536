//! Background work through the job outbox: reminders and overdue chasers about actions, planned
//! from the read models on every run (`cspr serve` runs [`run_jobs`] every 5 minutes) and sent
//! by email. Each email is one job under a stable key (case, action, kind, due date, recipient),
//! so planning again enqueues nothing new; the key is marked done in the transaction that
//! completes the job and checked before sending, so a job handed out again after a crash or an
//! expired lease does not send again (docs/ARCHITECTURE.md section 6 on the trade-off). Requests
//! to agencies (agency summaries, scoping forms, reports, chronologies) have chasers of their
//! own: the request itself, before due, on the day, overdue and escalation, planned from the
//! deadlines read model and cancelled (skipped) once the response arrives or the request is
//! waived.

use std::collections::HashMap;

use cspr_domain::calendar::Calendar;
use cspr_domain::case::model::ContributionKind;
use cspr_domain::words::{full_date, working_days};
use cspr_store::{
    ActionRow, CaseScope, CaseSummary, DeadlineRow, Job, JobOutcome, NewJob, StoreError, UserRow,
};
use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use uuid::Uuid;

use crate::Services;
use crate::briefings::BriefingChaser;
use crate::mail;
use crate::policy::Role;
pub use crate::settings::ReminderRules;

/// The job kind of one reminder email to one person.
pub const REMINDER_JOB: &str = "send-action-reminder";

/// The job kind of one chaser email about a request to an agency, to one person.
pub const CHASER_JOB: &str = "send-request-chaser";

/// The job kind of one chaser email about a briefing's self-assessment, to one person.
pub const BRIEFING_CHASER_JOB: &str = "send-briefing-chaser";

/// How long a worker holds a claimed job. Far above a send's worst case (a few SMTP commands of
/// at most 10 s each), so a live worker's job is never handed to another.
pub const JOB_LEASE: Duration = Duration::minutes(10);

/// Most jobs one run works through; the rest wait for the next run.
const MAX_JOBS_PER_RUN: usize = 500;

/// Which reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReminderKind {
    /// To the agency's representatives, some working days before the due date.
    BeforeDue,
    /// To the agency's representatives, on the due date.
    DueToday,
    /// To the agency's representatives, from the first working day after the due date.
    Overdue,
    /// To the agency's subgroup member (or the partnership team when it has none), some working
    /// days after the due date.
    Escalation,
}

impl ReminderKind {
    /// A stable machine name, as in keys.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Self::BeforeDue => "before-due",
            Self::DueToday => "due-today",
            Self::Overdue => "overdue",
            Self::Escalation => "escalation",
        }
    }
}

/// One reminder email to one person: the job's payload. Ids and dates only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    /// The case.
    pub case_id: Uuid,
    /// The action.
    pub action_id: Uuid,
    /// Which reminder.
    pub kind: ReminderKind,
    /// The due date it was planned for; a job for an action whose due date changed since is
    /// skipped (the new date has reminders of its own).
    pub due: Date,
    /// Working days until the due date (before it) or since it (escalation), when planned.
    pub working_days: i64,
    /// The user it goes to.
    pub recipient: Uuid,
}

impl Reminder {
    /// The idempotency key: the same reminder is enqueued, and sent, once.
    #[must_use]
    pub fn key(&self) -> String {
        format!(
            "reminder/{}/{}/{}/{}/{}",
            self.case_id,
            self.action_id,
            self.kind.key(),
            self.due,
            self.recipient
        )
    }
}

/// The reminders due on `today` for every open action, to every person they go to. Pure, and
/// the same on every call on the same day; at most one of before-due, due-today and overdue per
/// action (the one `today` falls in), and escalation on its own once it is due.
#[must_use]
pub fn plan_reminders(
    actions: &[ActionRow],
    users: &[UserRow],
    today: Date,
    calendar: &Calendar,
    rules: &ReminderRules,
) -> Vec<Reminder> {
    let mut out = Vec::new();
    for action in actions {
        let (Some(due), Ok(agency)) = (action.due, Uuid::parse_str(&action.agency)) else {
            continue;
        };
        if !is_open(action) {
            continue;
        }
        let mut push = |kind: ReminderKind, days: i64, to: Vec<Uuid>| {
            out.extend(to.into_iter().map(|recipient| Reminder {
                case_id: action.case_id,
                action_id: action.action_id,
                kind,
                due,
                working_days: days,
                recipient,
            }));
        };
        if let Some((kind, days)) = agency_reminder(today, due, calendar, rules) {
            push(kind, days, representatives(users, agency));
        }
        let escalate_on = calendar.add_working_days(due, rules.escalate_after_working_days.max(1));
        if today > due && today >= escalate_on {
            let days = calendar.working_days_between(due, today);
            push(ReminderKind::Escalation, days, escalation_to(users, agency));
        }
    }
    out
}

/// Whether an action still needs work.
fn is_open(action: &ActionRow) -> bool {
    action.completed_on.is_none()
        && action.status != "complete"
        && action.status != "impact-evidenced"
}

/// The representatives' reminder `today` falls in, with its working days, if any.
fn agency_reminder(
    today: Date,
    due: Date,
    calendar: &Calendar,
    rules: &ReminderRules,
) -> Option<(ReminderKind, i64)> {
    if today < due {
        let left = calendar.working_days_between(today, due);
        (rules.before_due_working_days > 0 && left <= i64::from(rules.before_due_working_days))
            .then_some((ReminderKind::BeforeDue, left))
    } else if today == due {
        Some((ReminderKind::DueToday, 0))
    } else {
        // From the first working day after the due date: not on the weekend straight after.
        (today >= calendar.add_working_days(due, 1)).then(|| {
            (
                ReminderKind::Overdue,
                calendar.working_days_between(due, today),
            )
        })
    }
}

/// The representatives' chaser `today` falls in for an answer due on `due`, if any (requests
/// for contributions and briefings' self-assessments alike).
pub(crate) fn agency_reminder_kind(
    today: Date,
    due: Date,
    calendar: &Calendar,
    rules: &ReminderRules,
) -> Option<ChaserKind> {
    let windows = ReminderRules {
        before_due_working_days: rules.request_before_due_working_days,
        ..*rules
    };
    agency_reminder(today, due, calendar, &windows).map(|(kind, _)| match kind {
        ReminderKind::BeforeDue => ChaserKind::BeforeDue,
        ReminderKind::DueToday => ChaserKind::DueToday,
        _ => ChaserKind::Overdue,
    })
}

fn active_with(
    users: &[UserRow],
    role: Role,
    agency: Option<Uuid>,
) -> impl Iterator<Item = &UserRow> {
    users.iter().filter(move |u| {
        !u.disabled && u.role == role.key() && (agency.is_none() || u.agency_id == agency)
    })
}

/// The agency's representatives.
pub(crate) fn representatives(users: &[UserRow], agency: Uuid) -> Vec<Uuid> {
    active_with(users, Role::AgencyRepresentative, Some(agency))
        .map(|u| u.id)
        .collect()
}

/// The agency's subgroup members, or the partnership team when it has none.
fn escalation_to(users: &[UserRow], agency: Uuid) -> Vec<Uuid> {
    let members: Vec<Uuid> = active_with(users, Role::SubgroupMember, Some(agency))
        .map(|u| u.id)
        .collect();
    if members.is_empty() {
        active_with(users, Role::PartnershipTeam, None)
            .map(|u| u.id)
            .collect()
    } else {
        members
    }
}

/// Whether `user` is still someone `reminder` goes to (roles and agencies change).
fn still_recipient(reminder: &Reminder, users: &[UserRow], agency: Uuid) -> bool {
    let to = match reminder.kind {
        ReminderKind::Escalation => escalation_to(users, agency),
        _ => representatives(users, agency),
    };
    to.contains(&reminder.recipient)
}

/// The subject and text of a reminder. Only the case reference, the due date and a link: no
/// names, nothing of what the action is about.
#[must_use]
pub fn reminder_email(
    reminder: &Reminder,
    reference: &str,
    link: &str,
    partnership_name: &str,
) -> (String, String) {
    let due = full_date(reminder.due);
    let days = working_days(reminder.working_days);
    let (subject, opening) = match reminder.kind {
        ReminderKind::BeforeDue => (
            format!("Action due in {days}: case {reference}"),
            format!("An action your agency owns in case {reference} is due in {days}, on {due}."),
        ),
        ReminderKind::DueToday => (
            format!("Action due today: case {reference}"),
            format!("An action your agency owns in case {reference} is due today, {due}."),
        ),
        ReminderKind::Overdue => (
            format!("Action overdue: case {reference}"),
            format!(
                "An action your agency owns in case {reference} was due on {due} and is not \
                 recorded as completed."
            ),
        ),
        ReminderKind::Escalation => (
            format!("Escalation: action overdue by {days}: case {reference}"),
            format!(
                "An action in case {reference} was due on {due} and is overdue by {days}. The \
                 agency's representatives have been reminded. It comes to you as the agency's \
                 subgroup member, or to the partnership team when the agency has none."
            ),
        ),
    };
    let body = format!(
        "{opening}\n\
         \n\
         Record its progress, or its completion with evidence of impact, here (you will be \
         asked to sign in):\n\
         {link}\n\
         \n\
         This email holds no details of the case: they are in cspr.\n\
         \n\
         {partnership_name}\n"
    );
    (subject, body)
}

/// Which chaser of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChaserKind {
    /// The request itself, to the agency's representatives.
    Requested,
    /// Some working days before the due date.
    BeforeDue,
    /// On the due date.
    DueToday,
    /// From the first working day after the due date.
    Overdue,
    /// To the agency's subgroup member (or the partnership team), some working days overdue.
    Escalation,
}

impl ChaserKind {
    /// A stable machine name, as in keys.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::BeforeDue => "before-due",
            Self::DueToday => "due-today",
            Self::Overdue => "overdue",
            Self::Escalation => "escalation",
        }
    }
}

/// One chaser email about one request to one person: the job's payload. Ids and dates only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chaser {
    /// The case.
    pub case_id: Uuid,
    /// What was asked for.
    pub kind: ContributionKind,
    /// Of which agency.
    pub agency: Uuid,
    /// Which chaser.
    pub chaser: ChaserKind,
    /// The due date it was planned for (a later change of date plans chasers of its own).
    pub due: Date,
    /// Working days until the due date (before it) or since it (escalation, overdue).
    pub working_days: i64,
    /// The user it goes to.
    pub recipient: Uuid,
}

impl Chaser {
    /// The idempotency key: the same chaser is enqueued, and sent, once. The request email is
    /// one per request and person whatever the due date.
    #[must_use]
    pub fn key(&self) -> String {
        let kind = self.kind.slug();
        match self.chaser {
            ChaserKind::Requested => format!(
                "chaser/{}/{kind}/{}/requested/{}",
                self.case_id, self.agency, self.recipient
            ),
            other => format!(
                "chaser/{}/{kind}/{}/{}/{}/{}",
                self.case_id,
                self.agency,
                other.key(),
                self.due,
                self.recipient
            ),
        }
    }
}

/// The open request a deadline row stands for: (kind, agency).
fn open_request(d: &DeadlineRow) -> Option<(ContributionKind, Uuid)> {
    let (slug, agency) = d.key.split_once(':')?;
    let kind = ContributionKind::from_slug(slug)?;
    let agency = Uuid::parse_str(agency).ok()?;
    d.met_on.is_none().then_some((kind, agency))
}

/// The chasers due on `today` for every open request of the open cases, to every person they go
/// to. Pure, and the same on every call on the same day.
#[must_use]
pub fn plan_chasers(
    deadlines: &[DeadlineRow],
    open_cases: &std::collections::HashSet<Uuid>,
    users: &[UserRow],
    today: Date,
    calendar: &Calendar,
    rules: &ReminderRules,
) -> Vec<Chaser> {
    let windows = ReminderRules {
        before_due_working_days: rules.request_before_due_working_days,
        escalate_after_working_days: rules.request_escalate_after_working_days,
        ..*rules
    };
    let mut out = Vec::new();
    for d in deadlines {
        let Some((kind, agency)) = open_request(d) else {
            continue;
        };
        if !open_cases.contains(&d.case_id) {
            continue;
        }
        let due = d.due;
        let mut push = |chaser: ChaserKind, days: i64, to: Vec<Uuid>| {
            out.extend(to.into_iter().map(|recipient| Chaser {
                case_id: d.case_id,
                kind,
                agency,
                chaser,
                due,
                working_days: days,
                recipient,
            }));
        };
        if rules.request_email {
            push(ChaserKind::Requested, 0, representatives(users, agency));
        }
        if let Some((kind, days)) = agency_reminder(today, due, calendar, &windows) {
            let chaser = match kind {
                ReminderKind::BeforeDue => ChaserKind::BeforeDue,
                ReminderKind::DueToday => ChaserKind::DueToday,
                _ => ChaserKind::Overdue,
            };
            push(chaser, days, representatives(users, agency));
        }
        let escalate_on =
            calendar.add_working_days(due, windows.escalate_after_working_days.max(1));
        if today > due && today >= escalate_on {
            let days = calendar.working_days_between(due, today);
            push(ChaserKind::Escalation, days, escalation_to(users, agency));
        }
    }
    out
}

/// The subject and text of a chaser. Only the case reference, what is asked for, the due date
/// and a link: no names, nothing of the case.
#[must_use]
pub fn chaser_email(
    chaser: &Chaser,
    reference: &str,
    link: &str,
    partnership_name: &str,
) -> (String, String) {
    let due = full_date(chaser.due);
    let days = working_days(chaser.working_days);
    let what = chaser.kind.label();
    let (subject, opening, ask) = match chaser.chaser {
        ChaserKind::Requested => (
            format!("Request for {}: case {reference}", a_or_an(what)),
            format!(
                "Your agency has been asked for {} for case {reference}, due on {due}.",
                a_or_an(what)
            ),
            "Fill in the form here",
        ),
        ChaserKind::BeforeDue => (
            format!("{} due in {days}: case {reference}", capital(what)),
            format!(
                "Your agency's {what} for case {reference} is due in {days}, on {due}, and has not been sent yet."
            ),
            "Fill in the form here",
        ),
        ChaserKind::DueToday => (
            format!("{} due today: case {reference}", capital(what)),
            format!("Your agency's {what} for case {reference} is due today, {due}."),
            "Fill in the form here",
        ),
        ChaserKind::Overdue => (
            format!("{} overdue: case {reference}", capital(what)),
            format!(
                "Your agency's {what} for case {reference} was due on {due} and has not been sent."
            ),
            "Fill in the form here",
        ),
        ChaserKind::Escalation => (
            format!("Escalation: {what} overdue by {days}: case {reference}"),
            format!(
                "An agency's {what} for case {reference} was due on {due} and is overdue by {days}.                  The agency's representatives have been reminded. It comes to you as the agency's                  subgroup member, or to the partnership team when the agency has none."
            ),
            "See the requests of the case here",
        ),
    };
    let body = format!(
        "{opening}\n\n{ask} (you will be asked to sign in):\n{link}\n\nThis email holds no \
         details of the case: they are in cspr.\n\n{partnership_name}\n"
    );
    (subject, body)
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

fn a_or_an(text: &str) -> String {
    if text.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {text}")
    } else {
        format!("a {text}")
    }
}

/// Why jobs could not run.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// A setting reminders need is missing.
    #[error("reminders are not sent: {0} is not set")]
    NotConfigured(&'static str),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobRun {
    /// Jobs newly enqueued by the planners.
    pub enqueued: u64,
    /// Emails sent.
    pub sent: u64,
    /// Jobs finished without sending (the action was completed, the person left, ...).
    pub skipped: u64,
    /// Jobs that failed and wait for a retry (or were parked as dead).
    pub failed: u64,
}

/// A kind of background job on the outbox: a stable kind name, a payload of ids and dates
/// (never personal data) and an idempotency key, so the same job is enqueued, and done, once.
pub trait BackgroundJob: Serialize + serde::de::DeserializeOwned {
    /// The job's kind on the outbox.
    const KIND: &'static str;

    /// The idempotency key.
    fn key(&self) -> String;

    /// The outbox row that runs it at `run_at`, under its key.
    fn keyed(&self, run_at: time::OffsetDateTime) -> Option<(String, NewJob)> {
        let payload = serde_json::to_value(self).ok()?;
        Some((
            self.key(),
            NewJob {
                kind: Self::KIND.to_owned(),
                payload,
                run_at,
            },
        ))
    }

    /// Reads a claimed job's payload back.
    ///
    /// # Errors
    /// A payload of another shape (for the outbox to park).
    fn read(job: &Job) -> Result<Self, String> {
        serde_json::from_value(job.payload.clone())
            .map_err(|_| format!("the payload of a {} job is unreadable", Self::KIND))
    }
}

impl BackgroundJob for Reminder {
    const KIND: &'static str = REMINDER_JOB;
    fn key(&self) -> String {
        Reminder::key(self)
    }
}

impl BackgroundJob for Chaser {
    const KIND: &'static str = CHASER_JOB;
    fn key(&self) -> String {
        Chaser::key(self)
    }
}

/// Plans and enqueues what is due now, then works through the due jobs: send, then complete;
/// a failure is handed to the outbox to retry with backoff. Jobs run whether or not email is
/// set up (exports need none); without email or `public_url` no reminder or chaser is
/// planned, and one already queued waits (it fails and is retried) until email is set up.
///
/// # Errors
/// Store failures.
pub async fn run_jobs(services: &Services) -> Result<JobRun, JobError> {
    // Settings saved on another server since this one last looked (issue 18).
    services.refresh_settings().await.map_err(|e| match e {
        crate::AppError::Store(e) => JobError::Store(e),
        other => JobError::Store(StoreError::Corrupt(other.to_string())),
    })?;
    let mut run = JobRun {
        enqueued: match enqueue_due(services).await {
            Ok(n) => n,
            Err(JobError::NotConfigured(_)) => 0,
            Err(e) => return Err(e),
        },
        ..JobRun::default()
    };
    // Exports expire (issue 16, finding 13): their files go when their time runs out.
    let purged = services.store().purge_expired_blobs(services.now()).await?;
    if purged > 0 {
        tracing::info!(files = purged, "expired exports deleted");
    }
    // Once a day, the retention schedule (not an email: it goes through no outbox job).
    crate::retention::run_daily(services).await;
    let mut world: Option<World> = None;
    for _ in 0..MAX_JOBS_PER_RUN {
        let Some(job) = services
            .store()
            .claim_job(services.now(), JOB_LEASE)
            .await?
        else {
            break;
        };
        match run_job(services, &job, &mut world).await {
            Ok(JobOutcome::Done) => run.sent += 1,
            Ok(JobOutcome::Skipped) => run.skipped += 1,
            Err(why) => {
                tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts, error = %why, "a job failed");
                services
                    .store()
                    .fail_job(job.id, &why, services.now())
                    .await?;
                run.failed += 1;
            }
        }
    }
    Ok(run)
}

/// Plans the reminders due now and enqueues those never enqueued; returns how many were.
///
/// # Errors
/// [`JobError::NotConfigured`], store failures.
pub async fn enqueue_due(services: &Services) -> Result<u64, JobError> {
    configured(services)?;
    let partnership = services.partnership_id().as_uuid();
    let store = services.store();
    let actions = store.actions(CaseScope::Partnership(partnership)).await?;
    let users = store.users(partnership).await?;
    let rules =
        ReminderRules::from_settings(store.partnership_settings(partnership).await?.as_ref());
    let app = services.app();
    let now = services.now();
    let mut jobs = plan_reminders(&actions, &users, services.today(), app.calendar(), &rules)
        .into_iter()
        .filter_map(|r| r.keyed(now))
        .collect::<Vec<_>>();
    let scope = CaseScope::Partnership(partnership);
    let open_cases = store
        .case_summaries(scope)
        .await?
        .into_iter()
        .filter(|c| !c.closed)
        .map(|c| c.case_id)
        .collect();
    let deadlines = store.all_deadlines(scope).await?;
    jobs.extend(
        plan_chasers(
            &deadlines,
            &open_cases,
            &users,
            services.today(),
            app.calendar(),
            &rules,
        )
        .into_iter()
        .filter_map(|c| c.keyed(now)),
    );
    let briefings = crate::briefings::for_planning(services)
        .await
        .map_err(|e| match e {
            crate::briefings::BriefingError::Store(e) => JobError::Store(e),
            other => JobError::Store(StoreError::Corrupt(other.to_string())),
        })?;
    jobs.extend(
        crate::briefings::plan_chasers(
            &briefings,
            &users,
            services.today(),
            app.calendar(),
            &rules,
        )
        .into_iter()
        .filter_map(|c| c.keyed(now)),
    );
    if jobs.is_empty() {
        return Ok(0);
    }
    Ok(store.enqueue_keyed_jobs(jobs).await?)
}

fn configured(services: &Services) -> Result<(&mail::MailConfig, &str), JobError> {
    let mail = services
        .mail()
        .ok_or(JobError::NotConfigured("smtp_host"))?;
    let url = services
        .public_url()
        .ok_or(JobError::NotConfigured("public_url"))?;
    Ok((mail, url))
}

/// The partnership's actions, people and cases as a run found them, read once per run.
struct World {
    actions: HashMap<(Uuid, Uuid), ActionRow>,
    users: Vec<UserRow>,
    cases: HashMap<Uuid, CaseSummary>,
    /// Requests' deadlines by (case, key).
    deadlines: HashMap<(Uuid, String), DeadlineRow>,
}

impl World {
    async fn load(services: &Services) -> Result<Self, StoreError> {
        let partnership = services.partnership_id().as_uuid();
        let store = services.store();
        let scope = || CaseScope::Partnership(partnership);
        Ok(Self {
            actions: store
                .actions(scope())
                .await?
                .into_iter()
                .map(|a| ((a.case_id, a.action_id), a))
                .collect(),
            users: store.users(partnership).await?,
            cases: store
                .case_summaries(scope())
                .await?
                .into_iter()
                .map(|c| (c.case_id, c))
                .collect(),
            deadlines: store
                .all_deadlines(scope())
                .await?
                .into_iter()
                .map(|d| ((d.case_id, d.key.clone()), d))
                .collect(),
        })
    }
}

/// Runs one claimed job to its end (completed) or returns why it failed (the caller records
/// the failure). The message holds no address and no personal data.
async fn run_job(
    services: &Services,
    job: &Job,
    world: &mut Option<World>,
) -> Result<JobOutcome, String> {
    if job.kind == crate::exports::ExportRequest::KIND {
        return crate::exports::run_job(services, job).await;
    }
    let (key, label, case_id) = match job.kind.as_str() {
        REMINDER_JOB => {
            let r = Reminder::read(job)?;
            (BackgroundJob::key(&r), r.kind.key(), r.case_id)
        }
        CHASER_JOB => {
            let c = Chaser::read(job)?;
            (BackgroundJob::key(&c), c.chaser.key(), c.case_id)
        }
        BRIEFING_CHASER_JOB => {
            let c = BriefingChaser::read(job)?;
            (BackgroundJob::key(&c), c.chaser.key(), c.briefing_id)
        }
        other => return Err(format!("no worker for jobs of kind {other:?}")),
    };
    configured(services).map_err(|e| e.to_string())?;
    let store = services.store();
    if store.job_key_done(&key).await.map_err(|e| e.to_string())? {
        // Sent (or skipped) under another job already: finish this one without sending.
        store
            .complete_job(job.id)
            .await
            .map_err(|e| e.to_string())?;
        return Ok(JobOutcome::Skipped);
    }
    if world.is_none() {
        *world = Some(World::load(services).await.map_err(|e| e.to_string())?);
    }
    let Some(world) = world.as_ref() else {
        return Err("the run's data did not load".to_owned());
    };
    let email = if job.kind == BRIEFING_CHASER_JOB {
        let briefings = crate::briefings::for_planning(services)
            .await
            .map_err(|e| e.to_string())?;
        let (_, base) = configured(services).map_err(|e| e.to_string())?;
        BriefingChaser::read(job).ok().and_then(|c| {
            crate::briefings::chaser_email(
                &c,
                &briefings,
                &world.users,
                base,
                services.partnership_name(),
            )
        })
    } else if job.kind == CHASER_JOB {
        serde_json::from_value::<Chaser>(job.payload.clone())
            .ok()
            .and_then(|c| prepare_chaser(services, &c, world))
    } else {
        serde_json::from_value::<Reminder>(job.payload.clone())
            .ok()
            .and_then(|r| prepare(services, &r, world))
    };
    let outcome = match email {
        None => JobOutcome::Skipped,
        Some((to, subject, body)) => {
            let (config, _) = configured(services).map_err(|e| e.to_string())?;
            mail::send_reminder(config, &to, subject, body)
                .await
                .map_err(|e| e.to_string())?;
            JobOutcome::Done
        }
    };
    // The send and this write are not atomic: a crash between them sends again on the retry
    // (at least once; docs/ARCHITECTURE.md section 6).
    match store
        .complete_keyed_job(job.id, &key, outcome, services.now())
        .await
    {
        Ok(()) => {}
        Err(StoreError::NotFound) => {
            tracing::warn!(job = job.id, "a job's lease ran out before it completed");
        }
        Err(e) => return Err(e.to_string()),
    }
    if outcome == JobOutcome::Done {
        tracing::info!(job = job.id, job_kind = %job.kind, kind = label, case = %case_id, "reminder sent");
    }
    Ok(outcome)
}

/// The address, subject and text of a reminder that should still go, or `None` when it should
/// not: the action was completed, its due date moved, or the person no longer receives it.
fn prepare(
    services: &Services,
    reminder: &Reminder,
    world: &World,
) -> Option<(String, String, String)> {
    let action = world.actions.get(&(reminder.case_id, reminder.action_id))?;
    let agency = Uuid::parse_str(&action.agency).ok()?;
    if !is_open(action) || action.due != Some(reminder.due) {
        return None;
    }
    if !still_recipient(reminder, &world.users, agency) {
        return None;
    }
    let user = world.users.iter().find(|u| u.id == reminder.recipient)?;
    let case = world.cases.get(&reminder.case_id)?;
    let (_, base) = configured(services).ok()?;
    let link = format!(
        "{}/cases/{}/actions/record-action-progress",
        base.trim_end_matches('/'),
        reminder.case_id
    );
    let (subject, body) = reminder_email(
        reminder,
        &case.reference,
        &link,
        services.partnership_name(),
    );
    Some((user.email.clone(), subject, body))
}

/// The address, subject and text of a chaser that should still go, or `None` when it should
/// not: the response arrived, the request was waived, its due date moved, the case closed, or
/// the person no longer receives it.
fn prepare_chaser(
    services: &Services,
    chaser: &Chaser,
    world: &World,
) -> Option<(String, String, String)> {
    let slug = chaser.kind.slug();
    let d = world
        .deadlines
        .get(&(chaser.case_id, format!("{slug}:{}", chaser.agency)))?;
    if d.met_on.is_some() || (chaser.chaser != ChaserKind::Requested && d.due != chaser.due) {
        return None;
    }
    let case = world.cases.get(&chaser.case_id).filter(|c| !c.closed)?;
    let to = match chaser.chaser {
        ChaserKind::Escalation => escalation_to(&world.users, chaser.agency),
        _ => representatives(&world.users, chaser.agency),
    };
    if !to.contains(&chaser.recipient) {
        return None;
    }
    let user = world.users.iter().find(|u| u.id == chaser.recipient)?;
    let (_, base) = configured(services).ok()?;
    let base = base.trim_end_matches('/');
    let link = match chaser.chaser {
        ChaserKind::Escalation => format!("{base}/cases/{}/requests", chaser.case_id),
        _ => format!(
            "{base}/cases/{}/agencies/{}/requests/{slug}",
            chaser.case_id, chaser.agency
        ),
    };
    let (subject, body) = chaser_email(chaser, &case.reference, &link, services.partnership_name());
    Some((user.email.clone(), subject, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn action(due: Date) -> ActionRow {
        ActionRow {
            case_id: Uuid::from_u128(1),
            action_id: Uuid::from_u128(2),
            recommendation: String::new(),
            agency: Uuid::from_u128(0xA2).to_string(),
            description: "Train staff.".to_owned(),
            due: Some(due),
            status: "agreed".to_owned(),
            owner: String::new(),
            themes: Vec::new(),
            last_progress: None,
            completed_on: None,
            impact_evidenced_on: None,
        }
    }

    fn kinds(today: Date, a: &ActionRow, users: &[UserRow]) -> Vec<(ReminderKind, i64)> {
        plan_reminders(
            std::slice::from_ref(a),
            users,
            today,
            &Calendar::england_and_wales(),
            &ReminderRules::default(),
        )
        .into_iter()
        .map(|r| (r.kind, r.working_days))
        .collect()
    }

    #[test]
    fn the_windows_of_each_reminder() {
        // Due Tue 30 Sep 2025; no one to send to still plans nothing.
        let a = action(date!(2025 - 09 - 30));
        assert!(kinds(date!(2025 - 09 - 23), &a, &[]).is_empty());
        let windows = [
            (date!(2025 - 09 - 22), None),
            (date!(2025 - 09 - 23), Some((ReminderKind::BeforeDue, 5))),
            (date!(2025 - 09 - 29), Some((ReminderKind::BeforeDue, 1))),
            (date!(2025 - 09 - 30), Some((ReminderKind::DueToday, 0))),
            (date!(2025 - 10 - 01), Some((ReminderKind::Overdue, 1))),
            (date!(2025 - 10 - 07), Some((ReminderKind::Overdue, 5))),
        ];
        let cal = Calendar::england_and_wales();
        for (today, want) in windows {
            assert_eq!(
                agency_reminder(
                    today,
                    date!(2025 - 09 - 30),
                    &cal,
                    &ReminderRules::default()
                ),
                want,
                "{today}"
            );
        }
        // Due Fri 3 Oct: the weekend after is not yet "overdue"; Monday is.
        let fri = date!(2025 - 10 - 03);
        let r = ReminderRules::default();
        assert_eq!(agency_reminder(date!(2025 - 10 - 04), fri, &cal, &r), None);
        assert_eq!(
            agency_reminder(date!(2025 - 10 - 06), fri, &cal, &r),
            Some((ReminderKind::Overdue, 1))
        );
        let never = ReminderRules {
            before_due_working_days: 0,
            ..r
        };
        assert_eq!(
            agency_reminder(date!(2025 - 10 - 02), fri, &cal, &never),
            None
        );
    }

    #[test]
    fn chaser_emails_hold_the_reference_what_when_and_the_link_only() {
        let c = Chaser {
            case_id: Uuid::from_u128(1),
            kind: ContributionKind::AgencySummary,
            agency: Uuid::from_u128(0xA2),
            chaser: ChaserKind::Requested,
            due: date!(2025 - 09 - 30),
            working_days: 0,
            recipient: Uuid::from_u128(3),
        };
        let (subject, body) = chaser_email(&c, "CSPR-2025-001", "https://x.example/l", "NSCP");
        assert_eq!(subject, "Request for an agency summary: case CSPR-2025-001");
        assert!(body.starts_with(
            "Your agency has been asked for an agency summary for case CSPR-2025-001, due on \
             Tuesday 30 September 2025."
        ));
        let later = Chaser {
            due: date!(2025 - 10 - 14),
            ..c.clone()
        };
        assert_eq!(
            c.key(),
            later.key(),
            "one request email whatever the due date"
        );
        let before = Chaser {
            chaser: ChaserKind::BeforeDue,
            working_days: 1,
            ..c.clone()
        };
        assert_eq!(
            chaser_email(&before, "R", "L", "P").0,
            "Agency summary due in 1 working day: case R"
        );
        assert_ne!(
            before.key(),
            Chaser {
                due: date!(2025 - 10 - 14),
                ..before.clone()
            }
            .key()
        );
    }

    #[test]
    fn rules_come_from_the_settings_with_defaults() {
        assert_eq!(ReminderRules::from_settings(None), ReminderRules::default());
        let stored =
            serde_json::json!({"settings": {}, "reminders": {"before_due_working_days": 3}});
        assert_eq!(
            ReminderRules::from_settings(Some(&stored)),
            ReminderRules {
                before_due_working_days: 3,
                escalate_after_working_days: 5,
                ..ReminderRules::default()
            }
        );
        let junk = serde_json::json!({"reminders": "soon"});
        assert_eq!(
            ReminderRules::from_settings(Some(&junk)),
            ReminderRules::default()
        );
    }

    #[test]
    fn the_email_has_the_reference_the_date_and_the_link_only() {
        let r = Reminder {
            case_id: Uuid::from_u128(1),
            action_id: Uuid::from_u128(2),
            kind: ReminderKind::BeforeDue,
            due: date!(2025 - 09 - 30),
            working_days: 5,
            recipient: Uuid::from_u128(3),
        };
        let (subject, body) = reminder_email(&r, "CSPR-2025-001", "https://x.example/l", "NSCP");
        assert_eq!(subject, "Action due in 5 working days: case CSPR-2025-001");
        assert!(body.starts_with(
            "An action your agency owns in case CSPR-2025-001 is due in 5 working days, on \
             Tuesday 30 September 2025."
        ));
        assert!(body.contains("\nhttps://x.example/l\n"));
        let one = Reminder {
            working_days: 1,
            ..r.clone()
        };
        assert_eq!(
            reminder_email(&one, "R", "L", "P").0,
            "Action due in 1 working day: case R"
        );
        assert_eq!(
            r.key(),
            format!(
                "reminder/{}/{}/before-due/2025-09-30/{}",
                Uuid::from_u128(1),
                Uuid::from_u128(2),
                Uuid::from_u128(3)
            )
        );
    }
}
