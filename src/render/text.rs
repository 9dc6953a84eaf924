//! A body as plain text, for the site's full-text search: the words a reader
//! sees, one block a line, without markup.

use pulldown_cmark::{Event, TagEnd};

use crate::markdown::Body;

pub fn plain_text(body: &Body) -> String {
    let mut text = String::new();
    for event in &body.events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            // A break inside a paragraph joins Chinese text, as on the page.
            Event::SoftBreak => {}
            Event::HardBreak | Event::Rule => text.push('\n'),
            // Table cells read as separate words, so a search cannot match across two of them.
            Event::End(TagEnd::TableCell) => text.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::CodeBlock,
            ) => text.push('\n'),
            _ => {}
        }
    }
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_words_and_drops_the_markup() {
        let body = crate::markdown::test_body(
            "# 总体要求\n\n现就**生态补偿**\n提出`意见`。\n\n| 项目 | 资金 |\n|---|---|\n| 矿山 | 5亿元 |\n\n- 甲\n- 乙\n",
        );
        assert_eq!(
            plain_text(&body),
            "总体要求\n现就生态补偿提出意见。\n项目 资金\n矿山 5亿元\n甲\n乙"
        );
    }
}
