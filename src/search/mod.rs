//! The site's search index, split so that a query fetches a small part of
//! it: `assets/search/` holds an inverted index by character bigram, cut
//! into shards by the bigram's hash, and the letters' titles and texts in
//! small numbered files. `assets/search.js` fetches the shards of the
//! query's bigrams, intersects them, then fetches the titles and texts of
//! the letters it shows. Chinese has no spaces between words, so bigrams
//! find a word of any length without a dictionary: 生态补偿 is 生态, 态补
//! and 补偿, and a letter that has all three is checked for the whole
//! phrase when its text arrives.
//!
//! Files, relative to `output/`:
//! - `assets/search/index.json`: how the rest is cut (read first);
//! - `assets/search/bigrams/<shard>.json`: `{"耕地": [ids…]}`, each list of
//!   letter numbers (0 is the newest letter) written as the differences
//!   between one number and the one before, which keeps them short;
//! - `assets/search/meta/<k>.json`: `[[page, title, 发文字号, date, 主送], …]` of
//!   letters `k × META_CHUNK` onwards;
//! - `assets/search/text/<k>.json`: the plain texts of letters `k × TEXT_CHUNK` onwards.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use xxhash_rust::xxh3::xxh3_64;

use crate::index::Entry;
use crate::output;

mod update;

pub const DIR: &str = "assets/search";
/// Letters to a file of titles: a page of results needs one or two of them.
pub const META_CHUNK: usize = 100;
/// Letters to a file of texts: a result's snippet fetches the texts of its
/// neighbours too, so these files stay small.
pub const TEXT_CHUNK: usize = 10;
/// About this many bytes of postings to a shard: a query of a few words
/// fetches a few shards.
const SHARD_BYTES: usize = 48 * 1024;
/// Bytes of documents whose postings come to about `SHARD_BYTES`: a letter's
/// bigrams, written as postings, take about three fifths of its document's
/// bytes (2.9 MB of postings for 4.7 MB of documents, letters of the
/// sample's shape).
const POSTING_BYTES_PER_SHARD: usize = SHARD_BYTES * 5 / 3;

/// One letter's document as `index::entry` wrote it.
#[derive(Deserialize)]
struct Doc {
    u: String,
    t: String,
    n: String,
    d: String,
    o: String,
    x: String,
}

/// `assets/search/index.json`.
#[derive(Serialize)]
struct Manifest {
    /// The number of bigram shards, a power of two.
    shards: u32,
    meta: usize,
    text: usize,
    letters: usize,
}

/// What the search index in `output/` was made of: the next build changes
/// only the files of the letters whose documents changed, when no letter
/// came, went or moved (see [`update`]).
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Made {
    shards: u32,
    /// Each letter's document, hashed, in the index's order (0 the newest).
    docs: Vec<u64>,
}

/// The files of the search index of `docs` (newest first): path relative to
/// `output/`, and bytes.
pub fn files(docs: &[&Entry]) -> Result<Vec<(String, Vec<u8>)>> {
    let shards = shard_count(docs);
    let docs = parse(docs)?;
    let mut files = vec![manifest(shards, docs.len())];
    files.extend(shard_files(&postings(&docs), shards));
    for (k, chunk) in docs.chunks(META_CHUNK).enumerate() {
        files.push(meta_file(k, chunk));
    }
    for (k, chunk) in docs.chunks(TEXT_CHUNK).enumerate() {
        files.push(text_file(k, chunk));
    }
    Ok(files)
}

