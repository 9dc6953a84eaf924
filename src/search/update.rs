//! An edit of a few letters, written into the search index in place: their
//! old documents are read back from the index's own files, and only the
//! bigram shards their edit touches and their chunks of titles and texts
//! are written again. Making the whole index reads every letter's text
//! (about 90 ms at 1,000 letters); an added sentence touches a few shards.

use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::de::DeserializeOwned;

use super::{
    bigrams, differences, json, meta_file, meta_path, parse, searched_text, shard_of, shard_path,
    text_file, text_path, Doc, Made, Shard, META_CHUNK, TEXT_CHUNK,
};
use crate::index::Entry;

/// Patching beats making the whole index while at most one letter in this
/// many changed.
const PATCH_SHARE: usize = 32;

/// The letters whose documents differ between `before` and `now`, when the
/// index can be patched: the same shards and as many letters (the numbers
/// are places in the list, so a letter that changed place shows as the
/// letters between changing), and few of them changed.
pub(super) fn changed_letters(before: &Made, now: &Made) -> Option<Vec<usize>> {
    if before.shards != now.shards || before.docs.len() != now.docs.len() {
        return None;
    }
    let changed: Vec<usize> = (0..now.docs.len())
        .filter(|&i| before.docs[i] != now.docs[i])
        .collect();
    (changed.len() * PATCH_SHARE <= now.docs.len()).then_some(changed)
}

/// One letter's number to add to or take from a bigram's list.
struct Edit {
    bigram: String,
    id: u32,
    add: bool,
}

/// The files (relative to `out`) that write the documents `changed` of
/// `docs` into the index in `out`. Every file is read and patched before
/// any is written: an index that does not read back as it was made is left
/// as it is, and the caller makes it whole.
pub(super) fn apply(
    out: &Path,
    docs: &[&Entry],
    changed: &[usize],
    shards: u32,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut edits: Vec<Vec<Edit>> = (0..shards).map(|_| Vec::new()).collect();
    for &id in changed {
        let was = bigrams(&searched_text(&published(out, id)?));
        let doc: Doc = serde_json::from_slice(&docs[id].search)?;
        let now = bigrams(&searched_text(&doc));
        let gone = was.difference(&now).map(|pair| (pair, false));
        let came = now.difference(&was).map(|pair| (pair, true));
        for (&(a, b), add) in gone.chain(came) {
            let bigram = String::from_iter([a, b]);
            edits[shard_of(&bigram, shards)].push(Edit {
                bigram,
                id: id as u32,
                add,
            });
        }
    }
    let mut files = Vec::new();
    for (k, edits) in edits.into_iter().enumerate() {
        if !edits.is_empty() {
            files.push(patch_shard(out, k, edits)?);
        }
    }
    files.extend(chunk_files(docs, changed)?);
    Ok(files)
}

/// Letter `id`'s document as the index in `out` holds it now.
fn published(out: &Path, id: usize) -> Result<Doc> {
    let meta: Vec<[String; 5]> = read(out, &meta_path(id / META_CHUNK))?;
    let texts: Vec<String> = read(out, &text_path(id / TEXT_CHUNK))?;
    let ([u, t, n, d, o], Some(x)) = (
        meta.into_iter()
            .nth(id % META_CHUNK)
            .context("too few titles")?,
        texts.into_iter().nth(id % TEXT_CHUNK),
    ) else {
        bail!("too few texts");
    };
    Ok(Doc { u, t, n, d, o, x })
}

/// Bigram shard `k` with `edits` made to it.
fn patch_shard(out: &Path, k: usize, edits: Vec<Edit>) -> Result<(String, Vec<u8>)> {
    let path = shard_path(k);
    let mut shard: Shard = read(out, &path)?;
    for edit in edits {
        let mut ids = sums(&shard.remove(&edit.bigram).unwrap_or_default());
        match (ids.binary_search(&edit.id), edit.add) {
            (Err(at), true) => ids.insert(at, edit.id),
            (Ok(at), false) => {
                ids.remove(at);
            }
            _ => bail!("{path} does not hold what the last build wrote"),
        }
        if !ids.is_empty() {
            shard.insert(edit.bigram, differences(&ids));
        }
    }
    Ok((path, json(&shard)))
}

/// The files of titles and of texts that hold the `changed` letters.
fn chunk_files(docs: &[&Entry], changed: &[usize]) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for (size, file) in [
        (
            META_CHUNK,
            meta_file as fn(usize, &[Doc]) -> (String, Vec<u8>),
        ),
        (TEXT_CHUNK, text_file),
    ] {
        let mut chunks: Vec<usize> = changed.iter().map(|id| id / size).collect();
        chunks.dedup();
        for k in chunks {
            let end = docs.len().min((k + 1) * size);
            files.push(file(k, &parse(&docs[k * size..end])?));
        }
    }
    Ok(files)
}

/// `[3, 2, 4]` as `[3, 5, 9]`: the letters' numbers from their differences.
pub(super) fn sums(differences: &[u32]) -> Vec<u32> {
    differences
        .iter()
        .scan(0, |last, d| {
            *last += d;
            Some(*last)
        })
        .collect()
}

fn read<T: DeserializeOwned>(out: &Path, path: &str) -> Result<T> {
    let bytes = std::fs::read(out.join(path))?;
    Ok(serde_json::from_slice(&bytes)?)
}
