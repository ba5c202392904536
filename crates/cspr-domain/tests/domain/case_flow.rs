//! The three routes through the process run end to end, and replaying their events rebuilds the
//! same case.

use crate::common::*;
use cspr_domain::case::{Case, Stage};

#[test]
fn local_review_route_runs_from_incident_to_closure_and_removal() {
    let world = World::default();
    let (case, events) = run(&world, &local_review_script());
    assert_eq!(case.stage, Stage::Closed);
    // The submitted draft, then a section save and a recommendation added and withdrawn.
    assert_eq!(case.drafts.len(), 4);
    assert!(case.unpublished_on.is_some());
    assert_eq!(Case::replay(&events), case);
}

#[test]
fn scoping_route_runs_to_other_learning_and_closure() {
    let world = World::default();
    let (case, events) = run(&world, &scoping_script());
    assert_eq!(case.stage, Stage::Closed);
    assert!(case.opened_by_referral);
    assert_eq!(Case::replay(&events), case);
}

#[test]
fn no_further_action_route_closes() {
    let world = World::default();
    let (case, _) = run(&world, &no_further_action_script());
    assert_eq!(case.stage, Stage::Closed);
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
