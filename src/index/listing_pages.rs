//! Writing the listing pages with the user's `index.html`: only those whose
//! own inputs changed, each on its own core, and none left from a filter
//! choice no letter has any more.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;

use super::entry::{Entry, Listed};
use super::filters::{listings, Filters};
use super::pages::{page_links, paginate, Page};
use super::FILTER_DIR;
use crate::build::fingerprint::{Hash, Hasher};
use crate::output;
use crate::templates::{self, Templates};

/// What every listing page is made with.
pub struct Site<'a> {
    pub templates: &'a Templates,
    pub title: Option<&'a str>,
    pub page_size: usize,
}

/// A letter on a listing page: its fields, and the entry they were read from.
type Row<'e> = (Listed, &'e Entry);

/// The listing pages whose own inputs changed since `made`, which is updated.
pub fn write_listings(
    out: &Path,
    site: &Site,
    inputs: &Hasher,
    letters: &[&Entry],
    made: &mut BTreeMap<String, Hash>,
    writes: &output::Writes,
) -> Result<()> {
    let rows = read_rows(letters)?;
    let (filters, listings) = listings(&rows.iter().collect::<Vec<_>>(), |(l, _)| l);
    let pages = paginate(&listings, site.page_size);
    let filters_json = serde_json::to_string(&filters).expect("filters serialises");
    let keys: Vec<Hash> = (pages.iter())
        .map(|page| page_key(inputs, page, &filters_json, letters.len()))
        .collect();
    // Each listing page on its own core: an archive has hundreds of them.
    pages
        .par_iter()
        .zip(&keys)
        .filter(|(page, key)| made.get(&page.path) != Some(*key) || !out.join(&page.path).is_file())
        .try_for_each(|(page, _)| {
            let c = page_context(site, page, &filters, rows.len());
            let html = site
                .templates
                .render(templates::INDEX, &c)
                .map_err(anyhow::Error::msg)?;
            writes.write_if_changed(&out.join(&page.path), html.as_bytes())
        })?;
    *made = pages
        .iter()
        .zip(keys)
        .map(|(page, key)| (page.path.clone(), key))
        .collect();
    let written: HashSet<PathBuf> = pages.iter().map(|p| out.join(&p.path)).collect();
    remove_stale(&out.join(FILTER_DIR), &written, writes)
}

/// The letters' listed fields, read back from their entries (each on its own core).
fn read_rows<'e>(letters: &[&'e Entry]) -> Result<Vec<Row<'e>>> {
    letters
        .par_iter()
        .map(|&e| Ok((e.listed()?, e)))
        .collect::<serde_json::Result<_>>()
        .context("the build state holds a damaged index entry")
}

/// A page's inputs: its letters and where it stands, so that editing one
/// letter rewrites only the pages that show it.
fn page_key(inputs: &Hasher, page: &Page<Row>, filters_json: &str, total: usize) -> Hash {
    let mut key = inputs.clone();
    key.part(page.path.as_bytes())
        .part(filters_json.as_bytes())
        .part(&total.to_le_bytes())
        .part(&page.count.to_le_bytes())
        .part(&page.listed.to_le_bytes());
    for (_, entry) in page.letters {
        key.part(&entry.listing);
    }
    key.finish()
}

/// What the index template receives for one page.
fn page_context(site: &Site, page: &Page<Row>, filters: &Filters, total: usize) -> tera::Context {
    let mut c = tera::Context::new();
    c.insert("site_title", &site.title);
    c.insert("root", &crate::project::way_back(Path::new(&page.path)));
    // As the filters' links have it, to mark the current one.
    c.insert("page", &crate::project::href(&page.path));
    c.insert("first_page", &crate::project::href(page.first));
    c.insert("heading", &page.heading);
    let letters: Vec<&Listed> = page.letters.iter().map(|(l, _)| l).collect();
    c.insert("letters", &letters);
    c.insert("listed", &page.listed);
    c.insert("page_number", &page.number);
    c.insert("page_count", &page.count);
    c.insert("previous", &page.neighbour(page.number - 1));
    c.insert("next", &page.neighbour(page.number + 1));
    c.insert("pages", &page_links(page.first, page.number, page.count));
    c.insert("total", &total);
    c.insert("filters", filters);
    c
}

/// Filter pages of a year, an office or a format that no letter has any more.
fn remove_stale(dir: &Path, keep: &HashSet<PathBuf>, writes: &output::Writes) -> Result<()> {
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        let path = entry.path();
        if entry.file_type().is_file() && !keep.contains(path) {
            writes.remove_file(path)?;
        }
    }
    Ok(())
}
