//! A letter: its frontmatter checked into [`Meta`], and its Markdown body.

mod attendees;
pub mod fields;
pub mod frontmatter;
mod model;
pub mod number;
pub mod print;
mod resolve;
mod values;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use attendees::Attendees;
pub use model::{Meta, RawMeta};
pub use resolve::MAX_TITLE_CHARS;
pub use values::{Attachment, Choice, Format, Output, Publish, Title, Urgency};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::markdown::images;
use crate::markdown::{Body, Source};
use fields::Field;
use frontmatter::Reader;

/// Who reads the letter: `build`, or `check`, whose rule `document-number`
/// reports a badly written 发文字号 (by the same grammar, with its fix) in
/// place of the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    Build,
    Check,
}

#[derive(Debug, Clone)]
pub struct Letter {
    /// Relative to the project root, e.g. `letters/2022/70.md`.
    pub source: PathBuf,
    pub meta: Meta,
    pub body: String,
    /// 1-based line of the source where the body starts.
    pub body_line: usize,
    /// The line of each frontmatter key, for messages about a field found later on.
    field_lines: HashMap<&'static str, usize>,
}

impl Letter {
    /// Parses a letter's text; `defaults` come from the office config.
    pub fn parse(source: &Path, text: &str, defaults: &RawMeta) -> Result<Letter, Diagnostics> {
        Letter::parse_for(source, text, defaults, Reading::Build)
    }

    /// [`Letter::parse`], for `build` or for `check`.
    pub fn parse_for(
        source: &Path,
        text: &str,
        defaults: &RawMeta,
        reading: Reading,
    ) -> Result<Letter, Diagnostics> {
        let split = frontmatter::split(source, text)?;
        let mut reader = Reader::new(source, split.yaml, split.yaml_line, fields::ALL)?;
        reader.number_left_to_check = reading == Reading::Check;
        let raw = RawMeta::read(&mut reader);
        let meta = Meta::resolve(raw.or(defaults), &mut reader);
        let diagnostics = std::mem::take(&mut reader.diagnostics);
        diagnostics.into_result(())?;
        let field_lines = fields::ALL
            .iter()
            .filter_map(|f| Some((f.key, reader.line_of(f)?)))
            .collect();
        Ok(Letter {
            source: source.to_path_buf(),
            meta: meta.expect("a letter without diagnostics resolves"),
            body: split.body.to_string(),
            body_line: split.body_line,
            field_lines,
        })
    }

    /// The line where `field` stands in the frontmatter, if the letter sets it.
    pub fn line_of(&self, field: &Field) -> Option<usize> {
        self.field_lines.get(field.key).copied()
    }

    /// Reads `root/source` and parses it; `source` is relative to `root`.
    pub fn from_file(
        root: &Path,
        source: &Path,
        defaults: &RawMeta,
    ) -> Result<Letter, Diagnostics> {
        let bytes = crate::regular::read(&root.join(source)).map_err(|e| {
            Diagnostic::new(source, format!("cannot read the file: {e}"))
                .help("check that the file is there and readable")
        })?;
        Letter::from_bytes(root, source, bytes, defaults, Reading::Build)
    }

    /// Parses a letter's file contents, which need not be UTF-8 yet; `root`
    /// is where the files it names (its seal, its images) are looked for.
    pub fn from_bytes(
        root: &Path,
        source: &Path,
        bytes: Vec<u8>,
        defaults: &RawMeta,
        reading: Reading,
    ) -> Result<Letter, Diagnostics> {
        let text = decode_utf8(source, bytes)?;
        let letter =
            Letter::parse_for(source, &text, defaults, reading).map_err(|mut problems| {
                // So one run names the body's problems too, not only the frontmatter's.
                if let Ok(split) = frontmatter::split(source, &text) {
                    let body = Source {
                        root,
                        file: source,
                        first_line: split.body_line,
                    };
                    if let Err(more) = Body::parse(&body, split.body) {
                        problems.0.extend(more.0);
                    }
                }
                problems
            })?;
        let stamps = [
            (&letter.meta.seal, &fields::SEAL, "seal"),
            (&letter.meta.signature, &fields::SIGNATURE, "签名章"),
        ];
        for (path, field, what) in stamps {
            let Some(path) = path else { continue };
            // Checked as an image is: there, and not a link out of the project.
            if let Err(e) = images::resolve(root, Path::new(""), &format!("/{path}")) {
                return Err(Diagnostic::new(source, format!("{what} {e}"))
                    .at(letter.line_of(field), None)
                    .field(field)
                    .help(format!("put the image there, or fix the path in `{}:` (relative to the letter, or to the project root when it starts with `/`)", field.key))
                    .into());
            }
        }
        Ok(letter)
    }
}

