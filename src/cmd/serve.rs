use std::path::Path;

use anyhow::{Context, Result};

use super::ui::Ui;
use super::watch::rebuild_on_save;
use crate::project::OUTPUT;
use crate::serve::{self, Version};

/// Serves output/ on localhost and rebuilds on every save; open pages reload themselves.
pub fn run(root: &Path, port: u16, ui: &Ui) -> Result<bool> {
    let out = root.join(OUTPUT);
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let version = Version::default();
    // Serving starts before the first build: pages built before are there at once.
    let addr = serve::start(&out.canonicalize()?, port, version.clone())?;
    println!("serving output/ at http://{addr}/");
    rebuild_on_save(root, ui, &|| version.bump())
}
