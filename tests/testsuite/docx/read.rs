//! The DOCX read back as XML (roxmltree on the unzipped parts): the page,
//! the grid, the styles and faces, the PAGE fields, the 版记, the body's
//! text in order, the same bytes every time, and letter text kept as text.

use super::*;
use crate::common::{attr, body_text, Project};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const DOCUMENT: &str = "letters/2023/document-format-example.md";

fn w_attr<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attribute((W, name))
}

fn elements<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + 'a {
    doc.descendants().filter(move |n| n.has_tag_name((W, name)))
}

/// All the `w:t` text of a part, in document order.
fn text(doc: &roxmltree::Document) -> String {
    elements(doc, "t").filter_map(|t| t.text()).collect()
}

fn repo_docx(source: &str) -> (Project, BTreeMap<String, String>) {
    let project = Project::repo_letters();
    let docx = render(project.root(), source);
    (project, parts(&docx))
}

#[test]
fn page_margins_and_grid_are_gb_9704_in_words_terms() {
    let (_p, parts) = repo_docx(DOCUMENT);
    let doc = roxmltree::Document::parse(&parts["word/document.xml"]).unwrap();
    let size = elements(&doc, "pgSz").next().unwrap();
    assert_eq!(
        (w_attr(size, "w"), w_attr(size, "h")),
        (Some("11906"), Some("16838")),
        "A4"
    );
    let m = elements(&doc, "pgMar").next().unwrap();
    let got: Vec<_> = ["top", "left", "right", "bottom"]
        .iter()
        .map(|k| w_attr(m, k).unwrap())
        .collect();
    // 37, 28, 26 and 35 mm: a 版心 of 156 × 225 mm.
    assert_eq!(got, ["2098", "1587", "1474", "1984"]);
    let grid = elements(&doc, "docGrid").next().unwrap();
    assert_eq!(w_attr(grid, "type"), Some("linesAndChars"));
    assert_eq!(w_attr(grid, "linePitch"), Some("579"));
    assert_eq!(w_attr(grid, "charSpace"), Some("-842"));
}

#[test]
fn styles_are_named_and_name_the_official_faces_for_every_script() {
    let (_p, parts) = repo_docx(DOCUMENT);
    let styles = roxmltree::Document::parse(&parts["word/styles.xml"]).unwrap();
    let names: Vec<&str> = elements(&styles, "name")
        .filter_map(|n| w_attr(n, "val"))
        .collect();
    for wanted in [
        "标题",
        "主送",
        "正文",
        "一级标题",
        "二级标题",
        "三级标题",
        "四级标题",
        "附件说明",
        "署名",
        "成文日期",
        "附注",
        "版记",
    ] {
        assert!(
            names.contains(&wanted),
            "no style named {wanted}: {names:?}"
        );
    }
    let face_of = |style: &str| {
        let s = elements(&styles, "style")
            .find(|s| elements_in(*s, "name").any(|n| w_attr(n, "val") == Some(style)))
            .unwrap();
        let f = elements_in(s, "rFonts")
            .next()
            .unwrap_or_else(|| panic!("{style} names no face"));
        assert_eq!(
            w_attr(f, "ascii"),
            w_attr(f, "eastAsia"),
            "{style}: ascii and eastAsia differ"
        );
        w_attr(f, "eastAsia").unwrap().to_string()
    };
    assert_eq!(face_of("标题"), "方正小标宋简体");
    assert_eq!(face_of("一级标题"), "黑体");
    assert_eq!(face_of("二级标题"), "楷体_GB2312");
    assert_eq!(face_of("Normal"), "仿宋_GB2312");
    for part in parts.values() {
        assert!(!part.contains("Theme="), "a theme font is named");
    }
    let fonts = roxmltree::Document::parse(&parts["word/fontTable.xml"]).unwrap();
    let alt = |name: &str| {
        let f = elements(&fonts, "font")
            .find(|f| w_attr(*f, "name") == Some(name))
            .unwrap();
        w_attr(elements_in(f, "altName").next().unwrap(), "val")
            .unwrap()
            .to_string()
    };
    assert_eq!(alt("仿宋_GB2312"), "FandolFang");
    assert_eq!(alt("方正小标宋简体"), "FandolSong");
    assert_eq!(alt("黑体"), "FandolHei");
    assert_eq!(alt("楷体_GB2312"), "FandolKai");
}

fn elements_in<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + 'a {
    node.descendants()
        .filter(move |n| n.has_tag_name((W, name)))
}

