//! Writing into `output/`: every file appears whole or not at all (written
//! beside its place, then renamed), and every error names its path.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use tempfile::NamedTempFile;

pub fn create_dir_all(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create the folder {}", dir.display()))
}

/// A temporary file in `path`'s folder, to be renamed onto `path` once complete.
pub fn temp_beside(path: &Path) -> Result<NamedTempFile> {
    let dir = path.parent().unwrap_or(Path::new("."));
    create_dir_all(dir)?;
    tempfile::Builder::new()
        .prefix(".gongwen-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))
}

/// Puts a finished temporary file in its place.
pub fn persist(file: NamedTempFile, path: &Path) -> Result<()> {
    file.persist(path)
        .map(drop)
        .with_context(|| format!("cannot write {}", path.display()))
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = temp_beside(path)?;
    std::io::Write::write_all(&mut file, bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    persist(file, path)
}

/// Copies unless `to` already holds the same bytes, so a rebuild leaves
/// unchanged assets (and their timestamps) alone.
pub fn copy_if_changed(from: &Path, to: &Path) -> Result<()> {
    let new = fs::read(from).with_context(|| format!("cannot read {}", from.display()))?;
    if fs::read(to).is_ok_and(|old| old == new) {
        return Ok(());
    }
    write_atomic(to, &new)
}

/// Like [`copy_if_changed`], for bytes made in memory.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<()> {
    if fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    write_atomic(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_and_names_failures() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/c.html");
        write_atomic(&path, b"x").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"x");
        assert_eq!(
            fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1,
            "no temporary file is left"
        );
        let blocked = dir.path().join("a/b/c.html/d.html");
        let e = write_atomic(&blocked, b"x").unwrap_err();
        assert!(format!("{e:#}").contains("c.html"), "{e:#}");
    }
}
