//! The intranet site in a real browser: headless Chromium (Debian's
//! `chromium`, which CI installs) opens the built pages from file://, as a
//! reader opening output/ from a shared drive would, and over gongwen's own
//! server for search, which fetches its index. It checks that search finds
//! words of letter bodies, that everything else works with JavaScript off,
//! and — from the browser's own record of requests — that no page asks for
//! anything outside output/.
#![cfg(unix)]

#[path = "browser/cdp.rs"]
pub mod cdp;
use crate::common;

use crate::common::Project;
use cdp::{Browser, Tab};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

fn built() -> &'static Project {
    Project::repo_letters_built()
}

/// `output/` as a file:// URL, ending in `/`.
fn site(project: &Project) -> String {
    format!(
        "file://{}/",
        project.output("").canonicalize().unwrap().display()
    )
}

/// The requests that went anywhere but into `output/`.
fn outside(tab: &Tab, site: &str) -> Vec<String> {
    tab.requests()
        .into_iter()
        .filter(|u| !u.starts_with(site))
        .collect()
}

fn assert_stayed_inside(tab: &Tab, site: &str, page: &str) {
    let requests = tab.requests();
    assert!(!requests.is_empty(), "{page}: no request seen at all");
    assert_eq!(
        outside(tab, site),
        Vec::<String>::new(),
        "{page} reached outside output/"
    );
    assert_eq!(tab.errors(), Vec::<String>::new(), "{page} logged errors");
}

/// The hrefs of the search results on the page, once the script has shown them.
fn results(browser: &mut Browser, tab: &mut Tab) -> (String, Vec<String>, Vec<String>) {
    let heading = browser.wait_for(
        tab,
        "document.querySelector('#search-results h2')?.textContent",
    );
    let hrefs = browser.eval(
        tab,
        "[...document.querySelectorAll('#search-results li h3 a')].map(a => a.getAttribute('href'))",
    );
    let marks = browser.eval(
        tab,
        "[...document.querySelectorAll('#search-results mark')].map(m => m.textContent)",
    );
    let strings = |v: serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    (
        heading.as_str().unwrap().to_string(),
        strings(hrefs),
        strings(marks),
    )
}

/// Types `query` into the search box and submits it, as a reader would.
fn search(browser: &mut Browser, tab: &mut Tab, query: &str) -> (String, Vec<String>, Vec<String>) {
    browser.eval(
        tab,
        &format!(
            "document.querySelector('#search-results').textContent = '';\
             document.getElementById('q').value = {};\
             document.getElementById('search').requestSubmit(); true",
            serde_json::to_string(query).unwrap()
        ),
    );
    results(browser, tab)
}

