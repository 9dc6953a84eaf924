//! `gongwen new`: a letter file to start from, dated, with the next 发文字号
//! of its series and the office defaults shown for reference.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};

use crate::config;
use crate::letter::fields::{self, Field};
use crate::letter::frontmatter::{self, Reader, Text};
use crate::letter::number::Number;
use crate::letter::Format;
use crate::project::{self, LETTERS};

/// What an existing letter tells about numbering: its number and its format.
#[derive(Debug, Clone, Default)]
pub struct Issued {
    pub number: Option<Number>,
    /// As parsed, so that `信函` and `letter` are the same format.
    pub format: Option<Format>,
}

/// The next number of `series` in `year`: one past the highest used.
pub fn next_number(issued: &[Issued], series: &str, year: i32) -> Number {
    let highest = issued
        .iter()
        .filter_map(|i| i.number.as_ref())
        .filter(|n| n.series == series && n.year == year)
        .map(|n| n.n)
        .max()
        .unwrap_or(0);
    Number {
        series: series.to_string(),
        year,
        n: highest + 1,
    }
}

/// The series a new letter of `format` most likely takes: the one of the
/// latest letter of the same format, else of the latest letter at all, else the config's.
pub fn likely_series(
    issued: &[Issued],
    format: Format,
    config_number: Option<&str>,
) -> Option<String> {
    let latest = |same_format: bool| {
        issued
            .iter()
            .filter(|i| !same_format || i.format.unwrap_or(Format::Plain) == format)
            .filter_map(|i| i.number.as_ref())
            .max_by_key(|n| (n.year, n.n))
            .map(|n| n.series.clone())
    };
    latest(true)
        .or_else(|| config_number.and_then(Number::parse).map(|n| n.series))
        .or_else(|| latest(false))
}

/// Reads what numbering needs from every letter, even one with mistakes elsewhere.
pub fn issued(root: &Path) -> Result<Vec<Issued>> {
    let mut all = Vec::new();
    for source in project::find_letters(root)?.letters {
        let Ok(text) = crate::regular::read_to_string(&root.join(&source)) else {
            continue;
        };
        all.push(read_issued(&source, &text));
    }
    Ok(all)
}

fn read_issued(source: &Path, text: &str) -> Issued {
    let Ok(split) = frontmatter::split(source, text) else {
        return Issued::default();
    };
    let Ok(mut r) = Reader::new(source, split.yaml, split.yaml_line, fields::ALL) else {
        return Issued::default();
    };
    let mut text = |f: &'static Field| r.take::<Text>(f, "").map(|t| t.0);
    Issued {
        number: text(&fields::NUMBER).as_deref().and_then(Number::parse),
        format: text(&fields::FORMAT).as_deref().and_then(Format::parse),
    }
}

/// What goes into the new file.
pub struct Draft<'a> {
    pub title: &'a str,
    pub date: NaiveDate,
    pub format: Option<Format>,
    pub number: Option<Number>,
    /// The letter keys of gongwen.yaml, as written there.
    pub office_defaults: Vec<String>,
}

impl Draft<'_> {
    pub fn text(&self) -> String {
        let yaml = |s: &str| serde_yaml::to_string(s).expect("a string serialises");
        let mut t = String::from("---\n");
        t.push_str(&format!("title: {}", yaml(self.title)));
        t.push_str("to:          # 主送机关, e.g. 自治区财政厅\n");
        t.push_str(&format!("date: {}\n", self.date.format("%Y-%m-%d")));
        match &self.number {
            Some(n) => t.push_str(&format!("number: {}", yaml(&n.to_string()))),
            None => t.push_str("number:      # 发文字号, e.g. 宁自然资函〔2024〕33号\n"),
        }
        if let Some(f) = self.format {
            t.push_str(&format!("format: {}\n", f.key()));
        }
        if !self.office_defaults.is_empty() {
            t.push_str("# From gongwen.yaml (add a key here to change it for this letter only):\n");
            for line in &self.office_defaults {
                t.push_str(&format!("#   {line}\n"));
            }
        }
        t.push_str("---\n\n正文从这里写起。\n");
        t
    }
}

/// The lines of gongwen.yaml that set letter fields (not `site_title`, not comments).
pub fn office_defaults(config_text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut keep = false;
    for line in config_text.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t', '-']) {
            let key = line.split(':').next().unwrap_or_default().trim();
            keep = fields::lookup(fields::ALL, key).is_some();
        }
        if keep {
            lines.push(line.to_string());
        }
    }
    lines
}

