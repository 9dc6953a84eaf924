//! The elements around the body: 标题, 主送机关, 附件说明 and 抄送机关, as the
//! frontmatter gives them or as an author typed them into the text.

use std::sync::LazyLock;

use regex::Regex;

use super::document::{strings, BlockKind, Document, FieldValue};
use super::Finding;
use crate::letter::fields;
use crate::letter::Format;

/// Marks no title, 附件 name or organ name ends with.
pub(super) const CLOSING: &[char] = &[
    '。', '，', '、', '；', '：', '？', '！', '.', ',', ';', ':', '?', '!',
];

pub fn check(doc: &Document) -> Vec<Finding> {
    let mut found = Vec::new();
    found.extend(title(doc));
    found.extend(addressee(doc));
    found.extend(super::attachments::check(doc));
    found.extend(cc(doc));
    found.extend(record_typed_twice(doc));
    found
}

/// A finding whose fix drops the closing mark of `item`, when the item is found on its lines.
pub(super) fn drop_closing_mark(
    doc: &Document,
    field: &FieldValue,
    item: &str,
    f: Finding,
) -> Finding {
    match doc.find_in_field(field, item) {
        Some(range) => {
            let kept = item.trim_end_matches(CLOSING);
            f.fix(range.start + kept.len()..range.end, "")
        }
        None => f,
    }
}

fn title(doc: &Document) -> Option<Finding> {
    let field = doc.field(&fields::TITLE)?;
    let title = field.value.as_str()?.trim();
    let last = title.chars().last().filter(|c| CLOSING.contains(c))?;
    let f = Finding::warning(
        "title-punctuation",
        field.line,
        format!("the title ends in `{last}`"),
        format!("remove the final `{last}`: a title takes no closing punctuation"),
    );
    Some(drop_closing_mark(doc, field, title, f))
}

const ADDRESSEE: &str = "addressee-colon";

/// Endings of organ names, to tell a 主送 line typed into the text from a sentence.
const ORGANS: &[&str] = &[
    "厅", "局", "委", "办", "部", "室", "院", "会", "处", "所", "府", "单位", "中心", "公司",
    "集团", "署", "站", "队", "校", "行", "司", "科",
];

fn addressee(doc: &Document) -> Vec<Finding> {
    let mut found = Vec::new();
    if let Some(field) = doc.field(&fields::TO) {
        for name in strings(&field.value) {
            if name.ends_with(['：', ':']) {
                let f = Finding::warning(
                    ADDRESSEE,
                    field.line,
                    format!("主送机关 `{name}` ends in a colon"),
                    "leave the colon out of `to`: it is printed after the last 主送机关",
                );
                found.push(drop_closing_mark(doc, field, &name, f));
            }
        }
    }
    // An author who typed the 主送 line as the first paragraph must end it with ：.
    let Some(first) = doc.blocks.iter().find(|b| !b.nested) else {
        return found;
    };
    let text = first.text.trim();
    let looks_like_organs = first.kind == BlockKind::Paragraph
        && !text.contains('\n')
        && text.chars().count() <= 80
        && !text.contains(['。', '？', '！', ':', '：'])
        && ORGANS.iter().any(|o| text.ends_with(o));
    if looks_like_organs {
        let end = first.start + doc.text[first.start..first.end].trim_end().len();
        found.push(
            Finding::warning(
                ADDRESSEE,
                doc.line_of(first.start),
                format!("the 主送 line `{text}` has no colon"),
                "end the 主送 line with a full-width colon ：",
            )
            .fix(end..end, "："),
        );
    }
    found
}

const CC: &str = "cc-full-stop";

fn cc(doc: &Document) -> Vec<Finding> {
    let mut found = Vec::new();
    if let Some(field) = doc.field(&fields::CC) {
        for name in strings(&field.value) {
            if name.ends_with(CLOSING) {
                let f = Finding::warning(
                    CC,
                    field.line,
                    format!("抄送机关 `{name}` ends in a punctuation mark"),
                    "leave it out: gongwen puts the commas and the final 。",
                );
                found.push(drop_closing_mark(doc, field, &name, f));
            }
        }
    }
    for block in doc.blocks.iter().filter(|b| b.kind == BlockKind::Paragraph) {
        let text = block.text.trim();
        let typed_cc = text.starts_with("抄送：") || text.starts_with("抄送:");
        if typed_cc && !text.ends_with('。') {
            let end = block.start + doc.text[block.start..block.end].trim_end().len();
            let mut f = Finding::warning(
                CC,
                doc.line_of(block.start),
                "the 抄送 line does not end with a full stop",
                "end it with 。 (or list the names under `cc:` in the frontmatter, which puts them in the 版记)",
            );
            if !text.ends_with(CLOSING) {
                f = f.fix(end..end, "。");
            }
            found.push(f);
        }
    }
    found
}

