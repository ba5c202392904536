//! The figures as the page shows them, with their bar charts: the geometry is worked out here,
//! the SVG markup is written by the template (escaped).

use cspr_domain::actions::ActionStatus;
use cspr_domain::figures::{Share, YearlyFigures};
use cspr_domain::words::long_date;

/// Width of the drawing, in SVG units.
pub(super) const CHART_WIDTH: u32 = 600;
/// The longest bar; the rest of the width holds the number after it.
pub(super) const BAR_MAX: u32 = 480;
/// One row: its words, then its bar with the number after it.
const ROW_HEIGHT: u32 = 62;

/// One bar of a horizontal bar chart.
pub(super) struct Bar {
    pub(super) label: String,
    pub(super) value: u32,
    /// Baseline of the label.
    pub(super) label_y: u32,
    /// Top of the bar.
    pub(super) bar_y: u32,
    /// Length of the bar.
    pub(super) width: u32,
    /// Where the number starts.
    pub(super) value_x: u32,
    /// Baseline of the number.
    pub(super) value_y: u32,
}

/// A horizontal bar chart, drawn with its words and numbers.
pub(super) struct Chart {
    /// Unique in the page: ids of its title and description.
    pub(super) id: &'static str,
    pub(super) title: String,
    /// The figures in words, for the text alternative.
    pub(super) desc: String,
    pub(super) height: u32,
    pub(super) bars: Vec<Bar>,
    /// After each number: "%" for percentages.
    pub(super) suffix: &'static str,
}

impl Chart {
    /// The chart of `rows`; none when every number is 0 (the table says so as well).
    fn new(id: &'static str, title: &str, rows: &[(String, u32)]) -> Option<Self> {
        let max = rows.iter().map(|r| r.1).max().unwrap_or(0);
        Self::scaled(id, title, rows, max, "")
    }

    /// A chart of percentages: each bar's length out of 100; none when every one is 0.
    fn percentages(id: &'static str, title: &str, rows: &[(String, u32)]) -> Option<Self> {
        Self::scaled(id, title, rows, 100, "%")
    }

    fn scaled(
        id: &'static str,
        title: &str,
        rows: &[(String, u32)],
        max: u32,
        suffix: &'static str,
    ) -> Option<Self> {
        if rows.iter().all(|r| r.1 == 0) {
            return None;
        }
        let bars = rows
            .iter()
            .zip(0u32..)
            .map(|((label, value), i)| {
                let top = i * ROW_HEIGHT;
                let width = (*value).min(max) * BAR_MAX / max;
                Bar {
                    label: label.clone(),
                    value: *value,
                    label_y: top + 20,
                    bar_y: top + 28,
                    width,
                    value_x: width + 8,
                    value_y: top + 47,
                }
            })
            .collect();
        let desc = rows
            .iter()
            .map(|(label, value)| format!("{label}: {value}{suffix}"))
            .collect::<Vec<_>>()
            .join("; ");
        Some(Self {
            id,
            title: title.to_owned(),
            desc: format!("{desc}."),
            height: u32::try_from(rows.len())
                .unwrap_or(0)
                .saturating_mul(ROW_HEIGHT)
                + 8,
            bars,
            suffix,
        })
    }
}

/// A share drawn as one bar filled to its percentage, with the words and numbers above it.
pub(super) struct ShareBar {
    pub(super) id: &'static str,
    /// "1 of 2 (50.0%)" in a sentence.
    pub(super) text: String,
    /// "50.0%".
    pub(super) percent: String,
    /// The filled length.
    pub(super) filled: u32,
}

impl ShareBar {
    fn new(id: &'static str, what: &str, share: Share) -> Option<Self> {
        let percent = share.percent?;
        let text = format!("{what}: {} of {} ({percent:.1}%)", share.count, share.of);
        let filled = share.count.min(share.of) * BAR_MAX / share.of.max(1);
        Some(Self {
            id,
            text,
            percent: format!("{percent:.1}%"),
            filled,
        })
    }
}

/// One (figure, value) row of a summary list.
fn row(key: &str, value: impl ToString) -> (String, String) {
    (key.to_owned(), value.to_string())
}

/// "1 of 2 (50.0%)", or words for nothing to count.
fn share_words(share: Share, none: &str) -> String {
    share.percent.map_or_else(
        || none.to_owned(),
        |p| format!("{} of {} ({p:.1}%)", share.count, share.of),
    )
}

