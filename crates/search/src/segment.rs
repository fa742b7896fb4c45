//! Word segmentation: jieba with the party-building dictionary.
//!
//! One [`Segmenter`] is shared (behind an `Arc`) by every tokenizer clone and
//! every index generation, so a word an editor adds is used by the next
//! document indexed and the next query planned, without reopening anything.

use std::collections::HashSet;
use std::sync::{PoisonError, RwLock};

use jieba_rs::Jieba;

use crate::normalize::{RunKind, normalize, runs};

/// The dictionary shipped with the crate (see the file for its format).
const PARTY_DICT: &str = include_str!("../dict/party.txt");

/// Whether jieba's HMM guesses words missing from the dictionary (mostly
/// names) when indexing. Queries never use it: a query's unknown stretch is
/// kept whole instead (see `plan`), which finds the same documents.
const INDEX_HMM: bool = true;

/// Names jieba-rs's own dictionary. Bump it when upgrading jieba-rs to a
/// version with another dictionary: the fingerprint changes, and indexes
/// segmented with the old one ask for a rebuild.
const JIEBA_DICTIONARY: &str = "jieba-rs 0.11 default dictionary";

/// A short fingerprint of the shipped dictionaries (FNV-1a, 64 bits): an
/// index records it, so a build with other dictionaries knows that its
/// documents were segmented differently.
pub(crate) fn dictionary_fingerprint() -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in JIEBA_DICTIONARY.bytes().chain(PARTY_DICT.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// jieba plus the dictionary words learnt so far.
pub(crate) struct Segmenter {
    jieba: RwLock<Jieba>,
    /// Words added at run time: documents indexed before may lack them as
    /// words, so queries for them also look at characters (see `build`).
    added: RwLock<HashSet<String>>,
}

impl Segmenter {
    /// jieba's own dictionary plus the shipped party-building terms.
    pub(crate) fn new() -> Self {
        let mut jieba = Jieba::new();
        for line in PARTY_DICT.lines() {
            for (word, freq) in dictionary_entries(line) {
                jieba.add_word(&word, freq, None);
            }
        }
        Segmenter {
            jieba: RwLock::new(jieba),
            added: RwLock::new(HashSet::new()),
        }
    }

    /// Teaches the segmenter more words (an editor's list). Each entry is
    /// read like a dictionary line. Returns how many words were added.
    pub(crate) fn add_words<I, S>(&self, words: I) -> usize
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let entries: Vec<_> = words
            .into_iter()
            .flat_map(|w| dictionary_entries(w.as_ref()))
            .collect();
        let mut jieba = self.jieba.write().unwrap_or_else(PoisonError::into_inner);
        let mut added = self.added.write().unwrap_or_else(PoisonError::into_inner);
        for (word, freq) in &entries {
            jieba.add_word(word, *freq, None);
            added.insert(word.clone());
        }
        entries.len()
    }

    /// Whether every document indexed by this segmenter carries `word` as a
    /// word wherever it occurs: a word of the shipped dictionaries (not one
    /// added at run time).
    pub(crate) fn is_indexed_word(&self, word: &str) -> bool {
        let jieba = self.jieba.read().unwrap_or_else(PoisonError::into_inner);
        jieba.has_word(word)
            && !self
                .added
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .contains(word)
    }

    /// Search-mode segmentation of one run of CJK characters, for indexing:
    /// every dictionary word and the 2- and 3-character words inside longer
    /// ones, so 干部任前公示 also yields 干部 and 公示. Calls `sink` with the
    /// word and its byte range within `run`.
    pub(crate) fn index_words(&self, run: &str, mut sink: impl FnMut(&str, usize, usize)) {
        let jieba = self.jieba.read().unwrap_or_else(PoisonError::into_inner);
        for token in jieba.cut_for_search(run, INDEX_HMM) {
            if token.end - token.start > MIN_LONG_INNER {
                long_inner_words(&jieba, token.word, |from, to| {
                    sink(
                        &token.word[from..to],
                        token.byte_start + from,
                        token.byte_start + to,
                    );
                });
            }
            sink(token.word, token.byte_start, token.byte_end);
        }
    }

    /// Plain segmentation (longest dictionary words, no guessing) of one run
    /// of CJK characters, for queries and title pinyin.
    pub(crate) fn words<'a>(&self, run: &'a str) -> Vec<&'a str> {
        let jieba = self.jieba.read().unwrap_or_else(PoisonError::into_inner);
        jieba.cut(run, false).into_iter().map(|t| t.word).collect()
    }
}

