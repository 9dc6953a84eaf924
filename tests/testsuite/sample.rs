//! The repo's own letters, built as a new user builds them, and read back:
//! the PDF's text and geometry, the HTML pages, the index.

use crate::common;

use std::sync::OnceLock;

use crate::common::*;

const SAMPLE: &str = "letters/2022/ningxia-70-proposal.md";
const DOCUMENT: &str = "letters/2023/document-format-example.md";
const REPLY: &str = "letters/2024/letter-format-reply.md";

/// GB/T 9704: 版心 156 × 225 mm, 37 mm from the top, 28 mm from the left.
const LEFT: f64 = 28.0 * MM;
const RIGHT: f64 = (28.0 + 156.0) * MM;
const TOP: f64 = 37.0 * MM;
const BOTTOM: f64 = (37.0 + 225.0) * MM;
const LINE: f64 = 225.0 * MM / 22.0;
/// 28 characters of 3号 across the 版心.
const CHAR: f64 = (156.0 * MM - 16.0) / 27.0;

fn built() -> &'static Project {
    static PROJECT: OnceLock<Project> = OnceLock::new();
    PROJECT.get_or_init(|| {
        let project = Project::repo_letters();
        let out = project.build();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "build failed:\n{stderr}");
        assert!(
            stderr.starts_with("built 3 letters into output/"),
            "{stderr}"
        );
        project
    })
}

fn source(path: &str) -> String {
    std::fs::read_to_string(manifest().join(path)).unwrap()
}

/// The word on `page` whose text passes `test`.
fn on_page(words: &[Word], page: usize, test: impl Fn(&str) -> bool) -> &Word {
    words
        .iter()
        .find(|w| w.page == page && test(&w.text))
        .unwrap_or_else(|| panic!("no such word on page {page}"))
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance
}

#[test]
fn every_letter_gives_a_pdf_and_a_page() {
    let files = built().files();
    for name in [
        "2022/ningxia-70-proposal",
        "2023/document-format-example",
        "2024/letter-format-reply",
    ] {
        assert!(files.contains(&format!("{name}.pdf")), "{files:?}");
        assert!(files.contains(&format!("{name}.html")), "{files:?}");
    }
    assert!(files.contains(&"index.html".to_string()));
    assert!(files.contains(&"assets/style.css".to_string()));
    assert!(files.contains(&"assets/fonts.css".to_string()));
    // The web fonts are WOFF2 slices of the faces, no whole OTF file.
    let fonts: Vec<&String> = files
        .iter()
        .filter(|f| f.starts_with("assets/fonts/"))
        .collect();
    assert!(
        fonts
            .iter()
            .any(|f| f.starts_with("assets/fonts/FandolFang-Regular-")),
        "{fonts:?}"
    );
    assert!(fonts.iter().all(|f| f.ends_with(".woff2")), "{fonts:?}");
    // Attachment pages are part of their letter, not letters of their own.
    assert!(
        !files.iter().any(|f| f.contains("reserve-table")),
        "{files:?}"
    );
    built().assert_no_scratch();
}

#[test]
fn sample_pdf_holds_every_character_in_order() {
    let pdf = built().output("2022/ningxia-70-proposal.pdf");
    let text = pdf_text(&pdf);
    let letter = source(SAMPLE);
    let expected = format!(
        "关于自治区政协十一届五次会议第70号提案协办意见的函 自治区财政厅：{} 宁夏回族自治区自然资源厅 2022年6月13日 \
         （联系单位及电话：国土空间生态修复处 单悦 0951-5044257） \
         抄送：自治区政协提案委员会，自治区人民政府督查室。 宁夏回族自治区自然资源厅办公室 2022年6月13日印发",
        body_text(&letter)
    );
    assert_in_order(&text, &expected, "sample PDF");
    // The two page-break artefacts of the source are mended.
    let flat: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '—')
        .collect();
    assert!(!flat.contains("**"), "bold markers printed");
    let title_at = flat.find("关于自治区").unwrap();
    assert!(flat[title_at..]
        .starts_with("关于自治区政协十一届五次会议第70号提案协办意见的函自治区财政厅："));
    assert!(
        flat.contains("生态保护修复的资金支持力度") && flat.contains("矿山等重点行业领域"),
        "artefacts mended"
    );
}

