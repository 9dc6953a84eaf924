//! 引文: a document cited in the text reads 《标题》（发文字号）, the title
//! first, and its 发文字号 is written as the 发文字号 of a letter is
//! (the grammar of [`crate::letter::number`]).

use super::document::Document;
use super::Finding;
use crate::letter::number;

pub fn check(doc: &Document) -> Vec<Finding> {
    let mut found = Vec::new();
    for range in doc.prose_runs() {
        let text = &doc.text[range.clone()];
        for cited in number::in_text(text) {
            let at = |i: usize| range.start + i;
            let line = doc.line_of(at(cited.range.start));
            let written = &text[cited.tail.clone()];
            let after = text[cited.range.end..].trim_start_matches(['文', '件', ' ']);
            if after.starts_with('《') {
                found.push(Finding::warning(
                    "citation-order",
                    line,
                    format!(
                        "the document is cited by its 发文字号 `{}` before its title",
                        without_lead_in(&text[cited.range.clone()])
                    ),
                    format!(
                        "cite the title first, then the 发文字号 in （）: 《……》（{}）",
                        without_lead_in(&text[cited.range.clone()])
                    ),
                ));
            } else if text[..cited.range.start].trim_end().ends_with('》') {
                found.push(Finding::warning(
                    "citation-order",
                    line,
                    format!("the 发文字号 `{written}` after a title is not in （）"),
                    format!("write 《……》（…{}）", cited.tail_written_right),
                ));
            }
            if !cited.problems.is_empty() {
                found.push(
                    Finding::warning(
                        "cited-number",
                        line,
                        format!(
                            "the cited 发文字号 `…{written}`: {}",
                            cited.problems.join("; ")
                        ),
                        format!("write …{}", cited.tail_written_right),
                    )
                    .fix(
                        at(cited.tail.start)..at(cited.tail.end),
                        cited.tail_written_right,
                    ),
                );
            }
        }
    }
    found
}

/// The 发文字号 without a verb that leads into it (根据宁政发〔2023〕5号): the
/// number is found by the Chinese characters before its year, which may hold one.
fn without_lead_in(number: &str) -> &str {
    const LEAD_INS: &[&str] = &[
        "根据", "按照", "依据", "依照", "遵照", "参照", "贯彻", "落实", "执行", "印发", "转发",
        "经", "按", "据", "对", "和", "及", "与",
    ];
    LEAD_INS
        .iter()
        .find_map(|w| number.strip_prefix(w))
        .filter(|rest| !rest.starts_with(['〔', '[']))
        .unwrap_or(number)
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{findings_of, fixed};

    const TITLE: &str = "title: 关于某事的函\n";

    #[test]
    fn the_title_comes_first() {
        assert_eq!(
            findings_of(
                "citation-order",
                TITLE,
                "根据宁政发〔2023〕5号文件《关于加强管理的通知》要求。\n"
            ),
            vec![(
                4,
                "the document is cited by its 发文字号 `宁政发〔2023〕5号` before its title".into()
            )]
        );
        assert_eq!(
            findings_of(
                "citation-order",
                TITLE,
                "根据《关于加强管理的通知》宁政发〔2023〕5号要求。\n"
            ),
            vec![(
                4,
                "the 发文字号 `〔2023〕5号` after a title is not in （）".into()
            )]
        );
        assert!(findings_of(
            "citation-order",
            TITLE,
            "根据《关于加强管理的通知》（宁政发〔2023〕5号）要求，宁政发〔2023〕5号明确。\n"
        )
        .is_empty());
    }

    #[test]
    fn a_cited_number_is_written_as_a_number_is() {
        assert_eq!(
            findings_of("cited-number", TITLE, "《通知》（宁政发[2023]第05号）\n"),
            vec![(
                4,
                "the cited 发文字号 `…[2023]第05号`: the year goes in 六角括号 〔〕, not `[]`; no 第 before the number; no leading zero in the number".into()
            )]
        );
        assert!(findings_of("cited-number", TITLE, "《通知》（宁政发〔2023〕5号）\n").is_empty());
        assert_eq!(
            fixed("---\ntitle: 关于某事的函\n---\n《通知》（宁政发［２０２３］5号）\n"),
            "---\ntitle: 关于某事的函\n---\n《通知》（宁政发〔2023〕5号）\n"
        );
        // At once, though the half-width brackets are findings of their own.
        assert_eq!(
            fixed("---\ntitle: 关于某事的函\n---\n《通知》（宁政发(2023)第5号）\n"),
            "---\ntitle: 关于某事的函\n---\n《通知》（宁政发〔2023〕5号）\n"
        );
    }
}
