//! The yearly figures against a fixture of six cases run through decide and apply, with every
//! expected figure worked out by hand below.
//!
//! # The fixture (dates 2025 unless said)
//!
//! | case | route | notified | RR meeting | RR due (15 wd) | RR sent | decision | commissioned | report sent | published | actions |
//! |---|---|---|---|---|---|---|---|---|---|---|
//! | A | local review script, whole | 4 Mar | 19 Mar | 25 Mar | 24 Mar (on time) | 19 Mar local review | 15 Apr | 16 Jul | 28 Jul | A1, A2 due 30 Sep, completed 15 and 16 Sep |
//! | B | scoping script, whole | - | - | - | - | 10 Apr other learning | - | - | - | B1 due 30 Jun, completed 20 Jun |
//! | C | no further action script | - | - | - | - | (triaged to no further action 5 Mar) | - | - | - | - |
//! | D | local review script +91 days to the rapid review sent 26 Jun (late), decision no further action | 3 Jun | 18 Jun | 24 Jun | 26 Jun (late) | 18 Jun no further action | - | - | - | - |
//! | E | local review script +364 days, up to (not incl.) the decision | 3 Mar 2026 | 18 Mar 2026 | 24 Mar 2026 | not sent | - | - | - | - | - |
//! | F | local review script +14 days, then +91 days from the report sent, up to the first progress | 18 Mar | 2 Apr | 8 Apr | 7 Apr (on time) | 2 Apr local review | 29 Apr | 15 Oct | 27 Oct | F1, F2 due 30 Dec; F1 progress 14 Nov |
//!
//! Rapid review deadlines, 15 working days after the notification (day 0):
//! - A: after Tue 4 Mar: 5-7 (3), 10-14 (8), 17-21 (13), 24 (14), 25 (15): Tue 25 Mar.
//! - D: after Tue 3 Jun: 4-6 (3), 9-13 (8), 16-20 (13), 23 (14), 24 (15): Tue 24 Jun.
//! - E: after Tue 3 Mar 2026: the same pattern: Tue 24 Mar 2026.
//! - F: after Tue 18 Mar: 19-21 (3), 24-28 (8), 31 Mar-4 Apr (13), 7 (14), 8 (15): Tue 8 Apr
//!   (Easter 2025 is 18 and 21 April, after it).
//!
//! Local reviews, decision to report sent (calendar days):
//! - A: 19 Mar to 16 Jul = 12 (rest of March) + 30 + 31 + 30 + 16 = 119 days. Six months
//!   from 19 Mar is 19 Sep: within. Extended deadline: 19 Sep + 32 days of inquest (1 May to
//!   2 Jun) = Tue 21 Oct: met.
//! - F: 2 Apr to 15 Oct = 28 (rest of April) + 31 + 30 + 31 + 31 + 30 + 15 = 196 days. Six
//!   months from 2 Apr is 2 Oct: not within. Extended: 2 Oct + 32 days of inquest (15 May to
//!   16 Jun) = Mon 3 Nov: met.
//! - Median of 119 and 196: (119 + 196) / 2 = 157.5.
//!
//! Learning themes (by rapid review meeting date): A "information sharing" (19 Mar); D
//! "Information sharing" and "domestic abuse" (18 Jun); E "Domestic abuse" (18 Mar 2026); F
//! "information sharing" (2 Apr). Themes are trimmed and lower-cased before counting.

use crate::common::*;
use cspr_domain::actions::ActionRules;
use cspr_domain::case::{Case, Command};
use cspr_domain::deadlines::deadlines;
use cspr_domain::figures::{
    ActionFigures, DecisionFigures, Period, Share, ThemeCount, YearlyFigures,
};
use time::macros::{date, format_description};
use time::{Date, Duration};

