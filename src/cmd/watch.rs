use std::path::Path;

use anyhow::{Context, Result};

use super::rebuild::Rebuilder;
use super::ui::Ui;
use crate::watch::{self, Changes};

/// Builds, then builds again on every save until stopped (Ctrl-C).
pub fn run(root: &Path, ui: &Ui) -> Result<bool> {
    rebuild_on_save(root, ui, &|| {})
}

/// The loop `watch` and `serve` share; `built` is told after each build.
pub fn rebuild_on_save(root: &Path, ui: &Ui, built: &dyn Fn()) -> Result<bool> {
    let root = root
        .canonicalize()
        .with_context(|| format!("cannot open the project folder {}", root.display()))?;
    // Watching starts before the first build, so a save during it is not missed.
    let (mut debouncer, events) = watch::watch(&root)?;
    let mut rebuilder = Rebuilder::new(&root);
    build(&mut rebuilder, ui, built);
    ui.status("watching letters/, templates/, fonts/ and gongwen.yaml; press Ctrl-C to stop");
    for batch in events {
        let changes = match batch {
            Ok(events) => {
                let paths = watch::changed_paths(events);
                for p in &paths {
                    ui.detail(format!("changed: {}", p.display()));
                }
                Changes::of(&root, &paths)
            }
            Err(errors) => {
                for e in errors {
                    ui.error(format!("error: watching the project: {e}"));
                }
                continue;
            }
        };
        if changes.site {
            rebuilder.reopen();
        }
        if changes.site || changes.folders {
            watch::watch_folders(&mut debouncer, &root)?;
        }
        if changes.any() {
            build(&mut rebuilder, ui, built);
        }
    }
    Ok(true)
}

/// One build; a failure is reported and the watching goes on.
fn build(rebuilder: &mut Rebuilder, ui: &Ui, built: &dyn Fn()) {
    if let Err(e) = rebuilder.build(ui) {
        ui.failure(&e);
    }
    built();
}
