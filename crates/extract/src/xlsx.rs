//! XLSX through `calamine`: every sheet, its name first, then cells separated
//! by tabs and rows by line breaks.
//!
//! Cells are streamed (`worksheet_cells_reader`) rather than loaded as a
//! `Range`, whose dense grid would be huge for a sheet with one cell at A1
//! and one at XFD1048576.

use std::io::Cursor;
use std::ops::ControlFlow;

use calamine::{Data, DataRef, Reader, Xlsx, XlsxError};

use crate::Limits;
use crate::error::{ExtractError, Format};
use crate::sink::TextSink;
use crate::zipguard::{self, Budget};

pub(crate) fn extract(
    bytes: &[u8],
    limits: &Limits,
    sink: &mut TextSink,
) -> Result<(), ExtractError> {
    // calamine inflates parts on its own, so bound them before it does.
    let mut archive = zipguard::open(bytes, Format::Xlsx)?;
    Budget::new(Format::Xlsx, limits.max_unzipped_bytes).check_xml_parts(&mut archive)?;

    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(calamine_error)?;
    for name in workbook.sheet_names() {
        if read_sheet(&mut workbook, &name, sink)?.is_break() {
            break;
        }
    }
    Ok(())
}

/// Writes one sheet; `Break` means the sink is full.
fn read_sheet(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    sink: &mut TextSink,
) -> Result<ControlFlow<()>, ExtractError> {
    sink.line_break();
    sink.line_break();
    if sink.push_str(name).is_err() {
        return Ok(ControlFlow::Break(()));
    }
    let mut cells = workbook
        .worksheet_cells_reader(name)
        .map_err(calamine_error)?;
    let mut last_row = None;
    while let Some(cell) = cells.next_cell().map_err(calamine_error)? {
        let Some(text) = cell_text(cell.get_value()) else {
            continue;
        };
        let (row, _) = cell.get_position();
        if last_row == Some(row) {
            sink.tab();
        } else {
            sink.line_break();
        }
        last_row = Some(row);
        if sink.push_str(&text).is_err() {
            return Ok(ControlFlow::Break(()));
        }
    }
    Ok(ControlFlow::Continue(()))
}

/// The cell as text, or `None` for an empty cell. Dates come out as Excel
/// serial numbers (the `dates` feature of calamine is off).
fn cell_text(value: &DataRef<'_>) -> Option<String> {
    let text = match value {
        DataRef::Empty => return None,
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::String(s) => s.clone(),
        other => Data::from(other.clone()).to_string(),
    };
    (!text.trim().is_empty()).then_some(text)
}

fn calamine_error(e: XlsxError) -> ExtractError {
    match e {
        XlsxError::Password => ExtractError::Encrypted {
            format: Format::Xlsx,
        },
        e => ExtractError::malformed(Format::Xlsx, e),
    }
}
