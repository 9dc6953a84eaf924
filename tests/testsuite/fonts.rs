//! An office's licensed faces in `fonts/` win over the Fandol stand-ins.

use std::process::Command;

use crate::common::*;

/// The fixture's own fonts/ (a "SimHei") with gongwen's Fandol faces beside it.
fn licensed_fonts_project() -> Project {
    let project = Project::fixture("licensed-fonts");
    for entry in std::fs::read_dir(manifest().join("fonts")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "otf") {
            std::fs::copy(
                &path,
                project.root().join("fonts").join(path.file_name().unwrap()),
            )
            .unwrap();
        }
    }
    project
}

#[test]
fn a_licensed_face_in_fonts_wins() {
    let project = licensed_fonts_project();
    let out = project.build();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let pdf = project.output("heading.pdf");
    let fonts = Command::new("pdffonts")
        .arg(&pdf)
        .output()
        .expect("pdffonts runs");
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    let names: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .map(|n| n.rsplit('+').next().unwrap())
        .collect();
    assert!(
        names.iter().any(|n| n.starts_with("SimHei")),
        "the heading is set in the office's 黑体: {names:?}"
    );
    assert!(
        !names.iter().any(|n| n.starts_with("FandolHei")),
        "FandolHei still used: {names:?}"
    );
    assert!(
        names.iter().any(|n| n.starts_with("FandolFang")),
        "the body stays in FandolFang: {names:?}"
    );
    assert_in_order(
        &pdf_text(&pdf),
        "关于字体的函 一、总体要求 正文。",
        "heading letter",
    );
}

/// With a licensed 黑体 that lacks a character, the character falls back to
/// FandolHei, and one FandolHei lacks too to Noto Sans CJK SC; the warnings
/// name the licensed face, which the letter would use first.
#[test]
fn a_character_the_licensed_face_lacks_falls_back_and_is_named_against_it() {
    let project = licensed_fonts_project();
    project.write(
        "letters/heading.md",
        "---\ntitle: 关于字体的函\ndate: 2024-03-01\nissuer: 某单位\n---\n\n# 总体要求宁喆\n\n正文。\n",
    );
    let out = project.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    for expected in [
        "warning: letters/heading.md:7: 宁 (U+5B81) is not in SimHei; printed in FandolHei",
        "warning: letters/heading.md:7: 喆 (U+5586) is not in SimHei; printed in Noto Sans CJK SC",
    ] {
        assert!(err.contains(expected), "no `{expected}` in:\n{err}");
    }
    let fonts = Command::new("pdffonts")
        .arg(project.output("heading.pdf"))
        .output()
        .expect("pdffonts runs");
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    for face in ["SimHei", "FandolHei", "NotoSansCJKsc"] {
        assert!(fonts.contains(face), "no {face} in the PDF:\n{fonts}");
    }
}