#[test]
fn page_numbers_are_page_fields_in_odd_and_even_footers() {
    let (_p, parts) = repo_docx(DOCUMENT);
    assert!(parts["word/settings.xml"].contains("evenAndOddHeaders"));
    let doc = roxmltree::Document::parse(&parts["word/document.xml"]).unwrap();
    let refs: Vec<&str> = elements(&doc, "footerReference")
        .filter_map(|r| w_attr(r, "type"))
        .collect();
    assert_eq!(refs, ["default", "even"]);
    for (file, side) in [("word/footer1.xml", "right"), ("word/footer2.xml", "left")] {
        let footer = roxmltree::Document::parse(&parts[file]).unwrap();
        let instr: String = elements(&footer, "instrText")
            .filter_map(|t| t.text())
            .collect();
        assert_eq!(instr.trim(), "PAGE", "{file}");
        let chars: Vec<&str> = elements(&footer, "fldChar")
            .filter_map(|f| w_attr(f, "fldCharType"))
            .collect();
        assert_eq!(chars, ["begin", "separate", "end"], "{file}");
        assert_eq!(text(&footer), "— 1 —", "{file}");
        assert_eq!(
            w_attr(elements(&footer, "jc").next().unwrap(), "val"),
            Some(side),
            "{file}"
        );
    }
    // No field in the letter itself.
    assert_eq!(elements(&doc, "instrText").count(), 0);
}

#[test]
fn the_record_holds_cc_printer_and_print_date() {
    let (project, parts) = repo_docx(DOCUMENT);
    let doc = roxmltree::Document::parse(&parts["word/document.xml"]).unwrap();
    let record: Vec<String> = elements(&doc, "p")
        .filter(|p| elements_in(*p, "pStyle").any(|s| w_attr(s, "val") == Some("GwRecord")))
        .map(|p| elements_in(p, "t").filter_map(|t| t.text()).collect())
        .collect();
    let _ = project;
    assert_eq!(record.len(), 2, "{record:?}");
    assert!(
        record[0].starts_with("抄送：") && record[0].ends_with('。'),
        "{record:?}"
    );
    assert!(
        record[1].starts_with("宁夏回族自治区自然资源厅办公室") && record[1].ends_with("印发"),
        "{record:?}"
    );
}

#[test]
fn every_character_of_the_body_is_there_in_order() {
    for source in [
        DOCUMENT,
        "letters/2024/letter-format-reply.md",
        "letters/2022/ningxia-70-proposal.md",
    ] {
        let (project, parts) = repo_docx(source);
        let doc = roxmltree::Document::parse(&parts["word/document.xml"]).unwrap();
        let got: Vec<char> = text(&doc).chars().filter(|c| !c.is_whitespace()).collect();
        let markdown = std::fs::read_to_string(project.root().join(source)).unwrap();
        let wanted: Vec<char> = body_text(&markdown)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        // Each character of the body, in order (the DOCX adds the 版头, numbers and the rest around it).
        let mut at = 0;
        for (i, c) in wanted.iter().enumerate() {
            match got[at..].iter().position(|g| g == c) {
                Some(p) => at += p + 1,
                None => panic!(
                    "{source}: character {i} `{c}` of the body missing after {}",
                    got[..at].iter().rev().take(20).collect::<String>()
                ),
            }
        }
    }
}

#[test]
fn the_same_letter_gives_the_same_bytes_dated_by_the_letter() {
    let project = Project::repo_letters();
    let first = render(project.root(), DOCUMENT);
    let _other = render(project.root(), "letters/2024/letter-format-reply.md");
    let again = std::thread::spawn({
        let root = project.root().to_path_buf();
        move || render(&root, DOCUMENT)
    })
    .join()
    .unwrap();
    assert!(first == again, "two renderings of one letter differ");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&first)).unwrap();
    for i in 0..zip.len() {
        let f = zip.by_index(i).unwrap();
        let t = f.last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day()), (1980, 1, 1), "{}", f.name());
    }
    let core = &parts(&first)["docProps/core.xml"];
    assert!(
        core.contains("2023-"),
        "the properties carry the 成文日期: {core}"
    );
}

#[test]
fn letter_text_never_becomes_xml_or_a_field() {
    // YAML itself refuses control characters, so those are in the body only.
    let hostile = "<w:p><w:r><w:t>x</w:t></w:r></w:p> ]]> { PAGE } &amp; '";
    let letter = format!(
        "---\ntitle: 关于{hostile}的函\nto: [\"某局{hostile}\"]\ndate: 2024-03-05\nissuer: 某局\ncc: [\"甲{hostile}\"]\nprinter: 某局办公室\nnote: \"{hostile}\"\n---\n\n正文{hostile}\u{1}\u{b}\"\n\n# 标题{hostile}\n\n| a | {{ PAGE }} |\n| - | - |\n| <w:p> | &amp; |\n"
    );
    let project = Project::with_letters(&[("2024/h.md", &letter)]);
    let parts = parts(&render(project.root(), "letters/2024/h.md"));
    let doc = roxmltree::Document::parse(&parts["word/document.xml"])
        .expect("the document is well-formed XML");
    assert_eq!(
        elements(&doc, "instrText").count(),
        0,
        "a field in the letter"
    );
    assert_eq!(
        elements(&doc, "fldChar").count(),
        0,
        "a field in the letter"
    );
    assert_eq!(elements(&doc, "tbl").count(), 1);
    let text = text(&doc);
    for piece in [
        "<w:p><w:r><w:t>x</w:t></w:r></w:p>",
        "]]>",
        "{ PAGE }",
        "&amp;",
    ] {
        // (in the body, Markdown reads `&amp;` as `&`, as the PDF and the page do)
        assert!(
            text.matches(piece).count() >= 4,
            "`{piece}` not kept as text: {text}"
        );
    }
    assert!(
        !text.contains('\u{1}') && !text.contains('\u{b}'),
        "a control character in the XML"
    );
    let _ = attr;
}

