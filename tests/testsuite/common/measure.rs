//! Reading a PDF's layout back through poppler, independently of the template:
//! text runs with their face, size and colour (`pdftohtml -xml`, `pdffonts`),
//! and page images (`pdftoppm`) to find rules, red ink and the seal.

use std::path::Path;
use std::process::Command;

use super::{attr, Word, MM};

fn run(program: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}); install poppler-utils"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A line of text as `pdftohtml -xml` reads it, in points from the page's top left.
#[derive(Debug, Clone)]
pub struct Run {
    pub page: usize,
    pub top: f64,
    pub left: f64,
    pub width: f64,
    pub height: f64,
    /// The embedded font's name without its subset tag, e.g. `FandolHei-Regular`.
    pub face: String,
    pub size: f64,
    /// `#rrggbb`
    pub colour: String,
    pub text: String,
}

/// Every text run of the PDF with its face, size and colour.
pub fn runs(pdf: &Path) -> Vec<Run> {
    let path = pdf.to_str().unwrap();
    let faces = faces(pdf);
    let xml = String::from_utf8(run(
        "pdftohtml",
        &["-xml", "-i", "-stdout", "-zoom", "1", "-q", path],
    ))
    .unwrap();
    let doc = super::xml(&xml);
    let mut fonts = std::collections::HashMap::new();
    let mut runs = Vec::new();
    for page in doc.descendants().filter(|n| n.has_tag_name("page")) {
        let number = attr(page, "number").parse().unwrap();
        for node in page.descendants() {
            if node.has_tag_name("fontspec") {
                let family = attr(node, "family");
                let tag = family.split('+').next().unwrap_or_default();
                let face = (faces.iter().find(|(t, _)| t == tag))
                    .map_or(family.to_string(), |(_, f)| f.clone());
                let size: f64 = attr(node, "size").parse().unwrap();
                fonts.insert(
                    attr(node, "id"),
                    (face, size, attr(node, "color").to_string()),
                );
            } else if node.has_tag_name("text") {
                let (face, size, colour) = fonts[attr(node, "font")].clone();
                let num = |name| attr(node, name).parse::<f64>().unwrap();
                runs.push(Run {
                    page: number,
                    top: num("top"),
                    left: num("left"),
                    width: num("width"),
                    height: num("height"),
                    face,
                    size,
                    colour,
                    text: super::text_of(node),
                });
            }
        }
    }
    runs
}

/// Subset tag → font name, from `pdffonts`.
fn faces(pdf: &Path) -> Vec<(String, String)> {
    let out = String::from_utf8(run("pdffonts", &[pdf.to_str().unwrap()])).unwrap();
    out.lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .filter_map(|name| {
            let (tag, face) = name.split_once('+')?;
            Some((
                tag.to_string(),
                face.trim_end_matches("-Identity-H").to_string(),
            ))
        })
        .collect()
}

/// Pixels per millimetre of whole-page images: 127 dpi.
pub const PX_PER_MM: f64 = 5.0;
/// Pixels per millimetre of strips, fine enough to weigh a 0.25 mm rule
/// (the rasteriser snaps strokes to whole pixels).
pub const STRIP_PX_PER_MM: f64 = 20.0;

/// A page, or a vertical strip of it, as an RGB image.
pub struct Raster {
    pub width: usize,
    pub height: usize,
    /// Pixels per millimetre.
    scale: f64,
    /// Where the image's left edge is on the page, in mm.
    x_off: f64,
    rgb: Vec<u8>,
}

/// How much of a pixel is covered by ink of some kind, 0 to 1.
pub type Ink = fn([u8; 3]) -> f64;

/// Red ink (the 标志, the rules of the 版头, the seal): red well above green.
pub fn red(p: [u8; 3]) -> f64 {
    ((p[0] as f64 - p[1] as f64) / 230.0).clamp(0.0, 1.0)
}

/// Black ink: dark in every channel.
pub fn black(p: [u8; 3]) -> f64 {
    let max = p.iter().copied().max().unwrap() as f64;
    ((255.0 - max) / 255.0).clamp(0.0, 1.0)
}

