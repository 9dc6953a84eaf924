//! Keeping `output/` to what the build made: the scratch left by a build
//! that was killed, and the outputs of letters that are gone.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Result;
use walkdir::WalkDir;

use super::state::State;
use crate::output;

/// Work folders and half-written files of a build that died (kill -9, power
/// cut). Called under the build lock, so no running build owns them.
pub fn scratch(out: &Path) {
    let leftovers: Vec<_> = WalkDir::new(out)
        .into_iter()
        .filter_entry(|e| !is_work_dir(e.file_name()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_temp_file(e.file_name()))
        .map(|e| e.into_path())
        .collect();
    for file in leftovers {
        let _ = std::fs::remove_file(file);
    }
    if let Ok(entries) = std::fs::read_dir(out) {
        for e in entries.flatten() {
            if is_work_dir(&e.file_name()) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
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
    fn scratch_of_a_killed_build_goes_and_nothing_else() {
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
        scratch(out);
        assert!(!out.join(".gongwen-work-abc").exists());
        assert!(!out.join("2022/.gongwen-x1.tmp").exists());
        assert!(out.join("2022/a.pdf").exists());
        assert!(out.join("index.html").exists());
    }
}
