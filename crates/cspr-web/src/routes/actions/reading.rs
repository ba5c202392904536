//! Reading the answers to an action's questions (see [`super::spec`]): each question is checked
//! (required, a real date, one of the choices) and its answer put at its place in the command's
//! JSON, which serde then reads as a [`Command`]; a type error points back at the question at
//! fault.

use serde_json::{Map, Value};
use time::Date;

use cspr_domain::case::Command;

use super::spec::{Answers, FieldError, Kind, Opt, Q, find};

/// Reads a date from its three boxes.
///
/// # Errors
/// A message in the GOV.UK pattern's words.
pub fn read_date(answers: &Answers, q: &Q) -> Result<Option<Date>, String> {
    let part = |p: &str| answers.get(&format!("{}-{p}", q.path)).to_owned();
    crate::date_input::parse(&part("day"), &part("month"), &part("year"))
        .map_err(|problem| problem.message(&q.label))
}

/// Puts `value` at a dotted path, creating objects and lists on the way.
pub fn put(root: &mut Value, path: &str, value: Value) {
    let parts: Vec<&str> = path.split('.').collect();
    let mut here = root;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let next_is_index = parts.get(i + 1).is_some_and(|p| p.parse::<usize>().is_ok());
        let fresh = || {
            if next_is_index {
                Value::Array(Vec::new())
            } else {
                Value::Object(Map::new())
            }
        };
        if let Ok(index) = part.parse::<usize>() {
            if !here.is_array() {
                *here = Value::Array(Vec::new());
            }
            let Value::Array(list) = here else { return };
            while list.len() <= index {
                list.push(Value::Null);
            }
            if last {
                list[index] = value;
                return;
            }
            if list[index].is_null() {
                list[index] = fresh();
            }
            here = &mut list[index];
        } else {
            if !here.is_object() {
                *here = Value::Object(Map::new());
            }
            let Value::Object(map) = here else { return };
            if last {
                map.insert((*part).to_owned(), value);
                return;
            }
            here = map.entry((*part).to_owned()).or_insert_with(fresh);
        }
    }
}

/// Reads every question into `root`, collecting errors.
pub fn read(questions: &[Q], answers: &Answers, root: &mut Value, errors: &mut Vec<FieldError>) {
    for q in questions {
        read_one(q, answers, root, errors);
    }
}

fn required(q: &Q, errors: &mut Vec<FieldError>, verb: &str) {
    errors.push((q.id(), format!("{verb} {}", lower_first(&q.label))));
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    // Keep capitals of names ("National Panel"): lower only an ordinary first word.
    match c.next() {
        Some(f)
            if s.split(' ')
                .next()
                .is_some_and(|w| w.len() > 1 && w[1..].chars().all(char::is_lowercase)) =>
        {
            f.to_lowercase().chain(c).collect()
        }
        _ => s.to_owned(),
    }
}

fn choose<'a>(opts: &'a [Opt], value: &str) -> Option<&'a Opt> {
    opts.iter().find(|o| o.value == value)
}

