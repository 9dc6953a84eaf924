//! The office config, `gongwen.yaml` at the project root: defaults for every
//! letter (issuer, header, printer, format, …) and the site's title.

use std::path::{Component, Path, PathBuf};

use crate::diagnostic::Diagnostics;
use crate::letter::fields::{self, Field};
use crate::letter::frontmatter::{Reader, Text};
use crate::letter::RawMeta;
use crate::project;

pub const FILE_NAME: &str = "gongwen.yaml";

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub defaults: RawMeta,
    pub site_title: Option<String>,
    /// `thumbnails: false` turns the index's first-page pictures off.
    pub thumbnails: Option<bool>,
    /// `restricted:`, checked: a plain relative path, outside `output/`.
    pub restricted: Option<PathBuf>,
    /// `page_size: 100`: letters on each listing page of the site.
    pub page_size: Option<usize>,
}

/// Where held-back PDFs go unless `gongwen.yaml` says otherwise.
pub const DEFAULT_RESTRICTED: &str = "restricted";

/// A folder of the project for held-back PDFs: relative, inside the
/// project, and in none of the folders gongwen reads or publishes.
fn restricted_folder(reader: &mut Reader, given: &str) -> Option<PathBuf> {
    let path = Path::new(given.trim().trim_end_matches('/'));
    let plain = path.components().count() > 0
        && path.components().all(|c| matches!(c, Component::Normal(_)));
    let first = path
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let taken = first.as_deref().is_some_and(|f| {
        [
            project::OUTPUT,
            project::LETTERS,
            project::FONTS,
            crate::templates::DIR,
        ]
        .contains(&f)
    });
    if plain && !taken {
        return Some(path.to_path_buf());
    }
    reader.error(
        &fields::RESTRICTED,
        format!("`{given}` cannot hold the held-back PDFs"),
        Some(format!(
            "name a folder of the project outside `{}/`, `{}/`, `{}/` and `{}/`, e.g. `restricted: {DEFAULT_RESTRICTED}`",
            project::OUTPUT,
            project::LETTERS,
            project::FONTS,
            crate::templates::DIR
        )),
    );
    None
}

/// Letters on a listing page when `gongwen.yaml` does not say.
pub const DEFAULT_PAGE_SIZE: usize = 50;

impl Config {
    pub fn parse(text: &str) -> Result<Config, Diagnostics> {
        let known: Vec<&'static Field> = fields::ALL
            .iter()
            .copied()
            .chain([
                &fields::SITE_TITLE,
                &fields::THUMBNAILS,
                &fields::RESTRICTED,
                &fields::PAGE_SIZE,
            ])
            .collect();
        let mut reader = Reader::new(Path::new(FILE_NAME), text, 1, &known)?;
        let site_title = reader
            .take::<Text>(&fields::SITE_TITLE, "text")
            .map(|t| t.0);
        let thumbnails = reader.take::<bool>(&fields::THUMBNAILS, "true or false");
        let restricted = reader
            .take::<Text>(&fields::RESTRICTED, "a folder of the project")
            .and_then(|t| restricted_folder(&mut reader, &t.0));
        let page_size = read_page_size(&mut reader);
        let defaults = RawMeta::read(&mut reader);
        std::mem::take(&mut reader.diagnostics).into_result(Config {
            defaults,
            site_title,
            thumbnails,
            restricted,
            page_size,
        })
    }

    /// The folder, relative to the project, that takes the PDFs of held-back letters.
    pub fn restricted(&self) -> PathBuf {
        self.restricted
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_RESTRICTED))
    }

    /// Letters on each listing page of the site.
    pub fn page_size(&self) -> usize {
        self.page_size.unwrap_or(DEFAULT_PAGE_SIZE)
    }

    /// Whether the index shows each letter's first page.
    pub fn thumbnails(&self) -> bool {
        self.thumbnails != Some(false)
    }

    /// The config of the project at `root`; none at all is fine.
    pub fn load(root: &Path) -> Result<Config, Diagnostics> {
        match crate::regular::read_to_string(&root.join(FILE_NAME)) {
            Ok(text) => Config::parse(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(crate::diagnostic::Diagnostic::new(
                FILE_NAME,
                format!("cannot read: {e}"),
            )
            .into()),
        }
    }
}

/// `page_size`: a whole number from 1 up; 0 would make pages of nothing.
fn read_page_size(reader: &mut Reader) -> Option<usize> {
    let expected = "a whole number of letters from 1 up";
    let size = reader.take::<usize>(&fields::PAGE_SIZE, expected)?;
    if size == 0 {
        reader.error(
            &fields::PAGE_SIZE,
            "0 letters a page would make pages with nothing on them",
            Some(format!("write {expected}, e.g. `page_size: 50`")),
        );
        return None;
    }
    Some(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_defaults_and_rejects_typos() {
        let c = Config::parse("site_title: 公文\nissuer: 某厅\n格式: letter\n").unwrap();
        assert_eq!(c.site_title.as_deref(), Some("公文"));
        assert_eq!(c.defaults.issuer.as_deref(), Some("某厅"));
        assert_eq!(c.defaults.format.as_deref(), Some("letter"));
        let seal = Config::parse("seal: images/seal.png\n").unwrap();
        assert_eq!(seal.defaults.seal.as_deref(), Some("images/seal.png"));
        let e = Config::parse("seal: ../seal.png\n").unwrap_err();
        assert!(
            e.to_string().starts_with(
                "error: gongwen.yaml:1: `seal` (印章): `../seal.png` is outside the project"
            ),
            "{e}"
        );
        assert_eq!(Config::default().restricted(), PathBuf::from("restricted"));
        let c = Config::parse("restricted: secret/pdf/\n").unwrap();
        assert_eq!(c.restricted(), PathBuf::from("secret/pdf"));
        for bad in [
            "output/restricted",
            "../elsewhere",
            "/srv/secret",
            "letters/x",
        ] {
            let e = Config::parse(&format!("restricted: {bad}\n")).unwrap_err();
            assert!(
                e.to_string().starts_with(&format!(
                    "error: gongwen.yaml:1: `restricted` (不公开文件夹): `{bad}` cannot hold the held-back PDFs"
                )),
                "{e}"
            );
        }
        let e = Config::parse("isuer: 某厅\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "error: gongwen.yaml:1: unknown key `isuer`\n  help: did you mean `issuer`?"
        );
    }

    #[test]
    fn page_size_is_a_whole_number_from_one() {
        assert_eq!(Config::default().page_size(), 50);
        assert_eq!(Config::parse("每页条数: 20\n").unwrap().page_size(), 20);
        let e = Config::parse("site_title: 公文\npage_size: 二十\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "error: gongwen.yaml:2: `page_size` (每页条数): expected a whole number of letters from 1 up, found text\n  \
             help: write it as a whole number of letters from 1 up, e.g. `page_size: 50`"
        );
        let e = Config::parse("page_size: 0\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "error: gongwen.yaml:1: `page_size` (每页条数): 0 letters a page would make pages with nothing on them\n  \
             help: write a whole number of letters from 1 up, e.g. `page_size: 50`"
        );
    }
}