/// A horizontal stroke found on a page, in millimetres from the page's top left.
#[derive(Debug, Clone, Copy)]
pub struct Stroke {
    pub top: f64,
    pub bottom: f64,
    /// Centre of the ink across the stroke.
    pub centre: f64,
    /// Ink across the stroke, summed: its drawn width.
    pub thickness: f64,
    pub x0: f64,
    pub x1: f64,
}

impl Stroke {
    pub fn length(&self) -> f64 {
        self.x1 - self.x0
    }
}

/// A box of ink, in millimetres.
#[derive(Debug, Clone, Copy)]
pub struct InkBox {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Raster {
    /// The whole page, 5 pixels a millimetre.
    pub fn page(pdf: &Path, page: usize) -> Raster {
        Raster::render(pdf, page, PX_PER_MM, None)
    }

    /// The full height of the page between `x0` and `x1` mm, 20 pixels a millimetre.
    pub fn strip(pdf: &Path, page: usize, x0: f64, x1: f64) -> Raster {
        Raster::render(pdf, page, STRIP_PX_PER_MM, Some((x0, x1)))
    }

    fn render(pdf: &Path, page: usize, scale: f64, strip: Option<(f64, f64)>) -> Raster {
        let n = page.to_string();
        let dpi = (scale * 25.4).to_string();
        let mut args: Vec<String> = ["-r", &dpi, "-f", &n, "-l", &n]
            .iter()
            .map(|s| s.to_string())
            .collect();
        if let Some((x0, x1)) = strip {
            for (flag, v) in [
                ("-x", x0 * scale),
                ("-y", 0.0),
                ("-W", (x1 - x0) * scale),
                ("-H", 297.0 * scale),
            ] {
                args.push(flag.to_string());
                args.push((v.round() as i64).to_string());
            }
        }
        args.push(pdf.to_str().unwrap().to_string());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let ppm = run("pdftoppm", &args);
        // P6 <width> <height> 255, one whitespace, then the pixels.
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while ppm[at].is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !ppm[at].is_ascii_whitespace() {
                at += 1;
            }
            fields.push(String::from_utf8_lossy(&ppm[start..at]).into_owned());
        }
        assert_eq!(fields[0], "P6");
        Raster {
            width: fields[1].parse().unwrap(),
            height: fields[2].parse().unwrap(),
            scale,
            x_off: strip.map_or(0.0, |(x0, _)| x0),
            rgb: ppm[at + 1..].to_vec(),
        }
    }