/// jieba's search mode yields the 2- and 3-character words inside a long
/// word; words of this length and more inside it are added here, so that
/// 流动党员管理 is also indexed as 流动党员.
const MIN_LONG_INNER: usize = 4;

/// Calls `sink` with the byte range of every dictionary word of at least
/// [`MIN_LONG_INNER`] characters strictly inside `word`.
fn long_inner_words(jieba: &Jieba, word: &str, mut sink: impl FnMut(usize, usize)) {
    let bounds: Vec<usize> = word
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(word.len()))
        .collect();
    let chars = bounds.len() - 1;
    for len in MIN_LONG_INNER..chars {
        for start in 0..=chars - len {
            let (from, to) = (bounds[start], bounds[start + len]);
            if jieba.has_word(&word[from..to]) {
                sink(from, to);
            }
        }
    }
}

/// Reads one dictionary line into the words to add, with their frequency
/// (`None` lets jieba pick one that keeps the word whole).
///
/// The term is normalised like all text. A term with punctuation inside
/// (不忘初心、牢记使命) yields its parts and the parts joined; jieba never sees
/// punctuation inside a word. Terms with Latin letters or digits are skipped:
/// those are split off before segmentation and could never match.
pub(crate) fn dictionary_entries(line: &str) -> Vec<(String, Option<usize>)> {
    let line = line.split('#').next().unwrap_or("");
    let mut fields = line.split_whitespace();
    let Some(term) = fields.next() else {
        return Vec::new();
    };
    let freq = fields.next().and_then(|f| f.parse().ok());
    let term = normalize(term);
    let parts: Vec<_> = runs(&term).collect();
    if parts.is_empty() || parts.iter().any(|r| r.kind == RunKind::Word) {
        return Vec::new();
    }
    let mut out: Vec<(String, Option<usize>)> = parts
        .iter()
        .filter(|r| r.text.chars().count() >= 2)
        .map(|r| (r.text.to_string(), freq))
        .collect();
    if parts.len() > 1 {
        out.push((parts.iter().map(|r| r.text).collect(), freq));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slogan_with_enumeration_comma_yields_parts_and_whole() {
        let words: Vec<_> = dictionary_entries("不忘初心、牢记使命")
            .into_iter()
            .map(|(w, _)| w)
            .collect();
        assert_eq!(words, vec!["不忘初心", "牢记使命", "不忘初心牢记使命"]);
    }

    #[test]
    fn comments_frequencies_and_latin_terms() {
        assert!(dictionary_entries("# 党建").is_empty());
        assert!(dictionary_entries("光荣在党50年").is_empty());
        assert_eq!(
            dictionary_entries("组工信息 5000 n"),
            vec![("组工信息".to_string(), Some(5000))]
        );
        assert_eq!(dictionary_entries("黨費")[0].0, "党费");
    }

    #[test]
    fn shipped_dictionary_keeps_party_terms_whole() {
        let seg = Segmenter::new();
        for term in [
            "三会一课",
            "干部任前公示",
            "驻村工作队",
            "组工信息",
            "民主评议党员",
        ] {
            assert_eq!(seg.words(term), vec![term], "{term}");
        }
        assert!(
            PARTY_DICT
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .count()
                >= 150
        );
    }

    #[test]
    fn long_words_also_index_the_long_words_inside() {
        let seg = Segmenter::new();
        let mut words = Vec::new();
        seg.index_words("流动党员管理", |w, _, _| words.push(w.to_string()));
        for w in ["流动", "党员", "流动党员", "流动党员管理"] {
            assert!(words.contains(&w.to_string()), "{w} in {words:?}");
        }
        assert!(seg.is_indexed_word("流动党员"));
    }

    #[test]
    fn editor_words_take_effect() {
        let seg = Segmenter::new();
        assert_ne!(seg.words("红旗渠精神研学"), vec!["红旗渠精神研学"]);
        assert_eq!(seg.add_words(["红旗渠精神研学"]), 1);
        assert_eq!(seg.words("红旗渠精神研学"), vec!["红旗渠精神研学"]);
        assert!(!seg.is_indexed_word("红旗渠精神研学"));
    }
}
