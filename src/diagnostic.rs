//! Problems found in a letter, told the way an author can act on them:
//! severity, file, line, the field with its Chinese element name (or the
//! rule of `check`), and what to do. Every message of gongwen about a
//! letter is one of these: the reader's, the rules' of `check` (through
//! `lint::Finding::diagnostic`) and typst's (`typst_diagnostics`); they
//! are printed in one place, `cmd::ui::Ui::diagnostics`.

use std::fmt;
use std::path::PathBuf;

use crate::letter::fields::Field;

/// How bad a problem is: an error stops the letter (or fails `check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// What to do about a problem: advice (`help:`), or the fix the rule of
/// `check` that found it names (`fix:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Help {
    Help(String),
    Fix { rule: &'static str, fix: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as the user sees it: relative to the project root.
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub field: Option<&'static Field>,
    pub message: String,
    /// Boxed: a diagnostic travels in every `Result` of the reader.
    pub help: Option<Box<Help>>,
}

impl Diagnostic {
    pub fn new(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: None,
            column: None,
            field: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn at(mut self, line: Option<usize>, column: Option<usize>) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    pub fn field(mut self, field: &'static Field) -> Self {
        self.field = Some(field);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(Box::new(Help::Help(help.into())));
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Found by a rule of `check`, which names the fix.
    pub fn rule(mut self, rule: &'static str, fix: impl Into<String>) -> Self {
        let fix = fix.into();
        self.help = Some(Box::new(Help::Fix { rule, fix }));
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.severity.label(), self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": ")?;
        if let Some(field) = self.field {
            write!(f, "`{}` ({}): ", field.key, field.chinese)?;
        }
        if let Some(Help::Fix { rule, .. }) = self.help.as_deref() {
            write!(f, "{rule}: ")?;
        }
        write!(f, "{}", self.message)?;
        match self.help.as_deref() {
            Some(Help::Help(help)) => write!(f, "\n  help: {help}")?,
            Some(Help::Fix { fix, .. }) => write!(f, "\n  fix: {fix}")?,
            None => {}
        }
        Ok(())
    }
}

/// Every problem of one letter, so one run reports them all.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was reported, so callers can stop at the first stage that failed.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// So a stage can return them through `anyhow` and `main` still print them as they are.
impl std::error::Error for Diagnostics {}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}
