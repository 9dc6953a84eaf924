//! The YAML between the `---` lines: split off, parsed, and read key by key,
//! so that every bad key is reported with its line, not just the first.

use std::collections::HashMap;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_yaml::{Mapping, Value};

use super::fields::{self, Field};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// A letter's text cut at the closing `---`.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based line of the file where the YAML starts.
    pub yaml_line: usize,
    pub body: &'a str,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
}

pub fn split<'a>(file: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Diagnostic::new(file, "the file is empty").at(Some(1), None).help(
            "a letter starts with frontmatter between two `---` lines (title, date, issuer), then the body",
        ));
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or_default();
    if first.trim_end() != "---" {
        return Err(Diagnostic::new(file, "no frontmatter: the first line must be `---`")
            .at(Some(1), None)
            .help("start the file with `---`, then lines such as `title: 关于……的函` and `date: 2022-06-13`, then `---` before the body"));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (i, line) in lines.enumerate() {
        if matches!(line.trim_end(), "---" | "...") {
            let body_start = offset + line.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::new(file, "the frontmatter is never closed")
        .at(Some(1), None)
        .help("end the frontmatter with a line holding only `---`, before the body"))
}

/// A YAML mapping whose values are taken out one field at a time.
pub struct Reader<'a> {
    file: &'a Path,
    map: HashMap<&'static str, (String, Value)>,
    /// Kept apart from `map` so a field's line is known after its value is taken.
    field_lines: HashMap<&'static str, usize>,
    pub diagnostics: Diagnostics,
    /// For `check`: the 发文字号 is its rule `document-number`'s to report
    /// (the same grammar, with the fix), so the reader leaves it be.
    pub number_left_to_check: bool,
}

