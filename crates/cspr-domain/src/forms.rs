//! The forms agencies fill in (agency summary, scoping form, agency report, chronology,
//! factual-accuracy response) as data: sections, questions and guidance, with shipped defaults
//! in our own words that a partnership edits. A response keeps the words of the questions it
//! answered, so editing a form never changes what was sent.

use serde::{Deserialize, Serialize};

use crate::case::model::{Answer, ContributionKind};

/// One question of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Stable id within the form (answers are keyed by it).
    pub id: String,
    /// The question.
    pub text: String,
    /// Help shown under it.
    #[serde(default)]
    pub hint: String,
    /// Whether it must be answered before the response is sent.
    #[serde(default)]
    pub required: bool,
}

/// A section of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The section's heading.
    pub heading: String,
    /// Guidance for the whole section.
    #[serde(default)]
    pub guidance: String,
    /// Its questions.
    pub questions: Vec<Question>,
}

/// A whole form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDefinition {
    /// Which contribution it is the form of.
    pub kind: ContributionKind,
    /// What the form is for, shown at its top.
    #[serde(default)]
    pub intro: String,
    /// Its sections.
    pub sections: Vec<Section>,
}

/// Longest answer accepted, in characters.
pub const MAX_ANSWER_CHARS: usize = 10_000;

impl FormDefinition {
    /// Every question, in order.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    /// The questions still to answer before sending: required and blank.
    #[must_use]
    pub fn unanswered<'a>(&'a self, answers: &[Answer]) -> Vec<&'a Question> {
        self.questions()
            .filter(|q| q.required)
            .filter(|q| {
                !answers
                    .iter()
                    .any(|a| a.question == q.id && !a.answer.trim().is_empty())
            })
            .collect()
    }

    /// The form as the text the partnership edits (see [`parse_form`]).
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for line in self.intro.lines() {
            out.push_str("! ");
            out.push_str(line);
            out.push('\n');
        }
        for s in &self.sections {
            out.push_str("# ");
            out.push_str(&s.heading);
            out.push('\n');
            for line in s.guidance.lines() {
                out.push_str("> ");
                out.push_str(line);
                out.push('\n');
            }
            for q in &s.questions {
                out.push_str(if q.required { "- [" } else { "~ [" });
                out.push_str(&q.id);
                out.push_str("] ");
                out.push_str(&q.text);
                if !q.hint.is_empty() {
                    out.push_str(" | ");
                    out.push_str(&q.hint);
                }
                out.push('\n');
            }
        }
        out
    }
}

/// Reads a form from its text: `! intro`, `# Section heading`, `> section guidance`,
/// `- [id] Question | hint` (must be answered) and `~ [id] Question | hint` (may be left blank).
/// The id may be left out: one is made from the question's words.
///
/// # Errors
/// The first bad line, numbered from 1, with the reason.
pub fn parse_form(kind: ContributionKind, text: &str) -> Result<FormDefinition, (usize, String)> {
    let mut form = FormDefinition {
        kind,
        intro: String::new(),
        sections: Vec::new(),
    };
    let mut ids = std::collections::BTreeSet::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let mut chars = line.chars();
        let mark = chars.next();
        let rest = chars.as_str().trim();
        match mark {
            Some('!') => {
                if !form.intro.is_empty() {
                    form.intro.push('\n');
                }
                form.intro.push_str(rest);
            }
            Some('#') => {
                if rest.is_empty() {
                    return Err((n, "A section needs a heading after the #".to_owned()));
                }
                form.sections.push(Section {
                    heading: rest.to_owned(),
                    guidance: String::new(),
                    questions: Vec::new(),
                });
            }
            Some('>') => {
                let Some(section) = form.sections.last_mut() else {
                    return Err((n, "Guidance must follow a section heading (#)".to_owned()));
                };
                if !section.guidance.is_empty() {
                    section.guidance.push('\n');
                }
                section.guidance.push_str(rest);
            }
            Some('-' | '~') => {
                let Some(section) = form.sections.last_mut() else {
                    return Err((n, "A question must follow a section heading (#)".to_owned()));
                };
                let (id, rest) = match rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
                    Some((id, rest)) => (Some(id.trim().to_owned()), rest.trim()),
                    None => (None, rest),
                };
                let (question, hint) = match rest.split_once('|') {
                    Some((q, h)) => (q.trim(), h.trim()),
                    None => (rest, ""),
                };
                let id = id.unwrap_or_else(|| slug(question));
                if question.is_empty() {
                    return Err((n, "The question has no words".to_owned()));
                }
                if id.is_empty()
                    || !id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                {
                    return Err((
                        n,
                        "A question's id is lower-case letters, digits and hyphens, like [risks-seen]"
                            .to_owned(),
                    ));
                }
                if !ids.insert(id.clone()) {
                    return Err((n, format!("The id [{id}] is used twice")));
                }
                section.questions.push(Question {
                    id,
                    text: question.to_owned(),
                    hint: hint.to_owned(),
                    required: mark == Some('-'),
                });
            }
            _ => {
                return Err((
                    n,
                    "Start the line with ! (introduction), # (section), > (guidance), - (question to answer) or ~ (question that may be left blank)"
                        .to_owned(),
                ));
            }
        }
    }
    // A bare "!" or ">" at the end adds no line (found by the fuzz target `form_definition`:
    // the form written out again lost it, so it did not read back as the same form).
    let trim = |t: &mut String| t.truncate(t.trim_end_matches('\n').len());
    trim(&mut form.intro);
    for s in &mut form.sections {
        trim(&mut s.guidance);
    }
    if form.sections.iter().all(|s| s.questions.is_empty()) && kind != ContributionKind::Chronology
    {
        return Err((1, "The form needs at least one question".to_owned()));
    }
    Ok(form)
}

