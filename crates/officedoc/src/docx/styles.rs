//! Character and paragraph formatting of each 公文 element.
//!
//! Every run carries its font, size and colour directly instead of relying on
//! named styles: WPS and older Word versions substitute or rename styles on
//! open, while direct formatting survives every editor a county office uses.

use docx_rs::{
    AlignmentType, LineSpacing, LineSpacingType, Paragraph, Run, RunFonts, SpecialIndentType,
};

use super::layout::{
    BLACK, BODY_SIZE, FONT_FANGSONG, FONT_HEITI, FONT_KAITI, FONT_SONGTI, FONT_XIAOBIAOSONG,
    LINE_PITCH, RED, SIZE_ERHAO, SIZE_SIHAO, half_chars,
};

/// The look of one kind of text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Face {
    pub font: &'static str,
    /// Half-points.
    pub size: usize,
    pub bold: bool,
    pub color: &'static str,
}

impl Face {
    const fn new(font: &'static str, size: usize) -> Self {
        Self {
            font,
            size,
            bold: false,
            color: BLACK,
        }
    }

    pub(crate) const fn bold(self) -> Self {
        Self { bold: true, ..self }
    }

    const fn red(self) -> Self {
        Self { color: RED, ..self }
    }

    pub(crate) const fn sized(self, size: usize) -> Self {
        Self { size, ..self }
    }
}

/// 发文机关标志; the size is decided per document (see `issuer_mark`).
pub(crate) const ISSUER_MARK: Face = Face::new(FONT_XIAOBIAOSONG, 0).red();
/// 标题: 2号小标宋体.
pub(crate) const TITLE: Face = Face::new(FONT_XIAOBIAOSONG, SIZE_ERHAO);
/// 正文, 发文字号, 主送机关, 署名, 日期: 3号仿宋.
pub(crate) const BODY: Face = Face::new(FONT_FANGSONG, BODY_SIZE);
/// 一级标题: 黑体.
pub(crate) const HEADING1: Face = Face::new(FONT_HEITI, BODY_SIZE);
/// 二级标题: 楷体.
pub(crate) const HEADING2: Face = Face::new(FONT_KAITI, BODY_SIZE);
/// 版记 and body tables: 4号仿宋.
pub(crate) const SMALL: Face = Face::new(FONT_FANGSONG, SIZE_SIHAO);
/// 页码: 4号半角宋体.
pub(crate) const PAGE_NUMBER: Face = Face::new(FONT_SONGTI, SIZE_SIHAO);

/// Names the face for the East Asian, Latin and complex-script slots, so
/// digits and Latin letters in Chinese text do not fall back to Times New
/// Roman or Calibri.
pub(crate) fn fonts(font: &str) -> RunFonts {
    RunFonts::new()
        .ascii(font)
        .hi_ansi(font)
        .east_asia(font)
        .cs(font)
        .hint("eastAsia")
}

/// An empty run formatted with `face`, for text or fields to be added.
pub(crate) fn styled_run(face: Face) -> Run {
    let run = Run::new()
        .fonts(fonts(face.font))
        .size(face.size)
        .color(face.color);
    if face.bold { run.bold() } else { run }
}

/// A run of `text` in `face`.
pub(crate) fn run(text: &str, face: Face) -> Run {
    styled_run(face).add_text(text)
}

/// A paragraph on the 22-line grid: exact 28.95 pt lines. The paragraph mark
/// gets the face too, so an empty paragraph is one body line high.
pub(crate) fn grid_paragraph(face: Face) -> Paragraph {
    let p = Paragraph::new()
        .line_spacing(exact_line(LINE_PITCH))
        .fonts(fonts(face.font))
        .size(face.size);
    if face.bold { p.bold() } else { p }
}

/// Exact line spacing of `twips`, with no space before or after.
pub(crate) fn exact_line(twips: i32) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(twips)
        .before(0)
        .after(0)
}

/// One empty body line, the unit the standard counts "空一行" in.
pub(crate) fn blank_line() -> Paragraph {
    grid_paragraph(BODY)
}

/// A justified paragraph whose first line is indented two characters
/// (正文 and headings, clause 7.3.3).
pub(crate) fn indented_paragraph(text: &str, face: Face) -> Paragraph {
    grid_paragraph(face)
        .align(AlignmentType::Both)
        .indent(
            Some(0),
            Some(SpecialIndentType::FirstLine(half_chars(4))),
            None,
            None,
        )
        .add_run(run(text, face))
}

/// A paragraph with a fixed right indent, right-aligned (署名 and 日期).
pub(crate) fn right_paragraph(text: &str, face: Face, right_half_chars: i32) -> Paragraph {
    grid_paragraph(face)
        .align(AlignmentType::Right)
        .indent(None, None, Some(half_chars(right_half_chars)), None)
        .add_run(run(text, face))
}

/// A centred paragraph on the grid (发文字号).
pub(crate) fn centred_paragraph(text: &str, face: Face) -> Paragraph {
    grid_paragraph(face)
        .align(AlignmentType::Center)
        .add_run(run(text, face))
}
