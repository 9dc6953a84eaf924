//! What the commands print, and how: `-q` keeps only errors, `-v` adds
//! detail, and labels are coloured only on a terminal (anstream strips the
//! colour when stderr is a pipe or a file, or when NO_COLOR is set).

use std::fmt::Display;

use anstyle::{AnsiColor, Style};

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Verbosity {
    Quiet,
    #[default]
    Normal,
    Verbose,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Ui {
    pub verbosity: Verbosity,
}

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const HELP: Style = AnsiColor::Cyan.on_default().bold();

impl Ui {
    /// An error: shown even with `-q`.
    pub fn error(&self, message: impl Display) {
        anstream::eprintln!("{}", paint(&message.to_string()));
    }

    /// A warning: hidden by `-q`.
    pub fn warning(&self, message: impl Display) {
        if self.verbosity > Verbosity::Quiet {
            anstream::eprintln!("{}", paint(&message.to_string()));
        }
    }

    /// Problems, each as its severity says: errors always, warnings and
    /// notes unless `-q`. The one place a problem is printed.
    pub fn diagnostics<'a>(&self, problems: impl IntoIterator<Item = &'a Diagnostic>) {
        for d in problems {
            match d.severity {
                Severity::Error => self.error(d),
                Severity::Warning | Severity::Note => self.warning(d),
            }
        }
    }

    /// A command that failed: its problems when it tells them as
    /// diagnostics (the office config's), else its error.
    pub fn failure(&self, e: &anyhow::Error) {
        match e.downcast_ref::<Diagnostics>() {
            Some(problems) => self.diagnostics(problems),
            None => self.error(format!("error: {e:#}")),
        }
    }

    /// What a command did, in one line: hidden by `-q`.
    pub fn status(&self, message: impl Display) {
        if self.verbosity > Verbosity::Quiet {
            anstream::eprintln!("{message}");
        }
    }

    /// Step by step, only with `-v`.
    pub fn detail(&self, message: impl Display) {
        if self.verbosity >= Verbosity::Verbose {
            anstream::eprintln!("{message}");
        }
    }
}

/// Colours the `error:` / `warning:` / `note:` / `help:` / `fix:` labels at the start of each line.
pub fn paint(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let indent = &line[..line.len() - line.trim_start().len()];
        let rest = line.trim_start();
        let labelled = [
            ("error:", ERROR),
            ("warning:", WARNING),
            ("note:", HELP),
            ("help:", HELP),
            ("fix:", HELP),
        ]
        .into_iter()
        .find(|(label, _)| rest.starts_with(label));
        match labelled {
            Some((label, style)) => {
                out.push_str(indent);
                out.push_str(&format!("{style}{label}{style:#}"));
                out.push_str(&rest[label.len()..]);
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_coloured_and_the_text_is_kept() {
        let painted = paint("error: a.md:3: bad\n  help: fix it\nplain");
        assert_eq!(
            anstream::adapter::strip_str(&painted).to_string(),
            "error: a.md:3: bad\n  help: fix it\nplain"
        );
        assert!(
            painted.starts_with("\u{1b}[1m\u{1b}[31merror:"),
            "{painted:?}"
        );
    }
}
