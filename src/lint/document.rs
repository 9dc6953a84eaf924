//! A letter's source as the lint rules see it: the frontmatter fields with
//! their lines, and the body as blocks and prose, each with its byte offset
//! in the file so that a finding has a line and a fix has a place.

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_yaml::Value;

use crate::letter::fields::{self, Field};
use crate::letter::frontmatter::{self, Reader};
use crate::letter::RawMeta;
use crate::letter::{Attachment, Format};

/// A run of prose and where it starts in the letter.
pub struct Run<'d, 'a> {
    pub doc: &'d Document<'a>,
    pub text: &'a str,
    pub start: usize,
}

impl Run<'_, '_> {
    /// The line of the run's byte `i`.
    pub fn line(&self, i: usize) -> usize {
        self.doc.line_of(self.start + i)
    }

    /// The letter's bytes of the run's `r`.
    pub fn at(&self, r: Range<usize>) -> Range<usize> {
        self.start + r.start..self.start + r.end
    }
}

pub struct Document<'a> {
    pub text: &'a str,
    /// Every frontmatter key the letter itself sets (not the office defaults).
    pub fields: Vec<FieldValue>,
    /// The line of every key the letter writes, set or left empty (`header:`).
    written: Vec<(&'static Field, usize)>,
    /// Where the body starts in `text`.
    pub body_start: usize,
    pub blocks: Vec<Block>,
    /// Ranges of `text` holding the author's own words, where the rules on
    /// characters apply: body text (not code, not link targets) and
    /// single-line text values of the frontmatter.
    pub prose: Vec<Range<usize>>,
    /// The office defaults of `gongwen.yaml`, for what a letter leaves out.
    pub defaults: RawMeta,
    line_starts: Vec<usize>,
}

pub struct FieldValue {
    pub field: &'static Field,
    pub line: usize,
    pub value: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// `#` … `####`, as level 1 … 4.
    Heading(usize),
    Paragraph,
}

/// A heading or a paragraph of the body, as plain text (markup taken out).
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    pub text: String,
    /// Where the block starts and ends in the file.
    pub start: usize,
    pub end: usize,
    /// In a block quote or a list: quoted text and list items follow their own order.
    pub nested: bool,
}

impl<'a> Document<'a> {
    /// `None` when the text has no frontmatter to split off (the loader reports that).
    pub fn parse(file: &Path, text: &'a str) -> Option<Document<'a>> {
        let split = frontmatter::split(file, text).ok()?;
        let offset = |s: &str| s.as_ptr() as usize - text.as_ptr() as usize;
        let body_start = offset(split.body);
        let yaml_start = offset(split.yaml);
        let mut doc = Document {
            text,
            fields: Vec::new(),
            written: Vec::new(),
            body_start,
            blocks: Vec::new(),
            prose: Vec::new(),
            defaults: RawMeta::default(),
            line_starts: line_starts(text),
        };
        doc.read_fields(file, split.yaml, split.yaml_line);
        doc.read_frontmatter_prose(yaml_start, split.yaml);
        doc.read_body(split.body);
        Some(doc)
    }

    /// A Markdown file without frontmatter: an attachment's pages.
    pub fn body_only(text: &'a str) -> Document<'a> {
        let mut doc = Document {
            text,
            fields: Vec::new(),
            written: Vec::new(),
            body_start: 0,
            blocks: Vec::new(),
            prose: Vec::new(),
            defaults: RawMeta::default(),
            line_starts: line_starts(text),
        };
        doc.read_body(text);
        doc
    }

    /// The `file:` of each attachment, as written.
    pub fn attachment_files(&self) -> Vec<String> {
        self.field(&fields::ATTACHMENTS)
            .and_then(|f| serde_yaml::from_value::<Vec<Attachment>>(f.value.clone()).ok())
            .unwrap_or_default()
            .iter()
            .filter_map(|a| a.file().map(str::to_string))
            .collect()
    }

    /// [`Self::prose_runs`], each with its text.
    pub fn prose(&self) -> impl Iterator<Item = Run<'_, 'a>> + '_ {
        (self.prose_runs().into_iter()).map(move |range| Run {
            doc: self,
            text: &self.text[range.clone()],
            start: range.start,
        })
    }

    /// The prose ranges, those that follow one another joined: Markdown
    /// splits text at `[` and `]`, which a 发文字号 may hold.
    pub fn prose_runs(&self) -> Vec<Range<usize>> {
        let mut runs: Vec<Range<usize>> = Vec::new();
        for r in &self.prose {
            match runs.last_mut() {
                Some(last) if last.end == r.start => last.end = r.end,
                _ => runs.push(r.clone()),
            }
        }
        runs
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset)
    }

