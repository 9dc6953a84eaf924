//! The writing rules of 公文 (the 党政机关公文处理工作条例, GB/T 9704-2012,
//! GB/T 15834 and GB/T 15835 as offices apply them), checked on a letter's
//! source text.
//!
//! Every rule is listed, with its source, in [`rules::RULES`]. Each rule
//! family has its own module and returns [`Finding`]s; a finding with an
//! [`Edit`] is one `gongwen check --fix` may apply on its own, because it
//! cannot change what the letter says.

mod citation;
mod closing;
mod dates;
mod digits;
mod direction;
mod document;
mod elements;
mod enumeration;
mod headings;
mod kinds;
mod marks;
pub mod number;
mod punctuation;
pub mod rules;

use std::fmt;
use std::ops::Range;
use std::path::Path;

pub use document::Document;

use crate::letter::RawMeta;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A change of the source that makes a finding go away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Byte range of the file's text.
    pub range: Range<usize>,
    pub replacement: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: usize,
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// What to do, in words.
    pub help: String,
    /// Set only for a safe fix, which `--fix` applies.
    pub edit: Option<Edit>,
}

impl Finding {
    fn new(
        severity: Severity,
        rule: &'static str,
        line: usize,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        debug_assert!(
            rules::find(rule).is_some_and(|r| severity <= r.severity),
            "{rule} is not in rules::RULES with this severity"
        );
        Finding {
            line,
            rule,
            severity,
            message: message.into(),
            help: help.into(),
            edit: None,
        }
    }

    fn error(
        rule: &'static str,
        line: usize,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        Finding::new(Severity::Error, rule, line, message, help)
    }

    fn warning(
        rule: &'static str,
        line: usize,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        Finding::new(Severity::Warning, rule, line, message, help)
    }

    fn fix(mut self, range: Range<usize>, replacement: impl Into<String>) -> Finding {
        self.edit = Some(Edit {
            range,
            replacement: replacement.into(),
        });
        self
    }

    /// `warning: letters/a.md:12: half-width-punctuation: …` and its fix below.
    pub fn display<'a>(&'a self, file: &'a Path) -> impl fmt::Display + 'a {
        struct Shown<'a>(&'a Finding, &'a Path);
        impl fmt::Display for Shown<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let Shown(d, file) = self;
                write!(
                    f,
                    "{}: {}:{}: {}: {}\n  fix: {}",
                    d.severity.label(),
                    file.display(),
                    d.line,
                    d.rule,
                    d.message,
                    d.help
                )?;
                if d.edit.is_some() {
                    write!(f, " (`gongwen check --fix` does this)")?;
                }
                Ok(())
            }
        }
        Shown(self, file)
    }
}

/// Every finding in a letter's text, in line order.
pub fn lint(file: &Path, text: &str) -> Vec<Finding> {
    lint_with_defaults(file, text, &RawMeta::default())
}

/// [`lint`], with the office defaults of `gongwen.yaml` for what the letter leaves out.
pub fn lint_with_defaults(file: &Path, text: &str, defaults: &RawMeta) -> Vec<Finding> {
    let Some(mut doc) = Document::parse(file, text) else {
        return Vec::new();
    };
    doc.defaults = defaults.clone();
    let mut findings = Vec::new();
    findings.extend(number::check(&doc));
    findings.extend(kinds::check(&doc));
    findings.extend(direction::check(&doc));
    findings.extend(closing::check(&doc));
    findings.extend(text_rules(&doc));
    findings.extend(elements::check(&doc));
    findings.sort_by_key(|f| f.line);
    findings
}

/// The rules of running text, for a letter and for its attachments' files.
fn text_rules(doc: &Document) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(punctuation::check(doc));
    findings.extend(marks::check(doc));
    findings.extend(dates::check(doc));
    findings.extend(digits::check(doc));
    findings.extend(citation::check(doc));
    findings.extend(headings::check(doc));
    findings.extend(enumeration::check(doc));
    findings
}

