use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use crate::build::Site;

/// Builds every letter; returns whether all of them built.
pub fn run(root: &Path) -> Result<bool> {
    let started = Instant::now();
    let site = Site::open(root)?;
    let report = site.build()?;
    for problems in &report.failed {
        eprintln!("{problems}");
    }
    let seconds = started.elapsed().as_secs_f64();
    let built = letters(report.built.len());
    if report.failed.is_empty() {
        eprintln!("built {built} (PDF and HTML) into output/ in {seconds:.1}s");
    } else {
        eprintln!(
            "built {built} into output/ in {seconds:.1}s; {} failed (see above)",
            report.failed.len()
        );
    }
    Ok(report.failed.is_empty())
}

fn letters(n: usize) -> String {
    format!("{n} letter{}", if n == 1 { "" } else { "s" })
}
