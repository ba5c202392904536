//! The retention run: erases what the partnership's retention schedule says has expired
//! (`cspr_domain::retention`), once a day as a job and on demand with `cspr retention run`.
//! Closed cases past their period are crypto-shredded unless a legal hold keeps them; closed
//! practitioner links, withdrawn reports and old access-log entries past theirs are deleted.
//! Every erasure is written to the access log in its own transaction (what kind, which case,
//! why, under which rule; never personal data). A dry run lists the same and writes nothing.

use cspr_domain::retention::{CaseRetention, Retention, case_retention};
use cspr_domain::words::long_date;
use cspr_store::{NewAccessEntry, OldAccessEntries};
use time::{Date, OffsetDateTime, Time};
use uuid::Uuid;

use crate::{Actor, App, AppError, Services};

/// The access-log action of an erasure's audit record.
pub const ERASED: &str = "retention-erased";
/// Who the audit record names as acting: the retention run, not a person.
pub const ACTOR: &str = "retention-run";

/// What kind of record an erasure was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A closed case's records (crypto-shredded).
    Case,
    /// A practitioner link's record.
    PractitionerLink,
    /// What was left of a withdrawn published report.
    WithdrawnReport,
    /// Access-log entries.
    AccessLog,
}

impl Kind {
    /// The name in the audit record and the command's output.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Self::Case => "case",
            Self::PractitionerLink => "practitioner-link",
            Self::WithdrawnReport => "withdrawn-report",
            Self::AccessLog => "access-log",
        }
    }
}

/// One erasure, done or (in a dry run) due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erasure {
    /// What kind of record.
    pub kind: Kind,
    /// Its case, when it has one.
    pub case_id: Option<Uuid>,
    /// The case's reference, when known.
    pub reference: Option<String>,
    /// How many records (1, or the access-log entries).
    pub count: u64,
    /// Why: the rule and the days, in words (no personal data).
    pub why: String,
}

/// What a run did, or in a dry run would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionReport {
    /// The erasures, in the order made.
    pub erased: Vec<Erasure>,
    /// References of cases past their period that a legal hold keeps.
    pub held: Vec<String>,
    /// References of closed cases whose closure day the read models do not know yet (only a
    /// dry run leaves them; a run rebuilds the read models first).
    pub unknown: Vec<String>,
    /// Whether nothing was changed.
    pub dry_run: bool,
}

impl RetentionReport {
    /// Records one erased record of a case.
    fn one(&mut self, kind: Kind, case_id: Uuid, reference: Option<&str>, why: &str) {
        self.erased.push(Erasure {
            kind,
            case_id: Some(case_id),
            reference: reference.map(str::to_owned),
            count: 1,
            why: why.to_owned(),
        });
    }
}

/// Runs the schedule over the partnership's records as of `now`; with `dry_run`, lists what
/// would be erased and writes nothing. `source` names what ran it in the audit records.
///
/// # Errors
/// Store failures; a run stops at the first and keeps what it erased before.
pub async fn run(
    app: &App,
    partnership_id: Uuid,
    now: OffsetDateTime,
    dry_run: bool,
    source: &str,
) -> Result<RetentionReport, AppError> {
    let today = crate::date_in_england(now);
    let schedule = app.settings().retention;
    let store = app.store();
    let mut report = RetentionReport {
        dry_run,
        ..RetentionReport::default()
    };
    let mut cases = store.retention_cases(partnership_id).await?;
    if !dry_run && cases.iter().any(|c| c.closed_on.is_none() && !c.shredded) {
        // Read models written before retention knew closure days: fill them in once.
        app.rebuild_projections(system_actor(now, today)).await?;
        cases = store.retention_cases(partnership_id).await?;
    }
    let audit = |kind: Kind, case_id: Option<Uuid>, detail: String| NewAccessEntry {
        actor: ACTOR.to_owned(),
        action: ERASED.to_owned(),
        case_id,
        detail: format!("{}: {detail}", kind.key()),
        source_ip: source.to_owned(),
        at: now,
    };
    for case in cases.iter().filter(|c| !c.shredded) {
        let Some(closed_on) = case.closed_on else {
            report.unknown.push(case.reference.clone());
            continue;
        };
        match case_retention(Some(closed_on), case.legal_hold, today, &schedule) {
            CaseRetention::Due { kept_until } => {
                let why = case_words(closed_on, kept_until, &schedule);
                let done = dry_run
                    || app
                        .erase_case(
                            case.case_id,
                            closed_on,
                            audit(Kind::Case, Some(case.case_id), why.clone()),
                        )
                        .await?;
                if done {
                    report.one(Kind::Case, case.case_id, Some(&case.reference), &why);
                }
            }
            CaseRetention::Held
                if matches!(
                    case_retention(Some(closed_on), false, today, &schedule),
                    CaseRetention::Due { .. }
                ) =>
            {
                report.held.push(case.reference.clone());
            }
            _ => {}
        }
    }
    erase_records(
        app,
        partnership_id,
        now,
        today,
        dry_run,
        &audit,
        &mut report,
    )
    .await?;
    erase_access_log(app, now, today, dry_run, &audit, &mut report).await?;
    Ok(report)
}

