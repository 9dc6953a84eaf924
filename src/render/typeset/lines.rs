//! A paragraph of the body broken into its lines by gongwen, on the grid of
//! GB/T 9704: 28 cells a line (26 after the indent), a Chinese character or a
//! full-width mark one cell, 避头尾 kept, and a closing mark that may not start
//! the next line pushed in by compressing marks on the line (clreq: push-in
//! before push-out, at most half a cell a mark). The breaks are the ones
//! typst's own optimized line breaking chooses: the same breaks weighed with
//! the same costs (see [`fill`]).
//!
//! Typst then only sets the lines it is given (`linebreaks: "simple"`, each
//! line ended by a justified break), which costs it a tenth less than weighing
//! every break of a paragraph; and a mark needs no text run of its own to be
//! kept from typst's compression at a line's edge, only each line's end does,
//! so most lines are one run where each mark ended one.
//!
//! The widths come from the fonts (a Chinese character and a full-width mark
//! are one em in every face, the narrow characters what the fonts' advances
//! say); where a width is not known, the paragraph is left to typst's own line
//! breaking. A line must fit as typst measures it, or typst would break it
//! again: a line is its glyphs' advances with the tracking, less the tracking
//! typst leaves off where it shapes anew.

use serde::ser::Serializer;
use serde::Serialize;
use unicode_script::{Script, UnicodeScript};

use crate::glyphs::{narrow, Face, FontBook, Printed};
use crate::render::blocks::Inline;

/// The body's size, pt (3号, the layout's `FS`).
pub const FS: f64 = 16.0;
/// The 版心's width, pt (156 mm).
const WIDTH: f64 = 156.0 / 25.4 * 72.0;
/// The character pitch, pt: 27 pitches and a character in the 版心, less
/// 0.01 pt (the layout's `P`).
pub const PITCH: f64 = (WIDTH - FS - 0.01) / 27.0;
/// The tracking that gives that pitch (the layout's `TRK`, negative).
const TRACKING: f64 = PITCH - FS;
/// The width of a line: 28 pitches (the layout's `TW`, the page's text width).
pub const LINE: f64 = 28.0 * PITCH;
/// What a line may exceed its width by and still fit: far below the ten
/// thousandth of a point typst allows, far above the difference between
/// gongwen's sums of the advances and typst's.
const FITS: f64 = 1e-6;
/// The tracking a glyph may give up to shrink a justified line, pt (the
/// layout's `justification-limits`, 0.005 em).
const HAIR_OF_TRACKING: f64 = 0.005 * FS;
/// A pushed-in line is brought this much inside its width, so that the
/// thousandths its spacing is rounded to never take it past.
const PUSHED_IN: f64 = 0.01;

/// Closing marks: a line may not start with one (as the layout's `CLOSE`).
pub const CLOSE: &str = "，。、；：？！）》」』】〕〉］｝”’";
/// Opening marks: a line may not end with one (`OPEN`).
pub const OPEN: &str = "（《「『【〔〈［｛“‘";
/// The marks typst compresses at a line's start (its `BEGIN_PUNCT_PAT`): a
/// line that starts with one starts with an empty object instead.
const SQUEEZED_AT_START: &str = "“‘《〈（『「【〖〔［｛";
/// Spacing accents: one drawn over a mark's compressed half would read back as
/// a combining accent, so a mark before one keeps its cell.
const ACCENTS: &str = "`^´¨~˜¯˘˙˚˝¸˛";

/// Styles of a segment, as bits: the layout's `strong`, `emph` and `strike`.
const STRONG: u8 = 1;
const EMPH: u8 = 2;
const STRIKE: u8 = 4;

/// A line: its segments, set one after another.
#[derive(Debug, Clone, PartialEq)]
pub struct Line(pub Vec<Segment>);

/// What the layout sets of a paragraph: a run of text in one style, the empty
/// object that keeps typst from compressing an opening mark at a line's start,
/// or a justified line break.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    Stop,
    Run(Run),
    Break,
}

/// A run of text in one style.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    style: u8,
    text: String,
    /// Its own, for two glyphs, the first a compressed mark or the glyph
    /// before one (their gap narrowed inside the run, as typst's own
    /// compression narrows it, so that the text reads back whole).
    tracking: Option<f64>,
    /// The spacing around it, in pt. After a run it gives back the tracking
    /// its last glyph lost (typst gives none to the last glyph of a run); a
    /// compressed mark with no glyph to pair it with takes its blank half
    /// back; none ends a line whose last glyph is no mark and which typst
    /// stretches: then its last item is its text, and typst stretches the
    /// line up to that glyph, not after it.
    before: f64,
    after: Option<f64>,
}

