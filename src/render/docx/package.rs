//! What docx-rs does not write, at the XML level, and the package itself.
//! docx-rs's font table names only Times New Roman, Symbol and Arial, with
//! no `w:altName`; and its zip takes the time of day. So the font table is
//! written here, naming each official face with its Fandol alternate, and
//! the parts are zipped here with a fixed timestamp: the same letter gives
//! the same bytes. docx-rs also writes an empty Normal style before the
//! document's own; LibreOffice takes the first, and sizes its character
//! grid by Normal's size, so the empty one is taken out.

use std::io::{Cursor, Write};

use docx_rs::XMLDocx;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::styles::FACES;

/// The font table: each face with its alternate (the free face to use where
/// it is missing) and the charset of GB 2312 (86).
pub fn font_table() -> Vec<u8> {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    );
    for face in FACES {
        // The names are gongwen's own constants, never letter text.
        xml.push_str(&format!(
            r#"<w:font w:name="{}"><w:altName w:val="{}"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>"#,
            face.name, face.alternate
        ));
    }
    xml.push_str("</w:fonts>");
    xml.into_bytes()
}

/// The styles without docx-rs's empty Normal (the first `Normal`, exactly
/// as docx-rs writes it; styles.xml holds no letter text).
fn without_empty_normal(styles: &[u8]) -> Vec<u8> {
    const EMPTY: &str = r#"<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal" /><w:rPr /><w:pPr><w:rPr /></w:pPr><w:qFormat /></w:style>"#;
    String::from_utf8_lossy(styles)
        .replacen(EMPTY, "", 1)
        .into_bytes()
}

/// Zips the parts as a DOCX, every entry dated 1980-01-01 (the zip
/// format's first day), deflated, in a fixed order.
pub fn zip(mut parts: XMLDocx) -> zip::result::ZipResult<Vec<u8>> {
    parts.font_table = font_table();
    parts.styles = without_empty_normal(&parts.styles);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut put = |path: &str, bytes: &[u8]| -> zip::result::ZipResult<()> {
        zip.start_file(path, options)?;
        zip.write_all(bytes)?;
        Ok(())
    };
    put("[Content_Types].xml", &parts.content_type)?;
    put("_rels/.rels", &parts.rels)?;
    put("docProps/app.xml", &parts.doc_props.app)?;
    put("docProps/core.xml", &parts.doc_props.core)?;
    put("docProps/custom.xml", &parts.doc_props.custom)?;
    put("word/_rels/document.xml.rels", &parts.document_rels)?;
    put("word/document.xml", &parts.document)?;
    put("word/styles.xml", &parts.styles)?;
    put("word/settings.xml", &parts.settings)?;
    put("word/fontTable.xml", &parts.font_table)?;
    put("word/comments.xml", &parts.comments)?;
    put("word/numbering.xml", &parts.numberings)?;
    put("word/commentsExtended.xml", &parts.comments_extended)?;
    put("word/footnotes.xml", &parts.footnotes)?;
    for (i, h) in parts.headers.iter().enumerate() {
        put(&format!("word/header{}.xml", i + 1), h)?;
    }
    for (i, r) in parts.header_rels.iter().enumerate() {
        put(&format!("word/_rels/header{}.xml.rels", i + 1), r)?;
    }
    for (i, f) in parts.footers.iter().enumerate() {
        put(&format!("word/footer{}.xml", i + 1), f)?;
    }
    for (i, r) in parts.footer_rels.iter().enumerate() {
        put(&format!("word/_rels/footer{}.xml.rels", i + 1), r)?;
    }
    for (id, bytes) in &parts.media {
        put(&format!("word/media/{id}.png"), bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}
