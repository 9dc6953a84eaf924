//! Which font prints each character of a letter. Typst falls back along a
//! face's font list one character at a time, and prints an empty box where no
//! font has it; this module reads the fonts' character maps to tell the author
//! beforehand: a character the preferred face lacks, printed in a fallback
//! face, or printed in none.

use std::collections::BTreeMap;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::{FileRef, TableProvider};
use skrifa::Tag;
use skrifa::{string::StringId, MetadataProvider};
use walkdir::WalkDir;

use charset::CharSet;

mod charset;
mod letter;

pub use letter::{check_attachment, check_config, check_letter, warnings_for_built, GlyphWarning};

/// The faces of the layout. Their font lists mirror `FONTS` in
/// `templates/gongwen.typ` (a test holds the two together): the licensed
/// official faces, the Fandol face, then the fallbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    /// 小标宋: the title and the 发文机关标志.
    Title,
    /// 仿宋: the body and most elements.
    Body,
    /// 黑体: first-level headings, table headers, 密级, 紧急程度.
    Hei,
    /// 楷体: second-level headings, emphasis, quotes, 签发人.
    Kai,
    /// 宋体: page numbers.
    Song,
}

const SERIF_FALLBACK: &[&str] = &["Noto Serif CJK SC", "HanaMinB", "BabelStone Han"];
const SANS_FALLBACK: &[&str] = &["Noto Sans CJK SC", "HanaMinB", "BabelStone Han"];

impl Face {
    pub const ALL: [Face; 5] = [Face::Title, Face::Body, Face::Hei, Face::Kai, Face::Song];

    /// The key of the face in the layout's `FONTS`.
    pub fn key(self) -> &'static str {
        match self {
            Face::Title => "xbs",
            Face::Body => "fang",
            Face::Hei => "hei",
            Face::Kai => "kai",
            Face::Song => "song",
        }
    }

    /// The official faces (any one of their names) and the Fandol face.
    pub fn preferred(self) -> &'static [&'static str] {
        match self {
            Face::Title => &["FZXiaoBiaoSong-B05S", "方正小标宋简体", "FandolSong"],
            Face::Body => &["FangSong_GB2312", "仿宋_GB2312", "FandolFang R"],
            Face::Hei => &["SimHei", "黑体", "FandolHei"],
            Face::Kai => &["KaiTi_GB2312", "楷体_GB2312", "FandolKai"],
            Face::Song => &["SimSun", "宋体", "FandolSong"],
        }
    }

    pub fn fallback(self) -> &'static [&'static str] {
        match self {
            Face::Hei => SANS_FALLBACK,
            _ => SERIF_FALLBACK,
        }
    }

    fn families(self) -> impl Iterator<Item = &'static str> {
        self.preferred().iter().chain(self.fallback()).copied()
    }
}

/// The characters one font file maps, as sorted, disjoint ranges.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Coverage {
    /// Family names in every language the font gives, lower-cased.
    families: Vec<String>,
    ranges: Vec<(u32, u32)>,
    /// The advances, in em, of the [`narrow`] characters it maps, by character.
    advances: Vec<(u32, f32)>,
    /// Its PostScript name, as a PDF names the face.
    postscript_name: Option<String>,
    /// Whether a character may be printed with another glyph than the one its
    /// character map gives: the font has glyph substitutions (GSUB, or AAT's
    /// morx) or variations (fvar).
    substitutes: bool,
    /// The file's path, size and time, and the face's place in it: this face
    /// as it is now (not kept in the cache, which is keyed by it).
    #[serde(skip)]
    identity: u128,
}

impl Coverage {
    fn has(&self, c: char) -> bool {
        let c = c as u32;
        let i = self.ranges.partition_point(|&(_, hi)| hi < c);
        self.ranges.get(i).is_some_and(|&(lo, _)| lo <= c)
    }

    fn advance(&self, c: char) -> Option<f32> {
        let i = (self.advances).binary_search_by_key(&(c as u32), |&(c, _)| c);
        i.ok().map(|i| self.advances[i].1)
    }
}

