//! Which saves in a project call for a rebuild: anything in `letters/`, and
//! (with the site opened again) `gongwen.yaml`, `templates/` and `fonts/`.
//! `output/` is never watched, so a build does not set off another.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use anyhow::{Context, Result};
use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    new_debouncer, DebounceEventResult, DebouncedEvent, Debouncer, RecommendedCache,
};

use crate::config;
use crate::project::{FONTS, LETTERS};
use crate::templates;

/// Saves closer together than this make one rebuild (an editor writes a file in several steps).
const SETTLE: Duration = Duration::from_millis(200);

/// What a batch of saves touched.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Changes {
    pub letters: bool,
    /// The config, a template or a font: the site must be opened again.
    pub site: bool,
    /// letters/, templates/ or fonts/ itself was made or removed: watch it anew.
    pub folders: bool,
}

impl Changes {
    pub fn any(self) -> bool {
        self.letters || self.site
    }

    /// Sorts changed paths (absolute, under the absolute `root`).
    pub fn of(root: &Path, paths: &[PathBuf]) -> Changes {
        let mut c = Changes::default();
        for path in paths {
            let Ok(rel) = path.strip_prefix(root) else {
                continue;
            };
            let first = rel
                .components()
                .next()
                .map(|c| c.as_os_str().to_string_lossy());
            let folder = matches!(first.as_deref(), Some(LETTERS | FONTS | templates::DIR));
            if folder && rel.components().count() == 1 {
                c.folders = true;
            }
            match first.as_deref() {
                Some(LETTERS) => c.letters = true,
                Some(FONTS | templates::DIR) => c.site = true,
                Some(name) if name == config::FILE_NAME => c.site = true,
                _ => {}
            }
        }
        c
    }
}

/// The paths that were written, made or removed; a build reading the letters opens them, and that is no change.
pub fn changed_paths(events: Vec<DebouncedEvent>) -> Vec<PathBuf> {
    events
        .into_iter()
        .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
        .flat_map(|e| e.event.paths)
        .collect()
}

/// Watches the project at the absolute `root`; keep the watcher alive while reading the receiver.
pub fn watch(
    root: &Path,
) -> Result<(
    Debouncer<RecommendedWatcher, RecommendedCache>,
    Receiver<DebounceEventResult>,
)> {
    let (tx, rx) = mpsc::channel();
    let mut debouncer =
        new_debouncer(SETTLE, None, tx).context("cannot watch the project for changes")?;
    // The root itself, not its sub-folders: gongwen.yaml, and templates/ or fonts/ appearing.
    debouncer
        .watch(root, RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch {}", root.display()))?;
    watch_folders(&mut debouncer, root)?;
    Ok((debouncer, rx))
}

/// Watches letters/, templates/ and fonts/ with all below them; again after
/// a change of the site, so that a templates/ made since is watched too.
pub fn watch_folders(
    debouncer: &mut Debouncer<RecommendedWatcher, RecommendedCache>,
    root: &Path,
) -> Result<()> {
    for dir in [LETTERS, templates::DIR, FONTS] {
        let dir = root.join(dir);
        if dir.is_dir() {
            debouncer
                .watch(&dir, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch {}", dir.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_rebuild_config_reopens_output_is_ignored() {
        let root = Path::new("/p");
        let of = |p: &str| Changes::of(root, &[root.join(p)]);
        let changes = |letters, site, folders| Changes {
            letters,
            site,
            folders,
        };
        assert_eq!(of("letters/2024/a.md"), changes(true, false, false));
        assert_eq!(of("letters"), changes(true, false, true));
        assert_eq!(of("gongwen.yaml"), changes(false, true, false));
        assert_eq!(of("templates/style.css"), changes(false, true, false));
        assert!(!of("output/index.html").any());
        assert!(!of(".git/index").any());
        assert!(!Changes::of(root, &[PathBuf::from("/elsewhere/letters/a.md")]).any());
    }
}
