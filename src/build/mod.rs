//! `gongwen build`: find the letters → decide which changed since the last
//! build (by content hash, `state.rs`) → load and parse them → render the
//! HTML page and the Typst data → compile the PDFs in chunks (`compile.rs`)
//! → write `output/` → index, assets, state. Letters are independent: one
//! that fails is reported and keeps its last good output.

mod compile;
mod fingerprint;
mod letter;
mod options;
mod state;
mod sweep;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

pub use letter::{load, HoldBack};
pub use options::{Options, Shard};

use crate::config::{self, Config};
use crate::diagnostic::Diagnostics;
use crate::index;
use crate::output;
use crate::project::{self, OUTPUT};
use crate::render::title_lines;
use crate::templates::{self, Templates};
use crate::typst_cli::{self, Typst};
use compile::Compiler;
use fingerprint::{Hash, Hasher};
use letter::Work;
use state::{Record, State};

/// Everything every letter's build shares.
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub templates: Templates,
    pub typst: Typst,
    pub font_dirs: Vec<PathBuf>,
}

/// What a build did.
#[derive(Debug, Default)]
pub struct Report {
    pub built: Vec<PathBuf>,
    pub up_to_date: usize,
    pub failed: Vec<Failure>,
    /// Letters kept off the HTML site (their PDFs are built), with the reason.
    pub held_back: Vec<(PathBuf, HoldBack)>,
    /// Files removed because the build no longer makes them (deleted letters…).
    pub removed: usize,
}

#[derive(Debug)]
pub struct Failure {
    pub problems: Diagnostics,
    /// Its last good PDF and page are still in `output/`, now out of date.
    pub stale: bool,
}

/// The inputs every letter shares, hashed: what a letter's PDF and page depend on besides itself.
struct Globals {
    pdf: Hash,
    html: Hash,
    fonts: Hash,
}

impl Site {
    pub fn open(root: &Path) -> Result<Site> {
        // Absolute, so paths inside it can be given to Typst relative to its --root.
        let root = &root
            .canonicalize()
            .with_context(|| format!("cannot open the project folder {}", root.display()))?;
        Ok(Site {
            root: root.to_path_buf(),
            config: Config::load(root)?,
            templates: Templates::load(root)?,
            typst: Typst::find_or_install()?,
            font_dirs: project::font_dirs(root)?,
        })
    }

    /// Builds with the default options: every core, only what changed.
    pub fn build(&self) -> Result<Report> {
        self.build_with(&Options::default())
    }

    pub fn build_with(&self, options: &Options) -> Result<Report> {
        let mut laps = Laps::new();
        let out = self.root.join(OUTPUT);
        output::create_dir_all(&out)?;
        let _lock = output::lock(&out)?;
        sweep::scratch(&out);
        let before = State::load(&out);
        let mut state = State {
            version: before.version,
            typst: before.typst.clone(),
            families: before.families.clone(),
            web_fonts: before.web_fonts.clone(),
            font_files: before.font_files.clone(),
            site: before.site.clone(),
            title_breaks: before.title_breaks.clone(),
            ..State::default()
        };
        laps.lap("load state");
        let globals = self.globals(&mut state)?;
        laps.lap("hash shared inputs");

        let found = project::find_letters(&self.root)?;
        let sources = found.letters;
        let (mine, others): (Vec<PathBuf>, Vec<PathBuf>) = sources
            .into_iter()
            .partition(|s| options.shard.is_none_or(|shard| shard.holds(s)));

        let planned: Vec<Result<Record, Box<Work>>> = mine
            .par_iter()
            .map(|source| self.plan(source, before.letters.get(&key(source)), &globals, options))
            .collect();
        laps.lap("find letters, decide what changed");
        let mut report = Report::default();
        let unreadable_folders = !found.problems.is_empty();
        for problems in found.problems {
            report.failed.push(Failure {
                problems,
                stale: false,
            });
        }
        let mut work = Vec::new();
        for (source, plan) in mine.iter().zip(planned) {
            match plan {
                Ok(record) => {
                    report.up_to_date += 1;
                    state.letters.insert(key(source), record);
                }
                Err(w) => work.push(*w),
            }
        }

        title_lines::remember(before.title_breaks.clone());
        let outcomes = self.run(&work, &globals, &mut state, options)?;
        state.title_breaks = title_lines::remembered();
        laps.lap("build letters");
        for (source, outcome) in outcomes {
            let old = before.letters.get(&key(&source));
            match outcome {
                Ok(record) => {
                    report.built.push(source.clone());
                    state.letters.insert(key(&source), record);
                }
                Err(problems) => {
                    // Its last good output stays, and stays listed, until it builds again.
                    let stale = old.is_some_and(|r| !r.outputs.is_empty());
                    if let Some(old) = old {
                        state.letters.insert(key(&source), old.clone());
                    }
                    report.failed.push(Failure { problems, stale });
                }
            }
        }
        for source in &others {
            if let Some(record) = self.other_shard(source, before.letters.get(&key(source))) {
                state.letters.insert(key(source), record);
            }
        }
        if unreadable_folders {
            // A folder that could not be read is not a deletion: its letters keep their outputs.
            for (path, record) in &before.letters {
                state
                    .letters
                    .entry(path.clone())
                    .or_insert_with(|| record.clone());
            }
        }
        for source in &mine {
            if let Some(reason) = state.letters.get(&key(source)).and_then(|r| r.held_back) {
                report.held_back.push((source.clone(), reason));
            }
        }

        report.removed = sweep::unmade(&out, &before, &state)?;
        laps.lap("remove unmade outputs");
        self.write_index(&mut state, &globals)?;
        laps.lap("index");
        self.write_assets(&mut state, &globals)?;
        laps.lap("assets");
        if state != before {
            state.save(&out)?;
        }
        laps.lap("save state");
        Ok(report)
    }

