//! Page 1 drawn from the coverages kept from earlier pictures alone, without
//! reading a font program.
//!
//! Before hayro draws a glyph it reads the glyph's whole font: in a letter,
//! its 仿宋 subset, some 180 KB to inflate, half of a picture's time, only
//! for the canvas to find nearly every glyph's coverage kept. A glyph of one
//! of the [`Faces`] is known by its face and character, which the PDF gives
//! without the program (the font's name and ToUnicode map), and so is its
//! advance (`W`). So this follows what typst's pages of text draw (text and
//! stroked lines in plain colours) as hayro's interpreter does, onto the same
//! [`Canvas`]. On a glyph whose coverage is not kept, or on anything else,
//! it gives up, and the page is drawn through hayro, which keeps what it
//! draws for the pages to come.

use std::collections::HashMap;
use std::rc::Rc;

use hayro::hayro_interpret::{GlyphDrawMode, PathDrawMode, StrokeProps};
use hayro::hayro_syntax::content::ops::{self, TypedInstruction};
use hayro::hayro_syntax::content::TypedIter;
use hayro::hayro_syntax::object::dict::keys;
use hayro::hayro_syntax::object::{Array, Dict, Name, Number, Object};
use hayro::hayro_syntax::page::{Page, Resources};
use hayro::vello_cpu::kurbo::{Affine, BezPath, Cap, Join, PathEl, Point};

use super::canvas::{self, Canvas};
use super::device_colour;
use super::glyph_key::Faces;
use super::shown_font::{ShownFont, ShownFonts};

/// Why a page was not drawn from kept coverages alone.
#[derive(Debug, thiserror::Error)]
pub enum GaveUp {
    #[error("a glyph of page 1 is not kept")]
    NotKept,
    #[error("page 1 draws what only hayro follows")]
    Unfollowed,
}

/// Page 1 at `scale` as RGB on white, drawn only from kept coverages.
pub fn first_page(
    page: &Page,
    scale: f64,
    faces: &Faces,
    fonts: &mut ShownFonts,
) -> Result<(u32, u32, Vec<u8>), GaveUp> {
    let content = page.page_stream().ok_or(GaveUp::Unfollowed)?;
    if has_appearances(page) {
        return Err(GaveUp::Unfollowed);
    }
    let (width, height, initial) = canvas::page_size(page, scale);
    let mut canvas = Canvas::new(width, height, faces);
    let mut page_reader = Reader {
        resources: page.resources(),
        faces,
        fonts,
        spaces: HashMap::new(),
        canvas: &mut canvas,
        not_kept: false,
    };
    match page_reader.read(content, initial) {
        Some(()) => Ok((u32::from(width), u32::from(height), canvas.rgb)),
        None if page_reader.not_kept => Err(GaveUp::NotKept),
        None => Err(GaveUp::Unfollowed),
    }
}

/// Whether the page has annotations that hayro draws (those with an appearance).
fn has_appearances(page: &Page) -> bool {
    page.raw()
        .get::<Array>(keys::ANNOTS)
        .is_some_and(|annots| annots.iter::<Dict>().any(|a| a.contains_key(keys::AP)))
}

struct Reader<'p, 'c, 'f> {
    resources: &'p Resources<'p>,
    faces: &'f Faces,
    fonts: &'c mut ShownFonts,
    /// The page's colour spaces read so far: their number of components,
    /// None when not followed.
    spaces: HashMap<Vec<u8>, Option<usize>>,
    canvas: &'c mut Canvas<'f>,
    /// Reading stopped at a glyph whose coverage is not kept.
    not_kept: bool,
}

/// The graphics state, as far as typst's pages of text use it.
#[derive(Clone)]
struct State {
    ctm: Affine,
    fill: Paint,
    stroke: Paint,
    pen: StrokeProps,
    text: TextState,
}

/// A colour space's number of components, and the colour set in it.
#[derive(Clone, Copy)]
struct Paint {
    components: usize,
    rgba: [u8; 4],
}

const BLACK: Paint = Paint {
    components: 1,
    rgba: [0, 0, 0, 255],
};

