//! Images in a letter are files of the project: the PDF embeds them and the
//! intranet page carries a copy, so nothing is ever fetched from outside.

use std::path::{Component, Path, PathBuf};

use crate::diagnostic::Diagnostic;

/// Formats both Typst and every browser can show.
pub const EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "svg", "webp"];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImageError {
    #[error("image `{0}` is on the network")]
    Remote(String),
    #[error("image `{0}` is outside the project")]
    Outside(String),
    #[error("image `{0}` not found (looked for {1})")]
    Missing(String, String),
    #[error("image `{0}` is not a PNG, JPEG, GIF, SVG or WebP file")]
    Kind(String),
}

impl ImageError {
    pub fn help(&self) -> &'static str {
        match self {
            ImageError::Remote(_) => "save the image in the project (e.g. next to the letter) and give its path; the PDF and the intranet page load nothing from outside",
            ImageError::Outside(_) | ImageError::Missing(..) => "give a path relative to the letter (`seal.png`), or to the project root (`/images/seal.png`)",
            ImageError::Kind(_) => "convert it to PNG or JPEG",
        }
    }
}

/// The image's path relative to `root`; `url` is relative to the letter
/// `file`, or to the project root when it starts with `/`.
pub fn resolve(root: &Path, file: &Path, url: &str) -> Result<PathBuf, ImageError> {
    let err_url = url.to_string();
    if url.contains("://") || url.starts_with("data:") || url.starts_with("//") {
        return Err(ImageError::Remote(err_url));
    }
    let relative = within_project(
        file,
        &percent_encoding::percent_decode_str(url).decode_utf8_lossy(),
    )
    .ok_or_else(|| ImageError::Outside(err_url.clone()))?;
    let extension = relative
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if !extension.is_some_and(|e| EXTENSIONS.contains(&e.as_str())) {
        return Err(ImageError::Kind(err_url));
    }
    match inside(root, &relative) {
        Ok(()) => Ok(relative),
        Err(Escape::Missing) => Err(ImageError::Missing(err_url, relative.display().to_string())),
        Err(Escape::Outside) => Err(ImageError::Outside(err_url)),
    }
}

/// Why a path of the project cannot be used; each caller words it for
/// what the path names (an image, an attachment's file).
#[derive(Debug, PartialEq, Eq)]
enum Escape {
    /// `../` past the root, or a symlink whose target lies outside the project.
    Outside,
    /// No such file (or a symlink whose target is gone).
    Missing,
}

/// A file a letter names in a field (an attachment's pages), relative to
/// `root`: `path` is relative to the letter `file`, or to the root when it
/// starts with `/`. When it cannot be used, why, as a problem of `file`.
pub fn project_file(root: &Path, file: &Path, path: &str) -> Result<PathBuf, Diagnostic> {
    let message = match within_project(file, path) {
        None => format!("file `{path}` is outside the project"),
        Some(relative) => match inside(root, &relative) {
            Ok(()) => return Ok(relative),
            Err(Escape::Outside) => format!("file `{path}` is outside the project"),
            Err(Escape::Missing) => {
                format!(
                    "file `{path}` not found (looked for {})",
                    relative.display()
                )
            }
        },
    };
    Err(Diagnostic::new(file, message))
}

/// Checks that `relative` is a file that really lies in the project: the
/// path alone cannot tell, as a symlink in it may point anywhere.
fn inside(root: &Path, relative: &Path) -> Result<(), Escape> {
    let full = root.join(relative);
    if !full.is_file() {
        return Err(Escape::Missing);
    }
    let (Ok(real), Ok(real_root)) = (full.canonicalize(), root.canonicalize()) else {
        return Err(Escape::Missing);
    };
    if real.starts_with(real_root) {
        Ok(())
    } else {
        Err(Escape::Outside)
    }
}

/// A path given in `file` (relative to it, or to the project root when it
/// starts with `/`), relative to the root; `None` if it leads outside.
pub fn within_project(file: &Path, path: &str) -> Option<PathBuf> {
    let joined = match path.strip_prefix('/') {
        Some(from_root) => PathBuf::from(from_root),
        None => file.parent().unwrap_or(Path::new("")).join(path),
    };
    normalize(&joined)
}

/// Resolves `.` and `..` without touching the disk; `None` if it climbs out.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_inside_the_project_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("letters/2022")).unwrap();
        std::fs::create_dir_all(dir.path().join("images")).unwrap();
        std::fs::write(dir.path().join("letters/2022/map.png"), b"png").unwrap();
        std::fs::write(dir.path().join("images/seal one.png"), b"png").unwrap();
        let file = Path::new("letters/2022/a.md");
        assert_eq!(
            resolve(dir.path(), file, "map.png"),
            Ok(PathBuf::from("letters/2022/map.png"))
        );
        assert_eq!(
            resolve(dir.path(), file, "/images/seal%20one.png"),
            Ok(PathBuf::from("images/seal one.png"))
        );
        assert_eq!(
            resolve(dir.path(), file, "../../images/seal one.png"),
            Ok(PathBuf::from("images/seal one.png"))
        );
        assert!(matches!(
            resolve(dir.path(), file, "../../../etc/x.png"),
            Err(ImageError::Outside(_))
        ));
        assert!(matches!(
            resolve(dir.path(), file, "https://a.cn/x.png"),
            Err(ImageError::Remote(_))
        ));
        assert!(matches!(
            resolve(dir.path(), file, "gone.png"),
            Err(ImageError::Missing(..))
        ));
        assert!(matches!(
            resolve(dir.path(), file, "a.md"),
            Err(ImageError::Kind(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_project_is_outside() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.png"), b"png").unwrap();
        std::fs::write(outside.path().join("secret.md"), b"text").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let letters = dir.path().join("letters");
        std::fs::create_dir_all(&letters).unwrap();
        std::fs::write(letters.join("real.png"), b"png").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.png"), letters.join("map.png"))
            .unwrap();
        std::os::unix::fs::symlink(outside.path(), letters.join("shared")).unwrap();
        std::os::unix::fs::symlink("real.png", letters.join("alias.png")).unwrap();
        let file = Path::new("letters/a.md");
        assert_eq!(
            resolve(dir.path(), file, "map.png"),
            Err(ImageError::Outside("map.png".into()))
        );
        let problem = |path| project_file(dir.path(), file, path).unwrap_err().message;
        assert_eq!(
            problem("shared/secret.md"),
            "file `shared/secret.md` is outside the project"
        );
        assert_eq!(
            resolve(dir.path(), file, "alias.png"),
            Ok(PathBuf::from("letters/alias.png")),
            "a link inside the project is fine"
        );
        assert_eq!(
            problem("/etc/passwd"),
            "file `/etc/passwd` not found (looked for etc/passwd)",
            "a leading / means the project root, never the disk's"
        );
        assert_eq!(
            problem("../../x.md"),
            "file `../../x.md` is outside the project"
        );
    }
}
