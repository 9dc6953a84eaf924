//! The frontmatter as read ([`RawMeta`]: every field optional, as in the office
//! config) and as checked ([`Meta`]: required fields present, dates real).

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::fields::{self, Field};
use super::frontmatter::{Reader, Text, TextList};
use crate::markdown::images;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// 信函格式
    Letter,
    /// 文件格式
    Document,
    /// No 版头 (无版头).
    Plain,
}

impl Format {
    /// The format a `format` value names, if gongwen has it.
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim() {
            "letter" | "信函" | "信函格式" => Some(Format::Letter),
            "document" | "文件" | "文件格式" => Some(Format::Document),
            "plain" | "无版头" => Some(Format::Plain),
            _ => None,
        }
    }

    /// The value of `format:` that names it, as `new` writes it.
    pub fn key(self) -> &'static str {
        match self {
            Format::Letter => "letter",
            Format::Document => "document",
            Format::Plain => "plain",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Format::Letter => "信函格式",
            Format::Document => "文件格式",
            Format::Plain => "无版头",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Publish {
    主动公开,
    依申请公开,
    不予公开,
}

impl Publish {
    fn parse(s: &str) -> Option<Publish> {
        match s.trim() {
            "主动公开" => Some(Publish::主动公开),
            "依申请公开" => Some(Publish::依申请公开),
            "不予公开" => Some(Publish::不予公开),
            _ => None,
        }
    }
}

/// An entry of `attachments`: a name, or a name with a Markdown file for its pages.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Attachment {
    Named(String),
    WithFile { name: String, file: String },
}

impl Attachment {
    pub fn name(&self) -> &str {
        match self {
            Attachment::Named(n) | Attachment::WithFile { name: n, .. } => n,
        }
    }

    pub fn file(&self) -> Option<&str> {
        match self {
            Attachment::Named(_) => None,
            Attachment::WithFile { file, .. } => Some(file),
        }
    }
}

/// Fields as written, before defaults and checks.
#[derive(Debug, Clone, Default)]
pub struct RawMeta {
    pub title: Option<String>,
    pub to: Option<Vec<String>>,
    pub issuer: Option<String>,
    pub date: Option<String>,
    pub number: Option<String>,
    pub format: Option<String>,
    pub header: Option<Vec<String>>,
    pub copy_no: Option<String>,
    pub secrecy: Option<String>,
    pub urgency: Option<String>,
    pub signers: Option<Vec<String>>,
    pub attachments: Option<Vec<Attachment>>,
    pub note: Option<String>,
    pub cc: Option<Vec<String>>,
    pub printer: Option<String>,
    pub print_date: Option<String>,
    pub publish: Option<String>,
    /// Relative to the project root once read (see [`RawMeta::read_seal`]).
    pub seal: Option<String>,
}

const TEXT: &str = "text";
const LIST: &str = "text or a list of text";

impl RawMeta {
    pub fn read(r: &mut Reader) -> RawMeta {
        let text = |r: &mut Reader, f: &'static Field| r.take::<Text>(f, TEXT).map(|t| t.0);
        let list = |r: &mut Reader, f: &'static Field| r.take::<TextList>(f, LIST).map(|t| t.0);
        RawMeta {
            title: text(r, &fields::TITLE),
            to: list(r, &fields::TO),
            issuer: text(r, &fields::ISSUER),
            date: text(r, &fields::DATE),
            number: text(r, &fields::NUMBER),
            format: text(r, &fields::FORMAT),
            header: list(r, &fields::HEADER),
            copy_no: text(r, &fields::COPY_NO),
            secrecy: text(r, &fields::SECRECY),
            urgency: text(r, &fields::URGENCY),
            signers: list(r, &fields::SIGNERS),
            attachments: r.take(
                &fields::ATTACHMENTS,
                "a list of names, or of `name:` and `file:` pairs",
            ),
            note: text(r, &fields::NOTE),
            cc: list(r, &fields::CC),
            printer: text(r, &fields::PRINTER),
            print_date: text(r, &fields::PRINT_DATE),
            publish: text(r, &fields::PUBLISH),
            seal: None,
        }
    }

