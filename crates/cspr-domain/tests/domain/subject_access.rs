//! Subject access over a whole local review: the child, a carer and a practitioner are found
//! by name or alias, a record with another date of birth is someone else, and the case's text
//! that names the child is found with the event field it sits in.

use cspr_domain::subject_access::{DateOfBirth, SubjectQuery, passages_in, records_in};
use time::macros::date;

use crate::common::*;

#[test]
fn records_are_found_by_name_or_alias_and_told_apart_by_date_of_birth() {
    let world = World::default();
    let (case, events) = run(&world, &local_review_script());
    let child = &case.children[0];
    let shouted = child.name.as_str().to_uppercase();
    let q = SubjectQuery::new(&shouted, &[], None).expect("query");
    let found = records_in(&case, &q);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].kind, "Child");
    assert_eq!(found[0].date_of_birth, DateOfBirth::NotGiven);
    assert!(found[0].details.iter().any(|(l, _)| l == "Approximate age"));

    let alias = child.aliases[0].as_str();
    let by_alias = SubjectQuery::new("Nobody Atall", &[alias], None).expect("query");
    assert_eq!(records_in(&case, &by_alias).len(), 1);
    // The child's record has an age, not a date of birth: the team must judge.
    let with_dob =
        SubjectQuery::new(child.name.as_str(), &[], Some(date!(2024 - 01 - 01))).expect("q");
    assert_eq!(
        records_in(&case, &with_dob)[0].date_of_birth,
        DateOfBirth::NotRecorded
    );

    let carer = &case.referral.as_ref().expect("referral").carers[0];
    let Some(AgeOrDateOfBirth::DateOfBirth(dob)) = carer.age else {
        panic!("the example carer has a date of birth");
    };
    let same = SubjectQuery::new(carer.name.as_str(), &[], Some(dob)).expect("query");
    let found = records_in(&case, &same);
    let kinds: Vec<(&str, DateOfBirth)> = found
        .iter()
        .map(|r| (r.kind.as_str(), r.date_of_birth))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Carer: Mother", DateOfBirth::Agrees),
            ("Family contact: Mother", DateOfBirth::NotRecorded)
        ]
    );
    // Another person of that name: the carer's record is not them; the family contact, which
    // has no date of birth, is left for the team to judge.
    let other =
        SubjectQuery::new(carer.name.as_str(), &[], Some(date!(1990 - 01 - 01))).expect("query");
    let kinds: Vec<String> = records_in(&case, &other)
        .into_iter()
        .map(|r| r.kind)
        .collect();
    assert_eq!(kinds, ["Family contact: Mother"]);

    let practitioner = &case.practitioners[0];
    let q = SubjectQuery::new(practitioner.name.as_str(), &[], None).expect("query");
    assert!(
        records_in(&case, &q)
            .iter()
            .any(|r| r.kind == "Practitioner")
    );

    let nobody = SubjectQuery::new("Nobody Atall", &[], None).expect("query");
    assert!(records_in(&case, &nobody).is_empty());
    let text: Vec<_> = events
        .iter()
        .flat_map(|e| passages_in(&serde_json::to_value(e).expect("json"), &nobody))
        .collect();
    assert!(text.is_empty());
}
