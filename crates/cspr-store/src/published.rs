//! Published reports: what the public page lists and serves, stored when a report is published
//! so that the page never reads a case. Everything here is public by definition (anonymised and
//! reviewed before it gets here), so nothing is sealed. A withdrawn report keeps its row and
//! leaves the page.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::codec::normalise_time;
use crate::db::{Arg, Cx, Row, read_row, sql};
use crate::{Store, StoreError};

/// Largest PDF kept (a long overview report is a few hundred KiB).
const MAX_PDF_BYTES: usize = 20 * 1024 * 1024;

/// A report to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPublishedReport {
    /// Id (in the public PDF's address).
    pub id: Uuid,
    /// The partnership that publishes it.
    pub partnership_id: Uuid,
    /// The case it comes from (never shown).
    pub case_id: Uuid,
    /// Title, such as "Child Safeguarding Practice Review: Child A".
    pub title: String,
    /// A short summary, already anonymised.
    pub summary: String,
    /// Learning themes.
    pub themes: Vec<String>,
    /// Day of publication.
    pub published_on: Date,
    /// It stays online at least until then.
    pub online_until: Date,
    /// The PDF, its document metadata stripped (empty for information about the improvements).
    pub pdf: Vec<u8>,
    /// Information about the improvements, published instead of the report.
    pub improvements: Option<Improvements>,
    /// The public words of what is published, for the library's full-text index.
    pub body_text: Option<String>,
    /// The child's age band at the incident, as the library names it (`under_1`, `various`).
    pub age_group: Option<String>,
    /// When the row was written.
    pub created_at: OffsetDateTime,
}

/// Information about the improvements a review led to, published instead of its report: the
/// report's recommendations, each with the actions agreed, in words already checked for names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Improvements {
    /// In the report's order; actions answering no recommendation come last, under an
    /// empty recommendation.
    pub items: Vec<Improvement>,
}

/// One recommendation and what is being done about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Improvement {
    /// What the review recommended (empty for actions answering no recommendation).
    pub recommendation: String,
    /// The actions agreed.
    pub actions: Vec<ImprovementAction>,
}

/// One action, as the public reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImprovementAction {
    /// What is being done.
    pub what: String,
    /// The agency doing it.
    pub by: String,
    /// By when, in words.
    pub due: String,
}

/// A published report, without its PDF (a withdrawn one keeps no PDF and no summary).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedReport {
    /// Id.
    pub id: Uuid,
    /// The case it comes from.
    pub case_id: Uuid,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Learning themes.
    pub themes: Vec<String>,
    /// Day of publication.
    pub published_on: Date,
    /// Online at least until then.
    pub online_until: Date,
    /// Size of the PDF in bytes (0 for information about the improvements).
    pub pdf_size: u64,
    /// Information about the improvements, when that is what was published.
    pub improvements: Option<Improvements>,
    /// When it was taken down, if it was.
    pub withdrawn_on: Option<Date>,
    /// The child's age band at the incident (`under_1`, `various`), when recorded.
    pub age_group: Option<String>,
}

const COLS: &str = "id, case_id, title, summary, themes, published_on, online_until, \
                    CAST(LENGTH(pdf) AS BIGINT) AS pdf_size, withdrawn_on, improvements, age_group";

fn from_row(r: &Row) -> Result<PublishedReport, StoreError> {
    let themes: Vec<String> = serde_json::from_str(&r.text("themes")?).map_err(|_| {
        StoreError::Corrupt("the themes of a published report are unreadable".into())
    })?;
    let improvements = r
        .opt_text("improvements")?
        .map(|json| serde_json::from_str(&json))
        .transpose()
        .map_err(|_| StoreError::Corrupt("published improvements are unreadable".into()))?;
    Ok(read_row!(r => PublishedReport {
        id: uuid, case_id: uuid, title: text, summary: text, themes, published_on: date,
        online_until: date, pdf_size: u64, withdrawn_on: opt_date, improvements,
        age_group: opt_text,
    }))
}

impl Store {
    /// Stores a published report on its own (restores and tests; a publication writes it with
    /// its event through [`Store::append_with`]). A second report for the same case is
    /// `Duplicate`.
    pub async fn publish_report(&self, report: NewPublishedReport) -> Result<(), StoreError> {
        check_report(&report)?;
        let mut tx = self.pool().write().await?;
        insert_report(&mut tx.cx(), report).await?;
        tx.commit().await
    }

    /// The partnership's reports on the public page: published, not withdrawn, newest first.
    pub async fn published_reports(
        &self,
        partnership_id: Uuid,
    ) -> Result<Vec<PublishedReport>, StoreError> {
        let q = crate::db::sql_owned(format!(
            "SELECT {COLS} FROM published_reports \
             WHERE partnership_id = $1 AND withdrawn_on IS NULL \
             ORDER BY published_on DESC, title"
        ));
        self.pool()
            .fetch_all(&q, &[Arg::Uuid(partnership_id)], from_row)
            .await
    }

    /// The public words of a report on the public page (for the library's index): `None` when
    /// there is no such report online or it has none.
    pub async fn published_text(
        &self,
        partnership_id: Uuid,
        id: Uuid,
    ) -> Result<Option<String>, StoreError> {
        let q = sql(
            "SELECT body_text FROM published_reports WHERE partnership_id = $1 AND id = $2 \
             AND withdrawn_on IS NULL",
        );
        Ok(self
            .pool()
            .fetch_optional(&q, &[Arg::Uuid(partnership_id), Arg::Uuid(id)], |r| {
                r.opt_text("body_text")
            })
            .await?
            .flatten())
    }

