//! The letter body: CommonMark (with GFM tables and strikethrough) parsed
//! once into a cleaned event list that both renderers read.
//!
//! Cleaning is where the author's text is made safe and 公文-shaped:
//! inline raw HTML that would swallow what follows it is taken out (the
//! renderers sanitise the rest with ammonia), links keep only harmless schemes, images must
//! be files inside the project, soft breaks vanish between Chinese characters,
//! and headings get their 一、（一）1.（1） numbers.

mod cjk_emphasis;
pub mod images;
pub mod numbering;
mod raw_html;
mod screen;

use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diagnostic::{Diagnostic, Diagnostics};
use numbering::Numbering;
use screen::Screen;

/// A parsed body, ready for [`crate::render`].
#[derive(Debug, Clone)]
pub struct Body {
    pub events: Vec<Event<'static>>,
    /// The number printed before each heading, in document order ("" when typed by the author).
    pub heading_numbers: Vec<String>,
    /// Every image the body shows, relative to the project root.
    pub images: Vec<PathBuf>,
}

/// Where a body comes from, for image paths and error positions.
pub struct Source<'a> {
    pub root: &'a Path,
    /// The Markdown file, relative to `root`.
    pub file: &'a Path,
    /// The file line on which `text` begins.
    pub first_line: usize,
}

impl Body {
    pub fn parse(source: &Source, text: &str) -> Result<Body, Diagnostics> {
        let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
        let mended = cjk_emphasis::mend(text, options);
        let text: &str = &mended;
        let raw: Vec<(Event, Range<usize>)> =
            Parser::new_ext(text, options).into_offset_iter().collect();
        let line_at = |offset: usize| source.first_line + text[..offset].matches('\n').count();
        if let Some((nest, start)) = too_deep(&raw) {
            let message = format!(
                "{} nested {} deep; at most {MAX_NESTING}",
                nest.what(),
                nest.depth
            );
            return Err(Diagnostic::new(source.file, message)
                .at(Some(line_at(start)), None)
                .help(nest.help())
                .into());
        }
        let mut screen = Screen::new(source);
        let mut events = Vec::with_capacity(raw.len());
        for (event, range) in raw {
            if let Some(event) = screen.pass(event, || line_at(range.start)) {
                events.push(event.into_static());
            }
        }
        let mut events = raw_html::defuse_inline(events);
        join_soft_breaks(&mut events);
        let heading_numbers = number_headings(&events);
        screen.diagnostics.into_result(Body {
            events,
            heading_numbers,
            images: screen.images,
        })
    }

    /// Reads a Markdown file of the project (an attachment's pages).
    pub fn from_file(root: &Path, file: &Path, cited_by: &Path) -> Result<Body, Diagnostics> {
        let bytes = crate::regular::read(&root.join(file)).map_err(|e| {
            Diagnostic::new(
                cited_by,
                format!("cannot read the attachment file {}: {e}", file.display()),
            )
            .help("check that the file is there and readable")
        })?;
        let text = crate::letter::decode_utf8(file, bytes)?;
        Body::parse(
            &Source {
                root,
                file,
                first_line: 1,
            },
            &text,
        )
    }
}

/// How deep lists and block quotes may nest, and emphasis and links within
/// a line. A letter needs three or four levels; the layout reads the body as
/// JSON, whose reader in typst stops at 128 levels (a list level takes three),
/// and every renderer walks the tree recursively.
pub const MAX_NESTING: usize = 10;

/// The deepest nest of one kind in a body, and where it starts.
#[derive(Debug, Default, Clone, Copy)]
struct Nest {
    depth: usize,
    lists: bool,
    quotes: bool,
    inline: bool,
}

impl Nest {
    fn what(&self) -> &'static str {
        match (self.lists, self.quotes, self.inline) {
            (_, _, true) => "emphasis and links",
            (true, true, _) => "lists and quotes",
            (true, false, _) => "lists",
            _ => "quotes (`>`)",
        }
    }

    fn help(&self) -> &'static str {
        if self.inline {
            "close each `*`, `**`, `~~` and `[` before opening many more inside it"
        } else {
            "a letter needs three or four levels: indent less, or start lines with fewer `>`"
        }
    }
}

/// The deepest nest of blocks or of inlines in a body when it is deeper than
/// [`MAX_NESTING`], with the offset where its outermost level starts.
/// Checked before anything recursive sees the body.
fn too_deep(events: &[(Event, Range<usize>)]) -> Option<(Nest, usize)> {
    // Open lists and quotes (true for a list), and open inlines, each with where it starts.
    let mut blocks: Vec<(bool, usize)> = Vec::new();
    let mut inlines: Vec<usize> = Vec::new();
    let (mut lists, mut quotes) = (0, 0);
    let mut worst: Option<(Nest, usize)> = None;
    for (event, range) in events {
        match event {
            Event::Start(Tag::List(_)) => {
                blocks.push((true, range.start));
                lists += 1;
            }
            Event::Start(Tag::BlockQuote(_)) => {
                blocks.push((false, range.start));
                quotes += 1;
            }
            Event::End(TagEnd::List(_) | TagEnd::BlockQuote(_)) => {
                match blocks.pop() {
                    Some((true, _)) => lists -= 1,
                    Some((false, _)) => quotes -= 1,
                    None => {}
                }
                continue;
            }
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. }) => {
                inlines.push(range.start)
            }
            Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link,
            ) => {
                inlines.pop();
                continue;
            }
            _ => continue,
        }
        let deeper = |depth: usize| depth > worst.as_ref().map_or(MAX_NESTING, |w| w.0.depth);
        if deeper(blocks.len()) {
            let nest = Nest {
                depth: blocks.len(),
                lists: lists > 0,
                quotes: quotes > 0,
                inline: false,
            };
            worst = Some((nest, blocks[0].1));
        } else if deeper(inlines.len()) {
            let nest = Nest {
                depth: inlines.len(),
                inline: true,
                ..Nest::default()
            };
            worst = Some((nest, inlines[0]));
        }
    }
    worst
}

