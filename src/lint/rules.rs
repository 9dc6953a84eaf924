//! Every rule of `gongwen check`, in one list: its name, group, severity,
//! source, what it looks for and what `--fix` mends. `check --help`,
//! `check --explain RULE` and the README's rule table are all made from it.

use super::Severity;

pub struct Rule {
    pub name: &'static str,
    /// 文种, 行文, 结束语, 引文, 标点, 数字, 格式 or 结构.
    pub group: &'static str,
    /// The most severe finding the rule reports.
    pub severity: Severity,
    /// When the rule reports both errors and warnings, which are which.
    pub error_when: Option<&'static str>,
    /// Where the rule comes from: an article of the 条例, a clause of a
    /// GB/T standard, or "practice".
    pub source: &'static str,
    pub looks_for: &'static str,
    /// What `--fix` mends; empty when it mends nothing.
    pub fix: &'static str,
}

use Severity::{Error, Warning};

const TIAOLI: &str = "《党政机关公文处理工作条例》";

pub static RULES: &[Rule] = &[
    // 文种
    Rule {
        name: "title-kind",
        group: "文种",
        severity: Warning,
        error_when: None,
        source: "《党政机关公文处理工作条例》第八条 (公文种类主要有 the 15 kinds) and 第九条（七） (标题由发文机关名称、事由和文种组成)",
        looks_for: "a title that ends in none of the 15 文种: 决议 决定 命令（令） 公报 公告 通告 意见 通知 通报 报告 请示 批复 议案 函 纪要",
        fix: "",
    },
    Rule {
        name: "mixed-kinds",
        group: "文种",
        severity: Error,
        error_when: None,
        source: "《党政机关公文处理工作条例》第八条 (one 文种 per document) and 第十五条（四） (不得在报告等非请示性公文中夹带请示事项)",
        looks_for: "a title ending in two 文种 at once: 请示报告, 报告并请示, 请示函",
        fix: "",
    },
    Rule {
        name: "kind-format",
        group: "文种",
        severity: Warning,
        error_when: None,
        source: "GB/T 9704-2012 10.2 (命令格式) and 10.3 (纪要格式)",
        looks_for: "a 命令（令） not in 命令格式 (`format: order`) or a 纪要 not in 纪要格式 (`format: minutes`), or either format on another 文种",
        fix: "",
    },
    // 行文
    Rule {
        name: "upward-signer",
        group: "行文",
        severity: Error,
        error_when: None,
        source: "《党政机关公文处理工作条例》第九条（六） (上行文应当标注签发人姓名); GB/T 9704-2012 7.2.5",
        looks_for: "a 请示 or 报告 (上行文) without `signers` (签发人)",
        fix: "",
    },
    Rule {
        name: "request-addressee",
        group: "行文",
        severity: Warning,
        error_when: None,
        source: "《党政机关公文处理工作条例》第十五条（一） (原则上主送一个上级机关) and （四） (请示应当一文一事)",
        looks_for: "a 请示 with more than one 主送机关",
        fix: "",
    },
    Rule {
        name: "upward-cc-lower",
        group: "行文",
        severity: Warning,
        error_when: None,
        source: "《党政机关公文处理工作条例》第十五条（一） (向上级机关行文……不抄送下级机关)",
        looks_for: "a 请示 or 报告 抄送 to an office below the issuer, where the names tell (各市、县, a 市 bureau under a 自治区 厅, 各直属单位)",
        fix: "",
    },
    // 结束语
    Rule {
        name: "closing-phrase",
        group: "结束语",
        severity: Warning,
        error_when: None,
        source: "practice (a 请示 ends 妥否，请批示 or 以上请示如无不妥，请批准; a 函 may end 特此函告 or 请予函复, a 批复 此复)",
        looks_for: "a 请示 whose last paragraph asks for nothing; a last paragraph 特此报告, 特此通知, 特此函告, 此复… in a letter of another 文种",
        fix: "",
    },
    Rule {
        name: "report-asks-approval",
        group: "结束语",
        severity: Error,
        error_when: None,
        source: "《党政机关公文处理工作条例》第十五条（四） (不得在报告等非请示性公文中夹带请示事项)",
        looks_for: "a 报告 that asks for approval: 妥否, 当否, 如无不妥, 请批示, 请批准, 请审批",
        fix: "",
    },
    // 引文
    Rule {
        name: "citation-order",
        group: "引文",
        severity: Warning,
        error_when: None,
        source: "practice, from 《国家行政机关公文处理办法》 (2000): 引用公文应当先引标题，后引发文字号",
        looks_for: "a cited document written 文号 first (宁政发〔2023〕5号文件《关于……的通知》), or its 文号 after the title without （）",
        fix: "",
    },
    Rule {
        name: "cited-number",
        group: "引文",
        severity: Warning,
        error_when: None,
        source: "GB/T 9704-2012 7.2.4 (发文字号: 年份用六角括号〔〕括入，不加“第”字，不编虚位)",
        looks_for: "a 发文字号 cited in the text as 宁政发[2023]第05号: other brackets, 第, a leading zero, full-width digits",
        fix: "brackets, 第, zeros, digits",
    },
    // 标点
    Rule {
        name: "half-width-punctuation",
        group: "标点",
        severity: Warning,
        error_when: None,
        source: "GB/T 15834-2011 5 (each mark takes a full character's place in Chinese text)",
        looks_for: "`,` `;` `:` `(` `)` `?` `!` next to Chinese text (brackets by pairs; `10:30` and URLs are left alone)",
        fix: "yes",
    },
    Rule {
        name: "paired-marks",
        group: "标点",
        severity: Warning,
        error_when: None,
        source: "GB/T 15834-2011 4.8 (引号), 4.9 (括号), 4.15 (书名号): the marks go in pairs",
        looks_for: "《 》, “ ”, （ ）, 〔 〕 or 【 】 opened and not closed, or closed and never opened, within a paragraph",
        fix: "",
    },
    Rule {
        name: "range-hyphen",
        group: "标点",
        severity: Warning,
        error_when: None,
        source: "GB/T 15834-2011 4.13.3.2 (起止 and 数值范围: 一般用一字线，有时也可用浪纹线); the hyphen is for 电话号码 and dates (4.13.3.1)",
        looks_for: "a range typed with a hyphen: 2021-2023年, 6-8月, 3-5个",
        fix: "the hyphen becomes 一字线 —",
    },
    Rule {
        name: "ellipsis-form",
        group: "标点",
        severity: Warning,
        error_when: None,
        source: "GB/T 15834-2011 4.11 (省略号 is ……, six dots in two characters' place)",
        looks_for: "an 省略号 written 。。。, ..., ··· or a single …",
        fix: "yes",
    },
    Rule {
        name: "ellipsis-with-deng",
        group: "标点",
        severity: Warning,
        error_when: None,
        source: "GB/T 15834-2011 4.11 and 附录B (省略号 and 等 / 等等 say the same and are not used together)",
        looks_for: "等…… or 等等…… (or …… 等)",
        fix: "",
    },
    Rule {
        name: "doubled-mark",
        group: "标点",
        severity: Warning,
        error_when: None,
        source: "practice (GB/T 15834-2011 gives each of these marks once at a place)",
        looks_for: "，， 。。 、、 ；； or ：： typed twice",
        fix: "yes",
    },
    Rule {
        name: "title-punctuation",
        group: "标点",
        severity: Warning,
        error_when: None,
        source: "practice (标题除书名号等外一般不用标点符号)",
        looks_for: "a title ending in 。，；：？！",
        fix: "yes",
    },
    // 数字
    Rule {
        name: "short-year",
        group: "数字",
        severity: Warning,
        error_when: None,
        source: "GB/T 15835 (年份一般不用简写: 1995 edition 5.1.1.1; the 2011 edition writes years in full)",
        looks_for: "a year written with two digits: 23年底, 23年3月",
        fix: "",
    },
    Rule {
        name: "percent-words",
        group: "数字",
        severity: Warning,
        error_when: None,
        source: "GB/T 15835-2011 4.1.1 (计量 in Arabic digits, e.g. 34.05%; 4.3 allows either form where they read alike)",
        looks_for: "a percentage in words: 百分之十五",
        fix: "1 to 99 per cent, as 15%",
    },
    Rule {
        name: "date-hao",
        group: "数字",
        severity: Warning,
        error_when: None,
        source: "practice (号 is spoken; 公文 dates read 年、月、日, as GB/T 9704-2012 7.3.5 writes the 成文日期)",
        looks_for: "a day written 号 in a date: 6月5号",
        fix: "号 becomes 日",
    },
    Rule {
        name: "full-width-digits",
        group: "数字",
        severity: Warning,
        error_when: None,
        source: "practice (Arabic digits are half-width, as throughout GB/T 15835-2011 and GB/T 9704-2012)",
        looks_for: "full-width digits ０-９ in the text",
        fix: "yes",
    },
    Rule {
        name: "date-leading-zero",
        group: "数字",
        severity: Warning,
        error_when: None,
        source: "GB/T 9704-2012 7.3.5 (成文日期: 月、日不编虚位), held in the text too by practice",
        looks_for: "2022年06月03日 in the text",
        fix: "yes",
    },
    // 格式
    Rule {
        name: "document-number",
        group: "格式",
        severity: Error,
        error_when: Some("error; warning when only 号 is missing"),
        source: "GB/T 9704-2012 7.2.4 (年份应标全称，用六角括号〔〕括入；发文顺序号不加“第”字，不编虚位); 10.2 (令号) and 10.3 (期号)",
        looks_for: "发文字号 not as 机关代字〔2024〕33号: other brackets, 第, a leading zero, a short year; in 命令格式 a 令号 not as 第128号, in 纪要格式 a 期号 not as 第15期",
        fix: "brackets, 第, zeros",
    },
    Rule {
        name: "addressee-colon",
        group: "格式",
        severity: Warning,
        error_when: None,
        source: "GB/T 9704-2012 7.3.2 (最后一个机关名称后标全角冒号)",
        looks_for: "a 主送 line typed as the first paragraph without its ：, or a `to` name ending in one",
        fix: "yes",
    },
    Rule {
        name: "attachment-names",
        group: "格式",
        severity: Error,
        error_when: Some("warning; error when the names differ"),
        source: "GB/T 9704-2012 7.3.4 (附件名称后不加标点符号) and 8 (附件 as named in the 附件说明)",
        looks_for: "a 附件说明 typed into the text that names other attachments than `attachments`; 附件3 cited when there are two; an attachment file titled otherwise than its name",
        fix: "punctuation after a name",
    },
    Rule {
        name: "cc-full-stop",
        group: "格式",
        severity: Warning,
        error_when: None,
        source: "GB/T 9704-2012 7.4.2 (最后一个抄送机关名称后标句号)",
        looks_for: "a 抄送 line typed into the text without its final 。; a `cc` name ending in a mark",
        fix: "yes",
    },
    Rule {
        name: "record-typed-twice",
        group: "格式",
        severity: Warning,
        error_when: None,
        source: "GB/T 9704-2012 7.4 (the 版记, once, at the end of the last page)",
        looks_for: "a 抄送 line or an 印发 line typed into the text while `cc` or `printer` is given, so the PDF prints the 版记 twice",
        fix: "",
    },
    Rule {
        name: "format-keys",
        group: "格式",
        severity: Warning,
        error_when: None,
        source: "GB/T 9704-2012 10.2 (命令格式: 签发人 and 签名章, no 印章) and 10.3 (纪要格式: 出席 lists, no 署名 or 印章)",
        looks_for: "a key the letter's format does not print: `seal` on a 令 or 纪要, `signature` outside 命令格式, `attendees` outside 纪要格式",
        fix: "",
    },
    Rule {
        name: "format-elements",
        group: "格式",
        severity: Warning,
        error_when: None,
        source: "GB/T 9704-2012 10.2 (命令格式: 发令机关标志, 令号, 签发人职务 and 签名章) and 10.3 (纪要格式: 纪要标志; the 期号 and 出席 lists are practice)",
        looks_for: "a 令 or 纪要 without its 标志 (`header`, ending in 令 or 纪要), its 令号 or 期号 (`number`), its 签发人 (`signers`) or the names present (`attendees`)",
        fix: "",
    },
    // 结构
    Rule {
        name: "heading-numbers",
        group: "结构",
        severity: Error,
        error_when: Some("warning; error when out of sequence"),
        source: "GB/T 9704-2012 7.3.3 (the levels 一、（一）1.（1）); numbering them in order is practice",
        looks_for: "一、 then 三、; （一） under no 一、 — in headings and in paragraphs that start with a number",
        fix: "",
    },
    Rule {
        name: "enumeration-order",
        group: "结构",
        severity: Warning,
        error_when: None,
        source: "practice",
        looks_for: "一是 … 三是 with no 二是",
        fix: "",
    },
];

