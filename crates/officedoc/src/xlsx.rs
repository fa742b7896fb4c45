//! XLSX output of a ranking [`Table`], for offices that re-sort or total it.

use rust_xlsxwriter::{ColNum, Format, FormatAlign, FormatBorder, RowNum, Workbook, Worksheet};

use crate::error::OfficeDocError;
use crate::model::{Cell, Table};
use crate::text::{clean, half_width};

/// Excel's "paper size" code for A4, so printouts match the bulletin.
const PAPER_A4: u8 = 9;
/// The font office PCs in the county always have for Chinese spreadsheets.
const FONT: &str = "宋体";
const TITLE_ROW: RowNum = 0;
const HEADER_ROW: RowNum = 1;
const FIRST_DATA_ROW: RowNum = 2;
/// Column widths in Excel units (≈ one '0' of the default font); a Chinese
/// character takes about two, i.e. one unit per half-character.
const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;
const PADDING: usize = 4;

/// Renders `table` as one worksheet named `sheet_name`: `title` merged across
/// the first row, a bold header row, then the data with numbers stored as
/// numbers.
///
/// # Errors
///
/// The table shape errors of [`OfficeDocError`], and
/// [`OfficeDocError::Xlsx`] for an invalid sheet name (longer than 31
/// characters, or containing `[ ] : * ? / \`).
pub fn table_xlsx(sheet_name: &str, title: &str, table: &Table) -> Result<Vec<u8>, OfficeDocError> {
    table.validate()?;
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(clean(sheet_name))?;
    let last_col = col_num(table.headers.len() - 1);
    write_title(sheet, &clean(title), last_col)?;
    write_headers(sheet, &table.headers)?;
    for (i, row) in table.rows.iter().enumerate() {
        write_row(sheet, FIRST_DATA_ROW + row_num(i), row)?;
    }
    set_widths(sheet, table)?;
    print_setup(sheet)?;
    Ok(workbook.save_to_buffer()?)
}

fn write_title(sheet: &mut Worksheet, title: &str, last_col: ColNum) -> Result<(), OfficeDocError> {
    let format = Format::new()
        .set_font_name(FONT)
        .set_font_size(16)
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    if last_col == 0 {
        sheet.write_string_with_format(TITLE_ROW, 0, title, &format)?;
    } else {
        sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, last_col, title, &format)?;
    }
    sheet.set_row_height(TITLE_ROW, 32)?;
    Ok(())
}

fn write_headers(sheet: &mut Worksheet, headers: &[String]) -> Result<(), OfficeDocError> {
    let format = cell_format().set_bold().set_align(FormatAlign::Center);
    for (col, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, col_num(col), clean(header), &format)?;
    }
    sheet.set_row_height(HEADER_ROW, 20)?;
    Ok(())
}

fn write_row(sheet: &mut Worksheet, row: RowNum, cells: &[Cell]) -> Result<(), OfficeDocError> {
    let centred = cell_format().set_align(FormatAlign::Center);
    let text = cell_format();
    for (col, cell) in cells.iter().enumerate() {
        let col = col_num(col);
        match cell {
            Cell::Text(s) => sheet.write_string_with_format(row, col, clean(s), &text)?,
            // i64 beyond 2^53 loses precision in Excel's doubles either way.
            Cell::Integer(i) => sheet.write_number_with_format(row, col, *i as f64, &centred)?,
            Cell::Number(n) => sheet.write_number_with_format(row, col, *n, &centred)?,
        };
    }
    Ok(())
}

/// Thin borders, 宋体 11, vertically centred, wrapping long text.
fn cell_format() -> Format {
    Format::new()
        .set_font_name(FONT)
        .set_font_size(11)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
}

/// Sizes each column to its longest header or cell. rust_xlsxwriter's
/// autofit measures Latin glyphs and under-sizes Chinese text, hence this.
fn set_widths(sheet: &mut Worksheet, table: &Table) -> Result<(), OfficeDocError> {
    for (col, header) in table.headers.iter().enumerate() {
        let longest = table
            .rows
            .iter()
            .map(|r| half_width(&r[col].display_text()))
            .fold(half_width(header), usize::max);
        let width = (longest + PADDING).clamp(MIN_WIDTH, MAX_WIDTH);
        sheet.set_column_width(col_num(col), width as f64)?;
    }
    Ok(())
}

/// A4 portrait, fitted to one page wide, header row repeated on every page,
/// and the header frozen while scrolling.
fn print_setup(sheet: &mut Worksheet) -> Result<(), OfficeDocError> {
    sheet
        .set_paper_size(PAPER_A4)
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true);
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    sheet.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    Ok(())
}

/// Saturating conversions: an out-of-range index becomes Excel's limit, which
/// rust_xlsxwriter then rejects with a proper error instead of wrapping.
fn col_num(i: usize) -> ColNum {
    ColNum::try_from(i).unwrap_or(ColNum::MAX)
}

fn row_num(i: usize) -> RowNum {
    RowNum::try_from(i).unwrap_or(RowNum::MAX - FIRST_DATA_ROW)
}
