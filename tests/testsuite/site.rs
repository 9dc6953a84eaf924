//! The intranet site's files, read back: the filter pages, the thumbnails,
//! the search index, the pages' Content-Security-Policy and the colours'
//! contrast. `browser.rs` runs the same pages in Chromium.

use crate::common::*;

fn built() -> &'static Project {
    Project::repo_letters_built()
}

const LETTERS: [&str; 3] = [
    "2022/ningxia-70-proposal",
    "2023/document-format-example",
    "2024/letter-format-reply",
];

/// Width and height from a PNG's header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn every_letter_has_an_a4_thumbnail_on_the_index() {
    let index = built().read("index.html");
    for letter in LETTERS {
        let png = std::fs::read(built().output(&format!("{letter}.png"))).unwrap();
        // A4 at 28 pixels per inch.
        assert_eq!(png_size(&png), (231, 327), "{letter}");
        assert!(
            index.contains(&format!(
                "<img src=\"{letter}.png\" alt=\"\" width=\"116\" height=\"164\" loading=\"lazy\">"
            )),
            "{letter}"
        );
    }
}

#[test]
fn filter_pages_list_their_letters_with_links_back_to_output() {
    let year = built().read("_by/year/2023.html");
    assert!(year.contains("<title>2023年 · 宁夏回族自治区自然资源厅 公文</title>"));
    assert!(year.contains("<a href=\"../../2023/document-format-example.html\">关于做好2023年度生态保护修复项目储备工作的通知</a>"));
    assert!(
        !year.contains("ningxia-70-proposal.html") && !year.contains("letter-format-reply.html")
    );
    assert!(year.contains("<link rel=\"stylesheet\" href=\"../../assets/style.css\">"));
    assert!(year.contains("<img src=\"../../2023/document-format-example.png\""));
    assert!(year.contains("<a href=\"../../_by/year/2023.html\" aria-current=\"page\">2023<span class=\"n\">1</span></a>"));

    let office = built().read("_by/to/各市、县（区）自然资源局.html");
    assert!(office.contains("document-format-example.html"));
    assert!(!office.contains("ningxia-70-proposal.html"));
    let letter = built().read("_by/format/letter.html");
    assert!(letter.contains("<h2 class=\"listing\">信函格式<span class=\"n\">1 件</span></h2>"));
    assert!(letter.contains("letter-format-reply.html"));

    // Every filter on the full index leads to a page that exists.
    let index = built().read("index.html");
    let mut filters = 0;
    for (i, _) in index.match_indices("href=\"_by/") {
        let href = &index[i + 6..];
        let href = &href[..href.find('"').unwrap()];
        let file = percent_encoding::percent_decode_str(href)
            .decode_utf8()
            .unwrap();
        assert!(built().output(&file).is_file(), "{href}");
        filters += 1;
    }
    // 3 years, 3 formats, 5 offices.
    assert_eq!(filters, 11);
}

#[test]
fn the_search_index_holds_titles_and_bodies_and_attachments() {
    let project = built();
    let json = |path: &str| -> serde_json::Value {
        serde_json::from_str(&project.read(&format!("assets/search/{path}"))).unwrap()
    };
    let manifest = json("index.json");
    assert_eq!(manifest["letters"], 3);
    let meta = json("meta/0.json");
    let urls: Vec<&str> = meta
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d[0].as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        [
            "2024/letter-format-reply.html",
            "2023/document-format-example.html",
            "2022/ningxia-70-proposal.html"
        ]
    );
    assert_eq!(
        meta[1],
        serde_json::json!([
            "2023/document-format-example.html",
            "关于做好2023年度生态保护修复项目储备工作的通知",
            "宁自然资发〔2023〕12号",
            "2023年3月8日",
            "各市、县（区）自然资源局、宁东能源化工基地自然资源局、厅机关各处室、各直属单位"
        ])
    );
    let text = json("text/0.json")[1].as_str().unwrap().to_string();
    assert!(text.starts_with("为深入贯彻党的二十大精神"), "{text}");
    assert!(
        text.contains("红寺堡区"),
        "the attachment's table is searchable"
    );
    assert!(
        !text.contains('<') && !text.contains("**"),
        "plain text: {text}"
    );
    // The attachment's words are in the bigram index, under letter 1 only.
    let shards = manifest["shards"].as_u64().unwrap() as u32;
    for bigram in ["红寺", "寺堡"] {
        let shard = json(&format!(
            "bigrams/{}.json",
            gongwen::search::hash(bigram) % shards
        ));
        assert_eq!(shard[bigram], serde_json::json!([1]), "{bigram}");
    }
}

/// The `content` of the page's Content-Security-Policy, by directive.
fn csp(html: &str) -> Vec<(String, Vec<String>)> {
    let key = "http-equiv=\"Content-Security-Policy\" content=\"";
    let start = html.find(key).expect("a Content-Security-Policy") + key.len();
    let policy = &html[start..start + html[start..].find('"').unwrap()];
    policy
        .split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace();
            let name = words.next()?.to_string();
            Some((name, words.map(String::from).collect()))
        })
        .collect()
}

