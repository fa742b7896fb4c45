//! Editors' synonym groups, used to expand queries (never documents, so a
//! change takes effect at once without reindexing).

use std::collections::HashMap;

use crate::normalize::normalize;

/// Groups of interchangeable terms, normalised.
#[derive(Debug, Default)]
pub(crate) struct Synonyms {
    groups: Vec<Vec<String>>,
    group_of: HashMap<String, usize>,
    longest: usize,
}

impl Synonyms {
    /// Builds the table; terms are normalised, blank ones and groups of
    /// fewer than two distinct terms are dropped. A term listed in two
    /// groups belongs to the first.
    pub(crate) fn new<G, T, S>(groups: G) -> Self
    where
        G: IntoIterator<Item = T>,
        T: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut table = Synonyms::default();
        for group in groups {
            let mut terms: Vec<String> = Vec::new();
            for term in group {
                let term = normalize(term.as_ref().trim());
                if !term.is_empty() && !table.group_of.contains_key(&term) && !terms.contains(&term)
                {
                    terms.push(term);
                }
            }
            if terms.len() < 2 {
                continue;
            }
            let id = table.groups.len();
            for term in &terms {
                table.group_of.insert(term.clone(), id);
                table.longest = table.longest.max(term.chars().count());
            }
            table.groups.push(terms);
        }
        table
    }

    /// The other terms of `term`'s group.
    pub(crate) fn others(&self, term: &str) -> Vec<String> {
        match self.group_of.get(term) {
            Some(&id) => self.groups[id]
                .iter()
                .filter(|t| *t != term)
                .cloned()
                .collect(),
            None => Vec::new(),
        }
    }

    /// The longest synonym term starting at character `at` of `chars`, as
    /// its length in characters.
    pub(crate) fn longest_at(&self, chars: &[char], at: usize) -> Option<usize> {
        let max = self.longest.min(chars.len() - at);
        (1..=max).rev().find(|&len| {
            let candidate: String = chars[at..at + len].iter().collect();
            self.group_of.contains_key(&candidate)
        })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_lookup() {
        let s = Synonyms::new([vec!["党建", "黨的建設"], vec!["x"], vec!["党建", "y"]]);
        assert_eq!(s.others("党建"), vec!["党的建设"]);
        assert_eq!(s.others("党的建设"), vec!["党建"]);
        assert!(s.others("y").is_empty());
        let chars: Vec<char> = "加强党的建设".chars().collect();
        assert_eq!(s.longest_at(&chars, 2), Some(4));
        assert_eq!(s.longest_at(&chars, 0), None);
    }
}