#[derive(Clone)]
struct TextState {
    font: Option<Rc<ShownFont>>,
    size: f32,
    char_space: f32,
    scaling: f32,
    leading: f32,
    rise: f32,
    mode: i64,
    matrix: Affine,
    line_matrix: Affine,
}

impl<'f> Reader<'_, '_, 'f> {
    /// Draws `content`; None on what is not followed or a glyph not kept.
    fn read(&mut self, content: &[u8], initial: Affine) -> Option<()> {
        let mut states = Vec::new();
        let mut s = State {
            ctm: initial,
            fill: BLACK,
            stroke: BLACK,
            pen: StrokeProps::default(),
            text: TextState {
                font: None,
                size: 1.0,
                char_space: 0.0,
                scaling: 100.0,
                leading: 0.0,
                rise: 0.0,
                mode: 0,
                matrix: Affine::IDENTITY,
                line_matrix: Affine::IDENTITY,
            },
        };
        let mut path = BezPath::new();
        let mut last = Point::ORIGIN;
        let mut ops = TypedIter::new(content);
        while let Some(op) = ops.next() {
            match op {
                TypedInstruction::SaveState(_) => states.push(s.clone()),
                TypedInstruction::RestoreState(_) => s = states.pop()?,
                TypedInstruction::Transform(t) => {
                    s.ctm *= Affine::new([t.0, t.1, t.2, t.3, t.4, t.5].map(|n| n.as_f64()));
                }
                TypedInstruction::BeginMarkedContent(_)
                | TypedInstruction::BeginMarkedContentWithProperties(_)
                | TypedInstruction::EndMarkedContent(_)
                | TypedInstruction::MarkedContentPoint(_)
                | TypedInstruction::MarkedContentPointWithProperties(_)
                | TypedInstruction::RenderingIntent(_)
                | TypedInstruction::FlatnessTolerance(_) => {}
                // Colours.
                TypedInstruction::ColorSpaceNonStroke(ops::ColorSpaceNonStroke(name)) => {
                    s.fill = self.space(name)?;
                }
                TypedInstruction::ColorSpaceStroke(ops::ColorSpaceStroke(name)) => {
                    s.stroke = self.space(name)?;
                }
                TypedInstruction::NonStrokeColorNamed(ops::NonStrokeColorNamed(c, None))
                | TypedInstruction::NonStrokeColor(ops::NonStrokeColor(c)) => {
                    s.fill = s.fill.set(&c)?;
                }
                TypedInstruction::StrokeColorNamed(ops::StrokeColorNamed(c, None))
                | TypedInstruction::StrokeColor(ops::StrokeColor(c)) => {
                    s.stroke = s.stroke.set(&c)?;
                }
                TypedInstruction::NonStrokeColorDeviceGray(g) => s.fill = device(&[g.0])?,
                TypedInstruction::StrokeColorDeviceGray(g) => s.stroke = device(&[g.0])?,
                TypedInstruction::NonStrokeColorDeviceRgb(c) => s.fill = device(&[c.0, c.1, c.2])?,
                TypedInstruction::StrokeColorDeviceRgb(c) => s.stroke = device(&[c.0, c.1, c.2])?,
                // The pen.
                TypedInstruction::LineWidth(w) => s.pen.line_width = w.0.as_f32(),
                TypedInstruction::MiterLimit(m) => s.pen.miter_limit = m.0.as_f32(),
                TypedInstruction::LineCap(c) => {
                    s.pen.line_cap = [Cap::Butt, Cap::Round, Cap::Square]
                        .get(usize::try_from(c.0.as_i64()).ok()?)
                        .copied()?;
                }
                TypedInstruction::LineJoin(j) => {
                    s.pen.line_join = [Join::Miter, Join::Round, Join::Bevel]
                        .get(usize::try_from(j.0.as_i64()).ok()?)
                        .copied()?;
                }
                TypedInstruction::DashPattern(d) if d.0.iter::<Object>().next().is_none() => {
                    s.pen.dash_offset = d.1.as_f32();
                    s.pen.dash_array.clear();
                }
                // Lines: a path of one segment, stroked (as typst draws its rules).
                TypedInstruction::MoveTo(m) => {
                    last = Point::new(m.0.as_f64(), m.1.as_f64());
                    path.move_to(last);
                }
                TypedInstruction::LineTo(l) if !path.elements().is_empty() => {
                    let mut p = Point::new(l.0.as_f64(), l.1.as_f64());
                    // (As hayro does: a line of no length keeps its round cap.)
                    if p == last {
                        p.x += 0.0001;
                    }
                    last = Point::new(l.0.as_f64(), l.1.as_f64());
                    path.line_to(p);
                }
                TypedInstruction::StrokePath(_) => {
                    if !matches!(path.elements(), [PathEl::MoveTo(_), PathEl::LineTo(_)]) {
                        return None;
                    }
                    let mode = PathDrawMode::Stroke(s.pen.clone());
                    self.canvas
                        .draw_shape(&path, None, s.ctm, s.stroke.rgba, &mode);
                    path.truncate(0);
                }
                // Text.
                TypedInstruction::BeginText(_) => {
                    s.text.matrix = Affine::IDENTITY;
                    s.text.line_matrix = Affine::IDENTITY;
                }
                TypedInstruction::EndText(_) => {}
                TypedInstruction::SetTextMatrix(m) => {
                    let m = Affine::new([m.0, m.1, m.2, m.3, m.4, m.5].map(|n| n.as_f64()));
                    s.text.matrix = m;
                    s.text.line_matrix = m;
                }
                TypedInstruction::NextLine(n) => s.text.next_line(n.0.as_f64(), n.1.as_f64()),
                TypedInstruction::NextLineAndSetLeading(n) => {
                    s.text.leading = -n.1.as_f32();
                    s.text.next_line(n.0.as_f64(), n.1.as_f64());
                }
                TypedInstruction::NextLineUsingLeading(_) => {
                    s.text.next_line(0.0, -f64::from(s.text.leading));
                }
                TypedInstruction::TextLeading(l) => s.text.leading = l.0.as_f32(),
                TypedInstruction::CharacterSpacing(c) => s.text.char_space = c.0.as_f32(),
                // (Word spacing applies to one-byte codes only; typst's fonts have two.)
                TypedInstruction::WordSpacing(_) => {}
                TypedInstruction::HorizontalScaling(h) => s.text.scaling = h.0.as_f32(),
                TypedInstruction::TextRise(r) => s.text.rise = r.0.as_f32(),
                TypedInstruction::TextRenderingMode(r) if (0..=3).contains(&r.0.as_i64()) => {
                    s.text.mode = r.0.as_i64();
                }
                TypedInstruction::TextFont(ops::TextFont(name, size)) => {
                    s.text.font = Some(self.font(name)?);
                    s.text.size = size.as_f32();
                }
                TypedInstruction::ShowText(ops::ShowText(text)) => {
                    self.show(&mut s, text.as_bytes())?;
                }
                TypedInstruction::NextLineAndShowText(ops::NextLineAndShowText(text)) => {
                    s.text.next_line(0.0, -f64::from(s.text.leading));
                    self.show(&mut s, text.as_bytes())?;
                }
                TypedInstruction::ShowTexts(ops::ShowTexts(parts)) => {
                    for part in parts.iter::<Object>() {
                        match part {
                            Object::Number(n) => s.text.adjust(n.as_f32()),
                            Object::String(text) => self.show(&mut s, text.as_bytes())?,
                            _ => {}
                        }
                    }
                }
                _ => return None,
            }
        }
        Some(())
    }

