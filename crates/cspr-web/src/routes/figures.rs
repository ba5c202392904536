//! The partnership's yearly figures for a chosen period (issue 9): tables of every figure, bar
//! charts drawn on the server as SVG (each bar carries its words and its number, so nothing
//! rests on colour), and the same figures as CSV. Every case read for them is audited.

use askama::Template;
use axum::extract::{Extension, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use cspr_domain::actions::{ActionRules, ActionStatus};
use cspr_domain::figures::{Period, Share, YearlyFigures};
use cspr_domain::ids::CaseId;
use cspr_domain::words::long_date;
use cspr_store::CaseScope;
use serde::Deserialize;
use time::{Date, Month};

use crate::access::{CaseNeed, Principal, authorize_case};
use crate::layout::Chrome;
use crate::reader::{self, Source};
use crate::{AppState, WebError};

/// What the access log records for each case read for the figures.
const AUDIT_ACTION: &str = "view-yearly-figures";

/// The period asked for: `from`/`to` as YYYY-MM-DD (links, the CSV), or the boxes of the two
/// GOV.UK date inputs (the form). The boxes win when any of them is there.
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default, rename = "from-day")]
    from_day: Option<String>,
    #[serde(default, rename = "from-month")]
    from_month: Option<String>,
    #[serde(default, rename = "from-year")]
    from_year: Option<String>,
    #[serde(default, rename = "to-day")]
    to_day: Option<String>,
    #[serde(default, rename = "to-month")]
    to_month: Option<String>,
    #[serde(default, rename = "to-year")]
    to_year: Option<String>,
}

impl PeriodQuery {
    fn is_empty(&self) -> bool {
        [
            &self.from,
            &self.to,
            &self.from_day,
            &self.from_month,
            &self.from_year,
            &self.to_day,
            &self.to_month,
            &self.to_year,
        ]
        .iter()
        .all(|v| v.as_deref().is_none_or(|s| s.trim().is_empty()))
    }
}

/// One date input as typed, with its error.
#[derive(Debug, Default, Clone)]
struct DateBoxes {
    day: String,
    month: String,
    year: String,
    error: String,
    day_error: bool,
    month_error: bool,
    year_error: bool,
}

impl DateBoxes {
    fn of(date: Date) -> Self {
        Self {
            day: date.day().to_string(),
            month: u8::from(date.month()).to_string(),
            year: date.year().to_string(),
            ..Self::default()
        }
    }

    fn fail(&mut self, message: String, parts: [bool; 3]) {
        self.error = message;
        [self.day_error, self.month_error, self.year_error] = parts;
    }
}

