//! The layout of GB/T 9704-2012, measured on the PDFs of fixture letters
//! (`tests/fixtures/layout/`): positions and sizes from `pdftotext -bbox`, faces
//! and colours from `pdftohtml -xml` and `pdffonts`, rules, red ink and the seal
//! from page images (`pdftoppm`). Nothing here trusts the template: every
//! expected number comes from the standard (see gbt9704-layout.md).
//!
//! Each test gathers every rule that fails and reports them together, each with
//! its section of the standard, its letter and page, measured against expected.

use crate::common;

mod formats;

use std::fmt::Display;
use std::path::PathBuf;
use std::sync::OnceLock;

use crate::common::measure::{black, compressed_mark_inside, mm, red, InkBox, Raster, Run, Stroke};
use crate::common::*;

// The standard's numbers, in millimetres from the page's top left.
const PAGE_W: f64 = 210.0;
const PAGE_H: f64 = 297.0;
const TOP: f64 = 37.0;
const LEFT: f64 = 28.0;
const RIGHT: f64 = 28.0 + 156.0;
const BOTTOM: f64 = 37.0 + 225.0;
/// 22 lines fill the 225 mm of the 版心.
const LINE: f64 = 225.0 / 22.0;
/// 28 characters of 3号 fill the 156 mm.
const CHAR: f64 = 156.0 / 28.0;
const PT: f64 = 25.4 / 72.0;
/// The standard's tolerance on the margins is ±1 mm; positions are held to it.
const MM1: f64 = 1.0;
const HALF: f64 = 0.5;

const FANG: &str = "FandolFang";
const HEI: &str = "FandolHei";
const KAI: &str = "FandolKai";
/// The stand-in for 小标宋 (标志, 标题).
const XBS: &str = "FandolSong-Bold";
const SONG: &str = "FandolSong-Regular";
const RED: &str = "#e60012";

fn built() -> &'static Project {
    static PROJECT: OnceLock<Project> = OnceLock::new();
    PROJECT.get_or_init(|| {
        let project = Project::fixture("layout");
        let out = project.build();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "build failed:\n{stderr}");
        assert!(
            stderr.starts_with("built 19 letters into output/"),
            "{stderr}"
        );
        project
    })
}

/// One fixture's PDF, read back.
struct Doc {
    name: &'static str,
    pdf: PathBuf,
    pages: usize,
    words: Vec<Word>,
    runs: Vec<Run>,
}

fn doc(name: &'static str) -> Doc {
    // A letter with a 密级 is held back from the site: its PDF is in restricted/, beside output/.
    let public = built().output(&format!("{name}.pdf"));
    let pdf = if public.exists() {
        public
    } else {
        built().root().join(format!("restricted/{name}.pdf"))
    };
    let (pages, words) = pdf_words(&pdf);
    let runs = common::measure::runs(&pdf);
    Doc {
        name,
        pdf,
        pages: pages.len(),
        words,
        runs,
    }
}

impl Doc {
    /// The first word on `page` that starts with `text`.
    fn word(&self, page: usize, text: &str, rule: &str) -> &Word {
        self.words
            .iter()
            .find(|w| w.page == page && w.text.starts_with(text))
            .unwrap_or_else(|| {
                panic!(
                    "{}.pdf page {page}: {rule}: `{text}` is not on the page",
                    self.name
                )
            })
    }

    fn words_on(&self, page: usize) -> impl Iterator<Item = &Word> {
        self.words.iter().filter(move |w| w.page == page)
    }

    /// The first text run on `page` holding `text` (spaces aside).
    fn run(&self, page: usize, text: &str, rule: &str) -> &Run {
        self.runs
            .iter()
            .find(|r| r.page == page && r.text.replace(' ', "").contains(text))
            .unwrap_or_else(|| {
                panic!(
                    "{}.pdf page {page}: {rule}: no text run holds `{text}`",
                    self.name
                )
            })
    }

    fn raster(&self, page: usize) -> Raster {
        Raster::page(&self.pdf, page)
    }

    /// Body lines (3号 text) of a page, top to bottom, one word per line (the first).
    fn lines(&self, page: usize) -> Vec<&Word> {
        let mut lines: Vec<&Word> = Vec::new();
        for w in self.words_on(page).filter(|w| is_size(w, 16.0)) {
            match lines.last() {
                Some(l) if (l.y0 - w.y0).abs() < 1.0 => {}
                _ => lines.push(w),
            }
        }
        lines
    }

    fn page_number(&self, page: usize) -> Option<&Word> {
        self.words_on(page)
            .find(|w| mm(w.y0) > BOTTOM && w.text.chars().all(|c| c.is_ascii_digit()))
    }
}

fn is_size(w: &Word, pt: f64) -> bool {
    (w.height() - pt).abs() < 0.2
}

/// The rules that failed, reported together at the end.
struct Rules {
    doc: &'static str,
    failures: Vec<String>,
}

impl Rules {
    fn new(doc: &Doc) -> Rules {
        Rules {
            doc: doc.name,
            failures: Vec::new(),
        }
    }

    /// `measured` must be `expected` ± `tolerance` (all in mm).
    fn near(&mut self, page: usize, rule: &str, measured: f64, expected: f64, tolerance: f64) {
        if (measured - expected).abs() > tolerance {
            self.failures.push(format!(
                "{}.pdf page {page}: {rule}: measured {measured:.2} mm, expected {expected:.2} ± {tolerance} mm",
                self.doc
            ));
        }
    }

    fn that(&mut self, page: usize, rule: &str, ok: bool, measured: impl Display) {
        if !ok {
            self.failures.push(format!(
                "{}.pdf page {page}: {rule}: measured {measured}",
                self.doc
            ));
        }
    }

    /// The run's face, size and colour.
    fn face(&mut self, page: usize, rule: &str, run: &Run, face: &str, size: f64, colour: &str) {
        self.that(
            page,
            &format!("{rule}: face {face}"),
            run.face.contains(face),
            &run.face,
        );
        self.that(
            page,
            &format!("{rule}: {size} pt"),
            (run.size - size).abs() < 1.0,
            format!("{} pt", run.size),
        );
        self.that(
            page,
            &format!("{rule}: colour {colour}"),
            run.colour.eq_ignore_ascii_case(colour),
            &run.colour,
        );
    }

    /// The word's em box is centred in grid line `line` (1-based) of the 版心.
    fn on_line(&mut self, page: usize, rule: &str, w: &Word, line: usize) {
        let centre = mm((w.y0 + w.y1) / 2.0);
        let expected = TOP + (line as f64 - 0.5) * LINE;
        self.near(
            page,
            &format!(
                "{rule}: on line {line} of the 版心 (centre of `{}`)",
                w.text
            ),
            centre,
            expected,
            HALF,
        );
    }

    fn finish(self) {
        assert!(
            self.failures.is_empty(),
            "{} rule(s) of GB/T 9704 broken:\n  {}",
            self.failures.len(),
            self.failures.join("\n  ")
        );
    }
}

/// The grid line (1-based) a word sits on, if it sits on one.
fn grid_line(w: &Word) -> Option<usize> {
    let centre = mm((w.y0 + w.y1) / 2.0);
    let k = ((centre - TOP) / LINE - 0.5).round();
    let off = centre - (TOP + (k + 0.5) * LINE);
    (off.abs() <= HALF && k >= 0.0).then_some(k as usize + 1)
}

/// Rules every page of every fixture keeps: A4, text inside the 版心, body
/// lines on the 22-line grid, full lines of 28 characters, page numbers.
fn page_rules(r: &mut Rules, d: &Doc, first_grid_y: f64) {
    let (pages, _) = pdf_words(&d.pdf);
    for (i, p) in pages.iter().enumerate() {
        r.near(i + 1, "§5 A4 width", mm(p.width), PAGE_W, 0.1);
        r.near(i + 1, "§5 A4 height", mm(p.height), PAGE_H, 0.1);
    }
    for w in &d.words {
        let page_number = mm(w.y0) > BOTTOM;
        // (A mark compressed to push a line in may reach past the 版心 by its
        // blank half; its ink may not.)
        let pushed_in = compressed_mark_inside(&d.pdf, w, LEFT, RIGHT, CHAR);
        let in_block = (mm(w.x0) >= LEFT - 0.1 && mm(w.x1) <= RIGHT + 0.1) || pushed_in;
        r.that(
            w.page,
            "§5.2.2 text stays inside the 版心 (156 mm from 28 mm)",
            in_block || (w.page == 1 && mm(w.y1) < first_grid_y),
            format!("`{}` from {:.2} to {:.2} mm", w.text, mm(w.x0), mm(w.x1)),
        );
        r.that(
            w.page,
            "§5.2.2 text stays inside the 版心 (225 mm from 37 mm)",
            page_number || mm(w.y0) >= TOP - 0.1 || mm(w.y1) < first_grid_y,
            format!("`{}` at {:.2} to {:.2} mm", w.text, mm(w.y0), mm(w.y1)),
        );
        // 3号 text below the 版头 sits on the grid: 225/22 mm a line, on every page.
        if is_size(w, 16.0) && (w.page > 1 || mm(w.y0) > first_grid_y) {
            r.that(
                w.page,
                "§5.2.3 body line on the 22-line grid (10.23 mm a line from the 版心 top)",
                grid_line(w).is_some(),
                format!(
                    "`{}` centred {:.2} mm below the 版心 top",
                    w.text,
                    mm((w.y0 + w.y1) / 2.0) - TOP
                ),
            );
        }
        // 避头尾: no closing mark starts a line, no opening mark ends one.
        if w.text.chars().count() > 1 && (is_size(w, 16.0) || is_size(w, 22.0)) {
            r.that(
                w.page,
                "§5.2.3 no closing punctuation at the start of a line",
                !w.text
                    .starts_with(|c| "，。、；：？！）》」』】〕".contains(c)),
                &w.text,
            );
            r.that(
                w.page,
                "§5.2.3 no opening bracket or quote at the end of a line",
                !w.text.ends_with(|c| "（《「『【〔“‘".contains(c)),
                &w.text,
            );
        }
        // A line that spans the 版心 holds 28 characters (27 where 避头尾 moved
        // one and nothing could be compressed; 29 where marks were compressed
        // to push one in).
        let full = (mm(w.x0) - LEFT).abs() < 0.1 && ((mm(w.x1) - RIGHT).abs() < 0.2 || pushed_in);
        if full && is_size(w, 16.0) && !w.text.chars().any(|c| c.is_ascii()) {
            let n = w.text.chars().count();
            r.that(
                w.page,
                "§5.2.3 28 characters a full line",
                n == 28 || n == 27 || (n == 29 && w.text.chars().any(|c| MARKS.contains(c))),
                format!("{n} in `{}`", w.text),
            );
        }
    }
}