#[test]
fn every_pdf_holds_its_body() {
    for (path, pdf) in [
        (DOCUMENT, "2023/document-format-example.pdf"),
        (REPLY, "2024/letter-format-reply.pdf"),
    ] {
        let text = pdf_text(&built().output(pdf));
        assert_in_order(&text, &body_text(&source(path)), pdf);
    }
    let text = pdf_text(&built().output("2023/document-format-example.pdf"));
    for expected in [
        "宁夏回族自治区自然资源厅文件",
        "宁自然资发〔2023〕12号",
        "附件：1.生态保护修复项目储备表",
        "2.2023年度项目申报指南",
        "附件1",
        "生态保护修复项目储备表",
    ] {
        assert!(
            text.replace(' ', "").contains(expected),
            "`{expected}` not in the PDF:\n{text}"
        );
    }
    assert_in_order(
        &text,
        &source("letters/2023/_attachments/reserve-table.md").replace(['|', '-', ':'], ""),
        "attachment",
    );
    let reply = pdf_text(&built().output("2024/letter-format-reply.pdf"));
    for expected in [
        "宁夏回族自治区自然资源厅",
        "宁自然资函〔2024〕33号",
        "000012",
    ] {
        assert!(
            reply.replace(' ', "").contains(expected),
            "`{expected}` not in the PDF:\n{reply}"
        );
    }
}

