//! Pinyin of Chinese words, for the title pinyin field and for
//! highlighting titles found by pinyin.

use std::borrow::Cow;

use pinyin::ToPinyin;

/// The toneless syllables of one word (characters without a reading, such
/// as 〇, are left out).
pub(crate) struct WordPinyin {
    pub(crate) syllables: Vec<Cow<'static, str>>,
}

impl WordPinyin {
    pub(crate) fn of(word: &str) -> Self {
        WordPinyin {
            syllables: word.chars().filter_map(syllable).collect(),
        }
    }

    /// `dangjian` for 党建.
    pub(crate) fn full(&self) -> String {
        self.syllables.concat()
    }

    /// `dj` for 党建.
    pub(crate) fn initials(&self) -> String {
        self.syllables
            .iter()
            .filter_map(|s| s.chars().next())
            .collect()
    }
}

/// The most common toneless reading of a character, in ASCII: `ü` written
/// `v` as pinyin keyboards take it, `ê` as `e`.
pub(crate) fn syllable(c: char) -> Option<Cow<'static, str>> {
    let plain = c.to_pinyin()?.plain();
    Some(if plain.is_ascii() {
        Cow::Borrowed(plain)
    } else {
        Cow::Owned(plain.replace('ü', "v").replace('ê', "e"))
    })
}

/// Character ranges of `title` (a slice of normalised characters) whose
/// pinyin, full or initials, spells `query` (lower-case ASCII letters).
pub(crate) fn pinyin_matches(title: &[char], query: &str) -> Vec<std::ops::Range<usize>> {
    let readings: Vec<Option<Cow<str>>> = title.iter().map(|&c| syllable(c)).collect();
    let mut found = Vec::new();
    for start in 0..title.len() {
        if readings[start].is_none() {
            continue;
        }
        if let Some(end) = spell_from(&readings[start..], query, false)
            .or_else(|| spell_from(&readings[start..], query, true))
        {
            found.push(start..start + end);
        }
    }
    found
}

/// Length in characters of the prefix of `readings` that spells `query`.
fn spell_from(readings: &[Option<Cow<str>>], query: &str, initials: bool) -> Option<usize> {
    let mut rest = query;
    for (i, reading) in readings.iter().enumerate() {
        let reading = reading.as_deref()?;
        let part = if initials { &reading[..1] } else { reading };
        rest = rest.strip_prefix(part)?;
        if rest.is_empty() {
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_titles() {
        let title: Vec<char> = "县委党建动态".chars().collect();
        assert_eq!(pinyin_matches(&title, "dangjian"), vec![2..4]);
        assert_eq!(pinyin_matches(&title, "djdt"), vec![2..6]);
        assert!(pinyin_matches(&title, "zzz").is_empty());
        assert_eq!(WordPinyin::of("党建").initials(), "dj");
        assert_eq!(WordPinyin::of("绿色").full(), "lvse");
    }
}