/// "— N —" in 4号 宋体, 7 mm below the 版心, odd pages right and even pages
/// left, one character in (§7.5).
fn page_number_rules(r: &mut Rules, d: &Doc, page: usize, number: usize) {
    let Some(n) = d.page_number(page) else {
        r.that(page, "§7.5 page number", false, "none");
        return;
    };
    r.that(
        page,
        "§7.5 page numbers count on",
        n.text == number.to_string(),
        &n.text,
    );
    let run = d.run(page, &format!("—{number}—"), "§7.5 page number");
    r.face(
        page,
        "§7.5 page number in 4号宋体",
        run,
        SONG,
        14.0,
        "#000000",
    );
    let dashes: Vec<&Word> = d
        .words_on(page)
        .filter(|w| w.text == "—" && mm(w.y0) > BOTTOM)
        .collect();
    r.that(
        page,
        "§7.5 一字线 on both sides",
        dashes.len() == 2,
        dashes.len(),
    );
    r.near(
        page,
        "§7.5 一字线 7 mm below the 版心",
        mm((n.y0 + n.y1) / 2.0),
        BOTTOM + 7.0,
        MM1,
    );
    if let (Some(first), Some(last)) = (dashes.first(), dashes.last()) {
        if number % 2 == 1 {
            r.near(
                page,
                "§7.5 odd page: number right, one character in",
                mm(last.x1),
                RIGHT - 14.0 * PT,
                HALF,
            );
        } else {
            r.near(
                page,
                "§7.5 even page: number left, one character in",
                mm(first.x0),
                LEFT + 14.0 * PT,
                HALF,
            );
        }
    }
}

/// Red strokes of a page, longer than 100 mm.
fn red_rules(raster: &Raster) -> Vec<Stroke> {
    raster.strokes(red, 100.0)
}

/// §7.2.7: one red separator on page 1, 4 mm below the 发文字号; the red strokes found.
fn red_separator(r: &mut Rules, ras: &Raster, number: &Word) -> Vec<Stroke> {
    let reds = red_rules(ras);
    r.that(1, "§7.2.7 one red separator", reds.len() == 1, reds.len());
    if let Some(line) = reds.first() {
        r.near(
            1,
            "§7.2.7 red separator 4 mm below the 发文字号",
            line.centre - mm(number.y1),
            4.0,
            MM1,
        );
    }
    reds
}

/// Strokes of a kind across the middle of the page, weighed on a fine strip:
/// (centre, thickness) in mm, top to bottom.
fn weighed(d: &Doc, page: usize, ink: common::measure::Ink) -> Vec<(f64, f64)> {
    Raster::strip(&d.pdf, page, PAGE_W / 2.0 - 5.0, PAGE_W / 2.0 + 5.0)
        .strokes(ink, 8.0)
        .iter()
        .map(|s| (s.centre, s.thickness))
        .collect()
}

/// The thickness of the stroke centred at `centre`, weighed on a fine strip.
fn thickness(weighed: &[(f64, f64)], centre: f64) -> f64 {
    weighed
        .iter()
        .find(|(c, _)| (c - centre).abs() < 0.5)
        .map_or(0.0, |(_, t)| *t)
}

/// The 版记 of a page: its rules (black, as wide as the 版心) and text (§7.4).
fn banji_rules(r: &mut Rules, d: &Doc, page: usize, printer: &str, print_date: &str) {
    let cc_top = mm(d.word(page, "抄送：", "§7.4 抄送机关").y0);
    let strokes: Vec<Stroke> = d
        .raster(page)
        .strokes(black, 100.0)
        .into_iter()
        .filter(|s| s.top > cc_top - LINE && s.top < BOTTOM + 1.0)
        .collect();
    let fine = weighed(d, page, black);
    r.that(
        page,
        "§7.4 版记: rules above 抄送, between 抄送 and 印发, under 印发",
        strokes.len() == 3,
        format!("{} rules", strokes.len()),
    );
    for s in &strokes {
        r.near(
            page,
            "§7.4 版记 rule starts at the 版心's left",
            s.x0,
            LEFT,
            HALF,
        );
        r.near(
            page,
            "§7.4 版记 rule ends at the 版心's right",
            s.x1,
            RIGHT,
            HALF,
        );
    }
    if strokes.len() == 3 {
        r.near(
            page,
            "§7.4 last 版记 rule on the bottom edge of the 版心",
            strokes[2].centre,
            BOTTOM,
            HALF,
        );
        for (i, w) in [(0, 0.35), (1, 0.25), (2, 0.35)] {
            r.near(
                page,
                &format!("§7.4 版记 rule {} is {w} mm thick", i + 1),
                thickness(&fine, strokes[i].centre),
                w,
                0.05,
            );
        }
    }
    let cc = d.word(page, "抄送：", "§7.4 抄送机关");
    r.face(
        page,
        "§7.4 抄送 in 4号仿宋",
        d.run(page, "抄送：", "§7.4 抄送"),
        FANG,
        14.0,
        "#000000",
    );
    r.near(
        page,
        "§7.4 抄送 one character in",
        mm(cc.x0),
        LEFT + 14.0 * PT,
        HALF,
    );
    let printer = d.word(page, printer, "§7.4 印发机关");
    let date = d.word(page, print_date, "§7.4 印发日期");
    r.near(
        page,
        "§7.4 印发机关 one character in on the left",
        mm(printer.x0),
        LEFT + 14.0 * PT,
        HALF,
    );
    r.near(
        page,
        "§7.4 印发日期 + 印发 one character in on the right",
        mm(date.x1),
        RIGHT - 14.0 * PT,
        HALF,
    );
    if let Some(last) = strokes.last() {
        r.that(
            page,
            "§7.4 印发 line on the line above the last rule",
            mm(printer.y1) < last.top && last.top - mm(printer.y1) < LINE,
            format!(
                "text bottom {:.2} mm, rule {:.2} mm",
                mm(printer.y1),
                last.top
            ),
        );
        r.that(
            page,
            "§7.4 抄送 above the 印发 line, between the first two rules",
            strokes[0].bottom < mm(cc.y0) && mm(cc.y1) < strokes[1].top,
            format!("抄送 {:.2}–{:.2} mm", mm(cc.y0), mm(cc.y1)),
        );
    }
}

/// The 署名 is never alone on its page: text of the body stands above it.
fn signature_not_alone(r: &mut Rules, d: &Doc, issuer: &str) {
    let w = d
        .words
        .iter()
        .rfind(|w| w.text == issuer && is_size(w, 16.0))
        .expect("the 署名 is printed");
    let above = d
        .words_on(w.page)
        .filter(|o| is_size(o, 16.0) && o.y1 < w.y0)
        .count();
    r.that(
        w.page,
        "§7.3.5 the 署名 and 成文日期 do not stand alone on a page",
        above > 0,
        format!("{above} lines of text above the 署名"),
    );
}

/// A heading never ends a page: the last line of every page but the last is not one.
fn headings_not_at_page_foot(r: &mut Rules, d: &Doc, headings: &[&str]) {
    for page in 1..d.pages {
        if let Some(last) = d.lines(page).last() {
            r.that(
                page,
                "§7.3.3 a heading never sits alone at the foot of a page",
                !headings.iter().any(|h| last.text.ends_with(h)),
                &last.text,
            );
        }
    }
}

const ISSUER: &str = "宁夏回族自治区自然资源厅";
const PRINTER: &str = "宁夏回族自治区自然资源厅办公室";

