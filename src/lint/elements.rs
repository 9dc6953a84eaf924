//! The elements around the body: 标题, 主送机关, 附件说明 and 抄送机关, as the
//! frontmatter gives them or as an author typed them into the text.

use std::sync::LazyLock;

use regex::Regex;

use super::document::{strings, Block, BlockKind, Document, FieldValue};
use super::{Finding, ReadAttachment};
use crate::letter::fields;
use crate::letter::{Attachment, Format};

/// Marks no title, 附件 name or organ name ends with.
pub(super) const CLOSING: &[char] = &[
    '。', '，', '、', '；', '：', '？', '！', '.', ',', ';', ':', '?', '!',
];

pub fn check(doc: &Document) -> Vec<Finding> {
    let mut found = Vec::new();
    found.extend(title(doc));
    found.extend(addressee(doc));
    found.extend(attachments(doc));
    found.extend(cc(doc));
    found.extend(record_typed_twice(doc));
    found
}

/// A finding whose fix drops the closing mark of `item`, when the item is found on its lines.
fn drop_closing_mark(doc: &Document, field: &FieldValue, item: &str, f: Finding) -> Finding {
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

const ATTACHMENTS: &str = "attachment-names";

/// `附件：` typed into the text.
static NOTE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^附\s*件\s*[：:]").unwrap());
/// `1.` `1．` `1、` before a name.
static ITEM_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\d+\s*[.．、]\s*").unwrap());
/// A reference to an attachment by number in the text: 附件3.
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"附件\s*(\d+)").unwrap());

fn attachment_names<'d>(doc: &'d Document) -> Option<(&'d FieldValue, Vec<String>)> {
    let field = doc.field(&fields::ATTACHMENTS)?;
    let attachments: Vec<Attachment> = serde_yaml::from_value(field.value.clone()).ok()?;
    Some((
        field,
        attachments
            .iter()
            .map(|a| a.name().trim().to_string())
            .collect(),
    ))
}

fn attachments(doc: &Document) -> Vec<Finding> {
    let mut found = Vec::new();
    let listed = attachment_names(doc);
    if let Some((field, names)) = &listed {
        for name in names {
            if name.ends_with(CLOSING) {
                let f = Finding::warning(
                    ATTACHMENTS,
                    field.line,
                    format!("附件 name `{name}` ends in a punctuation mark"),
                    "leave it out: a 附件 name takes no closing punctuation",
                );
                found.push(drop_closing_mark(doc, field, name, f));
            }
            if ITEM_NUMBER.is_match(name) {
                found.push(Finding::warning(
                    ATTACHMENTS,
                    field.line,
                    format!("附件 name `{name}` starts with a number"),
                    "leave the number out: gongwen numbers the attachments",
                ));
            }
        }
    }
    let names = listed.as_ref().map(|(_, n)| n.as_slice()).unwrap_or(&[]);
    for block in doc.blocks.iter().filter(|b| b.kind == BlockKind::Paragraph) {
        if let Some(m) = NOTE.find(&block.text) {
            found.push(typed_note(doc, block, &block.text[m.end()..], names));
        }
    }
    for range in &doc.prose {
        for m in REFERENCE.captures_iter(&doc.text[range.clone()]) {
            let n: usize = m[1].parse().unwrap_or(0);
            if !names.is_empty() && (n == 0 || n > names.len()) {
                found.push(Finding::error(
                    ATTACHMENTS,
                    doc.line_of(range.start + m.get(0).unwrap().start()),
                    format!(
                        "the text cites 附件{n}, but the letter has {} attachments",
                        names.len()
                    ),
                    "check the number against the `attachments` list",
                ));
            }
        }
    }
    found
}

