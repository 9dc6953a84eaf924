//! The site's web fonts in Chromium, on a machine with no Chinese font of
//! its own: a page fetches only the slices of its own characters, and the
//! names the Fandol faces lack (宁吉喆's 喆, 吉𠮷's 𠮷, 王堃's 堃) are drawn
//! with the fallback faces, as the renderer itself reports
//! (`CSS.getPlatformFontsForNode`), not as gongwen says.
#![cfg(unix)]

use crate::browser::cdp::{Browser, Tab};
use crate::common::{stderr, Project};
use serde_json::{json, Value};

const LETTER: &str = "---\ntitle: 关于表彰先进个人的通知\nto: 各处室\ndate: 2024-03-01\n---\n\n\
    各处室：\n\n吉𠮷同志与宁吉喆同志、王堃同志表现突出，予以表彰。\n";

/// The fonts the renderer drew the text of the node marked `data-probe` with:
/// (family, a web font, glyphs drawn).
fn drawn_with(browser: &mut Browser, tab: &mut Tab) -> Vec<(String, bool, u64)> {
    browser.call(Some(&mut *tab), "DOM.enable", json!({}));
    browser.call(Some(&mut *tab), "CSS.enable", json!({}));
    let doc = browser.call(Some(&mut *tab), "DOM.getDocument", json!({}));
    let node = browser.call(
        Some(&mut *tab),
        "DOM.querySelector",
        json!({"nodeId": doc["root"]["nodeId"], "selector": "[data-probe]"}),
    );
    let fonts = browser.call(
        Some(&mut *tab),
        "CSS.getPlatformFontsForNode",
        json!({"nodeId": node["nodeId"]}),
    );
    fonts["fonts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f: &Value| {
            (
                f["familyName"].as_str().unwrap().to_string(),
                f["isCustomFont"].as_bool().unwrap(),
                f["glyphCount"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn rare_names_are_drawn_with_the_fallback_faces_and_a_page_fetches_only_its_slices() {
    let project = Project::with_letters(&[("2024/rare.md", LETTER)]);
    let out = project.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let site = project.output("").canonicalize().unwrap();
    let addr = gongwen::serve::start(&site, 0, gongwen::serve::Version::default()).unwrap();
    let mut browser = Browser::launch();
    let mut tab = browser.tab(true);
    browser.open(&mut tab, &format!("http://{addr}/2024/rare.html"));
    browser.eval(
        &mut tab,
        "[...document.querySelectorAll('article p')].find(p => p.textContent.includes('𠮷')).dataset.probe = 1",
    );
    browser.wait_for(
        &mut tab,
        "document.fonts.ready.then(() => document.fonts.status == 'loaded')",
    );
    let fonts = drawn_with(&mut browser, &mut tab);
    let by = |name: &str| fonts.iter().find(|(f, _, _)| f.contains(name)).cloned();
    // 吉𠮷 and 宁吉喆, 王堃: 𠮷 from HanaMinB, 喆 and 堃 from Noto Serif CJK, the rest from Fandol.
    let (_, custom, glyphs) = by("HanaMin").unwrap_or_else(|| panic!("no HanaMinB in {fonts:?}"));
    assert!(custom && glyphs == 1, "{fonts:?}");
    let (_, custom, glyphs) =
        by("Noto Serif").unwrap_or_else(|| panic!("no Noto Serif in {fonts:?}"));
    assert!(custom && glyphs == 2, "{fonts:?}");
    let (_, custom, _) = by("Fandol").unwrap_or_else(|| panic!("no Fandol in {fonts:?}"));
    assert!(custom, "{fonts:?}");
    assert!(
        fonts.iter().all(|(_, custom, _)| *custom),
        "a system font drew some: {fonts:?}"
    );

    // What the page fetched: WOFF2 slices of gongwen's fonts, the fallback ones among them.
    let woff2 = browser.eval(
        &mut tab,
        "performance.getEntriesByType('resource').filter(e => e.name.endsWith('.woff2')).map(e => [e.name, e.responseStatus, e.transferSize])",
    );
    let woff2: Vec<(String, u64, u64)> = serde_json::from_value(woff2).unwrap();
    assert!(
        woff2.iter().all(|(_, status, _)| *status == 200),
        "{woff2:?}"
    );
    assert!(
        woff2
            .iter()
            .any(|(u, _, _)| u.contains("/assets/fonts/HanaMinB")),
        "{woff2:?}"
    );
    assert!(
        woff2
            .iter()
            .any(|(u, _, _)| u.contains("/assets/fonts/NotoSerif")),
        "{woff2:?}"
    );
    // Nothing was fetched that the page does not use: no Noto Sans (no 黑体 text has 喆).
    assert!(
        !woff2.iter().any(|(u, _, _)| u.contains("NotoSans")),
        "{woff2:?}"
    );
    let bytes: u64 = woff2.iter().map(|(_, _, n)| n).sum();
    assert!(
        bytes < 500_000,
        "{bytes} bytes of fonts for one short letter: {woff2:?}"
    );
    eprintln!(
        "one short letter's page: {} web font files, {bytes} bytes",
        woff2.len()
    );
    // The one thing missing is the browser's own favicon.ico.
    let errors = tab.errors_but_not_found();
    assert_eq!(errors, Vec::<String>::new());
    let missing: Vec<String> = (tab.requests().into_iter())
        .filter(|u| u.contains("/assets/"))
        .filter(|u| {
            !site
                .join("assets")
                .join(u.split("/assets/").nth(1).unwrap())
                .is_file()
        })
        .collect();
    assert_eq!(missing, Vec::<String>::new());
}
