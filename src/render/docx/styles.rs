//! The named styles an editor applies to keep the format (标题, 主送, 正文,
//! the heading levels, 附件说明, 署名, 成文日期, 附注, 版记), each with the
//! official font named for every script and no theme font.

use docx_rs::{
    AlignmentType, Docx, LineSpacing, LineSpacingType, RunFonts, SpecialIndentType, Style,
    StyleType,
};

use super::page::{char_pitch, condensed, line_pitch, BODY_PT};

/// A face as GB/T 9704 names it, and the free face a machine without it should use.
#[derive(Debug, Clone, Copy)]
pub struct Face {
    pub name: &'static str,
    pub alternate: &'static str,
}

pub const XIAOBIAOSONG: Face = Face {
    name: "方正小标宋简体",
    alternate: "FandolSong",
};
pub const FANGSONG: Face = Face {
    name: "仿宋_GB2312",
    alternate: "FandolFang",
};
pub const HEITI: Face = Face {
    name: "黑体",
    alternate: "FandolHei",
};
pub const KAITI: Face = Face {
    name: "楷体_GB2312",
    alternate: "FandolKai",
};
pub const SONGTI: Face = Face {
    name: "宋体",
    alternate: "FandolSong",
};
pub const FACES: [Face; 5] = [XIAOBIAOSONG, FANGSONG, HEITI, KAITI, SONGTI];

/// The face for every script: Latin text and digits in the same face as the Chinese.
pub fn fonts(face: Face) -> RunFonts {
    RunFonts::new()
        .ascii(face.name)
        .hi_ansi(face.name)
        .east_asia(face.name)
        .cs(face.name)
}

/// The red of the 版头 (GB/T 9704 uses red for the 发文机关标志 and the separator).
pub const RED: &str = "FF0000";

/// Sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt.
pub const ERHAO: usize = 44;
pub const SANHAO: usize = BODY_PT as usize * 2;
pub const SIHAO: usize = 28;

/// Style ids (ASCII, as Word keeps them) and their Chinese names.
pub const TITLE: &str = "GwTitle";
pub const TO: &str = "GwTo";
pub const BODY: &str = "GwBody";
pub const HEADINGS: [&str; 4] = ["GwHeading1", "GwHeading2", "GwHeading3", "GwHeading4"];
pub const ATTACHMENTS: &str = "GwAttachments";
pub const ISSUER: &str = "GwIssuer";
pub const DATE: &str = "GwDate";
pub const NOTE: &str = "GwNote";
pub const RECORD: &str = "GwRecord";
pub const PLAIN: &str = "GwPlain";
pub const TABLE: &str = "GwTable";
pub const MARKS: &str = "GwMarks";
pub const ISSUER_MARK: &str = "GwIssuerMark";
pub const NUMBER: &str = "GwNumber";
pub const ATTACHMENT_LABEL: &str = "GwAttachmentLabel";
pub const PAGE_NUMBER: &str = "GwPageNumber";

/// A paragraph style on Normal (仿宋 三号, snapped to the grid).
fn style(id: &str, name: &str) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on("Normal")
        .q_format(true)
}

/// Two characters in, as a body paragraph starts (in 1/100 characters).
const TWO_CHARS: i32 = 200;

fn indented(s: Style) -> Style {
    s.first_line_chars(TWO_CHARS).indent(
        None,
        Some(SpecialIndentType::FirstLine(2 * char_pitch())),
        None,
        None,
    )
}

/// The base of every style: 3号仿宋 on lines of exactly one grid pitch,
/// characters condensed to 28 a line (see `page::condensed`).
fn normal() -> Style {
    let mut normal = Style::new("Normal", StyleType::Paragraph)
        .name("Normal")
        .fonts(fonts(FANGSONG))
        .size(SANHAO)
        .snap_to_grid(false)
        .line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Exact)
                .line(line_pitch()),
        );
    normal.run_property = normal.run_property.character_spacing(condensed());
    normal
}

/// 4号宋体 on lines of its own size, off the grid, in the footers (7.5).
fn page_number() -> Style {
    style(PAGE_NUMBER, "页码")
        .fonts(fonts(SONGTI))
        .size(SIHAO)
        .snap_to_grid(false)
        .line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Exact)
                .line(SIHAO as i32 * 10),
        )
}

/// Every style of the letter.
pub fn add(docx: Docx) -> Docx {
    let justified = |s: Style| s.align(AlignmentType::Both);
    let auto = LineSpacing::new()
        .line_rule(LineSpacingType::Auto)
        .line(240);
    let headings = [
        (HEITI, "一级标题"),
        (KAITI, "二级标题"),
        (FANGSONG, "三级标题"),
        (FANGSONG, "四级标题"),
    ];
    let mut docx = docx
        .add_style(normal())
        .add_style(
            style(TITLE, "标题")
                .fonts(fonts(XIAOBIAOSONG))
                .size(ERHAO)
                .align(AlignmentType::Center),
        )
        .add_style(style(TO, "主送").align(AlignmentType::Both))
        .add_style(justified(indented(style(BODY, "正文"))))
        .add_style(style(ATTACHMENTS, "附件说明").indent(
            Some(2 * char_pitch()),
            Some(SpecialIndentType::Hanging(3 * char_pitch())),
            None,
            None,
        ))
        .add_style(style(ISSUER, "署名").align(AlignmentType::Right))
        .add_style(style(DATE, "成文日期").align(AlignmentType::Right))
        .add_style(indented(style(NOTE, "附注")))
        .add_style(style(RECORD, "版记").size(SIHAO).indent(
            Some(SIHAO as i32 * 10),
            None,
            Some(SIHAO as i32 * 10),
            None,
        ))
        .add_style(style(PLAIN, "无缩进"))
        .add_style(style(TABLE, "表格").size(SIHAO).line_spacing(auto.clone()))
        .add_style(style(MARKS, "份号密级紧急程度").fonts(fonts(HEITI)))
        .add_style(
            style(ISSUER_MARK, "发文机关标志")
                .fonts(fonts(XIAOBIAOSONG))
                .color(RED)
                .align(AlignmentType::Center)
                .line_spacing(auto),
        )
        .add_style(style(NUMBER, "发文字号").align(AlignmentType::Center))
        .add_style(style(ATTACHMENT_LABEL, "附件标识").fonts(fonts(HEITI)))
        .add_style(page_number());
    for (i, (face, name)) in headings.into_iter().enumerate() {
        docx = docx.add_style(
            justified(indented(style(HEADINGS[i], name)))
                .fonts(fonts(face))
                .outline_lvl(i),
        );
    }
    docx.default_fonts(fonts(FANGSONG)).default_size(SANHAO)
}
