//! tantivy tokenizers over normalised text.
//!
//! Documents are normalised once in `doc` before they reach these, and
//! queries are normalised in `plan`, so the tokenizers do no folding of
//! their own. Three analyses are registered on every index:
//!
//! * `dj_word`: jieba search-mode words of Chinese runs, Latin/digit runs
//!   whole. Good precision and ranking, but depends on the dictionary.
//! * `dj_gram`: every Chinese character and every bigram of neighbours, at
//!   the position of its first character, Latin/digit runs whole. Finds any
//!   substring whatever the dictionary said (one-character queries, words
//!   added after the document was indexed).
//! * `dj_pinyin` (titles): syllables, and the full pinyin and initials of
//!   spans of up to four words and of the words inside long words, so
//!   `dangjian` and `djdt` find 党建动态 and `dangjian` finds 党建引领.

use std::iter::Peekable;
use std::str::CharIndices;
use std::sync::Arc;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::normalize::{RunKind, is_cjk, is_word_char, runs};
use crate::pinyin::WordPinyin;
use crate::segment::Segmenter;

pub(crate) const WORD: &str = "dj_word";
pub(crate) const GRAM: &str = "dj_gram";
pub(crate) const PINYIN: &str = "dj_pinyin";

/// Longest Latin/digit token indexed; longer runs are ids or junk.
const MAX_WORD_BYTES: usize = 64;
/// Longest word span turned into pinyin.
const MAX_PINYIN_SPAN: usize = 4;

/// A token stream over tokens computed up front.
pub(crate) struct VecStream {
    tokens: Vec<Token>,
    next: usize,
}

impl VecStream {
    fn new(tokens: Vec<Token>) -> Self {
        VecStream { tokens, next: 0 }
    }
}

impl TokenStream for VecStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

fn token(text: &str, from: usize, to: usize, position: usize) -> Token {
    Token {
        offset_from: from,
        offset_to: to,
        position,
        text: text.to_string(),
        position_length: 1,
    }
}

/// Tokens given as byte ranges of one text, filled into a single reused
/// [`Token`] (tantivy consumes one token at a time, so allocating a string
/// per token would be wasted work).
pub(crate) struct SpanStream<'a> {
    text: &'a str,
    spans: std::vec::IntoIter<(usize, usize)>,
    token: Token,
}

impl TokenStream for SpanStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((from, to)) = self.spans.next() else {
            return false;
        };
        self.token.text.clear();
        self.token.text.push_str(&self.text[from..to]);
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.token.position.wrapping_add(1);
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// `dj_word`: jieba words.
#[derive(Clone)]
pub(crate) struct WordTokenizer {
    pub(crate) segmenter: Arc<Segmenter>,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = SpanStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SpanStream<'a> {
        let mut spans = Vec::with_capacity(text.len() / 4);
        for run in runs(text) {
            match run.kind {
                RunKind::Cjk => self.segmenter.index_words(run.text, |_, from, to| {
                    spans.push((run.start + from, run.start + to));
                }),
                RunKind::Word if run.text.len() <= MAX_WORD_BYTES => {
                    spans.push((run.start, run.start + run.text.len()));
                }
                RunKind::Word => {}
            }
        }
        SpanStream {
            text,
            spans: spans.into_iter(),
            token: Token::default(),
        }
    }
}

/// `dj_gram`: characters and bigrams.
#[derive(Clone)]
pub(crate) struct GramTokenizer;

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = GramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> GramStream<'a> {
        GramStream {
            text,
            chars: text.char_indices().peekable(),
            token: Token::default(),
            next_position: 0,
            bigram: None,
        }
    }
}

/// Streams, for each CJK character, the character and the bigram it starts
/// (both at the character's position); a Latin/digit run as one token. A
/// position is skipped after every run, so phrases never match across
/// punctuation.
pub(crate) struct GramStream<'a> {
    text: &'a str,
    chars: Peekable<CharIndices<'a>>,
    token: Token,
    next_position: usize,
    /// The bigram still to emit: byte range and position.
    bigram: Option<(usize, usize, usize)>,
}

impl GramStream<'_> {
    fn emit(&mut self, from: usize, to: usize, position: usize) -> bool {
        self.token.text.clear();
        self.token.text.push_str(&self.text[from..to]);
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = position;
        true
    }

    /// Consumes the rest of a Latin/digit run; returns its end.
    fn word_end(&mut self, mut end: usize) -> usize {
        while let Some(&(at, c)) = self.chars.peek() {
            if !is_word_char(c) {
                break;
            }
            end = at + c.len_utf8();
            self.chars.next();
        }
        end
    }
}