/// The rule of this name.
pub fn find(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.name == name)
}

impl Rule {
    /// `error`, `warning`, or when the rule reports both, which are errors.
    pub fn severity_text(&self) -> String {
        match self.error_when {
            Some(both) => both.to_string(),
            None => self.severity.label().to_string(),
        }
    }

    fn fix_text(&self) -> &'static str {
        if self.fix.is_empty() {
            "no"
        } else {
            self.fix
        }
    }

    /// What `gongwen check --explain RULE` prints.
    pub fn explain(&self) -> String {
        format!(
            "{} ({}, {})\n  looks for: {}\n  source:    {}\n  --fix:     {}\n",
            self.name,
            self.group,
            self.severity_text(),
            self.looks_for,
            self.source,
            self.fix_text()
        )
    }
}

/// The rule table of the README, between its markers.
pub fn readme_table() -> String {
    let mut out = String::from(
        "| rule | group | severity | source | what it looks for | `--fix` |\n\
         | --- | --- | --- | --- | --- | --- |\n",
    );
    for r in RULES {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            r.name,
            r.group,
            r.severity_text(),
            r.source,
            r.looks_for,
            if r.fix.is_empty() { "" } else { r.fix }
        ));
    }
    out
}

/// The rules as `gongwen check --help` lists them: name and what it looks for, by group.
pub fn help_list() -> String {
    let width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    let mut group = "";
    for r in RULES {
        if r.group != group {
            group = r.group;
            out.push_str(&format!("\n{group}\n"));
        }
        out.push_str(&format!(
            "  {:<width$}  {} ({})\n",
            r.name,
            r.looks_for,
            r.severity_text()
        ));
    }
    out
}

