//! How a build runs: everything or only what changed, on how many cores, on
//! which share of the letters.

use std::path::Path;
use std::str::FromStr;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Rebuild every letter, changed or not.
    pub force: bool,
    /// Letters laid out at once; 0 means one per core.
    pub jobs: usize,
    pub shard: Option<Shard>,
    /// A progress bar on a terminal.
    pub progress: bool,
    /// Leave the generated Typst sources in `.gongwen-work-…` at the project
    /// root (for inspecting a layout, and for the benchmark's typst-only
    /// floor); the next build removes them.
    pub keep_work: bool,
}

impl Options {
    pub fn jobs(&self) -> usize {
        if self.jobs > 0 {
            self.jobs
        } else {
            cores()
        }
    }
}

/// The cores this machine lets the build use.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `--shard K/N`: the K-th of N stable shares of the letters, so a CI matrix
/// can split an archive across runners. A letter's share depends only on its
/// path, so it does not move when other letters come and go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u64,
    pub count: u64,
}

impl Shard {
    pub fn holds(&self, source: &Path) -> bool {
        let path = crate::project::url(source);
        xxhash_rust::xxh3::xxh3_64(path.as_bytes()) % self.count == self.index - 1
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is not a shard: write K/N with 1 ≤ K ≤ N, e.g. 2/4");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_the_letters_without_overlap() {
        let shards: Vec<Shard> = (1..=3).map(|k| format!("{k}/3").parse().unwrap()).collect();
        let letters: Vec<String> = (0..300).map(|i| format!("letters/2022/{i}.md")).collect();
        let mut sizes = [0; 3];
        for l in &letters {
            let holders: Vec<usize> = (0..3).filter(|&k| shards[k].holds(Path::new(l))).collect();
            assert_eq!(holders.len(), 1, "{l} is in exactly one shard");
            sizes[holders[0]] += 1;
        }
        assert!(
            sizes.iter().all(|&n| n > 60),
            "shares are about even: {sizes:?}"
        );
    }

    #[test]
    fn a_bad_shard_is_explained() {
        for bad in ["0/3", "4/3", "2", "a/b"] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.contains("write K/N"), "{e}");
        }
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
    }
}
