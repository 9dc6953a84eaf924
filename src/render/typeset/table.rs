//! How a table is set: the width of each column from its content, as
//! Word's AutoFit would, and whether it needs a smaller size or a
//! landscape page.

use serde::Serialize;

use super::{char_ems, ems};
use crate::render::blocks::Inline;

/// How a table is set: its page, its size, and its columns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableLayout {
    /// On a landscape page of its own (GB/T 9704 §8), when it is too wide for
    /// the portrait 版心 even at a smaller size.
    pub landscape: bool,
    /// The size of its text, in points.
    pub size: f64,
    /// Each column's share of the table's width (they add up to 1).
    pub widths: Vec<f64>,
    /// Even the floor size leaves a column narrower than a token in it:
    /// lines then break between any two characters.
    pub break_anywhere: bool,
    /// No row is likely to run past half a page: rows are kept whole (a row
    /// longer than a page must break, or its end would fall off the page).
    pub whole_rows: bool,
}

/// The 版心 across a portrait page, and across a landscape one (156 and 225 mm), in points.
const PORTRAIT_PT: f64 = 156.0 * 72.0 / 25.4;
const LANDSCAPE_PT: f64 = 225.0 * 72.0 / 25.4;
/// Space beside the text in each cell, in ems (both sides together), and a rule.
const CELL_PAD_EMS: f64 = 0.6;
const RULE_PT: f64 = 0.5;
/// The sizes tried, in order, until the table fits: 4号 and 小四 upright, then
/// 4号 down to 六号 (the floor) on a landscape page. (Upright, 小四 is taken
/// before 4号 when it spares every cell a wrapped line.)
const TRIES: [(bool, f64); 7] = [
    (false, 14.0),
    (false, 12.0),
    (true, 14.0),
    (true, 12.0),
    (true, 10.5),
    (true, 9.0),
    (true, 7.5),
];
/// A run of Chinese text is not wrapped narrower than this (ems): a column of
/// names is not set one character a line.
const CJK_MIN_EMS: f64 = 2.0;

/// The widths a column's content asks for, in ems: the narrowest it can be
/// without breaking a token, and its longest line unbroken.
#[derive(Debug, Default, Clone, Copy)]
struct Extent {
    min: f64,
    max: f64,
}

pub fn table_layout(header: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>]) -> TableLayout {
    let cols = column_extents(header, rows);
    for &(landscape, size) in unwrapped_size(&cols).iter().chain(&TRIES) {
        let room = if landscape { LANDSCAPE_PT } else { PORTRAIT_PT };
        if let Some(widths) = fit(&cols, size, room) {
            let whole_rows = rows_fit_half_a_page(header, rows, &widths, size, room);
            return TableLayout {
                landscape,
                size,
                widths,
                break_anywhere: false,
                whole_rows,
            };
        }
    }
    broken_anywhere(header, rows, &cols)
}

/// Each column's extent: the widest its cells (the header's too) ask for.
fn column_extents(header: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>]) -> Vec<Extent> {
    let ncol = rows
        .iter()
        .map(Vec::len)
        .chain([header.len(), 1])
        .max()
        .unwrap_or(1);
    let mut cols = vec![Extent::default(); ncol];
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        for (col, cell) in cols.iter_mut().zip(row) {
            let e = cell_extent(cell);
            col.min = col.min.max(e.min);
            col.max = col.max.max(e.max);
        }
    }
    cols
}

/// Upright, a smaller size that spares every cell a wrapped line wins
/// over the first size at which no token has to break.
fn unwrapped_size(cols: &[Extent]) -> Option<(bool, f64)> {
    let longest: Vec<Extent> = cols
        .iter()
        .map(|c| Extent {
            min: c.max.max(c.min),
            max: c.max,
        })
        .collect();
    TRIES
        .iter()
        .filter(|(landscape, _)| !landscape)
        .find(|(_, size)| fit(&longest, *size, PORTRAIT_PT).is_some())
        .copied()
}

