//! The characters of a letter, of `gongwen.yaml` and of an attachment file,
//! each with the face it prints in, held against the [`FontBook`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;
use serde_yaml::Value;

use super::{Face, FontBook, Printed};
use crate::diagnostic::{Diagnostic, Severity};
use crate::letter::fields::{self, Field};
use crate::lint::Document;

/// A character of a letter that its face lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlyphWarning {
    pub line: usize,
    pub field: Option<&'static Field>,
    pub character: char,
    pub printed: Printed,
}

impl GlyphWarning {
    /// `warning: letters/a.md:9: 喆 (U+5586) is not in FandolFang R; printed in Noto Serif CJK SC`
    pub fn diagnostic(&self, file: &Path) -> Diagnostic {
        let c = self.character;
        let code = c as u32;
        let mut d = match &self.printed {
            Printed::Missing { preferred } => Diagnostic::new(
                file,
                format!("{c} (U+{code:04X}) is not in {preferred} and no font in fonts/ has it; it prints as an empty box"),
            )
            .help("write it another way, or add a font that has it to fonts/"),
            Printed::Fallback { preferred, used } => Diagnostic::new(
                file,
                format!("{c} (U+{code:04X}) is not in {preferred}; printed in {used}"),
            ),
            Printed::Preferred => Diagnostic::new(file, format!("{c} (U+{code:04X})")),
        };
        d = d.severity(Severity::Warning).at(Some(self.line), None);
        if let Some(field) = self.field {
            d = d.field(field);
        }
        d
    }
}

/// The warnings of the letters a build laid out, of the attachment files they
/// print and of `gongwen.yaml`, each as the lines to show; none when no letter was laid out.
pub fn warnings_for_built(root: &Path, book: &FontBook, letters: &[PathBuf]) -> Vec<Diagnostic> {
    if letters.is_empty() {
        return Vec::new();
    }
    let shown = |file: &Path, warnings: Vec<GlyphWarning>| -> Vec<Diagnostic> {
        warnings.iter().map(|w| w.diagnostic(file)).collect()
    };
    let config = Path::new(crate::config::FILE_NAME);
    let mut lines = std::fs::read_to_string(root.join(config))
        .map(|text| shown(config, check_config(book, &text)))
        .unwrap_or_default();
    let per_letter: Vec<(Vec<Diagnostic>, Vec<PathBuf>)> = letters
        .par_iter()
        .map(|letter| {
            let Ok(text) = std::fs::read_to_string(root.join(letter)) else {
                return (Vec::new(), Vec::new());
            };
            let files = crate::lint::attachment_files(letter, &text)
                .iter()
                .filter_map(|f| crate::markdown::images::within_project(letter, f))
                .collect();
            (shown(letter, check_letter(book, letter, &text)), files)
        })
        .collect();
    // Each attachment file once, even when several letters print it.
    let mut attachments = std::collections::BTreeSet::new();
    for (letter_lines, files) in per_letter {
        lines.extend(letter_lines);
        attachments.extend(files);
    }
    for file in attachments {
        if let Ok(text) = std::fs::read_to_string(root.join(&file)) {
            lines.extend(shown(&file, check_attachment(book, &text)));
        }
    }
    lines
}

/// A character to check: where it is, and the face it is set in.
pub(super) struct Placed {
    pub(super) line: usize,
    pub(super) field: Option<&'static Field>,
    pub(super) face: Face,
    pub(super) character: char,
}

/// The characters of a letter (frontmatter and body) that its faces lack,
/// each once, at its first place.
pub fn check_letter(book: &FontBook, file: &Path, text: &str) -> Vec<GlyphWarning> {
    let Some(doc) = Document::parse(file, text) else {
        return Vec::new();
    };
    let mut placed = frontmatter_characters(&doc);
    placed.extend(body_characters(&doc, doc.body_start));
    warnings(book, placed)
}

