//! Page 1 drawn as hayro draws it, but each glyph's coverage drawn once.
//!
//! A picture is a few hundred glyphs six pixels high, and hayro fills every
//! one from its outline anew: two thirds of a picture's time. Its renderer
//! takes no glyph cache, so this [`Device`] rasterizes with the same vello
//! rasterizer and settings, keeps each glyph's coverage by the glyph (its
//! face and character, or its charstring, see [`GlyphKeys`]), size and
//! quarter-pixel offset (for every letter this thread draws), and lays it
//! onto the page. A glyph is drawn at its offset rounded to the
//! quarter pixel, whether or not its coverage was kept: the picture depends
//! on the page alone. Only what typst's pages of text draw is followed
//! (solid fills and strokes, outline glyphs, plain groups); on anything
//! else [`first_page`] says so and the page is left to hayro.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use hayro::hayro_interpret::font::Glyph;
use hayro::hayro_interpret::util::TransformExt;
use hayro::hayro_interpret::{
    interpret_page, BlendMode, ClipPath, Context, Device, FillRule, GlyphDrawMode, Image,
    InterpreterCache, InterpreterSettings, Paint, PathDrawMode, SoftMask, StrokeProps,
};
use hayro::hayro_syntax::page::Page;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::vello_cpu::kurbo::{self, Affine, BezPath, Point, Rect, Stroke};
use hayro::vello_cpu::peniko::Fill;
use hayro::vello_cpu::{Level, Pixmap, RenderContext, RenderMode, RenderSettings, Resources};
use kurbo::Shape as _;

use super::glyph_key::{Faces, GlyphKeys};

/// Steps of a pixel a glyph's position is rounded to: a quarter pixel is
/// below what the eye tells at this size, and a character then has at most
/// sixteen coverages.
const SUBPIXEL: f64 = 4.0;

/// Most coverages a thread keeps (about 200 bytes each, so 4 MB): the
/// commonest characters of an archive in its faces at their offsets. (The
/// 1,000 letters of the benchmark draw as fast with a quarter of it.)
const MOST_KEPT: usize = 20_000;

thread_local! {
    static KEPT: RefCell<HashMap<GlyphKey, Rc<Coverage>>> = RefCell::new(HashMap::new());
}

/// Page 1 at `scale` (pixels per point) as RGB on white, or None when it
/// draws with what this does not follow.
pub fn first_page(page: &Page, scale: f64, faces: &Faces) -> Option<(u32, u32, Vec<u8>)> {
    let (width, height, initial) = page_size(page, scale);
    let mut canvas = Canvas::new(width, height, faces);
    let bbox = Rect::new(0.0, 0.0, f64::from(width), f64::from(height));
    interpret(page, initial, bbox, &mut canvas);
    (!canvas.unfollowed).then(|| (u32::from(width), u32::from(height), canvas.rgb))
}

/// The picture's width and height in pixels at `scale`, and the transform
/// from the page's space onto it, as hayro's renderer takes them.
pub(super) fn page_size(page: &Page, scale: f64) -> (u16, u16, Affine) {
    let (width, height) = page.render_dimensions();
    let (width, height) = (
        (f64::from(width) * scale).floor() as u16,
        (f64::from(height) * scale).floor() as u16,
    );
    let initial = Affine::scale(scale) * page.initial_transform(true).to_kurbo();
    (width, height, initial)
}

/// Interprets `page` into `device`, `initial` taking it onto `bbox`.
pub(super) fn interpret<'a>(
    page: &Page<'a>,
    initial: Affine,
    bbox: Rect,
    device: &mut impl Device<'a>,
) {
    let cache = InterpreterCache::new();
    let mut context = Context::new(
        initial,
        bbox,
        &cache,
        page.xref(),
        InterpreterSettings::default(),
    );
    interpret_page(page, &mut context, device);
}

/// What a glyph's coverage depends on: its outline, the transform's
/// linear part (quantized, and drawn with the quantized values), the
/// quarter-pixel offset, and for a stroke its transforms and pen.
#[derive(Hash, PartialEq, Eq)]
struct GlyphKey {
    outline: u128,
    offset: (u8, u8),
    numbers: u128,
}

/// Coverage of a shape, `alpha` row by row, its top left `(x, y)` pixels
/// from the glyph's whole-pixel origin (or from the page's corner).
struct Coverage {
    x: i32,
    y: i32,
    width: usize,
    alpha: Vec<u8>,
}

