//! 发文字号 (GB/T 9704 7.2.4): 机关代字〔年份〕序号号 — the year in full
//! between 六角括号 〔〕, the number without 第 and without leading zeros;
//! in 命令格式 the 令号 (第128号), in 纪要格式 the 期号 (第15期). Read by the
//! one grammar of `letter/number`, which the reader and `new` use too.

use super::document::{Document, FieldValue};
use super::Finding;
use crate::letter::fields;
use crate::letter::number::{self, Found, Problem, Shape};

pub const RULE: &str = "document-number";

pub fn check(doc: &Document) -> Vec<Finding> {
    let Some(field) = doc.field(&fields::NUMBER) else {
        return Vec::new();
    };
    let Some(number) = field.value.as_str().map(str::trim) else {
        return Vec::new();
    };
    let format = doc.format().unwrap_or_default();
    let shape = Shape::of(format);
    let Some(reading) = number::read(number, shape) else {
        return vec![unreadable(field, number, shape)];
    };
    let start = doc.find_in_field(field, number).map(|r| r.start);
    (reading.problems.iter())
        .map(|p| {
            let f = finding(field.line, number, shape, p);
            match (start, &p.replacement) {
                (Some(at), Some(with)) => f.fix(at + p.range.start..at + p.range.end, with.clone()),
                _ => f,
            }
        })
        .collect()
}

/// A number the grammar cannot read at all.
fn unreadable(field: &FieldValue, number: &str, shape: Shape) -> Finding {
    let at = field.line;
    if shape != Shape::Document {
        let name = if shape == Shape::Order {
            "令号"
        } else {
            "期号"
        };
        return Finding::error(
            RULE,
            at,
            format!("{name} `{number}` is not of the form {}", shape.form()),
            if shape == Shape::Order {
                "write it as 第128号: 第, the number, 号 (a 令 has no 机关代字 or year)"
            } else {
                "write it as 第15期: 第, the number, 期"
            },
        );
    }
    let has_year = number.contains('〔') || number.contains('[') || number.contains('（');
    let message = if has_year {
        format!("发文字号 `{number}` is not of the form {}", shape.form())
    } else {
        format!("发文字号 `{number}` has no year in 〔〕")
    };
    Finding::error(
        RULE,
        at,
        message,
        "write it as 机关代字〔年份〕序号号, e.g. 宁自然资函〔2024〕33号",
    )
}

/// One problem as `check` words it.
fn finding(at: usize, number: &str, shape: Shape, p: &Found) -> Finding {
    let name = match shape {
        Shape::Document => "发文字号",
        Shape::Order => "令号",
        Shape::Issue => "期号",
    };
    let error = |message: String, help: String| Finding::error(RULE, at, message, help);
    match &p.kind {
        Problem::Brackets { open, close, year } => error(
            format!("{name} `{number}`: the year is in `{open} {close}`"),
            format!("put the year in 六角括号: 〔{year}〕"),
        ),
        Problem::ShortYear => error(
            format!(
                "{name} `{number}`: the year `{}` is not in full",
                short_year(number)
            ),
            "write the year with four digits, e.g. 〔2024〕".into(),
        ),
        Problem::Di => error(
            format!("{name} `{number}`: the number has 第"),
            "leave out 第: 〔2024〕33号, not 〔2024〕第33号".into(),
        ),
        Problem::NoDi => error(
            format!("{name} `{number}` has no 第"),
            format!("write 第 before the number, as in {}", example(shape)),
        ),
        Problem::LeadingZero { digits } => error(
            format!("{name} `{number}`: the number has a leading zero"),
            format!(
                "write {digits}{}, without leading zeros (no 虚位)",
                end(shape)
            ),
        ),
        Problem::WideDigits => error(
            format!("{name} `{number}` has full-width digits"),
            "write the digits half-width (0-9)".into(),
        ),
        Problem::NoEnd { end, digits } => Finding::warning(
            RULE,
            at,
            format!("{name} `{number}` does not end in {end}"),
            format!("end it with {end}: …{digits}{end}"),
        ),
    }
}

fn end(shape: Shape) -> char {
    if shape == Shape::Issue {
        '期'
    } else {
        '号'
    }
}

fn example(shape: Shape) -> &'static str {
    if shape == Shape::Issue {
        "第15期"
    } else {
        "第128号"
    }
}

/// The digits of a year written short, as the author wrote them.
fn short_year(number: &str) -> String {
    let from = number.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
    number[from..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect()
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
    fn a_ling_hao_passes_in_an_order_and_nowhere_else() {
        let lint = |format: &str, n: &str| {
            findings(
                &format!("title: 某某令\nformat: {format}\nnumber: {n}\n"),
                "",
            )
            .into_iter()
            .filter(|(_, rule, _)| *rule == "document-number")
            .map(|(_, _, message)| message)
            .collect::<Vec<_>>()
        };
        assert!(lint("order", "第128号").is_empty());
        assert!(lint("令", "第128号").is_empty());
        assert!(lint("minutes", "第15期").is_empty());
        assert_eq!(
            lint("document", "第128号"),
            vec!["发文字号 `第128号` has no year in 〔〕"]
        );
        assert_eq!(
            lint("order", "宁政令〔2024〕1号"),
            vec!["令号 `宁政令〔2024〕1号` is not of the form 第序号号 (令号)"]
        );
        assert_eq!(
            lint("minutes", "第015期"),
            vec!["期号 `第015期`: the number has a leading zero"]
        );
    }

    #[test]
    fn a_ling_hao_is_mended_in_place() {
        assert_eq!(
            fixed("---\ntitle: 某某令\nformat: order\nnumber: 第0128\n---\n"),
            "---\ntitle: 某某令\nformat: order\nnumber: 第128号\n---\n"
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