#[test]
fn search_finds_words_of_letter_bodies_over_http() {
    let project = built();
    let out = project.output("").canonicalize().unwrap();
    let addr = gongwen::serve::start(&out, 0, gongwen::serve::Version::default()).unwrap();
    let site = format!("http://{addr}/");
    let mut browser = Browser::launch();
    let mut tab = browser.tab(true);

    // A word of the 2022 letter's body, not of its title: the query comes in the address.
    let q = utf8_percent_encode("生态补偿", NON_ALPHANUMERIC);
    browser.open(&mut tab, &format!("{site}index.html?q={q}"));
    let (heading, hrefs, marks) = results(&mut browser, &mut tab);
    assert_eq!(heading, "检索“生态补偿”：找到 1 件");
    assert_eq!(hrefs, ["2022/ningxia-70-proposal.html"]);
    assert!(
        marks.iter().all(|m| m == "生态补偿") && !marks.is_empty(),
        "{marks:?}"
    );
    assert_eq!(
        browser.eval(&mut tab, "document.getElementById('listing').hidden"),
        true,
        "the full list gives way to the results"
    );
    assert_eq!(
        browser.eval(&mut tab, "document.getElementById('q').value"),
        "生态补偿"
    );

    // In an attachment's table only; in the titles; two words, both required; nowhere.
    let (_, hrefs, _) = search(&mut browser, &mut tab, "红寺堡");
    assert_eq!(hrefs, ["2023/document-format-example.html"]);
    let (_, hrefs, _) = search(&mut browser, &mut tab, "复函");
    assert_eq!(hrefs, ["2024/letter-format-reply.html"]);
    let (_, hrefs, _) = search(&mut browser, &mut tab, "耕地　银川");
    assert_eq!(hrefs, ["2024/letter-format-reply.html"]);
    let (_, hrefs, _) = search(&mut browser, &mut tab, "资金");
    assert_eq!(
        hrefs,
        [
            "2023/document-format-example.html",
            "2022/ningxia-70-proposal.html"
        ],
        "newest first"
    );
    let (_, hrefs, _) = search(&mut browser, &mut tab, "耕地");
    assert_eq!(
        hrefs,
        [
            "2024/letter-format-reply.html",
            "2022/ningxia-70-proposal.html"
        ],
        "newest first"
    );
    // A 发文字号, cited in another letter's text; a name in a body.
    let (_, hrefs, marks) = search(&mut browser, &mut tab, "宁自然资函〔2024〕33号");
    assert_eq!(hrefs, ["2024/letter-format-reply.html"]);
    assert_eq!(marks, ["宁自然资函〔2024〕33号"]);
    let (_, hrefs, _) = search(&mut browser, &mut tab, "王波");
    assert_eq!(hrefs, ["2022/ningxia-70-proposal.html"]);
    let (heading, hrefs, _) = search(&mut browser, &mut tab, "函");
    assert!(hrefs.is_empty());
    assert_eq!(heading, "检索“函”：请输入两个字以上的词，如：耕地。");
    let (heading, hrefs, _) = search(&mut browser, &mut tab, "火星基地");
    assert_eq!(heading, "检索“火星基地”：没有找到");
    assert!(hrefs.is_empty());

    // A result leads to its letter.
    let (_, hrefs, _) = search(&mut browser, &mut tab, "生态补偿");
    let target = browser.eval(
        &mut tab,
        "document.querySelector('#search-results li h3 a').href",
    );
    assert_eq!(target, format!("{site}{}", hrefs[0]));

    let requests = tab.requests();
    assert!(
        requests
            .iter()
            .any(|u| u.ends_with("assets/search/index.json")),
        "{requests:?}"
    );
    // Over HTTP the browser asks for /favicon.ico on its own; the site has none.
    let missing: Vec<&str> = tab
        .events
        .iter()
        .filter(|e| {
            e["method"] == "Network.responseReceived" && e["params"]["response"]["status"] == 404
        })
        .map(|e| e["params"]["response"]["url"].as_str().unwrap())
        .collect();
    assert!(
        missing.iter().all(|u| *u == format!("{site}favicon.ico")),
        "{missing:?}"
    );
    assert_eq!(outside(&tab, &site), Vec::<String>::new());
    let errors = tab.errors_but_not_found();
    assert_eq!(errors, Vec::<String>::new());
}

/// From file://, where a browser will not fetch, the index says that search
/// needs the server, shows no dead box, and its filters still work.
#[test]
fn opened_from_a_folder_the_index_says_search_needs_the_server() {
    let site = site(built());
    let mut browser = Browser::launch();
    let mut tab = browser.tab(true);
    browser.open(&mut tab, &format!("{site}index.html?q=耕地"));
    assert_eq!(
        browser.eval(&mut tab, "document.getElementById('search').hidden"),
        true
    );
    let note = browser.eval(
        &mut tab,
        "(e => !e.hidden && e.textContent)(document.getElementById('search-offline'))",
    );
    assert!(
        note.as_str()
            .unwrap()
            .starts_with("全文检索要经网站服务器打开"),
        "{note}"
    );
    assert_eq!(
        browser.eval(&mut tab, "document.getElementById('listing').hidden"),
        false,
        "the list stays"
    );
    assert_stayed_inside(&tab, &site, "index.html from file://");
}

