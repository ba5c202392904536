//! `cspr demo` through the real binary: it seeds the demo partnership's cases and accounts
//! once; running it again seeds nothing more, prints the same cases and no new password.

use crate::common::Sandbox;

/// The number of events `cspr verify` reports.
fn events(sandbox: &Sandbox) -> u64 {
    let verified = sandbox.ok(&["verify"]);
    verified
        .strip_prefix("verified: ")
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected verify output: {verified}"))
}

fn case_lines(output: &str) -> Vec<String> {
    output
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("CSPR-"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn demo_twice_seeds_once() {
    let sandbox = Sandbox::new();
    let first = sandbox.ok(&["demo"]);
    assert!(first.contains("12 cases, seeded now"), "{first}");
    assert!(first.contains("Password for every demo account"), "{first}");
    assert!(first.contains("serve"), "{first}");
    assert!(
        first.contains("6 earlier cases, closed in the two years before"),
        "{first}"
    );
    let mut first_cases = case_lines(&first);
    first_cases.sort();
    assert_eq!(first_cases.len(), 18, "{first}");
    let after_first = events(&sandbox);
    assert!(after_first > 12, "{after_first} events");

    let second = sandbox.ok(&["demo"]);
    assert!(second.contains("already there"), "{second}");
    assert!(!second.contains("Password for"), "{second}");
    assert!(
        second.contains("the one printed when these accounts were made"),
        "{second}"
    );
    let mut second_cases = case_lines(&second);
    second_cases.sort();
    assert_eq!(second_cases, first_cases);
    assert_eq!(events(&sandbox), after_first, "the second run seeded cases");

    // Addresses are matched whatever their letter case.
    let code = sandbox.ok(&["demo-code", "Admin@Demo.CSPR.invalid"]);
    assert_eq!(code.trim().len(), 6, "{code}");
}

/// `cspr demo --cases N` seeds N cases for trying the service at scale, and counts them by
/// stage instead of listing each; a number out of range is refused and writes nothing.
#[test]
fn demo_with_a_number_of_cases_seeds_that_many() {
    let sandbox = Sandbox::new();
    for bad in ["0", "many", "100001"] {
        let refused = sandbox.run(&["demo", "--cases", bad]);
        assert_eq!(refused.status.code(), Some(2), "--cases {bad}");
    }
    assert!(
        !sandbox.db_path().exists(),
        "a refused command made the database"
    );
    let out = sandbox.ok(&["demo", "--cases", "60"]);
    assert!(out.contains("60 cases, seeded now"), "{out}");
    // Counted by stage: twelve stages, five cases each.
    assert!(case_lines(&out).is_empty(), "{out}");
    assert!(
        out.contains("  Rapid review") && out.contains("  5\n"),
        "{out}"
    );
    let again = sandbox.ok(&["demo", "--cases", "60"]);
    assert!(again.contains("60 cases, already there"), "{again}");
}
