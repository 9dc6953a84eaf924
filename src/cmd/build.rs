use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use super::ui::Ui;
use crate::build::Site;

/// Builds every letter; returns whether all of them built.
pub fn run(root: &Path, ui: &Ui) -> Result<bool> {
    let started = Instant::now();
    let site = Site::open(root)?;
    let report = site.build()?;
    for problems in &report.failed {
        ui.error(problems);
    }
    for built in &report.built {
        ui.detail(format!("built {}", built.display()));
    }
    let seconds = started.elapsed().as_secs_f64();
    let built = letters(report.built.len());
    if report.failed.is_empty() {
        ui.status(format!(
            "built {built} (PDF and HTML) into output/ in {seconds:.1}s"
        ));
    } else {
        // Shown even with -q: it says why the exit status is 1.
        ui.error(format!(
            "built {built} into output/ in {seconds:.1}s; {} failed (see above)",
            report.failed.len()
        ));
    }
    Ok(report.failed.is_empty())
}

pub fn letters(n: usize) -> String {
    format!("{n} letter{}", if n == 1 { "" } else { "s" })
}
