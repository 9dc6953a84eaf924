//! One letter through the pipeline: load → parse → render its page and its
//! Typst data → (PDF compiled with its chunk) → write → draw its first page.
//! Nothing lands in `output/` until its PDF and its page are both whole.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::compile::{Compiler, Job};
use super::fingerprint::{self, Hash, Hasher};
use super::state::Record;
use super::{Globals, Site};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::index;
use crate::letter::{fields, Letter, Meta, Publish, RawMeta};
use crate::markdown::{images, Body, Source};
use crate::output;
use crate::project::{self, OUTPUT};
use crate::render::html::{HtmlPage, LetterContext};
use crate::render::typst_data::TypstData;
use crate::render::{Links, Renderer, Rendering};
use crate::thumbnail;
use crate::typst_cli::Failure;
use crate::typst_diagnostics;

/// A letter that must be (re)built.
pub struct Work {
    pub source: PathBuf,
    /// The file's bytes and their hash, or why it could not be read.
    pub contents: Result<(Vec<u8>, Hash), String>,
    /// What the last build made of it, if anything.
    pub old: Option<Record>,
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
        if meta
            .secrecy
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty())
        {
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

/// The files a letter uses (attachments, images, seal), each with its hash
/// or `None` when it is missing.
pub type Deps = BTreeMap<String, Option<Hash>>;

pub fn pdf_key(globals: &Globals, source: &Hash, deps: &Deps) -> Hash {
    key("pdf", &globals.pdf, source, deps)
}

pub fn html_key(globals: &Globals, source: &Hash, deps: &Deps) -> Hash {
    key("html", &globals.html, source, deps)
}

fn key(kind: &str, global: &Hash, source: &Hash, deps: &Deps) -> Hash {
    let mut h = Hasher::new(kind);
    h.part(global.as_bytes()).part(source.as_bytes());
    for (path, hash) in deps {
        h.part(path.as_bytes()).file(hash);
    }
    h.finish()
}

/// A letter loaded and rendered, waiting for its PDF.
struct Prepared {
    record: Record,
    /// Where its PDF goes: in `output/`, or in the restricted folder outside it.
    pdf_dest: PathBuf,
    /// The page and where it goes, when it must be (re)written.
    page: Option<(PathBuf, String)>,
    /// Images the page shows, copied under `output/media/`.
    media: Vec<PathBuf>,
    /// The index's picture of the first page, for a letter on the site.
    thumb: Option<PathBuf>,
    /// The PDF's layout job, until it is handed to the chunk's compile.
    job: Option<Job>,
    needs_pdf: bool,
}

/// A letter built: its record, and the picture of its first page when one
/// is still to be drawn.
pub struct Built {
    pub record: Record,
    pub picture: Option<Picture>,
}

/// The index's picture of a letter's first page, drawn from its PDF in
/// place. Drawing waits for nothing else, so it goes on beside the other
/// chunks' layout and the index, not before them.
pub struct Picture {
    source: PathBuf,
    pdf: PathBuf,
    png: PathBuf,
}

impl Picture {
    /// Draws the picture into place. On failure no picture is left, so the
    /// next build makes the letter again.
    pub fn draw(&self) -> Result<(), Diagnostics> {
        let drawn = draw(&self.source, &self.pdf).and_then(|png| {
            output::write_atomic(&self.png, &png)
                .map_err(|e| Diagnostic::new(&self.source, format!("{e:#}")).into())
        });
        if drawn.is_err() {
            let _ = std::fs::remove_file(&self.png);
        }
        drawn
    }
}

/// Builds one chunk of letters: prepares each, lays out their PDFs with one
/// typst run, then writes each letter's files.
pub fn build_chunk(
    site: &Site,
    globals: &Globals,
    compiler: &Compiler,
    n: usize,
    chunk: &[Work],
    force: bool,
) -> Vec<Result<Built, Diagnostics>> {
    let mut prepared: Vec<Result<Prepared, Diagnostics>> = chunk
        .iter()
        .map(|w| prepare(site, globals, w, force))
        .collect();
    let jobs: Vec<Job> = prepared
        .iter_mut()
        .filter_map(|p| p.as_mut().ok()?.job.take())
        .collect();
    let dir = compiler.work.join(format!("chunk-{n}"));
    let mut compiled = if jobs.is_empty() {
        Vec::new()
    } else {
        match output::create_dir_all(&dir) {
            Ok(()) => compiler.compile(&dir, &jobs),
            Err(e) => jobs
                .iter()
                .map(|_| Err(Failure::NotRun(format!("{e:#}"))))
                .collect(),
        }
    }
    .into_iter();
    let pdfs: Vec<Option<Result<PathBuf, Failure>>> = prepared
        .iter()
        .map(|p| match p {
            Ok(p) if p.needs_pdf => compiled.next(),
            _ => None,
        })
        .collect();
    chunk
        .iter()
        .zip(prepared)
        .zip(pdfs)
        .map(|((w, p), pdf)| finish(site, &w.source, p?, pdf))
        .collect()
}

fn prepare(
    site: &Site,
    globals: &Globals,
    work: &Work,
    force: bool,
) -> Result<Prepared, Diagnostics> {
    let source = &work.source;
    let (bytes, source_hash) = work
        .contents
        .as_ref()
        .map_err(|e| Diagnostic::new(source, format!("cannot read the file: {e}")))?;
    let (letter, body, attachments) =
        load(&site.root, &site.config.defaults, source, bytes.clone())?;
    let held_back = HoldBack::of(&letter.meta);

    let mut deps = BTreeMap::new();
    let attachment_files = letter
        .meta
        .attachments
        .iter()
        .filter_map(|a| images::within_project(source, a.file()?));
    let images: Vec<PathBuf> = attachments
        .iter()
        .flatten()
        .chain([&body])
        .flat_map(|b| b.images.clone())
        .collect();
    let seal = letter.meta.seal.iter().map(PathBuf::from);
    for dep in attachment_files.chain(images.iter().cloned()).chain(seal) {
        deps.insert(project::url(&dep), fingerprint::file(&site.root.join(&dep)));
    }
    let pdf_key = pdf_key(globals, source_hash, &deps);
    let html_key = held_back
        .is_none()
        .then(|| html_key(globals, source_hash, &deps));

    let out = site.root.join(OUTPUT);
    let html_path = project::output_path(source, "html");
    let public_pdf = project::output_path(source, "pdf");
    // Never under output/, not even for a moment: output/ may be copied to a web server at any time.
    let held_pdf = held_back.map(|_| site.config.restricted().join(&public_pdf));
    let pdf_dest = match &held_pdf {
        Some(held) => site.root.join(held),
        None => out.join(&public_pdf),
    };
    let old = work.old.as_ref();
    let need_pdf = force || old.is_none_or(|r| r.pdf_key != pdf_key) || !pdf_dest.is_file();
    let need_html = html_key.is_some()
        && (force || old.is_none_or(|r| r.html_key != html_key) || !out.join(&html_path).is_file());

    let rendering = Rendering {
        letter: &letter,
        body: &body,
        attachments: &attachments,
        links: Links::of(source),
    };
    let page = if need_html {
        let page = HtmlPage {
            templates: &site.templates,
            site_title: site.config.site_title.as_deref(),
        };
        Some((html_path.clone(), page.render(&rendering)?))
    } else {
        None
    };
    let job = if need_pdf {
        Some(Job {
            data: TypstData.render(&rendering)?,
            date: letter.meta.date,
        })
    } else {
        None
    };

    let thumb = (held_back.is_none() && site.config.thumbnails())
        .then(|| project::output_path(source, "png"));
    let mut outputs = Vec::new();
    let media: Vec<PathBuf> = if held_back.is_none() {
        images
    } else {
        Vec::new()
    };
    if held_back.is_none() {
        outputs.push(project::url(&public_pdf));
        outputs.push(project::url(&html_path));
        outputs.extend(thumb.as_deref().map(project::url));
        outputs.extend(
            media
                .iter()
                .map(|m| project::url(&Path::new("media").join(m))),
        );
    }
    let entry = held_back.is_none().then(|| {
        index::entry(
            &LetterContext::new(&letter, &rendering.links),
            thumb.as_deref(),
            [&body].into_iter().chain(attachments.iter().flatten()),
        )
    });
    Ok(Prepared {
        record: Record {
            source: *source_hash,
            deps,
            pdf_key,
            html_key,
            outputs,
            held_pdf: held_pdf.as_deref().map(project::url),
            entry_hash: entry.as_ref().map(index::Entry::hash),
            entry,
            date: letter.meta.date,
            held_back,
        },
        pdf_dest,
        page,
        media,
        thumb,
        job,
        needs_pdf: need_pdf,
    })
}

/// Puts a prepared letter's files in place: images, then the PDF, then the page.
fn finish(
    site: &Site,
    source: &Path,
    p: Prepared,
    pdf: Option<Result<PathBuf, Failure>>,
) -> Result<Built, Diagnostics> {
    let fail = |e: anyhow::Error| Diagnostics::from(Diagnostic::new(source, format!("{e:#}")));
    let out = site.root.join(OUTPUT);
    let pdf = pdf.transpose().map_err(|failure| {
        let deps: Vec<&str> = p.record.deps.keys().map(String::as_str).collect();
        typst_diagnostics::diagnostic(source, &failure, &deps)
    })?;
    if p.page.is_some() {
        for image in &p.media {
            output::copy_if_changed(&site.root.join(image), &out.join("media").join(image))
                .map_err(fail)?;
        }
    }
    let dest = p.pdf_dest.clone();
    // From the new PDF, or from the one in place when only the picture is missing.
    let picture = p
        .thumb
        .as_ref()
        .filter(|t| pdf.is_some() || !out.join(t).is_file())
        .map(|t| Picture {
            source: source.to_path_buf(),
            pdf: dest.clone(),
            png: out.join(t),
        });
    if let Some(pdf) = pdf {
        output::create_dir_all(dest.parent().expect("a file has a folder")).map_err(fail)?;
        std::fs::rename(&pdf, &dest)
            .map_err(|e| fail(anyhow::anyhow!("cannot write {}: {e}", dest.display())))?;
    }
    if let Some((path, page)) = &p.page {
        output::write_atomic(&out.join(path), page.as_bytes()).map_err(fail)?;
    }
    Ok(Built {
        record: p.record,
        picture,
    })
}

/// The index's picture of `pdf`'s first page.
fn draw(source: &Path, pdf: &Path) -> Result<Vec<u8>, Diagnostics> {
    let bytes = std::fs::read(pdf)
        .map_err(|e| Diagnostic::new(source, format!("cannot read {}: {e}", pdf.display())))?;
    thumbnail::first_page(bytes).map_err(|why| {
        Diagnostics::from(Diagnostic::new(
            source,
            format!("cannot draw the PDF's first page for the index: {why}"),
        ))
    })
}

/// A letter of another shard: only what the index needs. `None` when it
/// does not load (its own shard reports that) or is held back.
pub fn index_only(site: &Site, source: &Path) -> Option<Record> {
    let letter = Letter::from_file(&site.root, source, &site.config.defaults).ok()?;
    let held_back = HoldBack::of(&letter.meta);
    let body = Body::parse(
        &Source {
            root: &site.root,
            file: source,
            first_line: letter.body_line,
        },
        &letter.body,
    )
    .ok();
    let entry = held_back.is_none().then(|| {
        let thumb = site
            .config
            .thumbnails()
            .then(|| project::output_path(source, "png"));
        index::entry(
            &LetterContext::new(&letter, &Links::of(source)),
            thumb.as_deref(),
            body.as_ref(),
        )
    });
    Some(Record {
        source: Hash::default(),
        deps: BTreeMap::new(),
        pdf_key: Hash::default(),
        html_key: None,
        outputs: Vec::new(),
        held_pdf: None,
        entry_hash: entry.as_ref().map(index::Entry::hash),
        entry,
        date: letter.meta.date,
        held_back,
    })
}

/// The letter, its body and its attachments' bodies, or every problem found in them.
/// `gongwen check` runs this too, without building.
pub fn load(
    root: &Path,
    defaults: &RawMeta,
    source: &Path,
    bytes: Vec<u8>,
) -> Result<(Letter, Body, Vec<Option<Body>>), Diagnostics> {
    let letter = Letter::from_bytes(root, source, bytes, defaults)?;
    let body = Body::parse(
        &Source {
            root,
            file: source,
            first_line: letter.body_line,
        },
        &letter.body,
    );
    let attachments: Vec<Result<Option<Body>, Diagnostics>> = letter
        .meta
        .attachments
        .iter()
        .map(|a| {
            let line = letter.line_of(&fields::ATTACHMENTS);
            a.file()
                .map(|f| attachment_body(root, source, line, f))
                .transpose()
        })
        .collect();
    let (body, attachments) = all_or_problems(body, attachments)?;
    Ok((letter, body, attachments))
}

/// An attachment's own Markdown file, relative to the letter.
fn attachment_body(
    root: &Path,
    letter: &Path,
    line: Option<usize>,
    file: &str,
) -> Result<Body, Diagnostics> {
    let bad = |message: String| {
        Diagnostics::from(Diagnostic::new(letter, message).at(line, None).field(&fields::ATTACHMENTS).help(
            "give the attachment's Markdown file relative to the letter, e.g. `file: _attachments/table.md` \
             (a name starting with `_` keeps it from being built as a letter)",
        ))
    };
    let path = images::project_file(root, letter, file).map_err(|e| match e {
        images::Escape::Outside => bad(format!("file `{file}` is outside the project")),
        images::Escape::Missing => bad(match images::within_project(letter, file) {
            Some(p) => format!("file `{file}` not found (looked for {})", p.display()),
            None => format!("file `{file}` not found"),
        }),
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