impl Run {
    fn plain(style: u8, text: String) -> Run {
        Run {
            style,
            text,
            tracking: None,
            before: 0.0,
            after: Some(TRACKING),
        }
    }

    /// Whether it is set other than as a plain run.
    fn adjusted(&self) -> bool {
        self.tracking.is_some() || self.before != 0.0 || self.after != Some(TRACKING)
    }

    /// Whether a line that ends with this run may go on into the next line's
    /// `start` in one run: the same style in the body face, neither with
    /// tracking or spacing of its own before the break, and no mark at the
    /// line's end, which typst would compress there.
    fn goes_on_into(&self, start: &Run) -> bool {
        let plain = |r: &Run| r.tracking.is_none() && r.before == 0.0;
        self.style & EMPH == 0
            && self.style == start.style
            && plain(self)
            && plain(start)
            && !self.text.ends_with(|c| mark(c) || c == '．')
    }
}

/// `false` for the empty object, `null` for a break; a run as its text (plain,
/// the tracking given back after it), `[style, text]`, `[style, text,
/// tracking]`, or `[style, text, before, after]` (`after` null for no spacing).
impl Serialize for Segment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let run = match self {
            Segment::Stop => return s.serialize_bool(false),
            Segment::Break => return s.serialize_none(),
            Segment::Run(run) => run,
        };
        let Run {
            style,
            text,
            tracking,
            before,
            after,
        } = run;
        match tracking {
            _ if !run.adjusted() && *style == 0 => s.serialize_str(text),
            _ if !run.adjusted() => (style, text).serialize(s),
            Some(tracking) => (style, text, round(*tracking)).serialize(s),
            None => (style, text, round(*before), after.map(round)).serialize(s),
        }
    }
}

/// To a thousandth of a point, short in the JSON.
fn round(pt: f64) -> f64 {
    (pt * 1000.0).round() / 1000.0
}

/// The lines of a paragraph of the body, or `None` where typst must break it:
/// an image or a hard break in it, a character whose width is not known, or
/// a piece wider than a line.
pub fn break_paragraph(inlines: &[Inline], fonts: &FontBook) -> Option<Vec<Line>> {
    lines_of(&Atoms::of(inlines, fonts)?)
}

fn lines_of(atoms: &Atoms) -> Option<Vec<Line>> {
    let units = units(&atoms.0);
    let breaks = fill(&atoms.0, &units)?;
    Some(breaks.iter().map(|l| segments(&atoms.0, l)).collect())
}

/// A paragraph of the body as the layout sets it (`set-runs`).
#[derive(Debug, Serialize)]
pub struct Paragraph {
    /// Its runs, in order, its lines ended by breaks.
    #[serde(rename = "text_runs")]
    pub runs: Vec<Segment>,
    /// Whether every character of it prints in the first face of its list:
    /// then the layout sets it in that face alone, which lets one run go on
    /// across a line's end (see [`set_paragraph`]).
    pub first_face: bool,
    /// Its lines, as the layout's hint counts them (`"one"`, `"two"`, `"many"`).
    #[serde(serialize_with = "count_in_words")]
    pub lines: usize,
}

fn count_in_words<S: Serializer>(lines: &usize, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match lines {
        1 => "one",
        2 => "two",
        _ => "many",
    })
}

/// [`break_paragraph`], set: where a line ends on no mark and the next
/// starts in the same style, one run goes on across the break, the line
/// separator (U+2028, typst's own justified break) inside its text. Typst
/// then shapes one run where it shaped two; the glyph before the separator
/// keeps its tracking, the line's last item is its text, and typst stretches
/// such a line up to its last glyph. (Only in a paragraph set in the first
/// face of its list: typst shapes the separator as a character that no face
/// has, and would look for it in every fallback font, reading the largest
/// into each of its runs.)
pub fn set_paragraph(inlines: &[Inline], fonts: &FontBook) -> Option<Paragraph> {
    let atoms = Atoms::of(inlines, fonts)?;
    let lines = lines_of(&atoms)?;
    let first_face = atoms.in_first_face(fonts);
    let count = lines.len();
    let mut runs: Vec<Segment> = Vec::new();
    for (k, line) in lines.into_iter().enumerate() {
        let mut segments = line.0.into_iter().peekable();
        if k > 0 {
            let joined = match (runs.last_mut(), segments.peek()) {
                (Some(Segment::Run(end)), Some(Segment::Run(start)))
                    if first_face && end.goes_on_into(start) =>
                {
                    end.text.push('\u{2028}');
                    end.text.push_str(&start.text);
                    end.after = start.after;
                    true
                }
                _ => false,
            };
            if joined {
                segments.next();
            } else {
                runs.push(Segment::Break);
            }
        }
        runs.extend(segments);
    }
    Some(Paragraph {
        runs,
        first_face,
        lines: count,
    })
}

