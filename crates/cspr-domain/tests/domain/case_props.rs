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
/// referral that proves notifiable, a clock stop that is never ended, and the paths of
/// [`extra_paths`] (issue 15).
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
    p.extend(extra_paths());
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

/// The paths of issue 15 the scripts never take: the Panel's other answers, a resubmission, a
/// decision not to publish, a reason for lateness, an extension, a reopening, a cross-border
/// record, a completion without evidence of impact and its impact evidenced later.
fn extra_paths() -> Vec<(Date, Command)> {
    vec![
        (
            date!(2025 - 04 - 10),
            Command::RecordPanelResponse {
                answer: PanelAnswer::MoreInformation,
                comments: Some(text("Send the health chronology.")),
                received_on: date!(2025 - 04 - 10),
            },
        ),
        (
            date!(2025 - 04 - 10),
            Command::RecordPanelResponse {
                answer: PanelAnswer::NationalReview,
                comments: None,
                received_on: date!(2025 - 04 - 10),
            },
        ),
        (
            date!(2025 - 04 - 17),
            Command::SubmitRapidReview {
                submitted_on: date!(2025 - 04 - 17),
            },
        ),
        (
            date!(2025 - 07 - 15),
            Command::DecidePublication {
                decision: PublicationDecision::DoNotPublish {
                    reason: text("Publication would identify the siblings."),
                },
                reasons: Some(text("Publication would identify the siblings.")),
            },
        ),
        (
            date!(2025 - 03 - 12),
            Command::ExplainLateness {
                deadline: LateDeadline::Notification,
                reason: text("The referral reached us late."),
            },
        ),
        (
            date!(2025 - 10 - 01),
            Command::ExtendLocalReview {
                new_due_on: date!(2025 - 12 - 15),
                reason: ExtensionReason::ChangeOfReviewer,
                explanation: text("A new reviewer."),
                decided_on: date!(2025 - 10 - 01),
            },
        ),
        (
            date!(2025 - 10 - 01),
            Command::ReopenCase {
                reopened_on: date!(2025 - 10 - 01),
                reason: text("New information from the trial."),
            },
        ),
        (
            date!(2025 - 03 - 12),
            Command::RecordCrossBorder {
                arrangement: CrossBorder::ChildFromAnotherArea {
                    other_partnership: text("Southshire"),
                    lead: Lead::Them,
                },
            },
        ),
        (
            date!(2025 - 09 - 15),
            Command::CompleteAction {
                action_id: ACTION1,
                completed_on: date!(2025 - 09 - 15),
                evidence_of_impact: None,
            },
        ),
        (
            date!(2025 - 09 - 20),
            Command::EvidenceImpact {
                action_id: ACTION1,
                on: date!(2025 - 09 - 20),
                evidence: text("Audit shows the change."),
            },
        ),
    ]
}

/// The pool's command matching `pick`, with its day.
fn from_pool(pick: impl Fn(&Command) -> bool) -> (Date, Command) {
    pool()
        .into_iter()
        .find(|(_, c)| pick(c))
        .expect("the pool has such a command")
}

/// The pool's step recording the Panel's `answer`.
fn answer_from_pool(answer: PanelAnswer) -> (Date, Command) {
    from_pool(|c| matches!(c, Command::RecordPanelResponse { answer: a, .. } if *a == answer))
}

/// The random scripts can reach the states the pool was extended for: each is reached by a
/// script prefix and one command of the pool, so the extension is not vacuous (issue 15).
#[test]
fn the_pool_reaches_disagreement_open_clock_stops_not_publishing_and_withdrawal() {
    let world = World::default();
    let take =
        |case: cspr_domain::case::Case, (day, cmd): (Date, Command)| world.step(case, day, &cmd);

    // The Panel disagrees.
    let (case, _, _) = lr_before(&world, step!(RecordPanelResponse { .. }));
    let case = take(case, answer_from_pool(PanelAnswer::Disagrees));
    assert_eq!(case.panel_answer(), Some(PanelAnswer::Disagrees));

    // More information, then the rapid review sent again.
    let (case, _, _) = lr_before(&world, step!(RecordPanelResponse { .. }));
    let case = take(case, answer_from_pool(PanelAnswer::MoreInformation));
    let case = take(
        case,
        from_pool(
            |c| matches!(c, Command::SubmitRapidReview { submitted_on } if *submitted_on == date!(2025 - 04 - 17)),
        ),
    );
    assert_eq!(case.rapid_review_resubmitted.len(), 1);

    // A clock stop still open.
    let (case, _, _) = lr_before(&world, step!(StartParallelProcess { .. }));
    let case = take(
        case,
        from_pool(|c| matches!(c, Command::StartParallelProcess { .. })),
    );
    assert!(
        case.parallel_processes
            .values()
            .any(|p| p.stops_clock && p.ended_on.is_none())
    );

    // A decision not to publish.
    let (case, _, _) = lr_before(&world, step!(DecidePublication { .. }));
    let case = take(
        case,
        from_pool(|c| {
            matches!(
                c,
                Command::DecidePublication {
                    decision: PublicationDecision::DoNotPublish { .. },
                    ..
                }
            )
        }),
    );
    assert!(matches!(
        case.publication_decision,
        Some((PublicationDecision::DoNotPublish { .. }, _))
    ));

    // A withdrawal: the local review script's last step is in the pool.
    let (case, _, _) = lr_before(&world, step!(Unpublish { .. }));
    let case = take(case, from_pool(|c| matches!(c, Command::Unpublish { .. })));
    assert!(case.unpublished_on.is_some());

    // A reopening with a reason, a completion without evidence of impact and impact later.
    let (case, _) = run(&world, &local_review_script());
    let case = take(case, from_pool(|c| matches!(c, Command::ReopenCase { .. })));
    assert_eq!(case.stage, cspr_domain::case::Stage::ActionPlan);
    let (case, _, _) = lr_before(&world, step!(CompleteAction { .. }));
    let case = take(
        case,
        from_pool(|c| {
            matches!(
                c,
                Command::CompleteAction {
                    evidence_of_impact: None,
                    ..
                }
            )
        }),
    );
    let case = take(
        case,
        from_pool(|c| matches!(c, Command::EvidenceImpact { .. })),
    );
    assert!(case.actions[&ACTION1].impact().is_some());
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
