//! The intranet page: the body as HTML (by pulldown-cmark, which escapes
//! every text; the author's raw HTML then goes through [`sanitize`]), placed
//! in the user's tera templates with the letter's fields.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};
use serde::Serialize;

use std::path::Path;

use super::{sanitize, Links, Renderer, Rendering};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::letter::{Letter, Meta};
use crate::markdown::Body;
use crate::templates::{self, Templates};

/// The HTML of a body; `root` is the relative way from the page to `output/`.
pub fn body_html(body: &Body, root: &str) -> String {
    let mut numbers = body.heading_numbers.iter();
    let mut events = Vec::with_capacity(body.events.len() + body.heading_numbers.len());
    // An HTML block is cleaned on its own, so that an unclosed `<textarea>`
    // or `<title>` in it cannot swallow the rest of the page.
    let mut html_block: Option<String> = None;
    for event in &body.events {
        match event {
            Event::Start(Tag::HtmlBlock) => html_block = Some(String::new()),
            Event::Html(html) if html_block.is_some() => {
                html_block.get_or_insert_default().push_str(html)
            }
            Event::End(TagEnd::HtmlBlock) => {
                let html = html_block.take().unwrap_or_default();
                events.push(Event::Html(sanitize::clean(&html).into()));
            }
            Event::Start(Tag::Heading { .. }) => {
                events.push(for_page(event, root));
                // The number is made by gongwen (一、 …), never by the author.
                match numbers.next() {
                    Some(n) if !n.is_empty() => events.push(Event::InlineHtml(
                        format!("<span class=\"heading-number\">{n}</span>").into(),
                    )),
                    _ => {}
                }
            }
            other => events.push(for_page(other, root)),
        }
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    // The author's inline tags are still in it, as typed.
    sanitize::clean(&html)
}

/// An event of the body as the page has it: headings a level down, images
/// from where they are copied to.
fn for_page<'a>(event: &Event<'a>, root: &str) -> Event<'a> {
    match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: page_level(*level),
            id: id.clone(),
            classes: classes.clone(),
            attrs: attrs.clone(),
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(page_level(*level))),
        // Images are copied to output/media/<path in the project>.
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type: *link_type,
            dest_url: CowStr::from(format!("{root}{}", media_path(dest_url))),
            title: title.clone(),
            id: id.clone(),
        }),
        other => other.clone(),
    }
}

/// The page title is the <h1>, so the body's levels start at <h2>.
fn page_level(level: HeadingLevel) -> HeadingLevel {
    HeadingLevel::try_from((level as usize + 1).min(6)).unwrap_or(HeadingLevel::H6)
}

/// Where an image of the project (path relative to the root) lands in
/// `output/`, as a link.
pub fn media_path(project_path: &str) -> String {
    crate::project::href(&format!("media/{project_path}"))
}

/// A letter's fields as the templates see them: the print form of the
/// model, and where the letter's files are.
#[derive(Debug, Serialize)]
pub struct LetterContext<'a> {
    #[serde(flatten)]
    pub fields: &'a Meta,
    /// Relative to the project root, e.g. `letters/2022/70.md`.
    pub source: String,
    /// Links relative to `output/` (percent-encoded).
    pub html: String,
    pub pdf: String,
    /// The DOCX, when the letter asks for one (`outputs: [pdf, html, docx]`).
    pub docx: Option<String>,
}

impl<'a> LetterContext<'a> {
    pub fn new(letter: &'a Letter, links: &Links) -> Self {
        LetterContext {
            fields: &letter.meta,
            source: crate::project::url(&letter.source),
            html: crate::project::href(&links.html),
            pdf: crate::project::href(&links.pdf),
            docx: (letter.meta.wants_docx()).then(|| crate::project::href(&links.docx)),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct AttachmentContext<'a> {
    pub name: &'a str,
    /// The attachment's own pages, when it has a Markdown file.
    pub html: Option<String>,
}

/// The letter's intranet page, made with the user's `letter.html`.
pub struct HtmlPage<'a> {
    pub templates: &'a Templates,
    pub site_title: Option<&'a str>,
}

impl Renderer for HtmlPage<'_> {
    type Output = String;

    fn render(&self, r: &Rendering<'_>) -> Result<String, Diagnostics> {
        let letter = r.letter;
        let back = crate::project::way_back(Path::new(&r.links.html));
        let attachments: Vec<_> = (letter.meta.attachments.iter())
            .zip(r.attachments)
            .map(|(a, b)| AttachmentContext {
                name: a.name(),
                html: b.as_ref().map(|b| body_html(b, &back)),
            })
            .collect();
        let context = LetterContext::new(letter, &r.links);
        let mut c = tera::Context::new();
        c.insert("site_title", &self.site_title);
        c.insert("root", &back);
        c.insert("letter", &context);
        c.insert("body", &body_html(r.body, &back));
        c.insert("attachments", &attachments);
        let pdf_name = Path::new(&context.pdf)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        c.insert("pdf_href", &pdf_name);
        let file_name = |href: &String| {
            Path::new(href)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        };
        c.insert("docx_href", &context.docx.as_ref().and_then(file_name));
        self.templates
            .render(templates::LETTER, &c)
            .map_err(|e| Diagnostic::new(&letter.source, format!("{e:#}")).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(text: &str) -> String {
        let body = crate::markdown::test_body(text);
        body_html(&body, "../")
    }

    #[test]
    fn author_html_is_sanitised_and_numbers_are_added() {
        assert_eq!(
            html("# 总体<script>x</script>\n\n<img src=x onerror=alert(1)>\n\nH<sub>2</sub>O<br>\n"),
            "<h2><span class=\"heading-number\">一、</span>总体</h2>\n<img>\n<p>H<sub>2</sub>O<br></p>\n"
        );
    }

    #[test]
    fn an_unclosed_html_block_does_not_swallow_the_page() {
        assert_eq!(
            html("<title>\n甲\n\n乙 *丙*\n"),
            "\n甲\n<p>乙 <em>丙</em></p>\n"
        );
    }

    #[test]
    fn markdown_images_links_and_tables_survive_the_sanitiser() {
        assert_eq!(
            html("[网](https://a.cn/?a=1&b=2) [坏](javascript:x)\n\n| a | b |\n| :-: | --: |\n| 1 | 2 |\n"),
            "<p><a href=\"https://a.cn/?a=1&amp;b=2\" rel=\"noopener noreferrer\">网</a> 坏</p>\n\
             <table><thead><tr><th style=\"text-align:center\">a</th><th style=\"text-align:right\">b</th></tr></thead>\
             <tbody>\n<tr><td style=\"text-align:center\">1</td><td style=\"text-align:right\">2</td></tr>\n</tbody></table>\n"
        );
    }

    #[test]
    fn media_paths_are_encoded() {
        assert_eq!(
            media_path("letters/2022/图 1.png"),
            "media/letters/2022/%E5%9B%BE%201.png"
        );
    }
}
