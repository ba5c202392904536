//! Subject access (UK GDPR article 15): what a case holds about one named person. A search
//! gives the person's name, any aliases and, when known, a date of birth. A case holds them
//! when one of its people records carries one of those names (a record whose date of birth
//! differs is someone else of the same name), and wherever its text names them: every string
//! of every event, so earlier versions of a section count as held too.
//!
//! Names are compared as words: letters and digits only, case ignored, so "O'Neill, Ann"
//! finds "Ann O Neill" only if the order agrees ("ann" "o" "neill" against "o" "neill" "ann"
//! does not). Pure: the application layer brings the cases and events.

use serde_json::Value;
use time::Date;

use crate::case::Case;
use crate::vocab::{AgeOrDateOfBirth, PersonName};
use crate::words::long_date;

/// The most aliases a search may give.
pub const MAX_ALIASES: usize = 20;

/// Characters of context either side of a name in a passage.
const CONTEXT: usize = 160;

/// Why a search cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// No name, or a name with no letters.
    #[error("Enter the person's full name")]
    NoName,
    /// An alias with no letters.
    #[error("Each alias needs letters: remove the line \"{0}\"")]
    BadAlias(String),
    /// Too many aliases.
    #[error("Give at most {MAX_ALIASES} aliases")]
    TooManyAliases,
}

/// Who is being looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectQuery {
    /// The name and each alias as words, the name first.
    names: Vec<Vec<String>>,
    /// The date of birth, when the requester gave it.
    pub date_of_birth: Option<Date>,
}

impl SubjectQuery {
    /// A search for `name`, also known as each of `aliases` (blank ones are left out).
    ///
    /// # Errors
    /// [`QueryError`].
    pub fn new(
        name: &str,
        aliases: &[&str],
        date_of_birth: Option<Date>,
    ) -> Result<Self, QueryError> {
        let main = words(name);
        if main.is_empty() {
            return Err(QueryError::NoName);
        }
        let mut names = vec![main];
        let given: Vec<&str> = aliases
            .iter()
            .copied()
            .filter(|a| !a.trim().is_empty())
            .collect();
        if given.len() > MAX_ALIASES {
            return Err(QueryError::TooManyAliases);
        }
        for alias in given {
            let w = words(alias);
            if w.is_empty() {
                return Err(QueryError::BadAlias(alias.trim().to_owned()));
            }
            if !names.contains(&w) {
                names.push(w);
            }
        }
        Ok(Self {
            names,
            date_of_birth,
        })
    }

    /// The same search, also for `more` names (a matched record's aliases).
    #[must_use]
    pub fn with_names<'a>(&self, more: impl IntoIterator<Item = &'a str>) -> Self {
        let mut wider = self.clone();
        for name in more {
            let w = words(name);
            if !w.is_empty() && !wider.names.contains(&w) {
                wider.names.push(w);
            }
        }
        wider
    }

    /// Whether `name` is one of the searched names.
    #[must_use]
    pub fn names_exactly(&self, name: &str) -> bool {
        let w = words(name);
        self.names.contains(&w)
    }

    /// Whether a record carrying these names and date of birth is this person.
    fn matches_record<'a>(
        &self,
        mut names: impl Iterator<Item = &'a PersonName>,
        age: Option<&AgeOrDateOfBirth>,
    ) -> Option<DateOfBirth> {
        if !names.any(|n| self.names_exactly(n.as_str())) {
            return None;
        }
        match (self.date_of_birth, age) {
            (None, _) => Some(DateOfBirth::NotGiven),
            (Some(asked), Some(AgeOrDateOfBirth::DateOfBirth(held))) => {
                (asked == *held).then_some(DateOfBirth::Agrees)
            }
            (Some(_), _) => Some(DateOfBirth::NotRecorded),
        }
    }

    /// Where in `text` one of the names stands as whole words: byte ranges.
    fn spans_in(&self, text: &str) -> Vec<(usize, usize)> {
        let tokens = tokens(text);
        let mut spans = Vec::new();
        for i in 0..tokens.len() {
            for name in &self.names {
                let Some(window) = tokens.get(i..i + name.len()) else {
                    continue;
                };
                if window.iter().zip(name).all(|(t, w)| t.2 == *w) {
                    spans.push((window[0].0, window[window.len() - 1].1));
                    break;
                }
            }
        }
        spans
    }
}

