//! The JSON the Typst layout (`templates/gongwen.typ`) reads through
//! `sys.inputs.data`: every element of the letter, already in print form.

use serde::Serialize;

use super::blocks::{blocks, Block};
use super::title_lines::title_lines;
use crate::letter::{Format, Letter};
use crate::markdown::Body;

#[derive(Debug, Serialize)]
pub struct LetterData<'a> {
    pub format: Format,
    pub header: String,
    pub header_lines: &'a [String],
    pub number: Option<&'a str>,
    pub copy_no: Option<&'a str>,
    pub secrecy: Option<&'a str>,
    pub urgency: Option<&'a str>,
    pub signers: &'a [String],
    /// Broken between words (or where the author broke it).
    pub title_lines: Vec<String>,
    pub to: Option<String>,
    pub body: Vec<Block>,
    pub attachments: Vec<AttachmentData<'a>>,
    pub issuer: &'a str,
    pub date: String,
    pub note: Option<&'a str>,
    pub cc: &'a [String],
    pub printer: Option<&'a str>,
    pub print_date: String,
    /// 印章, a path Typst resolves against the project root.
    pub seal: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AttachmentData<'a> {
    pub name: &'a str,
    /// The name as the attachment page's title lines.
    pub title_lines: Vec<String>,
    pub body: Option<Vec<Block>>,
}

/// Typst resolves a path starting with `/` against `--root`, the project.
const IMAGE_PREFIX: &str = "/";

impl<'a> LetterData<'a> {
    /// `attachment_bodies` run parallel to `letter.meta.attachments`.
    pub fn new(letter: &'a Letter, body: &Body, attachment_bodies: &[Option<Body>]) -> Self {
        let m = &letter.meta;
        LetterData {
            format: m.format,
            header: m.header.join(""),
            header_lines: &m.header,
            number: m.number.as_deref(),
            copy_no: m.copy_no.as_deref(),
            secrecy: m.secrecy.as_deref(),
            urgency: m.urgency.as_deref(),
            signers: &m.signers,
            title_lines: title_lines(&m.title_lines),
            to: m.to_text(),
            body: blocks(body, IMAGE_PREFIX),
            attachments: m
                .attachments
                .iter()
                .zip(attachment_bodies)
                .map(|(a, b)| AttachmentData {
                    name: a.name(),
                    title_lines: title_lines(&[a.name().to_string()]),
                    body: b.as_ref().map(|b| blocks(b, IMAGE_PREFIX)),
                })
                .collect(),
            issuer: &m.issuer,
            date: m.date_text(),
            note: m.note.as_deref(),
            cc: &m.cc,
            printer: m.printer.as_deref(),
            print_date: m.print_date_text(),
            seal: m.seal.as_ref().map(|s| format!("{IMAGE_PREFIX}{s}")),
        }
    }
}