/// A 附件说明 the author typed: it must name what `attachments` lists, and is then printed twice.
fn typed_note(doc: &Document, block: &Block, rest: &str, names: &[String]) -> Finding {
    let typed: Vec<String> = rest
        .lines()
        .map(|l| ITEM_NUMBER.replace(l.trim(), "").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let line = doc.line_of(block.start);
    if names.is_empty() {
        return Finding::warning(
            ATTACHMENTS,
            line,
            "附件说明 typed into the text",
            "list the attachments under `attachments:` in the frontmatter instead; gongwen lays out the 附件说明 and numbers it",
        );
    }
    let missing: Vec<&String> = typed.iter().filter(|t| !names.contains(t)).collect();
    if missing.is_empty() && typed.len() == names.len() {
        return Finding::warning(
            ATTACHMENTS,
            line,
            "附件说明 typed into the text is printed a second time from `attachments`",
            "delete this paragraph",
        );
    }
    let shown = |v: &mut dyn Iterator<Item = &String>| {
        v.map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
    };
    Finding::error(
        ATTACHMENTS,
        line,
        format!(
            "附件说明 names {}, but `attachments` lists {}",
            shown(&mut typed.iter()),
            shown(&mut names.iter())
        ),
        "make the names the same, or delete this paragraph (gongwen prints the 附件说明 from `attachments`)",
    )
}

/// An attachment file whose own heading differs from its name in the 附件说明.
pub fn attachment_titles(doc: &Document, read: &ReadAttachment) -> Vec<Finding> {
    let Some(field) = doc.field(&fields::ATTACHMENTS) else {
        return Vec::new();
    };
    let Ok(attachments) = serde_yaml::from_value::<Vec<Attachment>>(field.value.clone()) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for a in &attachments {
        let Some(text) = a.file().and_then(read) else {
            continue;
        };
        let Some(heading) = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .and_then(|l| l.strip_prefix('#'))
        else {
            continue;
        };
        let heading = heading.trim_start_matches('#').trim();
        let name = a.name().trim();
        found.push(if heading == name {
            Finding::warning(
                ATTACHMENTS,
                field.line,
                format!("附件 `{name}`: its file starts with the same title, which is printed twice"),
                format!("delete the `# {heading}` line of {}", a.file().unwrap_or_default()),
            )
        } else {
            Finding::error(
                ATTACHMENTS,
                field.line,
                format!("附件 `{name}`: its file {} is titled `{heading}`", a.file().unwrap_or_default()),
                "give the attachment the same name in `attachments` as in its file, and delete the file's title line (gongwen prints the name as the title)",
            )
        });
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
    let format = doc.value(&fields::FORMAT);
    let in_letter_format = format.as_deref().and_then(Format::parse) == Some(Format::Letter);
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
    fn a_typed_attachment_note_must_match_the_attachments() {
        let t = "title: 关于某事的函\nattachments: [项目储备表, 申报指南]\n";
        assert_eq!(
            rule(t, "正文。\n\n附件：1. 项目储备表\n2. 申报说明\n", "attachment-names"),
            vec![(7, "附件说明 names `项目储备表`, `申报说明`, but `attachments` lists `项目储备表`, `申报指南`".to_string())]
        );
        assert_eq!(
            rule(t, "附件：1．项目储备表\n2．申报指南\n", "attachment-names"),
            vec![(
                5,
                "附件说明 typed into the text is printed a second time from `attachments`"
                    .to_string()
            )]
        );
        assert_eq!(
            rule(t, "详见附件3。\n", "attachment-names"),
            vec![(
                5,
                "the text cites 附件3, but the letter has 2 attachments".to_string()
            )]
        );
        assert_eq!(
            rule(
                "title: x\nattachments:\n  - 1. 储备表。\n",
                "",
                "attachment-names"
            ),
            vec![
                (
                    3,
                    "附件 name `1. 储备表。` ends in a punctuation mark".to_string()
                ),
                (
                    3,
                    "附件 name `1. 储备表。` starts with a number".to_string()
                ),
            ]
        );
    }

    #[test]
    fn an_attachment_file_titled_otherwise() {
        let text = "---\ntitle: x\nattachments:\n  - {name: 储备表, file: _a/t.md}\n---\n";
        let read = |f: &str| (f == "_a/t.md").then(|| "\n# 申报表\n\n内容\n".to_string());
        let doc = crate::lint::Document::parse(std::path::Path::new("a.md"), text).unwrap();
        let found = super::attachment_titles(&doc, &read);
        assert_eq!(
            found[0].message,
            "附件 `储备表`: its file _a/t.md is titled `申报表`"
        );
        assert_eq!(found[0].line, 3);
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
