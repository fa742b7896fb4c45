//! The 版头 and 主体 of a 公文: what goes on the page, in order.
//!
//! Vertical distances the standard states in lines ("下空二行") are made of
//! empty body lines, exactly as a clerk would type them, so they stay on the
//! 22-line rhythm and survive editing in any word processor.

use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, LineSpacing, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders,
};

use super::layout::{
    ISSUER_MARK_OFFSET, RED, RED_RULE_GAP_PT, RED_RULE_WEIGHT, SIZE_CHUHAO, TYPE_WIDTH,
};
use super::styles::{
    BODY, Face, HEADING1, HEADING2, ISSUER_MARK, TITLE, blank_line, centred_paragraph, fonts,
    grid_paragraph, indented_paragraph, right_paragraph, run, styled_run,
};
use super::table::body_table;
use crate::model::{Block, OfficialDocument};
use crate::number::chinese_date;
use crate::text::{clean, half_width};

/// Below this horizontal scale a squeezed mark becomes hard to read, so the
/// font shrinks instead.
const MIN_MARK_SCALE: i32 = 50;
/// The mark may use 96 % of the 版心 width: substituted fonts and side
/// bearings make real glyphs slightly wider than their nominal size, and a
/// mark that wraps onto a second line ruins the 版头.
const MARK_MAX_WIDTH: i32 = TYPE_WIDTH * 96 / 100;

/// Appends 版头: issuer mark, two blank lines, 发文字号 with the red rule.
pub(crate) fn add_head(docx: Docx, doc: &OfficialDocument) -> Docx {
    docx.add_paragraph(issuer_mark(&clean(&doc.issuer_mark)))
        .add_paragraph(blank_line())
        .add_paragraph(blank_line())
        .add_paragraph(document_number(&doc.number.to_string()))
}

/// Appends the title (two lines under the rule) and 主送机关 (one line under
/// the title), clause 7.3.1–7.3.2.
pub(crate) fn add_title(docx: Docx, doc: &OfficialDocument) -> Docx {
    let docx = docx
        .add_paragraph(blank_line())
        .add_paragraph(blank_line())
        .add_paragraph(title(&clean(&doc.title)))
        .add_paragraph(blank_line());
    let recipients = clean(&doc.recipients);
    if recipients.trim().is_empty() {
        return docx;
    }
    docx.add_paragraph(flush_left(recipients.trim()))
}

/// Appends the 正文 blocks in order.
pub(crate) fn add_body(docx: Docx, blocks: &[Block]) -> Docx {
    blocks.iter().fold(docx, add_block)
}

/// Appends 发文机关署名 and 成文日期 after one blank line (clause 7.3.5.2).
pub(crate) fn add_signature(docx: Docx, doc: &OfficialDocument) -> Docx {
    let signer = clean(&doc.signer);
    let signer = signer.trim();
    let date = chinese_date(doc.date);
    let (signer_right, date_right) = signature_indents(half_width(signer), half_width(&date));
    // Kept together so the signer never ends a page without its date.
    docx.add_paragraph(blank_line().keep_next(true))
        .add_paragraph(right_paragraph(signer, BODY, signer_right).keep_next(true))
        .add_paragraph(right_paragraph(&date, BODY, date_right))
}

fn add_block(docx: Docx, block: &Block) -> Docx {
    match block {
        Block::Heading1(text) => docx.add_paragraph(heading(text, HEADING1, 0)),
        Block::Heading2(text) => docx.add_paragraph(heading(text, HEADING2, 1)),
        Block::Paragraph(text) => natural_paragraphs(&clean(text))
            .into_iter()
            .fold(docx, Docx::add_paragraph),
        Block::Table(table) => docx.add_table(body_table(table)),
    }
}

/// A heading keeps with the following text and carries an outline level so
/// the navigation pane lists it.
fn heading(text: &str, face: Face, level: usize) -> Paragraph {
    indented_paragraph(clean(text).trim(), face)
        .keep_next(true)
        .outline_lvl(level)
}

/// Each line of a `Block::Paragraph` is its own natural paragraph; blank
/// lines are dropped because the standard separates paragraphs by indent,
/// not by empty lines.
fn natural_paragraphs(text: &str) -> Vec<Paragraph> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| indented_paragraph(line, BODY))
        .collect()
}

