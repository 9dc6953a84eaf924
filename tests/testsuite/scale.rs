//! The site at the size of a real archive: 10,000 short letters, served by
//! gongwen's own server and read in headless Chromium. The first page of the
//! index stays light, fetches one page of pictures at most, and a search
//! fetches a small part of the index, as measured by the browser's own
//! performance entries.
//!
//! Only the site is made: the build is given a share (`--shard 1/N` with N
//! so large that no letter falls in it) that holds no letter, so each letter
//! gets its index entry and no PDF. The letters' own pages are not written;
//! the index, its filter pages and the search index are whole.
#![cfg(unix)]

use crate::browser::cdp::{Browser, Tab};
use crate::common::{stderr, Project};
use serde_json::Value;

const LETTERS: usize = 10_000;
const PAGE_SIZE: usize = 50;
/// Characters for each letter's own four-character word, found in no other letter.
const CODE: [char; 32] = [
    '甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸', '子', '丑', '寅', '卯', '辰', '巳',
    '午', '未', '申', '酉', '戌', '亥', '琴', '棋', '书', '画', '梅', '兰', '竹', '菊', '松', '柏',
];
const OFFICES: [&str; 5] = [
    "自治区财政厅",
    "银川市自然资源局",
    "石嘴山市自然资源局",
    "吴忠市自然资源局",
    "固原市自然资源局",
];

/// Letter `i`'s own word: `i` in base 32, four digits.
fn code_word(i: usize) -> String {
    (0..4).rev().map(|k| CODE[(i >> (5 * k)) & 31]).collect()
}

/// Letter `i`: dated one day after letter `i - 1` (from 1998), so that the
/// newest, letter 9999, is first in the index.
fn write_letters(project: &Project) {
    let start = chrono::NaiveDate::from_ymd_opt(1998, 1, 1).unwrap();
    for i in 0..LETTERS {
        let date = start + chrono::Days::new(i as u64);
        let year = chrono::Datelike::year(&date);
        let to = OFFICES[i % OFFICES.len()];
        project.write(
            &format!("letters/{year}/{i:05}.md"),
            format!(
                "---\ntitle: 关于第{i}号事项的函\nto: {to}\ndate: {date}\nnumber: 宁自然资函〔{year}〕{n}号\n---\n\n\
                 {to}：\n\n现将有关事项函告如下。请按照耕地保护和生态保护修复的要求，做好本年度项目储备工作，\
                 本函所涉事项代号{word}，请妥善办理。\n\n特此函告。\n",
                word = code_word(i),
                n = i + 1,
            ),
        );
    }
}

/// The archive, built once and served by gongwen's server for both tests.
fn served() -> &'static str {
    static SITE: std::sync::OnceLock<(Project, String)> = std::sync::OnceLock::new();
    &SITE
        .get_or_init(|| {
            let project = built();
            let out = project.output("").canonicalize().unwrap();
            let addr = gongwen::serve::start(&out, 0, gongwen::serve::Version::default()).unwrap();
            (project, format!("http://{addr}/"))
        })
        .1
}

