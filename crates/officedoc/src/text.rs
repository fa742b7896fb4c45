//! Text helpers shared by the DOCX and XLSX writers.

/// Removes characters XML 1.0 cannot carry at all (C0 controls other than
/// tab/newline, U+FFFE/U+FFFF). Escaping cannot save them: Word refuses the
/// whole file, so one stray control character pasted from another system
/// would make the bulletin unopenable. `\r\n` and `\r` become `\n`.
pub(crate) fn clean(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|&c| is_xml_char(c))
        .collect()
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Width in half-character units: ASCII (digits, Latin) is half a Chinese
/// character wide in 仿宋/宋体, everything else a full character. Used to
/// place the signature and to size table columns.
pub(crate) fn half_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_dropped_and_newlines_normalised() {
        assert_eq!(clean("a\u{1}b\r\nc\rd\te"), "ab\nc\nd\te");
        assert_eq!(clean("<&>通报"), "<&>通报");
    }

    #[test]
    fn ascii_counts_half() {
        assert_eq!(half_width("2026年11月27日"), 14);
        assert_eq!(half_width("中共乡宁县委组织部"), 18);
    }
}