/// The same for the office defaults in `gongwen.yaml` that letters print
/// (the 署名, 印发机关…), once for all letters.
pub fn check_config(book: &FontBook, text: &str) -> Vec<GlyphWarning> {
    let file = Path::new(crate::config::FILE_NAME);
    // An unreadable config is the loader's to report.
    let known: Vec<&'static Field> = fields::ALL
        .iter()
        .copied()
        .chain([&fields::SITE_TITLE, &fields::THUMBNAILS])
        .collect();
    let Ok(mut reader) = crate::letter::frontmatter::Reader::new(file, text, 1, &known) else {
        return Vec::new();
    };
    let values: Vec<(&'static Field, usize, Value)> = fields::ALL
        .iter()
        .filter_map(|&f| Some((f, reader.line_of(f)?, reader.take::<Value>(f, "")?)))
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    let fields = values.iter().map(|(f, l, v)| (*f, *l, v));
    let placed = field_characters(fields, lines.len(), |l| {
        lines.get(l.wrapping_sub(1)).copied().unwrap_or("")
    });
    warnings(book, placed)
}

/// The same for an attachment's own Markdown file, which is all body.
pub fn check_attachment(book: &FontBook, text: &str) -> Vec<GlyphWarning> {
    let doc = Document::body_only(text);
    warnings(book, body_characters(&doc, 0))
}

/// One warning per character, at the first place where its face lacks it
/// (a character may be in the body's face and not in the title's).
fn warnings(book: &FontBook, mut placed: Vec<Placed>) -> Vec<GlyphWarning> {
    placed.sort_by_key(|p| p.line);
    let mut warned = HashSet::new();
    let mut out = Vec::new();
    for p in placed {
        // Nearly every character is in its face's first font, a bit test:
        // only the others are hashed.
        let printed = book.printed(p.face, p.character);
        if printed != Printed::Preferred && warned.insert(p.character) {
            out.push(GlyphWarning {
                line: p.line,
                field: p.field,
                character: p.character,
                printed,
            });
        }
    }
    out
}

/// ASCII (every face has it), line breaks, and characters that print no
/// glyph of their own: joiners, variation selectors, the byte-order mark.
fn is_plain(c: char) -> bool {
    c.is_ascii()
        || c.is_whitespace()
        || c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
            | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{E0100}'..='\u{E01EF}')
}

/// The face each frontmatter element is printed in.
fn field_face(field: &Field) -> Option<Face> {
    let among = |these: &[&Field]| these.iter().any(|f| f.key == field.key);
    Some(if among(&[&fields::TITLE, &fields::HEADER]) {
        Face::Title
    } else if among(&[&fields::SIGNERS]) {
        Face::Kai
    } else if among(&[&fields::SECRECY, &fields::URGENCY]) {
        Face::Hei
    } else if among(&[
        // Not printed as written: a date, a choice of format, a path.
        &fields::DATE,
        &fields::PRINT_DATE,
        &fields::FORMAT,
        &fields::PUBLISH,
        &fields::SEAL,
        &fields::SIGNATURE,
    ]) {
        return None;
    } else {
        Face::Body
    })
}

fn frontmatter_characters(doc: &Document) -> Vec<Placed> {
    let last = doc.line_of(doc.body_start.saturating_sub(1));
    let fields = doc.fields.iter().map(|f| (f.field, f.line, &f.value));
    field_characters(fields, last, |l| doc.line(l).1)
}

/// The printed characters of frontmatter fields `(field, key line, value)`,
/// each on the line (up to `last`) that holds it: its key line or a list item below.
fn field_characters<'v>(
    fields: impl Iterator<Item = (&'static Field, usize, &'v Value)>,
    last: usize,
    line_text: impl Fn(usize) -> &'v str,
) -> Vec<Placed> {
    let mut out = Vec::new();
    for (field, key_line, value) in fields {
        let Some(face) = field_face(field) else {
            continue;
        };
        let mut text = String::new();
        printed_strings(value, &mut text);
        for c in text.chars().filter(|&c| !is_plain(c)) {
            let line = (key_line..=last)
                .find(|&l| line_text(l).contains(c))
                .unwrap_or(key_line);
            out.push(Placed {
                line,
                field: Some(field),
                face,
                character: c,
            });
        }
    }
    out
}

/// The strings of a value that are printed: an attachment's `file` is a path, not text.
pub(super) fn printed_strings(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => out.push_str(s),
        Value::Sequence(items) => items.iter().for_each(|v| printed_strings(v, out)),
        Value::Mapping(map) => {
            for (k, v) in map {
                if !matches!(k.as_str(), Some("file" | "文件")) {
                    printed_strings(v, out);
                }
            }
        }
        Value::Tagged(t) => printed_strings(&t.value, out),
        _ => {}
    }
}

/// Every character of the body with the face the layout sets it in.
pub(super) fn body_characters(doc: &Document, body_start: usize) -> Vec<Placed> {
    let body = &doc.text[body_start..];
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut out = Vec::new();
    let mut at = Nesting::default();
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        if at.enter(&event) {
            continue;
        }
        let text = match event {
            Event::Text(t) | Event::Code(t) => t.into_string(),
            // What the PDF prints of raw HTML: a block's text as the layout
            // gets it, and nothing of an inline tag.
            Event::Html(t) => crate::render::sanitize::text(&t),
            _ => continue,
        };
        let face = at.face();
        let mut line = doc.line_of(body_start + range.start);
        for c in text.chars() {
            if c == '\n' {
                line += 1;
            }
            if is_plain(c) {
                continue;
            }
            out.push(Placed {
                line,
                field: None,
                face,
                character: c,
            });
        }
    }
    out
}

/// Where the text of a body stands, as far as its face goes.
#[derive(Default)]
struct Nesting {
    heading: usize,
    quote: usize,
    emph: usize,
    table_head: bool,
    /// An image's description is its alt text in the PDF, not printed.
    image: usize,
}

impl Nesting {
    /// Follows a start or an end; `true` when the event prints nothing
    /// (it is one of those, or inside an image).
    fn enter(&mut self, event: &Event) -> bool {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading = crate::markdown::heading_level(*level)
            }
            Event::End(TagEnd::Heading(_)) => self.heading = 0,
            Event::Start(Tag::BlockQuote(_)) => self.quote += 1,
            Event::End(TagEnd::BlockQuote(_)) => self.quote -= 1,
            Event::Start(Tag::Emphasis) => self.emph += 1,
            Event::End(TagEnd::Emphasis) => self.emph -= 1,
            Event::Start(Tag::Image { .. }) => self.image += 1,
            Event::End(TagEnd::Image) => self.image -= 1,
            _ if self.image > 0 => {}
            Event::Start(Tag::TableHead) => self.table_head = true,
            Event::End(TagEnd::TableHead) => self.table_head = false,
            _ => return false,
        }
        true
    }

    fn face(&self) -> Face {
        match self.heading {
            1 => Face::Hei,
            2 => Face::Kai,
            _ if self.table_head => Face::Hei,
            _ if self.quote > 0 || self.emph > 0 => Face::Kai,
            _ => Face::Body,
        }
    }
}
