//! Every character prints with a real glyph: ideographs from each CJK block
//! and the rare characters of real names, in every face, read back from the
//! PDF with PyMuPDF (its text and the glyph id of each character); and what
//! no font has is named in a warning.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use crate::common::*;

/// The blocks of CJK Unified Ideographs, as far as Unicode 15.0 fills them.
const BLOCKS: &[(&str, u32, u32)] = &[
    ("CJK Unified Ideographs", 0x4E00, 0x9FFF),
    ("Extension A", 0x3400, 0x4DBF),
    ("Extension B", 0x20000, 0x2A6DF),
    ("Extension C", 0x2A700, 0x2B739),
    ("Extension D", 0x2B740, 0x2B81D),
    ("Extension E", 0x2B820, 0x2CEA1),
    ("Extension F", 0x2CEB0, 0x2EBE0),
];

/// The names of the issue: 宁吉喆's 喆 and the rest are not in GB 2312.
const NAMES: &str = "宁吉喆 王堃 李喆 张昇 刘龑 陈珺 欧阳䶮 吉𠮷 周燊 孙犇 邓赟";

/// Every 97th code point of each block, and its first and last.
fn stride() -> Vec<(&'static str, String)> {
    BLOCKS
        .iter()
        .map(|&(name, first, last)| {
            let mut codes: Vec<u32> = (first..=last).step_by(97).collect();
            codes.push(last);
            let text = codes.iter().map(|&c| char::from_u32(c).unwrap()).collect();
            (name, text)
        })
        .collect()
}

/// Each character drawn on the PDF's pages: (character, glyph id, font name).
fn drawn(pdf: &Path) -> Vec<(char, i64, String)> {
    const SCRIPT: &str = r#"
import sys, pymupdf
for page in pymupdf.open(sys.argv[1]):
    for span in page.get_texttrace():
        for c in span["chars"]:
            print(f'{c[0]}\t{c[1]}\t{span["font"]}')
"#;
    let out = Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(pdf)
        .output()
        .expect("python3 runs (with pymupdf: pip install pymupdf)");
    assert!(
        out.status.success(),
        "pymupdf: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let mut f = l.split('\t');
            let code: u32 = f.next().unwrap().parse().unwrap();
            let glyph: i64 = f.next().unwrap().parse().unwrap();
            let font = f.next().unwrap_or("").to_string();
            (char::from_u32(code).unwrap_or('\u{FFFD}'), glyph, font)
        })
        .collect()
}

/// The font each character was drawn in; fails on a .notdef glyph (id 0).
fn fonts_by_char(pdf: &Path) -> BTreeMap<char, BTreeSet<String>> {
    let mut fonts: BTreeMap<char, BTreeSet<String>> = BTreeMap::new();
    let mut notdef = Vec::new();
    for (c, glyph, font) in drawn(pdf) {
        if glyph == 0 && !c.is_whitespace() {
            notdef.push(format!("{c} (U+{:04X}) in {font}", c as u32));
        }
        // Subset fonts are named `ABCDEF+Name`.
        let font = font.rsplit('+').next().unwrap_or_default().to_string();
        fonts.entry(c).or_default().insert(font);
    }
    assert!(notdef.is_empty(), "printed as .notdef: {notdef:?}");
    fonts
}

fn assert_all_drawn(fonts: &BTreeMap<char, BTreeSet<String>>, text: &str, what: &str) {
    let missing: Vec<String> = text
        .chars()
        .filter(|c| !c.is_whitespace() && !fonts.contains_key(c))
        .map(|c| format!("{c} (U+{:04X})", c as u32))
        .collect();
    assert!(
        missing.is_empty(),
        "{what}: not in the PDF's text: {missing:?}"
    );
}

fn assert_font(fonts: &BTreeMap<char, BTreeSet<String>>, c: char, prefix: &str) {
    let used = &fonts[&c];
    assert!(
        used.iter().all(|f| f.starts_with(prefix)),
        "{c} (U+{:04X}) is set in {used:?}, not {prefix}",
        c as u32
    );
}

