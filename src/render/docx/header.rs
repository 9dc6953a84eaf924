//! The 版头 of each format (GB/T 9704 7.2 and 10.1): one function per
//! format, chosen in [`banner`]; a new format (命令, 纪要) is one more arm
//! and one more function here.

use docx_rs::{
    BorderType, LineSpacing, LineSpacingType, Paragraph, ParagraphBorder, ParagraphBorderPosition,
    ParagraphBorders, Run, Tab, TabValueType,
};

use super::blocks::text_run;
use super::page::{line_pitch, mm, text_area};
use super::styles::{fonts, ISSUER_MARK, MARKS, NUMBER, RED, SANHAO};
use super::Writer;
use crate::letter::{Format, Meta};

pub fn banner(w: &mut Writer, m: &Meta) -> Vec<Paragraph> {
    match m.format {
        Format::Document => document(w, m),
        Format::Letter => letter(w, m),
        Format::Plain => marks(w, m),
        Format::Order => order(w, m),
        Format::Minutes => minutes(w, m),
    }
}

/// Whether the format prints a 标题: a 令 and a 纪要 are named by their 标志.
pub fn has_title(format: Format) -> bool {
    !matches!(format, Format::Order | Format::Minutes)
}

/// 命令格式 (10.2): the 发令机关标志 in red 20 mm below the 版心's top, the
/// 令号 centred two lines below it, the text two lines below that.
fn order(w: &mut Writer, m: &Meta) -> Vec<Paragraph> {
    let mut out = marks(w, m);
    let before = (mm(20.0) - out.len() as i32 * line_pitch()).max(0) as u32;
    out.extend(issuer_mark(w, m, "", before));
    out.push(w.para(NUMBER));
    if let Some(number) = &m.number {
        out.push(w.para(NUMBER).add_run(text_run(number)));
    }
    out.push(w.para(NUMBER));
    out
}

/// 纪要格式 (10.3), as `templates/gongwen.typ` sets it: the 纪要标志 in red
/// 35 mm below the 版心's top, the 期号 centred under it, then the office
/// (one character in) and the date (one character in from the right), a red
/// rule 4 mm below them.
fn minutes(w: &mut Writer, m: &Meta) -> Vec<Paragraph> {
    let mut out = marks(w, m);
    let before = (mm(35.0) - out.len() as i32 * line_pitch()).max(0) as u32;
    out.extend(issuer_mark(w, m, "", before));
    if let Some(number) = &m.number {
        out.push(w.para(NUMBER).add_run(text_run(number)));
    }
    let date = crate::letter::print::chinese_date(m.date);
    let line = w
        .para(NUMBER)
        .align(docx_rs::AlignmentType::Left)
        .add_tab(
            Tab::new()
                .val(TabValueType::Right)
                .pos((text_area().0 - 320) as usize),
        )
        .add_run(text_run(&format!("　{}", m.issuer)))
        .add_run(Run::new().add_tab())
        .add_run(text_run(&date));
    out.push(red_rule(line, BorderType::Single, 8, 11));
    out
}

/// 份号, 密级和保密期限, 紧急程度: each on its line at the top left (7.2.1–7.2.3).
fn mark_texts(m: &Meta) -> Vec<String> {
    let urgency = m.urgency.map(|u| format!("{u:?}"));
    [m.copy_no.clone(), m.secrecy.clone(), urgency]
        .into_iter()
        .flatten()
        .filter(|t| !t.trim().is_empty())
        .collect()
}

fn marks(w: &mut Writer, m: &Meta) -> Vec<Paragraph> {
    (mark_texts(m).iter())
        .map(|t| w.para(MARKS).add_run(text_run(t)))
        .collect()
}

/// A red rule under a paragraph, `space` points below its text.
pub fn red_rule(p: Paragraph, kind: BorderType, size: usize, space: usize) -> Paragraph {
    let mut p = p;
    let rule = ParagraphBorder::new(ParagraphBorderPosition::Bottom)
        .val(kind)
        .size(size)
        .space(space)
        .color(RED);
    p.property = p
        .property
        .set_borders(ParagraphBorders::with_empty().set(rule));
    p
}

