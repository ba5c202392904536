//! The JSON Lines exchange format of the redaction development set: records with optional
//! case knowledge in, findings as code-point spans with labels out.

use serde::{Deserialize, Serialize};

use crate::{CaseKnowledge, Finding, Label, find};

/// One input record. Fields other than these (gold spans, template) are ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct Record {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub case: Option<CaseKnowledge>,
}

/// One output span, in code points, end exclusive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub label: Label,
}

/// One output line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Predictions {
    pub id: String,
    pub spans: Vec<Span>,
}

impl Predictions {
    pub fn from_findings(id: &str, findings: &[Finding]) -> Self {
        Self {
            id: id.to_string(),
            spans: findings
                .iter()
                .map(|f| Span {
                    start: f.start,
                    end: f.end,
                    label: f.label,
                })
                .collect(),
        }
    }
}

/// Finds the record's spans using its case knowledge, if it has any.
pub fn predict(record: &Record) -> Predictions {
    let empty = CaseKnowledge::default();
    let case = record.case.as_ref().unwrap_or(&empty);
    Predictions::from_findings(&record.id, &find(&record.text, case))
}
