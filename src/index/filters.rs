//! The filters: the letters by year, by 主送机关 and by format, each choice
//! a listing of its own with a stable URL.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::entry::Listed;
use super::FILTER_DIR;

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

/// One listing: the full index or one filter's.
#[derive(Debug)]
pub struct Listing<'a, T> {
    /// Its first page, relative to `output/`.
    pub path: String,
    /// What the list holds, e.g. `2022年`; none for the full index.
    pub heading: Option<String>,
    pub letters: Vec<&'a T>,
}

/// The listings of `letters` (newest first), the full index first, and the
/// filters; `fields` gives a letter's listed fields.
pub fn listings<'a, T>(
    letters: &[&'a T],
    fields: impl Fn(&T) -> &Listed,
) -> (Filters, Vec<Listing<'a, T>>) {
    let groups = Groups::of(letters, fields);
    let mut listings = Listings(vec![Listing {
        path: "index.html".into(),
        heading: None,
        letters: letters.to_vec(),
    }]);
    let filters = Filters {
        years: listings.of_years(groups.years),
        to: listings.of_offices(groups.to),
        formats: listings.of_formats(groups.formats),
    };
    (filters, listings.0)
}

/// The letters grouped by each filter's choices, in the order of the index.
struct Groups<'a, T> {
    years: BTreeMap<&'a str, Vec<&'a T>>,
    to: BTreeMap<&'a str, Vec<&'a T>>,
    /// By the format's key, with its name.
    formats: BTreeMap<&'a str, (&'a str, Vec<&'a T>)>,
}

impl<'a, T> Groups<'a, T> {
    fn of(letters: &[&'a T], fields: impl Fn(&T) -> &Listed) -> Self {
        let mut groups = Groups {
            years: BTreeMap::new(),
            to: BTreeMap::new(),
            formats: BTreeMap::new(),
        };
        for &letter in letters {
            let l = fields(letter);
            groups.years.entry(l.year()).or_default().push(letter);
            // A letter sent twice to one office is listed there once.
            for name in l.to.iter().map(String::as_str).collect::<HashSet<_>>() {
                groups.to.entry(name).or_default().push(letter);
            }
            (groups.formats.entry(&l.format_key))
                .or_insert((&l.format, Vec::new()))
                .1
                .push(letter);
        }
        groups
    }
}

/// The listings made so far.
struct Listings<'a, T>(Vec<Listing<'a, T>>);

impl<'a, T> Listings<'a, T> {
    /// Adds the listing of one choice of a filter, and gives the choice.
    fn add(&mut self, label: &str, heading: String, path: String, list: Vec<&'a T>) -> Filter {
        let filter = Filter {
            label: label.to_string(),
            href: crate::project::href(&path),
            count: list.len(),
        };
        self.0.push(Listing {
            path,
            heading: Some(heading),
            letters: list,
        });
        filter
    }

    /// The newest year first.
    fn of_years(&mut self, years: BTreeMap<&str, Vec<&'a T>>) -> Vec<Filter> {
        (years.into_iter().rev())
            .map(|(year, list)| {
                let path = format!("{FILTER_DIR}/year/{year}.html");
                self.add(year, format!("{year}年"), path, list)
            })
            .collect()
    }

    /// The most written-to offices first: they are the ones looked for.
    fn of_offices(&mut self, to: BTreeMap<&str, Vec<&'a T>>) -> Vec<Filter> {
        let mut to: Vec<_> = to.into_iter().collect();
        to.sort_by_key(|(_, list)| std::cmp::Reverse(list.len()));
        let mut taken = HashSet::new();
        (to.into_iter())
            .map(|(name, list)| {
                let path = format!("{FILTER_DIR}/to/{}.html", unique(slug(name), &mut taken));
                self.add(name, format!("主送：{name}"), path, list)
            })
            .collect()
    }

    fn of_formats(&mut self, formats: BTreeMap<&str, (&str, Vec<&'a T>)>) -> Vec<Filter> {
        (formats.into_iter())
            .map(|(key, (label, list))| {
                let path = format!("{FILTER_DIR}/format/{key}.html");
                self.add(label, label.to_string(), path, list)
            })
            .collect()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(html: &str, date: &str, to: &[&str], format: (&str, &str)) -> Listed {
        let mut page = serde_json::Map::new();
        page.insert("title".into(), "标题".into());
        page.insert("text".into(), "正文".into());
        Listed {
            html: html.into(),
            date_iso: date.into(),
            to: to.iter().map(|s| s.to_string()).collect(),
            format_key: format.0.into(),
            format: format.1.into(),
            thumb: None,
            page,
        }
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
        let htmls = |p: &Listing<Listed>| -> Vec<String> {
            p.letters.iter().map(|l| l.html.clone()).collect()
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
}
