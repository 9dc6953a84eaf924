//! A glyph's identity across PDFs, for the coverages kept between pictures.
//!
//! Each PDF embeds its own subset of a face, with the glyphs numbered anew,
//! so a glyph is known by what draws it. A face of the project's [`Faces`]
//! prints a character with one glyph only, so there it is known by the face
//! and the character (which the PDF's ToUnicode map gives, without reading
//! the font program at all). In a CID-keyed CFF font without
//! subroutines (typst's subsets) that is its charstring and the font's
//! matrices, read straight from the font program; in any other font it is
//! the outline, drawn to be hashed. (Drawing every glyph's outline of page 1
//! only to know it took a third of a picture's time.)

use std::collections::HashMap;
use std::ops::Range;

use hayro::hayro_interpret::font::{FontData, Glyph, OutlineGlyph};
use hayro::hayro_interpret::hayro_cmap::BfString;
use hayro::hayro_interpret::{
    BlendMode, CacheKey, ClipPath, Device, GlyphDrawMode, Image, Paint, PathDrawMode, SoftMask,
};
use hayro::vello_cpu::kurbo::{Affine, BezPath, PathEl, Point, Rect};
use skrifa::raw::ps::cff::CffFontRef;
use xxhash_rust::xxh3::Xxh3;

/// The keys of one PDF's glyphs, by hayro's key of the glyph in that PDF.
#[derive(Default)]
pub struct GlyphKeys {
    glyphs: HashMap<u128, u128>,
    /// The charstrings of each font, by hayro's key of the font (None: the
    /// font's glyphs are known by their outlines).
    fonts: HashMap<u128, Option<Charstrings>>,
}

impl GlyphKeys {
    pub fn key(&mut self, glyph: &OutlineGlyph, faces: &Faces) -> u128 {
        let id = glyph.identifier().cache_key();
        if let Some(key) = self.glyphs.get(&id) {
            return *key;
        }
        let by_face = (glyph.font_data())
            .and_then(|font| faces.key(font.postscript_name.as_deref()?, &glyph.as_unicode()?));
        let key = by_face
            .or_else(|| self.charstring_key(glyph))
            .unwrap_or_else(|| hash_path(&glyph.outline()));
        self.glyphs.insert(id, key);
        key
    }

    /// The key read from the glyph's charstring, None when its font does
    /// not tell its outline by its charstrings alone.
    pub fn charstring_key(&mut self, glyph: &OutlineGlyph) -> Option<u128> {
        let font = glyph.font_data()?;
        let charstrings = self
            .fonts
            .entry(font.cache_key)
            .or_insert_with(|| Charstrings::read(font.data));
        charstrings
            .as_ref()?
            .key(glyph.glyph_id().to_u32() as usize)
    }
}

/// The faces whose glyph for a character is always the same: those of the
/// fonts given to typst that have no glyph substitutions (GSUB) nor
/// variations, by PostScript name, with what the face is (its file as it is
/// now, so a face changed under `watch` is not taken for the old one).
#[derive(Debug, Default, Clone)]
pub struct Faces(HashMap<String, u128>);

impl Faces {
    /// The faces of `fonts`, each with its identity when it prints a
    /// character with one glyph only. A name two faces share is left out:
    /// the PDF would not tell which of them typst took.
    pub fn new(fonts: impl IntoIterator<Item = (String, Option<u128>)>) -> Faces {
        let mut by_name: HashMap<String, Option<u128>> = HashMap::new();
        for (name, identity) in fonts {
            by_name
                .entry(name)
                .and_modify(|seen| *seen = None)
                .or_insert(identity);
        }
        Faces(
            by_name
                .into_iter()
                .filter_map(|(name, identity)| Some((name, identity?)))
                .collect(),
        )
    }

    /// Whether glyphs of the face named `postscript_name` are known by character.
    pub fn has(&self, postscript_name: &str) -> bool {
        self.0.contains_key(postscript_name)
    }

    /// The key of the glyph the font `base_font` prints for `text`; None
    /// unless its face is one of these and `text` one character. (A Type0
    /// font's name is its face's with its encoding: typst writes
    /// `FandolFang-Regular-Identity-H`.)
    pub fn key(&self, base_font: &str, text: &BfString) -> Option<u128> {
        let face = base_font.strip_suffix("-Identity-H").unwrap_or(base_font);
        let identity = self.0.get(face)?;
        let c = match text {
            BfString::Char(c) => *c,
            BfString::String(s) => {
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => c,
                    _ => return None,
                }
            }
        };
        let mut hasher = Xxh3::new();
        hasher.update(b"face character");
        hasher.update(&identity.to_le_bytes());
        hasher.update(&u32::from(c).to_le_bytes());
        Some(hasher.digest128())
    }
}

/// Where each glyph's charstring lies in a font program, and what else its
/// outline depends on.
struct Charstrings {
    data: FontData,
    /// Per glyph: its charstring's bytes in `data`, and the hash of the
    /// matrices it is drawn with; None for a glyph of a subfont with
    /// subroutines, whose charstring alone does not tell its outline.
    glyphs: Vec<Option<(Range<usize>, u128)>>,
}