/// An 印发 line: 2022年6月13日印发.
static PRINTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印发$").unwrap());

/// A 版记 line typed into the text while the frontmatter (or `gongwen.yaml`) gives it too.
fn record_typed_twice(doc: &Document) -> Vec<Finding> {
    let cc = !doc.names(&fields::CC).is_empty();
    // 信函格式 prints no 印发 line (GB/T 9704 10.1).
    let in_letter_format = doc.format() == Some(Format::Letter);
    let printer = !in_letter_format && doc.value(&fields::PRINTER).is_some_and(|p| !p.is_empty());
    let mut found = Vec::new();
    for block in doc
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Paragraph && !b.nested)
    {
        let text = block.text.trim();
        let line = doc.line_of(block.start);
        if cc && (text.starts_with("抄送：") || text.starts_with("抄送:")) {
            found.push(Finding::warning(
                "record-typed-twice",
                line,
                "a 抄送 line typed into the text, while `cc` (抄送机关) is given: the PDF prints the 抄送 twice",
                "delete this paragraph: gongwen prints the 抄送 line in the 版记 from `cc`",
            ));
        }
        if printer && PRINTED.is_match(text) {
            found.push(Finding::warning(
                "record-typed-twice",
                line,
                "an 印发 line typed into the text, while `printer` (印发机关) is given: the PDF prints the 印发 line twice",
                format!(
                    "delete it and the 印发机关 typed above it: gongwen prints them in the 版记 from `{}` and `{}`",
                    fields::PRINTER.key,
                    fields::PRINT_DATE.key
                ),
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{findings_of, fixed};

    fn rule(frontmatter: &str, body: &str, rule: &str) -> Vec<(usize, String)> {
        findings_of(rule, frontmatter, body)
    }

    #[test]
    fn a_title_ending_in_punctuation() {
        assert_eq!(
            rule("title: 关于某事的函。\n", "", "title-punctuation"),
            vec![(2, "the title ends in `。`".to_string())]
        );
        assert!(rule("title: 关于某事的通知（试行）\n", "", "title-punctuation").is_empty());
        assert_eq!(
            fixed("---\ntitle: 关于某事的函。\n---\n"),
            "---\ntitle: 关于某事的函\n---\n"
        );
    }

    #[test]
    fn a_typed_addressee_line_needs_its_colon() {
        let t = "title: 关于某事的函\n";
        assert_eq!(
            rule(t, "自治区财政厅\n\n正文。\n", "addressee-colon"),
            vec![(4, "the 主送 line `自治区财政厅` has no colon".to_string())]
        );
        assert!(rule(t, "自治区财政厅：\n\n正文。\n", "addressee-colon").is_empty());
        assert!(rule(t, "现将有关事项函告如下\n", "addressee-colon").is_empty());
        assert_eq!(
            fixed(
                "---\ntitle: 关于某事的函\nto: [甲厅：]\n---\n各市、县（区）自然资源局\n\n正文。\n"
            ),
            "---\ntitle: 关于某事的函\nto: [甲厅]\n---\n各市、县（区）自然资源局：\n\n正文。\n"
        );
    }

    #[test]
    fn a_typed_cc_line_ends_with_a_full_stop() {
        let t = "title: 关于某事的函\ncc: [甲厅，]\n";
        assert_eq!(
            rule(
                t,
                "正文。\n\n抄送：自治区财政厅，自治区发展改革委\n",
                "cc-full-stop"
            ),
            vec![
                (
                    3,
                    "抄送机关 `甲厅，` ends in a punctuation mark".to_string()
                ),
                (7, "the 抄送 line does not end with a full stop".to_string()),
            ]
        );
        assert_eq!(
            fixed("---\ntitle: x\n---\n抄送：甲厅，乙厅\n"),
            "---\ntitle: x\n---\n抄送：甲厅，乙厅。\n"
        );
    }

    #[test]
    fn a_record_line_typed_while_the_frontmatter_gives_it() {
        let body = "正文。\n\n抄送：自治区财政厅。\n\n宁夏回族自治区自然资源厅办公室\n\n2022年6月13日印发\n";
        let messages = |fm: &str| -> Vec<(usize, String)> { rule(fm, body, "record-typed-twice") };
        assert_eq!(
            messages("title: x\ncc: [自治区财政厅]\nprinter: 办公室\n"),
            vec![
                (8, "a 抄送 line typed into the text, while `cc` (抄送机关) is given: the PDF prints the 抄送 twice".to_string()),
                (12, "an 印发 line typed into the text, while `printer` (印发机关) is given: the PDF prints the 印发 line twice".to_string()),
            ]
        );
        assert!(messages("title: x\n").is_empty());
        // 信函格式 has no 印发 line to print twice.
        assert!(messages("title: x\nprinter: 办公室\nformat: letter\n").is_empty());
    }
}