#[test]
fn pages_allow_only_their_own_scripts_and_no_inline_script() {
    let mut pages = vec!["index.html".to_string(), "_by/year/2022.html".to_string()];
    pages.extend(LETTERS.iter().map(|l| format!("{l}.html")));
    for page in &pages {
        let html = built().read(page);
        let policy = csp(&html);
        let get = |name: &str| {
            policy
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(
            get("default-src"),
            Some(vec!["'none'".to_string()]),
            "{page}"
        );
        let scripts = get("script-src");
        if page.starts_with("20") {
            assert_eq!(scripts, None, "{page}: a letter runs no script");
            assert!(!html.contains("<script"), "{page}");
        } else {
            assert_eq!(scripts, Some(vec!["'self'".to_string()]), "{page}");
            for (i, _) in html.match_indices("<script") {
                let tag = &html[i..i + html[i..].find('>').unwrap()];
                assert!(
                    tag.contains(" src=\"") && html[i..].starts_with(&format!("{tag}></script>")),
                    "{page}: inline script {tag}"
                );
            }
        }
        for (name, sources) in &policy {
            for s in sources {
                assert!(
                    s == "'self'"
                        || s == "'none'"
                        || (s == "'unsafe-inline'" && name == "style-src-attr"),
                    "{page}: {name} allows {s}"
                );
            }
        }
        assert!(
            !html.contains(" onclick=") && !html.contains(" onload="),
            "{page}"
        );
    }
}

/// WCAG 2.1 relative luminance of `#rrggbb`.
fn luminance(hex: &str) -> f64 {
    let channel = |i: usize| {
        let c = u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap() as f64 / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (a, b) = (luminance(a), luminance(b));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

#[test]
fn text_colours_pass_wcag_aa_contrast() {
    let css = built().read("assets/style.css");
    let colour = |name: &str| -> String {
        let key = format!("--{name}: ");
        let at = css.find(&key).unwrap_or_else(|| panic!("no {key}")) + key.len();
        css[at..at + 7].to_string()
    };
    // Each text colour on each background it is set on.
    for (text, background) in [
        ("ink", "paper"),
        ("ink", "desk"),
        ("ink", "mark"),
        ("muted", "paper"),
        ("muted", "desk"),
        ("link", "paper"),
        ("link", "desk"),
        ("red", "paper"),
        ("red", "desk"),
        ("paper", "link"),
    ] {
        let ratio = contrast(&colour(text), &colour(background));
        assert!(
            ratio >= 4.5,
            "{text} on {background}: {ratio:.2}:1 is under 4.5:1"
        );
    }
    assert!(contrast("#5f6368", "#ffffff") > 6.0, "the formula itself");
}

#[test]
fn filter_pages_no_letter_needs_any_more_are_removed() {
    let project = Project::repo_letters();
    assert!(project.build().status.success());
    assert!(project.output("_by/format/letter.html").is_file());
    std::fs::remove_file(project.root().join("letters/2024/letter-format-reply.md")).unwrap();
    assert!(project.build().status.success());
    for gone in [
        "_by/format/letter.html",
        "_by/year/2024.html",
        "_by/to/银川市自然资源局.html",
    ] {
        assert!(!project.output(gone).exists(), "{gone} is left");
    }
    assert!(project.output("_by/year/2023.html").is_file());
    assert!(!project.read("index.html").contains("_by/year/2024.html"));
}

/// The pictures are drawn from the PDFs without typst: a letter costs one
/// layout, and a missing picture is drawn again from the PDF in place.
/// A PDF in place that does not read is reported against its letter.
#[test]
fn pictures_come_from_the_pdf_without_a_typst_run() {
    let project = Project::with_letters(&[
        (
            "2024/a.md",
            &letter("关于甲事的函", "2024-03-01", "甲事正文。"),
        ),
        (
            "2024/b.md",
            &letter("关于乙事的函", "2024-03-02", "乙事正文。"),
        ),
    ]);
    let spy = TypstSpy::new();
    let out = project.build_with(&["--jobs", "1"], &spy.env());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calls = spy.take_calls();
    assert_eq!(compiles(&calls).len(), 1, "one layout run: {calls:?}");
    let first = std::fs::read(project.output("2024/b.png")).unwrap();

    std::fs::remove_file(project.output("2024/b.png")).unwrap();
    let out = project.build_with(&[], &spy.env());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calls = spy.take_calls();
    assert_eq!(compiles(&calls).len(), 0, "no layout: {calls:?}");
    assert_eq!(std::fs::read(project.output("2024/b.png")).unwrap(), first);
    project.assert_no_scratch();

    std::fs::remove_file(project.output("2024/b.png")).unwrap();
    std::fs::write(project.output("2024/b.pdf"), "%PDF-1.7 cut short").unwrap();
    let out = project.build_with(&[], &spy.env());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: letters/2024/b.md: cannot draw the PDF's first page for the index: the PDF does not read back"),
        "{stderr}"
    );
    assert!(!project.output("2024/b.png").exists());
    assert!(project.output("2024/a.png").is_file());
    project.assert_no_scratch();
}

/// The picture is page 1 as printed: white paper, the red 版头 rule and
/// dark text inside the 版心, nothing in the margins.
#[test]
fn a_picture_shows_the_first_page_as_printed() {
    let (width, height, rgb) =
        decode_png_rgb(&std::fs::read(built().output("2023/document-format-example.png")).unwrap());
    assert_eq!((width, height), (231, 327));
    let px = |x: usize, y: usize| {
        let i = (y * width + x) * 3;
        (rgb[i], rgb[i + 1], rgb[i + 2])
    };
    let mm = |v: f64| (v * 28.0 / 25.4).round() as usize;
    let is_red = |(r, g, b): (u8, u8, u8)| r > 180 && g < 120 && b < 120;
    let is_dark = |(r, g, b): (u8, u8, u8)| r < 140 && g < 140 && b < 140;
    let count = |xs: std::ops::Range<usize>,
                 ys: std::ops::Range<usize>,
                 f: &dyn Fn((u8, u8, u8)) -> bool| {
        ys.flat_map(|y| xs.clone().map(move |x| (x, y)))
            .filter(|&(x, y)| f(px(x, y)))
            .count()
    };
    let (left, right) = (mm(28.0), mm(28.0 + 156.0));
    // 发文机关标志 and the red rule under it, all in the 版心's upper part.
    assert!(
        count(left..right, mm(37.0)..mm(120.0), &is_red) > 200,
        "red 版头"
    );
    assert!(
        count(left..right, mm(120.0)..mm(262.0), &is_dark) > 500,
        "body text"
    );
    // Margins stay paper white.
    let white = |c: (u8, u8, u8)| c == (255, 255, 255);
    assert_eq!(
        count(0..mm(20.0), 0..height, &|c| !white(c)),
        0,
        "left margin"
    );
    assert_eq!(
        count(0..width, 0..mm(25.0), &|c| !white(c)),
        0,
        "top margin"
    );
}

/// `thumbnails: false` in gongwen.yaml: no pictures drawn, none listed, and
/// those of an earlier build are removed. A value that is not true or false
/// is an error that names the file, the line and the field.
#[test]
fn thumbnails_can_be_turned_off_for_a_large_archive() {
    let project = Project::with_letters(&[(
        "2024/a.md",
        &letter("关于甲事的函", "2024-03-01", "甲事正文。"),
    )]);
    let out = project.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(project.output("2024/a.png").is_file());

    let config = std::fs::read_to_string(project.root().join("gongwen.yaml")).unwrap();
    let line = config.lines().count() + 1;
    project.write("gongwen.yaml", format!("{config}thumbnails: false\n"));
    let out = project.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!project.output("2024/a.png").exists());
    let index = project.read("index.html");
    assert!(
        index.contains("关于甲事的函") && !index.contains("<img"),
        "{index}"
    );

    project.write("gongwen.yaml", format!("{config}thumbnails: 不要\n"));
    let out = project.build();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("error: gongwen.yaml:{line}: `thumbnails` (首页缩略图): expected true or false, found text")),
        "{}",
        stderr(&out)
    );
}

