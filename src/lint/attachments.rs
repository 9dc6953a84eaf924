//! 附件说明: the names `attachments` gives, as an author typed them into
//! the text, as the text cites them, and as the attachments' own files title
//! themselves.

use std::sync::LazyLock;

use regex::Regex;

use super::document::{Block, BlockKind, Document, FieldValue};
use super::elements::{drop_closing_mark, CLOSING};
use super::{Finding, ReadAttachment};
use crate::letter::fields;
use crate::letter::Attachment;

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

/// The 附件说明 as typed, and the attachments the text cites.
pub fn check(doc: &Document) -> Vec<Finding> {
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

#[cfg(test)]
mod tests {
    use crate::lint::test_support::findings_of;

    fn rule(frontmatter: &str, body: &str, rule: &str) -> Vec<(usize, String)> {
        findings_of(rule, frontmatter, body)
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
}
