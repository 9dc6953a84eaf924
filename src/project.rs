//! A project folder: `letters/` (the sources), `templates/`, `fonts/`,
//! `gongwen.yaml`, and the generated `output/`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use walkdir::WalkDir;

pub const LETTERS: &str = "letters";
pub const OUTPUT: &str = "output";
pub const FONTS: &str = "fonts";

/// Every letter under `letters/`, relative to `root`, in path order.
/// Names starting with `_` or `.` are skipped: drafts, attachments, editor files.
pub fn find_letters(root: &Path) -> Result<Vec<PathBuf>> {
    let dir = root.join(LETTERS);
    if !dir.is_dir() {
        bail!(
            "no `{LETTERS}/` folder in {}\n  help: run gongwen in the project folder (or pass --root), and keep the letters in `{LETTERS}/`",
            root.display()
        );
    }
    let mut letters = Vec::new();
    let walk = WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !e
                    .file_name()
                    .to_str()
                    .is_some_and(|n| n.starts_with(['_', '.']))
        });
    for entry in walk {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let path = entry.path();
        if entry.file_type().is_file()
            && path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md"))
        {
            letters.push(
                path.strip_prefix(root)
                    .expect("walkdir stays under root")
                    .to_path_buf(),
            );
        }
    }
    Ok(letters)
}

/// The folders Typst takes fonts from: the project's `fonts/`, else the
/// Fandol fonts beside gongwen's own sources.
pub fn font_dirs(root: &Path) -> Result<Vec<PathBuf>> {
    let own = root.join(FONTS);
    if own.is_dir() {
        return Ok(vec![own]);
    }
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join(FONTS);
    if bundled.is_dir() {
        return Ok(vec![bundled]);
    }
    bail!("no `{FONTS}/` folder in {}\n  help: copy the Fandol fonts there (see fonts/README.md in gongwen)", root.display())
}

/// `letters/2022/70.md` → `2022/70.<extension>`, relative to `output/`.
pub fn output_path(source: &Path, extension: &str) -> PathBuf {
    source
        .strip_prefix(LETTERS)
        .unwrap_or(source)
        .with_extension(extension)
}

/// The relative way from a page at `page` (relative to `output/`) back to `output/`.
pub fn way_back(page: &Path) -> String {
    "../".repeat(page.components().count().saturating_sub(1))
}

/// URL form of a relative path.
pub fn url(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_letters_but_not_drafts_or_attachments() {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "letters/b.md",
            "letters/2022/a.md",
            "letters/_drafts/x.md",
            "letters/2022/_att/y.md",
            "letters/.z.md",
            "letters/n.txt",
        ] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        let found = find_letters(dir.path()).unwrap();
        assert_eq!(
            found,
            vec![
                PathBuf::from("letters/2022/a.md"),
                PathBuf::from("letters/b.md")
            ]
        );
    }

    #[test]
    fn output_paths_mirror_letters() {
        assert_eq!(
            output_path(Path::new("letters/2022/70.md"), "pdf"),
            PathBuf::from("2022/70.pdf")
        );
        assert_eq!(way_back(Path::new("2022/70.html")), "../");
        assert_eq!(way_back(Path::new("a.html")), "");
    }
}
