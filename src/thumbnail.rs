//! The index's picture of a letter's first page, drawn from the finished PDF.
//!
//! Drawing happens here, in-process, with hayro (the PDF rasterizer Typst
//! uses for PDF images): a typst run only to draw pictures cost a process
//! start and its own reading of every PDF, and the one-letter rebuild paid
//! for it in full. The PDF embeds all its fonts, so nothing else is read.

use anyhow::{anyhow, Context};
use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::Pdf;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{RenderCache, RenderSettings};

/// Pixels per inch: an A4 page is then 231 × 327 pixels, sharp at the
/// index's 116 CSS pixels on a double-density screen.
pub const PPI: f32 = 28.0;

/// Page 1 of `pdf` as an opaque RGB PNG at [`PPI`], or why it cannot be drawn.
pub fn first_page(pdf: Vec<u8>) -> anyhow::Result<Vec<u8>> {
    let pdf = Pdf::new(pdf).map_err(|e| anyhow!("the PDF does not read back ({e:?})"))?;
    let pages = pdf.pages();
    let page = pages.first().context("the PDF has no pages")?;
    let scale = PPI / 72.0;
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
    encode(u32::from(pixmap.width()), u32::from(pixmap.height()), &rgb)
        .context("cannot encode the picture")
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
        let e = first_page(b"%PDF-1.7 broken".to_vec()).unwrap_err();
        assert!(
            e.to_string().starts_with("the PDF does not read back"),
            "{e}"
        );
    }
}
