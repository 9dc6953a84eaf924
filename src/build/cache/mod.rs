//! What to redo. The cache owns every key a build compares (typed
//! [`Hash`]es of the shared inputs, of each letter and the files it uses),
//! the state file that keeps them (`state.rs`), the index entries' shards
//! and the sweep of outputs no letter makes any more (`sweep.rs`). The
//! per-letter pipeline (`pipeline.rs`) never sees a hash: it is told what
//! to make.

pub(crate) mod fingerprint;
pub mod state;
pub mod sweep;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{Options, Report, Site};
use crate::config;
use crate::diagnostic::Diagnostics;
use crate::index;
pub use fingerprint::{Hash, Hasher, Stamp};
pub use state::{Entries, Record, State};

/// The inputs every letter shares, hashed: what a letter's PDF and page depend on besides itself.
pub struct Globals {
    pub pdf: Hash,
    pub html: Hash,
    pub docx: Hash,
    pub fonts: Hash,
}

/// The shared inputs' hashes. Asks typst for its version only when the
/// binary changed since the last build.
pub fn globals(site: &Site, state: &mut State) -> Result<Globals> {
    let identity = fingerprint::bytes(site.typst.identity().as_bytes());
    let typst = State::cached(&mut state.typst, &identity, || site.typst.version())?;
    let fonts = fingerprint::fonts(&site.font_dirs, &mut state.font_files);
    let config = fingerprint::file(&site.root.join(config::FILE_NAME));
    let gongwen = gongwen_identity();
    let pdf = Hasher::new("pdf")
        .part(gongwen.as_bytes())
        .part(typst.as_bytes())
        .part(&site.templates.layout)
        .part(fonts.as_bytes())
        .file(&config)
        .finish();
    let html = Hasher::new("html")
        .part(gongwen.as_bytes())
        .part(&site.templates.letter_source)
        .file(&config)
        .finish();
    // The DOCX is made by gongwen alone, from the letter and the project's settings.
    let docx = Hasher::new("docx")
        .part(gongwen.as_bytes())
        .file(&config)
        .finish();
    Ok(Globals {
        pdf,
        html,
        docx,
        fonts,
    })
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

/// The state a build starts from: what the last one cached of the shared
/// inputs; the letters are recorded again as they are planned and built.
pub fn carry_over(before: &State) -> State {
    State {
        version: before.version,
        typst: before.typst.clone(),
        families: before.families.clone(),
        web_fonts: before.web_fonts,
        web_font_files: before.web_font_files.clone(),
        web_font_coverage: before.web_font_coverage.clone(),
        page_counts: before.page_counts.clone(),
        site_chars: before.site_chars.clone(),
        font_files: before.font_files.clone(),
        site: before.site,
        index: before.index.clone(),
        title_breaks: before.title_breaks.clone(),
        ..State::default()
    }
}

/// The web fonts' key: the fonts they are cut from and the site's characters.
pub fn web_fonts_key(fonts: &Hash, chars: &crate::webfonts::Characters) -> Hash {
    let mut h = Hasher::new("web fonts");
    h.part(fonts.as_bytes());
    // The bands, not the counts: a letter's edit rarely moves a character to another band.
    for (c, band) in crate::webfonts::bands_of(chars) {
        h.part(&u32::from(c).to_le_bytes())
            .part(&band.to_le_bytes());
    }
    h.finish()
}

/// A letter's key in the state: its path relative to the project, in URL form.
pub fn key(source: &Path) -> String {
    crate::project::url(source)
}

/// The files a letter uses (attachments, images, seal), each with its hash
/// or `None` when it is missing.
pub type Deps = BTreeMap<String, Option<Hash>>;

/// Hashes each file a letter uses.
pub fn deps(root: &Path, files: impl IntoIterator<Item = PathBuf>) -> Deps {
    (files.into_iter())
        .map(|dep| {
            (
                crate::project::url(&dep),
                fingerprint::file(&root.join(&dep)),
            )
        })
        .collect()
}

/// A letter's keys: its PDF's, its page's when it is published, its DOCX's when it asks for one.
#[derive(Debug, Clone, Copy)]
pub struct Keys {
    pub pdf: Hash,
    pub html: Option<Hash>,
    pub docx: Option<Hash>,
}

impl Keys {
    pub fn of(globals: &Globals, source: &Hash, deps: &Deps, published: bool, docx: bool) -> Keys {
        Keys {
            pdf: key_of("pdf", &globals.pdf, source, deps),
            html: published.then(|| key_of("html", &globals.html, source, deps)),
            docx: docx.then(|| key_of("docx", &globals.docx, source, deps)),
        }
    }
}

fn key_of(kind: &str, global: &Hash, source: &Hash, deps: &Deps) -> Hash {
    let mut h = Hasher::new(kind);
    h.part(global.as_bytes()).part(source.as_bytes());
    for (path, hash) in deps {
        h.part(path.as_bytes()).file(hash);
    }
    h.finish()
}

/// A letter that must be (re)built.
pub struct Work {
    pub source: PathBuf,
    /// The file's bytes and their hash, or why it could not be read.
    pub contents: std::io::Result<(Vec<u8>, Hash)>,
    /// Its stamp, taken before it was read.
    pub stamp: Option<Stamp>,
    /// What the last build made of it, if anything.
    pub old: Option<Record>,
}

/// Which of a letter's outputs to make again.
#[derive(Debug, Clone, Copy)]
pub struct Redo {
    pub pdf: bool,
    pub page: bool,
    pub docx: bool,
}

impl Redo {
    /// What differs from the last build's `old`, or is gone from its place
    /// (`there`: whether the PDF, the page and the DOCX are).
    pub fn of(old: Option<&Record>, keys: &Keys, force: bool, there: (bool, bool, bool)) -> Redo {
        let (pdf_there, page_there, docx_there) = there;
        Redo {
            pdf: force || old.is_none_or(|r| r.pdf_key != keys.pdf) || !pdf_there,
            page: keys.html.is_some()
                && (force || old.is_none_or(|r| r.html_key != keys.html) || !page_there),
            docx: keys.docx.is_some()
                && (force || old.is_none_or(|r| r.docx_key != keys.docx) || !docx_there),
        }
    }
}

/// Whether `source` is up to date: its text, the files it uses and the
/// shared inputs hash as they did when it was last built, and its outputs
/// are there. If so, its record; if not, the work to do.
pub fn plan(
    root: &Path,
    source: &Path,
    old: Option<&Record>,
    globals: &Globals,
    options: &Options,
    present: &HashSet<String>,
) -> Result<Record, Box<Work>> {
    let path = root.join(source);
    let stamp = Stamp::settled(&path);
    // Its stamp as recorded: its bytes are those hashed, and it is not read.
    let known = old.filter(|r| stamp.is_some() && r.stamp == stamp);
    let contents = known.is_none().then(|| fingerprint::read_hashed(&path));
    let hash = match &contents {
        None => known.map(|r| &r.source),
        Some(contents) => contents.as_ref().ok().map(|(_, hash)| hash),
    };
    let fresh = old.filter(|r| {
        !options.force
            && hash == Some(&r.source)
            && r.deps
                .iter()
                .all(|(dep, h)| &fingerprint::file(&root.join(dep)) == h)
            && {
                let published = r.held_back.is_none();
                let keys = Keys::of(globals, &r.source, &r.deps, published, r.docx_key.is_some());
                r.pdf_key == keys.pdf && r.html_key == keys.html && r.docx_key == keys.docx
            }
            && r.outputs.iter().all(|o| present.contains(o))
            && (r.held_pdf.iter().chain(&r.held_docx)).all(|p| root.join(p).is_file())
    });
    match fresh {
        Some(record) => Ok(Record {
            stamp,
            ..record.clone()
        }),
        None => Err(Box::new(Work {
            source: source.to_path_buf(),
            contents: contents.unwrap_or_else(|| fingerprint::read_hashed(&path)),
            stamp,
            old: old.cloned(),
        })),
    }
}

/// Whether a letter of another shard is unchanged since the last build.
pub fn unchanged(root: &Path, source: &Path, old: Option<&Record>) -> Option<Record> {
    let hash = crate::regular::read(&root.join(source)).map(|b| fingerprint::bytes(&b));
    old.filter(|old| hash.is_ok_and(|h| h == old.source))
        .cloned()
}

/// Puts what the build made of each letter into the state and the report.
pub fn record(
    outcomes: Vec<(PathBuf, Result<Record, Diagnostics>)>,
    before: &State,
    state: &mut State,
    report: &mut Report,
    force: bool,
) {
    for (source, outcome) in outcomes {
        let old = before.letters.get(&key(&source));
        match outcome {
            Ok(record) => {
                if force || old.is_none_or(|o| o.pdf_key != record.pdf_key) {
                    report.laid_out.push(source.clone());
                }
                report.built.push(source.clone());
                state.letters.insert(key(&source), record);
            }
            Err(problems) => {
                // Its last good output stays, and stays listed, until it builds again.
                let stale = old.is_some_and(|r| !r.outputs.is_empty());
                if let Some(old) = old {
                    state.letters.insert(key(&source), old.clone());
                }
                report.failed.push(super::Failure { problems, stale });
            }
        }
    }
}

/// The index's inputs, hashed with every letter's entry: when this is the
/// key the last index was made with, the index is not looked at.
pub fn site_key(inputs: &Hasher, letters: &BTreeMap<String, Record>) -> Hash {
    let mut key = inputs.clone();
    for (path, r) in letters {
        if let Some(hash) = &r.entry_hash {
            key.part(path.as_bytes()).part(hash.as_bytes());
        }
    }
    key.finish()
}

/// The letters as the index shows them: each published letter's path and
/// entry (which holds its date). Equal for two states, they make the same
/// index.
pub fn listed_key(letters: &BTreeMap<String, Record>) -> Hash {
    site_key(&Hasher::new("listed"), letters)
}

/// The hash of the index's pages: each letter's path and its entry's hash.
pub fn pages_hash<'a>(pages: impl IntoIterator<Item = (&'a String, Option<Hash>)>) -> Hash {
    let mut h = Hasher::new("pages");
    for (path, hash) in pages {
        h.part(path.as_bytes()).file(&hash);
    }
    h.finish()
}

