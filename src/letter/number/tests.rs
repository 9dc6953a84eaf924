use super::*;

fn help(number: &str) -> String {
    check(number).unwrap_err().help
}

#[test]
fn accepts_the_standard_form() {
    assert_eq!(check("宁自然资函〔2022〕70号"), Ok(()));
    assert_eq!(check("国办发〔2024〕1号"), Ok(()));
}

#[test]
fn spells_out_the_fix_for_pasted_numbers() {
    assert_eq!(
        help("宁自然资函[2022]70号"),
        "write `宁自然资函〔2022〕70号`: the year goes in 六角括号 〔〕, not `[]`"
    );
    assert_eq!(
        help("宁自然资函（2022）第070号"),
        "write `宁自然资函〔2022〕70号`: the year goes in 六角括号 〔〕, not `（）`; \
         no 第 before the number; no leading zero in the number"
    );
    assert_eq!(
        help("宁自然资函〔２０２２〕7"),
        "write `宁自然资函〔2022〕7号`: digits are half-width (0-9); the number ends with 号"
    );
    assert_eq!(
        check("宁自然资函〔2022〕70号").map_err(|e| e.message),
        Ok(())
    );
}

#[test]
fn numbers_beyond_repair_get_the_pattern() {
    for bad in [
        "70号",
        "〔2022〕70号",
        "宁自然资函2022年70号",
        "函〔22〕7号",
        "函〔2022〕0号",
        "函〔2022〕7号附",
    ] {
        let e = check(bad).unwrap_err();
        assert_eq!(
            e.message,
            format!("`{bad}` is not of the form 机关代字〔年份〕序号号")
        );
        assert!(
            e.help.starts_with("write it as 机关代字〔年份〕序号号"),
            "{bad}: {}",
            e.help
        );
    }
}

#[test]
fn finds_numbers_in_running_text() {
    let text = "根据宁政发〔2023〕5号文件和宁政办发[2023]第07号，以及本办法（2023）5条。";
    let found = in_text(text);
    assert_eq!(found.len(), 2);
    assert_eq!(&text[found[0].range.clone()], "根据宁政发〔2023〕5号");
    assert!(found[0].problems.is_empty());
    assert_eq!(&text[found[1].tail.clone()], "[2023]第07号");
    assert_eq!(found[1].tail_written_right, "〔2023〕7号");
    assert_eq!(
        found[1].problems,
        vec![
            "the year goes in 六角括号 〔〕, not `[]`",
            "no 第 before the number",
            "no leading zero in the number"
        ]
    );
}

#[test]
fn an_order_takes_a_ling_hao_and_minutes_a_qi_hao() {
    assert_eq!(check_for("第128号", Format::Order), Ok(()));
    assert_eq!(check_for("第15期", Format::Minutes), Ok(()));
    // 第128号 is no 发文字号, and a 发文字号 no 令号.
    assert_eq!(
        check_for("第128号", Format::Document).unwrap_err().message,
        "`第128号` is not of the form 机关代字〔年份〕序号号"
    );
    assert!(check_for("宁政令〔2024〕1号", Format::Order).is_err());
    assert_eq!(
        check_for("第0128号", Format::Order).unwrap_err().help,
        "write `第128号`: no leading zero in the number"
    );
    assert_eq!(
        check_for("15", Format::Minutes).unwrap_err().help,
        "write `第15期`: 第 before the number; the number ends with 期"
    );
    assert_eq!(
        check_for("第十五期", Format::Minutes).unwrap_err().help,
        "write the 期号 as 第序号期, e.g. `第15期`"
    );
}
