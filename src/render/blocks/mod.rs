//! The body as data for the Typst layout: a tree of blocks and inlines,
//! serialised to JSON. Typst reads every string as a `str`, never as markup,
//! which is what keeps letter text from becoming Typst code.

use serde::Serialize;

use super::typeset::{keep_tokens_whole, TableLayout};
use crate::markdown::Body;

mod tree;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    Paragraph {
        inlines: Vec<Inline>,
    },
    Heading {
        level: usize,
        number: String,
        inlines: Vec<Inline>,
    },
    List {
        ordered: bool,
        start: u64,
        items: Vec<Vec<Block>>,
    },
    Quote {
        blocks: Vec<Block>,
    },
    Table {
        align: Vec<&'static str>,
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        layout: TableLayout,
    },
    CodeBlock {
        text: String,
    },
    Rule {},
    Image {
        path: String,
        alt: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Inline {
    Text {
        text: String,
    },
    /// A URL, an e-mail address or a number with its unit: no line breaks inside.
    Whole {
        text: String,
    },
    Strong {
        children: Vec<Inline>,
    },
    Emph {
        children: Vec<Inline>,
    },
    Strike {
        children: Vec<Inline>,
    },
    Link {
        url: String,
        children: Vec<Inline>,
    },
    Code {
        text: String,
    },
    Break {},
    Image {
        path: String,
        alt: String,
    },
}

/// Builds the block tree; `image_prefix` goes before project-relative image paths.
pub fn blocks(body: &Body, image_prefix: &str) -> Vec<Block> {
    let mut blocks = tree::tree(body, image_prefix);
    keep_tokens_whole(&mut blocks);
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<Block> {
        let body = crate::markdown::test_body(text);
        blocks(&body, "/")
    }

    fn text(t: &str) -> Inline {
        Inline::Text { text: t.into() }
    }

    #[test]
    fn strong_lead_ins_and_headings() {
        let b = parse("# 总体要求\n\n**一是加强保护。**具体\n措施。\n");
        assert_eq!(
            b,
            vec![
                Block::Heading {
                    level: 1,
                    number: "一、".into(),
                    inlines: vec![text("总体要求")]
                },
                Block::Paragraph {
                    inlines: vec![
                        Inline::Strong {
                            children: vec![text("一是加强保护。")]
                        },
                        text("具体措施。")
                    ]
                },
            ]
        );
    }

    #[test]
    fn tight_and_loose_lists_hold_paragraphs() {
        let b = parse("1. 甲\n2. 乙 `x`\n\n- 丙\n\n  丁\n");
        let Block::List {
            ordered: true,
            start: 1,
            items,
        } = &b[0]
        else {
            panic!("{b:?}")
        };
        assert_eq!(
            items[1],
            vec![Block::Paragraph {
                inlines: vec![text("乙 "), Inline::Code { text: "x".into() }]
            }]
        );
        let Block::List {
            ordered: false,
            items,
            ..
        } = &b[1]
        else {
            panic!("{b:?}")
        };
        assert_eq!(items[0].len(), 2);
    }

    #[test]
    fn raw_html_prints_as_the_text_it_shows() {
        let b = parse("<div>甲<br>乙 &amp; <script>x</script></div>\n\n丙<sub>2</sub><br/>丁<script>y</script>\n");
        assert_eq!(
            b,
            vec![
                Block::Paragraph {
                    inlines: vec![text("甲"), Inline::Break {}, text("乙 &")]
                },
                Block::Paragraph {
                    inlines: vec![text("丙2"), Inline::Break {}, text("丁")]
                },
            ]
        );
    }

    #[test]
    fn tables_quotes_links_breaks() {
        let b = parse(
            "| 项目 | 金额 |\n| :-- | --: |\n| 甲 | 1 |\n\n> 引文  \n> 下行 [链](https://a.cn)\n",
        );
        let Block::Table {
            align,
            header,
            rows,
            layout,
        } = &b[0]
        else {
            panic!("{b:?}")
        };
        assert_eq!(align, &vec!["left", "right"]);
        assert_eq!(header, &vec![vec![text("项目")], vec![text("金额")]]);
        assert_eq!(rows, &vec![vec![vec![text("甲")], vec![text("1")]]]);
        assert!(!layout.landscape && layout.widths.len() == 2, "{layout:?}");
        assert_eq!(
            b[1],
            Block::Quote {
                blocks: vec![Block::Paragraph {
                    inlines: vec![
                        text("引文"),
                        Inline::Break {},
                        text("下行 "),
                        Inline::Link {
                            url: "https://a.cn".into(),
                            children: vec![text("链")]
                        }
                    ]
                }]
            }
        );
    }
}
