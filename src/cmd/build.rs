use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use super::ui::{Ui, Verbosity};
use crate::build::{Options, Report, Site};

/// Builds the letters; returns whether all of them built.
pub fn run(root: &Path, mut options: Options, ui: &Ui) -> Result<bool> {
    let started = Instant::now();
    options.progress = std::io::stderr().is_terminal() && ui.verbosity > Verbosity::Quiet;
    let site = Site::open(root)?;
    let report = site.build_with(&options)?;
    for failure in &report.failed {
        ui.diagnostics(&failure.problems);
    }
    for built in &report.built {
        ui.detail(format!("built {}", built.display()));
    }
    ui.diagnostics(&report.glyphs);
    // With failures the summary says why the exit status is 1, so -q keeps it.
    let summary = summary(&report, started.elapsed().as_secs_f64());
    if report.failed.is_empty() {
        ui.status(summary);
    } else {
        ui.error(summary);
    }
    Ok(report.failed.is_empty())
}

/// One line: built, up to date, failed, held back, removed, time.
pub fn summary(report: &Report, seconds: f64) -> String {
    let mut line = if report.built.is_empty() && report.failed.is_empty() {
        format!(
            "nothing to build: {} up to date ({seconds:.1}s)",
            letters(report.up_to_date)
        )
    } else if report.up_to_date > 0 {
        format!(
            "built {} into output/ in {seconds:.1}s ({} up to date)",
            letters(report.built.len()),
            report.up_to_date
        )
    } else {
        format!(
            "built {} into output/ in {seconds:.1}s",
            letters(report.built.len())
        )
    };
    if !report.failed.is_empty() {
        let stale = report.failed.iter().filter(|f| f.stale).count();
        line += &format!("; {} failed (see above)", report.failed.len());
        if stale > 0 {
            line += &format!(
                ", {stale} of them still {} the last good PDF and page, now stale",
                if stale == 1 { "has" } else { "have" }
            );
        }
    }
    if !report.held_back.is_empty() {
        let mut reasons: Vec<(&str, usize)> = Vec::new();
        for (_, reason) in &report.held_back {
            match reasons.iter_mut().find(|(r, _)| *r == reason.chinese()) {
                Some((_, n)) => *n += 1,
                None => reasons.push((reason.chinese(), 1)),
            }
        }
        let why: Vec<String> = reasons.iter().map(|(r, n)| format!("{r} {n}")).collect();
        line += &format!(
            "; {} held back from the HTML site ({}), PDF only, in {}/ (outside output/)",
            letters(report.held_back.len()),
            why.join(", "),
            report.restricted.display()
        );
    }
    if report.removed > 0 {
        line += &format!(
            "; removed {} output file{} no letter makes any more",
            report.removed,
            if report.removed == 1 { "" } else { "s" }
        );
    }
    line
}

fn letters(n: usize) -> String {
    format!("{n} letter{}", if n == 1 { "" } else { "s" })
}
