//! 数字 (GB/T 15835): years in full, percentages as 15%, 日 not 号 in a
//! date, Arabic digits half-width.

use std::sync::LazyLock;

use regex::Regex;

use super::document::{Document, Run};
use super::Finding;
use crate::markdown::numbering::parse_chinese_numeral;

/// Two digits and 年, read as a year where a time word follows (23年底,
/// 23年3月) or leads in (截至23年): 工作23年 and 近10年以来 are lengths of time.
static SHORT_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(于|截至|截止)\s*)?(\d{2})\s*年(度|底|初|末|上半年|下半年|全年|\d{1,2}\s*月)?")
        .unwrap()
});

static PERCENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"百分之([零〇一二两三四五六七八九十百点]+)").unwrap());

static HAO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d{1,2})\s*月\s*(\d{1,2})\s*(号)").unwrap());

static WIDE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[０-９]+").unwrap());

pub fn check(doc: &Document) -> Vec<Finding> {
    let mut found = Vec::new();
    for run in doc.prose() {
        short_years(&run, &mut found);
        percent_words(&run, &mut found);
        date_hao(&run, &mut found);
        full_width(&run, &mut found);
    }
    found
}

fn short_years(run: &Run, found: &mut Vec<Finding>) {
    let text = run.text;
    for m in SHORT_YEAR.captures_iter(text) {
        let whole = m.get(0).unwrap();
        let digits = m.get(2).unwrap();
        let before = text[..whole.start()].chars().next_back();
        // 于10年内 is a length of time too.
        let span =
            text[whole.end()..].starts_with(['内', '前', '后', '间', '来', '左', '以', '多', '余']);
        let is_year = m.get(3).is_some() || (m.get(1).is_some() && !span);
        // 90年代 is a decade, for which GB/T 15835 writes 20世纪90年代.
        let decade = text[whole.end()..].starts_with('代');
        if !is_year || decade || before.is_some_and(|c| c.is_ascii_digit() || c == '.') {
            continue;
        }
        found.push(Finding::warning(
            "short-year",
            run.line(digits.start()),
            format!("the year `{}年` is not written in full", digits.as_str()),
            format!(
                "write the year with four digits, e.g. 20{}年",
                digits.as_str()
            ),
        ));
    }
}

fn percent_words(run: &Run, found: &mut Vec<Finding>) {
    for m in PERCENT.captures_iter(run.text) {
        let whole = m.get(0).unwrap();
        let f = Finding::warning(
            "percent-words",
            run.line(whole.start()),
            format!("the percentage `{}` is in words", whole.as_str()),
            "write it in Arabic digits with %, e.g. 15%",
        );
        // Only whole numbers below 100 are read here; others the author writes.
        found.push(match parse_chinese_numeral(&m[1]) {
            Some(n) => f.fix(run.at(whole.range()), format!("{n}%")),
            None => f,
        });
    }
}

fn date_hao(run: &Run, found: &mut Vec<Finding>) {
    for m in HAO.captures_iter(run.text) {
        let hao = m.get(3).unwrap();
        found.push(
            Finding::warning(
                "date-hao",
                run.line(hao.start()),
                format!("the date `{}` has 号 for 日", m.get(0).unwrap().as_str()),
                format!("write {}月{}日", &m[1], &m[2]),
            )
            .fix(run.at(hao.range()), "日"),
        );
    }
}

fn full_width(run: &Run, found: &mut Vec<Finding>) {
    for m in WIDE.find_iter(run.text) {
        let half: String = (m.as_str().chars())
            .map(|c| char::from(b'0' + (c as u32 - '０' as u32) as u8))
            .collect();
        found.push(
            Finding::warning(
                "full-width-digits",
                run.line(m.start()),
                format!("full-width digits `{}`", m.as_str()),
                format!("write {half}"),
            )
            .fix(run.at(m.range()), half),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{fixed, messages_of as of};

    #[test]
    fn years_are_written_in_full() {
        assert_eq!(
            of("short-year", "23年底完成，截至22年，24年3月起。\n"),
            vec![
                "the year `23年` is not written in full",
                "the year `22年` is not written in full",
                "the year `24年` is not written in full",
            ]
        );
        assert!(of(
            "short-year",
            "2023年底完成，工作23年，有效期10年，近10年以来，延长至10年，始于90年代，于10年内，2020 年以来，8.19亿元。\n"
        )
        .is_empty());
    }

    #[test]
    fn percentages_in_digits() {
        assert_eq!(
            of("percent-words", "增长百分之十五，下降百分之零点五。\n"),
            vec![
                "the percentage `百分之十五` is in words",
                "the percentage `百分之零点五` is in words",
            ]
        );
        assert!(of("percent-words", "增长15%。\n").is_empty());
        assert_eq!(
            fixed("---\ntitle: x\n---\n增长百分之十五。\n"),
            "---\ntitle: x\n---\n增长15%。\n"
        );
    }

    #[test]
    fn a_day_is_ri_not_hao() {
        assert_eq!(
            of("date-hao", "经6月5号厅务会研究，第5号令。\n"),
            vec!["the date `6月5号` has 号 for 日"]
        );
        assert!(of("date-hao", "经6月5日厅务会研究，〔2023〕5号。\n").is_empty());
        assert_eq!(
            fixed("---\ntitle: x\n---\n经6月5号厅务会研究。\n"),
            "---\ntitle: x\n---\n经6月5日厅务会研究。\n"
        );
    }

    #[test]
    fn digits_are_half_width() {
        assert_eq!(
            of("full-width-digits", "共１２个项目。\n"),
            vec!["full-width digits `１２`"]
        );
        assert!(of("full-width-digits", "共12个项目。\n").is_empty());
        assert_eq!(
            fixed("---\ntitle: x\n---\n共１２个\n"),
            "---\ntitle: x\n---\n共12个\n"
        );
    }
}
