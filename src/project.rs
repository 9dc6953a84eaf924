//! A project folder: `letters/` (the sources), `templates/`, `fonts/`,
//! `gongwen.yaml`, and the generated `output/`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::{embedded, regular};

pub const LETTERS: &str = "letters";
pub const OUTPUT: &str = "output";
pub const FONTS: &str = "fonts";

/// What is under `letters/`: the letters, and the folders that could not be walked.
#[derive(Debug, Default)]
pub struct Found {
    /// Relative to the project root, in path order.
    pub letters: Vec<PathBuf>,
    /// A symlink loop or an unreadable folder: reported, and the rest still built.
    pub problems: Vec<Diagnostics>,
}

/// Every letter under `letters/`, relative to `root`, in path order.
/// Names starting with `_` or `.` are skipped: drafts, attachments, editor files.
/// Symlinked folders are followed (an office may link a shared folder in);
/// walkdir notices a link back to an ancestor, so a loop is reported, not walked forever.
pub fn find_letters(root: &Path) -> Result<Found> {
    let dir = root.join(LETTERS);
    if !dir.is_dir() {
        bail!(
            "no `{LETTERS}/` folder in {}\n  help: run gongwen in the project folder (or pass --root), and keep the letters in `{LETTERS}/`",
            root.display()
        );
    }
    let mut found = Found::default();
    let walk = WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !e
                    .file_name()
                    .to_str()
                    .is_some_and(|n| n.starts_with(['_', '.']))
        });
    let relative = |path: &Path| path.strip_prefix(root).unwrap_or(path).to_path_buf();
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                found.problems.push(walk_problem(&e, relative).into());
                continue;
            }
        };
        let path = entry.path();
        let markdown = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"));
        if !markdown {
            continue;
        }
        if entry.file_type().is_file() {
            found.letters.push(relative(path));
        } else if let Some(kind) = entry.metadata().ok().as_ref().and_then(regular::odd_kind) {
            found.problems.push(
                Diagnostic::new(
                    relative(path),
                    format!("{kind}, not a file: skipped, never read"),
                )
                .help(
                    "a letter is a plain .md file: remove this one, or rename it to start with `_`",
                )
                .into(),
            );
        }
    }
    Ok(found)
}

fn walk_problem(e: &walkdir::Error, relative: impl Fn(&Path) -> PathBuf) -> Diagnostic {
    let path = relative(e.path().unwrap_or(Path::new(LETTERS)));
    match e.loop_ancestor() {
        Some(ancestor) => Diagnostic::new(
            path,
            format!(
                "symlink loop: this link leads back to {}, which holds it; it is not followed",
                relative(ancestor).display()
            ),
        )
        .help("remove the link, or make it point at a folder that does not contain it"),
        None => Diagnostic::new(
            path,
            format!(
                "cannot be read: {}",
                e.io_error()
                    .map_or_else(|| e.to_string(), |io| io.to_string())
            ),
        )
        .help("a link whose target is gone is removed with `rm`; a folder needs read permission"),
    }
}

/// The folders Typst takes fonts from: the project's `fonts/` first, then
/// gongwen's own fonts (the Fandol faces and the fallback fonts, carried in
/// the binary and written out once to the user's cache). Typst takes the
/// first face of a family and style it finds, so a face in `fonts/` wins over
/// gongwen's of the same name, and a project that has them all (after
/// `gongwen init --eject`) is not given gongwen's at all.
pub fn font_dirs(root: &Path) -> Result<Vec<PathBuf>> {
    let own = root.join(FONTS);
    let mut dirs = Vec::new();
    if own.is_dir() {
        no_odd_files(root, &own)?;
        let has_all = embedded::FONT_FILES
            .iter()
            .filter(|f| f.is_font())
            .all(|f| own.join(f.path).is_file());
        if has_all {
            return Ok(vec![own]);
        }
        dirs.push(own);
    }
    dirs.push(embedded::fonts_dir()?);
    Ok(dirs)
}

/// Fails on a named pipe, socket or device in `dir`: typst reads every
/// file of its font folders, and would wait on a pipe for ever.
fn no_odd_files(root: &Path, dir: &Path) -> Result<()> {
    for entry in WalkDir::new(dir).follow_links(true).into_iter().flatten() {
        if let Some(kind) = entry.metadata().ok().as_ref().and_then(regular::odd_kind) {
            let path = entry.path().strip_prefix(root).unwrap_or(entry.path());
            bail!(
                "{}: {kind} among the fonts; no PDF can be built while it is there\n  \
                 help: remove it: `{FONTS}/` holds only font files",
                path.display()
            );
        }
    }
    Ok(())
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

/// A file inside `root` as Typst names it when run with `--root root`:
/// absolute from the project, `/output/…`. None for a file outside it.
pub fn typst_path(root: &Path, file: &Path) -> Option<String> {
    file.strip_prefix(root).ok().map(|p| format!("/{}", url(p)))
}

/// What a path segment keeps in a link: RFC 3986's unreserved characters.
/// Everything else is percent-encoded, so `#`, `?`, `%`, `&` and spaces in
/// a file name stay part of it, and non-ASCII names work on any server.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A relative path in URL form (`/`-separated), as a link: each segment percent-encoded.
pub fn href(url_path: &str) -> String {
    url_path
        .split('/')
        .map(|segment| percent_encoding::utf8_percent_encode(segment, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
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
        assert!(found.problems.is_empty());
        assert_eq!(
            found.letters,
            vec![
                PathBuf::from("letters/2022/a.md"),
                PathBuf::from("letters/b.md")
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_is_reported_with_its_path_and_the_rest_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let year = dir.path().join("letters/2024");
        std::fs::create_dir_all(&year).unwrap();
        std::fs::write(year.join("a.md"), "").unwrap();
        std::os::unix::fs::symlink("..", year.join("loop")).unwrap();
        std::os::unix::fs::symlink("gone", year.join("dangling.md")).unwrap();
        let found = find_letters(dir.path()).unwrap();
        assert_eq!(found.letters, vec![PathBuf::from("letters/2024/a.md")]);
        let problems: Vec<String> = found.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            problems,
            vec![
                "error: letters/2024/dangling.md: cannot be read: No such file or directory (os error 2)\n  \
                 help: a link whose target is gone is removed with `rm`; a folder needs read permission",
                "error: letters/2024/loop: symlink loop: this link leads back to letters, which holds it; \
                 it is not followed\n  help: remove the link, or make it point at a folder that does not contain it",
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_among_the_letters_is_reported_and_the_rest_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let year = dir.path().join("letters/2024");
        std::fs::create_dir_all(&year).unwrap();
        std::fs::write(year.join("a.md"), "").unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(year.join("pipe.md"))
            .status()
            .unwrap();
        assert!(made.success());
        let found = find_letters(dir.path()).unwrap();
        assert_eq!(found.letters, vec![PathBuf::from("letters/2024/a.md")]);
        let problems: Vec<String> = found.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            problems,
            vec![
                "error: letters/2024/pipe.md: a named pipe (FIFO), not a file: skipped, never read\n  \
                 help: a letter is a plain .md file: remove this one, or rename it to start with `_`"
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
        assert_eq!(
            href("t/name with #hash ?q&a=50%.html"),
            "t/name%20with%20%23hash%20%3Fq%26a%3D50%25.html"
        );
        assert_eq!(href("2022/复函.pdf"), "2022/%E5%A4%8D%E5%87%BD.pdf");
    }
}
