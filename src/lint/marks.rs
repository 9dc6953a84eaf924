//! 标点 (GB/T 15834-2011): paired marks closed, ranges with 一字线, the
//! 省略号 as ……, not with 等, and no mark typed twice.

use std::sync::LazyLock;

use regex::Regex;

use super::document::{is_chinese, BlockKind, Document, Run};
use super::Finding;
use crate::letter::fields;

pub fn check(doc: &Document) -> Vec<Finding> {
    let mut found = paired(doc);
    for run in doc.prose() {
        range_hyphens(&run, &mut found);
        ellipses(&run, &mut found);
        ellipses_with_deng(&run, &mut found);
        doubled_marks(&run, &mut found);
    }
    found
}

fn range_hyphens(run: &Run, found: &mut Vec<Finding>) {
    let text = run.text;
    for m in RANGE.captures_iter(text) {
        let whole = m.get(0).unwrap();
        // Part of a longer run of figures: a telephone number, a date 2024-05-20.
        if text[..whole.start()]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '－' | '.'))
        {
            continue;
        }
        let hyphen = m.get(1).or(m.get(2)).or(m.get(3)).unwrap();
        let whole = whole.as_str();
        found.push(
            Finding::warning(
                "range-hyphen",
                run.line(hyphen.start()),
                format!("the range `{whole}` is written with a hyphen"),
                format!(
                    "write it with 一字线: {}",
                    whole.replace(hyphen.as_str(), "—")
                ),
            )
            .fix(run.at(hyphen.range()), "—"),
        );
    }
}

fn ellipses(run: &Run, found: &mut Vec<Finding>) {
    let text = run.text;
    for m in ELLIPSIS.find_iter(text) {
        let s = m.as_str();
        let dots = s.chars().filter(|&c| c == '…').count();
        let chinese_near = text[..m.start()]
            .chars()
            .next_back()
            .is_some_and(is_chinese)
            || text[m.end()..].chars().next().is_some_and(is_chinese);
        if dots == 2 || dots == 4 || (s.starts_with('.') && !chinese_near) {
            continue;
        }
        found.push(
            Finding::warning(
                "ellipsis-form",
                run.line(m.start()),
                format!("the 省略号 is written `{s}`"),
                "write ……, two 省略号 characters",
            )
            .fix(run.at(m.range()), "……"),
        );
    }
}

fn ellipses_with_deng(run: &Run, found: &mut Vec<Finding>) {
    for m in DENG.find_iter(run.text) {
        found.push(Finding::warning(
            "ellipsis-with-deng",
            run.line(m.start()),
            format!("`{}`: 等 and an 省略号 say the same", m.as_str()),
            "keep one: 等 or ……",
        ));
    }
}

fn doubled_marks(run: &Run, found: &mut Vec<Finding>) {
    for m in DOUBLED.find_iter(run.text) {
        let s = m.as_str();
        let mark = s.chars().next().unwrap();
        // Three 。 or more are an 省略号, for the rule above.
        if mark == '。' && s.chars().count() > 2 {
            continue;
        }
        found.push(
            Finding::warning(
                "doubled-mark",
                run.line(m.start()),
                format!("`{mark}` typed {} times", s.chars().count()),
                format!("write one `{mark}`"),
            )
            .fix(run.at(m.range()), mark.to_string()),
        );
    }
}

/// A number range typed with a hyphen: years, months, days, counted things.
static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:\d{4}\s*([-－])\s*\d{4}\s*年|\d{1,2}\s*([-－])\s*\d{1,2}\s*[月日号]|\d+(?:\.\d+)?\s*([-－])\s*\d+(?:\.\d+)?\s*(?:个|万|亿|元|人|天|名|家|项|次|%|米|公里|千米|亩|吨|倍|年))",
    )
    .unwrap()
});

static ELLIPSIS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"…+|。{3,}|\.{3,}|·{3,}|⋯+").unwrap());

static DENG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"等等?[，、]?(?:…+|\.{3,}|。{3,})|(?:…+)等").unwrap());

static DOUBLED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"，{2,}|。{2,}|、{2,}|；{2,}|：{2,}").unwrap());

/// Opening and closing marks of the pairs GB/T 15834 names; ‘’ are left
/// out, as ’ is also the apostrophe of English names (People’s Bank).
const PAIRS: &[(char, char)] = &[
    ('《', '》'),
    ('“', '”'),
    ('（', '）'),
    ('〔', '〕'),
    ('【', '】'),
];

