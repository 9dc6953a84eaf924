//! Every command explains itself in plain words, with examples.

use std::process::Command;

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(args)
        .arg("--help")
        .output()
        .expect("the gongwen binary runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_command_has_examples() {
    let top = help(&[]);
    for command in ["build", "check", "new", "watch", "serve", "clean", "doctor"] {
        assert!(
            top.contains(&format!("\n  {command} ")),
            "{command} is listed:\n{top}"
        );
    }
    assert!(top.contains("gongwen check --fix"), "{top}");
    for command in ["build", "check", "new", "watch", "serve", "clean"] {
        let text = help(&[command]);
        assert!(
            text.contains("Example"),
            "`gongwen {command} --help` has examples:\n{text}"
        );
        assert!(
            text.contains("-q, --quiet") && text.contains("-v, --verbose"),
            "{text}"
        );
    }
    // The rules of check are each named in its help.
    let check = help(&["check"]);
    for rule in [
        "document-number",
        "date-leading-zero",
        "half-width-punctuation",
        "heading-numbers",
        "enumeration-order",
        "title-punctuation",
        "addressee-colon",
        "attachment-names",
        "cc-full-stop",
    ] {
        assert!(check.contains(rule), "{rule} in:\n{check}");
    }
    assert!(
        !help(&["new"]).contains("--date"),
        "the test-only --date stays hidden"
    );
}
