//! 结束语: the last paragraph fits the 文种. A 请示 asks (妥否，请批示); a
//! 报告 asks for nothing (条例 第十五条（四）); 特此报告, 特此通知, 特此函告
//! and 此复 close their own kinds only.

use std::sync::LazyLock;

use regex::Regex;

use super::document::{Block, BlockKind, Document};
use super::kinds::{self, Kind};
use super::Finding;
use crate::letter::fields;

/// A request for a decision, as a 请示 ends.
static ASKS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"妥否|当否|可否|是否可行|是否妥当|请[^。；]{0,10}?(?:批示|批准|批复|审批|核准|审核|审定|示复|指示|研究|同意|支持|解决|协调|予以|给予|帮助)",
    )
    .unwrap()
});

/// The phrases by which a 报告 would ask for approval; 经报请批准 tells of an approval asked before.
static ASKS_APPROVAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(妥否|当否|如无不妥)|(?:^|[^报申提呈转邀])(请予?(?:批示|批准|审批|核准))").unwrap()
});

/// 特此报告 and the like: the closing of one kind.
static SPECIAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"特此(报告|通知|函告|函复|函达|函询|批复|通告|公告|通报|请示)|此复").unwrap()
});

fn kind_closed_by(phrase: &str) -> &'static [Kind] {
    match phrase {
        "特此报告" => &[Kind::报告],
        "特此通知" => &[Kind::通知],
        "特此函告" | "特此函复" | "特此函达" | "特此函询" => &[Kind::函],
        "特此批复" => &[Kind::批复],
        "此复" => &[Kind::批复, Kind::函],
        "特此通告" => &[Kind::通告],
        "特此公告" => &[Kind::公告],
        "特此通报" => &[Kind::通报],
        _ => &[Kind::请示],
    }
}

fn how_it_ends(kind: Kind) -> &'static str {
    match kind {
        Kind::请示 => "end it with a request: 妥否，请批示。 or 以上请示如无不妥，请批准。",
        Kind::报告 => "end it with 特此报告。",
        Kind::函 => "end it with 特此函告。 or 请予函复。",
        Kind::批复 => "end it with 此复。",
        Kind::通知 => "end it with 特此通知。, or with no closing phrase",
        _ => "leave the closing phrase out",
    }
}

/// The lines an author may type after the text: 署名, 成文日期, 附注, 附件说明, 抄送, 印发.
static AFTER_THE_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:附\s*件|抄送|联系|[（(]|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)|印发$")
        .unwrap()
});

/// The last paragraph of the text, before whatever is typed after it.
fn last_paragraph<'d>(doc: &'d Document) -> Option<&'d Block> {
    let issuer = doc.value(&fields::ISSUER);
    doc.blocks.iter().rev().find(|b| {
        let t = b.text.trim();
        b.kind == BlockKind::Paragraph
            && !b.nested
            && !AFTER_THE_TEXT.is_match(t)
            && issuer.as_deref() != Some(t)
    })
}

pub fn check(doc: &Document) -> Vec<Finding> {
    let Some(kind) = kinds::of_letter(doc) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    if let Some(last) = last_paragraph(doc) {
        let text = last.text.trim();
        let line = doc.line_of(last.start);
        if let Some(m) = SPECIAL.find(text) {
            let closes = kind_closed_by(m.as_str());
            if !closes.contains(&kind) {
                found.push(Finding::warning(
                    "closing-phrase",
                    line,
                    format!(
                        "a {} ends with `{}`, the closing of a {}",
                        kind.name(),
                        m.as_str(),
                        closes[0].name()
                    ),
                    how_it_ends(kind),
                ));
            }
        } else if kind == Kind::请示 && !ASKS.is_match(text) {
            found.push(Finding::warning(
                "closing-phrase",
                line,
                "the last paragraph of a 请示 asks for nothing",
                how_it_ends(kind),
            ));
        }
    }
    let pure_report = doc
        .title()
        .and_then(kinds::of_title)
        .is_some_and(|t| t.kind == Kind::报告 && t.mixed.is_none());
    if pure_report {
        for block in doc.blocks.iter().filter(|b| b.kind == BlockKind::Paragraph) {
            if let Some(m) = ASKS_APPROVAL
                .captures(&block.text)
                .and_then(|c| c.get(1).or(c.get(2)))
            {
                let line = doc.line_of(block.start) + block.text[..m.start()].matches('\n').count();
                found.push(Finding::error(
                    "report-asks-approval",
                    line,
                    format!("a 报告 asks for approval: `{}`", m.as_str()),
                    "a 报告 only reports: ask in a 请示 of its own, and end the 报告 with 特此报告。",
                ));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::findings;

    fn closing(kind: &str, body: &str) -> Vec<(usize, &'static str, String)> {
        findings(&format!("title: 关于某事的{kind}\nsigners: [张三]\n"), body)
    }

    #[test]
    fn a_request_asks() {
        assert_eq!(
            closing("请示", "正文。\n\n特此报告。\n"),
            vec![(
                7,
                "closing-phrase",
                "a 请示 ends with `特此报告`, the closing of a 报告".into()
            )]
        );
        assert_eq!(
            closing("请示", "正文。\n\n以上情况，请知悉。\n"),
            vec![(
                7,
                "closing-phrase",
                "the last paragraph of a 请示 asks for nothing".into()
            )]
        );
        for good in [
            "妥否，请批示。",
            "当否，请批示。",
            "以上请示如无不妥，请批准。",
            "恳请予以支持。",
        ] {
            assert_eq!(
                closing("请示", &format!("正文。\n\n{good}\n")),
                vec![],
                "{good}"
            );
        }
    }

    #[test]
    fn a_report_asks_for_nothing() {
        assert_eq!(
            closing("报告", "正文。\n\n以上报告如无不妥，请批转各地执行。\n"),
            vec![(
                7,
                "report-asks-approval",
                "a 报告 asks for approval: `如无不妥`".into()
            )]
        );
        assert_eq!(
            closing("报告", "经报请批准后实施，项目已申请批准。\n\n特此报告。\n"),
            vec![]
        );
        assert_eq!(
            closing("报告", "正文，请批准。\n\n特此报告。\n")[0].2,
            "a 报告 asks for approval: `请批准`"
        );
    }

    #[test]
    fn the_lines_typed_after_the_text_are_not_its_closing() {
        let typed = "正文。\n\n妥否，请批示。\n\n宁夏回族自治区自然资源厅\n\n2024年6月10日\n\n（联系人：张三，电话：0951-5044000）\n";
        assert_eq!(
            findings(
                "title: 关于某事的请示\nsigners: [张三]\nissuer: 宁夏回族自治区自然资源厅\n",
                typed
            ),
            vec![]
        );
    }

    #[test]
    fn each_kind_its_own_closing() {
        assert_eq!(closing("函", "正文。\n\n特此函告。\n"), vec![]);
        assert_eq!(closing("复函", "正文。\n\n此复。\n"), vec![]);
        assert_eq!(closing("批复", "正文。\n\n此复。\n"), vec![]);
        assert_eq!(closing("函", "正文。\n\n请予函复。\n"), vec![]);
        assert_eq!(
            closing("函", "正文。\n\n特此通知。\n\n抄送：甲厅。\n"),
            vec![(
                7,
                "closing-phrase",
                "a 函 ends with `特此通知`, the closing of a 通知".into()
            )]
        );
    }
}