#[test]
fn orders_and_minutes_have_their_own_head_and_no_title() {
    for (format, number, mark) in [
        ("order", "第12号", "某市人民政府令"),
        ("minutes", "第3期", "某局局长办公会议纪要"),
    ] {
        let letter = format!(
            "---\ntitle: 关于某事的{format}\nformat: {format}\nheader: {mark}\nnumber: {number}\ndate: 2024-03-05\nissuer: 某局\n---\n\n正文。\n"
        );
        let project = Project::with_letters(&[("2024/x.md", &letter)]);
        let parts = parts(&render(project.root(), "letters/2024/x.md"));
        let doc = roxmltree::Document::parse(&parts["word/document.xml"]).unwrap();
        let styled = |id: &str| -> Vec<String> {
            elements(&doc, "p")
                .filter(|p| elements_in(*p, "pStyle").any(|s| w_attr(s, "val") == Some(id)))
                .map(|p| elements_in(p, "t").filter_map(|t| t.text()).collect())
                .collect()
        };
        assert_eq!(styled("GwIssuerMark"), [mark], "{format}: the red 标志");
        assert!(styled("GwTitle").is_empty(), "{format}: a 标题 printed");
        assert!(
            styled("GwNumber").iter().any(|t| t.contains(number)),
            "{format}: the number"
        );
    }
}

#[test]
fn orders_close_with_their_signer_and_minutes_with_their_attendance() {
    let paragraphs = |letter: &str| -> Vec<(String, String, Vec<String>)> {
        let project = Project::with_letters(&[("2024/x.md", letter)]);
        let parts = parts(&render(project.root(), "letters/2024/x.md"));
        let doc = roxmltree::Document::parse(&parts["word/document.xml"]).unwrap();
        elements(&doc, "p")
            .map(|p| {
                let style = elements_in(p, "pStyle")
                    .find_map(|s| w_attr(s, "val"))
                    .unwrap_or_default()
                    .to_string();
                let text = elements_in(p, "t").filter_map(|t| t.text()).collect();
                let faces = elements_in(p, "rFonts")
                    .filter_map(|f| w_attr(f, "eastAsia"))
                    .map(String::from)
                    .collect();
                (style, text, faces)
            })
            .collect()
    };
    let order = paragraphs(
        "---\ntitle: 某市人民政府令\nformat: order\nheader: 某市人民政府令\nnumber: 第12号\n\
         date: 2024-03-05\nissuer: 某市人民政府\nsigners: [市长 王堃]\n---\n\n现予公布。\n",
    );
    let texts: Vec<&str> = order.iter().map(|(_, t, _)| t.as_str()).collect();
    let after_text = &texts[texts.iter().position(|t| *t == "现予公布。").unwrap() + 1..];
    assert_eq!(
        after_text
            .iter()
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>(),
        [&"市长　　王堃", &"2024年3月5日"],
        "the 令 closes with its 签发人 and date, no 署名: {texts:?}"
    );

    let minutes = paragraphs(
        "---\ntitle: 某局局长办公会议纪要\nformat: minutes\nheader: 某局局长办公会议纪要\nnumber: 第3期\n\
         date: 2024-03-05\nissuer: 某局\nattendees: {出席: [张三, 李四], 请假: [王五]}\n---\n\n会议议定。\n",
    );
    let closing: Vec<_> = minutes
        .iter()
        .skip_while(|(_, t, _)| t != "会议议定。")
        .skip(1)
        .filter(|(_, t, _)| !t.is_empty())
        .collect();
    assert_eq!(
        closing
            .iter()
            .map(|(_, t, _)| t.as_str())
            .collect::<Vec<_>>(),
        ["出席：张三、李四", "请假：王五"],
        "the 纪要 closes with its lists, no 署名 or date"
    );
    for (_, text, faces) in closing {
        assert_eq!(
            faces.first().map(String::as_str),
            Some("黑体"),
            "{text}: the label in 黑体"
        );
    }
}
