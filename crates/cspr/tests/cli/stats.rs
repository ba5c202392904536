//! `cspr stats` through the real binary, on a data directory seeded by `cspr demo --cases 12`.
//!
//! That demo (`cspr_app::demo`) seeds twelve cases, one at each stage (without the default
//! demonstration's earlier closed cases), from the example scripts
//! moved in whole weeks to end just before today. Over a period from 2000 to 2099 every dated
//! step of every case is in the period, whatever today is, so the figures are these:
//!
//! | stage | script, steps | notified | RR meeting, sent | decision | commissioned | report sent | published | actions |
//! |---|---|---|---|---|---|---|---|---|
//! | Incident | local review, 2 | yes | - | - | - | - | - | - |
//! | Referral, Triage, Rapid review | local review, to the referral / its approval / the first agency summary | yes | - | - | - | - | - | - |
//! | Scoping | scoping, 5 (referral to the first scoping form) | no | - | - | - | - | - | - |
//! | Decided | no further action, 3 (triaged to no further action) | no | - | - | - | - | - | - |
//! | Commissioning | local review, to the first panel member | yes | yes, yes | local review | - | - | - | - |
//! | Evidence, Drafting | local review, to the learning event / factual accuracy | yes | yes, yes | local review | yes | - | - | - |
//! | Publication | local review, to the report sent and one action agreed | yes | yes, yes | local review | yes | yes | - | 1, open |
//! | Action plan | local review, to the first progress | yes | yes, yes | local review | yes | yes | yes | 2, open |
//! | Closed | scoping, whole | no | - | other learning | - | - | - | 1, completed with evidence |
//!
//! So: 9 notifications; 5 rapid review meetings and 5 rapid reviews sent, each 20 calendar days
//! after its notification, which is within 15 working days whatever bank holidays fall between
//! (15 working days are at least 21 calendar days): 5 of 5, 100.0%. The 4 notified cases with
//! no rapid review sent are overdue on 31 December 2099. 1 referral closed at triage. 6
//! decisions: 5 local review, 1 other learning. 4 local reviews started, 2 completed, each 119
//! days from the decision (19 March to 16 July in the script), so the median is 119.0 and both
//! are within six months. 1 report published. 4 actions: 3 open, all overdue in 2099, and 1
//! completed with evidence of impact. Learning theme: "information sharing", from the 5 rapid
//! reviews held.

use crate::common::{Sandbox, one_error_line};

const WIDE: [&str; 4] = ["--from", "2000-01-01", "--to", "2099-12-31"];

fn demo() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.ok(&["demo", "--cases", "12"]);
    sandbox
}

