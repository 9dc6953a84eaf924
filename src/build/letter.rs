//! One chunk of letters through the build: each letter's outputs are
//! decided (`cache`) and made (`pipeline`), their PDFs laid out with one
//! typst run, then each letter's files are put in place. Nothing lands in
//! `output/` until its PDF and its page are both whole.

use std::path::{Path, PathBuf};

use super::cache::{self, Deps, Globals, Hash, Hasher, Keys, Record, Redo, Work};
use super::compile::{Compiler, Job};
use super::pipeline::{self, HoldBack, Wanted};
use super::Site;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::index;
use crate::letter::Letter;
use crate::output;
use crate::project::{self, OUTPUT};
use crate::thumbnail::{self, Faces};
use crate::typst_cli::Failure;
use crate::typst_diagnostics;

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
    /// The fonts' hash: a picture drawn with other fonts is drawn again.
    fonts: Hash,
    /// The DOCX and where it goes (in `output/`, or beside the held-back PDF), when it must be (re)written.
    docx: Option<(PathBuf, Vec<u8>)>,
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
    pub source: PathBuf,
    pdf: PathBuf,
    png: PathBuf,
    /// When the picture's key is not known (a new PDF with no picture in
    /// place, or a picture never drawn): the fonts' hash and the letter's
    /// files, to read its [`picture_key`] with the drawing, from one
    /// reading of the PDF.
    keyed_by: Option<(Hash, Deps)>,
}

impl Picture {
    /// Draws the picture into place; the letter's picture key when asked
    /// for. On failure no picture is left, so the next build makes the
    /// letter again.
    pub fn draw(&self, faces: &Faces) -> Result<Option<Hash>, Diagnostics> {
        let bytes = std::fs::read(&self.pdf).map_err(|e| {
            Diagnostic::new(
                &self.source,
                format!("cannot read {}: {e}", self.pdf.display()),
            )
        })?;
        let (png, first_page) =
            thumbnail::first_page_and_key(bytes, faces, self.keyed_by.is_some());
        let key = (self.keyed_by.as_ref())
            .zip(first_page)
            .map(|((fonts, deps), first_page)| key_of_picture(&first_page, deps, fonts));
        let drawn = png
            .map_err(|why| {
                Diagnostic::new(
                    &self.source,
                    format!("cannot draw the PDF's first page for the index: {why:#}"),
                )
            })
            .and_then(|png| {
                output::write_atomic(&self.png, &png)
                    .map_err(|e| Diagnostic::new(&self.source, format!("{e:#}")))
            });
        match drawn {
            Ok(()) => Ok(key),
            Err(problem) => {
                let _ = std::fs::remove_file(&self.png);
                Err(problem.into())
            }
        }
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
    let (bytes, source_hash) = (work.contents.as_ref())
        .map_err(|e| Diagnostic::new(source, format!("cannot read the file: {e}")))?;
    let loaded = pipeline::load_letter(site, source, bytes.clone())?;
    let held_back = HoldBack::of(&loaded.letter.meta);
    let images = loaded.images();
    let deps = cache::deps(&site.root, loaded.files_used(&images));
    let wants_docx = loaded.letter.meta.wants_docx();
    let keys = Keys::of(globals, source_hash, &deps, held_back.is_none(), wants_docx);
    let places = Places::of(site, source, held_back, wants_docx);
    let page_there = site.root.join(OUTPUT).join(&places.html).is_file();
    let docx_there = places.docx_dest.as_ref().is_some_and(|d| d.is_file());
    let there = (places.pdf_dest.is_file(), page_there, docx_there);
    let redo = Redo::of(work.old.as_ref(), &keys, force, there);
    let rendered = pipeline::render(
        site,
        &loaded,
        Wanted {
            page: redo.page,
            pdf_data: redo.pdf,
            docx: redo.docx,
            entry: held_back.is_none().then_some(places.thumb.as_deref()),
        },
    )?;
    let media = if held_back.is_none() {
        images
    } else {
        Vec::new()
    };
    let record = Record {
        source: *source_hash,
        stamp: work.stamp,
        deps,
        pdf_key: keys.pdf,
        html_key: keys.html,
        docx_key: keys.docx,
        outputs: places.outputs(&media),
        held_pdf: places.held_pdf.as_deref().map(project::url),
        held_docx: places.held_docx.as_deref().map(project::url),
        entry_hash: rendered.entry.as_ref().map(index::Entry::hash),
        entry: rendered.entry,
        date: loaded.letter.meta.date,
        held_back,
        // (`--force` draws every picture again.)
        picture_key: (work.old.as_ref().filter(|_| !force)).and_then(|o| o.picture_key),
    };
    Ok(Prepared {
        record,
        page: rendered.page.map(|page| (places.html, page)),
        docx: (places.docx_dest.clone()).zip(rendered.docx),
        job: rendered.pdf_data.map(|data| Job {
            data,
            date: loaded.letter.meta.date,
        }),
        pdf_dest: places.pdf_dest,
        media,
        thumb: places.thumb,
        fonts: globals.fonts,
        needs_pdf: redo.pdf,
    })
}

/// Where a letter's files go.
struct Places {
    /// The page, relative to `output/`.
    html: PathBuf,
    /// The PDF, relative to `output/`, had it been published.
    public_pdf: PathBuf,
    /// The PDF's place: in `output/`, or in the restricted folder outside it.
    pdf_dest: PathBuf,
    /// The held-back PDF, relative to the project.
    held_pdf: Option<PathBuf>,
    /// The index's picture of the first page, relative to `output/`.
    thumb: Option<PathBuf>,
    /// The DOCX, relative to `output/`, had it been published; when asked for.
    public_docx: Option<PathBuf>,
    /// The DOCX's place, as the PDF's: in `output/`, or in the restricted folder.
    docx_dest: Option<PathBuf>,
    /// The held-back DOCX, relative to the project.
    held_docx: Option<PathBuf>,
}

impl Places {
    fn of(site: &Site, source: &Path, held_back: Option<HoldBack>, docx: bool) -> Places {
        let public_pdf = project::output_path(source, "pdf");
        // Never under output/, not even for a moment: output/ may be copied to a web server at any time.
        let held = |public: &Path| held_back.map(|_| site.config.restricted().join(public));
        let dest = |public: &Path, held: &Option<PathBuf>| match held {
            Some(held) => site.root.join(held),
            None => site.root.join(OUTPUT).join(public),
        };
        let held_pdf = held(&public_pdf);
        let pdf_dest = dest(&public_pdf, &held_pdf);
        let public_docx = docx.then(|| project::output_path(source, "docx"));
        let held_docx = public_docx.as_deref().and_then(held);
        let docx_dest = public_docx.as_deref().map(|d| dest(d, &held_docx));
        let thumb = (held_back.is_none() && site.config.thumbnails())
            .then(|| project::output_path(source, "png"));
        Places {
            html: project::output_path(source, "html"),
            public_pdf,
            pdf_dest,
            held_pdf,
            thumb,
            public_docx,
            docx_dest,
            held_docx,
        }
    }