/// The figures as the page shows them.
pub(super) struct View {
    pub(super) period_words: String,
    pub(super) csv_href: String,
    pub(super) counted: usize,
    pub(super) all: usize,
    pub(super) rapid: Vec<(String, String)>,
    pub(super) rapid_share: Option<ShareBar>,
    pub(super) decisions: Vec<(String, u32)>,
    pub(super) decisions_summary: Vec<(String, String)>,
    pub(super) decisions_chart: Option<Chart>,
    pub(super) local: Vec<(String, String)>,
    pub(super) months_share: Option<ShareBar>,
    pub(super) extended_share: Option<ShareBar>,
    pub(super) actions: Vec<(String, u32)>,
    pub(super) actions_summary: Vec<(String, String)>,
    pub(super) actions_chart: Option<Chart>,
    pub(super) themes: Vec<(String, u32)>,
    pub(super) themes_chart: Option<Chart>,
    /// Deadlines missed in the period and why.
    pub(super) lateness: Vec<Late>,
    /// Year on year: the reporting years compared, oldest first.
    pub(super) trend: Vec<TrendRow>,
    /// Timeliness year on year, as charts.
    pub(super) trend_charts: Vec<Chart>,
}

/// One reporting year of the year-on-year table.
pub(super) struct TrendRow {
    pub(super) year: String,
    pub(super) notifications: u32,
    pub(super) rapid_on_time: String,
    pub(super) completed: u32,
    pub(super) within_months: String,
    pub(super) published: u32,
}

/// A share's rounded percentage for a chart, with its words: "2024 to 2025: 4 of 5".
fn trend_bar(year: &str, share: Share, none: &str) -> (String, u32) {
    share.percent.map_or_else(
        || (format!("{year}: {none}"), 0),
        |p| {
            let whole = format!("{p:.0}").parse().unwrap_or(0);
            (format!("{year}: {} of {}", share.count, share.of), whole)
        },
    )
}

