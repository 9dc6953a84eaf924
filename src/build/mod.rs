//! `gongwen build`, as a list of stages ([`Site::build_with`]): lock
//! `output/` → load the state → hash the shared inputs → plan (which
//! letters changed: `cache`) → build the letters (`letter.rs`: each through
//! `pipeline.rs`, load → parse → render, its PDF compiled with its chunk by
//! `compile.rs`) → record them → sweep what no letter makes → index →
//! assets → save the state. Letters are independent: one that fails is
//! reported and keeps its last good output. For a few letters the index is
//! made while typst lays them out, on the guess that they build, and its
//! files are written in the index's turn only if they did.

mod assets;
mod cache;
mod compile;
mod letter;
mod options;
mod pictures;
mod pipeline;
mod progress;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use anyhow::{Context, Result};
use rayon::prelude::*;

pub(crate) use cache::fingerprint;
/// Most letters one typst run lays out (the tests build past it).
pub use compile::MAX_CHUNK;
use options::cores;
pub use options::{Options, Shard};
pub use pipeline::{load, HoldBack};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::glyphs::{self, FontBook};
use crate::index;
use crate::output;
use crate::project::{self, OUTPUT};
use crate::render::title_lines;
use crate::templates::Templates;
use crate::thumbnail::Faces;
use crate::typst_cli::{self, Started, Typst};
use cache::state::Cached;
use cache::{key, sweep, Entries, Globals, Hash, Hasher, Record, State, Work};
use compile::Compiler;
use pictures::Pictures;
use progress::{progress_bar, Laps};

/// Everything every letter's build shares.
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub templates: Templates,
    pub typst: Typst,
    pub font_dirs: Vec<PathBuf>,
    /// The fonts' maps and advances, read when a letter is first laid out
    /// or a picture first drawn (on the drawing thread: shared).
    fonts: Arc<OnceLock<FontBook>>,
}

/// What a build did.
#[derive(Debug, Default)]
pub struct Report {
    pub built: Vec<PathBuf>,
    /// Those of them whose PDF this build laid out (new or changed letters,
    /// and all of them with `--force`), not those whose page alone was
    /// made again: the glyph warnings are about what their PDFs print.
    pub laid_out: Vec<PathBuf>,
    pub up_to_date: usize,
    pub failed: Vec<Failure>,
    /// Letters kept off the HTML site (their PDFs are built), with the reason.
    pub held_back: Vec<(PathBuf, HoldBack)>,
    /// Files removed because the build no longer makes them (deleted letters…).
    pub removed: usize,
    /// Where the held-back letters' PDFs are, relative to the project.
    pub restricted: PathBuf,
    /// The characters of the letters laid out that their faces lack.
    pub glyphs: Vec<Diagnostic>,
}

#[derive(Debug)]
pub struct Failure {
    pub problems: Diagnostics,
    /// Its last good PDF and page are still in `output/`, now out of date.
    pub stale: bool,
}

/// At most this many letters to build, for their index to be made while
/// typst lays them out: an edit's rebuild then waits for typst alone.
const EARLY_INDEX: usize = 8;

/// The index made while the letters built, on the guess that they all do.
struct EarlyIndex {
    /// The index's part of the state, as making it left it.
    state: State,
    /// [`cache::listed_key`] of the letters it was made from.
    guessed: Hash,
    /// Its files, held, or why it could not be made.
    writes: Result<output::Writes>,
}

/// What a build does beside its typst runs.
struct Beside<'a> {
    /// Draws the index's pictures from the PDFs typst made.
    pictures: &'a Pictures,
    /// Opened when the first typst has started; the work done while typst
    /// lays the letters out waits for it.
    started: &'a Started,
}

/// What of the state the typst runs read and keep.
struct TypstState<'s> {
    typst: &'s Option<Cached>,
    /// The fonts' families, as `typst fonts` lists them.
    families: &'s mut Option<Cached>,
}