/// Writes the search index of `docs` into `out`: where `made` shows an index
/// of the same letters in the same order, only the files of those whose
/// documents changed; otherwise the whole, leaving files whose bytes are the
/// same untouched and removing the files of a larger index made before.
pub fn write(
    out: &Path,
    docs: &[&Entry],
    made: &mut Option<Made>,
    writes: &output::Writes,
) -> Result<()> {
    let now = Made {
        shards: shard_count(docs),
        docs: docs.par_iter().map(|e| xxh3_64(&e.search)).collect(),
    };
    // An index without its manifest lost files since it was made (the
    // manifest is read first by every query): it is made whole, not patched.
    let whole = out.join(DIR).join("index.json").is_file();
    let updated = (made.as_ref().filter(|_| whole))
        .and_then(|before| update::changed_letters(before, &now))
        .and_then(|changed| update::apply(out, docs, &changed, now.shards).ok());
    match updated {
        Some(files) => {
            for (path, bytes) in &files {
                writes.write_if_changed(&out.join(path), bytes)?;
            }
        }
        None => write_whole(out, docs, writes)?,
    }
    *made = Some(now);
    Ok(())
}

fn write_whole(out: &Path, docs: &[&Entry], writes: &output::Writes) -> Result<()> {
    let files = files(docs)?;
    let written: HashSet<PathBuf> = files.iter().map(|(p, _)| out.join(p)).collect();
    for (path, bytes) in &files {
        writes.write_if_changed(&out.join(path), bytes)?;
    }
    for entry in walkdir::WalkDir::new(out.join(DIR)).into_iter().flatten() {
        let path = entry.path();
        if entry.file_type().is_file() && !written.contains(path) {
            writes.remove_file(path)?;
        }
    }
    Ok(())
}

fn parse(docs: &[&Entry]) -> Result<Vec<Doc>> {
    docs.iter()
        .map(|e| serde_json::from_slice(&e.search))
        .collect::<serde_json::Result<_>>()
        .context("the build state holds a damaged search document")
}

/// Each bigram of the documents with the letters that hold it, in order.
fn postings(docs: &[Doc]) -> HashMap<(char, char), Vec<u32>> {
    // Keyed by the pair of characters, made a string only once per distinct
    // bigram: an archive's letters hold millions of bigrams, few distinct.
    let each: Vec<HashSet<(char, char)>> = docs
        .par_iter()
        .map(|doc| bigrams(&searched_text(doc)))
        .collect();
    let mut pairs: HashMap<(char, char), Vec<u32>> = HashMap::new();
    for (id, doc_pairs) in each.into_iter().enumerate() {
        for pair in doc_pairs {
            pairs.entry(pair).or_default().push(id as u32);
        }
    }
    pairs
}

fn manifest(shards: u32, letters: usize) -> (String, Vec<u8>) {
    let manifest = Manifest {
        shards,
        meta: META_CHUNK,
        text: TEXT_CHUNK,
        letters,
    };
    (format!("{DIR}/index.json"), json(&manifest))
}

/// The postings cut into `shards` files by the bigram's hash.
fn shard_files(
    postings: &HashMap<(char, char), Vec<u32>>,
    shards: u32,
) -> impl Iterator<Item = (String, Vec<u8>)> {
    let mut cut: Vec<Shard> = vec![Shard::new(); shards as usize];
    for (&(a, b), ids) in postings {
        let bigram = String::from_iter([a, b]);
        cut[shard_of(&bigram, shards)].insert(bigram, differences(ids));
    }
    (cut.into_iter().enumerate()).map(|(k, shard)| (shard_path(k), json(&shard)))
}

/// One bigram file: each bigram with its letters' numbers as differences.
type Shard = BTreeMap<String, Vec<u32>>;

fn shard_of(bigram: &str, shards: u32) -> usize {
    (hash(bigram) % shards) as usize
}

fn shard_path(k: usize) -> String {
    format!("{DIR}/bigrams/{k}.json")
}

fn meta_path(k: usize) -> String {
    format!("{DIR}/meta/{k}.json")
}

fn text_path(k: usize) -> String {
    format!("{DIR}/text/{k}.json")
}

/// The titles' file `k`, of the letters `chunk` (`k × META_CHUNK` onwards).
fn meta_file(k: usize, chunk: &[Doc]) -> (String, Vec<u8>) {
    let meta: Vec<[&str; 5]> = chunk
        .iter()
        .map(|d| [&*d.u, &*d.t, &*d.n, &*d.d, &*d.o])
        .collect();
    (meta_path(k), json(&meta))
}

