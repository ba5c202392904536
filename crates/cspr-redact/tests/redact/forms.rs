//! Issue 19: the forms reports write dates, organisations and places in, each found whole; and
//! the generic mentions that stay.

use cspr_redact::{CaseKnowledge, Label, find};

use crate::known_names::{covered, unmark};

/// Each `{...}` must be covered by findings of `label` (or a label that outranks it); nothing
/// outside the braces may be found.
fn check(label: Label, marked: &[&str]) {
    let case = CaseKnowledge::default();
    let mut problems = Vec::new();
    for m in marked {
        let (text, spans) = unmark(m);
        let findings = find(&text, &case);
        for &(s, e) in &spans {
            if !covered(&text, &findings, s, e) {
                problems.push(format!("missed {:?} in {text:?}", &text[s..e]));
            } else if !findings
                .iter()
                .any(|f| f.byte_start < e && s < f.byte_end && f.label == label)
            {
                problems.push(format!("{:?} not as {label:?} in {text:?}", &text[s..e]));
            }
        }
        for f in &findings {
            let inside = spans
                .iter()
                .any(|&(s, e)| f.byte_start < e && s < f.byte_end);
            if !inside && matches!(f.label, Label::Date | Label::Org | Label::Location) {
                problems.push(format!(
                    "found {:?} ({:?}) in {text:?}",
                    &text[f.byte_start..f.byte_end],
                    f.label
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn dates_in_every_written_form() {
    check(
        Label::Date,
        &[
            "Seen on {12 Sep 21} and on {24/11/14}.",
            "Visit on {12.09.2021}; strategy meeting in {September 2021}.",
            "Born early; seen on the {12th of September} and on {3rd May}.",
            "Referral in {Sept. 2019}, closed {2019-09-12}.",
            "Seen {September 12th} and {Sep 12, 2021}.",
            "Home visits {12-14 September 2021} and {3rd–5th May 2020}.",
            "Placed {12 to 14 September 2021}; reviewed {September–November 2021}.",
            "Open from {Sept 2019} to {Jan 2020}, reopened {March to May 2021}.",
            "The log says {12-Sep-21}, {Sep-21} and {Sept '19}.",
            "Next review: {Tuesday 12 September}. Rent arrears since {09/2021}.",
            "She was {12th Sept '21} in the school's records.",
        ],
    );
}

#[test]
fn figures_that_are_not_dates_stay() {
    check(
        Label::Date,
        &[
            "She was aged 12 and in Year 9; 12 months later she scored 17/20.",
            "At 10:30 he paid £12.50; 2 of 3 visits were missed; ref 2021/0456.",
            "They may 5 times have tried. In 2020 and in mid-2020 the family moved.",
            "Case 12-14 was closed; room 3.5 was used.",
        ],
    );
}

#[test]
fn named_organisations_with_straight_or_curly_apostrophes() {
    check(
        Label::Org,
        &[
            "She attended {Hillside Children's Centre} and {Hillside Children\u{2019}s Centre}.",
            "{Little Acorns Nursery} reported no concerns; later at {Greenfields Pre-School}.",
            "He moved to {St Mary's C of E Primary School}, then {St Mary\u{2019}s C of E Primary School}.",
            "Excluded from {Oakfield Academy}; a place at {Westbrook College} was offered.",
            "Registered at {Riverside Medical Centre}, then {The Grange Surgery}.",
            "Seen at {Dr Patel's practice} and at {Dr Okoro\u{2019}s surgery}.",
            "The tenancy was with {Northgate Housing Association}, later {Homes for Northfield}.",
            "Rehoused by {Beacon Homes} near {Brookside Health Centre}.",
        ],
    );
}

#[test]
fn generic_services_are_not_organisations() {
    check(
        Label::Org,
        &[
            "The school and the GP practice shared concerns with Children's Social Care.",
            "The police, the local authority and the NHS Foundation Trust attended.",
            "She went to the Children's Centre, then the Primary School and the Nursery.",
            "The Housing Association and the Medical Centre were not told.",
            "The acute trust and the ambulance trust; the Health Centre; a Family Centre.",
        ],
    );
}

#[test]
fn places_of_several_words_districts_and_estates() {
    check(
        Label::Location,
        &[
            "The family moved to {Newcastle upon Tyne} and then to {Stoke-on-Trent}.",
            "Her aunt lives in {Bishop's Stortford}; his cousin in {Bishop\u{2019}s Stortford}.",
            "They lived in {St Ann's} before moving to {Barrow-in-Furness}.",
            "A flat on the {Meadowell estate}, then a house on {Broadwater Farm Estate}.",
            "Friends on the {Oak Park estate} and family in {King's Lynn}.",
        ],
    );
}

#[test]
fn generic_estates_stay() {
    check(
        Label::Location,
        &[
            "They lived on a housing estate, then on the council estate.",
            "The estate agent called; the Estate was quiet.",
        ],
    );
}
