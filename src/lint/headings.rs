//! Heading numbers in sequence (一、 二、 三、, and （一） under an 一、), for
//! the numbers an author typed, in headings or at the start of a paragraph.

use super::document::{BlockKind, Document};
use super::Finding;
use crate::markdown::numbering::{chinese_numeral, typed_number};

const RULE: &str = "heading-numbers";

/// The number as printed at `level` (1–4): 一、 （一） 1. （1）.
fn label(level: usize, n: usize) -> String {
    match level {
        1 => format!("{}、", chinese_numeral(n)),
        2 => format!("（{}）", chinese_numeral(n)),
        3 => format!("{n}."),
        _ => format!("（{n}）"),
    }
}

/// The level and number a paragraph starts with, if it starts like a heading.
fn paragraph_number(text: &str) -> Option<(usize, usize)> {
    let text = text.trim_start_matches(['*', ' ']);
    for level in [1, 2, 4] {
        if let Some(n) = typed_number(level - 1, text) {
            return Some((level, n));
        }
    }
    // `1．` or `1、` (a `1. ` line is a Markdown list item); not `8.19亿元`.
    let n = typed_number(2, text)?;
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let after = text[digits..].chars().nth(1);
    (!after.is_some_and(|c| c.is_ascii_digit())).then_some((3, n))
}

/// `## 一、总体`: gongwen numbers a level-2 heading （一）, so it would print （一）一、总体.
fn number_of_another_level(level: usize, text: &str, n: usize, line: usize) -> Option<Finding> {
    let other = (1..=4).find(|&l| l != level && typed_number(l - 1, text).is_some())?;
    let hashes = "#".repeat(other);
    Some(Finding::error(
        RULE,
        line,
        format!(
            "a level-{level} heading starts with a number of level {other}, so it prints as {}{}",
            label(level, n),
            text.trim()
        ),
        format!("make it a `{hashes}` heading, or leave the number out and let gongwen number it"),
    ))
}

pub fn check(doc: &Document) -> Vec<Finding> {
    let mut found = Vec::new();
    let mut counters = [0usize; 4];
    for block in doc.blocks.iter().filter(|b| !b.nested) {
        let (level, typed) = match block.kind {
            BlockKind::Heading(level) => (
                level.clamp(1, 4),
                typed_number(level.clamp(1, 4) - 1, &block.text),
            ),
            BlockKind::Paragraph => match paragraph_number(&block.text) {
                Some((level, n)) => (level, Some(n)),
                None => continue,
            },
        };
        let i = level - 1;
        let expected = counters[i] + 1;
        let line = doc.line_of(block.start);
        if let (BlockKind::Heading(_), None) = (block.kind, typed) {
            found.extend(number_of_another_level(level, &block.text, expected, line));
        }
        if let Some(n) = typed {
            if n != expected {
                let after = if counters[i] == 0 {
                    "comes first at its level".to_string()
                } else {
                    format!("follows {}", label(level, counters[i]))
                };
                found.push(Finding::error(
                    RULE,
                    line,
                    format!("{} {after}", label(level, n)),
                    format!(
                        "number it {} (or check for a missing or doubled part)",
                        label(level, expected)
                    ),
                ));
            }
            if level == 2 && counters[0] == 0 && counters[1] == 0 {
                found.push(Finding::warning(
                    RULE,
                    line,
                    format!("{} comes under no {}", label(level, n), label(level - 1, 1)),
                    format!(
                        "start the parts with {}, or number this level as {}",
                        label(level - 1, 1),
                        label(1, n)
                    ),
                ));
            }
        }
        counters[i] = typed.unwrap_or(expected);
        for deeper in &mut counters[i + 1..] {
            *deeper = 0;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::findings_of;

    fn headings(body: &str) -> Vec<(usize, String)> {
        findings_of("heading-numbers", "title: 关于某事的函\n", body)
    }

    #[test]
    fn a_skipped_number_is_named() {
        assert_eq!(
            headings("一、总体要求\n\n（一）指导思想\n\n三、工作要求\n"),
            vec![(8, "三、 follows 一、".to_string())]
        );
    }

    #[test]
    fn a_second_level_under_no_first_level() {
        assert_eq!(
            headings("（一）指导思想\n\n（二）原则\n"),
            vec![(4, "（一） comes under no 一、".to_string())]
        );
    }

    #[test]
    fn typed_and_automatic_numbers_count_together() {
        // `# 落实` is numbered 二、 for the author, so 三、 is right after it.
        assert!(headings("# 一、总体\n\n# 落实\n\n三、保障\n\n## 要求\n\n（二）资金\n").is_empty());
        assert_eq!(
            headings("# 总体\n\n# 一、落实\n"),
            vec![(6, "一、 follows 一、".to_string())]
        );
    }

    #[test]
    fn a_heading_numbered_for_another_level() {
        assert_eq!(
            headings("# 总体\n\n## 一、指导思想\n"),
            vec![(
                6,
                "a level-2 heading starts with a number of level 1, so it prints as （一）一、指导思想"
                    .to_string()
            )]
        );
    }

    #[test]
    fn sentences_and_quotes_are_not_headings() {
        assert!(headings("8.19亿元资金已下达。\n\n> 三、引文\n\n2. 列表\n3. 项\n").is_empty());
        assert_eq!(
            headings("1．第一\n\n3．第三\n"),
            vec![(6, "3. follows 1.".to_string())]
        );
    }
}