/// gongwen's own fonts (Fandol first), read once, for the tests.
#[cfg(test)]
pub fn repo_fonts() -> &'static FontBook {
    static FONTS: std::sync::OnceLock<FontBook> = std::sync::OnceLock::new();
    FONTS.get_or_init(|| FontBook::load(&[Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts")]))
}

/// Latin letters, digits and general punctuation: the characters whose
/// advance differs from face to face (a Chinese character or a full-width
/// mark is one em in every face), so that gongwen knows their widths.
pub fn narrow(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{2000}'..='\u{206F}')
}

/// The fonts Typst can use, and each face's list of the families present.
#[derive(Debug, Default)]
pub struct FontBook {
    fonts: Vec<Coverage>,
    /// By face, in `Face::ALL` order: each family present, with its fonts (indices into `fonts`).
    stacks: Vec<Vec<(&'static str, Vec<usize>)>>,
    /// By face: the characters its first family present maps, which are
    /// nearly all a letter has.
    preferred: Vec<CharSet>,
}

/// Where a character is printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Printed {
    /// In the first face of the list that is present: nothing to say.
    Preferred,
    /// In a later face.
    Fallback { preferred: String, used: String },
    /// In none: an empty box.
    Missing { preferred: String },
}

impl FontBook {
    /// Reads the character maps of the fonts under `dirs`; a map read once is
    /// kept in the user's cache by path, size and time, since the fonts are
    /// tens of MB and a build should not read them all again.
    pub fn load(dirs: &[PathBuf]) -> FontBook {
        let mut cache = CoverageCache::open();
        let fonts = dirs
            .iter()
            .flat_map(|d| WalkDir::new(d).sort_by_file_name())
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file() && is_font_file(e.path()))
            .flat_map(|e| cache.coverage(e.path()))
            .collect();
        cache.save();
        FontBook::new(fonts)
    }

    fn new(fonts: Vec<Coverage>) -> FontBook {
        let stacks = Face::ALL
            .iter()
            .map(|face| {
                face.families()
                    .map(|name| {
                        let name_lower = name.to_lowercase();
                        let files: Vec<usize> = (0..fonts.len())
                            .filter(|&i| fonts[i].families.contains(&name_lower))
                            .collect();
                        (name, files)
                    })
                    .filter(|(_, files)| !files.is_empty())
                    .collect()
            })
            .collect::<Vec<Vec<(&str, Vec<usize>)>>>();
        let preferred = (stacks.iter())
            .map(|stack| {
                let mut set = CharSet::default();
                let first = stack.first().map_or(&[][..], |(_, files)| &files[..]);
                for &(lo, hi) in first.iter().flat_map(|&i| &fonts[i].ranges) {
                    set.add_range(lo, hi);
                }
                set
            })
            .collect();
        FontBook {
            fonts,
            stacks,
            preferred,
        }
    }

    /// The advance, in em, of a [`narrow`] character of `face`, as the font
    /// that prints it gives it (none when no font has it).
    pub fn advance(&self, face: Face, c: char) -> Option<f32> {
        let (_, files) = self.printing(face, c)?;
        (files.iter()).find_map(|&i| self.fonts[i].advance(c))
    }

    /// The families of `face` present, in the layout's order.
    fn present(&self, face: Face) -> &[(&'static str, Vec<usize>)] {
        let index = Face::ALL.iter().position(|&f| f == face);
        index
            .and_then(|i| self.stacks.get(i))
            .map_or(&[], |s| s.as_slice())
    }

    /// The family of `face` that prints `c`, with its fonts: the first present that has it.
    fn printing(&self, face: Face, c: char) -> Option<&(&'static str, Vec<usize>)> {
        (self.present(face).iter()).find(|(_, files)| files.iter().any(|&i| self.fonts[i].has(c)))
    }

    /// The faces whose glyphs the pictures know by the characters they print.
    pub fn picture_faces(&self) -> crate::thumbnail::Faces {
        crate::thumbnail::Faces::new(self.fonts.iter().filter_map(|font| {
            let name = font.postscript_name.clone()?;
            Some((name, (!font.substitutes).then_some(font.identity)))
        }))
    }

    /// The face a character of `face` is printed in.
    pub fn printed(&self, face: Face, c: char) -> Printed {
        let index = Face::ALL.iter().position(|&f| f == face);
        if index
            .and_then(|i| self.preferred.get(i))
            .is_some_and(|set| set.has(c))
        {
            return Printed::Preferred;
        }
        let preferred = (self.present(face).first())
            .map_or(face.preferred()[face.preferred().len() - 1], |(name, _)| {
                *name
            });
        let used = self.printing(face, c).map(|(name, _)| *name);
        match used {
            Some(used) if used == preferred => Printed::Preferred,
            Some(used) => Printed::Fallback {
                preferred: preferred.to_string(),
                used: used.to_string(),
            },
            None => Printed::Missing {
                preferred: preferred.to_string(),
            },
        }
    }
}

fn is_font_file(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "otf" | "ttf" | "ttc" | "otc"
        )
    })
}