/// Writes the draft under `letters/<year>/` as `<date>-<n>.md` with the first
/// free n (never over an existing file); returns its path relative to `root`.
pub fn write(root: &Path, draft: &Draft) -> Result<PathBuf> {
    let dir = Path::new(LETTERS).join(draft.date.year().to_string());
    std::fs::create_dir_all(root.join(&dir))
        .with_context(|| format!("cannot create {}", root.join(&dir).display()))?;
    let text = draft.text();
    for n in 1.. {
        let path = dir.join(format!("{}-{n}.md", draft.date.format("%Y-%m-%d")));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(root.join(&path))
        {
            Ok(mut file) => {
                file.write_all(text.as_bytes())
                    .with_context(|| format!("cannot write {}", path.display()))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
        }
    }
    unreachable!("some name is free")
}

/// gongwen.yaml's text, or none.
pub fn config_text(root: &Path) -> String {
    crate::regular::read_to_string(&root.join(config::FILE_NAME)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issued(list: &[(&str, &str)]) -> Vec<Issued> {
        list.iter()
            .map(|(n, f)| Issued {
                number: Number::parse(n),
                format: Format::parse(f),
            })
            .collect()
    }

    #[test]
    fn numbers_are_read_even_when_badly_written() {
        assert_eq!(
            Number::parse("宁自然资函〔2024〕33号"),
            Some(Number {
                series: "宁自然资函".into(),
                year: 2024,
                n: 33
            })
        );
        assert_eq!(Number::parse("宁自然资函[2024]第033号").unwrap().n, 33);
        assert_eq!(Number::parse("无号"), None);
    }

    #[test]
    fn the_next_number_is_one_past_the_highest_of_its_series_and_year() {
        let all = issued(&[
            ("宁自然资函〔2024〕33号", "letter"),
            ("宁自然资函〔2024〕7号", "letter"),
            ("宁自然资函〔2023〕90号", "letter"),
            ("宁自然资发〔2024〕50号", "document"),
            ("宁自然资发〔2024〕51号", "文件格式"),
            ("宁自然资函〔2024〕8号", "信函"),
        ]);
        assert_eq!(
            next_number(&all, "宁自然资函", 2024).to_string(),
            "宁自然资函〔2024〕34号"
        );
        assert_eq!(
            next_number(&all, "宁自然资函", 2025).to_string(),
            "宁自然资函〔2025〕1号"
        );
        assert_eq!(
            likely_series(&all, Format::Document, None).as_deref(),
            Some("宁自然资发")
        );
        assert_eq!(
            likely_series(&all, Format::Letter, None).as_deref(),
            Some("宁自然资函")
        );
        assert_eq!(
            likely_series(&all, Format::Plain, Some("宁自然资办函〔2024〕1号")).as_deref(),
            Some("宁自然资办函")
        );
        assert_eq!(likely_series(&[], Format::Plain, None), None);
    }

    #[test]
    fn the_draft_quotes_the_title_and_shows_the_office_defaults() {
        let draft = Draft {
            title: "关于: 某事的函",
            date: NaiveDate::from_ymd_opt(2024, 6, 3).unwrap(),
            format: Some(Format::Letter),
            number: Number::parse("宁自然资函〔2024〕34号"),
            office_defaults: office_defaults("# c\nsite_title: 公文\nissuer: 某厅\ncc:\n  - 甲\n"),
        };
        let text = draft.text();
        assert_eq!(
            text,
            "---\ntitle: '关于: 某事的函'\nto:          # 主送机关, e.g. 自治区财政厅\ndate: 2024-06-03\n\
             number: 宁自然资函〔2024〕34号\nformat: letter\n\
             # From gongwen.yaml (add a key here to change it for this letter only):\n#   issuer: 某厅\n#   cc:\n#     - 甲\n\
             ---\n\n正文从这里写起。\n"
        );
        let letter = crate::letter::Letter::parse(Path::new("a.md"), &text, &Default::default());
        assert_eq!(letter.unwrap_err().to_string(), "error: a.md: `issuer` (发文机关署名): missing\n  help: add a line `issuer: 宁夏回族自治区自然资源厅` to the frontmatter");
    }
}