    fn ink(&self, ink: Ink, x: usize, y: usize) -> f64 {
        let i = (y * self.width + x) * 3;
        ink([self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]])
    }

    /// Horizontal strokes at least `min_len` mm long, top to bottom.
    pub fn strokes(&self, ink: Ink, min_len: f64) -> Vec<Stroke> {
        let min_px = (min_len * self.scale) as usize;
        // The longest run of ink in each row.
        let rows: Vec<Option<(usize, usize)>> = (0..self.height)
            .map(|y| {
                let mut best: Option<(usize, usize)> = None;
                let mut start = None;
                for x in 0..=self.width {
                    let on = x < self.width && self.ink(ink, x, y) > 0.2;
                    match (on, start) {
                        (true, None) => start = Some(x),
                        (false, Some(s)) => {
                            if x - s >= min_px && best.is_none_or(|(a, b)| x - s > b - a) {
                                best = Some((s, x));
                            }
                            start = None;
                        }
                        _ => {}
                    }
                }
                best
            })
            .collect();
        let mut strokes = Vec::new();
        let mut y = 0;
        while y < self.height {
            let Some(first) = rows[y] else {
                y += 1;
                continue;
            };
            let top = y;
            let (mut x0, mut x1) = first;
            while y < self.height && rows[y].is_some() {
                let (a, b) = rows[y].unwrap();
                x0 = x0.min(a);
                x1 = x1.max(b);
                y += 1;
            }
            // Integrate the ink across the stroke (one row beyond each side for
            // anti-aliased edges) at its middle.
            let xm = (x0 + x1) / 2;
            let (mut sum, mut moment) = (0.0, 0.0);
            for row in top.saturating_sub(1)..(y + 1).min(self.height) {
                let v = self.ink(ink, xm, row);
                sum += v;
                moment += v * (row as f64 + 0.5);
            }
            strokes.push(Stroke {
                top: top as f64 / self.scale,
                bottom: y as f64 / self.scale,
                centre: moment / sum / self.scale,
                thickness: sum / self.scale,
                x0: self.x_off + x0 as f64 / self.scale,
                x1: self.x_off + x1 as f64 / self.scale,
            });
        }
        strokes
    }

    /// Vertical rules inside a region: the x (mm) of every pixel column whose
    /// ink covers at least `share` of the region's height, runs of them merged
    /// into their middle.
    pub fn vertical_rules(&self, ink: Ink, region: InkBox, share: f64) -> Vec<f64> {
        let px = |mm: f64, max: usize| ((mm * self.scale).round().max(0.0) as usize).min(max);
        let (y0, y1) = (px(region.y0, self.height), px(region.y1, self.height));
        let (x0, x1) = (
            px(region.x0 - self.x_off, self.width),
            px(region.x1 - self.x_off, self.width),
        );
        let mut rules: Vec<(usize, usize)> = Vec::new();
        for x in x0..x1 {
            let inked = (y0..y1).filter(|&y| self.ink(ink, x, y) > 0.3).count();
            if y1 > y0 && inked as f64 >= share * (y1 - y0) as f64 {
                match rules.last_mut() {
                    Some((_, end)) if *end + 1 == x => *end = x,
                    _ => rules.push((x, x)),
                }
            }
        }
        rules
            .iter()
            .map(|(a, b)| self.x_off + (*a + *b + 1) as f64 / 2.0 / self.scale)
            .collect()
    }

    /// The box around all ink of a kind inside a region (mm), if any.
    pub fn ink_box(&self, ink: Ink, region: InkBox) -> Option<InkBox> {
        let px = |mm: f64, max: usize| ((mm * self.scale).round().max(0.0) as usize).min(max);
        let mut found: Option<InkBox> = None;
        for y in px(region.y0, self.height)..px(region.y1, self.height) {
            for x in px(region.x0 - self.x_off, self.width)..px(region.x1 - self.x_off, self.width)
            {
                if self.ink(ink, x, y) > 0.5 {
                    let (fx, fy) = (self.x_off + x as f64 / self.scale, y as f64 / self.scale);
                    let b = found.get_or_insert(InkBox {
                        x0: fx,
                        y0: fy,
                        x1: fx,
                        y1: fy,
                    });
                    b.x0 = b.x0.min(fx);
                    b.y0 = b.y0.min(fy);
                    b.x1 = b.x1.max(fx + 1.0 / self.scale);
                    b.y1 = b.y1.max(fy + 1.0 / self.scale);
                }
            }
        }
        found
    }

    /// The whole page as a region.
    pub fn all(&self) -> InkBox {
        InkBox {
            x0: self.x_off,
            y0: 0.0,
            x1: self.x_off + self.width as f64 / self.scale,
            y1: self.height as f64 / self.scale,
        }
    }
}

/// Points to millimetres.
pub fn mm(pt: f64) -> f64 {
    pt / MM
}

/// A line pushed in (clreq) may begin on an opening mark or end on a closing
/// one compressed to its inked half: the mark's em box, which is what
/// pdftotext reports, then reaches past the 版心 by up to half a cell
/// (`cell`, mm) while its ink stays inside. True when `w` is such a word and
/// its ink lies between `left` and `right` (mm).
pub fn compressed_mark_inside(pdf: &Path, w: &Word, left: f64, right: f64, cell: f64) -> bool {
    let over = |by: f64| by > 0.1 && by <= cell / 2.0 + 0.1;
    let compressed = (over(mm(w.x1) - right)
        && w.text
            .ends_with(|c| "，。、；：？！）》」』】〕”’".contains(c)))
        || (over(left - mm(w.x0)) && w.text.starts_with(|c| "（《「『【〔“‘".contains(c)));
    compressed && {
        let around = InkBox {
            x0: left - cell,
            y0: mm(w.y0),
            x1: right + cell,
            y1: mm(w.y1),
        };
        Raster::page(pdf, w.page)
            .ink_box(black, around)
            .is_some_and(|ink| ink.x0 >= left - 0.2 && ink.x1 <= right + 0.2)
    }
}
