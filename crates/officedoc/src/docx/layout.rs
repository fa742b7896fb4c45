//! GB/T 9704-2012 measurements translated into OOXML units.
//!
//! OOXML measures the page in twips (1/20 pt, 1/1440 in), font sizes in
//! half-points and paragraph borders in eighths of a point. The standard
//! speaks millimetres, 号 sizes and characters; the conversions live here so
//! the rest of the writer names intent ("two characters") rather than numbers.

/// A4 paper, 210 × 297 mm.
pub(crate) const PAGE_WIDTH: u32 = 11906;
pub(crate) const PAGE_HEIGHT: u32 = 16838;

/// 天头 37 mm and 订口 28 mm (clause 5.2.1); bottom and right follow from the
/// 156 × 225 mm 版心.
pub(crate) const MARGIN_TOP: i32 = mm(37.0);
pub(crate) const MARGIN_LEFT: i32 = mm(28.0);
pub(crate) const MARGIN_BOTTOM: i32 = mm(35.0);
pub(crate) const MARGIN_RIGHT: i32 = mm(26.0);

/// The 版心 in twips (≈ 156 × 225 mm).
pub(crate) const TYPE_WIDTH: i32 = PAGE_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT;
pub(crate) const TYPE_HEIGHT: i32 = PAGE_HEIGHT as i32 - MARGIN_TOP - MARGIN_BOTTOM;

/// Clause 5.2.2: 22 lines of 28 characters.
pub(crate) const LINES_PER_PAGE: i32 = 22;
pub(crate) const CHARS_PER_LINE: i32 = 28;

/// Rounded down so 22 pitches never overflow the 版心 (579 twips = 28.95 pt).
pub(crate) const LINE_PITCH: i32 = TYPE_HEIGHT / LINES_PER_PAGE;

/// `w:charSpace` is the extra width per character in 1/4096 pt relative to
/// the default font size (三号, 16 pt). Floor division keeps 28 × pitch within
/// the 版心; rounding up would make Word fit only 27 characters.
pub(crate) const CHAR_SPACE: i32 =
    (TYPE_WIDTH * 4096).div_euclid(CHARS_PER_LINE * 20) - BODY_SIZE as i32 / 2 * 4096;

// Exactly 22 lines and 28 characters fit the 版心: one more pitch unit
// would lose a line or a character. Character pitch and 版心 width are in
// 1/4096 pt here.
const _: () = {
    assert!(LINE_PITCH * LINES_PER_PAGE <= TYPE_HEIGHT);
    assert!((LINE_PITCH + 1) * LINES_PER_PAGE > TYPE_HEIGHT);
    let pitch = (BODY_SIZE as i32 / 2) * 4096 + CHAR_SPACE;
    let width = TYPE_WIDTH * 4096 / 20;
    assert!(pitch * CHARS_PER_LINE <= width);
    assert!((pitch + 1) * CHARS_PER_LINE > width);
};

/// Half-point font sizes of the 号 used by the standard.
pub(crate) const SIZE_CHUHAO: usize = 84; // 初号 42 pt
pub(crate) const SIZE_ERHAO: usize = 44; // 二号 22 pt
pub(crate) const BODY_SIZE: usize = 32; // 三号 16 pt
pub(crate) const SIZE_SIHAO: usize = 28; // 四号 14 pt

/// Font face names as Chinese government templates spell them, so documents
/// open with the fonts office machines actually have installed.
pub(crate) const FONT_XIAOBIAOSONG: &str = "方正小标宋简体";
pub(crate) const FONT_FANGSONG: &str = "仿宋_GB2312";
pub(crate) const FONT_HEITI: &str = "黑体";
pub(crate) const FONT_KAITI: &str = "楷体_GB2312";
pub(crate) const FONT_SONGTI: &str = "宋体";

/// 版头 colour (clause 7.2.3 and 7.2.6).
pub(crate) const RED: &str = "FF0000";
pub(crate) const BLACK: &str = "000000";

/// Clause 7.2.3: the issuer mark's top edge sits 35 mm below the 版心 top.
pub(crate) const ISSUER_MARK_OFFSET: u32 = mm(35.0) as u32;
/// Clause 7.2.6: the red rule lies 4 mm under the number (border space is in
/// points, 4 mm ≈ 11 pt).
pub(crate) const RED_RULE_GAP_PT: usize = 11;
/// 1.5 pt, the weight of the 版头 rule in common county templates (the
/// standard gives no thickness for it).
pub(crate) const RED_RULE_WEIGHT: usize = 12;
/// Clause 7.4.1: 版记 rules are 0.35 mm (thick, ≈1 pt) and 0.25 mm (thin,
/// ≈0.75 pt), in eighths of a point.
pub(crate) const IMPRINT_THICK_RULE: usize = 8;
pub(crate) const IMPRINT_THIN_RULE: usize = 6;

/// Clause 7.5: the page number's dash lies 7 mm under the 版心. The footer
/// distance is measured from the page edge to the footer line's bottom, so
/// half a 四号 line (≈ 3.2 mm) is taken off the remaining 28 mm.
pub(crate) const FOOTER_DISTANCE: i32 = mm(28.0) - 180;
pub(crate) const HEADER_DISTANCE: i32 = mm(15.0);

/// Converts millimetres to twips, rounding to nearest.
pub(crate) const fn mm(v: f64) -> i32 {
    (v * 1440.0 / 25.4 + 0.5) as i32
}

/// Width of `half_chars` half-character cells of body text in twips. The
/// grid divides the 版心 into 28 cells, so indents measured in cells line up
/// with the characters above and below them.
pub(crate) const fn half_chars(half_chars: i32) -> i32 {
    (half_chars * TYPE_WIDTH + CHARS_PER_LINE) / (CHARS_PER_LINE * 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_area_is_156_by_225_mm() {
        assert_eq!(TYPE_WIDTH, 8845);
        assert_eq!(TYPE_HEIGHT, 12756);
        // Margins are rounded to whole twips independently, so allow one.
        assert!((mm(156.0) - TYPE_WIDTH).abs() <= 1);
        assert!((mm(225.0) - TYPE_HEIGHT).abs() <= 1);
    }

    #[test]
    fn grid_fits_exactly_22_lines_of_28_characters() {
        // The fit itself is checked at compile time below the constants;
        // these are the values GB/T 9704 Word templates carry.
        assert_eq!(LINE_PITCH, 579);
        assert_eq!(CHAR_SPACE, -842);
    }

    #[test]
    fn two_characters_are_about_32_points() {
        assert_eq!(half_chars(4), 632);
        assert_eq!(half_chars(56), TYPE_WIDTH);
    }
}