/// How a record's date of birth bears on the match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOfBirth {
    /// The search gave none.
    NotGiven,
    /// The record's date of birth is the one given.
    Agrees,
    /// The record has no date of birth (perhaps an approximate age): the team must judge.
    NotRecorded,
}

/// A people record of a case that is the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordMatch {
    /// What the record is ("Child", "Carer: Mother", "Practitioner").
    pub kind: String,
    /// The name on the record.
    pub name: String,
    /// The record's aliases.
    pub aliases: Vec<String>,
    /// What the record holds, label and value.
    pub details: Vec<(String, String)>,
    /// How its date of birth bears on the match.
    pub date_of_birth: DateOfBirth,
}

fn age_words(age: &AgeOrDateOfBirth) -> (String, String) {
    match age {
        AgeOrDateOfBirth::DateOfBirth(d) => ("Date of birth".to_owned(), long_date(*d)),
        AgeOrDateOfBirth::ApproximateAge(y) => ("Approximate age".to_owned(), format!("{y}")),
    }
}

fn aliases_words(aliases: &[PersonName]) -> Option<(String, String)> {
    (!aliases.is_empty()).then(|| {
        let list: Vec<&str> = aliases.iter().map(PersonName::as_str).collect();
        ("Aliases".to_owned(), list.join("; "))
    })
}

fn alias_list(aliases: &[PersonName]) -> Vec<String> {
    aliases.iter().map(|a| a.as_str().to_owned()).collect()
}

fn address_words(lines: &[String], postcode: Option<&str>) -> String {
    let mut parts: Vec<&str> = lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    parts.extend(postcode);
    parts.join(", ")
}

/// The people records of `case` that are the person searched for.
#[must_use]
pub fn records_in(case: &Case, q: &SubjectQuery) -> Vec<RecordMatch> {
    let mut out = Vec::new();
    for c in &case.children {
        let names = std::iter::once(&c.name).chain(&c.aliases);
        if let Some(dob) = q.matches_record(names, Some(&c.age)) {
            let mut details = vec![age_words(&c.age), ("Sex".to_owned(), c.sex.to_string())];
            details.extend(aliases_words(&c.aliases));
            if let Some(n) = &c.nhs_number {
                details.push(("NHS number".to_owned(), n.to_string()));
            }
            if let Some(a) = &c.address {
                let postcode = a.postcode.as_ref().map(|p| p.as_str());
                details.push(("Address".to_owned(), address_words(&a.lines, postcode)));
            }
            for (label, value) in [
                ("Ethnicity", c.ethnicity.as_deref()),
                ("Disability", c.disability.as_deref()),
            ] {
                if let Some(v) = value {
                    details.push((label.to_owned(), v.to_owned()));
                }
            }
            out.push(RecordMatch {
                kind: "Child".to_owned(),
                name: c.name.as_str().to_owned(),
                aliases: alias_list(&c.aliases),
                details,
                date_of_birth: dob,
            });
        }
    }
    if let Some(r) = &case.referral {
        for p in &r.carers {
            let names = std::iter::once(&p.name).chain(&p.aliases);
            if let Some(dob) = q.matches_record(names, p.age.as_ref()) {
                let mut details = Vec::new();
                details.extend(p.age.as_ref().map(age_words));
                details.extend(aliases_words(&p.aliases));
                for a in &p.addresses {
                    let postcode = a.postcode.as_ref().map(|p| p.as_str());
                    details.push(("Address".to_owned(), address_words(&a.lines, postcode)));
                }
                out.push(RecordMatch {
                    kind: format!("Carer: {}", p.relationship),
                    name: p.name.as_str().to_owned(),
                    aliases: alias_list(&p.aliases),
                    details,
                    date_of_birth: dob,
                });
            }
        }
        if let Some(dob) = q.matches_record(std::iter::once(&r.referrer), None) {
            out.push(RecordMatch {
                kind: "Referrer".to_owned(),
                name: r.referrer.as_str().to_owned(),
                aliases: Vec::new(),
                details: vec![("Referral received".to_owned(), long_date(r.received_on))],
                date_of_birth: dob,
            });
        }
    }
    for p in &case.practitioners {
        if let Some(dob) = q.matches_record(std::iter::once(&p.name), None) {
            let mut details = vec![("Role".to_owned(), p.role_title.clone())];
            if let Some(e) = &p.email {
                details.push(("Email".to_owned(), e.as_str().to_owned()));
            }
            out.push(RecordMatch {
                kind: "Practitioner".to_owned(),
                name: p.name.as_str().to_owned(),
                aliases: Vec::new(),
                details,
                date_of_birth: dob,
            });
        }
    }
    for f in &case.family_contacts {
        if let Some(dob) = q.matches_record(std::iter::once(&f.relative), None) {
            let mut details = vec![("Contacted".to_owned(), long_date(f.on))];
            if let Some(said) = &f.what_they_said {
                details.push(("What they said".to_owned(), said.as_str().to_owned()));
            }
            if let Some(views) = &f.views_on_publication {
                details.push(("Views on publication".to_owned(), views.as_str().to_owned()));
            }
            out.push(RecordMatch {
                kind: format!("Family contact: {}", f.relationship),
                name: f.relative.as_str().to_owned(),
                aliases: Vec::new(),
                details,
                date_of_birth: dob,
            });
        }
    }
    for c in &case.contact_constraints {
        if let Some(dob) = q.matches_record(std::iter::once(&c.person), None) {
            out.push(RecordMatch {
                kind: "Contact constraint".to_owned(),
                name: c.person.as_str().to_owned(),
                aliases: Vec::new(),
                details: vec![("Reason".to_owned(), c.reason.as_str().to_owned())],
                date_of_birth: dob,
            });
        }
    }
    out
}

