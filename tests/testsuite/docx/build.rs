//! `outputs: [pdf, html, docx]` in `gongwen build`: the DOCX beside the PDF,
//! linked from the page and the index, remade only when its letter changes,
//! never under `output/` for a held-back letter, and refused when the list
//! leaves out the PDF or the page.

use crate::common::{stderr, Project};

fn letter(title: &str, extra: &str) -> String {
    format!("---\ntitle: {title}\nto: 某局\ndate: 2024-05-01\n{extra}---\n\n正文。\n")
}

fn project() -> Project {
    let project = Project::with_letters(&[
        (
            "2024/word.md",
            &letter("关于要Word文件的函", "outputs: [pdf, html, docx]\n"),
        ),
        ("2024/plain.md", &letter("关于只要PDF的函", "")),
        (
            "2024/secret.md",
            &letter(
                "关于机密事项的函",
                "secrecy: 秘密★1年\noutputs: [pdf, html, docx]\n",
            ),
        ),
    ]);
    let out = project.build();
    assert!(out.status.success(), "{}", stderr(&out));
    project
}

#[test]
fn the_docx_is_beside_the_pdf_and_linked_only_where_asked_for() {
    let project = project();
    let docx = std::fs::read(project.output("2024/word.docx")).expect("output/2024/word.docx");
    assert!(docx.starts_with(b"PK"), "a zip package");
    assert!(project.output("2024/word.pdf").is_file());
    assert!(
        !project.output("2024/plain.docx").exists(),
        "a DOCX nobody asked for"
    );
    assert!(
        project
            .read("2024/word.html")
            .contains("href=\"word.docx\""),
        "the page links its DOCX"
    );
    assert!(!project.read("2024/plain.html").contains(".docx"));
    let index = project.read("index.html");
    assert!(index.contains("2024/word.docx"), "the index links the DOCX");
    assert!(!index.contains("plain.docx"));
}

#[test]
fn a_held_back_letters_docx_is_never_under_output() {
    let project = project();
    assert!(
        project.root().join("restricted/2024/secret.docx").is_file(),
        "the held-back DOCX beside its PDF"
    );
    assert!(project.root().join("restricted/2024/secret.pdf").is_file());
    let published: Vec<String> = project
        .files()
        .into_iter()
        .filter(|f| f.contains("secret"))
        .collect();
    assert!(published.is_empty(), "{published:?}");
}

#[test]
fn the_docx_is_remade_only_when_it_must_be() {
    let project = project();
    let path = project.output("2024/word.docx");
    let first = std::fs::read(&path).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let out = project.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified,
        "an unchanged letter's DOCX was written again"
    );
    std::fs::remove_file(&path).unwrap();
    assert!(project.build().status.success());
    assert_eq!(
        std::fs::read(&path).expect("made again when gone"),
        first,
        "the same letter gives the same bytes"
    );
    // Asking for it no more removes it.
    project.write("letters/2024/word.md", letter("关于要Word文件的函", ""));
    assert!(project.build().status.success());
    assert!(!path.exists(), "a DOCX no letter asks for stays in output/");
}

#[test]
fn outputs_without_the_pdf_or_the_page_are_refused_by_name() {
    let project = Project::with_letters(&[
        ("2024/a.md", &letter("关于甲的函", "outputs: [docx]\n")),
        (
            "2024/b.md",
            &letter("关于乙的函", "outputs: [pdf, html, odt]\n"),
        ),
        ("2024/c.md", &letter("关于丙的函", "")),
    ]);
    let out = project.build();
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(
        err.contains(
            "letters/2024/a.md:5: `outputs` (输出文件): `pdf` and `html` are not both listed"
        ),
        "{err}"
    );
    assert!(
        err.contains("letters/2024/b.md:5: `outputs` (输出文件): unknown output `odt`"),
        "{err}"
    );
    assert!(
        project.output("2024/c.pdf").is_file(),
        "one bad letter stops no other"
    );
}
