//! `gongwen build`: find the letters → decide which changed since the last
//! build (by content hash, `state.rs`) → load and parse them → render the
//! HTML page and the Typst data → compile the PDFs in chunks (`compile.rs`)
//! → write `output/` → index, assets, state. Letters are independent: one
//! that fails is reported and keeps its last good output.

mod compile;
pub(crate) mod fingerprint;
mod letter;
mod options;
mod state;
mod sweep;

use std::collections::{BTreeMap, BTreeSet, HashSet};
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
use state::{Entries, Record, State};

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
    /// Where the held-back letters' PDFs are, relative to the project.
    pub restricted: PathBuf,
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
        let present = sweep::scan(&out);
        sweep::work_dirs(&self.root);
        let restricted = self.config.restricted();
        if let Some(moved) = sweep::old_restricted(&self.root, &restricted)? {
            eprintln!("{moved}");
        }
        laps.lap("lock, sweep scratch files");
        let before = State::load(&self.root);
        let mut state = State {
            version: before.version,
            typst: before.typst.clone(),
            families: before.families.clone(),
            web_fonts: before.web_fonts.clone(),
            font_files: before.font_files.clone(),
            site: before.site.clone(),
            index: before.index.clone(),
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
            .map(|source| {
                let old = before.letters.get(&key(source));
                self.plan(source, old, &globals, options, &present)
            })
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

        // A letter to build will change the index, which then needs the last
        // build's entries (megabytes): they are read while the letters build.
        let old_entries = (!work.is_empty()).then(|| {
            let out = out.clone();
            std::thread::spawn(move || state::load_entries(&out))
        });
        title_lines::remember(before.title_breaks.clone());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(options.jobs())
            .build()
            .context("cannot start the build's threads")?;
        // The pictures are drawn as their PDFs land, and the last of them
        // while the index is written: drawing comes after all else one
        // letter's rebuild waits for.
        std::thread::scope(|scope| {
            let (pictures, to_draw) = std::sync::mpsc::channel::<letter::Picture>();
            let drawing = scope.spawn(|| {
                let undrawn = std::sync::Mutex::new(Vec::new());
                // Waiting for the next picture happens here, never on the
                // pool's threads, which the chunks need.
                pool.in_place_scope(|s| {
                    for picture in to_draw {
                        let undrawn = &undrawn;
                        s.spawn(move |_| {
                            if let Err(problems) = picture.draw() {
                                undrawn.lock().expect("not poisoned").push(problems);
                            }
                        });
                    }
                });
                undrawn.into_inner().expect("not poisoned")
            });
            let outcomes = self.run(&pool, &work, &globals, &mut state, options, pictures)?;
            state.title_breaks = title_lines::remembered();
            laps.lap("build letters");
            self.record(outcomes, &before, &mut state, &mut report);
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

            report.removed = sweep::unmade(&self.root, &before, &state)?;
            report.restricted = restricted;
            laps.lap("remove unmade outputs");
            self.write_index(&mut state, &globals, old_entries)?;
            laps.lap("index");
            self.write_assets(&mut state, &globals)?;
            laps.lap("assets");
            let undrawn = drawing.join().expect("drawing does not panic");
            laps.lap("wait for the pictures");
            report
                .failed
                .extend(undrawn.into_iter().map(|problems| Failure {
                    problems,
                    stale: false,
                }));
            state.save(&self.root)?;
            laps.lap("save state");
            Ok(report)
        })
    }

    /// Puts what the build made of each letter into the state and the report.
    fn record(
        &self,
        outcomes: Vec<(PathBuf, Result<Record, Diagnostics>)>,
        before: &State,
        state: &mut State,
        report: &mut Report,
    ) {
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
        present: &HashSet<String>,
    ) -> Result<Record, Box<Work>> {
        let contents = crate::regular::read(&self.root.join(source)).map(|b| {
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
                && r.outputs.iter().all(|o| present.contains(o))
                && r.held_pdf
                    .as_ref()
                    .is_none_or(|p| self.root.join(p).is_file())
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
        pool: &rayon::ThreadPool,
        work: &[Work],
        globals: &Globals,
        state: &mut State,
        options: &Options,
        pictures: std::sync::mpsc::Sender<letter::Picture>,
    ) -> Result<Vec<(PathBuf, Result<Record, Diagnostics>)>> {
        if work.is_empty() {
            return Ok(Vec::new());
        }
        // Typst reads only inside --root, so its scratch files live in the
        // project: beside output/, not in it, as they hold held-back PDFs,
        // and on its file system, so that putting a PDF in place is a rename.
        let scratch = tempfile::Builder::new()
            .prefix(sweep::WORK_PREFIX)
            .tempdir_in(&self.root)
            .with_context(|| format!("cannot create a work folder in {}", self.root.display()))?;
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
            letter_budget: compile::letter_budget(),
        };
        compiler.prepare(&self.templates.layout)?;

        let size = compile::chunk_size(work.len(), options.jobs());
        let progress = progress_bar(work.len() as u64, options.progress);
        let outcomes = pool.install(|| {
            work.par_chunks(size)
                .enumerate()
                .flat_map_iter(|(n, chunk)| {
                    let done =
                        letter::build_chunk(self, globals, &compiler, n, chunk, options.force);
                    progress.inc(chunk.len() as u64);
                    let done = done.into_iter().map(|built| {
                        let built = built?;
                        if let Some(picture) = built.picture {
                            // The drawing thread lives as long as the build.
                            let _ = pictures.send(picture);
                        }
                        Ok(built.record)
                    });
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
        let hash = crate::regular::read(&self.root.join(source)).map(|b| fingerprint::bytes(&b));
        match old {
            Some(old) if hash.is_ok_and(|h| h == old.source) => Some(old.clone()),
            _ => letter::index_only(self, source),
        }
    }

    /// The listing pages and the search index, where their inputs changed.
    /// The entries of the letters not built this time come from the last
    /// build's entries file, waited for only when something changed.
    fn write_index(
        &self,
        state: &mut State,
        globals: &Globals,
        old_entries: Option<std::thread::JoinHandle<Entries>>,
    ) -> Result<()> {
        let mut inputs = Hasher::new("site");
        inputs
            .part(globals.html.as_bytes())
            .part(&self.templates.index_source)
            .part(&self.templates.search);
        let site_key = |letters: &BTreeMap<String, Record>| {
            let mut key = inputs.clone();
            for (path, r) in letters {
                if let Some(hash) = &r.entry_hash {
                    key.part(path.as_bytes()).part(hash.as_bytes());
                }
            }
            key.finish()
        };
        let out = self.root.join(OUTPUT);
        if state.site == Some(site_key(&state.letters)) && out.join("index.html").is_file() {
            return Ok(());
        }
        let old = match old_entries {
            Some(loading) => loading.join().unwrap_or_default(),
            None => state::load_entries(&out),
        };
        let (entries, changed) = self.entries(&mut state.letters, old);
        let mut listed: Vec<(chrono::NaiveDate, &index::Entry)> = entries
            .iter()
            .map(|(path, e)| (state.letters[path].date, e))
            .collect();
        // The entries come in path order and the sort is stable, so a day's letters stay in path order.
        listed.sort_by_key(|(date, _)| std::cmp::Reverse(*date));
        let letters: Vec<&index::Entry> = listed.into_iter().map(|(_, e)| e).collect();
        let (written, saved) = rayon::join(
            || {
                index::write(
                    &out,
                    &self.templates,
                    self.config.site_title.as_deref(),
                    self.config.page_size(),
                    &inputs,
                    &letters,
                    &mut state.index,
                )
            },
            || state::save_entries(&out, &entries, &changed),
        );
        written.and(saved)?;
        state.site = Some(site_key(&state.letters));
        Ok(())
    }

    /// Every published letter's index entry: the one this build made, else
    /// the last build's (`old`), else, when that is lost, one read again from
    /// the letter. With the entries files that must be written again.
    fn entries(
        &self,
        letters: &mut BTreeMap<String, Record>,
        mut old: Entries,
    ) -> (Entries, BTreeSet<usize>) {
        let mut entries = Entries::new();
        // The entries files to write again.
        let mut changed = BTreeSet::new();
        for (path, r) in letters.iter_mut() {
            let previous = old.remove(path);
            let entry = match (r.entry_hash.is_some(), r.entry.take()) {
                (false, _) => {
                    if previous.is_some() {
                        changed.insert(state::shard(path));
                    }
                    None
                }
                (true, Some(fresh)) => {
                    if previous.as_ref() != Some(&fresh) {
                        changed.insert(state::shard(path));
                    }
                    Some(fresh)
                }
                (true, None) => match previous {
                    Some(e) if Some(e.hash()) == r.entry_hash => Some(e),
                    // The entries file is gone or damaged: read the letter again.
                    _ => {
                        changed.insert(state::shard(path));
                        let entry = letter::index_only(self, Path::new(path)).and_then(|n| n.entry);
                        r.entry_hash = entry.as_ref().map(index::Entry::hash);
                        entry
                    }
                },
            };
            entries.extend(entry.map(|e| (path.clone(), e)));
        }
        changed.extend(old.keys().map(|gone| state::shard(gone)));
        (entries, changed)
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
