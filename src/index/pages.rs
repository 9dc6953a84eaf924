//! Pagination: each listing cut into pages of `page_size` letters, with
//! stable paths and a short line of page numbers under the list.

use serde::Serialize;

use super::filters::Listing;
use super::FILTER_DIR;

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

/// One page of a listing.
pub struct Page<'l, T> {
    pub path: String,
    /// The listing's first page.
    pub first: &'l str,
    pub heading: Option<&'l str>,
    /// From 1, of `count`.
    pub number: usize,
    pub count: usize,
    /// All the letters of the listing, on this page or not.
    pub listed: usize,
    pub letters: &'l [&'l T],
}

impl<T> Page<'_, T> {
    /// The link to page `n` of this listing, if it has one.
    pub fn neighbour(&self, n: usize) -> Option<String> {
        (1..=self.count)
            .contains(&n)
            .then(|| crate::project::href(&page_path(self.first, n)))
    }
}

/// The listings cut into pages of `size` letters; an empty listing still has its one page.
pub fn paginate<'l, T>(listings: &'l [Listing<'l, T>], size: usize) -> Vec<Page<'l, T>> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