#[test]
fn sample_pdf_geometry_follows_gbt9704() {
    let pdf = built().output("2022/ningxia-70-proposal.pdf");
    let (pages, words) = pdf_words(&pdf);
    assert_eq!(pages.len(), 4);
    for page in &pages {
        assert!(
            close(page.width, 210.0 * MM, 0.1) && close(page.height, 297.0 * MM, 0.1),
            "A4"
        );
    }
    let info = pdf_info(&pdf);
    assert!(
        info.iter()
            .any(|(k, v)| k == "Page size" && v.contains("(A4)")),
        "{info:?}"
    );

    // Nothing hangs outside the 版心 (page numbers sit 7 mm below it), but
    // the blank half of a mark compressed to push a line in (clreq).
    for w in &words {
        assert!(
            (w.x0 >= LEFT - 0.1 && w.x1 <= RIGHT + 0.1)
                || common::measure::compressed_mark_inside(
                    &pdf,
                    w,
                    LEFT / MM,
                    RIGHT / MM,
                    CHAR / MM
                ),
            "outside the 版心 sideways: {w:?}"
        );
        let is_page_number = w.y0 > BOTTOM;
        assert!(
            is_page_number || (w.y0 >= TOP - 0.1 && w.y1 <= BOTTOM + 0.1),
            "outside the 版心: {w:?}"
        );
    }

    // The title: 2号 (22 pt), centred in the 版心, on the first lines of page 1.
    let title: Vec<_> = words
        .iter()
        .filter(|w| w.page == 1 && close(w.height(), 22.0, 0.1))
        .collect();
    assert_eq!(
        title.iter().map(|w| w.text.as_str()).collect::<String>(),
        "关于自治区政协十一届五次会议第70号提案协办意见的函"
    );
    for w in &title {
        assert!(
            close(w.centre_x(), (LEFT + RIGHT) / 2.0, 0.5),
            "title not centred: {w:?}"
        );
    }

    // 主送 flush left with its colon, one line below the title.
    let to = words
        .iter()
        .find(|w| w.text == "自治区财政厅：")
        .expect("主送 with its colon");
    assert!(close(to.x0, LEFT, 0.1));

    // Page 2 is full of body text: 22 lines of 3号 (16 pt) on the grid, at 28 mm.
    let body: Vec<_> = words
        .iter()
        .filter(|w| w.page == 2 && close(w.height(), 16.0, 0.1))
        .collect();
    let mut lines: Vec<f64> = body.iter().map(|w| w.y0).collect();
    lines.dedup_by(|a, b| close(*a, *b, 0.5));
    assert_eq!(lines.len(), 22, "lines on a full page");
    for (i, y) in lines.iter().enumerate() {
        let cell_top = TOP + i as f64 * LINE;
        assert!(
            close(*y, cell_top + (LINE - 16.0) / 2.0, 0.1),
            "line {i} off the grid: {y}"
        );
    }
    let full_lines: Vec<_> = body
        .iter()
        .filter(|w| close(w.x0, LEFT, 0.1) && close(w.x1, RIGHT, 0.2))
        .collect();
    assert!(
        full_lines.len() >= 15,
        "lines run from 28 mm to the right edge: {}",
        full_lines.len()
    );
    // 28 characters a line; one fewer where 避头尾 keeps a mark with its
    // character and nothing on the line can be compressed, one more where
    // marks were compressed to push it in.
    for w in full_lines
        .iter()
        .filter(|w| !w.text.chars().any(|c| c.is_ascii()))
    {
        let n = w.text.chars().count();
        let marks = w
            .text
            .chars()
            .any(|c| "，。、；：？！）》」』】〕”’（《「『【〔“‘".contains(c));
        assert!(
            n == 28 || n == 27 || (n == 29 && marks),
            "28 characters a line: {w:?}"
        );
    }
    let exact = full_lines
        .iter()
        .filter(|w| w.text.chars().count() == 28)
        .count();
    assert!(
        exact >= full_lines.len() / 2,
        "most full lines hold 28 characters: {exact} of {}",
        full_lines.len()
    );
    // A paragraph's first line is indented two characters.
    let lead = words
        .iter()
        .find(|w| w.text.starts_with("二是强化"))
        .unwrap();
    assert!(close(lead.x0, LEFT + 2.0 * CHAR, 0.1), "{lead:?}");

    // "— N —" in 4号 (14 pt), 7 mm below the 版心: odd pages right, even pages left, one character in.
    for n in 1..=4 {
        let dashes: Vec<_> = words
            .iter()
            .filter(|w| w.page == n && w.text == "—")
            .collect();
        let number = words
            .iter()
            .find(|w| w.page == n && w.text == n.to_string())
            .expect("page number");
        assert_eq!(dashes.len(), 2, "page {n}");
        assert!(close(number.height(), 14.0, 0.1));
        assert!(
            close((number.y0 + number.y1) / 2.0, BOTTOM + 7.0 * MM, 0.5),
            "page {n}: {number:?}"
        );
        if n % 2 == 1 {
            assert!(
                close(dashes[1].x1, RIGHT - 14.0, 0.2),
                "odd page {n} number on the right: {dashes:?}"
            );
        } else {
            assert!(
                close(dashes[0].x0, LEFT + 14.0, 0.2),
                "even page {n} number on the left: {dashes:?}"
            );
        }
    }

    // 署名 and 成文日期 without a seal: 署名 two characters from the right,
    // the date starting two characters right of the 署名's start, on the next line.
    let last = pages.len();
    let issuer = on_page(&words, last, |t| t == "宁夏回族自治区自然资源厅");
    let date = on_page(&words, last, |t| t == "2022年6月13日");
    assert!(close(issuer.x1, RIGHT - 2.0 * CHAR, 0.2), "{issuer:?}");
    assert!(close(date.x0, issuer.x0 + 2.0 * CHAR, 0.2), "{date:?}");
    assert!(close(date.y0 - issuer.y0, LINE, 0.1));
    // 附注 in parentheses, two characters in, on the line after the date.
    let note = on_page(&words, last, |t| t.starts_with("（联系单位"));
    assert!(
        close(note.x0, LEFT + 2.0 * CHAR, 0.2) && close(note.y0 - date.y0, LINE, 0.1),
        "{note:?}"
    );

    // 版记 at the bottom of the last page: 4号, one character in; 印发 line on the last line.
    let cc = on_page(&words, last, |t| t.starts_with("抄送："));
    let printer = on_page(&words, last, |t| t == "宁夏回族自治区自然资源厅办公室");
    let printed = on_page(&words, last, |t| t == "2022年6月13日印发");
    assert!(
        close(cc.height(), 14.0, 0.1) && close(cc.x0, LEFT + 14.0, 0.2),
        "{cc:?}"
    );
    assert!(close(printer.x0, LEFT + 14.0, 0.2) && close(printed.x1, RIGHT - 14.0, 0.2));
    assert!(
        printer.y1 < BOTTOM && BOTTOM - printer.y1 < LINE,
        "印发 line at the foot of the 版心: {printer:?}"
    );
    assert!(cc.y0 < printer.y0);
}

