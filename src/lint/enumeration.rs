//! 一是……二是……三是…… in order, both as paragraph lead-ins and inside a paragraph.

use std::sync::LazyLock;

use regex::Regex;

use super::document::{BlockKind, Document};
use super::Finding;
use crate::markdown::numbering::{chinese_numeral, parse_chinese_numeral};

const RULE: &str = "enumeration-order";

/// `N是` at the start or after a mark, so that 统一是 is not read as 一是.
static ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[，；。：、！？\s*])([一二三四五六七八九十]{1,3})是").unwrap()
});

/// The items of one run, checked as they come.
#[derive(Default)]
struct Run {
    last: usize,
}

impl Run {
    fn next(&mut self, n: usize, line: usize) -> Option<Finding> {
        let last = std::mem::replace(&mut self.last, n);
        // 一是 always starts a run afresh.
        if n == 1 || n == last + 1 {
            return None;
        }
        let said = |n: usize| format!("{}是", chinese_numeral(n));
        let message = if last == 0 {
            format!("{} comes with no {} before it", said(n), said(1))
        } else {
            format!("{} follows {}", said(n), said(last))
        };
        Some(Finding::warning(
            RULE,
            line,
            message,
            format!(
                "number it {} (or check for a missing or doubled point)",
                said(last + 1)
            ),
        ))
    }
}

pub fn check(doc: &Document) -> Vec<Finding> {
    let mut found = Vec::new();
    let mut leads = Run::default();
    for block in doc.blocks.iter().filter(|b| !b.nested) {
        if let BlockKind::Heading(_) = block.kind {
            leads = Run::default();
            continue;
        }
        let line = doc.line_of(block.start);
        let text = block.text.trim_start_matches(['*', ' ']);
        // A paragraph that opens with 一是 goes on with 二是 inside it or in the next one.
        let mut inline = Run::default();
        let mut opens_with_item = None;
        for m in ITEM.captures_iter(text) {
            let Some(n) = parse_chinese_numeral(&m[1]) else {
                continue;
            };
            let at = m.get(0).unwrap().start();
            let line = line + text[..at].matches('\n').count();
            let leading = *opens_with_item.get_or_insert(at == 0);
            let run = if leading { &mut leads } else { &mut inline };
            found.extend(run.next(n, line));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::findings_of;

    fn order(body: &str) -> Vec<(usize, String)> {
        findings_of("enumeration-order", "title: 关于某事的函\n", body)
    }

    #[test]
    fn lead_ins_in_order_pass_and_a_gap_is_named() {
        assert!(
            order("**一是加大投入。**正文\n\n其间一段。\n\n**二是强化管理。**正文\n").is_empty()
        );
        assert_eq!(
            order("**一是加大投入。**正文\n\n**三是强化管理。**正文\n"),
            vec![(6, "三是 follows 一是".to_string())]
        );
    }

    #[test]
    fn inside_a_paragraph_too_and_not_in_words() {
        assert_eq!(
            order("要做到：一是统一是前提；二是落实；二是保障。\n"),
            vec![(4, "二是 follows 二是".to_string())]
        );
        assert_eq!(order("主要有二是……\n"), vec![]);
        assert_eq!(
            order("主要有：二是……\n"),
            vec![(4, "二是 comes with no 一是 before it".to_string())]
        );
    }

    #[test]
    fn lead_ins_may_share_a_paragraph() {
        assert!(order("**一是**落实。**二是**报送。\n\n**三是**考核。\n").is_empty());
    }

    #[test]
    fn a_heading_starts_the_lead_ins_again() {
        assert!(order("**一是甲。**\n\n**二是乙。**\n\n# 下一步\n\n**一是丙。**\n").is_empty());
    }
}