pub(super) struct Canvas<'f> {
    width: usize,
    height: usize,
    pub(super) rgb: Vec<u8>,
    /// Something was drawn that this does not follow.
    unfollowed: bool,
    /// The faces whose glyphs are known by their characters.
    faces: &'f Faces,
    /// The keys of this PDF's glyphs.
    glyph_keys: GlyphKeys,
    /// The numbers of the glyph being drawn.
    numbers: Vec<i64>,
}

impl<'f> Canvas<'f> {
    pub(super) fn new(width: u16, height: u16, faces: &'f Faces) -> Canvas<'f> {
        let (width, height) = (usize::from(width), usize::from(height));
        Canvas {
            width,
            height,
            rgb: vec![255; width * height * 3],
            unfollowed: false,
            faces,
            glyph_keys: GlyphKeys::default(),
            numbers: Vec::new(),
        }
    }

    /// Lays `coverage` in `color` onto the page, its origin at pixel `at`.
    fn lay(&mut self, coverage: &Coverage, at: (i32, i32), color: [u8; 4]) {
        let alpha = u32::from(color[3]);
        for (row, line) in coverage.alpha.chunks_exact(coverage.width).enumerate() {
            let y = at.1 + coverage.y + row as i32;
            if y < 0 || y as usize >= self.height {
                continue;
            }
            for (col, &a) in line.iter().enumerate() {
                let x = at.0 + coverage.x + col as i32;
                if a == 0 || x < 0 || x as usize >= self.width {
                    continue;
                }
                let a = u32::from(a) * alpha / 255;
                let px = (y as usize * self.width + x as usize) * 3;
                for (dst, src) in self.rgb[px..px + 3].iter_mut().zip(color) {
                    *dst = ((u32::from(src) * a + u32::from(*dst) * (255 - a) + 127) / 255) as u8;
                }
            }
        }
    }

    /// A path (or a rectangle, `rect`) filled or stroked onto the page.
    pub(super) fn draw_shape(
        &mut self,
        path: &BezPath,
        rect: Option<&Rect>,
        transform: Affine,
        color: [u8; 4],
        mode: &PathDrawMode,
    ) {
        let shape = match (mode, rect) {
            (PathDrawMode::Fill(rule), Some(rect)) => Drawn::Rect(rect, *rule),
            (PathDrawMode::Fill(rule), None) => Drawn::Fill(path, *rule),
            (PathDrawMode::Stroke(props), _) => Drawn::Stroke(path, props),
        };
        if let Some(coverage) = rasterize(&shape, transform, Some((self.width, self.height))) {
            self.lay(&coverage, (0, 0), color);
        }
    }

    /// Lays the glyph known as `outline` in `color`, drawn with `transform`
    /// and `glyph_transform` as hayro gives them, from its kept coverage or,
    /// when none is kept, from `path` (then kept). False when none is kept
    /// and there is no `path` to draw: nothing is laid.
    pub(super) fn draw_kept(
        &mut self,
        outline: u128,
        transform: Affine,
        glyph_transform: Affine,
        color: [u8; 4],
        mode: &GlyphDrawMode,
        path: Option<&dyn Fn() -> BezPath>,
    ) -> bool {
        let origin = (transform * glyph_transform).translation();
        let steps = ((origin.x * SUBPIXEL).round(), (origin.y * SUBPIXEL).round());
        let whole = ((steps.0 / SUBPIXEL).floor(), (steps.1 / SUBPIXEL).floor());
        let offset = (
            (steps.0 - whole.0 * SUBPIXEL) as u8,
            (steps.1 - whole.1 * SUBPIXEL) as u8,
        );
        // (The numbers go to a buffer kept for the page: a glyph is drawn
        // hundreds of times a page, and found kept nearly every time.)
        let numbers = &mut self.numbers;
        numbers.clear();
        match mode {
            GlyphDrawMode::Stroke(props) => {
                quantize(numbers, linear(transform).as_coeffs());
                quantize(numbers, glyph_transform.as_coeffs());
                quantize(
                    numbers,
                    [props.line_width, props.miter_limit, props.dash_offset].map(f64::from),
                );
                numbers.extend([props.line_cap as i64, props.line_join as i64]);
                quantize(numbers, props.dash_array.iter().map(|d| f64::from(*d)));
            }
            _ => quantize(numbers, linear(transform * glyph_transform).as_coeffs()),
        }
        let key = GlyphKey {
            outline,
            offset,
            numbers: hash_numbers(numbers),
        };
        let coverage = KEPT.with_borrow_mut(|kept| {
            if let Some(c) = kept.get(&key) {
                return Ok(c.clone());
            }
            let Some(path) = path else {
                return Err(());
            };
            let shift = Affine::translate((
                f64::from(offset.0) / SUBPIXEL,
                f64::from(offset.1) / SUBPIXEL,
            ));
            // (Drawn only now: most glyphs are found kept.)
            let path = path();
            let c = match mode {
                GlyphDrawMode::Stroke(props) => {
                    let (t, g) = (dequantized(&numbers[..6]), dequantized(&numbers[6..12]));
                    let placed = g * path;
                    // (The stroke is drawn in the text's space, around the glyph's origin.)
                    let to_origin = Affine::translate(-(t * g.translation().to_point()).to_vec2());
                    rasterize(&Drawn::Stroke(&placed, props), shift * to_origin * t, None)
                }
                _ => rasterize(
                    &Drawn::Fill(&path, FillRule::NonZero),
                    shift * dequantized(numbers),
                    None,
                ),
            };
            // (A glyph that covers no pixel, a space, is kept as such.)
            let c = Rc::new(c.unwrap_or(Coverage {
                x: 0,
                y: 0,
                width: 1,
                alpha: Vec::new(),
            }));
            if kept.len() >= MOST_KEPT {
                kept.clear();
            }
            kept.insert(key, c.clone());
            Ok(c)
        });
        match coverage {
            Ok(coverage) => {
                self.lay(&coverage, (whole.0 as i32, whole.1 as i32), color);
                true
            }
            Err(()) => false,
        }
    }

    fn color(&mut self, paint: &Paint) -> Option<[u8; 4]> {
        match paint {
            Paint::Color(c) => Some(c.to_rgba().to_rgba8()),
            Paint::Pattern(_) => {
                self.unfollowed = true;
                None
            }
        }
    }
}

impl<'a> Device<'a> for Canvas<'_> {
    fn set_soft_mask(&mut self, mask: Option<SoftMask<'a>>) {
        self.unfollowed |= mask.is_some();
    }

