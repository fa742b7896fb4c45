//! Where every extractor writes its text: whitespace is normalised, control
//! characters are dropped and the character limit is enforced in one place.

/// A separator waiting for the next visible character. Stronger separators
/// win over weaker ones, so runs collapse to the strongest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    None,
    Space,
    Tab,
    Line,
    Paragraph,
}

impl Gap {
    fn as_str(self) -> &'static str {
        match self {
            Gap::None => "",
            Gap::Space => " ",
            Gap::Tab => "\t",
            Gap::Line => "\n",
            Gap::Paragraph => "\n\n",
        }
    }
}

/// Returned once the character limit is reached: the extractor should stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Full;

/// Normalising, size-capped text buffer.
///
/// Rules: runs of spaces (including U+3000 and other Unicode spaces) become one
/// space; a tab (cell separator) outranks spaces; one line break is kept,
/// two or more become one blank line (a paragraph break); whitespace at the
/// start and end of the text and around line breaks is dropped; control
/// characters and U+FEFF are removed. A space between two Chinese characters
/// is dropped (it is padding or justification, and would split words for the
/// index); with [`TextSink::joining_han_lines`], so is a single line break
/// between them (a line wrapped inside a word in a PDF).
#[derive(Debug)]
pub(crate) struct TextSink {
    text: String,
    chars: usize,
    max_chars: usize,
    gap: Gap,
    last: Option<char>,
    join_han_lines: bool,
    after_cr: bool,
    truncated: bool,
}

impl TextSink {
    pub(crate) fn new(max_chars: usize) -> Self {
        TextSink {
            text: String::new(),
            chars: 0,
            max_chars,
            gap: Gap::None,
            last: None,
            join_han_lines: false,
            after_cr: false,
            truncated: false,
        }
    }

    /// Also joins lines where a single line break falls between two Chinese
    /// characters: for PDFs, whose lines are visual, not paragraphs.
    pub(crate) fn joining_han_lines(mut self) -> Self {
        self.join_han_lines = true;
        self
    }

    /// Appends a piece of text, normalising it on the way.
    pub(crate) fn push_str(&mut self, s: &str) -> Result<(), Full> {
        s.chars().try_for_each(|c| self.push_char(c))
    }

    /// Appends one character of content.
    pub(crate) fn push_char(&mut self, c: char) -> Result<(), Full> {
        if self.truncated {
            return Err(Full);
        }
        let after_cr = std::mem::replace(&mut self.after_cr, c == '\r');
        match c {
            '\n' if after_cr => Ok(()),
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => {
                self.line_break();
                Ok(())
            }
            '\t' => {
                self.tab();
                Ok(())
            }
            c if c.is_whitespace() => {
                self.space();
                Ok(())
            }
            c if c.is_control() || c == '\u{feff}' => Ok(()),
            c => self.visible(c),
        }
    }

    /// A word separator.
    pub(crate) fn space(&mut self) {
        self.widen(Gap::Space);
    }

    /// A cell separator.
    pub(crate) fn tab(&mut self) {
        self.widen(Gap::Tab);
    }

    /// A line break; two in a row make a paragraph break.
    pub(crate) fn line_break(&mut self) {
        let next = if self.gap >= Gap::Line {
            Gap::Paragraph
        } else {
            Gap::Line
        };
        self.widen(next);
    }

    /// True once a character had to be dropped for the limit.
    pub(crate) fn is_full(&self) -> bool {
        self.truncated
    }

    /// Records that input was left out for a limit other than the character
    /// limit (e.g. PDF pages beyond the work budget).
    pub(crate) fn mark_truncated(&mut self) {
        self.truncated = true;
    }

    /// The text so far and whether it was cut at the limit.
    pub(crate) fn finish(self) -> (String, bool) {
        (self.text, self.truncated)
    }

    fn widen(&mut self, gap: Gap) {
        self.gap = self.gap.max(gap);
    }

    fn visible(&mut self, c: char) -> Result<(), Full> {
        let gap = self.gap_before(c).as_str();
        let needed = gap.len() + 1; // separators are ASCII: bytes == chars
        if self.chars + needed > self.max_chars {
            self.truncated = true;
            return Err(Full);
        }
        self.text.push_str(gap);
        self.text.push(c);
        self.chars += needed;
        self.gap = Gap::None;
        self.last = Some(c);
        Ok(())
    }

    /// The separator to write before `c`.
    fn gap_before(&self, c: char) -> Gap {
        let Some(last) = self.last else {
            return Gap::None;
        };
        let between_han = is_han(last) && is_han(c);
        match self.gap {
            Gap::Space if between_han => Gap::None,
            Gap::Line if between_han && self.join_han_lines => Gap::None,
            gap => gap,
        }
    }
}

/// Chinese (Han) characters: CJK Unified Ideographs and their extensions and
/// compatibility block.
fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2EBEF}'
        | '\u{30000}'..='\u{3134F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalise(s: &str) -> String {
        let mut sink = TextSink::new(usize::MAX);
        sink.push_str(s).unwrap();
        sink.finish().0
    }

    #[test]
    fn collapses_spaces_and_keeps_paragraphs() {
        assert_eq!(
            normalise("  a  \u{3000} b \n\n\n\n c\r\nd\re "),
            "a b\n\nc\nd\ne"
        );
        assert_eq!(normalise("x\t \ty"), "x\ty");
        assert_eq!(normalise("x \n y"), "x\ny");
    }

    #[test]
    fn spaces_between_han_characters_are_dropped() {
        assert_eq!(
            normalise("姓  名\u{3000}张 三 a 党 1 页"),
            "姓名张三 a 党 1 页"
        );
        assert_eq!(normalise("开\n展"), "开\n展");
    }

    #[test]
    fn pdf_mode_joins_lines_wrapped_between_han_characters() {
        let mut sink = TextSink::new(usize::MAX).joining_han_lines();
        sink.push_str("决定开\n展活动。\n下一段\n\n标题\nEnd\n结束")
            .unwrap();
        assert_eq!(sink.finish().0, "决定开展活动。\n下一段\n\n标题\nEnd\n结束");
    }

    #[test]
    fn drops_control_characters_and_bom() {
        assert_eq!(normalise("\u{feff}a\u{0}b\u{7}c\u{1b}"), "abc");
    }

    #[test]
    fn stops_at_the_limit_without_trailing_gap() {
        let mut sink = TextSink::new(4);
        assert_eq!(sink.push_str("ab cd"), Err(Full));
        assert!(sink.is_full());
        assert_eq!(sink.finish(), ("ab c".to_owned(), true));

        let mut sink = TextSink::new(2);
        assert_eq!(sink.push_str("ab\n\ncd"), Err(Full));
        assert_eq!(sink.finish(), ("ab".to_owned(), true));
    }

    #[test]
    fn exact_fit_is_not_truncated() {
        let mut sink = TextSink::new(3);
        sink.push_str("党 A ").unwrap();
        assert_eq!(sink.finish(), ("党 A".to_owned(), false));
    }
}