/// One character as set: its style and its width with the tracking.
#[derive(Debug)]
struct Atom {
    c: char,
    style: u8,
    width: f64,
    /// The token kept whole it belongs to (0 for none).
    whole: u32,
}

struct Atoms(Vec<Atom>);

impl Atoms {
    fn of(inlines: &[Inline], fonts: &FontBook) -> Option<Atoms> {
        let mut atoms = Atoms(Vec::new());
        let mut wholes = 0;
        atoms.add(inlines, 0, fonts, &mut wholes)?;
        atoms.untrack_script_changes();
        Some(atoms)
    }

    /// Whether each character prints in the first face of its list that is
    /// present (the 楷体 for emphasis, else the 仿宋).
    fn in_first_face(&self, fonts: &FontBook) -> bool {
        self.0.iter().all(|a| {
            let face = if a.style & EMPH != 0 {
                Face::Kai
            } else {
                Face::Body
            };
            a.c == ' ' || fonts.printed(face, a.c) == Printed::Preferred
        })
    }

    /// Typst shapes a text anew where its script changes (Latin letters
    /// after Chinese, or Chinese after them; digits and marks belong to
    /// either), and the last glyph before the change gets no tracking: it
    /// is wider by the (negative) tracking. (Counted over the whole text,
    /// where typst starts again at each run: a change at a run's end is
    /// counted once more than it costs, which only makes a line shorter.)
    fn untrack_script_changes(&mut self) {
        let generic = |s: Script| matches!(s, Script::Unknown | Script::Common | Script::Inherited);
        let mut previous = Script::Unknown;
        for i in 0..self.0.len() {
            let current = self.0[i].c.script();
            if !(generic(current) || generic(previous) || current == previous) {
                self.0[i - 1].width -= TRACKING;
                previous = current;
            } else if generic(previous) {
                previous = current;
            }
        }
    }

    fn add(
        &mut self,
        inlines: &[Inline],
        style: u8,
        fonts: &FontBook,
        wholes: &mut u32,
    ) -> Option<()> {
        for inline in inlines {
            match inline {
                Inline::Text { text } | Inline::Code { text } => {
                    self.text(text, style, 0, fonts)?
                }
                Inline::Whole { text } => {
                    *wholes += 1;
                    self.text(text, style, *wholes, fonts)?;
                }
                Inline::Strong { children } => self.add(children, style | STRONG, fonts, wholes)?,
                Inline::Emph { children } => self.add(children, style | EMPH, fonts, wholes)?,
                Inline::Strike { children } => self.add(children, style | STRIKE, fonts, wholes)?,
                Inline::Link { children, .. } => self.add(children, style, fonts, wholes)?,
                Inline::Break {} | Inline::Image { .. } => return None,
            }
        }
        Some(())
    }

    fn text(&mut self, text: &str, style: u8, whole: u32, fonts: &FontBook) -> Option<()> {
        let face = if style & EMPH != 0 {
            Face::Kai
        } else {
            Face::Body
        };
        for c in text.chars() {
            let em = ems(c, face, fonts)?;
            self.0.push(Atom {
                c,
                style,
                width: em * FS + TRACKING,
                whole,
            });
        }
        Some(())
    }
}

/// The advance of `c` in ems of `face`, where it is known.
fn ems(c: char, face: Face, fonts: &FontBook) -> Option<f64> {
    if ideograph(c) || mark(c) || matches!(c, '〇' | '\u{FF01}'..='\u{FF5E}') {
        // (One em in every Chinese face.)
        Some(1.0)
    } else if narrow(c) && !zero_width(c) {
        fonts.advance(face, c).map(f64::from)
    } else {
        None
    }
}

/// A character typst sets no glyph for (spaces of no width, joiners, marks
/// of direction): left to typst.
fn zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}')
}

/// A Chinese character: one em in every face.
pub(crate) fn ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

/// A full-width mark, the 间隔号 among them.
pub(crate) fn mark(c: char) -> bool {
    CLOSE.contains(c) || OPEN.contains(c) || c == '·'
}

/// A character of a word no line breaks inside: a Latin letter, a digit,
/// ASCII punctuation.
fn word(c: char) -> bool {
    narrow(c) && c != ' ' && !matches!(c, '—' | '…')
}

