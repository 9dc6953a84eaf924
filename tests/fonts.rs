//! An office's licensed faces in `fonts/` win over the Fandol stand-ins.

mod common;

use std::process::Command;

use common::*;

#[test]
fn a_licensed_face_in_fonts_wins() {
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
