//! Making the slices in `output/assets/fonts/`: only those not there yet
//! (a slice's name is the hash of what it is made of), in parallel; then
//! `fonts.css`, and the files no slice names any more are removed.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;

use super::{subset, Characters, Slice, CSS, DIR, FACES, RARE_FILES};
use crate::build::fingerprint::{self, Hasher};
use crate::output;

/// A font of the font folders, read, with what it covers of the site's characters.
struct Font {
    bytes: Vec<u8>,
    hash: fingerprint::Hash,
    covers: HashSet<char>,
}

/// Makes the web fonts of `chars` in `assets` from the fonts in
/// `font_dirs`, and returns the files made or kept, relative to `assets`.
pub fn write(assets: &Path, font_dirs: &[PathBuf], chars: &Characters) -> Result<Vec<String>> {
    let fonts = read_fonts(font_dirs, chars)?;
    let has = |file: &str, c: char| fonts.get(file).is_some_and(|f| f.covers.contains(&c));
    let slices: Vec<(Slice, String)> = super::plan(chars, has)
        .into_iter()
        .map(|s| {
            let name = name(&s, &fonts[s.file]);
            (s, name)
        })
        .collect();
    let dir = assets.join(DIR);
    slices
        .par_iter()
        .filter(|(_, name)| !dir.join(name).is_file())
        .map(|(slice, name)| {
            let font = &fonts[slice.file];
            let bytes = subset::woff2(&font.bytes, &slice.chars)
                .with_context(|| format!("the web font {name} (from {})", slice.file))?;
            output::write_atomic(&dir.join(name), &bytes)
        })
        .collect::<Result<()>>()?;
    output::write_if_changed(&assets.join(CSS), super::css(&slices).as_bytes())?;
    let made: BTreeSet<String> = slices.into_iter().map(|(_, name)| name).collect();
    remove_others(&dir, &made)?;
    Ok(made.into_iter().map(|n| format!("{DIR}/{n}")).collect())
}

/// The file of a slice: its font's name and the hash of the font's bytes and the characters.
fn name(slice: &Slice, font: &Font) -> String {
    let chars: String = slice.chars.iter().collect();
    let hash = Hasher::new("web font")
        .part(font.hash.as_bytes())
        .part(chars.as_bytes())
        .finish()
        .to_string();
    let stem = Path::new(slice.file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("font");
    format!("{stem}-{}.woff2", &hash[..16])
}

/// Each font the faces name, from the first font folder that has it; a
/// font found nowhere is left out (its family then falls back to the next).
fn read_fonts(font_dirs: &[PathBuf], chars: &Characters) -> Result<HashMap<&'static str, Font>> {
    let files = FACES
        .iter()
        .map(|f| f.file)
        .chain(RARE_FILES.iter().copied());
    let found: Vec<(&'static str, PathBuf)> = files
        .filter_map(|file| {
            let path = font_dirs
                .iter()
                .map(|d| d.join(file))
                .find(|p| p.is_file())?;
            Some((file, path))
        })
        .collect();
    found
        .into_par_iter()
        .map(|(file, path)| {
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let covers = subset::covered(&bytes, chars.keys().copied())
                .with_context(|| path.display().to_string())?
                .into_iter()
                .collect();
            let hash = fingerprint::bytes(&bytes);
            Ok((
                file,
                Font {
                    bytes,
                    hash,
                    covers,
                },
            ))
        })
        .collect()
}

/// Removes the files of `dir` that are not in `keep`: earlier slices, and
/// the whole OTF files older gongwens copied there.
fn remove_others(dir: &Path, keep: &BTreeSet<String>) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !keep.contains(&name) && entry.file_type().is_ok_and(|t| t.is_file()) {
            std::fs::remove_file(entry.path())
                .with_context(|| format!("cannot remove {}", entry.path().display()))?;
        }
    }
    Ok(())
}
