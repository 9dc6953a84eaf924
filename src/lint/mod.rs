//! The writing rules of 公文 (the 党政机关公文处理工作条例, GB/T 9704-2012,
//! GB/T 15834 and GB/T 15835 as offices apply them), checked on a letter's
//! source text.
//!
//! Every rule is listed, with its source, in [`rules::RULES`]. Each rule
//! family has its own module and returns [`Finding`]s; a finding with an
//! [`Edit`] is one `gongwen check --fix` may apply on its own, because it
//! cannot change what the letter says.

mod attachments;
mod citation;
mod closing;
mod dates;
mod digits;
mod direction;
mod document;
mod elements;
mod enumeration;
mod formats;
mod headings;
mod kinds;
mod marks;
pub mod number;
mod punctuation;
pub mod rules;

use std::ops::Range;
use std::path::Path;

pub use document::Document;

use crate::diagnostic::Diagnostic;
use crate::letter::RawMeta;

pub use crate::diagnostic::Severity;

/// A change of the source that makes a finding go away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Byte range of the file's text.
    pub range: Range<usize>,
    pub replacement: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: usize,
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// What to do, in words.
    pub help: String,
    /// Set only for a safe fix, which `--fix` applies.
    pub edit: Option<Edit>,
}

impl Finding {
    fn new(
        severity: Severity,
        rule: &'static str,
        line: usize,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        debug_assert!(
            rules::find(rule).is_some_and(|r| severity <= r.severity),
            "{rule} is not in rules::RULES with this severity"
        );
        Finding {
            line,
            rule,
            severity,
            message: message.into(),
            help: help.into(),
            edit: None,
        }
    }

    fn error(
        rule: &'static str,
        line: usize,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        Finding::new(Severity::Error, rule, line, message, help)
    }

    fn warning(
        rule: &'static str,
        line: usize,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        Finding::new(Severity::Warning, rule, line, message, help)
    }

    fn fix(mut self, range: Range<usize>, replacement: impl Into<String>) -> Finding {
        self.edit = Some(Edit {
            range,
            replacement: replacement.into(),
        });
        self
    }

    /// `warning: letters/a.md:12: half-width-punctuation: …` and its fix below.
    /// The finding as a diagnostic of `file`, to be printed as every problem is.
    pub fn diagnostic(&self, file: &Path) -> Diagnostic {
        let mut fix = self.help.clone();
        if self.edit.is_some() {
            fix.push_str(" (`gongwen check --fix` does this)");
        }
        Diagnostic::new(file, &self.message)
            .severity(self.severity)
            .at(Some(self.line), None)
            .rule(self.rule, fix)
    }
}

/// Every finding in a letter's text, in line order.
pub fn lint(file: &Path, text: &str) -> Vec<Finding> {
    lint_with_defaults(file, text, &RawMeta::default())
}

/// [`lint`], with the office defaults of `gongwen.yaml` for what the letter leaves out.
pub fn lint_with_defaults(file: &Path, text: &str, defaults: &RawMeta) -> Vec<Finding> {
    let Some(mut doc) = Document::parse(file, text) else {
        return Vec::new();
    };
    doc.defaults = defaults.clone();
    let mut findings = Vec::new();
    findings.extend(number::check(&doc));
    findings.extend(kinds::check(&doc));
    findings.extend(kinds::unprinted_keys(&doc));
    findings.extend(formats::missing_elements(&doc));
    findings.extend(direction::check(&doc));
    findings.extend(closing::check(&doc));
    findings.extend(text_rules(&doc));
    findings.extend(elements::check(&doc));
    findings.sort_by_key(|f| f.line);
    findings
}

/// The rules of running text, for a letter and for its attachments' files.
fn text_rules(doc: &Document) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(punctuation::check(doc));
    findings.extend(marks::check(doc));
    findings.extend(dates::check(doc));
    findings.extend(digits::check(doc));
    findings.extend(citation::check(doc));
    findings.extend(headings::check(doc));
    findings.extend(enumeration::check(doc));
    findings
}