/// Reads one end of the period; `label` is its words in an error.
fn read_date(
    label: &str,
    iso: Option<&str>,
    boxes: [Option<&str>; 3],
) -> (DateBoxes, Option<Date>) {
    let trimmed = |s: Option<&str>| s.unwrap_or_default().trim().to_owned();
    let [d, m, y] = boxes.map(trimmed);
    let mut typed = DateBoxes {
        day: d.clone(),
        month: m.clone(),
        year: y.clone(),
        ..DateBoxes::default()
    };
    if d.is_empty() && m.is_empty() && y.is_empty() {
        let iso = trimmed(iso);
        if iso.is_empty() {
            typed.fail(format!("Enter the {}", label.to_lowercase()), [false; 3]);
            return (typed, None);
        }
        return match Date::parse(
            &iso,
            time::macros::format_description!("[year]-[month]-[day]"),
        ) {
            Ok(date) => (DateBoxes::of(date), Some(date)),
            Err(_) => {
                // Give back what was typed, split where the form would have split it.
                let mut parts = iso.splitn(3, '-');
                typed.year = parts.next().unwrap_or_default().to_owned();
                typed.month = parts.next().unwrap_or_default().to_owned();
                typed.day = parts.next().unwrap_or_default().to_owned();
                typed.fail(format!("{label} must be a real date"), [false; 3]);
                (typed, None)
            }
        };
    }
    let missing = [d.is_empty(), m.is_empty(), y.is_empty()];
    if missing.iter().any(|x| *x) {
        let words: Vec<&str> = ["day", "month", "year"]
            .into_iter()
            .zip(missing)
            .filter_map(|(w, gone)| gone.then_some(w))
            .collect();
        typed.fail(
            format!("{label} must include a {}", words.join(" and ")),
            missing,
        );
        return (typed, None);
    }
    let numbers = (d.parse::<u8>(), m.parse::<u8>(), y.parse::<i32>());
    let (Ok(day), Ok(month), Ok(year)) = numbers else {
        let bad = [numbers.0.is_err(), numbers.1.is_err(), numbers.2.is_err()];
        typed.fail(format!("{label} must be a real date"), bad);
        return (typed, None);
    };
    if !(1900..=2200).contains(&year) || y.len() != 4 {
        typed.fail(
            format!(
                "Enter the {} with a year of 4 numbers, like 2025",
                label.to_lowercase()
            ),
            [false, false, true],
        );
        return (typed, None);
    }
    let Ok(month) = Month::try_from(month) else {
        typed.fail(format!("{label} must be a real date"), [false, true, false]);
        return (typed, None);
    };
    match Date::from_calendar_date(year, month, day) {
        Ok(date) => (typed, Some(date)),
        Err(_) => {
            typed.fail(format!("{label} must be a real date"), [true, false, false]);
            (typed, None)
        }
    }
}

/// The last complete financial year (1 April to 31 March) that ended before `today`.
fn last_financial_year(today: Date) -> Period {
    let end_year = if today.month() >= Month::April {
        today.year()
    } else {
        today.year() - 1
    };
    let from = Date::from_calendar_date(end_year - 1, Month::April, 1).unwrap_or(today);
    let to = Date::from_calendar_date(end_year, Month::March, 31).unwrap_or(today);
    Period { from, to }
}

/// The period asked for, or the form as typed with its errors.
struct Asked {
    from: DateBoxes,
    to: DateBoxes,
    period: Option<Period>,
    errors: Vec<(String, String)>,
}

fn asked(query: &PeriodQuery, today: Date) -> Asked {
    if query.is_empty() {
        let period = last_financial_year(today);
        return Asked {
            from: DateBoxes::of(period.from),
            to: DateBoxes::of(period.to),
            period: Some(period),
            errors: Vec::new(),
        };
    }
    let (from, start) = read_date(
        "Start date",
        query.from.as_deref(),
        [
            query.from_day.as_deref(),
            query.from_month.as_deref(),
            query.from_year.as_deref(),
        ],
    );
    let (mut to, end) = read_date(
        "End date",
        query.to.as_deref(),
        [
            query.to_day.as_deref(),
            query.to_month.as_deref(),
            query.to_year.as_deref(),
        ],
    );
    let period = match (start, end) {
        (Some(s), Some(e)) => match Period::new(s, e) {
            Ok(p) => Some(p),
            Err(_) => {
                to.fail(
                    format!(
                        "End date must be the same as or after the start date ({})",
                        long_date(s)
                    ),
                    [false; 3],
                );
                None
            }
        },
        _ => None,
    };
    let mut errors = Vec::new();
    for (id, boxes) in [("from", &from), ("to", &to)] {
        if !boxes.error.is_empty() {
            // The summary links to the first box at fault (all of them: the day).
            let part = if boxes.month_error && !boxes.day_error {
                "month"
            } else if boxes.year_error && !boxes.day_error && !boxes.month_error {
                "year"
            } else {
                "day"
            };
            errors.push((format!("#{id}-{part}"), boxes.error.clone()));
        }
    }
    Asked {
        from,
        to,
        period,
        errors,
    }
}