impl Charstrings {
    /// None unless `data` is a CID-keyed CFF font program without global
    /// subroutines (a CID font has no `seac`, which draws other glyphs).
    fn read(data: FontData) -> Option<Charstrings> {
        let bytes: &[u8] = data.as_ref().as_ref();
        // (Major version 1: CFF itself, not CFF2 or an OpenType font.)
        if bytes.first() != Some(&1) {
            return None;
        }
        let font = CffFontRef::new(bytes, 0, None).ok()?;
        if !font.is_cid() || font.global_subrs().count() != 0 {
            return None;
        }
        // (The matrices have no Hash: their debug form stands for them.)
        let top = format!("{:?}", font.matrix());
        let subfonts: Vec<Option<u128>> = (0..font.num_subfonts())
            .map(|i| {
                let subfont = font.subfont(i, &[]).ok()?;
                (subfont.subrs_offset() == 0).then(|| {
                    xxhash_rust::xxh3::xxh3_128(format!("{top} {:?}", subfont.matrix()).as_bytes())
                })
            })
            .collect();
        let charstrings = font.charstrings();
        let start = bytes.as_ptr() as usize;
        let glyphs = (0..charstrings.count() as usize)
            .map(|gid| {
                let subfont = font.subfont_index((gid as u32).into())?;
                let matrices = (*subfonts.get(usize::from(subfont))?)?;
                let charstring = charstrings.get(gid).ok()?;
                let at = (charstring.as_ptr() as usize).checked_sub(start)?;
                Some((at..at + charstring.len(), matrices))
            })
            .collect();
        Some(Charstrings { data, glyphs })
    }

    fn key(&self, gid: usize) -> Option<u128> {
        let (range, matrices) = self.glyphs.get(gid)?.clone()?;
        let bytes: &[u8] = self.data.as_ref().as_ref();
        let mut hasher = Xxh3::new();
        hasher.update(b"cff charstring");
        hasher.update(&matrices.to_le_bytes());
        hasher.update(bytes.get(range)?);
        Some(hasher.digest128())
    }
}

/// A glyph drawn on a page, as the pictures key it (for the tests).
#[derive(Debug)]
pub struct KeyedGlyph {
    /// Its font's PostScript name.
    pub font: String,
    /// Its number in the font.
    pub glyph: u32,
    /// The characters it shows.
    pub text: String,
    /// Its key read from its charstring; None when it is keyed by its outline.
    pub key: Option<u128>,
}

/// A device that draws nothing and lists the glyphs drawn with their keys.
#[derive(Default)]
pub struct Listed {
    keys: GlyphKeys,
    pub glyphs: Vec<KeyedGlyph>,
}

impl<'a> Device<'a> for Listed {
    fn set_soft_mask(&mut self, _: Option<SoftMask<'a>>) {}
    fn set_blend_mode(&mut self, _: BlendMode) {}
    fn draw_path(&mut self, _: &BezPath, _: Affine, _: &Paint<'a>, _: &PathDrawMode) {}
    fn draw_rect(&mut self, _: &Rect, _: Affine, _: &Paint<'a>, _: &PathDrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_image(&mut self, _: Image<'a, '_>, _: Affine) {}
    fn pop_clip_path(&mut self) {}
    fn pop_transparency_group(&mut self) {}

    fn draw_glyph(
        &mut self,
        glyph: &Glyph<'a>,
        _: Affine,
        _: Affine,
        _: &Paint<'a>,
        _: &GlyphDrawMode,
    ) {
        let Glyph::Outline(glyph) = glyph else {
            return;
        };
        self.glyphs.push(KeyedGlyph {
            font: (glyph.font_data().and_then(|f| f.postscript_name)).unwrap_or_default(),
            glyph: glyph.glyph_id().to_u32(),
            text: match glyph.as_unicode() {
                Some(BfString::Char(c)) => c.to_string(),
                Some(BfString::String(s)) => s,
                None => String::new(),
            },
            key: self.keys.charstring_key(glyph),
        });
    }
}

fn hash_path(path: &BezPath) -> u128 {
    let mut bytes = Vec::with_capacity(path.elements().len() * 40);
    for el in path.elements() {
        let (tag, points) = match *el {
            PathEl::MoveTo(p) => (0, [p, p, p]),
            PathEl::LineTo(p) => (1, [p, p, p]),
            PathEl::QuadTo(a, b) => (2, [a, b, b]),
            PathEl::CurveTo(a, b, c) => (3, [a, b, c]),
            PathEl::ClosePath => (4, [Point::ORIGIN; 3]),
        };
        bytes.push(tag);
        for p in points {
            bytes.extend_from_slice(&p.x.to_le_bytes());
            bytes.extend_from_slice(&p.y.to_le_bytes());
        }
    }
    xxhash_rust::xxh3::xxh3_128(&bytes)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn a_face_is_known_by_its_name_only_when_one_face_has_it_and_prints_a_character_one_way() {
        let faces = Faces::new([
            ("Twice".to_string(), Some(1)),
            ("Twice".to_string(), Some(2)),
            ("Once".to_string(), Some(3)),
            ("Substitutes".to_string(), None),
        ]);
        assert!(faces.has("Once"));
        assert!(!faces.has("Twice") && !faces.has("Substitutes"));
        let key = |font: &str, text: &str| faces.key(font, &BfString::String(text.to_string()));
        assert!(key("Once-Identity-H", "宁").is_some());
        assert_eq!(key("Once", "宁"), faces.key("Once", &BfString::Char('宁')));
        assert_ne!(key("Once", "宁"), key("Once", "吉"));
        // A glyph that stands for two characters is not one of a character.
        assert!(key("Once", "fi").is_none() && key("Twice", "宁").is_none());
    }

    #[test]
    fn a_font_program_that_is_no_cid_keyed_cff_leaves_its_glyphs_to_their_outlines() {
        let read = |bytes: &[u8]| Charstrings::read(Arc::new(bytes.to_vec())).is_some();
        assert!(!read(b""));
        assert!(!read(b"OTTO\0\x0a"));
        // A CFF header, then nothing that reads.
        assert!(!read(&[1, 0, 4, 1, 0, 0, 0, 0]));
        assert!(!read(&[1; 64]));
    }
}