/// `page_size` in gongwen.yaml cuts the index into pages; a value that is
/// not a whole number from 1 is an error naming the file, the line and the field.
#[test]
fn page_size_cuts_the_index_into_pages_and_a_bad_one_is_explained() {
    let project = Project::with_letters(&[
        (
            "2024/a.md",
            &letter("关于甲事的函", "2024-03-01", "甲事正文。"),
        ),
        (
            "2024/b.md",
            &letter("关于乙事的函", "2024-03-02", "乙事正文。"),
        ),
        (
            "2024/c.md",
            &letter("关于丙事的函", "2024-03-03", "丙事正文。"),
        ),
    ]);
    let config = std::fs::read_to_string(project.root().join("gongwen.yaml")).unwrap();
    project.write("gongwen.yaml", format!("{config}每页条数: 2\n"));
    let out = project.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = |page: &str| project.read(page).matches("<td class=\"title\">").count();
    assert_eq!((rows("index.html"), rows("_by/page/2.html")), (2, 1));
    let second = project.read("_by/page/2.html");
    assert!(second.contains("关于甲事的函"), "{second}");
    assert!(
        second.contains("<a href=\"../../index.html\" rel=\"prev\">上一页</a>"),
        "{second}"
    );
    assert!(project
        .read("_by/year/2024/2.html")
        .contains("关于甲事的函"));

    // Back to one page: the second pages go.
    project.write("gongwen.yaml", format!("{config}page_size: 50\n"));
    assert!(project.build().status.success());
    assert!(!project.output("_by/page/2.html").exists());
    assert!(!project.output("_by/year/2024/2.html").exists());

    let line = config.lines().count() + 1;
    for (value, found) in [
        (
            "二十",
            "expected a whole number of letters from 1 up, found text",
        ),
        (
            "0",
            "0 letters a page would make pages with nothing on them",
        ),
    ] {
        project.write("gongwen.yaml", format!("{config}page_size: {value}\n"));
        let out = project.build();
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains(&format!(
                "error: gongwen.yaml:{line}: `page_size` (每页条数): {found}"
            )),
            "{}",
            stderr(&out)
        );
    }
}
