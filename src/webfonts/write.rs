//! Making the slices in `output/assets/fonts/`: only those not there yet
//! (a slice's name is the hash of what it is made of), in parallel; then
//! `fonts.css`, and the files no slice names any more are removed. A font
//! file (tens of MB) is read only to make a slice of it, or to learn which
//! of the site's characters it has when a character is new to the site.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{subset, Characters, Slice, CSS, DIR};
use crate::build::fingerprint::{Hash, Hasher};
use crate::output;

/// A font file the web fonts are cut from: one of `FACES` or `RARE_FILES`,
/// as found in the font folders, with its content hash.
pub struct Source {
    pub file: &'static str,
    pub path: PathBuf,
    pub hash: Hash,
}

/// Which of the sources have each character the site has used (bit `i`:
/// source `i`), for the sources whose names and hashes hash to `of`: the
/// build keeps it, so that an edit reads no font unless it brings a new
/// character.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    of: Option<Hash>,
    chars: BTreeMap<char, u16>,
}

impl Coverage {
    /// Learns which `sources` have the characters of `chars` not seen yet.
    fn learn(&mut self, sources: &[Source], chars: &Characters) -> Result<()> {
        let mut of = Hasher::new("coverage");
        for s in sources {
            of.part(s.file.as_bytes()).part(s.hash.as_bytes());
        }
        let of = Some(of.finish());
        if self.of != of {
            *self = Coverage {
                of,
                chars: BTreeMap::new(),
            };
        }
        let new: Vec<char> = (chars.keys())
            .filter(|c| !self.chars.contains_key(c))
            .copied()
            .collect();
        if new.is_empty() {
            return Ok(());
        }
        let covered: Vec<Vec<char>> = sources
            .par_iter()
            .map(|s| subset::covered(&read(s)?, new.iter().copied()))
            .collect::<Result<_>>()?;
        self.chars.extend(new.iter().map(|&c| (c, 0)));
        for (i, chars) in covered.into_iter().enumerate() {
            for c in chars {
                *self.chars.get_mut(&c).expect("learnt above") |= 1 << i;
            }
        }
        Ok(())
    }

    fn has(&self, source: usize, c: char) -> bool {
        self.chars
            .get(&c)
            .is_some_and(|bits| bits & (1 << source) != 0)
    }
}

/// Makes the web fonts of `chars` in `assets` from `sources` (at most 16),
/// and returns the files made or kept, relative to `assets`.
pub fn write(
    assets: &Path,
    sources: &[Source],
    chars: &Characters,
    coverage: &mut Coverage,
) -> Result<Vec<String>> {
    coverage.learn(sources, chars)?;
    let index = |file: &str| sources.iter().position(|s| s.file == file);
    let has = |file: &str, c: char| index(file).is_some_and(|i| coverage.has(i, c));
    let slices: Vec<(Slice, String)> = super::plan(chars, has)
        .into_iter()
        .map(|s| {
            let name = name(&s, &sources[index(s.file).expect("planned from sources")]);
            (s, name)
        })
        .collect();
    let dir = assets.join(DIR);
    let missing: Vec<&(Slice, String)> = (slices.iter())
        .filter(|(_, name)| !dir.join(name).is_file())
        .collect();
    make_slices(&dir, sources, &missing)?;
    output::write_if_changed(&assets.join(CSS), super::css(&slices).as_bytes())?;
    let made: BTreeSet<String> = slices.into_iter().map(|(_, name)| name).collect();
    remove_others(&dir, &made)?;
    Ok(made.into_iter().map(|n| format!("{DIR}/{n}")).collect())
}

/// Makes the `slices` in `dir`, reading each font they come from once.
fn make_slices(dir: &Path, sources: &[Source], slices: &[&(Slice, String)]) -> Result<()> {
    let needed: BTreeSet<&str> = slices.iter().map(|(s, _)| s.file).collect();
    let fonts: BTreeMap<&str, Vec<u8>> = (sources.par_iter())
        .filter(|s| needed.contains(s.file))
        .map(|s| Ok((s.file, read(s)?)))
        .collect::<Result<_>>()?;
    slices.par_iter().try_for_each(|(slice, name)| {
        let bytes = subset::woff2(&fonts[slice.file], &slice.chars)
            .with_context(|| format!("the web font {name} (from {})", slice.file))?;
        output::write_atomic(&dir.join(name), &bytes)
    })
}

fn read(source: &Source) -> Result<Vec<u8>> {
    std::fs::read(&source.path).with_context(|| format!("cannot read {}", source.path.display()))
}

/// The file of a slice: its font's name and the hash of the font's bytes and the characters.
fn name(slice: &Slice, source: &Source) -> String {
    let chars: String = slice.chars.iter().collect();
    let hash = Hasher::new("web font")
        .part(source.hash.as_bytes())
        .part(chars.as_bytes())
        .finish()
        .to_string();
    let stem = Path::new(slice.file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("font");
    format!("{stem}-{}.woff2", &hash[..16])
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