/// The 发文机关标志 in red: one paragraph per issuer of a joint letter, the
/// suffix (文件) after the last; as large as 40 pt, no wider than the 版心.
fn issuer_mark(w: &mut Writer, m: &Meta, suffix: &str, before: u32) -> Vec<Paragraph> {
    let names: Vec<String> = m
        .header
        .iter()
        .filter(|n| !n.trim().is_empty())
        .cloned()
        .collect();
    let longest =
        names.iter().map(|n| n.chars().count()).max().unwrap_or(1) + suffix.chars().count();
    // Half-points: 40 pt, or the 版心's width shared among the characters.
    let size = (80)
        .min(text_area().0 as usize / 10 / longest.max(1))
        .max(20);
    let count = names.len();
    (names.iter().enumerate())
        .map(|(i, name)| {
            let text = if i + 1 == count {
                format!("{name}{suffix}")
            } else {
                name.clone()
            };
            let spacing = LineSpacing::new().before(if i == 0 { before } else { 0 });
            w.para(ISSUER_MARK)
                .line_spacing(spacing)
                .add_run(text_run(&text).size(size))
        })
        .collect()
}

/// 文件格式: marks, the 发文机关标志 35 mm below the 版心's top, the 发文字号
/// two lines under it (with 签发人 on its right for a 上行文), the red
/// separator 4 mm below that.
fn document(w: &mut Writer, m: &Meta) -> Vec<Paragraph> {
    let mut out = marks(w, m);
    let used = out.len() as i32 * line_pitch();
    let before = (mm(35.0) - used).max(0) as u32;
    out.extend(issuer_mark(w, m, "文件", before));
    out.push(w.para(NUMBER));
    let number = m.number.clone().unwrap_or_default();
    let line = if m.signers.is_empty() {
        w.para(NUMBER).add_run(text_run(&number))
    } else {
        // 发文字号 one character in from the left, 签发人 one in from the right.
        let signers = format!("签发人：{}", m.signers.join("　"));
        w.para(NUMBER)
            .align(docx_rs::AlignmentType::Left)
            .add_tab(
                Tab::new()
                    .val(TabValueType::Right)
                    .pos((text_area().0 - 320) as usize),
            )
            .add_run(text_run(&format!("　{number}")))
            .add_run(Run::new().add_tab())
            .add_run(text_run(&signers))
    };
    // 4 mm is 11 pt.
    out.push(red_rule(line, BorderType::Single, 8, 11));
    out
}

/// 信函格式 (10.1): the 发文机关标志 in red, a red double line (thick over
/// thin) 4 mm under it, then 份号, 密级, 紧急程度 on the left and the 发文字号
/// on the right under the line. Both double lines are 170 mm long, centred
/// on the page: 7 mm beyond the 版心 on each side.
fn letter(w: &mut Writer, m: &Meta) -> Vec<Paragraph> {
    let mut out = issuer_mark(w, m, "", 0);
    if let Some(last) = out.pop() {
        let wider = -mm(7.0);
        let last = last.indent(Some(wider), None, Some(wider), None);
        out.push(red_rule(last, BorderType::ThickThinSmallGap, 24, 11));
    }
    out.push(lower_double_line(w));
    let mut marks = mark_texts(m);
    let number = m.number.clone().unwrap_or_default();
    if marks.is_empty() && !number.is_empty() {
        marks.push(String::new());
    }
    for (i, mark) in marks.iter().enumerate() {
        let mut p = w
            .para(MARKS)
            .add_tab(
                Tab::new()
                    .val(TabValueType::Right)
                    .pos(text_area().0 as usize),
            )
            .add_run(text_run(mark));
        if i == 0 && !number.is_empty() {
            let number_run = text_run(&number)
                .fonts(fonts(super::styles::FANGSONG))
                .size(SANHAO);
            p = p.add_run(Run::new().add_tab()).add_run(number_run);
        }
        out.push(p);
    }
    out
}

/// The lower red double line of 信函格式 (thin over thick, 20 mm above the
/// page's bottom edge, 170 mm long, centred): a paragraph border in a frame
/// anchored to the page, in the body of the first page (LibreOffice draws
/// no frame of a footer that lies below the footer), with the paragraph
/// after it as its anchor.
fn lower_double_line(w: &mut Writer) -> Paragraph {
    let (_, page_h) = super::page::page_size();
    let thin = LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(20);
    let line = w
        .para(super::styles::PLAIN)
        .line_spacing(thin)
        .size(2)
        .wrap("none")
        .h_anchor("page")
        .v_anchor("page")
        .frame_x(mm(20.0))
        .frame_y(page_h as i32 - mm(20.0) - mm(2.0))
        .frame_width(mm(170.0) as u32)
        .frame_height(mm(2.0) as u32)
        .h_rule("exact");
    red_rule(line, BorderType::ThinThickSmallGap, 24, 0)
}
