//! Letters with mistakes: each bad letter is reported with its file, line and
//! field, the others still build, and nothing half-written is left in
//! `output/`. (Letters that try to be code are in `hostile.rs`.)

use std::process::Command;

use crate::common::*;

/// stderr, with the timing taken out of its summary line.
fn messages(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let (body, summary) = text
        .trim_end()
        .rsplit_once('\n')
        .expect("messages and a summary");
    // "built 1 letter into output/ in 0.1s; 7 failed (see above)"
    let (head, tail) = summary.split_once(" in ").expect("a timing");
    format!(
        "{body}\n{head}{}",
        tail.find(';').map_or("", |i| &tail[i..])
    )
}

#[test]
fn every_mistake_is_named_and_the_good_letter_still_builds() {
    let project = Project::fixture("mistakes");
    let out = project.build();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(messages(&out.stderr));
    let files: Vec<String> = project
        .files()
        .into_iter()
        .filter(|f| !f.starts_with("assets/") && !f.starts_with("_by/"))
        .collect();
    assert_eq!(
        files,
        vec!["a-good.html", "a-good.pdf", "a-good.png", "index.html"]
    );
    let index = project.read("index.html");
    assert!(index.contains("a-good.html") && !index.contains("b-typo"));
}

#[test]
fn a_failed_letter_keeps_its_last_good_output() {
    let project = Project::fixture("mistakes");
    let good = project.root().join("letters/a-good.md");
    project.build();
    let before = std::fs::read(project.output("a-good.pdf")).unwrap();
    let text = std::fs::read_to_string(&good).unwrap();
    std::fs::write(&good, text.replace("date: 2024-03-01", "date: 2024-13-01")).unwrap();
    let out = project.build();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error: letters/a-good.md:4: `date` (成文日期): 2024-13-01 is not a date in the calendar"), "{stderr}");
    assert_eq!(std::fs::read(project.output("a-good.pdf")).unwrap(), before);
    project.assert_no_scratch();
}

#[test]
fn a_letter_saved_as_gbk_is_named_with_its_line() {
    let project = Project::fixture("mistakes");
    let mut bytes = b"---\ntitle: x\nto: ".to_vec();
    bytes.extend_from_slice(&[0xb9, 0xd8, 0xd3, 0xda]); // 关于 in GBK
    bytes.extend_from_slice(b"\ndate: 2024-03-01\n---\n");
    std::fs::write(project.root().join("letters/z-gbk.md"), bytes).unwrap();
    // An attachment's own pages, saved from Word too.
    std::fs::write(
        project.root().join("letters/y-attachment.md"),
        "---\ntitle: 关于附件的函\ndate: 2024-03-01\nattachments: [{name: 表, file: _table.md}]\n---\n",
    )
    .unwrap();
    std::fs::write(
        project.root().join("letters/_table.md"),
        [b"# \xe8\xa1\xa8\n\n".as_slice(), &[0xb1, 0xed]].concat(),
    )
    .unwrap();
    let stderr = String::from_utf8_lossy(&project.build().stderr).into_owned();
    assert!(
        stderr.contains(
            "error: letters/_table.md:3:1: the file is not UTF-8 text (it may be GBK, \
             as Word and Notepad save by default)\n  help: save it again as UTF-8"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "error: letters/z-gbk.md:3:5: `to` (主送机关): the file is not UTF-8 text (it may be GBK, \
             as Word and Notepad save by default)\n  help: save it again as UTF-8"
        ),
        "{stderr}"
    );
}

#[test]
fn a_typo_in_the_office_config_stops_the_build_and_is_named() {
    let project = Project::fixture("mistakes");
    std::fs::write(
        project.root().join("gongwen.yaml"),
        "issuer: 某局\nprinter: 某局办公室\nprnter_date: 2024-01-01\n",
    )
    .unwrap();
    let out = project.build();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim_end(),
        "error: gongwen.yaml:3: unknown key `prnter_date`\n  help: did you mean `print_date`?"
    );
}

#[test]
fn images_are_embedded_and_copied() {
    let project = Project::fixture("features");
    assert!(project.build().status.success());
    let pdf = project.output("figure.pdf");
    let list = Command::new("pdfimages")
        .arg("-list")
        .arg(&pdf)
        .output()
        .expect("pdfimages runs");
    let list = String::from_utf8_lossy(&list.stdout);
    let sizes: Vec<Vec<&str>> = list
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|cols| cols.get(2) == Some(&"image"))
        .map(|cols| cols[3..5].to_vec())
        .collect();
    assert_eq!(
        sizes,
        vec![vec!["120", "120"]],
        "the image is in the PDF:\n{list}"
    );
    let html = project.read("figure.html");
    assert!(
        html.contains("<img src=\"media/letters/map.png\" alt=\"示意图\""),
        "{html}"
    );
    assert_eq!(
        std::fs::read(project.output("media/letters/map.png")).unwrap(),
        std::fs::read(project.root().join("letters/map.png")).unwrap()
    );
    assert_in_order(&pdf_text(&pdf), "下图为示意图。图后正文。", "figure letter");
}

#[test]
fn a_typst_failure_is_reported_against_its_letter() {
    let project = Project::fixture("features");
    let letters = project.root().join("letters");
    std::fs::write(letters.join("broken.png"), b"not a png at all").unwrap();
    std::fs::write(
        letters.join("broken.md"),
        "---\ntitle: 关于坏图的函\ndate: 2024-03-03\nissuer: 某单位\n---\n\n![坏图](broken.png)\n",
    )
    .unwrap();
    let out = project.build();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: letters/broken.md: typst could not lay out the letter:\n"),
        "{stderr}"
    );
    assert!(stderr.contains("built 1 letter into output/"), "{stderr}");
    assert!(!project.output("broken.pdf").exists() && !project.output("broken.html").exists());
    project.assert_no_scratch();
}

#[test]
fn a_typst_that_does_not_run_is_named() {
    let project = Project::fixture("features");
    let out = Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(["build", "--root"])
        .arg(project.root())
        .env("GONGWEN_TYPST", "/nonexistent/typst")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: GONGWEN_TYPST=/nonexistent/typst does not run: "),
        "{stderr}"
    );
}