#[test]
fn document_format_header_title_and_body() {
    let d = doc("a-document");
    let mut r = Rules::new(&d);
    let ras = d.raster(1);

    // 版头: 份号, 密级, 紧急程度 flush left on lines 1–3 (§7.2.1–7.2.3).
    for (line, text, face, rule) in [
        (1, "000001", FANG, "§7.2.1 份号 (6 digits)"),
        (2, "秘密★1年", HEI, "§7.2.2 密级和保密期限 in 3号黑体"),
        (3, "特急", HEI, "§7.2.3 紧急程度 in 3号黑体"),
    ] {
        let w = d.word(1, text, rule);
        r.near(1, &format!("{rule}: flush left"), mm(w.x0), LEFT, HALF);
        r.on_line(1, rule, w, line);
        r.face(1, rule, d.run(1, text, rule), face, 16.0, "#000000");
    }

    // The red 发文机关标志, top edge 35 mm below the 版心's top, centred (§7.2.4).
    let logo = d.word(1, "宁夏回族自治区自然资源厅文件", "§7.2.4 发文机关标志");
    let run = d.run(1, "宁夏回族自治区自然资源厅文件", "§7.2.4 发文机关标志");
    r.face(
        1,
        "§7.2.4 发文机关标志 in red 小标宋",
        run,
        XBS,
        run.size,
        RED,
    );
    r.that(
        1,
        "§7.2.4 发文机关标志 of a balanced size (22–55 pt)",
        (22.0..=55.0).contains(&run.size),
        format!("{} pt", run.size),
    );
    r.near(
        1,
        "§7.2.4 发文机关标志 centred",
        mm(logo.centre_x()),
        (LEFT + RIGHT) / 2.0,
        MM1,
    );
    let ink = ras
        .ink_box(red, ras.all())
        .expect("§7.2.4 the 标志 prints red ink");
    r.near(
        1,
        "§7.2.4 top edge of the 发文机关标志 35 mm below the 版心's top",
        ink.y0,
        TOP + 35.0,
        MM1,
    );
    let logo_bottom = ras
        .ink_box(
            red,
            InkBox {
                y1: mm(logo.y1) + 2.0,
                ..ras.all()
            },
        )
        .unwrap()
        .y1;

    // 发文字号 two lines below the 标志, centred; the red line 4 mm below it (§7.2.5, §7.2.7).
    let number = d.word(1, "宁自然资函〔2022〕70号", "§7.2.5 发文字号");
    r.near(
        1,
        "§7.2.5 发文字号 centred",
        mm(number.centre_x()),
        (LEFT + RIGHT) / 2.0,
        HALF,
    );
    let number_line_top = mm(number.y0) - (LINE - 16.0 * PT) / 2.0;
    r.near(
        1,
        "§7.2.5 发文字号 two lines below the 发文机关标志",
        number_line_top - logo_bottom,
        2.0 * LINE,
        MM1,
    );
    let reds = red_separator(&mut r, &ras, number);
    if let Some(line) = reds.first() {
        r.near(
            1,
            "§7.2.7 red separator from the 版心's left",
            line.x0,
            LEFT,
            HALF,
        );
        r.near(
            1,
            "§7.2.7 red separator to the 版心's right",
            line.x1,
            RIGHT,
            HALF,
        );

        // 标题: 2号小标宋, centred, two lines below the red line, on the grid (§7.3.1).
        let title = ["关于自治区政协十一届五次会议", "第70号提案协办意见的函"];
        let first = d.word(1, title[0], "§7.3.1 标题 broken between words");
        let second = d.word(1, title[1], "§7.3.1 标题 broken between words");
        for w in [first, second] {
            r.that(
                1,
                "§7.3.1 标题 lines are whole lines (never broken inside 提案 or 协办)",
                title.contains(&w.text.as_str()),
                &w.text,
            );
            r.near(
                1,
                "§7.3.1 标题 centred",
                mm(w.centre_x()),
                (LEFT + RIGHT) / 2.0,
                HALF,
            );
            r.face(
                1,
                "§7.3.1 标题 in 2号小标宋",
                d.run(1, &w.text, "标题"),
                XBS,
                22.0,
                "#000000",
            );
        }
        r.that(
            1,
            "§7.3.1 标题 shaped as a trapezoid (upper line longer)",
            first.x1 - first.x0 > second.x1 - second.x0 + 10.0,
            format!(
                "{:.1} mm over {:.1} mm",
                mm(first.x1 - first.x0),
                mm(second.x1 - second.x0)
            ),
        );
        let title_line = grid_line(first);
        r.that(
            1,
            "§7.3.1 标题 on the grid",
            title_line.is_some(),
            mm(first.y0),
        );
        let title_top = mm((first.y0 + first.y1) / 2.0) - LINE / 2.0;
        r.that(
            1,
            "§7.3.1 标题 two lines below the red separator",
            title_top - line.centre >= 2.0 * LINE - MM1 && title_top - line.centre < 3.0 * LINE,
            format!("{:.2} mm", title_top - line.centre),
        );
        r.near(
            1,
            "§7.3.1 标题 lines one line apart",
            mm(second.y0 - first.y0),
            LINE,
            HALF,
        );

        // 主送机关 one line below the 标题, flush left, wrapped flush left, ends with "：" (§7.3.2).
        let to = d.word(1, "各市、县（区）", "§7.3.2 主送机关");
        r.near(1, "§7.3.2 主送机关 flush left", mm(to.x0), LEFT, HALF);
        r.near(
            1,
            "§7.3.2 主送机关 one line below the 标题",
            mm(to.y0 - second.y0) - (22.0 - 16.0) * PT / 2.0,
            2.0 * LINE,
            HALF,
        );
        let to_wrap = d.word(1, "机关各处室", "§7.3.2 主送机关 wrapped");
        r.near(
            1,
            "§7.3.2 主送机关 wraps flush left",
            mm(to_wrap.x0),
            LEFT,
            HALF,
        );
        r.that(
            1,
            "§7.3.2 主送机关 ends with a full-width colon",
            to_wrap.text.ends_with('：'),
            &to_wrap.text,
        );
        // 正文 starts on the next line, indented two characters.
        let body = d.word(1, "现就王波", "§7.3.3 正文");
        r.near(
            1,
            "§7.3.3 正文 on the line after 主送",
            mm(body.y0 - to_wrap.y0),
            LINE,
            HALF,
        );
        r.near(
            1,
            "§7.3.3 paragraph indented two characters",
            mm(body.x0),
            LEFT + 2.0 * CHAR,
            HALF,
        );
        page_rules(&mut r, &d, title_top);
    }
    // No extra space between Chinese and Arabic numerals.
    let dated = d.word(
        1,
        "的提案，提出如下协办意见。2022年6月13日",
        "§7.3.3 numerals",
    );
    r.that(
        1,
        "§7.3.3 no space between Chinese and Arabic numerals",
        dated.text.contains("意见。2022年6月13日前"),
        &dated.text,
    );

    // Headings on four levels with their faces (§7.3.3).
    for (text, face, rule) in [
        ("一、总体要求", HEI, "§7.3.3 heading 一、 in 黑体"),
        ("（一）指导思想", KAI, "§7.3.3 heading （一） in 楷体"),
        ("1.规划引领", FANG, "§7.3.3 heading 1. in 仿宋"),
        ("（1）问题导向", FANG, "§7.3.3 heading （1） in 仿宋"),
    ] {
        r.face(1, rule, d.run(1, text, rule), face, 16.0, "#000000");
        let w = d.word(1, text, rule);
        r.near(
            1,
            &format!("{rule}: two characters in"),
            mm(w.x0),
            LEFT + 2.0 * CHAR,
            HALF,
        );
    }
    headings_not_at_page_foot(
        &mut r,
        &d,
        &["总体要求", "指导思想", "规划引领", "问题导向"],
    );
    // A full page: 22 lines.
    r.that(
        2,
        "§5.2.3 22 lines on a full page",
        d.lines(2).len() == 22,
        d.lines(2).len(),
    );
    for page in 1..=d.pages {
        page_number_rules(&mut r, &d, page, page);
    }
    r.finish();
}

