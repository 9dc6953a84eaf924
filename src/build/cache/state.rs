//! `.gongwen.state` at the project root: what the last build made of each
//! letter and from which inputs (by content hash), so the next build redoes
//! only what changed and knows which outputs belong to letters that are gone.
//!
//! It holds hashes and paths, no absolute path; and as it names every
//! letter, the held-back ones too (their paths, dates, why they are held
//! back), it is beside `output/`, never in it: `output/` is published whole.
//! The index entries of published letters (their fields and
//! text, 5 MB for a thousand letters) are in `output/.gongwen.entries/`,
//! read on a thread of their own and only waited for when the index must be
//! made again, and split in [`SHARDS`] files so that one letter's edit
//! rewrites a sixteenth of them. All are binary (postcard): every build
//! reads the state.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::fingerprint::Hash;
use crate::index::Entry;
use crate::output;

pub const FILE_NAME: &str = ".gongwen.state";
pub const ENTRIES_DIR: &str = ".gongwen.entries";
/// How many files the entries are split in.
pub const SHARDS: usize = 16;
/// Bumped when the meaning of the file changes; an older file is ignored.
const VERSION: u32 = 9;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    /// The typst binary last used (a hash of its path, size and mtime) and
    /// what `typst --version` said, so an unchanged binary is not run again.
    pub typst: Option<Cached>,
    /// The font families `typst fonts` listed for the fonts with this hash.
    pub families: Option<Cached>,
    /// What the web fonts in `output/assets/fonts` were made from: the
    /// fonts and the site's characters (see [`super::web_fonts_key`]).
    pub web_fonts: Option<Hash>,
    /// Those web fonts' files, relative to `output/assets`.
    pub web_font_files: Vec<String>,
    /// Which fonts have each character the site has used.
    pub web_font_coverage: crate::webfonts::Coverage,
    /// The characters of the site's pages, each with how many pages use it;
    /// counted when the index is made.
    pub site_chars: crate::webfonts::Characters,
    /// The letters' pages' own counts of those, and the hash of the entries
    /// they were counted from ([`super::pages_hash`]).
    pub page_counts: Option<(Hash, crate::webfonts::PageCounts)>,
    /// The content hash of each font file, with the size and time it had:
    /// the fonts (tens of MB) are read again only when those change, as git
    /// does for its index.
    #[serde(default)]
    pub font_files: BTreeMap<String, FontFile>,
    /// All the index's inputs, hashed: when unchanged, the index is not looked at.
    pub site: Option<Hash>,
    /// What the listing pages and the search index were made from.
    pub index: crate::index::Made,
    /// Where long titles break (see `render::title_lines`).
    #[serde(default)]
    pub title_breaks: crate::render::title_lines::Breaks,
    /// Keyed by the letter's path relative to the project, `letters/2022/70.md`.
    pub letters: BTreeMap<String, Record>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FontFile {
    pub len: u64,
    pub modified_ns: u128,
    /// `None` when it could not be read.
    pub hash: Option<Hash>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cached {
    pub key: Hash,
    pub value: String,
}

/// One letter as last built.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub source: Hash,
    /// The file's stamp when `source` was taken, if settled then.
    pub stamp: Option<super::fingerprint::Stamp>,
    /// Files the letter reads besides itself (images, attachment files), with their hashes.
    pub deps: super::Deps,
    pub pdf_key: Hash,
    /// None for a letter held back from the site.
    pub html_key: Option<Hash>,
    /// None for a letter that asks for no DOCX.
    pub docx_key: Option<Hash>,
    /// Everything the letter put in `output/`, relative to it.
    pub outputs: Vec<String>,
    /// The PDF of a letter held back from the site, relative to the
    /// project: in the restricted folder, outside `output/`.
    pub held_pdf: Option<String>,
    /// Its DOCX, when held back: beside the PDF, outside `output/`.
    pub held_docx: Option<String>,
    /// A hash of the letter as the index lists it; None when held back.
    pub entry_hash: Option<Hash>,
    /// What the index's picture was drawn from ([`crate::thumbnail::first_page_key`]
    /// with the letter's files and the fonts); None before one was drawn.
    pub picture_key: Option<Hash>,
    /// That entry, when this build made it or read it back from the entries file.
    #[serde(skip)]
    pub entry: Option<Entry>,
    pub date: chrono::NaiveDate,
    /// Why it is kept off the site, if it is.
    pub held_back: Option<crate::build::HoldBack>,
}

impl Record {
    /// A letter as the index alone reads it: its entry, the entry's hash
    /// and its date; nothing of its outputs.
    pub fn for_index(
        entry: Option<Entry>,
        date: chrono::NaiveDate,
        held_back: Option<crate::build::HoldBack>,
    ) -> Record {
        Record {
            source: Hash::default(),
            stamp: None,
            deps: BTreeMap::new(),
            pdf_key: Hash::default(),
            html_key: None,
            docx_key: None,
            outputs: Vec::new(),
            held_pdf: None,
            held_docx: None,
            entry_hash: entry.as_ref().map(Entry::hash),
            picture_key: None,
            entry,
            date,
            held_back,
        }
    }

