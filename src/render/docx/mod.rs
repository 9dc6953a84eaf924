//! The letter as a Word file (DOCX), laid out to GB/T 9704 in Word's own
//! terms so that it stays right when edited: the page and its grid
//! (`page`), named styles with the official faces (`styles`), the 版头 of
//! each format (`header`), the body (`blocks`), the closing, 版记 and page
//! numbers (`closing`); docx-rs writes the parts, and `package` adds what it
//! lacks and zips them the same way every time.

mod blocks;
mod closing;
mod header;
mod package;
pub mod page;
mod special;
mod styles;

use std::path::Path;

use docx_rs::{Docx, Paragraph, Pic, Run};

use super::blocks::blocks as block_tree;
use super::title_lines::title_lines;
use super::{Renderer, Rendering};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::letter::fields;
use blocks::{text_run, Item};

/// The DOCX of a letter; images and the seal are read from the project at `root`.
pub struct DocxFile<'a> {
    pub root: &'a Path,
}

impl Renderer for DocxFile<'_> {
    type Output = Vec<u8>;

    fn render(&self, r: &Rendering<'_>) -> Result<Vec<u8>, Diagnostics> {
        let fail = |message: String| {
            Diagnostics::from(
                Diagnostic::new(&r.letter.source, format!("the DOCX: {message}"))
                    .at(r.letter.line_of(&fields::OUTPUTS), None)
                    .field(&fields::OUTPUTS),
            )
        };
        let mut writer = Writer {
            root: self.root,
            paragraphs: 0,
            pictures: 0,
        };
        let items = writer.letter(r).map_err(fail)?;
        let docx = writer.document(r, items);
        package::zip(docx.build()).map_err(|e| fail(format!("cannot zip it: {e}")))
    }
}

/// Builds one letter's document. Paragraph and picture ids are counted
/// here, per letter, so they never depend on what else the process made.
pub struct Writer<'a> {
    root: &'a Path,
    paragraphs: u32,
    pictures: u32,
}

impl Writer<'_> {
    /// A paragraph of `style`, with the next id.
    pub fn para(&mut self, style: &str) -> Paragraph {
        self.paragraphs += 1;
        Paragraph::new()
            .id(format!("{:08X}", self.paragraphs))
            .style(style)
    }

    /// The document's pieces in order: 版头, title, 主送, body, 附件说明,
    /// 署名 and date, 附注, the attachments, then the 版记.
    fn letter(&mut self, r: &Rendering<'_>) -> Result<Vec<Item>, String> {
        let m = &r.letter.meta;
        let mut out: Vec<Item> = header::banner(self, m)
            .into_iter()
            .map(|p| Item::P(Box::new(p)))
            .collect();
        if header::has_title(m.format) {
            self.title(m, &mut out);
        }
        out.push(Item::P(Box::new(self.para(styles::PLAIN))));
        if !m.to.is_empty() {
            let to = format!("{}：", crate::letter::print::names_text(&m.to));
            out.push(Item::P(Box::new(
                self.para(styles::TO).add_run(text_run(&to)),
            )));
        }
        self.blocks(&block_tree(r.body, ""), &mut out)?;
        closing::attachment_list(self, m, &mut out);
        match m.format {
            crate::letter::Format::Order => special::order_signers(self, m, &mut out)?,
            crate::letter::Format::Minutes => special::attendance(self, m, &mut out),
            _ => closing::signature(self, m, &mut out)?,
        }
        closing::attachments(self, r, &mut out)?;
        closing::record(self, m, &mut out);
        Ok(out)
    }

    /// The 标题, two lines below the separator (GB/T 9704 7.3.1) when there is a 版头.
    fn title(&mut self, m: &crate::letter::Meta, out: &mut Vec<Item>) {
        if m.format != crate::letter::Format::Plain {
            // The rule's own space is the first of the two lines.
            out.push(Item::P(Box::new(self.para(styles::PLAIN))));
        }
        let mut title = self.para(styles::TITLE);
        for (i, line) in title_lines(&m.title.lines).iter().enumerate() {
            if i > 0 {
                title = title.add_run(Run::new().add_break(docx_rs::BreakType::TextWrapping));
            }
            title = title.add_run(text_run(line));
        }
        out.push(Item::P(Box::new(title)));
    }

    /// The document around the pieces: page, grid, styles, footers, properties.
    fn document(&mut self, r: &Rendering<'_>, items: Vec<Item>) -> Docx {
        let (w, h) = page::page_size();
        // The 成文日期 as the file's dates, so that the same letter gives the same bytes.
        let date = r.letter.meta.date.format("%Y-%m-%dT00:00:00Z").to_string();
        let mut docx = styles::add(Docx::new())
            .page_size(w, h)
            .page_margin(page::page_margin())
            .created_at(&date)
            .updated_at(&date);
        docx.document.section_property = docx
            .document
            .section_property
            .clone()
            .doc_grid(page::doc_grid());
        docx = closing::footers(self, &r.letter.meta, docx);
        for item in items {
            docx = match item {
                Item::P(p) => docx.add_paragraph(*p),
                Item::T(t) => docx.add_table(*t),
            };
        }
        docx
    }

    /// A PNG of the project (`path` relative to its root), at its size at 96 dpi,
    /// no wider than the 版心.
    pub fn picture(&mut self, path: &str) -> Result<Pic, String> {
        let file = self.root.join(path.trim_start_matches('/'));
        let bytes =
            std::fs::read(&file).map_err(|e| format!("cannot read the image {path}: {e}"))?;
        let Some((w, h)) = png_size(&bytes) else {
            return Err(format!(
                "the image {path} is not a PNG, and a DOCX written by gongwen holds PNG images only; save it as PNG"
            ));
        };
        self.pictures += 1;
        let emu_per_px = 9525u64;
        let max_w = page::text_area().0 as u64 * 635;
        let (mut ew, mut eh) = (w as u64 * emu_per_px, h as u64 * emu_per_px);
        if ew > max_w {
            eh = eh * max_w / ew;
            ew = max_w;
        }
        Ok(Pic::new_with_dimensions(bytes, w, h)
            .id(format!("rIdImage{}", self.pictures))
            .size(ew as u32, eh as u32))
    }
}

/// A PNG's width and height in pixels, from its IHDR chunk.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") || bytes.len() < 24 || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    Some((be(&bytes[16..20]), be(&bytes[20..24])))
}
