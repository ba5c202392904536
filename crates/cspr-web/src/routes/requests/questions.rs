//! The questions of a form as drawn, and the answers and contribution read from a posted form.

use std::collections::BTreeSet;

use askama::Template;
use cspr_domain::case::model::{Answer, ChronologyEntry};
use cspr_domain::chronology;
use cspr_domain::forms::{FormDefinition, MAX_ANSWER_CHARS};

use super::{Pairs, get};
use crate::layout::Chrome;

/// A question as drawn.
pub(crate) struct QuestionView {
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) label: String,
    pub(crate) hint: String,
    pub(crate) value: String,
    pub(crate) error: String,
}

/// A section as drawn.
pub(crate) struct SectionView {
    pub(crate) heading: String,
    pub(crate) guidance: String,
    pub(crate) questions: Vec<QuestionView>,
}

/// A chronology entry as drawn.
pub(super) struct EntryView {
    pub(super) id: String,
    pub(super) date: String,
    pub(super) time: String,
    pub(super) source: String,
    pub(super) what: String,
    pub(super) who: String,
    pub(super) significance: String,
    pub(super) analysis: String,
}

pub(super) fn entry_view(e: &ChronologyEntry) -> EntryView {
    EntryView {
        id: e.detail.id.map(|i| i.to_string()).unwrap_or_default(),
        date: chronology::date_words(e),
        time: e.detail.time.map(|t| t.to_string()).unwrap_or_default(),
        source: e.detail.source.clone(),
        what: e.what.as_str().to_owned(),
        who: e.detail.who.clone(),
        significance: e.detail.significance.clone(),
        analysis: e.detail.analysis.clone(),
    }
}

/// A practitioner's submission waiting for the agency, as drawn.
pub(super) struct SubmissionView {
    pub(super) submitted: String,
    pub(super) link: String,
    /// (question as asked, answer), the answered ones only.
    pub(super) answers: Vec<(String, String)>,
    pub(super) accept: String,
    pub(super) decline: String,
    pub(super) reason_field: String,
    pub(super) reason_error: String,
}

#[derive(Template)]
#[template(path = "pages/request_respond.html")]
pub(super) struct RespondPage {
    pub(super) chrome: Chrome,
    pub(super) reference: String,
    pub(super) action: String,
    pub(super) heading: String,
    pub(super) agency: String,
    pub(super) due: String,
    pub(super) sent: String,
    pub(super) reopened: bool,
    pub(super) editable: bool,
    /// Whether the person may accept or decline practitioners' submissions (decline).
    pub(super) may_decide: bool,
    /// ... and accept them (the request is still open).
    pub(super) may_accept: bool,
    pub(super) submissions: Vec<SubmissionView>,
    /// The mark of the agency's draft as it is now, for an accept to carry.
    pub(super) draft_mark: String,
    pub(super) intro: String,
    pub(super) sections: Vec<SectionView>,
    /// The mark of the draft's answers the form was drawn from (see `answers::answers_mark`).
    pub(super) seen: String,
    pub(super) chronology: bool,
    pub(super) entries: Vec<EntryView>,
    /// The new entry's fields as typed: (name, label, hint, value).
    pub(super) new_entry: Vec<(String, String, String, String)>,
    pub(super) entry_error: String,
    pub(super) files: Vec<(String, String, String)>,
    pub(super) errors: Vec<(String, String)>,
    pub(super) file_error: String,
    pub(super) import_error: String,
    pub(super) import_errors: Vec<String>,
    pub(super) success: String,
}

pub(super) const ENTRY_FIELDS: [(&str, &str, &str); 7] = [
    (
        "entry-date",
        "Date",
        "For example 2024-03-05, 05/03/2024, or an approximate date: March 2024, 2024.",
    ),
    ("entry-time", "Time (optional)", "For example 14:30."),
    (
        "entry-source",
        "Source (optional)",
        "Where the record is: case notes, GP record, call log.",
    ),
    ("entry-what", "What happened", ""),
    (
        "entry-who",
        "Who was involved (optional)",
        "By role, for example \"health visitor\", not by name.",
    ),
    ("entry-significance", "Significance (optional)", ""),
    ("entry-analysis", "Analysis (optional)", ""),
];

/// The answers in a request, for drawing.
pub(crate) fn sections(
    form: &FormDefinition,
    answers: &[Answer],
    missing: &BTreeSet<String>,
) -> Vec<SectionView> {
    form.sections
        .iter()
        .map(|s| SectionView {
            heading: s.heading.clone(),
            guidance: s.guidance.clone(),
            questions: s
                .questions
                .iter()
                .map(|q| QuestionView {
                    name: format!("q-{}", q.id),
                    text: q.text.clone(),
                    label: if q.required {
                        q.text.clone()
                    } else {
                        format!("{} (optional)", q.text)
                    },
                    hint: q.hint.clone(),
                    value: answers
                        .iter()
                        .find(|a| a.question == q.id)
                        .map(|a| a.answer.clone())
                        .unwrap_or_default(),
                    error: if missing.contains(&q.id) {
                        format!("Answer \"{}\"", q.text)
                    } else {
                        String::new()
                    },
                })
                .collect(),
        })
        .collect()
}

/// The answers of a posted form, by the form's questions.
pub(crate) fn posted_answers(form: &FormDefinition, pairs: &Pairs) -> Vec<Answer> {
    form.questions()
        .map(|q| Answer {
            question: q.id.clone(),
            asked: q.text.clone(),
            answer: get(pairs, &format!("q-{}", q.id))
                .replace("\r\n", "\n")
                .trim()
                .chars()
                .take(MAX_ANSWER_CHARS + 1)
                .collect(),
        })
        .collect()
}
