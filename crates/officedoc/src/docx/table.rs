//! Tables inside the 正文 (e.g. the quarterly ranking).
//!
//! The standard leaves tables to the drafter; county bulletins use a fully
//! ruled table spanning the 版心, 4号仿宋 text and a bold header row.

use docx_rs::{
    AlignmentType, LineSpacing, Paragraph, TableBorder, TableBorderPosition, TableBorders,
    TableCell, TableCellMargins, TableLayoutType, TableRow, VAlignType, WidthType,
};

use super::layout::TYPE_WIDTH;
use super::styles::{Face, SMALL, fonts, run};
use crate::model::{Cell, Table};
use crate::text::{clean, half_width};

/// 0.5 pt rules, in eighths of a point.
const RULE_WEIGHT: usize = 4;
/// Left/right cell padding, ≈1 mm; top/bottom padding gives rows air.
const CELL_PAD_X: usize = 57;
const CELL_PAD_Y: usize = 40;
/// Column widths follow content length, but one long column (a remark) must
/// not starve the others, and a one-digit column still needs room for its
/// header.
const MIN_WEIGHT: usize = 4;
const MAX_WEIGHT: usize = 30;
/// Columns with text longer than this are justified rather than centred.
const CENTRE_LIMIT: usize = 24;

/// A bordered table as wide as the 版心. The caller has validated the shape.
pub(crate) fn body_table(table: &Table) -> docx_rs::Table {
    let widths = column_widths(table);
    let centred = centred_columns(table);
    let header = table
        .headers
        .iter()
        .map(|h| clean(h))
        .zip(&widths)
        .map(|(text, &w)| cell(&text, w, SMALL.bold(), AlignmentType::Center));
    let mut rows = vec![TableRow::new(header.collect()).cant_split()];
    rows.extend(table.rows.iter().map(|r| data_row(r, &widths, &centred)));
    docx_rs::Table::new(rows)
        .set_grid(widths)
        .width(TYPE_WIDTH as usize, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .set_borders(full_borders())
        .margins(TableCellMargins::new().margin(CELL_PAD_Y, CELL_PAD_X, CELL_PAD_Y, CELL_PAD_X))
}

fn data_row(cells: &[Cell], widths: &[usize], centred: &[bool]) -> TableRow {
    let cells = cells
        .iter()
        .zip(widths)
        .zip(centred)
        .map(|((c, &w), &centre)| {
            let align = if centre || c.is_numeric() {
                AlignmentType::Center
            } else {
                AlignmentType::Both
            };
            cell(&clean(&c.display_text()), w, SMALL, align)
        });
    TableRow::new(cells.collect()).cant_split()
}

/// One cell with one paragraph. Off the grid with single spacing: 4号 text on
/// 28.95 pt grid lines would make every row a full body line tall.
fn cell(text: &str, width: usize, face: Face, align: AlignmentType) -> TableCell {
    let p = Paragraph::new()
        .align(align)
        .snap_to_grid(false)
        .line_spacing(LineSpacing::new().before(0).after(0))
        .fonts(fonts(face.font))
        .size(face.size)
        .add_run(run(text, face));
    TableCell::new()
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
        .add_paragraph(p)
}

/// Splits the 版心 width among columns in proportion to their longest text;
/// the last column absorbs rounding so the table is exactly 版心 wide.
pub(crate) fn column_widths(table: &Table) -> Vec<usize> {
    let weights: Vec<usize> = (0..table.headers.len())
        .map(|col| column_weight(table, col))
        .collect();
    let total: usize = weights.iter().sum();
    let width = TYPE_WIDTH as usize;
    let mut widths: Vec<usize> = weights.iter().map(|w| width * w / total).collect();
    let used: usize = widths.iter().sum();
    if let Some(last) = widths.last_mut() {
        *last += width - used;
    }
    widths
}

/// The longest text in a column (header or cell), in half characters plus
/// padding for the cell margins, clamped.
fn column_weight(table: &Table, col: usize) -> usize {
    let header = half_width(&table.headers[col]);
    let longest = table
        .rows
        .iter()
        .map(|r| half_width(&r[col].display_text()))
        .fold(header, usize::max);
    (longest + 2).clamp(MIN_WEIGHT, MAX_WEIGHT)
}

fn centred_columns(table: &Table) -> Vec<bool> {
    (0..table.headers.len())
        .map(|col| {
            table
                .rows
                .iter()
                .all(|r| half_width(&r[col].display_text()) <= CENTRE_LIMIT)
        })
        .collect()
}

fn full_borders() -> TableBorders {
    use TableBorderPosition::*;
    [Top, Bottom, Left, Right, InsideH, InsideV]
        .into_iter()
        .fold(TableBorders::new(), |b, pos| {
            b.set(TableBorder::new(pos).size(RULE_WEIGHT))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docx::layout::half_chars;

    #[test]
    fn columns_fill_the_type_area_and_follow_content() {
        let table = Table {
            headers: vec!["排名".into(), "单位".into(), "得分".into()],
            rows: vec![vec![
                Cell::Integer(1),
                Cell::from("中共乡宁县昌宁镇委员会组织办"),
                Cell::Number(98.5),
            ]],
        };
        let widths = column_widths(&table);
        assert_eq!(widths.iter().sum::<usize>(), TYPE_WIDTH as usize);
        assert!(widths[1] > widths[0] * 3);
        // The narrowest column still holds a two-character header.
        assert!(widths[0] >= half_chars(4) as usize);
    }
}