/// Intranet pages must never run code from a letter, so `javascript:`,
/// `data:` and the like lose their link (the text stays).
fn is_safe_link(url: &str) -> bool {
    match url.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            matches!(
                scheme.to_ascii_lowercase().as_str(),
                "http" | "https" | "mailto" | "tel"
            )
        }
        _ => true,
    }
}

/// A line break inside a Chinese paragraph is not a space; between Latin words it is.
fn join_soft_breaks(events: &mut [Event<'static>]) {
    for i in 0..events.len() {
        if !matches!(events[i], Event::SoftBreak) {
            continue;
        }
        let before = events[..i]
            .iter()
            .rev()
            .find_map(text_of)
            .and_then(|t| t.chars().last());
        let after = events[i + 1..]
            .iter()
            .find_map(text_of)
            .and_then(|t| t.chars().next());
        let space = match (before, after) {
            (Some(a), Some(b)) => !(is_wide(a) || is_wide(b)),
            _ => true,
        };
        events[i] = Event::Text(if space { " ".into() } else { "".into() });
    }
}

fn text_of<'a>(e: &'a Event) -> Option<&'a str> {
    match e {
        Event::Text(t) | Event::Code(t) => Some(t),
        _ => None,
    }
}

/// CJK characters and full-width punctuation, which need no space between them.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
        || matches!(c, '—' | '…' | '“' | '”' | '‘' | '’')
}

fn number_headings(events: &[Event]) -> Vec<String> {
    let mut numbering = Numbering::default();
    let mut numbers = Vec::new();
    for (i, e) in events.iter().enumerate() {
        if let Event::Start(Tag::Heading { level, .. }) = e {
            let text: String = events[i + 1..]
                .iter()
                .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
                .filter_map(text_of)
                .collect();
            numbers.push(numbering.next(heading_level(*level), &text));
        }
    }
    numbers
}

/// A body parsed from text alone, for tests of the renderers.
#[cfg(test)]
pub fn test_body(text: &str) -> Body {
    Body::parse(
        &Source {
            root: Path::new("."),
            file: Path::new("a.md"),
            first_line: 1,
        },
        text,
    )
    .unwrap()
}

/// 公文 has four heading levels; `#####` and `######` count as the fourth.
pub fn heading_level(level: HeadingLevel) -> usize {
    (level as usize).min(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn parse(text: &str) -> Result<Body, Diagnostics> {
        Body::parse(
            &Source {
                root: Path::new("/nonexistent"),
                file: Path::new("letters/a.md"),
                first_line: 5,
            },
            text,
        )
    }

    fn texts(body: &Body) -> String {
        body.events.iter().filter_map(text_of).collect()
    }

    fn nested_list(depth: usize) -> String {
        (0..depth)
            .map(|i| format!("{}- 第{i}层\n", "  ".repeat(i)))
            .collect()
    }

    #[test]
    fn nesting_deeper_than_a_letter_needs_is_an_error_at_its_first_line() {
        let e = parse(&format!("开头。\n\n{}", nested_list(300))).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "error: letters/a.md:7: lists nested 300 deep; at most {MAX_NESTING}\n  \
                 help: a letter needs three or four levels: indent less, or start lines with fewer `>`"
            )
        );
        let e = parse(&format!("{} 引文\n", ">".repeat(5000))).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("error: letters/a.md:5: quotes (`>`) nested 5000 deep; at most 10"),
            "{e}"
        );
        parse(&nested_list(MAX_NESTING)).unwrap();
        parse(&format!("{} 引文\n", "> - ".repeat(MAX_NESTING / 2))).unwrap();
    }

    #[test]
    fn raw_html_is_kept_for_the_sanitiser_but_scripts_lose_their_text() {
        let b = parse("<script>alert(1)</script>\n\n段落<b>粗</b><script>x()</script>\n").unwrap();
        let html: Vec<String> = b
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Html(h) | Event::InlineHtml(h) => Some(h.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(html, vec!["<script>alert(1)</script>\n", "<b>", "</b>"]);
        assert_eq!(texts(&b), "段落粗");
    }

    #[test]
    fn soft_breaks_join_chinese_and_space_latin() {
        assert_eq!(texts(&parse("生态保\n护修复\n").unwrap()), "生态保护修复");
        assert_eq!(texts(&parse("GB/T\n9704\n").unwrap()), "GB/T 9704");
    }

    #[test]
    fn unsafe_links_lose_only_the_link() {
        let b = parse("[点我](javascript:alert(1)) [网站](https://example.org)\n").unwrap();
        let links: Vec<_> = b
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(links, vec!["https://example.org"]);
        assert_eq!(texts(&b), "点我 网站");
    }

    #[test]
    fn headings_are_numbered_per_level() {
        let b = parse("# 总体\n## 目标\n## （二）任务\n### 细则\n# 保障\n##### 深\n").unwrap();
        assert_eq!(
            b.heading_numbers,
            vec!["一、", "（一）", "", "1.", "二、", "（1）"]
        );
    }

    #[test]
    fn a_missing_image_names_its_line() {
        let e = parse("正文\n\n![图](no-such.png)\n").unwrap_err();
        let text = e.to_string();
        assert!(
            text.starts_with("error: letters/a.md:7: image `no-such.png`"),
            "{text}"
        );
    }
}
