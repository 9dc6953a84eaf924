//! `gongwen check` on a fixture folder: every rule of 公文 it knows, found
//! with file, line, rule and fix; `--fix` corrects the safe ones in place.

use std::process::Command;

use crate::common::*;

#[test]
fn every_rule_is_named_with_its_line_and_fix() {
    let project = Project::fixture("check");
    let out = gongwen(project.root(), &["check"]);
    assert_eq!(out.status.code(), Some(1), "errors make check fail");
    assert!(out.stdout.is_empty());
    insta::assert_snapshot!(stderr(&out));
    assert!(
        !project.root().join("output").exists(),
        "check builds nothing"
    );
}

#[test]
fn fix_corrects_the_safe_findings_in_place_and_keeps_the_rest() {
    let project = Project::fixture("check");
    let letter = project.root().join("letters/b-writing.md");
    let out = gongwen(project.root(), &["check", "--fix"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("fixed_letter", std::fs::read_to_string(&letter).unwrap());
    insta::assert_snapshot!("after_fix", stderr(&out));
    // The attachment's own file is held to the rules of the text, and fixed too.
    let attachment = project.root().join("letters/_attachments/table.md");
    assert!(std::fs::read_to_string(attachment)
        .unwrap()
        .ends_with("\n填报时间：2024年3月1日\n"));
    // A second run finds nothing more to fix.
    let again = gongwen(project.root(), &["check", "--fix"]);
    assert!(
        stderr(&again).ends_with("; fixed 0 problems in 0 files\n"),
        "{}",
        stderr(&again)
    );
    let untouched =
        std::fs::read(manifest().join("tests/fixtures/check/letters/a-clean.md")).unwrap();
    assert_eq!(
        std::fs::read(project.root().join("letters/a-clean.md")).unwrap(),
        untouched
    );
}

#[test]
fn warnings_alone_pass_and_quiet_hides_them() {
    let project = Project::fixture("check");
    for f in ["b-writing.md", "c-invalid.md"] {
        std::fs::remove_file(project.root().join("letters").join(f)).unwrap();
    }
    let letter = project.root().join("letters/a-clean.md");
    let text = std::fs::read_to_string(&letter).unwrap();
    std::fs::write(&letter, text.replace("经研究，", "经研究,")).unwrap();

    let out = gongwen(project.root(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "warning: letters/a-clean.md:8: half-width-punctuation: half-width `,` in Chinese text\n  \
         fix: write `，` (`gongwen check --fix` does this)\nchecked 1 letter: 0 errors, 1 warning\n"
    );
    let quiet = gongwen(project.root(), &["check", "-q"]);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(stderr(&quiet), "");
    let verbose = gongwen(project.root(), &["-v", "check"]);
    assert!(stderr(&verbose).contains("warning: letters/a-clean.md:8"));
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let project = Project::fixture("check");
    let piped = gongwen(project.root(), &["check"]);
    assert!(!stderr(&piped).contains('\u{1b}'), "no colour into a pipe");

    // `script` gives the command a terminal of its own.
    let on_terminal = |no_color: bool| {
        let mut c = Command::new("script");
        c.args(["-qec"])
            .arg(format!(
                "{} check --root {}",
                env!("CARGO_BIN_EXE_gongwen"),
                project.root().display()
            ))
            .arg("/dev/null")
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE");
        if no_color {
            c.env("NO_COLOR", "1");
        }
        let out = c.output().expect("script (util-linux) runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let coloured = on_terminal(false);
    assert!(
        coloured.contains("\u{1b}[1m\u{1b}[31merror:"),
        "{coloured:?}"
    );
    assert!(
        coloured.contains("\u{1b}[1m\u{1b}[33mwarning:"),
        "{coloured:?}"
    );
    let plain = on_terminal(true);
    assert!(plain.contains("error: letters/b-writing.md:5"), "{plain:?}");
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
}

#[test]
fn a_request_with_ten_mistakes_gives_ten_findings_and_written_right_none() {
    let project = Project::fixture("check-request");
    let out = gongwen(project.root(), &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let stderr = stderr(&out);
    let findings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error:") || l.starts_with("warning:"))
        .collect();
    assert_eq!(findings.len(), 10, "{stderr}");
    assert!(
        findings.iter().all(|l| l.contains("letters/a-wrong.md:")),
        "the request written right has no finding:\n{stderr}"
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn fix_mends_only_what_cannot_change_the_meaning() {
    let project = Project::fixture("check-request");
    let out = gongwen(project.root(), &["check", "--fix"]);
    assert!(
        stderr(&out).ends_with("; fixed 3 problems in 1 file\n"),
        "{}",
        stderr(&out)
    );
    let fixed = std::fs::read_to_string(project.root().join("letters/a-wrong.md")).unwrap();
    // The hyphen, the percentage and 号; the title, the citation, 23年, 《 and 等等…… are the author's to mend.
    assert!(fixed.contains("实施了2021—2023年生态"), "{fixed}");
    assert!(fixed.contains("比上年增长15%。目前仍有《贺兰山"), "{fixed}");
    assert!(fixed.contains("经6月5日厅务会"), "{fixed}");
    assert!(fixed.contains("宁政发〔2023〕5号文件《关于") && fixed.contains("23年底，"));
}

#[test]
fn the_projects_own_letters_check_clean() {
    let out = gongwen(&manifest(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("warning:") && !stderr(&out).contains("error:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn explain_gives_a_rules_source_and_help_lists_every_rule() {
    let project = Project::fixture("check-request");
    let out = gongwen(project.root(), &["check", "--explain", "upward-signer"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "upward-signer (行文, error)\n  looks for: a 请示 or 报告 (上行文) without `signers` (签发人)\n  \
         source:    《党政机关公文处理工作条例》第九条（六） (上行文应当标注签发人姓名); GB/T 9704-2012 7.2.5\n  \
         --fix:     no\n"
    );
    let wrong = gongwen(project.root(), &["check", "--explain", "upward-signers"]);
    assert_eq!(wrong.status.code(), Some(1));
    assert_eq!(
        stderr(&wrong),
        "error: no rule is named `upward-signers`\n  help: did you mean `upward-signer`?\n"
    );
    let help = gongwen(project.root(), &["check", "--help"]);
    let help = String::from_utf8(help.stdout).unwrap();
    for rule in gongwen::lint::rules::RULES {
        assert!(
            help.contains(&format!("  {} ", rule.name)),
            "{} is not in check --help",
            rule.name
        );
    }
}

#[test]
fn a_ling_hao_passes_in_an_order_and_fails_in_a_document() {
    let order =
        "---\ntitle: 宁夏回族自治区人民政府令\nheader: 宁夏回族自治区人民政府令\nnumber: 第128号\n\
                 signers: 自治区主席 张雨浦\ndate: 2024-03-20\nformat: order\n---\n\n现予公布。\n";
    let minutes = "---\ntitle: 厅务会议纪要\nheader: 宁夏回族自治区自然资源厅厅务会议纪要\n\
                   number: 第15期\ndate: 2024-03-15\nformat: 纪要格式\n\
                   attendees: {出席: [王建军（厅长）], 请假: 陈玉明（副厅长）}\n---\n\n会议议定如下。\n";
    let project = Project::with_letters(&[("order.md", order), ("minutes.md", minutes)]);
    let out = gongwen(project.root(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "checked 2 letters: 0 errors, 0 warnings\n");

    // The same 令号 in a 文件格式 letter is no 发文字号: one error, from the rule, said once.
    project.write(
        "letters/order.md",
        order.replace("format: order", "format: document"),
    );
    let out = gongwen(project.root(), &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stderr(&out);
    let errors: Vec<&str> = text.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(
        errors,
        ["error: letters/order.md:4: document-number: 发文字号 `第128号` has no year in 〔〕"],
        "{}",
        stderr(&out)
    );
}