/// Every face of a font file (a collection holds several); none when it cannot be read as a font.
fn read_coverage(data: &[u8]) -> Vec<Coverage> {
    let Ok(file) = FileRef::new(data) else {
        return Vec::new();
    };
    file.fonts()
        .filter_map(Result::ok)
        .map(|font| {
            let mut families: Vec<String> =
                [StringId::TYPOGRAPHIC_FAMILY_NAME, StringId::FAMILY_NAME]
                    .into_iter()
                    .flat_map(|id| {
                        font.localized_strings(id)
                            .map(|s| s.to_string().to_lowercase())
                    })
                    .collect();
            families.dedup();
            let mut ranges: Vec<(u32, u32)> = Vec::new();
            let mut codes: Vec<u32> = font.charmap().mappings().map(|(c, _)| c).collect();
            codes.sort_unstable();
            for c in codes {
                match ranges.last_mut() {
                    Some((_, hi)) if *hi + 1 >= c => *hi = c.max(*hi),
                    _ => ranges.push((c, c)),
                }
            }
            // A glyph mapped in the cmap but with no outline table is no glyph.
            let has_outlines = font.glyf().is_ok() || font.cff().is_ok() || font.cff2().is_ok();
            if !has_outlines {
                ranges.clear();
            }
            Coverage {
                families,
                ranges,
                advances: narrow_advances(&font),
                postscript_name: font
                    .localized_strings(StringId::POSTSCRIPT_NAME)
                    .english_or_first()
                    .map(|s| s.to_string()),
                substitutes: font.gsub().is_ok()
                    || font.fvar().is_ok()
                    || font.table_data(Tag::new(b"morx")).is_some(),
                identity: 0,
            }
        })
        .collect()
}

/// The advances of the [`narrow`] characters a font maps, sorted by character.
fn narrow_advances(font: &skrifa::FontRef) -> Vec<(u32, f32)> {
    let upem = font.head().map_or(1000, |h| h.units_per_em()).max(1) as f32;
    let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
    let mut advances: Vec<(u32, f32)> = (font.charmap().mappings())
        .filter(|&(c, _)| char::from_u32(c).is_some_and(narrow))
        .filter_map(|(c, glyph)| Some((c, metrics.advance_width(glyph)? / upem)))
        .collect();
    advances.sort_by_key(|&(c, _)| c);
    advances
}

/// The character maps (and advances) read before, in
/// `~/.cache/gongwen/font-coverage-3`. (Its name changes with its layout:
/// postcard data is not self-describing, an older file could read as garbage.)
struct CoverageCache {
    path: Option<PathBuf>,
    before: BTreeMap<String, Vec<Coverage>>,
    now: BTreeMap<String, Vec<Coverage>>,
}

