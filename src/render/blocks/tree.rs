//! Reading pulldown-cmark's events into the block tree: a stack of open
//! containers, each closed into the one that holds it.

use pulldown_cmark::{Alignment, Event, Tag, TagEnd};

use super::{Block, Inline};
use crate::markdown::{heading_level, Body};
use crate::render::sanitize;
use crate::render::typeset::table_layout;

/// An open container while the events are read.
enum Open {
    Blocks(Vec<Block>),
    /// A list item: tight lists put text straight in it, gathered in `pending`.
    Item {
        blocks: Vec<Block>,
        pending: Vec<Inline>,
    },
    List {
        ordered: bool,
        start: u64,
        items: Vec<Vec<Block>>,
    },
    Inlines(Vec<Inline>),
    Link {
        url: String,
        children: Vec<Inline>,
    },
    Table {
        align: Vec<&'static str>,
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Row(Vec<Vec<Inline>>),
    Code(String),
    /// The author's raw HTML block, printed as the text it shows.
    Html(String),
    Image {
        path: String,
        alt: String,
    },
}

pub(super) fn tree(body: &Body, image_prefix: &str) -> Vec<Block> {
    let mut stack = vec![Open::Blocks(Vec::new())];
    let mut numbers = body.heading_numbers.iter();
    for event in &body.events {
        match event {
            Event::Start(tag) => stack.push(open(tag, image_prefix)),
            Event::End(end) => {
                let open = stack.pop().expect("events are balanced");
                close(&mut stack, end, open, &mut numbers);
            }
            Event::Text(t) => push_text(&mut stack, t),
            Event::Code(t) => push_inline(
                &mut stack,
                Inline::Code {
                    text: t.to_string(),
                },
            ),
            Event::HardBreak => push_inline(&mut stack, Inline::Break {}),
            Event::Html(html) => {
                if let Some(Open::Html(block)) = stack.last_mut() {
                    block.push_str(html);
                }
            }
            // The PDF prints what the page shows: an inline tag is not text.
            Event::InlineHtml(html) if is_br(html) => push_inline(&mut stack, Inline::Break {}),
            Event::Rule => push_block(&mut stack, Block::Rule {}),
            _ => {}
        }
    }
    match stack.pop() {
        Some(Open::Blocks(blocks)) => blocks,
        _ => Vec::new(),
    }
}

/// What a start tag opens.
fn open(tag: &Tag, image_prefix: &str) -> Open {
    match tag {
        Tag::List(start) => Open::List {
            ordered: start.is_some(),
            start: start.unwrap_or(1),
            items: vec![],
        },
        Tag::Item => Open::Item {
            blocks: vec![],
            pending: vec![],
        },
        Tag::BlockQuote(_) => Open::Blocks(vec![]),
        Tag::Table(align) => Open::Table {
            align: align.iter().map(alignment).collect(),
            header: vec![],
            rows: vec![],
        },
        Tag::TableHead | Tag::TableRow => Open::Row(vec![]),
        Tag::CodeBlock(_) => Open::Code(String::new()),
        Tag::HtmlBlock => Open::Html(String::new()),
        Tag::Image { dest_url, .. } => Open::Image {
            path: format!("{image_prefix}{dest_url}"),
            alt: String::new(),
        },
        Tag::Link { dest_url, .. } => Open::Link {
            url: dest_url.to_string(),
            children: vec![],
        },
        _ => Open::Inlines(vec![]),
    }
}

/// Closes `open` at `end`: the block it made goes into what holds it.
fn close(stack: &mut [Open], end: &TagEnd, open: Open, numbers: &mut std::slice::Iter<String>) {
    match (end, open) {
        (TagEnd::Paragraph, Open::Inlines(inlines)) => push_block(stack, paragraph(inlines)),
        (TagEnd::Heading(level), Open::Inlines(inlines)) => {
            let number = numbers.next().cloned().unwrap_or_default();
            let level = heading_level(*level);
            push_block(
                stack,
                Block::Heading {
                    level,
                    number,
                    inlines,
                },
            )
        }
        (
            TagEnd::List(_),
            Open::List {
                ordered,
                start,
                items,
            },
        ) => push_block(
            stack,
            Block::List {
                ordered,
                start,
                items,
            },
        ),
        (
            TagEnd::Item,
            Open::Item {
                mut blocks,
                pending,
            },
        ) => {
            flush(&mut blocks, pending);
            if let Some(Open::List { items, .. }) = stack.last_mut() {
                items.push(blocks);
            }
        }
        (TagEnd::BlockQuote(_), Open::Blocks(blocks)) => push_block(stack, Block::Quote { blocks }),
        (TagEnd::CodeBlock, Open::Code(text)) => {
            let text = text.trim_end_matches('\n').to_string();
            push_block(stack, Block::CodeBlock { text })
        }
        (TagEnd::HtmlBlock, Open::Html(html)) => push_html_block(stack, &html),
        (end, open) => close_table_part(stack, end, open),
    }
}

/// What the PDF prints of an HTML block: its text, line by line.
fn push_html_block(stack: &mut [Open], html: &str) {
    let text = sanitize::text(html);
    if text.is_empty() {
        return;
    }
    let mut inlines = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            inlines.push(Inline::Break {});
        }
        inlines.push(Inline::Text { text: line.into() });
    }
    push_block(stack, Block::Paragraph { inlines });
}

