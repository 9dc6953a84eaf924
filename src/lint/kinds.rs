//! 文种: the kind of document a title names (条例 第八条 lists 15), whether
//! it names two at once, and whether the letter's format fits it.

use super::document::Document;
use super::Finding;
use crate::letter::fields::{self, Field};
use crate::letter::Format;

/// The 15 文种 of 《党政机关公文处理工作条例》 第八条.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    决议,
    决定,
    命令,
    公报,
    公告,
    通告,
    意见,
    通知,
    通报,
    报告,
    请示,
    批复,
    议案,
    函,
    纪要,
}

/// How each kind ends a title; 命令 also as 令.
const ENDINGS: &[(&str, Kind)] = &[
    ("决议", Kind::决议),
    ("决定", Kind::决定),
    ("命令", Kind::命令),
    ("令", Kind::命令),
    ("公报", Kind::公报),
    ("公告", Kind::公告),
    ("通告", Kind::通告),
    ("意见", Kind::意见),
    ("通知", Kind::通知),
    ("通报", Kind::通报),
    ("报告", Kind::报告),
    ("请示", Kind::请示),
    ("批复", Kind::批复),
    ("议案", Kind::议案),
    ("函", Kind::函),
    ("纪要", Kind::纪要),
];

impl Kind {
    pub fn name(self) -> &'static str {
        ENDINGS.iter().find(|(_, k)| *k == self).unwrap().0
    }

    /// 上行文: to a higher office.
    pub fn is_upward(self) -> bool {
        matches!(self, Kind::请示 | Kind::报告)
    }
}

/// What a title says of its kind.
#[derive(Debug, PartialEq, Eq)]
pub struct TitleKind {
    /// The kind the letter is held to: the last one named, or 请示 when a
    /// request is mixed with a report (the request is what it asks for).
    pub kind: Kind,
    /// Both kinds as written, and each, when the title names two: `请示报告`.
    pub mixed: Option<(String, Kind, Kind)>,
}

/// The words that join two kinds in a mixed title: 报告并请示.
const JOINS: &[&str] = &["并", "和", "及", "暨", "与", ""];

/// The kind a title ends with, if any; a trailing （试行） or mark is not part of it.
pub fn of_title(title: &str) -> Option<TitleKind> {
    let mut t = title.trim().trim_end_matches(super::elements::CLOSING);
    if let Some(open) = t.rfind(['（', '(']) {
        if t.ends_with(['）', ')']) {
            t = t[..open].trim_end();
        }
    }
    let (last, kind) = ENDINGS.iter().find(|(e, _)| t.ends_with(e))?;
    let before = &t[..t.len() - last.len()];
    // A one-character kind (令, 函) before another is too often part of a word (指令).
    let mixed = JOINS.iter().find_map(|join| {
        let before = before.strip_suffix(join)?;
        ENDINGS
            .iter()
            .find(|(e, k)| e.chars().count() == 2 && k != kind && before.ends_with(e))
            .map(|(e, k)| (format!("{e}{join}{last}"), *k, *kind))
    });
    let request_and_report =
        |a: Kind, b: Kind| matches!((a, b), (Kind::请示, Kind::报告) | (Kind::报告, Kind::请示));
    Some(match mixed {
        Some((words, first, last)) => TitleKind {
            kind: if request_and_report(first, last) {
                Kind::请示
            } else {
                last
            },
            mixed: Some((words, first, last)),
        },
        None => TitleKind {
            kind: *kind,
            mixed: None,
        },
    })
}

/// The letter's kind, from its title.
pub fn of_letter(doc: &Document) -> Option<Kind> {
    of_title(doc.title()?).map(|t| t.kind)
}

pub fn check(doc: &Document) -> Vec<Finding> {
    let Some(field) = doc.field(&fields::TITLE) else {
        return Vec::new();
    };
    let Some(title) = doc.title() else {
        return Vec::new();
    };
    let line = field.line;
    let Some(found) = of_title(title) else {
        return vec![Finding::warning(
            "title-kind",
            line,
            format!(
                "{} `{title}` names no 文种",
                fields::describe(&fields::TITLE)
            ),
            "end the title with one of the 15 文种 of the 条例, e.g. …的通知, …的请示, …的函",
        )];
    };
    let mut out = Vec::new();
    if let Some((words, first, last)) = &found.mixed {
        out.push(Finding::error(
            "mixed-kinds",
            line,
            format!(
                "{} ends in `{words}`, two 文种 at once",
                fields::describe(&fields::TITLE)
            ),
            if found.kind == Kind::请示 {
                "choose one: a 请示 asks for approval (…的请示); a 报告 reports and asks for nothing (…的报告)".to_string()
            } else {
                format!("choose one 文种: …的{} or …的{}", first.name(), last.name())
            },
        ));
    }
    out.extend(format_fits(doc, found.kind, line));
    out
}

/// A 令 wants 命令格式 and a 纪要 纪要格式 (GB/T 9704 10.2, 10.3), and those
/// formats no other 文种.
fn format_fits(doc: &Document, kind: Kind, line: usize) -> Option<Finding> {
    let format = doc.format();
    let named = |f: Format| format == Some(f);
    let (own, chinese, key) = match kind {
        Kind::命令 => (Format::Order, "命令格式", "order"),
        Kind::纪要 => (Format::Minutes, "纪要格式", "minutes"),
        _ => {
            let other = if named(Format::Order) {
                "命令格式, the format of a 令"
            } else if named(Format::Minutes) {
                "纪要格式, the format of a 纪要"
            } else {
                return None;
            };
            return Some(Finding::warning(
                "kind-format",
                line,
                format!("a {} in {other}", kind.name()),
                "leave `format` to letter (信函格式) or document (文件格式): 命令格式 is for a 令, 纪要格式 for a 纪要",
            ));
        }
    };
    if named(own) {
        return None;
    }
    let number = if own == Format::Order {
        "令号"
    } else {
        "期号"
    };
    let help = format!(
        "set `format: {key}` ({chinese}): it prints the 标志, the {number} and the closing of {chinese}"
    );
    Some(Finding::warning(
        "kind-format",
        line,
        format!(
            "a {} is laid out in {chinese} (GB/T 9704-2012)",
            kind.name()
        ),
        help,
    ))
}

