//! Any Markdown body renders: its page is sanitised HTML that still holds its
//! text in order, and its Typst data compiles with the real layout into a PDF
//! that holds its text in order. Checked on generated bodies (proptest) and
//! on every example of the CommonMark spec.
//!
//! Compiling one PDF per case would take hours, so the cases are compiled
//! in batches: each batch is one Typst document of many letters, laid out by
//! `templates/gongwen.typ`'s own `render`, with a marker as each one's title.
//!
//! `GONGWEN_PROPTEST_CASES` sets the number of generated cases (10,000 by
//! default) and `GONGWEN_PROPTEST_SEED` the seed (a fixed one by default, so
//! a failure is repeatable); see the README.

use std::path::{Path, PathBuf};
use std::process::Command;

use gongwen::markdown::{Body, Source};
use gongwen::render::{blocks, html, sanitize};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use pulldown_cmark::{Event, Tag, TagEnd};
use rayon::prelude::*;

use crate::common::*;

/// Letters of one Typst document.
const BATCH: usize = 250;

/// What a case must show, and the data the layout gets for it.
struct Case {
    name: String,
    markdown: String,
    /// The text of the body, in order, as both renderers must show it.
    text: String,
    blocks: serde_json::Value,
}

/// Where images of the cases resolve: a project with `letters/map.png`.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("letters")).unwrap();
    std::fs::copy(
        manifest().join("tests/fixtures/features/letters/map.png"),
        dir.path().join("letters/map.png"),
    )
    .unwrap();
    dir
}

/// Parses and renders `markdown` to HTML, checking the page; `None` when the
/// body is rejected for an image path (the only reason a body can fail).
fn check_html(root: &Path, name: String, markdown: &str) -> Option<Case> {
    let source = Source {
        root,
        file: Path::new("letters/a.md"),
        first_line: 1,
    };
    let body = match Body::parse(&source, markdown) {
        Ok(body) => body,
        Err(problems) => {
            assert!(
                problems.0.iter().all(|d| d.message.starts_with("image `")),
                "{name}: unexpected problems {problems}\n--- markdown:\n{markdown}"
            );
            return None;
        }
    };
    let text = shown_text(&body);
    let page = html::body_html(&body, "../");
    assert_safe(&page, &name, markdown);
    check_in_order(&html_text(&page), &text, &name, "page", markdown, &page);
    let mut blocks = serde_json::to_value(blocks::blocks(&body, "/")).unwrap();
    // As the layout's data has them (`TypstData`).
    gongwen::render::typst_data::cut_runs(&mut blocks);
    Some(Case {
        name,
        markdown: markdown.to_string(),
        text,
        blocks,
    })
}

/// The text a reader sees: text and code, an HTML block's text, not an image's alt.
fn shown_text(body: &Body) -> String {
    let mut out = String::new();
    let mut in_image = 0;
    let mut html_block: Option<String> = None;
    for event in &body.events {
        match event {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image -= 1,
            Event::Start(Tag::HtmlBlock) => html_block = Some(String::new()),
            Event::Html(h) => html_block.get_or_insert_default().push_str(h),
            Event::End(TagEnd::HtmlBlock) => {
                out.push_str(&sanitize::text(&html_block.take().unwrap_or_default()))
            }
            Event::Text(t) | Event::Code(t) if in_image == 0 => out.push_str(t),
            _ => {}
        }
    }
    out
}

/// No tag of the page may run or load anything.
fn assert_safe(page: &str, name: &str, markdown: &str) {
    let lower = page.to_ascii_lowercase();
    for tag in lower.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        let element = tag.split_whitespace().next().unwrap_or_default();
        let bad_element = [
            "script", "iframe", "object", "embed", "style", "link", "meta", "base", "form",
        ]
        .contains(&element.trim_start_matches('/'));
        let bad_attribute = attributes(tag).any(|(a, v)| {
            a.starts_with("on")
                || (matches!(a, "href" | "src") && v.trim_start().starts_with("javascript:"))
                || (a == "src" && !v.starts_with("../media/"))
        });
        assert!(
            !bad_element && !bad_attribute,
            "{name}: unsafe tag <{tag}> on the page\n--- markdown:\n{markdown}\n--- page:\n{page}"
        );
    }
}

