//! 发文字号 and dates as GB/T 9704-2012 clause 7.2.4 and 7.3.5 spell them.

use std::fmt;

use time::Date;

/// 发文字号: 机关代字 + 〔年份〕 + 发文顺序号 + 号.
///
/// Displays as "乡组通〔2026〕3号": the year in full inside 六角括号, the
/// sequence number without "第" and without padding zeros.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocumentNumber {
    /// 机关代字 plus type word, e.g. "乡组通".
    pub prefix: String,
    pub year: i32,
    pub seq: u32,
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}〔{}〕{}号", self.prefix, self.year, self.seq)
    }
}

/// A date as 成文日期 and 印发日期 print it: "2026年11月27日", Arabic
/// numerals, full year, no padding zeros (so 1 is never written 01).
pub fn chinese_date(date: Date) -> String {
    format!(
        "{}年{}月{}日",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn document_number_uses_hexagonal_brackets_and_no_padding() {
        let n = DocumentNumber {
            prefix: "乡组通".into(),
            year: 2026,
            seq: 3,
        };
        assert_eq!(n.to_string(), "乡组通〔2026〕3号");
        let n = DocumentNumber { seq: 12, ..n };
        assert_eq!(n.to_string(), "乡组通〔2026〕12号");
    }

    #[test]
    fn dates_have_no_leading_zeros() {
        assert_eq!(chinese_date(date!(2026 - 11 - 27)), "2026年11月27日");
        assert_eq!(chinese_date(date!(2027 - 01 - 05)), "2027年1月5日");
    }
}
