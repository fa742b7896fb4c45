//! The one place where text becomes comparable.
//!
//! Documents (at upsert) and queries (at search) both pass through
//! [`normalize`], so a reader typing full-width `ＡＢＣ１２３`, upper-case Latin
//! or traditional `黨建` meets documents written as `abc123` or `党建`.
//!
//! Every step maps one character to exactly one character. That keeps the
//! normalised text aligned with the original, character for character, so a
//! match found in the normalised text can be highlighted in the original
//! without any offset bookkeeping (see `highlight`).

/// Normalises text for indexing and querying: full-width ASCII to half-width,
/// the ideographic space to a space, lower case, traditional Chinese to
/// simplified. The result has exactly as many characters as the input.
pub fn normalize(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut has_cjk = false;
    for c in text.chars() {
        if is_cjk(c) {
            has_cjk = true;
            folded.push(c);
        } else {
            folded.push(fold_char(c));
        }
    }
    if has_cjk {
        // fast2s converts character by character (with a look at the
        // neighbours for a few ambiguous ones such as 乾/干), so the character
        // count is preserved.
        fast2s::convert(&folded)
    } else {
        folded
    }
}

/// Width and case folding of one character.
fn fold_char(c: char) -> char {
    let c = match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    // A few characters lower-case to several (e.g. 'İ'); keep those as they
    // are so the one-to-one alignment holds.
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Whether `c` is a CJK ideograph (including the extensions and the
/// compatibility block) or the ideographic zero.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3007}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2EBEF}'
        | '\u{30000}'..='\u{3134F}')
}

/// Whether `c` belongs to a Latin/digit word (any letter or digit that is
/// not a CJK ideograph).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

/// What a run of normalised text is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    /// Chinese characters: segmented by jieba, split into characters/bigrams.
    Cjk,
    /// Letters and digits: one token, also a pinyin candidate.
    Word,
}

/// A maximal run of CJK characters or of word characters.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    pub kind: RunKind,
    /// Byte offset of the run in the text it came from.
    pub start: usize,
    pub text: &'a str,
}

/// Splits text into runs; everything else (spaces, punctuation, symbols)
/// separates runs and is dropped.
pub fn runs(text: &str) -> impl Iterator<Item = Run<'_>> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, kind) = loop {
            let (i, c) = rest.next()?;
            if is_cjk(c) {
                break (i, RunKind::Cjk);
            }
            if is_word_char(c) {
                break (i, RunKind::Word);
            }
        };
        let mut end = text.len();
        while let Some(&(i, c)) = rest.peek() {
            let same = match kind {
                RunKind::Cjk => is_cjk(c),
                RunKind::Word => is_word_char(c),
            };
            if !same {
                end = i;
                break;
            }
            rest.next();
        }
        Some(Run {
            kind,
            start,
            text: &text[start..end],
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_case_and_script() {
        assert_eq!(normalize("ＡＢＣ１２３"), "abc123");
        assert_eq!(normalize("黨建動態"), "党建动态");
        assert_eq!(normalize("Hello　World"), "hello world");
    }

    #[test]
    fn keeps_character_count() {
        for s in ["乾隆的乾兒子", "ＡＢ黨İx", "不忘初心、牢記使命！", ""] {
            assert_eq!(normalize(s).chars().count(), s.chars().count(), "{s}");
        }
    }

    #[test]
    fn splits_runs() {
        let kinds: Vec<_> = runs("5G基站，建设abc 党建")
            .map(|r| (r.kind, r.text))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (RunKind::Word, "5G"),
                (RunKind::Cjk, "基站"),
                (RunKind::Cjk, "建设"),
                (RunKind::Word, "abc"),
                (RunKind::Cjk, "党建"),
            ]
        );
    }
}