fn access_entries(sandbox: &Sandbox) -> u64 {
    let verified = sandbox.ok(&["verify"]);
    verified
        .split(", ")
        .find_map(|part| part.strip_suffix(" access-log entries"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected verify output: {verified}"))
}

#[test]
fn json_figures_of_the_demo_cases() {
    let sandbox = demo();
    let before = access_entries(&sandbox);
    let mut args = vec!["stats"];
    args.extend(WIDE);
    args.extend(["--format", "json"]);
    let out = sandbox.ok(&args);
    let f: serde_json::Value = serde_json::from_str(&out).expect("stats prints JSON");
    assert_eq!(f["period"]["from"], "2000-01-01", "{out}");
    assert_eq!(f["period"]["to"], "2099-12-31");
    assert_eq!(f["notifications"], 9);
    assert_eq!(f["rapid_review_meetings_held"], 5);
    assert_eq!(f["rapid_reviews_submitted"], 5);
    assert_eq!(f["rapid_reviews_on_time"]["count"], 5);
    assert_eq!(f["rapid_reviews_on_time"]["of"], 5);
    assert_eq!(f["rapid_reviews_on_time"]["percent"], 100.0);
    assert_eq!(f["rapid_reviews_overdue_at_end"], 4);
    assert_eq!(f["closed_at_triage"], 1);
    assert_eq!(
        f["decisions"],
        serde_json::json!({"total": 6, "local_review": 5, "other_learning": 1, "no_further_action": 0})
    );
    assert_eq!(f["local_reviews_started"], 4);
    assert_eq!(f["local_reviews_completed"], 2);
    assert_eq!(f["median_days_to_complete"], 119.0);
    assert_eq!(f["completed_within_months"]["count"], 2);
    assert_eq!(f["reports_published"], 1);
    assert_eq!(f["actions"]["total"], 4);
    assert_eq!(f["actions"]["open"], 3);
    assert_eq!(f["actions"]["overdue"], 3);
    assert_eq!(f["actions"]["completed"], 1);
    assert_eq!(f["actions"]["impact_evidenced"], 1);
    assert_eq!(
        f["themes"],
        serde_json::json!([{"theme": "information sharing", "cases": 5}])
    );
    // Every one of the twelve cases read was written to the access log first.
    assert_eq!(access_entries(&sandbox), before + 12);

    // A period before any case: nothing counted, no percentages.
    let empty = sandbox.ok(&[
        "stats",
        "--from",
        "1990-01-01",
        "--to",
        "1990-12-31",
        "--format",
        "json",
    ]);
    let f: serde_json::Value = serde_json::from_str(&empty).expect("JSON");
    assert_eq!(f["notifications"], 0);
    assert_eq!(
        f["rapid_reviews_on_time"]["percent"],
        serde_json::Value::Null
    );
    assert_eq!(f["themes"], serde_json::json!([]));
}

#[test]
fn csv_figures_with_a_header_to_stdout_and_to_a_file() {
    let sandbox = demo();
    let mut args = vec!["stats"];
    args.extend(WIDE);
    let csv = sandbox.ok(&args);
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(lines[0], "Figure,Value", "{csv}");
    assert_eq!(lines[1], "Period from,2000-01-01");
    assert_eq!(lines[2], "Period to,2099-12-31");
    assert!(
        lines.contains(&"Notifications to the National Panel,9"),
        "{csv}"
    );
    assert!(
        lines.contains(&"Rapid reviews sent within 15 working days (%),100.0"),
        "{csv}"
    );
    assert!(lines.contains(&"Decisions: local review,5"), "{csv}");
    assert!(
        lines.contains(&"Median days from decision to report sent,119.0"),
        "{csv}"
    );
    assert!(lines.contains(&"Theme: information sharing,5"), "{csv}");
    assert_eq!(lines.last(), Some(&""), "the file ends with a line break");

    let file = sandbox.path().join("figures.csv");
    let mut args = vec!["stats"];
    args.extend(WIDE);
    let file_arg = file.to_str().expect("utf-8 path");
    args.extend(["--format", "csv", "--out", file_arg]);
    let printed = sandbox.ok(&args);
    assert!(printed.is_empty(), "{printed}");
    assert_eq!(std::fs::read_to_string(&file).expect("the file"), csv);
}

#[test]
fn bad_periods_give_one_error_line_and_exit_2() {
    let sandbox = demo();
    let before = access_entries(&sandbox);
    for (args, says) in [
        (
            vec!["stats", "--from", "2025-02-30", "--to", "2025-03-31"],
            "--from: '2025-02-30' is not a real date",
        ),
        (
            vec!["stats", "--from", "2025-04-01", "--to", "31/03/2026"],
            "--to: '31/03/2026' is not a date",
        ),
        (
            vec!["stats", "--from", "2025-04-01", "--to", "2025-03-31"],
            "--to 2025-03-31 is before --from 2025-04-01",
        ),
        (
            vec![
                "stats",
                "--from",
                "2025-04-01",
                "--to",
                "2026-03-31",
                "--format",
                "xml",
            ],
            "--format: 'xml' is not a format",
        ),
    ] {
        let output = sandbox.run(&args);
        let line = one_error_line(&output, 2);
        assert!(line.contains(says), "{args:?}: {line}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
    // Nothing was read.
    assert_eq!(access_entries(&sandbox), before);
}
