//! What the partnership learns across its cases: the yearly figures for a period, the
//! recurrent themes year by year, and, for a case being weighed, where its themes arose before
//! and what was recommended then. Only the cases the person may read are counted, and every
//! case read is written to the access log first ([`crate::reader`]).

use std::collections::{BTreeMap, BTreeSet};

use cspr_domain::actions::ActionRules;
use cspr_domain::case::Case;
use cspr_domain::figures::{Period, YearlyFigures};
use cspr_domain::ids::CaseId;
use cspr_store::CaseScope;

use crate::policy::{Principal, listing_scope};
use crate::reader::{Source, load_if_readable};
use crate::{AppError, Services};

/// The yearly figures over the cases one person may read.
#[derive(Debug, Clone)]
pub struct Figures {
    /// The figures.
    pub figures: YearlyFigures,
    /// How many cases they count.
    pub counted: usize,
    /// How many cases the partnership has (more than `counted` for a role that sees only the
    /// cases it is a member of).
    pub all: usize,
    /// The same figures for each of the [`TREND_YEARS`] reporting years up to the one the
    /// period ends in, oldest first: timeliness year on year.
    pub trend: Vec<YearlyFigures>,
}

/// How many reporting years the figures page compares.
pub const TREND_YEARS: usize = 3;

impl Figures {
    /// The figures as (figure, value) rows for a CSV, saying so when not every case counted.
    #[must_use]
    pub fn rows(&self) -> Vec<(String, String)> {
        let mut rows = self.figures.to_csv_rows();
        if self.counted < self.all {
            rows.push(("Cases counted".to_owned(), self.counted.to_string()));
            rows.push(("Cases of the partnership".to_owned(), self.all.to_string()));
        }
        rows
    }
}

/// The yearly figures for `period` over every case of the partnership the person may read,
/// each read audited (as `view-yearly-figures`).
///
/// # Errors
/// Store failures; a failed audit write.
pub async fn yearly_figures(
    services: &Services,
    p: &Principal,
    source: &Source,
    period: Period,
) -> Result<Figures, AppError> {
    let summaries = services
        .store()
        .case_summaries(CaseScope::Partnership(p.partnership_id.as_uuid()))
        .await?;
    let mut cases = Vec::with_capacity(summaries.len());
    for s in &summaries {
        if let Some(case) =
            load_if_readable(services, p, s.case_id, "view-yearly-figures", source).await?
        {
            cases.push(case);
        }
    }
    let app = services.app();
    let rules = ActionRules::default();
    let compute =
        |period| YearlyFigures::compute(&cases, period, app.calendar(), app.settings(), &rules);
    let figures = compute(period);
    let trend = Period::reporting_years_to(period.to, TREND_YEARS)
        .into_iter()
        .map(compute)
        .collect();
    Ok(Figures {
        figures,
        counted: cases.len(),
        all: summaries.len(),
        trend,
    })
}

/// An earlier case that shares themes with the one in hand.
#[derive(Debug, Clone)]
pub struct Earlier {
    /// The case as the case list has it (reference, stage, the day it opened).
    pub case: cspr_store::CaseSummary,
    /// The themes it shares.
    pub shared: Vec<String>,
    /// The recommendations its report made (or, without a report, its agreed actions).
    pub recommendations: Vec<String>,
}

/// A theme as the themes page counts it ("Neglect" and " neglect" are one theme).
fn norm(t: &str) -> String {
    t.trim().to_lowercase()
}

/// What a case recommended: its report's recommendations, or its agreed actions.
fn recommendations(case: &Case) -> Vec<String> {
    let from_report: Vec<String> = case
        .latest_draft()
        .map(|d| {
            d.report
                .recommendations
                .iter()
                .map(|r| r.text.clone())
                .collect()
        })
        .unwrap_or_default();
    if from_report.is_empty() {
        case.actions
            .values()
            .map(|a| format!("Action: {}", a.action.description.as_str()))
            .collect()
    } else {
        from_report
    }
}

/// The cases the person may see that share any of `themes`, except `exclude`, newest first;
/// each read audited (as `view-recurrent-themes`).
///
/// # Errors
/// Store failures; a failed audit write.
pub async fn earlier(
    services: &Services,
    p: &Principal,
    source: &Source,
    themes: &[String],
    exclude: CaseId,
) -> Result<Vec<Earlier>, AppError> {
    let wanted: BTreeSet<String> = themes.iter().map(|t| norm(t)).collect();
    let summaries = services.store().case_summaries(listing_scope(p)).await?;
    let mut out = Vec::new();
    for s in summaries.iter().filter(|s| s.case_id != exclude.as_uuid()) {
        let shared: Vec<String> = s
            .themes
            .iter()
            .filter(|t| wanted.contains(&norm(t)))
            .cloned()
            .collect();
        if shared.is_empty() {
            continue;
        }
        let Some(case) =
            load_if_readable(services, p, s.case_id, "view-recurrent-themes", source).await?
        else {
            continue;
        };
        out.push(Earlier {
            case: s.clone(),
            shared,
            recommendations: recommendations(&case),
        });
    }
    out.sort_by(|a, b| {
        (b.case.opened_on.year(), &b.case.reference)
            .cmp(&(a.case.opened_on.year(), &a.case.reference))
    });
    Ok(out)
}

/// One theme counted year by year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeCount {
    /// The theme as first written.
    pub name: String,
    /// Cases per year, in the order of [`ThemeTable::years`].
    pub per_year: Vec<usize>,
    /// Cases in all.
    pub total: usize,
}

/// Every theme of the cases the person may list, by the year each case opened; the most
/// frequent first.
#[derive(Debug, Clone, Default)]
pub struct ThemeTable {
    /// The years, oldest first.
    pub years: Vec<i32>,
    /// The themes.
    pub rows: Vec<ThemeCount>,
}

impl ThemeTable {
    /// The theme as first written, when `theme` is one of the table's.
    #[must_use]
    pub fn find(&self, theme: &str) -> Option<&str> {
        let key = norm(theme);
        (!key.is_empty())
            .then(|| self.rows.iter().find(|r| norm(&r.name) == key))
            .flatten()
            .map(|r| r.name.as_str())
    }
}

/// The recurrent themes across the cases the person may list (from the read models: no case
/// is opened).
///
/// # Errors
/// Store failures.
pub async fn theme_table(services: &Services, p: &Principal) -> Result<ThemeTable, AppError> {
    let summaries = services.store().case_summaries(listing_scope(p)).await?;
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut counts: BTreeMap<String, BTreeMap<i32, usize>> = BTreeMap::new();
    let mut years: BTreeSet<i32> = BTreeSet::new();
    for s in &summaries {
        for t in &s.themes {
            let key = norm(t);
            names
                .entry(key.clone())
                .or_insert_with(|| t.trim().to_owned());
            *counts
                .entry(key)
                .or_default()
                .entry(s.opened_on.year())
                .or_default() += 1;
            years.insert(s.opened_on.year());
        }
    }
    let years: Vec<i32> = years.into_iter().collect();
    let mut rows: Vec<ThemeCount> = counts
        .iter()
        .map(|(key, by_year)| ThemeCount {
            name: names[key].clone(),
            per_year: years
                .iter()
                .map(|y| by_year.get(y).copied().unwrap_or(0))
                .collect(),
            total: by_year.values().sum(),
        })
        .collect();
    rows.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.name.cmp(&b.name)));
    Ok(ThemeTable { years, rows })
}
