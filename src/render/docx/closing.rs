//! The end of the letter: 附件说明, 署名 and 成文日期 (the seal floating over
//! them), 附注, the attachments on pages of their own, the 版记 at the
//! bottom of the last page, and the page numbers as PAGE fields.

use docx_rs::{
    BorderType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing, LineSpacingType,
    Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Pic, RelativeFromHType,
    RelativeFromVType, Run, SpecialIndentType, Tab, TabValueType,
};

use super::blocks::{text_run, Item};
use super::page::{self, char_pitch, line_pitch, mm, page_size, text_area};
use super::styles::{self, ATTACHMENTS, DATE, ISSUER, NOTE, PAGE_NUMBER, PLAIN, RECORD, TITLE};
use super::Writer;
use crate::letter::print::{chinese_date, names_text};
use crate::letter::{Format, Meta};
use crate::render::blocks::blocks as block_tree;
use crate::render::title_lines::title_lines;
use crate::render::Rendering;

pub(super) fn push(out: &mut Vec<Item>, p: Paragraph) {
    out.push(Item::P(Box::new(p)));
}

/// 附件说明 (7.3.4): a line below the text, 附件： then the names, numbered when several.
pub fn attachment_list(w: &mut Writer, m: &Meta, out: &mut Vec<Item>) {
    let names: Vec<&str> = m.attachments.iter().map(|a| a.name()).collect();
    if names.is_empty() {
        return;
    }
    push(out, w.para(PLAIN));
    for (i, name) in names.iter().enumerate() {
        let label = if i == 0 { "附件：" } else { "　　　" };
        let text = if names.len() == 1 {
            format!("{label}{name}")
        } else {
            format!("{label}{}. {name}", i + 1)
        };
        push(out, w.para(ATTACHMENTS).add_run(text_run(&text)));
    }
}

/// Width of `text` in twips as the grid sets it: a cell for a Chinese
/// character, half for a digit or a Latin letter.
pub(super) fn width(text: &str) -> i32 {
    halves(text) * char_pitch() / 2
}