impl<'a> Reader<'a> {
    /// Parses `yaml`; unknown keys are reported here, each with a suggestion.
    pub fn new(
        file: &'a Path,
        yaml: &str,
        first_line: usize,
        known: &[&'static Field],
    ) -> Result<Self, Diagnostics> {
        let lines = key_lines(yaml, first_line);
        let mapping = mapping(file, yaml, first_line)?;
        let mut diagnostics = Diagnostics::default();
        let mut map = HashMap::new();
        let mut field_lines = HashMap::new();
        for (key, value) in mapping {
            let key = match key {
                Value::String(s) => s,
                other => serde_yaml::to_string(&other)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            };
            let line = lines.get(&key).copied();
            match fields::lookup(known, &key) {
                Some(field) => {
                    if let Some((earlier, _)) = map.get(field.key) {
                        diagnostics.push(
                            Diagnostic::new(
                                file,
                                format!("given twice, as `{earlier}` and as `{key}`"),
                            )
                            .at(line, None)
                            .field(field)
                            .help("keep one of them"),
                        );
                    } else {
                        if let Some(line) = line {
                            field_lines.insert(field.key, line);
                        }
                        map.insert(field.key, (key, value));
                    }
                }
                None => diagnostics.push(unknown_key(file, &key, line, known)),
            }
        }
        Ok(Reader {
            file,
            map,
            field_lines,
            diagnostics,
            number_left_to_check: false,
        })
    }

    /// The file being read, as the user sees it.
    pub fn file(&self) -> &Path {
        self.file
    }

    /// The line where a field's key stands, as the author spelt it.
    pub fn line_of(&self, field: &Field) -> Option<usize> {
        self.field_lines.get(field.key).copied()
    }

    /// The field's value, or `None` when absent, null, or of the wrong type (then reported).
    pub fn take<T: DeserializeOwned>(
        &mut self,
        field: &'static Field,
        expected: &str,
    ) -> Option<T> {
        let line = self.line_of(field);
        let (_, value) = self.map.remove(field.key)?;
        if value.is_null() {
            return None;
        }
        match serde_yaml::from_value(value.clone()) {
            Ok(v) => Some(v),
            Err(_) => {
                self.diagnostics.push(
                    Diagnostic::new(
                        self.file,
                        format!("expected {expected}, found {}", describe_value(&value)),
                    )
                    .at(line, None)
                    .field(field)
                    .help(format!(
                        "write it as {expected}, e.g. `{}: {}`",
                        field.key, field.example
                    )),
                );
                None
            }
        }
    }

    /// Whether a problem with `field` has been reported.
    pub fn reported(&self, field: &Field) -> bool {
        self.diagnostics
            .0
            .iter()
            .any(|d| d.field.is_some_and(|f| f.key == field.key))
    }

    pub fn error(
        &mut self,
        field: &'static Field,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::new(self.file, message)
            .at(self.line_of(field), None)
            .field(field);
        if let Some(h) = help {
            d = d.help(h);
        }
        self.diagnostics.push(d);
    }
}

/// The YAML parsed as a mapping, or why it is not one.
fn mapping(file: &Path, yaml: &str, first_line: usize) -> Result<Mapping, Diagnostics> {
    let value: Value = if yaml.trim().is_empty() {
        Value::Mapping(Mapping::new())
    } else {
        serde_yaml::from_str(yaml).map_err(|e| {
            let (line, column) = match e.location() {
                Some(l) => (Some(l.line() + first_line - 1), Some(l.column())),
                None => (None, None),
            };
            Diagnostics::from(
                Diagnostic::new(file, format!("the frontmatter is not valid YAML: {}", strip_location(&e)))
                    .at(line, column)
                    .help("each line is `key: value`; put a value holding `:` or starting with `[`, `{`, `*`, `&`, `!`, `|`, `>`, `'`, `\"`, `%`, `@` or `` ` `` in double quotes"),
            )
        })?
    };
    match value {
        Value::Mapping(m) => Ok(m),
        Value::Null => Ok(Mapping::new()),
        _ => Err(
            Diagnostic::new(file, "the frontmatter must be `key: value` lines")
                .at(Some(first_line), None)
                .help("write one field a line, e.g. `title: 关于……的函`")
                .into(),
        ),
    }
}

/// A key no field has, with the likely one meant.
fn unknown_key(file: &Path, key: &str, line: Option<usize>, known: &[&Field]) -> Diagnostic {
    let d = Diagnostic::new(file, format!("unknown key `{key}`")).at(line, None);
    match fields::suggest(known, key) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help(format!(
            "the known keys are {}",
            known
                .iter()
                .map(|f| format!("{} ({})", f.key, f.chinese))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Where each top-level key stands, so errors can point at it.
fn key_lines(yaml: &str, first_line: usize) -> HashMap<String, usize> {
    let mut lines = HashMap::new();
    for (i, line) in yaml.lines().enumerate() {
        if line.starts_with([' ', '\t', '-', '#']) {
            continue;
        }
        if let Some((key, _)) = line.split_once(':') {
            let key = key.trim().trim_matches(['"', '\'']).to_string();
            lines.entry(key).or_insert(first_line + i);
        }
    }
    lines
}

fn strip_location(e: &serde_yaml::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn describe_value(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "`key: value` pairs",
        Value::Tagged(_) => "a tagged value",
    }
}

/// A scalar read as text: `printer: 2022` or `份号: 1` are still text to an author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Text(s)),
            Value::Number(n) => Ok(Text(n.to_string())),
            Value::Bool(b) => Ok(Text(b.to_string())),
            _ => Err(serde::de::Error::custom("not text")),
        }
    }
}

/// A field that takes one item or a list of them (`to`, `cc`, `signers`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextList(pub Vec<String>);

impl<'de> Deserialize<'de> for TextList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(Text),
            Many(Vec<Text>),
        }
        Ok(TextList(match OneOrMany::deserialize(d)? {
            OneOrMany::One(t) => vec![t.0],
            OneOrMany::Many(v) => v.into_iter().map(|t| t.0).collect(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_frontmatter_and_body_with_lines() {
        let s = split(Path::new("a.md"), "---\ntitle: x\n---\n\n正文\n").unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.body, "\n正文\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn reports_missing_and_unclosed_frontmatter() {
        let e = split(Path::new("a.md"), "正文").unwrap_err();
        assert!(e.message.contains("no frontmatter"), "{e}");
        let e = split(Path::new("a.md"), "---\ntitle: x\n").unwrap_err();
        assert!(e.message.contains("never closed"), "{e}");
        let e = split(Path::new("a.md"), " \n").unwrap_err();
        assert_eq!(e.message, "the file is empty");
    }

    #[test]
    fn yaml_errors_carry_the_file_line() {
        let yaml = "title: x\ndate: [2022\n";
        let e = Reader::new(Path::new("a.md"), yaml, 2, fields::ALL)
            .err()
            .unwrap();
        assert!(e.0[0].line.unwrap() >= 3, "{e}");
    }

    #[test]
    fn unknown_keys_get_a_suggestion_and_their_line() {
        let r = Reader::new(Path::new("a.md"), "title: x\ntitel: y\n", 2, fields::ALL).unwrap();
        let d = &r.diagnostics.0[0];
        assert_eq!(d.line, Some(3));
        assert_eq!(
            d.to_string(),
            "error: a.md:3: unknown key `titel`\n  help: did you mean `title`?"
        );
    }

    #[test]
    fn wrong_types_name_the_field_in_both_languages() {
        let mut r = Reader::new(
            Path::new("a.md"),
            "title: x\nissuer:\n  - a\n  - b\n",
            2,
            fields::ALL,
        )
        .unwrap();
        assert_eq!(r.take::<Text>(&fields::ISSUER, "text"), None);
        assert_eq!(
            r.diagnostics.0[0].to_string(),
            "error: a.md:3: `issuer` (发文机关署名): expected text, found a list\n  \
             help: write it as text, e.g. `issuer: 宁夏回族自治区自然资源厅`"
        );
    }

    #[test]
    fn chinese_keys_read_like_english_ones() {
        let mut r = Reader::new(
            Path::new("a.md"),
            "主送机关: 自治区财政厅\n",
            2,
            fields::ALL,
        )
        .unwrap();
        assert_eq!(
            r.take::<TextList>(&fields::TO, "text"),
            Some(TextList(vec!["自治区财政厅".into()]))
        );
    }
}