/// The letters found, split into those up to date (recorded already) and
/// those to build.
struct Plan {
    mine: Vec<PathBuf>,
    /// Letters another shard builds.
    others: Vec<PathBuf>,
    work: Vec<Work>,
    /// A folder of `letters/` could not be read.
    unreadable_folders: bool,
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
            fonts: Arc::default(),
        })
    }

    /// The fonts' character maps and advances (read once, from the user's
    /// cache as far as it goes: a few milliseconds).
    pub fn fonts(&self) -> &FontBook {
        self.fonts.get_or_init(|| FontBook::load(&self.font_dirs))
    }

    /// The faces the pictures know glyphs of by their characters, read on the
    /// drawing thread when the first picture is drawn.
    fn picture_faces(&self) -> impl FnOnce() -> Faces + Send + 'static {
        let (fonts, dirs) = (self.fonts.clone(), self.font_dirs.clone());
        move || fonts.get_or_init(|| FontBook::load(&dirs)).picture_faces()
    }

    /// Builds with the default options: every core, only what changed.
    pub fn build(&self) -> Result<Report> {
        self.build_with(&Options::default())
    }

    pub fn build_with(&self, options: &Options) -> Result<Report> {
        let mut laps = Laps::new();
        let mut report = Report::default();
        let out = self.root.join(OUTPUT);
        output::create_dir_all(&out)?;
        let _lock = output::lock(&out)?;
        let present = self.sweep_scratch(&out)?;
        laps.lap("lock, sweep scratch files");
        let before = State::load(&self.root);
        let mut state = cache::carry_over(&before);
        laps.lap("load state");
        let globals = cache::globals(self, &mut state)?;
        laps.lap("hash shared inputs");
        let plan = self.plan(
            &before,
            &mut state,
            &globals,
            options,
            &present,
            &mut report,
        )?;
        laps.lap("find letters, decide what changed");
        self.templates.check()?;
        // What is done beside typst starts once the first typst runs.
        let started = Arc::new(Started::default());
        // A letter to build will change the index, which then needs the last
        // build's entries (megabytes): they are read while the letters build.
        let mut old_entries = (!plan.work.is_empty()).then(|| {
            let out = out.clone();
            beside_typst(&started, move || cache::state::load_entries(&out))
        });
        let pool = Arc::new(thread_pool(options)?);
        let pictures = Pictures::start(pool.clone(), self.picture_faces());
        title_lines::remember(before.title_breaks.clone());
        let (outcomes, early) = std::thread::scope(|s| -> Result<_> {
            // A few letters' index is made while typst lays them out, on the
            // guess that they build; it is written only if they did.
            let early = self.guess_index(&plan, &mut state).map(|guess| {
                let (old, globals, started) = (old_entries.take(), &globals, &started);
                let (letters, work) = (&state.letters, &plan.work);
                s.spawn(move || {
                    started.wait();
                    match self.guessed_letters(letters, work) {
                        Some(letters) => {
                            Ok(self.early_index(State { letters, ..guess }, globals, old))
                        }
                        // A letter that does not read makes no guess: what the
                        // guess took goes back (the page counts, the entries).
                        None => Err((guess.page_counts, old)),
                    }
                })
            });
            let outcomes = {
                // (No typst started, nothing waits for one.)
                let _open = started.open_when_dropped();
                let beside = Beside {
                    pictures: &pictures,
                    started: &started,
                };
                let typst_state = TypstState {
                    typst: &state.typst,
                    families: &mut state.families,
                };
                self.run(&pool, &plan.work, &globals, typst_state, options, &beside)?
            };
            Ok((
                outcomes,
                early.map(|e| e.join().expect("the index does not panic")),
            ))
        })?;
        let early = match early {
            Some(Ok(early)) => Some(early),
            Some(Err((page_counts, old))) => {
                (state.page_counts, old_entries) = (page_counts, old);
                None
            }
            None => None,
        };
        state.title_breaks = title_lines::remembered();
        laps.lap("build letters");
        cache::record(outcomes, &before, &mut state, &mut report, options.force);
        self.keep_unbuilt(&plan, &before, &mut state, &mut report);
        report.removed = sweep::unmade(&self.root, &before, &state)?;
        report.restricted = self.config.restricted();
        laps.lap("remove unmade outputs");
        match early {
            Some(early) if early.guessed == cache::listed_key(&state.letters) => {
                early.writes?.finish()?;
                let made = early.state;
                (state.site, state.site_chars) = (made.site, made.site_chars);
                (state.page_counts, state.index) = (made.page_counts, made.index);
                laps.lap("index (made while the letters built)");
            }
            early => {
                // A letter did not build as guessed: nothing of the guess was
                // written, and its page counts (taken from the state) are
                // counted again.
                let writes = output::Writes::now();
                self.write_index(&mut state, &globals, old_entries, &writes)?;
                laps.lap(if early.is_some() {
                    "index (guessed wrong)"
                } else {
                    "index"
                });
            }
        }
        self.write_assets(&mut state, &globals)?;
        laps.lap("assets");
        let drawn = pictures.finish();
        report.failed.extend(drawn.undrawn);
        for (source, key) in drawn.keys {
            if let Some(record) = state.letters.get_mut(&cache::key(&source)) {
                record.picture_key = Some(key);
            }
        }
        laps.lap("wait for the pictures");
        state.save(&self.root)?;
        laps.lap("save state");
        if !report.laid_out.is_empty() {
            report.glyphs = glyphs::warnings_for_built(&self.root, self.fonts(), &report.laid_out);
            laps.lap("glyph warnings");
        }
        Ok(report)
    }

    /// Removes what killed builds left behind; returns the files now in `output/`.
    fn sweep_scratch(&self, out: &Path) -> Result<HashSet<String>> {
        let present = sweep::scan(out);
        sweep::work_dirs(&self.root);
        if let Some(moved) = sweep::old_restricted(&self.root, &self.config.restricted())? {
            eprintln!("{moved}");
        }
        Ok(present)
    }

    /// Finds the letters and decides which to build; those up to date are
    /// recorded in `state` as they are.
    fn plan(
        &self,
        before: &State,
        state: &mut State,
        globals: &Globals,
        options: &Options,
        present: &HashSet<String>,
        report: &mut Report,
    ) -> Result<Plan> {
        let found = project::find_letters(&self.root)?;
        let (mine, others): (Vec<PathBuf>, Vec<PathBuf>) = (found.letters.into_iter())
            .partition(|s| options.shard.is_none_or(|shard| shard.holds(s)));
        let planned: Vec<Result<Record, Box<Work>>> = mine
            .par_iter()
            .map(|source| {
                let old = before.letters.get(&key(source));
                cache::plan(&self.root, source, old, globals, options, present)
            })
            .collect();
        let unreadable_folders = !found.problems.is_empty();
        (report.failed).extend(found.problems.into_iter().map(|problems| Failure {
            problems,
            stale: false,
        }));
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
        Ok(Plan {
            mine,
            others,
            work,
            unreadable_folders,
        })
    }

    /// Records the letters this build did not make: another shard's, and
    /// those of folders that could not be read (not a deletion: they keep
    /// their outputs). Lists the held-back letters in the report.
    fn keep_unbuilt(&self, plan: &Plan, before: &State, state: &mut State, report: &mut Report) {
        for source in &plan.others {
            let old = before.letters.get(&key(source));
            let record = cache::unchanged(&self.root, source, old)
                .or_else(|| letter::index_only(self, source));
            if let Some(record) = record {
                state.letters.insert(key(source), record);
            }
        }
        if plan.unreadable_folders {
            for (path, record) in &before.letters {
                (state.letters)
                    .entry(path.clone())
                    .or_insert_with(|| record.clone());
            }
        }
        for source in &plan.mine {
            if let Some(reason) = state.letters.get(&key(source)).and_then(|r| r.held_back) {
                report.held_back.push((source.clone(), reason));
            }
        }
    }

    /// Builds the letters in `work`: chunks of them go through the pipeline
    /// side by side, `options.jobs` at a time.
    fn run(
        &self,
        pool: &rayon::ThreadPool,
        work: &[Work],
        globals: &Globals,
        typst_state: TypstState,
        options: &Options,
        beside: &Beside,
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
        let size = compile::chunk_size(work.len(), options.jobs());
        let threads = compile::typst_threads(work.len().div_ceil(size), options.jobs(), cores());
        let compiler = self.compiler(
            typst_state,
            globals,
            scratch.path(),
            beside.started,
            threads,
        )?;
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
                        beside.pictures.draw(built.picture);
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

    /// The typst runs of this build, with the fonts' families (cached by the fonts' hash).
    fn compiler<'a>(
        &'a self,
        state: TypstState,
        globals: &Globals,
        work: &'a Path,
        started: &'a Started,
        threads: Option<usize>,
    ) -> Result<Compiler<'a>> {
        let families = State::cached(state.families, &globals.fonts, || {
            Ok(self.typst.families(&self.font_dirs)?.join(","))
        })?;
        let version = state.typst.as_ref().map_or("", |c| c.value.as_str());
        let bundle = typst_cli::has_bundle(version);
        let compiler = Compiler {
            typst: &self.typst,
            root: &self.root,
            font_dirs: &self.font_dirs,
            families,
            work,
            bundle,
            letter_budget: compile::letter_budget(),
            started,
            // (A typst older than bundle export may not take --jobs.)
            threads: threads.filter(|_| bundle),
        };
        compiler.prepare(&self.templates.layout)?;
        Ok(compiler)
    }

    /// The index's part of the state, for an index made while the letters
    /// build (its letters come from [`Site::guessed_letters`]); None for
    /// more than a few letters (each is read once more for it), or when some
    /// are left to another shard or to a folder that does not read.
    fn guess_index(&self, plan: &Plan, state: &mut State) -> Option<State> {
        let few = (1..=EARLY_INDEX).contains(&plan.work.len());
        if !few || !plan.others.is_empty() || plan.unreadable_folders {
            return None;
        }
        Some(State {
            site: state.site,
            // (Kept as they are when the listing is: a letter rebuilt for an image.)
            site_chars: state.site_chars.clone(),
            index: state.index.clone(),
            // Moved, not copied (a count per page): a wrong guess counts again.
            page_counts: state.page_counts.take(),
            ..State::default()
        })
    }

    /// The letters as they will be if those in `work` build, as the index
    /// reads them; None when one of them cannot be read for its entry.
    fn guessed_letters(
        &self,
        letters: &BTreeMap<String, Record>,
        work: &[Work],
    ) -> Option<BTreeMap<String, Record>> {
        let mut letters: BTreeMap<String, Record> = (letters.iter())
            .map(|(path, r)| (path.clone(), r.listed()))
            .collect();
        for w in work {
            letters.insert(key(&w.source), letter::index_only(self, &w.source)?);
        }
        Some(letters)
    }

    /// The index of `guess`, its files held.
    fn early_index(
        &self,
        mut guess: State,
        globals: &Globals,
        old_entries: Option<std::thread::JoinHandle<Entries>>,
    ) -> EarlyIndex {
        let writes = output::Writes::held();
        let made = self.write_index(&mut guess, globals, old_entries, &writes);
        EarlyIndex {
            guessed: cache::listed_key(&guess.letters),
            state: guess,
            writes: made.map(|()| writes),
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
        writes: &output::Writes,
    ) -> Result<()> {
        let mut inputs = Hasher::new("site");
        inputs
            .part(globals.html.as_bytes())
            .part(&self.templates.index_source)
            .part(&self.templates.search);
        let out = self.root.join(OUTPUT);
        let site_key = cache::site_key(&inputs, &state.letters);
        if state.site == Some(site_key) && out.join("index.html").is_file() {
            return Ok(());
        }
        let old = match old_entries {
            Some(loading) => loading.join().unwrap_or_default(),
            None => cache::state::load_entries(&out),
        };
        let reload = |path: &Path| letter::index_only(self, path).and_then(|r| r.entry);
        let merged = cache::entries(&mut state.letters, old, reload);
        state.site_chars = self.characters(state, &merged);
        let entries = &merged.entries;
        let mut listed: Vec<(chrono::NaiveDate, &index::Entry)> = entries
            .iter()
            .map(|(path, e)| (state.letters[path].date, e))
            .collect();
        // The entries come in path order and the sort is stable, so a day's letters stay in path order.
        listed.sort_by_key(|(date, _)| std::cmp::Reverse(*date));
        let letters: Vec<&index::Entry> = listed.into_iter().map(|(_, e)| e).collect();
        let title = self.config.site_title.as_deref();
        let (written, saved) = rayon::join(
            || {
                let site = index::Site {
                    templates: &self.templates,
                    title,
                    page_size: self.config.page_size(),
                };
                index::write(&out, &site, &inputs, &letters, &mut state.index, writes)
            },
            || cache::state::save_entries(&out, entries, &merged.shards, writes),
        );
        written.and(saved)?;
        state.site = Some(cache::site_key(&inputs, &state.letters));
        Ok(())
    }
}

/// Work done while typst lays the letters out, once it runs (see [`Started`]).
fn beside_typst<T: Send + 'static>(
    started: &Arc<Started>,
    work: impl FnOnce() -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    let started = started.clone();
    std::thread::spawn(move || {
        started.wait();
        work()
    })
}

fn thread_pool(options: &Options) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs())
        .build()
        .context("cannot start the build's threads")
}