/// Half cells of `text`: two for a Chinese character, one for ASCII.
fn halves(text: &str) -> i32 {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// 署名 and 成文日期 (7.3.5): without a seal, the 署名 two characters from
/// the right and the date two characters right of its start; with one, the
/// date four characters from the right and the 署名 centred over it, the
/// seal floating over both.
pub fn signature(w: &mut Writer, m: &Meta, out: &mut Vec<Item>) -> Result<(), String> {
    let date = chinese_date(m.date);
    let (ws, wd) = (width(&m.issuer), width(&date));
    let p = char_pitch();
    let (issuer_right, date_right) = if m.seal.is_some() {
        (4 * p + (wd - ws) / 2, 4 * p)
    } else {
        let date_right = 2 * p + (ws - 2 * p - wd).max(0);
        (date_right + wd + 2 * p - ws, date_right)
    };
    push(out, w.para(PLAIN));
    if m.seal.is_some() {
        push(out, w.para(PLAIN));
    }
    let mut issuer = w
        .para(ISSUER)
        .indent(None, None, Some(issuer_right.max(0)), None)
        .add_run(text_run(&m.issuer));
    if let Some(seal) = &m.seal {
        let pic = w.picture(seal)?;
        let size = mm(42.0) as i64 * 635;
        let centre = text_area().0 - issuer_right.max(0) - ws / 2;
        let pic = floating(
            pic,
            (size, size),
            (
                (centre - mm(21.0)) as i64 * 635,
                (line_pitch() / 10 - mm(21.0)) as i64 * 635,
            ),
        );
        issuer = issuer.add_run(Run::new().add_image(pic));
    }
    push(out, issuer);
    let date_para = w.para(DATE).indent(None, None, Some(date_right), None);
    push(out, date_para.add_run(text_run(&date)));
    note(w, m, out);
    Ok(())
}

/// 附注 (7.3.6): in parentheses, on the line after the closing.
pub(super) fn note(w: &mut Writer, m: &Meta, out: &mut Vec<Item>) {
    if let Some(note) = &m.note {
        push(out, w.para(NOTE).add_run(text_run(&format!("（{note}）"))));
    }
}

/// `pic` floating over the text at `size`, its top left `offset` from the
/// margin's left and the paragraph's top, all in EMU: a seal or a 签名章.
pub(super) fn floating(pic: Pic, size: (i64, i64), offset: (i64, i64)) -> Pic {
    pic.size(size.0 as u32, size.1 as u32)
        .floating()
        .overlapping()
        .relative_from_h(RelativeFromHType::Margin)
        .relative_from_v(RelativeFromVType::Paragraph)
        .offset_x(offset.0 as i32)
        .offset_y(offset.1 as i32)
}

/// Each attachment on a page of its own (8): 附件N at the top left, its name
/// as a title, its own text.
pub fn attachments(w: &mut Writer, r: &Rendering<'_>, out: &mut Vec<Item>) -> Result<(), String> {
    let list = &r.letter.meta.attachments;
    for (i, (a, body)) in list.iter().zip(r.attachments).enumerate() {
        let Some(body) = body else { continue };
        let label = if list.len() == 1 {
            "附件".to_string()
        } else {
            format!("附件{}", i + 1)
        };
        push(
            out,
            w.para(styles::ATTACHMENT_LABEL)
                .page_break_before(true)
                .add_run(text_run(&label)),
        );
        push(out, w.para(PLAIN));
        let mut title = w.para(TITLE);
        for line in title_lines(&[a.name().to_string()]) {
            title = title.add_run(text_run(&line));
        }
        push(out, title);
        push(out, w.para(PLAIN));
        w.blocks(&block_tree(body, ""), out)?;
    }
    Ok(())
}

fn rule(position: ParagraphBorderPosition, size: usize) -> ParagraphBorder {
    ParagraphBorder::new(position)
        .val(BorderType::Single)
        .size(size)
        .space(0)
        .color("000000")
}

/// What a rule adds to a 版记 line (in twips): 1 pt, with room to spare.
const RULES: i32 = 30;

/// The 版记 (7.4): 抄送 and 印发机关 with 印发日期 between rules, thick
/// above and below, thin between, each line in a frame of its own (frames
/// at a fixed place on the page, which Word and LibreOffice both keep; one
/// frame of two lines LibreOffice breaks across pages), the last one's
/// foot at the 版心's foot, anchored to the last paragraphs so that they
/// are on the last page.
pub fn record(w: &mut Writer, m: &Meta, out: &mut Vec<Item>) {
    let width = text_area().0;
    // Each line with the lines it wraps to.
    let mut lines: Vec<(Paragraph, i32)> = Vec::new();
    if !m.cc.is_empty() {
        let cc = format!("抄送：{}。", names_text(&m.cc).replace('、', "，"));
        // Wrapped lines align with the first name, after 抄送： (7.4.2).
        let p = w
            .para(RECORD)
            .indent(
                Some(4 * SIHAO_CELL),
                Some(SpecialIndentType::Hanging(3 * SIHAO_CELL)),
                Some(SIHAO_CELL),
                None,
            )
            .add_run(text_run(&cc));
        lines.push((p, record_lines(&cc, 3)));
    }
    if let Some(printer) = m.printer.as_deref().filter(|p| !p.trim().is_empty()) {
        let printed = format!("{}印发", chinese_date(m.print_date));
        let tab = Tab::new()
            .val(TabValueType::Right)
            .pos((width - 2 * 280) as usize);
        let p = w.para(RECORD).add_tab(tab).add_run(text_run(printer));
        lines.push((
            p.add_run(Run::new().add_tab()).add_run(text_run(&printed)),
            1,
        ));
    }
    let count = lines.len();
    let height = |n: i32| n * line_pitch() + RULES;
    let margins = page::margins();
    let foot = page_size().1 as i32 - margins.bottom;
    // Each line a frame of its own at its place above the 版心's foot, each
    // followed by the paragraph it is anchored to (LibreOffice takes the
    // one after a frame), one point high so that it never needs a page.
    let below_each: Vec<i32> = (0..count)
        .map(|i| lines[i..].iter().map(|(_, n)| height(*n)).sum())
        .collect();
    for (i, (mut p, n)) in lines.into_iter().enumerate() {
        let above = if i == 0 { 8 } else { 4 };
        let below = if i + 1 == count { 8 } else { 4 };
        let borders = ParagraphBorders::with_empty()
            .set(rule(ParagraphBorderPosition::Top, above))
            .set(rule(ParagraphBorderPosition::Bottom, below));
        p.property = p.property.set_borders(borders);
        let framed = p
            .wrap("around")
            .h_anchor("page")
            .v_anchor("page")
            .frame_x(margins.left)
            .frame_y(foot - below_each[i])
            .frame_width(width as u32)
            .frame_height(height(n) as u32)
            .h_rule("exact");
        push(out, framed);
        let tiny = LineSpacing::new()
            .line_rule(LineSpacingType::Exact)
            .line(20);
        push(out, w.para(PLAIN).line_spacing(tiny).size(2));
    }
}

/// A 4号 character's cell in twips (14 pt), as the 版记 sets it.
const SIHAO_CELL: i32 = 280;

/// How many lines `text` takes in the 版记: 4号 characters (a cell each,
/// half for ASCII) in the 版心 less a character on each side, wrapped lines
/// `hang` characters further in. Counted at the full 14 pt, a little wider
/// than they are set, so that a frame is never too short for its text.
fn record_lines(text: &str, hang: i32) -> i32 {
    let halves = halves(text);
    let first = 2 * (text_area().0 / SIHAO_CELL - 2);
    let next = first - 2 * hang;
    let rest = (halves - first).max(0);
    let next = next.max(2);
    1 + (rest + next - 1) / next
}

/// `— N —` with N a PAGE field, never typed text.
fn page_number(w: &mut Writer, odd: bool) -> Paragraph {
    let one_char = 280; // 四号, 14 pt
    let p = w.para(PAGE_NUMBER);
    let p = if odd {
        p.align(docx_rs::AlignmentType::Right)
            .indent(None, None, Some(one_char), None)
    } else {
        p.align(docx_rs::AlignmentType::Left)
            .indent(Some(one_char), None, None, None)
    };
    p.add_run(Run::new().add_text("— "))
        .add_run(Run::new().add_field_char(FieldCharType::Begin, false))
        .add_run(Run::new().add_instr_text(InstrText::PAGE(InstrPAGE::new())))
        .add_run(Run::new().add_field_char(FieldCharType::Separate, false))
        .add_run(Run::new().add_text("1"))
        .add_run(Run::new().add_field_char(FieldCharType::End, false))
        .add_run(Run::new().add_text(" —"))
}

/// Odd pages number on the right, even on the left, one character in; a
/// 信函格式 letter's first page has no number (its lower red double line is
/// a frame of the body: `header::lower_double_line`).
pub fn footers(w: &mut Writer, m: &Meta, docx: Docx) -> Docx {
    let odd = page_number(w, true);
    let even = page_number(w, false);
    let docx = docx
        .footer(Footer::new().add_paragraph(odd))
        .even_footer(Footer::new().add_paragraph(even));
    if m.format != Format::Letter {
        return docx;
    }
    docx.first_footer(Footer::new().add_paragraph(w.para(PLAIN)))
}