#[test]
fn every_block_and_every_name_prints_with_a_real_glyph_in_every_face() {
    let stride = stride();
    let mut body = format!("# 一级标题{NAMES}\n\n## 二级标题{NAMES}\n\n正文{NAMES}。\n\n");
    for (name, text) in &stride {
        // The block in the body (仿宋), a first-level heading (黑体) and a quote (楷体).
        body += &format!("{name}：{text}\n\n# {text}\n\n> {text}\n\n");
    }
    let title = format!("关于{NAMES}等同志任免的通知");
    let project = Project::with_letters(&[("names.md", &letter(&title, "2024-03-01", &body))]);
    let out = project.build();
    assert!(out.status.success(), "{}", stderr(&out));

    let fonts = fonts_by_char(&project.output("names.pdf"));
    assert_all_drawn(&fonts, &title, "title");
    assert_all_drawn(&fonts, NAMES, "names");
    for (name, text) in &stride {
        assert_all_drawn(&fonts, text, name);
    }
    // A fallback face prints only what the Fandol face lacks: 吉 and 宁 stay
    // in Fandol (title, body, headings), 喆 goes to Noto, 𠮷 to HanaMinB.
    assert_font(&fonts, '宁', "Fandol");
    assert_font(&fonts, '吉', "Fandol");
    let zhe = &fonts[&'喆'];
    for face in ["NotoSerifCJKsc", "NotoSansCJKsc"] {
        assert!(
            zhe.iter().any(|f| f.starts_with(face)),
            "喆 is in no {face} face: {zhe:?}"
        );
    }
    assert_font(&fonts, '喆', "Noto");
    assert_font(&fonts, '𠮷', "HanaMinB");
}

#[test]
fn a_character_no_font_has_is_warned_of_and_a_fallback_is_named_in_letter_config_and_attachment() {
    let text = "---\ntitle: 关于表情😀的函\nto: 某局\ndate: 2024-03-01\nattachments:\n  - {name: 名单, file: _att/names.md}\n---\n\n宁吉喆同志：\n\n宁吉喆，私用\u{E000}区。\n";
    let project = Project::with_letters(&[("2024/e.md", text)]);
    project.write(
        "gongwen.yaml",
        "site_title: 公文\nissuer: 信阳市浉河区自然资源局\n",
    );
    project.write("letters/2024/_att/names.md", "名单\n\n王堃\n");
    let built = project.build();
    assert!(built.status.success(), "{}", stderr(&built));
    let expected = [
        "warning: gongwen.yaml:2: `issuer` (发文机关署名): 浉 (U+6D49) is not in FandolFang R; printed in Noto Serif CJK SC",
        "warning: letters/2024/e.md:2: `title` (标题): 😀 (U+1F600) is not in FandolSong and no font \
         in fonts/ has it; it prints as an empty box\n  help: write it another way, or add a font that has it to fonts/",
        "warning: letters/2024/e.md:9: 喆 (U+5586) is not in FandolFang R; printed in Noto Serif CJK SC",
        "warning: letters/2024/e.md:11: \u{E000} (U+E000) is not in FandolFang R and no font \
         in fonts/ has it; it prints as an empty box\n  help: write it another way, or add a font that has it to fonts/",
        "warning: letters/2024/_att/names.md:3: 堃 (U+5803) is not in FandolFang R; printed in Noto Serif CJK SC",
    ];
    let warnings = |out: &std::process::Output| -> Vec<String> {
        stderr(out)
            .split("\nwarning: ")
            .map(|w| w.trim_start_matches("warning: "))
            .filter(|w| w.contains("(U+"))
            .map(|w| {
                let lines: Vec<&str> = w
                    .lines()
                    .enumerate()
                    .take_while(|(i, l)| *i == 0 || l.starts_with("  help:"))
                    .map(|(_, l)| l)
                    .collect();
                format!("warning: {}", lines.join("\n"))
            })
            .collect()
    };
    assert_eq!(warnings(&built), expected, "build");
    let checked = gongwen(project.root(), &["check"]);
    assert_eq!(warnings(&checked), expected, "check");
    // A page made again from a new page template leaves the PDF as it
    // was: its warnings are not said again; `--force` lays it out again.
    project.write(
        "templates/letter.html",
        std::fs::read_to_string(manifest().join("templates/letter.html")).unwrap() + "<!-- 1 -->",
    );
    let paged = project.build();
    assert!(
        stderr(&paged).contains("built 1 letter"),
        "{}",
        stderr(&paged)
    );
    assert_eq!(warnings(&paged), Vec::<String>::new(), "no PDF laid out");
    let forced = project.build_with(&["--force"], &[]);
    assert_eq!(warnings(&forced), expected, "--force");
    // The rest of the letter still prints.
    assert_in_order(
        &pdf_text(&project.output("2024/e.pdf")),
        "宁吉喆同志： 宁吉喆，私用",
        "letter with an emoji",
    );
}