    /// The shared inputs' hashes. Asks typst for its version only when the
    /// binary changed since the last build.
    fn globals(&self, state: &mut State) -> Result<Globals> {
        let identity = fingerprint::bytes(self.typst.identity().as_bytes());
        let typst = State::cached(&mut state.typst, &identity, || self.typst.version())?;
        let fonts = fingerprint::fonts(&self.font_dirs, &mut state.font_files);
        let config = fingerprint::file(&self.root.join(config::FILE_NAME));
        let gongwen = gongwen_identity();
        let pdf = Hasher::new("pdf")
            .part(gongwen.as_bytes())
            .part(typst.as_bytes())
            .part(&self.templates.layout)
            .part(fonts.as_bytes())
            .part(config.as_bytes())
            .finish();
        let html = Hasher::new("html")
            .part(gongwen.as_bytes())
            .part(&self.templates.letter_source)
            .part(config.as_bytes())
            .finish();
        Ok(Globals { pdf, html, fonts })
    }

    /// Whether `source` is up to date: its text, the files it uses and the
    /// shared inputs hash as they did when it was last built, and its outputs
    /// are there. If so, its record; if not, the work to do.
    fn plan(
        &self,
        source: &Path,
        old: Option<&Record>,
        globals: &Globals,
        options: &Options,
    ) -> Result<Record, Box<Work>> {
        let contents = std::fs::read(self.root.join(source)).map(|b| {
            let hash = fingerprint::bytes(&b);
            (b, hash)
        });
        let fresh = old.filter(|r| {
            !options.force
                && contents.as_ref().is_ok_and(|(_, hash)| hash == &r.source)
                && r.deps
                    .iter()
                    .all(|(dep, h)| &fingerprint::file(&self.root.join(dep)) == h)
                && r.pdf_key == letter::pdf_key(globals, &r.source, &r.deps)
                && r.html_key
                    == r.held_back
                        .is_none()
                        .then(|| letter::html_key(globals, &r.source, &r.deps))
                && r.outputs
                    .iter()
                    .all(|o| self.root.join(OUTPUT).join(o).is_file())
        });
        match fresh {
            Some(record) => Ok(record.clone()),
            None => Err(Box::new(Work {
                source: source.to_path_buf(),
                contents: contents.map_err(|e| e.to_string()),
                old: old.cloned(),
            })),
        }
    }

    /// Builds the letters in `work`: chunks of them go through the pipeline
    /// side by side, `options.jobs` at a time.
    fn run(
        &self,
        work: &[Work],
        globals: &Globals,
        state: &mut State,
        options: &Options,
    ) -> Result<Vec<(PathBuf, Result<Record, Diagnostics>)>> {
        if work.is_empty() {
            return Ok(Vec::new());
        }
        let out = self.root.join(OUTPUT);
        // Typst reads only inside --root, so its scratch files live in the project.
        let scratch = tempfile::Builder::new()
            .prefix(".gongwen-work-")
            .tempdir_in(&out)
            .with_context(|| format!("cannot create a work folder in {}", out.display()))?;
        let families = State::cached(&mut state.families, &globals.fonts, || {
            Ok(self.typst.families(&self.font_dirs)?.join(","))
        })?;
        let version = state.typst.as_ref().map_or("", |c| c.value.as_str());
        let compiler = Compiler {
            typst: &self.typst,
            root: &self.root,
            font_dirs: &self.font_dirs,
            families,
            work: scratch.path(),
            bundle: typst_cli::has_bundle(version),
        };
        compiler.prepare(&self.templates.layout)?;

        let jobs = options.jobs();
        let size = compile::chunk_size(work.len(), jobs);
        let progress = progress_bar(work.len() as u64, options.progress);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .context("cannot start the build's threads")?;
        let outcomes = pool.install(|| {
            work.par_chunks(size)
                .enumerate()
                .flat_map_iter(|(n, chunk)| {
                    let done =
                        letter::build_chunk(self, globals, &compiler, n, chunk, options.force);
                    progress.inc(chunk.len() as u64);
                    chunk.iter().map(|w| w.source.clone()).zip(done)
                })
                .collect()
        });
        progress.finish_and_clear();
        if options.keep_work {
            eprintln!("kept the Typst sources in {}", scratch.keep().display());
        }
        Ok(outcomes)
    }