/// Where a passage was found: one event of the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldPassage {
    /// The event's number in the case's history (1 is the first).
    pub event: u64,
    /// What the event was, in words ("contribution received").
    pub what: String,
    /// The day it was recorded.
    pub on: Date,
    /// The passage.
    pub passage: Passage,
}

/// What one case holds about the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFindings {
    /// The case.
    pub case_id: uuid::Uuid,
    /// Its reference.
    pub reference: String,
    /// Its people records that are the person.
    pub records: Vec<RecordMatch>,
    /// Its passages that name the person, each text once (a later version repeating an
    /// earlier passage word for word is not listed again).
    pub passages: Vec<HeldPassage>,
}

impl CaseFindings {
    /// Whether the case holds nothing about the person.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.records.is_empty() && self.passages.is_empty()
    }
}

/// The findings of one case: its records, and the passages of its events (number, kind as
/// stored, day recorded, the event as JSON), each distinct excerpt once. The passages are
/// looked for under the searched names and the aliases of the records that are surely the
/// person (not those whose date of birth is unknown).
#[must_use]
pub fn findings<'a>(
    case_id: uuid::Uuid,
    case: &Case,
    events: impl IntoIterator<Item = (u64, &'a str, Date, &'a Value)>,
    q: &SubjectQuery,
) -> CaseFindings {
    let records = records_in(case, q);
    let wider = q.with_names(
        records
            .iter()
            .filter(|r| r.date_of_birth != DateOfBirth::NotRecorded)
            .flat_map(|r| {
                std::iter::once(r.name.as_str()).chain(r.aliases.iter().map(String::as_str))
            }),
    );
    let mut seen = std::collections::BTreeSet::new();
    let mut passages = Vec::new();
    for (event, kind, on, value) in events {
        for passage in passages_in(value, &wider) {
            if seen.insert(passage.excerpt.clone()) {
                passages.push(HeldPassage {
                    event,
                    what: kind.replace('-', " "),
                    on,
                    passage,
                });
            }
        }
    }
    CaseFindings {
        case_id,
        reference: case.reference.clone().unwrap_or_default(),
        records,
        passages,
    }
}

/// A subject access request's answer: what was searched for and what every case holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectAccessReport {
    /// The partnership's own reference for the request (never a name).
    pub request_reference: String,
    /// The names searched for, as typed: the name first, then the aliases.
    pub names: Vec<String>,
    /// The date of birth given, if any.
    pub date_of_birth: Option<Date>,
    /// The day of the search.
    pub searched_on: Date,
    /// How many cases were searched.
    pub cases_searched: usize,
    /// The cases that hold something, in reference order.
    pub cases: Vec<CaseFindings>,
}

/// A passage of a case's text that names the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// Where in the event: the field path ("contribution.summary").
    pub field: String,
    /// The words around the name, with "…" where the text was cut.
    pub excerpt: String,
}

/// Every passage of an event (as its JSON) that names the person. A string that is only the
/// name (a record's name field) is not a passage: the record says it.
#[must_use]
pub fn passages_in(event: &Value, q: &SubjectQuery) -> Vec<Passage> {
    let mut out = Vec::new();
    walk(event, &mut Vec::new(), q, &mut out);
    out
}