impl CoverageCache {
    fn open() -> CoverageCache {
        let path = dirs::cache_dir().map(|d| d.join("gongwen").join("font-coverage-3"));
        let before = path
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|b| postcard::from_bytes(&b).ok())
            .unwrap_or_default();
        CoverageCache {
            path,
            before,
            now: BTreeMap::new(),
        }
    }

    /// The key of a font file as it is now: its path, size and time; none
    /// when it has no time to trust.
    fn key(path: &Path) -> Option<String> {
        let meta = std::fs::metadata(path).ok()?;
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .filter(|&ns| ns > 0)?;
        let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        Some(format!(
            "{}\0{}\0{modified}",
            absolute.display(),
            meta.len()
        ))
    }

    fn coverage(&mut self, path: &Path) -> Vec<Coverage> {
        let key = CoverageCache::key(path);
        let coverage = match key.as_ref().and_then(|k| self.before.get(k)) {
            Some(known) => known.clone(),
            None => std::fs::read(path)
                .map(|data| read_coverage(&data))
                .unwrap_or_default(),
        };
        if let Some(key) = &key {
            self.now.insert(key.clone(), coverage.clone());
        }
        // (A file without a time to trust is read anew each build: its path is enough.)
        let file = key.unwrap_or_else(|| path.display().to_string());
        (coverage.into_iter().enumerate())
            .map(|(i, mut face)| {
                face.identity = xxhash_rust::xxh3::xxh3_128(format!("{file}\0{i}").as_bytes());
                face
            })
            .collect()
    }

    /// Keeps the maps of other projects' fonts that are still as they were
    /// (not those of deleted clones), and writes only when something new was read.
    fn save(mut self) {
        let Some(path) = &self.path else { return };
        if self.now.keys().all(|k| self.before.contains_key(k)) {
            return;
        }
        self.before.retain(|key, _| {
            let file = key.split('\0').next().unwrap_or_default();
            CoverageCache::key(Path::new(file)).as_deref() == Some(key.as_str())
        });
        self.before.append(&mut self.now);
        if let (Some(dir), Ok(bytes)) = (path.parent(), postcard::to_stdvec(&self.before)) {
            // A cache that cannot be written only costs the next build a read of the fonts.
            let _ = std::fs::create_dir_all(dir);
            let _ = crate::output::write_atomic(path, &bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::letter::{body_characters, printed_strings};
    use super::*;
    use crate::lint::Document;
    use serde_yaml::Value;

    fn font(family: &str, ranges: &[(u32, u32)]) -> Coverage {
        Coverage {
            families: vec![family.to_lowercase()],
            ranges: ranges.to_vec(),
            advances: Vec::new(),
            postscript_name: None,
            substitutes: false,
            identity: 0,
        }
    }

    /// The Fandol faces with ASCII, CJK punctuation and every ideograph but
    /// 喆 (U+5586) and those from 龑 (U+9F91) on; a fallback with 喆; nothing for emoji.
    fn fonts() -> Vec<Coverage> {
        let fandol = [
            (0x20, 0x7e),
            (0x3000, 0x303f),
            (0x4e00, 0x5585),
            (0x5587, 0x9f90),
            (0xff00, 0xffef),
        ];
        vec![
            font("FandolFang R", &fandol),
            font("FandolSong", &fandol),
            font("FandolKai", &fandol),
            font("Noto Serif CJK SC", &[(0x5586, 0x5586)]),
        ]
    }

    fn book() -> FontBook {
        FontBook::new(fonts())
    }

    fn shown(text: &str) -> Vec<String> {
        let file = Path::new("letters/a.md");
        check_letter(&book(), file, text)
            .iter()
            .map(|w| w.diagnostic(file).to_string())
            .collect()
    }

    #[test]
    fn a_character_the_face_lacks_is_named_once_with_line_face_and_fallback() {
        let text = "---\ntitle: 关于宁吉喆的函\ncc:\n  - 甲\n  - 😀乙\n---\n\n宁吉喆同志，宁吉喆。\n\n刘龑 😀\n";
        assert_eq!(
            shown(text),
            vec![
                "warning: letters/a.md:2: `title` (标题): 喆 (U+5586) is not in FandolSong; printed in Noto Serif CJK SC",
                "warning: letters/a.md:5: `cc` (抄送机关): 😀 (U+1F600) is not in FandolFang R and no font in \
                 fonts/ has it; it prints as an empty box\n  help: write it another way, or add a font that has it to fonts/",
                "warning: letters/a.md:10: 龑 (U+9F91) is not in FandolFang R and no font in \
                 fonts/ has it; it prints as an empty box\n  help: write it another way, or add a font that has it to fonts/",
            ]
        );
    }

    #[test]
    fn a_character_is_named_where_its_face_lacks_it_even_when_another_face_printed_it_before() {
        let mut fonts = fonts();
        fonts.push(font("FandolHei", &[(0x20, 0x7e), (0x5586, 0x5586)]));
        let book = FontBook::new(fonts);
        let file = Path::new("a.md");
        let text = "---\ntitle: x\n---\n\n喆吉\n\n# 喆吉\n";
        let shown: Vec<String> = check_letter(&book, file, text)
            .iter()
            .map(|w| w.diagnostic(file).to_string())
            .collect();
        assert_eq!(
            shown,
            vec![
                "warning: a.md:5: 喆 (U+5586) is not in FandolFang R; printed in Noto Serif CJK SC",
                "warning: a.md:7: 吉 (U+5409) is not in FandolHei and no font in fonts/ has it; \
                 it prints as an empty box\n  help: write it another way, or add a font that has it to fonts/",
            ]
        );
    }

    #[test]
    fn the_office_defaults_are_checked_in_gongwen_yaml() {
        let file = Path::new("gongwen.yaml");
        let text = "site_title: 喆\nissuer: 某喆局\nprinter:\n  - 某局\n  - 某喆办\n";
        let shown: Vec<String> = check_config(&book(), text)
            .iter()
            .map(|w| w.diagnostic(file).to_string())
            .collect();
        assert_eq!(
            shown,
            vec!["warning: gongwen.yaml:2: `issuer` (发文机关署名): 喆 (U+5586) is not in FandolFang R; printed in Noto Serif CJK SC"]
        );
    }

    #[test]
    fn the_licensed_face_is_named_when_present() {
        let mut fonts = fonts();
        fonts.push(font("仿宋_GB2312", &[(0x20, 0x7e), (0x5b81, 0x5b81)]));
        let book = FontBook::new(fonts);
        assert_eq!(
            book.printed(Face::Body, '吉'),
            Printed::Fallback {
                preferred: "仿宋_GB2312".into(),
                used: "FandolFang R".into()
            }
        );
        assert_eq!(book.printed(Face::Body, '宁'), Printed::Preferred);
    }

    #[test]
    fn headings_quotes_and_table_heads_are_checked_in_their_faces() {
        let doc_text = "---\ntitle: x\n---\n# 喆\n\n## 喆\n\n> 喆\n\n|喆|\n|-|\n|喆|\n\n*喆* 喆 ![喆](a.png)\n";
        let doc = Document::parse(Path::new("a.md"), doc_text).unwrap();
        let faces: Vec<(usize, Face)> = body_characters(&doc, doc.body_start)
            .iter()
            .filter(|p| p.character == '喆')
            .map(|p| (p.line, p.face))
            .collect();
        assert_eq!(
            faces,
            vec![
                (4, Face::Hei),
                (6, Face::Kai),
                (8, Face::Kai),
                (10, Face::Hei),
                (12, Face::Body),
                (14, Face::Kai),
                (14, Face::Body),
            ]
        );
    }

    #[test]
    fn raw_html_is_checked_as_the_pdf_prints_it() {
        let doc_text = "---\ntitle: x\n---\n<div>喆</div>\n\n<script>龑</script>\n\n前<span title=\"燊\">犇</span>\n";
        let doc = Document::parse(Path::new("a.md"), doc_text).unwrap();
        let found: Vec<(usize, char)> = body_characters(&doc, doc.body_start)
            .iter()
            .filter(|p| !p.character.is_ascii())
            .map(|p| (p.line, p.character))
            .collect();
        assert_eq!(found, vec![(4, '喆'), (8, '前'), (8, '犇')]);
    }

    #[test]
    fn an_attachment_file_path_is_not_printed_text() {
        let mut out = String::new();
        let v: Value = serde_yaml::from_str("[{name: 表喆, file: _a/喆.md}]").unwrap();
        printed_strings(&v, &mut out);
        assert_eq!(out, "表喆");
    }

    #[test]
    fn the_pictures_know_glyphs_by_character_only_in_faces_that_print_one_glyph_a_character() {
        let faces = FontBook::load(&[PathBuf::from("fonts")]).picture_faces();
        assert!(faces.has("FandolFang-Regular") && faces.has("FandolSong-Bold"));
        // Noto's faces substitute glyphs (locl, ccmp, vert…).
        assert!(!faces.has("NotoSerifCJKsc-Regular") && !faces.has("NotoSansCJKsc-Regular"));
    }

    #[test]
    fn coverage_ranges_answer_membership() {
        let f = font("x", &[(0x41, 0x43), (0x4e00, 0x4e00)]);
        assert!(f.has('A') && f.has('C') && f.has('一'));
        assert!(!f.has('D') && !f.has('@') && !f.has('丁'));
    }

    /// The font lists here and in the layout are the same, in the same order.
    #[test]
    fn face_lists_match_the_layout() {
        let layout = include_str!("../../templates/gongwen.typ");
        for face in Face::ALL {
            let key = format!("  {}: ", face.key());
            let line = layout
                .lines()
                .find(|l| l.starts_with(&key))
                .unwrap_or_else(|| panic!("no `{key}` in FONTS"));
            let quoted: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
            let preferred: Vec<&str> = face.preferred().to_vec();
            assert_eq!(quoted, preferred, "{line}");
            let list = if face == Face::Hei { "SANS" } else { "SERIF" };
            assert!(line.contains(&format!("FALLBACK-{list}")), "{line}");
        }
        let fallback = |name: &str| -> Vec<&str> {
            let line = layout
                .lines()
                .find(|l| l.starts_with(&format!("#let FALLBACK-{name} = ")))
                .unwrap();
            line.split('"').skip(1).step_by(2).collect()
        };
        assert_eq!(fallback("SERIF"), SERIF_FALLBACK);
        assert_eq!(fallback("SANS"), SANS_FALLBACK);
    }

    /// gongwen's own fonts: Fandol first, each fallback for what it lacks.
    #[test]
    fn the_bundled_fonts_print_the_names_of_the_issue() {
        let book = FontBook::load(&[Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts")]);
        let fallback = |preferred: &str, used: &str| Printed::Fallback {
            preferred: preferred.into(),
            used: used.into(),
        };
        assert_eq!(book.printed(Face::Body, '吉'), Printed::Preferred);
        assert_eq!(book.printed(Face::Hei, '吉'), Printed::Preferred);
        assert_eq!(
            book.printed(Face::Body, '喆'),
            fallback("FandolFang R", "Noto Serif CJK SC")
        );
        assert_eq!(
            book.printed(Face::Hei, '龑'),
            fallback("FandolHei", "Noto Sans CJK SC")
        );
        assert_eq!(
            book.printed(Face::Kai, '䶮'),
            fallback("FandolKai", "Noto Serif CJK SC")
        );
        assert_eq!(
            book.printed(Face::Title, '𠮷'),
            fallback("FandolSong", "HanaMinB")
        );
        assert_eq!(
            book.printed(Face::Song, '\u{9FFF}'),
            fallback("FandolSong", "BabelStone Han")
        );
        assert_eq!(
            book.printed(Face::Body, '😀'),
            Printed::Missing {
                preferred: "FandolFang R".into()
            }
        );
    }
}
