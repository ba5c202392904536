//! The safeguarding synonym and abbreviation list (`data/synonyms.txt`), expanded at query time.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::analysis::{stemmed_analyzer, words};

/// Groups of equivalent terms, each term as its sequence of analysed words.
#[derive(Debug)]
pub(crate) struct Synonyms {
    groups: Vec<Vec<Vec<String>>>,
    /// For each first word, the terms starting with it and their group, longest first.
    by_first: HashMap<String, Vec<(Vec<String>, usize)>>,
}

static SYNONYMS: LazyLock<Synonyms> =
    LazyLock::new(|| Synonyms::parse(include_str!("../data/synonyms.txt")));

pub(crate) fn synonyms() -> &'static Synonyms {
    &SYNONYMS
}

impl Synonyms {
    fn parse(data: &str) -> Synonyms {
        let mut analyzer = stemmed_analyzer();
        let mut groups: Vec<Vec<Vec<String>>> = Vec::new();
        for line in data.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut group: Vec<Vec<String>> = Vec::new();
            for term in line.split('|') {
                let analysed: Vec<String> = words(&mut analyzer, term)
                    .into_iter()
                    .map(|w| w.term)
                    .collect();
                if !analysed.is_empty() && !group.contains(&analysed) {
                    group.push(analysed);
                }
            }
            if group.len() > 1 {
                groups.push(group);
            }
        }
        let mut by_first: HashMap<String, Vec<(Vec<String>, usize)>> = HashMap::new();
        for (index, group) in groups.iter().enumerate() {
            for term in group {
                if let Some(first) = term.first() {
                    by_first
                        .entry(first.clone())
                        .or_default()
                        .push((term.clone(), index));
                }
            }
        }
        for entries in by_first.values_mut() {
            entries.sort_by_key(|entry| std::cmp::Reverse(entry.0.len()));
        }
        Synonyms { groups, by_first }
    }

    /// The longest term of any group that `words` starts with: its length in words and group.
    pub(crate) fn longest_at(&self, words: &[String]) -> Option<(usize, usize)> {
        let first = words.first()?;
        self.by_first
            .get(first)?
            .iter()
            .find(|(term, _)| words.starts_with(term))
            .map(|(term, group)| (term.len(), *group))
    }

    /// The group whose one term is exactly `words`, if any.
    pub(crate) fn exact(&self, words: &[String]) -> Option<usize> {
        match self.longest_at(words) {
            Some((len, group)) if len == words.len() => Some(group),
            _ => None,
        }
    }

    /// The terms of a group.
    pub(crate) fn group(&self, index: usize) -> &[Vec<String>] {
        self.groups.get(index).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analysed(text: &str) -> Vec<String> {
        words(&mut stemmed_analyzer(), text)
            .into_iter()
            .map(|w| w.term)
            .collect()
    }

    #[test]
    fn every_line_is_a_group() {
        let data = include_str!("../data/synonyms.txt");
        let lines = data
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim().starts_with('#'))
            .count();
        assert_eq!(synonyms().groups.len(), lines);
    }

    #[test]
    fn abbreviations_find_their_long_forms() {
        let s = synonyms();
        let nai = s.exact(&analysed("NAI")).expect("nai is listed");
        assert!(s.group(nai).contains(&analysed("non-accidental injury")));
        let ae = s.exact(&analysed("A&E")).expect("a&e is listed");
        assert!(s.group(ae).contains(&analysed("emergency department")));
        let dna = s.exact(&analysed("was not brought")).expect("listed");
        assert!(s.group(dna).contains(&analysed("DNA")));
        assert!(s.exact(&analysed("ACEs")).is_some());
        let (len, _) = s
            .longest_at(&analysed("domestic abuse and neglect"))
            .expect("domestic abuse is listed");
        assert_eq!(len, 2);
    }
}
