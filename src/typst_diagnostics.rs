//! What typst's failure on a letter means. Typst reports errors as
//! `file:line:column: error: message` lines (`--diagnostic-format short`),
//! each followed by its hints; this module reads them and names the cause
//! an author can act on. A bug in the layout is named only when nothing
//! the letter holds (an image, its size, its shape) can explain the error.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::typst_cli::{Failure, TIMEOUT_ENV};

/// One error or warning of typst's, with the hints under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The file it points at, when it points at one.
    pub file: Option<String>,
    pub line: Option<usize>,
    pub severity: Severity,
    pub text: String,
    pub hints: Vec<String>,
}

/// Typst's stderr as messages. A line that is neither a message nor a hint
/// (typst's own panic text, say) becomes an error of its own, so nothing it
/// said is lost.
pub fn parse(stderr: &str) -> Vec<Message> {
    let head = regex::Regex::new(r"^(?:(.+?):(\d+):(\d+): )?(error|warning): (.*)$")
        .expect("a valid pattern");
    let mut messages: Vec<Message> = Vec::new();
    for line in stderr
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
    {
        if let Some(hint) = line.trim_start().strip_prefix("= hint: ") {
            if let Some(last) = messages.last_mut() {
                last.hints.push(hint.to_string());
                continue;
            }
        }
        let message = match head.captures(line) {
            Some(c) => Message {
                file: c.get(1).map(|m| m.as_str().to_string()),
                line: c.get(2).and_then(|m| m.as_str().parse().ok()),
                severity: if &c[4] == "error" {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                text: c[5].to_string(),
                hints: Vec::new(),
            },
            None => Message {
                file: None,
                line: None,
                severity: Severity::Error,
                text: line.trim().to_string(),
                hints: Vec::new(),
            },
        };
        messages.push(message);
    }
    messages
}

/// Why typst could not lay out a letter.
#[derive(Debug, Clone, PartialEq)]
pub enum Cause {
    /// It ran past the letter's time budget.
    TooSlow { seconds: f64 },
    /// It died: out of memory or stack, on a letter too big or too deep.
    Crashed { how: String },
    /// The letter's data was too deep or too big for typst to read.
    TooDeep,
    /// An image (or the seal) the letter uses did not load.
    Image { images: Vec<String> },
    /// The machine, not the letter: typst did not start, a file could not be written.
    Machine,
    /// An error in the layout that nothing in the letter explains.
    LayoutBug,
}

/// The cause of `failure` on a letter that uses the files `deps`.
pub fn classify(failure: &Failure, deps: &[&str]) -> Cause {
    match failure {
        Failure::TimedOut(budget) => Cause::TooSlow {
            seconds: budget.as_secs_f64(),
        },
        Failure::Crashed { how, .. } => Cause::Crashed { how: how.clone() },
        Failure::NotRun(_) => Cause::Machine,
        // The layout decides which files a run writes.
        Failure::NoOutput(_) => Cause::LayoutBug,
        Failure::Reported(stderr) => classify_reported(&parse(stderr), deps),
    }
}

/// The cause of the errors typst reported, by what they say: too deep, an
/// image, the machine, else the layout.
fn classify_reported(messages: &[Message], deps: &[&str]) -> Cause {
    let errors: Vec<&Message> = messages
        .iter()
        .filter(|m| m.severity == Severity::Error)
        .collect();
    let says = |words: &[&str]| {
        errors.iter().any(|m| {
            let text = m.text.to_lowercase();
            words.iter().any(|w| text.contains(w))
        })
    };
    if says(&[
        "recursion limit",
        "maximum recursion",
        "stack overflow",
        "too deeply nested",
    ]) {
        return Cause::TooDeep;
    }
    if let Some(cause) = image_cause(&errors, deps, says) {
        return cause;
    }
    if says(&[
        "no space left",
        "permission denied",
        "input/output error",
        "failed to load font",
        "read-only file system",
    ]) {
        return Cause::Machine;
    }
    Cause::LayoutBug
}

/// The images among `deps` the errors name; else all of them, when the
/// errors speak of images without naming one (`says` tells whether they
/// use any of some words).
fn image_cause(
    errors: &[&Message],
    deps: &[&str],
    says: impl Fn(&[&str]) -> bool,
) -> Option<Cause> {
    let images: Vec<String> = deps
        .iter()
        .filter(|d| !d.ends_with(".md"))
        .map(|d| d.to_string())
        .collect();
    let named: Vec<String> = images
        .iter()
        .filter(|i| {
            errors.iter().any(|m| {
                m.text.contains(i.as_str())
                    || m.file.as_deref().is_some_and(|f| f.ends_with(i.as_str()))
            })
        })
        .cloned()
        .collect();
    if !named.is_empty() {
        return Some(Cause::Image { images: named });
    }
    let about_images = || {
        says(&[
            "image", "decode", "svg", "png", "jpeg", "jpg", "gif", "webp",
        ])
    };
    (!images.is_empty() && about_images()).then_some(Cause::Image { images })
}

/// The message for a letter typst failed on.
pub fn diagnostic(source: &Path, failure: &Failure, deps: &[&str]) -> Diagnostics {
    let cause = classify(failure, deps);
    let said = match failure {
        Failure::Reported(stderr) => shown(stderr),
        Failure::Crashed { message, .. } => shown(message),
        Failure::NotRun(why) | Failure::NoOutput(why) => why.clone(),
        Failure::TimedOut(_) => String::new(),
    };
    let (message, help) = match &cause {
        Cause::TooSlow { seconds } => (
            format!("typst took longer than {seconds} s over this letter and was stopped"),
            format!(
                "a very long table or a very large image is the usual cause: split the letter, \
                 or shrink the image; if it is right as it is, allow more time with {TIMEOUT_ENV}=<seconds> \
                 (the letter's other outputs are kept as they were)"
            ),
        ),
        Cause::Crashed { how } => (
            format!("typst {how} while laying out this letter"),
            "the letter is too big or too deeply structured for typst: split it, or shrink its images"
                .to_string(),
        ),
        Cause::TooDeep => (
            "typst could not lay out the letter".to_string(),
            "the letter is nested too deeply for typst to read (lists, quotes or emphasis inside \
             each other): flatten them"
                .to_string(),
        ),
        Cause::Image { images } => (
            "typst could not lay out the letter".to_string(),
            format!(
                "an image did not load: open {} and save it again as PNG or JPEG",
                images.join(", ")
            ),
        ),
        Cause::Machine => (
            "typst could not lay out the letter".to_string(),
            "the letter's text did not cause this: the machine did (see typst's message)".to_string(),
        ),
        Cause::LayoutBug => (
            "typst could not lay out the letter".to_string(),
            "this is a bug in the layout (templates/gongwen.typ): the letter's text cannot cause it"
                .to_string(),
        ),
    };
    let message = if said.is_empty() {
        message
    } else {
        format!("{message}:\n{}", indent(&said))
    };
    Diagnostic::new(source, message).help(help).into()
}

/// Typst's message as the author reads it: without its notice that bundles
/// are experimental, and naming the layout as the office knows it.
fn shown(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|l| {
            !l.starts_with("warning: bundle export is experimental")
                && !l.contains("hint: its behaviour may change")
                && !l.contains("hint: do not rely on this feature")
        })
        .map(layout_named)
        .collect::<Vec<_>>()
        .join("\n")
}

