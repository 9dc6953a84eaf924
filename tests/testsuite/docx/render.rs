//! The DOCX rendered by LibreOffice (`soffice --headless --convert-to pdf`,
//! the official faces aliased to the Fandol faces by a fonts.conf of the
//! test's own), then measured as the layout suite measures gongwen's PDFs:
//! A4, text inside the 版心, 22 lines of 28 characters on a full page, the
//! title, the page numbers, the 版记 at the foot of the last page.

use std::path::PathBuf;
use std::process::Command;

use super::*;
use crate::common::measure::mm;
use crate::common::{manifest, pdf_words, Project, Word};

const TOP: f64 = 37.0;
const BOTTOM: f64 = 37.0 + 225.0;
const LEFT: f64 = 28.0;
const RIGHT: f64 = 28.0 + 156.0;
const LINE: f64 = 225.0 / 22.0;
/// A 四号 character, in mm.
const SIHAO: f64 = 14.0 * 25.4 / 72.0;

/// The letters LibreOffice renders, by name: the repo's three and a long one.
const LETTERS: [(&str, &str); 4] = [
    ("document", "letters/2023/document-format-example.md"),
    ("letter", "letters/2024/letter-format-reply.md"),
    ("proposal", "letters/2022/ningxia-70-proposal.md"),
    ("long", "letters/2024/long.md"),
];

/// The long letter's 抄送机关: more than a line of the 版记.
const CC: &str =
    "自治区发展改革委, 自治区财政厅, 自治区生态环境厅, 自治区住房城乡建设厅, 自治区水利厅";

/// A plain letter of full lines: its second page is a full page of text, and
/// its 抄送 wraps to a second line.
fn long_letter() -> String {
    let sentence = "各地要坚持节约优先保护优先自然恢复为主的方针统筹推进历史遗留废弃矿山治理";
    let paragraph: String = sentence.chars().cycle().take(26 + 28 * 9).collect();
    let body = vec![paragraph; 8].join("\n\n");
    format!(
        "---\ntitle: 关于做好生态保护修复项目储备工作的通知\nto: 各市自然资源局\ndate: 2024-03-05\n\
         cc: [{CC}]\nprinter: 某局办公室\n---\n\n{body}\n"
    )
}

/// Every letter's DOCX rendered to PDF by one soffice run, shared by the tests.
fn rendered() -> &'static (Project, PathBuf) {
    static PDFS: std::sync::OnceLock<(Project, PathBuf)> = std::sync::OnceLock::new();
    PDFS.get_or_init(|| {
        let project = Project::repo_letters();
        project.write("letters/2024/long.md", long_letter());
        let dir = project.root().join("docx");
        std::fs::create_dir_all(&dir).unwrap();
        let files: Vec<PathBuf> = LETTERS
            .iter()
            .map(|(name, source)| {
                let file = dir.join(format!("{name}.docx"));
                std::fs::write(&file, render(project.root(), source)).unwrap();
                file
            })
            .collect();
        soffice(project.root(), &files, &dir);
        (project, dir)
    })
}

/// LibreOffice with a profile and a font configuration of its own.
fn soffice(root: &Path, files: &[PathBuf], out: &Path) {
    let conf = root.join("fonts.conf");
    let alias = |from: &str, to: &str, bold: bool| {
        let weight = if bold {
            "<edit name=\"weight\" mode=\"assign\" binding=\"strong\"><const>bold</const></edit>"
        } else {
            ""
        };
        format!("<match target=\"pattern\"><test name=\"family\"><string>{from}</string></test><edit name=\"family\" mode=\"assign\" binding=\"strong\"><string>{to}</string></edit>{weight}</match>")
    };
    let aliases = [
        alias("仿宋_GB2312", "FandolFang", false),
        alias("黑体", "FandolHei", false),
        alias("楷体_GB2312", "FandolKai", false),
        alias("宋体", "FandolSong", false),
        alias("方正小标宋简体", "FandolSong", true),
    ]
    .join("\n");
    std::fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n<dir>{}</dir>\n<cachedir>{}</cachedir>\n{aliases}\n</fontconfig>\n",
            manifest().join("fonts").display(),
            root.join("fontcache").display()
        ),
    )
    .unwrap();
    let out_status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            root.join("lo-profile").display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(out)
        .args(files)
        .env("FONTCONFIG_FILE", &conf)
        .output()
        .expect("soffice runs (Debian's libreoffice-writer-nogui)");
    assert!(
        out_status.status.success(),
        "{}",
        String::from_utf8_lossy(&out_status.stderr)
    );
}

