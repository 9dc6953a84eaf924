use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Result;
use rayon::prelude::*;

use super::ui::Ui;
use crate::build;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::glyphs::{self, FontBook, GlyphWarning};
use crate::letter::Reading;
use crate::lint::{self, Finding, Severity};
use crate::markdown::images;
use crate::output;
use crate::project;

/// What checking one file (a letter or an attachment's pages) found.
struct Checked {
    source: PathBuf,
    invalid: Option<Diagnostics>,
    findings: Vec<Finding>,
    /// Characters its faces lack (see [`glyphs`]).
    glyphs: Vec<GlyphWarning>,
    fixed: usize,
}

/// Checks every letter and the attachment files they cite (and with `fix`,
/// applies the safe fixes); returns whether none has an error.
pub fn run(root: &Path, fix: bool, ui: &Ui) -> Result<bool> {
    let config = Config::load(root)?;
    let found = project::find_letters(root)?;
    // With no fonts folder, `build` reports that; `check` checks the rest.
    let book = project::font_dirs(root)
        .map(|dirs| FontBook::load(&dirs))
        .unwrap_or_default();
    let (checked, letter_count) = check_all(root, &config, &book, &found.letters, fix)?;
    let mut tally = Tally::default();
    // Folders that could not be walked (a symlink loop, no permission).
    for problems in &found.problems {
        tally.tell(ui, problems);
    }
    // The office defaults every letter prints, once.
    if let Ok(text) = std::fs::read_to_string(root.join(crate::config::FILE_NAME)) {
        let config = Path::new(crate::config::FILE_NAME);
        let glyphs: Vec<Diagnostic> = (glyphs::check_config(&book, &text).iter())
            .map(|g| g.diagnostic(config))
            .collect();
        tally.tell(ui, &glyphs);
    }
    for c in &checked {
        tally.file(ui, c);
    }
    ui.status(tally.summary(letter_count, checked.len() - letter_count, fix));
    Ok(tally.errors == 0)
}

/// Every letter, then each attachment file they cite once; with how many are letters.
fn check_all(
    root: &Path,
    config: &Config,
    book: &FontBook,
    letters: &[PathBuf],
    fix: bool,
) -> Result<(Vec<Checked>, usize)> {
    let letters: Vec<(Checked, Vec<PathBuf>)> = letters
        .par_iter()
        .map(|source| check_letter(root, config, book, source, fix))
        .collect::<Result<_>>()?;
    // Each attachment file once, even when several letters cite it.
    let attachments: BTreeSet<PathBuf> = letters
        .iter()
        .flat_map(|(_, files)| files.iter().cloned())
        .filter(|f| root.join(f).is_file())
        .collect();
    let attachments: Vec<Checked> = attachments
        .par_iter()
        .map(|file| check_attachment(root, book, file, fix))
        .collect::<Result<_>>()?;
    let letter_count = letters.len();
    let checked = (letters.into_iter().map(|(c, _)| c))
        .chain(attachments)
        .collect();
    Ok((checked, letter_count))
}

/// What `check` found, counted as it is printed.
#[derive(Default)]
struct Tally {
    errors: usize,
    warnings: usize,
    fixed: usize,
    fixed_files: usize,
}

impl Tally {
    /// Prints problems, counting them by severity.
    fn tell<'a>(&mut self, ui: &Ui, problems: impl IntoIterator<Item = &'a Diagnostic>) {
        for d in problems {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning | Severity::Note => self.warnings += 1,
            }
            ui.diagnostics([d]);
        }
    }

    /// One file: why it does not read, the rules' findings, the characters
    /// its faces lack; then what `--fix` changed in it.
    fn file(&mut self, ui: &Ui, c: &Checked) {
        if let Some(problems) = &c.invalid {
            self.tell(ui, problems);
        }
        let findings = c.findings.iter().map(|f| f.diagnostic(&c.source));
        let glyphs = c.glyphs.iter().map(|g| g.diagnostic(&c.source));
        let problems: Vec<Diagnostic> = findings.chain(glyphs).collect();
        self.tell(ui, &problems);
        if c.fixed > 0 {
            self.fixed += c.fixed;
            self.fixed_files += 1;
            let fixed = count(c.fixed, "problem");
            ui.detail(format!("fixed {fixed} in {}", c.source.display()));
        } else if problems.is_empty() && c.invalid.is_none() {
            ui.detail(format!("ok: {}", c.source.display()));
        }
    }

    fn summary(&self, letters: usize, attachment_files: usize, fix: bool) -> String {
        let mut summary = format!("checked {}", count(letters, "letter"));
        if attachment_files > 0 {
            summary.push_str(&format!(
                " and {}",
                count(attachment_files, "attachment file")
            ));
        }
        let (errors, warnings) = (count(self.errors, "error"), count(self.warnings, "warning"));
        summary.push_str(&format!(": {errors}, {warnings}"));
        if fix {
            let files = count(self.fixed_files, "file");
            summary.push_str(&format!(
                "; fixed {} in {files}",
                count(self.fixed, "problem")
            ));
        }
        summary
    }
}

