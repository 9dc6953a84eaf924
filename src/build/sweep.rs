//! Keeping `output/` to what the build made: the scratch left by a build
//! that was killed, and the outputs of letters that are gone.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use anyhow::Result;
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

fn is_work_dir(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with(".gongwen-work-"))
}

fn is_temp_file(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with(".gongwen-") && n.ends_with(".tmp"))
}

/// Removes what the last build made and this one no longer does: the
/// outputs of deleted letters, the page of a letter now held back, images no
/// letter uses. Returns how many files went.
pub fn unmade(out: &Path, before: &State, now: &State) -> Result<usize> {
    let kept: BTreeSet<&str> = outputs(now).collect();
    let gone: BTreeSet<&str> = outputs(before).filter(|o| !kept.contains(o)).collect();
    for file in &gone {
        output::remove(out, file)?;
    }
    Ok(gone.len())
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
