//! The body's blocks (`render/blocks.rs`, the tree the PDF is made from) as
//! Word paragraphs and tables. Every text goes into a `w:t` through
//! docx-rs, which escapes it: letter text never becomes XML or a field.

use docx_rs::{AlignmentType, BreakType, Paragraph, Run, Table, TableCell, TableRow, WidthType};

use super::styles::{self, BODY, HEADINGS, PLAIN};
use super::Writer;
use crate::render::blocks::{Block, Inline};

/// A piece of the document, in order.
pub enum Item {
    P(Box<Paragraph>),
    T(Box<Table>),
}

/// How a run looks, from the inlines that hold it.
#[derive(Clone, Copy, Default)]
struct Look {
    bold: bool,
    italic: bool,
    strike: bool,
}

/// Text as XML may hold it: no control characters (XML 1.0 forbids them;
/// a line break inside a paragraph is a space, as on the page).
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control() && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .collect()
}

pub fn text_run(text: &str) -> Run {
    Run::new().add_text(clean(text))
}

fn styled(run: Run, look: Look) -> Run {
    let run = if look.bold { run.bold() } else { run };
    let run = if look.italic { run.italic() } else { run };
    if look.strike {
        run.strike()
    } else {
        run
    }
}

impl Writer<'_> {
    /// The runs of `inlines`, added to `p`.
    pub fn inlines(&mut self, p: Paragraph, inlines: &[Inline]) -> Result<Paragraph, String> {
        self.inlines_as(p, inlines, Look::default())
    }

    fn inlines_as(
        &mut self,
        mut p: Paragraph,
        inlines: &[Inline],
        look: Look,
    ) -> Result<Paragraph, String> {
        for inline in inlines {
            p = self.inline(p, inline, look)?;
        }
        Ok(p)
    }

    fn inline(&mut self, p: Paragraph, inline: &Inline, look: Look) -> Result<Paragraph, String> {
        let children = |p: Paragraph, w: &mut Self, children: &[Inline], look: Look| {
            children.iter().try_fold(p, |p, c| w.inline(p, c, look))
        };
        Ok(match inline {
            Inline::Text { text } | Inline::Whole { text } | Inline::Code { text } => {
                p.add_run(styled(text_run(text), look))
            }
            Inline::Strong { children: c } => children(p, self, c, Look { bold: true, ..look })?,
            Inline::Emph { children: c } => children(
                p,
                self,
                c,
                Look {
                    italic: true,
                    ..look
                },
            )?,
            Inline::Strike { children: c } => children(
                p,
                self,
                c,
                Look {
                    strike: true,
                    ..look
                },
            )?,
            Inline::Link { children: c, .. } => children(p, self, c, look)?,
            Inline::Break {} => p.add_run(Run::new().add_break(BreakType::TextWrapping)),
            Inline::Image { path, .. } => p.add_run(Run::new().add_image(self.picture(path)?)),
        })
    }

    /// The blocks as paragraphs and tables; `indent` is the list depth.
    pub fn blocks(&mut self, blocks: &[Block], out: &mut Vec<Item>) -> Result<(), String> {
        for block in blocks {
            self.block(block, out)?;
        }
        Ok(())
    }

    fn block(&mut self, block: &Block, out: &mut Vec<Item>) -> Result<(), String> {
        match block {
            Block::Paragraph { inlines } => {
                let p = self.para(BODY);
                let p = self.inlines(p, inlines)?;
                out.push(Item::P(Box::new(p)));
            }
            Block::Heading {
                level,
                number,
                inlines,
            } => {
                let style = HEADINGS[level.clamp(&1, &4) - 1];
                let p = self.para(style).add_run(text_run(number));
                out.push(Item::P(Box::new(self.inlines(p, inlines)?)));
            }
            Block::List {
                ordered,
                start,
                items,
            } => {
                for (i, item) in items.iter().enumerate() {
                    let mark = if *ordered {
                        format!("{}. ", *start + i as u64)
                    } else {
                        "• ".to_string()
                    };
                    self.item(&mark, item, out)?;
                }
            }
            Block::Quote { blocks } => self.blocks(blocks, out)?,
            Block::Table { header, rows, .. } => {
                out.push(Item::T(Box::new(self.table(header, rows)?)))
            }
            Block::CodeBlock { text } => {
                for line in text.lines() {
                    out.push(Item::P(Box::new(self.para(PLAIN).add_run(text_run(line)))));
                }
            }
            Block::Rule {} => out.push(Item::P(Box::new(self.para(PLAIN)))),
            Block::Image { path, .. } => {
                let pic = self.picture(path)?;
                let p = self
                    .para(PLAIN)
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_image(pic));
                out.push(Item::P(Box::new(p)));
            }
        }
        Ok(())
    }

    /// A list item: its mark before the first paragraph's text.
    fn item(&mut self, mark: &str, blocks: &[Block], out: &mut Vec<Item>) -> Result<(), String> {
        match blocks.split_first() {
            Some((Block::Paragraph { inlines }, rest)) => {
                let p = self.para(BODY).add_run(text_run(mark));
                out.push(Item::P(Box::new(self.inlines(p, inlines)?)));
                self.blocks(rest, out)
            }
            _ => {
                out.push(Item::P(Box::new(self.para(BODY).add_run(text_run(mark)))));
                self.blocks(blocks, out)
            }
        }
    }

    fn table(
        &mut self,
        header: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
    ) -> Result<Table, String> {
        let columns = header.len().max(1);
        let width = super::page::text_area().0 as usize / columns;
        let mut table_rows = Vec::new();
        for (n, row) in std::iter::once(header)
            .chain(rows.iter().map(Vec::as_slice))
            .enumerate()
        {
            let mut cells = Vec::new();
            for cell in row {
                let look = Look {
                    bold: n == 0,
                    ..Look::default()
                };
                let p = self.para(styles::TABLE);
                let p = self.inlines_as(p, cell, look)?;
                cells.push(
                    TableCell::new()
                        .width(width, WidthType::Dxa)
                        .add_paragraph(p),
                );
            }
            table_rows.push(TableRow::new(cells));
        }
        Ok(Table::new(table_rows).set_grid(vec![width; columns]))
    }
}
