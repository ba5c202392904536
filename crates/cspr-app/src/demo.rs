//! Demo data: realistic synthetic cases at every stage of the process, dated so that their
//! deadlines are live today. Built from the example scripts of `cspr_domain::examples`, moved in
//! whole weeks (so weekdays stay weekdays) until every step is accepted, with the text and the
//! family name of [`crate::demo_content`]. Every name is invented. A case that reaches
//! publication is published through the publication workflow, so the public page lists it.

use cspr_domain::case::{Command, Stage};
use cspr_domain::examples::{local_review_script, no_further_action_script, scoping_script};
use cspr_domain::ids::{CaseId, UserId};
use time::{Date, Duration, OffsetDateTime, Time};
use uuid::Uuid;

use crate::{Actor, App, AppError};

/// One seeded case.
#[derive(Debug, Clone)]
pub struct DemoCase {
    /// Its id.
    pub case_id: CaseId,
    /// Its reference.
    pub reference: String,
    /// The stage it stands at.
    pub stage: Stage,
}

/// How many cases [`seed`] makes: one of every stage.
pub const STAGES: u32 = 12;

/// The user the demo's events are recorded against.
pub const DEMO_ACTOR: UserId = UserId(Uuid::from_u128(0xDE40));

type Script = Vec<(Date, Command)>;

/// Settings for a demo partnership: the default timescales and a review subgroup meeting on the
/// second Thursday of every month, from four years before `today` (the demo's history spans
/// three) to a year after.
#[must_use]
pub fn settings(today: Date) -> cspr_domain::settings::Settings {
    let mut meetings = Vec::new();
    let mut month_start =
        Date::from_calendar_date(today.year() - 4, today.month(), 1).unwrap_or(today);
    for _ in 0..61 {
        let mut d = month_start;
        let mut thursdays = 0;
        while thursdays < 2 {
            if d.weekday() == time::Weekday::Thursday {
                thursdays += 1;
            }
            if thursdays < 2 {
                d = d.next_day().unwrap_or(d);
            }
        }
        meetings.push(d);
        month_start = cspr_domain::words::add_months(month_start, 1);
    }
    cspr_domain::settings::Settings {
        subgroup_meetings: meetings,
        ..Default::default()
    }
}

/// The demo's file of evidence: a one-page PDF saying what it is.
const DEMO_EVIDENCE: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// Which script, and how many of its steps, leave a case at each stage.
fn plans() -> Vec<(Stage, Script, usize)> {
    let local = local_review_script();
    let upto = |script: &Script, stop: &dyn Fn(&Command) -> bool, extra: usize| -> usize {
        script
            .iter()
            .position(|(_, c)| stop(c))
            .map_or(script.len(), |i| (i + 1 + extra).min(script.len()))
    };
    vec![
        (Stage::Incident, local.clone(), 2),
        (
            Stage::Referral,
            local.clone(),
            upto(&local, &|c| matches!(c, Command::ReceiveReferral { .. }), 0),
        ),
        (
            Stage::Triage,
            local.clone(),
            upto(&local, &|c| matches!(c, Command::ApproveReferral { .. }), 0),
        ),
        (
            Stage::RapidReview,
            local.clone(),
            upto(
                &local,
                &|c| matches!(c, Command::RequestContributions { .. }),
                1,
            ),
        ),
        (Stage::Scoping, scoping_script(), 5),
        (Stage::Decided, no_further_action_script(), 3),
        (
            Stage::Commissioning,
            local.clone(),
            upto(
                &local,
                &|c| matches!(c, Command::AppointPanelMember { .. }),
                0,
            ),
        ),
        (
            Stage::Evidence,
            local.clone(),
            upto(
                &local,
                &|c| matches!(c, Command::ScheduleLearningEvent { .. }),
                0,
            ),
        ),
        (
            Stage::Drafting,
            local.clone(),
            upto(
                &local,
                &|c| {
                    matches!(
                        c,
                        Command::RequestContributions {
                            kind: cspr_domain::case::model::ContributionKind::FactualAccuracy,
                            ..
                        }
                    )
                },
                1,
            ),
        ),
        (
            Stage::Publication,
            local.clone(),
            upto(&local, &|c| matches!(c, Command::SendReport { .. }), 1),
        ),
        (
            Stage::ActionPlan,
            local.clone(),
            upto(
                &local,
                &|c| matches!(c, Command::RecordActionProgress { .. }),
                0,
            ),
        ),
        (Stage::Closed, scoping_script(), scoping_script().len()),
    ]
}

