//! 发文字号 (GB/T 9704 7.2.4): 机关代字〔年份〕序号号 — the year in full
//! between 六角括号 〔〕, the number without 第 and without leading zeros.

use std::sync::LazyLock;

use regex::Regex;

use super::document::{Document, FieldValue};
use super::Finding;
use crate::letter::fields;

pub const RULE: &str = "document-number";

/// A year between brackets that are not 〔〕: [2022] ［2022］ (2022) （2022） 【2022】 …
static WRONG_BRACKETS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([\[［(（【〈<{｛〖])\s*(\d{2,4})\s*([\]］)）】〉>}｝〗])").unwrap()
});
static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"〔\s*(\d+)\s*〕").unwrap());
/// After the year: an optional 第, leading zeros, the number.
static SEQUENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[〕\]］)）】〉>}｝〗]\s*(第?)\s*(0*)(\d+)\s*(号?)").unwrap());

pub fn check(doc: &Document) -> Vec<Finding> {
    let Some(field) = doc.field(&fields::NUMBER) else {
        return Vec::new();
    };
    let Some(number) = field.value.as_str().map(str::trim) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    found.extend(year(doc, field, number));
    if let Some(m) = SEQUENCE.captures(number) {
        sequence(doc, field, number, &m, &mut found);
    }
    found
}

/// The year: in 〔〕 and in full.
fn year(doc: &Document, field: &FieldValue, number: &str) -> Option<Finding> {
    let at = field.line;
    if let Some(m) = WRONG_BRACKETS.captures(number) {
        let (open, year, close) = (&m[1], &m[2], &m[3]);
        let f = Finding::error(
            RULE,
            at,
            format!("发文字号 `{number}`: the year is in `{open} {close}`"),
            format!("put the year in 六角括号: 〔{year}〕"),
        );
        return Some(match doc.find_in_field(field, &m[0]) {
            Some(range) => f.fix(range, format!("〔{year}〕")),
            None => f,
        });
    }
    let Some(m) = YEAR.captures(number) else {
        return Some(Finding::error(
            RULE,
            at,
            format!("发文字号 `{number}` has no year in 〔〕"),
            "write it as 机关代字〔年份〕序号号, e.g. 宁自然资函〔2024〕33号",
        ));
    };
    (m[1].len() != 4).then(|| {
        Finding::error(
            RULE,
            at,
            format!("发文字号 `{number}`: the year `{}` is not in full", &m[1]),
            "write the year with four digits, e.g. 〔2024〕",
        )
    })
}

/// The number after the year: no 第, no leading zero, then 号.
fn sequence(
    doc: &Document,
    field: &FieldValue,
    number: &str,
    m: &regex::Captures,
    found: &mut Vec<Finding>,
) {
    let at = field.line;
    let (di, zeros, digits, hao) = (&m[1], &m[2], &m[3], &m[4]);
    if !di.is_empty() {
        let f = Finding::error(
            RULE,
            at,
            format!("发文字号 `{number}`: the number has 第"),
            "leave out 第: 〔2024〕33号, not 〔2024〕第33号",
        );
        found.push(with_fix_after_year(doc, field, f, &m[0], di, ""));
    }
    if !zeros.is_empty() {
        let f = Finding::error(
            RULE,
            at,
            format!("发文字号 `{number}`: the number has a leading zero"),
            format!("write {digits}号, without leading zeros (no 虚位)"),
        );
        let written = format!("{zeros}{digits}");
        found.push(with_fix_after_year(doc, field, f, &m[0], &written, digits));
    }
    if hao.is_empty() {
        found.push(Finding::warning(
            RULE,
            at,
            format!("发文字号 `{number}` does not end in 号"),
            format!("end it with 号: …{digits}号"),
        ));
    }
}

/// Fixes `part` inside the text after the year (`whole`), so a 0 or 第 elsewhere is never touched.
fn with_fix_after_year(
    doc: &Document,
    field: &FieldValue,
    f: Finding,
    whole: &str,
    part: &str,
    replacement: &str,
) -> Finding {
    let Some(range) = doc.find_in_field(field, whole) else {
        return f;
    };
    match doc.text[range.clone()].find(part) {
        Some(i) => f.fix(range.start + i..range.start + i + part.len(), replacement),
        None => f,
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{findings, fixed};

    fn number(n: &str) -> Vec<String> {
        findings(&format!("title: 关于某事的函\nnumber: {n}\n"), "")
            .into_iter()
            .map(|(line, rule, message)| {
                assert_eq!((line, rule), (3, "document-number"));
                message
            })
            .collect()
    }

    #[test]
    fn a_good_number_passes() {
        assert!(number("宁自然资函〔2024〕33号").is_empty());
    }

    #[test]
    fn wrong_brackets_zeros_and_di_are_each_named() {
        assert_eq!(
            number("宁自然资函[2024]33号"),
            vec!["发文字号 `宁自然资函[2024]33号`: the year is in `[ ]`"]
        );
        assert_eq!(
            number("宁自然资函（2024）第033号"),
            vec![
                "发文字号 `宁自然资函（2024）第033号`: the year is in `（ ）`",
                "发文字号 `宁自然资函（2024）第033号`: the number has 第",
                "发文字号 `宁自然资函（2024）第033号`: the number has a leading zero",
            ]
        );
        assert_eq!(
            number("宁自然资函〔24〕3号"),
            vec!["发文字号 `宁自然资函〔24〕3号`: the year `24` is not in full"]
        );
        assert_eq!(
            number("宁自然资函2024年3号"),
            vec!["发文字号 `宁自然资函2024年3号` has no year in 〔〕"]
        );
        assert_eq!(
            number("宁自然资函〔2024〕3"),
            vec!["发文字号 `宁自然资函〔2024〕3` does not end in 号"]
        );
    }

    #[test]
    fn fixes_touch_only_the_number() {
        assert_eq!(
            fixed("---\ntitle: 第0号\nnumber: 宁自然资函（2024）第0330号\n---\n"),
            "---\ntitle: 第0号\nnumber: 宁自然资函〔2024〕330号\n---\n"
        );
    }
}
