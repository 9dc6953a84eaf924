//! DOCX output (issue #16): the Word file read back as XML (roxmltree on
//! the unzipped parts) and rendered by LibreOffice into a PDF measured as
//! the layout suite measures gongwen's own PDFs (`render.rs`).

mod build;
mod read;
mod render;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use gongwen::render::docx::DocxFile;
use gongwen::render::{Links, Renderer, Rendering};

/// The DOCX gongwen makes of the letter at `source` in the project at `root`,
/// made in this process by the library, without typst.
pub fn render(root: &Path, source: &str) -> Vec<u8> {
    let config = gongwen::config::Config::load(root).unwrap();
    let bytes = std::fs::read(root.join(source)).unwrap();
    let (letter, body, attachments) = gongwen::build::load(
        root,
        &config.defaults,
        Path::new(source),
        bytes,
        gongwen::letter::Reading::Build,
    )
    .unwrap_or_else(|d| panic!("{source}: {d:?}"));
    let rendering = Rendering {
        letter: &letter,
        body: &body,
        attachments: &attachments,
        links: Links::of(Path::new(source)),
    };
    DocxFile { root }.render(&rendering).unwrap()
}

/// Every part of a DOCX, by name, as text.
pub fn parts(docx: &[u8]) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut file = zip.by_index(i).unwrap();
            let mut text = String::new();
            if file.name().ends_with(".xml") || file.name().ends_with(".rels") {
                file.read_to_string(&mut text).unwrap();
            }
            (file.name().to_string(), text)
        })
        .collect()
}