    /// A letter another shard builds: its index entry only, so every shard
    /// writes the same index.
    fn other_shard(&self, source: &Path, old: Option<&Record>) -> Option<Record> {
        let hash = std::fs::read(self.root.join(source)).map(|b| fingerprint::bytes(&b));
        match old {
            Some(old) if hash.is_ok_and(|h| h == old.source) => Some(old.clone()),
            _ => letter::index_only(self, source),
        }
    }

    /// The listing pages, unless their inputs are as they were when last made.
    fn write_index(&self, state: &mut State, globals: &Globals) -> Result<()> {
        let mut key = Hasher::new("site");
        key.part(globals.html.as_bytes())
            .part(&self.templates.index_source)
            .part(&self.templates.search);
        for (path, r) in &state.letters {
            if let Some(entry) = &r.entry {
                key.part(path.as_bytes());
                match &r.html_key {
                    // The entry follows from what the page's key covers.
                    Some(k) if !r.source.is_empty() => key.part(k.as_bytes()),
                    _ => key.part(entry.to_string().as_bytes()),
                };
            }
        }
        let key = key.finish();
        let out = self.root.join(OUTPUT);
        if state.site.as_ref() == Some(&key) && out.join("index.html").is_file() {
            return Ok(());
        }
        self.write_listings(state)?;
        state.site = Some(key);
        Ok(())
    }

    fn write_listings(&self, state: &State) -> Result<()> {
        let mut entries: Vec<&Record> = state
            .letters
            .values()
            .filter(|r| r.entry.is_some())
            .collect();
        // The records come in path order and the sort is stable, so a day's letters stay in path order.
        entries.sort_by_key(|r| std::cmp::Reverse(r.date));
        let letters: Vec<_> = entries
            .into_iter()
            .filter_map(|r| r.entry.as_ref())
            .collect();
        index::write(
            &self.root.join(OUTPUT),
            &self.templates,
            self.config.site_title.as_deref(),
            &letters,
        )
    }

    /// The stylesheet and the web fonts it names, next to the pages. The
    /// fonts (tens of MB) are copied only when they changed.
    fn write_assets(&self, state: &mut State, globals: &Globals) -> Result<()> {
        let assets = self.root.join(OUTPUT).join("assets");
        output::write_if_changed(&assets.join(templates::STYLE), &self.templates.style)?;
        let fonts: Vec<(PathBuf, PathBuf)> = WEB_FONTS
            .iter()
            .filter_map(|name| {
                let from = self
                    .font_dirs
                    .iter()
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())?;
                Some((from, assets.join("fonts").join(name)))
            })
            .collect();
        let current = state.web_fonts.as_ref() == Some(&globals.fonts)
            && fonts.iter().all(|(_, to)| to.is_file());
        if !current {
            for (from, to) in &fonts {
                output::copy_if_changed(from, to)?;
            }
            state.web_fonts = Some(globals.fonts.clone());
        }
        Ok(())
    }
}

/// The Fandol faces `style.css` falls back to when a reader lacks 仿宋 and the like.
const WEB_FONTS: &[&str] = &[
    "FandolFang-Regular.otf",
    "FandolHei-Regular.otf",
    "FandolKai-Regular.otf",
    "FandolSong-Bold.otf",
];

/// A letter's key in the state: its path relative to the project, in URL form.
fn key(source: &Path) -> String {
    project::url(source)
}

/// This gongwen binary: a new version may lay out or render differently, so
/// it rebuilds everything. Hashed once per process.
fn gongwen_identity() -> String {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let exe = std::env::current_exe().ok();
        let meta = exe.as_ref().and_then(|e| std::fs::metadata(e).ok());
        format!(
            "{}|{:?}|{:?}",
            env!("CARGO_PKG_VERSION"),
            meta.as_ref().map(|m| m.len()),
            meta.and_then(|m| m.modified().ok())
        )
    })
    .clone()
}

fn progress_bar(len: u64, wanted: bool) -> ProgressBar {
    let target = if wanted {
        // Hidden by indicatif itself when stderr is not a terminal.
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(len), target);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} letters, {eta} left")
            .expect("a valid template"),
    );
    bar
}

/// `GONGWEN_TIMINGS=1`: how long each stage of a build took, on stderr.
struct Laps(Option<std::time::Instant>);

impl Laps {
    fn new() -> Laps {
        Laps(std::env::var_os("GONGWEN_TIMINGS").map(|_| std::time::Instant::now()))
    }

    fn lap(&mut self, stage: &str) {
        if let Some(start) = &mut self.0 {
            eprintln!(
                "timing: {stage}: {:.1} ms",
                start.elapsed().as_secs_f64() * 1000.0
            );
            *start = std::time::Instant::now();
        }
    }
}