/// The rules of the text alone, for an attachment's own Markdown file
/// (which has no frontmatter, 主送 or 附件说明 of its own).
pub fn lint_attachment(text: &str) -> Vec<Finding> {
    let doc = Document::body_only(text);
    let mut findings = text_rules(&doc);
    findings.sort_by_key(|f| f.line);
    findings
}

/// The `file:` of each attachment of a letter, as written.
pub fn attachment_files(file: &Path, text: &str) -> Vec<String> {
    Document::parse(file, text)
        .map(|d| d.attachment_files())
        .unwrap_or_default()
}

/// An attachment's own Markdown file, read by the attachments rule.
pub type ReadAttachment<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// [`lint_with_defaults`], plus the rules that look into the attachments' files.
pub fn lint_with_attachments(
    file: &Path,
    text: &str,
    defaults: &RawMeta,
    read: &ReadAttachment,
) -> Vec<Finding> {
    let mut findings = lint_with_defaults(file, text, defaults);
    if let Some(doc) = Document::parse(file, text) {
        findings.extend(elements::attachment_titles(&doc, read));
        findings.sort_by_key(|f| f.line);
    }
    findings
}

/// The text with every safe fix applied; overlapping fixes after the first are left for a later run.
pub fn apply_fixes(text: &str, findings: &[Finding]) -> (String, usize) {
    let mut edits: Vec<&Edit> = findings.iter().filter_map(|f| f.edit.as_ref()).collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut applied = 0;
    for e in edits {
        if e.range.start < at {
            continue;
        }
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.replacement);
        at = e.range.end;
        applied += 1;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// `(line, rule, message)` of each finding of a letter whose body is `body`.
    pub fn findings(frontmatter: &str, body: &str) -> Vec<(usize, &'static str, String)> {
        let text = format!("---\n{frontmatter}---\n{body}");
        lint(Path::new("a.md"), &text)
            .into_iter()
            .map(|f| (f.line, f.rule, f.message))
            .collect()
    }

    /// The (line, message) of each finding of `rule`.
    pub fn findings_of(rule: &str, frontmatter: &str, body: &str) -> Vec<(usize, String)> {
        findings(frontmatter, body)
            .into_iter()
            .filter(|(_, r, _)| *r == rule)
            .map(|(l, _, m)| (l, m))
            .collect()
    }

    /// The letter with every safe fix applied.
    pub fn fixed(text: &str) -> String {
        let found = lint(Path::new("a.md"), text);
        apply_fixes(text, &found).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_reads_file_line_rule_message_and_fix() {
        let text = "---\ntitle: 关于某事的函\n---\n正文,如下。\n";
        let found = lint(Path::new("letters/a.md"), text);
        assert_eq!(
            found[0].display(Path::new("letters/a.md")).to_string(),
            "warning: letters/a.md:4: half-width-punctuation: half-width `,` in Chinese text\n  \
             fix: write `，` (`gongwen check --fix` does this)"
        );
    }

    #[test]
    fn an_attachment_is_held_to_the_rules_of_the_text_only() {
        let found = lint_attachment("项目储备表\n\n填报时间:2024年03月01日\n");
        let rules: Vec<_> = found.iter().map(|f| (f.line, f.rule)).collect();
        assert_eq!(
            rules,
            vec![(3, "half-width-punctuation"), (3, "date-leading-zero")]
        );
    }

    #[test]
    fn fixes_apply_and_leave_a_clean_letter() {
        let text = "---\ntitle: 关于某事的函\nnumber: 某函[2024]第07号\n---\n2024年06月03日,收到来函(见附件)。\n";
        let fixed = test_support::fixed(text);
        assert_eq!(
            fixed,
            "---\ntitle: 关于某事的函\nnumber: 某函〔2024〕7号\n---\n2024年6月3日，收到来函（见附件）。\n"
        );
        assert_eq!(lint(Path::new("a.md"), &fixed), vec![]);
    }
}
