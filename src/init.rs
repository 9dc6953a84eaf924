//! `gongwen init`: a new office project (`gongwen.yaml`, `letters/` with one
//! example letter, `.gitignore`, a README), and `--eject`: gongwen's embedded
//! templates and fonts written into the project for an office to edit.
//! Neither ever writes over a file that is there.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::{Datelike, NaiveDate};

use crate::embedded::{self, Written};
use crate::letter::number::Number;
use crate::project::{FONTS, LETTERS};
use crate::{config, templates};

/// The office's names, as `gongwen.yaml` and the example letter use them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Office {
    /// 发文机关署名 (`issuer`).
    pub issuer: String,
    /// 印发机关 (`printer`).
    pub printer: String,
    /// The intranet site's title (`site_title`).
    pub site_title: String,
    /// The 机关代字 of the office's 发文字号, e.g. 宁自然资函.
    pub series: String,
}

/// One of the office's names, for the prompts and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Name {
    /// The flag of `gongwen init` that gives it, without `--`.
    pub flag: &'static str,
    pub chinese: &'static str,
    pub example: &'static str,
}

pub const ISSUER: Name = Name {
    flag: "issuer",
    chinese: "发文机关署名",
    example: "宁夏回族自治区自然资源厅",
};
pub const PRINTER: Name = Name {
    flag: "printer",
    chinese: "印发机关",
    example: "宁夏回族自治区自然资源厅办公室",
};
pub const SITE_TITLE: Name = Name {
    flag: "site-title",
    chinese: "网站标题",
    example: "宁夏回族自治区自然资源厅 公文",
};
pub const SERIES: Name = Name {
    flag: "series",
    chinese: "发文字号的机关代字",
    example: "宁自然资函",
};

/// What an office that gave no names gets: plainly not a real office.
pub const PLACEHOLDER_ISSUER: &str = "某市某局";
pub const PLACEHOLDER_SERIES: &str = "某局函";

impl Office {
    /// The 印发机关 most offices have: the issuer's 办公室.
    pub fn default_printer(issuer: &str) -> String {
        format!("{issuer}办公室")
    }

    pub fn default_site_title(issuer: &str) -> String {
        format!("{issuer} 公文")
    }
}

/// Makes the project's files in `dir` (created if need be) and returns
/// each with whether it was written or kept. The example letter is written
/// only when `letters/` holds no letter yet.
pub fn create(dir: &Path, office: &Office, today: NaiveDate) -> Result<Vec<Written>> {
    let mut done = vec![
        embedded::write_new(dir, Path::new(config::FILE_NAME), || {
            Ok(config_text(office).into_bytes())
        })?,
        embedded::write_new(dir, Path::new(".gitignore"), || Ok(GITIGNORE.into()))?,
        embedded::write_new(dir, Path::new("README.md"), || {
            Ok(readme(office).into_bytes())
        })?,
    ];
    let has_letters = dir.join(LETTERS).is_dir()
        && crate::project::find_letters(dir).is_ok_and(|f| !f.letters.is_empty());
    if !has_letters {
        let path = Path::new(LETTERS)
            .join(today.year().to_string())
            .join(format!("{}-1.md", today.format("%Y-%m-%d")));
        done.push(embedded::write_new(dir, &path, || {
            Ok(example_letter(office, today).into_bytes())
        })?);
    }
    Ok(done)
}

/// Writes gongwen's templates into `templates/` and its fonts (with their
/// licences) into `fonts/`, each file only where the project has none.
pub fn eject(dir: &Path) -> Result<Vec<Written>> {
    let mut done = Vec::new();
    for (name, bytes) in templates::DEFAULTS {
        let path = Path::new(templates::DIR).join(name);
        done.push(embedded::write_new(dir, &path, || Ok(bytes.to_vec()))?);
    }
    for file in embedded::FONT_FILES {
        let path: PathBuf = Path::new(FONTS).join(file.path);
        done.push(embedded::write_new(dir, &path, || file.unpack())?);
    }
    Ok(done)
}

/// Kept out of git: what a build makes, and the held-back PDFs above all.
pub const GITIGNORE: &str = "\
# Made by `gongwen build`: the site (publish it whole), the held-back PDFs
# (never publish them), a running build's scratch and what the last build made.
/output/
/restricted/
/.gongwen-work-*/
/.gongwen.state
";

fn yaml(value: &str) -> String {
    serde_yaml::to_string(value)
        .expect("a string serialises")
        .trim_end()
        .to_string()
}