/// [`pages_hash`] of the entries listed, by their letters' records.
pub fn listed_pages_hash(letters: &BTreeMap<String, Record>, entries: &Entries) -> Hash {
    pages_hash(entries.keys().map(|path| (path, letters[path].entry_hash)))
}

/// The index's entries after a build, and how they differ from the last
/// build's.
pub struct Merged {
    pub entries: Entries,
    /// The entries files to write again.
    pub shards: BTreeSet<usize>,
    /// The last build's entries of the letters whose entry changed or went.
    pub gone: Vec<index::Entry>,
    /// The letters whose entry is new or changed.
    pub came: Vec<String>,
    /// An entry was made again from its letter, its last one lost or
    /// damaged: what went is then unknown.
    pub reloaded: bool,
    /// [`pages_hash`] of the last build's entries, as read.
    pub old_pages: Hash,
}

/// Every published letter's index entry: the one this build made, else
/// the last build's (`old`), else, when that is lost, one `reload` makes
/// from the letter.
pub fn entries(
    letters: &mut BTreeMap<String, Record>,
    old: Entries,
    reload: impl Fn(&Path) -> Option<index::Entry>,
) -> Merged {
    // Each hashed once: for the pages' hash, and to check it against its letter's record.
    let mut old: BTreeMap<String, (index::Entry, Hash)> = (old.into_iter())
        .map(|(path, e)| {
            let hash = e.hash();
            (path, (e, hash))
        })
        .collect();
    let mut m = Merged {
        entries: Entries::new(),
        shards: BTreeSet::new(),
        gone: Vec::new(),
        came: Vec::new(),
        reloaded: false,
        old_pages: pages_hash(old.iter().map(|(path, (_, hash))| (path, Some(*hash)))),
    };
    for (path, r) in letters.iter_mut() {
        let previous = old.remove(path);
        let entry = match (r.entry_hash.is_some(), r.entry.take()) {
            (false, _) => {
                if let Some((previous, _)) = previous {
                    m.shards.insert(state::shard(path));
                    m.gone.push(previous);
                }
                None
            }
            (true, Some(fresh)) if previous.as_ref().is_some_and(|(e, _)| *e == fresh) => {
                Some(fresh)
            }
            (true, Some(fresh)) => {
                m.gone.extend(previous.map(|(e, _)| e));
                m.came.push(path.clone());
                Some(fresh)
            }
            (true, None) => match previous {
                Some((e, hash)) if Some(hash) == r.entry_hash => Some(e),
                // The entries file is gone or damaged: read the letter again.
                _ => {
                    m.reloaded = true;
                    m.came.push(path.clone());
                    let entry = reload(Path::new(path));
                    r.entry_hash = entry.as_ref().map(index::Entry::hash);
                    entry
                }
            },
        };
        m.entries.extend(entry.map(|e| (path.clone(), e)));
    }
    (m.shards).extend(
        m.came
            .iter()
            .chain(old.keys())
            .map(|path| state::shard(path)),
    );
    m.gone.extend(old.into_values().map(|(e, _)| e));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(text: &str) -> Record {
        let entry = index::Entry {
            listing: format!("{{\"title\":\"{text}\"}}").into_bytes(),
            search: text.as_bytes().to_vec(),
        };
        let date = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        Record::for_index(Some(entry), date, None)
    }

    /// The page counts a build keeps are used by the next one only when the
    /// entries it reads back give the hash they were kept with.
    #[test]
    fn the_pages_a_build_keeps_are_the_pages_the_next_build_reads_back() {
        let mut letters: BTreeMap<String, Record> = [("a.md", "甲"), ("b.md", "乙")]
            .map(|(path, text)| (path.to_owned(), listed(text)))
            .into();
        let made = entries(&mut letters, Entries::new(), |_| None);
        let kept = listed_pages_hash(&letters, &made.entries);

        let read_back = made.entries.clone();
        let again = entries(&mut letters.clone(), read_back.clone(), |_| None);
        assert!(!again.reloaded);
        assert_eq!(again.old_pages, kept);

        let mut damaged = read_back;
        damaged.get_mut("b.md").unwrap().search = "丙".as_bytes().to_vec();
        let again = entries(&mut letters.clone(), damaged, |_| None);
        assert!(again.reloaded);
        assert_ne!(again.old_pages, kept);
    }
}