/// When no size fits, not even the floor: every column may break between characters.
fn broken_anywhere(
    header: &[Vec<Inline>],
    rows: &[Vec<Vec<Inline>>],
    cols: &[Extent],
) -> TableLayout {
    let (landscape, size) = TRIES[TRIES.len() - 1];
    let narrow: Vec<Extent> = cols
        .iter()
        .map(|c| Extent {
            min: c.min.min(1.0),
            max: c.max,
        })
        .collect();
    let ncol = cols.len();
    let widths = fit(&narrow, size, LANDSCAPE_PT).unwrap_or_else(|| vec![1.0 / ncol as f64; ncol]);
    TableLayout {
        landscape,
        size,
        whole_rows: rows_fit_half_a_page(header, rows, &widths, size, LANDSCAPE_PT),
        widths,
        break_anywhere: true,
    }
}

/// Whether every row, wrapped in its columns, is likely to take at most 11
/// lines (half a page of the body grid).
fn rows_fit_half_a_page(
    header: &[Vec<Inline>],
    rows: &[Vec<Vec<Inline>>],
    widths: &[f64],
    size: f64,
    room: f64,
) -> bool {
    let pad = CELL_PAD_EMS * size + RULE_PT;
    std::iter::once(header)
        .chain(rows.iter().map(Vec::as_slice))
        .flat_map(|row| row.iter().zip(widths))
        .all(|(cell, w)| {
            let mut scan = Scan::default();
            scan.inlines(cell);
            let per_line = ((w * room - pad) / size).max(1.0);
            scan.lines as f64 + scan.total * 1.05 / per_line <= 11.0
        })
}

/// Column widths as shares of `room` for text of `size`, or None when even
/// the narrowest columns do not fit. As Word's AutoFit: when every column can
/// have its longest line, the room is shared in proportion to those;
/// otherwise short columns keep their longest line and long ones wrap.
fn fit(cols: &[Extent], size: f64, room: f64) -> Option<Vec<f64>> {
    let pad = CELL_PAD_EMS * size + RULE_PT;
    // (5 % more than the estimate: a column a hair too narrow wraps a token.)
    let min: Vec<f64> = cols.iter().map(|c| c.min * size * 1.05 + pad).collect();
    let max: Vec<f64> = cols
        .iter()
        .map(|c| c.max.max(c.min) * size * 1.05 + pad)
        .collect();
    let (sum_min, sum_max): (f64, f64) = (min.iter().sum(), max.iter().sum());
    if sum_min > room {
        return None;
    }
    if sum_max <= room {
        return Some(max.iter().map(|m| m / sum_max).collect());
    }
    // Short columns keep their longest line; the long ones share what is
    // left, each up to the same width (found by bisection: the total grows
    // with that width).
    let width_at = |cap: f64| -> Vec<f64> {
        min.iter()
            .zip(&max)
            .map(|(lo, hi)| cap.clamp(*lo, *hi))
            .collect()
    };
    let (mut lo, mut hi) = (0.0, room);
    for _ in 0..50 {
        let cap = (lo + hi) / 2.0;
        if width_at(cap).iter().sum::<f64>() > room {
            hi = cap;
        } else {
            lo = cap;
        }
    }
    let widths = width_at(lo);
    let total: f64 = widths.iter().sum();
    Some(widths.iter().map(|w| w / total).collect())
}

fn cell_extent(cell: &[Inline]) -> Extent {
    let mut scan = Scan::default();
    scan.inlines(cell);
    scan.extent.max = scan.extent.max.max(scan.line);
    scan.extent
}

/// Walks a cell's text, measuring its lines and its unbreakable pieces.
#[derive(Default)]
struct Scan {
    extent: Extent,
    /// All of the cell's text, in ems, and its hard line breaks.
    total: f64,
    lines: usize,
    /// The line so far, the run of Chinese text and the ASCII piece it ends with.
    line: f64,
    cjk_run: f64,
    piece: f64,
}

