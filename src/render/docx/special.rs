//! The closings of 命令格式 and 纪要格式, in place of the 署名 and 成文日期
//! of the others: the 签发人 block of a 令 (GB/T 9704-2012 7.3.5.4, 10.2) and
//! the 出席, 请假 and 列席 lists of a 纪要 (10.3), as the PDF prints them.

use docx_rs::{LineSpacing, LineSpacingType, Run};

use super::blocks::{text_run, Item};
use super::closing::{floating, note, push, width};
use super::page::{char_pitch, line_pitch, mm, text_area};
use super::styles::{fonts, ATTACHMENTS, DATE, HEITI, ISSUER, PLAIN};
use super::Writer;
use crate::letter::print::{chinese_date, title_and_name};
use crate::letter::Meta;

/// Twips to EMU, the unit of DrawingML sizes.
const EMU: i64 = 635;

/// 命令格式: two lines below the text, the 签名章 (or, without one, the
/// name) four characters from the right, the 职务 two characters to its
/// left, centred on it; the 成文日期 one blank line below, four characters
/// from the right. A further 签发人 of a joint 令 a line each.
pub fn order_signers(w: &mut Writer, m: &Meta, out: &mut Vec<Item>) -> Result<(), String> {
    let p = char_pitch();
    push(out, w.para(PLAIN));
    for (i, (title, name)) in m.signers.iter().map(|s| title_and_name(s)).enumerate() {
        let lead = if title.is_empty() {
            String::new()
        } else {
            format!("{title}　　")
        };
        let para = w.para(ISSUER);
        let para = match (&m.signature, i) {
            (Some(stamp), 0) => {
                let pic = w.picture(stamp)?;
                // Two lines high (less 2 mm, as the PDF), never wider than eight characters.
                let (pw, ph) = (pic.size.0 as i64, pic.size.1 as i64);
                let mut h = ((2 * line_pitch() - mm(2.0)) as i64) * EMU;
                let mut wd = pw * h / ph.max(1);
                if wd > 8 * p as i64 * EMU {
                    wd = 8 * p as i64 * EMU;
                    h = ph * wd / pw.max(1);
                }
                let left = (text_area().0 - 4 * p) as i64 * EMU - wd;
                // The stamp is centred on this line: its middle half a line down.
                let top = (line_pitch() as i64 * EMU) / 2 - h / 2;
                let pic = floating(pic, (wd, h), (left, top));
                // The 职务 ends two characters left of the stamp (the stamp floats, taking no room in the line).
                let right = 4 * p + (wd / EMU) as i32 + 2 * p;
                para.indent(None, None, Some(right), None)
                    .add_run(text_run(title))
                    .add_run(Run::new().add_image(pic))
            }
            _ => para
                .indent(None, None, Some(4 * p), None)
                .add_run(text_run(&format!("{lead}{name}"))),
        };
        push(out, para);
    }
    push(out, w.para(PLAIN));
    let date = chinese_date(m.date);
    push(
        out,
        w.para(DATE)
            .indent(None, None, Some(4 * p), None)
            .add_run(text_run(&date)),
    );
    note(w, m, out);
    Ok(())
}

/// 纪要格式: after a blank line, each list given on a line of its own, two
/// characters in: the label in 3号黑体 with a full-width colon, the names in
/// 3号仿宋, wrapped lines aligned with the first name.
pub fn attendance(w: &mut Writer, m: &Meta, out: &mut Vec<Item>) {
    let p = char_pitch();
    let lists = m.attendees.lists();
    if !lists.is_empty() {
        push(out, w.para(PLAIN));
    }
    for (label, names) in lists {
        let label = format!("{label}：");
        let hang = width(&label);
        let para = w
            .para(ATTACHMENTS)
            .indent(
                Some(2 * p + hang),
                Some(docx_rs::SpecialIndentType::Hanging(hang)),
                None,
                None,
            )
            .line_spacing(
                LineSpacing::new()
                    .line_rule(LineSpacingType::Exact)
                    .line(line_pitch()),
            )
            .add_run(text_run(&label).fonts(fonts(HEITI)))
            .add_run(text_run(&names.join("、")));
        push(out, para);
    }
    note(w, m, out);
}
