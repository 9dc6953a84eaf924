//! 行文: what an upward letter (请示, 报告) owes its reader: a 签发人, one
//! 主送 for a 请示, and no 抄送 to offices below the issuer
//! (条例 第九条（六）, 第十五条（一）).

use std::sync::LazyLock;

use regex::Regex;

use super::document::Document;
use super::kinds::{self, Kind};
use super::Finding;
use crate::letter::fields;

pub fn check(doc: &Document) -> Vec<Finding> {
    let Some(kind) = kinds::of_letter(doc).filter(|k| k.is_upward()) else {
        return Vec::new();
    };
    let line_of = |field| doc.field(field).map(|f| f.line);
    let title_line = line_of(&fields::TITLE).unwrap_or(1);
    let mut found = Vec::new();
    if doc.names(&fields::SIGNERS).is_empty() {
        found.push(Finding::error(
            "upward-signer",
            title_line,
            format!(
                "a {} is 上行文, and {} is not given",
                kind.name(),
                fields::describe(&fields::SIGNERS)
            ),
            "add `signers: [姓名]` (签发人): who signed the letter off",
        ));
    }
    let to = doc.names(&fields::TO);
    if kind == Kind::请示 && to.len() > 1 {
        found.push(Finding::warning(
            "request-addressee",
            line_of(&fields::TO).unwrap_or(title_line),
            format!(
                "{} names {} offices for a 请示: {}",
                fields::describe(&fields::TO),
                to.len(),
                to.join("、")
            ),
            "send it to one 上级机关, and put the others in `cc` (抄送) if they need it",
        ));
    }
    let issuer = doc.value(&fields::ISSUER);
    let Some(issuer_level) = issuer.as_deref().and_then(level) else {
        return found;
    };
    for name in doc.names(&fields::CC) {
        if level(&name).is_some_and(|l| l > issuer_level) {
            found.push(Finding::warning(
                "upward-cc-lower",
                line_of(&fields::CC).unwrap_or(title_line),
                format!(
                    "{} of a {} names `{name}`, an office below `{}`",
                    fields::describe(&fields::CC),
                    kind.name(),
                    issuer.as_deref().unwrap_or_default()
                ),
                "leave 下级机关 out of the `cc` of a 上行文; tell them in a letter of its own",
            ));
        }
    }
    found
}

/// 中央 1, 省级 2, 市级 3, 县级 4; an office's own units below all.
const OWN_UNITS: u8 = 5;

static PROVINCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\p{Han}{2,8}?(?:省|自治区)|北京市|天津市|上海市|重庆市|自治区|省)").unwrap()
});
static CITY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\p{Han}{2,5}?(?:市|州|盟|地区)").unwrap());
static COUNTY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\p{Han}{1,5}?(?:县|区|旗)").unwrap());
static CENTRAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:国务院|中共中央|全国|国家|\p{Han}{1,6}部(?:\p{Han}|$))").unwrap()
});

/// The level of an office, when its name tells it.
fn level(name: &str) -> Option<u8> {
    if ["各处室", "各直属", "各所属", "各下属"]
        .iter()
        .any(|w| name.contains(w))
    {
        return Some(OWN_UNITS);
    }
    if let Some(rest) = name.strip_prefix('各') {
        return match rest.chars().next()? {
            '省' => Some(2),
            '市' | '州' | '盟' => Some(3),
            '县' | '区' | '旗' => Some(4),
            _ => None,
        };
    }
    let province = PROVINCE.find(name).map(|m| m.end());
    let rest = &name[province.unwrap_or(0)..];
    if let Some(city) = CITY.find(rest) {
        return Some(if COUNTY.is_match(&rest[city.end()..]) {
            4
        } else {
            3
        });
    }
    if COUNTY.is_match(rest) && !rest.starts_with("区域") {
        return Some(4);
    }
    if province.is_some() {
        return Some(2);
    }
    CENTRAL.is_match(name).then_some(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::test_support::findings;

    const REQUEST: &str = "title: 关于某事的请示\n";

    #[test]
    fn the_names_tell_the_level() {
        let levels: Vec<_> = [
            "自然资源部",
            "国务院办公厅",
            "宁夏回族自治区自然资源厅",
            "自治区财政厅",
            "银川市自然资源局",
            "银川市西夏区自然资源局",
            "各市、县（区）自然资源局",
            "厅机关各处室",
            "各直属单位",
            "宁东能源化工基地自然资源局",
        ]
        .iter()
        .map(|n| level(n))
        .collect();
        assert_eq!(
            levels,
            vec![
                Some(1),
                Some(1),
                Some(2),
                Some(2),
                Some(3),
                Some(4),
                Some(3),
                Some(OWN_UNITS),
                Some(OWN_UNITS),
                None
            ]
        );
    }

    #[test]
    fn an_upward_letter_names_its_signer() {
        assert_eq!(
            findings(REQUEST, ""),
            vec![(
                2,
                "upward-signer",
                "a 请示 is 上行文, and `signers` (签发人) is not given".into()
            )]
        );
        assert_eq!(
            findings("title: 关于某事的报告\nsigners: 张三\n", ""),
            vec![]
        );
        assert_eq!(findings("title: 关于某事的通知\n", ""), vec![]);
    }

    #[test]
    fn a_request_has_one_addressee() {
        let two = "title: 关于某事的请示\nsigners: [张三]\nto: [自治区人民政府, 自治区财政厅]\n";
        assert_eq!(
            findings(two, ""),
            vec![(
                4,
                "request-addressee",
                "`to` (主送机关) names 2 offices for a 请示: 自治区人民政府、自治区财政厅".into()
            )]
        );
        assert_eq!(
            findings(
                "title: 关于某事的请示\nsigners: [张三]\nto: 自治区人民政府\n",
                ""
            ),
            vec![]
        );
    }

    #[test]
    fn an_upward_letter_is_not_copied_to_lower_offices() {
        let fm = |cc: &str| {
            format!(
                "title: 关于某事的报告\nsigners: [张三]\nissuer: 宁夏回族自治区自然资源厅\ncc: [{cc}]\n"
            )
        };
        assert_eq!(
            findings(&fm("自然资源部, 自治区财政厅, 银川市自然资源局"), ""),
            vec![(
                5,
                "upward-cc-lower",
                "`cc` (抄送机关) of a 报告 names `银川市自然资源局`, an office below `宁夏回族自治区自然资源厅`"
                    .into()
            )]
        );
        assert_eq!(findings(&fm("自然资源部, 自治区财政厅"), ""), vec![]);
    }
}
