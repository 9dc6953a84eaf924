//! Keeping `output/` to what the build made: the scratch left by a build
//! that was killed, and the outputs of letters that are gone.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use anyhow::{Context, Result};
use walkdir::WalkDir;

use super::state::State;
use crate::output;

/// Removes the work folders and half-written files of a build that died
/// (kill -9, power cut), and returns the files `output/` holds, relative to
/// it in URL form. Called under the build lock, so no running build owns the
/// scratch. One walk serves both: checking each letter's outputs one by one
/// took thousands of `stat` calls, a seventh of a build with nothing to do.
pub fn scan(out: &Path) -> HashSet<String> {
    let mut present = HashSet::new();
    let files = WalkDir::new(out)
        .into_iter()
        .filter_entry(|e| !is_work_dir(e.file_name()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file());
    for e in files {
        if is_temp_file(e.file_name()) {
            let _ = std::fs::remove_file(e.path());
        } else if let Ok(relative) = e.path().strip_prefix(out) {
            present.insert(crate::project::url(relative));
        }
    }
    if let Ok(entries) = std::fs::read_dir(out) {
        for e in entries.flatten() {
            if is_work_dir(&e.file_name()) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    present
}

/// The start of a build's work folder's name: `.gongwen-work-…` at the project root.
pub const WORK_PREFIX: &str = ".gongwen-work-";

fn is_work_dir(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with(WORK_PREFIX))
}

/// Removes the work folders that builds killed before they could clean up
/// left at the project root. Called under the build lock: no running
/// build owns one, and a killed build's typst died with it.
pub fn work_dirs(root: &Path) {
    if let Ok(entries) = std::fs::read_dir(root) {
        for e in entries.flatten() {
            if is_work_dir(&e.file_name()) && e.file_type().is_ok_and(|t| t.is_dir()) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// Takes out of `output/` what an earlier gongwen kept there about
/// held-back letters, so that `output/` holds only what may be published:
/// its build state (which named them) is removed, and `output/restricted/`
/// (their PDFs) is moved to the restricted folder `to` (relative to
/// `root`). Returns what it moved, to be told. `output/restricted/` is left
/// alone when `letters/restricted/` exists: then it holds that folder's
/// published letters.
pub fn old_restricted(root: &Path, to: &Path) -> Result<Option<String>> {
    // The state named every letter, held-back ones too; it is beside output/ now.
    let _ = std::fs::remove_file(
        root.join(crate::project::OUTPUT)
            .join(super::state::FILE_NAME),
    );
    let old = root.join(crate::project::OUTPUT).join("restricted");
    if !old.is_dir()
        || root
            .join(crate::project::LETTERS)
            .join("restricted")
            .is_dir()
    {
        return Ok(None);
    }
    let new = root.join(to);
    if !new.exists() {
        output::create_dir_all(new.parent().unwrap_or(root))?;
        std::fs::rename(&old, &new)
            .with_context(|| format!("cannot move {} to {}", old.display(), new.display()))?;
    } else {
        // Merge: the newer build's PDFs win; the old ones are rebuilt if needed.
        for e in WalkDir::new(&old).into_iter().filter_map(Result::ok) {
            let Ok(relative) = e.path().strip_prefix(&old) else {
                continue;
            };
            let target = new.join(relative);
            if e.file_type().is_file() && !target.exists() {
                output::create_dir_all(target.parent().unwrap_or(&new))?;
                std::fs::rename(e.path(), &target).with_context(|| {
                    format!("cannot move {} to {}", e.path().display(), target.display())
                })?;
            }
        }
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("cannot remove {}", old.display()))?;
    }
    Ok(Some(format!(
        "moved {}/restricted/ (PDFs of held-back letters, from an earlier gongwen) to {}/: \
         {}/ now holds only what may be published",
        crate::project::OUTPUT,
        crate::project::url(to),
        crate::project::OUTPUT
    )))
}

fn is_temp_file(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with(".gongwen-") && n.ends_with(".tmp"))
}

/// Removes what the last build made and this one no longer does: the
/// outputs of deleted letters, the page of a letter now held back, images no
/// letter uses, held-back PDFs of letters gone or published now. Returns
/// how many files went.
pub fn unmade(root: &Path, before: &State, now: &State) -> Result<usize> {
    let out = root.join(crate::project::OUTPUT);
    let kept: BTreeSet<&str> = outputs(now).collect();
    let gone: BTreeSet<&str> = outputs(before).filter(|o| !kept.contains(o)).collect();
    for file in &gone {
        output::remove(&out, file)?;
    }
    let kept: BTreeSet<&str> = held_pdfs(now).collect();
    let held: BTreeSet<&str> = held_pdfs(before).filter(|p| !kept.contains(p)).collect();
    for file in &held {
        output::remove(root, file)?;
    }
    Ok(gone.len() + held.len())
}

fn held_pdfs(state: &State) -> impl Iterator<Item = &str> {
    (state.letters.values()).flat_map(|r| {
        r.held_pdf
            .as_deref()
            .into_iter()
            .chain(r.held_docx.as_deref())
    })
}

fn outputs(state: &State) -> impl Iterator<Item = &str> {
    state
        .letters
        .values()
        .flat_map(|r| r.outputs.iter().map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_of_a_killed_build_goes_and_the_rest_is_listed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        for f in [
            ".gongwen-work-abc/0.json",
            "2022/.gongwen-x1.tmp",
            "2022/a.pdf",
            "index.html",
        ] {
            let p = out.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b"x").unwrap();
        }
        let present = scan(out);
        let mut listed: Vec<&str> = present.iter().map(String::as_str).collect();
        listed.sort();
        assert_eq!(listed, ["2022/a.pdf", "index.html"]);
        assert!(!out.join(".gongwen-work-abc").exists());
        assert!(!out.join("2022/.gongwen-x1.tmp").exists());
        assert!(out.join("2022/a.pdf").exists());
        assert!(out.join("index.html").exists());
    }
}
