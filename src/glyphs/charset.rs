//! A set of characters as one bit each: asking it costs a shift and a
//! mask, where a font's sorted ranges cost a binary search, and a build
//! asks about every distinct character of every letter.

/// Characters, one bit each, over all of Unicode (136 KB).
#[derive(Debug, Clone)]
pub struct CharSet(Vec<u64>);

impl Default for CharSet {
    fn default() -> Self {
        CharSet(vec![0; (char::MAX as usize + 1).div_ceil(64)])
    }
}

impl CharSet {
    /// Adds the code points `lo..=hi`.
    pub fn add_range(&mut self, lo: u32, hi: u32) {
        for c in lo..=hi.min(char::MAX as u32) {
            self.0[c as usize / 64] |= 1 << (c % 64);
        }
    }

    pub fn has(&self, c: char) -> bool {
        let c = c as usize;
        self.0[c / 64] & (1 << (c % 64)) != 0
    }
}
