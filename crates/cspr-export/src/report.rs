//! Builders that turn the domain's reports into documents.

use std::collections::HashMap;

use cspr_domain::ids::AgencyId;
use cspr_domain::report::{OverviewReport, Section};
use time::Date;

use crate::model::{Block, Document, Inline};

/// What the title page says about a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitlePage {
    /// The title, such as "Child Safeguarding Practice Review: Child A".
    pub title: String,
    /// A line under the title, such as the case reference or "Draft for factual accuracy".
    pub subtitle: Option<String>,
    /// The safeguarding children partnership that publishes the report.
    pub author: String,
    /// The date the report carries.
    pub date: Option<Date>,
}

/// Column headings of the recommendations table.
pub const RECOMMENDATION_COLUMNS: [&str; 4] = ["No.", "Recommendation", "Agencies", "By"];

/// The overview report as a document: the six sections in order (SI 2018/789 reg.16), each a
/// level-1 heading, then the recommendations as a table of who must act, what, by when.
/// `agency_names` names the agencies the recommendations refer to; an unknown id is shown as
/// "Unknown agency" rather than as an id no reader could use.
#[must_use]
pub fn overview_report(
    report: &OverviewReport,
    title: &TitlePage,
    agency_names: &HashMap<AgencyId, String>,
) -> Document {
    let mut doc = Document::new(title.title.clone(), title.author.clone());
    doc.subtitle.clone_from(&title.subtitle);
    doc.date = title.date;

    for section in Section::ALL {
        doc.blocks.push(Block::Heading {
            level: 1,
            text: section.heading().to_owned(),
        });
        let text = report.section(section);
        let body = crate::richtext::blocks(text);
        if section == Section::Recommendations {
            doc.blocks.extend(body);
            if report.recommendations.is_empty() {
                doc.blocks.push(Block::Paragraph(vec![Inline::Emphasis(
                    "No recommendations have been made yet.".to_owned(),
                )]));
            } else {
                doc.blocks.push(recommendations_table(report, agency_names));
            }
        } else if body.is_empty() {
            doc.blocks.push(Block::Paragraph(vec![Inline::Emphasis(
                "This section has not been written yet.".to_owned(),
            )]));
        } else {
            doc.blocks.extend(body);
        }
    }
    doc
}

fn recommendations_table(
    report: &OverviewReport,
    agency_names: &HashMap<AgencyId, String>,
) -> Block {
    let rows = report
        .recommendations
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let agencies = if r.agencies.is_empty() {
                "Not yet assigned".to_owned()
            } else {
                r.agencies
                    .iter()
                    .map(|a| agency_names.get(a).map_or("Unknown agency", String::as_str))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            vec![
                (i + 1).to_string(),
                r.text.trim().to_owned(),
                agencies,
                r.due_on.map_or_else(|| "Not yet set".to_owned(), long_date),
            ]
        })
        .collect();
    Block::Table {
        header: RECOMMENDATION_COLUMNS
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        rows,
    }
}

/// "31 March 2027", as GOV.UK writes dates.
#[must_use]
pub fn long_date(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}