/// Keys the letter's format leaves out, which the build would drop without a
/// word: a `seal` on a 令 or 纪要, a `signature` (签名章) outside 命令格式,
/// `attendees` outside 纪要格式.
pub fn unprinted_keys(doc: &Document) -> Vec<Finding> {
    let format = doc.format().unwrap_or_default();
    let unprinted: [(&Field, bool, &str); 3] = [
        (
            &fields::SEAL,
            matches!(format, Format::Order | Format::Minutes),
            "命令格式 is signed with the 签名章 (`signature`), 纪要格式 has no seal",
        ),
        (
            &fields::SIGNATURE,
            format != Format::Order,
            "the 签名章 is printed in 命令格式 (`format: order`) only; other formats take `seal`",
        ),
        (
            &fields::ATTENDEES,
            format != Format::Minutes,
            "the 出席 lists are printed in 纪要格式 (`format: minutes`) only",
        ),
    ];
    unprinted
        .into_iter()
        .filter(|(_, dropped, _)| *dropped)
        .filter_map(|(field, _, help)| {
            let given = doc.field(field)?;
            Some(Finding::warning(
                "format-keys",
                given.line,
                format!(
                    "{} is not printed in {} (`format: {}`)",
                    fields::describe(field),
                    format.chinese(),
                    format.key()
                ),
                help,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::test_support::findings;

    fn rules(frontmatter: &str) -> Vec<(usize, &'static str, String)> {
        findings(frontmatter, "")
    }

    #[test]
    fn the_kind_is_the_last_word_of_the_title() {
        let kind = |t: &str| of_title(t).map(|k| (k.kind, k.mixed.map(|m| m.0)));
        assert_eq!(
            kind("关于银川市申请调整耕地保护目标的复函"),
            Some((Kind::函, None))
        );
        assert_eq!(
            kind("关于印发《办法（试行）》的通知"),
            Some((Kind::通知, None))
        );
        assert_eq!(kind("关于某事的意见（试行）"), Some((Kind::意见, None)));
        assert_eq!(kind("中华人民共和国主席令"), Some((Kind::命令, None)));
        assert_eq!(kind("关于某事的方案"), None);
        assert_eq!(
            kind("关于申请资金的请示报告"),
            Some((Kind::请示, Some("请示报告".into())))
        );
        assert_eq!(
            kind("关于某事的报告并请示"),
            Some((Kind::请示, Some("报告并请示".into())))
        );
        assert_eq!(
            kind("关于某事的请示函"),
            Some((Kind::函, Some("请示函".into())))
        );
        assert_eq!(kind("关于印发工作意见的通知"), Some((Kind::通知, None)));
        assert_eq!(kind("关于下达指令的通知"), Some((Kind::通知, None)));
    }

    #[test]
    fn a_title_without_a_kind_is_named() {
        assert_eq!(
            rules("title: 关于某事的方案\n"),
            vec![(
                2,
                "title-kind",
                "`title` (标题) `关于某事的方案` names no 文种".into()
            )]
        );
        assert_eq!(rules("title: 关于某事的函\n"), vec![]);
    }

    #[test]
    fn a_title_with_two_kinds_is_an_error() {
        assert_eq!(
            rules("title: 关于某事的请示报告\nsigners: [张三]\n"),
            vec![(
                2,
                "mixed-kinds",
                "`title` (标题) ends in `请示报告`, two 文种 at once".into()
            )]
        );
        assert_eq!(rules("title: 关于某事的请示\nsigners: [张三]\n"), vec![]);
    }

    #[test]
    fn an_order_or_minutes_wants_its_own_format() {
        assert_eq!(
            rules("title: 宁夏回族自治区人民政府令\nformat: document\n"),
            vec![(
                2,
                "kind-format",
                "a 命令 is laid out in 命令格式 (GB/T 9704-2012)".into()
            )]
        );
        let found = crate::lint::lint(
            std::path::Path::new("a.md"),
            "---\ntitle: 厅务会议纪要\n---\n",
        );
        assert_eq!(
            found[0].help,
            "set `format: minutes` (纪要格式): it prints the 标志, the 期号 and the closing of 纪要格式"
        );
        // In its own format (any spelling), a 令 or 纪要 is as it should be.
        assert_eq!(
            rules(
                "title: 宁夏回族自治区人民政府令\nformat: 令\nheader: 宁夏回族自治区人民政府令\n\
                 number: 第1号\nsigners: [自治区主席 张三]\n"
            ),
            vec![]
        );
        assert_eq!(
            rules(
                "title: 厅务会议纪要\nformat: 纪要格式\nheader: 厅务会议纪要\nnumber: 第1期\n\
                 attendees: {present: [张三]}\n"
            ),
            vec![]
        );
        assert_eq!(
            rules("title: 关于某事的通知\nformat: order\n")
                .iter()
                .filter(|f| f.1 == "kind-format")
                .map(|f| f.2.as_str())
                .collect::<Vec<_>>(),
            vec!["a 通知 in 命令格式, the format of a 令"]
        );
        // 函 in 信函格式 is what 信函格式 is for.
        assert_eq!(rules("title: 关于某事的函\nformat: letter\n"), vec![]);
    }
}