/// A table, its head, a row or a cell closed; anything else is an inline.
fn close_table_part(stack: &mut [Open], end: &TagEnd, open: Open) {
    match (end, open) {
        (
            TagEnd::Table,
            Open::Table {
                align,
                header,
                rows,
            },
        ) => {
            let layout = table_layout(&header, &rows);
            push_block(
                stack,
                Block::Table {
                    align,
                    header,
                    rows,
                    layout,
                },
            )
        }
        (TagEnd::TableHead, Open::Row(cells)) => {
            if let Some(Open::Table { header, .. }) = stack.last_mut() {
                *header = cells;
            }
        }
        (TagEnd::TableRow, Open::Row(cells)) => {
            if let Some(Open::Table { rows, .. }) = stack.last_mut() {
                rows.push(cells);
            }
        }
        (TagEnd::TableCell, Open::Inlines(inlines)) => {
            if let Some(Open::Row(cells)) = stack.last_mut() {
                cells.push(inlines);
            }
        }
        (end, open) => close_inline(stack, end, open),
    }
}

/// An inline closed, into what holds it.
fn close_inline(stack: &mut [Open], end: &TagEnd, open: Open) {
    match (end, open) {
        (TagEnd::Image, Open::Image { path, alt }) => {
            push_inline(stack, Inline::Image { path, alt })
        }
        (TagEnd::Strong, Open::Inlines(children)) => {
            push_inline(stack, Inline::Strong { children })
        }
        (TagEnd::Emphasis, Open::Inlines(children)) => {
            push_inline(stack, Inline::Emph { children })
        }
        (TagEnd::Strikethrough, Open::Inlines(children)) => {
            push_inline(stack, Inline::Strike { children })
        }
        (TagEnd::Link, Open::Link { url, children }) => {
            push_inline(stack, Inline::Link { url, children })
        }
        (_, Open::Inlines(children)) => children.into_iter().for_each(|i| push_inline(stack, i)),
        _ => {}
    }
}

fn is_br(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    lower
        .strip_prefix("<br")
        .is_some_and(|rest| rest.starts_with(['>', '/', ' ', '\t', '\n']))
}

/// A paragraph holding only an image is a figure.
fn paragraph(inlines: Vec<Inline>) -> Block {
    match <[Inline; 1]>::try_from(inlines) {
        Ok([Inline::Image { path, alt }]) => Block::Image { path, alt },
        Ok([one]) => Block::Paragraph { inlines: vec![one] },
        Err(inlines) => Block::Paragraph { inlines },
    }
}

fn alignment(a: &Alignment) -> &'static str {
    match a {
        Alignment::None => "none",
        Alignment::Left => "left",
        Alignment::Center => "center",
        Alignment::Right => "right",
    }
}

fn flush(blocks: &mut Vec<Block>, pending: Vec<Inline>) {
    if !pending.is_empty() {
        blocks.push(paragraph(pending));
    }
}

fn push_block(stack: &mut [Open], block: Block) {
    match stack.last_mut() {
        Some(Open::Blocks(blocks)) => blocks.push(block),
        Some(Open::Item { blocks, pending }) => {
            flush(blocks, std::mem::take(pending));
            blocks.push(block);
        }
        _ => {}
    }
}

fn push_inline(stack: &mut [Open], inline: Inline) {
    match stack.last_mut() {
        Some(Open::Inlines(inlines))
        | Some(Open::Link {
            children: inlines, ..
        })
        | Some(Open::Item {
            pending: inlines, ..
        }) => {
            // pulldown-cmark splits text at punctuation; one run reads better in the data.
            if let (Some(Inline::Text { text: last }), Inline::Text { text }) =
                (inlines.last_mut(), &inline)
            {
                last.push_str(text);
            } else {
                inlines.push(inline);
            }
        }
        Some(Open::Image { alt, .. }) => alt.push_str(&plain_text(&inline)),
        Some(Open::Code(code)) => code.push_str(&plain_text(&inline)),
        _ => {}
    }
}

fn push_text(stack: &mut [Open], text: &str) {
    if text.is_empty() {
        return;
    }
    push_inline(
        stack,
        Inline::Text {
            text: text.to_string(),
        },
    )
}

fn plain_text(inline: &Inline) -> String {
    match inline {
        Inline::Text { text } | Inline::Whole { text } | Inline::Code { text } => text.clone(),
        Inline::Strong { children }
        | Inline::Emph { children }
        | Inline::Strike { children }
        | Inline::Link { children, .. } => children.iter().map(plain_text).collect(),
        Inline::Break {} => "\n".into(),
        Inline::Image { alt, .. } => alt.clone(),
    }
}
