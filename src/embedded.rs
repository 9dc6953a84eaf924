//! gongwen's own fonts, carried inside the binary (as mdBook carries its
//! theme), so that an installed gongwen builds letters in a folder that has
//! no `fonts/`. The templates are embedded likewise, in [`crate::templates`].
//!
//! Typst reads fonts only from files, so the embedded ones are written once
//! into a folder of the user's cache named by their hash, and every later
//! build (of any project, by the same gongwen) uses that folder as it is.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{bail, Context, Result};

/// A file of gongwen's `fonts/`, as build.rs packed it.
pub struct EmbeddedFile {
    /// Relative to `fonts/`, `/`-separated: `FandolFang-Regular.otf`, `fallback/…`.
    pub path: &'static str,
    /// zstd-compressed.
    pub packed: &'static [u8],
    /// The length unpacked.
    pub len: usize,
}

include!(concat!(env!("OUT_DIR"), "/embedded_fonts.rs"));

impl EmbeddedFile {
    pub fn unpack(&self) -> Result<Vec<u8>> {
        zstd::bulk::decompress(self.packed, self.len)
            .with_context(|| format!("the embedded font {} cannot be unpacked", self.path))
    }

    /// A font, not a licence or a README.
    pub fn is_font(&self) -> bool {
        Path::new(self.path)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| {
                matches!(
                    e.to_ascii_lowercase().as_str(),
                    "otf" | "ttf" | "ttc" | "otc"
                )
            })
    }
}

/// The folder holding the embedded fonts as files, written on first use:
/// `~/.cache/gongwen/fonts/<hash>/`, or the same under the system's temporary
/// folder when there is no cache folder to write to.
pub fn fonts_dir() -> Result<PathBuf> {
    let mut tried = Vec::new();
    for base in [
        dirs::cache_dir().map(|d| d.join("gongwen")),
        Some(std::env::temp_dir().join("gongwen")),
    ]
    .into_iter()
    .flatten()
    {
        match unpacked_in(&base.join("fonts"), FONT_FILES, FONTS_HASH) {
            Ok(dir) => return Ok(dir),
            Err(e) => tried.push(format!("{}: {e:#}", base.display())),
        }
    }
    bail!(
        "gongwen's own fonts cannot be written out for typst ({})\n  help: free some space there, or put the fonts in the project's `fonts/` (`gongwen init --eject`)",
        tried.join("; ")
    )
}

/// `files` unpacked in `parent/<hash>/`: the folder as found when it is
/// whole, else written afresh beside it and renamed into place, so that a
/// build never sees a half-written folder and two builds starting at once
/// both end with the same one.
fn unpacked_in(parent: &Path, files: &[EmbeddedFile], hash: &str) -> Result<PathBuf> {
    let dir = parent.join(hash);
    if is_whole(&dir, files) {
        touch(&dir);
        return Ok(dir);
    }
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let fresh = tempfile::Builder::new()
        .prefix(".unpacking-")
        .tempdir_in(parent)
        .with_context(|| format!("cannot create a folder in {}", parent.display()))?;
    for file in files {
        let path = fresh.path().join(file.path);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        std::fs::write(&path, file.unpack()?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if dir.exists() {
        // Damaged (a file removed or cut short): moved aside, then removed.
        let aside = parent.join(format!(".damaged-{hash}-{}", std::process::id()));
        if std::fs::rename(&dir, &aside).is_ok() {
            let _ = std::fs::remove_dir_all(&aside);
        }
    }
    match std::fs::rename(fresh.path(), &dir) {
        Ok(()) => {
            // Renamed away: nothing is left for the guard to remove.
            let _ = fresh.keep();
            remove_unused(parent, hash, UNUSED);
            Ok(dir)
        }
        // Another build put its copy in place first.
        Err(_) if is_whole(&dir, files) => Ok(dir),
        Err(e) => Err(e).with_context(|| format!("cannot rename a folder to {}", dir.display())),
    }
}

/// How long a folder of other fonts (an older gongwen's) is kept unused
/// before a new one is written beside it: a gongwen still running may use it.
const UNUSED: Duration = Duration::from_secs(24 * 60 * 60);

/// Marks a folder as used now (its time is what [`remove_unused`] reads).
fn touch(dir: &Path) {
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.set_modified(SystemTime::now());
    }
}

/// Removes the folders of `parent` other than `hash` not used for `unused`:
/// the fonts of older gongwens, and what a killed unpacking left. Best
/// effort: a folder that cannot be removed is left for the next time.
fn remove_unused(parent: &Path, hash: &str, unused: Duration) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > unused);
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if old && is_dir && entry.file_name() != hash {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Every file there, at its length (the folder's name is their contents' hash).
fn is_whole(dir: &Path, files: &[EmbeddedFile]) -> bool {
    files.iter().all(|f| {
        std::fs::metadata(dir.join(f.path)).is_ok_and(|m| m.is_file() && m.len() == f.len as u64)
    })
}

/// What `write_new` did with a file.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    New(PathBuf),
    /// There already, left as it is.
    Kept(PathBuf),
}