#[test]
fn pages_work_without_javascript_and_load_nothing_from_outside() {
    let project = built();
    let site = site(project);
    let mut browser = Browser::launch();
    let mut tab = browser.tab(false);

    browser.open(&mut tab, &format!("{site}index.html"));
    let rows = "[...document.querySelectorAll('table.letters tbody tr td.title a')].map(a => a.getAttribute('href'))";
    assert_eq!(
        browser.eval(&mut tab, rows),
        serde_json::json!([
            "2024/letter-format-reply.html",
            "2023/document-format-example.html",
            "2022/ningxia-70-proposal.html"
        ])
    );
    assert_eq!(
        browser.eval(
            &mut tab,
            "getComputedStyle(document.getElementById('search')).display"
        ),
        "none",
        "no search box when there is no script to run it"
    );
    // Every thumbnail is there and drawn.
    assert_eq!(
        browser.eval(
            &mut tab,
            "[...document.images].filter(i => i.complete && i.naturalWidth > 200).length"
        ),
        3
    );
    assert_stayed_inside(&tab, &site, "index.html");

    // The filters are plain links to pages of their own.
    for (link, expected) in [
        ("2023", "2023/document-format-example.html"),
        ("信函格式", "2024/letter-format-reply.html"),
        ("自治区财政厅", "2022/ningxia-70-proposal.html"),
    ] {
        let href = browser.eval(
            &mut tab,
            &format!(
                "[...document.querySelectorAll('nav.filters a')].find(a => a.firstChild.textContent === '{link}').href"
            ),
        );
        browser.open(&mut tab, href.as_str().unwrap());
        let rows =
            "[...document.querySelectorAll('table.letters tbody tr td.title a')].map(a => a.href)";
        assert_eq!(
            browser.eval(&mut tab, rows),
            serde_json::json!([format!("{site}{expected}")]),
            "filter {link}"
        );
        assert_eq!(
            browser.eval(
                &mut tab,
                "document.querySelector('nav.filters a[aria-current=page]').firstChild.textContent"
            ),
            link
        );
        assert_stayed_inside(&tab, &site, href.as_str().unwrap());
    }

    // A letter's page: its title, its language, its sheet set in 仿宋, its PDF.
    browser.open(&mut tab, &format!("{site}2022/ningxia-70-proposal.html"));
    assert_eq!(
        browser.eval(&mut tab, "document.title"),
        "关于自治区政协十一届五次会议第70号提案协办意见的函 · 宁夏回族自治区自然资源厅 公文"
    );
    assert_eq!(
        browser.eval(&mut tab, "document.documentElement.lang"),
        "zh-CN"
    );
    assert_eq!(
        browser.eval(&mut tab, "document.querySelector('h1').textContent"),
        "关于自治区政协十一届五次会议第70号提案协办意见的函"
    );
    assert_eq!(
        browser.eval(
            &mut tab,
            "getComputedStyle(document.querySelector('article .body p')).fontFamily"
        ),
        "\"GW Fang\", \"GW Rare\", serif",
        "the stylesheet applies"
    );
    assert_eq!(
        browser.eval(&mut tab, "document.querySelector('a.pdf').href"),
        format!("{site}2022/ningxia-70-proposal.pdf")
    );
    assert!(project.output("2022/ningxia-70-proposal.pdf").is_file());
    assert_stayed_inside(&tab, &site, "the letter");
}

/// The check above relies on the browser reporting file:// requests; a page
/// that reaches outside output/ must be caught, or the check proves nothing.
#[test]
fn a_page_reaching_outside_output_is_caught() {
    let project = built();
    let site = site(project);
    std::fs::write(
        project.output("probe.html"),
        "<!DOCTYPE html><title>x</title><link rel=stylesheet href=\"assets/style.css\"><img src=\"../letters/2022/x.png\">",
    )
    .unwrap();
    let mut browser = Browser::launch();
    let mut tab = browser.tab(false);
    browser.open(&mut tab, &format!("{site}probe.html"));
    let escaped = outside(&tab, &site);
    assert_eq!(escaped.len(), 1, "{:?}", tab.requests());
    assert!(escaped[0].ends_with("/letters/2022/x.png"), "{escaped:?}");
    assert!(tab.requests().contains(&format!("{site}assets/style.css")));

    // And what a page's policy blocks shows up among its errors.
    std::fs::write(
        project.output("probe-csp.html"),
        "<!DOCTYPE html><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\">\
         <title>x</title><link rel=stylesheet href=\"assets/style.css\">",
    )
    .unwrap();
    browser.open(&mut tab, &format!("{site}probe-csp.html"));
    let errors = tab.errors();
    assert!(
        errors.iter().any(|e| e.contains("Content Security Policy")),
        "{errors:?}"
    );
}