/// Moves every date in a command by `days` (dates travel as "YYYY-MM-DD" strings in JSON, and
/// times as such a date, a space and the time of day) and gives the case its own reference.
fn shifted(cmd: &Command, days: i64, reference: &str) -> Result<Command, AppError> {
    fn walk(v: &mut serde_json::Value, days: i64, reference: &str) {
        match v {
            serde_json::Value::String(s) => {
                let format = time::macros::format_description!("[year]-[month]-[day]");
                let is_time =
                    s.len() > 11 && s.as_bytes()[10] == b' ' && s.as_bytes()[11].is_ascii_digit();
                if (s.len() == 10 || is_time)
                    && let Some(day) = s.get(..10)
                    && let Ok(d) = Date::parse(day, format)
                    && let Some(moved) = d.checked_add(Duration::days(days))
                    && let Ok(text) = moved.format(format)
                {
                    s.replace_range(..10, &text);
                }
            }
            serde_json::Value::Array(items) => {
                items.iter_mut().for_each(|i| walk(i, days, reference))
            }
            serde_json::Value::Object(map) => {
                for (k, item) in map.iter_mut() {
                    if k == "reference" && item.is_string() {
                        *item = serde_json::Value::String(reference.to_owned());
                    } else {
                        walk(item, days, reference);
                    }
                }
            }
            _ => {}
        }
    }
    let mut v = serde_json::to_value(cmd).map_err(|e| AppError::Internal(e.to_string()))?;
    walk(&mut v, days, reference);
    serde_json::from_value(v).map_err(|e| AppError::Internal(e.to_string()))
}

/// Seeds one case of every stage. Returns what it made, in stage order.
///
/// # Errors
/// Store errors; a script that no week's shift can run (a bug in the examples).
pub async fn seed(app: &App, today: Date) -> Result<Vec<DemoCase>, AppError> {
    seed_cases(app, today, plans().len(), |_| {}).await
}

/// How far back, in weeks, the demo's extra cases are spread: three reporting years.
const SPREAD_WEEKS: i64 = 156;

/// Seeds `n` cases: one of every stage first (as [`seed`]), then more of every stage in turn,
/// each ending a different number of weeks before `today`, spread over three years, so a large
/// demonstration (`cspr demo --cases N`) has a history as well as a workload. `progress` is
/// told each case made.
///
/// # Errors
/// Store errors; a script that no week's shift can run (a bug in the examples).
pub async fn seed_cases(
    app: &App,
    today: Date,
    n: usize,
    mut progress: impl FnMut(usize),
) -> Result<Vec<DemoCase>, AppError> {
    let plans = plans();
    let mut made = Vec::with_capacity(n);
    let mut per_year: std::collections::BTreeMap<i32, u32> = std::collections::BTreeMap::new();
    for i in 0..n {
        let (stage, script, steps) = &plans[i % plans.len()];
        let steps = &script[..*steps];
        let (Some(first), Some(last)) = (steps.first().map(|s| s.0), steps.last().map(|s| s.0))
        else {
            continue;
        };
        // The first round ends a day or two before today; later rounds further back, a
        // different week for each case.
        let round = i64::try_from(i / plans.len()).unwrap_or(0);
        let spread = if round == 0 {
            0
        } else {
            (round * 7 + i64::try_from(i % plans.len()).unwrap_or(0) * 11) % SPREAD_WEEKS
        };
        let base_weeks = (today - last).whole_days().div_euclid(7) - spread;
        // The first round is numbered in this year, as the partnership's live cases are; the
        // others in the year they opened.
        let year = if round == 0 {
            today.year()
        } else {
            first.saturating_add(Duration::weeks(base_weeks)).year()
        };
        let number = per_year.entry(year).or_default();
        *number += 1;
        let reference = format!("CSPR-{year}-{number:03}");
        let case_id = seed_one(app, steps, base_weeks, &reference, i, today)
            .await?
            .ok_or_else(|| {
                AppError::Internal(format!(
                    "the demo case for {} could not be seeded",
                    stage.label()
                ))
            })?;
        made.push(DemoCase {
            case_id,
            reference,
            stage: *stage,
        });
        progress(i + 1);
    }
    Ok(made)
}