fn words(name: &str) -> (usize, Vec<Word>) {
    let (_, dir) = rendered();
    let (pages, words) = pdf_words(&dir.join(format!("{name}.pdf")));
    for p in &pages {
        assert!(
            (mm(p.width) - 210.0).abs() < 0.2 && (mm(p.height) - 297.0).abs() < 0.2,
            "{name}: not A4"
        );
    }
    (pages.len(), words)
}

/// The lines of a page, top to bottom: the words at one height joined.
fn lines(words: &[Word], page: usize) -> Vec<(f64, f64, f64, String)> {
    let mut lines: Vec<(f64, f64, f64, String)> = Vec::new();
    for w in words.iter().filter(|w| w.page == page) {
        match lines.last_mut() {
            Some(l) if (l.0 - w.y0).abs() < 2.0 => {
                l.2 = l.2.max(w.x1);
                l.3.push_str(&w.text);
            }
            _ => lines.push((w.y0, w.x0, w.x1, w.text.clone())),
        }
    }
    lines
}

fn is_page_number(text: &str) -> bool {
    text.starts_with('—') && text.ends_with('—')
}

#[test]
fn a_full_page_holds_22_lines_of_28_characters_inside_the_text_area() {
    let (pages, words) = words("long");
    assert!(pages >= 3, "the long letter takes {pages} pages");
    let body: Vec<_> = lines(&words, 2)
        .into_iter()
        .filter(|l| !is_page_number(&l.3))
        .collect();
    assert_eq!(body.len(), 22, "lines on page 2: {body:#?}");
    for (y, x0, x1, text) in &body {
        let n = text.chars().count();
        assert!(
            mm(*x0) >= LEFT - 0.5 && mm(*x1) <= RIGHT + 0.5,
            "outside the 版心: {text}"
        );
        assert!(
            mm(*y) >= TOP - 1.0 && mm(*y) <= BOTTOM,
            "outside the 版心: {text} at {}",
            mm(*y)
        );
        let full = (mm(*x0) - LEFT).abs() < 0.5 && (mm(*x1) - RIGHT).abs() < 1.0;
        if full {
            assert_eq!(n, 28, "a full line: {text}");
        }
    }
    let pitches: Vec<f64> = body.windows(2).map(|p| mm(p[1].0 - p[0].0)).collect();
    for p in pitches {
        assert!(
            (p - LINE).abs() < 0.3,
            "line pitch {p:.2} mm, not {LINE:.2}"
        );
    }
    assert!(
        mm(body[0].0) - TOP < LINE,
        "the first line is the 版心's first"
    );
}

#[test]
fn the_title_is_centred_in_its_face_and_size() {
    let (_, words) = words("document");
    let title = words
        .iter()
        .find(|w| w.text.starts_with("关于做好"))
        .expect("the title");
    // LibreOffice's boxes are the faces' ascent and descent: the title's is 22/16 of the body's.
    let body = words
        .iter()
        .find(|w| w.text.starts_with("为深入贯彻"))
        .expect("the body");
    let ratio = title.height() / body.height();
    assert!(
        (ratio - 22.0 / 16.0).abs() < 0.08,
        "title {:.1} mm high, body {:.1}",
        mm(title.height()),
        mm(body.height())
    );
    let line: Vec<&Word> = words
        .iter()
        .filter(|w| w.page == 1 && (w.y0 - title.y0).abs() < 2.0)
        .collect();
    let (x0, x1) = (
        line.iter().map(|w| w.x0).fold(f64::MAX, f64::min),
        line.iter().map(|w| w.x1).fold(0.0, f64::max),
    );
    assert!(
        (mm((x0 + x1) / 2.0) - (LEFT + 78.0)).abs() < 1.5,
        "the title is not centred"
    );
}

