//! Content hashes that decide what a build must redo. A hash covers bytes,
//! never timestamps: a `git checkout` that rewrites a file with the same
//! text changes nothing, and an edit that keeps the mtime is still seen.
//! A letter is not read again only while its [`Stamp`] (which counts the
//! ctime, moved by every write) is the one its hash was taken with.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;
use xxhash_rust::xxh3::Xxh3;

use super::state::FontFile;

/// A 128-bit content hash.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hash([u8; 16]);

impl Hash {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Display for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:032x}", u128::from_le_bytes(self.0))
    }
}

/// A hash of several labelled parts; the labels keep `("ab", "c")` apart from `("a", "bc")`.
#[derive(Default, Clone)]
pub struct Hasher(Xxh3);

impl Hasher {
    pub fn new(kind: &str) -> Hasher {
        let mut h = Hasher(Xxh3::new());
        h.part(kind.as_bytes());
        h
    }

    pub fn part(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// A file's hash, or its absence (no bytes: a hash always has 16).
    pub fn file(&mut self, hash: &Option<Hash>) -> &mut Self {
        self.part(hash.as_ref().map_or(&[], Hash::as_bytes))
    }

    pub fn finish(&self) -> Hash {
        Hash(self.0.digest128().to_le_bytes())
    }
}

pub fn bytes(bytes: &[u8]) -> Hash {
    Hash(xxhash_rust::xxh3::xxh3_128(bytes).to_le_bytes())
}

/// The hash of a file, or `None` when it cannot be read, so that a file
/// that disappears counts as a change.
pub fn file(path: &Path) -> Option<Hash> {
    crate::regular::read(path).ok().map(|b| bytes(&b))
}

/// What the file system says of a file: its size, its times and its inode.
/// While a letter's stamp is the one its hash was taken with, its bytes are
/// those hashed: every write moves a file's ctime, which no program sets
/// back (unlike the mtime, which `touch -d` or `rsync -t` set at will).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
    inode: (u64, u64),
}

/// How long ago a file must have last changed for its stamp to stand for
/// its bytes: a write within the same tick of a coarse clock (2 s on FAT)
/// would leave the stamp as it was.
const SETTLED: i64 = 3;

impl Stamp {
    /// The stamp of the file at `path`, taken before it is read; none when
    /// it changed too lately to tell a later write apart (the letter is then
    /// read again next time), or on a system without ctimes.
    pub fn settled(path: &Path) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let meta = std::fs::metadata(path).ok()?;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_secs() as i64;
            let last = meta.mtime().max(meta.ctime());
            (now - last >= SETTLED).then_some(Stamp {
                len: meta.size(),
                modified: (meta.mtime(), meta.mtime_nsec()),
                changed: (meta.ctime(), meta.ctime_nsec()),
                inode: (meta.dev(), meta.ino()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            None
        }
    }
}

/// A file's bytes and their hash.
pub fn read_hashed(path: &Path) -> std::io::Result<(Vec<u8>, Hash)> {
    crate::regular::read(path).map(|b| {
        let hash = bytes(&b);
        (b, hash)
    })
}

/// Every font file under `dirs`, names and contents: adding, removing or
/// replacing a font changes the PDFs. `known` holds each file's hash with
/// the size and time it had; a file whose size and time are unchanged is not
/// read again. `known` is updated.
pub fn fonts(dirs: &[PathBuf], known: &mut BTreeMap<String, FontFile>) -> Hash {
    let mut files: Vec<(String, PathBuf)> = dirs
        .iter()
        .enumerate()
        .flat_map(|(i, d)| {
            WalkDir::new(d)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                // The name relative to its folder, so moving the project keeps
                // the hash; numbered after the first folder, as the project's
                // `fonts/` and gongwen's own may hold files of the same name.
                .map(move |e| {
                    let name = e.path().strip_prefix(d).unwrap_or(e.path());
                    (font_key(i, &name.to_string_lossy()), e.into_path())
                })
        })
        .collect();
    files.sort();
    let stamped: Vec<(String, FontFile)> = files
        .par_iter()
        .map(|(name, path)| {
            let meta = std::fs::metadata(path).ok();
            let len = meta.as_ref().map_or(0, |m| m.len());
            let modified_ns = meta
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            let hash = match known.get(name) {
                Some(k) if k.len == len && k.modified_ns == modified_ns && modified_ns > 0 => {
                    k.hash
                }
                _ => file(path),
            };
            (
                name.clone(),
                FontFile {
                    len,
                    modified_ns,
                    hash,
                },
            )
        })
        .collect();
    let mut h = Hasher::new("fonts");
    for (name, f) in &stamped {
        h.part(name.as_bytes()).file(&f.hash);
    }
    *known = stamped.into_iter().collect();
    h.finish()
}

/// A font file's name among the known ones: `name` of the `i`th font folder.
pub fn font_key(i: usize, name: &str) -> String {
    match i {
        0 => name.to_owned(),
        _ => format!("{i}:{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_font_is_read_again_only_when_its_size_or_time_changes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("A.otf"), b"font a").unwrap();
        let dirs = [dir.path().to_path_buf()];
        let mut known = BTreeMap::new();
        let first = fonts(&dirs, &mut known);
        assert_eq!(known["A.otf"].hash, Some(bytes(b"font a")));
        // A stale cache entry with the file's own size and time is trusted…
        known.get_mut("A.otf").unwrap().hash = Some(bytes(b"cached"));
        assert_ne!(fonts(&dirs, &mut known), first);
        // …and one whose size differs is not.
        known.get_mut("A.otf").unwrap().len += 1;
        assert_eq!(fonts(&dirs, &mut known), first);
    }

    #[test]
    fn parts_are_kept_apart() {
        let ab_c = Hasher::new("k").part(b"ab").part(b"c").finish();
        let a_bc = Hasher::new("k").part(b"a").part(b"bc").finish();
        assert_ne!(ab_c, a_bc);
        assert_eq!(ab_c, Hasher::new("k").part(b"ab").part(b"c").finish());
        assert_eq!(ab_c.to_string().len(), 32);
    }

    #[test]
    fn fonts_hash_follows_names_and_contents_not_the_folder() {
        let one = tempfile::tempdir().unwrap();
        let two = tempfile::tempdir().unwrap();
        for d in [&one, &two] {
            std::fs::write(d.path().join("A.otf"), b"font a").unwrap();
        }
        let hash = |d: &tempfile::TempDir| fonts(&[d.path().to_path_buf()], &mut BTreeMap::new());
        let h1 = hash(&one);
        assert_eq!(h1, hash(&two));
        std::fs::write(two.path().join("A.otf"), b"font b").unwrap();
        assert_ne!(h1, hash(&two));
        std::fs::write(one.path().join("B.otf"), b"font a").unwrap();
        assert_ne!(h1, hash(&one));
    }
}