pub fn config_text(office: &Office) -> String {
    format!(
        "# Office-wide defaults for every letter under letters/; any letter can override\n\
         # any of these keys in its own frontmatter (see `gongwen help new`).\n\
         # 本机关的默认值，适用于 letters/ 下的每一件公文；公文可在自己的前置元数据中覆盖。\n\
         site_title: {}\n\
         issuer: {}\n\
         printer: {}\n",
        yaml(&office.site_title),
        yaml(&office.issuer),
        yaml(&office.printer),
    )
}

/// A short letter that shows the frontmatter and the body's headings, and builds.
pub fn example_letter(office: &Office, today: NaiveDate) -> String {
    let number = Number {
        series: office.series.clone(),
        year: today.year(),
        n: 1,
    };
    format!(
        "---\n\
         title: 关于试用公文排版工具的函\n\
         format: letter\n\
         to: [本机关各处室, 各直属单位]\n\
         date: {}\n\
         number: {}\n\
         note: 联系人：某某 0000-0000000\n\
         ---\n\
         \n\
         为规范公文格式、提高办文效率，{}决定试用公文排版工具。现将有关事项函告如下：\n\
         \n\
         # 试用范围\n\
         \n\
         本机关起草的函件，均可用本工具排版，经审核后按程序印发。\n\
         \n\
         # 有关要求\n\
         \n\
         ## 明确专人负责\n\
         \n\
         各单位要指定专人负责，试用中发现的问题及时反馈。\n\
         \n\
         ## 严格保密管理\n\
         \n\
         涉密公文不得在本工具中起草。\n\
         \n\
         特此函告。\n",
        today.format("%Y-%m-%d"),
        yaml(&number.to_string()),
        office.issuer,
    )
}

fn readme(office: &Office) -> String {
    format!(
        "# {title}\n\
         \n\
         The letters (公文) of {issuer}, written as Markdown and built with gongwen\n\
         into PDFs laid out to GB/T 9704-2012 and an intranet site.\n\
         \n\
         | path | what it holds |\n\
         | --- | --- |\n\
         | `letters/` | the letters, one `.md` file each, in any sub-folders (names starting with `_` are skipped: drafts, attachment files) |\n\
         | `gongwen.yaml` | the office's defaults for every letter (issuer, printer, …) and the site's title |\n\
         | `templates/`, `fonts/` | only if the office changes the look: `gongwen init --eject` writes gongwen's own here to edit |\n\
         | `output/` | made by `gongwen build`: the site, with a PDF and a page per letter; publish it whole |\n\
         | `restricted/` | made by `gongwen build`: the PDFs of letters held back from the site; never publish it |\n\
         \n\
         ## Every day\n\
         \n\
         ```sh\n\
         gongwen new \"关于……的函\"   # start a letter: prints the new file's path\n\
         gongwen check              # look for mistakes; `gongwen check --fix` corrects the safe ones\n\
         gongwen serve              # preview at http://127.0.0.1:8000/, rebuilt on every save\n\
         gongwen build              # make output/\n\
         ```\n\
         \n\
         To publish, copy `output/` whole to the intranet web server; nothing of a\n\
         held-back letter is in it. `output/`, `restricted/` and gongwen's scratch files\n\
         are kept out of git by `.gitignore`.\n",
        title = office.site_title,
        issuer = office.issuer,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn office() -> Office {
        Office {
            issuer: "宁夏回族自治区自然资源厅".into(),
            printer: "宁夏回族自治区自然资源厅办公室".into(),
            site_title: "宁夏回族自治区自然资源厅 公文".into(),
            series: "宁自然资函".into(),
        }
    }

    #[test]
    fn the_config_reads_back_as_written() {
        let tricky = Office {
            issuer: "某局: #1 \"甲\"".into(),
            ..office()
        };
        let config = config::Config::parse(&config_text(&tricky)).unwrap();
        assert_eq!(config.defaults.issuer.as_deref(), Some("某局: #1 \"甲\""));
        assert_eq!(
            config.site_title.as_deref(),
            Some("宁夏回族自治区自然资源厅 公文")
        );
    }

    #[test]
    fn the_example_letter_has_the_first_number_of_the_year() {
        let text = example_letter(&office(), NaiveDate::from_ymd_opt(2026, 12, 4).unwrap());
        assert!(text.contains("date: 2026-12-04\n"), "{text}");
        assert!(text.contains("number: 宁自然资函〔2026〕1号\n"), "{text}");
    }
}
