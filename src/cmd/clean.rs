use std::io::ErrorKind;
use std::path::Path;

use anyhow::{bail, Context, Result};

use super::ui::Ui;
use crate::output;
use crate::project::OUTPUT;

/// Removes `output/` and nothing else: a link named `output` goes, not what it points to.
pub fn run(root: &Path, ui: &Ui) -> Result<bool> {
    let out = root.join(OUTPUT);
    let meta = match std::fs::symlink_metadata(&out) {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            ui.status("nothing to clean: there is no output/");
            return Ok(true);
        }
        other => other.with_context(|| format!("cannot read {}", out.display()))?,
    };
    if meta.file_type().is_symlink() {
        std::fs::remove_file(&out)
            .with_context(|| format!("cannot remove the link {}", out.display()))?;
        ui.status("removed the output link (what it points to is left as it was)");
    } else if meta.is_dir() {
        // A build running now (watch, serve) finishes first: never half a build left behind.
        let _lock = output::lock(&out)?;
        // remove_dir_all removes links inside output/ without following them.
        std::fs::remove_dir_all(&out)
            .with_context(|| format!("cannot remove {}", out.display()))?;
        ui.status("removed output/");
    } else {
        bail!(
            "{} is a file, not the output folder\n  help: move it away; gongwen only removes the folder it builds",
            out.display()
        );
    }
    Ok(true)
}