    /// This record's part the index reads ([`Record::for_index`]).
    pub fn listed(&self) -> Record {
        Record {
            entry_hash: self.entry_hash,
            ..Record::for_index(self.entry.clone(), self.date, self.held_back)
        }
    }
}

impl State {
    /// The state of the last build of the project at `root`; a missing or
    /// unreadable file means a full build.
    pub fn load(root: &Path) -> State {
        std::fs::read(root.join(FILE_NAME))
            .ok()
            .and_then(|bytes| postcard::from_bytes::<State>(&bytes).ok())
            .filter(|s| s.version == VERSION)
            .unwrap_or_default()
    }

    pub fn save(&mut self, root: &Path) -> anyhow::Result<()> {
        self.version = VERSION;
        let bytes = postcard::to_stdvec(self).expect("state serialises");
        output::write_if_changed(&root.join(FILE_NAME), &bytes)
    }

    /// A cached value when its key still holds, else `compute`'s (then cached).
    pub fn cached(
        slot: &mut Option<Cached>,
        key: &Hash,
        compute: impl FnOnce() -> anyhow::Result<String>,
    ) -> anyhow::Result<String> {
        if let Some(c) = slot.as_ref().filter(|c| &c.key == key) {
            return Ok(c.value.clone());
        }
        let value = compute()?;
        *slot = Some(Cached {
            key: *key,
            value: value.clone(),
        });
        Ok(value)
    }
}

/// The index entries of the last build, by letter; without those of a
/// missing or unreadable file (the index then reads their letters again).
pub type Entries = BTreeMap<String, Entry>;

/// Which of the [`SHARDS`] entries files holds a letter's entry.
pub fn shard(letter: &str) -> usize {
    (xxhash_rust::xxh3::xxh3_64(letter.as_bytes()) % SHARDS as u64) as usize
}

fn shard_file(out: &Path, shard: usize) -> std::path::PathBuf {
    out.join(ENTRIES_DIR).join(format!("{shard:02}"))
}

pub fn load_entries(out: &Path) -> Entries {
    (0..SHARDS)
        .filter_map(|n| std::fs::read(shard_file(out, n)).ok())
        .filter_map(|bytes| postcard::from_bytes::<(u32, Entries)>(&bytes).ok())
        .filter(|(version, _)| *version == VERSION)
        .flat_map(|(_, entries)| entries)
        .collect()
}

/// Writes the entries files numbered in `shards`.
pub fn save_entries(
    out: &Path,
    entries: &Entries,
    shards: &std::collections::BTreeSet<usize>,
    writes: &output::Writes,
) -> anyhow::Result<()> {
    // Borrowed: postcard writes a map of references as it would the map itself.
    let mut split: Vec<BTreeMap<&String, &Entry>> = vec![BTreeMap::new(); SHARDS];
    for (letter, entry) in entries {
        let n = shard(letter);
        if shards.contains(&n) {
            split[n].insert(letter, entry);
        }
    }
    for &n in shards {
        let bytes = postcard::to_stdvec(&(VERSION, &split[n])).expect("entries serialise");
        writes.write_atomic(&shard_file(out, n), &bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::fingerprint;

    #[test]
    fn a_damaged_or_old_state_means_a_full_build() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), b"{not postcard").unwrap();
        assert!(State::load(dir.path()).letters.is_empty());

        let mut s = State {
            web_fonts: Some(fingerprint::bytes(b"abc")),
            ..State::default()
        };
        s.save(dir.path()).unwrap();
        assert_eq!(
            State::load(dir.path()).web_fonts,
            Some(fingerprint::bytes(b"abc"))
        );

        // The version comes first, as a one-byte varint.
        let mut old = std::fs::read(dir.path().join(FILE_NAME)).unwrap();
        assert_eq!(old[0], VERSION as u8);
        old[0] = VERSION as u8 - 1;
        std::fs::write(dir.path().join(FILE_NAME), old).unwrap();
        assert_eq!(State::load(dir.path()).web_fonts, None);
    }

    #[test]
    fn cached_values_are_reused_only_for_the_same_key() {
        let mut slot = None;
        let k1 = fingerprint::bytes(b"k1");
        assert_eq!(
            State::cached(&mut slot, &k1, || Ok("a".into())).unwrap(),
            "a"
        );
        let again = State::cached(&mut slot, &k1, || panic!("not recomputed"));
        assert_eq!(again.unwrap(), "a");
        let k2 = fingerprint::bytes(b"k2");
        assert_eq!(
            State::cached(&mut slot, &k2, || Ok("b".into())).unwrap(),
            "b"
        );
    }
}
