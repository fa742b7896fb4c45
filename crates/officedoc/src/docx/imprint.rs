//! 版记 (clause 7.4): 抄送 and 印发机关/印发日期 between rules, at the foot
//! of the last page.
//!
//! It is a one-column floating table anchored to the bottom of the 版心:
//! table rules give the exact full-width thick/thin lines the standard asks
//! for, and bottom anchoring makes the last rule coincide with the 版心's
//! lower edge however long the body is — no layout pass is needed here.

use docx_rs::{
    AlignmentType, BorderType, Paragraph, Tab, TabValueType, TableBorder, TableBorderPosition,
    TableBorders, TableCell, TableCellMargins, TableLayoutType, TablePositionProperty, TableRow,
    WidthType,
};

use super::layout::{IMPRINT_THICK_RULE, IMPRINT_THIN_RULE, LINE_PITCH, TYPE_WIDTH, half_chars};
use super::styles::{SMALL, exact_line, fonts, run, styled_run};
use crate::model::OfficialDocument;
use crate::number::chinese_date;
use crate::text::clean;

/// The "抄送：" label is three characters wide; wrapped lines align after it.
const COPY_LABEL: &str = "抄送：";
const LABEL_HALF_CHARS: i32 = 6;
/// 抄送 and 印发机关 sit one character in from the 版心 edges.
const ONE_CHAR: i32 = 2;

/// The 版记 table: optional 抄送 row, then the 印发 row.
pub(crate) fn imprint(doc: &OfficialDocument) -> docx_rs::Table {
    let copy_to = doc
        .copy_to
        .as_deref()
        .map(|c| clean(c).trim().to_owned())
        .filter(|c| !c.is_empty());
    let mut rows: Vec<TableRow> = copy_to
        .map(|c| row(copy_to_paragraph(&c)))
        .into_iter()
        .collect();
    rows.push(row(printer_paragraph(
        clean(&doc.printer).trim(),
        &chinese_date(doc.printed_on),
    )));
    docx_rs::Table::new(rows)
        .set_grid(vec![TYPE_WIDTH as usize])
        .width(TYPE_WIDTH as usize, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .set_borders(rules())
        .margins(TableCellMargins::new().margin(0, 0, 0, 0))
        .position(bottom_of_type_area())
}

/// The floating table needs a paragraph after it to anchor to (and a body
/// must end with a paragraph); at 1 pt high it practically never pushes a
/// blank page.
pub(crate) fn anchor_paragraph() -> Paragraph {
    Paragraph::new()
        .snap_to_grid(false)
        .line_spacing(exact_line(20))
        .size(2)
}

fn row(p: Paragraph) -> TableRow {
    let cell = TableCell::new()
        .width(TYPE_WIDTH as usize, WidthType::Dxa)
        .add_paragraph(p);
    TableRow::new(vec![cell]).cant_split()
}

/// "抄送：A，B。" — one character in on both sides, wrapped lines aligned
/// with the first name after the colon, ending with a full stop.
fn copy_to_paragraph(names: &str) -> Paragraph {
    let mut text = format!("{COPY_LABEL}{names}");
    if !text.ends_with('。') {
        text.push('。');
    }
    imprint_paragraph()
        .align(AlignmentType::Both)
        .indent(
            Some(half_chars(ONE_CHAR + LABEL_HALF_CHARS)),
            Some(docx_rs::SpecialIndentType::Hanging(half_chars(
                LABEL_HALF_CHARS,
            ))),
            Some(half_chars(ONE_CHAR)),
            None,
        )
        .add_run(run(&text, SMALL))
}

/// 印发机关 one character from the left, "…印发" one character from the
/// right, on one line through a right tab stop.
fn printer_paragraph(printer: &str, date: &str) -> Paragraph {
    let right_edge = (TYPE_WIDTH - half_chars(ONE_CHAR)) as usize;
    imprint_paragraph()
        .indent(Some(half_chars(ONE_CHAR)), None, None, None)
        .add_tab(Tab::new().val(TabValueType::Right).pos(right_edge))
        .add_run(run(printer, SMALL))
        .add_run(styled_run(SMALL).add_tab())
        .add_run(run(&format!("{date}印发"), SMALL))
}

/// 版记 lines stay one grid line high so the block looks like part of the
/// page; off the character grid so the tab stop is honoured precisely.
fn imprint_paragraph() -> Paragraph {
    Paragraph::new()
        .snap_to_grid(false)
        .line_spacing(exact_line(LINE_PITCH))
        .fonts(fonts(SMALL.font))
        .size(SMALL.size)
}

/// Thick first and last rules, thin rules between items, nothing vertical.
fn rules() -> TableBorders {
    let nil = |pos| TableBorder::new(pos).border_type(BorderType::Nil);
    TableBorders::new()
        .set(TableBorder::new(TableBorderPosition::Top).size(IMPRINT_THICK_RULE))
        .set(TableBorder::new(TableBorderPosition::Bottom).size(IMPRINT_THICK_RULE))
        .set(TableBorder::new(TableBorderPosition::InsideH).size(IMPRINT_THIN_RULE))
        .set(nil(TableBorderPosition::Left))
        .set(nil(TableBorderPosition::Right))
        .set(nil(TableBorderPosition::InsideV))
}

/// Floats the table to the bottom of the 版心 (margin box) of the page its
/// anchor paragraph falls on, spanning its full width.
fn bottom_of_type_area() -> TablePositionProperty {
    TablePositionProperty::new()
        .vertical_anchor("margin")
        .position_y_alignment("bottom")
        .horizontal_anchor("margin")
        .position_x_alignment("center")
        .left_from_text(0)
        .right_from_text(0)
}
