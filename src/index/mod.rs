//! The site's index: the list of every letter, newest first; the same list
//! filtered by year, by 主送机关 and by format, each a static page of its own
//! (so filters work without JavaScript and have stable URLs); and the search
//! index that `assets/search.js` reads.
//!
//! URLs, relative to `output/`: `index.html`, `_by/year/2022.html`,
//! `_by/to/自治区财政厅.html`, `_by/format/letter.html`. No letter can land in
//! `_by/`, because names starting with `_` are never built as letters.
//! Each list is cut into pages of `page_size` letters: the index's second
//! page is `_by/page/2.html`, a filter's is beside its first, in a folder of
//! its name (`_by/year/2022/2.html`).
//!
//! Its parts: `entry` (a letter as the index keeps it, and the fields
//! the listings read back, typed), `filters` (the listings by year,
//! 主送机关 and format), `pages` (the listings cut into pages) and
//! `listing_pages` (writing them); the search index is `crate::search`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::build::fingerprint::{Hash, Hasher};
use crate::output;

pub mod entry;
pub mod filters;
mod listing_pages;

pub use listing_pages::Site;
pub mod pages;

pub use entry::{entry, Entry, Listed};
pub use filters::{listings, Filter, Filters, Listing};
pub use pages::{page_links, page_path, PageLink};

pub const FILTER_DIR: &str = "_by";
/// The one-file search index of gongwen before 0.2, removed when found.
const OLD_SEARCH_INDEX: &str = "assets/search-index.js";
pub const SEARCH_SCRIPT: &str = "assets/search.js";

/// What the listing pages and the search index were last made from, hashed,
/// so that a build makes again only those whose inputs changed: editing one
/// letter's text rewrites the search index and no listing page.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Made {
    /// The inputs of all the listing pages together.
    listings: Option<Hash>,
    /// Each listing page (relative to `output/`) and its inputs.
    pages: BTreeMap<String, Hash>,
    /// The search index's documents.
    search: Option<Hash>,
    /// How the search index was cut, and of which documents.
    search_layout: Option<crate::search::Made>,
}

/// Writes the listing pages and the search index of `letters` (newest
/// first) into `out`, unless `made` shows them made from the same inputs
/// (`inputs`: the templates and the settings; then the letters), and removes
/// filter pages left from earlier builds.
pub fn write(
    out: &Path,
    site: &Site,
    inputs: &Hasher,
    letters: &[&Entry],
    made: &mut Made,
    writes: &output::Writes,
) -> Result<()> {
    let mut all = inputs.clone();
    all.part(&site.page_size.to_le_bytes());
    for e in letters {
        all.part(&e.listing);
    }
    let all = all.finish();
    let in_place = |path: &str| out.join(path).is_file();
    if made.listings.as_ref() != Some(&all) || !made.pages.keys().all(|p| in_place(p)) {
        listing_pages::write_listings(out, site, inputs, letters, &mut made.pages, writes)?;
        made.listings = Some(all);
    }

    let mut search = Hasher::new("search");
    for e in letters {
        search.part(&e.search);
    }
    let search = search.finish();
    let manifest = format!("{}/index.json", crate::search::DIR);
    if made.search.as_ref() != Some(&search) || !in_place(&manifest) {
        crate::search::write(out, letters, &mut made.search_layout, writes)?;
        made.search = Some(search);
    }
    if in_place(OLD_SEARCH_INDEX) {
        writes.remove_file(&out.join(OLD_SEARCH_INDEX))?;
    }
    writes.write_if_changed(&out.join(SEARCH_SCRIPT), &site.templates.search)
}
