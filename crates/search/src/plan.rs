//! From what a reader typed to the units a query must match.
//!
//! The text is capped, normalised and cut into runs. Chinese runs are
//! scanned for editors' synonym terms first, the rest is segmented by jieba;
//! neighbouring single characters that jieba could not place in a word (a
//! name, an unknown term) are kept together as one unit, matched as a
//! substring. Latin/digit runs are units of their own, also tried as pinyin.
//! Every unit must match (AND); a run that gave several units is also
//! tried as a whole phrase, which lifts documents containing it verbatim.

use std::collections::HashSet;

use crate::normalize::{RunKind, normalize, runs};
use crate::segment::Segmenter;
use crate::synonyms::Synonyms;

/// Raw input considered, in bytes; anything longer is cut first so that a
/// pasted page costs nothing.
const MAX_INPUT_BYTES: usize = 1024;
/// Query text considered after normalisation, in characters.
const MAX_QUERY_CHARS: usize = 64;
/// Units considered; more would only slow the query down.
const MAX_UNITS: usize = 12;
/// Function words dropped from a query that has other words.
const STOPWORDS: &[&str] = &[
    "的", "了", "和", "与", "及", "或", "之", "等", "吗", "呢", "啊", "吧", "着", "过", "也", "在",
    "是",
];

/// One thing the documents must contain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unit {
    /// Normalised text of the unit.
    pub text: String,
    /// Latin letters/digits (matched whole, and as title pinyin).
    pub latin: bool,
    /// Editors' synonyms that may stand in for it.
    pub synonyms: Vec<String>,
}

/// The units of a query, and the runs worth matching as phrases.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub units: Vec<Unit>,
    pub phrases: Vec<String>,
    /// Unit and synonym texts of three or more characters that every
    /// document carries as a word (shipped dictionary words): the word
    /// field finds them all, so the costly bigram phrase is not needed.
    pub indexed_words: HashSet<String>,
}

impl Plan {
    /// Every text worth highlighting: units and their synonyms.
    pub(crate) fn highlight_terms(&self) -> Vec<String> {
        let mut terms: Vec<String> = Vec::new();
        for unit in &self.units {
            for t in std::iter::once(&unit.text).chain(&unit.synonyms) {
                if !terms.contains(t) {
                    terms.push(t.clone());
                }
            }
        }
        terms
    }
}

/// Plans a query. Never fails: text without letters, digits or Chinese
/// characters gives an empty plan, which matches nothing.
pub(crate) fn plan(input: &str, segmenter: &Segmenter, synonyms: &Synonyms) -> Plan {
    let text = normalize(cut_chars(
        cut_bytes(input, MAX_INPUT_BYTES),
        MAX_QUERY_CHARS,
    ));
    let mut plan = Plan::default();
    for run in runs(&text) {
        let before = plan.units.len();
        match run.kind {
            RunKind::Word => plan.units.push(Unit {
                text: run.text.to_string(),
                latin: true,
                synonyms: synonyms.others(run.text),
            }),
            RunKind::Cjk => plan_cjk(run.text, segmenter, synonyms, &mut plan.units),
        }
        if plan.units.len() - before > 1 {
            plan.phrases.push(run.text.to_string());
        }
    }
    drop_stopwords(&mut plan.units);
    dedup(&mut plan.units);
    plan.units.truncate(MAX_UNITS);
    plan.indexed_words = plan
        .highlight_terms()
        .into_iter()
        .filter(|t| t.chars().count() >= 3 && segmenter.is_indexed_word(t))
        .collect();
    plan
}

fn cut_bytes(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn cut_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// Synonym terms first (longest match), jieba for the stretches between.
fn plan_cjk(run: &str, segmenter: &Segmenter, synonyms: &Synonyms, units: &mut Vec<Unit>) {
    let chars: Vec<char> = run.chars().collect();
    let mut pending = String::new();
    let mut at = 0;
    while at < chars.len() {
        let found = if synonyms.is_empty() {
            None
        } else {
            synonyms.longest_at(&chars, at)
        };
        match found {
            Some(len) => {
                segment_into(&pending, segmenter, units);
                pending.clear();
                let text: String = chars[at..at + len].iter().collect();
                let synonyms = synonyms.others(&text);
                units.push(Unit {
                    text,
                    latin: false,
                    synonyms,
                });
                at += len;
            }
            None => {
                pending.push(chars[at]);
                at += 1;
            }
        }
    }
    segment_into(&pending, segmenter, units);
}

/// jieba words of `text`, with neighbouring single characters (other than
/// function words) joined into one unit.
fn segment_into(text: &str, segmenter: &Segmenter, units: &mut Vec<Unit>) {
    if text.is_empty() {
        return;
    }
    let mut singles = String::new();
    let flush = |singles: &mut String, units: &mut Vec<Unit>| {
        if !singles.is_empty() {
            units.push(cjk_unit(singles));
            singles.clear();
        }
    };
    for word in segmenter.words(text) {
        if word.chars().count() == 1 && !STOPWORDS.contains(&word) {
            singles.push_str(word);
        } else {
            flush(&mut singles, units);
            units.push(cjk_unit(word));
        }
    }
    flush(&mut singles, units);
}

fn cjk_unit(text: &str) -> Unit {
    Unit {
        text: text.to_string(),
        latin: false,
        synonyms: Vec::new(),
    }
}

fn drop_stopwords(units: &mut Vec<Unit>) {
    if units.iter().any(|u| !STOPWORDS.contains(&u.text.as_str())) {
        units.retain(|u| !STOPWORDS.contains(&u.text.as_str()));
    }
}

fn dedup(units: &mut Vec<Unit>) {
    let mut seen: Vec<String> = Vec::new();
    units.retain(|u| {
        let new = !seen.contains(&u.text);
        seen.push(u.text.clone());
        new
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &str, synonyms: &Synonyms) -> Vec<String> {
        let seg = Segmenter::new();
        plan(input, &seg, synonyms)
            .units
            .into_iter()
            .map(|u| u.text)
            .collect()
    }

    #[test]
    fn punctuation_only_is_empty() {
        assert!(texts("“”：（）!!!", &Synonyms::default()).is_empty());
        assert!(texts("", &Synonyms::default()).is_empty());
    }

    #[test]
    fn slogan_splits_on_enumeration_comma() {
        assert_eq!(
            texts("不忘初心、牢记使命", &Synonyms::default()),
            vec!["不忘初心", "牢记使命"]
        );
    }

    #[test]
    fn synonyms_are_found_inside_runs() {
        let syn = Synonyms::new([["党建", "党的建设"]]);
        let seg = Segmenter::new();
        let p = plan("加强黨的建設", &seg, &syn);
        let last = p.units.last().unwrap();
        assert_eq!(last.text, "党的建设");
        assert_eq!(last.synonyms, vec!["党建"]);
        assert_eq!(p.phrases, vec!["加强党的建设"]);
    }

    #[test]
    fn stopwords_and_long_input() {
        assert_eq!(texts("党的", &Synonyms::default()), vec!["党"]);
        assert_eq!(texts("的", &Synonyms::default()), vec!["的"]);
        let long = "党建".repeat(10_000);
        assert!(texts(&long, &Synonyms::default()).len() <= MAX_UNITS);
    }

    #[test]
    fn latin_and_full_width() {
        assert_eq!(
            texts("ＤＪＤＴ 2024", &Synonyms::default()),
            vec!["djdt", "2024"]
        );
    }
}
