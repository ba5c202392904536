//! Shared fixtures for the case tests: a partnership world, and scripts that walk a case
//! through every stage of the process with realistic dates.

pub use cspr_domain::agency::SafeguardingPartner;
use cspr_domain::calendar::Calendar;
pub use cspr_domain::case::model::*;
use cspr_domain::case::{Case, Command, Ctx, DomainError, Event, Stage, apply, decide};
pub use cspr_domain::examples::*;
use cspr_domain::ids::*;
pub use cspr_domain::report::{Recommendation, Section};
use cspr_domain::settings::Settings;
pub use cspr_domain::vocab::*;
use time::Date;
use time::macros::date;
pub use uuid::Uuid;

pub struct World {
    pub calendar: Calendar,
    pub settings: Settings,
}

impl Default for World {
    fn default() -> Self {
        Self {
            calendar: calendar(),
            settings: settings(),
        }
    }
}

impl World {
    pub fn ctx(&self, today: Date) -> Ctx<'_> {
        Ctx {
            today,
            calendar: &self.calendar,
            settings: &self.settings,
            actor: UserId(id(0x99)),
            acting_for: None,
        }
    }

    pub fn decide(
        &self,
        case: &Case,
        today: Date,
        cmd: Command,
    ) -> Result<Vec<Event>, DomainError> {
        decide(case, cmd, &self.ctx(today))
    }

    /// Decides one step and applies its events; panics with the command and the error when
    /// the step is refused.
    #[track_caller]
    pub fn step(&self, case: Case, today: Date, cmd: &Command) -> Case {
        self.decide(&case, today, cmd.clone())
            .unwrap_or_else(|e| panic!("step {cmd:?} was refused: {e}"))
            .iter()
            .fold(case, apply)
    }
}

/// Runs a script; panics with the step and the error when a step is refused.
pub fn run(world: &World, script: &[(Date, Command)]) -> (Case, Vec<Event>) {
    let mut case = Case::default();
    let mut all = Vec::new();
    for (i, (today, cmd)) in script.iter().enumerate() {
        let events = world
            .decide(&case, *today, cmd.clone())
            .unwrap_or_else(|e| panic!("step {i} ({cmd:?}) refused: {e}"));
        for e in &events {
            case = apply(case, e);
        }
        all.extend(events);
    }
    (case, all)
}

/// The case as it first stands at `stage`, with the day it got there and the rest of its
/// script. Looks along the local-review, scoping and no-further-action routes.
pub fn case_at(world: &World, stage: Stage) -> (Case, Date) {
    if stage == Stage::New {
        return (Case::default(), date!(2025 - 03 - 03));
    }
    for script in [
        local_review_script(),
        scoping_script(),
        no_further_action_script(),
    ] {
        let mut case = Case::default();
        for (today, cmd) in &script {
            case = world.step(case, *today, cmd);
            if case.stage == stage {
                return (case, *today);
            }
        }
    }
    panic!("no script reaches {stage:?}")
}

/// Runs the script up to and including the first step for which `stop` is true.
pub fn case_until(
    world: &World,
    script: &[(Date, Command)],
    stop: impl Fn(&Command) -> bool,
) -> (Case, Date) {
    let (case, today, cmd) = case_before(world, script, stop);
    (world.step(case, today, &cmd), today)
}

/// Runs the script up to, but not including, the first step for which `stop` is true; returns
/// the case, and that step's day and command.
pub fn case_before(
    world: &World,
    script: &[(Date, Command)],
    stop: impl Fn(&Command) -> bool,
) -> (Case, Date, Command) {
    let mut case = Case::default();
    for (today, cmd) in script {
        if stop(cmd) {
            return (case, *today, cmd.clone());
        }
        case = world.step(case, *today, cmd);
    }
    panic!("the script has no such step")
}

/// A test for a script step by its `Command` pattern, for the cuts below:
/// `lr_before(&world, step!(Publish { .. }))`.
macro_rules! step {
    ($($pattern:tt)+) => {
        |c: &cspr_domain::case::Command| matches!(c, cspr_domain::case::Command::$($pattern)+)
    };
}

/// The local-review script up to, not including, the first step for which `stop` is true:
/// `(case, that step's day, that step's command)`.
pub fn lr_before(world: &World, stop: impl Fn(&Command) -> bool) -> (Case, Date, Command) {
    case_before(world, &local_review_script(), stop)
}

/// The local-review script up to and including the first step for which `stop` is true:
/// `(case, that step's day)`.
pub fn lr_until(world: &World, stop: impl Fn(&Command) -> bool) -> (Case, Date) {
    case_until(world, &local_review_script(), stop)
}

/// The scoping script up to, not including, the first step for which `stop` is true.
pub fn sc_before(world: &World, stop: impl Fn(&Command) -> bool) -> (Case, Date, Command) {
    case_before(world, &scoping_script(), stop)
}

/// The scoping script up to and including the first step for which `stop` is true.
pub fn sc_until(world: &World, stop: impl Fn(&Command) -> bool) -> (Case, Date) {
    case_until(world, &scoping_script(), stop)
}

/// The case refuses with a rule whose words contain `words`.
#[track_caller]
pub fn rule(result: Result<Vec<Event>, DomainError>, words: &str) {
    match result {
        Err(DomainError::Rule(m)) => assert!(m.contains(words), "{m:?} lacks {words:?}"),
        other => panic!("expected a rule saying {words:?}, got {other:?}"),
    }
}

/// The case refuses `field` with words containing `words`.
#[track_caller]
pub fn invalid(result: Result<Vec<Event>, DomainError>, field: &str, words: &str) {
    match result {
        Err(DomainError::Invalid { field: f, message }) => {
            assert_eq!(f, field, "{message}");
            assert!(message.contains(words), "{message:?} lacks {words:?}");
        }
        other => panic!("expected {field} refused with {words:?}, got {other:?}"),
    }
}