/// Every case of the partnership the person may read, each read audited; and how many of the
/// partnership's cases there are in all (some roles see only the cases they are members of).
async fn load_cases(
    state: &AppState,
    p: &Principal,
    source: &Source,
) -> Result<(Vec<cspr_domain::case::Case>, usize), WebError> {
    let summaries = state
        .store()
        .case_summaries(CaseScope::Partnership(p.partnership_id.as_uuid()))
        .await?;
    let mut cases = Vec::with_capacity(summaries.len());
    for s in &summaries {
        let Ok(access) = authorize_case(
            state.store(),
            p,
            CaseId::from_uuid(s.case_id),
            CaseNeed::Read,
            None,
        )
        .await
        else {
            continue;
        };
        let (case, _) = reader::load_case(state, &access, AUDIT_ACTION, source).await?;
        cases.push(case);
    }
    Ok((cases, summaries.len()))
}

async fn compute(
    state: &AppState,
    p: &Principal,
    source: &Source,
    period: Period,
) -> Result<(YearlyFigures, usize, usize), WebError> {
    let (cases, all) = load_cases(state, p, source).await?;
    let app = state.app();
    let figures = YearlyFigures::compute(
        &cases,
        period,
        app.calendar(),
        app.settings(),
        &ActionRules::default(),
    );
    Ok((figures, cases.len(), all))
}

// ---------------------------------------------------------------------------------------------
// Charts: the geometry is worked out here, the SVG markup is written by the template (escaped).

/// Width of the drawing, in SVG units.
const CHART_WIDTH: u32 = 600;
/// The longest bar; the rest of the width holds the number after it.
const BAR_MAX: u32 = 480;
/// One row: its words, then its bar with the number after it.
const ROW_HEIGHT: u32 = 62;

/// One bar of a horizontal bar chart.
struct Bar {
    label: String,
    value: u32,
    /// Baseline of the label.
    label_y: u32,
    /// Top of the bar.
    bar_y: u32,
    /// Length of the bar.
    width: u32,
    /// Where the number starts.
    value_x: u32,
    /// Baseline of the number.
    value_y: u32,
}

/// A horizontal bar chart, drawn with its words and numbers.
struct Chart {
    /// Unique in the page: ids of its title and description.
    id: &'static str,
    title: String,
    /// The figures in words, for the text alternative.
    desc: String,
    height: u32,
    bars: Vec<Bar>,
}

impl Chart {
    /// The chart of `rows`; none when every number is 0 (the table says so as well).
    fn new(id: &'static str, title: &str, rows: &[(String, u32)]) -> Option<Self> {
        let max = rows.iter().map(|r| r.1).max().unwrap_or(0);
        if max == 0 {
            return None;
        }
        let bars = rows
            .iter()
            .zip(0u32..)
            .map(|((label, value), i)| {
                let top = i * ROW_HEIGHT;
                let width = value * BAR_MAX / max;
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
            .map(|(label, value)| format!("{label}: {value}"))
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
        })
    }
}

/// A share drawn as one bar filled to its percentage, with the words and numbers above it.
struct ShareBar {
    id: &'static str,
    /// "1 of 2 (50.0%)" in a sentence.
    text: String,
    /// "50.0%".
    percent: String,
    /// The filled length.
    filled: u32,
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
struct View {
    period_words: String,
    csv_href: String,
    counted: usize,
    all: usize,
    rapid: Vec<(String, String)>,
    rapid_share: Option<ShareBar>,
    decisions: Vec<(String, u32)>,
    decisions_summary: Vec<(String, String)>,
    decisions_chart: Option<Chart>,
    local: Vec<(String, String)>,
    months_share: Option<ShareBar>,
    extended_share: Option<ShareBar>,
    actions: Vec<(String, u32)>,
    actions_summary: Vec<(String, String)>,
    actions_chart: Option<Chart>,
    themes: Vec<(String, u32)>,
    themes_chart: Option<Chart>,
}

impl View {
    fn new(f: &YearlyFigures, counted: usize, all: usize) -> Self {
        let (from, to) = (f.period.from, f.period.to);
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
                "Local reviews completed within the timescale allowing for clock stops",
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
        }
    }
}

