//! The site's web fonts: the faces `style.css` names, cut down to the
//! characters the site's pages use and split in slices, each declared with
//! its `unicode-range` in `assets/fonts.css`, so that a browser fetches only
//! the slices holding the characters of the page it shows, and only when the
//! reader's own 仿宋/黑体/楷体 (the `local()` sources, first) are missing.
//!
//! Characters are ranked by how many pages use them, in bands (used by half
//! the pages or more, a quarter, an eighth…), and each band is cut in
//! codepoint order: the characters of nearly every page fill the first
//! slices, and a new letter moves a character to another band only when
//! its count doubles, so most slices stay as they were. A slice's file is
//! named by the hash of its face and characters: an unchanged slice is
//! neither made again nor fetched again by a browser that has it.
//!
//! Characters none of the Fandol faces has (宁吉喆's 喆, 𠮷) go to the
//! family "GW Rare", made the same way from the fallback faces the PDFs use.

pub mod subset;
mod write;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::build::fingerprint::Hash;

pub use write::{write, Coverage, Source};

/// Under `output/assets/`.
pub const DIR: &str = "fonts";
pub const CSS: &str = "fonts.css";
/// The family of the characters the Fandol faces lack, last before the generic one.
pub const RARE: &str = "GW Rare";
/// Characters a slice holds at most: a page's rare characters then cost a
/// few small files, and its common ones a few larger ones.
const SLICE: usize = 120;

/// A family of `style.css` and its Fandol face.
pub struct Face {
    pub family: &'static str,
    /// In the font folders.
    pub file: &'static str,
    /// The reader's own faces, tried first.
    pub local: &'static [&'static str],
    pub bold: bool,
}

pub const FACES: &[Face] = &[
    Face {
        family: "GW Fang",
        file: "FandolFang-Regular.otf",
        local: &["FangSong_GB2312", "仿宋_GB2312", "FangSong", "STFangsong"],
        bold: false,
    },
    Face {
        family: "GW Hei",
        file: "FandolHei-Regular.otf",
        local: &["SimHei", "黑体", "STHeiti"],
        bold: false,
    },
    Face {
        family: "GW Kai",
        file: "FandolKai-Regular.otf",
        local: &["KaiTi_GB2312", "楷体_GB2312", "KaiTi", "STKaiti"],
        bold: false,
    },
    Face {
        family: "GW Song",
        file: "FandolSong-Bold.otf",
        local: &["FZXiaoBiaoSong-B05S", "方正小标宋简体"],
        bold: true,
    },
];

/// The faces for what no Fandol face has, in the order the PDFs try them.
pub const RARE_FILES: &[&str] = &[
    "fallback/NotoSerifCJKsc-Regular-fallback.otf",
    "fallback/NotoSansCJKsc-Regular-fallback.otf",
    "fallback/HanaMinB-fallback.ttf",
    "fallback/BabelStoneHan-fallback.ttf",
];

/// The font files of `FACES` and `RARE_FILES`, each from the first of
/// `font_dirs` that has it, with its hash (`hash_of(folder's number, file)`);
/// a font found nowhere is left out (its family then falls back to the next).
pub fn sources(
    font_dirs: &[PathBuf],
    hash_of: impl Fn(usize, &str) -> Option<Hash>,
) -> Vec<Source> {
    let files = FACES
        .iter()
        .map(|f| f.file)
        .chain(RARE_FILES.iter().copied());
    files
        .filter_map(|file| {
            let (i, path) = (font_dirs.iter().map(|d| d.join(file)))
                .enumerate()
                .find(|(_, p)| p.is_file())?;
            let hash = hash_of(i, file)?;
            Some(Source { file, path, hash })
        })
        .collect()
}

/// The characters of the site, each with the number of pages using it.
pub type Characters = BTreeMap<char, u32>;

/// Counts the characters of `pages` (each page's text, in any form: markup
/// and JSON keys add only ASCII, which every page has anyway); the `shared`
/// texts (templates, the site's title) count as on every page.
pub fn characters<'a>(
    pages: impl IntoIterator<Item = Vec<&'a [u8]>>,
    shared: &[&[u8]],
) -> Characters {
    PageCounts::of(pages).characters(shared)
}

/// How many pages use each character, without the shared texts: kept
/// between builds, so that an edit counts again only the pages it changed.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageCounts {
    pages: u32,
    counts: Characters,
}

impl PageCounts {
    pub fn of<'a>(pages: impl IntoIterator<Item = Vec<&'a [u8]>>) -> PageCounts {
        // Per code point, the pages using it and the last page that counted it:
        // two look-ups in arrays a character, where a set per page and a map of
        // counts cost tens of milliseconds an archive.
        let size = char::MAX as usize + 1;
        let (mut pages_using, mut last_page) = (vec![0u32; size], vec![0u32; size]);
        let mut total = 0;
        for page in pages {
            total += 1;
            for c in page.iter().flat_map(|part| page_chars(part)) {
                if last_page[c as usize] != total {
                    last_page[c as usize] = total;
                    pages_using[c as usize] += 1;
                }
            }
        }
        let counts = (pages_using.iter().enumerate())
            .filter(|(_, n)| **n > 0)
            .filter_map(|(c, n)| Some((char::from_u32(c as u32)?, *n)))
            .collect();
        PageCounts {
            pages: total,
            counts,
        }
    }

    /// Counts one more page.
    pub fn add(&mut self, page: &[&[u8]]) {
        self.pages += 1;
        for c in distinct(page) {
            *self.counts.entry(c).or_default() += 1;
        }
    }

    /// Counts one page fewer: `page` must be one counted before.
    pub fn remove(&mut self, page: &[&[u8]]) {
        self.pages = self.pages.saturating_sub(1);
        for c in distinct(page) {
            if let Some(n) = self.counts.get_mut(&c) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.counts.remove(&c);
                }
            }
        }
    }

    /// The site's characters: these pages', and the `shared` texts' as on
    /// every page.
    pub fn characters(&self, shared: &[&[u8]]) -> Characters {
        let mut counts = self.counts.clone();
        // Digits and Latin letters are on every page (dates, numbers, page links).
        let always = (' '..='~').map(|c| c.to_string()).collect::<String>();
        for part in shared.iter().copied().chain([always.as_bytes()]) {
            for c in page_chars(part) {
                counts.insert(c, self.pages.max(1));
            }
        }
        counts
    }
}

