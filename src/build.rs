//! `gongwen build`: load letters → parse frontmatter and Markdown → render
//! HTML and Typst data → compile PDFs → write `output/`. Letters go through
//! in parallel and independently: one that fails is reported and skipped.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveTime;
use rayon::prelude::*;
use tempfile::NamedTempFile;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::letter::fields;
use crate::letter::{Letter, RawMeta};
use crate::markdown::{images, Body, Source};
use crate::output;
use crate::project::{self, OUTPUT};
use crate::render::html::{body_html, AttachmentContext, LetterContext};
use crate::render::typst_data::LetterData;
use crate::templates::{self, Templates};
use crate::typst_cli::{CompileJob, Typst};

/// Everything every letter's build shares.
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub templates: Templates,
    pub typst: Typst,
    pub font_dirs: Vec<PathBuf>,
    /// `--input fonts=…`: the families present, so the layout skips absent official faces quietly.
    pub families: String,
}

/// What a build did.
#[derive(Debug, Default)]
pub struct Report {
    pub built: Vec<PathBuf>,
    pub failed: Vec<Diagnostics>,
}

/// A built letter, as the index lists it.
struct Entry {
    date: chrono::NaiveDate,
    context: serde_json::Value,
}

impl Site {
    pub fn open(root: &Path) -> Result<Site> {
        // Absolute, so paths inside it can be given to Typst relative to its --root.
        let root = &root
            .canonicalize()
            .with_context(|| format!("cannot open the project folder {}", root.display()))?;
        let config = Config::load(root)?;
        let templates = Templates::load(root)?;
        let typst = Typst::find_or_install()?;
        let font_dirs = project::font_dirs(root)?;
        let families = typst.families(&font_dirs)?.join(",");
        Ok(Site {
            root: root.to_path_buf(),
            config,
            templates,
            typst,
            font_dirs,
            families,
        })
    }

    pub fn build(&self) -> Result<Report> {
        let sources = project::find_letters(&self.root)?;
        let out = self.root.join(OUTPUT);
        output::create_dir_all(&out)?;
        // Typst reads only inside --root, so its scratch files live in the project.
        let work = tempfile::Builder::new()
            .prefix(".gongwen-work-")
            .tempdir_in(&out)
            .with_context(|| format!("cannot create a work folder in {}", out.display()))?;
        output::write_atomic(&work.path().join(templates::LAYOUT), &self.templates.layout)?;
        output::write_atomic(
            &work.path().join("main.typ"),
            b"#import \"gongwen.typ\": render\n#render(json(sys.inputs.data))\n",
        )?;

        let results: Vec<_> = sources
            .par_iter()
            .enumerate()
            .map(|(i, source)| self.build_letter(source, work.path(), i))
            .collect();

        let mut report = Report::default();
        let mut entries = Vec::new();
        for (source, result) in sources.iter().zip(results) {
            match result {
                Ok(entry) => {
                    report.built.push(source.clone());
                    entries.push(entry);
                }
                Err(d) => report.failed.push(d),
            }
        }
        self.write_index(entries)?;
        self.write_assets()?;
        Ok(report)
    }

    /// One letter through the whole pipeline; nothing lands in output/
    /// until its PDF and its page are both whole.
    fn build_letter(&self, source: &Path, work: &Path, n: usize) -> Result<Entry, Diagnostics> {
        let fail = against(source);
        let out = self.root.join(OUTPUT);

        let (letter, body, attachments) = load(&self.root, &self.config.defaults, source)?;

        let html_path = project::output_path(source, "html");
        let pdf_path = project::output_path(source, "pdf");
        let back = project::way_back(&html_path);
        let context =
            LetterContext::new(&letter, project::url(&html_path), project::url(&pdf_path));
        let page = self.render_page(&letter, &context, &body, &attachments, &back)?;
        let data = LetterData::new(&letter, &body, &attachments);

        let pdf_dest = out.join(&pdf_path);
        let pdf = self.compile(&letter, &data, work, n, &pdf_dest)?;

        let images = attachments
            .iter()
            .flatten()
            .chain([&body])
            .flat_map(|b| &b.images);
        for image in images {
            output::copy_if_changed(&self.root.join(image), &out.join("media").join(image))
                .map_err(fail)?;
        }
        output::persist(pdf, &pdf_dest).map_err(fail)?;
        output::write_atomic(&out.join(&html_path), page.as_bytes()).map_err(fail)?;

        let context = serde_json::to_value(&context).expect("context serialises");
        Ok(Entry {
            date: letter.meta.date,
            context,
        })
    }