/// Chromium's own print of each letter's page: A4, the 版心 of GB/T 9704
/// (text from 28 mm to 184 mm, 28.99 pt a line), as many pages as the PDF.
#[test]
fn letter_pages_print_on_a4_like_the_pdf() {
    use crate::common::{pdf_info, pdf_words, MM};
    let project = built();
    let site = site(project);
    let profile = tempfile::tempdir().unwrap();
    let value = |info: &[(String, String)], key: &str| {
        info.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    for letter in [
        "2022/ningxia-70-proposal",
        "2023/document-format-example",
        "2024/letter-format-reply",
    ] {
        let printed = profile.path().join("print.pdf");
        let out = std::process::Command::new(cdp::CHROMIUM)
            .args(cdp::FLAGS)
            .arg(format!(
                "--user-data-dir={}",
                profile.path().join("profile").display()
            ))
            .arg("--no-pdf-header-footer")
            .arg(format!("--print-to-pdf={}", printed.display()))
            .arg(format!("{site}{letter}.html"))
            .stdin(std::process::Stdio::null())
            .output()
            .expect("chromium runs");
        assert!(
            printed.is_file(),
            "{letter}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let info = pdf_info(&printed);
        assert!(
            value(&info, "Page size").contains("(A4)"),
            "{letter}: {info:?}"
        );
        let typst = pdf_info(&project.output(&format!("{letter}.pdf")));
        // Close to the PDF, not equal: the PDF may add a page to put its 版记
        // on an even page, which print CSS cannot know.
        let printed_pages: i64 = value(&info, "Pages").parse().unwrap();
        let pdf_pages: i64 = value(&typst, "Pages").parse().unwrap();
        assert!(
            (printed_pages - pdf_pages).abs() <= 1,
            "{letter}: {printed_pages} pages printed, {pdf_pages} in the PDF"
        );

        // The long lines of the first page's body.
        let (_, words) = pdf_words(&printed);
        let body: Vec<_> = words
            .iter()
            .filter(|w| w.page == 1 && w.text.chars().count() >= 20)
            .collect();
        assert!(body.len() >= 3, "{letter}: {body:?}");
        let left = body.iter().map(|w| w.x0).fold(f64::MAX, f64::min);
        let right = body.iter().map(|w| w.x1).fold(0.0, f64::max);
        assert!(
            (left - 28.0 * MM).abs() < 0.5 * MM,
            "{letter}: text starts {:.1} mm in",
            left / MM
        );
        assert!(
            (right - 184.0 * MM).abs() < 0.5 * MM,
            "{letter}: text ends {:.1} mm in",
            right / MM
        );
        let pitches: Vec<f64> = body
            .windows(2)
            .map(|w| w[1].y0 - w[0].y0)
            .filter(|d| *d < 31.0)
            .collect();
        let pitch = pitches.iter().sum::<f64>() / pitches.len() as f64;
        assert!(
            (pitch - 28.99).abs() < 0.3,
            "{letter}: lines {pitch:.2} pt apart"
        );
        std::fs::remove_file(&printed).unwrap();
    }
}

/// Letters whose file names hold what a URL gives a meaning to: a space,
/// `#` (a fragment), `?` (a query), `%` (an escape), `&`, and Chinese.
const ODD_NAMES: &[(&str, &str)] = &[
    ("t/name with #hash ?q.md", "关于井号问号的函"),
    ("t/50% & more.md", "关于百分号的函"),
    ("t/复函 甲.md", "关于中文名的函"),
];

/// Every link and picture of the page open in `tab`, as the browser
/// resolved it: the file it asks for (its path, decoded), for those that
/// lead into `output/`, and whether that file is there.
fn resolved_links(browser: &mut Browser, tab: &mut Tab, project: &Project) -> Vec<(String, bool)> {
    let urls = browser.eval(
        tab,
        "[...document.querySelectorAll('a[href], img[src], link[href]')]\
           .map(e => new URL(e.href || e.src))\
           .filter(u => u.protocol === 'file:')\
           .map(u => u.pathname)",
    );
    let out = project.output("").canonicalize().unwrap();
    urls.as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let path = percent_encoding::percent_decode_str(u.as_str().unwrap())
                .decode_utf8()
                .unwrap()
                .into_owned();
            let file = std::path::Path::new(&path);
            let there = file.starts_with(&out) && file.is_file();
            (path, there)
        })
        .collect()
}

/// Fails unless every link of the page in `tab` leads to a file of `output/`;
/// returns how many there were.
fn assert_links_resolve(
    browser: &mut Browser,
    tab: &mut Tab,
    project: &Project,
    page: &str,
) -> usize {
    let links = resolved_links(browser, tab, project);
    let dead: Vec<&String> = links.iter().filter(|(_, ok)| !ok).map(|(p, _)| p).collect();
    assert!(dead.is_empty(), "{page}: dead links {dead:?}");
    links.len()
}

