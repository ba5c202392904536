//! Forms for the domain's commands, described as data: each question names the place in the
//! command's JSON its answer goes (`incident.occurred_on`, `children.0.name`). The answers are
//! checked question by question (required, a real date, one of the choices), assembled into the
//! command's JSON and read as a [`Command`](cspr_domain::case::Command) by serde, whose error
//! path points back at the question at fault. The domain then decides the command; its refusal
//! goes in the error summary. What the user typed always comes back with the errors.
//!
//! This module describes the questions and holds the answers; [`super::reading`] reads the
//! answers into the command.

use serde_json::Value;

/// One answer of a choice question.
#[derive(Debug, Clone)]
pub struct Opt {
    /// The value sent.
    pub value: String,
    /// What the user reads.
    pub label: String,
    /// A hint under the label.
    pub hint: Option<String>,
    /// Questions shown (and answered) only when this answer is chosen.
    pub reveals: Vec<Q>,
}

impl Opt {
    /// An answer.
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
            hint: None,
            reveals: Vec::new(),
        }
    }

    /// With a hint.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// With questions revealed when chosen.
    #[must_use]
    pub fn reveals(mut self, questions: Vec<Q>) -> Self {
        self.reveals = questions;
        self
    }
}

/// How a question is asked and what its answer becomes.
#[derive(Debug, Clone)]
pub enum Kind {
    /// One line of text → a string.
    Text,
    /// Several lines → a string.
    Textarea,
    /// Several lines → a list of strings, one per non-empty line.
    Lines,
    /// A whole number → a number.
    Number,
    /// Day, month, year → "YYYY-MM-DD".
    Date,
    /// One of a few → the chosen value.
    Radios(Vec<Opt>),
    /// One of many → the chosen value.
    Select(Vec<Opt>),
    /// Any of several → a list of the chosen values.
    Checkboxes(Vec<Opt>),
    /// Any of several; each answer is a sub-path set to true or false.
    Flags(Vec<Opt>),
    /// Yes or no → a boolean.
    YesNo,
    /// Nothing asked: a new id.
    NewId,
    /// Nothing asked: a fixed value.
    Fixed(Value),
    /// Up to `rows` groups of questions (paths relative to the row) → a list of objects,
    /// one per row whose first question is answered.
    Repeat {
        /// How many rows to offer.
        rows: usize,
        /// How many must be filled.
        min: usize,
        /// The row's questions.
        questions: Vec<Q>,
        /// What a row is called ("Child").
        noun: &'static str,
    },
}

/// One question.
#[derive(Debug, Clone)]
pub struct Q {
    /// Where the answer goes in the command's JSON (dotted; numbers index lists).
    pub path: String,
    /// Label or legend.
    pub label: String,
    /// Hint.
    pub hint: Option<String>,
    /// How it is asked.
    pub kind: Kind,
    /// Whether it may be left empty (then `null`).
    pub optional: bool,
}

impl Q {
    /// A required question.
    pub fn new(path: impl Into<String>, label: impl Into<String>, kind: Kind) -> Self {
        Self {
            path: path.into(),
            label: label.into(),
            hint: None,
            kind,
            optional: false,
        }
    }

    /// A question that may be left empty.
    #[must_use]
    pub const fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    /// With a hint.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The element id: the path with dots as dashes.
    #[must_use]
    pub fn id(&self) -> String {
        self.path.replace('.', "-")
    }

    /// The same question placed under `prefix` (for repeated rows).
    fn under(&self, prefix: &str) -> Self {
        let mut q = self.clone();
        q.path = format!("{prefix}.{}", self.path);
        q.kind = match &self.kind {
            Kind::Radios(opts) => Kind::Radios(opts_under(opts, prefix)),
            Kind::Checkboxes(opts) => Kind::Checkboxes(opts_under(opts, prefix)),
            Kind::Select(opts) => Kind::Select(opts_under(opts, prefix)),
            Kind::Flags(opts) => Kind::Flags(opts_under(opts, prefix)),
            other => other.clone(),
        };
        q
    }

    /// The questions of row `i` of a repeat.
    #[must_use]
    pub fn row(&self, i: usize) -> Vec<Self> {
        match &self.kind {
            Kind::Repeat { questions, .. } => questions
                .iter()
                .map(|q| q.under(&format!("{}.{i}", self.path)))
                .collect(),
            _ => Vec::new(),
        }
    }
}

fn opts_under(opts: &[Opt], prefix: &str) -> Vec<Opt> {
    opts.iter()
        .map(|o| Opt {
            reveals: o.reveals.iter().map(|q| q.under(prefix)).collect(),
            ..o.clone()
        })
        .collect()
}

/// What the user sent: every (name, value) pair in order.
#[derive(Debug, Clone, Default)]
pub struct Answers(pub Vec<(String, String)>);

impl Answers {
    /// The first value of a name, trimmed ("" when absent).
    #[must_use]
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// Every value of a name.
    #[must_use]
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether anything under this path was typed.
    pub(super) fn any_under(&self, q: &Q) -> bool {
        match &q.kind {
            Kind::Date => ["day", "month", "year"]
                .iter()
                .any(|p| !self.get(&format!("{}-{p}", q.path)).is_empty()),
            _ => !self.get(&q.path).is_empty(),
        }
    }
}

/// An error placed on a question: (element id, message).
pub type FieldError = (String, String);

/// The question whose path is `path` (or the nearest one above it).
#[must_use]
pub fn find<'a>(questions: &'a [Q], path: &str) -> Option<&'a Q> {
    let mut best: Option<&Q> = None;
    visit(questions, &mut |q| {
        if (path == q.path || path.starts_with(&format!("{}.", q.path)))
            && best.is_none_or(|b| q.path.len() > b.path.len())
        {
            best = Some(q);
        }
    });
    best
}

/// Calls `f` on every question, revealed and repeated ones too.
pub fn visit<'a>(questions: &'a [Q], f: &mut dyn FnMut(&'a Q)) {
    for q in questions {
        f(q);
        match &q.kind {
            Kind::Radios(opts)
            | Kind::Select(opts)
            | Kind::Checkboxes(opts)
            | Kind::Flags(opts) => {
                for o in opts {
                    visit(&o.reveals, f);
                }
            }
            _ => {}
        }
    }
}