/// Whether a line may not break between `a` and `b` (UAX #14 as it applies
/// to Chinese text, and the standard: 避头尾, the 间隔号, 破折号 and 省略号).
fn glued(a: &Atom, b: &Atom) -> bool {
    b.c == ' '
        || CLOSE.contains(b.c)
        || OPEN.contains(a.c)
        || ",.;:!?)]}%".contains(b.c)
        || "([{".contains(a.c)
        || a.c == '·'
        || b.c == '·'
        || b.c == '…'
        || (a.c == '—' && b.c == '—')
        || (a.whole != 0 && a.whole == b.whole)
        || (word(a.c) && word(b.c))
}

/// A piece no line breaks inside: its atoms, `start..end`, and where its
/// text ends before the trailing spaces a line's end drops.
#[derive(Debug)]
struct Unit {
    start: usize,
    end: usize,
    text_end: usize,
}

fn units(atoms: &[Atom]) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    for (i, atom) in atoms.iter().enumerate() {
        let text_end = if atom.c == ' ' { None } else { Some(i + 1) };
        match units.last_mut() {
            Some(u) if glued(&atoms[i - 1], atom) => {
                u.end = i + 1;
                u.text_end = text_end.unwrap_or(u.text_end);
            }
            _ => units.push(Unit {
                start: i,
                end: i + 1,
                text_end: text_end.unwrap_or(i),
            }),
        }
    }
    units
}

/// A line as decided: its atoms (trailing spaces dropped) and the marks
/// compressed on it, each by how much.
struct Broken {
    start: usize,
    end: usize,
    /// How much a pushed-in line is too long (0 for none).
    excess: f64,
    squeezed: Vec<usize>,
    /// Its last run ends without spacing (see [`Segment::Run`]).
    flush: bool,
}

/// The lines, as typst's optimized line breaking would choose them (its
/// Knuth-Plass costs, `linebreak_optimized` of typst 0.15, over the same
/// breaks): a line that fits its width costs nothing; one pushed in, its
/// marks compressed, costs by how much of their blank halves it takes; one
/// pushed out, stretched, more; and a last line of a single piece more again.
/// A line is pushed in only as far as its marks can give up.
fn fill(atoms: &[Atom], units: &[Unit]) -> Option<Vec<Broken>> {
    let sums = Sums::of(atoms);
    // best[k]: the least cost of lines ending before unit k, and where the
    // last of them starts.
    let mut best: Vec<Option<(f64, usize)>> = vec![None; units.len() + 1];
    best[0] = Some((0.0, 0));
    for end in 1..=units.len() {
        for start in (0..end).rev() {
            let Some((before, _)) = best[start] else {
                continue;
            };
            let line = Candidate::new(units, &sums, start, end);
            if line.too_long() {
                break;
            }
            let Some(cost) = line.cost(atoms, end == units.len()) else {
                continue;
            };
            let total = before + cost;
            // (On a tie the shorter line, as typst takes the later start.)
            if best[end].is_none_or(|(t, _)| total < t) {
                best[end] = Some((total, start));
            }
        }
    }
    let mut ends = vec![units.len()];
    while let Some(&end) = ends.last().filter(|&&e| e > 0) {
        ends.push(best[end]?.1);
    }
    ends.reverse();
    Some(
        ends.windows(2)
            .map(|w| {
                let line = Candidate::new(units, &sums, w[0], w[1]);
                line.broken(atoms, w[1] == units.len())
            })
            .collect(),
    )
}

/// Running sums over the atoms, for the measures of any line.
struct Sums {
    width: Vec<f64>,
    shrink: Vec<f64>,
    stretch: Vec<f64>,
    justifiable: Vec<usize>,
    /// Marks that gongwen may compress.
    squeezable: Vec<usize>,
}

impl Sums {
    fn of(atoms: &[Atom]) -> Sums {
        let mut sums = Sums {
            width: vec![0.0],
            shrink: vec![0.0],
            stretch: vec![0.0],
            justifiable: vec![0],
            squeezable: vec![0],
        };
        for (i, a) in atoms.iter().enumerate() {
            let (shrink, stretch) = adjustability(a);
            sums.width.push(sums.width.last().unwrap() + a.width);
            sums.shrink.push(sums.shrink.last().unwrap() + shrink);
            sums.stretch.push(sums.stretch.last().unwrap() + stretch);
            let j = ideograph(a.c) || mark(a.c) || a.c == ' ' || a.c == '〇';
            sums.justifiable
                .push(sums.justifiable.last().unwrap() + usize::from(j));
            let s = squeezable_at(atoms, i);
            sums.squeezable
                .push(sums.squeezable.last().unwrap() + usize::from(s));
        }
        sums
    }
}