#[test]
fn links_to_letters_with_odd_file_names_resolve() {
    let project = Project::with_letters(&[]);
    for (name, title) in ODD_NAMES {
        project.write(
            &format!("letters/{name}"),
            format!(
                "---\ntitle: {title}\nto: 某局 #1 ?&%\ndate: 2024-03-01\n---\n\n正文。\n\n![图](<图 #1?&%.png>)\n"
            ),
        );
    }
    std::fs::copy(
        common::manifest().join("tests/fixtures/features/letters/map.png"),
        project.root().join("letters/t/图 #1?&%.png"),
    )
    .unwrap();
    let out = project.build();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Written percent-encoded, Chinese too: as any server and any tool reads them.
    let index = project.read("index.html");
    for encoded in [
        "href=\"t/name%20with%20%23hash%20%3Fq.html\"",
        "href=\"t/50%25%20%26%20more.pdf\"",
        "href=\"t/%E5%A4%8D%E5%87%BD%20%E7%94%B2.html\"",
    ] {
        assert!(index.contains(encoded), "no {encoded} in:\n{index}");
    }
    let site = site(&project);
    let mut browser = Browser::launch();
    let mut tab = browser.tab(true);

    browser.open(&mut tab, &format!("{site}index.html"));
    // 3 letters × (picture, title, page, PDF), the filters, the stylesheet.
    assert!(assert_links_resolve(&mut browser, &mut tab, &project, "index.html") >= 12);
    let pages = browser.eval(
        &mut tab,
        "[...document.querySelectorAll('table.letters td.title a, nav.filters a')].map(a => a.href)",
    );
    let pages: Vec<String> = pages
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    // The letters, then 全部 and one filter each of year, 主送机关 and format.
    assert_eq!(pages.len(), ODD_NAMES.len() + 4, "{pages:?}");
    let mut titles = Vec::new();
    for page in &pages {
        browser.open(&mut tab, page);
        assert_links_resolve(&mut browser, &mut tab, &project, page);
        titles.push(browser.eval(&mut tab, "document.querySelector('h1').textContent"));
        // The picture in a letter's body is drawn.
        if page.ends_with(".html") && !page.contains("_by") && !page.ends_with("index.html") {
            assert_eq!(
                browser.eval(&mut tab, "[...document.querySelectorAll('article img')].filter(i => i.complete && i.naturalWidth > 0).length"),
                1,
                "{page}"
            );
        }
    }
    for (_, title) in ODD_NAMES {
        assert!(
            titles.iter().any(|t| t == title),
            "{title} never reached: {titles:?}"
        );
    }

    // The search's links too, over HTTP as search needs.
    let out = project.output("").canonicalize().unwrap();
    let addr = gongwen::serve::start(&out, 0, gongwen::serve::Version::default()).unwrap();
    let site = format!("http://{addr}/");
    browser.open(&mut tab, &format!("{site}index.html"));
    let (heading, hrefs, _) = search(&mut browser, &mut tab, "正文");
    assert_eq!(heading, "检索“正文”：找到 3 件");
    assert_eq!(hrefs.len(), 3);
    // As the browser reads each link: a `#` or `?` left raw would cut the path short.
    let paths = browser.eval(
        &mut tab,
        "[...document.querySelectorAll('#search-results li h3 a')].map(a => new URL(a.href).pathname)",
    );
    for path in paths.as_array().unwrap() {
        let path = percent_encoding::percent_decode_str(path.as_str().unwrap())
            .decode_utf8()
            .unwrap()
            .into_owned();
        let file = out.join(path.trim_start_matches('/'));
        assert!(
            file.is_file(),
            "a search result leads to {path}, not a page"
        );
    }
    let first = browser.eval(
        &mut tab,
        "document.querySelector('#search-results li h3 a').href",
    );
    browser.open(&mut tab, first.as_str().unwrap());
    let title = browser.eval(&mut tab, "document.querySelector('h1').textContent");
    assert!(ODD_NAMES.iter().any(|(_, t)| title == *t), "{title}");
    assert_stayed_inside(&tab, &site, "a letter with an odd name");
}