    /// Reads `seal`, a path given in `file` (relative to it, or to the project
    /// root when it starts with `/`), as a path relative to the project root.
    pub fn read_seal(&mut self, r: &mut Reader, file: &Path) {
        let Some(given) = r.take::<Text>(&fields::SEAL, TEXT).map(|t| t.0) else {
            return;
        };
        let given = given.trim();
        let is_image = Path::new(given)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| images::EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
        let help = "give the seal image's path inside the project, relative to this file (`seal.png`) or to the project root (`/images/seal.png`)";
        if given.contains("://") || given.starts_with("//") {
            r.error(
                &fields::SEAL,
                format!("`{given}` is on the network"),
                Some(help.into()),
            );
        } else if !is_image {
            r.error(
                &fields::SEAL,
                format!("`{given}` is not a PNG, JPEG, GIF, SVG or WebP file"),
                Some("save the seal as a PNG with a transparent background".into()),
            );
        } else {
            match images::within_project(file, given) {
                Some(p) => self.seal = Some(p.to_string_lossy().replace('\\', "/")),
                None => r.error(
                    &fields::SEAL,
                    format!("`{given}` is outside the project"),
                    Some(help.into()),
                ),
            }
        }
    }

    /// These fields, with the gaps filled from `defaults`.
    pub fn or(self, defaults: &RawMeta) -> RawMeta {
        let d = defaults.clone();
        RawMeta {
            title: self.title.or(d.title),
            to: self.to.or(d.to),
            issuer: self.issuer.or(d.issuer),
            date: self.date.or(d.date),
            number: self.number.or(d.number),
            format: self.format.or(d.format),
            header: self.header.or(d.header),
            copy_no: self.copy_no.or(d.copy_no),
            secrecy: self.secrecy.or(d.secrecy),
            urgency: self.urgency.or(d.urgency),
            signers: self.signers.or(d.signers),
            attachments: self.attachments.or(d.attachments),
            note: self.note.or(d.note),
            cc: self.cc.or(d.cc),
            printer: self.printer.or(d.printer),
            print_date: self.print_date.or(d.print_date),
            publish: self.publish.or(d.publish),
            seal: self.seal.or(d.seal),
        }
    }
}

/// A letter's fields, checked and with defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// One entry per line the author broke the title into; one entry when unbroken.
    pub title_lines: Vec<String>,
    pub to: Vec<String>,
    pub issuer: String,
    pub date: NaiveDate,
    pub number: Option<String>,
    pub format: Format,
    /// 发文机关标志: one name, or several for a joint issue.
    pub header: Vec<String>,
    pub copy_no: Option<String>,
    pub secrecy: Option<String>,
    pub urgency: Option<String>,
    pub signers: Vec<String>,
    pub attachments: Vec<Attachment>,
    pub note: Option<String>,
    pub cc: Vec<String>,
    pub printer: Option<String>,
    pub print_date: NaiveDate,
    pub publish: Option<Publish>,
    /// 印章: an image, relative to the project root.
    pub seal: Option<String>,
}

