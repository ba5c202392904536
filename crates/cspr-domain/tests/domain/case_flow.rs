//! The three routes through the process run end to end, and replaying their events rebuilds the
//! same case.

use crate::common::*;
use cspr_domain::case::{Case, Command, Event, Stage};
use time::Date;

/// Runs a whole route's script in the default world and checks that it ends with the case
/// closed; returns the case and every event.
fn run_to_closure(script: &[(Date, Command)]) -> (Case, Vec<Event>) {
    let (case, events) = run(&World::default(), script);
    assert_eq!(case.stage, Stage::Closed);
    (case, events)
}

#[test]
fn local_review_route_runs_from_incident_to_closure_and_removal() {
    let (case, events) = run_to_closure(&local_review_script());
    // The submitted draft, then a section save and a recommendation added and withdrawn.
    assert_eq!(case.drafts.len(), 4);
    assert!(case.unpublished_on.is_some());
    assert_eq!(Case::replay(&events), case);
}

#[test]
fn scoping_route_runs_to_other_learning_and_closure() {
    let (case, events) = run_to_closure(&scoping_script());
    assert!(case.opened_by_referral);
    assert_eq!(Case::replay(&events), case);
}

#[test]
fn no_further_action_route_closes() {
    run_to_closure(&no_further_action_script());
}

#[test]
fn every_stage_is_reached_by_some_script() {
    let world = World::default();
    for stage in Stage::ALL {
        let (case, _) = case_at(&world, stage);
        assert_eq!(case.stage, stage);
    }
}

#[test]
fn events_round_trip_through_json() {
    let world = World::default();
    let (_, events) = run(&world, &local_review_script());
    for e in &events {
        let json = serde_json::to_string(e).expect("serialise");
        let back: cspr_domain::case::Event = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(&back, e);
    }
}
