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

impl Config {
    pub fn parse(text: &str) -> Result<Config, Diagnostics> {
        let known: Vec<&'static Field> = fields::ALL
            .iter()
            .copied()
            .chain([
                &fields::SITE_TITLE,
                &fields::THUMBNAILS,
                &fields::RESTRICTED,
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
        let defaults = RawMeta::read(&mut reader);
        std::mem::take(&mut reader.diagnostics).into_result(Config {
            defaults,
            site_title,
            thumbnails,
            restricted,
        })
    }

    /// The folder, relative to the project, that takes the PDFs of held-back letters.
    pub fn restricted(&self) -> PathBuf {
        self.restricted
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_RESTRICTED))
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
}
