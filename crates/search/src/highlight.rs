//! Snippets with the matches marked, as plain-text fragments.
//!
//! Matches are looked for in the normalised text, which is aligned with the
//! original character for character (see `normalize`), and cut out of the
//! original: a reader who searched 黨建 sees 党建 marked in the text as it
//! was written. Chinese terms match as substrings (like the gram field);
//! Latin words only whole; pinyin queries mark the title characters that
//! spell them.

use std::ops::Range;

use crate::normalize::{is_word_char, normalize};
use crate::pinyin::pinyin_matches;
use crate::plan::Plan;
use crate::query::{Fragment, Snippet};

/// Characters of a body or attachment passage.
pub(crate) const PASSAGE_CHARS: usize = 120;
/// Context shown before the first match of a passage.
const LEAD_CHARS: usize = 20;
/// Titles longer than this are cut (they are shown whole otherwise).
const TITLE_CHARS: usize = 200;
/// Matches considered when choosing a passage.
const MAX_ANCHORS: usize = 200;

/// The terms of one query, ready to mark texts.
pub(crate) struct Highlighter {
    terms: Vec<Vec<char>>,
    pinyin: Vec<String>,
}

impl Highlighter {
    pub(crate) fn new(plan: &Plan) -> Self {
        let mut terms: Vec<Vec<char>> = plan
            .highlight_terms()
            .iter()
            .map(|t| t.chars().collect())
            .collect();
        // Longer terms first, so that merging prefers the longest match.
        terms.sort_by_key(|t| std::cmp::Reverse(t.len()));
        let pinyin = plan
            .units
            .iter()
            .filter(|u| {
                u.latin && u.text.len() > 1 && u.text.bytes().all(|b| b.is_ascii_lowercase())
            })
            .map(|u| u.text.clone())
            .collect();
        Highlighter { terms, pinyin }
    }

    /// Merged character ranges of matches in normalised text.
    fn ranges(&self, norm: &[char], with_pinyin: bool) -> Vec<Range<usize>> {
        let mut found: Vec<Range<usize>> = Vec::new();
        for term in &self.terms {
            find_term(norm, term, &mut found);
        }
        if with_pinyin {
            for query in &self.pinyin {
                found.extend(pinyin_matches(norm, query));
            }
        }
        merge(found)
    }

    /// How many matches a text has (to pick the attachment to show).
    pub(crate) fn count(&self, text: &str) -> usize {
        let norm: Vec<char> = normalize(text).chars().collect();
        self.ranges(&norm, false).len()
    }

    /// A whole short text (a title, a file name) with matches marked.
    pub(crate) fn whole(&self, text: &str, with_pinyin: bool) -> Snippet {
        let (orig, norm) = aligned(text);
        let ranges = self.ranges(&norm, with_pinyin);
        let end = orig.len().min(TITLE_CHARS);
        Snippet {
            parts: fragments(&orig, &ranges, 0..end),
            cut_before: false,
            cut_after: end < orig.len(),
        }
    }

    /// The passage of a long text with the most matches, or its beginning.
    pub(crate) fn passage(&self, text: &str) -> Snippet {
        let (orig, norm) = aligned(text);
        let ranges = self.ranges(&norm, false);
        let window = best_window(&norm, &ranges, PASSAGE_CHARS);
        Snippet {
            cut_before: window.start > 0,
            cut_after: window.end < orig.len(),
            parts: fragments(&orig, &ranges, window),
        }
    }
}

/// Original and normalised characters. They align by construction; should
/// they ever not, the normalised text is shown so marks stay correct.
fn aligned(text: &str) -> (Vec<char>, Vec<char>) {
    let orig: Vec<char> = text.chars().collect();
    let norm: Vec<char> = normalize(text).chars().collect();
    if orig.len() == norm.len() {
        (orig, norm)
    } else {
        (norm.clone(), norm)
    }
}

/// Occurrences of `term` in `text`; Latin words only at word boundaries.
fn find_term(text: &[char], term: &[char], found: &mut Vec<Range<usize>>) {
    let Some(&first) = term.first() else { return };
    if term.len() > text.len() {
        return;
    }
    let latin = term.iter().all(|&c| is_word_char(c));
    for at in 0..=text.len() - term.len() {
        if text[at] != first || &text[at..at + term.len()] != term {
            continue;
        }
        let end = at + term.len();
        let bounded = !latin
            || ((at == 0 || !is_word_char(text[at - 1]))
                && (end == text.len() || !is_word_char(text[end])));
        if bounded {
            found.push(at..end);
        }
    }
}

