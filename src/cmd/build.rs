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
    let built = report.built.len();
    if report.failed.is_empty() {
        eprintln!("built {built} letters (PDF and HTML) into output/ in {seconds:.1}s");
    } else {
        eprintln!(
            "built {built} letters into output/ in {seconds:.1}s; {} failed (see above)",
            report.failed.len()
        );
    }
    Ok(report.failed.is_empty())
}
