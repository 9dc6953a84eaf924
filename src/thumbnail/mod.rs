//! The index's picture of a letter's first page, drawn from the finished PDF.
//!
//! Drawing happens here, in-process, with hayro (the PDF rasterizer Typst
//! uses for PDF images): a typst run only to draw pictures cost a process
//! start and its own reading of every PDF, and the one-letter rebuild paid
//! for it in full. The PDF embeds all its fonts, so nothing else is read.
//! A page of text is drawn by [`canvas`], which keeps each glyph's pixels
//! for the next time it is drawn; once they are all kept, by [`kept_only`]
//! without reading the fonts; anything else by hayro's own renderer.

mod canvas;
mod device_colour;
mod glyph_key;
mod kept_only;
mod shown_font;

#[doc(hidden)]
pub use device_colour::device_colours;
pub use glyph_key::{Faces, KeyedGlyph};

use std::sync::Arc;

use anyhow::{anyhow, Context};
use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::content::ops::{self, TypedInstruction};
use hayro::hayro_syntax::content::TypedIter;
use hayro::hayro_syntax::object::dict::keys;
use hayro::hayro_syntax::object::{Dict, Name, Object, Stream};
use hayro::hayro_syntax::page::{Page, Resources};

use hayro::hayro_syntax::{Pdf, PdfData};
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::vello_cpu::kurbo::{Affine, Rect};
use hayro::{RenderCache, RenderSettings};
use shown_font::ShownFonts;

/// Pixels per inch: an A4 page is then 231 × 327 pixels, sharp at the
/// index's 116 CSS pixels on a double-density screen.
pub const PPI: f32 = 28.0;

/// Page 1 of `pdf` as an opaque RGB PNG at [`PPI`], or why it cannot be
/// drawn. Glyphs of `faces` are known by their characters.
pub fn first_page(pdf: Vec<u8>, faces: &Faces) -> anyhow::Result<Vec<u8>> {
    first_page_and_key(pdf, faces, false).0
}

/// [`first_page`], and with `keyed` its [`first_page_key`] too, read from
/// the same reading of the PDF (None when the PDF does not read).
pub fn first_page_and_key(
    pdf: Vec<u8>,
    faces: &Faces,
    keyed: bool,
) -> (anyhow::Result<Vec<u8>>, Option<Vec<u8>>) {
    let pdf = Arc::new(pdf);
    let read = with_first_page(pdf.clone(), |page| {
        let mut fonts = ShownFonts::default();
        let key = keyed.then(|| page_key(page, &mut fonts)).flatten();
        (
            key,
            kept_only::first_page(page, f64::from(SCALE), faces, &mut fonts),
        )
    });
    let key = match read {
        Ok((key, Ok((width, height, rgb)))) => {
            let png = encode(width, height, &rgb).context("cannot encode the picture");
            return (png, key);
        }
        // (A page not drawn from kept glyphs, or a PDF that does not read:
        // drawn through hayro, which says why it cannot be.)
        Ok((key, Err(_))) => key,
        Err(_) => None,
    };
    let pdf = Arc::try_unwrap(pdf).unwrap_or_else(|shared| (*shared).clone());
    let png = draw_first_page(device_colour::device_colours(pdf), |page, scale| {
        canvas::first_page(page, f64::from(scale), faces).unwrap_or_else(|| by_hayro(page, scale))
    });
    (png, key)
}

/// Pixels per point (an `f32`, as hayro's renderer takes it: the pictures
/// drawn from kept glyphs use the same number, so as to be the same size).
const SCALE: f32 = PPI / 72.0;

/// [`first_page`] drawn from the coverages this thread kept from earlier
/// pictures alone; an error when a glyph's was not kept (or the page draws
/// what this does not follow).
#[doc(hidden)]
pub fn first_page_from_kept(pdf: Arc<Vec<u8>>, faces: &Faces) -> anyhow::Result<Vec<u8>> {
    let drawn = with_first_page(pdf, |page| {
        kept_only::first_page(page, f64::from(SCALE), faces, &mut ShownFonts::default())
    })?;
    let (width, height, rgb) = drawn?;
    encode(width, height, &rgb).context("cannot encode the picture")
}

/// [`first_page`] as hayro's own renderer draws it, glyph by glyph, in the
/// PDF's own colour spaces: what the tests hold the pictures to.
#[doc(hidden)]
pub fn first_page_by_hayro(pdf: Vec<u8>) -> anyhow::Result<Vec<u8>> {
    draw_first_page(pdf, by_hayro)
}

/// Page 1's glyphs as the pictures key them, for the tests.
#[doc(hidden)]
pub fn first_page_glyph_keys(pdf: Vec<u8>) -> anyhow::Result<Vec<KeyedGlyph>> {
    with_first_page(pdf, |page| {
        let mut listed = glyph_key::Listed::default();
        canvas::interpret(
            page,
            Affine::IDENTITY,
            Rect::new(0.0, 0.0, 1.0, 1.0),
            &mut listed,
        );
        listed.glyphs
    })
}