/// The texts' file `k`, of the letters `chunk` (`k × TEXT_CHUNK` onwards).
fn text_file(k: usize, chunk: &[Doc]) -> (String, Vec<u8>) {
    let text: Vec<&str> = chunk.iter().map(|d| &*d.x).collect();
    (text_path(k), json(&text))
}

/// What a query is matched against, as search.js folds it.
fn searched_text(d: &Doc) -> String {
    fold(&[&*d.t, &d.n, &d.o, &d.d, &d.x].join("\n"))
}

/// Full-width letters and digits (ｅ, ２０２２) as ASCII, and lower case:
/// the same folding as search.js's `fold`.
pub fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The distinct pairs of neighbouring characters of `text`, leaving out
/// those with a space or line break: a query's words never hold one.
pub fn bigrams(text: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(2)
        .filter(|w| !w[0].is_whitespace() && !w[1].is_whitespace())
        .map(|w| (w[0], w[1]))
        .collect()
}

/// FNV-1a over the UTF-16 code units, which search.js computes the same way
/// with `charCodeAt` (a one-line hash rather than a crate, so the two agree).
pub fn hash(bigram: &str) -> u32 {
    bigram.encode_utf16().fold(0x811c_9dc5u32, |h, unit| {
        (h ^ unit as u32).wrapping_mul(0x0100_0193)
    })
}

/// Enough shards (a power of two) for about `SHARD_BYTES` of postings
/// each, reckoned from the documents' size: an edit that keeps a letter's
/// size about the same keeps the shards, so only its own bigrams move.
fn shard_count(docs: &[&Entry]) -> u32 {
    let bytes: usize = docs.iter().map(|e| e.search.len()).sum();
    (bytes / POSTING_BYTES_PER_SHARD).max(1).next_power_of_two() as u32
}

/// `[3, 5, 9]` as `[3, 2, 4]`.
fn differences(ids: &[u32]) -> Vec<u32> {
    let mut last = 0;
    ids.iter()
        .map(|&id| {
            let d = id - last;
            last = id;
            d
        })
        .collect()
}

