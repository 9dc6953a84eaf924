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

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::build::fingerprint::{Hash, Hasher};
use crate::markdown::Body;
use crate::output;
use crate::render::html::LetterContext;
use crate::render::text::plain_text;
use crate::templates::{self, Templates};

pub const FILTER_DIR: &str = "_by";
/// The one-file search index of gongwen before 0.2, removed when found.
const OLD_SEARCH_INDEX: &str = "assets/search-index.js";
pub const SEARCH_SCRIPT: &str = "assets/search.js";

/// One choice of a filter, with its page.
#[derive(Debug, Serialize, PartialEq)]
pub struct Filter {
    pub label: String,
    /// The link, relative to `output/` (percent-encoded).
    pub href: String,
    pub count: usize,
}

#[derive(Debug, Serialize)]
pub struct Filters {
    pub years: Vec<Filter>,
    pub to: Vec<Filter>,
    pub formats: Vec<Filter>,
}

/// One listing page: the full index or one filter's.
#[derive(Debug)]
pub struct Listing<'a, T> {
    /// Relative to `output/`.
    pub path: String,
    /// What the list holds, e.g. `2022年`; none for the full index.
    pub heading: Option<String>,
    pub letters: Vec<&'a T>,
}

/// The listing pages of `letters` (newest first), and the filters; `fields`
/// gives a letter's template context.
pub fn listings<'a, T>(
    letters: &[&'a T],
    fields: impl Fn(&T) -> &Value,
) -> (Filters, Vec<Listing<'a, T>>) {
    let mut years: BTreeMap<String, Vec<&'a T>> = BTreeMap::new();
    let mut to: BTreeMap<&str, Vec<&'a T>> = BTreeMap::new();
    let mut formats: BTreeMap<&str, (&str, Vec<&'a T>)> = BTreeMap::new();
    for &letter in letters {
        let l = fields(letter);
        let year = field(l, "date_iso").get(..4).unwrap_or("").to_string();
        years.entry(year).or_default().push(letter);
        let names = l["to"].as_array().into_iter().flatten();
        for name in names.filter_map(Value::as_str).collect::<HashSet<_>>() {
            to.entry(name).or_default().push(letter);
        }
        formats
            .entry(field(l, "format_key"))
            .or_insert((field(l, "format"), Vec::new()))
            .1
            .push(letter);
    }

    let mut pages = vec![Listing {
        path: "index.html".into(),
        heading: None,
        letters: letters.to_vec(),
    }];
    let mut filter = |label: String, heading: String, path: String, list: Vec<&'a T>| {
        let f = Filter {
            label,
            href: crate::project::href(&path),
            count: list.len(),
        };
        pages.push(Listing {
            path,
            heading: Some(heading),
            letters: list,
        });
        f
    };
    let years: Vec<Filter> = years
        .into_iter()
        .rev()
        .map(|(year, list)| {
            let href = format!("{FILTER_DIR}/year/{year}.html");
            filter(year.clone(), format!("{year}年"), href, list)
        })
        .collect();
    // The most written-to offices first: they are the ones looked for.
    let mut to: Vec<_> = to.into_iter().collect();
    to.sort_by_key(|(_, list)| std::cmp::Reverse(list.len()));
    let mut taken = HashSet::new();
    let to: Vec<Filter> = to
        .into_iter()
        .map(|(name, list)| {
            let href = format!("{FILTER_DIR}/to/{}.html", unique(slug(name), &mut taken));
            filter(name.to_string(), format!("主送：{name}"), href, list)
        })
        .collect();
    let formats: Vec<Filter> = formats
        .into_iter()
        .map(|(key, (label, list))| {
            let href = format!("{FILTER_DIR}/format/{key}.html");
            filter(label.to_string(), label.to_string(), href, list)
        })
        .collect();
    (Filters { years, to, formats }, pages)
}