    /// The case's published report, withdrawn or not.
    pub async fn published_report_for_case(
        &self,
        case_id: Uuid,
    ) -> Result<Option<PublishedReport>, StoreError> {
        let q = crate::db::sql_owned(format!(
            "SELECT {COLS} FROM published_reports WHERE case_id = $1"
        ));
        self.pool()
            .fetch_optional(&q, &[Arg::Uuid(case_id)], from_row)
            .await
    }

    /// The PDF of a report on the public page: `None` when there is no such report in the
    /// partnership, it was withdrawn, or it is information about the improvements (no PDF).
    pub async fn published_pdf(
        &self,
        partnership_id: Uuid,
        id: Uuid,
    ) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let q = sql("SELECT title, pdf FROM published_reports \
                     WHERE id = $1 AND partnership_id = $2 AND withdrawn_on IS NULL \
                     AND improvements IS NULL");
        self.pool()
            .fetch_optional(&q, &[Arg::Uuid(id), Arg::Uuid(partnership_id)], |r| {
                Ok((r.text("title")?, r.bytes("pdf")?))
            })
            .await
    }

    /// Information about the improvements on the public page: `None` when there is no such
    /// page in the partnership, or it was withdrawn, or it is a report (a PDF) instead.
    pub async fn published_improvements(
        &self,
        partnership_id: Uuid,
        id: Uuid,
    ) -> Result<Option<PublishedReport>, StoreError> {
        let q = crate::db::sql_owned(format!(
            "SELECT {COLS} FROM published_reports \
             WHERE id = $1 AND partnership_id = $2 AND withdrawn_on IS NULL \
             AND improvements IS NOT NULL"
        ));
        self.pool()
            .fetch_optional(&q, &[Arg::Uuid(id), Arg::Uuid(partnership_id)], from_row)
            .await
    }

    /// Takes the case's report off the public page. Returns whether a report was online.
    pub async fn withdraw_published_report(
        &self,
        case_id: Uuid,
        withdrawn_on: Date,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool().write().await?;
        let n = withdraw_report(&mut tx.cx(), case_id, withdrawn_on).await?;
        tx.commit().await?;
        Ok(n)
    }
}

/// Checks a report before it is stored: title, summary, a PDF, a sensible stay online.
pub(crate) fn check_report(report: &NewPublishedReport) -> Result<(), StoreError> {
    if report.title.trim().is_empty() || report.summary.trim().is_empty() {
        return Err(StoreError::Invalid(
            "A published report needs a title and a summary".into(),
        ));
    }
    match &report.improvements {
        None if !report.pdf.starts_with(b"%PDF-") || report.pdf.len() > MAX_PDF_BYTES => {
            return Err(StoreError::Invalid(
                "A published report needs its PDF".into(),
            ));
        }
        Some(i) if !report.pdf.is_empty() || i.items.iter().all(|i| i.actions.is_empty()) => {
            return Err(StoreError::Invalid(
                "Information about the improvements has at least one action and no PDF".into(),
            ));
        }
        _ => {}
    }
    if report.online_until <= report.published_on {
        return Err(StoreError::Invalid(
            "A published report stays online after the day it is published".into(),
        ));
    }
    Ok(())
}

/// Writes a checked report inside a transaction.
pub(crate) async fn insert_report(
    cx: &mut Cx<'_>,
    report: NewPublishedReport,
) -> Result<(), StoreError> {
    let themes = serde_json::to_string(&report.themes)
        .map_err(|e| StoreError::Invalid(format!("themes: {e}")))?;
    let improvements = report
        .improvements
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::Invalid(format!("improvements: {e}")))?;
    let inserted = cx
        .execute(
            &sql(
                "INSERT INTO published_reports (id, partnership_id, case_id, title, summary, \
                 themes, published_on, online_until, pdf, created_at, improvements, body_text, \
                 age_group) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            ),
            &[
                Arg::Uuid(report.id),
                Arg::Uuid(report.partnership_id),
                Arg::Uuid(report.case_id),
                Arg::Text(report.title.trim().to_owned()),
                Arg::Text(report.summary.trim().to_owned()),
                Arg::Text(themes),
                Arg::Date(report.published_on),
                Arg::Date(report.online_until),
                Arg::Bytes(report.pdf),
                Arg::Time(normalise_time(report.created_at)?),
                Arg::OptText(improvements),
                Arg::OptText(report.body_text),
                Arg::OptText(report.age_group),
            ],
        )
        .await;
    match inserted {
        Err(e) if e.is_unique_violation() => Err(StoreError::Duplicate(
            "This case's report is already published".into(),
        )),
        Err(e) => Err(e),
        Ok(_) => Ok(()),
    }
}

/// Takes a case's report down inside a transaction; whether one was online. Its PDF (or its
/// information about the improvements) and summary are erased (a report is withdrawn when it may identify someone): only the record
/// that it was published, its title and its days stay.
pub(crate) async fn withdraw_report(
    cx: &mut Cx<'_>,
    case_id: Uuid,
    withdrawn_on: Date,
) -> Result<bool, StoreError> {
    let n = cx
        .execute(
            &sql(
                "UPDATE published_reports SET withdrawn_on = $2, pdf = $3, summary = '', \
                 improvements = NULL, body_text = NULL \
                 WHERE case_id = $1 AND withdrawn_on IS NULL",
            ),
            &[
                Arg::Uuid(case_id),
                Arg::Date(withdrawn_on),
                Arg::Bytes(Vec::new()),
            ],
        )
        .await?;
    Ok(n == 1)
}
