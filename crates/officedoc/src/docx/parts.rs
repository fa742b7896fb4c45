//! Package-level parts: page setup (sectPr), document defaults (styles.xml),
//! the odd/even page-number footers, and writing the ZIP.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, DocGrid, DocGridType, Docx, FieldCharType, Footer, InstrPAGE, InstrText,
    LineSpacing, PageMargin, Paragraph,
};

use super::layout::{
    BODY_SIZE, CHAR_SPACE, FONT_FANGSONG, FOOTER_DISTANCE, HEADER_DISTANCE, LINE_PITCH,
    MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, PAGE_HEIGHT, PAGE_WIDTH, half_chars,
};
use super::styles::{PAGE_NUMBER, fonts, run, styled_run};
use crate::error::OfficeDocError;

/// A4, GB/T 9704 margins and the 22 × 28 document grid.
pub(crate) fn page_setup(docx: Docx) -> Docx {
    let mut docx = docx
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(PageMargin {
            top: MARGIN_TOP,
            left: MARGIN_LEFT,
            bottom: MARGIN_BOTTOM,
            right: MARGIN_RIGHT,
            header: HEADER_DISTANCE,
            footer: FOOTER_DISTANCE,
            gutter: 0,
        });
    let grid = DocGrid::new()
        .grid_type(DocGridType::LinesAndChars)
        .line_pitch(LINE_PITCH as usize)
        .char_space(CHAR_SPACE as isize);
    docx.document = docx.document.doc_grid(grid);
    docx
}

/// Document defaults: 仿宋_GB2312 三号. Word measures `w:charSpace` against
/// this size, so it must match the body text for 28 characters per line.
pub(crate) fn defaults(docx: Docx) -> Docx {
    docx.default_fonts(fonts(FONT_FANGSONG))
        .default_size(BODY_SIZE)
}

/// Page numbers "— 1 —": odd pages right, even pages left, each one
/// character in from the 版心 edge (clause 7.5). Setting an even footer also
/// turns on `w:evenAndOddHeaders` in settings.xml.
pub(crate) fn footers(docx: Docx) -> Docx {
    let odd = page_number(AlignmentType::Right).indent(None, None, Some(half_chars(2)), None);
    let even = page_number(AlignmentType::Left).indent(Some(half_chars(2)), None, None, None);
    docx.footer(Footer::new().add_paragraph(odd))
        .even_footer(Footer::new().add_paragraph(even))
}

/// "— PAGE —" in 宋体 四号, with the 一字线 as em dashes. Off the grid and at
/// single spacing so the footer height (and thus the 7 mm gap) is the
/// font's own line height, not a grid line.
fn page_number(align: AlignmentType) -> Paragraph {
    let field = styled_run(PAGE_NUMBER)
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false);
    Paragraph::new()
        .align(align)
        .snap_to_grid(false)
        .line_spacing(LineSpacing::new().before(0).after(0))
        .fonts(fonts(PAGE_NUMBER.font))
        .size(PAGE_NUMBER.size)
        .add_run(run("— ", PAGE_NUMBER))
        .add_run(field)
        .add_run(run(" —", PAGE_NUMBER))
}

/// Serialises the package into memory.
pub(crate) fn pack(docx: Docx) -> Result<Vec<u8>, OfficeDocError> {
    let mut out = Cursor::new(Vec::new());
    docx.pack(&mut out)
        .map_err(|e| OfficeDocError::Docx(Box::new(e)))?;
    Ok(out.into_inner())
}