    /// The PDF, in a temporary file beside `dest`.
    fn compile(
        &self,
        letter: &Letter,
        data: &LetterData,
        work: &Path,
        n: usize,
        dest: &Path,
    ) -> Result<NamedTempFile, Diagnostics> {
        let fail = against(&letter.source);
        let json = serde_json::to_vec(data).expect("letter data serialises");
        let data_file = work.join(format!("{n}.json"));
        output::write_atomic(&data_file, &json).map_err(fail)?;
        let pdf = output::temp_beside(dest).map_err(fail)?;
        let data_input = format!(
            "/{}",
            project::url(data_file.strip_prefix(&self.root).expect("work is in root"))
        );
        let job = CompileJob {
            root: &self.root,
            font_dirs: &self.font_dirs,
            main: &work.join("main.typ"),
            pdf: pdf.path(),
            timestamp: letter
                .meta
                .date
                .and_time(NaiveTime::MIN)
                .and_utc()
                .timestamp(),
            inputs: vec![
                ("data", OsString::from(data_input)),
                ("fonts", OsString::from(&self.families)),
            ],
        };
        self.typst.compile(&job).map_err(|message| {
            Diagnostic::new(&letter.source, format!("typst could not lay out the letter:\n{}", indent(&message)))
                .help("this is a bug in the layout (templates/gongwen.typ) or a damaged image; the letter's text cannot cause it")
        })?;
        Ok(pdf)
    }

    fn render_page(
        &self,
        letter: &Letter,
        context: &LetterContext,
        body: &Body,
        attachments: &[Option<Body>],
        back: &str,
    ) -> Result<String, Diagnostics> {
        let attachments: Vec<_> = letter
            .meta
            .attachments
            .iter()
            .zip(attachments)
            .map(|(a, b)| AttachmentContext {
                name: a.name(),
                html: b.as_ref().map(|b| body_html(b, back)),
            })
            .collect();
        let mut c = tera::Context::new();
        c.insert("site_title", &self.config.site_title);
        c.insert("root", back);
        c.insert("letter", context);
        c.insert("body", &body_html(body, back));
        c.insert("attachments", &attachments);
        let pdf_name = Path::new(&context.pdf)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        c.insert("pdf_href", &pdf_name);
        self.templates
            .render(templates::LETTER, &c)
            .map_err(|e| Diagnostic::new(&letter.source, e).into())
    }

    fn write_index(&self, mut entries: Vec<Entry>) -> Result<()> {
        // Entries come in path order and the sort is stable, so a day's letters stay in path order.
        entries.sort_by_key(|e| std::cmp::Reverse(e.date));
        let letters: Vec<_> = entries.into_iter().map(|e| e.context).collect();
        let mut c = tera::Context::new();
        c.insert("site_title", &self.config.site_title);
        c.insert("root", "");
        c.insert("letters", &letters);
        let html = self
            .templates
            .render(templates::INDEX, &c)
            .map_err(anyhow::Error::msg)?;
        output::write_atomic(&self.root.join(OUTPUT).join("index.html"), html.as_bytes())
    }

    /// The stylesheet and the web fonts it names, next to the pages.
    fn write_assets(&self) -> Result<()> {
        let assets = self.root.join(OUTPUT).join("assets");
        output::write_if_changed(&assets.join(templates::STYLE), &self.templates.style)?;
        for name in WEB_FONTS {
            if let Some(font) = self
                .font_dirs
                .iter()
                .map(|d| d.join(name))
                .find(|p| p.is_file())
            {
                output::copy_if_changed(&font, &assets.join("fonts").join(name))?;
            }
        }
        Ok(())
    }
}

/// The letter, its body and its attachments' bodies, or every problem found in them.
/// `gongwen check` runs this too, without building.
pub fn load(
    root: &Path,
    defaults: &RawMeta,
    source: &Path,
) -> Result<(Letter, Body, Vec<Option<Body>>), Diagnostics> {
    let letter = Letter::from_file(root, source, defaults)?;
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
            a.file()
                .map(|f| attachment_body(root, source, f))
                .transpose()
        })
        .collect();
    let (body, attachments) = all_or_problems(body, attachments)?;
    Ok((letter, body, attachments))
}

/// The Fandol faces `style.css` falls back to when a reader lacks 仿宋 and the like.
const WEB_FONTS: &[&str] = &[
    "FandolFang-Regular.otf",
    "FandolHei-Regular.otf",
    "FandolKai-Regular.otf",
    "FandolSong-Bold.otf",
];

/// A file-system error while building `source`, reported against that letter.
fn against(source: &Path) -> impl Fn(anyhow::Error) -> Diagnostics + Copy + '_ {
    move |e| Diagnostic::new(source, format!("{e:#}")).into()
}

/// An attachment's own Markdown file, relative to the letter.
fn attachment_body(root: &Path, letter: &Path, file: &str) -> Result<Body, Diagnostics> {
    let bad = |message: String| {
        Diagnostics::from(Diagnostic::new(letter, message).field(&fields::ATTACHMENTS).help(
            "give the attachment's Markdown file relative to the letter, e.g. `file: _attachments/table.md` \
             (a name starting with `_` keeps it from being built as a letter)",
        ))
    };
    let path = images::within_project(letter, file)
        .ok_or_else(|| bad(format!("file `{file}` is outside the project")))?;
    if !root.join(&path).is_file() {
        return Err(bad(format!(
            "file `{file}` not found (looked for {})",
            path.display()
        )));
    }
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

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
