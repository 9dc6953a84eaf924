//! Raw HTML an author typed in the Markdown goes through ammonia, a
//! maintained sanitiser: harmless markup (`<sub>`, `<br>`, `<b>`, tables)
//! stays on the page; whatever can run or load something (`<script>`,
//! `on…=` attributes, `javascript:` links, `<iframe>`, images from anywhere
//! but gongwen's own `media/`) goes. The PDF prints the text the cleaned
//! markup shows, without its tags (see [`text`]).

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::Builder;

/// Elements dropped with everything inside them, on the page and in the PDF.
pub const DROPPED_WITH_CONTENT: &[&str] = &["script", "style"];

static PAGE: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::default();
    b.clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        // gongwen's own heading numbers, and the alignment of table columns.
        .allowed_classes(HashMap::from([("span", HashSet::from(["heading-number"]))]))
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .filter_style_properties(HashSet::from(["text-align"]))
        .attribute_filter(|element, attribute, value| {
            if (element, attribute) == ("img", "src") && !is_media(value) {
                None
            } else {
                Some(value.into())
            }
        });
    b
});

static TEXT: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::empty();
    b.tags(HashSet::from(["br"]))
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect());
    b
});

/// HTML safe to put on an intranet page.
pub fn clean(html: &str) -> String {
    PAGE.clean(html).to_string()
}

/// The text a piece of raw HTML shows once cleaned: tags dropped, their
/// text kept (but none of a `<script>` or `<style>`), entities decoded,
/// white space collapsed as a browser does, and `<br>` as `\n`.
pub fn text(html: &str) -> String {
    let cleaned = TEXT.clean(html).to_string();
    cleaned
        .split("<br>")
        .map(|line| {
            // The serialiser escapes exactly these four in text.
            line.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&nbsp;", "\u{a0}")
                .replace("&amp;", "&")
                .split_ascii_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim_matches('\n')
        .to_string()
}

/// An image gongwen copied into `output/media/` (the path may climb to `output/` first).
fn is_media(src: &str) -> bool {
    let mut rest = src;
    while let Some(r) = rest.strip_prefix("../") {
        rest = r;
    }
    rest.starts_with("media/") && !rest.split('/').any(|s| s == "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn harmless_markup_stays_and_code_goes() {
        assert_eq!(clean("H<sub>2</sub>O<br>x"), "H<sub>2</sub>O<br>x");
        assert_eq!(clean("a<script>alert(1)</script>b"), "ab");
        assert_eq!(
            clean("<img src=x onerror=alert(1)><iframe src=https://a.cn></iframe>"),
            "<img>"
        );
        assert_eq!(
            clean("<a href=\"javascript:alert(1)\" onclick=\"x()\">点</a>"),
            "<a rel=\"noopener noreferrer\">点</a>"
        );
        assert_eq!(
            clean("<img src=\"../media/letters/a.png\" alt=\"图\"><img src=\"media/../../x.png\">"),
            "<img src=\"../media/letters/a.png\" alt=\"图\"><img>"
        );
        assert_eq!(
            clean("<td style=\"text-align: right; background: url(x)\">1</td>"),
            "1",
            "a cell outside a table is not a cell"
        );
        assert_eq!(
            clean("<table><tr><td style=\"text-align: right; background: url(x)\">1</td></tr></table>"),
            "<table><tbody><tr><td style=\"text-align:right\">1</td></tr></tbody></table>"
        );
    }

    #[test]
    fn the_pdf_gets_the_text_the_page_shows() {
        assert_eq!(
            text("<div>H<sub>2</sub>O &amp; &lt;b&gt;</div>"),
            "H2O & <b>"
        );
        assert_eq!(text("<p>甲<br>乙</p>\n<script>alert(1)</script>"), "甲\n乙");
        assert_eq!(text("<style>p{}</style><!-- 注 -->"), "");
        assert_eq!(text("<textarea>a <b>b</b></textarea>"), "a <b>b</b>");
    }
}