/// `…/.gongwen-work-x1/gongwen.typ:289:28: …` → `templates/gongwen.typ:289:28: …`:
/// the layout as the office knows it, not the build's scratch copy.
fn layout_named(line: &str) -> String {
    let copy = "/gongwen.typ";
    match (line.find(".gongwen-work-"), line.find(copy)) {
        (Some(work), Some(end)) if work < end => {
            let start = line[..work].rfind(char::is_whitespace).map_or(0, |i| i + 1);
            format!(
                "{}templates/gongwen.typ{}",
                &line[..start],
                &line[end + copy.len()..]
            )
        }
        _ => line.to_string(),
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn reported(stderr: &str) -> Failure {
        Failure::Reported(stderr.to_string())
    }

    #[test]
    fn messages_and_their_hints_are_read() {
        let m = parse(
            "/w/.gongwen-work-1/gongwen.typ:12:5: error: failed to parse JSON (recursion limit exceeded)\n  \
             = hint: a hint\nwarning: bundle export is experimental\nthread 'main' panicked",
        );
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].file.as_deref(), Some("/w/.gongwen-work-1/gongwen.typ"));
        assert_eq!(m[0].line, Some(12));
        assert_eq!(m[0].hints, ["a hint"]);
        assert_eq!(m[1].severity, Severity::Warning);
        assert_eq!(
            (m[2].severity, m[2].text.as_str()),
            (Severity::Error, "thread 'main' panicked")
        );
    }

    #[test]
    fn a_layout_bug_is_called_one_only_when_nothing_else_explains_it() {
        let deep =
            reported("/w/gongwen.typ:1:2: error: failed to parse JSON (recursion limit exceeded)");
        assert_eq!(classify(&deep, &[]), Cause::TooDeep);
        let image = reported("/w/gongwen.typ:1:2: error: failed to decode image (bad PNG)");
        assert_eq!(
            classify(&image, &["letters/_a/t.md", "letters/map.png"]),
            Cause::Image {
                images: vec!["letters/map.png".into()]
            }
        );
        // Without an image in the letter, a failed image is the layout's own.
        assert_eq!(classify(&image, &["letters/_a/t.md"]), Cause::LayoutBug);
        let disk =
            reported("error: failed to write PDF file (No space left on device (os error 28))");
        assert_eq!(classify(&disk, &[]), Cause::Machine);
        assert_eq!(
            classify(&Failure::TimedOut(Duration::from_secs(5)), &[]),
            Cause::TooSlow { seconds: 5.0 }
        );
        let bug = reported("/w/gongwen.typ:289:28: error: unknown variable: x");
        assert_eq!(classify(&bug, &["letters/map.png"]), Cause::LayoutBug);
    }

    #[test]
    fn messages_name_the_layout_not_its_scratch_copy() {
        assert_eq!(
            layout_named("../../t/.gongwen-work-1m5/gongwen.typ:289:28: error: failed"),
            "templates/gongwen.typ:289:28: error: failed"
        );
        assert_eq!(
            layout_named("error: something else"),
            "error: something else"
        );
    }

    #[test]
    fn a_failed_image_is_told_with_its_file() {
        let text = diagnostic(
            Path::new("letters/d.md"),
            &reported(
                "x/.gongwen-work-1/gongwen.typ:1:2: error: failed to decode image\n\
                 warning: bundle export is experimental\n = hint: its behaviour may change at any time",
            ),
            &["letters/_a/t.md", "letters/broken.png"],
        )
        .to_string();
        assert_eq!(
            text,
            "error: letters/d.md: typst could not lay out the letter:\n    \
             templates/gongwen.typ:1:2: error: failed to decode image\n  \
             help: an image did not load: open letters/broken.png and save it again as PNG or JPEG"
        );
    }
}