#[test]
fn document_format_closing_attachments_and_banji() {
    let d = doc("a-document");
    let mut r = Rules::new(&d);
    let page = 3;

    // 附件说明: one line below the 正文, two characters in; names numbered, wrapped
    // lines aligned with the first character of the name (§7.3.4).
    let first = d.word(page, "附件：1.生态保护修复项目储备表", "§7.3.4 附件说明");
    let second = d.word(
        page,
        "2.宁夏回族自治区历史遗留",
        "§7.3.4 附件说明, second name",
    );
    let wrap = d.word(
        page,
        "程项目申报指南及有关表格",
        "§7.3.4 附件说明, wrapped name",
    );
    let last_body = d
        .lines(page)
        .into_iter()
        .take_while(|w| w.y0 < first.y0)
        .last()
        .expect("正文 above the 附件说明");
    r.near(
        page,
        "§7.3.4 附件说明 one line below the 正文",
        mm(first.y0 - last_body.y0),
        2.0 * LINE,
        HALF,
    );
    r.near(
        page,
        "§7.3.4 附件说明 two characters in",
        mm(first.x0),
        LEFT + 2.0 * CHAR,
        HALF,
    );
    r.near(
        page,
        "§7.3.4 second name's number under the first's",
        mm(second.x0),
        mm(first.x0) + 3.0 * CHAR,
        HALF,
    );
    // The first line is not stretched: its width is 13 cells, the 16 pt of its last
    // character and the number "1." — which gives the width of the number.
    let number_width = mm(first.x1 - first.x0) - 13.0 * CHAR - 16.0 * PT;
    r.near(
        page,
        "§7.3.4 wrapped attachment name aligned with the first character of the name",
        mm(wrap.x0),
        mm(second.x0) + number_width,
        HALF,
    );
    r.that(
        page,
        "§7.3.4 no punctuation after attachment names",
        !wrap.text.ends_with(['。', '；', '，']) && !first.text.ends_with(['。', '；']),
        &wrap.text,
    );

    // 署名 and 成文日期 without a seal (§7.3.5.2).
    let issuer = d.word(page, ISSUER, "§7.3.5 发文机关署名");
    let date = d.word(page, "2022年6月13日", "§7.3.5 成文日期");
    r.near(
        page,
        "§7.3.5.2 署名 one line below the 附件说明",
        mm(issuer.y0 - wrap.y0),
        2.0 * LINE,
        HALF,
    );
    r.near(
        page,
        "§7.3.5.2 署名 right, two characters in",
        mm(issuer.x1),
        RIGHT - 2.0 * CHAR,
        HALF,
    );
    r.near(
        page,
        "§7.3.5.2 成文日期 on the line after the 署名",
        mm(date.y0 - issuer.y0),
        LINE,
        HALF,
    );
    r.near(
        page,
        "§7.3.5.2 成文日期 starts two characters right of the 署名",
        mm(date.x0 - issuer.x0),
        2.0 * CHAR,
        HALF,
    );
    // 附注 in parentheses, two characters in, on the line after the date (§7.3.6).
    let note = d.word(page, "（联系人及电话", "§7.3.6 附注");
    r.near(
        page,
        "§7.3.6 附注 two characters in",
        mm(note.x0),
        LEFT + 2.0 * CHAR,
        HALF,
    );
    r.near(
        page,
        "§7.3.6 附注 on the line after the 成文日期",
        mm(note.y0 - date.y0),
        LINE,
        HALF,
    );

    // 附件 page: a new page, "附件1" in 3号黑体 top left, title centred on line 3,
    // body like the 正文, page numbers continuing (§7.3.7, §7.5).
    let a = 4;
    let label = d.word(a, "附件1", "§7.3.7 附件 label");
    r.that(
        a,
        "§7.3.7 附件 starts a new page",
        label.page == a && d.lines(a)[0].text == "附件1",
        &label.text,
    );
    r.near(a, "§7.3.7 附件1 flush left", mm(label.x0), LEFT, HALF);
    r.on_line(a, "§7.3.7 附件1", label, 1);
    r.face(
        a,
        "§7.3.7 附件1 in 3号黑体",
        d.run(a, "附件1", "附件1"),
        HEI,
        16.0,
        "#000000",
    );
    let title = d.word(a, "生态保护修复项目储备表", "§7.3.7 附件 title");
    r.on_line(a, "§7.3.7 附件 title", title, 3);
    r.near(
        a,
        "§7.3.7 附件 title centred",
        mm(title.centre_x()),
        (LEFT + RIGHT) / 2.0,
        HALF,
    );
    r.face(
        a,
        "§7.3.7 附件 title in 2号小标宋",
        d.run(a, "生态保护修复项目储备表", "title"),
        XBS,
        22.0,
        "#000000",
    );
    let body = d.word(a, "各市、县（区）自然资源局按下表", "§7.3.7 附件 body");
    r.near(
        a,
        "§7.3.7 附件 body indented like the 正文",
        mm(body.x0),
        LEFT + 2.0 * CHAR,
        HALF,
    );
    r.that(
        a,
        "§7.3.7 附件 body on the grid",
        grid_line(body).is_some(),
        mm(body.y0),
    );
    page_number_rules(&mut r, &d, a, 4);

    // 版记 on the last page, an even page (§7.4).
    r.that(
        a,
        "§7.4 版记 on an even page",
        d.pages.is_multiple_of(2),
        d.pages,
    );
    banji_rules(&mut r, &d, d.pages, PRINTER, "2022年6月13日印发");
    let cc = d.word(d.pages, "抄送：", "§7.4 抄送");
    let cc_wrap = d
        .words_on(d.pages)
        .find(|w| w.text.starts_with("自治区财政厅"))
        .expect("抄送 wraps");
    r.near(
        d.pages,
        "§7.4 抄送 wrapped lines aligned after the colon",
        mm(cc_wrap.x0),
        mm(cc.x0) + 3.0 * 14.0 * PT,
        HALF,
    );
    let cc_last = d
        .words_on(d.pages)
        .filter(|w| is_size(w, 14.0) && w.y0 < d.word(d.pages, PRINTER, "印发").y0)
        .last()
        .unwrap();
    r.that(
        d.pages,
        "§7.4 a full stop after the last 抄送机关",
        cc_last.text.ends_with('。'),
        &cc_last.text,
    );
    r.finish();
}

#[test]
fn joint_upward_document() {
    let d = doc("b-upward");
    let mut r = Rules::new(&d);
    let ras = d.raster(1);
    // Joint issue: the issuers stacked, "文件" beside them, all red (§7.2.4).
    let names: Vec<&Run> = d
        .runs
        .iter()
        .filter(|x| x.page == 1 && x.colour.eq_ignore_ascii_case(RED) && x.text != "文件")
        .collect();
    r.that(
        1,
        "§7.2.4 joint issue: the three issuers stacked",
        names.len() == 3,
        names.len(),
    );
    let wen = d.run(1, "文件", "§7.2.4 文件");
    r.face(1, "§7.2.4 文件 in red 小标宋", wen, XBS, wen.size, RED);
    if names.len() == 3 {
        for n in &names {
            r.face(1, "§7.2.4 joint issuer in red 小标宋", n, XBS, n.size, RED);
            r.near(
                1,
                "§7.2.4 joint issuers spread to one width (left)",
                mm(n.left),
                mm(names[0].left),
                MM1,
            );
            r.near(
                1,
                "§7.2.4 joint issuers spread to one width (right)",
                mm(n.left + n.width),
                mm(names[0].left + names[0].width),
                MM1,
            );
            r.that(
                1,
                "§7.2.4 文件 beside the issuers",
                wen.left > n.left + n.width,
                wen.left,
            );
        }
        let middle = (names[0].top + names[2].top + names[2].height) / 2.0;
        r.near(
            1,
            "§7.2.4 文件 centred on the stack",
            mm(wen.top + wen.height / 2.0),
            mm(middle),
            MM1,
        );
    }
    let ink = ras.ink_box(red, ras.all()).expect("red 标志");
    r.near(
        1,
        "§7.2.4 top edge of the 标志 35 mm below the 版心's top",
        ink.y0,
        TOP + 35.0,
        MM1,
    );
    let stack_bottom = ras
        .ink_box(
            red,
            InkBox {
                y1: ink.y1.min(TOP + 80.0),
                ..ras.all()
            },
        )
        .unwrap()
        .y1;

    // 上行文: 签发人 right, one character in, two lines below the 标志; 文号 left,
    // one character in, on the line of the last 签发人 (§7.2.5, §7.2.6).
    let label = d.run(1, "签发人：", "§7.2.6 签发人");
    r.face(
        1,
        "§7.2.6 签发人： in 3号仿宋",
        label,
        FANG,
        16.0,
        "#000000",
    );
    let signers = d.run(1, "张三李四四", "§7.2.6 签发人 names");
    r.face(
        1,
        "§7.2.6 签发人 names in 3号楷体",
        signers,
        KAI,
        16.0,
        "#000000",
    );
    let first_row = d.word(1, "签发人：张三", "§7.2.6 签发人");
    let names_end = d
        .words_on(1)
        .filter(|w| (w.y0 - first_row.y0).abs() < 1.0)
        .map(|w| w.x1)
        .fold(0.0, f64::max);
    r.near(
        1,
        "§7.2.6 签发人 right, one character in",
        mm(names_end),
        RIGHT - CHAR,
        HALF,
    );
    r.near(
        1,
        "§7.2.6 签发人 two lines below the 发文机关标志",
        mm(first_row.y0) - (LINE - 16.0 * PT) / 2.0 - stack_bottom,
        2.0 * LINE,
        MM1,
    );
    let last_signer = d.word(1, "王五", "§7.2.6 third 签发人");
    let number = d.word(1, "宁自然资发〔2023〕30号", "§7.2.5 发文字号");
    r.near(
        1,
        "§7.2.5 上行文 发文字号 left, one character in",
        mm(number.x0),
        LEFT + CHAR,
        HALF,
    );
    r.near(
        1,
        "§7.2.5 发文字号 on the line of the last 签发人",
        mm(number.y0),
        mm(last_signer.y0),
        HALF,
    );
    r.near(
        1,
        "§7.2.6 later 签发人 aligned with the first name",
        mm(last_signer.x0),
        mm(label.left + label.width),
        HALF,
    );
    let reds = red_separator(&mut r, &ras, number);
    page_rules(&mut r, &d, reds.first().map_or(TOP + 100.0, |l| l.centre));
    r.finish();
}