/// `a href="x" b` → (a, ""), (href, x), (b, ""): names outside quotes only.
fn attributes(tag: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = tag.trim_start_matches(|c: char| !c.is_whitespace());
    std::iter::from_fn(move || {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let name = &rest[..end];
        rest = &rest[end..];
        let mut value = "";
        if let Some(r) = rest.strip_prefix('=') {
            if let Some(r) = r.strip_prefix('"') {
                let close = r.find('"').unwrap_or(r.len());
                value = &r[..close];
                rest = r.get(close + 1..).unwrap_or("");
            } else {
                let close = r.find(char::is_whitespace).unwrap_or(r.len());
                value = &r[..close];
                rest = &r[close..];
            }
        }
        Some((name, value))
    })
}

fn check_in_order(shown: &str, text: &str, name: &str, what: &str, markdown: &str, output: &str) {
    let mut shown = shown.chars().filter(|c| !c.is_whitespace());
    for (i, c) in text.chars().filter(|c| !c.is_whitespace()).enumerate() {
        assert!(
            shown.any(|s| s == c),
            "{name}: character {i} `{c}` of the text is missing from the {what} or out of order\n\
             --- text:\n{text}\n--- markdown:\n{markdown}\n--- {what}:\n{output}"
        );
    }
}

/// Characters the bundled Fandol faces can show; others print as a blank box.
fn in_the_fonts(c: char) -> bool {
    c.is_ascii_graphic()
        || matches!(c as u32, 0x4E00..=0x9FFF | 0x3000..=0x303F | 0xFF01..=0xFF5E)
        || "“”‘’…—·".contains(c)
}

/// Compiles the cases in batches with the real layout and reads each one's text back.
fn check_pdfs(cases: &[Case]) {
    let typst = gongwen::typst_cli::Typst::find_or_install().expect("typst");
    let root = project();
    std::fs::copy(
        manifest().join("templates/gongwen.typ"),
        root.path().join("gongwen.typ"),
    )
    .unwrap();
    std::fs::write(
        root.path().join("cases.typ"),
        "#import \"gongwen.typ\": render\n\
         #for letter in json(sys.inputs.data) { render(letter) }\n",
    )
    .unwrap();
    cases
        .par_chunks(BATCH)
        .enumerate()
        .for_each(|(n, batch)| check_batch(&typst.program, root.path(), n, batch));
}

fn marker(i: usize) -> String {
    format!("ZZCASE{i}ZZ")
}