fn trend(years: &[YearlyFigures], rr_days: u32, months: u8) -> (Vec<TrendRow>, Vec<Chart>) {
    let rows = years
        .iter()
        .map(|f| TrendRow {
            year: f.period.words(),
            notifications: f.notifications,
            rapid_on_time: share_words(f.rapid_reviews_on_time, "None sent"),
            completed: f.local_reviews_completed,
            within_months: share_words(f.completed_within_months, "None completed"),
            published: f.reports_published,
        })
        .collect();
    let on_time: Vec<(String, u32)> = years
        .iter()
        .map(|f| trend_bar(&f.period.words(), f.rapid_reviews_on_time, "none sent"))
        .collect();
    let within: Vec<(String, u32)> = years
        .iter()
        .map(|f| {
            trend_bar(
                &f.period.words(),
                f.completed_within_months,
                "none completed",
            )
        })
        .collect();
    let notified: Vec<(String, u32)> = years
        .iter()
        .map(|f| (f.period.words(), f.notifications))
        .collect();
    let charts = [
        Chart::percentages(
            "chart-trend-rapid",
            &format!("Rapid reviews sent within {rr_days} working days, by reporting year"),
            &on_time,
        ),
        Chart::percentages(
            "chart-trend-local",
            &format!("Local reviews completed within {months} months, by reporting year"),
            &within,
        ),
        Chart::new(
            "chart-trend-notified",
            "Serious incidents notified to the National Panel, by reporting year",
            &notified,
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    (rows, charts)
}

/// One kind of deadline missed in the period, and the reasons recorded.
pub(super) struct Late {
    pub(super) what: String,
    pub(super) late: u32,
    pub(super) explained: u32,
    /// (case reference, reason).
    pub(super) reasons: Vec<(String, String)>,
}

impl View {
    pub(super) fn new(
        f: &YearlyFigures,
        years: &[YearlyFigures],
        counted: usize,
        all: usize,
    ) -> Self {
        let (from, to) = (f.period.from, f.period.to);
        let (trend, trend_charts) =
            trend(years, f.rapid_review_working_days, f.local_review_months);
        let rr_days = f.rapid_review_working_days;
        let rapid = vec![
            row(
                "Serious incidents notified to the National Panel",
                f.notifications,
            ),
            row("Rapid review meetings held", f.rapid_review_meetings_held),
            row(
                "Rapid reviews sent to the National Panel",
                f.rapid_reviews_submitted,
            ),
            row(
                &format!("Sent within {rr_days} working days of the notification"),
                share_words(f.rapid_reviews_on_time, "None sent in the period"),
            ),
            row(
                "Rapid reviews overdue at the end of the period",
                f.rapid_reviews_overdue_at_end,
            ),
        ];
        let d = &f.decisions;
        let decisions = vec![
            ("Local review".to_owned(), d.local_review),
            ("Other learning".to_owned(), d.other_learning),
            ("No further action".to_owned(), d.no_further_action),
        ];
        let months = f.local_review_months;
        let median = f.median_days_to_complete.map_or_else(
            || "None completed in the period".to_owned(),
            |m| {
                if m.fract() == 0.0 {
                    format!("{m:.0} days")
                } else {
                    format!("{m:.1} days")
                }
            },
        );
        let local = vec![
            row(
                "Local reviews started (commissioning completed)",
                f.local_reviews_started,
            ),
            row(
                "Local reviews completed (final report sent)",
                f.local_reviews_completed,
            ),
            row("Median time from decision to report sent", median),
            row(
                &format!("Completed within {months} months of the decision"),
                share_words(f.completed_within_months, "None completed in the period"),
            ),
            row(
                "Completed within the timescale, allowing for clock stops",
                share_words(
                    f.completed_within_extended_timescale,
                    "None completed in the period",
                ),
            ),
            row("Reports published", f.reports_published),
        ];
        let a = &f.actions;
        let actions: Vec<(String, u32)> = ActionStatus::ALL
            .into_iter()
            .map(|s| {
                let n = match s {
                    ActionStatus::NotStarted => a.not_started,
                    ActionStatus::OnTrack => a.on_track,
                    ActionStatus::AtRisk => a.at_risk,
                    ActionStatus::Overdue => a.overdue,
                    ActionStatus::Completed => a.completed.saturating_sub(a.impact_evidenced),
                    ActionStatus::ImpactEvidenced => a.impact_evidenced,
                };
                (s.label().to_owned(), n)
            })
            .collect();
        let actions_summary = vec![
            row("Actions in all", a.total),
            row("Open", a.open),
            row("Overdue", a.overdue),
            row(
                "Completed (with or without evidence of impact)",
                a.completed,
            ),
            row("Completed with evidence of impact", a.impact_evidenced),
        ];
        let themes: Vec<(String, u32)> = f
            .themes
            .iter()
            .map(|t| (t.theme.clone(), t.cases))
            .collect();
        Self {
            trend,
            trend_charts,
            period_words: format!("{} to {}", long_date(from), long_date(to)),
            csv_href: format!("/figures.csv?from={from}&to={to}"),
            counted,
            all,
            rapid_share: ShareBar::new(
                "chart-rapid-reviews",
                &format!("Rapid reviews sent within {rr_days} working days"),
                f.rapid_reviews_on_time,
            ),
            rapid,
            decisions_chart: Chart::new(
                "chart-decisions",
                "Decisions on a local review, by outcome",
                &decisions,
            ),
            decisions,
            decisions_summary: vec![
                row("Decisions made in the period", d.total),
                row(
                    "Referrals closed at triage with no further action (not among the decisions)",
                    f.closed_at_triage,
                ),
            ],
            months_share: ShareBar::new(
                "chart-local-months",
                &format!("Local reviews completed within {months} months"),
                f.completed_within_months,
            ),
            extended_share: ShareBar::new(
                "chart-local-extended",
                "Local reviews completed within the timescale allowing for clock stops and extensions",
                f.completed_within_extended_timescale,
            ),
            local,
            actions_chart: Chart::new(
                "chart-actions",
                "Actions at the end of the period, by status",
                &actions,
            ),
            actions,
            actions_summary,
            themes_chart: Chart::new(
                "chart-themes",
                "Learning themes, by the number of cases that raised them",
                &themes,
            ),
            themes,
            lateness: f
                .lateness
                .iter()
                .map(|l| {
                    let what = l.deadline.label();
                    Late {
                        what: format!("{}{}", what[..1].to_uppercase(), &what[1..]),
                        late: l.late,
                        explained: l.explained,
                        reasons: l
                            .reasons
                            .iter()
                            .map(|r| (r.case.clone(), r.reason.clone()))
                            .collect(),
                    }
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_in_proportion() {
        let c = Chart::new(
            "c",
            "t",
            &[("a".into(), 4), ("b".into(), 1), ("c".into(), 0)],
        )
        .expect("a chart");
        let widths: Vec<u32> = c.bars.iter().map(|b| b.width).collect();
        assert_eq!(widths, vec![BAR_MAX, BAR_MAX / 4, 0]);
        assert_eq!(c.desc, "a: 4; b: 1; c: 0.");
        let s = ShareBar::new("s", "Sent", Share::new(1, 2)).expect("a share");
        assert_eq!(s.filled, BAR_MAX / 2);
        assert_eq!(s.text, "Sent: 1 of 2 (50.0%)");
        assert!(ShareBar::new("s", "Sent", Share::new(0, 0)).is_none());
        assert!(Chart::new("c", "t", &[("a".into(), 0)]).is_none());
    }
}
