//! `cspr calendar` through the real binary: the worked example from the statutory timescales
//! and clear, one-line refusals of bad input.

use crate::common::{Sandbox, one_error_line};

#[test]
fn fifteen_working_days_from_16_december_2024_is_9_january_2025() {
    let sandbox = Sandbox::new();
    let out = sandbox.ok(&["calendar", "add", "2024-12-16", "15"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "2025-01-09");
    assert_eq!(lines[1], "Thursday 9 January 2025");
    assert!(lines[2].contains("Christmas Day"), "{out}");
    assert!(lines[2].contains("Boxing Day"), "{out}");
}

#[test]
fn five_working_days_over_a_bank_holiday_weekend() {
    let sandbox = Sandbox::new();
    // Good Friday 18 and Easter Monday 21 April 2025 are skipped.
    let out = sandbox.ok(&["calendar", "add", "2025-04-17", "5"]);
    assert_eq!(out.lines().next(), Some("2025-04-28"), "{out}");
}

#[test]
fn between_counts_working_days() {
    let sandbox = Sandbox::new();
    let out = sandbox.ok(&["calendar", "between", "2024-12-16", "2025-01-09"]);
    assert_eq!(out.lines().next(), Some("15"), "{out}");
    let out = sandbox.ok(&["calendar", "between", "2025-01-09", "2024-12-16"]);
    assert_eq!(out.lines().next(), Some("-15"), "{out}");
}

#[test]
fn closure_days_from_settings_are_skipped() {
    let mut sandbox = Sandbox::new();
    sandbox.set("CSPR_CLOSURE_DAYS", "[2024-12-27, 2024-12-30, 2024-12-31]");
    let out = sandbox.ok(&["calendar", "add", "2024-12-16", "15"]);
    assert_eq!(out.lines().next(), Some("2025-01-14"), "{out}");
    assert!(out.contains("3 closure days skipped"), "{out}");
}

#[test]
fn bad_dates_get_one_clear_line_and_exit_2() {
    let sandbox = Sandbox::new();
    for bad in ["2024-13-01", "16/12/2024", "2025-02-29", "tomorrow", ""] {
        let output = sandbox.run(&["calendar", "add", bad, "15"]);
        let line = one_error_line(&output, 2);
        assert!(
            line.contains("date") || line.contains("YYYY-MM-DD"),
            "{line}"
        );
        assert!(output.stdout.is_empty());
    }
    let output = sandbox.run(&["calendar", "between", "2024-12-16", "2025-1-9"]);
    let line = one_error_line(&output, 2);
    assert!(line.contains("YYYY-MM-DD"), "{line}");
}

#[test]
fn a_bad_count_gets_one_clear_line() {
    let sandbox = Sandbox::new();
    for bad in ["-1", "fifteen", "1.5"] {
        let output = sandbox.run(&["calendar", "add", "2024-12-16", bad]);
        let line = one_error_line(&output, 2);
        assert!(line.contains("working days"), "{line}");
    }
}

#[test]
fn the_calendar_touches_no_data() {
    let sandbox = Sandbox::new();
    sandbox.ok(&["calendar", "add", "2024-12-16", "15"]);
    assert!(!sandbox.data_dir().exists());
}