    /// The text of a 1-based line, without its line break, and where it starts.
    pub fn line(&self, line: usize) -> (usize, &'a str) {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        (start, self.text[start..end].trim_end_matches(['\n', '\r']))
    }

    pub fn field(&self, field: &Field) -> Option<&FieldValue> {
        self.fields.iter().find(|f| f.field.key == field.key)
    }

    /// The line of `field`'s key when the letter writes it, even with no value.
    pub fn key_line(&self, field: &Field) -> Option<usize> {
        (self.written.iter())
            .find(|(f, _)| f.key == field.key)
            .map(|(_, line)| *line)
    }

    /// The letter's title, as written.
    pub fn title(&self) -> Option<&str> {
        self.field(&fields::TITLE)?.value.as_str().map(str::trim)
    }

    /// The names a list field gives (`to`, `cc`, `signers`), from the letter or else the office defaults.
    pub fn names(&self, field: &Field) -> Vec<String> {
        if let Some(f) = self.field(field) {
            return strings(&f.value);
        }
        self.defaults.names(field).unwrap_or_default()
    }

    /// A text field (`issuer`, `printer`, `format`), from the letter or else the office defaults.
    pub fn value(&self, field: &Field) -> Option<String> {
        if let Some(f) = self.field(field) {
            return f.value.as_str().map(|s| s.trim().to_string());
        }
        self.defaults.text(field)
    }

    /// The format the letter (or else the office defaults) names; None when
    /// it names none or one gongwen does not know.
    pub fn format(&self) -> Option<Format> {
        self.value(&fields::FORMAT)
            .as_deref()
            .and_then(Format::parse)
    }

    /// Where `needle` stands on the field's key line or the lines below it
    /// (list items), so a fix can replace it there and nowhere else.
    pub fn find_in_field(&self, field: &FieldValue, needle: &str) -> Option<Range<usize>> {
        let mut line = field.line;
        while line <= self.line_of(self.body_start.saturating_sub(1)) {
            let (start, text) = self.line(line);
            if line > field.line && !text.starts_with([' ', '\t', '-']) {
                return None;
            }
            if let Some(i) = text.find(needle) {
                return Some(start + i..start + i + needle.len());
            }
            line += 1;
        }
        None
    }

    fn read_fields(&mut self, file: &Path, yaml: &str, yaml_line: usize) {
        // An unreadable frontmatter is the loader's to report; the body is still linted.
        let Ok(mut reader) = Reader::new(file, yaml, yaml_line, fields::ALL) else {
            return;
        };
        for &field in fields::ALL {
            let Some(line) = reader.line_of(field) else {
                continue;
            };
            self.written.push((field, line));
            if let Some(value) = reader.take::<Value>(field, "") {
                self.fields.push(FieldValue { field, line, value });
            }
        }
    }