#[test]
fn bold_lead_ins_are_bold_in_the_pdf_and_the_page() {
    // pdftotext cannot see a stroke, so the check is that the lead-in is its own run in the HTML
    // and that the Typst data marks it strong.
    let html = built().read("2022/ningxia-70-proposal.html");
    for lead in [
        "一是加大生态保护修复资金投入。",
        "六是市场化方式推进矿山生态修复。",
    ] {
        assert!(html.contains(&format!("<strong>{lead}</strong>")), "{lead}");
    }
}

#[test]
fn a_page_title_breaks_between_words_as_the_pdf_does() {
    let html = built().read("2022/ningxia-70-proposal.html");
    assert!(
        html.contains("<h1>关于自治区政协十一届五次会议<br>第70号提案协办意见的函</h1>"),
        "{html}"
    );
    let pdf = pdf_text(&built().output("2022/ningxia-70-proposal.pdf"));
    assert!(
        pdf.contains("关于自治区政协十一届五次会议\n第70号提案协办意见的函"),
        "{pdf}"
    );
}

#[test]
fn pages_hold_every_character_and_element() {
    let html = built().read("2023/document-format-example.html");
    let text = html_text(&html);
    assert_in_order(&text, &body_text(&source(DOCUMENT)), "document page");
    for element in [
        // Broken where the PDF breaks it, between words.
        "<h1>关于做好2023年度生态保护<br>修复项目储备工作的通知</h1>",
        "<p class=\"number\">宁自然资发〔2023〕12号</p>",
        "<span class=\"heading-number\">一、</span>总体要求</h2>",
        "<h3><span class=\"heading-number\">（一）</span>指导思想</h3>",
        "<h4><span class=\"heading-number\">1.</span>规划引领</h4>",
        "<ol>",
        "<table>",
        "<th style=\"text-align:right\">",
        "<blockquote>",
        "<br>",
        "<strong>",
        "<p class=\"to\">各市、县（区）自然资源局、宁东能源化工基地自然资源局、厅机关各处室、各直属单位：</p>",
        "<p class=\"issuer\">宁夏回族自治区自然资源厅</p>",
        "<time datetime=\"2023-03-08\">2023年3月8日</time>",
        "<p class=\"note\">（联系人及电话：生态修复处 张三 0951-5044000）</p>",
        "抄送：</span>自然资源部国土空间生态修复司。",
        "<span>2023年3月8日印发</span>",
        "<a href=\"#attachment-1\">生态保护修复项目储备表</a>",
        "<li>2023年度项目申报指南</li>",
        "<section class=\"attachment\" id=\"attachment-1\">",
        "<dd>主动公开</dd>",
        "<a class=\"pdf\" href=\"document-format-example.pdf\">",
        "<link rel=\"stylesheet\" href=\"../assets/style.css\">",
    ] {
        assert!(html.contains(element), "`{element}` not in the page");
    }
    let sample = built().read("2022/ningxia-70-proposal.html");
    assert_in_order(
        &html_text(&sample),
        &body_text(&source(SAMPLE)),
        "sample page",
    );
}