fn draw_first_page(
    pdf: Vec<u8>,
    draw: impl FnOnce(&Page, f32) -> (u32, u32, Vec<u8>),
) -> anyhow::Result<Vec<u8>> {
    let (width, height, rgb) = with_first_page(pdf, |page| draw(page, SCALE))?;
    encode(width, height, &rgb).context("cannot encode the picture")
}

fn with_first_page<T>(pdf: impl Into<PdfData>, then: impl FnOnce(&Page) -> T) -> anyhow::Result<T> {
    let pdf = Pdf::new(pdf).map_err(|e| anyhow!("the PDF does not read back ({e:?})"))?;
    let pages = pdf.pages();
    let page = pages.first().context("the PDF has no pages")?;
    Ok(then(page))
}

/// The page drawn by hayro itself, for what [`canvas`] does not follow.
fn by_hayro(page: &Page, scale: f32) -> (u32, u32, Vec<u8>) {
    let settings = RenderSettings {
        x_scale: scale,
        y_scale: scale,
        bg_color: WHITE,
        ..Default::default()
    };
    let pixmap = hayro::render(
        page,
        &RenderCache::new(),
        &InterpreterSettings::default(),
        &settings,
    );
    // The page is opaque white underneath, so premultiplied RGBA is plain RGB.
    let rgb: Vec<u8> = pixmap
        .data_as_u8_slice()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    (u32::from(pixmap.width()), u32::from(pixmap.height()), rgb)
}

/// What page 1 of `pdf` is drawn from, as bytes to hash: its content, the
/// text it shows as characters of named fonts, and the images and forms it
/// draws, but not its fonts' programs. Typst numbers a subset's glyphs in
/// the order the pages use them, so new characters on a later page change
/// the subsets but nothing of this: an edit there leaves the picture as it
/// was. The glyph numbers alone would not do: 宁吉喆 and 张三李 on page 1
/// are the same three new numbers. None when the PDF does not read, or
/// draws with what this does not follow (patterns, shadings, soft masks):
/// the picture is then drawn again.
pub fn first_page_key(pdf: Vec<u8>) -> Option<Vec<u8>> {
    with_first_page(pdf, |page| page_key(page, &mut ShownFonts::default())).ok()?
}

/// [`first_page_key`] of `page`, its fonts read into `fonts`.
fn page_key(page: &Page, fonts: &mut ShownFonts) -> Option<Vec<u8>> {
    let mut key = Vec::new();
    drawing_key(page.page_stream()?, page.resources(), &mut key, 0, fonts)?;
    Some(key)
}

/// Appends to `key` what `content`, with its `resources` (whose fonts
/// `fonts` holds), draws.
fn drawing_key(
    content: &[u8],
    resources: &Resources,
    key: &mut Vec<u8>,
    depth: u8,
    fonts: &mut ShownFonts,
) -> Option<()> {
    let unfollowed = !resources.patterns.is_empty()
        || !resources.shadings.is_empty()
        || resources.ext_g_states.keys().any(|name| {
            resources
                .get_ext_g_state(&name)
                .is_none_or(|state| state.contains_key(keys::SMASK))
        });
    if unfollowed || depth > 8 {
        return None;
    }
    key.extend_from_slice(content);
    let mut font = None;
    let mut ops = TypedIter::new(content);
    while let Some(op) = ops.next() {
        match op {
            TypedInstruction::TextFont(f) => {
                let read = fonts.get(resources, f.0)?;
                key.extend_from_slice(read.name.as_bytes());
                font = Some(read);
            }
            TypedInstruction::ShowText(ops::ShowText(text))
            | TypedInstruction::NextLineAndShowText(ops::NextLineAndShowText(text))
            | TypedInstruction::ShowTextWithParameters(ops::ShowTextWithParameters(_, _, text)) => {
                font.as_ref()?.characters(text.as_bytes(), key)?;
            }
            TypedInstruction::ShowTexts(ops::ShowTexts(parts)) => {
                for part in parts.iter::<Object>() {
                    if let Object::String(text) = part {
                        font.as_ref()?.characters(text.as_bytes(), key)?;
                    }
                }
            }
            TypedInstruction::XObject(ops::XObject(name)) => {
                let object = resources.get_x_object(name)?;
                let dict = object.dict();
                if dict.get::<Name>(keys::SUBTYPE).as_deref() == Some(keys::FORM) {
                    let inner = dict.get::<Dict>(keys::RESOURCES).unwrap_or_default();
                    let inner = Resources::from_parent(inner, resources.clone());
                    let mut own = ShownFonts::default();
                    drawing_key(&object.decoded().ok()?, &inner, key, depth + 1, &mut own)?;
                } else {
                    key.extend_from_slice(&object.raw_data());
                    if let Some(mask) = dict.get::<Stream>(keys::SMASK) {
                        key.extend_from_slice(&mask.raw_data());
                    }
                }
            }
            _ => {}
        }
    }
    Some(())
}

fn encode(width: u32, height: u32, rgb: &[u8]) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // The default deflate took a fifth of the drawing time, for a picture
    // loaded lazily from the intranet.
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_that_are_not_a_pdf_say_so() {
        let e = first_page(b"%PDF-1.7 broken".to_vec(), &Faces::default()).unwrap_err();
        assert!(
            e.to_string().starts_with("the PDF does not read back"),
            "{e}"
        );
    }
}