/// Writes `relative` under `root` unless a file is there already: an
/// office's own edits are never overwritten. `contents` is made only when written.
pub fn write_new(
    root: &Path,
    relative: &Path,
    contents: impl FnOnce() -> Result<Vec<u8>>,
) -> Result<Written> {
    let path = root.join(relative);
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(mut file) => {
            std::io::Write::write_all(&mut file, &contents()?)
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(Written::New(relative.to_path_buf()))
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(Written::Kept(relative.to_path_buf())),
        Err(e) => Err(e).with_context(|| format!("cannot create {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fandol_fonts_and_their_licences_are_embedded() {
        let paths: Vec<&str> = FONT_FILES.iter().map(|f| f.path).collect();
        for wanted in [
            "FandolFang-Regular.otf",
            "FandolHei-Regular.otf",
            "FandolKai-Regular.otf",
            "FandolSong-Bold.otf",
            "FandolSong-Regular.otf",
            "README.md",
        ] {
            assert!(paths.contains(&wanted), "{wanted} not in {paths:?}");
        }
        let fang = FONT_FILES
            .iter()
            .find(|f| f.path == "FandolFang-Regular.otf")
            .unwrap();
        let source = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fonts/FandolFang-Regular.otf"
        ))
        .unwrap();
        assert!(fang.unpack().unwrap() == source);
        assert!(fang.packed.len() < source.len());
    }

    fn small() -> Vec<EmbeddedFile> {
        let packed: &'static [u8] = Box::leak(
            zstd::bulk::compress(b"font a", 1)
                .unwrap()
                .into_boxed_slice(),
        );
        vec![EmbeddedFile {
            path: "sub/a.otf",
            packed,
            len: 6,
        }]
    }

    #[test]
    fn fonts_are_unpacked_once_and_a_damaged_folder_is_written_again() {
        let cache = tempfile::tempdir().unwrap();
        let files = small();
        let dir = unpacked_in(cache.path(), &files, "h1").unwrap();
        assert_eq!(dir, cache.path().join("h1"));
        assert_eq!(std::fs::read(dir.join("sub/a.otf")).unwrap(), b"font a");
        // Whole: used as it is (a mark left in it stays).
        std::fs::write(dir.join("mark"), "").unwrap();
        unpacked_in(cache.path(), &files, "h1").unwrap();
        assert!(dir.join("mark").exists());
        // Cut short: written afresh.
        std::fs::write(dir.join("sub/a.otf"), b"fo").unwrap();
        unpacked_in(cache.path(), &files, "h1").unwrap();
        assert_eq!(std::fs::read(dir.join("sub/a.otf")).unwrap(), b"font a");
        assert!(!dir.join("mark").exists());
        let left: Vec<_> = std::fs::read_dir(cache.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("h1")]);
    }

    #[test]
    fn other_fonts_folders_go_when_a_new_one_is_written_and_they_are_unused_for_a_day() {
        let cache = tempfile::tempdir().unwrap();
        let files = small();
        let aged = |name: &str, age: Duration| {
            let dir = cache.path().join(name);
            std::fs::create_dir_all(dir.join("sub")).unwrap();
            std::fs::write(dir.join("sub/a.otf"), b"font a").unwrap();
            let folder = std::fs::File::open(&dir).unwrap();
            folder.set_modified(SystemTime::now() - age).unwrap();
        };
        let day = Duration::from_secs(24 * 60 * 60);
        aged("older-gongwen", 2 * day);
        aged("running-gongwen", Duration::from_secs(60));
        aged(".unpacking-killed", 3 * day);
        // The folder in use, whole, though not touched for days: kept, and marked used.
        aged("h1", 5 * day);
        unpacked_in(cache.path(), &files, "h1").unwrap();
        let left = || -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(cache.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        assert_eq!(left().len(), 4, "nothing removed when no folder is written");
        let age = std::fs::metadata(cache.path().join("h1"))
            .unwrap()
            .modified()
            .unwrap();
        assert!(age.elapsed().unwrap() < day, "h1 marked as used");
        // A new gongwen writes its own folder: the unused others go.
        unpacked_in(cache.path(), &files, "h2").unwrap();
        assert_eq!(left(), ["h1", "h2", "running-gongwen"]);
    }

    #[test]
    fn an_existing_file_is_kept() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("t")).unwrap();
        std::fs::write(root.path().join("t/a"), "mine").unwrap();
        let theirs = || Ok(b"theirs".to_vec());
        assert_eq!(
            write_new(root.path(), Path::new("t/a"), theirs).unwrap(),
            Written::Kept("t/a".into())
        );
        assert_eq!(
            write_new(root.path(), Path::new("t/b/c"), theirs).unwrap(),
            Written::New("t/b/c".into())
        );
        let read = |p: &str| std::fs::read_to_string(root.path().join(p)).unwrap();
        assert_eq!(read("t/a"), "mine");
        assert_eq!(read("t/b/c"), "theirs");
    }
}