#[allow(clippy::too_many_lines)]
fn read_one(q: &Q, answers: &Answers, root: &mut Value, errors: &mut Vec<FieldError>) {
    let raw = answers.get(&q.path);
    match &q.kind {
        Kind::Text | Kind::Textarea => {
            if raw.is_empty() {
                if q.optional {
                    put(root, &q.path, Value::Null);
                } else {
                    required(q, errors, "Enter");
                }
            } else {
                put(root, &q.path, Value::String(raw.to_owned()));
            }
        }
        Kind::Lines => {
            let lines: Vec<Value> = raw
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| Value::String(l.to_owned()))
                .collect();
            if lines.is_empty() && !q.optional {
                required(q, errors, "Enter");
            }
            put(root, &q.path, Value::Array(lines));
        }
        Kind::Number => {
            if raw.is_empty() {
                if q.optional {
                    put(root, &q.path, Value::Null);
                } else {
                    required(q, errors, "Enter");
                }
            } else if let Ok(n) = raw.parse::<u32>() {
                put(root, &q.path, Value::from(n));
            } else {
                errors.push((q.id(), format!("{} must be a whole number", q.label)));
            }
        }
        Kind::Date => match read_date(answers, q) {
            Ok(Some(d)) => put(root, &q.path, Value::String(d.to_string())),
            Ok(None) if q.optional => put(root, &q.path, Value::Null),
            Ok(None) => required(q, errors, "Enter"),
            Err(message) => errors.push((q.id(), message)),
        },
        Kind::Radios(opts) | Kind::Select(opts) => {
            // A path ending "._" chooses which of its revealed questions fills the parent
            // (an externally tagged enum such as a date of birth or an age).
            let parent = q.path.strip_suffix("._");
            if raw.is_empty() && q.optional {
                put(root, parent.unwrap_or(&q.path), Value::Null);
                return;
            }
            match choose(opts, raw) {
                Some(o) => {
                    if parent.is_none() {
                        put(root, &q.path, Value::String(o.value.clone()));
                    }
                    read(&o.reveals, answers, root, errors);
                }
                None => required(q, errors, "Select"),
            }
        }
        Kind::Checkboxes(opts) => {
            let chosen = answers.all(&q.path);
            let mut values = Vec::new();
            for o in opts {
                if chosen.contains(&o.value.as_str()) {
                    values.push(Value::String(o.value.clone()));
                    read(&o.reveals, answers, root, errors);
                }
            }
            if chosen.iter().any(|c| choose(opts, c).is_none()) {
                errors.push((
                    q.id(),
                    format!("Select {} from the list", lower_first(&q.label)),
                ));
            } else if values.is_empty() && !q.optional {
                required(q, errors, "Select");
            }
            put(root, &q.path, Value::Array(values));
        }
        Kind::Flags(opts) => {
            // Each answer's value is the path of its own true-or-false.
            let chosen = answers.all(&q.path);
            for o in opts {
                let on = chosen.contains(&o.value.as_str());
                put(root, &o.value, Value::Bool(on));
                if on {
                    read(&o.reveals, answers, root, errors);
                }
            }
        }
        Kind::YesNo => match raw {
            "yes" => put(root, &q.path, Value::Bool(true)),
            "no" => put(root, &q.path, Value::Bool(false)),
            _ => required(q, errors, "Select"),
        },
        Kind::NewId => {
            // The id the page was drawn with (so a repeated submission is the same record),
            // or a new one.
            let id = uuid::Uuid::parse_str(raw).unwrap_or_else(|_| uuid::Uuid::new_v4());
            put(root, &q.path, Value::String(id.to_string()));
        }
        Kind::Fixed(v) => put(root, &q.path, v.clone()),
        Kind::Repeat {
            rows, min, noun, ..
        } => {
            let mut filled = 0;
            put(root, &q.path, Value::Array(Vec::new()));
            for i in 0..*rows {
                let row = q.row(i);
                let Some(first) = row.first() else { break };
                if !answers.any_under(first) {
                    continue;
                }
                // Rows are packed: the n-th filled row is element n.
                let mut obj = Value::Object(Map::new());
                let mut row_errors = Vec::new();
                let relative: Vec<Q> = match &q.kind {
                    Kind::Repeat { questions, .. } => questions.clone(),
                    _ => Vec::new(),
                };
                let prefix = format!("{}.{i}", q.path);
                let sub_answers = Answers(
                    answers
                        .0
                        .iter()
                        .filter_map(|(k, v)| {
                            k.strip_prefix(&format!("{prefix}."))
                                .map(|rest| (rest.to_owned(), v.clone()))
                        })
                        .collect(),
                );
                read(&relative, &sub_answers, &mut obj, &mut row_errors);
                for (id, message) in row_errors {
                    errors.push((
                        format!("{}-{id}", prefix.replace('.', "-")),
                        format!("{noun} {}: {message}", i + 1),
                    ));
                }
                put(root, &format!("{}.{filled}", q.path), obj);
                filled += 1;
            }
            if filled < *min {
                let first = q.row(0).first().map_or_else(|| q.id(), Q::id);
                errors.push((
                    first,
                    format!("Enter at least {min} {}", noun.to_lowercase()),
                ));
            }
        }
    }
}

/// Reads the command from assembled JSON, placing a type error on its question.
///
/// # Errors
/// The question at fault (by id) and a message.
pub fn to_command(value: Value, questions: &[Q]) -> Result<Command, FieldError> {
    serde_path_to_error::deserialize::<_, Command>(value).map_err(|e| {
        // "children[0].name" → "children.0.name"
        let path = e.path().to_string().replace('[', ".").replace(']', "");
        let message = e.inner().to_string();
        let id = find(questions, &path).map_or_else(String::new, |q| q.id());
        (id, tidy(&message))
    })
}