/// The long help of `gongwen check`.
pub fn check_help() -> String {
    format!(
        "Check every letter for mistakes without building anything.

First each letter is read as `build` reads it: a missing title, a date that is not in the calendar or an unknown key is an error. Then the text is held against the writing rules of 公文, each from {TIAOLI}, a GB/T standard (9704 格式, 15834 标点, 15835 数字) or practice; `gongwen check --explain RULE` gives a rule's source:
{}
Each finding reads `file:line: rule: message`, with the fix below it. Errors make the command exit with status 1; warnings do not.",
        help_list()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_sources_named() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(
                RULES[..i].iter().all(|o| o.name != r.name),
                "{} twice",
                r.name
            );
            assert!(
                r.source.starts_with("《")
                    || r.source.starts_with("GB/T")
                    || r.source.starts_with("practice"),
                "{}: the source is an article of the 条例, a GB/T clause or practice",
                r.name
            );
            assert!(!r.source.contains("规定"), "{}: never 规定", r.name);
        }
    }

    #[test]
    fn a_rule_whose_source_says_yiban_tuijian_or_keyi_is_a_warning() {
        for r in RULES {
            let soft = ["一般", "推荐", "可以", "原则上"]
                .iter()
                .any(|w| r.source.contains(w));
            if soft {
                assert_eq!(r.severity, Warning, "{}", r.name);
            }
        }
    }

    #[test]
    fn the_readme_table_is_the_generated_one() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
            .expect("README.md");
        let (_, after) = readme
            .split_once("<!-- rules: made by `src/lint/rules.rs` -->\n")
            .expect("the README marks the start of the rule table");
        let (table, _) = after
            .split_once("<!-- end of rules -->")
            .expect("the README marks the end of the rule table");
        assert!(
            table == readme_table(),
            "the README's rule table differs from src/lint/rules.rs; put this in it:\n{}",
            readme_table()
        );
    }

    #[test]
    fn explain_names_the_source_and_the_fix() {
        assert_eq!(
            find("date-hao").unwrap().explain(),
            "date-hao (数字, warning)\n  looks for: a day written 号 in a date: 6月5号\n  \
             source:    practice (号 is spoken; 公文 dates read 年、月、日, as GB/T 9704-2012 7.3.5 writes the 成文日期)\n  \
             --fix:     号 becomes 日\n"
        );
    }
}