/// Prints what a rule looks for, its source and its fix; returns whether the rule exists.
pub fn explain(name: &str, ui: &Ui) -> Result<bool> {
    if let Some(rule) = lint::rules::find(name) {
        print!("{}", rule.explain());
        return Ok(true);
    }
    let names: Vec<&str> = lint::rules::RULES.iter().map(|r| r.name).collect();
    let nearest = names
        .iter()
        .map(|n| (strsim::jaro_winkler(name, n), n))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let help = match nearest {
        Some((_, n)) => format!("did you mean `{n}`?"),
        None => format!("the rules are: {}", names.join(", ")),
    };
    ui.error(format!("error: no rule is named `{name}`\n  help: {help}"));
    Ok(false)
}

/// A letter, read as `build` reads it and linted; with the attachment files it cites.
fn check_letter(
    root: &Path,
    config: &Config,
    book: &FontBook,
    source: &Path,
    fix: bool,
) -> Result<(Checked, Vec<PathBuf>)> {
    let read_attachment = |file: &str| {
        let path = images::within_project(source, file)?;
        crate::regular::read_to_string(&root.join(path)).ok()
    };
    let (findings, fixed, text) = lint_file(root, source, fix, &|text| {
        lint::lint_with_attachments(source, text, &config.defaults, &read_attachment)
    })?;
    let glyphs = text
        .as_deref()
        .map(|t| glyphs::check_letter(book, source, t))
        .unwrap_or_default();
    let attachments = text
        .map(|t| lint::attachment_files(source, &t))
        .unwrap_or_default()
        .iter()
        .filter_map(|f| images::within_project(source, f))
        .collect();
    // (The 发文字号 is the rule `document-number`'s to report, with its fix.)
    let invalid = match crate::regular::read(&root.join(source)) {
        Ok(bytes) => build::load(root, &config.defaults, source, bytes, Reading::Check).err(),
        Err(e) => Some(Diagnostic::new(source, format!("cannot read the file: {e}")).into()),
    };
    let checked = Checked {
        source: source.to_path_buf(),
        invalid,
        findings,
        glyphs,
        fixed,
    };
    Ok((checked, attachments))
}

fn check_attachment(root: &Path, book: &FontBook, file: &Path, fix: bool) -> Result<Checked> {
    let (findings, fixed, text) = lint_file(root, file, fix, &lint::lint_attachment)?;
    Ok(Checked {
        source: file.to_path_buf(),
        invalid: None,
        findings,
        glyphs: text
            .map(|t| glyphs::check_attachment(book, &t))
            .unwrap_or_default(),
        fixed,
    })
}

/// The findings in a file (after fixing, with `fix`), how many were fixed, and its text.
fn lint_file(
    root: &Path,
    file: &Path,
    fix: bool,
    lint: &dyn Fn(&str) -> Vec<Finding>,
) -> Result<(Vec<Finding>, usize, Option<String>)> {
    let path = root.join(file);
    // A file that is not UTF-8 is the loader's to explain.
    let Ok(text) = crate::regular::read_to_string(&path) else {
        return Ok((Vec::new(), 0, None));
    };
    let findings = lint(&text);
    if !fix {
        return Ok((findings, 0, Some(text)));
    }
    let (fixed_text, applied) = lint::apply_fixes(&text, &findings);
    if applied == 0 {
        return Ok((findings, 0, Some(text)));
    }
    // Written whole and in place; the author's file keeps its permissions.
    let permissions = std::fs::metadata(&path)?.permissions();
    output::write_atomic(&path, fixed_text.as_bytes())?;
    std::fs::set_permissions(&path, permissions)?;
    Ok((lint(&fixed_text), applied, Some(fixed_text)))
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}