/// Every date in a command, moved by `days`: through its JSON form, where dates are
/// "YYYY-MM-DD" strings.
fn shift_command(cmd: &Command, days: i64) -> Command {
    fn walk(v: &mut serde_json::Value, days: i64) {
        match v {
            serde_json::Value::String(s) => {
                if let Ok(d) = Date::parse(s, format_description!("[year]-[month]-[day]")) {
                    *s = (d + Duration::days(days)).to_string();
                }
            }
            serde_json::Value::Array(xs) => xs.iter_mut().for_each(|x| walk(x, days)),
            serde_json::Value::Object(m) => m.values_mut().for_each(|x| walk(x, days)),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(cmd).expect("a command serialises");
    walk(&mut v, days);
    serde_json::from_value(v).expect("a shifted command deserialises")
}

fn shift(script: &[(Date, Command)], days: i64) -> Vec<(Date, Command)> {
    script
        .iter()
        .map(|(d, c)| (*d + Duration::days(days), shift_command(c, days)))
        .collect()
}

/// The script up to and including the first step for which `stop` is true.
fn through(script: Vec<(Date, Command)>, stop: impl Fn(&Command) -> bool) -> Vec<(Date, Command)> {
    let n = script
        .iter()
        .position(|(_, c)| stop(c))
        .expect("the script has the step");
    script.into_iter().take(n + 1).collect()
}

fn with_themes(script: &mut [(Date, Command)], new: &[&str]) {
    for (_, c) in script.iter_mut() {
        if let Command::RecordRapidReviewLearning { themes, .. } = c {
            *themes = new.iter().map(|t| (*t).to_owned()).collect();
        }
    }
}

fn fixture(world: &World) -> Vec<Case> {
    let a = local_review_script();
    let b = scoping_script();
    let c = no_further_action_script();

    let mut d = through(shift(&local_review_script(), 91), |c| {
        matches!(c, Command::SubmitRapidReview { .. })
    });
    with_themes(&mut d, &["Information sharing", " domestic abuse "]);
    for (today, c) in &mut d {
        match c {
            Command::DecideOnLocalReview { outcome, .. } => {
                *outcome = ReviewOutcome::NoFurtherAction;
            }
            Command::SubmitRapidReview { submitted_on } => {
                *today = date!(2025 - 06 - 26);
                *submitted_on = date!(2025 - 06 - 26);
            }
            _ => {}
        }
    }

    let mut e: Vec<(Date, Command)> = shift(&local_review_script(), 364)
        .into_iter()
        .take_while(|(_, c)| !matches!(c, Command::DecideOnLocalReview { .. }))
        .collect();
    with_themes(&mut e, &["Domestic abuse"]);

    let full = local_review_script();
    let sent = full
        .iter()
        .position(|(_, c)| matches!(c, Command::SendReport { .. }))
        .expect("the script sends the report");
    let mut f = shift(&full[..sent], 14);
    f.extend(shift(&full[sent..], 91));
    let f = through(f, |c| matches!(c, Command::RecordActionProgress { .. }));

    [a, b, c, d, e, f]
        .iter()
        .map(|script| run(world, script).0)
        .collect()
}

fn figures(from: Date, to: Date) -> YearlyFigures {
    let world = World::default();
    let cases = fixture(&world);
    YearlyFigures::compute(
        &cases,
        Period::new(from, to).expect("a valid period"),
        &world.calendar,
        &world.settings,
        &ActionRules::default(),
    )
}

fn theme(t: &str, cases: u32) -> ThemeCount {
    ThemeCount {
        theme: t.to_owned(),
        cases,
    }
}

#[test]
fn the_fixture_is_what_the_comments_say() {
    let world = World::default();
    let cases = fixture(&world);
    let [a, b, c, d, e, f] = &cases[..] else {
        panic!("six cases")
    };
    assert_eq!(a.notified_on, Some(date!(2025 - 03 - 04)));
    assert_eq!(a.commissioned_on, Some(date!(2025 - 04 - 15)));
    assert_eq!(a.report_sent_on, Some(date!(2025 - 07 - 16)));
    assert_eq!(
        b.decision.as_ref().map(|x| x.3),
        Some(date!(2025 - 04 - 10))
    );
    assert_eq!(c.triage.as_ref().map(|x| x.2), Some(date!(2025 - 03 - 05)));
    assert_eq!(d.notified_on, Some(date!(2025 - 06 - 03)));
    assert_eq!(d.rapid_review_submitted_on, Some(date!(2025 - 06 - 26)));
    assert_eq!(d.outcome(), Some(&ReviewOutcome::NoFurtherAction));
    assert_eq!(e.notified_on, Some(date!(2026 - 03 - 03)));
    assert_eq!(
        e.rapid_review_meeting.as_ref().map(|m| m.0),
        Some(date!(2026 - 03 - 18))
    );
    assert_eq!(e.rapid_review_submitted_on, None);
    assert_eq!(f.notified_on, Some(date!(2025 - 03 - 18)));
    assert_eq!(
        f.decision.as_ref().map(|x| x.3),
        Some(date!(2025 - 04 - 02))
    );
    assert_eq!(f.rapid_review_submitted_on, Some(date!(2025 - 04 - 07)));
    assert_eq!(f.commissioned_on, Some(date!(2025 - 04 - 29)));
    assert_eq!(f.report_sent_on, Some(date!(2025 - 10 - 15)));
    assert_eq!(f.published_on, Some(date!(2025 - 10 - 27)));
    // The deadlines the comments work out by hand.
    let due = |case: &Case, key: &str| {
        deadlines(
            case,
            &world.calendar,
            &world.settings,
            date!(2026 - 03 - 31),
        )
        .into_iter()
        .find(|x| x.key == key)
        .map(|x| x.due)
    };
    assert_eq!(due(a, "rapid-review"), Some(date!(2025 - 03 - 25)));
    assert_eq!(due(d, "rapid-review"), Some(date!(2025 - 06 - 24)));
    assert_eq!(due(e, "rapid-review"), Some(date!(2026 - 03 - 24)));
    assert_eq!(due(f, "rapid-review"), Some(date!(2025 - 04 - 08)));
    assert_eq!(due(a, "local-review"), Some(date!(2025 - 10 - 21)));
    assert_eq!(due(f, "local-review"), Some(date!(2025 - 11 - 03)));
    let f_actions: Vec<_> = f
        .actions
        .values()
        .map(|x| (x.action.due_on, x.progress.len(), x.completed.is_some()))
        .collect();
    assert_eq!(
        f_actions,
        vec![
            (date!(2025 - 12 - 30), 1, false),
            (date!(2025 - 12 - 30), 0, false)
        ]
    );
}

/// The financial year 1 April 2025 to 31 March 2026.
#[test]
fn financial_year() {
    let got = figures(date!(2025 - 04 - 01), date!(2026 - 03 - 31));
    // Notified in the year: D (3 Jun), E (3 Mar 2026). Not A (4 Mar) or F (18 Mar): before it.
    assert_eq!(got.notifications, 2);
    // Meetings: D (18 Jun), E (18 Mar 2026), F (2 Apr). Not A (19 Mar).
    assert_eq!(got.rapid_review_meetings_held, 3);
    // Sent: D (26 Jun, 2 working days after 24 Jun: late), F (7 Apr, by 8 Apr: on time).
    // A was sent on 24 Mar, before the year. 1 of 2 = 50.0%.
    assert_eq!(got.rapid_reviews_submitted, 2);
    assert_eq!(got.rapid_reviews_on_time, Share::new(1, 2));
    assert_eq!(got.rapid_reviews_on_time.percent, Some(50.0));
    // E was due 24 Mar 2026 and not sent by 31 Mar 2026.
    assert_eq!(got.rapid_reviews_overdue_at_end, 1);
    // C was triaged on 5 Mar 2025, before the year.
    assert_eq!(got.closed_at_triage, 0);
    // B 10 Apr other learning, D 18 Jun no further action, F 2 Apr local review; A (19 Mar)
    // is before the year and E has no decision.
    assert_eq!(
        got.decisions,
        DecisionFigures {
            total: 3,
            local_review: 1,
            other_learning: 1,
            no_further_action: 1,
        }
    );
    // Commissioned: A 15 Apr, F 29 Apr. Reports sent: A 16 Jul, F 15 Oct.
    assert_eq!(got.local_reviews_started, 2);
    assert_eq!(got.local_reviews_completed, 2);
    assert_eq!(got.median_days_to_complete, Some(157.5));
    // Within six months: A only. Within the extended deadline: both.
    assert_eq!(got.local_review_months, 6);
    assert_eq!(got.completed_within_months, Share::new(1, 2));
    assert_eq!(got.completed_within_extended_timescale, Share::new(2, 2));
    assert_eq!(got.completed_within_extended_timescale.percent, Some(100.0));
    // Published: A 28 Jul, F 27 Oct.
    assert_eq!(got.reports_published, 2);
    // At 31 Mar 2026: A1, A2 and B1 completed with evidence of impact; F1 and F2 past their
    // due date of 30 Dec 2025.
    assert_eq!(
        got.actions,
        ActionFigures {
            total: 5,
            open: 2,
            not_started: 0,
            on_track: 0,
            at_risk: 0,
            overdue: 2,
            completed: 3,
            impact_evidenced: 3,
        }
    );
    // D: information sharing, domestic abuse; E: domestic abuse; F: information sharing.
    // Two each; ties in alphabetical order.
    assert_eq!(
        got.themes,
        vec![theme("domestic abuse", 2), theme("information sharing", 2)]
    );
}

/// The calendar year 2025, with the CSV rows in full.
#[test]
fn calendar_year_and_csv() {
    let got = figures(date!(2025 - 01 - 01), date!(2025 - 12 - 31));
    // Notified: A, D, F (E is in 2026). Meetings: A, D, F. Sent: A (on time), D (late),
    // F (on time): 2 of 3 = 66.666...% = 66.7%.
    assert_eq!(got.notifications, 3);
    assert_eq!(got.rapid_review_meetings_held, 3);
    assert_eq!(got.rapid_reviews_on_time, Share::new(2, 3));
    // E was notified after the period ended: not overdue in it.
    assert_eq!(got.rapid_reviews_overdue_at_end, 0);
    // C, triaged 5 Mar.
    assert_eq!(got.closed_at_triage, 1);
    // A and F local review, B other learning, D no further action.
    assert_eq!(
        got.decisions,
        DecisionFigures {
            total: 4,
            local_review: 2,
            other_learning: 1,
            no_further_action: 1,
        }
    );
    // At 31 Dec 2025 F1 and F2 are one working day past 30 Dec: overdue.
    assert_eq!(got.actions.overdue, 2);
    // A, D and F raise information sharing; D alone domestic abuse.
    assert_eq!(
        got.themes,
        vec![theme("information sharing", 3), theme("domestic abuse", 1)]
    );
    let want: Vec<(String, String)> = [
        ("Period from", "2025-01-01"),
        ("Period to", "2025-12-31"),
        ("Notifications to the National Panel", "3"),
        ("Rapid review meetings held", "3"),
        ("Rapid reviews sent to the National Panel", "3"),
        ("Rapid reviews sent within 15 working days", "2"),
        ("Rapid reviews sent within 15 working days (%)", "66.7"),
        ("Rapid reviews overdue at the end of the period", "0"),
        ("Referrals closed at triage (no further action)", "1"),
        ("Decisions on a local review", "4"),
        ("Decisions: local review", "2"),
        ("Decisions: other learning", "1"),
        ("Decisions: no further action", "1"),
        ("Local reviews started", "2"),
        ("Local reviews completed (report sent)", "2"),
        ("Median days from decision to report sent", "157.5"),
        (
            "Local reviews completed within 6 months of the decision",
            "1",
        ),
        (
            "Local reviews completed within 6 months of the decision (%)",
            "50.0",
        ),
        (
            "Local reviews completed within the timescale allowing for clock stops",
            "2",
        ),
        (
            "Local reviews completed within the timescale allowing for clock stops (%)",
            "100.0",
        ),
        ("Reports published", "2"),
        ("Actions", "5"),
        ("Actions open", "2"),
        ("Actions not started", "0"),
        ("Actions on track", "0"),
        ("Actions at risk", "0"),
        ("Actions overdue", "2"),
        ("Actions completed", "3"),
        ("Actions with impact evidenced", "3"),
        // D's rapid review, due 24 Jun and sent 26 Jun, is the one missed deadline due in
        // 2025; no reason is recorded for it (issue 15).
        ("Late notifications to the National Panel", "0"),
        (
            "Late notifications to the National Panel with a reason",
            "0",
        ),
        ("Late rapid reviews", "1"),
        ("Late rapid reviews with a reason", "0"),
        ("Late local reviews", "0"),
        ("Late local reviews with a reason", "0"),
        ("Theme: information sharing", "3"),
        ("Theme: domestic abuse", "1"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    assert_eq!(got.to_csv_rows(), want);
}

/// The first quarter of 2025: before any local review started, and the limits of actions
/// having no recorded date of agreement.
#[test]
fn first_quarter_of_2025() {
    let got = figures(date!(2025 - 01 - 01), date!(2025 - 03 - 31));
    // A (4 Mar) and F (18 Mar).
    assert_eq!(got.notifications, 2);
    // A on 19 Mar; F's meeting is on 2 Apr.
    assert_eq!(got.rapid_review_meetings_held, 1);
    // A on 24 Mar, on time.
    assert_eq!(got.rapid_reviews_on_time, Share::new(1, 1));
    // F: not sent by 31 Mar, but not due until 8 Apr.
    assert_eq!(got.rapid_reviews_overdue_at_end, 0);
    assert_eq!(got.closed_at_triage, 1);
    // A on 19 Mar.
    assert_eq!(got.decisions.total, 1);
    assert_eq!(got.decisions.local_review, 1);
    assert_eq!(got.local_reviews_started, 0);
    assert_eq!(got.local_reviews_completed, 0);
    assert_eq!(got.median_days_to_complete, None);
    assert_eq!(got.completed_within_months, Share::new(0, 0));
    assert_eq!(got.completed_within_months.percent, None);
    assert_eq!(got.reports_published, 0);
    // Every action counts (the state holds no date of agreement), but none had progress or
    // completion by 31 Mar and all were due more than 10 working days later: not started.
    assert_eq!(
        got.actions,
        ActionFigures {
            total: 5,
            open: 5,
            not_started: 5,
            ..ActionFigures::default()
        }
    );
    assert_eq!(got.themes, vec![theme("information sharing", 1)]);
}

#[test]
fn boundary_days_are_included() {
    // A's report was sent on 16 Jul: the one-day period holds it.
    let day = figures(date!(2025 - 07 - 16), date!(2025 - 07 - 16));
    assert_eq!(day.local_reviews_completed, 1);
    assert_eq!(day.median_days_to_complete, Some(119.0));
    assert_eq!(day.completed_within_months, Share::new(1, 1));
    // From the next day to the day before F's report: neither.
    let between = figures(date!(2025 - 07 - 17), date!(2025 - 10 - 14));
    assert_eq!(between.local_reviews_completed, 0);
    assert_eq!(between.median_days_to_complete, None);
    // F's report alone: 196 days, outside six months, inside the extended deadline.
    let f = figures(date!(2025 - 10 - 15), date!(2025 - 10 - 15));
    assert_eq!(f.local_reviews_completed, 1);
    assert_eq!(f.median_days_to_complete, Some(196.0));
    assert_eq!(f.completed_within_months, Share::new(0, 1));
    assert_eq!(f.completed_within_months.percent, Some(0.0));
    assert_eq!(f.completed_within_extended_timescale, Share::new(1, 1));
}

/// One figure for one period: from, to, which figure, expected.
type Probe = (Date, Date, fn(&YearlyFigures) -> u32, u32);

#[test]
fn periods_either_side_of_a_date() {
    let started: fn(&YearlyFigures) -> u32 = |f| f.local_reviews_started;
    let notified: fn(&YearlyFigures) -> u32 = |f| f.notifications;
    let overdue: fn(&YearlyFigures) -> u32 = |f| f.rapid_reviews_overdue_at_end;
    #[rustfmt::skip]
    let probes: [Probe; 11] = [
        // Commissioned 15 Apr (A) and 29 Apr (F): both ends count, the days between hold none.
        (date!(2025 - 04 - 15), date!(2025 - 04 - 29), started, 2),
        (date!(2025 - 04 - 16), date!(2025 - 04 - 28), started, 0),
        (date!(2025 - 04 - 29), date!(2025 - 04 - 29), started, 1),
        // D notified on 3 Jun; the day before and the days after hold nothing.
        (date!(2025 - 06 - 03), date!(2025 - 06 - 03), notified, 1),
        (date!(2025 - 06 - 02), date!(2025 - 06 - 02), notified, 0),
        (date!(2025 - 06 - 04), date!(2025 - 06 - 30), notified, 0),
        // E is due Tue 24 Mar 2026: on that day not yet overdue, the day after it is.
        (date!(2026 - 03 - 01), date!(2026 - 03 - 24), overdue, 0),
        (date!(2026 - 03 - 01), date!(2026 - 03 - 25), overdue, 1),
        // D, due 24 Jun 2025 and sent 26 Jun: overdue at 25 Jun, not at 26 Jun.
        (date!(2025 - 06 - 01), date!(2025 - 06 - 24), overdue, 0),
        (date!(2025 - 06 - 01), date!(2025 - 06 - 25), overdue, 1),
        (date!(2025 - 06 - 01), date!(2025 - 06 - 26), overdue, 0),
    ];
    for (i, (from, to, figure, want)) in probes.into_iter().enumerate() {
        assert_eq!(
            figure(&figures(from, to)),
            want,
            "probe {i}: {from} to {to}"
        );
    }
}

#[test]
fn actions_part_way_through_the_plan() {
    // 20 Nov 2025: F1 had progress on 14 Nov (6 days ago) and is due 30 Dec, (20 Nov, 30 Dec]
    // holding 26 working days: on track. F2 has no progress and is not due soon: not started.
    let nov = figures(date!(2025 - 11 - 01), date!(2025 - 11 - 20));
    assert_eq!(
        nov.actions,
        ActionFigures {
            total: 5,
            open: 2,
            not_started: 1,
            on_track: 1,
            completed: 3,
            impact_evidenced: 3,
            ..ActionFigures::default()
        }
    );
    // 15 Dec 2025: (15 Dec, 30 Dec] holds 16-19, 22-24, 29-30 = 9 working days (Christmas
    // and Boxing Day are bank holidays): due soon. F1's progress is 31 days old, F2 has none:
    // both at risk.
    let dec = figures(date!(2025 - 12 - 01), date!(2025 - 12 - 15));
    assert_eq!(dec.actions.at_risk, 2);
    assert_eq!(dec.actions.open, 2);
}

#[test]
fn shares_round_half_up_to_one_decimal() {
    assert_eq!(Share::new(2, 3).percent, Some(66.7));
    assert_eq!(Share::new(1, 6).percent, Some(16.7));
    assert_eq!(Share::new(1, 8).percent, Some(12.5));
    assert_eq!(Share::new(1, 3).percent, Some(33.3));
    assert_eq!(Share::new(0, 0).percent, None);
}

#[test]
fn a_period_cannot_end_before_it_starts() {
    let err = Period::new(date!(2025 - 04 - 01), date!(2025 - 03 - 31)).expect_err("refused");
    assert_eq!(
        err.to_string(),
        "The end of the period (31 March 2025) must be on or after its start (1 April 2025)."
    );
    assert!(Period::new(date!(2025 - 04 - 01), date!(2025 - 04 - 01)).is_ok());
}

#[test]
fn figures_serialise_to_json() {
    let got = figures(date!(2025 - 04 - 01), date!(2026 - 03 - 31));
    let v = serde_json::to_value(&got).expect("serialises");
    assert_eq!(v["period"]["from"], "2025-04-01");
    assert_eq!(v["notifications"], 2);
    assert_eq!(v["rapid_reviews_on_time"]["count"], 1);
    assert_eq!(v["rapid_reviews_on_time"]["of"], 2);
    assert_eq!(v["rapid_reviews_on_time"]["percent"], 50.0);
    assert_eq!(v["median_days_to_complete"], 157.5);
    assert_eq!(v["actions"]["overdue"], 2);
    assert_eq!(v["themes"][0]["theme"], "domestic abuse");
}

#[test]
fn no_cases_no_figures() {
    let world = World::default();
    let got = YearlyFigures::compute(
        &[],
        Period::new(date!(2025 - 04 - 01), date!(2026 - 03 - 31)).expect("valid"),
        &world.calendar,
        &world.settings,
        &ActionRules::default(),
    );
    assert_eq!(got.notifications, 0);
    assert_eq!(got.rapid_reviews_on_time.percent, None);
    assert_eq!(got.median_days_to_complete, None);
    assert!(got.themes.is_empty());
    let rows = got.to_csv_rows();
    assert!(
        rows.iter()
            .any(|(k, v)| k == "Median days from decision to report sent" && v.is_empty())
    );
}

#[test]
fn reporting_years_run_from_april_to_march() {
    let p = Period::reporting_year(date!(2025 - 09 - 01));
    assert_eq!(
        (p.from, p.to),
        (date!(2025 - 04 - 01), date!(2026 - 03 - 31))
    );
    let p = Period::reporting_year(date!(2025 - 03 - 31));
    assert_eq!(
        (p.from, p.to),
        (date!(2024 - 04 - 01), date!(2025 - 03 - 31))
    );
    let p = Period::reporting_year(date!(2025 - 04 - 01));
    assert_eq!(
        (p.from, p.to),
        (date!(2025 - 04 - 01), date!(2026 - 03 - 31))
    );
    assert_eq!(p.words(), "2025 to 2026");
    let odd = Period::new(date!(2025 - 04 - 02), date!(2026 - 03 - 31)).expect("period");
    assert_eq!(odd.words(), "2 April 2025 to 31 March 2026");
    let three: Vec<String> = Period::reporting_years_to(date!(2026 - 12 - 07), 3)
        .into_iter()
        .map(Period::words)
        .collect();
    assert_eq!(three, ["2024 to 2025", "2025 to 2026", "2026 to 2027"]);
}
