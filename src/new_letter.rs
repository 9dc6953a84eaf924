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
use crate::letter::number::{self, Number, Shape};
use crate::letter::Format;
use crate::project::{self, LETTERS};

/// What an existing letter tells about numbering: its number and its format.
#[derive(Debug, Clone, Default)]
pub struct Issued {
    pub number: Option<Number>,
    /// As parsed, so that `信函` and `letter` are the same format.
    pub format: Option<Format>,
    /// The serial of a 令号 or 期号 (128 of 第128号), in those formats.
    pub serial: Option<u32>,
    pub year: Option<i32>,
}

/// The next 令号 of a 令 (counted over all years: 令号 run on), or the next
/// 期号 of a 纪要 (counted in its year); `None` in other formats.
pub fn next_serial(issued: &[Issued], format: Format, year: i32) -> Option<String> {
    let (end, yearly) = match format {
        Format::Order => ('号', false),
        Format::Minutes => ('期', true),
        _ => return None,
    };
    let highest = (issued.iter())
        .filter(|i| i.format == Some(format) && (!yearly || i.year == Some(year)))
        .filter_map(|i| i.serial)
        .max()?;
    Some(format!("第{}{end}", highest + 1))
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
    let written = text(&fields::NUMBER);
    let format = text(&fields::FORMAT).as_deref().and_then(Format::parse);
    let date = text(&fields::DATE);
    let shape = Shape::of(format.unwrap_or_default());
    Issued {
        number: written.as_deref().and_then(Number::parse),
        format,
        serial: written.and_then(|n| number::serial_of(&n, shape)),
        year: date.and_then(|d| d.get(..4)?.parse().ok()),
    }
}

/// What goes into the new file.
pub struct Draft<'a> {
    pub title: &'a str,
    pub date: NaiveDate,
    pub format: Option<Format>,
    /// The 发文字号 (or 令号, 期号) as it is to be written.
    pub number: Option<String>,
    /// The letter keys of gongwen.yaml, as written there.
    pub office_defaults: Vec<String>,
}

impl Draft<'_> {
    pub fn text(&self) -> String {
        let yaml = |s: &str| serde_yaml::to_string(s).expect("a string serialises");
        let format = self.format.unwrap_or_default();
        let mut t = String::from("---\n");
        t.push_str(&format!("title: {}", yaml(self.title)));
        match format {
            Format::Order => {
                t.push_str("header:      # 发令机关标志, e.g. 宁夏回族自治区人民政府令\n")
            }
            Format::Minutes => {
                t.push_str("header:      # 纪要标志, e.g. 宁夏回族自治区自然资源厅厅务会议纪要\n")
            }
            _ => t.push_str("to:          # 主送机关, e.g. 自治区财政厅\n"),
        }
        t.push_str(&format!("date: {}\n", self.date.format("%Y-%m-%d")));
        let example = match format {
            Format::Order => "令号, e.g. 第128号",
            Format::Minutes => "期号, e.g. 第15期",
            _ => "发文字号, e.g. 宁自然资函〔2024〕33号",
        };
        match &self.number {
            Some(n) => t.push_str(&format!("number: {}", yaml(n))),
            None => t.push_str(&format!("number:      # {example}\n")),
        }
        if let Some(f) = self.format {
            t.push_str(&format!("format: {}\n", f.key()));
        }
        t.push_str(format_keys(format));
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

/// The keys only 命令格式 and 纪要格式 have, to fill in.
fn format_keys(format: Format) -> &'static str {
    match format {
        Format::Order => {
            "signers:     # 签发人 as 职务 姓名, e.g. 自治区主席 张雨浦\n\
             # signature: /images/signature.png   # 签名章 (a PNG with a transparent background), if there is one\n"
        }
        Format::Minutes => {
            "attendees:\n  present:    # 出席, e.g. [王建军（厅长）, 李文华（副厅长）]\n  \
             absent:     # 请假\n  observers:  # 列席\n"
        }
        _ => "",
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
                serial: None,
                year: None,
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
            number: Some("宁自然资函〔2024〕34号".into()),
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
