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
    let mut builder = tempfile::Builder::new();
    builder.prefix(".gongwen-").suffix(".tmp");
    // Readable by the web server that publishes output/, as any written file would be
    // (a temporary file is otherwise private to its owner).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    builder
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

/// Takes `output/.gongwen.lock`, waiting while another build of the same
/// project holds it, so two builds never write the same files at once. The
/// lock goes when the file is dropped, or when the process dies.
pub fn lock(out: &Path) -> Result<fs::File> {
    let path = out.join(".gongwen.lock");
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            eprintln!(
                "waiting for another build of this project to finish (it holds {})",
                path.display()
            );
            file.lock()
                .with_context(|| format!("cannot lock {}", path.display()))?;
        }
        Err(fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
    Ok(file)
}

/// Removes `relative` from `out`, and the folders it leaves empty. Only a
/// plain relative path is taken, so nothing outside `out` can be removed.
pub fn remove(out: &Path, relative: &str) -> Result<()> {
    let rel = Path::new(relative);
    if !rel
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
    {
        return Ok(());
    }
    let path = out.join(rel);
    match fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot remove {}", path.display())),
    }
    let mut dir = path.parent();
    while let Some(d) = dir.filter(|d| *d != out && d.starts_with(out)) {
        if fs::remove_dir(d).is_err() {
            break; // not empty
        }
        dir = d.parent();
    }
    Ok(())
}

/// Where a stage's files go: into place at once, or held until the build
/// knows they are the right ones (the index made while typst lays out the
/// letters it lists, on the guess that they build).
pub struct Writes {
    held: Option<std::sync::Mutex<Vec<Held>>>,
}

enum Held {
    IfChanged(std::path::PathBuf, Vec<u8>),
    Atomic(std::path::PathBuf, Vec<u8>),
    Remove(std::path::PathBuf),
}

impl Writes {
    /// Each file written as it is made.
    pub fn now() -> Writes {
        Writes { held: None }
    }

    /// Nothing written until [`Writes::finish`].
    pub fn held() -> Writes {
        Writes {
            held: Some(std::sync::Mutex::default()),
        }
    }

    pub fn write_if_changed(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        match &self.held {
            None => write_if_changed(path, bytes),
            Some(held) => {
                hold(held, Held::IfChanged(path.into(), bytes.to_vec()));
                Ok(())
            }
        }
    }

    pub fn write_atomic(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        match &self.held {
            None => write_atomic(path, bytes),
            Some(held) => {
                hold(held, Held::Atomic(path.into(), bytes.to_vec()));
                Ok(())
            }
        }
    }

    pub fn remove_file(&self, path: &Path) -> Result<()> {
        match &self.held {
            None => remove_file(path),
            Some(held) => {
                hold(held, Held::Remove(path.into()));
                Ok(())
            }
        }
    }

    /// Writes and removes what was held, in the order it came.
    pub fn finish(self) -> Result<()> {
        let held = self.held.map(|h| h.into_inner().expect("not poisoned"));
        for op in held.into_iter().flatten() {
            match op {
                Held::IfChanged(path, bytes) => write_if_changed(&path, &bytes)?,
                Held::Atomic(path, bytes) => write_atomic(&path, &bytes)?,
                // (Gone since it was listed: nothing to do.)
                Held::Remove(path) if !path.exists() => {}
                Held::Remove(path) => remove_file(&path)?,
            }
        }
        Ok(())
    }
}

fn hold(held: &std::sync::Mutex<Vec<Held>>, op: Held) {
    held.lock().expect("not poisoned").push(op);
}

fn remove_file(path: &Path) -> Result<()> {
    fs::remove_file(path).with_context(|| format!("cannot remove {}", path.display()))
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

    #[test]
    fn removes_files_and_empty_folders_but_nothing_outside() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write_atomic(&out.join("2022/a/x.pdf"), b"x").unwrap();
        write_atomic(&out.join("2022/y.pdf"), b"y").unwrap();
        std::fs::write(dir.path().join("keep.md"), b"k").unwrap();
        remove(&out, "2022/a/x.pdf").unwrap();
        assert!(!out.join("2022/a").exists());
        assert!(out.join("2022/y.pdf").exists());
        remove(&out, "../keep.md").unwrap();
        remove(&out, "/etc/passwd").unwrap();
        assert!(dir.path().join("keep.md").exists());
        remove(&out, "2022/gone.pdf").unwrap();
    }

    #[test]
    fn a_second_lock_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock(dir.path()).unwrap();
        let path = dir.path().join(".gongwen.lock");
        let other = fs::OpenOptions::new().write(true).open(&path).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(fs::TryLockError::WouldBlock)
        ));
        drop(first);
        other.try_lock().unwrap();
    }

    #[test]
    fn held_writes_touch_nothing_until_finished() {
        let dir = tempfile::tempdir().unwrap();
        let (kept, gone, new) = (
            dir.path().join("kept.txt"),
            dir.path().join("gone.txt"),
            dir.path().join("sub/new.txt"),
        );
        fs::write(&kept, "old").unwrap();
        fs::write(&gone, "old").unwrap();
        let writes = Writes::held();
        writes.write_if_changed(&kept, b"new").unwrap();
        writes.write_atomic(&new, b"new").unwrap();
        writes.remove_file(&gone).unwrap();
        assert_eq!(fs::read_to_string(&kept).unwrap(), "old");
        assert!(gone.exists() && !new.exists());
        writes.finish().unwrap();
        assert_eq!(fs::read_to_string(&kept).unwrap(), "new");
        assert_eq!(fs::read_to_string(&new).unwrap(), "new");
        assert!(!gone.exists());
    }
}