#[test]
fn pages_load_nothing_from_outside_output() {
    for page in [
        "index.html",
        "2022/ningxia-70-proposal.html",
        "2023/document-format-example.html",
        "2024/letter-format-reply.html",
    ] {
        let html = built().read(page);
        for attr in ["src=\"", "href=\""] {
            for (i, _) in html.match_indices(attr) {
                let url = &html[i + attr.len()..];
                let url = &url[..url.find('"').unwrap()];
                assert!(
                    !url.contains("://") && !url.starts_with('/'),
                    "{page}: `{url}` is not relative"
                );
            }
        }
        assert!(html.contains("Content-Security-Policy"), "{page}");
    }
    let css = built().read("assets/style.css") + &built().read("assets/fonts.css");
    assert!(css.contains("url("), "the web fonts are named");
    for (i, _) in css.match_indices("url(") {
        let url = &css[i + 4..css[i..].find(')').unwrap() + i];
        assert!(url.trim_matches('"').starts_with("fonts/"), "{url}");
        assert!(
            built()
                .output(&format!("assets/{}", url.trim_matches('"')))
                .is_file(),
            "{url} is copied"
        );
    }
}

#[test]
fn index_lists_every_letter_newest_first() {
    let index = built().read("index.html");
    let rows: Vec<usize> = [
        (
            "2024/letter-format-reply.html",
            "关于银川市申请调整耕地保护目标的复函",
        ),
        (
            "2023/document-format-example.html",
            "关于做好2023年度生态保护修复项目储备工作的通知",
        ),
        (
            "2022/ningxia-70-proposal.html",
            "关于自治区政协十一届五次会议第70号提案协办意见的函",
        ),
    ]
    .iter()
    .map(|(link, title)| {
        index
            .find(&format!("<a href=\"{link}\">{title}</a>"))
            .unwrap_or_else(|| panic!("{title} not listed"))
    })
    .collect();
    assert!(rows.windows(2).all(|w| w[0] < w[1]), "not newest first");
    for expected in [
        "<time datetime=\"2024-05-20\">2024年5月20日</time>",
        "宁自然资函〔2024〕33号",
        "<td class=\"to\">自治区财政厅</td>",
        "<a href=\"2022/ningxia-70-proposal.pdf\">PDF</a>",
        "<a href=\"2023/document-format-example.pdf\">PDF</a>",
        "<a href=\"2024/letter-format-reply.pdf\">PDF</a>",
        "共 3 件",
        "宁夏回族自治区自然资源厅 公文",
    ] {
        assert!(index.contains(expected), "`{expected}` not in the index");
    }
}

#[test]
fn the_same_letters_give_the_same_bytes() {
    let project = Project::repo_letters();
    assert!(project.build().status.success());
    let first = std::fs::read(project.output("2022/ningxia-70-proposal.pdf")).unwrap();
    // Forced, and all three letters in one typst run instead of two: the chunking leaves no trace.
    let again = project.build_with(&["--force", "--jobs", "1"], &[]);
    assert!(again.status.success());
    let second = std::fs::read(project.output("2022/ningxia-70-proposal.pdf")).unwrap();
    assert!(
        first == second,
        "the PDF changed between two builds of the same letter"
    );
    // Two folders, built at different times: no file holds a path or a build time.
    assert_eq!(project.files(), built().files());
    for file in project.files() {
        assert!(
            std::fs::read(project.output(&file)).unwrap()
                == std::fs::read(built().output(&file)).unwrap(),
            "{file} differs between two folders"
        );
    }
}