/// The characters a page's part shows (bytes that are not UTF-8 show none).
fn page_chars(part: &[u8]) -> impl Iterator<Item = char> + '_ {
    (part.utf8_chunks())
        .flat_map(|chunk| chunk.valid().chars())
        .filter(|c| shown(*c))
}

fn distinct(page: &[&[u8]]) -> std::collections::BTreeSet<char> {
    page.iter().flat_map(|part| page_chars(part)).collect()
}

/// A character a font draws: not a control character, not a line break.
fn shown(c: char) -> bool {
    !c.is_control() && c != '\u{FFFD}'
}

/// One file to make: `chars` of the font `file`, for `family`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slice {
    pub family: &'static str,
    pub file: &'static str,
    pub chars: Vec<char>,
}

/// The characters in the order they are cut into slices: by band, the most
/// used first, then by codepoint; with each band's end.
fn ranked(chars: &Characters) -> Vec<Vec<char>> {
    let mut bands: BTreeMap<u32, Vec<char>> = BTreeMap::new();
    for (c, band) in bands_of(chars) {
        bands.entry(band).or_default().push(c);
    }
    bands.into_values().collect()
}

/// Each character with its band: 0 for characters of half the pages or
/// more, 1 for a quarter… The slices depend on these and nothing else of
/// the counts, so they are what the web fonts' cache key holds.
pub fn bands_of(chars: &Characters) -> impl Iterator<Item = (char, u32)> + '_ {
    let most = chars.values().copied().max().unwrap_or(1);
    (chars.iter()).map(move |(&c, &n)| (c, (most / n.max(1)).max(1).ilog2()))
}

/// Cuts `chars` (of one band, in codepoint order) into slices of `family`'s `file`.
fn cut(family: &'static str, file: &'static str, chars: &[char], into: &mut Vec<Slice>) {
    for part in chars.chunks(SLICE) {
        into.push(Slice {
            family,
            file,
            chars: part.to_vec(),
        });
    }
}

/// The slices to make, given which characters each font has (`has(file, c)`).
pub fn plan(chars: &Characters, has: impl Fn(&str, char) -> bool) -> Vec<Slice> {
    let mut slices = Vec::new();
    let bands = ranked(chars);
    for face in FACES {
        for band in &bands {
            let own: Vec<char> = band
                .iter()
                .copied()
                .filter(|&c| has(face.file, c))
                .collect();
            cut(face.family, face.file, &own, &mut slices);
        }
    }
    for band in &bands {
        let rare = band
            .iter()
            .copied()
            .filter(|&c| FACES.iter().any(|f| !has(f.file, c)));
        let mut by_file: BTreeMap<usize, Vec<char>> = BTreeMap::new();
        for c in rare {
            if let Some(i) = RARE_FILES.iter().position(|f| has(f, c)) {
                by_file.entry(i).or_default().push(c);
            }
        }
        for (i, own) in by_file {
            cut(RARE, RARE_FILES[i], &own, &mut slices);
        }
    }
    slices
}

/// `U+4E00-4E02,U+4E08`: the slice's characters as a CSS `unicode-range`.
fn unicode_range(chars: &[char]) -> String {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for c in chars.iter().map(|&c| c as u32) {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == c => *end = c,
            _ => ranges.push((c, c)),
        }
    }
    let mut css = String::new();
    for (i, (start, end)) in ranges.into_iter().enumerate() {
        let sep = if i == 0 { "" } else { "," };
        match start == end {
            true => write!(css, "{sep}U+{start:X}"),
            false => write!(css, "{sep}U+{start:X}-{end:X}"),
        }
        .expect("writing to a String");
    }
    css
}

/// The `@font-face` rules of the slices, each with its file's name (in `fonts/`).
pub fn css(slices: &[(Slice, String)]) -> String {
    let mut css = String::from(
        "/* Made by gongwen: the web fonts, cut to the characters of this site and\n   \
         split so that a page fetches only the slices holding its own characters. */\n",
    );
    for (slice, name) in slices {
        let face = FACES.iter().find(|f| f.family == slice.family);
        let mut src: Vec<String> = face
            .map(|f| f.local.iter().map(|l| format!("local(\"{l}\")")).collect())
            .unwrap_or_default();
        src.push(format!("url(\"{DIR}/{name}\") format(\"woff2\")"));
        let weight = match face.is_some_and(|f| f.bold) {
            true => " font-weight: bold;",
            false => "",
        };
        writeln!(
            css,
            "@font-face {{ font-family: \"{}\"; src: {};{weight} font-display: swap; unicode-range: {}; }}",
            slice.family,
            src.join(", "),
            unicode_range(&slice.chars)
        )
        .expect("writing to a String");
    }
    css
}

#[cfg(test)]
mod tests;