    fn set_blend_mode(&mut self, blend_mode: BlendMode) {
        self.unfollowed |= blend_mode != BlendMode::Normal;
    }

    fn draw_path(
        &mut self,
        path: &BezPath,
        transform: Affine,
        paint: &Paint<'a>,
        mode: &PathDrawMode,
    ) {
        if let Some(color) = self.color(paint) {
            self.draw_shape(path, None, transform, color, mode);
        }
    }

    fn draw_rect(
        &mut self,
        rect: &Rect,
        transform: Affine,
        paint: &Paint<'a>,
        mode: &PathDrawMode,
    ) {
        // (Filled as a rectangle, as hayro's renderer fills it.)
        if let Some(color) = self.color(paint) {
            self.draw_shape(&rect.to_path(0.1), Some(rect), transform, color, mode);
        }
    }

    fn push_clip_path(&mut self, _: &ClipPath) {
        self.unfollowed = true;
    }

    fn push_transparency_group(
        &mut self,
        opacity: f32,
        mask: Option<SoftMask<'a>>,
        blend: BlendMode,
    ) {
        self.unfollowed |= opacity != 1.0 || mask.is_some() || blend != BlendMode::Normal;
    }

    fn draw_glyph(
        &mut self,
        glyph: &Glyph<'a>,
        transform: Affine,
        glyph_transform: Affine,
        paint: &Paint<'a>,
        mode: &GlyphDrawMode,
    ) {
        let Glyph::Outline(glyph) = glyph else {
            self.unfollowed = true;
            return;
        };
        if matches!(mode, GlyphDrawMode::Invisible) {
            return;
        }
        let Some(color) = self.color(paint) else {
            return;
        };
        let outline = self.glyph_keys.key(glyph, self.faces);
        self.draw_kept(
            outline,
            transform,
            glyph_transform,
            color,
            mode,
            Some(&|| glyph.outline()),
        );
    }

    fn draw_image(&mut self, _: Image<'a, '_>, _: Affine) {
        self.unfollowed = true;
    }

    fn pop_clip_path(&mut self) {}

    fn pop_transparency_group(&mut self) {}
}