fn slug(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(5)
        .map(str::to_ascii_lowercase)
        .collect();
    words.join("-")
}

/// The form of a kind: the partnership's own if it has one, else the shipped default.
#[must_use]
pub fn form_for(forms: &[FormDefinition], kind: ContributionKind) -> FormDefinition {
    forms
        .iter()
        .find(|f| f.kind == kind)
        .cloned()
        .unwrap_or_else(|| default_form(kind))
}

/// Every shipped form.
#[must_use]
pub fn default_forms() -> Vec<FormDefinition> {
    ContributionKind::ALL
        .into_iter()
        .map(default_form)
        .collect()
}

fn q(id: &str, text: &str, hint: &str, required: bool) -> Question {
    Question {
        id: id.to_owned(),
        text: text.to_owned(),
        hint: hint.to_owned(),
        required,
    }
}

fn section(heading: &str, guidance: &str, questions: Vec<Question>) -> Section {
    Section {
        heading: heading.to_owned(),
        guidance: guidance.to_owned(),
        questions,
    }
}

/// The shipped form of a kind, in our own words.
#[must_use]
pub fn default_form(kind: ContributionKind) -> FormDefinition {
    let no_names = "Describe people by their role (for example \"health visitor\"), not by name.";
    let (intro, sections) = match kind {
        ContributionKind::AgencySummary => (
            "The rapid review looks at how agencies worked together with the child and family. Tell us briefly what your agency knew and did. This is not about blame.",
            vec![
                section(
                    "Your agency's involvement",
                    no_names,
                    vec![
                        q(
                            "involvement",
                            "What was your agency's involvement with the child and family?",
                            "Include when it started and ended and what services were offered.",
                            true,
                        ),
                        q(
                            "known-risks",
                            "What did your agency know about risks to the child?",
                            "",
                            true,
                        ),
                    ],
                ),
                section(
                    "Learning",
                    "",
                    vec![
                        q("worked-well", "What worked well?", "", true),
                        q(
                            "early-learning",
                            "What could have been done differently, by your agency or in working together?",
                            "",
                            true,
                        ),
                        q(
                            "actions-taken",
                            "Have you taken any action already?",
                            "For example a change to guidance or a reminder to staff.",
                            false,
                        ),
                    ],
                ),
            ],
        ),
        ContributionKind::ScopingForm => (
            "The review subgroup uses this form to decide whether a local review would bring learning.",
            vec![section(
                "Your agency's contact",
                no_names,
                vec![
                    q(
                        "contact",
                        "Did your agency have contact with the child or family in the period?",
                        "Say which services and roughly when.",
                        true,
                    ),
                    q(
                        "concerns",
                        "Were there concerns about the child's safety or welfare?",
                        "",
                        true,
                    ),
                    q(
                        "potential-learning",
                        "Is there potential learning about how agencies worked together?",
                        "",
                        true,
                    ),
                ],
            )],
        ),
        ContributionKind::AgencyReport => (
            "Your agency's report for the local review. It helps the reviewer understand what happened and why, from your agency's side.",
            vec![
                section(
                    "Background",
                    no_names,
                    vec![
                        q(
                            "role",
                            "What is your agency's role, and what was its contact with the family?",
                            "",
                            true,
                        ),
                        q(
                            "context",
                            "What was happening in your agency at the time?",
                            "Staffing, workloads, changes to services or procedures.",
                            false,
                        ),
                    ],
                ),
                section(
                    "Analysis",
                    "Look at the key lines of enquiry in the terms of reference.",
                    vec![
                        q(
                            "practice",
                            "How well did practice follow policy and procedure?",
                            "",
                            true,
                        ),
                        q(
                            "child-voice",
                            "How was the child's lived experience understood?",
                            "",
                            true,
                        ),
                        q(
                            "working-together",
                            "How well did your agency work with others?",
                            "",
                            true,
                        ),
                    ],
                ),
                section(
                    "Learning and recommendations",
                    "",
                    vec![
                        q("learning", "What has your agency learned?", "", true),
                        q(
                            "recommendations",
                            "What does your agency recommend, for itself and for the partnership?",
                            "",
                            false,
                        ),
                    ],
                ),
            ],
        ),
        ContributionKind::Chronology => (
            "List each contact or event your agency recorded in the period of the review, one entry each. Add entries one by one or upload the template as CSV or XLSX.",
            vec![section(
                "About your chronology",
                no_names,
                vec![q(
                    "sources",
                    "Which records did you look at?",
                    "For example case notes, GP record, call logs.",
                    false,
                )],
            )],
        ),
        ContributionKind::FactualAccuracy => (
            "Check the draft report for facts about your agency. Comments on the analysis are welcome too, but say which is which.",
            vec![section(
                "Your comments",
                "",
                vec![
                    q(
                        "factual",
                        "Which facts about your agency are wrong or missing?",
                        "Give the paragraph number and the right fact.",
                        true,
                    ),
                    q("other", "Any other comments?", "", false),
                ],
            )],
        ),
    };
    FormDefinition {
        kind,
        intro: intro.to_owned(),
        sections,
    }
}