fn walk(value: &Value, path: &mut Vec<String>, q: &SubjectQuery, out: &mut Vec<Passage>) {
    match value {
        Value::String(s) => {
            if q.names_exactly(s) {
                return;
            }
            let field = path
                .iter()
                .filter(|p| !p.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(".");
            let mut last_end = 0;
            for (start, end) in q.spans_in(s) {
                if start < last_end {
                    continue;
                }
                let (excerpt, shown_to) = excerpt(s, start, end);
                last_end = shown_to;
                out.push(Passage {
                    field: field.clone(),
                    excerpt,
                });
            }
        }
        Value::Array(items) => {
            for item in items {
                path.push(String::new());
                walk(item, path, q, out);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                path.push(key.clone());
                walk(item, path, q, out);
                path.pop();
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// The text around `start..end`, cut at word boundaries, and where the excerpt ends.
fn excerpt(s: &str, start: usize, end: usize) -> (String, usize) {
    let mut from = start.saturating_sub(CONTEXT);
    while !s.is_char_boundary(from) {
        from -= 1;
    }
    if from > 0
        && let Some(space) = s[from..start].find(char::is_whitespace)
    {
        from += space + 1;
    }
    let mut to = (end + CONTEXT).min(s.len());
    while !s.is_char_boundary(to) {
        to += 1;
    }
    if to < s.len()
        && let Some(space) = s[end..to].rfind(char::is_whitespace)
    {
        to = end + space;
    }
    let mut text = String::new();
    if from > 0 {
        text.push('…');
    }
    text.push_str(s[from..to].trim());
    if to < s.len() {
        text.push('…');
    }
    (text, to)
}

/// A text's words, lower case, letters and digits only.
fn words(text: &str) -> Vec<String> {
    tokens(text).into_iter().map(|t| t.2).collect()
}

/// A text's words with their byte ranges.
fn tokens(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, ch) in text.char_indices() {
        if ch.is_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((s, i, text[s..i].to_lowercase()));
        }
    }
    if let Some(s) = start {
        out.push((s, text.len(), text[s..].to_lowercase()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn passages_name_the_person_as_whole_words_with_their_field() {
        let q = SubjectQuery::new("Ann Smith", &["Annie Smyth"], None).expect("q");
        let event = json!({
            "event": "note",
            "name": "Ann Smith",
            "sections": [{"text": "Health visitor saw ann  SMITH on 3 May. Annie Smyth later said no."}],
            "other": "Joann Smithers is someone else",
        });
        let found = passages_in(&event, &q);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].field, "sections.text");
        assert!(found[0].excerpt.contains("ann  SMITH"));
        assert!(
            found[0].excerpt.contains("Annie Smyth"),
            "one excerpt covers both"
        );
    }

    #[test]
    fn long_text_is_cut_around_the_name_at_word_boundaries() {
        let q = SubjectQuery::new("Ann Smith", &[], None).expect("q");
        let text = format!("{}Ann Smith {}", "word ".repeat(100), "after ".repeat(100));
        let found = passages_in(&json!({ "t": text }), &q);
        let e = &found[0].excerpt;
        assert!(e.starts_with('…') && e.ends_with('…'), "{e}");
        assert!(e.contains("word Ann Smith after"), "{e}");
        assert!(e.chars().count() < 2 * CONTEXT + 20, "{e}");
        assert!(!e.contains("wor …") && !e.starts_with("…ord"), "{e}");
    }

    #[test]
    fn a_search_needs_a_name_and_sensible_aliases() {
        assert_eq!(SubjectQuery::new("  ", &[], None), Err(QueryError::NoName));
        assert_eq!(
            SubjectQuery::new("-- !", &[], None),
            Err(QueryError::NoName)
        );
        assert_eq!(
            SubjectQuery::new("Ann", &["", "??"], None),
            Err(QueryError::BadAlias("??".to_owned()))
        );
        let many = vec!["x"; MAX_ALIASES + 1];
        assert_eq!(
            SubjectQuery::new("Ann", &many, None),
            Err(QueryError::TooManyAliases)
        );
        let q = SubjectQuery::new("O'Neill, Ann", &["", "o neill ann"], None).expect("q");
        assert_eq!(q.names.len(), 1, "the alias is the same words");
    }
}