/// Closed practitioner links and withdrawn reports past their periods.
async fn erase_records(
    app: &App,
    partnership_id: Uuid,
    now: OffsetDateTime,
    today: Date,
    dry_run: bool,
    audit: &(impl Fn(Kind, Option<Uuid>, String) -> NewAccessEntry + Sync),
    report: &mut RetentionReport,
) -> Result<(), AppError> {
    let schedule = app.settings().retention;
    let store = app.store();
    let links_before = start_of(schedule.links_erased_before(today), now);
    let link_why = format!(
        "practitioner link closed before {}: kept {} days after it closes",
        long_date(schedule.links_erased_before(today)),
        schedule.practitioner_link_days
    );
    let links = store
        .links_closed_before(partnership_id, links_before)
        .await?;
    let reports_before = schedule.withdrawn_reports_erased_before(today);
    let report_why = format!(
        "published report withdrawn before {}: kept {} after withdrawal",
        long_date(reports_before),
        years(schedule.withdrawn_report_years)
    );
    let reports = store
        .reports_withdrawn_before(partnership_id, reports_before)
        .await?;
    for (kind, records, why, cutoff) in [
        (
            Kind::PractitionerLink,
            links,
            link_why,
            Cutoff::Closed(links_before),
        ),
        (
            Kind::WithdrawnReport,
            reports,
            report_why,
            Cutoff::Withdrawn(reports_before),
        ),
    ] {
        for record in records {
            let entry = audit(
                kind,
                Some(record.case_id),
                format!("{} {}; {why}", cutoff.noun(), record.id),
            );
            if dry_run || cutoff.erase(store, record.id, entry).await? {
                report.one(kind, record.case_id, None, &why);
            }
        }
    }
    Ok(())
}

/// What makes a record past its period, and so how it is erased.
#[derive(Debug, Clone, Copy)]
enum Cutoff {
    /// A practitioner link that closed before this moment.
    Closed(OffsetDateTime),
    /// A report withdrawn before this day.
    Withdrawn(Date),
}

impl Cutoff {
    const fn noun(self) -> &'static str {
        match self {
            Self::Closed(_) => "link",
            Self::Withdrawn(_) => "report",
        }
    }

    async fn erase(
        self,
        store: &cspr_store::Store,
        id: Uuid,
        audit: NewAccessEntry,
    ) -> Result<bool, cspr_store::StoreError> {
        match self {
            Self::Closed(before) => store.erase_link(id, before, audit).await,
            Self::Withdrawn(before) => store.erase_withdrawn_report(id, before, audit).await,
        }
    }
}

/// Access-log entries past their period, from the start of the log.
async fn erase_access_log(
    app: &App,
    now: OffsetDateTime,
    today: Date,
    dry_run: bool,
    audit: &(impl Fn(Kind, Option<Uuid>, String) -> NewAccessEntry + Sync),
    report: &mut RetentionReport,
) -> Result<(), AppError> {
    let schedule = app.settings().retention;
    let before_day = schedule.access_log_erased_before(today);
    let before = start_of(before_day, now);
    let why = |old: OldAccessEntries| {
        format!(
            "{} entries up to position {} written before {}: kept {}",
            old.count,
            old.up_to,
            long_date(before_day),
            years(schedule.access_log_years)
        )
    };
    let old = if dry_run {
        app.store().access_log_before(before).await?
    } else {
        let mut seen = OldAccessEntries::default();
        let count = app
            .store()
            .erase_access_log_before(before, |old| {
                seen = old;
                audit(Kind::AccessLog, None, why(old))
            })
            .await?;
        OldAccessEntries {
            count,
            up_to: seen.up_to,
        }
    };
    if old.count > 0 {
        report.erased.push(Erasure {
            kind: Kind::AccessLog,
            case_id: None,
            reference: None,
            count: old.count,
            why: why(old),
        });
    }
    Ok(())
}

fn case_words(closed_on: Date, kept_until: Date, schedule: &Retention) -> String {
    format!(
        "closed on {}, kept until {} ({} after closure); no legal hold",
        long_date(closed_on),
        long_date(kept_until),
        years(schedule.case_years_after_closure)
    )
}

fn years(n: u8) -> String {
    cspr_domain::words::plural(i64::from(n), "year", "years")
}

/// Midnight at the start of `day`, in the offset of `now`.
fn start_of(day: Date, now: OffsetDateTime) -> OffsetDateTime {
    day.with_time(Time::MIDNIGHT).assume_offset(now.offset())
}

fn system_actor(now: OffsetDateTime, today: Date) -> Actor {
    Actor {
        user_id: cspr_domain::ids::UserId::from_uuid(Uuid::nil()),
        now,
        today,
        acting_for: None,
    }
}

/// The key that records the day's run as done (in the outbox's `job_keys`, with no job).
#[must_use]
pub fn daily_key(day: Date) -> String {
    format!("retention/{day}")
}

/// The daily run, called on every sweep of the job runner ([`crate::jobs::run_jobs`]): the
/// first sweep of a day runs the schedule and records the day as done; later sweeps that day
/// do nothing. A failed run is logged and tried again at the next sweep (a run is idempotent:
/// two processes running it the same day erase each record once). Returns the report of a run
/// made, `None` when today's run was done already or failed.
pub async fn run_daily(services: &Services) -> Option<RetentionReport> {
    let key = daily_key(services.today());
    let store = services.store();
    match store.job_key_done(&key).await {
        Ok(false) => {}
        Ok(true) => return None,
        Err(e) => {
            tracing::warn!(error = %e, "could not tell whether today's retention run was done");
            return None;
        }
    }
    let ran = run(
        &services.app(),
        services.partnership_id().as_uuid(),
        services.now(),
        false,
        "daily job",
    )
    .await;
    match ran {
        Ok(report) => {
            tracing::info!(
                erased = report.erased.len(),
                held = report.held.len(),
                "retention run"
            );
            if let Err(e) = store.mark_key_done(&key).await {
                tracing::warn!(error = %e, "today's retention run was not recorded as done; it runs again at the next sweep");
            }
            Some(report)
        }
        Err(e) => {
            tracing::error!(error = %e, "the retention run failed; it is tried again at the next sweep");
            None
        }
    }
}
