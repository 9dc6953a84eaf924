//! How each field is read as written ([`Kind`]: text, a list, …) and then
//! checked into its typed value with the office defaults applied. The
//! model (`model.rs`) names one kind and one resolver per field.

use std::path::Path;

use chrono::NaiveDate;

use super::fields::Field;
use super::frontmatter::{Reader, Text, TextList};
use super::model::RawMeta;
use super::values::{Attachment, Choice, Output, Title};
use crate::markdown::images;

/// How a field's value is written in the frontmatter.
pub trait Kind {
    type Value: Clone + std::fmt::Debug;
    fn read(r: &mut Reader, field: &'static Field) -> Option<Self::Value>;
    /// The value as one text, for the checks that read fields as written.
    fn as_text(_: &Self::Value) -> Option<String> {
        None
    }
    /// The value as a list of names.
    fn as_names(_: &Self::Value) -> Option<Vec<String>> {
        None
    }
}

const TEXT: &str = "text";

/// One scalar, read as text (`份号: 1` is text to an author).
pub struct OneText;

impl Kind for OneText {
    type Value = String;
    fn read(r: &mut Reader, field: &'static Field) -> Option<String> {
        r.take::<Text>(field, TEXT).map(|t| t.0)
    }
    fn as_text(v: &String) -> Option<String> {
        Some(v.clone())
    }
}

/// One name or a list of them.
pub struct Names;

impl Kind for Names {
    type Value = Vec<String>;
    fn read(r: &mut Reader, field: &'static Field) -> Option<Vec<String>> {
        r.take::<TextList>(field, "text or a list of text")
            .map(|t| t.0)
    }
    fn as_names(v: &Vec<String>) -> Option<Vec<String>> {
        Some(v.clone())
    }
}

pub struct Attachments;

impl Kind for Attachments {
    type Value = Vec<Attachment>;
    fn read(r: &mut Reader, field: &'static Field) -> Option<Vec<Attachment>> {
        r.take(field, "a list of names, or of `name:` and `file:` pairs")
    }
}

/// A path given in the file being read (relative to it, or to the project
/// root when it starts with `/`), kept relative to the project root.
pub struct ProjectImage;

impl Kind for ProjectImage {
    type Value = String;
    fn read(r: &mut Reader, field: &'static Field) -> Option<String> {
        let given = r.take::<Text>(field, TEXT)?.0;
        let given = given.trim();
        let is_image = Path::new(given)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| images::EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
        let what = if field.key == "seal" {
            "seal"
        } else {
            field.chinese
        };
        let help = format!("give the {what} image's path inside the project, relative to this file (`seal.png`) or to the project root (`/images/seal.png`)");
        if given.contains("://") || given.starts_with("//") {
            r.error(field, format!("`{given}` is on the network"), Some(help));
        } else if !is_image {
            r.error(
                field,
                format!("`{given}` is not a PNG, JPEG, GIF, SVG or WebP file"),
                Some(format!(
                    "save the {what} as a PNG with a transparent background"
                )),
            );
        } else {
            match images::within_project(r.file(), given) {
                Some(p) => return Some(p.to_string_lossy().replace('\\', "/")),
                None => r.error(
                    field,
                    format!("`{given}` is outside the project"),
                    Some(help),
                ),
            }
        }
        None
    }
}

/// A resolver's verdict: `None` when the value was wrong (and reported).
type Resolved<T> = Option<T>;

/// The value as written, unchanged.
pub fn as_written<T>(
    value: Option<T>,
    _: &'static Field,
    _: &RawMeta,
    _: &mut Reader,
) -> Resolved<Option<T>> {
    Some(value)
}

/// Names with blanks dropped.
pub fn names(
    value: Option<Vec<String>>,
    _: &'static Field,
    _: &RawMeta,
    _: &mut Reader,
) -> Resolved<Vec<String>> {
    Some(clean(value))
}

fn clean(value: Option<Vec<String>>) -> Vec<String> {
    value
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The value, or its type's empty value.
pub fn or_default<T: Default>(
    value: Option<T>,
    _: &'static Field,
    _: &RawMeta,
    _: &mut Reader,
) -> Resolved<T> {
    Some(value.unwrap_or_default())
}

/// 发文机关标志: the issuer's name when none is given.
pub fn header(
    value: Option<Vec<String>>,
    _: &'static Field,
    raw: &RawMeta,
    _: &mut Reader,
) -> Resolved<Vec<String>> {
    let names = clean(value);
    if !names.is_empty() {
        return Some(names);
    }
    Some(raw.issuer.iter().cloned().collect())
}

pub fn list(
    value: Option<Vec<Attachment>>,
    _: &'static Field,
    _: &RawMeta,
    _: &mut Reader,
) -> Resolved<Vec<Attachment>> {
    Some(value.unwrap_or_default())
}

/// The longest title taken: ten lines of the 版心 in 2号 type. Titles of
/// real letters stay well under it; past it is a paste gone wrong, and
/// breaking it into lines would only hide the mistake.
pub const MAX_TITLE_CHARS: usize = 200;

pub fn title(
    value: Option<String>,
    field: &'static Field,
    _: &RawMeta,
    r: &mut Reader,
) -> Resolved<Title> {
    let title = required(value, field, r)?;
    let length = title.chars().filter(|c| !c.is_whitespace()).count();
    if length > MAX_TITLE_CHARS {
        r.error(
            field,
            format!("{length} characters long; at most {MAX_TITLE_CHARS}"),
            Some(
                "a title is one line of what the letter is about: was more text pasted into it?"
                    .into(),
            ),
        );
        return None;
    }
    let lines = title
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    Some(Title { lines })
}

pub fn required(value: Option<String>, field: &'static Field, r: &mut Reader) -> Resolved<String> {
    match value.filter(|v| !v.trim().is_empty()) {
        Some(v) => Some(v),
        // A value of the wrong type was reported already; "missing" would only confuse.
        None if r.reported(field) => None,
        None => {
            let help = format!(
                "add a line `{}: {}` to the frontmatter",
                field.key, field.example
            );
            r.error(field, "missing", Some(help));
            None
        }
    }
}

pub fn required_text(
    value: Option<String>,
    field: &'static Field,
    _: &RawMeta,
    r: &mut Reader,
) -> Resolved<String> {
    required(value, field, r)
}

pub fn required_date(
    value: Option<String>,
    field: &'static Field,
    _: &RawMeta,
    r: &mut Reader,
) -> Resolved<NaiveDate> {
    let date = required(value, field, r)?;
    parse_date(r, field, &date)
}

/// 印发日期: the 成文日期 when none is given.
pub fn or_date_of_issue(
    value: Option<String>,
    field: &'static Field,
    raw: &RawMeta,
    r: &mut Reader,
) -> Resolved<NaiveDate> {
    match value {
        Some(d) => parse_date(r, field, &d),
        // A bad or missing 成文日期 is reported on its own field.
        None => raw
            .date
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok()),
    }
}

/// A choice; absent is its default.
pub fn choice_or_default<T: Choice + Default>(
    value: Option<String>,
    field: &'static Field,
    raw: &RawMeta,
    r: &mut Reader,
) -> Resolved<T> {
    choice(value, field, raw, r).map(Option::unwrap_or_default)
}

/// A choice, or nothing.
pub fn choice<T: Choice>(
    value: Option<String>,
    field: &'static Field,
    _: &RawMeta,
    r: &mut Reader,
) -> Resolved<Option<T>> {
    let Some(s) = value else { return Some(None) };
    match T::parse(&s) {
        Some(v) => Some(Some(v)),
        None => {
            r.error(field, T::unknown(&s), Some(T::HELP.into()));
            None
        }
    }
}

/// The files to make: each one named once, the PDF and the page among them
/// (every build makes those: the site and the index are made of them).
pub fn outputs(
    value: Option<Vec<String>>,
    field: &'static Field,
    _: &RawMeta,
    r: &mut Reader,
) -> Resolved<Vec<Output>> {
    let Some(names) = value else {
        return Some(Output::DEFAULT.to_vec());
    };
    let mut outputs = Vec::new();
    for name in clean(Some(names)) {
        match Output::parse(&name) {
            Some(o) => outputs.push(o),
            None => {
                r.error(field, Output::unknown(&name), Some(Output::HELP.into()));
                return None;
            }
        }
    }
    outputs.sort();
    outputs.dedup();
    if !outputs.starts_with(Output::DEFAULT) {
        r.error(
            field,
            "`pdf` and `html` are not both listed; gongwen always makes the PDF and the page",
            Some(Output::HELP.into()),
        );
        return None;
    }
    Some(outputs)
}

/// 份号, printed with six digits.
pub fn six_digits(
    value: Option<String>,
    _: &'static Field,
    _: &RawMeta,
    _: &mut Reader,
) -> Resolved<Option<String>> {
    Some(value.map(|c| format!("{:0>6}", c.trim())))
}

/// The template prints the parentheses of a 附注; an author may have typed them too.
pub fn note(
    value: Option<String>,
    _: &'static Field,
    _: &RawMeta,
    _: &mut Reader,
) -> Resolved<Option<String>> {
    Some(value.map(|n| strip_parentheses(n.trim()).to_string()))
}

pub(crate) fn strip_parentheses(note: &str) -> &str {
    note.strip_prefix(['（', '('])
        .and_then(|n| n.strip_suffix(['）', ')']))
        .unwrap_or(note)
}

/// 发文字号 (or the 令号, 期号 of those formats), held to the one grammar of `number.rs`.
pub fn number(
    value: Option<String>,
    field: &'static Field,
    raw: &RawMeta,
    r: &mut Reader,
) -> Resolved<Option<String>> {
    let Some(number) = value
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
    else {
        return Some(None);
    };
    // A format that is not known is reported on its own field.
    let format = (raw.format.as_deref())
        .and_then(super::values::Format::parse)
        .unwrap_or_default();
    match super::number::check_for(&number, format) {
        Ok(()) => Some(Some(number)),
        Err(_) if r.number_left_to_check => Some(Some(number)),
        Err(bad) => {
            r.error(field, bad.message, Some(bad.help));
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
        let help = "check the month and the day";
        r.error(
            field,
            format!("{text} is not a date in the calendar"),
            Some(help.into()),
        );
    } else {
        let help = "write it as 2022-06-13; it is printed as 2022年6月13日";
        r.error(
            field,
            format!("`{text}` is not a date of the form YYYY-MM-DD"),
            Some(help.into()),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_lose_typed_parentheses() {
        assert_eq!(strip_parentheses("（联系人：张三）"), "联系人：张三");
        assert_eq!(strip_parentheses("联系人：张三"), "联系人：张三");
    }
}