#[test]
fn page_numbers_are_outside_on_odd_and_even_pages_7_mm_below_the_text_area() {
    let (pages, words) = words("long");
    for page in 1..=pages {
        let number = words
            .iter()
            .filter(|w| w.page == page)
            .find(|w| w.text.chars().all(|c| c.is_ascii_digit()) && mm(w.y0) > BOTTOM)
            .unwrap_or_else(|| panic!("no page number on page {page}"));
        assert_eq!(number.text, page.to_string());
        let line: Vec<&Word> = words
            .iter()
            .filter(|w| w.page == page && (w.y0 - number.y0).abs() < 2.0)
            .collect();
        let x0 = line.iter().map(|w| w.x0).fold(f64::MAX, f64::min);
        let x1 = line.iter().map(|w| w.x1).fold(0.0, f64::max);
        if page % 2 == 1 {
            assert!(
                (mm(x1) - (RIGHT - SIHAO)).abs() < 1.0,
                "page {page}: right edge at {:.1} mm",
                mm(x1)
            );
        } else {
            assert!(
                (mm(x0) - (LEFT + SIHAO)).abs() < 1.0,
                "page {page}: left edge at {:.1} mm",
                mm(x0)
            );
        }
        let centre = mm((number.y0 + number.y1) / 2.0);
        assert!(
            (centre - (BOTTOM + 7.0)).abs() < 2.0,
            "page {page}: number's centre {centre:.1} mm, not 7 mm below the 版心"
        );
    }
}

#[test]
fn the_record_is_at_the_foot_of_the_last_page() {
    for (name, cc_lines) in [("long", 2.0), ("document", 1.0)] {
        let (pages, words) = words(name);
        let last = lines(&words, pages);
        let printed = last
            .iter()
            .find(|l| l.3.ends_with("印发"))
            .unwrap_or_else(|| panic!("{name}: no 印发 line: {last:#?}"));
        let at = last
            .iter()
            .position(|l| l.3.starts_with("抄送"))
            .unwrap_or_else(|| panic!("{name}: no 抄送 line"));
        let cc = &last[at];
        let gap = mm(printed.0 - cc.0);
        assert!(
            (gap - cc_lines * LINE).abs() < 0.5 * LINE,
            "{name}: 抄送 is {gap:.1} mm above 印发, not {cc_lines} lines"
        );
        assert!(
            mm(printed.0) > BOTTOM - 2.0 * LINE,
            "{name}: the 印发 line at {:.1} mm is not at the 版心's foot",
            mm(printed.0)
        );
        assert!(
            mm(printed.0) < BOTTOM,
            "{name}: the 印发 line is below the 版心"
        );
        if name == "long" {
            // Every name is printed, none cut off by its frame, and the
            // wrapped line starts under the first name, after 抄送：.
            let record: String = last[at..].iter().map(|l| l.3.as_str()).collect();
            let names = CC.replace(", ", "，");
            assert!(
                record
                    .replace(' ', "")
                    .contains(&format!("抄送：{names}。")),
                "{name}: the 抄送 line is cut: {record}"
            );
            let first_name = cc.1 + 3.0 * 14.0;
            let wrapped = &last[at + 1];
            assert!(
                mm((wrapped.1 - first_name).abs()) < 1.5,
                "{name}: the wrapped 抄送 line starts at {:.1} mm, the first name at {:.1} mm",
                mm(wrapped.1),
                mm(first_name)
            );
        }
    }
}

#[test]
fn a_letter_format_first_page_has_both_red_double_lines_170_mm_long() {
    let (_, dir) = rendered();
    let page = crate::common::measure::Raster::page(&dir.join("letter.pdf"), 1);
    let red = page.strokes(crate::common::measure::red, 120.0);
    // Each double line is two strokes (or one, where the raster merges them).
    let near = |y: f64| -> Vec<_> { red.iter().filter(|s| (s.centre - y).abs() < 4.0).collect() };
    let upper: Vec<_> = red.iter().filter(|s| s.centre < 80.0).collect();
    assert!(!upper.is_empty(), "no red line under the 标志: {red:?}");
    let lower = near(297.0 - 20.0);
    assert!(
        !lower.is_empty(),
        "no red line 20 mm above the page's bottom edge: {red:?}"
    );
    for s in upper.iter().chain(lower.iter()) {
        assert!(
            (s.length() - 170.0).abs() < 2.0 && (s.x0 - 20.0).abs() < 1.5,
            "a double line is not 170 mm long and centred: {s:?}"
        );
    }
}