/// Seeds one case: the steps moved by `base_weeks` weeks, or up to eleven weeks earlier when a
/// moved date makes a step refused. `None` when no week works.
async fn seed_one(
    app: &App,
    steps: &[(Date, Command)],
    base_weeks: i64,
    reference: &str,
    family: usize,
    today: Date,
) -> Result<Option<CaseId>, AppError> {
    // The family's name and the demonstration's text, once for every week tried.
    let surname = crate::demo_content::surname(family);
    let steps = steps
        .iter()
        .map(|(day, cmd)| Ok((*day, crate::demo_content::enrich(cmd, &surname)?)))
        .collect::<Result<Vec<_>, serde_json::Error>>()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    for back in 0..12 {
        let days = (base_weeks - back) * 7;
        let case_id = CaseId::from_uuid(Uuid::new_v4());
        if run_shifted(app, case_id, &steps, days, reference, today).await? {
            return Ok(Some(case_id));
        }
    }
    Ok(None)
}

/// How many earlier, closed cases [`seed_history`] makes.
pub const HISTORY: usize = 6;

/// Earlier cases, so the figures have years to compare: in each of the two years before
/// `today`, a local review carried through to closure (published on the way), a referral closed
/// after scoping, and one closed at triage, each with its own family. Returned oldest first.
///
/// # Errors
/// Store errors; a script that no week's shift can run (a bug in the examples).
pub async fn seed_history(app: &App, today: Date) -> Result<Vec<DemoCase>, AppError> {
    let local = local_review_script();
    let closed_at = local
        .iter()
        .position(|(_, c)| matches!(c, Command::CloseCase { .. }))
        .map_or(local.len(), |i| i + 1);
    let scripts: [(Script, usize); 3] = [
        (local.clone(), closed_at),
        (scoping_script(), scoping_script().len()),
        (no_further_action_script(), no_further_action_script().len()),
    ];
    let mut per_year: std::collections::BTreeMap<i32, u32> = std::collections::BTreeMap::new();
    per_year.insert(today.year(), STAGES);
    let mut made = Vec::with_capacity(HISTORY);
    let this_year = cspr_domain::figures::Period::reporting_year(today).from;
    for (n, years_back) in [2i64, 2, 2, 1, 1, 1].into_iter().enumerate() {
        let (script, steps) = &scripts[n % scripts.len()];
        let steps = &script[..*steps];
        let (Some(first), Some(last)) = (steps.first().map(|s| s.0), steps.last().map(|s| s.0))
        else {
            continue;
        };
        // Each opens in the summer of its reporting year, a few weeks apart.
        let opens = Date::from_calendar_date(
            this_year.year() - i32::try_from(years_back).unwrap_or(1),
            time::Month::July,
            1,
        )
        .unwrap_or(this_year)
        .saturating_add(Duration::weeks(i64::try_from(n % 3).unwrap_or(0) * 3));
        let base_weeks = (opens - first).whole_days().div_euclid(7);
        if last.saturating_add(Duration::weeks(base_weeks)) > today {
            continue;
        }
        let year = first.saturating_add(Duration::weeks(base_weeks)).year();
        let number = per_year.entry(year).or_default();
        *number += 1;
        let reference = format!("CSPR-{year}-{number:03}");
        let case_id = seed_one(app, steps, base_weeks, &reference, 100 + n, today)
            .await?
            .ok_or_else(|| AppError::Internal("an earlier demo case could not be seeded".into()))?;
        made.push(DemoCase {
            case_id,
            reference,
            stage: Stage::Closed,
        });
    }
    Ok(made)
}

/// A clock stopped at one moment: the demo publishes as of the step's day.
#[derive(Debug)]
struct At(OffsetDateTime);

