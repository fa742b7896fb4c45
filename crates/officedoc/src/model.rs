//! The input model: what a 公文 and a ranking table consist of.

use time::Date;

use crate::error::OfficeDocError;
use crate::number::DocumentNumber;

/// A 公文 in the 文件 layout (版头, 主体, 版记) of GB/T 9704-2012.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficialDocument {
    /// 发文机关标志, printed red, e.g. "中共乡宁县委组织部文件".
    pub issuer_mark: String,
    /// 发文字号, e.g. 乡组通〔2026〕3号.
    pub number: DocumentNumber,
    /// 标题; a `\n` starts a new title line.
    pub title: String,
    /// 主送机关 including the final full-width colon; may be empty.
    pub recipients: String,
    /// 正文.
    pub body: Vec<Block>,
    /// 发文机关署名.
    pub signer: String,
    /// 成文日期.
    pub date: Date,
    /// 抄送 in the 版记, without the "抄送：" label.
    pub copy_to: Option<String>,
    /// 印发机关 in the 版记.
    pub printer: String,
    /// 印发日期 in the 版记.
    pub printed_on: Date,
}

/// One element of the 正文.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// First-level heading ("一、…"), 黑体.
    Heading1(String),
    /// Second-level heading ("（一）…"), 楷体_GB2312.
    Heading2(String),
    /// A natural paragraph, 仿宋_GB2312 with a two-character indent. A `\n`
    /// splits it into several natural paragraphs.
    Paragraph(String),
    /// A bordered table.
    Table(Table),
}

/// A rectangular table: one header row and data rows of the same width.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A table cell. Numbers stay numbers so XLSX can sum and sort them.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Integer(i64),
}

impl Table {
    /// Rejects shapes neither format can represent, before any output starts.
    pub(crate) fn validate(&self) -> Result<(), OfficeDocError> {
        if self.headers.is_empty() {
            return Err(OfficeDocError::NoColumns);
        }
        for (row, cells) in self.rows.iter().enumerate() {
            if cells.len() != self.headers.len() {
                return Err(OfficeDocError::RaggedRow {
                    row,
                    expected: self.headers.len(),
                    found: cells.len(),
                });
            }
            if let Some(column) = cells.iter().position(Cell::is_non_finite) {
                return Err(OfficeDocError::NonFiniteNumber { row, column });
            }
        }
        Ok(())
    }
}

impl Cell {
    fn is_non_finite(&self) -> bool {
        matches!(self, Cell::Number(n) if !n.is_finite())
    }

    /// How the cell is printed in a document: fractional numbers get at most
    /// two decimals (scores), without trailing zeros.
    pub(crate) fn display_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Integer(i) => i.to_string(),
            Cell::Number(n) => format_decimal(*n),
        }
    }

    /// Numbers are centred in tables; text too except long prose.
    pub(crate) fn is_numeric(&self) -> bool {
        !matches!(self, Cell::Text(_))
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(i: i64) -> Self {
        Cell::Integer(i)
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Self {
        Cell::Number(n)
    }
}

fn format_decimal(n: f64) -> String {
    let fixed = format!("{n:.2}");
    let trimmed = fixed.trim_end_matches('0').trim_end_matches('.');
    // "-0.00" trims to "-0", which reads oddly in a ranking.
    if trimmed == "-0" {
        "0".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_with_at_most_two_decimals() {
        assert_eq!(Cell::Number(95.5).display_text(), "95.5");
        assert_eq!(Cell::Number(90.0).display_text(), "90");
        assert_eq!(Cell::Number(87.333_333).display_text(), "87.33");
        assert_eq!(Cell::Number(-0.001).display_text(), "0");
        assert_eq!(Cell::Integer(12).display_text(), "12");
    }

    #[test]
    fn ragged_rows_and_nan_are_rejected() {
        let mut table = Table {
            headers: vec!["a".into(), "b".into()],
            rows: vec![vec![Cell::from("x")]],
        };
        assert!(matches!(
            table.validate(),
            Err(OfficeDocError::RaggedRow {
                row: 0,
                expected: 2,
                found: 1
            })
        ));
        table.rows = vec![vec![Cell::from("x"), Cell::Number(f64::NAN)]];
        assert!(matches!(
            table.validate(),
            Err(OfficeDocError::NonFiniteNumber { row: 0, column: 1 })
        ));
        assert!(matches!(
            Table::default().validate(),
            Err(OfficeDocError::NoColumns)
        ));
    }
}