/// 发文机关标志: centred, red, 35 mm below the 版心 top. Off the grid so the
/// large glyphs are neither stretched to whole grid cells nor clipped.
fn issuer_mark(mark: &str) -> Paragraph {
    let mark = mark.trim();
    let (size, scale) = issuer_mark_metrics(half_width(mark) as i32);
    let face = ISSUER_MARK.sized(size);
    let spacing = LineSpacing::new().before(ISSUER_MARK_OFFSET).after(0);
    Paragraph::new()
        .align(AlignmentType::Center)
        .snap_to_grid(false)
        .line_spacing(spacing)
        .fonts(fonts(face.font))
        .size(face.size)
        .add_run(run(mark, face).stretch(scale))
}

/// Chooses the mark's size and horizontal scale (`w:w`, percent) so it
/// spans at most the 版心 width: 初号 at full width when it fits, squeezed
/// otherwise, and smaller only when squeezing alone would be illegible.
pub(crate) fn issuer_mark_metrics(half_chars: i32) -> (usize, i32) {
    // Twips at 100 %: one half-character is size/4 pt = size*5 twips.
    let natural = half_chars.max(1) * SIZE_CHUHAO as i32 * 5;
    if natural <= MARK_MAX_WIDTH {
        return (SIZE_CHUHAO, 100);
    }
    let scale = MARK_MAX_WIDTH * 100 / natural;
    if scale >= MIN_MARK_SCALE {
        return (SIZE_CHUHAO, scale);
    }
    let size = MARK_MAX_WIDTH * 100 / (half_chars * 5 * MIN_MARK_SCALE);
    ((size & !1).max(2) as usize, MIN_MARK_SCALE)
}

/// 发文字号 with the red rule 4 mm below it, as wide as the 版心
/// (clause 7.2.4 and 7.2.6).
fn document_number(number: &str) -> Paragraph {
    let mut p = centred_paragraph(&clean(number), BODY);
    let rule = ParagraphBorder::new(ParagraphBorderPosition::Bottom)
        .val(BorderType::Single)
        .size(RED_RULE_WEIGHT)
        .space(RED_RULE_GAP_PT)
        .color(RED);
    // `set_border` would start from docx-rs's default box (thin borders on
    // all four sides); only the bottom rule is wanted.
    p.property = p
        .property
        .set_borders(ParagraphBorders::with_empty().set(rule));
    p
}

/// The title, centred; each `\n` in it starts a new line of the same
/// paragraph. Off the character grid so 22 pt glyphs are not spread over two
/// 16 pt cells each.
fn title(title: &str) -> Paragraph {
    let lines: Vec<&str> = title
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut p = grid_paragraph(TITLE)
        .align(AlignmentType::Center)
        .snap_to_grid(false);
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            p = p.add_run(styled_run(TITLE).add_break(BreakType::TextWrapping));
        }
        p = p.add_run(run(line, TITLE));
    }
    p
}

/// 主送机关: flush left, wrapped lines flush left too (clause 7.3.2).
fn flush_left(text: &str) -> Paragraph {
    grid_paragraph(BODY)
        .align(AlignmentType::Both)
        .add_run(run(text, BODY))
}

/// Right indents, in half characters, of the signer and the date.
///
/// The signer ends two characters from the right and the date starts two
/// characters right of the signer's start. When the date is too long for that,
/// the date keeps a two-character right margin and the signer moves left.
pub(crate) fn signature_indents(signer: usize, date: usize) -> (i32, i32) {
    const TWO_CHARS: i32 = 4;
    let (signer, date) = (signer as i32, date as i32);
    let date_right = signer - date;
    if date_right >= TWO_CHARS {
        (TWO_CHARS, date_right)
    } else {
        (date + 2 * TWO_CHARS - signer, TWO_CHARS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signer_two_characters_from_right_and_date_shifted() {
        // 中共乡宁县委组织部 (9 chars) over 2026年11月27日 (7 chars).
        assert_eq!(signature_indents(18, 14), (4, 4));
        // A long signer: the date sits under its third character.
        assert_eq!(signature_indents(30, 14), (4, 16));
        // A short signer: the date keeps two characters, signer moves left.
        assert_eq!(signature_indents(8, 14), (14, 4));
    }

    #[test]
    fn issuer_mark_is_squeezed_to_the_type_area() {
        // "中共乡宁县委组织部文件": 11 characters at 初号 are 462 pt > 442 pt.
        assert_eq!(issuer_mark_metrics(22), (SIZE_CHUHAO, 91));
        assert_eq!(issuer_mark_metrics(10), (SIZE_CHUHAO, 100));
        let (size, scale) = issuer_mark_metrics(80);
        assert_eq!(scale, MIN_MARK_SCALE);
        assert!(size < SIZE_CHUHAO);
        assert!(80 * size as i32 * 5 * scale / 100 <= MARK_MAX_WIDTH);
    }
}