/// Sorts and merges overlapping or touching ranges.
fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// The window of `width` characters covering the most distinct matched
/// texts (then the most matches), starting a little before a match.
fn best_window(norm: &[char], ranges: &[Range<usize>], width: usize) -> Range<usize> {
    let n = norm.len();
    let mut best = (0usize, 0usize, 0usize); // (distinct, count, start)
    for anchor in ranges.iter().take(MAX_ANCHORS) {
        let start = anchor.start.saturating_sub(LEAD_CHARS);
        let end = (start + width).min(n);
        let inside: Vec<&[char]> = ranges
            .iter()
            .filter(|r| r.start >= start && r.end <= end)
            .map(|r| &norm[r.clone()])
            .collect();
        let mut distinct = inside.clone();
        distinct.sort();
        distinct.dedup();
        let score = (distinct.len(), inside.len());
        if score > (best.0, best.1) {
            best = (score.0, score.1, start);
        }
    }
    let first_hit = ranges
        .iter()
        .find(|r| r.start >= best.2)
        .map_or(best.2, |r| r.start);
    let start = sentence_start(norm, best.2, first_hit);
    let end = (start + width).min(n);
    // Near the end of the text, show a full window rather than a stub.
    let start = if end - start < width {
        end.saturating_sub(width)
    } else {
        start
    };
    start..end
}

/// Moves a passage start forward to just after a punctuation mark, when
/// there is one before the first match in the window, so the passage does
/// not open in the middle of a word.
fn sentence_start(norm: &[char], start: usize, first_hit: usize) -> usize {
    if start == 0 {
        return 0;
    }
    let limit = first_hit.max(start).min(norm.len());
    (start..limit)
        .find(|&i| is_break(norm[i]))
        .map_or(start, |i| i + 1)
}

fn is_break(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '，' | '。' | '；' | '！' | '？' | '、' | '：' | ',' | '.' | ';' | '!' | '?'
        )
}

/// Fragments of `orig[window]`, marked by `ranges`, whitespace collapsed.
fn fragments(orig: &[char], ranges: &[Range<usize>], window: Range<usize>) -> Vec<Fragment> {
    let mut parts: Vec<Fragment> = Vec::new();
    let mut ranges = ranges.iter().peekable();
    let mut last_space = true;
    for at in window {
        while ranges.peek().is_some_and(|r| r.end <= at) {
            ranges.next();
        }
        let hit = ranges.peek().is_some_and(|r| r.start <= at);
        let mut c = orig[at];
        if c.is_whitespace() {
            if last_space && !hit {
                continue;
            }
            c = ' ';
        }
        last_space = c == ' ';
        match parts.last_mut() {
            Some(last) if last.hit == hit => last.text.push(c),
            _ => parts.push(Fragment {
                text: c.to_string(),
                hit,
            }),
        }
    }
    if let Some(last) = parts.last_mut().filter(|p| !p.hit) {
        last.text.truncate(last.text.trim_end().len());
    }
    parts.retain(|p| !p.text.is_empty());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Unit;

    fn highlighter(terms: &[&str]) -> Highlighter {
        let units = terms
            .iter()
            .map(|t| Unit {
                text: t.to_string(),
                latin: t.is_ascii(),
                synonyms: Vec::new(),
            })
            .collect();
        Highlighter::new(&Plan {
            units,
            ..Plan::default()
        })
    }

    fn marked(s: &Snippet) -> String {
        s.parts
            .iter()
            .map(|p| {
                if p.hit {
                    format!("[{}]", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn marks_original_text_of_normalised_match() {
        let h = highlighter(&["党建", "abc"]);
        let s = h.whole("黨建工作ＡＢＣ與abcd", false);
        assert_eq!(marked(&s), "[黨建]工作[ＡＢＣ]與abcd");
    }

    #[test]
    fn title_marked_by_pinyin() {
        let h = highlighter(&["djdt"]);
        assert_eq!(marked(&h.whole("县委党建动态", true)), "县委[党建动态]");
    }

    #[test]
    fn passage_centres_on_matches_and_collapses_space() {
        let h = highlighter(&["公示"]);
        let text = format!("{}\n\n干部任前公示\n{}", "前".repeat(300), "后".repeat(300));
        let s = h.passage(&text);
        assert!(s.cut_before && s.cut_after);
        assert_eq!(s.hits().collect::<Vec<_>>(), vec!["公示"]);
        assert!(s.text().starts_with("干部任前公示 后"), "{}", s.text());
        assert!(s.text().chars().count() <= PASSAGE_CHARS);
    }

    #[test]
    fn passage_without_match_is_the_beginning() {
        let h = highlighter(&["党"]);
        let s = h.passage("乡村振兴简报");
        assert_eq!(marked(&s), "乡村振兴简报");
        assert!(!s.cut_before && !s.cut_after);
    }
}