#[test]
fn letter_format() {
    let d = doc("c-letter");
    let mut r = Rules::new(&d);
    let ras = d.raster(1);
    // 标志: the issuer without 文件, red 小标宋, centred on the page, top 30 mm from the page top (§10.1).
    let logo = d.run(1, ISSUER, "§10.1 发文机关标志");
    r.face(
        1,
        "§10.1 发文机关标志 in red 小标宋",
        logo,
        XBS,
        logo.size,
        RED,
    );
    r.that(
        1,
        "§10.1 发文机关标志 without 文件",
        !logo.text.contains("文件"),
        &logo.text,
    );
    r.near(
        1,
        "§10.1 发文机关标志 centred on the page",
        mm(logo.left + logo.width / 2.0),
        PAGE_W / 2.0,
        MM1,
    );
    let ink = ras.ink_box(red, ras.all()).expect("red 标志");
    r.near(
        1,
        "§10.1 top edge of the 发文机关标志 30 mm from the page top",
        ink.y0,
        30.0,
        MM1,
    );

    // Red double lines, 170 mm, centred: thick over thin 4 mm below the 标志, thin
    // over thick 20 mm above the page bottom.
    let reds = red_rules(&ras);
    r.that(
        1,
        "§10.1 two red double lines (four strokes)",
        reds.len() == 4,
        reds.len(),
    );
    for s in &reds {
        r.near(1, "§10.1 red line 170 mm long", s.length(), 170.0, MM1);
        r.near(
            1,
            "§10.1 red line centred on the page",
            (s.x0 + s.x1) / 2.0,
            PAGE_W / 2.0,
            MM1,
        );
    }
    if reds.len() == 4 {
        let logo_bottom = ras
            .ink_box(
                red,
                InkBox {
                    y1: reds[0].top - 0.3,
                    ..ras.all()
                },
            )
            .unwrap()
            .y1;
        r.near(
            1,
            "§10.1 first double line 4 mm below the 标志",
            reds[0].top - logo_bottom,
            4.0,
            MM1,
        );
        let fine = weighed(&d, 1, red);
        let t: Vec<f64> = reds.iter().map(|s| thickness(&fine, s.centre)).collect();
        r.that(
            1,
            "§10.1 first double line thick over thin",
            t[0] > 1.5 * t[1],
            format!("{:.2} over {:.2} mm", t[0], t[1]),
        );
        r.that(
            1,
            "§10.1 second double line thin over thick",
            t[3] > 1.5 * t[2],
            format!("{:.2} over {:.2} mm", t[2], t[3]),
        );
        r.near(
            1,
            "§10.1 second double line 20 mm above the page bottom",
            reds[3].bottom,
            PAGE_H - 20.0,
            MM1,
        );

        // 份号, 密级, 紧急程度 flush left, 发文字号 flush right, under the first double line.
        let line_bottom = reds[1].bottom;
        let copy = d.word(1, "000012", "§10.1 份号");
        let number = d.word(1, "宁自然资函〔2024〕33号", "§10.1 发文字号");
        r.near(1, "§10.1 份号 flush left", mm(copy.x0), LEFT, HALF);
        r.near(
            1,
            "§10.1 份号 7/8 of a character below the double line",
            mm(copy.y0) - line_bottom,
            7.0 / 8.0 * 16.0 * PT,
            MM1,
        );
        r.near(1, "§10.1 发文字号 flush right", mm(number.x1), RIGHT, HALF);
        r.near(
            1,
            "§10.1 发文字号 on the first line under the double line",
            mm(number.y0),
            mm(copy.y0),
            HALF,
        );
        let secrecy = d.word(1, "秘密★1年", "§10.1 密级");
        let urgency = d.word(1, "加急", "§10.1 紧急程度");
        r.near(
            1,
            "§10.1 密级 on the next line, flush left",
            mm(secrecy.y0 - copy.y0) + mm(secrecy.x0) - LEFT,
            LINE,
            HALF,
        );
        r.near(
            1,
            "§10.1 紧急程度 on the next line, flush left",
            mm(urgency.y0 - secrecy.y0) + mm(urgency.x0) - LEFT,
            LINE,
            HALF,
        );
        r.face(
            1,
            "§10.1 密级 in 黑体",
            d.run(1, "秘密★1年", "密级"),
            HEI,
            16.0,
            "#000000",
        );
        // 标题 two lines below the last of them.
        let title = d.word(1, "关于银川市申请调整耕地保护目标的复函", "§10.1 标题");
        let gap =
            mm(title.y0) - (LINE - 22.0 * PT) / 2.0 - (mm(urgency.y1) + (LINE - 16.0 * PT) / 2.0);
        r.that(
            1,
            "§10.1 标题 two lines below the last element above it",
            (2.0 * LINE - MM1..3.0 * LINE).contains(&gap),
            format!("{gap:.2} mm"),
        );
        r.near(
            1,
            "§10.1 标题 centred",
            mm(title.centre_x()),
            (LEFT + RIGHT) / 2.0,
            HALF,
        );
        page_rules(&mut r, &d, mm(title.y0) - 1.0);
    }
    // No page number on the first page; the second numbered (§10.1, §7.5).
    r.that(
        1,
        "§10.1 no page number on the first page",
        d.page_number(1).is_none(),
        d.page_number(1).map_or("", |w| &w.text),
    );
    page_number_rules(&mut r, &d, 2, 2);
    // The double lines are on the first page only.
    r.that(
        2,
        "§10.1 no red lines after the first page",
        red_rules(&d.raster(2)).is_empty(),
        "red lines",
    );

    // 版记 without 印发 and rules, at the foot of the 版心 on the last page.
    let last = d.pages;
    r.that(
        last,
        "§10.1 版记 without 印发机关 and 印发日期",
        !d.words.iter().any(|w| w.text.contains("印发")),
        "印发",
    );
    r.that(
        last,
        "§10.1 版记 without rules",
        d.raster(last).strokes(black, 100.0).is_empty(),
        "black rules",
    );
    let cc = d.word(last, "抄送：", "§10.1 抄送");
    r.that(
        last,
        "§10.1 版记 at the foot of the 版心",
        mm(cc.y1) <= BOTTOM && BOTTOM - mm(cc.y1) < LINE,
        format!("bottom {:.2} mm", mm(cc.y1)),
    );
    r.that(
        last,
        "§10.1 版记 keeps its full stop",
        d.words_on(last).any(|w| w.text.ends_with("自治区财政厅。")),
        "抄送 names",
    );
    signature_not_alone(&mut r, &d, ISSUER);
    r.finish();
}

#[test]
fn seal_presses_on_the_signature_and_date() {
    let d = doc("d-seal");
    let mut r = Rules::new(&d);
    let ras = d.raster(1);
    let issuer = d.word(1, ISSUER, "§7.3.5.1 署名");
    let date = d.word(1, "2022年6月13日", "§7.3.5.1 成文日期");
    // The date four characters from the right, the 署名 centred over it.
    r.near(
        1,
        "§7.3.5.1 with a seal the 成文日期 is four characters from the right",
        mm(date.x1),
        RIGHT - 4.0 * CHAR,
        HALF,
    );
    r.near(
        1,
        "§7.3.5.1 署名 centred over the 成文日期",
        mm(issuer.centre_x()),
        mm(date.centre_x()),
        HALF,
    );
    r.near(
        1,
        "§7.3.5.1 成文日期 on the line after the 署名",
        mm(date.y0 - issuer.y0),
        LINE,
        HALF,
    );
    // The seal: red, centred over both, pressing on them, its top within a line of the text.
    let last_body = d.word(1, "建设的重要手段。", "正文");
    let body_bottom = mm(last_body.y1) + (LINE - 16.0 * PT) / 2.0;
    let seal = ras.ink_box(
        red,
        InkBox {
            y0: body_bottom - LINE,
            ..ras.all()
        },
    );
    let Some(seal) = seal else {
        r.that(1, "§7.3.5.1 a red seal", false, "no red ink");
        return r.finish();
    };
    r.near(
        1,
        "§7.3.5.1 seal 42 mm across",
        seal.x1 - seal.x0,
        42.0,
        MM1,
    );
    r.near(
        1,
        "§7.3.5.1 seal centred over the 成文日期",
        (seal.x0 + seal.x1) / 2.0,
        mm(date.centre_x()),
        MM1,
    );
    r.that(
        1,
        "§7.3.5.1 seal top within one line below the 正文",
        seal.y0 >= body_bottom - 0.1 && seal.y0 - body_bottom <= LINE,
        format!("{:.2} mm below the text", seal.y0 - body_bottom),
    );
    for w in [issuer, date] {
        r.that(
            1,
            "§7.3.5.1 seal covers the 署名 and the 成文日期",
            seal.x0 < mm(w.x0).max(seal.x0 + 1.0) && seal.y0 < mm(w.y0) && mm(w.y1) < seal.y1,
            format!(
                "`{}` at {:.1}–{:.1} mm, seal {:.1}–{:.1} mm",
                w.text,
                mm(w.y0),
                mm(w.y1),
                seal.y0,
                seal.y1
            ),
        );
    }
    let centre = (seal.y0 + seal.y1) / 2.0;
    r.that(
        1,
        "§7.3.5.1 署名 and 成文日期 just below the seal's centre",
        mm((issuer.y0 + date.y1) / 2.0) > centre && mm(issuer.y0) < centre + LINE,
        format!(
            "seal centre {centre:.2} mm, 署名 top {:.2} mm",
            mm(issuer.y0)
        ),
    );
    page_rules(&mut r, &d, TOP);
    r.finish();
}

/// The 版记 on page 4, after a blank page 3; neither page numbered.
fn banji_after_a_blank_page(r: &mut Rules, d: &Doc) {
    r.that(
        d.pages,
        "§7.4 版记 on an even page",
        d.pages == 4,
        format!("{} pages", d.pages),
    );
    r.that(
        3,
        "§7.5 blank page before the 版记 page",
        d.words_on(3).next().is_none(),
        d.words_on(3).map(|w| w.text.as_str()).collect::<String>(),
    );
    for page in [3, 4] {
        r.that(
            page,
            "§7.5 no page number on the blank page and the 版记 page",
            d.page_number(page).is_none(),
            d.page_number(page).map_or("", |w| &w.text),
        );
    }
}

#[test]
fn banji_on_an_even_page_after_an_unnumbered_blank_page() {
    let d = doc("e-blank-page");
    let mut r = Rules::new(&d);
    banji_after_a_blank_page(&mut r, &d);
    for page in [1, 2] {
        page_number_rules(&mut r, &d, page, page);
    }
    r.that(
        4,
        "§7.4 the 版记 page holds only the 版记",
        d.lines(4).is_empty(),
        d.lines(4).len(),
    );
    banji_rules(&mut r, &d, 4, PRINTER, "2024年3月8日印发");
    page_rules(&mut r, &d, TOP);
    r.finish();
}

