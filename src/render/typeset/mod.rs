//! Decisions about the printed text that Rust can make from the characters
//! alone, so that the Typst layout only applies them: which tokens (URLs,
//! e-mail addresses, numbers with their units) a line may not break inside,
//! and how a table is set — the width of each column from its content, as
//! Word's AutoFit would, and whether it needs a smaller size or a landscape page.

use std::sync::OnceLock;

use super::blocks::{Block, Inline};
use regex::Regex;

pub mod lines;
mod table;
pub use table::{table_layout, TableLayout};

/// The widest token kept whole, in ems of the body text: a longer one (a long
/// URL) must break, or it would run past the 版心 (28 ems).
const WHOLE_MAX_EMS: f64 = 20.0;

/// URLs, e-mail addresses, and numbers with the unit after them. Typst breaks
/// a URL after any `.` or `/` and a number from the Chinese unit after it.
fn token_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            // URLs: a scheme or www., then URL characters; a trailing mark is
            // left out below.
            r"(?i:(?:https?|ftp)://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%]+",
            r"|[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+",
            // A number (with decimals, thousands and ratios) and its unit.
            r"|\d+(?:[.,:：/]\d+)*(?:",
            r"%|‰|℃|°C?|[A-Za-z]+[²³]?",
            r"|(?:余|多)?[万亿千百]?(?:平方公里|平方千米|平方米|立方米|千瓦时|公顷|公里|千米|千克|毫米|厘米",
            r"|米|吨|元|亩|个|项|人|户|次|家|所|座|处|件|台|套|辆|名|倍|天|年|月|日|时|分|秒|岁|号|届|批|期|条|宗|株)",
            r"|(?:余|多)?[万亿])",
        ))
        .expect("a valid pattern")
    })
}

/// Splits the text of every inline into plain runs and tokens to keep whole.
pub fn keep_tokens_whole(blocks: &mut [Block]) {
    for block in blocks {
        match block {
            Block::Paragraph { inlines } | Block::Heading { inlines, .. } => split_inlines(inlines),
            Block::List { items, .. } => items.iter_mut().for_each(|i| keep_tokens_whole(i)),
            Block::Quote { blocks } => keep_tokens_whole(blocks),
            Block::Table { header, rows, .. } => header
                .iter_mut()
                .chain(rows.iter_mut().flatten())
                .for_each(split_inlines),
            Block::CodeBlock { .. } | Block::Rule {} | Block::Image { .. } => {}
        }
    }
}

fn split_inlines(inlines: &mut Vec<Inline>) {
    let mut out = Vec::with_capacity(inlines.len());
    for inline in inlines.drain(..) {
        match inline {
            Inline::Text { text } => out.extend(split_text(&text)),
            Inline::Strong { mut children } => {
                split_inlines(&mut children);
                out.push(Inline::Strong { children });
            }
            Inline::Emph { mut children } => {
                split_inlines(&mut children);
                out.push(Inline::Emph { children });
            }
            Inline::Strike { mut children } => {
                split_inlines(&mut children);
                out.push(Inline::Strike { children });
            }
            Inline::Link { url, mut children } => {
                split_inlines(&mut children);
                out.push(Inline::Link { url, children });
            }
            other => out.push(other),
        }
    }
    *inlines = out;
}

/// `text` as plain runs and whole tokens, in order.
fn split_text(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut at = 0;
    for m in token_pattern().find_iter(text) {
        // A URL or address does not end in a mark: `见www.a.cn。` ends at `cn`.
        let token = m
            .as_str()
            .trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
        if token.chars().count() < 2 || ems(token) > WHOLE_MAX_EMS {
            continue;
        }
        if m.start() > at {
            out.push(Inline::Text {
                text: text[at..m.start()].to_string(),
            });
        }
        out.push(Inline::Whole {
            text: token.to_string(),
        });
        at = m.start() + token.len();
    }
    if at < text.len() {
        out.push(Inline::Text {
            text: text[at..].to_string(),
        });
    }
    out
}

/// The advance of a character in ems of its size, a little generous: the
/// free faces set ASCII at about half an em, CJK characters and full-width
/// marks at one.
fn char_ems(c: char) -> f64 {
    match c {
        ' ' => 0.35,
        'M' | 'W' | 'm' | 'w' => 0.8,
        'A'..='Z' | '%' | '@' | '&' | '#' => 0.7,
        '0'..='9' => 0.5,
        c if c.is_ascii() => 0.55,
        '\u{00B7}' | '\u{2018}' | '\u{2019}' => 0.5,
        _ => 1.0,
    }
}

/// The advance of a text in ems of its size.
fn ems(s: &str) -> f64 {
    s.chars().map(char_ems).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Inline {
        Inline::Text { text: t.into() }
    }

    fn whole(t: &str) -> Inline {
        Inline::Whole { text: t.into() }
    }

    #[test]
    fn urls_addresses_and_numbers_with_units_are_tokens() {
        assert_eq!(
            split_text("详见www.nxhb.gov.cn。邮箱zhang-san@nxhb.gov.cn，面积11.78万亩，增长8.5%。"),
            vec![
                text("详见"),
                whole("www.nxhb.gov.cn"),
                text("。邮箱"),
                whole("zhang-san@nxhb.gov.cn"),
                text("，面积"),
                whole("11.78万亩"),
                text("，增长"),
                whole("8.5%"),
                text("。"),
            ]
        );
        assert_eq!(
            split_text("2020年以来35个项目"),
            vec![whole("2020年"), text("以来"), whole("35个"), text("项目")]
        );
        // A bare number stays text (nothing to keep it with); so does a URL longer than 20 ems.
        assert_eq!(split_text("共3，"), vec![text("共3，")]);
        let long = format!("https://example.gov.cn/{}", "a".repeat(40));
        assert_eq!(split_text(&long), vec![text(&long)]);
    }
}
