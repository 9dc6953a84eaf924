//! A font as page text uses it, read from its dictionaries, not its program.

use std::collections::HashMap;
use std::rc::Rc;

use hayro::hayro_interpret::hayro_cmap::{BfString, CMap};
use hayro::hayro_syntax::object::dict::keys;
use hayro::hayro_syntax::object::{Array, Dict, Name, Object, Stream};
use hayro::hayro_syntax::page::Resources;

/// The fonts of one resource dictionary read so far, by name (None: not
/// read, see [`ShownFont::read`]): typst sets the font again for every run
/// of text, and the picture and its key read the same page.
#[derive(Default)]
pub(super) struct ShownFonts(HashMap<Vec<u8>, Option<Rc<ShownFont>>>);

impl ShownFonts {
    pub fn get(&mut self, resources: &Resources, name: &Name) -> Option<Rc<ShownFont>> {
        if let Some(read) = self.0.get(name.as_ref()) {
            return read.clone();
        }
        let read = (resources.get_font(name))
            .and_then(|dict| ShownFont::read(&dict))
            .map(Rc::new);
        self.0.insert(name.to_vec(), read.clone());
        read
    }
}

/// A font of page text: its name without the subset's tag, its codes, what
/// each stands for and, for a font of two-byte codes, each one's advance.
pub(super) struct ShownFont {
    /// "ABCDEF+FandolFang-Regular-Identity-H" read as
    /// `FandolFang-Regular-Identity-H`: the tag changes with the glyphs the
    /// subset holds.
    pub name: String,
    /// Bytes to a code: two in a Type0 font, one in a simple font.
    pub code_bytes: usize,
    /// Whether the codes are the glyphs' CIDs, set horizontally (a Type0
    /// font in the `Identity-H` encoding, as typst writes every font).
    pub identity_h: bool,
    to_unicode: CMap,
    /// Advances in thousandths of the font size, by CID (Type0 fonts only).
    widths: HashMap<u32, f32>,
    default_width: f32,
}

impl ShownFont {
    /// None unless `dict` is a font with a ToUnicode map.
    pub fn read(dict: &Dict) -> Option<ShownFont> {
        let base = dict.get::<Name>(keys::BASE_FONT);
        let base = std::str::from_utf8(base.as_deref().unwrap_or_default()).ok()?;
        let name = match base.split_once('+') {
            Some((tag, rest)) if tag.len() == 6 => rest,
            _ => base,
        };
        let to_unicode = dict.get::<Stream>(keys::TO_UNICODE)?.decoded().ok()?;
        let is_type0 = dict.get::<Name>(keys::SUBTYPE).as_deref() == Some(keys::TYPE0);
        let cid_font = (dict.get::<Array>(keys::DESCENDANT_FONTS))
            .and_then(|fonts| fonts.iter::<Dict>().next())
            .filter(|_| is_type0);
        Some(ShownFont {
            name: name.to_string(),
            code_bytes: if is_type0 { 2 } else { 1 },
            identity_h: is_type0
                && dict.get::<Name>(keys::ENCODING).as_deref() == Some(b"Identity-H".as_slice()),
            to_unicode: CMap::parse(&to_unicode, |_| None)?,
            widths: read_widths(cid_font.as_ref().and_then(|f| f.get::<Array>(keys::W))),
            default_width: (cid_font.and_then(|f| f.get::<f32>(keys::DW))).unwrap_or(1000.0),
        })
    }

    /// The codes of a shown string.
    pub fn codes<'a>(&self, bytes: &'a [u8]) -> impl Iterator<Item = u32> + 'a {
        (bytes.chunks(self.code_bytes))
            .map(|code| code.iter().fold(0u32, |n, b| n << 8 | u32::from(*b)))
    }

    /// What `code` stands for.
    pub fn text(&self, code: u32) -> Option<BfString> {
        self.to_unicode.lookup_bf_string(code)
    }

    /// Appends the characters `codes` stand for; None for a code that
    /// stands for none, as two such glyphs could not be told apart.
    pub fn characters(&self, codes: &[u8], key: &mut Vec<u8>) -> Option<()> {
        for code in self.codes(codes) {
            match self.text(code)? {
                BfString::Char(c) => key.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
                BfString::String(s) => key.extend_from_slice(s.as_bytes()),
            }
            // (A separator, so that "ab" + "c" is not "a" + "bc".)
            key.push(0);
        }
        Some(())
    }

    /// The advance of the glyph of CID `cid`, in thousandths of the font size.
    pub fn width(&self, cid: u32) -> f32 {
        self.widths.get(&cid).copied().unwrap_or(self.default_width)
    }
}

/// A CID font's `W` array: `first [w w …]` and `first last w` runs (of
/// two-byte codes: a run past the last code is cut there).
fn read_widths(w: Option<Array>) -> HashMap<u32, f32> {
    const LAST_CODE: i64 = 0xFFFF;
    let mut widths = HashMap::new();
    let Some(w) = w else { return widths };
    let mut items = w.iter::<Object>();
    while let Some(Object::Number(first)) = items.next() {
        let first = first.as_i64().clamp(0, LAST_CODE);
        match items.next() {
            Some(Object::Array(run)) => {
                for (cid, width) in (first..=LAST_CODE).zip(run.iter::<f32>()) {
                    widths.insert(cid as u32, width);
                }
            }
            Some(Object::Number(last)) => {
                let Some(Object::Number(width)) = items.next() else {
                    break;
                };
                for cid in first..=last.as_i64().min(LAST_CODE) {
                    widths.insert(cid as u32, width.as_f32());
                }
            }
            _ => break,
        }
    }
    widths
}
