use std::path::{Path, PathBuf};

use anyhow::Result;
use rayon::prelude::*;

use super::ui::Ui;
use crate::build;
use crate::config::Config;
use crate::diagnostic::Diagnostics;
use crate::lint::{self, Finding, Severity};
use crate::markdown::images;
use crate::output;
use crate::project;

/// What checking one letter found.
struct Checked {
    source: PathBuf,
    invalid: Option<Diagnostics>,
    findings: Vec<Finding>,
    fixed: usize,
}

/// Checks every letter (and with `fix`, applies the safe fixes); returns whether none has an error.
pub fn run(root: &Path, fix: bool, ui: &Ui) -> Result<bool> {
    let config = Config::load(root)?;
    let sources = project::find_letters(root)?;
    let checked: Vec<Checked> = sources
        .par_iter()
        .map(|source| check_letter(root, &config, source, fix))
        .collect::<Result<_>>()?;

    let (mut errors, mut warnings, mut fixed, mut fixed_letters) = (0, 0, 0, 0);
    for c in &checked {
        if let Some(problems) = &c.invalid {
            errors += problems.0.len();
            ui.error(problems);
        }
        for f in &c.findings {
            match f.severity {
                Severity::Error => {
                    errors += 1;
                    ui.error(f.display(&c.source));
                }
                Severity::Warning => {
                    warnings += 1;
                    ui.warning(f.display(&c.source));
                }
            }
        }
        if c.fixed > 0 {
            fixed += c.fixed;
            fixed_letters += 1;
            ui.detail(format!(
                "fixed {} in {}",
                problems(c.fixed),
                c.source.display()
            ));
        } else if c.invalid.is_none() && c.findings.is_empty() {
            ui.detail(format!("ok: {}", c.source.display()));
        }
    }
    let mut summary = format!(
        "checked {}: {}, {}",
        count(checked.len(), "letter"),
        count(errors, "error"),
        count(warnings, "warning")
    );
    if fix {
        summary.push_str(&format!(
            "; fixed {} in {}",
            problems(fixed),
            count(fixed_letters, "letter")
        ));
    }
    ui.status(summary);
    Ok(errors == 0)
}

fn check_letter(root: &Path, config: &Config, source: &Path, fix: bool) -> Result<Checked> {
    let path = root.join(source);
    // A file that is not UTF-8 is the loader's to explain.
    let text = std::fs::read_to_string(&path).ok();
    let read_attachment = |file: &str| {
        let path = images::within_project(source, file)?;
        std::fs::read_to_string(root.join(path)).ok()
    };
    let lint = |text: &str| lint::lint_with_attachments(source, text, &read_attachment);
    let mut findings = text.as_deref().map(lint).unwrap_or_default();
    let mut fixed = 0;
    if let (true, Some(text)) = (fix, &text) {
        let (new_text, applied) = lint::apply_fixes(text, &findings);
        if applied > 0 {
            // Written whole and in place; the author's file keeps its permissions.
            let permissions = std::fs::metadata(&path)?.permissions();
            output::write_atomic(&path, new_text.as_bytes())?;
            std::fs::set_permissions(&path, permissions)?;
            findings = lint(&new_text);
            fixed = applied;
        }
    }
    let invalid = build::load(root, &config.defaults, source).err();
    Ok(Checked {
        source: source.to_path_buf(),
        invalid,
        findings,
        fixed,
    })
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn problems(n: usize) -> String {
    count(n, "problem")
}
