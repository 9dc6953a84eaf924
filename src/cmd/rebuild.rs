//! The one place `watch` and `serve` build the site (`Site::open` then
//! `build`, which builds only what changed), again on every save.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;

use super::ui::Ui;
use crate::build::{Report, Site};

pub struct Rebuilder {
    root: PathBuf,
    /// Kept between builds; opened again when the config, templates or fonts change.
    site: Option<Site>,
}

impl Rebuilder {
    pub fn new(root: &Path) -> Rebuilder {
        Rebuilder {
            root: root.to_path_buf(),
            site: None,
        }
    }

    /// Forgets the opened site, so the next build reads gongwen.yaml, templates/ and fonts/ again.
    pub fn reopen(&mut self) {
        self.site = None;
    }

    /// Builds every letter and says how it went; returns whether all built.
    pub fn build(&mut self, ui: &Ui) -> Result<bool> {
        let started = Instant::now();
        let site = match self.site.take() {
            Some(site) => site,
            None => Site::open(&self.root)?,
        };
        let report = site.build();
        self.site = Some(site);
        let report = report?;
        ui.diagnostics(&report.glyphs);
        tell(&report, started.elapsed().as_secs_f64(), ui);
        Ok(report.failed.is_empty())
    }
}

fn tell(report: &Report, seconds: f64, ui: &Ui) {
    for failure in &report.failed {
        ui.diagnostics(&failure.problems);
    }
    for built in &report.built {
        ui.detail(format!("built {}", built.display()));
    }
    let summary = super::build::summary(report, seconds);
    if report.failed.is_empty() {
        ui.status(summary);
    } else {
        ui.error(summary);
    }
}