/// What typst may take from a glyph to shrink a justified line, and give it
/// to stretch one, in pt: a mark half its cell, a space a third and a glyph
/// the layout's hair of tracking; a space stretches by half.
fn adjustability(a: &Atom) -> (f64, f64) {
    if mark(a.c) {
        (FS / 2.0, 0.0)
    } else if a.c == ' ' {
        (a.width / 3.0 + HAIR_OF_TRACKING, a.width / 2.0)
    } else {
        (HAIR_OF_TRACKING, 0.0)
    }
}

/// A line that may be set from unit `start` to before unit `end`.
struct Candidate {
    /// Its atoms, its last unit's trailing spaces dropped.
    first: usize,
    last: usize,
    width: f64,
    shrink: f64,
    stretch: f64,
    justifiables: usize,
    /// The marks gongwen may compress on it.
    squeezable: usize,
    avail: f64,
}

impl Candidate {
    fn new(units: &[Unit], sums: &Sums, start: usize, end: usize) -> Candidate {
        let first = units[start].start;
        let last = units[end - 1].text_end;
        Candidate {
            first,
            last,
            width: sums.width[last] - sums.width[first],
            shrink: sums.shrink[last] - sums.shrink[first],
            stretch: sums.stretch[last] - sums.stretch[first],
            justifiables: sums.justifiable[last] - sums.justifiable[first],
            squeezable: sums.squeezable[last] - sums.squeezable[first],
            avail: if start == 0 { LINE - 2.0 * PITCH } else { LINE },
        }
    }

    /// Too long even shrunk as far as typst would: so is any line that
    /// starts earlier.
    fn too_long(&self) -> bool {
        self.width - self.shrink > self.avail
    }

    /// Typst's cost of the line, or `None` where it cannot be set.
    fn cost(&self, atoms: &[Atom], last_line: bool) -> Option<f64> {
        // (Typst takes a line within 1e-4 pt of its width for one that fits
        // exactly; gongwen only within [`FITS`], and has such a line pushed
        // in by a hair or not set, so that typst never finds it too long.)
        let mut delta = self.avail - self.width;
        if delta.abs() <= FITS {
            delta = 0.0;
        }
        let ratio = if delta >= 0.0 {
            let stretch = self.stretch;
            let mut ratio = if delta == 0.0 { 0.0 } else { delta / stretch };
            if ratio > 1.0 {
                // Beyond the spaces, typst spreads the rest over the
                // justifiable glyphs, counted in half ems. (A line's last
                // item is the spacing after its last run, so typst takes no
                // glyph out as it would at the end of text.)
                ratio = 1.0 + (delta - stretch) / self.justifiables.max(1) as f64 / (FS / 2.0);
            }
            ratio.min(10.0)
        } else {
            let ratio = delta / self.shrink;
            let room = self.squeezable as f64 * FS / 2.0;
            if ratio < -1.0 || room < PUSHED_IN - delta {
                return None;
            }
            ratio
        };
        let badness = if last_line && ratio >= 0.0 {
            0.0
        } else {
            100.0 * ratio.abs().powi(3)
        };
        // A last line of one piece (a runt).
        let runt = if last_line && self.single_unit(atoms) {
            100.0
        } else {
            0.0
        };
        Some((1.0 + badness + runt).powi(2))
    }

    fn single_unit(&self, atoms: &[Atom]) -> bool {
        (self.first + 1..self.last).all(|i| glued(&atoms[i - 1], &atoms[i]))
    }

    /// The line as set: a pushed-in line's marks compressed by what it is too
    /// long, brought a hair inside its width; a line typst stretches ends on
    /// its last glyph where that is no mark (whose blank half ends the line
    /// anyway) and the line has room for the tracking that glyph then keeps.
    fn broken(&self, atoms: &[Atom], last_line: bool) -> Broken {
        let excess = self.width - (self.avail - PUSHED_IN);
        if self.width <= self.avail + FITS {
            let room = self.avail - self.width;
            return Broken {
                start: self.first,
                end: self.last,
                excess: 0.0,
                squeezed: Vec::new(),
                flush: !last_line
                    && room > -TRACKING + PUSHED_IN
                    && self.last.checked_sub(1).is_some_and(|i| !mark(atoms[i].c)),
            };
        }
        let squeezed = squeezable(atoms, self.first, self.last);
        Broken {
            start: self.first,
            end: self.last,
            excess,
            squeezed,
            flush: false,
        }
    }
}

/// The marks of a line that may give up half their cell.
fn squeezable(atoms: &[Atom], start: usize, end: usize) -> Vec<usize> {
    (start..end).filter(|&i| squeezable_at(atoms, i)).collect()
}

/// A mark that may give up half its cell: a closing mark (not one before an
/// accent) or an opening one.
fn squeezable_at(atoms: &[Atom], i: usize) -> bool {
    let c = atoms[i].c;
    let before_accent = atoms.get(i + 1).is_some_and(|n| ACCENTS.contains(n.c));
    (CLOSE.contains(c) && !before_accent) || OPEN.contains(c)
}