fn json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("search data serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(u: &str, t: &str, x: &str) -> Entry {
        Entry {
            listing: b"{}".to_vec(),
            search: serde_json::to_vec(&serde_json::json!({
                "u": u, "t": t, "n": "宁自然资函〔2022〕70号", "d": "2022年6月13日", "o": "财政厅", "x": x
            }))
            .unwrap(),
        }
    }

    fn file(files: &[(String, Vec<u8>)], path: &str) -> serde_json::Value {
        let (_, bytes) = files.iter().find(|(p, _)| p == path).unwrap();
        serde_json::from_slice(bytes).unwrap()
    }

    #[test]
    fn each_bigram_lists_its_letters_in_its_shard() {
        let a = entry("2022/a.html", "关于耕地的函", "保护耕地。");
        let b = entry("2021/b.html", "关于生态补偿的函", "以生态补偿助推，耕地");
        let files = files(&[&a, &b]).unwrap();
        let manifest = file(&files, "assets/search/index.json");
        assert_eq!(manifest["letters"], 2);
        let shards = manifest["shards"].as_u64().unwrap() as u32;
        assert_eq!(shards, 1, "two letters need no more than one shard");
        let shard = |b: &str| {
            file(
                &files,
                &format!("assets/search/bigrams/{}.json", hash(b) % shards),
            )
        };
        assert_eq!(shard("耕地")["耕地"], serde_json::json!([0, 1]));
        assert_eq!(shard("补偿")["补偿"], serde_json::json!([1]));
        assert_eq!(
            shard("70")["70"],
            serde_json::json!([0, 1]),
            "the 发文字号 is searched"
        );
        assert!(shard("函\n").get("函\n").is_none());
        assert_eq!(
            file(&files, "assets/search/meta/0.json")[1],
            serde_json::json!([
                "2021/b.html",
                "关于生态补偿的函",
                "宁自然资函〔2022〕70号",
                "2022年6月13日",
                "财政厅"
            ])
        );
        assert_eq!(file(&files, "assets/search/text/0.json")[0], "保护耕地。");
    }

    fn archive(n: usize) -> Vec<Entry> {
        (0..n)
            .map(|i| {
                let t = format!("关于第{i}件事的函");
                entry(
                    &format!("{i}.html"),
                    &t,
                    &format!("第{i}段正文，保护耕地。"),
                )
            })
            .collect()
    }

    /// Writes `letters` over the index `made` in `dir`, and checks that every
    /// file is what the whole index of `letters` would hold.
    fn write_and_compare(dir: &Path, letters: &[Entry], made: &mut Option<Made>) {
        let refs: Vec<&Entry> = letters.iter().collect();
        write(dir, &refs, made, &output::Writes::now()).unwrap();
        for (path, bytes) in files(&refs).unwrap() {
            let written = std::fs::read(dir.join(&path)).unwrap();
            assert!(written == bytes, "{path} differs from the whole index's");
        }
    }

    #[test]
    fn an_edit_patched_into_the_index_gives_the_files_the_whole_index_would() {
        let dir = tempfile::tempdir().unwrap();
        let mut letters = archive(64);
        let mut made = None;
        write_and_compare(dir.path(), &letters, &mut made);
        // Only a whole index removes a file it did not write.
        let stray = dir.path().join(DIR).join("stray");
        std::fs::write(&stray, "").unwrap();
        letters[7] = entry("7.html", "关于第7件事的函", "第7段正文，生态补偿，耕地。");
        letters[40] = entry("40.html", "关于第40件事的复函", "已删去。");
        write_and_compare(dir.path(), &letters, &mut made);
        assert!(
            stray.exists(),
            "two letters of 64 changed: the index was patched"
        );
        let bigram = |b: &str| {
            let shards = made.as_ref().unwrap().shards;
            let shard = std::fs::read(dir.path().join(shard_path(shard_of(b, shards))));
            serde_json::from_slice::<Shard>(&shard.unwrap()).unwrap()[b].clone()
        };
        assert_eq!(bigram("补偿"), [7], "a bigram that came");
        assert_eq!(bigram("复函"), [40]);
        assert_eq!(
            update::sums(&bigram("保护")).len(),
            62,
            "the two edited letters lost it"
        );
    }

    #[test]
    fn an_index_that_does_not_read_back_is_made_whole_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut letters = archive(64);
        let mut made = None;
        write_and_compare(dir.path(), &letters, &mut made);
        let shards = made.as_ref().unwrap().shards;
        std::fs::write(dir.path().join(shard_path(shard_of("补偿", shards))), "{").unwrap();
        letters[7] = entry("7.html", "关于第7件事的函", "第7段正文，生态补偿。");
        write_and_compare(dir.path(), &letters, &mut made);
    }

    #[test]
    fn an_index_without_its_manifest_is_made_whole_again() {
        let dir = tempfile::tempdir().unwrap();
        let letters = archive(64);
        let mut made = None;
        write_and_compare(dir.path(), &letters, &mut made);
        std::fs::remove_file(dir.path().join(DIR).join("index.json")).unwrap();
        write_and_compare(dir.path(), &letters, &mut made);
    }

    #[test]
    fn a_letter_added_makes_the_index_whole_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut letters = archive(64);
        let mut made = None;
        write_and_compare(dir.path(), &letters, &mut made);
        letters.insert(0, entry("new.html", "关于新事的函", "新的正文。"));
        write_and_compare(dir.path(), &letters, &mut made);
        assert_eq!(made.unwrap().docs.len(), 65);
    }

    #[test]
    fn the_hash_is_the_one_search_js_computes() {
        // Math.imul-based FNV-1a over charCodeAt, as in templates/search.js.
        assert_eq!(hash(""), 0x811c_9dc5);
        assert_eq!(hash("a"), 0xe40c_292c);
        assert_eq!(fold("ＡＢ２０２２年"), "ab2022年");
    }
}