    /// Single-line text values: `title: 关于……的函`, `note: …`. Lists and
    /// block scalars are left alone, as their `,` and `:` may be YAML's own.
    fn read_frontmatter_prose(&mut self, yaml_start: usize, yaml: &str) {
        const PROSE: [&Field; 2] = [&fields::TITLE, &fields::NOTE];
        let mut at = yaml_start;
        for line in yaml.split_inclusive('\n') {
            let content = line.trim_end_matches(['\n', '\r']);
            if let Some((key, value)) = content.split_once(':') {
                let is_prose = fields::lookup(&PROSE, key.trim()).is_some();
                let v = value.trim();
                if is_prose
                    && !line.starts_with([' ', '\t'])
                    && !v.is_empty()
                    && !v.starts_with(['[', '{', '|', '>', '&', '*', '!'])
                {
                    let v = v.trim_matches(['"', '\'']);
                    let after_colon = key.len() + 1;
                    if let Some(i) = content[after_colon..].find(v) {
                        let start = at + after_colon + i;
                        self.prose.push(start..start + v.len());
                    }
                }
            }
            at += line.len();
        }
    }

    fn read_body(&mut self, body: &str) {
        let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
        let base = self.body_start;
        let mut open: Option<Block> = None;
        let mut depth_nested = 0usize;
        let mut in_code = false;
        for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
            match event {
                Event::Start(Tag::Heading { level, .. }) => {
                    open = Some(Block {
                        kind: BlockKind::Heading(crate::markdown::heading_level(level)),
                        text: String::new(),
                        start: base + range.start,
                        end: base + range.end,
                        nested: depth_nested > 0,
                    });
                }
                Event::Start(Tag::Paragraph) => {
                    open = Some(Block {
                        kind: BlockKind::Paragraph,
                        text: String::new(),
                        start: base + range.start,
                        end: base + range.end,
                        nested: depth_nested > 0,
                    });
                }
                Event::End(TagEnd::Heading(_) | TagEnd::Paragraph) => {
                    self.blocks.extend(open.take());
                }
                Event::Start(Tag::BlockQuote(_) | Tag::Item) => depth_nested += 1,
                Event::End(TagEnd::BlockQuote(_) | TagEnd::Item) => depth_nested -= 1,
                Event::Start(Tag::CodeBlock(_)) => in_code = true,
                Event::End(TagEnd::CodeBlock) => in_code = false,
                Event::Text(t) if !in_code => {
                    if let Some(b) = &mut open {
                        b.text.push_str(&t);
                    }
                    // Escapes and entities make the event differ from the source: skip those.
                    if body.get(range.clone()) == Some(&*t) {
                        self.prose.push(base + range.start..base + range.end);
                    }
                }
                Event::Code(t) => {
                    if let Some(b) = &mut open {
                        b.text.push_str(&t);
                    }
                }
                Event::SoftBreak | Event::HardBreak => {
                    if let Some(b) = &mut open {
                        b.text.push('\n');
                    }
                }
                _ => {}
            }
        }
    }
}

/// A text value or a list of them, each trimmed.
pub fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.trim().to_string()],
        Value::Sequence(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(|s| s.trim().to_string()))
            .collect(),
        _ => Vec::new(),
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// CJK ideographs and the full-width punctuation around them.
pub fn is_chinese(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303f}'   // 、。〈〉《》「」『』【】〔〕
        | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{ff01}'..='\u{ff60}' // ，：；（）！？ and full-width forms
        | '\u{2018}'..='\u{201d}' // “”‘’
        | '\u{2026}'              // …
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_fields_carry_their_lines() {
        let text = "---\ntitle: 关于某事的函\nnumber: 某函〔2024〕1号\n---\n\n# 总体要求\n\n> 一、引文\n\n正文，`code, here`。\n";
        let d = Document::parse(Path::new("a.md"), text).unwrap();
        assert_eq!(d.field(&fields::NUMBER).unwrap().line, 3);
        let lines: Vec<_> = d
            .blocks
            .iter()
            .map(|b| (d.line_of(b.start), b.kind, b.nested, b.text.as_str()))
            .collect();
        assert_eq!(
            lines,
            vec![
                (6, BlockKind::Heading(1), false, "总体要求"),
                (8, BlockKind::Paragraph, true, "一、引文"),
                (10, BlockKind::Paragraph, false, "正文，code, here。"),
            ]
        );
        let prose: Vec<&str> = d.prose.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(
            prose,
            vec!["关于某事的函", "总体要求", "一、引文", "正文，", "。"]
        );
    }
}