enum Drawn<'p> {
    Fill(&'p BezPath, FillRule),
    Rect(&'p Rect, FillRule),
    Stroke(&'p BezPath, &'p StrokeProps),
}

/// The coverage of `shape` under `transform`, as hayro's renderer fills or
/// strokes it: on the `page` of that many pixels, or, for `None`, around a
/// glyph's origin (a glyph's coverage is kept for other places, so it is not
/// cut to the page, and its stroke is text's). None when it covers no pixel.
fn rasterize(shape: &Drawn, transform: Affine, page: Option<(usize, usize)>) -> Option<Coverage> {
    let text = page.is_none();
    let (bounds, stroke) = match shape {
        Drawn::Fill(path, _) => ((transform * (*path).clone()).bounding_box(), None),
        Drawn::Rect(rect, _) => (transform.transform_rect_bbox(**rect), None),
        Drawn::Stroke(path, props) => {
            let stroke = pen_of(props, transform, text);
            // (A miter reaches out at most its limit times half the width.)
            let reach = stroke.width * stroke.miter_limit.max(1.0) / 2.0 * max_factor(transform);
            let b = (transform * (*path).clone()).bounding_box();
            (b.inflate(reach, reach), Some(stroke))
        }
    };
    let (mut x0, mut y0) = (bounds.x0.floor() - 1.0, bounds.y0.floor() - 1.0);
    let (mut x1, mut y1) = (bounds.x1.ceil() + 1.0, bounds.y1.ceil() + 1.0);
    if let Some((width, height)) = page {
        (x0, y0) = (x0.max(0.0), y0.max(0.0));
        (x1, y1) = (x1.min(width as f64), y1.min(height as f64));
    }
    let (w, h) = (x1 - x0, y1 - y0);
    if !(w >= 1.0 && h >= 1.0 && w <= f64::from(u16::MAX) && h <= f64::from(u16::MAX)) {
        return None;
    }
    let (w, h) = (w as u16, h as u16);
    let mut ctx = RenderContext::new_with(
        w,
        h,
        RenderSettings {
            level: Level::new(),
            num_threads: 0,
            render_mode: RenderMode::OptimizeSpeed,
        },
    );
    ctx.set_paint(WHITE);
    ctx.set_transform(Affine::translate((-x0, -y0)) * transform);
    match shape {
        Drawn::Fill(path, rule) => {
            ctx.set_fill_rule(fill_rule(*rule));
            ctx.fill_path(path);
        }
        Drawn::Rect(rect, rule) => {
            ctx.set_fill_rule(fill_rule(*rule));
            ctx.fill_rect(rect);
        }
        Drawn::Stroke(path, _) => {
            ctx.set_stroke(stroke.expect("a stroke has its pen"));
            ctx.stroke_path(path);
        }
    }
    let mut pixmap = Pixmap::new(w, h);
    ctx.render_to_pixmap(&mut Resources::default(), &mut pixmap);
    Some(Coverage {
        x: x0 as i32,
        y: y0 as i32,
        width: usize::from(w),
        alpha: pixmap.data().iter().map(|p| p.a).collect(),
    })
}

/// The pen hayro's renderer strokes with: at least a pixel wide (a quarter
/// of one for text, which would otherwise look bold at this size).
fn pen_of(props: &StrokeProps, transform: Affine, text: bool) -> Stroke {
    let threshold = if text { 0.25 } else { 1.0 };
    let mut line_width = props.line_width.max(0.01);
    let transformed = line_width * max_factor(transform) as f32;
    if transformed < threshold {
        line_width /= transformed;
        line_width *= threshold;
    }
    Stroke {
        width: f64::from(line_width),
        join: props.line_join,
        miter_limit: f64::from(props.miter_limit),
        start_cap: props.line_cap,
        end_cap: props.line_cap,
        dash_pattern: props.dash_array.iter().map(|n| f64::from(*n)).collect(),
        dash_offset: f64::from(props.dash_offset),
    }
}

fn max_factor(transform: Affine) -> f64 {
    let c = transform.as_coeffs();
    Point::new(c[0], c[1])
        .to_vec2()
        .length()
        .max(Point::new(c[2], c[3]).to_vec2().length())
}

fn linear(t: Affine) -> Affine {
    let c = t.as_coeffs();
    Affine::new([c[0], c[1], c[2], c[3], 0.0, 0.0])
}

/// Appends `numbers` to a millionth or so, as integers a key can hold.
fn quantize(to: &mut Vec<i64>, numbers: impl IntoIterator<Item = f64>) {
    to.extend(numbers.into_iter().map(|x| (x * 1048576.0).round() as i64));
}

/// The affine of six quantized numbers.
fn dequantized(n: &[i64]) -> Affine {
    Affine::new(std::array::from_fn(|i| n[i] as f64 / 1048576.0))
}

fn hash_numbers(numbers: &[i64]) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for n in numbers {
        hasher.update(&n.to_le_bytes());
    }
    hasher.digest128()
}

fn fill_rule(rule: FillRule) -> Fill {
    match rule {
        FillRule::NonZero => Fill::NonZero,
        FillRule::EvenOdd => Fill::EvenOdd,
    }
}