    /// Shows the glyphs of `codes` in the current font, as hayro places them.
    fn show(&mut self, s: &mut State, codes: &[u8]) -> Option<()> {
        let font = s.text.font.clone()?;
        // (A stray byte is left to hayro's reading.)
        if !codes.len().is_multiple_of(font.code_bytes) {
            return None;
        }
        for code in font.codes(codes) {
            let t = &s.text;
            let size = Affine::new([
                f64::from(t.size) * f64::from(t.scaling / 100.0),
                0.0,
                0.0,
                f64::from(t.size),
                0.0,
                f64::from(t.rise),
            ]);
            let glyph_transform = t.matrix * size * Affine::scale(1.0 / 1000.0);
            if t.mode != 3 {
                // (A glyph not of the faces is never kept by face and character.)
                let key = self.faces.key(&font.name, &font.text(code)?)?;
                let fill = (t.mode == 0 || t.mode == 2).then_some(GlyphDrawMode::Fill);
                let stroke =
                    (t.mode == 1 || t.mode == 2).then(|| GlyphDrawMode::Stroke(s.pen.clone()));
                for (mode, paint) in [(fill, s.fill), (stroke, s.stroke)] {
                    let Some(mode) = mode else { continue };
                    if !self
                        .canvas
                        .draw_kept(key, s.ctm, glyph_transform, paint.rgba, &mode, None)
                    {
                        self.not_kept = true;
                        return None;
                    }
                }
            }
            let advance = (font.width(code) / 1000.0 * t.size + t.char_space) * (t.scaling / 100.0);
            s.text.matrix *= Affine::translate((f64::from(advance), 0.0));
        }
        Some(())
    }