fn built() -> Project {
    let project = Project::with_letters(&[]);
    let config = std::fs::read_to_string(project.root().join("gongwen.yaml")).unwrap();
    project.write("gongwen.yaml", format!("{config}page_size: {PAGE_SIZE}\n"));
    write_letters(&project);
    let out = project.build_with(&["--shard", &format!("1/{}", u64::MAX)], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    project
}

/// The bytes the page has fetched so far, by the browser's performance
/// entries of kind `which` whose address passes `filter` (a JavaScript
/// function), leaving out the server's live-reload poll (not part of the site).
fn fetched(browser: &mut Browser, tab: &mut Tab, which: &str, filter: &str) -> u64 {
    let js = format!(
        "performance.getEntriesByType('{which}')\
         .filter(e => !e.name.includes('{}') && ({filter})(e.name))\
         .reduce((n, e) => n + e.transferSize, 0)",
        gongwen::serve::VERSION_PATH
    );
    browser.eval(tab, &js).as_u64().unwrap()
}

const ALL: &str = "u => true";

fn strings(v: Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn ten_thousand_letters_make_a_light_index_and_a_search_that_fetches_little() {
    let site = served();
    let mut browser = Browser::launch();

    // The first page: itself, its stylesheet and its script; one page of pictures at most.
    let mut tab = browser.tab(true);
    browser.open(&mut tab, &format!("{site}index.html"));
    // The web fonts, fetched as this machine lacks 仿宋 and 黑体: the slices of the page's own characters.
    let weight = fetched(&mut browser, &mut tab, "navigation", ALL)
        + fetched(
            &mut browser,
            &mut tab,
            "resource",
            "u => /\\.(css|js)$/.test(u)",
        );
    let fonts = fetched(
        &mut browser,
        &mut tab,
        "resource",
        "u => u.includes('/fonts/')",
    );
    let pictures = tab
        .requests()
        .iter()
        .filter(|u| u.ends_with(".png"))
        .count();
    eprintln!(
        "first index page, with its CSS and JS: {weight} bytes; {pictures} pictures asked for; \
         web fonts {fonts} bytes"
    );
    assert!(weight < 300_000, "the first page weighs {weight} bytes");
    assert!(
        (1..3_000_000).contains(&fonts),
        "the first page fetched {fonts} bytes of web fonts"
    );
    assert!(
        (1..=PAGE_SIZE).contains(&pictures),
        "{pictures} pictures fetched"
    );
    let rows = "[...document.querySelectorAll('table.letters tbody td.title a')].map(a => a.getAttribute('href'))";
    let first = strings(browser.eval(&mut tab, rows));
    assert_eq!(first.len(), PAGE_SIZE);
    assert_eq!(first[0], letter_page(LETTERS - 1));

    // A word of one letter's body, typed in: that letter, for under 2 MB.
    let target = 1234;
    let js = format!(
        "performance.setResourceTimingBufferSize(100000); performance.clearResourceTimings();\
         document.getElementById('q').value = '{}';\
         document.getElementById('search').requestSubmit(); true",
        code_word(target)
    );
    browser.eval(&mut tab, &js);
    let heading = browser.wait_for(
        &mut tab,
        "document.querySelector('#search-results li') && document.querySelector('#search-results h2').textContent",
    );
    let hrefs = strings(browser.eval(
        &mut tab,
        "[...document.querySelectorAll('#search-results li h3 a')].map(a => a.getAttribute('href'))",
    ));
    let query = fetched(&mut browser, &mut tab, "resource", ALL);
    eprintln!("search for one letter's word: {query} bytes fetched");
    assert_eq!(hrefs, [letter_page(target)], "{heading}");
    assert_eq!(heading, format!("检索“{}”：找到 1 件", code_word(target)));
    assert!(query < 2_000_000, "the query fetched {query} bytes");
    assert_eq!(
        browser.eval(&mut tab, "new URL(location.href).searchParams.get('q')"),
        code_word(target)
    );

    // A word of every letter: the newest first, a page of them shown.
    let js = "document.getElementById('q').value = '耕地保护';\
              document.getElementById('search').requestSubmit(); true";
    browser.eval(&mut tab, js);
    let heading = browser.wait_for(
        &mut tab,
        "document.querySelectorAll('#search-results li').length > 0 && document.querySelector('#search-results h2').textContent",
    );
    assert_eq!(heading, format!("检索“耕地保护”：找到 {LETTERS} 件"));

    // Nothing was refused or broken; what is missing is the pictures this
    // build does not draw (and the browser's own favicon.ico).
    let errors = tab.errors_but_not_found();
    assert_eq!(errors, Vec::<String>::new());
}

#[test]
fn pages_are_numbered_links_that_work_without_javascript() {
    let site = served();
    let mut browser = Browser::launch();
    let mut tab = browser.tab(false);

    let links =
        "[...document.querySelectorAll('nav.pages a, nav.pages .gap')].map(a => a.textContent)";
    let current = "document.querySelector('nav.pages a[aria-current=page]').textContent";
    let rows = "[...document.querySelectorAll('table.letters tbody td.title a')].map(a => a.getAttribute('href'))";
    browser.open(&mut tab, &format!("{site}index.html"));
    assert_eq!(
        strings(browser.eval(&mut tab, links)),
        ["1", "2", "3", "…", "200", "下一页"]
    );
    assert_eq!(browser.eval(&mut tab, current), "1");

    // Following 下一页, then a number, as a reader clicks them.
    for (link, path, page) in [
        ("下一页", "_by/page/2.html", 2),
        ("200", "_by/page/200.html", 200),
    ] {
        let href = browser.eval(
            &mut tab,
            &format!("[...document.querySelectorAll('nav.pages a')].find(a => a.textContent === '{link}').href"),
        );
        assert_eq!(href, format!("{site}{path}"));
        browser.open(&mut tab, href.as_str().unwrap());
        assert_eq!(browser.eval(&mut tab, current), page.to_string());
        let shown = strings(browser.eval(&mut tab, rows));
        assert_eq!(shown.len(), PAGE_SIZE);
        let newest = LETTERS - (page - 1) * PAGE_SIZE - 1;
        assert_eq!(shown[0], format!("../../{}", letter_page(newest)));
    }
    assert_eq!(
        strings(browser.eval(&mut tab, links)),
        ["上一页", "1", "…", "198", "199", "200"]
    );

    // A filter's pages: 2001 has 365 letters, 8 pages, the second beside the first.
    browser.open(&mut tab, &format!("{site}_by/year/2001.html"));
    assert_eq!(
        strings(browser.eval(&mut tab, links)),
        ["1", "2", "3", "…", "8", "下一页"]
    );
    assert_eq!(
        browser.eval(
            &mut tab,
            "document.querySelector('nav.pages a[rel=next]').href"
        ),
        format!("{site}_by/year/2001/2.html")
    );
    browser.open(&mut tab, &format!("{site}_by/year/2001/8.html"));
    assert_eq!(
        strings(browser.eval(&mut tab, rows)).len(),
        365 - 7 * PAGE_SIZE
    );
    assert_eq!(
        browser.eval(
            &mut tab,
            "document.querySelector('nav.filters a[aria-current=page]').firstChild.textContent"
        ),
        "2001"
    );
    assert_eq!(
        browser.eval(&mut tab, "document.querySelector('h2.listing').textContent"),
        "2001年365 件第 8 页，共 8 页"
    );
}

/// The page of letter `i`, relative to `output/`.
fn letter_page(i: usize) -> String {
    let date = chrono::NaiveDate::from_ymd_opt(1998, 1, 1).unwrap() + chrono::Days::new(i as u64);
    format!("{}/{i:05}.html", chrono::Datelike::year(&date))
}
