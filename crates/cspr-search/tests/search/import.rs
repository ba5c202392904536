//! The JSON Lines import.

use cspr_search::{AgeGroup, ReviewType, parse_jsonl};

fn line(id: &str, extra: &str) -> String {
    format!(
        r#"{{"id":"{id}","title":"Child {id}","partnership":"Westvale","published_on":"2021-03-04","review_type":"local_cspr","themes":["Neglect","Domestic  Abuse"],"age_group":"1_to_4","agencies":["Police"],"summary":"A summary.","url":"https://example.org/{id}"{extra}}}"#
    )
}

#[test]
fn a_good_file_parses_with_normalised_themes() {
    let input = format!(
        "{}\n\n{}\r\n",
        line("one", ""),
        line("two", r#","text":"Full text.""#)
    );
    let records = parse_jsonl(input.as_bytes()).expect("valid");
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].review_type, ReviewType::LocalCspr);
    assert_eq!(records[0].age_group, AgeGroup::From1To4);
    assert_eq!(records[0].themes, ["neglect", "domestic abuse"]);
    assert_eq!(records[0].published_on.to_string(), "2021-03-04");
    assert_eq!(records[1].text.as_deref(), Some("Full text."));
    // The record's own serde form is the import format.
    let json = serde_json::to_string(&records[1]).expect("json");
    let again = parse_jsonl(json.as_bytes()).expect("round trip");
    assert_eq!(again[0], records[1]);
}

#[test]
fn every_bad_line_is_reported_with_its_number_and_reason() {
    let lines = [
        line("ok", ""),                                                                 // 1
        "{not json".to_owned(),                                                         // 2
        line("bad-date", "").replace("2021-03-04", "2021-02-30"),                       // 3
        line("bad-type", "").replace("local_cspr", "scr"),                              // 4
        line("ok", ""), // 5: duplicate id
        line("no-title", "").replace(r#""title":"Child no-title""#, r#""title":"  ""#), // 6
        line("missing", "").replace(r#""summary":"A summary.","#, ""), // 7
        line("bad-age", "").replace("1_to_4", "toddler"), // 8
        line("bad-url", "").replace("https://example.org/bad-url", "//elsewhere.example/x"), // 9
        line("extra", r#","sumary":"typo""#), // 10
        line("fine", ""), // 11
    ];
    let errors = parse_jsonl(lines.join("\n").as_bytes()).expect_err("bad lines");
    let numbers: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert_eq!(numbers, [2, 3, 4, 5, 6, 7, 8, 9, 10]);
    let reason = |n: usize| {
        errors
            .iter()
            .find(|e| e.line == n)
            .map(|e| e.reason.clone())
            .expect("reported")
    };
    assert!(reason(2).contains("not a valid record"), "{}", reason(2));
    assert!(reason(3).contains("published_on"), "{}", reason(3));
    assert!(
        reason(4).contains("unknown review_type \"scr\""),
        "{}",
        reason(4)
    );
    assert!(
        reason(5).contains("already used on line 1"),
        "{}",
        reason(5)
    );
    assert!(
        reason(6).contains("title: must not be empty"),
        "{}",
        reason(6)
    );
    assert!(
        reason(7).contains("missing field `summary`"),
        "{}",
        reason(7)
    );
    assert!(reason(8).contains("unknown age_group"), "{}", reason(8));
    assert!(reason(9).contains("url"), "{}", reason(9));
    assert!(
        reason(10).contains("unknown field `sumary`"),
        "{}",
        reason(10)
    );
}

#[test]
fn one_bad_line_fails_the_whole_file() {
    let input = format!(
        "{}\n{}\n{}",
        line("a", ""),
        line("b", "").replace("2021-03-04", "yesterday"),
        line("c", "")
    );
    let errors = parse_jsonl(input.as_bytes()).expect_err("one bad line");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 2);
}

#[test]
fn invalid_utf8_and_empty_ids_are_refused() {
    let mut input = line("a", "").into_bytes();
    input.extend_from_slice(b"\n\xff\xfe\n");
    input.extend_from_slice(line("", "").as_bytes());
    let errors = parse_jsonl(input.as_slice()).expect_err("bad");
    assert_eq!(errors.len(), 2);
    assert_eq!(
        (errors[0].line, errors[0].reason.as_str()),
        (2, "not valid UTF-8")
    );
    assert_eq!(errors[1].line, 3);
    assert!(errors[1].reason.contains("id: must not be empty"));
}