    /// What a letter puts in `output/`, in URL form: nothing when held back.
    fn outputs(&self, media: &[PathBuf]) -> Vec<String> {
        if self.held_pdf.is_some() {
            return Vec::new();
        }
        let mut outputs = vec![project::url(&self.public_pdf), project::url(&self.html)];
        outputs.extend(self.thumb.as_deref().map(project::url));
        outputs.extend(self.public_docx.as_deref().map(project::url));
        outputs.extend(
            media
                .iter()
                .map(|m| project::url(&Path::new("media").join(m))),
        );
        outputs
    }
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
    let mut record = p.record;
    let picture = match &p.thumb {
        Some(thumb) => {
            let png = out.join(thumb);
            let in_place = png.is_file();
            // (With no picture in place a new PDF's is drawn whatever its
            // key: the key is read as it is drawn, as it is for a picture
            // drawn anew whose key is not known.)
            let keyed_later = !in_place && (pdf.is_some() || record.picture_key.is_none());
            let first_page = match &pdf {
                Some(_) if keyed_later => Some(None),
                Some(new) => Some(picture_key(new, &record, &p.fonts)),
                None => None,
            };
            picture_to_draw(&mut record, first_page, in_place).then(|| Picture {
                source: source.to_path_buf(),
                pdf: dest.clone(),
                png,
                keyed_by: keyed_later.then(|| (p.fonts, record.deps.clone())),
            })
        }
        None => None,
    };
    if let Some(pdf) = pdf {
        output::create_dir_all(dest.parent().expect("a file has a folder")).map_err(fail)?;
        std::fs::rename(&pdf, &dest)
            .map_err(|e| fail(anyhow::anyhow!("cannot write {}: {e}", dest.display())))?;
    }
    if let Some((dest, docx)) = &p.docx {
        output::write_atomic(dest, docx).map_err(fail)?;
    }
    if let Some((path, page)) = &p.page {
        output::write_atomic(&out.join(path), page.as_bytes()).map_err(fail)?;
    }
    Ok(Built { record, picture })
}

/// What the picture of a new PDF would be drawn from: its first page's
/// content and images, the letter's files and the fonts. None when the PDF
/// does not read (drawing then says why).
fn picture_key(pdf: &Path, record: &Record, fonts: &Hash) -> Option<Hash> {
    let first_page = thumbnail::first_page_key(std::fs::read(pdf).ok()?)?;
    Some(key_of_picture(&first_page, &record.deps, fonts))
}

/// The picture key of a first page whose [`thumbnail::first_page_key`] is `first_page`.
fn key_of_picture(first_page: &[u8], deps: &Deps, fonts: &Hash) -> Hash {
    let mut h = Hasher::new("picture");
    h.part(first_page).part(fonts.as_bytes());
    for (file, hash) in deps {
        h.part(file.as_bytes()).file(hash);
    }
    h.finish()
}

/// Whether the picture must be drawn (again), given the new PDF's key (None
/// without a new PDF) and whether a picture is in place; records the key
/// it will then show. An edit past the first page leaves the picture as it
/// was: drawing is most of what a one-letter rebuild adds to typst.
fn picture_to_draw(record: &mut Record, first_page: Option<Option<Hash>>, in_place: bool) -> bool {
    match first_page {
        // From the PDF in place, when only the picture is missing.
        None => !in_place,
        Some(key) => {
            let same = in_place && key.is_some() && key == record.picture_key;
            record.picture_key = key;
            !same
        }
    }
}

/// A letter of another shard: only what the index needs. `None` when it
/// does not load (its own shard reports that) or is held back.
pub fn index_only(site: &Site, source: &Path) -> Option<Record> {
    let letter = Letter::from_file(&site.root, source, &site.config.defaults).ok()?;
    let held_back = HoldBack::of(&letter.meta);
    let body = pipeline::parse_body(&site.root, &letter).ok();
    let date = letter.meta.date;
    let entry = held_back.is_none().then(|| {
        let thumb = (site.config.thumbnails()).then(|| project::output_path(source, "png"));
        pipeline::index_entry(&letter, body.as_ref(), thumb.as_deref())
    });
    Some(Record::for_index(entry, date, held_back))
}