impl crate::Clock for At {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

/// Runs the steps moved by `days`; false when the process refused a step (a moved date hit a
/// bank holiday, say), in which case nothing was written and the caller tries another week.
async fn run_shifted(
    app: &App,
    case_id: CaseId,
    steps: &[(Date, Command)],
    days: i64,
    reference: &str,
    today: Date,
) -> Result<bool, AppError> {
    let mut moved = Vec::with_capacity(steps.len());
    for (day, cmd) in steps {
        let Some(day) = day.checked_add(Duration::days(days)) else {
            return Ok(false);
        };
        if day > today {
            return Ok(false);
        }
        moved.push((day, shifted(cmd, days, reference)?));
    }
    // Dry run in memory first, so a refused step writes nothing.
    let mut case = cspr_domain::case::Case::default();
    for (day, cmd) in &moved {
        let ctx = cspr_domain::case::Ctx {
            today: *day,
            calendar: app.calendar(),
            settings: app.settings(),
            actor: DEMO_ACTOR,
            acting_for: None,
        };
        match cspr_domain::case::decide(&case, cmd.clone(), &ctx) {
            Ok(events) => case = events.iter().fold(case, cspr_domain::case::apply),
            Err(_) => return Ok(false),
        }
    }
    for (day, cmd) in moved {
        let actor = Actor {
            user_id: DEMO_ACTOR,
            now: OffsetDateTime::new_utc(day, Time::from_hms(10, 0, 0).unwrap_or(Time::MIDNIGHT)),
            today: day,
            acting_for: None,
        };
        // The worked example names a file of evidence; the demo stores one for it to point at.
        let cmd = match cmd {
            Command::AttachActionEvidence {
                action_id,
                on,
                mut attachment,
            } => {
                attachment.blob_id = app
                    .store()
                    .put_blob(
                        case_id.as_uuid(),
                        &attachment.content_type,
                        &attachment.file_name,
                        DEMO_EVIDENCE,
                    )
                    .await?;
                attachment.size = DEMO_EVIDENCE.len() as u64;
                Command::AttachActionEvidence {
                    action_id,
                    on,
                    attachment,
                }
            }
            // The worked example records an export of a file it does not have: the demo
            // leaves it out (exports are made on the document pages).
            Command::RecordDocumentExport { .. } => continue,
            // Published as the team publishes: with its public copy and its PDF.
            Command::Publish {
                published_on,
                anonymisation_reviewed,
                online_until,
                despite_parallel_process,
            } => {
                publish(
                    app,
                    case_id,
                    crate::publication::Publication {
                        title: format!(
                            "Child Safeguarding Practice Review: Child A, {}",
                            published_on.year()
                        ),
                        summary: PUBLIC_SUMMARY.to_owned(),
                        published_on,
                        online_until,
                        anonymisation_reviewed,
                        despite_parallel_process,
                    },
                    actor,
                )
                .await?;
                continue;
            }
            other => other,
        };
        app.execute(case_id, None, cmd, actor).await?;
    }
    Ok(true)
}

/// What the public list of reviews says of a demonstration review.
const PUBLIC_SUMMARY: &str = "A baby was seriously injured by her mother's new partner. Three \
    agencies each knew part of the picture about him; the review asks every agency to find out, \
    record and share who lives in and visits a baby's home.";

/// Publishes a demonstration case through the publication workflow (its public copy and PDF),
/// as its partnership.
async fn publish(
    app: &App,
    case_id: CaseId,
    publication: crate::publication::Publication,
    actor: Actor,
) -> Result<(), AppError> {
    let (case, _) = app.load(case_id).await?;
    let partnership = case
        .partnership_id
        .ok_or_else(|| AppError::Internal("a demo case without a partnership".into()))?;
    let name = app
        .store()
        .partnerships()
        .await?
        .into_iter()
        .find(|p| p.id == partnership.as_uuid())
        .map_or_else(
            || "Safeguarding Children Partnership".to_owned(),
            |p| p.name,
        );
    let services = crate::Services::new(
        app.clone(),
        partnership,
        name,
        std::sync::Arc::new(At(actor.now)),
    );
    crate::publication::publish(&services, case_id, case.version, &publication, actor).await?;
    Ok(())
}