#[test]
fn signature_tightens_then_takes_text_along() {
    // f: the text ends on line 20; the blank line above the 署名 goes.
    let d = doc("f-tight");
    let mut r = Rules::new(&d);
    let issuer = d.word(1, ISSUER, "§7.3.5 署名");
    let date = d.word(1, "2024年3月8日", "§7.3.5 成文日期");
    r.on_line(1, "§7.3.5 署名 tightened up to the text", issuer, 21);
    r.on_line(1, "§7.3.5 成文日期 on the last line", date, 22);
    let last_body = d.lines(1).into_iter().rfind(|w| w.y0 < issuer.y0).unwrap();
    r.on_line(1, "§7.3.5 text ends", last_body, 20);
    page_rules(&mut r, &d, TOP);
    r.finish();

    // g: the text ends on line 21; the last paragraph goes over with the signature.
    let d = doc("g-carry");
    let mut r = Rules::new(&d);
    signature_not_alone(&mut r, &d, ISSUER);
    let issuer = d.word(2, ISSUER, "§7.3.5 署名 on the next page");
    r.on_line(
        2,
        "§7.3.5 署名 one line below the text carried over",
        issuer,
        4,
    );
    page_rules(&mut r, &d, TOP);
    r.finish();
}

#[test]
fn a_long_last_paragraph_sends_only_its_last_line_over_with_the_signature() {
    // r: a paragraph of four lines on lines 18–21, no room below for the
    // 署名: its last line goes over, the rest stays and fills the page.
    let d = doc("r-widow");
    let mut r = Rules::new(&d);
    signature_not_alone(&mut r, &d, ISSUER);
    let carried = d.word(
        2,
        "末段末行随署名转页。",
        "§7.3.5 the last line carried over",
    );
    r.on_line(2, "§7.3.5 the last line starts the page", carried, 1);
    let issuer = d.word(2, ISSUER, "§7.3.5 署名 on the next page");
    r.on_line(2, "§7.3.5 署名 one line below it", issuer, 3);
    r.that(
        1,
        "§7.3.5 the rest of the paragraph stays: the page ends on line 20",
        d.lines(1).last().and_then(|w| grid_line(w)) == Some(20),
        "last line",
    );
    page_rules(&mut r, &d, TOP);
    r.finish();
}

#[test]
fn a_signature_at_the_foot_of_an_even_page_sends_the_banji_past_a_blank_page() {
    // s: the 成文日期 on line 22 of page 2: the 版记 goes to page 4, not to
    // the odd page 3, which stays blank; neither is numbered.
    let d = doc("s-banji-after-foot");
    let mut r = Rules::new(&d);
    let date = d.word(2, "2024年3月8日", "§7.3.5 成文日期");
    r.on_line(2, "§7.3.5 成文日期 on the last line", date, 22);
    banji_after_a_blank_page(&mut r, &d);
    banji_rules(&mut r, &d, 4, PRINTER, "2024年3月8日印发");
    r.finish();
}

#[test]
fn a_signature_longer_than_its_line_wraps_two_characters_from_the_right() {
    // w: a 署名 of 34 characters: 26 on its first line, ending two
    // characters from the right; the rest on the next, from the same left
    // edge; the date two characters right of the 署名's start (§7.3.5.2).
    let d = doc("w-long-issuer");
    let mut r = Rules::new(&d);
    let first = d.word(1, "宁夏回族自治区自然资源厅", "§7.3.5.2 署名");
    let rule = "§7.3.5.2 署名 two characters from the right";
    r.near(1, rule, mm(first.x1), RIGHT - 2.0 * CHAR, HALF);
    let rule = "§7.3.5.2 署名's first line 26 characters";
    r.near(1, rule, mm(first.x0), LEFT, HALF);
    let rest = d.word(1, "自治区生态环境厅", "§7.3.5.2 署名's second line");
    let rule = "§7.3.5.2 署名's second line from the first's left edge";
    r.near(1, rule, mm(rest.x0), LEFT, HALF);
    r.near(
        1,
        "§7.3.5.2 署名's second line next",
        mm(rest.y0 - first.y0),
        LINE,
        HALF,
    );
    let date = d.word(1, "2024年3月8日", "§7.3.5.2 成文日期");
    let rule = "§7.3.5.2 成文日期 two characters right of the 署名's start";
    r.near(1, rule, mm(date.x0), LEFT + 2.0 * CHAR, HALF);
    r.near(
        1,
        "§7.3.5.2 成文日期 on the line after the 署名",
        mm(date.y0 - rest.y0),
        LINE,
        HALF,
    );
    r.finish();
}

#[test]
fn heading_goes_over_with_its_text() {
    let d = doc("h-heading");
    let mut r = Rules::new(&d);
    headings_not_at_page_foot(&mut r, &d, &["工作要求"]);
    let heading = d.word(2, "一、工作要求", "§7.3.3 heading on the next page");
    r.on_line(2, "§7.3.3 heading at the top of the next page", heading, 1);
    r.that(
        1,
        "§7.3.3 the page before ends on line 21",
        d.lines(1).last().and_then(|w| grid_line(w)) == Some(21),
        "last line",
    );
    page_rules(&mut r, &d, TOP);
    r.finish();
}

/// The 3号 lines of every page as (page, x0, x1, y0, text), words on one
/// line joined in reading order.
fn body_lines(d: &Doc) -> Vec<(usize, f64, f64, f64, String)> {
    let mut lines: Vec<(usize, f64, f64, f64, String)> = Vec::new();
    for w in d.words.iter().filter(|w| is_size(w, 16.0)) {
        match lines.last_mut() {
            Some(l) if l.0 == w.page && (l.3 - w.y0).abs() < 1.0 => {
                l.1 = l.1.min(w.x0);
                l.2 = l.2.max(w.x1);
                l.4.push_str(&w.text);
            }
            _ => lines.push((w.page, w.x0, w.x1, w.y0, w.text.clone())),
        }
    }
    lines
}

const MARKS: &str = "，。、；：？！）》」』】〕”’（《「『【〔“‘";

/// §5.2.3 and clreq: a line of Chinese text that reaches the right edge of the
/// 版心 fills its cells (28, or 26 after a paragraph's indent) with as many
/// characters, or with one more where marks on it were compressed to push it in;
/// it holds one fewer only where nothing could be compressed (push-out).
/// Returns (full lines, lines holding their cells), and records every line that
/// holds more than one extra character or an extra one without a mark. (A line
/// short of its cells is a push-out, or a line before a token kept whole.)
fn full_lines(r: &mut Rules, d: &Doc) -> (usize, usize) {
    let (mut full, mut filled) = (0, 0);
    for (page, x0, x1, _, text) in body_lines(d) {
        // (A pushed-in line's last mark may reach half a cell past the edge.)
        if !(-0.3..CHAR / 2.0 + 0.2).contains(&(mm(x1) - RIGHT))
            || text.chars().any(|c| c.is_ascii())
        {
            continue;
        }
        let cells = ((RIGHT - mm(x0)) / CHAR).round() as usize;
        let n = text.chars().count();
        full += 1;
        if n >= cells {
            filled += 1;
        }
        r.that(
            page,
            "clreq a full line holds its cells' characters, one more only by compressing marks",
            n <= cells || (n == cells + 1 && text.chars().any(|c| MARKS.contains(c))),
            format!("{n} characters in {cells} cells: `{text}`"),
        );
    }
    (full, filled)
}