/// The plain text of a set of answers, for the places that show a response as one text.
#[must_use]
pub fn answers_text(answers: &[Answer]) -> String {
    answers
        .iter()
        .filter(|a| !a.answer.trim().is_empty())
        .map(|a| format!("{}\n{}", a.asked, a.answer.trim()))
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the fuzz target `form_definition`: a bare "!" (or ">") as the last line of the
    /// introduction (or guidance) left a line break that writing the form out dropped, so the
    /// form did not read back as itself.
    #[test]
    fn a_form_reads_back_as_itself_after_bare_marks() {
        let k = ContributionKind::AgencyReport;
        let form = parse_form(k, "! Intro\n!\n# S\n> Guide\n>\n- [a] One").expect("ok");
        assert_eq!(form.intro, "Intro");
        assert_eq!(form.sections[0].guidance, "Guide");
        assert_eq!(parse_form(k, &form.to_text()), Ok(form));
    }

    /// Found by the fuzz target `form_definition` (issue 16, finding 5): a line starting with a
    /// letter of more than one byte ("ң") split the line inside the letter and panicked. It is
    /// a line with an unknown mark, numbered.
    #[test]
    fn a_line_starting_with_any_letter_is_a_reason_not_a_panic() {
        for text in ["ң", "# S\n- [a] One\nébauche", "# S\n\u{1F600} x"] {
            let (line, why) =
                parse_form(ContributionKind::AgencyReport, text).expect_err("an error");
            assert!(
                line >= 1 && why.starts_with("Start the line with"),
                "{line} {why}"
            );
        }
    }

    #[test]
    fn every_kind_has_a_default_form_that_round_trips_through_its_text() {
        for kind in ContributionKind::ALL {
            let form = default_form(kind);
            assert_eq!(form.kind, kind);
            assert!(form.questions().count() > 0, "{kind:?}");
            let again = parse_form(kind, &form.to_text()).expect("parses");
            assert_eq!(again, form, "{kind:?}");
        }
        assert_eq!(default_forms().len(), ContributionKind::ALL.len());
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let k = ContributionKind::AgencySummary;
        assert_eq!(
            parse_form(k, "- [a] Before any section")
                .expect_err("an error")
                .0,
            1
        );
        let err = parse_form(k, "# S\n- [a] One\n- [a] Two").expect_err("an error");
        assert_eq!(err, (3, "The id [a] is used twice".to_owned()));
        assert_eq!(parse_form(k, "# S\n* what").expect_err("an error").0, 2);
        assert_eq!(
            parse_form(k, "# S\n- [Bad Id] x").expect_err("an error").0,
            2
        );
        assert!(parse_form(k, "# Only a heading").is_err());
        let f = parse_form(k, "! Hello\n# S\n> Guide\n~ What now? | a hint").expect("ok");
        assert_eq!(f.intro, "Hello");
        assert_eq!(f.sections[0].guidance, "Guide");
        let q = &f.sections[0].questions[0];
        assert_eq!(
            (q.id.as_str(), q.required, q.hint.as_str()),
            ("what-now", false, "a hint")
        );
    }

    #[test]
    fn unanswered_lists_required_blank_questions() {
        let f = default_form(ContributionKind::ScopingForm);
        let a = |id: &str, text: &str| Answer {
            question: id.to_owned(),
            asked: String::new(),
            answer: text.to_owned(),
        };
        let answers = vec![a("contact", "Yes, school nurse."), a("concerns", "  ")];
        let left: Vec<&str> = f
            .unanswered(&answers)
            .iter()
            .map(|q| q.id.as_str())
            .collect();
        assert_eq!(left, vec!["concerns", "potential-learning"]);
    }
}
