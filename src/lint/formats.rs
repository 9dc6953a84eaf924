//! What 命令格式 and 纪要格式 print that a letter may leave out (GB/T 9704
//! 10.2, 10.3): the 标志 that names the 令 or the 纪要, the 令号 or 期号
//! under it, and the 签发人 of a 令 or the 出席 list of a 纪要. Without them
//! the build prints the issuer's name as the 标志 and nothing for the rest.

use super::document::Document;
use super::Finding;
use crate::letter::{fields, Attendees, Format};

/// What a format needs, and how to write it.
struct Needs {
    /// The last word of its 标志: 令, or 纪要.
    mark_word: &'static str,
    mark: &'static str,
    mark_example: &'static str,
    number: &'static str,
    number_example: &'static str,
}

fn needs(format: Format) -> Option<Needs> {
    match format {
        Format::Order => Some(Needs {
            mark_word: "令",
            mark: "发令机关标志",
            mark_example: "宁夏回族自治区人民政府令",
            number: "令号",
            number_example: "第128号",
        }),
        Format::Minutes => Some(Needs {
            mark_word: "纪要",
            mark: "纪要标志",
            mark_example: "宁夏回族自治区自然资源厅厅务会议纪要",
            number: "期号",
            number_example: "第15期",
        }),
        _ => None,
    }
}

pub fn missing_elements(doc: &Document) -> Vec<Finding> {
    let format = doc.format().unwrap_or_default();
    let Some(needs) = needs(format) else {
        return Vec::new();
    };
    // A key left out has no line: the finding stands where the format is named.
    let line = (doc.field(&fields::FORMAT))
        .or_else(|| doc.field(&fields::TITLE))
        .map_or(1, |f| f.line);
    let mut found = Vec::new();
    found.extend(mark(doc, format, &needs, line));
    if doc.value(&fields::NUMBER).is_none_or(|n| n.is_empty()) {
        found.push(missing(
            line_of(doc, &fields::NUMBER, line),
            format!(
                "{} prints the {} under its 标志, and {} is not given",
                format.chinese(),
                needs.number,
                fields::describe(&fields::NUMBER)
            ),
            format!("add `number: {}`", needs.number_example),
        ));
    }
    found.extend(match format {
        Format::Order => signers(doc, line),
        _ => present(doc, line),
    });
    found
}

/// The 标志: given, and ending in the word that names the format's 文种.
fn mark(doc: &Document, format: Format, needs: &Needs, line: usize) -> Option<Finding> {
    let header = doc.names(&fields::HEADER);
    let help = format!(
        "add `header: {}`: without it the 标志 is the issuer's name",
        needs.mark_example
    );
    let Some(last) = header.last().filter(|h| !h.is_empty()) else {
        return Some(missing(
            line_of(doc, &fields::HEADER, line),
            format!(
                "{} prints a {}, and {} is not given",
                format.chinese(),
                needs.mark,
                fields::describe(&fields::HEADER)
            ),
            help,
        ));
    };
    if last.ends_with(needs.mark_word) {
        return None;
    }
    Some(missing(
        line_of(doc, &fields::HEADER, line),
        format!(
            "the {} of {} ends in {}: {} is `{last}`",
            needs.mark,
            format.chinese(),
            needs.mark_word,
            fields::describe(&fields::HEADER)
        ),
        format!(
            "write the 标志 as printed, e.g. `header: {}`",
            needs.mark_example
        ),
    ))
}

fn signers(doc: &Document, line: usize) -> Option<Finding> {
    doc.names(&fields::SIGNERS)
        .iter()
        .all(|s| s.is_empty())
        .then(|| {
            missing(
                line_of(doc, &fields::SIGNERS, line),
                format!(
                    "命令格式 prints the 签发人's 职务 and 签名章 (or name), and {} is not given",
                    fields::describe(&fields::SIGNERS)
                ),
                "add `signers: [自治区主席 张雨浦]`, each as 职务 姓名",
            )
        })
}

fn present(doc: &Document, line: usize) -> Option<Finding> {
    let given = doc.field(&fields::ATTENDEES);
    // (A list that does not read is the loader's to report.)
    let nobody =
        given.is_none_or(|f| Attendees::read(f.value.clone()).is_ok_and(|a| a.present.is_empty()));
    nobody.then(|| {
        missing(
            line_of(doc, &fields::ATTENDEES, line),
            format!(
                "纪要格式 prints who attended, and {} names no one present (出席)",
                fields::describe(&fields::ATTENDEES)
            ),
            "add `attendees: {present: [王建军（厅长）, 李文华（副厅长）]}`",
        )
    })
}

/// The line of `field` when the letter writes it (even empty: `header:`), else `fallback`.
fn line_of(doc: &Document, field: &fields::Field, fallback: usize) -> usize {
    doc.key_line(field).unwrap_or(fallback)
}

fn missing(line: usize, message: String, help: impl Into<String>) -> Finding {
    Finding::warning("format-elements", line, message, help)
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::findings_of;

    fn found(frontmatter: &str) -> Vec<(usize, String)> {
        findings_of("format-elements", frontmatter, "")
    }

    #[test]
    fn an_order_without_its_mark_number_and_signer_is_told_each() {
        assert_eq!(
            found("title: 宁夏回族自治区人民政府令\nformat: order\n"),
            vec![
                (
                    3,
                    "命令格式 prints a 发令机关标志, and `header` (发文机关标志) is not given"
                        .into()
                ),
                (
                    3,
                    "命令格式 prints the 令号 under its 标志, and `number` (发文字号) is not given"
                        .into()
                ),
                (
                    3,
                    "命令格式 prints the 签发人's 职务 and 签名章 (or name), and `signers` (签发人) is not given"
                        .into()
                ),
            ]
        );
    }

    #[test]
    fn a_mark_must_name_the_order_or_the_minutes() {
        assert_eq!(
            found(
                "title: 宁夏回族自治区人民政府令\nformat: order\nheader: 宁夏回族自治区人民政府\n\
                 number: 第1号\nsigners: [自治区主席 张三]\n"
            ),
            vec![(
                4,
                "the 发令机关标志 of 命令格式 ends in 令: `header` (发文机关标志) is `宁夏回族自治区人民政府`"
                    .into()
            )]
        );
        assert_eq!(
            found(
                "title: 厅务会议纪要\nformat: minutes\nheader: 宁夏回族自治区自然资源厅厅务会议纪要\n\
                 number: 第15期\nattendees: {present: [王建军（厅长）]}\n"
            ),
            vec![]
        );
    }

    #[test]
    fn minutes_name_who_was_present() {
        let base = "title: 厅务会议纪要\nformat: minutes\nheader: 厅务会议纪要\nnumber: 第15期\n";
        let nobody = vec![(
            3,
            "纪要格式 prints who attended, and `attendees` (出席人员) names no one present (出席)"
                .to_string(),
        )];
        assert_eq!(found(base), nobody);
        // Apologies alone are no meeting; the line is the list's own.
        assert_eq!(
            found(&format!("{base}attendees: {{absent: [王五]}}\n")),
            vec![(6, nobody[0].1.clone())]
        );
        assert_eq!(found(&format!("{base}attendees: [张三, 李四]\n")), vec![]);
    }

    #[test]
    fn other_formats_need_none_of_these() {
        assert_eq!(found("title: 关于某事的函\nformat: letter\n"), vec![]);
        assert_eq!(found("title: 关于某事的通知\n"), vec![]);
    }
}