/// The path of page `number` (from 1) of the listing whose first page is `first`.
pub fn page_path(first: &str, number: usize) -> String {
    match (number, first) {
        (1, _) => first.to_string(),
        (_, "index.html") => format!("{FILTER_DIR}/page/{number}.html"),
        _ => format!("{}/{number}.html", first.trim_end_matches(".html")),
    }
}

/// A link of the page numbers under a list.
#[derive(Debug, Serialize, PartialEq)]
pub struct PageLink {
    /// None for the gap `…` between far-apart numbers.
    pub number: Option<usize>,
    /// Relative to `output/`.
    pub href: String,
}

/// The numbered links of page `number` of `count`: the first and the last
/// page, and two on each side of this one, so that 200 pages still make a
/// short line.
pub fn page_links(first: &str, number: usize, count: usize) -> Vec<PageLink> {
    let near = |n: usize| n == 1 || n == count || n.abs_diff(number) <= 2;
    let mut links = Vec::new();
    for n in (1..=count).filter(|&n| near(n)) {
        if links
            .last()
            .is_some_and(|l: &PageLink| l.number != Some(n - 1))
        {
            links.push(PageLink {
                number: None,
                href: String::new(),
            });
        }
        links.push(PageLink {
            number: Some(n),
            href: crate::project::href(&page_path(first, n)),
        });
    }
    links
}

/// A letter as the index sees it, as JSON text: the build keeps it so (in
/// `output/.gongwen.entries/`), the listing pages parse it only when one of
/// them must be made again, and the search index is the letters' documents
/// put one after another. Bytes, not strings, so that reading the entries
/// back does not check every letter's text for UTF-8 again (about a third
/// of the time reading them took).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The listing pages' fields: the letter page's, and the first page's
    /// picture (`thumb`, relative to `output/`).
    #[serde(with = "serde_bytes")]
    pub listing: Vec<u8>,
    /// The letter's document in the search index (see [`search_index`]).
    #[serde(with = "serde_bytes")]
    pub search: Vec<u8>,
}

impl Entry {
    /// What the index's inputs hash: a letter whose hash is unchanged changes no listing page.
    pub fn hash(&self) -> Hash {
        let mut h = Hasher::new("entry");
        h.part(&self.listing).part(&self.search);
        h.finish()
    }
}

/// One letter's document in the search index.
#[derive(Serialize)]
struct Doc<'a> {
    /// The page, relative to `output/`.
    u: &'a str,
    t: &'a str,
    n: &'a str,
    d: &'a str,
    o: &'a str,
    /// The plain text of the body and the attachments.
    x: &'a str,
}

/// The index's entry of a letter: its page's `context`, the picture of its
/// first page (`thumb`, unless pictures are off) and the text of its body
/// and attachments.
pub fn entry<'b>(
    context: &LetterContext,
    thumb: Option<&Path>,
    bodies: impl IntoIterator<Item = &'b Body>,
) -> Entry {
    let mut listing = serde_json::to_value(context).expect("context serialises");
    listing["thumb"] = thumb
        .map(|t| crate::project::href(&crate::project::url(t)))
        .into();
    let text = bodies
        .into_iter()
        .map(plain_text)
        .collect::<Vec<_>>()
        .join("\n");
    let meta = context.fields;
    let to = crate::letter::print::names_text(&meta.to);
    let doc = Doc {
        u: &context.html,
        t: &meta.title(),
        n: meta.number.as_deref().unwrap_or(""),
        d: &meta.date_text(),
        o: &to,
        x: &text,
    };
    Entry {
        search: serde_json::to_vec(&doc).expect("strings serialise"),
        listing: listing.to_string().into_bytes(),
    }
}

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
}

