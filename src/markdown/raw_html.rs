//! Raw HTML inside a paragraph comes from pulldown-cmark one tag at a time,
//! so the sanitiser cannot see a `<script>` and its text together. Here,
//! before either renderer runs, the elements that would swallow what follows
//! them are taken out: `<script>` and `<style>` with their text (up to their
//! closing tag or the end of the paragraph), and the tags of elements whose
//! content a browser reads as plain text (`<textarea>`, `<title>`, …), which
//! keep their text. The page and the PDF then show the same words.

use pulldown_cmark::{Event, TagEnd};

use crate::render::sanitize::DROPPED_WITH_CONTENT;

/// Elements a browser reads the rest of as text, hides, or parses as
/// SVG/MathML (which the sanitiser drops whole): their tags go, their text stays.
const SWALLOWING: &[&str] = &[
    "svg",
    "math",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "template",
    "object",
    "embed",
];

/// Removes what [`self`] describes from the inline raw HTML of `events`.
pub fn defuse_inline(events: Vec<Event<'static>>) -> Vec<Event<'static>> {
    let mut out = Vec::with_capacity(events.len());
    // The element whose content is being dropped, until its closing tag.
    let mut dropping: Option<String> = None;
    for event in events {
        if let Some(open) = &dropping {
            match &event {
                Event::InlineHtml(html) => {
                    if tag(html).is_some_and(|(closing, name)| closing && name == *open) {
                        dropping = None;
                    }
                    continue;
                }
                Event::Text(_)
                | Event::Code(_)
                | Event::SoftBreak
                | Event::HardBreak
                | Event::InlineMath(_)
                | Event::DisplayMath(_)
                | Event::FootnoteReference(_) => continue,
                // Inline tags are kept (emptied) so that starts and ends still pair up.
                Event::End(end) if ends_block(end) => dropping = None,
                _ => {}
            }
            out.push(event);
            continue;
        }
        if let Event::InlineHtml(html) = &event {
            if let Some((closing, name)) = tag(html) {
                if DROPPED_WITH_CONTENT.contains(&name.as_str()) {
                    if !closing {
                        dropping = Some(name);
                    }
                    continue;
                }
                if SWALLOWING.contains(&name.as_str()) {
                    continue;
                }
            }
        }
        out.push(event);
    }
    out
}

/// `<Script a=1>` → `(false, "script")`, `</b>` → `(true, "b")`; `None` for comments and the like.
fn tag(html: &str) -> Option<(bool, String)> {
    let rest = html.strip_prefix('<')?;
    let (closing, rest) = match rest.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    (!name.is_empty() && name.starts_with(|c: char| c.is_ascii_alphabetic()))
        .then(|| (closing, name.to_ascii_lowercase()))
}

fn ends_block(end: &TagEnd) -> bool {
    !matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn defused(markdown: &str) -> String {
        let events = Parser::new(markdown).map(Event::into_static).collect();
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, defuse_inline(events).into_iter());
        html
    }

    #[test]
    fn scripts_lose_their_text_and_swallowing_tags_lose_only_the_tag() {
        assert_eq!(
            defused("a<script>x</script>b <SCRIPT>*y*\n\nc"),
            "<p>ab <em></em></p>\n<p>c</p>\n"
        );
        assert_eq!(
            defused("a <textarea>b</textarea> <b>c</b>"),
            "<p>a b <b>c</b></p>\n"
        );
        assert_eq!(
            defused("x <!-- <script> --> y"),
            "<p>x <!-- <script> --> y</p>\n"
        );
    }
}
