//! The templates: gongwen's defaults are built in, and each file the project
//! has in `templates/` replaces its default, one file at a time (as mdBook's
//! themes do), so an office edits only what it wants different.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;

use anyhow::{Context, Result};
use tera::Tera;

pub const DIR: &str = "templates";
pub const LETTER: &str = "letter.html";
pub const INDEX: &str = "index.html";
pub const STYLE: &str = "style.css";
pub const LAYOUT: &str = "gongwen.typ";
pub const SEARCH: &str = "search.js";

pub static DEFAULTS: &[(&str, &[u8])] = &[
    (LETTER, include_bytes!("../templates/letter.html")),
    (INDEX, include_bytes!("../templates/index.html")),
    (STYLE, include_bytes!("../templates/style.css")),
    (LAYOUT, include_bytes!("../templates/gongwen.typ")),
    (SEARCH, include_bytes!("../templates/search.js")),
];

pub struct Templates {
    tera: Parsing,
    /// The letter page's template as written, for deciding when pages must be remade.
    pub letter_source: Vec<u8>,
    /// The index template as written, likewise for the listing pages.
    pub index_source: Vec<u8>,
    pub style: Vec<u8>,
    /// The Typst layout.
    pub layout: Vec<u8>,
    /// The index's search script.
    pub search: Vec<u8>,
}

impl Templates {
    /// Reads the templates; the HTML ones are parsed on a thread of their
    /// own (see [`Parsing`]), and a mistake in them is told by [`Templates::check`].
    pub fn load(root: &Path) -> Result<Templates> {
        let (letter_source, letter_path) = file(root, LETTER)?;
        let (index_source, index_path) = file(root, INDEX)?;
        let text = |bytes: &[u8], path: &Path| {
            String::from_utf8(bytes.to_vec())
                .with_context(|| format!("{} is not UTF-8 text", path.display()))
        };
        let pages = vec![
            (LETTER, text(&letter_source, &letter_path)?, letter_path),
            (INDEX, text(&index_source, &index_path)?, index_path),
        ];
        Ok(Templates {
            tera: Parsing::start(pages),
            letter_source,
            index_source,
            style: file(root, STYLE)?.0,
            layout: file(root, LAYOUT)?.0,
            search: file(root, SEARCH)?.0,
        })
    }

    /// The mistake in an HTML template, if there is one (`templates/letter.html: …`).
    pub fn check(&self) -> Result<()> {
        self.tera.parsed().map(|_| ())
    }

    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String> {
        (self.tera.parsed()?.render(name, context))
            .map_err(|e| anyhow::anyhow!("template {DIR}/{name}: {}", error_chain(&e)))
    }
}

/// The HTML templates being parsed. Tera's parser takes a few milliseconds
/// over them, which a build spends finding what changed instead: the parse
/// runs beside it and is waited for at the first page.
struct Parsing {
    running: Mutex<Option<JoinHandle<Result<Tera, String>>>>,
    parsed: OnceLock<Result<Tera, String>>,
}

impl Parsing {
    /// `pages`: each template's name, text and path (for messages).
    fn start(pages: Vec<(&'static str, String, PathBuf)>) -> Parsing {
        let parse = move || {
            let mut tera = Tera::default();
            tera.set_escape_fn(escape_html);
            for (name, text, path) in pages {
                (tera.add_raw_template(name, &text))
                    .map_err(|e| format!("{}: {}", path.display(), error_chain(&e)))?;
            }
            Ok(tera)
        };
        Parsing {
            running: Mutex::new(Some(std::thread::spawn(parse))),
            parsed: OnceLock::new(),
        }
    }

    fn parsed(&self) -> Result<&Tera> {
        let parsed = self.parsed.get_or_init(|| {
            let running = self.running.lock().expect("not poisoned").take();
            running
                .expect("joined once, inside get_or_init")
                .join()
                .unwrap_or_else(|_| Err("the templates' parser stopped".to_owned()))
        });
        parsed.as_ref().map_err(|e| anyhow::anyhow!("{e}"))
    }
}

/// The project's own copy of a template, else the built-in one; with the
/// path to name in messages.
fn file(root: &Path, name: &str) -> Result<(Vec<u8>, PathBuf)> {
    let own = Path::new(DIR).join(name);
    match crate::regular::read(&root.join(&own)) {
        Ok(bytes) => Ok((bytes, own)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let (_, bytes) = DEFAULTS
                .iter()
                .find(|(n, _)| *n == name)
                .expect("every template has a default");
            Ok((bytes.to_vec(), PathBuf::from(format!("(built-in) {name}"))))
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {}", own.display())),
    }
}

/// Tera's own escaping also turns `/` into `&#x2F;`, which makes every link
/// in the pages unreadable; escaping `&<>"'` is what HTML needs.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String cannot fail");
    out
}

/// Tera puts the useful part ("Variable `x` not found") in the error's sources.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_template_replaces_only_its_default() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(DIR)).unwrap();
        std::fs::write(
            dir.path().join(DIR).join(INDEX),
            "{{ letters | length }} 件",
        )
        .unwrap();
        let t = Templates::load(dir.path()).unwrap();
        let mut c = tera::Context::new();
        c.insert("letters", &[1, 2]);
        assert_eq!(t.render(INDEX, &c).unwrap(), "2 件");
        assert_eq!(t.style, DEFAULTS[2].1);
    }

    #[test]
    fn a_broken_template_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(DIR)).unwrap();
        std::fs::write(dir.path().join(DIR).join(LETTER), "{% if %}").unwrap();
        let t = Templates::load(dir.path()).unwrap();
        let e = t.check().err().unwrap().to_string();
        assert!(e.starts_with("templates/letter.html: "), "{e}");
    }
}