    /// The font `name`, when it is one of horizontal CIDs (its codes are
    /// then the keys of its widths).
    fn font(&mut self, name: &Name) -> Option<Rc<ShownFont>> {
        (self.fonts.get(self.resources, name)).filter(|font| font.identity_h)
    }

    /// The colour space `name`, in its initial colour (black); None unless it
    /// is a device space or one of typst's own profiles.
    fn space(&mut self, name: &Name) -> Option<Paint> {
        let components = match name.as_ref() {
            b"DeviceGray" => Some(1),
            b"DeviceRGB" => Some(3),
            n => match self.spaces.get(n) {
                Some(known) => *known,
                None => {
                    let read = self
                        .resources
                        .get_color_space(name)
                        .and_then(typst_profile_components);
                    self.spaces.insert(n.to_vec(), read);
                    read
                }
            },
        }?;
        Some(Paint {
            components,
            rgba: BLACK.rgba,
        })
    }
}

/// The components of a space `[/ICCBased profile]` with one of typst's sRGB
/// profiles, which the pictures draw as the device colours they describe
/// (see [`device_colour`]).
fn typst_profile_components(space: Object) -> Option<usize> {
    let Object::Array(space) = space else {
        return None;
    };
    let mut parts = space.iter::<Object>();
    match parts.next()? {
        Object::Name(n) if n.as_ref() == b"ICCBased" => {}
        _ => return None,
    }
    let Object::Stream(profile) = parts.next()? else {
        return None;
    };
    device_colour::typst_profile_components(&profile.decoded().ok()?)
}

impl Paint {
    /// This space with colour `c`, as hayro turns it to RGB.
    fn set(self, c: &[Number]) -> Option<Paint> {
        (c.len() == self.components).then_some(())?;
        device(c)
    }
}

/// The device colour of `c`'s components (gray or RGB).
fn device(c: &[Number]) -> Option<Paint> {
    let to_u8 = |n: &Number| (n.as_f32() * 255.0 + 0.5) as u8;
    let rgba = match c {
        [g] => [to_u8(g), to_u8(g), to_u8(g), 255],
        [r, g, b] => [to_u8(r), to_u8(g), to_u8(b), 255],
        _ => return None,
    };
    Some(Paint {
        components: c.len(),
        rgba,
    })
}

impl TextState {
    fn next_line(&mut self, tx: f64, ty: f64) {
        self.line_matrix *= Affine::translate((tx, ty));
        self.matrix = self.line_matrix;
    }

    /// A number of a `TJ` array: thousandths of the font size, backwards.
    fn adjust(&mut self, by: f32) {
        let tx = -by / 1000.0 * self.size * (self.scaling / 100.0);
        self.matrix *= Affine::translate((f64::from(tx), 0.0));
    }
}