/// How a run of a line is set, before a pushed-in line's compression is
/// shared out.
enum Piece {
    /// Text in one style, its glyphs giving up a hair of their tracking on a
    /// pushed-in line, as typst's justification takes it.
    Plain(u8, String),
    /// Two glyphs whose gap a compressed mark narrows.
    Pair(u8, String),
    /// A compressed mark alone: a closing one's gap after it, an opening
    /// one's before it.
    Closing(u8, char),
    Opening(u8, char),
    Stop,
}

/// The segments of a line: a run for each style, two marks in a row apart
/// (typst compresses two in one run), and on a pushed-in line the excess
/// shared as typst shares it: each compressed mark gives up the same part
/// of its blank half, each other glyph the same part of the hair of
/// tracking the layout lets it give (`justification-limits`).
fn segments(atoms: &[Atom], line: &Broken) -> Line {
    let pieces = pieces(atoms, line);
    let hairs: usize = (pieces.iter())
        .map(|p| match p {
            Piece::Plain(_, t) => t.chars().count() - 1,
            _ => 0,
        })
        .sum();
    let ratio = if line.excess > 0.0 {
        line.excess / (line.squeezed.len() as f64 * FS / 2.0 + hairs as f64 * HAIR_OF_TRACKING)
    } else {
        0.0
    };
    let mark = ratio * FS / 2.0;
    let plain = Run::plain;
    let mut out: Vec<Segment> = (pieces.into_iter())
        .map(|p| match p {
            Piece::Stop => Segment::Stop,
            Piece::Plain(style, text) if ratio > 0.0 => Segment::Run(Run {
                tracking: Some(TRACKING - ratio * HAIR_OF_TRACKING),
                ..plain(style, text)
            }),
            Piece::Plain(style, text) => Segment::Run(plain(style, text)),
            Piece::Pair(style, text) => Segment::Run(Run {
                tracking: Some(TRACKING - mark),
                ..plain(style, text)
            }),
            Piece::Closing(style, c) => Segment::Run(Run {
                after: Some(TRACKING - mark),
                ..plain(style, c.to_string())
            }),
            Piece::Opening(style, c) => Segment::Run(Run {
                before: -mark,
                ..plain(style, c.to_string())
            }),
        })
        .collect();
    if line.flush {
        if let Some(Segment::Run(run)) = out.last_mut() {
            run.after = None;
        }
    }
    Line(out)
}