fn check_batch(typst: &Path, root: &Path, n: usize, batch: &[Case]) {
    let letters: Vec<serde_json::Value> = batch
        .iter()
        .enumerate()
        .map(|(i, case)| {
            serde_json::json!({
                "id": format!("case{i}"),
                "format": "plain",
                "title_lines": [marker(i)],
                "issuer": "ZZEND",
                "date": "2024年1月1日",
                "body": case.blocks,
            })
        })
        .collect();
    let data = format!("batch-{n}.json");
    let pdf = root.join(format!("batch-{n}.pdf"));
    std::fs::write(root.join(&data), serde_json::to_vec(&letters).unwrap()).unwrap();
    let fonts: PathBuf = manifest().join("fonts");
    let out = Command::new(typst)
        .arg("compile")
        .arg("--root")
        .arg(root)
        .arg("--font-path")
        .arg(&fonts)
        .arg("--ignore-system-fonts")
        .args(["--input", &format!("data=/{data}")])
        .arg(root.join("cases.typ"))
        .arg(&pdf)
        .output()
        .expect("typst runs");
    if !out.status.success() {
        let message = String::from_utf8_lossy(&out.stderr);
        let culprit = find_culprit(typst, root, &fonts, &letters);
        panic!("batch {n} does not compile: {message}\n{culprit}");
    }
    let text = Command::new("pdftotext")
        .args(["-raw"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs; install poppler-utils");
    let text = String::from_utf8(text.stdout).unwrap();
    for (i, case) in batch.iter().enumerate() {
        let start = text
            .find(&marker(i))
            .unwrap_or_else(|| panic!("{}: its marker is not in the PDF", case.name));
        let shown = &text[start..];
        let shown = &shown[..shown.find("ZZEND").expect("the issuer ends a letter")];
        let printable: String = case.text.chars().filter(|c| in_the_fonts(*c)).collect();
        check_in_order(shown, &printable, &case.name, "PDF", &case.markdown, shown);
    }
}

/// The first letter of a failed batch that fails alone, for the message.
fn find_culprit(typst: &Path, root: &Path, fonts: &Path, letters: &[serde_json::Value]) -> String {
    for (i, letter) in letters.iter().enumerate() {
        let data = root.join("culprit.json");
        std::fs::write(&data, serde_json::to_vec(&[letter]).unwrap()).unwrap();
        let ok = Command::new(typst)
            .arg("compile")
            .arg("--root")
            .arg(root)
            .arg("--font-path")
            .arg(fonts)
            .arg("--ignore-system-fonts")
            .args(["--input", "data=/culprit.json"])
            .arg(root.join("cases.typ"))
            .arg(root.join("culprit.pdf"))
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return format!("letter {i} fails alone: {letter}");
        }
    }
    "no letter fails alone".into()
}

// ---------------------------------------------------------------------------
// Generated Markdown

/// Chinese text, Latin letters and every character Markdown, HTML or Typst
/// give a meaning to. No `Z`: the markers are made of it.
const ALPHABET: &[char] = &[
    '公', '文', '关', '于', '函', '的', '通', '知', '一', '二', '甲', '乙', '，', '。', '、', '；',
    '：', '？', '！', '“', '”', '（', '）', '《', '》', '〔', '〕', '…', '—', 'a', 'b', 'x', 'y',
    'A', 'B', '0', '1', '9', '*', '_', '`', '#', '$', '@', '=', '\\', '/', '<', '>', '[', ']', '(',
    ')', '{', '}', '!', '~', '|', '&', ';', ':', '\'', '"', '-', '+', '.', '%', '^', ' ',
];

const INLINE_HTML: &[&str] = &[
    "<sub>2</sub>",
    "<sup>",
    "</sup>",
    "<b>粗</b>",
    "<br>",
    "<script>alert(1)</script>",
    "<SCRIPT>",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"map.png\">",
    "<a href=\"javascript:alert(1)\">链</a>",
    "<a href=\"https://a.cn\" onclick=\"x()\">站</a>",
    "<iframe src=\"https://a.cn\"></iframe>",
    "<textarea>",
    "<title>",
    "<!-- 注 -->",
    "<style>p{}</style>",
    "<span onclick=\"x()\" style=\"color:red\">甲</span>",
    "<plaintext>",
    "<noscript>",
    "</p>",
    "<p>",
    "</div>",
    "<table>",
    "<td>",
    "<svg><script>alert(1)</script></svg>",
    "<math>",
    "<select>",
    "<template>",
    "<object data=x>",
];

const HTML_BLOCKS: &[&str] = &[
    "<div>块<b>粗</b></div>",
    "<script>\nalert(1)\n</script>",
    "<textarea>\n甲\n</textarea>",
    "<!--\n注释\n-->",
    "<table><tr><td>格</td></tr></table>",
    "<title>题",
    "<pre>\n预 <b>x</b>\n</pre>",
    "<?php echo 1; ?>",
    "<![CDATA[\n数据\n]]>",
    "<!DOCTYPE html>",
    "<div onmouseover=\"x()\">\n甲\n</div>",
    "<style>\np { color: red }\n</style>",
    "<iframe src=\"https://a.cn\">",
    "<plaintext>\n乙",
];

const ENTITIES: &[&str] = &[
    "&amp;", "&lt;", "&gt;", "&quot;", "&#x4E2D;", "&#20013;", "&#0;",
];

fn word() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ALPHABET), 1..8)
        .prop_map(|cs| cs.into_iter().collect())
}

fn inline() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => word(),
        1 => word().prop_map(|w| format!("*{w}*")),
        1 => word().prop_map(|w| format!("**{w}**")),
        1 => word().prop_map(|w| format!("_{w}_")),
        1 => word().prop_map(|w| format!("~~{w}~~")),
        1 => word().prop_map(|w| format!("`{w}`")),
        1 => (word(), word()).prop_map(|(t, u)| format!("[{t}](https://a.cn/{u})")),
        1 => word().prop_map(|t| format!("[{t}](javascript:alert(1))")),
        1 => Just("<https://a.cn/x>".to_string()),
        1 => word().prop_map(|t| format!("![{t}](map.png)")),
        2 => prop::sample::select(INLINE_HTML).prop_map(str::to_string),
        1 => prop::sample::select(ENTITIES).prop_map(str::to_string),
        1 => Just("  \n".to_string()),
        1 => Just("\n".to_string()),
        1 => Just("\\\n".to_string()),
    ]
}

