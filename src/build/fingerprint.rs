//! Content hashes that decide what a build must redo. A hash covers bytes,
//! never timestamps: a `git checkout` that rewrites a file with the same
//! text changes nothing, and an edit that keeps the mtime is still seen.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;
use xxhash_rust::xxh3::Xxh3;

/// A 128-bit content hash in hex, as the state file keeps it.
pub type Hash = String;

/// A hash of several labelled parts; the labels keep `("ab", "c")` apart from `("a", "bc")`.
#[derive(Default)]
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

    pub fn finish(&self) -> Hash {
        format!("{:032x}", self.0.digest128())
    }
}

pub fn bytes(bytes: &[u8]) -> Hash {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// The hash of a file, or `missing` when it cannot be read, so that a file
/// that disappears counts as a change.
pub fn file(path: &Path) -> Hash {
    std::fs::read(path).map_or_else(|_| "missing".to_string(), |b| bytes(&b))
}

/// Every font file under `dirs`, names and contents: adding, removing or
/// replacing a font changes the PDFs.
pub fn fonts(dirs: &[PathBuf]) -> Hash {
    let mut files: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|d| WalkDir::new(d).sort_by_file_name())
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let hashes: Vec<(String, Hash)> = files
        .par_iter()
        .map(|f| (f.to_string_lossy().into_owned(), file(f)))
        .collect();
    let mut h = Hasher::new("fonts");
    for (name, hash) in &hashes {
        // The name relative to its folder, so moving the project keeps the hash.
        let short = dirs
            .iter()
            .find_map(|d| Path::new(name).strip_prefix(d).ok())
            .map_or(name.clone(), |p| p.to_string_lossy().into_owned());
        h.part(short.as_bytes()).part(hash.as_bytes());
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_kept_apart() {
        let ab_c = Hasher::new("k").part(b"ab").part(b"c").finish();
        let a_bc = Hasher::new("k").part(b"a").part(b"bc").finish();
        assert_ne!(ab_c, a_bc);
        assert_eq!(ab_c, Hasher::new("k").part(b"ab").part(b"c").finish());
        assert_eq!(ab_c.len(), 32);
    }

    #[test]
    fn fonts_hash_follows_names_and_contents_not_the_folder() {
        let one = tempfile::tempdir().unwrap();
        let two = tempfile::tempdir().unwrap();
        for d in [&one, &two] {
            std::fs::write(d.path().join("A.otf"), b"font a").unwrap();
        }
        let h1 = fonts(&[one.path().to_path_buf()]);
        assert_eq!(h1, fonts(&[two.path().to_path_buf()]));
        std::fs::write(two.path().join("A.otf"), b"font b").unwrap();
        assert_ne!(h1, fonts(&[two.path().to_path_buf()]));
        std::fs::write(one.path().join("B.otf"), b"font a").unwrap();
        assert_ne!(h1, fonts(&[one.path().to_path_buf()]));
    }
}
