//! Rendering a parsed letter. Each output is a [`Renderer`] of the same
//! [`Rendering`]: the checked model and the bodies, parsed once. The HTML
//! page (`html`) and the data of the Typst layout (`typst_data`) are two;
//! a third (DOCX) is a new module with its own `impl Renderer`, and the
//! build asks for it beside them.

pub mod blocks;
pub mod docx;
pub mod html;
pub mod sanitize;
pub mod text;
pub mod title_lines;
pub mod typeset;
pub mod typst_data;

use crate::diagnostic::Diagnostics;
use crate::letter::Letter;
use crate::markdown::Body;

/// One letter as every renderer receives it.
pub struct Rendering<'a> {
    pub letter: &'a Letter,
    pub body: &'a Body,
    /// The attachments' own bodies, parallel to `letter.meta.attachments`.
    pub attachments: &'a [Option<Body>],
    /// Where the letter's page and PDF are, relative to `output/` (URL form).
    pub links: Links,
}

/// Where a letter's files are published, relative to `output/`, as URLs
/// (not yet percent-encoded).
#[derive(Debug, Clone)]
pub struct Links {
    pub html: String,
    pub pdf: String,
    /// Where its DOCX is, when the letter asks for one.
    pub docx: String,
}

impl Links {
    /// The page and the PDF of the letter at `source` (relative to the project).
    pub fn of(source: &std::path::Path) -> Links {
        let link = |ext| crate::project::url(&crate::project::output_path(source, ext));
        Links {
            html: link("html"),
            pdf: link("pdf"),
            docx: link("docx"),
        }
    }
}

/// One output made of a letter.
pub trait Renderer {
    type Output;
    fn render(&self, letter: &Rendering<'_>) -> Result<Self::Output, Diagnostics>;
}