/// Writes the listing pages and the search index of `letters` (newest
/// first) into `out`, unless `made` shows them made from the same inputs
/// (`inputs`: the templates and the settings; then the letters), and removes
/// filter pages left from earlier builds.
pub fn write(
    out: &Path,
    templates: &Templates,
    site_title: Option<&str>,
    page_size: usize,
    inputs: &Hasher,
    letters: &[&Entry],
    made: &mut Made,
) -> Result<()> {
    let mut all = inputs.clone();
    all.part(&page_size.to_le_bytes());
    for e in letters {
        all.part(&e.listing);
    }
    let all = all.finish();
    let in_place = |path: &str| out.join(path).is_file();
    if made.listings.as_ref() != Some(&all) || !made.pages.keys().all(|p| in_place(p)) {
        let site = Site {
            templates,
            title: site_title,
            page_size,
        };
        write_listings(out, &site, inputs, letters, &mut made.pages)?;
        made.listings = Some(all);
    }

    let mut search = Hasher::new("search");
    for e in letters {
        search.part(&e.search);
    }
    let search = search.finish();
    let manifest = format!("{}/index.json", crate::search::DIR);
    if made.search.as_ref() != Some(&search) || !in_place(&manifest) {
        crate::search::write(out, letters)?;
        made.search = Some(search);
    }
    if in_place(OLD_SEARCH_INDEX) {
        std::fs::remove_file(out.join(OLD_SEARCH_INDEX))
            .with_context(|| format!("cannot remove {OLD_SEARCH_INDEX}"))?;
    }
    output::write_if_changed(&out.join(SEARCH_SCRIPT), &templates.search)
}

/// What every listing page is made with.
struct Site<'a> {
    templates: &'a Templates,
    title: Option<&'a str>,
    page_size: usize,
}

/// One page of a listing.
struct Page<'l, T> {
    path: String,
    /// The listing's first page.
    first: &'l str,
    heading: Option<&'l str>,
    /// From 1, of `count`.
    number: usize,
    count: usize,
    /// All the letters of the listing, on this page or not.
    listed: usize,
    letters: &'l [&'l T],
}

/// The listings cut into pages of `size` letters; an empty listing still has its one page.
fn paginate<'l, T>(listings: &'l [Listing<'l, T>], size: usize) -> Vec<Page<'l, T>> {
    let mut pages = Vec::new();
    for listing in listings {
        let chunks: Vec<&[&T]> = if listing.letters.is_empty() {
            vec![&[]]
        } else {
            listing.letters.chunks(size).collect()
        };
        let count = chunks.len();
        for (i, letters) in chunks.into_iter().enumerate() {
            pages.push(Page {
                path: page_path(&listing.path, i + 1),
                first: &listing.path,
                heading: listing.heading.as_deref(),
                number: i + 1,
                count,
                listed: listing.letters.len(),
                letters,
            });
        }
    }
    pages
}

/// The listing pages whose own inputs changed since `made`, which is updated.
fn write_listings(
    out: &Path,
    site: &Site,
    inputs: &Hasher,
    letters: &[&Entry],
    made: &mut BTreeMap<String, Hash>,
) -> Result<()> {
    let rows: Vec<(Value, &Entry)> = letters
        .par_iter()
        .map(|&e| Ok((serde_json::from_slice(&e.listing)?, e)))
        .collect::<serde_json::Result<_>>()
        .context("the build state holds a damaged index entry")?;
    let (filters, listings) = listings(&rows.iter().collect::<Vec<_>>(), |(v, _)| v);
    let pages = paginate(&listings, site.page_size);
    let filters_json = serde_json::to_string(&filters).expect("filters serialises");
    // A page's inputs: its letters and where it stands, so that editing one
    // letter rewrites only the pages that show it.
    let keys: Vec<Hash> = pages
        .iter()
        .map(|page| {
            let mut key = inputs.clone();
            key.part(page.path.as_bytes())
                .part(filters_json.as_bytes())
                .part(&letters.len().to_le_bytes())
                .part(&page.count.to_le_bytes())
                .part(&page.listed.to_le_bytes());
            for (_, entry) in page.letters {
                key.part(&entry.listing);
            }
            key.finish()
        })
        .collect();
    // Each listing page on its own core: an archive has hundreds of them.
    pages
        .par_iter()
        .zip(&keys)
        .filter(|(page, key)| made.get(&page.path) != Some(*key) || !out.join(&page.path).is_file())
        .try_for_each(|(page, _)| {
            let mut c = tera::Context::new();
            c.insert("site_title", &site.title);
            c.insert("root", &crate::project::way_back(Path::new(&page.path)));
            // As the filters' links have it, to mark the current one.
            c.insert("page", &crate::project::href(&page.path));
            c.insert("first_page", &crate::project::href(page.first));
            c.insert("heading", &page.heading);
            let letters: Vec<&Value> = page.letters.iter().map(|(v, _)| v).collect();
            c.insert("letters", &letters);
            c.insert("listed", &page.listed);
            c.insert("page_number", &page.number);
            c.insert("page_count", &page.count);
            let neighbour = |n: usize| {
                (1..=page.count)
                    .contains(&n)
                    .then(|| crate::project::href(&page_path(page.first, n)))
            };
            c.insert("previous", &neighbour(page.number - 1));
            c.insert("next", &neighbour(page.number + 1));
            c.insert("pages", &page_links(page.first, page.number, page.count));
            c.insert("total", &rows.len());
            c.insert("filters", &filters);
            let html = site
                .templates
                .render(templates::INDEX, &c)
                .map_err(anyhow::Error::msg)?;
            output::write_if_changed(&out.join(&page.path), html.as_bytes())
        })?;
    *made = pages
        .iter()
        .zip(keys)
        .map(|(page, key)| (page.path.clone(), key))
        .collect();
    let written: HashSet<PathBuf> = pages.iter().map(|p| out.join(&p.path)).collect();
    remove_stale(&out.join(FILTER_DIR), &written)
}

fn field<'a>(letter: &'a Value, name: &str) -> &'a str {
    letter[name].as_str().unwrap_or("")
}

