//! Typst's two colour profiles read as the device colours they describe.
//!
//! Typst gives every colour of its pages an ICC-based space: gray (text,
//! rules) and RGB (the red 版头) in the sRGB profiles it embeds. hayro
//! builds a colour transform from a PDF's profile anew for each PDF, a sixth
//! of a picture's time, only to turn black into black. The space's object is
//! rewritten in place, to the same length, as `DeviceGray` or `DeviceRGB`,
//! which hayro draws as sRGB, as the profiles say. A letter's colours (black,
//! white, the 版头's red) come out the same to the byte, as the tests hold
//! against hayro's drawing of the PDF as typst wrote it; a colour between
//! them comes out as the PDF gives it, where the transform could round it a
//! level off. Any other profile, an office's picture's own for one, stays.

use std::sync::LazyLock;

use hayro::hayro_syntax::object::{ObjectIdentifier, Stream};
use hayro::hayro_syntax::Pdf;
use regex::bytes::Regex;

/// The profiles typst embeds (krilla's, from saucecontrol's Compact ICC
/// Profiles, CC0 1.0).
const SRGB_GRAY: &[u8] = include_bytes!("sGrey-v4.icc");
const SRGB_RGB: &[u8] = include_bytes!("sRGB-v4.icc");

/// A colour space object as typst writes it: `12 0 obj\n[/ICCBased 58 0 R]\nendobj`.
static ICC_SPACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\n\d+ 0 obj\n(\[/ICCBased (\d+) 0 R\])\nendobj").expect("a valid pattern")
});

/// `pdf` with typst's profiles as device colours; as it is when it has none
/// (or does not read).
pub fn device_colours(pdf: Vec<u8>) -> Vec<u8> {
    let spaces: Vec<(std::ops::Range<usize>, i32)> = ICC_SPACE
        .captures_iter(&pdf)
        .filter_map(|c| {
            let profile = std::str::from_utf8(&c[2]).ok()?.parse().ok()?;
            Some((c.get(1)?.range(), profile))
        })
        .collect();
    if spaces.is_empty() {
        return pdf;
    }
    let Ok(read) = Pdf::new(pdf.clone()) else {
        return pdf;
    };
    let devices: Vec<_> = spaces
        .into_iter()
        .filter_map(|(at, profile)| {
            let stream = read
                .xref()
                .get::<Stream>(ObjectIdentifier::new(profile, 0))?;
            let device = match typst_profile_components(&stream.decoded().ok()?)? {
                1 => "/DeviceGray",
                _ => "/DeviceRGB",
            };
            Some((at, device))
        })
        .collect();
    drop(read);
    let mut pdf = pdf;
    for (at, device) in devices {
        // (Padded with spaces to the array's length: every offset of the
        // cross-reference table stays true.)
        let mut written = device.as_bytes().to_vec();
        written.resize(at.len(), b' ');
        pdf[at].copy_from_slice(&written);
    }
    pdf
}

/// The components of `profile` when it is one of typst's: 1 (gray) or 3 (RGB).
pub(super) fn typst_profile_components(profile: &[u8]) -> Option<usize> {
    match profile {
        p if p == SRGB_GRAY => Some(1),
        p if p == SRGB_RGB => Some(3),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_without_profiles_is_left_as_it_is() {
        let pdf = b"%PDF-1.7\n1 0 obj\n[/DeviceRGB]\nendobj\n".to_vec();
        assert_eq!(device_colours(pdf.clone()), pdf);
    }
}
