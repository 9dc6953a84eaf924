//! The site's index: the list of every letter, newest first; the same list
//! filtered by year, by 主送机关 and by format, each a static page of its own
//! (so filters work without JavaScript and have stable URLs); and the search
//! index that `assets/search.js` reads.
//!
//! URLs, relative to `output/`: `index.html`, `_by/year/2022.html`,
//! `_by/to/自治区财政厅.html`, `_by/format/letter.html`. No letter can land in
//! `_by/`, because names starting with `_` are never built as letters.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

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
    /// Relative to `output/`.
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
pub struct Listing<'a> {
    /// Relative to `output/`.
    pub path: String,
    /// What the list holds, e.g. `2022年`; none for the full index.
    pub heading: Option<String>,
    pub letters: Vec<&'a Value>,
}

/// The listing pages of `letters` (the letters' template contexts, newest first), and the filters.
pub fn listings<'a>(letters: &[&'a Value]) -> (Filters, Vec<Listing<'a>>) {
    let mut years: BTreeMap<String, Vec<&'a Value>> = BTreeMap::new();
    let mut to: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    let mut formats: BTreeMap<&str, (&str, Vec<&Value>)> = BTreeMap::new();
    for &l in letters {
        let year = field(l, "date_iso").get(..4).unwrap_or("").to_string();
        years.entry(year).or_default().push(l);
        let names = l["to"].as_array().into_iter().flatten();
        for name in names.filter_map(Value::as_str).collect::<HashSet<_>>() {
            to.entry(name).or_default().push(l);
        }
        formats
            .entry(field(l, "format_key"))
            .or_insert((field(l, "format"), Vec::new()))
            .1
            .push(l);
    }

    let mut pages = vec![Listing {
        path: "index.html".into(),
        heading: None,
        letters: letters.to_vec(),
    }];
    let mut filter = |label: String, heading: String, href: String, list: Vec<&'a Value>| {
        let f = Filter {
            label,
            href: href.clone(),
            count: list.len(),
        };
        pages.push(Listing {
            path: href,
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

/// A letter as the index pages and the search see it: the letter page's
/// fields, the first page's picture (`thumb`, relative to `output/`) and the
/// plain text of the body and the attachments (`text`).
pub fn entry<'b>(
    context: &LetterContext,
    thumb: &Path,
    bodies: impl IntoIterator<Item = &'b Body>,
) -> Value {
    let mut entry = serde_json::to_value(context).expect("context serialises");
    entry["thumb"] = crate::project::url(thumb).into();
    entry["text"] = bodies
        .into_iter()
        .map(plain_text)
        .collect::<Vec<_>>()
        .join("\n")
        .into();
    entry
}

/// Writes every listing page, the search index and its script into `out`,
/// and removes filter pages left from earlier builds.
pub fn write(
    out: &Path,
    templates: &Templates,
    site_title: Option<&str>,
    letters: &[&Value],
) -> Result<()> {
    let (filters, pages) = listings(letters);
    // Each listing page on its own core: an archive has hundreds of them.
    let written: Result<HashSet<_>> = pages
        .par_iter()
        .map(|page| {
            let mut c = tera::Context::new();
            c.insert("site_title", &site_title);
            c.insert("root", &crate::project::way_back(Path::new(&page.path)));
            c.insert("page", &page.path);
            c.insert("heading", &page.heading);
            c.insert("letters", &page.letters);
            c.insert("total", &letters.len());
            c.insert("filters", &filters);
            let html = templates
                .render(templates::INDEX, &c)
                .map_err(anyhow::Error::msg)?;
            output::write_if_changed(&out.join(&page.path), html.as_bytes())?;
            Ok(out.join(&page.path))
        })
        .collect();
    remove_stale(&out.join(FILTER_DIR), &written?)?;
    output::write_if_changed(&out.join(SEARCH_INDEX), search_index(letters).as_bytes())?;
    output::write_if_changed(&out.join(SEARCH_SCRIPT), &templates.search)
}

/// The search index: a script that defines `GONGWEN_SEARCH`, since a page
/// opened from `file://` may load a script but may not fetch a JSON file.
pub fn search_index(letters: &[&Value]) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        /// The page, relative to `output/`.
        u: &'a str,
        t: &'a str,
        n: &'a str,
        d: &'a str,
        o: &'a str,
        /// The text of the body and the attachments.
        x: &'a str,
    }
    let docs: Vec<Doc> = letters
        .iter()
        .map(|l| Doc {
            u: field(l, "html"),
            t: field(l, "title"),
            n: field(l, "number"),
            d: field(l, "date"),
            o: field(l, "to_text"),
            x: field(l, "text"),
        })
        .collect();
    format!(
        "// Made by gongwen: the text of every letter, for search.js.\nwindow.GONGWEN_SEARCH = {};\n",
        serde_json::to_string(&docs).expect("strings serialise")
    )
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
fn remove_stale(dir: &Path, keep: &HashSet<std::path::PathBuf>) -> Result<()> {
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
        let (filters, pages) = listings(&letters.iter().collect::<Vec<_>>());
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
                f("财政厅", "_by/to/财政厅.html", 2),
                f("各市/县", "_by/to/各市-县.html", 1)
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
        let htmls = |p: &Listing| -> Vec<String> {
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
    fn the_search_index_is_a_script_holding_the_text() {
        let js = search_index(&[&letter(
            "2022/a.html",
            "2022-05-01",
            &[],
            ("plain", "无版头"),
        )]);
        assert!(js.starts_with("// Made by gongwen"));
        assert!(js.contains(r#"window.GONGWEN_SEARCH = [{"u":"2022/a.html","t":"标题","n":"","d":"","o":"","x":"正文"}];"#), "{js}");
    }
}
