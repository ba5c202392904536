//! `cspr redact` through the real binary: records to findings in the development set's format,
//! a text file to its redacted text, and one clear line for bad input with no file left behind.

mod common;

use std::fs;

use common::{Sandbox, one_error_line};

const RECORDS: &str = r#"{"id": "r1", "text": "Gemma White (DOB 26/04/1984) rang PC Noble from 07700 900701.", "case": {"people": [{"role": "mother", "name": "Gemma White", "dob": "1984-04-26"}], "pseudonyms": {"Gemma White": "Mother"}}}
{"id": "r2", "text": "Seen at 168 Oak Close, Rochdale OL11 1AA."}
"#;

#[test]
fn records_give_findings_as_code_point_spans_with_labels() {
    let sandbox = Sandbox::new();
    fs::write(sandbox.path().join("in.jsonl"), RECORDS).expect("write");
    sandbox.ok(&["redact", "--input", "in.jsonl", "--output", "out.jsonl"]);
    let out = fs::read_to_string(sandbox.path().join("out.jsonl")).expect("output");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "r1");
    let labels: Vec<&str> = lines[0]["spans"]
        .as_array()
        .expect("spans")
        .iter()
        .map(|s| s["label"].as_str().expect("label"))
        .collect();
    assert_eq!(labels, ["PERSON", "DATE_OF_BIRTH", "PERSON", "PHONE"]);
    assert_eq!(lines[0]["spans"][0]["start"], 0);
    assert_eq!(lines[0]["spans"][0]["end"], 11);
    let labels: Vec<&str> = lines[1]["spans"]
        .as_array()
        .expect("spans")
        .iter()
        .map(|s| s["label"].as_str().expect("label"))
        .collect();
    assert_eq!(labels, ["ADDRESS", "POSTCODE"]);
}

#[test]
fn a_text_file_is_redacted_to_stdout_or_a_file() {
    let sandbox = Sandbox::new();
    fs::write(
        sandbox.path().join("case.json"),
        r#"{"people": [{"role": "child", "name": "Tony Bailey"}], "pseudonyms": {"Tony Bailey": "Child W"}}"#,
    )
    .expect("write");
    fs::write(
        sandbox.path().join("note.txt"),
        "On 3rd April 2019 Tony was seen by Dr Ogunleye at 12 Peel Road.\n",
    )
    .expect("write");
    let out = sandbox.ok(&["redact", "note.txt", "--case", "case.json"]);
    assert_eq!(
        out,
        "On April 2019 Child W was seen by a doctor at [address].\n"
    );
    sandbox.ok(&[
        "redact", "note.txt", "--dates", "remove", "--out", "red.txt",
    ]);
    let red = fs::read_to_string(sandbox.path().join("red.txt")).expect("output");
    assert!(red.starts_with("On [date] "), "{red}");
}

#[test]
fn a_malformed_line_is_named_and_nothing_is_written() {
    let sandbox = Sandbox::new();
    fs::write(
        sandbox.path().join("in.jsonl"),
        format!("{RECORDS}{{\"id\": \"r3\", \"text\": \n"),
    )
    .expect("write");
    let output = sandbox.run(&["redact", "--input", "in.jsonl", "--output", "out.jsonl"]);
    let line = one_error_line(&output, 2);
    assert!(line.contains("line 3"), "{line}");
    assert!(!sandbox.path().join("out.jsonl").exists());
    let leftovers: Vec<_> = fs::read_dir(sandbox.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn unreadable_input_and_bad_options_get_one_line() {
    let sandbox = Sandbox::new();
    let output = sandbox.run(&["redact", "--input", "missing.jsonl", "--output", "o.jsonl"]);
    let line = one_error_line(&output, 2);
    assert!(line.contains("missing.jsonl"), "{line}");
    let output = sandbox.run(&["redact", "missing.txt"]);
    one_error_line(&output, 2);
    fs::write(sandbox.path().join("a.txt"), "x").expect("write");
    let output = sandbox.run(&["redact", "a.txt", "--dates", "sometimes"]);
    let line = one_error_line(&output, 2);
    assert!(line.contains("--dates"), "{line}");
    let output = sandbox.run(&["redact", "--input", "a.txt"]);
    one_error_line(&output, 2);
}