impl Scan {
    fn inlines(&mut self, inlines: &[Inline]) {
        for i in inlines {
            match i {
                Inline::Text { text } | Inline::Code { text } => self.text(text),
                Inline::Whole { text } => {
                    let w = ems(text);
                    self.total += w;
                    self.extent.min = self.extent.min.max(w);
                    self.line += w;
                    (self.cjk_run, self.piece) = (0.0, 0.0);
                }
                Inline::Strong { children }
                | Inline::Emph { children }
                | Inline::Strike { children }
                | Inline::Link { children, .. } => self.inlines(children),
                Inline::Break {} => self.newline(),
                Inline::Image { .. } => self.text("图"),
            }
        }
        self.extent.max = self.extent.max.max(self.line);
    }

    fn newline(&mut self) {
        self.lines += 1;
        self.extent.max = self.extent.max.max(self.line);
        (self.line, self.cjk_run, self.piece) = (0.0, 0.0, 0.0);
    }

    fn text(&mut self, text: &str) {
        for c in text.chars() {
            let w = char_ems(c);
            self.line += w;
            self.total += w;
            if c == ' ' {
                (self.cjk_run, self.piece) = (0.0, 0.0);
            } else if w >= 1.0 {
                self.cjk_run += w;
                self.piece = 0.0;
                self.extent.min = self.extent.min.max(self.cjk_run.min(CJK_MIN_EMS));
            } else {
                self.piece += w;
                self.cjk_run = 0.0;
                self.extent.min = self.extent.min.max(self.piece);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::typeset::split_text;

    fn text(t: &str) -> Inline {
        Inline::Text { text: t.into() }
    }

    fn cells(texts: &[&str]) -> Vec<Vec<Inline>> {
        texts.iter().map(|t| split_text(t)).collect()
    }

    #[test]
    fn columns_take_the_width_of_their_content() {
        let header = cells(&["序号", "项目名称", "所在县（区）", "投资（万元）"]);
        let rows = vec![
            cells(&[
                "1",
                "贺兰山东麓历史遗留废弃矿山生态修复项目",
                "西夏区",
                "3200",
            ]),
            cells(&[
                "2",
                "黄河宁夏段生态保护修复及综合治理示范工程（一期）建设项目",
                "沙坡头区",
                "12000",
            ]),
        ];
        let l = table_layout(&header, &rows);
        assert!(!l.landscape && l.size == 14.0 && !l.break_anywhere, "{l:?}");
        assert!((l.widths.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        // 序号 narrow, 项目名称 the widest, and every column at least its header.
        assert!(l.widths[0] < 0.12 && l.widths[1] > 0.4, "{:?}", l.widths);
        assert!(l.widths[2] * PORTRAIT_PT >= 2.0 * 14.0, "{:?}", l.widths);
        // A table that fits unwrapped in 小四 is set in 小四.
        let rows = vec![cells(&[
            "历史遗留废弃矿山生态修复",
            "贺兰山、六盘山、罗山周边",
            "500",
        ])];
        let l = table_layout(
            &cells(&["项目类型", "储备重点区域", "投资下限（万元）"]),
            &rows,
        );
        assert!(!l.landscape && l.size == 12.0, "{l:?}");
        assert!(l.whole_rows, "{l:?}");
        // A cell of a thousand characters is not kept whole.
        let long = "生态保护补偿制度作为生态文明制度的重要组成部分，".repeat(40);
        let l = table_layout(&cells(&["序号", "内容"]), &[cells(&["1", &long])]);
        assert!(!l.whole_rows, "{l:?}");
    }

    #[test]
    fn a_table_too_wide_goes_landscape_then_smaller() {
        let header: Vec<Vec<Inline>> = (1..=12).map(|i| vec![text(&format!("指标{i}"))]).collect();
        let row: Vec<Vec<Inline>> = (0..12).map(|_| split_text("123456.78万元")).collect();
        let l = table_layout(&header, &[row]);
        assert!(l.landscape, "{l:?}");
        let row: Vec<Vec<Inline>> = (0..30).map(|_| vec![text("3200")]).collect();
        let l = table_layout(&[], &[row]);
        assert!(l.landscape && l.size < 12.0, "{l:?}");
        assert!(!l.break_anywhere, "{l:?}");
    }
}
