//! Property tests over random command sequences: deciding never panics, replaying the events
//! rebuilds the same case, and every deadline falls on a working day (of its own counting).

use crate::common::*;
use cspr_domain::calendar::Calendar;
use cspr_domain::case::{Case, Command, apply};
use cspr_domain::deadlines::deadlines;
use proptest::prelude::*;
use time::Date;
use time::macros::date;

/// Every command the scripts use, as a pool to draw from, and a few the scripts never give: a
/// Panel that disagrees (also after a closure without its reply, which reopens the case), a
/// referral that proves notifiable, and a clock stop that is never ended (issue 15).
fn pool() -> Vec<(Date, Command)> {
    let mut p = local_review_script();
    p.extend(scoping_script());
    p.extend(no_further_action_script());
    p.push((
        date!(2025 - 04 - 10),
        Command::RecordPanelResponse {
            answer: PanelAnswer::Disagrees,
            comments: Some(text("The Panel thinks a local review is needed.")),
            received_on: date!(2025 - 04 - 10),
        },
    ));
    p.push((
        date!(2025 - 04 - 01),
        Command::CloseCase {
            closed_on: date!(2025 - 04 - 01),
            reason: text("Nothing more to do."),
            without_panel_response: Some(text("The partners reopen if the Panel disagrees.")),
        },
    ));
    p.push((
        date!(2025 - 03 - 05),
        Command::FindReferralNotifiable {
            became_aware_on: date!(2025 - 03 - 04),
        },
    ));
    p.push((
        date!(2025 - 04 - 22),
        Command::StartParallelProcess {
            id: cspr_domain::ids::ProcessId(id(0xF4)),
            kind: ParallelProcessKind::PoliceInvestigation,
            started_on: date!(2025 - 04 - 22),
            stops_clock: true,
            reason: text("Officers ask that witnesses are not approached."),
        },
    ));
    p
}

/// A step: follow the next command of a script, or throw in any command on any day.
#[derive(Debug, Clone)]
enum Step {
    Next,
    Random { pick: usize, day_offset: i64 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::Next),
        2 => (0..200usize, -30..400i64).prop_map(|(pick, day_offset)| Step::Random { pick, day_offset }),
    ]
}

fn closure_days() -> impl Strategy<Value = Vec<Date>> {
    prop::collection::vec(0..500i64, 0..12).prop_map(|v| {
        v.into_iter()
            .map(|d| date!(2025 - 01 - 01) + time::Duration::days(d))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_never_panic_replay_rebuilds_the_case_and_deadlines_are_working_days(
        script_pick in 0..3usize,
        steps in prop::collection::vec(step(), 1..80),
        closures in closure_days(),
    ) {
        let world = World { calendar: Calendar::england_and_wales().with_closure_days(closures), settings: settings() };
        let script = [local_review_script(), scoping_script(), no_further_action_script()][script_pick].clone();
        let pool = pool();
        let mut next = 0usize;
        let mut case = Case::default();
        let mut events = Vec::new();
        let mut today = date!(2025 - 03 - 03);
        for s in steps {
            let (day, cmd) = match s {
                Step::Next => match script.get(next) {
                    Some(x) => { next += 1; x.clone() }
                    None => continue,
                },
                Step::Random { pick, day_offset } => {
                    let (_, cmd) = pool[pick % pool.len()].clone();
                    (today + time::Duration::days(day_offset), cmd)
                }
            };
            today = today.max(day);
            if let Ok(new) = world.decide(&case, day, cmd) {
                prop_assert!(!new.is_empty());
                for e in &new {
                    case = apply(case, e);
                }
                events.extend(new);
            }
            prop_assert_eq!(case.version, events.len() as u64);
            for d in deadlines(&case, &world.calendar, &world.settings, today) {
                // A working day of the calendar the deadline counts in: a statutory deadline
                // may fall on a closure day, as closure days never lengthen statutory periods
                // (issue 15; PROCESS.md, "Counting and dates").
                prop_assert!(
                    world.calendar.counting(d.counting).is_working_day(d.due),
                    "{} falls on {} which is not a working day", d.key, d.due
                );
                prop_assert!(!d.explanation.is_empty());
            }
        }
        prop_assert_eq!(Case::replay(&events), case);
    }
}