/// The rules of the text alone, for an attachment's own Markdown file
/// (which has no frontmatter, 主送 or 附件说明 of its own).
pub fn lint_attachment(text: &str) -> Vec<Finding> {
    let doc = Document::body_only(text);
    let mut findings = text_rules(&doc);
    findings.sort_by_key(|f| f.line);
    findings
}

/// The `file:` of each attachment of a letter, as written.
pub fn attachment_files(file: &Path, text: &str) -> Vec<String> {
    Document::parse(file, text)
        .map(|d| d.attachment_files())
        .unwrap_or_default()
}

/// An attachment's own Markdown file, read by the attachments rule.
pub type ReadAttachment<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// [`lint_with_defaults`], plus the rules that look into the attachments' files.
pub fn lint_with_attachments(
    file: &Path,
    text: &str,
    defaults: &RawMeta,
    read: &ReadAttachment,
) -> Vec<Finding> {
    let mut findings = lint_with_defaults(file, text, defaults);
    if let Some(doc) = Document::parse(file, text) {
        findings.extend(attachments::attachment_titles(&doc, read));
        findings.sort_by_key(|f| f.line);
    }
    findings
}

/// The text with every safe fix applied; overlapping fixes after the first are left for a later run.
/// Of two fixes starting at one place the longer goes first: it mends the whole
/// (a cited 宁政发(2023)5号 at once, not its brackets one by one).
pub fn apply_fixes(text: &str, findings: &[Finding]) -> (String, usize) {
    let mut edits: Vec<&Edit> = findings.iter().filter_map(|f| f.edit.as_ref()).collect();
    edits.sort_by_key(|e| (e.range.start, std::cmp::Reverse(e.range.end)));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut applied = 0;
    for e in edits {
        if e.range.start < at {
            continue;
        }
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.replacement);
        at = e.range.end;
        applied += 1;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// `(line, rule, message)` of each finding of a letter whose body is `body`.
    pub fn findings(frontmatter: &str, body: &str) -> Vec<(usize, &'static str, String)> {
        let text = format!("---\n{frontmatter}---\n{body}");
        lint(Path::new("a.md"), &text)
            .into_iter()
            .map(|f| (f.line, f.rule, f.message))
            .collect()
    }

    /// The (line, message) of each finding of `rule`.
    pub fn findings_of(rule: &str, frontmatter: &str, body: &str) -> Vec<(usize, String)> {
        findings(frontmatter, body)
            .into_iter()
            .filter(|(_, r, _)| *r == rule)
            .map(|(l, _, m)| (l, m))
            .collect()
    }

    /// The messages of `rule`'s findings on a 函 with `body`.
    pub fn messages_of(rule: &str, body: &str) -> Vec<String> {
        findings_of(rule, "title: 关于某事的函\n", body)
            .into_iter()
            .map(|(_, m)| m)
            .collect()
    }

    /// The letter with every safe fix applied.
    pub fn fixed(text: &str) -> String {
        let found = lint(Path::new("a.md"), text);
        apply_fixes(text, &found).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_reads_file_line_rule_message_and_fix() {
        let text = "---\ntitle: 关于某事的函\n---\n正文,如下。\n";
        let found = lint(Path::new("letters/a.md"), text);
        assert_eq!(
            found[0].diagnostic(Path::new("letters/a.md")).to_string(),
            "warning: letters/a.md:4: half-width-punctuation: half-width `,` in Chinese text\n  \
             fix: write `，` (`gongwen check --fix` does this)"
        );
    }

    #[test]
    fn an_attachment_is_held_to_the_rules_of_the_text_only() {
        let found = lint_attachment("项目储备表\n\n填报时间:2024年03月01日\n");
        let rules: Vec<_> = found.iter().map(|f| (f.line, f.rule)).collect();
        assert_eq!(
            rules,
            vec![(3, "half-width-punctuation"), (3, "date-leading-zero")]
        );
    }

    #[test]
    fn fixes_apply_and_leave_a_clean_letter() {
        let text = "---\ntitle: 关于某事的函\nnumber: 某函[2024]第07号\n---\n2024年06月03日,收到来函(见附件)。\n";
        let fixed = test_support::fixed(text);
        assert_eq!(
            fixed,
            "---\ntitle: 关于某事的函\nnumber: 某函〔2024〕7号\n---\n2024年6月3日，收到来函（见附件）。\n"
        );
        assert_eq!(lint(Path::new("a.md"), &fixed), vec![]);
    }

    /// For each rule, a letter that breaks it and the same letter written right:
    /// (rule, frontmatter and body that break it, frontmatter and body that do not).
    const CASES: &[(&str, &str, &str, &str, &str)] = &[
        ("title-kind", "title: 关于某事的方案\n", "", "title: 关于某事的通知\n", ""),
        ("mixed-kinds", "title: 关于某事的请示报告\nsigners: 张三\n", "妥否，请批示。\n", "title: 关于某事的请示\nsigners: 张三\n", "妥否，请批示。\n"),
        ("kind-format", "title: 自治区人民政府令\nformat: document\n", "", "title: 关于某事的函\nformat: letter\n", ""),
        ("upward-signer", "title: 关于某事的报告\n", "特此报告。\n", "title: 关于某事的报告\nsigners: 张三\n", "特此报告。\n"),
        ("request-addressee", "title: 关于某事的请示\nsigners: 张三\nto: [甲厅, 乙厅]\n", "妥否，请批示。\n", "title: 关于某事的请示\nsigners: 张三\nto: 甲厅\n", "妥否，请批示。\n"),
        ("upward-cc-lower", "title: 关于某事的报告\nsigners: 张三\nissuer: 宁夏回族自治区自然资源厅\ncc: 各市、县（区）自然资源局\n", "", "title: 关于某事的报告\nsigners: 张三\nissuer: 宁夏回族自治区自然资源厅\ncc: 自然资源部\n", ""),
        ("closing-phrase", "title: 关于某事的请示\nsigners: 张三\n", "特此报告。\n", "title: 关于某事的请示\nsigners: 张三\n", "以上请示如无不妥，请批准。\n"),
        ("report-asks-approval", "title: 关于某事的报告\nsigners: 张三\n", "妥否，请批示。\n", "title: 关于某事的报告\nsigners: 张三\n", "特此报告。\n"),
        ("citation-order", "title: 关于某事的函\n", "根据宁政发〔2023〕5号《通知》。\n", "title: 关于某事的函\n", "根据《通知》（宁政发〔2023〕5号）。\n"),
        ("cited-number", "title: 关于某事的函\n", "根据《通知》（宁政发(2023)5号）。\n", "title: 关于某事的函\n", "根据《通知》（宁政发〔2023〕5号）。\n"),
        ("half-width-punctuation", "title: 关于某事的函\n", "经研究,同意。\n", "title: 关于某事的函\n", "经研究，同意。\n"),
        ("paired-marks", "title: 关于某事的函\n", "见《通知。\n", "title: 关于某事的函\n", "见《通知》。\n"),
        ("range-hyphen", "title: 关于某事的函\n", "2021-2023年。\n", "title: 关于某事的函\n", "2021—2023年。\n"),
        ("ellipsis-form", "title: 关于某事的函\n", "甲、乙。。。\n", "title: 关于某事的函\n", "甲、乙……\n"),
        ("ellipsis-with-deng", "title: 关于某事的函\n", "甲、乙等……\n", "title: 关于某事的函\n", "甲、乙等。\n"),
        ("doubled-mark", "title: 关于某事的函\n", "同意。。\n", "title: 关于某事的函\n", "同意。\n"),
        ("title-punctuation", "title: 关于某事的函。\n", "", "title: 关于某事的函\n", ""),
        ("short-year", "title: 关于某事的函\n", "23年底完成。\n", "title: 关于某事的函\n", "2023年底完成。\n"),
        ("percent-words", "title: 关于某事的函\n", "增长百分之十五。\n", "title: 关于某事的函\n", "增长15%。\n"),
        ("date-hao", "title: 关于某事的函\n", "定于6月5号召开。\n", "title: 关于某事的函\n", "定于6月5日召开。\n"),
        ("full-width-digits", "title: 关于某事的函\n", "共１２个。\n", "title: 关于某事的函\n", "共12个。\n"),
        ("date-leading-zero", "title: 关于某事的函\n", "定于2024年06月05日召开。\n", "title: 关于某事的函\n", "定于2024年6月5日召开。\n"),
        ("document-number", "title: 关于某事的函\nnumber: 宁自然资函[2024]5号\n", "", "title: 关于某事的函\nnumber: 宁自然资函〔2024〕5号\n", ""),
        ("addressee-colon", "title: 关于某事的函\n", "自治区财政厅\n\n正文。\n", "title: 关于某事的函\n", "自治区财政厅：\n\n正文。\n"),
        ("attachment-names", "title: 关于某事的函\nattachments: [清单]\n", "详见附件2。\n", "title: 关于某事的函\nattachments: [清单, 名单]\n", "详见附件2。\n"),
        ("cc-full-stop", "title: 关于某事的函\n", "正文。\n\n抄送：甲厅\n", "title: 关于某事的函\n", "正文。\n\n抄送：甲厅。\n"),
        ("format-keys", "title: 自治区人民政府令\nformat: order\nseal: seal.png\n", "", "title: 自治区人民政府令\nformat: order\nheader: 自治区人民政府令\nnumber: 第1号\nsigners: [自治区主席 张三]\nsignature: seal.png\n", ""),
        ("format-elements", "title: 自治区人民政府令\nformat: order\n", "", "title: 自治区人民政府令\nformat: order\nheader: 自治区人民政府令\nnumber: 第1号\nsigners: [自治区主席 张三]\n", ""),
        ("record-typed-twice", "title: 关于某事的函\ncc: 甲厅\n", "正文。\n\n抄送：甲厅。\n", "title: 关于某事的函\ncc: 甲厅\n", "正文。\n"),
        ("heading-numbers", "title: 关于某事的函\n", "一、总体\n\n三、要求\n", "title: 关于某事的函\n", "一、总体\n\n二、要求\n"),
        ("enumeration-order", "title: 关于某事的函\n", "一是甲；三是乙。\n", "title: 关于某事的函\n", "一是甲；二是乙。\n"),
    ];

    #[test]
    fn every_rule_finds_its_mistake_and_passes_the_letter_written_right() {
        for rule in rules::RULES {
            let (_, bad_fm, bad, good_fm, good) = CASES
                .iter()
                .find(|c| c.0 == rule.name)
                .unwrap_or_else(|| panic!("{} has no case", rule.name));
            assert!(
                !test_support::findings_of(rule.name, bad_fm, bad).is_empty(),
                "{} finds nothing in {bad_fm}{bad}",
                rule.name
            );
            assert_eq!(
                test_support::findings(good_fm, good),
                vec![],
                "{}: the letter written right",
                rule.name
            );
        }
    }

    #[test]
    fn passages_of_a_real_letter_raise_nothing() {
        // From /work/shared/sample-letter-ningxia-2022.md, spaces of the PDF's text kept.
        let body = "自治区财政厅：\n\n**一是加大生态保护修复资金投入。**2020 年以来，自然资源领域共计落实资金 8.19 亿元，实施生态保护修复项目 41 个，治理修复面积 11.78 万亩。\n\n\
            **二是市场化方式推进矿山生态修复。**印发《关于印发探索利用市场化方式推进矿山生态修复实施意见的通知》（宁自然资办发〔2020〕8号），制定鼓励矿山土地综合修复利用等6个方面具体政策，形成“政府主导、社会参与、市场运作、持续发展”的政策环境，探索构建“生态修复+产业导入”模式。\n\n\
            联系单位及电话：国土空间生态修复处 单悦 0951-5044257\n";
        assert_eq!(
            test_support::findings(
                "title: 关于自治区政协十一届五次会议第70号提案协办意见的函\nto: 自治区财政厅\n",
                body
            ),
            vec![]
        );
    }
}
