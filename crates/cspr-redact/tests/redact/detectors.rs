//! One test per detector, through the public API: what is found, and what must stay.

use cspr_redact::{CaseKnowledge, CasePerson, DatePolicy, Label, Policy, find, redact};

fn case() -> CaseKnowledge {
    let person = |role: &str, name: &str, aliases: &[&str], dob: &str| CasePerson {
        role: role.into(),
        name: name.into(),
        aliases: aliases.iter().map(|a| (*a).to_string()).collect(),
        dob: Some(dob.into()),
        addresses: vec!["1c Laburnum Street, Bloomfield, Blackpool FY4 9WJ".into()],
    };
    CaseKnowledge {
        people: vec![
            person("child", "Tony Bailey", &[], "2017-02-06"),
            person("mother", "Gemma Rose White", &["Gemma Smith"], "1984-04-26"),
            person(
                "father",
                "Anthony Craig Bailey",
                &["Anthony Baileigh"],
                "1977-04-20",
            ),
            person("sibling", "Summer Hope Bailey", &[], "2018-06-19"),
        ],
        pseudonyms: [
            ("Tony Bailey", "Child W"),
            ("Gemma Rose White", "Mother"),
            ("Anthony Craig Bailey", "Father"),
            ("Summer Hope Bailey", "Sibling 1"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect(),
    }
}

fn found(text: &str, case: &CaseKnowledge) -> Vec<(Label, String)> {
    find(text, case)
        .into_iter()
        .map(|f| (f.label, text[f.byte_start..f.byte_end].to_string()))
        .collect()
}

fn people(text: &str, case: &CaseKnowledge) -> Vec<String> {
    found(text, case)
        .into_iter()
        .filter(|(l, _)| *l == Label::Person)
        .map(|(_, s)| s)
        .collect()
}

#[test]
fn known_names_in_every_form() {
    let c = case();
    let text = "Gemma's partner BAILEY, Anthony was seen; gemma said Mr Bailey and WHITE left. \
                Baileigh and Gemme were there, and Ant shouted.";
    assert_eq!(
        people(text, &c),
        [
            "Gemma",
            "BAILEY, Anthony",
            "gemma",
            "Bailey",
            "WHITE",
            "Baileigh",
            "Gemme",
            "Ant"
        ]
    );
}

/// Issue 19: a name the case knows is never skipped. Its ordinary-word uses are findings too,
/// in doubt (a lower confidence and a note) for the reviewer to reject.
#[test]
fn known_word_names_are_found_and_ordinary_uses_are_in_doubt() {
    let c = case();
    let text = "Summer was seen with Hope. There was little hope of change.";
    assert_eq!(people(text, &c), ["Summer", "Hope", "hope"]);
    let found = find(text, &c);
    assert!(found[1].confidence >= 0.9 && found[1].note.is_none());
    assert!(found[2].confidence < 0.9 && found[2].note.is_some());
    let text = "The summer holidays were hard.";
    let found = find(text, &c);
    assert_eq!(people(text, &c), ["summer"]);
    assert!(found[0].confidence < 0.9 && found[0].note.is_some());
}

#[test]
fn initials_of_known_and_found_names() {
    let c = CaseKnowledge::default();
    let text = "Attendees: Ms Helen Hoey (HH), DI Nathan Clegg. K.L. agreed; NC to email.";
    assert_eq!(
        people(text, &c),
        ["Helen Hoey", "HH", "Nathan Clegg", "K.L", "NC"]
    );
}

#[test]
fn unknown_people_from_titles_speech_and_nicknames() {
    let c = CaseKnowledge::default();
    let text = "Taken by PC 2620 Derek Quinn and Sgt A. Zapadka. Dr Ogunleye agreed. \
                Keith said he knew. The man they call 'Red' left. [21:24] skinny: dont ignore me";
    assert_eq!(
        people(text, &c),
        [
            "Derek Quinn",
            "A. Zapadka",
            "Ogunleye",
            "Keith",
            "Red",
            "skinny"
        ]
    );
}

#[test]
fn names_beside_a_role_in_no_list() {
    let c = CaseKnowledge::default();
    let text = "Seen at home by Gareth Thornton (health visitor). The social worker, Gareth \
                Thornton, called; the family support worker Ffion Evans-Pryce visited.";
    assert_eq!(
        people(text, &c),
        ["Gareth Thornton", "Gareth Thornton", "Ffion Evans-Pryce"]
    );
}

#[test]
fn role_words_and_services_stay() {
    let c = case();
    let text = "Child W lived with Mother and Sibling 1. The health visitor, MASH, Early Help and \
                Children's Social Care were involved. Maternal Grandmother attended.";
    assert!(found(text, &c).is_empty(), "{:?}", found(text, &c));
}

#[test]
fn addresses_postcodes_and_places() {
    let c = CaseKnowledge::default();
    let text = "Address: Flat 31, Greenbank Tower, Laburnum Road, Townhill Park, Southampton SO15 3GR. \
                Later at 46c Peel Rd and on Windsor Mews; the family moved to Rochdale.";
    assert_eq!(
        found(text, &c),
        [
            (
                Label::Address,
                "Flat 31, Greenbank Tower, Laburnum Road, Townhill Park, Southampton".into()
            ),
            (Label::Postcode, "SO15 3GR".into()),
            (Label::Address, "46c Peel Rd".into()),
            (Label::Address, "Windsor Mews".into()),
            (Label::Location, "Rochdale".into()),
        ]
    );
}

#[test]
fn case_addresses_give_districts_and_streets() {
    let c = case();
    let text = "She moved back to Bloomfield, near Laburnum Street.";
    assert_eq!(
        found(text, &c),
        [
            (Label::Location, "Bloomfield".into()),
            (Label::Address, "Laburnum Street".into()),
        ]
    );
}

#[test]
fn organisations_and_their_short_forms() {
    let c = CaseKnowledge::default();
    let text = "Seen at Lark Hill General Hospital, then LHGH again; GP: Dr Nwachukwu and Partners; \
                school: St Bede's RC Primary School.";
    assert_eq!(
        found(text, &c),
        [
            (Label::Org, "Lark Hill General Hospital".into()),
            (Label::Org, "LHGH".into()),
            (Label::Org, "Dr Nwachukwu and Partners".into()),
            (Label::Org, "St Bede's RC Primary School".into()),
        ]
    );
}

#[test]
fn dates_of_birth_from_the_case_in_any_form() {
    let c = case();
    let text = "Father seen 3rd May 2019; his date 20.04.1977 is on file.";
    assert_eq!(
        found(text, &c),
        [
            (Label::Date, "3rd May 2019".into()),
            (Label::DateOfBirth, "20.04.1977".into()),
        ]
    );
}

#[test]
fn replacement_uses_pseudonyms_and_role_placeholders() {
    let c = case();
    let text = "Gemma White told PC Noble at 168 Oak Close on 23 December 2019 that Tony was hurt (aged 3).";
    let r = redact(text, &c, Policy::default());
    assert_eq!(
        r.text,
        "Mother told a police officer at [address] on December 2019 that Child W was hurt (aged 3)."
    );
    assert_eq!(r.residual.len(), 1);
    assert_eq!(r.residual[0].text, "aged 3");
    let removed = redact(
        text,
        &c,
        Policy {
            dates: DatePolicy::Remove,
        },
    );
    assert!(removed.text.contains("on [date] that"));
}

#[test]
fn offsets_are_code_points_and_bytes() {
    let c = CaseKnowledge::default();
    let text = "Seen by Dr Groń with Tomás Sousa.";
    let f = find(text, &c);
    let last = f.last().expect("a finding");
    assert_eq!(&text[last.byte_start..last.byte_end], "Tomás Sousa");
    assert_eq!(
        text.chars()
            .skip(last.start)
            .take(last.end - last.start)
            .collect::<String>(),
        "Tomás Sousa"
    );
}