/// A serde message in a person's words.
fn tidy(message: &str) -> String {
    let m = message.split(" at line").next().unwrap_or(message).trim();
    let mut c = m.chars();
    c.next().map_or_else(String::new, |f| {
        let s: String = f.to_uppercase().chain(c).collect();
        if s.starts_with("Invalid type")
            || s.starts_with("Missing field")
            || s.starts_with("Unknown variant")
        {
            "Check this answer".to_owned()
        } else {
            s
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(pairs: &[(&str, &str)]) -> Answers {
        Answers(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn put_builds_objects_and_lists() {
        let mut v = serde_json::json!({});
        put(&mut v, "a.b", Value::from(1));
        put(&mut v, "c.0.d", Value::from("x"));
        put(&mut v, "c.1.d", Value::from("y"));
        assert_eq!(
            v,
            serde_json::json!({"a": {"b": 1}, "c": [{"d": "x"}, {"d": "y"}]})
        );
    }

    #[test]
    fn dates_are_checked_in_the_pattern_words() {
        let q = Q::new("held_on", "Date of the meeting", Kind::Date);
        let ok = answers(&[
            ("held_on-day", "3"),
            ("held_on-month", "3"),
            ("held_on-year", "2025"),
        ]);
        assert_eq!(
            read_date(&ok, &q).map(|d| d.map(|d| d.to_string())),
            Ok(Some("2025-03-03".to_owned()))
        );
        let missing = answers(&[("held_on-day", "3"), ("held_on-year", "2025")]);
        assert_eq!(
            read_date(&missing, &q),
            Err("Date of the meeting must include a month".to_owned())
        );
        let unreal = answers(&[
            ("held_on-day", "31"),
            ("held_on-month", "2"),
            ("held_on-year", "2025"),
        ]);
        assert_eq!(
            read_date(&unreal, &q),
            Err("Date of the meeting must be a real date".to_owned())
        );
    }

    #[test]
    fn a_revealed_question_counts_only_when_its_answer_is_chosen() {
        let q = Q::new(
            "outcome.outcome",
            "Outcome",
            Kind::Radios(vec![
                Opt::new("local-review", "Hold a local review"),
                Opt::new("other-learning", "Learn another way").reveals(vec![Q::new(
                    "outcome.form",
                    "How",
                    Kind::Text,
                )]),
            ]),
        );
        let mut v = serde_json::json!({});
        let mut errors = Vec::new();
        read(
            std::slice::from_ref(&q),
            &answers(&[("outcome.outcome", "local-review")]),
            &mut v,
            &mut errors,
        );
        assert!(errors.is_empty());
        assert_eq!(
            v,
            serde_json::json!({"outcome": {"outcome": "local-review"}})
        );
        let mut v = serde_json::json!({});
        read(
            &[q],
            &answers(&[("outcome.outcome", "other-learning")]),
            &mut v,
            &mut errors,
        );
        assert_eq!(
            errors,
            vec![("outcome-form".to_owned(), "Enter how".to_owned())]
        );
    }

    #[test]
    fn repeated_rows_are_packed_and_need_their_minimum() {
        let q = Q::new(
            "children",
            "Children",
            Kind::Repeat {
                rows: 3,
                min: 1,
                noun: "Child",
                questions: vec![
                    Q::new("name", "Name", Kind::Text),
                    Q::new("sex", "Sex", Kind::Text),
                ],
            },
        );
        let mut v = serde_json::json!({});
        let mut errors = Vec::new();
        read(
            std::slice::from_ref(&q),
            &answers(&[("children.1.name", "Ada"), ("children.1.sex", "female")]),
            &mut v,
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            v,
            serde_json::json!({"children": [{"name": "Ada", "sex": "female"}]})
        );
        let mut errors = Vec::new();
        read(&[q], &answers(&[]), &mut v, &mut errors);
        assert_eq!(
            errors,
            vec![(
                "children-0-name".to_owned(),
                "Enter at least 1 child".to_owned()
            )]
        );
    }
}