/// Each paragraph and heading, and the title, with its marks balanced.
fn paired(doc: &Document) -> Vec<Finding> {
    let mut found = Vec::new();
    if let (Some(field), Some(title)) = (doc.field(&fields::TITLE), doc.title()) {
        found.extend(unbalanced(title, false).map(|(_, m)| finding(field.line, m)));
    }
    let blocks: Vec<_> = doc.blocks.iter().collect();
    for (i, block) in blocks.iter().enumerate() {
        // A quotation running over paragraphs opens each with “ and closes only the last (GB/T 15834 4.8.3.5).
        let quote_goes_on = blocks
            .get(i + 1)
            .is_some_and(|next| next.text.trim_start().starts_with('“'));
        let text = &block.text;
        // `1）` opens a list item in some letters: a closing mark with no opening one.
        let skip = usize::from(
            block.kind == BlockKind::Paragraph
                && text
                    .trim_start()
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .starts_with('）')
                && text.trim_start().starts_with(|c: char| c.is_ascii_digit()),
        );
        for (at, message) in unbalanced(text, quote_goes_on).skip(skip) {
            let line = doc.line_of(block.start) + text[..at].matches('\n').count();
            found.push(finding(line, message));
        }
    }
    found
}

fn finding(line: usize, message: String) -> Finding {
    Finding::warning(
        "paired-marks",
        line,
        message,
        "add the missing mark, or take out the one left over",
    )
}

/// Where a mark stands without its partner, and what is missing.
fn unbalanced(text: &str, quote_goes_on: bool) -> impl Iterator<Item = (usize, String)> {
    let mut open: Vec<(usize, char, char)> = Vec::new();
    let mut found = Vec::new();
    for (at, c) in text.char_indices() {
        if let Some(&(o, close)) = PAIRS.iter().find(|(o, _)| *o == c) {
            open.push((at, o, close));
        } else if let Some(&(o, _)) = PAIRS.iter().find(|(_, cl)| *cl == c) {
            match open.iter().rposition(|&(_, oo, _)| oo == o) {
                // Marks opened inside this pair and not closed are left unclosed.
                Some(i) => {
                    for (at, o, close) in open.drain(i..).skip(1) {
                        found.push((at, format!("`{o}` is not closed by `{close}`")));
                    }
                }
                None => found.push((at, format!("`{c}` closes no `{o}`"))),
            }
        }
    }
    for (at, o, close) in open {
        if !(o == '“' && quote_goes_on) {
            found.push((at, format!("`{o}` is not closed by `{close}`")));
        }
    }
    found.sort_by_key(|(at, _)| *at);
    found.into_iter()
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{findings_of, fixed, messages_of as of};

    #[test]
    fn paired_marks_are_closed() {
        assert_eq!(
            of("paired-marks", "目前仍有《规划未编制完成。\n\n见附表）。\n"),
            vec!["`《` is not closed by `》`", "`）` closes no `（`"]
        );
        assert!(of(
            "paired-marks",
            "《关于〈办法〉的通知》（宁政发〔2023〕5号）“引文”【注】。\n\n“第一段\n\n“第二段。”\n\n1）列表项\n"
        )
        .is_empty());
        assert_eq!(
            findings_of("paired-marks", "title: 关于《办法的通知\n", ""),
            vec![(2, "`《` is not closed by `》`".to_string())]
        );
    }

    #[test]
    fn ranges_take_a_dash_not_a_hyphen() {
        assert_eq!(
            of("range-hyphen", "2021-2023年，6-8月，3-5个工作日。\n"),
            vec![
                "the range `2021-2023年` is written with a hyphen",
                "the range `6-8月` is written with a hyphen",
                "the range `3-5个` is written with a hyphen",
            ]
        );
        assert!(of(
            "range-hyphen",
            "电话0951-5044257，2024-05-20，2021—2023年，3～5个，GB/T 9704-2012。\n"
        )
        .is_empty());
        assert_eq!(
            fixed("---\ntitle: x\n---\n2021-2023年\n"),
            "---\ntitle: x\n---\n2021—2023年\n"
        );
    }

    #[test]
    fn the_ellipsis_is_six_dots() {
        assert_eq!(
            of("ellipsis-form", "甲、乙。。。丙…丁...戊\n"),
            vec![
                "the 省略号 is written `。。。`",
                "the 省略号 is written `…`",
                "the 省略号 is written `...`",
            ]
        );
        assert!(of("ellipsis-form", "甲、乙……\n\nWait... what\n").is_empty());
        assert_eq!(
            fixed("---\ntitle: x\n---\n甲、乙。。。\n"),
            "---\ntitle: x\n---\n甲、乙……\n"
        );
    }

    #[test]
    fn no_deng_with_an_ellipsis() {
        assert_eq!(
            of("ellipsis-with-deng", "矿山、水土等等……任务，甲、乙等……\n"),
            vec![
                "`等等……`: 等 and an 省略号 say the same",
                "`等……`: 等 and an 省略号 say the same",
            ]
        );
        assert!(of("ellipsis-with-deng", "矿山、水土等任务，甲、乙……\n").is_empty());
    }

    #[test]
    fn no_mark_twice() {
        assert_eq!(
            of("doubled-mark", "经研究，，同意。。\n"),
            vec!["`，` typed 2 times", "`。` typed 2 times",]
        );
        assert!(of("doubled-mark", "真的吗？？同意。\n").is_empty());
        assert_eq!(
            fixed("---\ntitle: x\n---\n经研究，，同意。\n"),
            "---\ntitle: x\n---\n经研究，同意。\n"
        );
    }
}