/// Letters saved from Word are often GBK; say so rather than print mojibake.
pub(crate) fn decode_utf8(source: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        let before = String::from_utf8_lossy(&bytes[..at]);
        let line_start = before.rsplit('\n').next().unwrap_or_default();
        let column = line_start.chars().count() + 1;
        let mut d = Diagnostic::new(source, "the file is not UTF-8 text (it may be GBK, as Word and Notepad save by default)")
            .at(Some(line), Some(column))
            .help("save it again as UTF-8 (Word: 另存为 → 纯文本 → 编码 UTF-8), or convert it: iconv -f GBK -t UTF-8");
        // The bad bytes usually sit in a frontmatter value: name its field.
        if let Some(field) = line_start
            .split_once(':')
            .and_then(|(key, _)| fields::lookup(fields::ALL, key.trim()))
        {
            d = d.field(field);
        }
        d
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Letter, Diagnostics> {
        Letter::parse(Path::new("letters/a.md"), text, &RawMeta::default())
    }

    #[test]
    fn parses_a_minimal_letter() {
        let l = parse("---\n标题: 关于……的函\n主送机关: [甲, 乙]\n发文机关署名: 某厅\n成文日期: 2022-06-13\n---\n正文。\n").unwrap();
        assert_eq!(l.meta.title.lines, vec!["关于……的函"]);
        assert_eq!(l.meta.to, vec!["甲", "乙"]);
        assert_eq!(l.meta.date_text(), "2022年6月13日");
        assert_eq!(l.body, "正文。\n");
        assert_eq!(l.body_line, 7);
    }

    #[test]
    fn a_line_break_in_the_title_is_kept() {
        let quoted =
            parse("---\ntitle: \"关于某事\\n的函\"\nissuer: 某厅\ndate: 2022-06-13\n---\n")
                .unwrap();
        assert_eq!(quoted.meta.title.lines, vec!["关于某事", "的函"]);
        let block =
            parse("---\ntitle: |\n  关于某事\n  的函\nissuer: 某厅\ndate: 2022-06-13\n---\n")
                .unwrap();
        assert_eq!(block.meta.title.lines, vec!["关于某事", "的函"]);
        assert_eq!(block.meta.title(), "关于某事的函");
    }

    #[test]
    fn reports_every_problem_at_once() {
        let e = parse("---\ntitel: x\ndate: 2022-02-30\n---\n").unwrap_err();
        let text = e.to_string();
        assert!(text.contains("a.md:2: unknown key `titel`"), "{text}");
        assert!(
            text.contains("a.md:3: `date` (成文日期): 2022-02-30 is not a date"),
            "{text}"
        );
        assert!(text.contains("a.md: `title` (标题): missing"), "{text}");
        assert!(
            text.contains("a.md: `issuer` (发文机关署名): missing"),
            "{text}"
        );
    }

    #[test]
    fn a_seal_is_a_project_path() {
        let seal = |given: &str| {
            let text =
                format!("---\ntitle: x\nissuer: 某厅\ndate: 2022-06-13\nseal: {given}\n---\n");
            Letter::parse(Path::new("letters/2022/a.md"), &text, &RawMeta::default())
        };
        assert_eq!(
            seal("seal.png").unwrap().meta.seal.as_deref(),
            Some("letters/2022/seal.png")
        );
        assert_eq!(
            seal("/images/seal.png").unwrap().meta.seal.as_deref(),
            Some("images/seal.png")
        );
        assert_eq!(
            seal("../../images/seal.png").unwrap().meta.seal.as_deref(),
            Some("images/seal.png")
        );
        assert_eq!(
            seal("../../../seal.png").unwrap_err().to_string(),
            "error: letters/2022/a.md:5: `seal` (印章): `../../../seal.png` is outside the project\n  \
             help: give the seal image's path inside the project, relative to this file (`seal.png`) or to the project root (`/images/seal.png`)"
        );
        assert!(seal("seal.pdf")
            .unwrap_err()
            .to_string()
            .contains("a.md:5: `seal` (印章): `seal.pdf` is not a PNG"));
        assert!(seal("https://a.cn/seal.png")
            .unwrap_err()
            .to_string()
            .contains("is on the network"));
    }

    #[test]
    fn a_missing_seal_image_is_named() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("letters")).unwrap();
        std::fs::write(
            root.path().join("letters/a.md"),
            "---\ntitle: x\nissuer: 某厅\ndate: 2022-06-13\nseal: seal.png\n---\n",
        )
        .unwrap();
        let e = Letter::from_file(root.path(), Path::new("letters/a.md"), &RawMeta::default())
            .unwrap_err();
        assert!(
            e.to_string().starts_with(
                "error: letters/a.md:5: `seal` (印章): seal image `/letters/seal.png` not found (looked for letters/seal.png)"
            ),
            "{e}"
        );
        std::fs::write(root.path().join("letters/seal.png"), b"png").unwrap();
        assert!(
            Letter::from_file(root.path(), Path::new("letters/a.md"), &RawMeta::default()).is_ok()
        );
    }

    #[test]
    fn gbk_is_named_with_its_line() {
        let mut bytes = b"---\ntitle: x\n".to_vec();
        bytes.extend_from_slice(&[0xb9, 0xd8, 0xd3, 0xda]); // 关于 in GBK
        let e = decode_utf8(Path::new("a.md"), bytes).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("not UTF-8"));
        assert_eq!(e.field, None, "a body line names no field");
        let mut bytes = b"---\ntitle: x\nto: ".to_vec();
        bytes.extend_from_slice(&[0xb9, 0xd8]);
        let e = decode_utf8(Path::new("a.md"), bytes).unwrap_err();
        assert_eq!(e.field, Some(&fields::TO));
        assert_eq!(e.column, Some(5));
    }
}
