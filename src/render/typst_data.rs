//! The JSON the Typst layout (`templates/gongwen.typ`) reads through
//! `sys.inputs.data`: the print form of the model, the body as blocks and
//! the attachments' pages.

use serde::Serialize;

use super::blocks::{blocks, Block};
use super::title_lines::title_lines;
use super::{Renderer, Rendering};
use crate::diagnostic::Diagnostics;
use crate::letter::Meta;

#[derive(Debug, Serialize)]
pub struct LetterData<'a> {
    /// Unique among the letters typst lays out together (a chunk shares one
    /// set of labels), so the layout's markers of one letter never meet another's.
    pub id: String,
    #[serde(flatten)]
    pub fields: &'a Meta,
    pub body: Vec<Block>,
    pub attachments: Vec<AttachmentData<'a>>,
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

/// The layout's data of a letter, as JSON bytes for `sys.inputs`.
pub struct TypstData;

impl Renderer for TypstData {
    type Output = Vec<u8>;

    fn render(&self, r: &Rendering<'_>) -> Result<Vec<u8>, Diagnostics> {
        let m = &r.letter.meta;
        let data = LetterData {
            id: crate::project::url(&r.letter.source),
            fields: m,
            body: blocks(r.body, IMAGE_PREFIX),
            attachments: (m.attachments.iter())
                .zip(r.attachments)
                .map(|(a, b)| AttachmentData {
                    name: a.name(),
                    title_lines: title_lines(&[a.name().to_string()]),
                    body: b.as_ref().map(|b| blocks(b, IMAGE_PREFIX)),
                })
                .collect(),
        };
        Ok(serde_json::to_vec(&data).expect("letter data serialises"))
    }
}