#[derive(Template)]
#[template(path = "pages/figures.html")]
struct FiguresPage {
    chrome: Chrome,
    errors: Vec<(String, String)>,
    from: DateBoxes,
    to: DateBoxes,
    view: Option<View>,
    chart_width: u32,
    bar_max: u32,
}

fn page(
    state: &AppState,
    p: &Principal,
    asked: Asked,
    view: Option<View>,
) -> Result<Response, WebError> {
    let status = if asked.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = FiguresPage {
        chrome: Chrome::signed_in(state, p, "/figures"),
        errors: asked.errors,
        from: asked.from,
        to: asked.to,
        view,
        chart_width: CHART_WIDTH,
        bar_max: BAR_MAX,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The figures page: the form for the period, then the figures (the last financial year when
/// no period is asked for). A period that cannot be read shows the errors and reads no case.
pub async fn index(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(source): Extension<Source>,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let asked = asked(&query, state.today());
    let Some(period) = asked.period else {
        return page(&state, &p, asked, None);
    };
    let (figures, counted, all) = compute(&state, &p, &source, period).await?;
    let view = View::new(&figures, counted, all);
    page(&state, &p, asked, Some(view))
}

/// The figures as CSV: "Figure,Value" then one row a figure. A period that cannot be read
/// gives the page with its errors instead.
pub async fn csv(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(source): Extension<Source>,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let asked = asked(&query, state.today());
    let Some(period) = asked.period else {
        return page(&state, &p, asked, None);
    };
    let (figures, counted, all) = compute(&state, &p, &source, period).await?;
    let mut rows = figures.to_csv_rows();
    if counted < all {
        rows.push(("Cases counted".to_owned(), counted.to_string()));
        rows.push(("Cases of the partnership".to_owned(), all.to_string()));
    }
    let mut body = String::from("Figure,Value\r\n");
    for (figure, value) in &rows {
        body.push_str(&cspr_domain::csv::record(&[figure, value]));
    }
    let disposition = format!(
        "attachment; filename=\"cspr-figures-{}-{}.csv\"",
        period.from, period.to
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn the_default_is_the_last_complete_financial_year() {
        let p = last_financial_year(date!(2025 - 09 - 01));
        assert_eq!(
            (p.from, p.to),
            (date!(2024 - 04 - 01), date!(2025 - 03 - 31))
        );
        let p = last_financial_year(date!(2025 - 03 - 31));
        assert_eq!(
            (p.from, p.to),
            (date!(2023 - 04 - 01), date!(2024 - 03 - 31))
        );
        let p = last_financial_year(date!(2025 - 04 - 01));
        assert_eq!(
            (p.from, p.to),
            (date!(2024 - 04 - 01), date!(2025 - 03 - 31))
        );
    }

    #[test]
    fn dates_are_read_in_the_govuk_words() {
        let read = |d: &str, m: &str, y: &str| {
            let (boxes, date) = read_date("Start date", None, [Some(d), Some(m), Some(y)]);
            (boxes.error, date)
        };
        assert_eq!(
            read("1", "4", "2025"),
            (String::new(), Some(date!(2025 - 04 - 01)))
        );
        assert_eq!(read("31", "2", "2025").0, "Start date must be a real date");
        assert_eq!(read("", "2", "2025").0, "Start date must include a day");
        assert_eq!(
            read("1", "", "").0,
            "Start date must include a month and year"
        );
        assert_eq!(
            read("1", "2", "25").0,
            "Enter the start date with a year of 4 numbers, like 2025"
        );
        assert_eq!(read("x", "2", "2025").0, "Start date must be a real date");
        let (boxes, date) = read_date("Start date", Some("2025-02-30"), [None; 3]);
        assert_eq!(date, None);
        assert_eq!(
            (
                boxes.year.as_str(),
                boxes.month.as_str(),
                boxes.day.as_str()
            ),
            ("2025", "02", "30")
        );
    }

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
