//! Dates in the text without leading zeros: 2022年6月3日, not 2022年06月03日.

use std::sync::LazyLock;

use regex::Regex;

use super::document::Document;
use super::Finding;

const RULE: &str = "date-leading-zero";

/// A month with a year or a day beside it, so a bare `06月` is left alone.
static DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d{4}年)?(\d{1,2})月(?:(\d{1,2})日)?").unwrap());

pub fn check(doc: &Document) -> Vec<Finding> {
    let mut found = Vec::new();
    for range in &doc.prose {
        let text = &doc.text[range.clone()];
        for m in DATE.captures_iter(text) {
            let (year, month, day) = (m.get(1), &m[2], m.get(3));
            if year.is_none() && day.is_none() {
                continue;
            }
            let zero = |s: &str| s.len() > 1 && s.starts_with('0');
            if !zero(month) && !day.is_some_and(|d| zero(d.as_str())) {
                continue;
            }
            let strip = |s: &str| s.trim_start_matches('0').to_string();
            let good = format!(
                "{}{}月{}",
                year.map_or("", |y| y.as_str()),
                strip(month),
                day.map_or(String::new(), |d| format!("{}日", strip(d.as_str())))
            );
            let whole = m.get(0).unwrap();
            let at = range.start + whole.start();
            found.push(
                Finding::warning(
                    RULE,
                    doc.line_of(at),
                    format!("date `{}` has a leading zero", whole.as_str()),
                    format!("write {good}"),
                )
                .fix(at..range.start + whole.end(), good),
            );
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{findings, fixed};

    #[test]
    fn names_dates_with_leading_zeros_only() {
        let found = findings(
            "title: 关于某事的函\n",
            "于2022年06月13日、6月03日收到。\n\n2022年6月13日、第06月、12月10日无误。\n",
        );
        let messages: Vec<_> = found.iter().map(|(l, _, m)| (*l, m.as_str())).collect();
        assert_eq!(
            messages,
            vec![
                (4, "date `2022年06月13日` has a leading zero"),
                (4, "date `6月03日` has a leading zero"),
            ]
        );
    }

    #[test]
    fn the_fix_drops_the_zeros() {
        assert_eq!(
            fixed("---\ntitle: 关于某事的函\n---\n2022年06月03日起\n"),
            "---\ntitle: 关于某事的函\n---\n2022年6月3日起\n"
        );
    }
}