impl TokenStream for GramStream<'_> {
    fn advance(&mut self) -> bool {
        if let Some((from, to, position)) = self.bigram.take() {
            return self.emit(from, to, position);
        }
        while let Some((at, c)) = self.chars.next() {
            let position = self.next_position;
            if is_cjk(c) {
                let next = self.chars.peek().copied().filter(|&(_, n)| is_cjk(n));
                match next {
                    Some((next_at, n)) => {
                        self.bigram = Some((at, next_at + n.len_utf8(), position));
                        self.next_position += 1;
                    }
                    None => self.next_position += 2,
                }
                return self.emit(at, at + c.len_utf8(), position);
            }
            if is_word_char(c) {
                let end = self.word_end(at + c.len_utf8());
                self.next_position += 2;
                if end - at <= MAX_WORD_BYTES {
                    return self.emit(at, end, position);
                }
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// `dj_pinyin`: pinyin of title words.
#[derive(Clone)]
pub(crate) struct PinyinTokenizer {
    pub(crate) segmenter: Arc<Segmenter>,
}

impl Tokenizer for PinyinTokenizer {
    type TokenStream<'a> = VecStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecStream {
        let mut tokens = Vec::new();
        for run in runs(text).filter(|r| r.kind == RunKind::Cjk) {
            let words: Vec<WordPinyin> = self
                .segmenter
                .words(run.text)
                .into_iter()
                .map(WordPinyin::of)
                .collect();
            push_pinyin_spans(&words, run.start, true, &mut tokens);
            // Words inside longer words too: 党建 of 党建引领 answers
            // `dangjian`.
            let mut inner = Vec::new();
            self.segmenter.index_words(run.text, |w, _, _| {
                if w.chars().count() >= 2 {
                    inner.push(WordPinyin::of(w));
                }
            });
            for word in inner {
                push_pinyin_spans(std::slice::from_ref(&word), run.start, false, &mut tokens);
            }
        }
        VecStream::new(tokens)
    }
}

/// Syllables (if asked), then full pinyin and initials of every span of up
/// to [`MAX_PINYIN_SPAN`] consecutive words.
fn push_pinyin_spans(words: &[WordPinyin], start: usize, syllables: bool, tokens: &mut Vec<Token>) {
    let mut push = |text: &str| {
        if !text.is_empty() && text.len() <= MAX_WORD_BYTES {
            let position = tokens.len();
            tokens.push(token(text, start, start, position));
        }
    };
    for word in words.iter().filter(|_| syllables) {
        for syllable in &word.syllables {
            push(syllable);
        }
    }
    for first in 0..words.len() {
        let mut full = String::new();
        let mut initials = String::new();
        for word in words.iter().skip(first).take(MAX_PINYIN_SPAN) {
            full.push_str(&word.full());
            initials.push_str(&word.initials());
            if word.syllables.len() > 1 || full.len() > word.full().len() {
                push(&full);
            }
            if initials.len() > 1 {
                push(&initials);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(mut stream: impl TokenStream) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        while stream.advance() {
            out.push((stream.token().text.clone(), stream.token().position));
        }
        out
    }

    #[test]
    fn grams_with_gap_between_runs() {
        let got = texts(GramTokenizer.token_stream("党建，ab"));
        let want = [("党", 0), ("党建", 0), ("建", 1), ("ab", 3)];
        let want: Vec<_> = want.iter().map(|(t, p)| (t.to_string(), *p)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn words_include_inner_words() {
        let mut tok = WordTokenizer {
            segmenter: Arc::new(Segmenter::new()),
        };
        let words: Vec<_> = texts(tok.token_stream("干部任前公示5g"))
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        for w in ["干部", "公示", "干部任前公示", "5g"] {
            assert!(words.contains(&w.to_string()), "{w} in {words:?}");
        }
    }

    #[test]
    fn pinyin_full_and_initials() {
        let mut tok = PinyinTokenizer {
            segmenter: Arc::new(Segmenter::new()),
        };
        let got: Vec<_> = texts(tok.token_stream("党建动态"))
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        for w in [
            "dang",
            "dangjian",
            "dj",
            "djdt",
            "dangjiandongtai",
            "dongtai",
        ] {
            assert!(got.contains(&w.to_string()), "{w} in {got:?}");
        }
        let got: Vec<_> = texts(tok.token_stream("党建引领基层治理"))
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert!(got.contains(&"dangjian".to_string()), "{got:?}");
        assert!(got.contains(&"djyl".to_string()), "{got:?}");
    }
}