#[test]
fn full_lines_hold_28_cells() {
    let (mut full, mut filled) = (0, 0);
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for name in [
        "k-sample",
        "a-document",
        "b-upward",
        "c-letter",
        "d-seal",
        "e-blank-page",
        "f-tight",
        "g-carry",
        "h-heading",
        "i-tables",
        "j-tokens",
    ] {
        let d = doc(name);
        let mut r = Rules::new(&d);
        let (f, k) = full_lines(&mut r, &d);
        report.push(format!("{name}: {k} of {f}"));
        full += f;
        filled += k;
        failures.extend(r.failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("full lines holding their cells: {}", report.join(", "));
    assert!(full >= 100, "too few full lines to judge: {full}");
    assert!(
        filled as f64 >= 0.98 * full as f64,
        "98 % of full Chinese lines hold their cells: {filled} of {full} ({})",
        report.join(", ")
    );
}

/// The vertical rules of a table between two heights (mm), left to right.
fn table_columns(ras: &Raster, y0: f64, y1: f64) -> Vec<f64> {
    let region = InkBox {
        y0,
        y1,
        ..ras.all()
    };
    ras.vertical_rules(black, region, 0.9)
}

/// Every word between `y0` and `y1` lies inside one cell: no rule runs through it.
fn words_in_cells(r: &mut Rules, d: &Doc, page: usize, rules: &[f64], y0: f64, y1: f64) {
    for w in d
        .words_on(page)
        .filter(|w| mm(w.y0) > y0 && mm(w.y1) < y1 && rules.first().is_some_and(|x| mm(w.x1) > *x))
    {
        r.that(
            page,
            "§8 text stays inside its cell",
            !rules
                .iter()
                .any(|x| mm(w.x0) + 0.2 < *x && *x < mm(w.x1) - 0.2)
                && rules.first().is_some_and(|x| *x < mm(w.x0))
                && rules.last().is_some_and(|x| mm(w.x1) < *x),
            format!(
                "`{}` from {:.1} to {:.1} mm, rules at {rules:.1?}",
                w.text,
                mm(w.x0),
                mm(w.x1)
            ),
        );
    }
    // Nothing prints over anything else.
    let words: Vec<&Word> = d.words_on(page).collect();
    for (i, a) in words.iter().enumerate() {
        for b in &words[i + 1..] {
            let dx = a.x1.min(b.x1) - a.x0.max(b.x0);
            let dy = a.y1.min(b.y1) - a.y0.max(b.y0);
            r.that(
                page,
                "§8 no text prints over other text",
                dx < 0.5 || dy < 0.5,
                format!("`{}` and `{}`", a.text, b.text),
            );
        }
    }
}

#[test]
fn tables_take_their_column_widths_from_their_content() {
    let d = doc("i-tables");
    let mut r = Rules::new(&d);
    let ras = d.raster(1);
    let head = d.word(1, "项目名称", "§8 table header");
    let rows: Vec<Stroke> = ras
        .strokes(black, 100.0)
        .into_iter()
        .filter(|s| s.top > mm(head.y0) - LINE)
        .collect();
    let (top, bottom) = (rows[0].centre, rows[rows.len() - 1].centre);
    let cols = table_columns(&ras, top + 0.5, bottom - 0.5);
    r.that(
        1,
        "§8 four columns (five rules)",
        cols.len() == 5,
        format!("{cols:.1?}"),
    );
    if cols.len() == 5 {
        let w: Vec<f64> = cols.windows(2).map(|p| p[1] - p[0]).collect();
        r.near(1, "§8 the table spans the 版心 (left)", cols[0], LEFT, HALF);
        r.near(
            1,
            "§8 the table spans the 版心 (right)",
            cols[4],
            RIGHT,
            HALF,
        );
        // AutoFit: 序号 as narrow as its header, 项目名称 the widest, long enough
        // that no name wraps more than once.
        r.that(
            1,
            "§8 the 序号 column is narrow",
            w[0] < 3.0 * 14.0 * PT + 3.0,
            format!("{w:.1?}"),
        );
        r.that(
            1,
            "§8 the 项目名称 column is the widest",
            w[1] > w[2] + w[3],
            format!("{w:.1?}"),
        );
        r.that(
            1,
            "§8 the 投资 column holds its header on one line",
            w[3] > 6.0 * 14.0 * PT,
            format!("{w:.1?}"),
        );
        words_in_cells(&mut r, &d, 1, &cols, top, bottom);
        // Alignment as the Markdown says: 序号 centred, amounts right.
        let amounts: Vec<&Word> = d
            .words_on(1)
            .filter(|w| {
                mm(w.x0) > cols[3]
                    && mm(w.y1) < BOTTOM
                    && w.text.chars().all(|c| c.is_ascii_digit())
            })
            .collect();
        r.that(
            1,
            "§8 amounts in the table",
            amounts.len() > 5,
            amounts.len(),
        );
        for a in &amounts {
            r.that(
                1,
                "§8 amounts right-aligned",
                (cols[4] - mm(a.x1)) < 2.0 && (cols[4] - mm(a.x1)) > 0.5,
                format!("`{}` ends at {:.1} mm", a.text, mm(a.x1)),
            );
        }
        let one = d
            .words_on(1)
            .find(|w| w.text == "1" && mm(w.x1) < cols[1])
            .expect("序号 1");
        r.near(
            1,
            "§8 序号 centred",
            mm(one.centre_x()),
            (cols[0] + cols[1]) / 2.0,
            HALF,
        );
    }
    // Rows on the body grid: every rule of the upright table on a grid line.
    for s in &rows {
        let k = ((s.centre - TOP) / LINE).round();
        r.near(
            1,
            "§8 table rows on the body grid",
            s.centre,
            TOP + k * LINE,
            0.3,
        );
    }
    // The table goes on to page 2, its header row repeated there.
    let again = d.word(2, "项目名称", "§8 header row repeated on the next page");
    r.that(
        2,
        "§8 header row at the top of the table's continuation",
        d.words_on(2).filter(|w| w.y0 < again.y0 - 1.0).count() == 0,
        mm(again.y0),
    );
    let ras2 = d.raster(2);
    let rows2: Vec<Stroke> = ras2.strokes(black, 100.0);
    if let (Some(a), Some(b)) = (rows2.first(), rows2.last()) {
        let cols2 = table_columns(&ras2, a.centre + 0.5, b.centre - 0.5);
        words_in_cells(&mut r, &d, 2, &cols2, a.centre, b.centre);
    }
    r.finish();
}

#[test]
fn a_table_too_wide_gets_a_landscape_page() {
    let d = doc("i-tables");
    let mut r = Rules::new(&d);
    let (pages, _) = pdf_words(&d.pdf);
    let landscape: Vec<usize> = (1..=pages.len())
        .filter(|&p| pages[p - 1].width > pages[p - 1].height)
        .collect();
    r.that(
        0,
        "§8 the wide table on one landscape page",
        landscape.len() == 1,
        format!("{landscape:?}"),
    );
    let Some(&p) = landscape.first() else {
        return r.finish();
    };
    r.near(
        p,
        "§8 landscape A4 (297 mm wide)",
        mm(pages[p - 1].width),
        PAGE_H,
        0.1,
    );
    r.near(
        p,
        "§8 landscape A4 (210 mm high)",
        mm(pages[p - 1].height),
        PAGE_W,
        0.1,
    );
    // The 版心 turned: 225 mm across from 35 mm, 156 mm down from 28 mm.
    let (l, t, rt, b) = (PAGE_H - BOTTOM, LEFT, PAGE_H - TOP, RIGHT);
    let number = d
        .words_on(p)
        .find(|w| mm(w.x1) < l && w.text == p.to_string())
        .expect("the landscape page's number");
    for w in d
        .words_on(p)
        .filter(|w| !std::ptr::eq(*w, number) && w.text != "—")
    {
        r.that(
            p,
            "§8 the table inside the turned 版心",
            mm(w.x0) >= l - 0.1
                && mm(w.x1) <= rt + 0.1
                && mm(w.y0) >= t - 0.1
                && mm(w.y1) <= b + 0.1,
            format!(
                "`{}` at {:.1},{:.1}–{:.1},{:.1} mm",
                w.text,
                mm(w.x0),
                mm(w.y0),
                mm(w.x1),
                mm(w.y1)
            ),
        );
    }
    let ras = d.raster(p);
    let rows = ras.strokes(black, 100.0);
    if let (Some(a), Some(z)) = (rows.first(), rows.last()) {
        let cols = table_columns(&ras, a.centre + 0.5, z.centre - 0.5);
        r.that(p, "§8 all 18 columns", cols.len() == 19, cols.len());
        words_in_cells(&mut r, &d, p, &cols, a.centre, z.centre);
    }
    r.that(
        p,
        "§8 the header row on the landscape page",
        d.words_on(p).any(|w| w.text == "合计"),
        "合计",
    );
    // §8: the page number where the portrait pages have it: the sheet turned,
    // it reads down the left edge, its 一字线 7 mm outside the 版心, one
    // character from the 版心's end (odd: lower end, even: upper end).
    r.near(
        p,
        "§8 landscape page number 7 mm outside the 版心",
        mm(number.centre_x()),
        PAGE_H - BOTTOM - 7.0,
        MM1,
    );
    let dashes: Vec<&Word> = d
        .words_on(p)
        .filter(|w| w.text == "—" && mm(w.x1) < l)
        .collect();
    r.that(
        p,
        "§8 一字线 on both sides of the number",
        dashes.len() == 2,
        dashes.len(),
    );
    if p % 2 == 1 {
        let end = dashes.iter().map(|w| mm(w.y1)).fold(0.0, f64::max);
        r.near(
            p,
            "§8 odd landscape page: number at the lower end, one character in",
            end,
            RIGHT - 14.0 * PT,
            HALF,
        );
    } else {
        let start = dashes.iter().map(|w| mm(w.y0)).fold(f64::MAX, f64::min);
        r.near(
            p,
            "§8 even landscape page: number at the upper end, one character in",
            start,
            LEFT + 14.0 * PT,
            HALF,
        );
    }
    // The text goes on upright after it, on a page of its own, numbered on.
    let after = d.word(
        p + 1,
        "以上项目均已完成前期论证",
        "§8 the text after the landscape page",
    );
    r.on_line(
        p + 1,
        "§8 the text after the table starts the next page",
        after,
        1,
    );
    page_number_rules(&mut r, &d, p + 1, p + 1);
    r.finish();
}

#[test]
fn urls_and_numbers_with_units_stay_whole() {
    let d = doc("j-tokens");
    let mut r = Rules::new(&d);
    for token in ["www.nxhb.gov.cn", "shengtai-xiufu@nxhb.gov.cn", "11.78万亩"] {
        r.that(
            1,
            "a URL, an address or a number with its unit is not broken",
            d.words.iter().any(|w| w.text.contains(token)),
            token,
        );
    }
    page_rules(&mut r, &d, TOP);
    r.finish();
}

/// ； ： and ’ may start a line after a space, and the space that gives back
/// a run's tracking is one: a word joiner before them keeps them on the line
/// (here ： would start the second line, after 联系电话).
#[test]
fn a_colon_after_a_run_of_text_never_starts_a_line() {
    let d = doc("t-colon");
    let mut r = Rules::new(&d);
    let text: String = d.words.iter().map(|w| w.text.as_str()).collect();
    r.that(
        1,
        "the colon and the number after it are printed",
        text.contains("联系电话：0951-5044000，"),
        &text,
    );
    page_rules(&mut r, &d, TOP);
    r.finish();
}

#[test]
fn attachment_note_is_never_broken_across_pages() {
    let d = doc("j-tokens");
    let mut r = Rules::new(&d);
    let first = d
        .words
        .iter()
        .find(|w| w.text.starts_with("附件："))
        .expect("附件说明");
    let second = d
        .words
        .iter()
        .find(|w| w.text.starts_with("2."))
        .expect("the second attachment");
    let wrap = d
        .words
        .iter()
        .find(|w| w.text.starts_with("程项目申报指南"))
        .expect("the second name wrapped");
    r.that(
        first.page,
        "§7.3.4 the 附件说明 on one page",
        first.page == second.page && second.page == wrap.page,
        format!("pages {}, {}, {}", first.page, second.page, wrap.page),
    );
    r.on_line(
        first.page,
        "§7.3.4 a 附件说明 carried over starts the page",
        first,
        1,
    );
    let issuer = d.word(wrap.page, ISSUER, "§7.3.5 署名 after the 附件说明");
    r.near(
        wrap.page,
        "§7.3.5.2 署名 one line below the 附件说明",
        mm(issuer.y0 - wrap.y0),
        2.0 * LINE,
        HALF,
    );
    // The text before it fills the page above.
    // The text before it ends on line 20: a blank line and the first line
    // of the 附件说明 would have fitted below it.
    let last_text = d.lines(first.page - 1).last().copied();
    r.that(
        first.page - 1,
        "§7.3.4 the 正文 ends on line 20 of the page before",
        last_text.and_then(grid_line) == Some(20),
        last_text.map_or(String::new(), |w| w.text.clone()),
    );
    page_rules(&mut r, &d, TOP);
    r.finish();
}

#[test]
fn a_table_row_longer_than_a_page_breaks_rather_than_fall_off_it() {
    let d = doc("l-long-row");
    let mut r = Rules::new(&d);
    // (偿 is once in each of the 40 copies of the cell's sentence; a line
    // break may fall inside a copy.)
    let n: usize = d.words.iter().map(|w| w.text.matches('偿').count()).sum();
    r.that(0, "§8 every line of a long cell is printed", n == 40, n);
    page_rules(&mut r, &d, TOP);
    r.finish();
}

/// The picture keeps each glyph's pixels and lays them at the glyph's place
/// to a quarter pixel; it must still be the page hayro draws glyph by glyph:
/// the same size, every pixel close (a glyph's edge moved by at most an
/// eighth of a pixel), and no ink missing or added. The seal's letter
/// (an image) is drawn by hayro itself.
#[test]
fn a_picture_is_the_page_as_hayro_draws_it() {
    let repo = Project::repo_letters_built();
    let mut pdfs: Vec<_> = [
        "2022/ningxia-70-proposal",
        "2023/document-format-example",
        "2024/letter-format-reply",
    ]
    .iter()
    .map(|l| repo.output(&format!("{l}.pdf")))
    .collect();
    pdfs.extend(["d-seal", "i-tables", "j-tokens"].map(|l| built().output(&format!("{l}.pdf"))));
    let faces = repo.picture_faces();
    for pdf in pdfs {
        let bytes = std::fs::read(&pdf).unwrap();
        let (w, h, kept) =
            decode_png_rgb(&gongwen::thumbnail::first_page(bytes.clone(), &faces).unwrap());
        let (w2, h2, drawn) =
            decode_png_rgb(&gongwen::thumbnail::first_page_by_hayro(bytes).unwrap());
        assert_eq!((w, h), (w2, h2), "{}", pdf.display());
        let diffs: Vec<u32> = kept
            .iter()
            .zip(&drawn)
            .map(|(a, b)| u32::from(a.abs_diff(*b)))
            .collect();
        let worst = diffs.iter().max().copied().unwrap_or(0);
        let mean = f64::from(diffs.iter().sum::<u32>()) / diffs.len() as f64;
        assert!(
            worst <= 96 && mean < 2.0,
            "{}: worst {worst}, mean {mean:.2}",
            pdf.display()
        );
        let ink = |rgb: &[u8]| rgb.chunks(3).filter(|p| p.iter().any(|c| *c < 128)).count() as f64;
        let (a, b) = (ink(&kept), ink(&drawn));
        assert!(
            (a - b).abs() <= 0.02 * b,
            "{}: ink {a} against {b}",
            pdf.display()
        );
    }
}

/// A page of text is drawn from the glyphs' kept pixels alone, its fonts
/// not read, once each glyph has been drawn: known by face and character,
/// the same glyph in two letters' subsets is one. That picture is the one
/// drawn through hayro to the byte. A page with what that does not follow
/// (the seal, an image) is left to hayro.
#[test]
fn a_page_of_text_is_drawn_from_kept_glyphs_as_hayro_draws_it() {
    use gongwen::thumbnail::{first_page, first_page_from_kept, Faces};
    let repo = Project::repo_letters_built();
    let faces = repo.picture_faces();
    let letters = [
        repo.output("2022/ningxia-70-proposal.pdf"),
        repo.output("2023/document-format-example.pdf"),
        repo.output("2024/letter-format-reply.pdf"),
    ];
    let fixtures = [
        "i-tables",
        "j-tokens",
        "k-sample",
        "n-order-name",
        "o-minutes",
        "s-banji-after-foot",
    ];
    let pdfs = letters
        .into_iter()
        .chain(fixtures.map(|l| built().output(&format!("{l}.pdf"))));
    for pdf in pdfs {
        let bytes = std::fs::read(&pdf).unwrap();
        // (Without faces, glyphs are known by their charstrings: hayro reads the fonts.)
        let through_hayro = first_page(bytes.clone(), &Faces::default()).unwrap();
        first_page(bytes.clone(), &faces).unwrap();
        let kept = first_page_from_kept(std::sync::Arc::new(bytes), &faces)
            .unwrap_or_else(|e| panic!("{}: {e:#}", pdf.display()));
        assert!(
            kept == through_hayro,
            "{}: not the same picture",
            pdf.display()
        );
    }
    // Nothing is kept yet on another thread: the glyphs are not drawn from nothing.
    let bytes = std::fs::read(built().output("j-tokens.pdf")).unwrap();
    let fresh =
        std::thread::spawn(move || first_page_from_kept(std::sync::Arc::new(bytes), &faces));
    let e = fresh.join().unwrap().unwrap_err();
    assert_eq!(e.to_string(), "a glyph of page 1 is not kept");
    let faces = repo.picture_faces();
    let seal = std::fs::read(built().output("d-seal.pdf")).unwrap();
    first_page(seal.clone(), &faces).unwrap();
    let e = first_page_from_kept(std::sync::Arc::new(seal), &faces).unwrap_err();
    assert_eq!(e.to_string(), "page 1 draws what only hayro follows");
}

/// The pictures read typst's gray and sRGB profiles as device colours (a
/// colour transform less to build for every PDF): hayro draws page 1 the
/// same to the byte either way, the file keeps its length (its offsets),
/// and a profile that is not typst's stays.
#[test]
fn a_picture_reads_typst_s_colour_profiles_as_device_colours() {
    let repo = Project::repo_letters_built();
    let mut pdfs: Vec<_> = ["2023/document-format-example", "2024/letter-format-reply"]
        .iter()
        .map(|l| repo.output(&format!("{l}.pdf")))
        .collect();
    pdfs.extend(["d-seal", "i-tables"].map(|l| built().output(&format!("{l}.pdf"))));
    let spaces = |pdf: &[u8]| pdf.windows(9).filter(|w| w == b"/ICCBased").count();
    for pdf in pdfs {
        let bytes = std::fs::read(&pdf).unwrap();
        let read = gongwen::thumbnail::device_colours(bytes.clone());
        assert_eq!(read.len(), bytes.len(), "{}", pdf.display());
        assert!(
            spaces(&bytes) > 0,
            "{}: typst wrote no profile",
            pdf.display()
        );
        assert_eq!(spaces(&read), 0, "{}", pdf.display());
        assert!(
            gongwen::thumbnail::first_page_by_hayro(read).unwrap()
                == gongwen::thumbnail::first_page_by_hayro(bytes).unwrap(),
            "{}: page 1 drawn in device colours is not the same",
            pdf.display()
        );
    }
    // A space pointed at the page's content stream: no profile of typst's.
    let bytes = std::fs::read(repo.output("2024/letter-format-reply.pdf")).unwrap();
    let space = regex::bytes::Regex::new(r"\[/ICCBased (\d+) 0 R\]").unwrap();
    let found = space.captures(&bytes).unwrap();
    let (at, profile) = (found.get(0).unwrap().start(), found.get(1).unwrap());
    let content = regex::bytes::Regex::new(r"/Contents (\d+) 0 R")
        .unwrap()
        .captures_iter(&bytes)
        .map(|c| c[1].to_vec())
        .find(|c| c.len() == profile.len() && c != profile.as_bytes())
        .expect("a content stream numbered with as many digits");
    let range = profile.range();
    let mut other = bytes;
    other[range].copy_from_slice(&content);
    let read = gongwen::thumbnail::device_colours(other);
    assert!(
        read[at..].starts_with(b"[/ICCBased "),
        "a profile not typst's stays"
    );
}

/// The pictures keep a glyph's pixels by what draws it: in typst's font
/// subsets its charstring, read without drawing the outline. Two letters
/// number their subsets' glyphs apart, and a character of a face still has
/// one key in both.
#[test]
fn a_glyph_has_one_key_in_every_letter_s_subset() {
    let keys = |name: &str| {
        let pdf = std::fs::read(built().output(&format!("{name}.pdf"))).unwrap();
        gongwen::thumbnail::first_page_glyph_keys(pdf).unwrap()
    };
    let (a, b) = (keys("k-sample"), keys("i-tables"));
    for g in a.iter().chain(&b) {
        assert!(g.key.is_some(), "{g:?} is keyed by its outline");
    }
    let mut shared = 0;
    let mut renumbered = 0;
    for g in &a {
        for other in b.iter().filter(|o| o.font == g.font && o.text == g.text) {
            assert_eq!(g.key, other.key, "{g:?} and {other:?}");
            shared += 1;
            renumbered += usize::from(other.glyph != g.glyph);
        }
    }
    assert!(
        shared > 100 && renumbered > 10,
        "{shared} shared, {renumbered} renumbered"
    );
    // Glyphs apart have keys apart.
    let mut by_key = std::collections::HashMap::new();
    for g in a.iter().chain(&b) {
        let seen = by_key.entry(g.key).or_insert((&g.font, &g.text));
        assert_eq!(*seen, (&g.font, &g.text), "one key for two glyphs");
    }
}
