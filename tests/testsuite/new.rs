//! `gongwen new`: a dated file under letters/<year>/ with the next 发文字号
//! of its series, never over an existing file, that `check` finds clean.

use crate::common::*;

fn new(project: &Project, args: &[&str]) -> (String, String) {
    let mut all = vec!["new", "--date", "2024-07-01"];
    all.extend(args);
    let out = gongwen(project.root(), &all);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    (path, text)
}

#[test]
fn the_next_number_of_the_series_and_a_free_file_name() {
    let project = Project::repo_letters();
    // The repo's 函 of 2024 is 宁自然资函〔2024〕33号; a badly written one still counts.
    std::fs::write(
        project.root().join("letters/2024/old.md"),
        "---\ntitle: 旧函\nnumber: 宁自然资函[2024]第040号\ndate: 2024-01-05\nformat: letter\n---\n",
    )
    .unwrap();

    let (path, text) = new(&project, &["--format", "letter", "关于某事的函"]);
    assert_eq!(
        path,
        project
            .root()
            .join("letters/2024/2024-07-01-1.md")
            .display()
            .to_string()
    );
    assert!(text.contains("\ntitle: 关于某事的函\n"), "{text}");
    assert!(text.contains("\ndate: 2024-07-01\n"), "{text}");
    assert!(
        text.contains("\nnumber: 宁自然资函〔2024〕41号\n"),
        "{text}"
    );
    assert!(text.contains("\nformat: letter\n"), "{text}");
    assert!(
        text.contains("#   issuer: 宁夏回族自治区自然资源厅\n"),
        "{text}"
    );

    // The next one counts the first, and gets a name of its own.
    let (second, text) = new(&project, &["--format", "letter", "关于另一事的函"]);
    assert!(second.ends_with("letters/2024/2024-07-01-2.md"), "{second}");
    assert!(
        text.contains("\nnumber: 宁自然资函〔2024〕42号\n"),
        "{text}"
    );

    // A 文件格式 letter takes the series of the latest 文件格式 letter, counted in its own year.
    let (_, text) = new(&project, &["--format", "document", "关于某事的通知"]);
    assert!(text.contains("\nnumber: 宁自然资发〔2024〕1号\n"), "{text}");

    std::fs::remove_file(project.root().join("letters/2024/old.md")).unwrap();
    let check = gongwen(project.root(), &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

#[test]
fn without_any_numbered_letter_the_number_is_left_to_fill_in() {
    let project = Project::fixture("check");
    for f in ["a-clean.md", "b-writing.md", "c-invalid.md"] {
        std::fs::remove_file(project.root().join("letters").join(f)).unwrap();
    }
    let (_, text) = new(&project, &["关于某事的函"]);
    assert!(text.contains("\nnumber:      # 发文字号"), "{text}");
    assert!(
        !text.contains("format:"),
        "the office default applies: {text}"
    );
    let (_, text) = new(&project, &["--series", "某函", "关于某事的函"]);
    assert!(text.contains("\nnumber: 某函〔2024〕1号\n"), "{text}");
}

#[test]
fn a_format_written_in_chinese_counts_as_that_format() {
    let project = Project::fixture("check");
    // The highest number is a 文件格式 one; the 函 series must still come
    // from the letter marked `format: 信函`, not from the latest letter at all.
    let letters = project.root().join("letters");
    for old in ["a-clean.md", "b-writing.md", "c-invalid.md"] {
        std::fs::remove_file(letters.join(old)).unwrap();
    }
    std::fs::write(
        letters.join("han.md"),
        "---\ntitle: 关于某事的函\nto: 某局\nnumber: 宁自然资函〔2024〕5号\ndate: 2024-03-01\nformat: 信函\n---\n\n正文。\n",
    )
    .unwrap();
    std::fs::write(
        letters.join("fa.md"),
        "---\ntitle: 关于某事的通知\nto: 某局\nnumber: 宁自然资发〔2024〕9号\ndate: 2024-05-01\nformat: 文件格式\n---\n\n正文。\n",
    )
    .unwrap();

    let (_, text) = new(&project, &["--format", "letter", "关于又一事的函"]);
    assert!(text.contains("\nnumber: 宁自然资函〔2024〕6号\n"), "{text}");
    assert!(text.contains("\nformat: letter\n"), "{text}");

    let out = gongwen(project.root(), &["new", "--format", "信函", "关于某事的函"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("[possible values: letter, document, order, minutes, plain]"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_order_and_minutes_get_their_own_keys_and_next_numbers() {
    let project = Project::with_letters(&[]);
    let letters = project.root().join("letters");
    std::fs::create_dir_all(&letters).unwrap();
    // A 令号 runs on across years, badly written or not; a 期号 starts again each year.
    std::fs::write(
        letters.join("ling.md"),
        "---\ntitle: 宁夏回族自治区人民政府令\nissuer: 宁夏回族自治区人民政府\nnumber: 第128号\ndate: 2023-11-01\nformat: 令\n---\n\n正文。\n",
    )
    .unwrap();
    std::fs::write(
        letters.join("jiyao-2024.md"),
        "---\ntitle: 厅务会议纪要\n期号: 第15期\ndate: 2024-03-15\nformat: 纪要\n---\n\n正文。\n",
    )
    .unwrap();
    std::fs::write(
        letters.join("jiyao-2023.md"),
        "---\ntitle: 厅务会议纪要\nnumber: 第40期\ndate: 2023-12-20\nformat: minutes\n---\n\n正文。\n",
    )
    .unwrap();

    let (order_file, order) = new(&project, &["--format", "order", "宁夏回族自治区人民政府令"]);
    for key in [
        "\nheader:",
        "\nnumber: 第129号\n",
        "\nformat: order\n",
        "\nsigners:",
        "\n# signature:",
    ] {
        assert!(order.contains(key), "{key}: {order}");
    }
    assert!(!order.contains("\nto:"), "a 令 has no 主送: {order}");

    let (minutes_file, minutes) = new(&project, &["--format", "minutes", "厅务会议纪要"]);
    for key in [
        "\nheader:",
        "\nnumber: 第16期\n",
        "\nformat: minutes\n",
        "\nattendees:\n  present:",
        "\n  absent:",
        "\n  observers:",
    ] {
        assert!(minutes.contains(key), "{key}: {minutes}");
    }
    assert!(!minutes.contains("\nto:"), "a 纪要 has no 主送: {minutes}");

    // What `new` writes, `check` reads without an error: the keys are known,
    // the numbers well formed. What it asks of them is what is left to fill
    // in: the 标志 and the 签发人 of the 令, the 标志 and the names present of
    // the 纪要.
    let check = gongwen(project.root(), &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    // Each finding at the line of its key, left empty in the draft.
    let asked = |file: &str| -> Vec<(usize, String)> {
        let name = std::path::Path::new(file)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        (stderr(&check).lines())
            .filter(|l| l.contains(&format!("/{name}:")))
            .filter_map(|l| {
                let (at, m) = l.split_once(": format-elements: ")?;
                let line = at.rsplit_once(':')?.1.parse().ok()?;
                Some((line, m.to_string()))
            })
            .collect()
    };
    let key_line =
        |text: &str, key: &str| text.lines().position(|l| l.starts_with(key)).unwrap() + 1;
    assert_eq!(
        asked(&order_file),
        [
            (
                key_line(&order, "header:"),
                "命令格式 prints a 发令机关标志, and `header` (发文机关标志) is not given".to_string()
            ),
            (
                key_line(&order, "signers:"),
                "命令格式 prints the 签发人's 职务 and 签名章 (or name), and `signers` (签发人) is not given".to_string()
            ),
        ],
        "{}",
        stderr(&check)
    );
    assert_eq!(
        asked(&minutes_file),
        [
            (
                key_line(&minutes, "header:"),
                "纪要格式 prints a 纪要标志, and `header` (发文机关标志) is not given".to_string()
            ),
            (
                key_line(&minutes, "attendees:"),
                "纪要格式 prints who attended, and `attendees` (出席人员) names no one present (出席)".to_string()
            ),
        ],
        "{}",
        stderr(&check)
    );
    assert!(stderr(&check).contains(" 0 errors, "), "{}", stderr(&check));
}