impl Meta {
    /// Checks the merged fields; problems go to `r`, and then `None` comes back.
    pub fn resolve(raw: RawMeta, r: &mut Reader) -> Option<Meta> {
        let title =
            required(r, &fields::TITLE, raw.title, "关于……的函").and_then(|t| within_length(r, t));
        let issuer = required(r, &fields::ISSUER, raw.issuer, "宁夏回族自治区自然资源厅");
        let date = required(r, &fields::DATE, raw.date, "2022-06-13")
            .and_then(|d| parse_date(r, &fields::DATE, &d));
        let print_date = match raw.print_date {
            Some(d) => parse_date(r, &fields::PRINT_DATE, &d),
            None => date,
        };
        let format = match raw.format.as_deref().map(|s| (s, Format::parse(s))) {
            None => Some(Format::Plain),
            Some((_, Some(f))) => Some(f),
            Some((s, None)) => {
                r.error(
                    &fields::FORMAT,
                    format!("unknown format `{s}`"),
                    Some(
                        "use `letter` (信函格式), `document` (文件格式) or `plain` (无版头)".into(),
                    ),
                );
                None
            }
        };
        let publish = match raw.publish.as_deref().map(|s| (s, Publish::parse(s))) {
            None => Some(None),
            Some((_, Some(p))) => Some(Some(p)),
            Some((s, None)) => {
                r.error(
                    &fields::PUBLISH,
                    format!("unknown value `{s}`"),
                    Some("use 主动公开, 依申请公开 or 不予公开".into()),
                );
                None
            }
        };
        let number = check_number(r, raw.number);
        let title_lines: Vec<String> = title
            .iter()
            .flat_map(|t| t.lines())
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        let clean = |v: Option<Vec<String>>| -> Vec<String> {
            v.unwrap_or_default()
                .into_iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let issuer = issuer?;
        Some(Meta {
            title_lines,
            to: clean(raw.to),
            header: clean(raw.header)
                .into_iter()
                .collect::<Vec<_>>()
                .or_if_empty(vec![issuer.clone()]),
            issuer,
            date: date?,
            number: number?,
            format: format?,
            copy_no: raw.copy_no.map(|c| format!("{:0>6}", c.trim())),
            secrecy: raw.secrecy,
            urgency: raw.urgency,
            signers: clean(raw.signers),
            attachments: raw.attachments.unwrap_or_default(),
            note: raw.note.map(|n| strip_parentheses(n.trim()).to_string()),
            cc: clean(raw.cc),
            printer: raw.printer,
            print_date: print_date?,
            publish: publish?,
            seal: raw.seal,
        })
        .filter(|_| title.is_some())
    }

    pub fn title(&self) -> String {
        self.title_lines.concat()
    }

    /// 成文日期 as the standard prints it: 2022年6月13日, no leading zeros.
    pub fn date_text(&self) -> String {
        chinese_date(self.date)
    }

    pub fn print_date_text(&self) -> String {
        chinese_date(self.print_date)
    }

    /// 主送机关 on one line, without the closing colon.
    pub fn to_text(&self) -> Option<String> {
        (!self.to.is_empty()).then(|| self.to.join("、"))
    }
}

pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

trait OrIfEmpty {
    fn or_if_empty(self, other: Self) -> Self;
}

impl<T> OrIfEmpty for Vec<T> {
    fn or_if_empty(self, other: Self) -> Self {
        if self.is_empty() {
            other
        } else {
            self
        }
    }
}

/// The template prints the parentheses; an author may have typed them too.
fn strip_parentheses(note: &str) -> &str {
    note.strip_prefix(['（', '('])
        .and_then(|n| n.strip_suffix(['）', ')']))
        .unwrap_or(note)
}

/// The longest title taken: ten lines of the 版心 in 2号 type. Titles of
/// real letters stay well under it; past it is a paste gone wrong, and
/// breaking it into lines would only hide the mistake.
pub const MAX_TITLE_CHARS: usize = 200;

fn within_length(r: &mut Reader, title: String) -> Option<String> {
    let length = title.chars().filter(|c| !c.is_whitespace()).count();
    if length <= MAX_TITLE_CHARS {
        return Some(title);
    }
    r.error(
        &fields::TITLE,
        format!("{length} characters long; at most {MAX_TITLE_CHARS}"),
        Some(
            "a title is one line of what the letter is about: was more text pasted into it?".into(),
        ),
    );
    None
}

fn required(
    r: &mut Reader,
    field: &'static Field,
    value: Option<String>,
    example: &str,
) -> Option<String> {
    match value.filter(|v| !v.trim().is_empty()) {
        Some(v) => Some(v),
        // A value of the wrong type was reported already; "missing" would only confuse.
        None if r.reported(field) => None,
        None => {
            r.error(
                field,
                "missing",
                Some(format!(
                    "add a line `{}: {example}` to the frontmatter",
                    field.key
                )),
            );
            None
        }
    }
}

/// `Some(None)` when there is no 发文字号, `None` when it is malformed (then reported).
fn check_number(r: &mut Reader, number: Option<String>) -> Option<Option<String>> {
    let Some(number) = number
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
    else {
        return Some(None);
    };
    match super::number::check(&number) {
        Ok(()) => Some(Some(number)),
        Err(bad) => {
            r.error(&fields::NUMBER, bad.message, Some(bad.help));
            None
        }
    }
}

fn parse_date(r: &mut Reader, field: &'static Field, text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(d);
    }
    let numeric = text
        .split('-')
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .count()
        == 3;
    if numeric {
        r.error(
            field,
            format!("{text} is not a date in the calendar"),
            Some("check the month and the day".into()),
        );
    } else {
        r.error(
            field,
            format!("`{text}` is not a date of the form YYYY-MM-DD"),
            Some("write it as 2022-06-13; it is printed as 2022年6月13日".into()),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_without_leading_zeros() {
        assert_eq!(
            chinese_date(NaiveDate::from_ymd_opt(2022, 6, 3).unwrap()),
            "2022年6月3日"
        );
    }

    #[test]
    fn notes_lose_typed_parentheses() {
        assert_eq!(strip_parentheses("（联系人：张三）"), "联系人：张三");
        assert_eq!(strip_parentheses("联系人：张三"), "联系人：张三");
    }
}