/// A line's runs: one for each style, two marks in a row apart, and each
/// compressed mark in a run of two glyphs with the glyph beside it across
/// its gap (after a closing mark, before an opening one), where that is no
/// mark in the same style, so that the gap narrows inside a run, as typst's
/// own compression narrows it, and the text reads back whole; else alone.
fn pieces(atoms: &[Atom], line: &Broken) -> Vec<Piece> {
    let mut out = Vec::new();
    if atoms
        .get(line.start)
        .is_some_and(|a| SQUEEZED_AT_START.contains(a.c))
    {
        out.push(Piece::Stop);
    }
    let mut run = String::new();
    let mut style = 0;
    let flush = |out: &mut Vec<Piece>, run: &mut String, style: u8| {
        if !run.is_empty() {
            out.push(Piece::Plain(style, std::mem::take(run)));
        }
    };
    let mut i = line.start;
    while i < line.end {
        let a = &atoms[i];
        let after_mark = i > line.start && mark(atoms[i - 1].c) && mark(a.c);
        if a.style != style || after_mark {
            flush(&mut out, &mut run, style);
            style = a.style;
        }
        if !line.squeezed.contains(&i) {
            run.push(a.c);
            i += 1;
            continue;
        }
        let pairs = |j: usize| j < line.end && !mark(atoms[j].c) && atoms[j].style == style;
        let closing = !OPEN.contains(a.c);
        if closing && pairs(i + 1) {
            flush(&mut out, &mut run, style);
            out.push(Piece::Pair(style, [a.c, atoms[i + 1].c].iter().collect()));
            i += 2;
            continue;
        }
        if !closing && i > line.start && pairs(i - 1) && !run.is_empty() {
            let before = run.pop().expect("a glyph before");
            flush(&mut out, &mut run, style);
            out.push(Piece::Pair(style, [before, a.c].iter().collect()));
        } else {
            flush(&mut out, &mut run, style);
            out.push(if closing {
                Piece::Closing(style, a.c)
            } else {
                Piece::Opening(style, a.c)
            });
        }
        i += 1;
    }
    flush(&mut out, &mut run, style);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::glyphs::repo_fonts as fonts;

    fn text(t: &str) -> Inline {
        Inline::Text { text: t.into() }
    }

    /// Each line's text, with `|` before a compressed mark.
    fn lines(inlines: &[Inline]) -> Option<Vec<String>> {
        let lines = break_paragraph(inlines, fonts())?;
        Some(
            lines
                .iter()
                .map(|l| {
                    l.0.iter()
                        .map(|s| match s {
                            Segment::Stop => "^".to_string(),
                            Segment::Break => unreachable!("a line holds no break"),
                            Segment::Run(r) if r.adjusted() && r.after.is_some() => {
                                format!("|{}", r.text)
                            }
                            Segment::Run(r) => r.text.clone(),
                        })
                        .collect()
                })
                .collect(),
        )
    }

    fn widths(inlines: &[Inline]) -> Vec<f64> {
        let atoms = Atoms::of(inlines, fonts()).unwrap();
        break_paragraph(inlines, fonts())
            .unwrap()
            .iter()
            .map(|l| {
                l.0.iter()
                    .map(|s| match s {
                        Segment::Stop => 0.0,
                        Segment::Break => unreachable!("a line holds no break"),
                        Segment::Run(r) => {
                            let w: f64 = (r.text.chars())
                                .map(|c| atoms.0.iter().find(|a| a.c == c).unwrap().width)
                                .sum();
                            let glyphs = r.text.chars().count() as f64;
                            let narrowed =
                                r.tracking.map_or(0.0, |t| t - TRACKING) * (glyphs - 1.0);
                            w + narrowed + r.before + r.after.unwrap_or(0.0) - TRACKING
                        }
                    })
                    .sum()
            })
            .collect()
    }

    #[test]
    fn chinese_text_fills_26_then_28_cells() {
        let t = "国".repeat(26 + 28 + 3);
        assert_eq!(
            lines(&[text(&t)]).unwrap(),
            ["国".repeat(26), "国".repeat(28), "国".repeat(3)]
        );
        // A full line is 28 pitches, within the 版心.
        let w = widths(&[text(&t)]);
        assert!((w[1] - LINE).abs() < 1e-9, "{w:?}");
    }

    #[test]
    fn a_closing_mark_is_pushed_in_by_compressing_marks_or_carries_a_character_down() {
        // 25 cells, then `国。`: the line's marks give up the cell.
        let t = format!(
            "{}，{}国。{}",
            "国".repeat(12),
            "国".repeat(12),
            "后".repeat(9)
        );
        let l = lines(&[text(&t)]).unwrap();
        assert_eq!(
            l[0],
            format!("|{}|，国|{}|。", "国".repeat(12), "国".repeat(12))
        );
        assert_eq!(l[1], "后".repeat(9));
        let w = widths(&[text(&t)]);
        assert!((w[0] - (26.0 * PITCH - PUSHED_IN)).abs() < 1e-9, "{w:?}");
        // With only the closing mark, half a cell is not enough: the
        // character before it goes down with it (push-out).
        let t = format!("{}国。后", "国".repeat(25));
        let l = lines(&[text(&t)]).unwrap();
        assert_eq!(l, ["国".repeat(25), "国。后".to_string()]);
        // Stretched, it ends on its last glyph (no spacing after it), and
        // fits with that glyph's tracking.
        let broken = break_paragraph(&[text(&t)], fonts()).unwrap();
        assert!(matches!(&broken[0].0[..], [Segment::Run(r)] if r.after.is_none()));
        assert!(widths(&[text(&t)])[0] <= LINE - 2.0 * PITCH);
        // A full line takes no more, marks or not.
        let t = format!("{}，{}、国国", "国".repeat(12), "国".repeat(12));
        let l = lines(&[text(&t)]).unwrap();
        assert_eq!(
            l,
            [
                format!("{}，{}、", "国".repeat(12), "国".repeat(12)),
                "国国".into()
            ]
        );
    }

    #[test]
    fn no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one() {
        for n in 20..60 {
            let t = format!("{}（国）{}“国”、《国》", "国".repeat(n), "国".repeat(n % 7));
            for l in lines(&[text(&t)]).unwrap() {
                let bare = l.replace(['|', '^'], "");
                assert!(!bare.starts_with(|c| CLOSE.contains(c)), "{n}: {l}");
                assert!(!bare.ends_with(|c| OPEN.contains(c)), "{n}: {l}");
                if bare.starts_with(|c| OPEN.contains(c)) {
                    assert!(l.starts_with('^'), "{n}: {l}");
                }
            }
        }
    }

    #[test]
    fn words_tokens_and_styles_stay_whole_and_apart() {
        let inlines = [
            Inline::Strong {
                children: vec![text("一是加强保护。")],
            },
            text(&"国".repeat(17)),
            Inline::Whole {
                text: "11.78万亩".into(),
            },
            text("，Typst compile 国"),
        ];
        let l = break_paragraph(&inlines, fonts()).unwrap();
        let first = &l[0].0;
        assert!(
            matches!(&first[0], Segment::Run(r) if r.style == STRONG && r.text == "一是加强保护。")
        );
        // 7 + 17 cells, then the token (4.5 cells) does not fit the first line's 26.
        let texts: Vec<String> = lines(&inlines).unwrap();
        assert_eq!(texts[0], format!("一是加强保护。{}", "国".repeat(17)));
        assert_eq!(texts[1], "11.78万亩，Typst compile 国");
    }

    #[test]
    fn dashes_ellipses_and_latin_punctuation_break_where_they_may() {
        for n in 20..60 {
            let t = format!(
                "{}——{}……国,{}(国)国",
                "国".repeat(n),
                "国".repeat(n % 5),
                "国".repeat(n % 3)
            );
            let l = lines(&[text(&t)]).unwrap();
            for (i, line) in l.iter().enumerate() {
                assert!(!line.starts_with(['…', ',', ')']), "{n}: {l:?}");
                assert!(!line.ends_with('('), "{n}: {l:?}");
                if i > 0 {
                    // A 破折号 or 省略号 is never split between two lines.
                    let joint = format!(
                        "{}{}",
                        l[i - 1].chars().last().unwrap(),
                        line.chars().next().unwrap()
                    );
                    assert!(joint != "——" && joint != "……", "{n}: {l:?}");
                }
            }
        }
    }

    #[test]
    fn a_change_of_script_costs_the_tracking_typst_leaves_off() {
        let atoms = Atoms::of(&[text("国ab国1国")], fonts()).unwrap();
        let extra: Vec<bool> = (atoms.0.iter())
            .map(|a| {
                (a.width - ems(a.c, Face::Body, fonts()).unwrap() * FS - TRACKING).abs() > 1e-9
            })
            .collect();
        // Before `a` (Latin after Chinese) and before the second `国`; a digit
        // belongs to either script.
        assert_eq!(extra, [true, false, true, false, false, false]);
    }

    #[test]
    fn a_run_goes_on_across_a_line_s_end_where_no_mark_ends_it() {
        let texts = |p: &Paragraph| -> Vec<String> {
            (p.runs.iter())
                .map(|s| match s {
                    Segment::Run(r) => r.text.clone(),
                    Segment::Break => "/".into(),
                    Segment::Stop => "^".into(),
                })
                .collect()
        };
        // 26 cells, then 28 ending on a mark, then 28 more and a line that
        // starts with an opening mark (after the object that guards it).
        let t = format!(
            "{}{}。{}（国）",
            "国".repeat(26),
            "国".repeat(27),
            "国".repeat(28)
        );
        let p = set_paragraph(&[text(&t)], fonts()).unwrap();
        assert!(p.first_face);
        assert_eq!(p.lines, 4);
        assert_eq!(
            texts(&p),
            [
                format!("{}\u{2028}{}。", "国".repeat(26), "国".repeat(27)),
                "/".into(),
                "国".repeat(28),
                "/".into(),
                "^".into(),
                "（国）".into(),
            ]
        );
        // A character the first face lacks: every line ends in a break.
        let t = format!("{}𠀀{}", "国".repeat(26), "国".repeat(20));
        let p = set_paragraph(&[text(&t)], fonts()).unwrap();
        assert!(!p.first_face);
        assert_eq!(
            texts(&p),
            [
                "国".repeat(26),
                "/".into(),
                format!("𠀀{}", "国".repeat(20))
            ]
        );
    }

    #[test]
    fn a_space_a_line_breaks_at_is_dropped() {
        let t = format!("{}ab cd{}", "国".repeat(24), "国".repeat(3));
        assert_eq!(
            lines(&[text(&t)]).unwrap(),
            [format!("{}ab", "国".repeat(24)), "cd国国国".into()]
        );
    }

    #[test]
    fn what_cannot_be_measured_is_left_to_typst() {
        assert_eq!(lines(&[text("特此"), Inline::Break {}, text("函复")]), None);
        assert_eq!(lines(&[text("特此函复🙂")]), None);
        assert_eq!(lines(&[text(&"a".repeat(100))]), None);
        assert!(break_paragraph(&[text("特此函复。")], &FontBook::default()).is_some());
        assert_eq!(lines(&[text("电话0951")]).map(|_| ()), Some(()));
        assert_eq!(
            break_paragraph(&[text("电话0951")], &FontBook::default()),
            None
        );
    }
}
