//! Two things the binary needs from the build machine:
//!
//! - the fonts of `fonts/` (and their licences), compressed with zstd into
//!   `$OUT_DIR` and embedded by `src/embedded.rs`, so that an installed
//!   gongwen lays out letters in a folder with no `fonts/` of its own. The
//!   source tree keeps the plain files. A debug build compresses fast (the
//!   tests rebuild often), a release build harder (a smaller download);
//! - on Linux with glibc, links with packed relative relocations (DT_RELR):
//!   the binary holds some 57,000 pointers that the loader fixes up at every
//!   start, and packed, `gongwen --version` takes about 3 ms instead of 8.
//!   Every `gongwen build` pays that start, a twentieth of a one-letter
//!   rebuild. Older linkers ignore the option with a warning; other systems
//!   do not get it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    println!("cargo:rerun-if-changed=build.rs");
    embed_fonts();
}

/// Writes `$OUT_DIR/embedded_fonts.rs`: each file as (path under `fonts/`,
/// its zstd bytes, its length), and a hash of them all that names their
/// folder in the user's cache.
fn embed_fonts() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let fonts = manifest.join("fonts");
    println!("cargo:rerun-if-changed={}", fonts.display());
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap()).join("fonts");
    std::fs::create_dir_all(&out).unwrap();
    let level = if std::env::var("PROFILE").as_deref() == Ok("release") {
        // Level 19 saves 3 MB more of 51 and takes ten times as long.
        12
    } else {
        1
    };
    let mut files: Vec<PathBuf> = walk(&fonts)
        .into_iter()
        .filter(|p| is_embedded(p))
        .collect();
    files.sort();
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut table = String::from("&[\n");
    for (i, file) in files.iter().enumerate() {
        let name = file
            .strip_prefix(&fonts)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let data = std::fs::read(file).unwrap();
        hasher.update(name.as_bytes());
        hasher.update(&(data.len() as u64).to_le_bytes());
        hasher.update(&data);
        let packed_path = out.join(format!("{i}.zst"));
        let packed = zstd::bulk::compress(&data, level).unwrap();
        std::fs::write(&packed_path, packed).unwrap();
        writeln!(
            table,
            "    EmbeddedFile {{ path: {name:?}, packed: include_bytes!({:?}), len: {} }},",
            packed_path.to_string_lossy(),
            data.len()
        )
        .unwrap();
    }
    table.push(']');
    let code = format!(
        "/// The files of gongwen's `fonts/` at build time: a static, not a\n\
         /// const, so that the 50 MB are in the binary once, not once per use.\n\
         pub static FONT_FILES: &[EmbeddedFile] = {table};\n\
         /// A hash of their names and contents.\n\
         pub const FONTS_HASH: &str = \"{:016x}\";\n",
        hasher.digest()
    );
    std::fs::write(
        PathBuf::from(std::env::var_os("OUT_DIR").unwrap()).join("embedded_fonts.rs"),
        code,
    )
    .unwrap();
}

/// The fonts, and the texts that must travel with them (licences, the README).
fn is_embedded(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    matches!(
        ext.as_deref(),
        Some("otf" | "ttf" | "ttc" | "otc" | "txt" | "md")
    )
}

/// Every file under `dir`, following no links (a build script keeps its own
/// dependencies few: walkdir would be one more).
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => found.extend(walk(&path)),
            Ok(t) if t.is_file() => found.push(path),
            _ => {}
        }
    }
    found
}