/// A file name for an office's page: its own name, readable in the address
/// bar, with what a file name or a URL cannot hold replaced by `-`.
fn slug(name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| {
            let keep = if c.is_ascii() {
                c.is_ascii_alphanumeric() || c == '_' || c == '-'
            } else {
                !c.is_whitespace() && !c.is_control()
            };
            if keep {
                c
            } else {
                '-'
            }
        })
        // 60 characters stay well under the 255 bytes a file name may have.
        .take(60)
        .collect();
    if slug.is_empty() {
        "-".into()
    } else {
        slug
    }
}

/// `slug`, or `slug-2`, `slug-3`… when two names make the same one.
fn unique(slug: String, taken: &mut HashSet<String>) -> String {
    let mut candidate = slug.clone();
    let mut n = 1;
    while !taken.insert(candidate.clone()) {
        n += 1;
        candidate = format!("{slug}-{n}");
    }
    candidate
}

/// Filter pages of a year, an office or a format that no letter has any more.
fn remove_stale(dir: &Path, keep: &HashSet<PathBuf>) -> Result<()> {
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        let path = entry.path();
        if entry.file_type().is_file() && !keep.contains(path) {
            std::fs::remove_file(path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn letter(html: &str, date: &str, to: &[&str], format: (&str, &str)) -> Value {
        json!({"html": html, "date_iso": date, "to": to, "format_key": format.0, "format": format.1,
               "title": "标题", "text": "正文"})
    }

    #[test]
    fn each_year_office_and_format_has_its_page() {
        let letters = [
            letter(
                "b.html",
                "2023-01-02",
                &["财政厅", "各市/县"],
                ("letter", "信函格式"),
            ),
            letter("a.html", "2022-05-01", &["财政厅"], ("plain", "无版头")),
        ];
        let (filters, pages) = listings(&letters.iter().collect::<Vec<_>>(), |v| v);
        let f = |label: &str, href: &str, count| Filter {
            label: label.into(),
            href: href.into(),
            count,
        };
        assert_eq!(
            filters.years,
            [
                f("2023", "_by/year/2023.html", 1),
                f("2022", "_by/year/2022.html", 1)
            ]
        );
        assert_eq!(
            filters.to,
            [
                f("财政厅", "_by/to/%E8%B4%A2%E6%94%BF%E5%8E%85.html", 2),
                f("各市/县", "_by/to/%E5%90%84%E5%B8%82-%E5%8E%BF.html", 1)
            ]
        );
        assert_eq!(
            filters.formats,
            [
                f("信函格式", "_by/format/letter.html", 1),
                f("无版头", "_by/format/plain.html", 1)
            ]
        );
        let page = |path: &str| pages.iter().find(|p| p.path == path).unwrap();
        let htmls = |p: &Listing<Value>| -> Vec<String> {
            p.letters
                .iter()
                .map(|l| l["html"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(htmls(page("index.html")), ["b.html", "a.html"]);
        assert_eq!(htmls(page("_by/to/财政厅.html")), ["b.html", "a.html"]);
        assert_eq!(htmls(page("_by/year/2022.html")), ["a.html"]);
        assert_eq!(
            page("_by/year/2022.html").heading.as_deref(),
            Some("2022年")
        );
        assert_eq!(pages.len(), 1 + 2 + 2 + 2);
    }

    #[test]
    fn slugs_are_file_names_and_never_collide() {
        let mut taken = HashSet::new();
        assert_eq!(
            unique(slug("各市、县（区）自然资源局"), &mut taken),
            "各市、县（区）自然资源局"
        );
        assert_eq!(unique(slug("a b"), &mut taken), "a-b");
        assert_eq!(unique(slug("a/b"), &mut taken), "a-b-2");
        assert_eq!(slug("../."), "----");
        assert_eq!(slug(""), "-");
    }

    #[test]
    fn pages_have_stable_paths_and_short_lines_of_numbers() {
        assert_eq!(page_path("index.html", 1), "index.html");
        assert_eq!(page_path("index.html", 2), "_by/page/2.html");
        assert_eq!(page_path("_by/year/2022.html", 3), "_by/year/2022/3.html");
        let numbers = |n, count| -> Vec<Option<usize>> {
            page_links("index.html", n, count)
                .into_iter()
                .map(|l| l.number)
                .collect()
        };
        assert_eq!(numbers(1, 1), [Some(1)]);
        assert_eq!(
            numbers(6, 200),
            [
                Some(1),
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                None,
                Some(200)
            ]
        );
        assert_eq!(numbers(2, 4), [Some(1), Some(2), Some(3), Some(4)]);
        assert_eq!(page_links("_by/to/x.html", 1, 2)[1].href, "_by/to/x/2.html");
    }

    #[test]
    fn a_listing_is_cut_into_pages_of_its_size() {
        let letters: Vec<u32> = (0..5).collect();
        let listing = Listing {
            path: "_by/year/2022.html".to_string(),
            heading: Some("2022年".to_string()),
            letters: letters.iter().collect(),
        };
        let empty = Listing {
            path: "index.html".to_string(),
            heading: None,
            letters: Vec::new(),
        };
        let lists = [listing, empty];
        let pages = paginate(&lists, 2);
        let shown: Vec<(&str, usize, usize, Vec<u32>)> = pages
            .iter()
            .map(|p| {
                (
                    &*p.path,
                    p.number,
                    p.count,
                    p.letters.iter().map(|&&n| n).collect(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("_by/year/2022.html", 1, 3, vec![0, 1]),
                ("_by/year/2022/2.html", 2, 3, vec![2, 3]),
                ("_by/year/2022/3.html", 3, 3, vec![4]),
                ("index.html", 1, 1, vec![]),
            ]
        );
        assert!(pages.iter().take(3).all(|p| p.listed == 5));
    }
}
