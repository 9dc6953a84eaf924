//! One letter, load → parse → render, and nothing else: no hashes, no
//! files written. What to redo is the cache's to say (`cache`); this module
//! makes what it is asked for, and `gongwen check` runs its `load` alone.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Site;
use crate::diagnostic::Diagnostics;
use crate::index;
use crate::letter::{fields, Letter, Meta, Publish, Reading};
use crate::markdown::{images, Body, Source};
use crate::render::docx::DocxFile;
use crate::render::html::{HtmlPage, LetterContext};
use crate::render::typst_data::TypstData;
use crate::render::{Links, Renderer, Rendering};

/// A letter read and parsed: its model, its body and its attachments' bodies.
pub struct Loaded {
    pub letter: Letter,
    pub body: Body,
    /// Parallel to `letter.meta.attachments`: a body for those with a file.
    pub attachments: Vec<Option<Body>>,
}

impl Loaded {
    /// Every image the body and the attachments show, as project paths.
    pub fn images(&self) -> Vec<PathBuf> {
        (self.attachments.iter().flatten())
            .chain([&self.body])
            .flat_map(|b| b.images.clone())
            .collect()
    }

    /// Every file the letter uses besides itself: the attachments' own
    /// files, the `images` it shows and its seal, relative to the project.
    pub fn files_used<'a>(&'a self, images: &'a [PathBuf]) -> impl Iterator<Item = PathBuf> + 'a {
        let source = &self.letter.source;
        let attachments = (self.letter.meta.attachments.iter())
            .filter_map(|a| images::within_project(source, a.file()?));
        let seal = self.letter.meta.seal.iter().map(PathBuf::from);
        attachments.chain(images.iter().cloned()).chain(seal)
    }

    fn rendering(&self) -> Rendering<'_> {
        Rendering {
            letter: &self.letter,
            body: &self.body,
            attachments: &self.attachments,
            links: Links::of(&self.letter.source),
        }
    }
}

/// What is asked of [`render`]: each output is made only when wanted.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    pub page: bool,
    pub pdf_data: bool,
    pub docx: bool,
    /// The index entry, with the first page's picture when there is one.
    pub entry: Option<Option<&'a Path>>,
}

/// What a letter renders to.
#[derive(Default)]
pub struct Rendered {
    /// The intranet page.
    pub page: Option<String>,
    /// The data of its PDF's layout.
    pub pdf_data: Option<Vec<u8>>,
    /// The Word file, whole.
    pub docx: Option<Vec<u8>>,
    pub entry: Option<index::Entry>,
}

/// Each renderer, once, on the same parsed letter.
pub fn render(site: &Site, loaded: &Loaded, wanted: Wanted) -> Result<Rendered, Diagnostics> {
    let rendering = loaded.rendering();
    let page = HtmlPage {
        templates: &site.templates,
        site_title: site.config.site_title.as_deref(),
    };
    Ok(Rendered {
        page: wanted.page.then(|| page.render(&rendering)).transpose()?,
        pdf_data: wanted
            .pdf_data
            .then(|| {
                TypstData {
                    fonts: site.fonts(),
                }
                .render(&rendering)
            })
            .transpose()?,
        docx: (wanted.docx)
            .then(|| DocxFile { root: &site.root }.render(&rendering))
            .transpose()?,
        entry: wanted.entry.map(|thumb| {
            let bodies = [&loaded.body]
                .into_iter()
                .chain(loaded.attachments.iter().flatten());
            index_entry(&loaded.letter, bodies, thumb)
        }),
    })
}

/// The index's entry of a letter: its fields, the picture of its first page
/// and the text of `bodies`.
pub fn index_entry<'b>(
    letter: &Letter,
    bodies: impl IntoIterator<Item = &'b Body>,
    thumb: Option<&Path>,
) -> index::Entry {
    let context = LetterContext::new(letter, &Links::of(&letter.source));
    index::entry(&context, thumb, bodies)
}

/// Why a letter stays off the HTML site. Its PDF is still built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HoldBack {
    /// It carries a 密级 (secrecy level).
    Secret,
    /// 公开属性 不予公开.
    NotPublic,
    /// 公开属性 依申请公开: released on request only, not posted.
    OnRequest,
}

impl HoldBack {
    pub fn of(meta: &Meta) -> Option<HoldBack> {
        if (meta.secrecy.as_deref()).is_some_and(|s| !s.trim().is_empty()) {
            return Some(HoldBack::Secret);
        }
        match meta.publish {
            Some(Publish::不予公开) => Some(HoldBack::NotPublic),
            Some(Publish::依申请公开) => Some(HoldBack::OnRequest),
            _ => None,
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            HoldBack::Secret => "密级",
            HoldBack::NotPublic => "不予公开",
            HoldBack::OnRequest => "依申请公开",
        }
    }
}

/// The letter, its body and its attachments' bodies, or every problem found in them.
/// `gongwen check` runs this too, without building.
pub fn load(
    root: &Path,
    defaults: &crate::letter::RawMeta,
    source: &Path,
    bytes: Vec<u8>,
    reading: Reading,
) -> Result<(Letter, Body, Vec<Option<Body>>), Diagnostics> {
    let letter = Letter::from_bytes(root, source, bytes, defaults, reading)?;
    let body = parse_body(root, &letter);
    let line = letter.line_of(&fields::ATTACHMENTS);
    let attachments: Vec<Result<Option<Body>, Diagnostics>> = (letter.meta.attachments.iter())
        .map(|a| {
            (a.file())
                .map(|f| attachment_body(root, source, line, f))
                .transpose()
        })
        .collect();
    let (body, attachments) = all_or_problems(body, attachments)?;
    Ok((letter, body, attachments))
}

/// [`load`], as one value.
pub fn load_letter(site: &Site, source: &Path, bytes: Vec<u8>) -> Result<Loaded, Diagnostics> {
    let defaults = &site.config.defaults;
    let (letter, body, attachments) = load(&site.root, defaults, source, bytes, Reading::Build)?;
    Ok(Loaded {
        letter,
        body,
        attachments,
    })
}

pub fn parse_body(root: &Path, letter: &Letter) -> Result<Body, Diagnostics> {
    let source = Source {
        root,
        file: &letter.source,
        first_line: letter.body_line,
    };
    Body::parse(&source, &letter.body)
}

/// An attachment's own Markdown file, relative to the letter.
fn attachment_body(
    root: &Path,
    letter: &Path,
    line: Option<usize>,
    file: &str,
) -> Result<Body, Diagnostics> {
    let path = images::project_file(root, letter, file).map_err(|problem| {
        Diagnostics::from(problem.at(line, None).field(&fields::ATTACHMENTS).help(
            "give the attachment's Markdown file relative to the letter, e.g. `file: _attachments/table.md` \
             (a name starting with `_` keeps it from being built as a letter)",
        ))
    })?;
    Body::from_file(root, &path, letter)
}

/// The body and every attachment, or every problem found in any of them.
fn all_or_problems(
    body: Result<Body, Diagnostics>,
    attachments: Vec<Result<Option<Body>, Diagnostics>>,
) -> Result<(Body, Vec<Option<Body>>), Diagnostics> {
    let mut problems = Diagnostics::default();
    let mut bodies = Vec::new();
    for a in attachments {
        match a {
            Ok(b) => bodies.push(b),
            Err(d) => problems.0.extend(d.0),
        }
    }
    match body {
        Ok(body) if problems.is_empty() => Ok((body, bodies)),
        Ok(_) => Err(problems),
        Err(mut d) => {
            d.0.extend(problems.0);
            Err(d)
        }
    }
}