fn line() -> impl Strategy<Value = String> {
    prop::collection::vec(inline(), 1..6).prop_map(|parts| parts.concat())
}

fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => line(),
        2 => (1..7usize, line()).prop_map(|(n, l)| format!("{} {}", "#".repeat(n), l.replace('\n', " "))),
        2 => prop::collection::vec(line(), 1..4)
            .prop_map(|items| items.iter().map(|i| format!("- {i}\n")).collect()),
        1 => prop::collection::vec(line(), 1..4).prop_map(|items| items
            .iter()
            .enumerate()
            .map(|(n, i)| format!("{}. {i}\n", n + 3))
            .collect()),
        1 => line().prop_map(|l| format!("> {l}\n> > {l}")),
        1 => line().prop_map(|l| format!("```\n{l}\n```")),
        1 => word().prop_map(|w| format!("    {w}")),
        1 => (word(), word(), line(), line())
            .prop_map(|(a, b, c, d)| format!("| {a} | {b} |\n| :-- | --: |\n| {} | {} |", c.replace('\n', " "), d.replace('\n', " "))),
        1 => Just("---".to_string()),
        1 => line().prop_map(|l| format!("{l}\n===")),
        2 => prop::sample::select(HTML_BLOCKS).prop_map(str::to_string),
        1 => word().prop_map(|w| format!("![{w}](map.png)")),
    ]
}

fn markdown() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(block(), 1..6).prop_map(|blocks| blocks.join("\n\n")),
        1 => prop::collection::vec(
            prop_oneof![8 => prop::sample::select(ALPHABET), 1 => Just('\n')],
            0..120,
        )
        .prop_map(|cs| cs.into_iter().collect()),
    ]
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}={v} is not a number"))
        })
        .unwrap_or(default)
}

/// The generated bodies, from a seeded runner so that a failing one comes back.
fn generated() -> Vec<String> {
    let cases = env_number("GONGWEN_PROPTEST_CASES", 10_000) as usize;
    let seed = env_number("GONGWEN_PROPTEST_SEED", 9704);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = markdown();
    (0..cases)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

#[test]
fn any_markdown_renders_safely_and_keeps_its_text() {
    let root = project();
    let cases: Vec<Case> = generated()
        .into_par_iter()
        .enumerate()
        .filter_map(|(i, md)| check_html(root.path(), format!("generated case {i}"), &md))
        .collect();
    assert!(cases.len() > 100, "only {} cases rendered", cases.len());
    check_pdfs(&cases);
}

#[test]
fn the_commonmark_spec_examples_render_safely_and_keep_their_text() {
    #[derive(serde::Deserialize)]
    struct Example {
        example: usize,
        markdown: String,
    }
    let path = manifest().join("tests/fixtures/commonmark/spec-examples.json");
    let examples: Vec<Example> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(examples.len(), 652);
    let root = project();
    let cases: Vec<Case> = examples
        .par_iter()
        .filter_map(|e| {
            check_html(
                root.path(),
                format!("CommonMark spec example {}", e.example),
                &e.markdown,
            )
        })
        .collect();
    // Only the examples with an image that is not in the project are turned away.
    assert!(cases.len() > 600, "only {} examples rendered", cases.len());
    check_pdfs(&cases);
}

#[test]
fn the_page_checks_catch_what_they_look_for() {
    assert_eq!(
        attributes("a href=\"x y\" onclick=z title=\"a onload=b\"").collect::<Vec<_>>(),
        vec![("href", "x y"), ("onclick", "z"), ("title", "a onload=b")]
    );
    let unsafe_page = std::panic::catch_unwind(|| assert_safe("<p><img src=\"x\"></p>", "t", ""));
    assert!(unsafe_page.is_err());
    assert_safe(
        "<p><img src=\"../media/letters/map.png\" alt=\"图\"></p>",
        "t",
        "",
    );
}
