//! The site's index: the list of every letter, newest first; the same list
//! filtered by year, by 主送机关 and by format, each a static page of its own
//! (so filters work without JavaScript and have stable URLs); and the search
//! index that `assets/search.js` reads.
//!
//! URLs, relative to `output/`: `index.html`, `_by/year/2022.html`,
//! `_by/to/自治区财政厅.html`, `_by/format/letter.html`. No letter can land in
//! `_by/`, because names starting with `_` are never built as letters.

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
pub const SEARCH_INDEX: &str = "assets/search-index.js";
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
    let l = &listing;
    let doc = Doc {
        u: field(l, "html"),
        t: field(l, "title"),
        n: field(l, "number"),
        d: field(l, "date"),
        o: field(l, "to_text"),
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
    inputs: &Hasher,
    letters: &[&Entry],
    made: &mut Made,
) -> Result<()> {
    let mut all = inputs.clone();
    for e in letters {
        all.part(&e.listing);
    }
    let all = all.finish();
    let in_place = |path: &str| out.join(path).is_file();
    if made.listings.as_ref() != Some(&all) || !made.pages.keys().all(|p| in_place(p)) {
        write_listings(out, templates, site_title, inputs, letters, &mut made.pages)?;
        made.listings = Some(all);
    }

    let mut search = Hasher::new("search");
    for e in letters {
        search.part(&e.search);
    }
    let search = search.finish();
    if made.search.as_ref() != Some(&search) || !in_place(SEARCH_INDEX) {
        output::write_atomic(&out.join(SEARCH_INDEX), &search_index(letters))?;
        made.search = Some(search);
    }
    output::write_if_changed(&out.join(SEARCH_SCRIPT), &templates.search)
}

/// The listing pages whose own inputs changed since `made`, which is updated.
fn write_listings(
    out: &Path,
    templates: &Templates,
    site_title: Option<&str>,
    inputs: &Hasher,
    letters: &[&Entry],
    made: &mut BTreeMap<String, Hash>,
) -> Result<()> {
    let rows: Vec<(Value, &Entry)> = letters
        .par_iter()
        .map(|&e| Ok((serde_json::from_slice(&e.listing)?, e)))
        .collect::<serde_json::Result<_>>()
        .context("the build state holds a damaged index entry")?;
    let (filters, pages) = listings(&rows.iter().collect::<Vec<_>>(), |(v, _)| v);
    let filters_json = serde_json::to_string(&filters).expect("filters serialise");
    let keys: Vec<Hash> = pages
        .iter()
        .map(|page| {
            let mut key = inputs.clone();
            key.part(page.path.as_bytes())
                .part(filters_json.as_bytes())
                .part(&letters.len().to_le_bytes());
            for (_, entry) in &page.letters {
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
            c.insert("site_title", &site_title);
            c.insert("root", &crate::project::way_back(Path::new(&page.path)));
            // As the filters' links have it, to mark the current one.
            c.insert("page", &crate::project::href(&page.path));
            c.insert("heading", &page.heading);
            let letters: Vec<&Value> = page.letters.iter().map(|(v, _)| v).collect();
            c.insert("letters", &letters);
            c.insert("total", &rows.len());
            c.insert("filters", &filters);
            let html = templates
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

/// The search index: a script that defines `GONGWEN_SEARCH`, since a page
/// opened from `file://` may load a script but may not fetch a JSON file.
/// One letter's document to a line.
pub fn search_index(letters: &[&Entry]) -> Vec<u8> {
    let mut js =
        b"// Made by gongwen: the text of every letter, for search.js.\nwindow.GONGWEN_SEARCH = ["
            .to_vec();
    for (i, e) in letters.iter().enumerate() {
        js.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        js.extend_from_slice(&e.search);
    }
    js.extend_from_slice(b"\n];\n");
    js
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
    fn the_search_index_is_a_script_holding_one_document_a_line() {
        let doc = |u: &str| Entry {
            listing: b"{}".to_vec(),
            search: format!(r#"{{"u":"{u}","x":"正文"}}"#).into_bytes(),
        };
        let js = search_index(&[&doc("2022/a.html"), &doc("2021/b.html")]);
        assert_eq!(
            String::from_utf8(js).unwrap(),
            "// Made by gongwen: the text of every letter, for search.js.\n\
             window.GONGWEN_SEARCH = [\n\
             {\"u\":\"2022/a.html\",\"x\":\"正文\"},\n\
             {\"u\":\"2021/b.html\",\"x\":\"正文\"}\n\
             ];\n"
        );
    }
}
