use std::path::Path;

use anyhow::Result;

use super::rebuild::Rebuilder;
use super::ui::Ui;

/// Builds every letter; returns whether all of them built.
pub fn run(root: &Path, ui: &Ui) -> Result<bool> {
    Rebuilder::new(root).build(ui)
}
