//! The page in Word's terms: A4, the margins that leave the 版心 of GB/T
//! 9704 (156 × 225 mm), and the document grid of 22 lines of 28 characters,
//! so that the letter keeps its layout when someone edits it.

use docx_rs::{DocGrid, DocGridType, PageMargin};

/// Twips (1/20 pt) in a millimetre: 1440 a inch, 25.4 mm a inch.
pub fn mm(x: f64) -> i32 {
    (x * 1440.0 / 25.4).round() as i32
}

/// A4, 210 × 297 mm.
pub fn page_size() -> (u32, u32) {
    (mm(210.0) as u32, mm(297.0) as u32)
}

/// 天头 37 mm, 订口 28 mm; right 26 and bottom 35 mm are what 156 × 225 mm leaves.
pub fn margins() -> Margins {
    Margins {
        top: mm(37.0),
        left: mm(28.0),
        right: mm(26.0),
        bottom: mm(35.0),
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Margins {
    pub top: i32,
    pub left: i32,
    pub right: i32,
    pub bottom: i32,
}

/// Lines and characters of a full page (GB/T 9704 5.2.2).
pub const LINES: i32 = 22;
pub const CHARS: i32 = 28;
/// 三号, the body's size, in points: Word's grid counts characters of the Normal style's size.
pub const BODY_PT: i32 = 16;

/// The 版心's width and height in twips: what the page leaves between the margins.
pub fn text_area() -> (i32, i32) {
    let (w, h) = page_size();
    let m = margins();
    (w as i32 - m.left - m.right, h as i32 - m.top - m.bottom)
}

/// `w:linePitch`: the 版心's height over 22 lines, rounded down so that the
/// 22nd line still fits: 16838 − 2098 − 1984 = 12756 twips; 12756 / 22 = 579.8 → 579.
pub fn line_pitch() -> i32 {
    text_area().1 / LINES
}

/// `w:charSpace`: how much wider than the 16 pt of a body character each
/// grid cell is, in 1/4096 pt. The 版心 is 11906 − 1587 − 1474 = 8845 twips
/// = 442.25 pt wide; 28 cells make 15.794 pt each, 0.2054 pt less than 16 pt,
/// and −0.2054 × 4096 = −841.1, rounded down to −842 so that 28 cells fit.
pub fn char_space() -> i32 {
    let width = text_area().0 as i64;
    // (width / 20 / 28 − 16) × 4096, in whole numbers, rounded down.
    let cells = 20 * CHARS as i64;
    ((width * 4096 - BODY_PT as i64 * 4096 * cells).div_euclid(cells)) as i32
}

/// One grid cell's width in twips (a character of the body, as Word places it).
pub fn char_pitch() -> i32 {
    BODY_PT * 20 + char_space() * 20 / 4096
}

/// How much closer than 16 pt each body character is set (`w:spacing`, in
/// twips), so that exactly 28 fit a line: 28 characters of 三号 are 448 pt,
/// 5.75 pt more than the 版心's 442.25. Any spacing from −14 twips (29 would
/// still not fit: 8845 / 29 = 305.0 twips a character) to −5 (28 just fit:
/// 8845 / 28 = 315.9) makes 28 a line; the middle of that range, −10, leaves
/// room for the rounding of every layout program.
/// LibreOffice gives a character wider than a grid cell two cells, so the
/// body is not snapped to the character grid but condensed and set on exact
/// 579-twip lines, which Word and LibreOffice lay out alike.
pub fn condensed() -> i32 {
    let w = text_area().0;
    let most = w.div_euclid(CHARS) - BODY_PT * 20;
    let least = (w + 1 + CHARS).div_euclid(CHARS + 1) - BODY_PT * 20;
    (most + least).div_euclid(2)
}

pub fn doc_grid() -> DocGrid {
    DocGrid::new()
        .grid_type(DocGridType::LinesAndChars)
        .line_pitch(line_pitch() as usize)
        .char_space(char_space() as isize)
}

/// The page number's line: its centre 7 mm below the 版心 (GB/T 9704 7.5),
/// a 14 pt line whose bottom is then 35 − 7 − 2.5 mm above the page's edge.
pub fn page_margin() -> PageMargin {
    let m = margins();
    PageMargin::new()
        .top(m.top)
        .left(m.left)
        .right(m.right)
        .bottom(m.bottom)
        .header(mm(15.0))
        .footer(mm(35.0 - 7.0 - 2.5))
        .gutter(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_holds_22_lines_of_28_characters() {
        let (w, h) = text_area();
        assert_eq!((w, h), (8845, 12756));
        assert!(line_pitch() * LINES <= h && (line_pitch() + 1) * LINES > h);
        // Word's cell: the Normal size plus charSpace/4096 pt.
        let cell = |cs: i32| (BODY_PT as f64 + cs as f64 / 4096.0) * 20.0;
        assert!(cell(char_space()) * CHARS as f64 <= w as f64);
        assert!(cell(char_space() + 1) * CHARS as f64 > w as f64);
        assert_eq!((line_pitch(), char_space()), (579, -842));
        assert!((BODY_PT * 20 + condensed()) * CHARS <= w);
        assert!((BODY_PT * 20 + condensed()) * (CHARS + 1) > w);
        assert_eq!(condensed(), -10);
    }
}
